/*
 * widget-detail.c: the pane of one case, over any console's list: every
 * field of case.show, the timed stages with their limits, deadlines and
 * verdicts, the tasks, and the whole log as a timeline.  The text is
 * laid out as lines for the window's width (wrapped between characters,
 * CJK two cells wide) and scrolled; the list's movement keys scroll it,
 * Escape, q (quit) or Enter close it.  Scrolled to the end, it stays
 * at the end when the case is read again, to show the newest steps.  A department's steps (accept ...
 * feedback) go to the view, which takes them for the pane's case.  A pushed change to the case reads
 * it again.  Photos (a step's attachments, a task's photos) are read
 * from the store in chunks once a pane names them, and drawn below their
 * line with chafa (widget-photo.c); where they cannot be (no UTF-8, not
 * an image), the line says why and the hash stays listed.
 *
 * Replies may come after the pane is closed, or after another has been
 * opened: each request carries the serial of its pane.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "console.h"

#define DETAIL_PHOTO_COLS	64	/* the widest a photo is drawn */
#define DETAIL_PHOTO_ROWS	10	/* the tallest */

struct detail_photo {
	char		 sha256[65];
	enum { PHOTO_LOADING, PHOTO_READY, PHOTO_FAILED, PHOTO_LISTED } state;
	struct photo	*p;
	char		*why;		/* PHOTO_FAILED */
	size_t		 bytes;
	char		 mime[32];
};
struct detail_line {
	char			*text;
	attr_t			 attr;
	struct detail_photo	*ph;	/* a row of a photo, not text */
	int			 x, row;
};
struct detail {
	struct console		*con;
	unsigned		 serial;
	char			 case_no[32];
	json_t			*c;		/* case.show's result, or NULL */
	char			*error;		/* why there is none */
	struct detail_line	*lines;
	size_t			 nlines;
	int			 width;		/* the lines are laid out for */
	int			 top;		/* the first line shown */
	int			 height;	/* lines shown at the last draw */
	struct detail_photo	**photos;	/* read once, kept while open */
	size_t			 nphotos;
};
struct detail_req {
	struct console	*con;
	unsigned	 serial;
	char		 sha256[65];	/* photo requests */
};

static unsigned detail_serial;

static void	detail_wrap(struct detail *, attr_t, int, const char *);

static const struct detail_field {
	const char	*key;
	const char	*label;
} detail_fields[] = {
	{ "state_name", "状态" }, { "actions_text", "可办理" },
	{ "major_name", "大类" }, { "class_name", "小类" },
	{ "class_code", "类别代码" }, { "kind", "类型" },
	{ "source", "来源" }, { "urgent", "紧急" },
	{ "description", "问题描述" }, { "address", "地址" },
	{ "grid", "单元网格" }, { "area_class", "区域类别" },
	{ "community_name", "社区" }, { "street_name", "街道" },
	{ "lonlat", "经纬度" }, { "component", "部件" },
	{ "department_name", "处置部门" }, { "reporter_name", "举报人" },
	{ "reporter_phone", "举报电话" }, { "collector_name", "监督员" },
	{ "condition", "立案条件" }, { "closing_condition", "结案条件" },
	{ "found_at", "发现时间" }, { "created_at", "登记时间" },
	{ "updated_at", "更新时间" }, { "likely_duplicate", "疑似重复" },
	{ "duplicate_of", "合并到" }, { "row_version", "版本" },
};


static void
detail_clear(struct detail *dp)
{
	size_t i;

	for (i = 0; i < dp->nlines; i++)
		free(dp->lines[i].text);
	free(dp->lines);
	dp->lines = NULL;
	dp->nlines = 0;
}

static void
detail_add(struct detail *dp, attr_t attr, const char *text)
{
	dp->lines = xreallocarray(dp->lines, dp->nlines + 1, sizeof *dp->lines);
	memset(&dp->lines[dp->nlines], 0, sizeof *dp->lines);
	dp->lines[dp->nlines].text = xstrdup(text);
	dp->lines[dp->nlines++].attr = attr;
}

