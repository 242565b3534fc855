/*
 * view-dept.c: a department's console (专业部门, 协同).  One list: the
 * department's cases it acts on, dispatched (to accept or return) and
 * handling (to feed back, or to ask for more time or a postponement),
 * and its requests the dispatcher has not yet answered (extending,
 * postponing), by the nearest deadline, with the working time left
 * coloured as in the dispatcher's console.  The daemon gives a
 * department user only the department's cases; the watch is on the
 * department's code from hello.  As in view-dispatch.c a pushed case
 * carries no warning instant or unit, so a changed deadline asks for
 * one coalesced case.list.
 *
 * The photos of a feedback are files: they are sent to the store first
 * (media.c, in chunks), then the step goes with their hashes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

#define DEPT_STATES	"dispatched,handling,extending,postponing"
#define DEPT_LIMIT	2000

enum dept_col {
	COL_CREATED = CASE_COL_COMMON,
	COL_GRID, COL_ADDRESS, COL_DESC, COL_COUNT
};
static const struct list_col dept_cols[COL_COUNT] = {
	CASE_LIST_COLS,
	[COL_CREATED] =	{ "登记", 11, 100 },
	[COL_GRID] =	{ "网格", 15, 120 },
	[COL_ADDRESS] =	{ "地址", 0, 0 },
	[COL_DESC] =	{ "问题描述", 0, 150 },
};

static const enum keymap_action dept_actions[] = {
	ACT_ACCEPT, ACT_RETURN, ACT_EXTEND, ACT_POSTPONE, ACT_FEEDBACK,
	ACT_DETAIL, ACT_REFRESH, ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP,
	ACT_FIRST, ACT_LAST, ACT_REDRAW, ACT_HELP, ACT_QUIT, ACT_NONE
};

static const char *const dept_kept[] = { "warn_at", "unit", "paused",
	"created", NULL };
static const struct case_list_kind dept_kind = {
	.states = DEPT_STATES,
	.limit = DEPT_LIMIT,
	.flags = CASE_LIST_DEADLINE_FIRST | CASE_LIST_ANNOUNCE,
	.kept = dept_kept,
};

struct dept {
	struct console		*con;
	struct case_list	 cl;		/* the cases, kept */
	json_int_t		 ask_id;	/* the case a question is about */
	double			 amount;	/* an extension asked for */
	char			*text;		/* a feedback's result, asked for */
};



/* Connected, or again: watch the department first, then read. */
static void
dept_up(struct console *con, void *arg)
{
	struct dept *d = arg;
	json_t *op = json_object_get(conn_hello(con->conn), "operator");
	const char *code = jstr(op, "department_code");

	if (*code == '\0')
		console_message(con, "操作员不属于任何部门, 无法订阅推送");
	else
		case_list_watch(&d->cl, "department", code);
	case_list_up(&d->cl);
}

static void
dept_event(struct console *con, void *arg, json_t *ev)
{
	struct dept *d = arg;

	case_list_event(&d->cl, ev);
}


static const char *
dept_cell(void *arg, int row, int col, attr_t *attr)
{
	struct dept *d = arg;
	json_t *c = json_array_get(d->cl.rows, (size_t)row);

	switch (col) {
	case COL_CREATED:
		return jstr_or(c, "created");
	case COL_GRID:
		return jstr_or(c, "grid");
	case COL_ADDRESS:
		return jstr_or(c, "address");
	case COL_DESC:
		return jstr_or(c, "description");
	}
	return case_list_cell(&d->cl, c, col, attr);
}

/* The case a step is for: the detail pane's if it is up, else the selected. */
static json_t *
dept_selected(struct dept *d)
{
	json_t *row;
	size_t i;

	if (d->con->detail == NULL)
		return case_list_selected(&d->cl);
	json_array_foreach(d->cl.rows, i, row) {
		if (strcmp(jstr(row, "case_no"), detail_case(d->con->detail)) == 0)
			return row;
	}
	return NULL;
}

