/*
 * cli-report.c: citygrid report.  The evaluation of one kind of object
 * (collectors, seats, ... grids) for a period as an aligned Chinese
 * table, CSV or JSON; and "report monthly --pdf FILE", the month's
 * printable report, whose figures it fetches here and whose drawing is
 * report-pdf.c's.  The indicators are the daemon's (eval-core's ops):
 * nothing is computed here but the layout; a rate with no denominator
 * stays "no data" (无数据 in the table, empty in CSV, null in JSON).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citygrid.h"

#define REPORT_TIMEOUT	600000		/* ms to wait for one of a report's answers */


/* The objects of "citygrid report OBJECT" and what the daemon calls them. */
static const struct report_object {
	const char	*verb;		/* streets */
	const char	*kind;		/* street */
	const char	*name;		/* 街道 */
} report_objects[] = {
	{ "collectors", "collector", "监督员" },
	{ "seats", "seat", "受理员" },
	{ "supervisors", "supervisor", "值班长" },
	{ "dispatchers", "dispatcher", "派遣员" },
	{ "departments", "department", "专业部门" },
	{ "district", "district", "区" },
	{ "streets", "street", "街道" },
	{ "communities", "community", "社区" },
	{ "grids", "grid", "单元网格" },
};

static const struct report_object *
report_object(const char *verb)
{
	size_t i;

	for (i = 0; i < sizeof report_objects / sizeof report_objects[0]; i++) {
		if (strcmp(report_objects[i].verb, verb) == 0)
			return &report_objects[i];
	}
	return NULL;
}

/* Today in China time (UTC+8, no DST), as a broken-down date. */
static void
report_today(struct tm *tm)
{
	time_t t = time(NULL) + 8 * 3600;

	gmtime_r(&t, tm);
}

/* Normalise a date (mktime-style overflow allowed) and print it. */
static void
report_date(struct tm *tm, char *buf)
{
	time_t t;

	tm->tm_hour = 12;
	tm->tm_min = tm->tm_sec = 0;
	t = timegm(tm);
	gmtime_r(&t, tm);
	strftime(buf, 11, "%Y-%m-%d", tm);
}

/* YYYY-MM-DD that exists; fills tm. */
static int
report_parse_date(const char *s, struct tm *tm)
{
	char back[16];
	int y, m, d, n = 0;

	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%n", &y, &m, &d, &n) != 3 || n != 10)
		return -1;
	memset(tm, 0, sizeof *tm);
	tm->tm_year = y - 1900;
	tm->tm_mon = m - 1;
	tm->tm_mday = d;
	report_date(tm, back);
	return strcmp(back, s) == 0 ? 0 : -1;
}

/*
 * A period as its first and last day (both included): day, week
 * (Monday to Sunday), month, quarter and year are the ones holding
 * today; YYYY-MM is that month, YYYY-MM-DD that day, FROM..TO a range.
 * The period before, for comparisons, is the one of the same kind
 * before; for a range, as many days before.  -1 if it is none of these.
 */