static struct detail_photo *
detail_photo_find(struct detail *dp, const char *sha)
{
	size_t i;

	for (i = 0; i < dp->nphotos; i++) {
		if (strcmp(dp->photos[i]->sha256, sha) == 0)
			return dp->photos[i];
	}
	return NULL;
}

/* A photo has come (or not): decode it, lay the pane out again. */
static void
detail_photo_done(const unsigned char *data, size_t len, const char *mime,
    const char *error, void *arg)
{
	struct detail_req *r = arg;
	struct detail *dp = r->con->detail;
	struct detail_photo *ph;
	char why[256];

	if (dp != NULL && dp->serial == r->serial &&
	    (ph = detail_photo_find(dp, r->sha256)) != NULL) {
		if (error != NULL) {
			ph->state = PHOTO_FAILED;
			xasprintf(&ph->why, "读取失败: %s", error);
		} else if ((ph->p = photo_decode(data, len, why, sizeof why)) == NULL) {
			ph->state = PHOTO_FAILED;
			ph->why = xstrdup(why);
		} else
			ph->state = PHOTO_READY;
		ph->bytes = len;
		snprintf(ph->mime, sizeof ph->mime, "%s", mime != NULL ? mime : "");
		dp->width = 0;
		console_dirty(r->con);
	}
	free(r);
}

/* The pane's photo of that hash, asked for the first time it is named. */
static struct detail_photo *
detail_photo_get(struct detail *dp, const char *sha)
{
	struct detail_photo *ph;
	struct detail_req *r;

	if ((ph = detail_photo_find(dp, sha)) != NULL)
		return ph;
	ph = xcalloc(1, sizeof *ph);
	snprintf(ph->sha256, sizeof ph->sha256, "%s", sha);
	dp->photos = xreallocarray(dp->photos, dp->nphotos + 1, sizeof *dp->photos);
	dp->photos[dp->nphotos++] = ph;
	if (!photo_possible() || strlen(sha) != 64) {
		ph->state = PHOTO_LISTED;
		return ph;
	}
	r = xcalloc(1, sizeof *r);
	r->con = dp->con;
	r->serial = dp->serial;
	snprintf(r->sha256, sizeof r->sha256, "%s", sha);
	ph->state = PHOTO_LOADING;
	media_get_async(dp->con->conn, sha, detail_photo_done, r);
	return ph;
}

/* A photo's line under an indent, then its rows once it has come. */
static void
detail_photo_lines(struct detail *dp, int indent, const char *sha)
{
	struct detail_photo *ph = detail_photo_get(dp, sha);
	char *line;
	int rows, i, w, h, cols = dp->width - indent;

	switch (ph->state) {
	case PHOTO_LOADING:
		xasprintf(&line, "%*s照片 %.16s… 读取中", indent, "", sha);
		break;
	case PHOTO_FAILED:	/* the hash, then why on its own line */
		xasprintf(&line, "%*s照片 %s", indent, "", sha);
		detail_wrap(dp, A_NORMAL, indent + 5, line);
		free(line);
		xasprintf(&line, "%*s无法显示: %s", indent + 5, "", ph->why);
		break;
	case PHOTO_LISTED:
		xasprintf(&line, "%*s照片 %s", indent, "", sha);
		break;
	default:
		photo_size(ph->p, &w, &h);
		xasprintf(&line, "%*s照片 %.16s…  %s, %zu KB, %dx%d", indent, "", sha,
		    ph->mime, (ph->bytes + 1023) / 1024, w, h);
		break;
	}
	detail_wrap(dp, A_NORMAL, indent + 5, line);
	free(line);
	if (ph->state != PHOTO_READY)
		return;
	rows = photo_layout(ph->p, cols < DETAIL_PHOTO_COLS ? cols : DETAIL_PHOTO_COLS,
	    DETAIL_PHOTO_ROWS);
	for (i = 0; i < rows; i++) {
		detail_add(dp, A_NORMAL, "");
		dp->lines[dp->nlines - 1].ph = ph;
		dp->lines[dp->nlines - 1].x = indent;
		dp->lines[dp->nlines - 1].row = i;
	}
}

