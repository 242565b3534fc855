/*
 * view-supervise.c: the shift supervisor's and command centre's console
 * (值班长 / 监督指挥).  Four things, all kept by pushes, never polled:
 *
 *  - the cases waiting for the supervisor: reported and verified ones
 *    to file (立案) or reject (不予立案), checked ones to close (结案) or
 *    send back (返工); from the "case" events of a watch on the role;
 *  - a feed of every step of every case, newest first, from the "step"
 *    events of a watch on everything;
 *  - the open cases by state and the alarms (overdue, warning), from one
 *    case.list of the open cases at (re)connection, then the pushes;
 *  - today's department ranking (rank.departments), in place of the
 *    feed when asked: read again at most once a second while steps are
 *    pushed, and on the tick;
 *  - a braille map of the district: the case positions shaded by density
 *    and the selected case marked.  case.list has no position, so each
 *    open case is read once with case.show (a few at a time); pushed
 *    cases carry theirs.
 *
 * supervise_outlines() asks the daemon for the outlines (geo.outline:
 * the district and its streets, then each street's grids) and draws
 * them; a daemon without the operation leaves the district's bounding box.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

#define SUPERVISE_STATES "reported,verified,checked"
#define SUPERVISE_LIMIT	5000		/* open cases read at once */
#define SUPERVISE_FEED	300		/* steps kept */
#define SUPERVISE_ALARMS 300
#define SUPERVISE_SHOWS	8		/* case.show requests out at once */
#define SUPERVISE_WIDE	150		/* columns for side by side */

/* The district's extent (CGCS2000) until the daemon gives its outline. */
#define DISTRICT_W	116.38
#define DISTRICT_E	116.45
#define DISTRICT_S	39.85
#define DISTRICT_N	39.975

enum supervise_col {
	COL_URGENT, COL_CASE, COL_STATE, COL_CLASS, COL_GRID, COL_ADDRESS,
	COL_COUNT
};
static const struct list_col supervise_cols[COL_COUNT] = {
	[COL_URGENT] =	{ "急", 2, 0 },
	[COL_CASE] =	{ "案卷号", 17, 0 },
	[COL_STATE] =	{ "状态", 8, 0 },
	[COL_CLASS] =	{ "类别", 0, 0 },
	[COL_GRID] =	{ "网格", 15, 100 },
	[COL_ADDRESS] =	{ "地址", 0, 100 },
};

/* The open states in the order of the workflow, for the counts. */
static const struct supervise_state {
	const char	*state;
	const char	*name;		/* until the daemon names it: case_state's */
} supervise_states[] = {
	{ "reported", "待受理" }, { "verifying", "核实中" }, { "verified", "待立案" },
	{ "filed", "待派遣" }, { "dispatched", "待接收" }, { "handling", "处置中" },
	{ "extending", "延期申请" }, { "postponing", "缓办申请" },
	{ "postponed", "缓办" }, { "suspended", "挂账" }, { "returned", "已回退" },
	{ "handled", "待核查" }, { "checking", "核查中" }, { "checked", "待结案" },
};

static const enum keymap_action supervise_actions[] = {
	ACT_FILE, ACT_REJECT, ACT_CLOSE, ACT_REWORK, ACT_DETAIL, ACT_MAP, ACT_ALARMS,
	ACT_RANKING, ACT_EVALUATION, ACT_HOT, ACT_PERIOD, ACT_LEVEL_UP, ACT_LEFT, ACT_RIGHT,
	ACT_ZOOM_IN, ACT_ZOOM_OUT, ACT_CENTER,
	ACT_REFRESH,
	ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_FIRST, ACT_LAST,
	ACT_REDRAW, ACT_HELP, ACT_QUIT, ACT_NONE
};

struct supervise {
	struct console	*con;
	json_t		*rows;		/* the supervisor's cases, in order */
	struct list	 list;
	json_t		*open;		/* "id" -> every open case */
	json_t		*pos;		/* "id" -> [lon, lat] */
	json_t		*names;		/* state -> its name, as pushed */
	json_t		*feed;		/* steps, newest first */
	json_t		*alarms;	/* newest first */
	json_t		*posq;		/* ids waiting for a case.show */
	int		 shows;		/* case.show out */
	json_int_t	 all_sub;	/* the watch on everything */
	int		 loading;
	int		 map_mode;	/* keys pan the map; alone when narrow */
	int		 pane_alarms;	/* narrow: alarms instead of the feed */
	int		 pane_rank;	/* the ranking instead of the feed */
	json_t		*ranking;	/* rank.departments rows, or NULL */
	int		 rank_loading;	/* a rank.departments out */
	int		 rank_stale;	/* steps came while it was out */
	struct event	*rank_ev;	/* coalesces the steps' rereads */
	struct map	*map;
	char		 cell[64];
	enum { SUP_LIST, SUP_EVAL, SUP_HOT } mode;	/* what fills the screen */
	int		 month;		/* evaluation and 高发问题: this month, not today */
	int		 depth;		/* 0 the district ... 3 grids, 4 a grid's cases */
	char		 at[4][16];	/* the code chosen at each level above */
	char		 at_name[4][64];
	int		 ev_sel[4];	/* the row chosen there, for going back */
	int		 ev_keep;	/* the row to select when read, or -1 */
	json_t		*ev_rows;	/* the level's rows, best first; NULL: reading */
	json_t		*ev_ind;	/* code -> {indicator: value}, for the scores */
	struct list	 ev_list;
	int		 ev_loading;
	int		 ev_stale;	/* changed while out: read again */
	char		 ev_from[16], ev_to[16], ev_pfrom[16], ev_pto[16];
	char		 ev_cell[64];
	json_t		*hot[3];	/* report.count rows: classes, grids, components */
	int		 hot_loading;
	int		 hot_stale;
};



static const char *
supervise_state_name(struct supervise *s, const char *state)
{
	const char *n = json_string_value(json_object_get(s->names, state));
	size_t i;

	if (n != NULL)
		return n;
	for (i = 0; i < sizeof supervise_states / sizeof supervise_states[0]; i++) {
		if (strcmp(supervise_states[i].state, state) == 0)
			return supervise_states[i].name;
	}
	return state;
}

static int
supervise_wanted(json_t *c)
{
	const char *st = jstr(c, "state");

	return strcmp(st, "reported") == 0 || strcmp(st, "verified") == 0 ||
	    strcmp(st, "checked") == 0;
}

/* The list again from the open cases, the selection kept on its case. */
static void
supervise_rebuild(struct supervise *s)
{
	const char *key;
	json_t *c, **v;
	size_t n = 0;

	v = xcalloc(json_object_size(s->open) + 1, sizeof *v);
	json_object_foreach(s->open, key, c) {
		if (supervise_wanted(c))
			v[n++] = c;
	}
	case_rows_sort(s->rows, &s->list, v, n, 0);
	free(v);
	console_dirty(s->con);
}

static void supervise_pump(struct supervise *);
static void eval_read(struct supervise *);
static void hot_read(struct supervise *);

