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
	COL_URGENT, COL_CASE, COL_STATE, COL_LEFT, COL_CLASS, COL_SOURCE,
	COL_GRID, COL_ADDRESS, COL_COUNT
};
static const struct list_col seat_cols[COL_COUNT] = {
	[COL_URGENT] =	{ "急", 2, 0 },
	[COL_CASE] =	{ "案卷号", 17, 0 },
	[COL_STATE] =	{ "状态", 8, 0 },
	[COL_LEFT] =	{ "剩余工时", 9, 0 },
	[COL_CLASS] =	{ "类别", 0, 0 },
	[COL_SOURCE] =	{ "来源", 8, 110 },
	[COL_GRID] =	{ "网格", 15, 140 },
	[COL_ADDRESS] =	{ "地址", 0, 110 },
};

static const enum keymap_action seat_actions[] = {
	ACT_REPORT, ACT_VERIFY, ACT_VERIFY_OK, ACT_VERIFY_NO, ACT_CHECK,
	ACT_CHECK_OK, ACT_CHECK_NO, ACT_MERGE, ACT_REFRESH,
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

struct seat {
	struct console		*con;
	json_t			*rows;		/* cases, in order */
	struct list		 list;
	struct worktime_calendar *cal;
	struct event		*reload_ev;	/* a coalesced case.list */
	int			 loading, again;
	json_t			*classes;	/* class.list */
	struct form		*form;		/* the new report, or NULL */
	char			 dup_case[32];	/* just registered, and */
	char			 dup_of[32];	/* the case it may repeat */
	unsigned		 serial;	/* for client_ref */
	char			 cell[64];
};

struct seat_req {
	struct seat	*s;
	char		 case_no[32];
	char		 label[32];
};

static const char *
str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));

	return v != NULL ? v : "";
}

static json_int_t
num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int
seat_wanted(json_t *c)
{
	static const char *const states[] = { "reported", "verifying",
	    "verified", "handled", "checking" };
	size_t i;

	if (!json_is_true(json_object_get(c, "open")))
		return 0;
	for (i = 0; i < sizeof states / sizeof states[0]; i++) {
		if (strcmp(str(c, "state"), states[i]) == 0)
			return 1;
	}
	return 0;
}

/* Urgent first, then the nearest deadline (none last), then the id. */
static int
seat_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int ux = json_is_true(json_object_get(x, "urgent"));
	int uy = json_is_true(json_object_get(y, "urgent"));
	json_t *dx = json_object_get(x, "deadline"), *dy = json_object_get(y, "deadline");

	if (ux != uy)
		return uy - ux;
	if (json_is_integer(dx) != json_is_integer(dy))
		return json_is_integer(dx) ? -1 : 1;
	if (json_is_integer(dx) && num(x, "deadline") != num(y, "deadline"))
		return num(x, "deadline") < num(y, "deadline") ? -1 : 1;
	return num(x, "id") < num(y, "id") ? -1 : num(x, "id") > num(y, "id");
}

static void
seat_sort(struct seat *s)
{
	json_t *sel, **v;
	size_t i, n = json_array_size(s->rows);
	json_int_t sel_id = -1;

	if (s->list.sel >= 0 && (sel = json_array_get(s->rows, (size_t)s->list.sel)))
		sel_id = num(sel, "id");
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(s->rows, i));
	qsort(v, n, sizeof *v, seat_cmp);
	json_array_clear(s->rows);
	for (i = 0; i < n; i++) {
		if (num(v[i], "id") == sel_id)
			s->list.sel = (int)i;
		json_array_append_new(s->rows, v[i]);
	}
	free(v);
	list_set_rows(&s->list, (int)n);
	console_dirty(s->con);
}

static void seat_reload(struct seat *);

static void
seat_list_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct seat *s = arg;
	json_t *row;
	size_t i;

	s->loading = 0;
	if (result == NULL) {
		console_message(s->con, "读取列表失败: %s", err->message);
		return;
	}
	json_array_clear(s->rows);
	json_array_foreach(result, i, row) {
		json_object_set_new(row, "open", json_true());
		json_array_append(s->rows, row);
	}
	seat_sort(s);
	if (s->again) {
		s->again = 0;
		seat_reload(s);
	}
}

static void
seat_reload(struct seat *s)
{
	if (s->loading) {
		s->again = 1;
		return;
	}
	if (conn_request(s->con->conn, "case.list", json_pack("{s:s, s:b, s:i}",
	    "state", SEAT_STATES, "open", 1, "limit", SEAT_LIMIT),
	    seat_list_done, s) == 0)
		s->loading = 1;
}

static void
seat_reload_cb(evutil_socket_t fd, short what, void *arg)
{
	seat_reload(arg);
}