/* Bytes of s that fit in cols cells, cut between characters. */
static size_t
detail_fit(const char *s, int cols)
{
	mbstate_t ps;
	size_t len = strlen(s), off = 0, n;
	wchar_t wc;
	int w = 0, cw;

	memset(&ps, 0, sizeof ps);
	while (off < len) {
		n = mbrtowc(&wc, s + off, len - off, &ps);
		if (n == (size_t)-1 || n == (size_t)-2) {
			memset(&ps, 0, sizeof ps);
			n = 1;
			cw = 1;
		} else
			cw = (cw = wcwidth(wc)) < 0 ? 1 : cw;
		if (n == 0 || w + cw > cols)
			break;
		w += cw;
		off += n;
	}
	return off > 0 || len == 0 ? off : 1;
}

/* A line of text wrapped to the width, continued under an indent. */
static void
detail_wrap(struct detail *dp, attr_t attr, int indent, const char *text)
{
	char *line, *copy = xstrdup(text), *p, *nl;
	size_t n;
	int first = 1, cols;

	for (p = copy; (nl = strchr(p, '\n')) != NULL; p = nl + 1)
		*nl = ' ';
	p = copy;
	do {
		cols = dp->width - (first ? 0 : indent);
		n = detail_fit(p, cols > 1 ? cols : 1);
		xasprintf(&line, "%*s%.*s", first ? 0 : indent, "", (int)n, p);
		detail_add(dp, attr, line);
		free(line);
		p += n;
		first = 0;
	} while (*p != '\0');
	free(copy);
}

/* "标签: value", the label padded to 10 cells. */
static void
detail_field(struct detail *dp, const char *label, const char *value)
{
	char *line;
	int pad = 10 - utf8_width(label);

	if (*value == '\0')
		value = "-";
	xasprintf(&line, "%s%*s%s", label, pad > 0 ? pad : 1, "", value);
	detail_wrap(dp, A_NORMAL, 10, line);
	free(line);
}

static void
detail_heading(struct detail *dp, const char *title)
{
	detail_add(dp, A_NORMAL, "");
	detail_add(dp, tty_attr(TTY_HEADER), title);
}

static char *
detail_value(json_t *c, const char *key)
{
	json_t *v = json_object_get(c, key), *a;
	char *out, *tmp;
	size_t i;

	if (strcmp(key, "kind") == 0 || strcmp(key, "source") == 0)
		return xstrdup(cli_print_label(jstr(c, key)));
	if (strcmp(key, "lonlat") == 0) {
		if (!json_is_number(json_object_get(c, "lon")))
			return xstrdup("");
		xasprintf(&out, "%.6f, %.6f", json_number_value(json_object_get(c,
		    "lon")), json_number_value(json_object_get(c, "lat")));
		return out;
	}
	if (strcmp(key, "actions_text") == 0) {
		out = xstrdup("");
		json_array_foreach(json_object_get(c, "actions"), i, a) {
			xasprintf(&tmp, "%s%s%s", out, i > 0 ? "、" : "", jstr(a, "label"));
			free(out);
			out = tmp;
		}
		return out;
	}
	return cli_print_cell(v, FMT_TEXT);
}

/* MM-DD HH:MM: a stage's line fits in 80 columns. */
static const char *
detail_time(json_t *o, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(o, key);

	if (!json_is_integer(v))
		return "-";
	cli_print_time(json_integer_value(v), buf, len);
	return strlen(buf) > 5 ? buf + 5 : buf;
}

/* A stage: its limit, start, deadline and verdict on one line. */
static void
detail_stage(struct detail *dp, json_t *s)
{
	char start[32], dl[32], end[32], *limit, *line;
	const char *verdict;
	attr_t attr = A_NORMAL;

	if (json_is_integer(json_object_get(s, "ended_at"))) {
		verdict = json_is_true(json_object_get(s, "on_time")) ? "按时" : "超时";
		if (!json_is_true(json_object_get(s, "on_time")))
			attr = tty_attr(TTY_LATE);
	} else if (json_is_integer(json_object_get(s, "paused_at")))
		verdict = "暂停";
	else if (json_integer_value(json_object_get(s, "deadline")) <
	    (json_int_t)time(NULL)) {
		verdict = "已过期限";
		attr = tty_attr(TTY_LATE);
	} else
		verdict = "进行中";
	limit = cli_print_cell(json_object_get(s, "limit"), FMT_TEXT);
	xasprintf(&line, "%s  %s %s  开始 %s  期限 %s  结束 %s  %s",
	    cli_print_label(jstr(s, "stage")), limit, cli_print_label(jstr(s, "unit")),
	    detail_time(s, "started_at", start, sizeof start),
	    detail_time(s, "deadline", dl, sizeof dl),
	    detail_time(s, "ended_at", end, sizeof end), verdict);
	detail_wrap(dp, attr, 7, line);
	free(limit);
	free(line);
}