static void
supervise_show_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;
	char id[32];

	s->shows--;
	if (result == NULL) {
		if (strcmp(err->code, "E_LOCAL") == 0)
			return;		/* lost or closing: read again when up */
	} else if (json_is_number(json_object_get(result, "lon"))) {
		snprintf(id, sizeof id, "%lld", (long long)jnum(result, "id"));
		json_object_set_new(s->pos, id, json_pack("[f, f]",
		    json_number_value(json_object_get(result, "lon")),
		    json_number_value(json_object_get(result, "lat"))));
		console_dirty(s->con);
	}
	supervise_pump(s);
}

/* The positions still missing, a few requests at a time. */
static void
supervise_pump(struct supervise *s)
{
	json_t *id;
	char key[32];

	while (s->shows < SUPERVISE_SHOWS && json_array_size(s->posq) > 0) {
		id = json_incref(json_array_get(s->posq, 0));
		json_array_remove(s->posq, 0);
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(id));
		json_decref(id);
		if (json_object_get(s->pos, key) != NULL ||
		    json_object_get(s->open, key) == NULL)
			continue;
		if (conn_request(s->con->conn, "case.show", json_pack("{s:s}",
		    "case", key), supervise_show_done, s) != 0)
			return;
		s->shows++;
	}
}

/* An alarm, replacing an older one of the same case and stage. */
static void
supervise_alarm_add(struct supervise *s, const char *case_no, const char *stage,
    const char *alarm, int64_t at)
{
	json_t *a;
	size_t i;

	json_array_foreach(s->alarms, i, a) {
		if (strcmp(jstr(a, "case_no"), case_no) == 0 &&
		    strcmp(jstr(a, "stage"), stage) == 0) {
			json_array_remove(s->alarms, i);
			break;
		}
	}
	json_array_insert_new(s->alarms, 0, json_pack("{s:s, s:s, s:s, s:I}",
	    "case_no", case_no, "stage", stage, "alarm", alarm, "at", (json_int_t)at));
	while (json_array_size(s->alarms) > SUPERVISE_ALARMS)
		json_array_remove(s->alarms, json_array_size(s->alarms) - 1);
}

static void
supervise_alarm_drop(struct supervise *s, const char *case_no)
{
	json_t *a;
	size_t i = 0;

	while ((a = json_array_get(s->alarms, i)) != NULL) {
		if (strcmp(jstr(a, "case_no"), case_no) == 0)
			json_array_remove(s->alarms, i);
		else
			i++;
	}
}

/* The alarms already due when the list is read: its nearest deadline. */
static void
supervise_alarm_initial(struct supervise *s, json_t *c)
{
	int64_t now = (int64_t)time(NULL);
	json_t *dl = json_object_get(c, "deadline"), *warn = json_object_get(c, "warn_at");

	if (json_is_true(json_object_get(c, "paused")) || !json_is_integer(dl))
		return;
	if (json_integer_value(dl) <= now)
		supervise_alarm_add(s, jstr(c, "case_no"), jstr(c, "stage"),
		    "overdue", json_integer_value(dl));
	else if (json_is_integer(warn) && json_integer_value(warn) <= now)
		supervise_alarm_add(s, jstr(c, "case_no"), jstr(c, "stage"),
		    "warning", json_integer_value(warn));
}

static void
supervise_list_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;
	json_t *row;
	char id[32];
	size_t i;

	s->loading = 0;
	if (result == NULL) {
		console_message(s->con, "读取列表失败: %s", err->message);
		return;
	}
	json_object_clear(s->open);
	json_array_clear(s->posq);
	json_array_clear(s->alarms);
	json_array_foreach(result, i, row) {
		snprintf(id, sizeof id, "%lld", (long long)jnum(row, "id"));
		json_object_set(s->open, id, row);
		json_object_set(s->names, jstr(row, "state"), json_object_get(row,
		    "state_name"));
		supervise_alarm_initial(s, row);
		if (json_object_get(s->pos, id) == NULL)
			json_array_append_new(s->posq, json_integer(jnum(row, "id")));
	}
	supervise_rebuild(s);
	supervise_pump(s);
}

static void
supervise_reload(struct supervise *s)
{
	if (s->loading)
		return;
	if (conn_request(s->con->conn, "case.list", json_pack("{s:b, s:i}",
	    "open", 1, "limit", SUPERVISE_LIMIT), supervise_list_done, s) == 0)
		s->loading = 1;
}

static void
supervise_rank_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;
	struct timeval tv = { 1, 0 };

	s->rank_loading = 0;
	if (result == NULL) {
		if (strcmp(err->code, "E_LOCAL") != 0)
			console_message(s->con, "读取部门排名失败: %s", err->message);
		return;
	}
	json_decref(s->ranking);
	s->ranking = json_incref(result);
	if (s->rank_stale && !evtimer_pending(s->rank_ev, NULL))
		evtimer_add(s->rank_ev, &tv);
	s->rank_stale = 0;
	console_dirty(s->con);
}

/* Read the ranking now, if it is shown and none is out. */
static void
supervise_rank_read(struct supervise *s)
{
	if (!s->pane_rank)
		return;
	if (s->rank_loading) {
		s->rank_stale = 1;
		return;
	}
	if (conn_request(s->con->conn, "rank.departments", json_object(),
	    supervise_rank_done, s) == 0)
		s->rank_loading = 1;
}

static void
supervise_rank_cb(evutil_socket_t fd, short what, void *arg)
{
	supervise_rank_read(arg);
}

/* A step may change the ranking: read it again within a second, once. */
static void
supervise_rank_soon(struct supervise *s)
{
	struct timeval tv = { 1, 0 };

	if (s->pane_rank && !evtimer_pending(s->rank_ev, NULL))
		evtimer_add(s->rank_ev, &tv);
}

static void
supervise_watch_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;

	if (result == NULL) {
		console_message(s->con, "订阅推送失败: %s", err->message);
		return;
	}
	if (strcmp(jstr(result, "scope"), "all") == 0)
		s->all_sub = jnum(result, "sub");
}

/*
 * The seam for the daemon's outlines: a "district" geometry and "grids"
 * [{code, geometry}], GeoJSON in CGCS2000, simplified for the screen.
 */
static void supervise_outlines_done(json_t *, const struct conn_error *, void *);

/*
 * The district and its streets come first; then each street's grids,
 * one request a street, so that every answer fits in a frame.
 */
static void
supervise_outlines_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;
	json_t *g;
	size_t i;
	int streets;

	if (result == NULL)
		return;		/* an older daemon: the bounding box stays */
	streets = strcmp(jstr(result, "level"), "street") == 0;
	if (streets) {
		map_clear_lines(s->map, MAP_DISTRICT);
		map_clear_lines(s->map, MAP_GRID);
		map_add_geojson(s->map, MAP_DISTRICT, json_object_get(result, "district"));
	}
	json_array_foreach(json_object_get(result, "outlines"), i, g) {
		map_add_geojson(s->map, streets ? MAP_DISTRICT : MAP_GRID,
		    json_object_get(g, "geometry"));
		if (streets)
			conn_request(s->con->conn, "geo.outline", json_pack("{s:s, s:s}",
			    "level", "grid", "within", jstr(g, "code")),
			    supervise_outlines_done, s);
	}
	console_dirty(s->con);
}

