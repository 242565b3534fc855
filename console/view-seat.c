/*
 * view-seat.c: the call-centre seat's console (受理员).  The incoming
 * queue: cases reported, being verified, verified, handled or being
 * checked, by the nearest deadline, with the working time left, read
 * once with case.list and kept by the pushes of a watch on the seat's
 * role, as the dispatcher's console does.  On it the seat sends
 * verification and check tasks, records their results and merges
 * duplicates.  The report key opens the form for a hotline call
 * (widget-form.c): caller, phone, description, the class picked by
 * code, Chinese text or pinyin initials, the place by address search
 * or grid code; case.new registers it, and a likely duplicate it names
 * can be merged with one key.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "console.h"

#define SEAT_STATES	"reported,verifying,verified,handled,checking"
#define SEAT_LIMIT	2000

enum seat_col {
	COL_SOURCE = CASE_COL_COMMON,
	COL_GRID, COL_ADDRESS, COL_COUNT
};
static const struct list_col seat_cols[COL_COUNT] = {
	CASE_LIST_COLS,
	[COL_SOURCE] =	{ "来源", 8, 110 },
	[COL_GRID] =	{ "网格", 15, 140 },
	[COL_ADDRESS] =	{ "地址", 0, 110 },
};

static const enum keymap_action seat_actions[] = {
	ACT_REPORT, ACT_VERIFY, ACT_VERIFY_OK, ACT_VERIFY_NO, ACT_CHECK,
	ACT_CHECK_OK, ACT_CHECK_NO, ACT_MERGE, ACT_DETAIL, ACT_REFRESH,
	ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_FIRST, ACT_LAST,
	ACT_REDRAW, ACT_HELP, ACT_QUIT, ACT_NONE
};

/* A step on the selected case: the action, its label, its result. */
static const struct seat_step {
	enum keymap_action	 act;
	const char		*op;
	const char		*label;
	const char		*result;
} seat_steps[] = {
	{ ACT_VERIFY, "case.verify", "派核实", NULL },
	{ ACT_VERIFY_OK, "case.verified", "核实属实", "confirmed" },
	{ ACT_VERIFY_NO, "case.verified", "核实不属实", "not_found" },
	{ ACT_CHECK, "case.check", "派核查", NULL },
	{ ACT_CHECK_OK, "case.checked", "核查通过", "passed" },
	{ ACT_CHECK_NO, "case.checked", "核查未通过", "failed" },
};

static const char *const seat_kept[] = { "warn_at", NULL };
static const struct case_list_kind seat_kind = {
	.states = SEAT_STATES,
	.limit = SEAT_LIMIT,
	.flags = CASE_LIST_OPEN,
	.kept = seat_kept,
};

struct seat {
	struct console		*con;
	struct case_list	 cl;		/* the queue, kept */
	json_t			*classes;	/* class.list */
	struct form		*form;		/* the new report, or NULL */
	char			 dup_case[32];	/* just registered, and */
	char			 dup_of[32];	/* the case it may repeat */
	unsigned		 serial;	/* for client_ref */
};

struct seat_req {
	struct seat	*s;
	char		 case_no[32];
	char		 label[32];
};



static void
seat_reply_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct seat *s = arg;

	if (result == NULL)
		console_message(s->con, "请求失败: %s", err->message);
}

static void
seat_classes_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct seat *s = arg;

	if (result == NULL) {
		console_message(s->con, "读取类别失败: %s", err->message);
		return;
	}
	json_decref(s->classes);
	s->classes = json_incref(result);
	if (s->form != NULL)
		form_set_classes(s->form, s->classes);
}

/* Connected, or again: watch first, then read, so nothing falls between. */
static void
seat_up(struct console *con, void *arg)
{
	struct seat *s = arg;

	conn_request(con->conn, "watch", json_pack("{s:s, s:s}", "scope", "role",
	    "value", con->view->role), seat_reply_done, s);
	conn_request(con->conn, "class.list", json_object(), seat_classes_done, s);
	case_list_up(&s->cl);
}

static void
seat_event(struct console *con, void *arg, json_t *ev)
{
	struct seat *s = arg;

	case_list_event(&s->cl, ev);
}


