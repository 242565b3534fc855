/*
 * view-dispatch.c: the dispatcher's console (派遣员).  One list: the
 * cases waiting to be dispatched (filed, returned) and the departments'
 * requests for more time (extending, postponing), urgent first, then by
 * the nearest deadline, with the working time left coloured green,
 * yellow past the warning instant and red when overdue.  The list is
 * read once with case.list and then kept by the "case" events of a
 * watch on the dispatcher's role; nothing is polled.  A pushed case
 * carries no warning instant, so a change of deadline asks for one
 * case.list, coalesced with any others in the same moment.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

#define DISPATCH_STATES "filed,returned,extending,postponing"
#define DISPATCH_LIMIT	2000

enum dispatch_col {
	COL_URGENT, COL_CASE, COL_STATE, COL_LEFT, COL_CLASS, COL_DEPT,
	COL_CREATED, COL_ADDRESS, COL_COUNT
};
static const struct list_col dispatch_cols[COL_COUNT] = {
	[COL_URGENT] =	{ "急", 2, 0 },
	[COL_CASE] =	{ "案卷号", 17, 0 },
	[COL_STATE] =	{ "状态", 8, 0 },
	[COL_LEFT] =	{ "剩余工时", 9, 0 },
	[COL_CLASS] =	{ "类别", 0, 0 },
	[COL_DEPT] =	{ "部门", 0, 0 },
	[COL_CREATED] =	{ "登记", 11, 110 },
	[COL_ADDRESS] =	{ "地址", 0, 140 },
};

static const enum keymap_action dispatch_actions[] = {
	ACT_DISPATCH, ACT_APPROVE, ACT_DENY, ACT_URGE, ACT_DETAIL, ACT_REFRESH,
	ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_FIRST, ACT_LAST,
	ACT_REDRAW, ACT_HELP, ACT_QUIT, ACT_NONE
};

struct dispatch {
	struct console		*con;
	json_t			*rows;		/* cases, in order */
	struct list		 list;
	struct worktime_calendar *cal;		/* for the time left */
	struct event		*reload_ev;	/* a coalesced case.list */
	int			 loading;	/* a case.list is out */
	int			 again;		/* and another is wanted */
	char			 cell[64];	/* the cell being drawn */
};

struct dispatch_req {		/* what a step's reply needs */
	struct dispatch	*d;
	char		 case_no[32];
	char		 label[32];
};

static const char *
str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

static json_int_t
num(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static int
dispatch_wanted(json_t *c)
{
	const char *st = str(c, "state");

	return json_is_true(json_object_get(c, "open")) &&
	    (strcmp(st, "filed") == 0 || strcmp(st, "returned") == 0 ||
	    strcmp(st, "extending") == 0 || strcmp(st, "postponing") == 0);
}

/* Urgent first, then the nearest deadline (none last), then the id. */
static int
dispatch_cmp(const void *a, const void *b)
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

/* Sort, keeping the selection on the same case. */
static void
dispatch_sort(struct dispatch *d)
{
	json_t *sel = NULL, **v;
	size_t i, n = json_array_size(d->rows);
	json_int_t sel_id = -1;

	if (d->list.sel >= 0 && (sel = json_array_get(d->rows, (size_t)d->list.sel)))
		sel_id = num(sel, "id");
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(d->rows, i));
	qsort(v, n, sizeof *v, dispatch_cmp);
	json_array_clear(d->rows);
	for (i = 0; i < n; i++) {
		if (num(v[i], "id") == sel_id)
			d->list.sel = (int)i;
		json_array_append_new(d->rows, v[i]);
	}
	free(v);
	list_set_rows(&d->list, (int)n);
	console_dirty(d->con);
}

static void dispatch_reload(struct dispatch *);

static void
dispatch_list_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dispatch *d = arg;
	json_t *row;
	size_t i;

	d->loading = 0;
	if (result == NULL) {
		console_message(d->con, "读取列表失败: %s", err->message);
		return;
	}
	json_array_clear(d->rows);
	json_array_foreach(result, i, row) {
		json_object_set_new(row, "open", json_true());
		json_array_append(d->rows, row);
	}
	dispatch_sort(d);
	if (d->again) {
		d->again = 0;
		dispatch_reload(d);
	}
}

static void
dispatch_reload(struct dispatch *d)
{
	if (d->loading) {
		d->again = 1;
		return;
	}
	if (conn_request(d->con->conn, "case.list", json_pack("{s:s, s:b, s:i}",
	    "state", DISPATCH_STATES, "open", 1, "limit", DISPATCH_LIMIT),
	    dispatch_list_done, d) == 0)
		d->loading = 1;
}