static void
supervise_outlines(struct supervise *s)
{
	conn_request(s->con->conn, "geo.outline", json_pack("{s:s}", "level",
	    "street"), supervise_outlines_done, s);
}

/* Connected, or again: watch first, then read, so nothing falls between. */
static void
supervise_up(struct console *con, void *arg)
{
	struct supervise *s = arg;

	s->shows = 0;
	s->loading = 0;
	s->all_sub = 0;
	s->rank_loading = 0;
	s->ev_loading = 0;
	s->hot_loading = 0;
	supervise_rank_read(s);
	eval_read(s);
	hot_read(s);
	conn_request(con->conn, "watch", json_pack("{s:s, s:s}", "scope", "role",
	    "value", con->view->role), supervise_watch_done, s);
	conn_request(con->conn, "watch", json_pack("{s:s}", "scope", "all"),
	    supervise_watch_done, s);
	supervise_outlines(s);
	supervise_reload(s);
}

/* A pushed case: its state, its place, in or out of the lists. */
static void
supervise_case(struct supervise *s, json_t *c)
{
	json_t *old, *row;
	char id[32];

	snprintf(id, sizeof id, "%lld", (long long)jnum(c, "id"));
	json_object_set(s->names, jstr(c, "state"), json_object_get(c, "state_name"));
	if (json_is_number(json_object_get(c, "lon")))
		json_object_set_new(s->pos, id, json_pack("[f, f]",
		    json_number_value(json_object_get(c, "lon")),
		    json_number_value(json_object_get(c, "lat"))));
	old = json_object_get(s->open, id);
	if (!json_is_true(json_object_get(c, "open"))) {
		json_object_del(s->open, id);
		supervise_alarm_drop(s, jstr(c, "case_no"));
	} else {
		row = json_deep_copy(c);
		if (old != NULL && json_object_get(old, "created") != NULL)
			json_object_set(row, "created", json_object_get(old, "created"));
		json_object_set_new(s->open, id, row);
		if (old == NULL && supervise_wanted(c))
			console_message(s->con, "新到: %s %s %s", jstr(c, "case_no"),
			    jstr(c, "state_name"), jstr(c, "class_name"));
	}
	supervise_rebuild(s);
}

static void
supervise_step(struct supervise *s, json_t *st)
{
	json_array_insert_new(s->feed, 0, json_deep_copy(st));
	while (json_array_size(s->feed) > SUPERVISE_FEED)
		json_array_remove(s->feed, json_array_size(s->feed) - 1);
	supervise_rank_soon(s);
	console_dirty(s->con);
}

static void
supervise_event(struct console *con, void *arg, json_t *ev)
{
	struct supervise *s = arg;
	const char *name = jstr(ev, "event");
	json_t *data = json_object_get(ev, "data");
	int all = s->all_sub == 0 || jnum(ev, "sub") == s->all_sub;

	if (strcmp(name, "case") == 0)
		supervise_case(s, data);
	else if (strcmp(name, "step") == 0 && all)
		supervise_step(s, data);
	else if (strcmp(name, "alarm") == 0 && all) {
		supervise_alarm_add(s, jstr(data, "case_no"), jstr(data, "stage"),
		    jstr(data, "alarm"), (int64_t)time(NULL));
		console_dirty(con);
	} else if (strcmp(name, "resync") == 0)
		supervise_reload(s);
	else if (strcmp(name, "db") == 0)
		console_message(con, "数据库%s", json_is_true(json_object_get(data,
		    "up")) ? "已恢复" : "不可用");
}

/* A case.list row's cell, for the list and a grid's cases. */
static const char *
supervise_cell_of(json_t *c, int col, attr_t *attr)
{
	switch ((enum supervise_col)col) {
	case COL_URGENT:
		return json_is_true(json_object_get(c, "urgent")) ? "急" : "";
	case COL_CASE:
		return jstr(c, "case_no");
	case COL_STATE:
		if (strcmp(jstr(c, "state"), "checked") == 0)
			*attr = tty_attr(TTY_OK);
		return jstr(c, "state_name");
	case COL_CLASS:
		return jstr(c, "class_name");
	case COL_GRID:
		return jstr(c, "grid")[0] != '\0' ? jstr(c, "grid") : "-";
	case COL_ADDRESS:
		return jstr(c, "address")[0] != '\0' ? jstr(c, "address") : "-";
	case COL_COUNT:
		break;
	}
	return NULL;
}

static const char *
supervise_cell(void *arg, int row, int col, attr_t *attr)
{
	struct supervise *s = arg;

	return supervise_cell_of(json_array_get(s->rows, (size_t)row), col, attr);
}

static json_t *
supervise_selected(struct supervise *s)
{
	return s->list.sel < 0 ? NULL : json_array_get(s->rows, (size_t)s->list.sel);
}

/*
 * "超时 1 预警 2 | 待办 3 | 待受理 2 待派遣 5 … |": one line, the alarms
 * first, so that a narrow screen cuts the per-state counts, not them.
 */
static void
supervise_draw_counts(struct supervise *s, WINDOW *w, int y, int x, int cols)
{
	char line[1024];
	size_t i, n, k;
	int over = 0, warn = 0, count;
	const char *key;
	json_t *c;

	json_array_foreach(s->alarms, k, c) {
		over += strcmp(jstr(c, "alarm"), "overdue") == 0;
		warn += strcmp(jstr(c, "alarm"), "warning") == 0;
	}
	n = snprintf(line, sizeof line, "超时 %d 预警 %d | 待办 %zu |", over, warn,
	    json_array_size(s->rows));
	for (i = 0; i < sizeof supervise_states / sizeof supervise_states[0]; i++) {
		count = 0;
		json_object_foreach(s->open, key, c)
			count += strcmp(jstr(c, "state"), supervise_states[i].state) == 0;
		if (count > 0 && n < sizeof line)
			n += snprintf(line + n, sizeof line - n, " %s %d",
			    supervise_state_name(s, supervise_states[i].state), count);
	}
	if (n < sizeof line)
		snprintf(line + n, sizeof line - n, " |");	/* the end: not cut */
	tty_put(w, y, x, cols, line, tty_attr(TTY_HEADER));
}

static void
supervise_hms(int64_t t, char *buf, size_t len)
{
	char full[32];

	worktime_format(t, full, sizeof full);
	snprintf(buf, len, "%.8s", strlen(full) > 11 ? full + 11 : full);
}