/* A log row: time, actor, action, the state it led to; reason below. */
static void
detail_log(struct detail *dp, json_t *l)
{
	const char *label = jstr(l, "label");
	json_t *att = json_object_get(l, "attachments"), *h;
	char *line;
	size_t i;

	if (*label == '\0')
		label = cli_case_action_label(jstr(l, "action"));
	xasprintf(&line, "%s  %s  %s → %s%s%s", jstr(l, "at"), jstr(l, "actor"),
	    label, jstr(l, "to_name"), jstr(l, "department")[0] ? "  " : "",
	    jstr(l, "department"));
	detail_wrap(dp, A_NORMAL, 21, line);
	free(line);
	if (jstr(l, "reason")[0] != '\0') {
		xasprintf(&line, "%21s%s", "", jstr(l, "reason"));
		detail_wrap(dp, A_NORMAL, 21, line);
		free(line);
	}
	json_array_foreach(att, i, h)
		detail_photo_lines(dp, 21, json_is_string(h) ? json_string_value(h) : "?");
}

/* Lay the case out as lines for the width. */
static void
detail_layout(struct detail *dp, int width)
{
	json_t *c = dp->c, *v, *p;
	char *val, line[256];
	size_t i, j;

	detail_clear(dp);
	dp->width = width;
	snprintf(line, sizeof line, "案卷 %s   (j k 翻行, Space b 翻页, Esc 或 q 关闭)",
	    dp->case_no);
	detail_add(dp, A_BOLD, line);
	if (c == NULL) {
		detail_add(dp, A_NORMAL, dp->error != NULL ? dp->error : "读取中…");
		return;
	}
	for (i = 0; i < sizeof detail_fields / sizeof detail_fields[0]; i++) {
		val = detail_value(c, detail_fields[i].key);
		detail_field(dp, detail_fields[i].label, val);
		free(val);
	}
	detail_heading(dp, "时限");
	json_array_foreach(json_object_get(c, "stages"), i, v)
		detail_stage(dp, v);
	if (json_array_size(json_object_get(c, "tasks")) > 0) {
		detail_heading(dp, "任务");
		json_array_foreach(json_object_get(c, "tasks"), i, v) {
			snprintf(line, sizeof line, "%s  %s  %s  %s  %s",
			    cli_print_label(jstr(v, "kind")), jstr(v, "collector_name"),
			    cli_print_label(jstr(v, "state")),
			    cli_print_label(jstr(v, "result")), jstr(v, "note"));
			detail_wrap(dp, A_NORMAL, 4, line);
			json_array_foreach(json_object_get(v, "photos"), j, p)
				detail_photo_lines(dp, 4, json_is_string(p) ?
				    json_string_value(p) : "?");
		}
	}
	detail_heading(dp, "日志");
	json_array_foreach(json_object_get(c, "log"), i, v)
		detail_log(dp, v);
}

static void
detail_show_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct detail_req *r = arg;
	struct detail *dp = r->con->detail;

	if (dp != NULL && dp->serial == r->serial) {
		json_decref(dp->c);
		dp->c = result != NULL ? json_incref(result) : NULL;
		free(dp->error);
		dp->error = NULL;
		if (result == NULL)
			xasprintf(&dp->error, "读取失败: %s", err->message);
		dp->width = 0;		/* lay out again */
		console_dirty(r->con);
	}
	free(r);
}

