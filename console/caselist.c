/*
 * caselist.c: what the role consoles' lists of cases share.  A list is
 * read once with case.list and then kept by the "case" events of a
 * watch; nothing is polled.  Rows go urgent first, then by the nearest
 * deadline (or the other way round), the selection staying on its case
 * across re-sorts.  A pushed case carries no warning instant, so a
 * change of deadline asks for one case.list, coalesced with any others
 * in the same moment.  The working-time calendar (the periods from
 * hello, the holidays of this year and the next) gives the time left.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

#define CASE_LIST_BATCH	100000		/* µs of pushes one case.list answers */



/* Is state in the comma-separated list? */
static int
case_list_in(const char *list, const char *state)
{
	size_t n = strlen(state);
	const char *p;

	if (n == 0)
		return 0;
	for (p = list; (p = strstr(p, state)) != NULL; p += n) {
		if ((p == list || p[-1] == ',') && (p[n] == ',' || p[n] == '\0'))
			return 1;
	}
	return 0;
}

static int
case_list_wanted(struct case_list *cl, json_t *c)
{
	if ((cl->kind->flags & CASE_LIST_OPEN) &&
	    !json_is_true(json_object_get(c, "open")))
		return 0;
	return case_list_in(cl->kind->states, jstr(c, "state"));
}

static int
case_cmp_urgent(json_t *x, json_t *y)
{
	return json_is_true(json_object_get(y, "urgent")) -
	    json_is_true(json_object_get(x, "urgent"));
}

/* The nearest deadline first, none last. */
static int
case_cmp_deadline(json_t *x, json_t *y)
{
	json_t *dx = json_object_get(x, "deadline"), *dy = json_object_get(y, "deadline");

	if (json_is_integer(dx) != json_is_integer(dy))
		return json_is_integer(dx) ? -1 : 1;
	if (json_is_integer(dx) && jnum(x, "deadline") != jnum(y, "deadline"))
		return jnum(x, "deadline") < jnum(y, "deadline") ? -1 : 1;
	return 0;
}

/* Urgent first, then the deadline, then the id. */
static int
case_cmp(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int r;

	if ((r = case_cmp_urgent(x, y)) != 0 || (r = case_cmp_deadline(x, y)) != 0)
		return r;
	return jnum(x, "id") < jnum(y, "id") ? -1 : jnum(x, "id") > jnum(y, "id");
}

/* The deadline first, then urgent, then the id. */
static int
case_cmp_deadline_first(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int r;

	if ((r = case_cmp_deadline(x, y)) != 0 || (r = case_cmp_urgent(x, y)) != 0)
		return r;
	return jnum(x, "id") < jnum(y, "id") ? -1 : jnum(x, "id") > jnum(y, "id");
}

/*
 * Make rows the n cases of v (borrowed; they may be rows' own), sorted,
 * the list's selection kept on the same case.
 */
void
case_rows_sort(json_t *rows, struct list *l, json_t **v, size_t n, int flags)
{
	json_t *sel = l->sel >= 0 ? json_array_get(rows, (size_t)l->sel) : NULL;
	json_int_t sel_id = sel != NULL ? jnum(sel, "id") : -1;
	json_t *sorted = json_array();	/* holds v's cases while rows is cleared */
	size_t i;

	qsort(v, n, sizeof *v, (flags & CASE_LIST_DEADLINE_FIRST) ?
	    case_cmp_deadline_first : case_cmp);
	for (i = 0; i < n; i++) {
		if (jnum(v[i], "id") == sel_id)
			l->sel = (int)i;
		json_array_append(sorted, v[i]);
	}
	json_array_clear(rows);
	json_array_extend(rows, sorted);
	json_decref(sorted);
	list_set_rows(l, (int)n);
}

static void
case_list_sort(struct case_list *cl)
{
	size_t i, n = json_array_size(cl->rows);
	json_t **v = xcalloc(n + 1, sizeof *v);

	for (i = 0; i < n; i++)
		v[i] = json_array_get(cl->rows, i);
	case_rows_sort(cl->rows, &cl->list, v, n, cl->kind->flags);
	free(v);
	console_dirty(cl->con);
}

static void
case_list_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct case_list *cl = arg;
	json_t *row;
	json_int_t sel_id = -1;
	size_t i;

	cl->loading = 0;
	if (result == NULL) {
		console_message(cl->con, "读取列表失败: %s", err->message);
		return;
	}
	/* The selection stays on its case, not on its position. */
	if ((row = case_list_selected(cl)) != NULL)
		sel_id = jnum(row, "id");
	json_array_clear(cl->rows);
	json_array_foreach(result, i, row) {
		if (cl->kind->flags & CASE_LIST_OPEN)
			json_object_set_new(row, "open", json_true());
		if (jnum(row, "id") == sel_id)
			cl->list.sel = (int)i;
		json_array_append(cl->rows, row);
	}
	case_list_sort(cl);
	if (cl->again) {
		cl->again = 0;
		case_list_reload(cl);
	}
}