/* The steps, newest first: time, who, what, which case, from → to. */
static void
supervise_draw_feed(struct supervise *s, WINDOW *w, int y, int x, int cols,
    int lines)
{
	char line[512], t[16];
	json_t *st;
	int i;

	for (i = 0; i < lines; i++) {
		if ((st = json_array_get(s->feed, (size_t)i)) == NULL) {
			if (i == 0)
				tty_put(w, y, x, cols, "(尚无步骤)", A_NORMAL);
			break;
		}
		supervise_hms(jnum(st, "at"), t, sizeof t);
		snprintf(line, sizeof line, "%s %s %s %s %s→%s", t,
		    jstr(st, "actor_name"), cli_case_action_label(jstr(st, "action")),
		    jstr(st, "case_no"), jstr(st, "from_state")[0] ?
		    supervise_state_name(s, jstr(st, "from_state")) : "-",
		    supervise_state_name(s, jstr(st, "to_state")));
		tty_put(w, y + i, x, cols, line, A_NORMAL);
	}
}

static void
supervise_draw_alarms(struct supervise *s, WINDOW *w, int y, int x, int cols,
    int lines)
{
	char line[256], t[16];
	json_t *a;
	int i, over;

	for (i = 0; i < lines; i++) {
		if ((a = json_array_get(s->alarms, (size_t)i)) == NULL) {
			if (i == 0)
				tty_put(w, y, x, cols, "(无超时或预警)", A_NORMAL);
			break;
		}
		over = strcmp(jstr(a, "alarm"), "overdue") == 0;
		supervise_hms(jnum(a, "at"), t, sizeof t);
		snprintf(line, sizeof line, "%s %s %s %s阶段", t,
		    cli_print_label(jstr(a, "alarm")), jstr(a, "case_no"),
		    cli_print_label(jstr(a, "stage")));
		tty_put(w, y + i, x, cols, line, tty_attr(over ? TTY_LATE : TTY_WARN));
	}
}

/* The ranking: 名次, 部门, 处置, 按时处置率, 超期未处置. */
static void
supervise_draw_rank(struct supervise *s, WINDOW *w, int y, int x, int cols,
    int lines)
{
	int nw = cols - 33 > 8 ? cols - 33 : 8, i;	/* 5 + name + 28 */
	json_t *r, *rate;
	char b[32];

	if (lines < 1)
		return;
	if (s->ranking == NULL || json_array_size(s->ranking) == 0) {
		tty_put(w, y, x, cols, s->ranking == NULL ? "读取中…" :
		    "今日尚无处置阶段", A_NORMAL);
		return;
	}
	tty_put(w, y, x, cols, "名次", A_BOLD);
	tty_put(w, y, x + 5, nw, "部门", A_BOLD);
	tty_put(w, y, x + 5 + nw, cols - 5 - nw, "处置  按时处置率  超期未处置", A_BOLD);
	for (i = 0; i + 1 < lines && (r = json_array_get(s->ranking, (size_t)i)) != NULL;
	    i++) {
		snprintf(b, sizeof b, "%3lld", (long long)jnum(r, "rank"));
		tty_put(w, y + 1 + i, x, 4, b, A_NORMAL);
		tty_put(w, y + 1 + i, x + 5, nw - 1, jstr(r, "department_name"), A_NORMAL);
		rate = json_object_get(r, "rate");
		if (json_is_number(rate))
			snprintf(b, sizeof b, "%4lld  %9.0f%%  %10lld",
			    (long long)jnum(r, "handled"), json_number_value(rate) * 100,
			    (long long)jnum(r, "overdue"));
		else
			snprintf(b, sizeof b, "%4lld     无数据  %10lld",
			    (long long)jnum(r, "handled"), (long long)jnum(r, "overdue"));
		tty_put(w, y + 1 + i, x + 5 + nw, cols - 5 - nw, b,
		    jnum(r, "overdue") > 0 ? tty_attr(TTY_LATE) : A_NORMAL);
	}
}

/* A pane's title on a rule: "── 步骤动态 ──". */
static void
supervise_rule(WINDOW *w, int y, int x, int cols, const char *title, int on)
{
	mvwhline(w, y, x, ACS_HLINE, cols);
	tty_put(w, y, x + 1, utf8_width(title) + 2 < cols ? utf8_width(title) + 2 :
	    cols - 1, "", A_NORMAL);
	tty_put(w, y, x + 2, utf8_width(title) < cols - 3 ? utf8_width(title) :
	    cols - 3, title, on ? A_REVERSE | A_BOLD : A_BOLD);
}

/* The points of the open cases, the selected one marked; then draw. */
static void
supervise_draw_map(struct supervise *s, WINDOW *w, int y, int x, int lines,
    int cols)
{
	json_t *sel = supervise_selected(s), *p;
	const char *key;
	char id[32];
	WINDOW *mw;

	map_clear_points(s->map);
	json_object_foreach(s->open, key, p) {
		if ((p = json_object_get(s->pos, key)) != NULL)
			map_add_point(s->map, json_number_value(json_array_get(p, 0)),
			    json_number_value(json_array_get(p, 1)));
	}
	p = NULL;
	if (sel != NULL) {
		snprintf(id, sizeof id, "%lld", (long long)jnum(sel, "id"));
		p = json_object_get(s->pos, id);
	}
	map_mark(s->map, p != NULL, json_number_value(json_array_get(p, 0)),
	    json_number_value(json_array_get(p, 1)));
	if (lines < 2 || cols < 4 || (mw = derwin(w, lines, cols, y, x)) == NULL)
		return;
	map_draw(s->map, mw);
	delwin(mw);
}

/* The busiest grids, for the line under the map. */
static void
supervise_draw_legend(struct supervise *s, WINDOW *w, int y, int x, int cols)
{
	char line[512];
	json_t *tally = json_object(), *c, *v;
	const char *key, *best[3] = { NULL, NULL, NULL };
	json_int_t bn[3] = { 0, 0, 0 };
	size_t n, i, j;

	json_object_foreach(s->open, key, c) {
		v = json_object_get(tally, jstr(c, "grid"));
		json_object_set_new(tally, jstr(c, "grid"),
		    json_integer(json_integer_value(v) + 1));
	}
	json_object_foreach(tally, key, v) {
		for (i = 0; i < 3 && bn[i] >= json_integer_value(v); i++)
			;
		for (j = 2; i < 3 && j > i; j--) {
			best[j] = best[j - 1];
			bn[j] = bn[j - 1];
		}
		if (i < 3) {
			best[i] = key;
			bn[i] = json_integer_value(v);
		}
	}
	n = snprintf(line, sizeof line, "案卷多的网格:");
	for (i = 0; i < 3 && best[i] != NULL && n < sizeof line; i++)
		n += snprintf(line + n, sizeof line - n, " %s %lld",
		    best[i][0] ? best[i] : "-", (long long)bn[i]);
	tty_put(w, y, x, cols, line, A_NORMAL);
	json_decref(tally);
}

static void
supervise_draw_detail(struct supervise *s, WINDOW *w, int y, int x, int cols)
{
	json_t *c = supervise_selected(s);
	char line[1024];

	if (c == NULL) {
		tty_put(w, y, x, cols, s->loading ? "读取中…" :
		    "没有待立案或待结案的案卷", A_NORMAL);
		return;
	}
	snprintf(line, sizeof line, "%s %s: %s", jstr(c, "case_no"),
	    jstr(c, "class_name"), jstr(c, "description"));
	tty_put(w, y, x, cols, line, A_NORMAL);
}

