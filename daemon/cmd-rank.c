/*
 * cmd-rank.c: the day's ranking of the departments by their handling
 * (处置).  A first, daily, department-only piece of the evaluation
 * subsystem (CJ/T 292); its full indicators and periods come later.
 * The verdict of each stage is the one stored when it ended (on_time),
 * never recomputed, so a later calendar edit changes no ranking.
 */
#include <string.h>

#include "citygridd.h"

/*
 * $1: the day (NULL: today in China time).  Per department with handle
 * stages open at some time that day:
 *   due       应处置: ended that day, or running at its end and due by then
 *   handled   处置: ended that day
 *   on_time   按时处置: ended that day, on time
 *   rate      按时处置率: on_time / handled, NULL when nothing was handled
 *   overdue   超期未处置: running at its end, not paused, deadline past
 *             (by the end of the day, or by now while the day lasts)
 * Best first: rate descending (no data last), then fewer overdue.
 */
static const char rank_departments_sql[] =
    "WITH b AS (SELECT d, (d::timestamp AT TIME ZONE 'Asia/Shanghai') AS d0,"
    "  ((d + 1)::timestamp AT TIME ZONE 'Asia/Shanghai') AS d1"
    "  FROM (SELECT coalesce($1::date, (now() AT TIME ZONE 'Asia/Shanghai')::date) AS d) x),"
    " s AS (SELECT s.department, s.on_time, s.deadline, b.d1,"
    "  coalesce(s.ended_at >= b.d0 AND s.ended_at < b.d1, false) AS ended,"
    "  (s.ended_at IS NULL OR s.ended_at >= b.d1) AS running,"
    "  EXISTS (SELECT 1 FROM case_pause p WHERE p.stage_id = s.id AND p.started_at < b.d1"
    "   AND (p.ended_at IS NULL OR p.ended_at >= b.d1)) AS paused"
    "  FROM case_stage s, b"
    "  WHERE s.stage = 'handle' AND s.department IS NOT NULL AND s.started_at < b.d1"
    "   AND (s.ended_at IS NULL OR s.ended_at >= b.d0)),"
    " t AS (SELECT department,"
    "  count(*) FILTER (WHERE ended OR (running AND deadline < d1)) AS due,"
    "  count(*) FILTER (WHERE ended) AS handled,"
    "  count(*) FILTER (WHERE ended AND on_time) AS on_time,"
    "  count(*) FILTER (WHERE running AND NOT paused"
    "   AND deadline < least(d1, now())) AS overdue"
    "  FROM s GROUP BY department)"
    " SELECT row_number() OVER w AS rank, d.code AS department, d.name AS department_name,"
    " t.due, t.handled, t.on_time,"
    " round(t.on_time::numeric / nullif(t.handled, 0), 4) AS rate, t.overdue,"
    " (SELECT to_char(b.d, 'YYYY-MM-DD') FROM b) AS day"
    " FROM t JOIN department d ON d.id = t.department"
    " WINDOW w AS (ORDER BY t.on_time::numeric / nullif(t.handled, 0) DESC NULLS LAST,"
    "  t.overdue, d.code)"
    " ORDER BY rank";

/* rank.departments {day}: the departments' handling on one day, best first. */
void
cmd_rank_departments(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[1], *day = arg_str(args, "day");

	if (json_object_get(args, "day") != NULL && !json_is_null(json_object_get(args,
	    "day")) && (day == NULL || strlen(day) != 10 ||
	    strspn(day, "0123456789-") != 10 || day[4] != '-' || day[7] != '-')) {
		cmd_req_error(r, PE_INVALID, "day 须为 YYYY-MM-DD");
		return;
	}
	params[0] = day;
	cmd_query(r, rank_departments_sql, 1, params, cmd_rows_done);
}