static void
dispatch_reload_cb(evutil_socket_t fd, short what, void *arg)
{
	dispatch_reload(arg);
}

/* A case.list soon, for all that changes in the next moment. */
static void
dispatch_reload_soon(struct dispatch *d)
{
	struct timeval tv = { 0, 100000 };

	if (!evtimer_pending(d->reload_ev, NULL))
		evtimer_add(d->reload_ev, &tv);
}

static void
dispatch_calendar_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dispatch *d = arg;
	json_t *day;
	char *cause;
	size_t i;

	json_array_foreach(result, i, day) {
		if (worktime_add_day(d->cal, str(day, "day"),
		    json_is_true(json_object_get(day, "off")), str(day, "name"),
		    &cause) != 0)
			free(cause);
	}
	console_dirty(d->con);
}

/* The periods from hello, the holidays of this year and the next. */
static void
dispatch_calendar(struct dispatch *d)
{
	json_t *cal = json_object_get(conn_hello(d->con->conn), "calendar");
	char *cause = NULL;
	time_t now = time(NULL);
	int year = gmtime(&now)->tm_year + 1900;

	worktime_free(d->cal);
	d->cal = worktime_create();
	if (worktime_set_periods(d->cal, str(cal, "periods")[0] != '\0' ?
	    str(cal, "periods") : WORKTIME_DEFAULT_PERIODS, &cause) != 0)
		free(cause);
	conn_request(d->con->conn, "calendar.show", json_pack("{s:i}", "year",
	    year), dispatch_calendar_done, d);
	conn_request(d->con->conn, "calendar.show", json_pack("{s:i}", "year",
	    year + 1), dispatch_calendar_done, d);
}

static void
dispatch_watch_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dispatch *d = arg;

	if (result == NULL)
		console_message(d->con, "订阅推送失败: %s", err->message);
}

/* Connected, or again: watch first, then read, so nothing falls between. */
static void
dispatch_up(struct console *con, void *arg)
{
	struct dispatch *d = arg;

	dispatch_calendar(d);
	conn_request(con->conn, "watch", json_pack("{s:s, s:s}", "scope", "role",
	    "value", con->view->role), dispatch_watch_done, d);
	d->loading = 0;
	d->again = 0;
	dispatch_reload(d);
}

static json_int_t
dispatch_find(struct dispatch *d, json_int_t id)
{
	json_t *row;
	size_t i;

	json_array_foreach(d->rows, i, row) {
		if (num(row, "id") == id)
			return (json_int_t)i;
	}
	return -1;
}

/* A pushed case: in, out or changed. */
static void
dispatch_case(struct dispatch *d, json_t *c)
{
	json_int_t i = dispatch_find(d, num(c, "id"));
	json_t *old = i >= 0 ? json_array_get(d->rows, (size_t)i) : NULL, *row;

	if (!dispatch_wanted(c)) {
		if (old != NULL)
			json_array_remove(d->rows, (size_t)i);
		dispatch_sort(d);
		return;
	}
	row = json_deep_copy(c);
	if (old != NULL && num(old, "deadline") == num(c, "deadline") &&
	    json_object_get(old, "warn_at") != NULL)
		json_object_set(row, "warn_at", json_object_get(old, "warn_at"));
	else
		dispatch_reload_soon(d);
	if (old == NULL) {
		json_array_append_new(d->rows, row);
		console_message(d->con, "新到: %s %s %s", str(c, "case_no"),
		    str(c, "state_name"), str(c, "class_name"));
	} else
		json_array_set_new(d->rows, (size_t)i, row);
	dispatch_sort(d);
}

static void
dispatch_event(struct console *con, void *arg, json_t *ev)
{
	struct dispatch *d = arg;
	const char *name = str(ev, "event");
	json_t *data = json_object_get(ev, "data");

	if (strcmp(name, "case") == 0)
		dispatch_case(d, data);
	else if (strcmp(name, "resync") == 0)
		dispatch_reload(d);
	else if (strcmp(name, "db") == 0)
		console_message(con, "数据库%s", json_is_true(json_object_get(data,
		    "up")) ? "已恢复" : "不可用");
	else if (strcmp(name, "alarm") == 0) {
		console_message(con, "%s %s: %s阶段", str(data, "case_no"),
		    cli_print_label(str(data, "alarm")),
		    cli_print_label(str(data, "stage")));
		dispatch_reload_soon(d);
	}
}