static const char *
seat_cell(void *arg, int row, int col, attr_t *attr)
{
	struct seat *s = arg;
	json_t *c = json_array_get(s->cl.rows, (size_t)row);

	switch (col) {
	case COL_SOURCE:
		return cli_print_label(jstr(c, "source"));
	case COL_GRID:
		return jstr_or(c, "grid");
	case COL_ADDRESS:
		return jstr_or(c, "address");
	}
	return case_list_cell(&s->cl, c, col, attr);
}

static void
seat_draw_detail(struct seat *s, WINDOW *w, int y, int lines)
{
	json_t *c = case_list_selected(&s->cl);
	char line[1024];
	int cols = getmaxx(w);

	mvwhline(w, y, 0, ACS_HLINE, cols);
	if (s->dup_of[0] != '\0') {
		snprintf(line, sizeof line, "%s 可能与 %s 重复: 按 merge 键 (m) 合并, 其他键忽略",
		    s->dup_case, s->dup_of);
		tty_put(w, y + 1, 0, cols, line, tty_attr(TTY_WARN));
		return;
	}
	if (c == NULL) {
		tty_put(w, y + 1, 0, cols, s->cl.loading ? "读取中…" :
		    "没有待受理的案卷; 按 n 登记热线来电", A_NORMAL);
		return;
	}
	snprintf(line, sizeof line, "%s %s: %s", jstr(c, "case_no"),
	    jstr(c, "class_name"), jstr(c, "description"));
	tty_put(w, y + 1, 0, cols, line, A_NORMAL);
	if (lines < 3)
		return;
	snprintf(line, sizeof line, "地址: %s  网格: %s  来源: %s",
	    jstr_or(c, "address"), jstr_or(c, "grid"), cli_print_label(jstr(c, "source")));
	tty_put(w, y + 2, 0, cols, line, A_NORMAL);
}

static void
seat_draw(struct console *con, void *arg, WINDOW *w)
{
	struct seat *s = arg;
	int h = getmaxy(w), detail = h >= 30 ? 3 : 2;
	WINDOW *lw;

	werase(w);
	if (s->form != NULL) {
		form_draw(s->form, w);
		return;
	}
	if (h <= detail + 1)
		detail = 0;
	if ((lw = derwin(w, h - detail, getmaxx(w), 0, 0)) == NULL)
		return;
	list_draw(&s->cl.list, lw, seat_cell, s);
	delwin(lw);
	if (detail > 0)
		seat_draw_detail(s, w, h - detail, detail);
}

static void
seat_step_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct seat_req *r = arg;

	if (result == NULL)
		console_message(r->s->con, "%s %s 未完成: %s", r->case_no, r->label,
		    err->message);
	else
		console_message(r->s->con, "%s %s完成", r->case_no, r->label);
	free(r);
}

/* A workflow step on a case; args has what the step takes beyond it. */
static void
seat_send(struct seat *s, const char *case_no, const char *op,
    const char *label, json_t *args)
{
	struct seat_req *r = xcalloc(1, sizeof *r);

	r->s = s;
	snprintf(r->case_no, sizeof r->case_no, "%s", case_no);
	snprintf(r->label, sizeof r->label, "%s", label);
	json_object_set_new(args, "case", json_string(case_no));
	if (conn_request(s->con->conn, op, args, seat_step_done, r) != 0) {
		console_message(s->con, "未连接 citygridd, %s 未发出", label);
		free(r);
		return;
	}
	console_message(s->con, "%s %s…", case_no, label);
}

static void
seat_step(struct seat *s, json_t *c, const struct seat_step *st)
{
	json_t *args = json_pack("{s:I}", "version", jnum(c, "row_version"));

	if (st->result != NULL)
		json_object_set_new(args, "result", json_string(st->result));
	seat_send(s, jstr(c, "case_no"), st->op, st->label, args);
}

static void
seat_merge_answer(struct console *con, const char *target, void *arg)
{
	struct seat *s = con->state;
	json_t *c = case_list_find(&s->cl, (json_int_t)(intptr_t)arg);

	if (target == NULL || *target == '\0') {
		console_message(con, "合并已取消");
		return;
	}
	if (c == NULL) {
		console_message(con, "案卷已不在列表中, 合并未发出");
		return;
	}
	seat_send(s, jstr(c, "case_no"), "case.merge", "合并", json_pack("{s:s}", "duplicate_of", target));
}