static void
seat_reload_soon(struct seat *s)
{
	struct timeval tv = { 0, 100000 };

	if (!evtimer_pending(s->reload_ev, NULL))
		evtimer_add(s->reload_ev, &tv);
}

static void
seat_calendar_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct seat *s = arg;
	json_t *day;
	char *cause;
	size_t i;

	json_array_foreach(result, i, day) {
		if (worktime_add_day(s->cal, str(day, "day"),
		    json_is_true(json_object_get(day, "off")), str(day, "name"),
		    &cause) != 0)
			free(cause);
	}
	console_dirty(s->con);
}

static void
seat_calendar(struct seat *s)
{
	json_t *cal = json_object_get(conn_hello(s->con->conn), "calendar");
	char *cause = NULL;
	time_t now = time(NULL);
	int year = gmtime(&now)->tm_year + 1900;

	worktime_free(s->cal);
	s->cal = worktime_create();
	if (worktime_set_periods(s->cal, str(cal, "periods")[0] != '\0' ?
	    str(cal, "periods") : WORKTIME_DEFAULT_PERIODS, &cause) != 0)
		free(cause);
	conn_request(s->con->conn, "calendar.show", json_pack("{s:i}", "year",
	    year), seat_calendar_done, s);
	conn_request(s->con->conn, "calendar.show", json_pack("{s:i}", "year",
	    year + 1), seat_calendar_done, s);
}

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

	seat_calendar(s);
	conn_request(con->conn, "watch", json_pack("{s:s, s:s}", "scope", "role",
	    "value", con->view->role), seat_reply_done, s);
	conn_request(con->conn, "class.list", json_object(), seat_classes_done, s);
	s->loading = 0;
	s->again = 0;
	seat_reload(s);
}

static json_int_t
seat_find(struct seat *s, json_int_t id)
{
	json_t *row;
	size_t i;

	json_array_foreach(s->rows, i, row) {
		if (num(row, "id") == id)
			return (json_int_t)i;
	}
	return -1;
}

static void
seat_case(struct seat *s, json_t *c)
{
	json_int_t i = seat_find(s, num(c, "id"));
	json_t *old = i >= 0 ? json_array_get(s->rows, (size_t)i) : NULL, *row;

	if (!seat_wanted(c)) {
		if (old != NULL)
			json_array_remove(s->rows, (size_t)i);
		seat_sort(s);
		return;
	}
	row = json_deep_copy(c);
	if (old != NULL && num(old, "deadline") == num(c, "deadline") &&
	    json_object_get(old, "warn_at") != NULL)
		json_object_set(row, "warn_at", json_object_get(old, "warn_at"));
	else
		seat_reload_soon(s);
	if (old == NULL)
		json_array_append_new(s->rows, row);
	else
		json_array_set_new(s->rows, (size_t)i, row);
	seat_sort(s);
}

static void
seat_event(struct console *con, void *arg, json_t *ev)
{
	struct seat *s = arg;
	const char *name = str(ev, "event");
	json_t *data = json_object_get(ev, "data");

	if (strcmp(name, "case") == 0)
		seat_case(s, data);
	else if (strcmp(name, "resync") == 0)
		seat_reload(s);
	else if (strcmp(name, "db") == 0)
		console_message(con, "数据库%s", json_is_true(json_object_get(data,
		    "up")) ? "已恢复" : "不可用");
	else if (strcmp(name, "alarm") == 0) {
		console_message(con, "%s %s: %s阶段", str(data, "case_no"),
		    cli_print_label(str(data, "alarm")),
		    cli_print_label(str(data, "stage")));
		seat_reload_soon(s);
	}
}

/* Working time left, "3:25", or past the deadline, "超2:10". */
static enum tty_colour
seat_left(struct seat *s, json_t *c, char *buf, size_t len)
{
	int64_t now = (int64_t)time(NULL), dl = num(c, "deadline"), t;
	json_t *warn = json_object_get(c, "warn_at");

	if (!json_is_integer(json_object_get(c, "deadline"))) {
		snprintf(buf, len, "-");
		return TTY_NORMAL;
	}
	if (json_is_true(json_object_get(c, "paused"))) {
		snprintf(buf, len, "暂停");
		return TTY_NORMAL;
	}
	t = worktime_elapsed(s->cal, now < dl ? now : dl, now < dl ? dl : now,
	    WORKTIME_WORK_HOUR, NULL, 0);
	snprintf(buf, len, "%s%lld:%02lld", now < dl ? "" : "超",
	    (long long)(t / 3600), (long long)(t / 60 % 60));
	if (now >= dl)
		return TTY_LATE;
	if (json_is_integer(warn) && now >= json_integer_value(warn))
		return TTY_WARN;
	return TTY_OK;
}

