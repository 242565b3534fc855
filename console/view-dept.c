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
 * Photos cannot be sent yet: the protocol has no media upload, so the
 * paths given with a feedback are only named in its text.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

#define DEPT_STATES	"dispatched,handling,extending,postponing"
#define DEPT_LIMIT	2000

enum dept_col {
	COL_URGENT, COL_CASE, COL_STATE, COL_LEFT, COL_CLASS, COL_CREATED,
	COL_GRID, COL_ADDRESS, COL_DESC, COL_COUNT
};
static const struct list_col dept_cols[COL_COUNT] = {
	[COL_URGENT] =	{ "急", 2, 0 },
	[COL_CASE] =	{ "案卷号", 17, 0 },
	[COL_STATE] =	{ "状态", 8, 0 },
	[COL_LEFT] =	{ "剩余工时", 9, 0 },
	[COL_CLASS] =	{ "类别", 0, 0 },
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

struct dept {
	struct console		*con;
	json_t			*rows;		/* cases, in order */
	struct list		 list;
	struct worktime_calendar *cal;		/* for the time left */
	struct event		*reload_ev;	/* a coalesced case.list */
	int			 loading;	/* a case.list is out */
	int			 again;		/* and another is wanted */
	char			 cell[64];	/* the cell being drawn */
	json_int_t		 ask_id;	/* the case a question is about */
	double			 amount;	/* an extension asked for */
	char			*text;		/* a feedback's result, asked for */
};

struct dept_req {		/* what a step's reply needs */
	struct dept	*d;
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
dept_wanted(json_t *c)
{
	const char *st = str(c, "state");

	return strcmp(st, "dispatched") == 0 || strcmp(st, "handling") == 0 ||
	    strcmp(st, "extending") == 0 || strcmp(st, "postponing") == 0;
}

/* The nearest deadline first (none last), then urgent, then the id. */
static int
dept_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int ux = json_is_true(json_object_get(x, "urgent"));
	int uy = json_is_true(json_object_get(y, "urgent"));
	json_t *dx = json_object_get(x, "deadline"), *dy = json_object_get(y, "deadline");

	if (json_is_integer(dx) != json_is_integer(dy))
		return json_is_integer(dx) ? -1 : 1;
	if (json_is_integer(dx) && num(x, "deadline") != num(y, "deadline"))
		return num(x, "deadline") < num(y, "deadline") ? -1 : 1;
	if (ux != uy)
		return uy - ux;
	return num(x, "id") < num(y, "id") ? -1 : num(x, "id") > num(y, "id");
}

/* Sort, keeping the selection on the same case. */
static void
dept_sort(struct dept *d)
{
	json_t *sel, **v;
	size_t i, n = json_array_size(d->rows);
	json_int_t sel_id = -1;

	if (d->list.sel >= 0 && (sel = json_array_get(d->rows, (size_t)d->list.sel)))
		sel_id = num(sel, "id");
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(d->rows, i));
	qsort(v, n, sizeof *v, dept_cmp);
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

static void dept_reload(struct dept *);

static void
dept_list_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dept *d = arg;
	json_t *row;
	size_t i;

	d->loading = 0;
	if (result == NULL) {
		console_message(d->con, "读取列表失败: %s", err->message);
		return;
	}
	json_array_clear(d->rows);
	json_array_foreach(result, i, row)
		json_array_append(d->rows, row);
	dept_sort(d);
	if (d->again) {
		d->again = 0;
		dept_reload(d);
	}
}

static void
dept_reload(struct dept *d)
{
	if (d->loading) {
		d->again = 1;
		return;
	}
	if (conn_request(d->con->conn, "case.list", json_pack("{s:s, s:i}",
	    "state", DEPT_STATES, "limit", DEPT_LIMIT), dept_list_done, d) == 0)
		d->loading = 1;
}

static void
dept_reload_cb(evutil_socket_t fd, short what, void *arg)
{
	dept_reload(arg);
}

static void
dept_reload_soon(struct dept *d)
{
	struct timeval tv = { 0, 100000 };

	if (!evtimer_pending(d->reload_ev, NULL))
		evtimer_add(d->reload_ev, &tv);
}

static void
dept_calendar_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dept *d = arg;
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
dept_calendar(struct dept *d)
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
	    year), dept_calendar_done, d);
	conn_request(d->con->conn, "calendar.show", json_pack("{s:i}", "year",
	    year + 1), dept_calendar_done, d);
}

static void
dept_watch_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dept *d = arg;

	if (result == NULL)
		console_message(d->con, "订阅推送失败: %s", err->message);
}

