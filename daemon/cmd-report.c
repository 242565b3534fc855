/*
 * cmd-report.c: the figures of the reports (综合评价 reports, CJ/T 292)
 * that are not indicators of a post: counts of cases by source, class,
 * grid, component or region with the change against the period before
 * (高发问题, the heat map, the source mix), and the day-by-day trend of
 * a region's 立案, 结案 and rates.  The indicators and composite scores
 * themselves are eval-core's (cmd-eval.c); these feed the charts of the
 * monthly report and the supervise console.  The trend's rates are
 * the evaluation's own (cg_eval), not a second definition.
 *
 * Periods are dates in China time, both ends included; a case belongs
 * to the day its event happened (created_at for a report, the log's
 * time for 立案 and 结案), never to a recomputed verdict.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "citygridd.h"

#define REPORT_DAYS_MAX	400		/* a trend covers at most this */

/*
 * report.count: $1 from, $2 to, $3 previous from, $4 previous to (both
 * dates), $5 by, $6 within (a grid code prefix, '' for all), $7 limit.
 * Cases reported in the period that are real problems: not rejected
 * (不予立案) and not merged into another (重复).  count is this period's,
 * previous the period before's, for the same key.
 */
static const char report_count_sql[] =
    "WITH b AS (SELECT ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS t0,"
    "  (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS t1,"
    "  ($3::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS p0,"
    "  (($4::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS p1),"
    " c AS (SELECT CASE $5::text WHEN 'source' THEN c.source"
    "   WHEN 'class' THEN c.kind || ':' || c.class_code"
    "   WHEN 'grid' THEN c.grid WHEN 'community' THEN left(c.grid, 12)"
    "   WHEN 'street' THEN left(c.grid, 9) WHEN 'component' THEN c.component"
    "   WHEN 'department' THEN d.code END AS key,"
    "  c.created_at >= b.t0 AND c.created_at < b.t1 AS cur"
    "  FROM b, cases c LEFT JOIN department d ON d.id = c.department"
    "  WHERE ((c.created_at >= b.t0 AND c.created_at < b.t1)"
    "   OR (c.created_at >= b.p0 AND c.created_at < b.p1))"
    "  AND c.state NOT IN ('rejected', 'merged')"
    "  AND ($6 = '' OR c.grid LIKE $6 || '%')),"
    " t AS (SELECT key, count(*) FILTER (WHERE cur) AS count,"
    "  count(*) FILTER (WHERE NOT cur) AS previous"
    "  FROM c WHERE key IS NOT NULL GROUP BY key)"
    " SELECT t.key, CASE $5::text"
    "   WHEN 'source' THEN CASE t.key WHEN 'collector' THEN '监督员上报'"
    "    WHEN 'hotline' THEN '热线' WHEN 'leader' THEN '领导交办'"
    "    WHEN 'public' THEN '公众举报' ELSE t.key END"
    "   WHEN 'class' THEN (SELECT k.name FROM class_code k WHERE k.version = $8"
    "    AND k.kind || ':' || k.code = t.key)"
    "   WHEN 'component' THEN (SELECT x.name FROM component x WHERE x.id = t.key)"
    "   WHEN 'department' THEN (SELECT x.name FROM department x WHERE x.code = t.key)"
    "   WHEN 'grid' THEN (SELECT x.name FROM division x WHERE x.code = left(t.key, 12))"
    "   ELSE (SELECT x.name FROM division x WHERE x.code = t.key) END AS name,"
    " t.count, t.previous, t.count - t.previous AS change,"
    " round((t.count - t.previous)::numeric / nullif(t.previous, 0), 4) AS change_rate,"
    " (sum(t.count) OVER ())::bigint AS total"
    " FROM t WHERE t.count > 0"
    " ORDER BY t.count DESC, t.previous DESC, t.key LIMIT $7::integer";

/*
 * report.trend: $1 from, $2 to, $3 within (a region code, '' for every
 * district).  Per day: cases reported, filed (立案) and closed (结案)
 * that day; and the region's 立案数, 结案数, 结案率 and 按期结案率 for the
 * period from the first day to the end of that day, as the evaluation
 * defines them (cg_eval, citygrid-evaluation(7)), so that the last day's
 * figure is the period's.  A region's figures count the cases by the
 * instant they were filed, so those of [from, d] are the sums of the
 * days' numerators and denominators: cg_eval runs once a day, not once
 * for every prefix of the period.  A rate with nothing due is null (no
 * data).  Days after today are left out: they have no figures yet.
 */
