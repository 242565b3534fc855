/*
 * cmd-rank.c: the day's ranking of the departments by their handling
 * (处置), a use of the evaluation's department indicators
 * (cg_eval, schema/031-eval.sql, citygrid-evaluation(7)), not a second
 * formula.  The verdict of each stage is the one stored when it ended
 * (on_time), never recomputed, so a later calendar edit changes no
 * ranking.
 */
#include <string.h>

#include "citygridd.h"

/*
 * $1: the day (NULL: today in China time).  Per department, from the
 * department indicators of [day, day + 1):
 *   due       应处置数 (处置数 + 超期未处置数)
 *   handled   处置数: handle stages ended by feedback that day
 *   on_time   按时处置数: of those, on time
 *   rate      按时处置率: on_time / due, NULL when nothing was due
 *   overdue   超期未处置数: running at the day's end (or now), not
 *             paused, deadline past
 * Departments with nothing that day are left out.  Best first: rate
 * descending (no data last), then fewer overdue.
 */
static const char rank_departments_sql[] =
    "WITH b AS (SELECT coalesce($1::date, (now() AT TIME ZONE 'Asia/Shanghai')::date) AS d),"
    " e AS (SELECT e.object_code, e.object_name, e.indicator, e.numerator, e.value"
    "  FROM b, cg_eval('department', b.d, b.d + 1) e),"
    " t AS (SELECT object_code, object_name,"
    "  max(value) FILTER (WHERE indicator = 'due') AS due,"
    "  max(value) FILTER (WHERE indicator = 'handled') AS handled,"
    "  max(numerator) FILTER (WHERE indicator = 'on_time_handle_rate') AS on_time,"
    "  max(value) FILTER (WHERE indicator = 'on_time_handle_rate') AS rate,"
    "  max(value) FILTER (WHERE indicator = 'overdue') AS overdue,"
    "  max(value) FILTER (WHERE indicator = 'assigned') AS assigned"
    "  FROM e GROUP BY object_code, object_name)"
    " SELECT row_number() OVER w AS rank, object_code AS department,"
    " object_name AS department_name, due::bigint, handled::bigint, on_time::bigint, rate,"
    " overdue::bigint, (SELECT to_char(b.d, 'YYYY-MM-DD') FROM b) AS day"
    " FROM t WHERE due + handled + overdue + assigned > 0"
    " WINDOW w AS (ORDER BY rate DESC NULLS LAST, overdue, object_code)"
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