/* Connected, or again: watch the department first, then read. */
static void
dept_up(struct console *con, void *arg)
{
	struct dept *d = arg;
	json_t *op = json_object_get(conn_hello(con->conn), "operator");
	const char *code = str(op, "department_code");

	dept_calendar(d);
	if (*code == '\0')
		console_message(con, "操作员不属于任何部门, 无法订阅推送");
	else
		conn_request(con->conn, "watch", json_pack("{s:s, s:s}", "scope",
		    "department", "value", code), dept_watch_done, d);
	d->loading = 0;
	d->again = 0;
	dept_reload(d);
}

static json_int_t
dept_find(struct dept *d, json_int_t id)
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
dept_case(struct dept *d, json_t *c)
{
	json_int_t i = dept_find(d, num(c, "id"));
	json_t *old = i >= 0 ? json_array_get(d->rows, (size_t)i) : NULL, *row;
	static const char *const kept[] = { "warn_at", "unit", "paused", "created" };
	size_t k;

	if (!dept_wanted(c)) {
		if (old != NULL)
			json_array_remove(d->rows, (size_t)i);
		dept_sort(d);
		return;
	}
	row = json_deep_copy(c);
	if (old != NULL && num(old, "deadline") == num(c, "deadline")) {
		for (k = 0; k < sizeof kept / sizeof kept[0]; k++)
			if (json_object_get(old, kept[k]) != NULL)
				json_object_set(row, kept[k], json_object_get(old, kept[k]));
	} else
		dept_reload_soon(d);
	if (old == NULL) {
		json_array_append_new(d->rows, row);
		console_message(d->con, "新到: %s %s %s", str(c, "case_no"),
		    str(c, "state_name"), str(c, "class_name"));
	} else
		json_array_set_new(d->rows, (size_t)i, row);
	dept_sort(d);
}

static void
dept_event(struct console *con, void *arg, json_t *ev)
{
	struct dept *d = arg;
	const char *name = str(ev, "event");
	json_t *data = json_object_get(ev, "data");

	if (strcmp(name, "case") == 0)
		dept_case(d, data);
	else if (strcmp(name, "resync") == 0)
		dept_reload(d);
	else if (strcmp(name, "db") == 0)
		console_message(con, "数据库%s", json_is_true(json_object_get(data,
		    "up")) ? "已恢复" : "不可用");
	else if (strcmp(name, "alarm") == 0) {
		console_message(con, "%s %s: %s阶段", str(data, "case_no"),
		    cli_print_label(str(data, "alarm")),
		    cli_print_label(str(data, "stage")));
		dept_reload_soon(d);
	}
}

/* Working time left, "3:25", or past the deadline, "超2:10". */
static enum tty_colour
dept_left(struct dept *d, json_t *c, char *buf, size_t len)
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
dept_text(json_t *c, const char *key)
{
	return str(c, key)[0] != '\0' ? str(c, key) : "-";
}

static const char *
dept_cell(void *arg, int row, int col, attr_t *attr)
{
	struct dept *d = arg;
	json_t *c = json_array_get(d->rows, (size_t)row);

	switch ((enum dept_col)col) {
	case COL_URGENT:
		return json_is_true(json_object_get(c, "urgent")) ? "急" : "";
	case COL_CASE:
		return str(c, "case_no");
	case COL_STATE:
		return str(c, "state_name");
	case COL_LEFT:
		*attr = tty_attr(dept_left(d, c, d->cell, sizeof d->cell));
		return d->cell;
	case COL_CLASS:
		return str(c, "class_name");
	case COL_CREATED:
		return dept_text(c, "created");
	case COL_GRID:
		return dept_text(c, "grid");
	case COL_ADDRESS:
		return dept_text(c, "address");
	case COL_DESC:
		return dept_text(c, "description");
	case COL_COUNT:
		break;
	}
	return NULL;
}

/* The case a step is for: the detail pane's if it is up, else the selected. */
static json_t *
dept_selected(struct dept *d)
{
	json_t *row;
	size_t i;

	if (d->con->detail == NULL)
		return d->list.sel < 0 ? NULL :
		    json_array_get(d->rows, (size_t)d->list.sel);
	json_array_foreach(d->rows, i, row) {
		if (strcmp(str(row, "case_no"), detail_case(d->con->detail)) == 0)
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
		tty_put(w, y + 1, 0, cols, d->loading ? "读取中…" :
		    "本部门没有待接收或处置中的案卷", A_NORMAL);
		return;
	}
	snprintf(line, sizeof line, "%s %s: %s", str(c, "case_no"),
	    str(c, "class_name"), str(c, "description"));
	tty_put(w, y + 1, 0, cols, line, A_NORMAL);
	if (lines < 3)
		return;
	snprintf(line, sizeof line, "地址: %s  网格: %s  来源: %s  (Enter 看详情)",
	    dept_text(c, "address"), str(c, "grid"),
	    cli_print_label(str(c, "source")));
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
	list_draw(&d->list, lw, dept_cell, d);
	delwin(lw);
	if (detail > 0)
		dept_draw_detail(d, w, h - detail, detail);
}