int
report_period(const char *p, char *from, char *to, char *pfrom, char *pto)
{
	struct tm a, b, t;
	const char *dots;
	char f[16], x[16];
	long days;
	int ym;

	report_today(&t);
	a = b = t;
	if ((dots = strstr(p, "..")) != NULL) {
		snprintf(f, sizeof f, "%.*s", (int)(dots - p) < 15 ? (int)(dots - p) : 15, p);
		if (report_parse_date(f, &a) != 0 || report_parse_date(dots + 2, &b) != 0 ||
		    timegm(&a) > timegm(&b))
			return -1;
		days = (long)((timegm(&b) - timegm(&a)) / 86400) + 1;
		report_date(&a, from);
		report_date(&b, to);
		a.tm_mday -= (int)days;
		report_date(&a, pfrom);
		b.tm_mday -= (int)days;
		report_date(&b, pto);
		return 0;
	}
	if (strcmp(p, "day") == 0 || report_parse_date(p, &a) == 0) {
		if (strcmp(p, "day") == 0)
			a = t;
		report_date(&a, from);
		strcpy(to, from);
		a.tm_mday--;
		report_date(&a, pfrom);
		strcpy(pto, pfrom);
		return 0;
	}
	if (strcmp(p, "week") == 0) {
		a.tm_mday -= (t.tm_wday + 6) % 7;
		report_date(&a, from);
		a.tm_mday += 6;
		report_date(&a, to);
		a.tm_mday -= 13;
		report_date(&a, pfrom);
		a.tm_mday += 6;
		report_date(&a, pto);
		return 0;
	}
	ym = strlen(p) == 7 && p[4] == '-' && strspn(p, "0123456789-") == 7;
	if (strcmp(p, "month") == 0 || strcmp(p, "quarter") == 0 || strcmp(p, "year") == 0 ||
	    ym) {
		int months = p[0] == 'q' ? 3 : p[0] == 'y' ? 12 : 1;

		if (ym) {
			snprintf(x, sizeof x, "%s-01", p);
			if (report_parse_date(x, &a) != 0)
				return -1;
		}
		a.tm_mday = 1;
		if (months == 3)
			a.tm_mon -= a.tm_mon % 3;
		else if (months == 12)
			a.tm_mon = 0;
		b = a;
		report_date(&a, from);
		b.tm_mon += months;
		b.tm_mday = 0;		/* the last day of the month before */
		report_date(&b, to);
		a.tm_mon -= months;
		report_date(&a, pfrom);
		b = a;
		b.tm_mon += months;
		b.tm_mday = 0;
		report_date(&b, pto);
		return 0;
	}
	return -1;
}

/* The day after a date: the end of [from, to) for the daemon's eval. */
void
report_day_after(const char *day, char *buf)
{
	struct tm tm;

	report_parse_date(day, &tm);
	tm.tm_mday++;
	report_date(&tm, buf);
}

/*
 * One request; NULL with the message printed.  A report is a batch job:
 * a month of a large district's evaluation takes seconds to minutes, so
 * the wait is REPORT_TIMEOUT, not the interactive CLIENT_TIMEOUT.
 */
static json_t *
report_request(struct client *c, const char *op, json_t *args, int *rc)
{
	struct client_error err;
	json_t *r;

	if ((r = client_request(c, op, args, REPORT_TIMEOUT, &err)) == NULL) {
		fprintf(stderr, "citygrid: %s: %s\n", op, err.message);
		*rc = err.exit;
	}
	return r;
}

/* The evaluation's long rows (object x indicator) as one row an object. */
struct report_table {
	json_t	*cols;		/* [{key, header, kind: text|count|rate|score}] */
	json_t	*rows;		/* [{code, name, key: value ...}] */
};

static void
report_table_free(struct report_table *t)
{
	json_decref(t->cols);
	json_decref(t->rows);
}

static void
report_col(json_t *cols, const char *key, const char *header, const char *kind)
{
	json_array_append_new(cols, json_pack("{s:s, s:s, s:s}", "key", key, "header",
	    header, "kind", kind));
}

/* Is the column already there? */
static int
report_has_col(json_t *cols, const char *key)
{
	json_t *c;
	size_t i;

	json_array_foreach(cols, i, c) {
		if (strcmp(jstr(c, "key"), key) == 0)
			return 1;
	}
	return 0;
}

/* A number as it came: integers stay integers (counts), rates stay real. */
static json_t *
report_value(json_t *v, int rate)
{
	if (!json_is_number(v))
		return json_null();
	if (!rate && json_number_value(v) == (double)(json_int_t)json_number_value(v))
		return json_integer((json_int_t)json_number_value(v));
	return json_real(json_number_value(v));
}

/*
 * A figure with one decimal, rounded half up as PostgreSQL's round()
 * does: the daemon's values have at most four decimals, so rounding to
 * thousandths first takes off the binary noise (0.6275 is 0.62749...).
 */
void
report_decimal(double v, char *buf, size_t len)
{
	long long n = llround(v * 1000), t;

	t = n >= 0 ? (n + 50) / 100 : -((-n + 50) / 100);
	snprintf(buf, len, "%s%lld.%lld", t < 0 ? "-" : "", llabs(t) / 10, llabs(t) % 10);
}