/* The selected case's description under the list. */
static void
dept_draw_detail(struct dept *d, WINDOW *w, int y, int lines)
{
	json_t *c = dept_selected(d);
	char line[1024];
	int cols = getmaxx(w);

	mvwhline(w, y, 0, ACS_HLINE, cols);
	if (c == NULL) {
		tty_put(w, y + 1, 0, cols, d->cl.loading ? "读取中…" :
		    "本部门没有待接收或处置中的案卷", A_NORMAL);
		return;
	}
	snprintf(line, sizeof line, "%s %s: %s", jstr(c, "case_no"),
	    jstr(c, "class_name"), jstr(c, "description"));
	tty_put(w, y + 1, 0, cols, line, A_NORMAL);
	if (lines < 3)
		return;
	snprintf(line, sizeof line, "地址: %s  网格: %s  来源: %s  (Enter 看详情)",
	    jstr_or(c, "address"), jstr(c, "grid"),
	    cli_print_label(jstr(c, "source")));
	tty_put(w, y + 2, 0, cols, line, A_NORMAL);
}

static void
dept_draw(struct console *con, void *arg, WINDOW *w)
{
	struct dept *d = arg;
	int h = getmaxy(w), detail = h >= 30 ? 3 : 2;
	WINDOW *lw;

	werase(w);
	if (h <= detail + 1)
		detail = 0;
	if ((lw = derwin(w, h - detail, getmaxx(w), 0, 0)) == NULL)
		return;
	list_draw(&d->cl.list, lw, dept_cell, d);
	delwin(lw);
	if (detail > 0)
		dept_draw_detail(d, w, h - detail, detail);
}

/* The case a question was about, if it is still listed. */
static json_t *
dept_asked(struct console *con, const char *answer, const char *what)
{
	struct dept *d = con->state;
	json_t *c;

	if (answer == NULL || *answer == '\0') {
		console_message(con, "%s已取消", what);
		return NULL;
	}
	if ((c = case_list_find(&d->cl, d->ask_id)) == NULL)
		console_message(con, "案卷已不在列表中, %s未发出", what);
	return c;
}

static void
dept_return_answer(struct console *con, const char *reason, void *arg)
{
	json_t *c = dept_asked(con, reason, "回退");

	if (c != NULL)
		case_step(con, c, "return", "回退",
		    json_pack("{s:s}", "reason", reason));
}

static void
dept_postpone_answer(struct console *con, const char *reason, void *arg)
{
	json_t *c = dept_asked(con, reason, "缓办申请");

	if (c != NULL)
		case_step(con, c, "postpone", "申请缓办",
		    json_pack("{s:s}", "reason", reason));
}

static void
dept_extend_reason(struct console *con, const char *reason, void *arg)
{
	struct dept *d = con->state;
	json_t *c = dept_asked(con, reason, "延期申请");

	if (c != NULL)
		case_step(con, c, "extend", "申请延期", json_pack("{s:f, s:s}",
		    "amount", d->amount, "reason", reason));
}

static void
dept_extend_amount(struct console *con, const char *answer, void *arg)
{
	struct dept *d = con->state;
	char *end, q[128];

	if (dept_asked(con, answer, "延期申请") == NULL)
		return;
	d->amount = strtod(answer, &end);
	if (end == answer || *end != '\0' || !(d->amount > 0)) {
		console_message(con, "延期时长须为正数: %s", answer);
		return;
	}
	snprintf(q, sizeof q, "延期 %s %s, 理由: ", answer, (const char *)arg);
	con->prompt = prompt_new(q, dept_extend_reason, NULL);
}

/* A feedback waiting for its photos to be stored. */
struct dept_feedback {
	struct console	*con;
	json_int_t	 id;	/* the case */
	char		*text;
};

/* The photos are stored: the feedback goes with their hashes. */
static void
dept_feedback_sent(json_t *hashes, const char *error, void *arg)
{
	struct dept_feedback *f = arg;
	struct console *con = f->con;
	struct dept *d = con->state;
	json_t *c;

	if (hashes == NULL)
		console_message(con, "处置反馈未发出: %s", error);
	else if ((c = case_list_find(&d->cl, f->id)) == NULL)
		console_message(con, "案卷已不在列表中, 处置反馈未发出");
	else
		case_step(con, c, "feedback", "处置反馈", json_pack("{s:s, s:O}",
		    "reason", f->text, "attachments", hashes));
	free(f->text);
	free(f);
}