static void
supervise_draw_list(struct supervise *s, WINDOW *w, int y, int x, int lines,
    int cols)
{
	WINDOW *lw;

	if (lines < 2 || (lw = derwin(w, lines, cols, y, x)) == NULL)
		return;
	list_draw(&s->list, lw, supervise_cell, s);
	delwin(lw);
}

/* 80x24: the list and the feed; the map instead of both when asked. */
static void
supervise_draw_narrow(struct supervise *s, WINDOW *w, int h, int cols)
{
	int lh = (h - 3) / 2;

	if (s->map_mode) {
		supervise_draw_map(s, w, 1, 0, h - 2, cols);
		supervise_draw_legend(s, w, h - 1, 0, cols);
		return;
	}
	supervise_draw_list(s, w, 1, 0, lh, cols);
	supervise_draw_detail(s, w, 1 + lh, 0, cols);
	supervise_rule(w, 2 + lh, 0, cols, s->pane_rank ? "今日部门排名" :
	    s->pane_alarms ? "超时告警" : "步骤动态", 0);
	if (s->pane_rank)
		supervise_draw_rank(s, w, 3 + lh, 0, cols, h - 3 - lh);
	else if (s->pane_alarms)
		supervise_draw_alarms(s, w, 3 + lh, 0, cols, h - 3 - lh);
	else
		supervise_draw_feed(s, w, 3 + lh, 0, cols, h - 3 - lh);
}

/* 200x60: the list, the feed over the alarms, and the map. */
static void
supervise_draw_wide(struct supervise *s, WINDOW *w, int h, int cols)
{
	int lw = cols * 2 / 5, fw = cols * 3 / 10, mx = lw + fw + 2;
	int fh = (h - 1) * 3 / 5;

	supervise_draw_list(s, w, 1, 0, h - 3, lw);
	supervise_draw_detail(s, w, h - 1, 0, lw);
	mvwvline(w, 1, lw, ACS_VLINE, h - 1);
	supervise_rule(w, 1, lw + 1, fw, s->pane_rank ? "今日部门排名" : "步骤动态", 0);
	if (s->pane_rank)
		supervise_draw_rank(s, w, 2, lw + 1, fw, fh - 1);
	else
		supervise_draw_feed(s, w, 2, lw + 1, fw, fh - 1);
	supervise_rule(w, 1 + fh, lw + 1, fw, "超时告警", 0);
	supervise_draw_alarms(s, w, 2 + fh, lw + 1, fw, h - 2 - fh);
	mvwvline(w, 1, mx - 1, ACS_VLINE, h - 1);
	supervise_rule(w, 1, mx, cols - mx, "地图", s->map_mode);
	supervise_draw_map(s, w, 2, mx, h - 3, cols - mx);
	supervise_draw_legend(s, w, h - 1, mx, cols - mx);
}

/*
 * Evaluation (评价排名): the regions of one level ranked by their
 * composite score (eval.scores) with their indicators (eval.indicators)
 * for today or this month; Enter goes down a level, level-up back:
 * district, its streets, a street's communities, a community's grids,
 * a grid's cases (case.list), and a case's detail.
 */
static const char *const eval_kinds[] = { "district", "street", "community", "grid" };
static const char *const eval_level_names[] = { "区", "街道", "社区", "网格", "案卷" };

enum eval_col {
	EVC_RANK, EVC_NAME, EVC_SCORE, EVC_GRADE, EVC_FILED, EVC_CLOSED, EVC_CLOSE_RATE,
	EVC_ON_TIME, EVC_REPORT_RATE, EVC_COUNT
};
static const struct list_col eval_cols[EVC_COUNT] = {
	[EVC_RANK] =		{ "名次", 4, 0 },
	[EVC_NAME] =		{ "名称", 0, 0 },
	[EVC_SCORE] =		{ "综合指标", 8, 0 },
	[EVC_GRADE] =		{ "等级", 4, 0 },
	[EVC_FILED] =		{ "立案", 5, 0 },
	[EVC_CLOSED] =		{ "结案", 5, 0 },
	[EVC_CLOSE_RATE] =	{ "结案率", 7, 0 },
	[EVC_ON_TIME] =		{ "按期结案率", 10, 0 },
	[EVC_REPORT_RATE] =	{ "监督举报率", 10, 100 },
};
static const char *const eval_keys[EVC_COUNT] = {
	[EVC_FILED] = "filed", [EVC_CLOSED] = "closed", [EVC_CLOSE_RATE] = "close_rate",
	[EVC_ON_TIME] = "on_time_close_rate", [EVC_REPORT_RATE] = "report_rate",
};

static void
eval_period(struct supervise *s)
{
	char pf[16], pt[16];

	report_period(s->month ? "month" : "day", s->ev_from, s->ev_to, pf, pt);
	snprintf(s->ev_pfrom, sizeof s->ev_pfrom, "%s", pf);
	snprintf(s->ev_pto, sizeof s->ev_pto, "%s", pt);
}

/* The request's args: the level's kind, the period [from, to), the parent. */
static json_t *
eval_args(struct supervise *s)
{
	char end[16];

	report_day_after(s->ev_to, end);
	return json_pack("{s:s, s:s, s:s, s:s?}", "kind", eval_kinds[s->depth],
	    "from", s->ev_from, "to", end, "parent", s->depth > 0 ? s->at[s->depth - 1] :
	    NULL);
}

/* A reply that came after the level or period changed: read again. */
static int
eval_stale(struct supervise *s, json_t *result, const struct conn_error *err)
{
	s->ev_loading = 0;
	if (s->ev_stale) {
		s->ev_stale = 0;
		eval_read(s);
		return 1;
	}
	if (result == NULL) {
		if (strcmp(err->code, "E_LOCAL") != 0)
			console_message(s->con, "读取评价失败: %s", err->message);
		return 1;
	}
	return 0;
}

static void
eval_show(struct supervise *s, json_t *rows)
{
	json_decref(s->ev_rows);
	s->ev_rows = json_incref(rows);
	list_set_rows(&s->ev_list, (int)json_array_size(rows));
	if (rows != NULL && s->ev_keep >= 0) {
		list_goto(&s->ev_list, s->ev_keep);
		s->ev_keep = -1;
	}
	console_dirty(s->con);
}

/* The scores, best first, each with its indicators from before. */
static void
eval_scores_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;
	json_t *rows, *r, *ind, *row, *v;
	const char *key;
	size_t i;

	if (eval_stale(s, result, err))
		return;
	rows = json_array();
	json_array_foreach(result, i, r) {
		row = json_pack("{s:s, s:s, s:O, s:O}", "code", jstr(r, "object_code"),
		    "name", jstr(r, "object_name"), "score", json_object_get(r, "score"),
		    "grade", json_object_get(r, "grade"));
		if ((ind = json_object_get(s->ev_ind, jstr(r, "object_code"))) != NULL) {
			json_object_foreach(ind, key, v)
				json_object_set(row, key, v);
		}
		json_array_append_new(rows, row);
	}
	eval_show(s, rows);
	json_decref(rows);
}