/* A cell for people: counts whole, rates in %, no denominator 无数据. */
static char *
report_cell(json_t *v, const char *kind)
{
	char *s, buf[64];

	if (strcmp(kind, "text") == 0)
		return xstrdup(json_is_string(v) ? json_string_value(v) : "-");
	if (!json_is_number(v))
		return xstrdup(strcmp(kind, "rate") == 0 || strcmp(kind, "score") == 0 ?
		    "无数据" : "-");
	if (strcmp(kind, "rank") == 0)
		kind = "count";
	if (strcmp(kind, "rate") == 0) {
		report_decimal(json_number_value(v) * 100, buf, sizeof buf);
		xasprintf(&s, "%s%%", buf);
	} else if (strcmp(kind, "score") == 0)
		s = xstrdup((report_decimal(json_number_value(v), buf, sizeof buf), buf));
	else
		xasprintf(&s, "%.0f", json_number_value(v));
	return s;
}

/* The table for people: text left, figures right, CJK two columns wide. */
static void
report_print_text(const struct report_table *t)
{
	size_t nc = json_array_size(t->cols), nr = json_array_size(t->rows), i, j;
	char **cells = xcalloc((nr + 1) * nc, sizeof *cells), *line, *tmp;
	int *w = xcalloc(nc, sizeof *w), pad, cw;
	const char *kind;
	json_t *c;

	json_array_foreach(t->cols, j, c) {
		cells[j] = xstrdup(jstr(c, "header"));
		for (i = 0; i < nr; i++)
			cells[(i + 1) * nc + j] = report_cell(json_object_get(json_array_get(
			    t->rows, i), jstr(c, "key")), jstr(c, "kind"));
		for (i = 0; i <= nr; i++) {
			if ((cw = utf8_width(cells[i * nc + j])) > w[j])
				w[j] = cw;
		}
	}
	for (i = 0; i <= nr; i++) {
		line = xstrdup("");
		for (j = 0; j < nc; j++) {
			kind = jstr(json_array_get(t->cols, j), "kind");
			pad = w[j] - utf8_width(cells[i * nc + j]);
			if (strcmp(kind, "text") == 0 && j + 1 == nc)
				pad = 0;	/* no trailing blanks */
			if (strcmp(kind, "text") == 0)
				xasprintf(&tmp, "%s%s%s%*s", line, j > 0 ? "  " : "",
				    cells[i * nc + j], pad, "");
			else
				xasprintf(&tmp, "%s%s%*s%s", line, j > 0 ? "  " : "", pad, "",
				    cells[i * nc + j]);
			free(line);
			line = tmp;
		}
		printf("%s\n", line);
		free(line);
	}
	if (nr == 0)
		printf("(无)\n");
	for (i = 0; i < (nr + 1) * nc; i++)
		free(cells[i]);
	free(cells);
	free(w);
}

/* One CSV field (RFC 4180): quoted when it must be. */
static void
report_csv_field(const char *s)
{
	const char *p;

	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, stdout);
		return;
	}
	putchar('"');
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			putchar('"');
		putchar(*p);
	}
	putchar('"');
}

/*
 * CSV for scripts: the header is the keys (stable codes), the values
 * as the daemon gave them: rates as fractions to 4 places, no data as
 * an empty field.
 */
static void
report_print_csv(const struct report_table *t)
{
	json_t *c, *r, *v;
	size_t i, j;
	char buf[64];

	json_array_foreach(t->cols, j, c) {
		if (j > 0)
			putchar(',');
		report_csv_field(jstr(c, "key"));
	}
	fputs("\r\n", stdout);
	json_array_foreach(t->rows, i, r) {
		json_array_foreach(t->cols, j, c) {
			if (j > 0)
				putchar(',');
			v = json_object_get(r, jstr(c, "key"));
			if (json_is_string(v))
				report_csv_field(json_string_value(v));
			else if (json_is_integer(v))
				printf("%lld", (long long)json_integer_value(v));
			else if (json_is_real(v)) {
				snprintf(buf, sizeof buf, "%.4f", json_real_value(v));
				fputs(buf, stdout);
			}
		}
		fputs("\r\n", stdout);
	}
}