/* Working time left, "3:25", or past the deadline, "超2:10". */
static enum tty_colour
dispatch_left(struct dispatch *d, json_t *c, char *buf, size_t len)
{
	int64_t now = (int64_t)time(NULL), dl = num(c, "deadline"), s;
	json_t *warn = json_object_get(c, "warn_at");

	if (!json_is_integer(json_object_get(c, "deadline"))) {
		snprintf(buf, len, "-");
		return TTY_NORMAL;
	}
	if (json_is_true(json_object_get(c, "paused"))) {
		snprintf(buf, len, "暂停");
		return TTY_NORMAL;
	}
	s = worktime_elapsed(d->cal, now < dl ? now : dl, now < dl ? dl : now,
	    WORKTIME_WORK_HOUR, NULL, 0);
	snprintf(buf, len, "%s%lld:%02lld", now < dl ? "" : "超",
	    (long long)(s / 3600), (long long)(s / 60 % 60));
	if (now >= dl)
		return TTY_LATE;
	if (json_is_integer(warn) && now >= json_integer_value(warn))
		return TTY_WARN;
	return TTY_OK;
}

static const char *
dispatch_cell(void *arg, int row, int col, attr_t *attr)
{
	struct dispatch *d = arg;
	json_t *c = json_array_get(d->rows, (size_t)row);

	switch ((enum dispatch_col)col) {
	case COL_URGENT:
		return json_is_true(json_object_get(c, "urgent")) ? "急" : "";
	case COL_CASE:
		return str(c, "case_no");
	case COL_STATE:
		return str(c, "state_name");
	case COL_LEFT:
		*attr = tty_attr(dispatch_left(d, c, d->cell, sizeof d->cell));
		return d->cell;
	case COL_CLASS:
		return str(c, "class_name");
	case COL_DEPT:
		return str(c, "department_name")[0] != '\0' ?
		    str(c, "department_name") : "-";
	case COL_CREATED:
		return str(c, "created")[0] != '\0' ? str(c, "created") : "-";
	case COL_ADDRESS:
		return str(c, "address")[0] != '\0' ? str(c, "address") : "-";
	case COL_COUNT:
		break;
	}
	return NULL;
}

static json_t *
dispatch_selected(struct dispatch *d)
{
	return d->list.sel < 0 ? NULL : json_array_get(d->rows, (size_t)d->list.sel);
}

/* The selected case's description under the list: more on big screens. */
static void
dispatch_draw_detail(struct dispatch *d, WINDOW *w, int y, int lines)
{
	json_t *c = dispatch_selected(d);
	char line[1024];
	int cols = getmaxx(w);

	mvwhline(w, y, 0, ACS_HLINE, cols);
	if (c == NULL) {
		tty_put(w, y + 1, 0, cols, d->loading ? "读取中…" :
		    "没有待派遣的案卷或待审批的申请", A_NORMAL);
		return;
	}
	snprintf(line, sizeof line, "%s %s: %s", str(c, "case_no"),
	    str(c, "class_name"), str(c, "description"));
	tty_put(w, y + 1, 0, cols, line, A_NORMAL);
	if (lines < 3)
		return;
	snprintf(line, sizeof line, "地址: %s  网格: %s  来源: %s",
	    str(c, "address")[0] ? str(c, "address") : "-", str(c, "grid"),
	    cli_print_label(str(c, "source")));
	tty_put(w, y + 2, 0, cols, line, A_NORMAL);
}

static void
dispatch_draw(struct console *con, void *arg, WINDOW *w)
{
	struct dispatch *d = arg;
	int h = getmaxy(w), detail = h >= 30 ? 3 : 2;
	WINDOW *lw;

	werase(w);
	if (h <= detail + 1) {
		detail = 0;
	}
	if ((lw = derwin(w, h - detail, getmaxx(w), 0, 0)) == NULL)
		return;
	list_draw(&d->list, lw, dispatch_cell, d);
	delwin(lw);
	if (detail > 0)
		dispatch_draw_detail(d, w, h - detail, detail);
}

static void
dispatch_step_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dispatch_req *r = arg;

	if (result == NULL)
		console_message(r->d->con, "%s %s 未完成: %s", r->case_no, r->label,
		    err->message);
	else
		console_message(r->d->con, "%s %s完成", r->case_no,
		    str(result, "label")[0] ? str(result, "label") : r->label);
	free(r);
}