static const char report_trend_sql[] =
    "WITH b AS (SELECT ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai') AS t0,"
    "  (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS t1,"
    "  CASE length($3) WHEN 0 THEN 'district' WHEN 6 THEN 'district'"
    "   WHEN 9 THEN 'street' WHEN 12 THEN 'community' ELSE 'grid' END AS kind),"
    " days AS (SELECT d::date AS d"
    "  FROM generate_series($1::date, $2::date, interval '1 day') d"
    "  WHERE d::date <= (now() AT TIME ZONE 'Asia/Shanghai')::date),"
    " r AS (SELECT (c.created_at AT TIME ZONE 'Asia/Shanghai')::date AS d, count(*) AS n"
    "  FROM b, cases c WHERE c.created_at >= b.t0"
    "  AND c.created_at < b.t1 AND ($3 = '' OR c.grid LIKE $3 || '%') GROUP BY 1),"
    " l AS (SELECT (l.at AT TIME ZONE 'Asia/Shanghai')::date AS d,"
    "  count(*) FILTER (WHERE l.action = 'file') AS filed,"
    "  count(*) FILTER (WHERE l.action = 'close') AS closed"
    "  FROM b, case_log l JOIN cases c ON c.id = l.case_id"
    "  WHERE l.action IN ('file', 'close') AND l.at >= b.t0 AND l.at < b.t1"
    "  AND ($3 = '' OR c.grid LIKE $3 || '%') GROUP BY 1),"
    " x AS (SELECT days.d,"
    "  coalesce(sum(e.value) FILTER (WHERE e.indicator = 'filed'), 0) AS filed,"
    "  coalesce(sum(e.value) FILTER (WHERE e.indicator = 'closed'), 0) AS closed,"
    "  coalesce(sum(e.numerator) FILTER (WHERE e.indicator = 'close_rate'), 0) AS cn,"
    "  coalesce(sum(e.denominator) FILTER (WHERE e.indicator = 'close_rate'), 0) AS cd,"
    "  coalesce(sum(e.numerator) FILTER (WHERE e.indicator = 'on_time_close_rate'), 0) AS tn,"
    "  coalesce(sum(e.denominator) FILTER (WHERE e.indicator = 'on_time_close_rate'), 0) AS td"
    "  FROM b, days LEFT JOIN LATERAL cg_eval((SELECT kind FROM b), days.d, days.d + 1) e"
    "   ON $3 = '' OR e.object_code = $3"
    "  GROUP BY days.d),"
    " s AS (SELECT x.d, sum(filed) OVER w AS filed, sum(closed) OVER w AS closed,"
    "  sum(cn) OVER w AS cn, sum(cd) OVER w AS cd, sum(tn) OVER w AS tn, sum(td) OVER w AS td"
    "  FROM x WINDOW w AS (ORDER BY x.d))"
    " SELECT to_char(days.d, 'YYYY-MM-DD') AS day, coalesce(r.n, 0) AS reported,"
    " coalesce(l.filed, 0) AS filed, coalesce(l.closed, 0) AS closed,"
    " s.filed::bigint AS filed_to_date, s.closed::bigint AS closed_to_date,"
    " round(s.cn / nullif(s.cd, 0), 4) AS close_rate,"
    " round(s.tn / nullif(s.td, 0), 4) AS on_time_rate"
    " FROM days JOIN s ON s.d = days.d LEFT JOIN r ON r.d = days.d LEFT JOIN l ON l.d = days.d"
    " ORDER BY days.d";

/* Is it YYYY-MM-DD?  The database checks that the day exists. */
static int
report_is_date(const char *s)
{
	return s != NULL && strlen(s) == 10 && strspn(s, "0123456789-") == 10 &&
	    s[4] == '-' && s[7] == '-' && strchr(s + 5, '-') == s + 7;
}