/* The result text, then the photo files, sent before the step. */
static void
dept_feedback_photos(struct console *con, const char *photos, void *arg)
{
	struct dept *d = con->state;
	struct dept_feedback *f;
	json_t *files;
	char *copy, *w, *save = NULL;

	if (photos == NULL) {
		console_message(con, "处置反馈已取消");
		return;
	}
	if (dept_asked(con, d->text, "处置反馈") == NULL)
		return;
	f = xcalloc(1, sizeof *f);
	f->con = con;
	f->id = d->ask_id;
	f->text = xstrdup(d->text);
	files = json_array();
	copy = xstrdup(photos);
	for (w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
		json_array_append_new(files, json_string(w));
	free(copy);
	if (json_array_size(files) > 0)
		console_message(con, "照片上传中…");
	media_put_async(con->conn, files, dept_feedback_sent, f);
	json_decref(files);
}

static void
dept_feedback_text(struct console *con, const char *text, void *arg)
{
	struct dept *d = con->state;

	if (dept_asked(con, text, "处置反馈") == NULL)
		return;
	free(d->text);
	d->text = xstrdup(text);
	con->prompt = prompt_new("照片文件 (空格分隔, 可不填, Enter 发出): ",
	    dept_feedback_photos, NULL);
}

/* Ask about the selected case on the bottom line. */
static void
dept_ask(struct dept *d, json_t *c, const char *q, prompt_cb cb, void *arg)
{
	char line[256];

	d->ask_id = jnum(c, "id");
	snprintf(line, sizeof line, "%s %s", jstr(c, "case_no"), q);
	d->con->prompt = prompt_new(line, cb, arg);
}

static int
dept_action(struct console *con, void *arg, int a)
{
	struct dept *d = arg;
	json_t *c = dept_selected(d);
	const char *unit;
	char q[128];

	if (case_list_action(&d->cl, a))
		return 1;
	if (c == NULL) {
		console_message(con, "没有选中的案卷");
		return 1;
	}
	switch ((enum keymap_action)a) {
	case ACT_DETAIL: detail_open(con, jstr(c, "case_no")); return 1;
	case ACT_ACCEPT: case_step(con, c, "accept", "接收", NULL); return 1;
	case ACT_RETURN:
		dept_ask(d, c, "回退, 原因: ", dept_return_answer, NULL);
		return 1;
	case ACT_POSTPONE:
		dept_ask(d, c, "申请缓办, 理由: ", dept_postpone_answer, NULL);
		return 1;
	case ACT_FEEDBACK:
		dept_ask(d, c, "处置反馈, 处置结果: ", dept_feedback_text, NULL);
		return 1;
	case ACT_EXTEND:
		unit = jstr(c, "unit")[0] != '\0' ? cli_print_label(jstr(c, "unit")) :
		    "处置时限的单位";
		snprintf(q, sizeof q, "申请延期, 延长多少 (%s): ", unit);
		dept_ask(d, c, q, dept_extend_amount, (void *)unit);
		return 1;
	default:
		return 0;
	}
}

static void
dept_tick(struct console *con, void *arg)
{
	console_dirty(con);	/* the time left moves on */
}

static void *
dept_open(struct console *con)
{
	struct dept *d = xcalloc(1, sizeof *d);

	d->con = con;
	case_list_init(&d->cl, con, &dept_kind, dept_cols, COL_COUNT);
	return d;
}

static void
dept_close(void *arg)
{
	struct dept *d = arg;

	case_list_free(&d->cl);
	free(d->text);
	free(d);
}

const struct view view_dept = {
	.name = "dept",
	.role = "dept",
	.title = "专业部门",
	.actions = dept_actions,
	.open = dept_open,
	.close = dept_close,
	.up = dept_up,
	.event = dept_event,
	.action = dept_action,
	.draw = dept_draw,
	.tick = dept_tick,
};