/* The indicators by object, then the scores. */
static void
eval_ind_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;
	json_t *r, *o;
	size_t i;

	if (eval_stale(s, result, err))
		return;
	json_object_clear(s->ev_ind);
	json_array_foreach(result, i, r) {
		if ((o = json_object_get(s->ev_ind, jstr(r, "object_code"))) == NULL) {
			o = json_object();
			json_object_set_new(s->ev_ind, jstr(r, "object_code"), o);
		}
		json_object_set(o, jstr(r, "indicator"), json_object_get(r, "value"));
	}
	if (conn_request(s->con->conn, "eval.scores", eval_args(s), eval_scores_done, s) == 0)
		s->ev_loading = 1;
}

/* A grid's cases, the last level. */
static void
eval_cases_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;

	if (eval_stale(s, result, err))
		return;
	eval_show(s, result);
}

static void
eval_read(struct supervise *s)
{
	int rc;

	if (s->mode != SUP_EVAL)
		return;
	if (s->ev_loading) {
		s->ev_stale = 1;
		return;
	}
	eval_period(s);
	if (s->depth == 4)
		rc = conn_request(s->con->conn, "case.list", json_pack("{s:s, s:i}", "grid",
		    s->at[3], "limit", 500), eval_cases_done, s);
	else
		rc = conn_request(s->con->conn, "eval.indicators", eval_args(s),
		    eval_ind_done, s);
	if (rc == 0)
		s->ev_loading = 1;
}

/* A new level: nothing shown until it is read. */
static void
eval_goto(struct supervise *s, int depth)
{
	s->depth = depth;
	list_init(&s->ev_list, depth == 4 ? supervise_cols : eval_cols, depth == 4 ?
	    COL_COUNT : EVC_COUNT);
	eval_show(s, NULL);
	eval_read(s);
}

/* A figure right-aligned in its column: "93.5%", 无数据 with no denominator. */
static const char *
eval_figure(struct supervise *s, json_t *v, int col, int rate)
{
	char text[32];
	int pad;

	if (!json_is_number(v))
		snprintf(text, sizeof text, "%s", rate ? "无数据" : "-");
	else if (rate) {
		report_decimal(json_number_value(v) * 100, text, sizeof text - 1);
		strcat(text, "%");
	} else if (col == EVC_SCORE)
		report_decimal(json_number_value(v), text, sizeof text);
	else
		snprintf(text, sizeof text, "%.0f", json_number_value(v));
	pad = eval_cols[col].width - utf8_width(text);
	snprintf(s->ev_cell, sizeof s->ev_cell, "%*s%s", pad > 0 ? pad : 0, "", text);
	return s->ev_cell;
}

static const char *
eval_cell(void *arg, int row, int col, attr_t *attr)
{
	struct supervise *s = arg;
	json_t *r = json_array_get(s->ev_rows, (size_t)row), *v;

	if (s->depth == 4)
		return supervise_cell_of(r, col, attr);
	switch ((enum eval_col)col) {
	case EVC_RANK:
		snprintf(s->ev_cell, sizeof s->ev_cell, "%3d", row + 1);
		return json_is_number(json_object_get(r, "score")) ? s->ev_cell : "  -";
	case EVC_NAME:
		return jstr(r, "name");
	case EVC_GRADE:
		v = json_object_get(r, "grade");
		if (json_is_string(v) && strcmp(json_string_value(v), "D") >= 0)
			*attr = tty_attr(TTY_LATE);
		return json_is_string(v) ? json_string_value(v) : "-";
	case EVC_SCORE:
		return eval_figure(s, json_object_get(r, "score"), col, 0);
	case EVC_FILED: case EVC_CLOSED:
		return eval_figure(s, json_object_get(r, eval_keys[col]), col, 0);
	case EVC_CLOSE_RATE: case EVC_ON_TIME: case EVC_REPORT_RATE:
		return eval_figure(s, json_object_get(r, eval_keys[col]), col, 1);
	case EVC_COUNT:
		break;
	}
	return NULL;
}

/*
 * Where we are: 评价排名 本月 2026-11-01 至 2026-11-30 · 东城区 › 东华门街道 ›
 * 社区排名; the period's dates give way when the path needs the room.
 */
static void
eval_draw(struct supervise *s, WINDOW *w, int h, int cols)
{
	char line[1024], path[768];
	size_t n = 0;
	int i;
	WINDOW *lw;

	path[0] = '\0';
	for (i = 0; i < s->depth && n < sizeof path; i++)
		n += (size_t)snprintf(path + n, sizeof path - n, " %s ›", s->at_name[i]);
	if (n < sizeof path)
		snprintf(path + n, sizeof path - n, " %s%s", s->depth == 0 ? "全区" :
		    eval_level_names[s->depth], s->depth == 4 ? "" : "排名");
	snprintf(line, sizeof line, "评价排名 %s %s%s%s ·%s", s->month ? "本月" : "今日",
	    s->ev_from, strcmp(s->ev_from, s->ev_to) ? " 至 " : "",
	    strcmp(s->ev_from, s->ev_to) ? s->ev_to : "", path);
	if (utf8_width(line) > cols)
		snprintf(line, sizeof line, "%s ·%s", s->month ? "本月" : "今日", path);
	tty_put(w, 1, 0, cols, line, A_BOLD);
	if (s->ev_rows == NULL || json_array_size(s->ev_rows) == 0)
		tty_put(w, 3, 1, cols - 1, s->ev_rows == NULL ? "读取中…" : s->depth == 4 ?
		    "该网格没有案卷" : "没有数据", A_NORMAL);
	if (h > 4 && (lw = derwin(w, h - 3, cols, 2, 0)) != NULL) {
		if (s->ev_rows != NULL && json_array_size(s->ev_rows) > 0)
			list_draw(&s->ev_list, lw, eval_cell, s);
		delwin(lw);
	}
	tty_put(w, h - 1, 0, cols, s->depth == 4 ? "Enter 案卷详情  u 上一级  t 今日/本月"
	    "  e 回到案卷" : "Enter 进入下一级  u 上一级  t 今日/本月  e 回到案卷",
	    tty_attr(TTY_HEADER));
}

/* Enter: the selected region's next level, or a case's detail. */
static void
eval_down(struct supervise *s)
{
	json_t *r;

	if (s->ev_list.sel < 0 || (r = json_array_get(s->ev_rows,
	    (size_t)s->ev_list.sel)) == NULL)
		return;
	if (s->depth == 4) {
		detail_open(s->con, jstr(r, "case_no"));
		return;
	}
	snprintf(s->at[s->depth], sizeof s->at[0], "%s", jstr(r, "code"));
	snprintf(s->at_name[s->depth], sizeof s->at_name[0], "%s", jstr(r, "name"));
	s->ev_sel[s->depth] = s->ev_list.sel;
	eval_goto(s, s->depth + 1);
}

static void
eval_up(struct supervise *s)
{
	if (s->depth == 0) {
		console_message(s->con, "已在全区");
		return;
	}
	eval_goto(s, s->depth - 1);
	s->ev_keep = s->ev_sel[s->depth];
}