/* One case.list at a time; asked again while one is out, once more after. */
void
case_list_reload(struct case_list *cl)
{
	json_t *args;

	if (cl->loading) {
		cl->again = 1;
		return;
	}
	args = json_pack("{s:s, s:i}", "state", cl->kind->states, "limit",
	    cl->kind->limit);
	if (cl->kind->flags & CASE_LIST_OPEN)
		json_object_set_new(args, "open", json_true());
	if (conn_request(cl->con->conn, "case.list", args, case_list_done, cl) == 0)
		cl->loading = 1;
}

static void
case_list_reload_cb(evutil_socket_t fd, short what, void *arg)
{
	case_list_reload(arg);
}

/* A case.list soon, for all that changes in the next moment. */
static void
case_list_reload_soon(struct case_list *cl)
{
	struct timeval tv = { 0, CASE_LIST_BATCH };

	if (!evtimer_pending(cl->reload_ev, NULL))
		evtimer_add(cl->reload_ev, &tv);
}

static void
case_list_calendar_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct case_list *cl = arg;
	json_t *day;
	char *cause;
	size_t i;

	json_array_foreach(result, i, day) {
		if (worktime_add_day(cl->cal, jstr(day, "day"),
		    json_is_true(json_object_get(day, "off")), jstr(day, "name"),
		    &cause) != 0)
			free(cause);
	}
	console_dirty(cl->con);
}

/* The periods from hello, the holidays of this year and the next. */
static void
case_list_calendar(struct case_list *cl)
{
	json_t *cal = json_object_get(conn_hello(cl->con->conn), "calendar");
	char *cause = NULL;
	time_t now = time(NULL);
	int year = gmtime(&now)->tm_year + 1900, y;

	worktime_free(cl->cal);
	cl->cal = worktime_create();
	if (worktime_set_periods(cl->cal, jstr(cal, "periods")[0] != '\0' ?
	    jstr(cal, "periods") : WORKTIME_DEFAULT_PERIODS, &cause) != 0)
		free(cause);
	for (y = year; y <= year + 1; y++)
		conn_request(cl->con->conn, "calendar.show", json_pack("{s:i}",
		    "year", y), case_list_calendar_done, cl);
}

/* (Re)connected, after the view's watch: the calendar, then the list. */
void
case_list_up(struct case_list *cl)
{
	case_list_calendar(cl);
	cl->loading = 0;
	cl->again = 0;
	case_list_reload(cl);
}

static void
case_list_watch_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct case_list *cl = arg;

	if (result == NULL)
		console_message(cl->con, "订阅推送失败: %s", err->message);
}

void
case_list_watch(struct case_list *cl, const char *scope, const char *value)
{
	conn_request(cl->con->conn, "watch", json_pack("{s:s, s:s}", "scope",
	    scope, "value", value), case_list_watch_done, cl);
}

/* Where the case with this id is in the rows, or -1. */
static json_int_t
case_list_index(struct case_list *cl, json_int_t id)
{
	json_t *row;
	size_t i;

	json_array_foreach(cl->rows, i, row) {
		if (jnum(row, "id") == id)
			return (json_int_t)i;
	}
	return -1;
}

/* The row of the case with this id, or NULL. */
json_t *
case_list_find(struct case_list *cl, json_int_t id)
{
	json_int_t i = case_list_index(cl, id);

	return i < 0 ? NULL : json_array_get(cl->rows, (size_t)i);
}

json_t *
case_list_selected(struct case_list *cl)
{
	return cl->list.sel < 0 ? NULL :
	    json_array_get(cl->rows, (size_t)cl->list.sel);
}

/* What a push lacks, from the listed row while the deadline holds. */
static void
case_list_keep(struct case_list *cl, json_t *old, json_t *row)
{
	const char *const *k;

	if (old != NULL && jnum(old, "deadline") == jnum(row, "deadline") &&
	    json_object_get(old, "warn_at") != NULL) {
		for (k = cl->kind->kept; *k != NULL; k++)
			if (json_object_get(old, *k) != NULL)
				json_object_set(row, *k, json_object_get(old, *k));
	} else
		case_list_reload_soon(cl);
}

/* A pushed case: in, out or changed. */
static void
case_list_case(struct case_list *cl, json_t *c)
{
	json_int_t i = case_list_index(cl, jnum(c, "id"));
	json_t *old = i >= 0 ? json_array_get(cl->rows, (size_t)i) : NULL, *row;

	if (!case_list_wanted(cl, c)) {
		if (old != NULL)
			json_array_remove(cl->rows, (size_t)i);
		case_list_sort(cl);
		return;
	}
	row = json_deep_copy(c);
	case_list_keep(cl, old, row);
	if (old != NULL)
		json_array_set_new(cl->rows, (size_t)i, row);
	else {
		json_array_append_new(cl->rows, row);
		if (cl->kind->flags & CASE_LIST_ANNOUNCE)
			console_message(cl->con, "新到: %s %s %s", jstr(c, "case_no"),
			    jstr(c, "state_name"), jstr(c, "class_name"));
	}
	case_list_sort(cl);
}