/* report.count rows of one kind for the month; NULL after an error. */
static json_t *
report_count(struct client *c, const char *by, int limit, const char *from,
    const char *to, const char *pfrom, const char *pto, int *rc)
{
	json_t *r, *rows;

	r = report_request(c, "report.count", json_pack("{s:s, s:s, s:s, s:s, s:s, s:i}",
	    "by", by, "from", from, "to", to, "prev_from", pfrom, "prev_to", pto,
	    "limit", limit), rc);
	if (r == NULL)
		return NULL;
	rows = json_incref(json_object_get(r, "rows"));
	json_decref(r);
	return rows;
}

/*
 * The heat map's layers: the district and its streets, then every
 * street's grids (one request a street keeps each answer in a frame),
 * and the month's count of every grid.
 */
static json_t *
report_heat(struct client *c, const char *from, const char *to, const char *pfrom,
    const char *pto, int *rc)
{
	json_t *st, *g, *grids = json_array(), *counts = json_object(), *rows, *r, *heat;
	size_t i;

	if ((st = report_request(c, "geo.outline", json_pack("{s:s}", "level", "street"),
	    rc)) == NULL)
		goto fail;
	json_array_foreach(json_object_get(st, "outlines"), i, r) {
		if ((g = report_request(c, "geo.outline", json_pack("{s:s, s:s}", "level",
		    "grid", "within", jstr(r, "code")), rc)) == NULL)
			goto fail;
		json_array_extend(grids, json_object_get(g, "outlines"));
		json_decref(g);
	}
	if ((rows = report_count(c, "grid", 10000, from, to, pfrom, pto, rc)) == NULL)
		goto fail;
	json_array_foreach(rows, i, r)
		json_object_set(counts, jstr(r, "key"), json_object_get(r, "count"));
	heat = json_pack("{s:O, s:O, s:o, s:o, s:o}", "district", json_object_get(st,
	    "district"), "streets", json_object_get(st, "outlines"), "grids", grids,
	    "counts", counts, "top", rows);
	json_decref(st);
	return heat;
fail:
	json_decref(st);
	json_decref(grids);
	json_decref(counts);
	return NULL;
}

/* A summary box: label, the figure, and last month's beside it. */
static void
report_summary_item(json_t *items, const char *label, json_t *cur, json_t *prev,
    const char *kind)
{
	char *v = report_cell(cur, kind), *p = report_cell(prev, kind), *note;

	xasprintf(&note, "上月 %s", p);
	json_array_append_new(items, json_pack("{s:s, s:s, s:s}", "label", label,
	    "value", v, "note", note));
	free(v);
	free(p);
	free(note);
}

/*
 * Bars of one indicator of a table, best first; the objects without
 * data are counted in the note, not drawn.
 */
static json_t *
report_ranking(const struct report_table *t, const char *key, const char *title,
    const char *note, const char *scale)
{
	int percent = strcmp(scale, "rate") == 0;
	json_t *rows = json_array(), *r, *v, *sorted = json_array();
	size_t i, j, none = 0;
	char *text, *full;

	json_array_foreach(t->rows, i, r) {
		v = json_object_get(r, key);
		if (!json_is_number(v)) {
			none++;
			continue;
		}
		for (j = 0; j < json_array_size(sorted); j++) {
			json_t *w = json_object_get(json_array_get(sorted, j), key);

			if (json_is_number(v) && (!json_is_number(w) ||
			    json_number_value(v) > json_number_value(w)))
				break;
		}
		json_array_insert(sorted, j, r);
	}
	json_array_foreach(sorted, i, r) {
		v = json_object_get(r, key);
		text = report_cell(v, percent ? "rate" : "score");
		json_array_append_new(rows, json_pack("{s:s, s:O, s:s, s:s}", "label",
		    jstr(r, "name"), "value", v != NULL ? v : json_null(), "text", text,
		    "extra", percent ? "" : jstr(r, "grade")));
		free(text);
	}
	json_decref(sorted);
	if (none > 0)
		xasprintf(&full, "%s; 另有 %zu 个本月无数据, 未列出", note, none);
	else
		full = xstrdup(note);
	r = json_pack("{s:s, s:s, s:s, s:o}", "title", title, "note", full,
	    "scale", scale, "rows", rows);
	free(full);
	return r;
}