/*
 * 高发问题: the classes, grids and components with the most cases in
 * the period (report.count), each with the change against the period
 * before (yesterday, last month).
 */
static const char *const hot_by[3] = { "class", "grid", "component" };
static const char *const hot_titles[3] = { "高发类别", "高发网格", "高发部件" };

static void
hot_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct supervise *s = arg;
	int i;

	s->hot_loading--;
	if (result == NULL) {
		if (strcmp(err->code, "E_LOCAL") != 0)
			console_message(s->con, "读取高发问题失败: %s", err->message);
	} else {
		for (i = 0; i < 3 && strcmp(jstr(result, "by"), hot_by[i]) != 0; i++)
			;
		if (i < 3) {
			json_decref(s->hot[i]);
			s->hot[i] = json_incref(json_object_get(result, "rows"));
		}
	}
	if (s->hot_loading == 0 && s->hot_stale) {
		s->hot_stale = 0;
		hot_read(s);
	}
	console_dirty(s->con);
}

static void
hot_read(struct supervise *s)
{
	int i;

	if (s->mode != SUP_HOT)
		return;
	if (s->hot_loading > 0) {
		s->hot_stale = 1;
		return;
	}
	eval_period(s);
	for (i = 0; i < 3; i++) {
		if (conn_request(s->con->conn, "report.count", json_pack("{s:s, s:s, s:s,"
		    " s:s, s:s, s:i}", "by", hot_by[i], "from", s->ev_from, "to", s->ev_to,
		    "prev_from", s->ev_pfrom, "prev_to", s->ev_pto, "limit", 20),
		    hot_done, s) == 0)
			s->hot_loading++;
	}
}

/* "+3", "-2", "持平", "新增" against the period before. */
static void
hot_change(json_t *r, char *buf, size_t len)
{
	json_int_t c = jnum(r, "change");

	if (jnum(r, "previous") == 0)
		snprintf(buf, len, "新增");
	else if (c == 0)
		snprintf(buf, len, "持平");
	else
		snprintf(buf, len, "%s%lld", c > 0 ? "↑" : "↓", (long long)(c > 0 ? c : -c));
}

/* One section: its title and rows, name then count and change. */
static void
hot_section(struct supervise *s, WINDOW *w, int y, int x, int cols, int lines, int i)
{
	char line[256], ch[32], name[160];
	json_t *r;
	int k;

	snprintf(line, sizeof line, "%s (件数, 较%s)", hot_titles[i], s->month ? "上月" :
	    "昨日");
	supervise_rule(w, y, x, cols, line, 0);
	if (s->hot[i] == NULL || json_array_size(s->hot[i]) == 0) {
		tty_put(w, y + 1, x + 1, cols - 1, s->hot[i] == NULL ? "读取中…" : "本期无案卷",
		    A_NORMAL);
		return;
	}
	for (k = 0; k + 1 < lines && (r = json_array_get(s->hot[i], (size_t)k)) != NULL;
	    k++) {
		if (i == 0)
			snprintf(name, sizeof name, "%s %s", strncmp(jstr(r, "key"), "event", 5) ?
			    "部件" : "事件", jstr_or(r, "name"));
		else
			snprintf(name, sizeof name, "%s %s", jstr(r, "key"), jstr_or(r, "name"));
		hot_change(r, ch, sizeof ch);
		snprintf(line, sizeof line, "%4lld  %-6s", (long long)jnum(r, "count"), ch);
		tty_put(w, y + 1 + k, x + 1, cols - 16, name, A_NORMAL);
		tty_put(w, y + 1 + k, x + cols - 14, 14, line, jnum(r, "change") > 0 &&
		    jnum(r, "previous") > 0 ? tty_attr(TTY_WARN) : A_NORMAL);
	}
}

static void
hot_draw(struct supervise *s, WINDOW *w, int h, int cols)
{
	char line[256];
	int i, sh;

	snprintf(line, sizeof line, "高发问题 %s %s%s%s (上期 %s%s%s)", s->month ? "本月" :
	    "今日", s->ev_from, strcmp(s->ev_from, s->ev_to) ? " 至 " : "",
	    strcmp(s->ev_from, s->ev_to) ? s->ev_to : "", s->ev_pfrom,
	    strcmp(s->ev_pfrom, s->ev_pto) ? " 至 " : "", strcmp(s->ev_pfrom, s->ev_pto) ?
	    s->ev_pto : "");
	tty_put(w, 1, 0, cols, line, A_BOLD);
	if (cols >= SUPERVISE_WIDE) {
		for (i = 0; i < 3; i++)
			hot_section(s, w, 2, i * (cols / 3), cols / 3 - 1, h - 4, i);
	} else {
		sh = (h - 4) / 3;
		for (i = 0; i < 3; i++)
			hot_section(s, w, 2 + i * sh, 0, cols, sh, i);
	}
	tty_put(w, h - 1, 0, cols, "t 今日/本月  R 重读  p 回到案卷", tty_attr(TTY_HEADER));
}

/* The keys of the evaluation and 高发问题 screens; 0: not theirs. */
static int
eval_action(struct supervise *s, int a)
{
	if (s->mode == SUP_EVAL && list_action(&s->ev_list, a))
		return 1;
	switch (a) {
	case ACT_DETAIL:
		if (s->mode == SUP_EVAL)
			eval_down(s);
		return 1;
	case ACT_LEVEL_UP:
		if (s->mode == SUP_EVAL)
			eval_up(s);
		return 1;
	case ACT_PERIOD:
		s->month = !s->month;
		console_message(s->con, "%s", s->month ? "本月" : "今日");
		eval_read(s);
		hot_read(s);
		return 1;
	case ACT_REFRESH:
		eval_read(s);
		hot_read(s);
		return 1;
	case ACT_FILE: case ACT_REJECT: case ACT_CLOSE: case ACT_REWORK: case ACT_MAP:
		console_message(s->con, "先回到案卷列表 (%s)", s->mode == SUP_EVAL ? "e" : "p");
		return 1;
	default:
		return 0;
	}
}

/* e and p: in and out of the two screens. */
static void
eval_toggle(struct supervise *s, int mode)
{
	s->mode = (int)s->mode == mode ? SUP_LIST : mode;
	if (s->mode == SUP_EVAL)
		eval_goto(s, s->depth);
	else if (s->mode == SUP_HOT)
		hot_read(s);
	console_dirty(s->con);
}

static void
supervise_draw(struct console *con, void *arg, WINDOW *w)
{
	struct supervise *s = arg;
	int h = getmaxy(w), cols = getmaxx(w);

	werase(w);
	supervise_draw_counts(s, w, 0, 0, cols);
	if (s->mode == SUP_EVAL && h >= 6)
		eval_draw(s, w, h, cols);
	else if (s->mode == SUP_HOT && h >= 6)
		hot_draw(s, w, h, cols);
	else if (cols >= SUPERVISE_WIDE && h >= 30)
		supervise_draw_wide(s, w, h, cols);
	else if (h >= 8)
		supervise_draw_narrow(s, w, h, cols);
}

