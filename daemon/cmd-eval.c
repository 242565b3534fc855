/*
 * cmd-eval.c: the evaluation (综合评价, CJ/T 292) for clients.
 *
 * eval.indicators and eval.scores are thin: the indicators and the
 * composite are defined once, in SQL (schema/031-eval.sql and
 * schema/032-eval-score.sql, citygrid-evaluation(7)); here only the
 * period is read and who may see what is enforced.  A department's
 * operator sees its own department's figures and nothing else.
 */
#include <string.h>

#include "citygridd.h"

/*
 * $1 kind, $2 from, $3 to, $4 period, $5 day, $6 parent, $7 only this
 * object id.  The period is [from, to) if both are given, else the day,
 * week, month, quarter or year holding day (default: today, China time).
 */
#define EVAL_PERIOD \
    "WITH p AS (SELECT coalesce($2::date, x.period_from) AS f," \
    "  coalesce($3::date, x.period_to) AS t" \
    "  FROM cg_eval_period(coalesce($4, 'day')," \
    "   coalesce($5::date, (now() AT TIME ZONE 'Asia/Shanghai')::date)) x)" \
    " SELECT to_char(p.f, 'YYYY-MM-DD') AS period_from," \
    " to_char(p.t, 'YYYY-MM-DD') AS period_to, e.*"

static const char eval_indicators_sql[] = EVAL_PERIOD
    " FROM p, cg_eval($1, p.f, p.t, $6) e"
    " WHERE $7::text IS NULL OR e.object_id = $7";

static const char eval_scores_sql[] = EVAL_PERIOD
    " FROM p, cg_eval_score($1, p.f, p.t, $6) e"
    " WHERE $7::text IS NULL OR e.object_id = $7"
    " ORDER BY e.score DESC NULLS LAST, e.object_code";

static int
eval_date_ok(json_t *args, const char *key)
{
	json_t *v = json_object_get(args, key);
	const char *s;

	if (v == NULL || json_is_null(v))
		return 1;
	if (!json_is_string(v))
		return 0;
	s = json_string_value(v);
	return strlen(s) == 10 && strspn(s, "0123456789-") == 10 && s[4] == '-' &&
	    s[7] == '-';
}

static void
eval_run(struct client *c, uint64_t id, json_t *args, const char *sql)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[7], *kind = arg_str(args, "kind");
	char own[16];

	if (kind == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出评价对象 kind (collector, seat, supervisor,"
		    " dispatcher, department, district, street, community, grid)");
		return;
	}
	if (!eval_date_ok(args, "from") || !eval_date_ok(args, "to") ||
	    !eval_date_ok(args, "day")) {
		cmd_req_error(r, PE_INVALID, "from, to 和 day 须为 YYYY-MM-DD");
		return;
	}
	if ((arg_str(args, "from") == NULL) != (arg_str(args, "to") == NULL)) {
		cmd_req_error(r, PE_INVALID, "期间须同时给出 from 和 to, 或给出 period 和 day");
		return;
	}
	if (arg_str(args, "from") != NULL &&
	    strcmp(arg_str(args, "from"), arg_str(args, "to")) >= 0) {
		cmd_req_error(r, PE_INVALID, "评价期间须为 [from, to), from 早于 to");
		return;
	}
	params[6] = NULL;
	/* A department sees its own figures only. */
	if (c->op != NULL && (c->op->roles & (ROLE_SUPERVISOR | ROLE_ADMIN)) == 0) {
		if (strcmp(kind, "department") != 0 || c->op->department == 0) {
			cmd_req_error(r, PE_ROLE, "%s(%s) 只能查看本部门的评价", c->op->name,
			    c->user);
			return;
		}
		snprintf(own, sizeof own, "%d", c->op->department);
		params[6] = own;
	}
	params[0] = kind;
	params[1] = arg_str(args, "from");
	params[2] = arg_str(args, "to");
	params[3] = arg_str(args, "period");
	params[4] = arg_str(args, "day");
	params[5] = arg_str(args, "parent");
	cmd_query(r, sql, 7, params, cmd_rows_done);
}

/* eval.indicators {kind, from, to | period, day, parent}: every indicator, per object. */
void
cmd_eval_indicators(struct client *c, uint64_t id, json_t *args)
{
	eval_run(c, id, args, eval_indicators_sql);
}

/* eval.scores {kind, from, to | period, day, parent}: composite and grade, best first. */
void
cmd_eval_scores(struct client *c, uint64_t id, json_t *args)
{
	eval_run(c, id, args, eval_scores_sql);
}