/* The form was submitted: case.new answered. */
static void
seat_new_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct seat *s = arg;

	if (result == NULL) {
		if (s->form != NULL)
			form_failed(s->form);
		console_message(s->con, "登记失败: %s", err->message);
		return;
	}
	form_free(s->form);
	s->form = NULL;
	snprintf(s->dup_case, sizeof s->dup_case, "%s", jstr(result, "case_no"));
	snprintf(s->dup_of, sizeof s->dup_of, "%s", jstr(result, "likely_duplicate"));
	if (s->dup_of[0] != '\0')
		console_message(s->con, "已登记 %s; 可能与 %s 重复", s->dup_case,
		    s->dup_of);
	else
		console_message(s->con, "已登记 %s", s->dup_case);
}

static void
seat_submit(struct console *con, json_t *args, void *arg)
{
	struct seat *s = arg;
	char ref[64];

	snprintf(ref, sizeof ref, "seat-%ld-%ld-%u", (long)getpid(),
	    (long)time(NULL), ++s->serial);
	json_object_set_new(args, "source", json_string("hotline"));
	json_object_set_new(args, "client_ref", json_string(ref));
	if (conn_request(con->conn, "case.new", args, seat_new_done, s) != 0) {
		form_failed(s->form);
		console_message(con, "未连接 citygridd, 未登记");
		return;
	}
	console_message(con, "登记中…");
}

static void
seat_form_closed(struct console *con, void *arg)
{
	struct seat *s = arg;

	form_free(s->form);
	s->form = NULL;
	console_message(con, "登记已取消");
}

static void
seat_report(struct seat *s)
{
	s->form = form_new(s->con, seat_submit, seat_form_closed, s);
	if (s->classes != NULL)
		form_set_classes(s->form, s->classes);
	else
		conn_request(s->con->conn, "class.list", json_object(),
		    seat_classes_done, s);
}

/* Keys go to the form while it is up, and the duplicate hint takes one. */
static int
seat_key(struct console *con, void *arg, wint_t wc, int fn)
{
	struct seat *s = arg;
	int key = fn ? (int)wc | KEYMAP_FN : (int)wc;

	if (s->form != NULL)
		return form_key(s->form, wc, fn);
	if (s->dup_of[0] == '\0' || con->help)
		return 0;
	if (keymap_lookup(con->keymap, key) == ACT_MERGE)
		seat_send(s, s->dup_case, "case.merge", "合并",
		    json_pack("{s:s}", "duplicate_of", s->dup_of));
	else
		console_message(con, "%s 不合并", s->dup_case);
	s->dup_of[0] = '\0';
	console_dirty(con);
	return 1;
}

static int
seat_action(struct console *con, void *arg, int a)
{
	struct seat *s = arg;
	json_t *c = case_list_selected(&s->cl);
	char q[128];
	size_t i;

	if (case_list_action(&s->cl, a))
		return 1;
	if (a == ACT_REPORT) {
		seat_report(s);
		return 1;
	}
	if (c == NULL) {
		console_message(con, "没有选中的案卷");
		return 1;
	}
	if (a == ACT_DETAIL) {
		detail_open(con, jstr(c, "case_no"));
		return 1;
	}
	for (i = 0; i < sizeof seat_steps / sizeof seat_steps[0]; i++) {
		if (seat_steps[i].act == (enum keymap_action)a) {
			seat_step(s, c, &seat_steps[i]);
			return 1;
		}
	}
	if (a != ACT_MERGE)
		return 0;
	snprintf(q, sizeof q, "把 %s 合并到案卷号: ", jstr(c, "case_no"));
	con->prompt = prompt_new(q, seat_merge_answer, (void *)(intptr_t)jnum(c, "id"));
	return 1;
}

static void
seat_tick(struct console *con, void *arg)
{
	console_dirty(con);
}

static void *
seat_open(struct console *con)
{
	struct seat *s = xcalloc(1, sizeof *s);

	s->con = con;
	case_list_init(&s->cl, con, &seat_kind, seat_cols, COL_COUNT);
	return s;
}

static void
seat_close(void *arg)
{
	struct seat *s = arg;

	form_free(s->form);
	case_list_free(&s->cl);
	json_decref(s->classes);
	free(s);
}

const struct view view_seat = {
	.name = "seat",
	.role = "seat",
	.title = "受理",
	.actions = seat_actions,
	.open = seat_open,
	.close = seat_close,
	.up = seat_up,
	.event = seat_event,
	.action = seat_action,
	.draw = seat_draw,
	.tick = seat_tick,
	.key = seat_key,
};