/* The reason for reject or rework; arg is the case id, twice, +1 rework. */
static void
supervise_reason_answer(struct console *con, const char *reason, void *arg)
{
	struct supervise *s = con->state;
	intptr_t v = (intptr_t)arg;
	int rework = (int)(v & 1);
	const char *label = rework ? "返工" : "不予立案";
	char id[32];
	json_t *c;

	if (reason == NULL || *reason == '\0') {
		console_message(con, "%s已取消", label);
		return;
	}
	snprintf(id, sizeof id, "%lld", (long long)(v >> 1));
	if ((c = json_object_get(s->open, id)) == NULL) {
		console_message(con, "案卷已不在列表中, %s未发出", label);
		return;
	}
	case_step(con, c, rework ? "rework" : "reject", label,
	    json_pack("{s:s}", "reason", reason));
}

static int
supervise_is(json_t *c, int checked)
{
	return (strcmp(jstr(c, "state"), "checked") == 0) == checked;
}

/* The supervisor's four steps on the selected case. */
static int
supervise_case_action(struct supervise *s, json_t *c, int a)
{
	char q[128];
	int rework = a == ACT_REWORK;

	if (c == NULL) {
		console_message(s->con, "没有选中的案卷");
		return 1;
	}
	if (supervise_is(c, a == ACT_CLOSE || a == ACT_REWORK) == 0) {
		console_message(s->con, "%s 是%s, 不能%s", jstr(c, "case_no"),
		    jstr(c, "state_name"), keymap_actions[a].help);
		return 1;
	}
	switch (a) {
	case ACT_FILE: case_step(s->con, c, "file", "立案", NULL); return 1;
	case ACT_CLOSE: case_step(s->con, c, "close", "结案", NULL); return 1;
	default:
		snprintf(q, sizeof q, "%s %s, 理由: ", rework ? "返工" : "不予立案",
		    jstr(c, "case_no"));
		s->con->prompt = prompt_new(q, supervise_reason_answer,
		    (void *)(intptr_t)(jnum(c, "id") * 2 + rework));
		return 1;
	}
}

static int
supervise_map_action(struct supervise *s, int a)
{
	json_t *sel = supervise_selected(s), *p = NULL;
	char id[32];

	switch (a) {
	case ACT_LEFT: map_pan(s->map, -1, 0); return 1;
	case ACT_RIGHT: map_pan(s->map, 1, 0); return 1;
	case ACT_UP: map_pan(s->map, 0, 1); return 1;
	case ACT_DOWN: map_pan(s->map, 0, -1); return 1;
	case ACT_ZOOM_IN: map_zoom(s->map, 1); return 1;
	case ACT_ZOOM_OUT: map_zoom(s->map, -1); return 1;
	case ACT_CENTER:
		if (sel != NULL) {
			snprintf(id, sizeof id, "%lld", (long long)jnum(sel, "id"));
			p = json_object_get(s->pos, id);
		}
		if (p == NULL)
			console_message(s->con, "所选案卷没有位置");
		else
			map_center(s->map, json_number_value(json_array_get(p, 0)),
			    json_number_value(json_array_get(p, 1)));
		return 1;
	default:
		return 0;
	}
}

static int
supervise_action(struct console *con, void *arg, int a)
{
	struct supervise *s = arg;

	if (a == ACT_EVALUATION || a == ACT_HOT) {
		eval_toggle(s, a == ACT_EVALUATION ? SUP_EVAL : SUP_HOT);
		return 1;
	}
	if (s->mode != SUP_LIST)
		return eval_action(s, a);
	if (a == ACT_MAP) {
		s->map_mode = !s->map_mode;
		console_message(con, s->map_mode ? "地图: hjkl 或方向键平移, +/- 缩放, . 居中, m 返回" :
		    "回到列表");
		return 1;
	}
	if ((s->map_mode || a == ACT_ZOOM_IN || a == ACT_ZOOM_OUT ||
	    a == ACT_CENTER || a == ACT_LEFT || a == ACT_RIGHT) &&
	    supervise_map_action(s, a))
		return 1;
	if (list_action(&s->list, a))
		return 1;
	switch (a) {
	case ACT_ALARMS:
		s->pane_alarms = !s->pane_alarms;
		s->pane_rank = 0;
		return 1;
	case ACT_RANKING:
		s->pane_rank = !s->pane_rank;
		supervise_rank_read(s);
		return 1;
	case ACT_REFRESH:
		supervise_reload(s);
		console_message(con, "重新读取列表");
		return 1;
	case ACT_FILE: case ACT_REJECT: case ACT_CLOSE: case ACT_REWORK:
		return supervise_case_action(s, supervise_selected(s), a);
	case ACT_DETAIL:
		if (supervise_selected(s) == NULL)
			console_message(con, "没有选中的案卷");
		else
			detail_open(con, jstr(supervise_selected(s), "case_no"));
		return 1;
	default:
		return 0;
	}
}

static void
supervise_tick(struct console *con, void *arg)
{
	supervise_rank_read(arg);
	eval_read(arg);
	hot_read(arg);
	console_dirty(con);
}

static void *
supervise_open(struct console *con)
{
	struct supervise *s = xcalloc(1, sizeof *s);
	static const double box[] = {
		DISTRICT_W, DISTRICT_S, DISTRICT_E, DISTRICT_S, DISTRICT_E,
		DISTRICT_N, DISTRICT_W, DISTRICT_N, DISTRICT_W, DISTRICT_S
	};

	s->con = con;
	s->rows = json_array();
	s->open = json_object();
	s->pos = json_object();
	s->names = json_object();
	s->feed = json_array();
	s->alarms = json_array();
	s->posq = json_array();
	s->ev_ind = json_object();
	s->ev_keep = -1;
	s->rank_ev = evtimer_new(con->base, supervise_rank_cb, s);
	s->map = map_new(DISTRICT_W, DISTRICT_S, DISTRICT_E, DISTRICT_N);
	map_add_line(s->map, MAP_DISTRICT, box, 5);
	list_init(&s->list, supervise_cols, COL_COUNT);
	return s;
}

static void
supervise_close(void *arg)
{
	struct supervise *s = arg;

	event_free(s->rank_ev);
	json_decref(s->ev_rows);
	json_decref(s->ev_ind);
	json_decref(s->hot[0]);
	json_decref(s->hot[1]);
	json_decref(s->hot[2]);
	json_decref(s->ranking);
	map_free(s->map);
	json_decref(s->rows);
	json_decref(s->open);
	json_decref(s->pos);
	json_decref(s->names);
	json_decref(s->feed);
	json_decref(s->alarms);
	json_decref(s->posq);
	free(s);
}

const struct view view_supervise = {
	.name = "supervise",
	.role = "supervisor",
	.title = "监督指挥",
	.actions = supervise_actions,
	.open = supervise_open,
	.close = supervise_close,
	.up = supervise_up,
	.event = supervise_event,
	.action = supervise_action,
	.draw = supervise_draw,
	.tick = supervise_tick,
};