void
case_list_event(struct case_list *cl, json_t *ev)
{
	const char *name = jstr(ev, "event");
	json_t *data = json_object_get(ev, "data");

	if (strcmp(name, "case") == 0)
		case_list_case(cl, data);
	else if (strcmp(name, "resync") == 0)
		case_list_reload(cl);
	else if (strcmp(name, "db") == 0)
		console_message(cl->con, "数据库%s", json_is_true(json_object_get(data,
		    "up")) ? "已恢复" : "不可用");
	else if (strcmp(name, "alarm") == 0) {
		console_message(cl->con, "%s %s: %s阶段", jstr(data, "case_no"),
		    cli_print_label(jstr(data, "alarm")),
		    cli_print_label(jstr(data, "stage")));
		case_list_reload_soon(cl);
	}
}

/* Moving in the list and reading it again; 0: not one of those. */
int
case_list_action(struct case_list *cl, int a)
{
	if (a != ACT_REFRESH)
		return list_action(&cl->list, a);
	case_list_reload(cl);
	console_message(cl->con, "重新读取列表");
	return 1;
}

/* Working time left, "3:25", or past the deadline, "超2:10". */
static enum tty_colour
case_list_left_text(struct case_list *cl, json_t *c, char *buf, size_t len)
{
	int64_t now = (int64_t)time(NULL), dl = jnum(c, "deadline"), s;
	json_t *warn = json_object_get(c, "warn_at");

	if (!json_is_integer(json_object_get(c, "deadline"))) {
		snprintf(buf, len, "-");
		return TTY_NORMAL;
	}
	if (json_is_true(json_object_get(c, "paused"))) {
		snprintf(buf, len, "暂停");
		return TTY_NORMAL;
	}
	s = worktime_elapsed(cl->cal, now < dl ? now : dl, now < dl ? dl : now,
	    WORKTIME_WORK_HOUR, NULL, 0);
	snprintf(buf, len, "%s%lld:%02lld", now < dl ? "" : "超",
	    (long long)(s / 3600), (long long)(s / 60 % 60));
	if (now >= dl)
		return TTY_LATE;
	if (json_is_integer(warn) && now >= json_integer_value(warn))
		return TTY_WARN;
	return TTY_OK;
}

/* The time-left cell: green in time, yellow past warn_at, red overdue. */
const char *
case_list_left(struct case_list *cl, json_t *c, attr_t *attr)
{
	*attr = tty_attr(case_list_left_text(cl, c, cl->cell, sizeof cl->cell));
	return cl->cell;
}

/* A cell of the columns every case list begins with; NULL for the view's. */
const char *
case_list_cell(struct case_list *cl, json_t *c, int col, attr_t *attr)
{
	switch ((enum case_col)col) {
	case CASE_COL_URGENT:
		return json_is_true(json_object_get(c, "urgent")) ? "急" : "";
	case CASE_COL_CASE:
		return jstr(c, "case_no");
	case CASE_COL_STATE:
		return jstr(c, "state_name");
	case CASE_COL_LEFT:
		return case_list_left(cl, c, attr);
	case CASE_COL_CLASS:
		return jstr(c, "class_name");
	case CASE_COL_COMMON:
		break;
	}
	return NULL;
}

void
case_list_init(struct case_list *cl, struct console *con,
    const struct case_list_kind *kind, const struct list_col *cols, int ncols)
{
	memset(cl, 0, sizeof *cl);
	cl->con = con;
	cl->kind = kind;
	cl->rows = json_array();
	cl->cal = worktime_create();
	cl->reload_ev = evtimer_new(con->base, case_list_reload_cb, cl);
	list_init(&cl->list, cols, ncols);
}

void
case_list_free(struct case_list *cl)
{
	event_free(cl->reload_ev);
	worktime_free(cl->cal);
	json_decref(cl->rows);
}

struct case_step {		/* what a step's reply needs */
	struct console	*con;
	char		 case_no[32];
	char		 label[32];
};

static void
case_step_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct case_step *r = arg;

	if (result == NULL)
		console_message(r->con, "%s %s 未完成: %s", r->case_no, r->label,
		    err->message);
	else
		console_message(r->con, "%s %s完成", r->case_no,
		    jstr(result, "label")[0] ? jstr(result, "label") : r->label);
	free(r);
}

/* case.ACTION on a case as of the version shown; args (taken) may be NULL. */
void
case_step(struct console *con, json_t *c, const char *action,
    const char *label, json_t *args)
{
	struct case_step *r = xcalloc(1, sizeof *r);
	char op[32];

	r->con = con;
	snprintf(r->case_no, sizeof r->case_no, "%s", jstr(c, "case_no"));
	snprintf(r->label, sizeof r->label, "%s", label);
	snprintf(op, sizeof op, "case.%s", action);
	if (args == NULL)
		args = json_object();
	json_object_set_new(args, "case", json_string(r->case_no));
	json_object_set_new(args, "version", json_integer(jnum(c, "row_version")));
	if (conn_request(con->conn, op, args, case_step_done, r) != 0) {
		console_message(con, "未连接 citygridd, %s 未发出", label);
		free(r);
		return;
	}
	console_message(con, "%s %s…", r->case_no, label);
}