static void
dept_step_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct dept_req *r = arg;

	if (result == NULL)
		console_message(r->d->con, "%s %s 未完成: %s", r->case_no, r->label,
		    err->message);
	else
		console_message(r->d->con, "%s %s完成", r->case_no,
		    str(result, "label")[0] ? str(result, "label") : r->label);
	free(r);
}

/* case.ACTION on a case, as of the version shown; takes args. */
static void
dept_step(struct dept *d, json_t *c, const char *action, const char *label,
    json_t *args)
{
	struct dept_req *r = xcalloc(1, sizeof *r);
	char op[32];

	r->d = d;
	snprintf(r->case_no, sizeof r->case_no, "%s", str(c, "case_no"));
	snprintf(r->label, sizeof r->label, "%s", label);
	snprintf(op, sizeof op, "case.%s", action);
	if (args == NULL)
		args = json_object();
	json_object_set_new(args, "case", json_string(r->case_no));
	json_object_set_new(args, "version", json_integer(num(c, "row_version")));
	if (conn_request(d->con->conn, op, args, dept_step_done, r) != 0) {
		console_message(d->con, "未连接 citygridd, %s 未发出", label);
		free(r);
		return;
	}
	console_message(d->con, "%s %s…", r->case_no, label);
}

/* The case a question was about, if it is still listed. */
static json_t *
dept_asked(struct console *con, const char *answer, const char *what)
{
	struct dept *d = con->state;
	json_int_t i;

	if (answer == NULL || *answer == '\0') {
		console_message(con, "%s已取消", what);
		return NULL;
	}
	if ((i = dept_find(d, d->ask_id)) < 0) {
		console_message(con, "案卷已不在列表中, %s未发出", what);
		return NULL;
	}
	return json_array_get(d->rows, (size_t)i);
}

static void
dept_return_answer(struct console *con, const char *reason, void *arg)
{
	json_t *c = dept_asked(con, reason, "回退");

	if (c != NULL)
		dept_step(con->state, c, "return", "回退",
		    json_pack("{s:s}", "reason", reason));
}

static void
dept_postpone_answer(struct console *con, const char *reason, void *arg)
{
	json_t *c = dept_asked(con, reason, "缓办申请");

	if (c != NULL)
		dept_step(con->state, c, "postpone", "申请缓办",
		    json_pack("{s:s}", "reason", reason));
}

static void
dept_extend_reason(struct console *con, const char *reason, void *arg)
{
	struct dept *d = con->state;
	json_t *c = dept_asked(con, reason, "延期申请");

	if (c != NULL)
		dept_step(d, c, "extend", "申请延期", json_pack("{s:f, s:s}",
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

/* The result text, then the photos: named in the text until upload exists. */
static void
dept_feedback_photos(struct console *con, const char *photos, void *arg)
{
	struct dept *d = con->state;
	json_t *c;
	char *reason;

	if (photos == NULL) {
		console_message(con, "处置反馈已取消");
		return;
	}
	if ((c = dept_asked(con, d->text, "处置反馈")) == NULL)
		return;
	if (photos[strspn(photos, " ")] != '\0')
		xasprintf(&reason, "%s (照片待上传: %s)", d->text, photos);
	else
		reason = xstrdup(d->text);
	dept_step(d, c, "feedback", "处置反馈", json_pack("{s:s}", "reason",
	    reason));
	free(reason);
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

	d->ask_id = num(c, "id");
	snprintf(line, sizeof line, "%s %s", str(c, "case_no"), q);
	d->con->prompt = prompt_new(line, cb, arg);
}

static int
dept_action(struct console *con, void *arg, int a)
{
	struct dept *d = arg;
	json_t *c = dept_selected(d);
	const char *unit;
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
		dept_reload(d);
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
	case ACT_DETAIL: detail_open(con, str(c, "case_no")); return 1;
	case ACT_ACCEPT: dept_step(d, c, "accept", "接收", NULL); return 1;
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
		unit = str(c, "unit")[0] != '\0' ? cli_print_label(str(c, "unit")) :
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
	d->rows = json_array();
	d->cal = worktime_create();
	d->reload_ev = evtimer_new(con->base, dept_reload_cb, d);
	list_init(&d->list, dept_cols, COL_COUNT);
	return d;
}

static void
dept_close(void *arg)
{
	struct dept *d = arg;

	event_free(d->reload_ev);
	worktime_free(d->cal);
	json_decref(d->rows);
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