/*
 * A table for the PDF: the columns but the code, the rows with a score
 * (the others, with no data at all, counted in the note).
 */
static json_t *
report_pdf_table(const struct report_table *t, const char *title, const char *command)
{
	json_t *cols = json_array(), *rows = json_array(), *c, *r, *out;
	size_t i, none = 0;
	char *note;

	json_array_foreach(t->cols, i, c) {
		if (strcmp(jstr(c, "key"), "code") != 0)
			json_array_append(cols, c);
	}
	json_array_foreach(t->rows, i, r) {
		if (json_is_number(json_object_get(r, "score")))
			json_array_append(rows, r);
		else
			none++;
	}
	if (none > 0)
		xasprintf(&note, "另有 %zu 个本月无数据, 未列出", none);
	else
		note = xstrdup("");
	out = json_pack("{s:s, s:s, s:s, s:o, s:o}", "title", title, "note", note,
	    "command", command, "columns", cols, "rows", rows);
	free(note);
	return out;
}

/* The row of a table with this code, or NULL. */
static json_t *
report_find(const struct report_table *t, const char *code)
{
	json_t *r;
	size_t i;

	json_array_foreach(t->rows, i, r) {
		if (code == NULL || strcmp(jstr(r, "code"), code) == 0)
			return r;
	}
	return NULL;
}

/* Sort rows by composite score, best first, no score last; then by code. */
static int
report_by_score(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_t *sx = json_object_get(x, "score"), *sy = json_object_get(y, "score");

	if (json_is_number(sx) != json_is_number(sy))
		return json_is_number(sx) ? -1 : 1;
	if (json_is_number(sx) && json_number_value(sx) != json_number_value(sy))
		return json_number_value(sx) > json_number_value(sy) ? -1 : 1;
	return strcmp(jstr(x, "code"), jstr(y, "code"));
}

/* Each row's composite score and grade (eval.scores), then the order. */
static int
report_scores(struct client *c, json_t *req, struct report_table *t)
{
	json_t *res, *r, *row, **v;
	size_t i, n = json_array_size(t->rows);
	int rc = 0;

	if ((res = report_request(c, "eval.scores", req, &rc)) == NULL)
		return rc;
	json_array_foreach(res, i, r) {
		if ((row = report_find(t, jstr(r, "object_code"))) == NULL)
			continue;
		json_object_set_new(row, "score", report_value(json_object_get(r, "score"), 1));
		json_object_set(row, "grade", json_is_string(json_object_get(r, "grade")) ?
		    json_object_get(r, "grade") : json_null());
	}
	json_decref(res);
	v = xcalloc(n + 1, sizeof *v);
	for (i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(t->rows, i));
	qsort(v, n, sizeof *v, report_by_score);
	json_array_clear(t->rows);
	for (i = 0; i < n; i++) {
		if (json_is_number(json_object_get(v[i], "score")))
			json_object_set_new(v[i], "rank", json_integer((json_int_t)i + 1));
		json_array_append_new(t->rows, v[i]);
	}
	free(v);
	report_col(t->cols, "score", "综合指标值", "score");
	report_col(t->cols, "grade", "等级", "text");
	return 0;
}

/*
 * The evaluation of a kind for [from, to] as a table: the daemon's long
 * rows (object x indicator, in the indicators' order, eval.indicators)
 * and the objects' composite scores (eval.scores), one row an object,
 * best score first.  0, or the exit status.
 */