/* case.ACTION on the selected case, as of the version shown. */
static void
dispatch_step(struct dispatch *d, json_t *c, const char *action,
    const char *label, const char *reason)
{
	struct dispatch_req *r = xcalloc(1, sizeof *r);
	char op[32];
	json_t *args;

	r->d = d;
	snprintf(r->case_no, sizeof r->case_no, "%s", str(c, "case_no"));
	snprintf(r->label, sizeof r->label, "%s", label);
	snprintf(op, sizeof op, "case.%s", action);
	args = json_pack("{s:s, s:I}", "case", r->case_no, "version",
	    num(c, "row_version"));
	if (reason != NULL)
		json_object_set_new(args, "reason", json_string(reason));
	if (conn_request(d->con->conn, op, args, dispatch_step_done, r) != 0) {
		console_message(d->con, "未连接 citygridd, %s 未发出", label);
		free(r);
		return;
	}
	console_message(d->con, "%s %s…", r->case_no, label);
}

static void
dispatch_deny_answer(struct console *con, const char *reason, void *arg)
{
	struct dispatch *d = con->state;
	json_int_t id = (json_int_t)(intptr_t)arg, i = dispatch_find(d, id);

	if (reason == NULL || *reason == '\0') {
		console_message(con, "驳回已取消");
		return;
	}
	if (i < 0) {
		console_message(con, "案卷已不在列表中, 驳回未发出");
		return;
	}
	dispatch_step(d, json_array_get(d->rows, (size_t)i), "deny", "驳回",
	    reason);
}

static int
dispatch_action(struct console *con, void *arg, int a)
{
	struct dispatch *d = arg;
	json_t *c = dispatch_selected(d);
	char q[128];
	int page = d->list.height > 1 ? d->list.height - 1 : 1;

	switch ((enum keymap_action)a) {
	case ACT_DOWN: list_move(&d->list, 1); return 1;
	case ACT_UP: list_move(&d->list, -1); return 1;
	case ACT_PAGE_DOWN: list_move(&d->list, page); return 1;
	case ACT_PAGE_UP: list_move(&d->list, -page); return 1;
	case ACT_FIRST: list_goto(&d->list, 0); return 1;
	case ACT_LAST: list_goto(&d->list, d->list.nrows - 1); return 1;
	case ACT_REFRESH:
		dispatch_reload(d);
		console_message(con, "重新读取列表");
		return 1;
	default:
		break;
	}
	if (c == NULL) {
		console_message(con, "没有选中的案卷");
		return 1;
	}
	switch ((enum keymap_action)a) {
	case ACT_DISPATCH: dispatch_step(d, c, "dispatch", "派遣", NULL); return 1;
	case ACT_APPROVE: dispatch_step(d, c, "approve", "批准", NULL); return 1;
	case ACT_URGE: dispatch_step(d, c, "urge", "督办", NULL); return 1;
	case ACT_DETAIL: detail_open(con, str(c, "case_no")); return 1;
	case ACT_DENY:
		snprintf(q, sizeof q, "驳回 %s 的%s, 理由: ", str(c, "case_no"),
		    str(c, "state_name"));
		con->prompt = prompt_new(q, dispatch_deny_answer,
		    (void *)(intptr_t)num(c, "id"));
		return 1;
	default:
		return 0;
	}
}

static void
dispatch_tick(struct console *con, void *arg)
{
	console_dirty(con);	/* the time left moves on */
}

static void *
dispatch_open(struct console *con)
{
	struct dispatch *d = xcalloc(1, sizeof *d);

	d->con = con;
	d->rows = json_array();
	d->cal = worktime_create();
	d->reload_ev = evtimer_new(con->base, dispatch_reload_cb, d);
	list_init(&d->list, dispatch_cols, COL_COUNT);
	return d;
}

static void
dispatch_close(void *arg)
{
	struct dispatch *d = arg;

	event_free(d->reload_ev);
	worktime_free(d->cal);
	json_decref(d->rows);
	free(d);
}

const struct view view_dispatch = {
	.name = "dispatch",
	.role = "dispatcher",
	.title = "派遣",
	.actions = dispatch_actions,
	.open = dispatch_open,
	.close = dispatch_close,
	.up = dispatch_up,
	.event = dispatch_event,
	.action = dispatch_action,
	.draw = dispatch_draw,
	.tick = dispatch_tick,
};