static void
detail_read(struct detail *dp)
{
	struct detail_req *r = xcalloc(1, sizeof *r);

	r->con = dp->con;
	r->serial = dp->serial;
	if (conn_request(dp->con->conn, "case.show", json_pack("{s:s}", "case",
	    dp->case_no), detail_show_done, r) != 0) {
		free(r);
		free(dp->error);
		dp->error = xstrdup("未连接 citygridd");
	}
}

/* Open the pane of a case over the console's view. */
void
detail_open(struct console *con, const char *case_no)
{
	struct detail *dp = xcalloc(1, sizeof *dp);

	detail_free(con->detail);
	dp->con = con;
	dp->serial = ++detail_serial;
	snprintf(dp->case_no, sizeof dp->case_no, "%s", case_no);
	con->detail = dp;
	detail_read(dp);
	console_dirty(con);
}

void
detail_free(struct detail *dp)
{
	size_t i;

	if (dp == NULL)
		return;
	detail_clear(dp);
	for (i = 0; i < dp->nphotos; i++) {
		photo_free(dp->photos[i]->p);
		free(dp->photos[i]->why);
		free(dp->photos[i]);
	}
	free(dp->photos);
	json_decref(dp->c);
	free(dp->error);
	free(dp);
}

const char *
detail_case(const struct detail *dp)
{
	return dp->case_no;
}

/* A pushed event: the case changed, read it again. */
void
detail_event(struct detail *dp, json_t *ev)
{
	json_t *data = json_object_get(ev, "data");

	if (strcmp(jstr(ev, "event"), "resync") == 0 ||
	    strcmp(jstr(data, "case_no"), dp->case_no) == 0)
		detail_read(dp);
}

static void
detail_scroll(struct detail *dp, int delta)
{
	int max = (int)dp->nlines - dp->height;

	dp->top += delta;
	if (dp->top > max)
		dp->top = max;
	if (dp->top < 0)
		dp->top = 0;
}

/*
 * A key for the pane: the view's movement actions scroll it; Escape,
 * quit and detail close it.  Returns 0 once closed; the caller frees it.
 */
int
detail_key(struct console *con, struct detail *dp, int key)
{
	int page = dp->height > 1 ? dp->height - 1 : 1;

	if (key == 27)
		return 0;
	switch (keymap_lookup(con->keymap, key)) {
	case ACT_QUIT: case ACT_DETAIL: return 0;
	case ACT_DOWN: detail_scroll(dp, 1); break;
	case ACT_UP: detail_scroll(dp, -1); break;
	case ACT_PAGE_DOWN: detail_scroll(dp, page); break;
	case ACT_PAGE_UP: detail_scroll(dp, -page); break;
	case ACT_FIRST: dp->top = 0; break;
	case ACT_LAST: detail_scroll(dp, (int)dp->nlines); break;
	case ACT_REFRESH: detail_read(dp); break;
	case ACT_REDRAW: clearok(curscr, TRUE); break;
	case ACT_ACCEPT: case ACT_RETURN: case ACT_EXTEND: case ACT_POSTPONE:
	case ACT_FEEDBACK:
		if (con->view->action(con, con->state, keymap_lookup(con->keymap,
		    key)))
			break;
		/* FALLTHROUGH */
	default:
		console_message(con, "详情中: Esc 或 q 关闭");
		break;
	}
	return 1;
}

void
detail_draw(struct detail *dp, WINDOW *w)
{
	int h = getmaxy(w), cols = getmaxx(w), y, end;
	struct detail_line *l;

	if (dp->width != cols) {	/* at the end, stay there: the new steps */
		end = dp->top > 0 && dp->top + dp->height >= (int)dp->nlines;
		detail_layout(dp, cols);
		if (end)
			dp->top = (int)dp->nlines;
	}
	dp->height = h;
	detail_scroll(dp, 0);
	werase(w);
	for (y = 0; y < h && (size_t)(dp->top + y) < dp->nlines; y++) {
		l = &dp->lines[dp->top + y];
		if (l->ph != NULL)
			photo_draw_row(l->ph->p, w, y, l->x, l->row);
		else
			tty_put(w, y, 0, cols, l->text, l->attr);
	}
}