static int
report_eval_table(struct client *c, const char *kind, const char *from,
    const char *to, const char *parent, struct report_table *t)
{
	json_t *res, *r, *row = NULL, *req;
	const char *code = NULL, *ind;
	char end[16];
	size_t i;
	int rc = 0, rate;

	t->cols = json_array();
	t->rows = json_array();
	report_day_after(to, end);
	req = json_pack("{s:s, s:s, s:s, s:s?}", "kind", kind, "from", from, "to", end,
	    "parent", parent);
	if ((res = report_request(c, "eval.indicators", json_incref(req), &rc)) == NULL)
		goto out;
	report_col(t->cols, "rank", "名次", "rank");
	report_col(t->cols, "code", "代码", "text");
	report_col(t->cols, "name", "名称", "text");
	json_array_foreach(res, i, r) {
		if (code == NULL || strcmp(code, jstr(r, "object_code")) != 0) {
			code = jstr(r, "object_code");
			row = json_pack("{s:s, s:s, s:s?}", "code", code, "name",
			    jstr(r, "object_name"), "parent", json_string_value(
			    json_object_get(r, "parent")));
			json_array_append_new(t->rows, row);
		}
		ind = jstr(r, "indicator");
		rate = json_is_number(json_object_get(r, "denominator"));
		if (!report_has_col(t->cols, ind))
			report_col(t->cols, ind, jstr(r, "indicator_name"), rate ? "rate" : "count");
		json_object_set_new(row, ind, report_value(json_object_get(r, "value"), rate));
	}
	json_decref(res);
	rc = report_scores(c, json_incref(req), t);
out:
	json_decref(req);
	return rc;
}

/* The figures of the month's report, fetched; 0 or the exit status. */
static int
report_monthly_data(struct client *c, const char *month, json_t *data)
{
	char from[16], to[16], pf[16], pt[16], title[256], sub[256], now[64];
	struct report_table dist = { 0 }, pdist = { 0 }, streets = { 0 }, depts = { 0 };
	json_t *r, *p, *v, *summary = json_array(), *srcs = NULL;
	struct tm tm;
	size_t i;
	int rc = 0;
	json_int_t reported = 0, preported = 0;

	if (report_period(month, from, to, pf, pt) != 0) {
		fprintf(stderr, "citygrid: report monthly: --month 须为 YYYY-MM: %s\n", month);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = report_eval_table(c, "district", from, to, NULL, &dist)) != 0 ||
	    (rc = report_eval_table(c, "district", pf, pt, NULL, &pdist)) != 0 ||
	    (rc = report_eval_table(c, "street", from, to, NULL, &streets)) != 0 ||
	    (rc = report_eval_table(c, "department", from, to, NULL, &depts)) != 0)
		goto out;
	r = report_find(&dist, NULL);
	p = report_find(&pdist, NULL);
	snprintf(title, sizeof title, "%s数字城管月度综合评价报告", r != NULL ? jstr(r, "name") :
	    "");
	report_today(&tm);
	strftime(now, sizeof now, "%Y-%m-%d", &tm);
	snprintf(sub, sizeof sub, "%.4s 年 %.2s 月 (%s 至 %s)%s%s", from, from + 5, from,
	    strcmp(to, now) > 0 ? now : to, strcmp(to, now) > 0 ? ", 本月尚未结束" : "", "");
	strftime(now, sizeof now, "生成于 %Y-%m-%d %H:%M (北京时间)", &tm);
	if ((srcs = report_count(c, "source", 10, from, to, pf, pt, &rc)) == NULL)
		goto out;
	json_array_foreach(srcs, i, v) {
		reported += jnum(v, "count");
		preported += jnum(v, "previous");
	}
	json_object_set_new(data, "title", json_string(title));
	json_object_set_new(data, "subtitle", json_string(sub));
	json_object_set_new(data, "generated", json_string(now));
	json_object_set(data, "sources", srcs);
	{
		json_t *a = json_integer(reported), *b = json_integer(preported);

		report_summary_item(summary, "上报", a, b, "count");
		json_decref(a);
		json_decref(b);
	}
	report_summary_item(summary, "立案", json_object_get(r, "filed"),
	    json_object_get(p, "filed"), "count");
	report_summary_item(summary, "结案", json_object_get(r, "closed"),
	    json_object_get(p, "closed"), "count");
	report_summary_item(summary, "结案率", json_object_get(r, "close_rate"),
	    json_object_get(p, "close_rate"), "rate");
	report_summary_item(summary, "按期结案率", json_object_get(r, "on_time_close_rate"),
	    json_object_get(p, "on_time_close_rate"), "rate");
	report_summary_item(summary, "监督举报率", json_object_get(r, "report_rate"),
	    json_object_get(p, "report_rate"), "rate");
	json_object_set(data, "summary", summary);
	if ((v = report_request(c, "report.trend", json_pack("{s:s, s:s}", "from", from,
	    "to", to), &rc)) == NULL)
		goto out;
	json_object_set_new(data, "trend", v);
	if ((v = report_count(c, "class", 10, from, to, pf, pt, &rc)) == NULL)
		goto out;
	json_object_set_new(data, "classes", v);
	if ((v = report_heat(c, from, to, pf, pt, &rc)) == NULL)
		goto out;
	json_object_set_new(data, "heat", v);
	json_object_set_new(data, "rankings", json_pack("[o, o, o]",
	    report_ranking(&streets, "score", "街道综合评价排名 (综合指标值, 等级)",
	    "综合指标值: 各项指标得分的加权和, 权重和等级见 citygrid-evaluation(7)", "score"),
	    report_ranking(&depts, "score", "专业部门综合评价排名 (综合指标值, 等级)",
	    "专业部门: 立案数分值、结案率、按时处置率和返工率的加权和", "score"),
	    report_ranking(&streets, "on_time_close_rate", "街道按期结案率排名",
	    "按期结案率 = 按期结案数 / 应结案数 (本月立案的案卷)", "rate")));
	json_object_set_new(data, "tables", json_pack("[o, o]",
	    report_pdf_table(&streets, "各街道指标与综合评价", "streets"),
	    report_pdf_table(&depts, "各专业部门指标与综合评价", "departments")));