/* The day number of YYYY-MM-DD, to count the days of a period. */
static long
report_day(const char *s)
{
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	sscanf(s, "%d-%d-%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday);
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return (long)(timegm(&tm) / 86400);
}

/* from and to from args; -1 after answering the error. */
static int
report_period(struct cmd_req *r, const char **from, const char **to)
{
	*from = arg_str(r->args, "from");
	*to = arg_str(r->args, "to");
	if (!report_is_date(*from) || !report_is_date(*to)) {
		cmd_req_error(r, PE_INVALID, "须给出时段 from 和 to (YYYY-MM-DD)");
		return -1;
	}
	if (strcmp(*from, *to) > 0) {
		cmd_req_error(r, PE_INVALID, "时段的开始 %s 晚于结束 %s", *from, *to);
		return -1;
	}
	return 0;
}

/* within: a region or grid code prefix, digits only; "" for all. */
static int
report_within(struct cmd_req *r, const char **within)
{
	*within = arg_str(r->args, "within");
	if (*within == NULL)
		*within = "";
	if (strspn(*within, "0123456789") != strlen(*within) || strlen(*within) > 15) {
		cmd_req_error(r, PE_INVALID, "within 须为区划或网格代码: %s", *within);
		return -1;
	}
	return 0;
}

/*
 * The period before: prev_from..prev_to if given, else as many days
 * ending the day before from.  Worked out by the database.
 */
static const char report_prev_sql[] =
    "SELECT to_char($1::date - ($2::date - $1::date + 1), 'YYYY-MM-DD'),"
    " to_char($1::date - 1, 'YYYY-MM-DD')";

static void report_count_run(PGresult *, const char *, void *);
static void report_count_reply(PGresult *, const char *, void *);

/* report.count {by, from, to, prev_from, prev_to, within, limit}. */
void
cmd_report_count(struct client *c, uint64_t id, json_t *args)
{
	static const char *const bys[] = { "source", "class", "grid", "community",
	    "street", "component", "department", NULL };
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *from, *to, *within, *by = arg_str(args, "by"), *pf, *pt;
	const char *params[2];
	json_t *lim = json_object_get(args, "limit");
	int i;

	if (report_period(r, &from, &to) != 0 || report_within(r, &within) != 0)
		return;
	for (i = 0; bys[i] != NULL && (by == NULL || strcmp(bys[i], by) != 0); i++)
		;
	if (bys[i] == NULL) {
		cmd_req_error(r, PE_INVALID, "by 须为 source, class, grid, community, street,"
		    " component 或 department");
		return;
	}
	if (lim != NULL && (!json_is_integer(lim) || json_integer_value(lim) < 1 ||
	    json_integer_value(lim) > 10000)) {
		cmd_req_error(r, PE_INVALID, "limit 须在 1 到 10000 之间");
		return;
	}
	pf = arg_str(args, "prev_from");
	pt = arg_str(args, "prev_to");
	if (pf != NULL || pt != NULL) {
		if (!report_is_date(pf) || !report_is_date(pt) || strcmp(pf, pt) > 0) {
			cmd_req_error(r, PE_INVALID, "上一时段 prev_from..prev_to 须为两个日期,"
			    " 开始不晚于结束");
			return;
		}
		report_count_run(NULL, NULL, r);
		return;
	}
	params[0] = from;
	params[1] = to;
	cmd_query(r, report_prev_sql, 2, params, report_count_run);
}

/* With the period before known (res, or in args), count. */
static void
report_count_run(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;
	json_t *args = r->args, *lim = json_object_get(args, "limit");
	const char *params[8], *within;
	char lbuf[16];

	if (res != NULL && cmd_failed(r, res, err))
		return;
	if (res == NULL && err != NULL) {
		cmd_req_error(r, PE_DB, "%s", err);
		return;
	}
	if (res != NULL) {
		json_object_set_new(args, "prev_from", json_string(PQgetvalue(res, 0, 0)));
		json_object_set_new(args, "prev_to", json_string(PQgetvalue(res, 0, 1)));
	}
	within = arg_str(args, "within");
	snprintf(lbuf, sizeof lbuf, "%d", json_is_integer(lim) ?
	    (int)json_integer_value(lim) : 10);
	params[0] = arg_str(args, "from");
	params[1] = arg_str(args, "to");
	params[2] = arg_str(args, "prev_from");
	params[3] = arg_str(args, "prev_to");
	params[4] = arg_str(args, "by");
	params[5] = within != NULL ? within : "";
	params[6] = lbuf;
	params[7] = cfg.standard;
	cmd_query(r, report_count_sql, 8, params, report_count_reply);
}

/* The rows with the periods they are of. */
static void
report_count_reply(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;

	if (cmd_failed(r, res, err))
		return;
	cmd_req_reply(r, json_pack("{s:O, s:O, s:O, s:O, s:O, s:o}",
	    "by", json_object_get(r->args, "by"),
	    "from", json_object_get(r->args, "from"), "to", json_object_get(r->args, "to"),
	    "prev_from", json_object_get(r->args, "prev_from"),
	    "prev_to", json_object_get(r->args, "prev_to"), "rows", db_result_json(res)));
}

/* report.trend {from, to, within}: day by day. */
void
cmd_report_trend(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *from, *to, *within, *params[3];

	if (report_period(r, &from, &to) != 0 || report_within(r, &within) != 0)
		return;
	if (report_day(to) - report_day(from) >= REPORT_DAYS_MAX) {
		cmd_req_error(r, PE_INVALID, "趋势最多 %d 天, 请缩短时段", REPORT_DAYS_MAX);
		return;
	}
	params[0] = from;
	params[1] = to;
	params[2] = within;
	cmd_query(r, report_trend_sql, 3, params, cmd_rows_done);
}