static const char *
orstr(json_t *c, const char *key)
{
	return str(c, key)[0] != '\0' ? str(c, key) : "-";
}

static const char *
seat_cell(void *arg, int row, int col, attr_t *attr)
{
	struct seat *s = arg;
	json_t *c = json_array_get(s->rows, (size_t)row);

	switch ((enum seat_col)col) {
	case COL_URGENT:
		return json_is_true(json_object_get(c, "urgent")) ? "急" : "";
	case COL_CASE:
		return str(c, "case_no");
	case COL_STATE:
		return str(c, "state_name");
	case COL_LEFT:
		*attr = tty_attr(seat_left(s, c, s->cell, sizeof s->cell));
		return s->cell;
	case COL_CLASS:
		return str(c, "class_name");
	case COL_SOURCE:
		return cli_print_label(str(c, "source"));
	case COL_GRID:
		return orstr(c, "grid");
	case COL_ADDRESS:
		return orstr(c, "address");
	case COL_COUNT:
		break;
	}
	return NULL;
}

static json_t *
seat_selected(struct seat *s)
{
	return s->list.sel < 0 ? NULL : json_array_get(s->rows, (size_t)s->list.sel);
}

static void
seat_draw_detail(struct seat *s, WINDOW *w, int y, int lines)
{
	json_t *c = seat_selected(s);
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
		tty_put(w, y + 1, 0, cols, s->loading ? "读取中…" :
		    "没有待受理的案卷; 按 n 登记热线来电", A_NORMAL);
		return;
	}
	snprintf(line, sizeof line, "%s %s: %s", str(c, "case_no"),
	    str(c, "class_name"), str(c, "description"));
	tty_put(w, y + 1, 0, cols, line, A_NORMAL);
	if (lines < 3)
		return;
	snprintf(line, sizeof line, "地址: %s  网格: %s  来源: %s",
	    orstr(c, "address"), orstr(c, "grid"), cli_print_label(str(c, "source")));
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
	list_draw(&s->list, lw, seat_cell, s);
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
	json_t *args = json_pack("{s:I}", "version", num(c, "row_version"));

	if (st->result != NULL)
		json_object_set_new(args, "result", json_string(st->result));
	seat_send(s, str(c, "case_no"), st->op, st->label, args);
}

static void
seat_merge_answer(struct console *con, const char *target, void *arg)
{
	struct seat *s = con->state;
	json_int_t i = seat_find(s, (json_int_t)(intptr_t)arg);

	if (target == NULL || *target == '\0') {
		console_message(con, "合并已取消");
		return;
	}
	if (i < 0) {
		console_message(con, "案卷已不在列表中, 合并未发出");
		return;
	}
	seat_send(s, str(json_array_get(s->rows, (size_t)i), "case_no"),
	    "case.merge", "合并", json_pack("{s:s}", "duplicate_of", target));
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
	snprintf(s->dup_case, sizeof s->dup_case, "%s", str(result, "case_no"));
	snprintf(s->dup_of, sizeof s->dup_of, "%s", str(result, "likely_duplicate"));
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
	json_t *c = seat_selected(s);
	char q[128];
	int page = s->list.height > 1 ? s->list.height - 1 : 1;
	size_t i;

	switch ((enum keymap_action)a) {
	case ACT_DOWN: list_move(&s->list, 1); return 1;
	case ACT_UP: list_move(&s->list, -1); return 1;
	case ACT_PAGE_DOWN: list_move(&s->list, page); return 1;
	case ACT_PAGE_UP: list_move(&s->list, -page); return 1;
	case ACT_FIRST: list_goto(&s->list, 0); return 1;
	case ACT_LAST: list_goto(&s->list, s->list.nrows - 1); return 1;
	case ACT_REFRESH:
		seat_reload(s);
		console_message(con, "重新读取列表");
		return 1;
	case ACT_REPORT:
		seat_report(s);
		return 1;
	default:
		break;
	}
	if (c == NULL) {
		console_message(con, "没有选中的案卷");
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
	snprintf(q, sizeof q, "把 %s 合并到案卷号: ", str(c, "case_no"));
	con->prompt = prompt_new(q, seat_merge_answer, (void *)(intptr_t)num(c, "id"));
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
	s->rows = json_array();
	s->cal = worktime_create();
	s->reload_ev = evtimer_new(con->base, seat_reload_cb, s);
	list_init(&s->list, seat_cols, COL_COUNT);
	return s;
}

static void
seat_close(void *arg)
{
	struct seat *s = arg;

	form_free(s->form);
	event_free(s->reload_ev);
	worktime_free(s->cal);
	json_decref(s->classes);
	json_decref(s->rows);
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