out:
	json_decref(summary);
	json_decref(srcs);
	if (dist.cols != NULL) report_table_free(&dist);
	if (pdist.cols != NULL) report_table_free(&pdist);
	if (streets.cols != NULL) report_table_free(&streets);
	if (depts.cols != NULL) report_table_free(&depts);
	return rc;
}

/* citygrid report monthly --pdf FILE [--month YYYY-MM]. */
static int
report_monthly(struct client *c, json_t *args, int json)
{
	const char *pdf = jstr(args, "pdf"), *month = jstr(args, "month");
	json_t *data = json_object();
	char err[512];
	int rc;

	if (*pdf == '\0' && !json) {
		fprintf(stderr, "citygrid: report monthly: 须给出 --pdf FILE (或 --json)\n");
		json_decref(data);
		return EXIT_USAGE;
	}
	if ((rc = report_monthly_data(c, *month != '\0' ? month : "month", data)) != 0)
		goto out;
	if (json && *pdf == '\0')
		cli_print_json(data, 1);
	else if (report_pdf_write(pdf, data, err, sizeof err) != 0) {
		fprintf(stderr, "citygrid: report monthly: %s\n", err);
		rc = EXIT_IOERR;
	}
out:
	json_decref(data);
	return rc;
}

/* citygrid report OBJECT [--period P] [--parent CODE] [--csv | --json]. */
int
cli_report_run(struct client *c, const struct cli_entry *e, json_t *args, int json)
{
	const struct report_object *o = report_object(e->verb);
	const char *period = jstr(args, "period");
	char from[16], to[16], pf[16], pt[16];
	struct report_table t;
	json_t *out;
	int rc;

	if (strcmp(e->verb, "monthly") == 0)
		return report_monthly(c, args, json);
	if (report_period(*period != '\0' ? period : "month", from, to, pf, pt) != 0) {
		fprintf(stderr, "citygrid: report %s: --period 须为 day, week, month, quarter,"
		    " year, YYYY-MM, YYYY-MM-DD 或 FROM..TO: %s\n", e->verb, period);
		return EXIT_USAGE;
	}
	if ((rc = report_eval_table(c, o->kind, from, to, json_string_value(
	    json_object_get(args, "parent")), &t)) != 0)
		return rc;
	if (json) {
		out = json_pack("{s:s, s:s, s:s, s:O, s:O}", "kind", o->kind, "from", from,
		    "to", to, "columns", t.cols, "rows", t.rows);
		cli_print_json(out, 1);
		json_decref(out);
	} else if (json_is_true(json_object_get(args, "csv")))
		report_print_csv(&t);
	else {
		printf("%s评价  %s 至 %s\n\n", o->name, from, to);
		report_print_text(&t);
	}
	report_table_free(&t);
	return 0;
}
