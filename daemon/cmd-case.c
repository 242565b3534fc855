/*
 * cmd-case.c: registering and reading cases and tasks.  The steps of a
 * case's life are in workflow.c.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citygridd.h"

static const char case_new_sql[] =
    "SELECT * FROM cg_case_new($1::jsonb, $2::timestamptz, $3::integer, $4, $5::jsonb)";

static const char case_show_sql[] =
    "SELECT c.id, c.case_no, c.state, s.name AS state_name, s.open, c.row_version,"
    " c.version AS standard, c.kind, c.class_code, k.name AS class_name, k.major_name,"
    " c.source, c.urgent, c.grid, g.area_class, cm.code AS community, cm.name AS community_name,"
    " st.code AS street, st.name AS street_name, c.address, c.description, c.component,"
    " c.reporter_name, c.reporter_phone, c.department, d.name AS department_name,"
    " col.code AS collector, col.name AS collector_name,"
    " f.code AS condition_code, f.condition, f.closing_condition,"
    " to_char(c.found_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS found_at,"
    " to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS created_at,"
    " to_char(c.updated_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS updated_at,"
    " ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,"
    " dup.case_no AS likely_duplicate, mrg.case_no AS duplicate_of,"
    " coalesce((SELECT jsonb_agg(jsonb_build_object('id', l.id,"
    "   'at', to_char(l.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),"
    "   'actor', l.actor_name, 'action', l.action, 'label', l.detail->>'action_name',"
    "   'from', l.from_state, 'to', l.to_state,"
    "   'to_name', ls.name, 'reason', l.reason, 'department', ld.name,"
    "   'attachments', l.attachments) ORDER BY l.id)"
    "  FROM case_log l JOIN case_state ls ON ls.state = l.to_state"
    "  LEFT JOIN department ld ON ld.id = l.department WHERE l.case_id = c.id), '[]') AS log,"
    " coalesce((SELECT jsonb_agg(jsonb_build_object('stage', x.stage,"
    "   'started_at', extract(epoch FROM x.started_at)::bigint,"
    "   'deadline', extract(epoch FROM x.deadline)::bigint,"
    "   'warn_at', extract(epoch FROM x.warn_at)::bigint,"
    "   'ended_at', extract(epoch FROM x.ended_at)::bigint,"
    "   'paused_at', extract(epoch FROM x.paused_at)::bigint,"
    "   'limit', x.limit_value, 'unit', x.limit_unit, 'on_time', x.on_time,"
    "   'unpublished', x.unpublished) ORDER BY x.id)"
    "  FROM case_stage x WHERE x.case_id = c.id), '[]') AS stages,"
    " coalesce((SELECT jsonb_agg(jsonb_build_object('id', t.id, 'kind', t.kind,"
    "   'collector', tc.code, 'collector_name', tc.name, 'state', t.state, 'result', t.result,"
    "   'note', t.note, 'photos', t.photos, 'due_at', extract(epoch FROM t.due_at)::bigint)"
    "   ORDER BY t.id)"
    "  FROM task t LEFT JOIN collector tc ON tc.id = t.collector WHERE t.case_id = c.id), '[]') AS tasks"
    " FROM cases c JOIN case_state s ON s.state = c.state"
    " JOIN class_code k ON k.version = c.version AND k.kind = c.kind AND k.code = c.class_code"
    " LEFT JOIN grid g ON g.code = c.grid"
    " LEFT JOIN division cm ON cm.code = g.community"
    " LEFT JOIN division st ON st.code = cm.parent"
    " LEFT JOIN department d ON d.id = c.department"
    " LEFT JOIN collector col ON col.id = c.collector"
    " LEFT JOIN filing_condition f ON f.id = c.condition"
    " LEFT JOIN cases dup ON dup.id = c.likely_duplicate"
    " LEFT JOIN cases mrg ON mrg.id = c.duplicate_of"
    " WHERE c.case_no = $1 OR c.id = CASE WHEN $1 ~ '^[0-9]{1,18}$' THEN $1::bigint END";

static const char case_list_sql[] =
    "SELECT c.id, c.case_no, c.state, s.name AS state_name, c.row_version, c.kind,"
    " c.class_code, k.name AS class_name, c.source, c.urgent, c.grid, c.department,"
    " d.name AS department_name, c.address, left(c.description, 60) AS description,"
    " to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') AS created,"
    " dl.stage, dl.limit_unit AS unit, extract(epoch FROM dl.deadline)::bigint AS deadline,"
    " extract(epoch FROM dl.warn_at)::bigint AS warn_at, dl.paused"
    " FROM cases c JOIN case_state s ON s.state = c.state"
    " JOIN class_code k ON k.version = c.version AND k.kind = c.kind AND k.code = c.class_code"
    " LEFT JOIN department d ON d.id = c.department"
    " LEFT JOIN LATERAL (SELECT x.stage, x.limit_unit, x.deadline, x.warn_at,"
    "  x.paused_at IS NOT NULL AS paused"
    "  FROM case_stage x WHERE x.case_id = c.id AND x.ended_at IS NULL"
    "  ORDER BY x.deadline LIMIT 1) dl ON true"
    " WHERE ($1::text[] IS NULL OR c.state = ANY ($1::text[]))"
    " AND ($2::text IS NULL OR c.department ="
    "  (SELECT id FROM department WHERE code = $2 OR id::text = $2))"
    " AND ($3::text IS NULL OR c.grid LIKE $3 || '%')"
    " AND ($4::boolean IS NULL OR s.open = $4::boolean)"
    " AND ($5::text IS NULL OR c.source = $5)"
    " ORDER BY c.urgent DESC, dl.deadline NULLS LAST, c.id"
    " LIMIT $6::integer";

static const char case_log_sql[] =
    "SELECT l.id, to_char(l.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS') AS at,"
    " l.actor_name AS actor, l.action, l.detail->>'action_name' AS label,"
    " l.from_state, l.to_state, s.name AS to_name,"
    " l.reason, d.name AS department, l.attachments, l.detail, l.row_version"
    " FROM case_log l JOIN cases c ON c.id = l.case_id"
    " JOIN case_state s ON s.state = l.to_state LEFT JOIN department d ON d.id = l.department"
    " WHERE c.case_no = $1 OR c.id = CASE WHEN $1 ~ '^[0-9]{1,18}$' THEN $1::bigint END ORDER BY l.id";

static const char task_list_sql[] =
    "SELECT t.id, t.kind, t.state, c.case_no, c.grid, col.code AS collector,"
    " col.name AS collector_name, t.result,"
    " to_char(t.sent_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') AS sent,"
    " extract(epoch FROM t.due_at)::bigint AS due_at"
    " FROM task t JOIN cases c ON c.id = t.case_id LEFT JOIN collector col ON col.id = t.collector"
    " WHERE ($1::text IS NULL OR t.state = $1) AND ($2::text IS NULL OR col.code = $2)"
    " ORDER BY t.due_at, t.id LIMIT 1000";

static const char *const case_sources[] = { "collector", "hotline", "leader", "public", NULL };

/* Check the fields of a new case that the client can get wrong. */
static int
case_new_check(json_t *args, char **cause)
{
	const char *kind = arg_str(args, "kind"), *class = arg_str(args, "class");
	const char *source = arg_str(args, "source"), *desc = arg_str(args, "description");
	const char *grid = arg_str(args, "grid");
	json_t *lon = json_object_get(args, "lon"), *lat = json_object_get(args, "lat");
	int i;

	for (i = 0; case_sources[i] != NULL; i++) {
		if (source != NULL && strcmp(source, case_sources[i]) == 0)
			break;
	}
	if (case_sources[i] == NULL) {
		xasprintf(cause, "来源须为 collector, hotline, leader 或 public");
		return -1;
	}
	if (desc == NULL || *desc == '\0') {
		xasprintf(cause, "须填写问题描述 (description)");
		return -1;
	}
	if (arg_str(args, "component") != NULL)
		return 0;
	if (kind == NULL || (strcmp(kind, "component") != 0 && strcmp(kind, "event") != 0)) {
		xasprintf(cause, "类型 (kind) 须为 component (部件) 或 event (事件)");
		return -1;
	}
	if (class == NULL) {
		xasprintf(cause, "须给出类别代码 (class)");
		return -1;
	}
	if (codes_class_check(cfg.standard, class, cause) != 0)
		return -1;
	if ((lon != NULL) != (lat != NULL) || (lon != NULL && (!json_is_number(lon) ||
	    !json_is_number(lat) || json_number_value(lon) < 73 ||
	    json_number_value(lon) > 136 || json_number_value(lat) < 3 ||
	    json_number_value(lat) > 54))) {
		xasprintf(cause, "经纬度须同时给出, 且在中国境内");
		return -1;
	}
	if (grid != NULL && codes_grid_check(grid, cause) != 0)
		return -1;
	return 0;
}

static void
case_new_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;

	if (cmd_failed(r, res, err))
		return;
	log_info("case %s: %s by %s", PQgetvalue(res, 0, 1),
	    *PQgetvalue(res, 0, 2) == 't' ? "registered" : "resent, already registered",
	    r->c->op ? r->c->op->user : r->c->user);
	cmd_req_reply(r, json_incref(json_array_get(r->data = db_result_json(res), 0)));
}

/*
 * The parameters of cg_case_new for case.new, whoever registers it (an
 * operator, or a collector through the cradle): the checked fields, the
 * time, the actor and the filing stage.  0, or -1 with the error's code
 * and message.  The caller frees the strings with case_new_free.
 */
int
case_new_params(json_t *args, const struct wf_actor *a, char *params[5],
    enum proto_error *code, char **cause)
{
	json_t *p, *stage;
	struct wf_ctx *none = NULL;
	int64_t now;

	memset(params, 0, 5 * sizeof *params);
	*code = PE_INVALID;
	if (workflow_step_time(args, &now, cause) != 0 ||
	    case_new_check(args, cause) != 0)
		return -1;
	if ((stage = workflow_stage_open("file", none, now, 0)) == NULL) {
		*code = PE_BUSY;
		xasprintf(cause, "工作日历尚未载入, 请稍后重试");
		return -1;
	}
	/* A report not a collector's own waits for the seat to send a 核实 task. */
	if (arg_str(args, "source") != NULL && strcmp(arg_str(args, "source"), "collector") != 0) {
		json_t *send = workflow_stage_open("verify_send", none, now, 0);

		stage = json_pack("[o, o*]", stage, send);
	}
	p = json_deep_copy(args);
	if (json_object_get(p, "at") != NULL) {
		json_object_del(p, "at");
		json_object_set_new(p, "backdated", json_true());
	}
	json_object_set_new(p, "version", json_string(cfg.standard));
	/* 12 digits: a handheld's 1e-7 degrees, not 116.43000000000001. */
	params[0] = json_dumps(p, JSON_COMPACT | JSON_REAL_PRECISION(12));
	params[1] = xmalloc(40);
	workflow_time_text(now, params[1], 40);
	if (a->operator != 0)
		xasprintf(&params[2], "%d", a->operator);
	params[3] = xstrdup(a->name);
	params[4] = json_dumps(stage, JSON_COMPACT);
	json_decref(p);
	json_decref(stage);
	return 0;
}

void
case_new_free(char *params[5])
{
	int i;

	for (i = 0; i < 5; i++)
		free(params[i]);
}

void
cmd_case_new(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const struct operator *op = c->op;
	struct wf_actor a = { op->id, op->name, op->user, op->roles,
	    op->department, op->dept_name };
	enum proto_error code;
	char *cause, *params[5];

	if (case_new_params(args, &a, params, &code, &cause) != 0) {
		cmd_req_error(r, code, "%s", cause);
		free(cause);
		return;
	}
	cmd_query(r, case_new_sql, 5, (const char *const *)params, case_new_done);
	case_new_free(params);
}

static void
case_show_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;
	json_t *row;

	if (cmd_failed(r, res, err))
		return;
	if (PQntuples(res) == 0) {
		cmd_req_error(r, PE_NOTFOUND, "案卷 %s 不存在", r->p1);
		return;
	}
	r->data = db_result_json(res);
	row = json_array_get(r->data, 0);
	json_object_set_new(row, "actions", workflow_actions(json_string_value(
	    json_object_get(row, "state")), r->c->op->roles));
	cmd_req_reply(r, json_incref(row));
}

static void
case_by_ref(struct client *c, uint64_t id, json_t *args, const char *sql, db_cb cb)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[1];
	char buf[32];

	if ((params[0] = arg_num(args, "case", buf, sizeof buf)) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出案卷编号 (case)");
		return;
	}
	r->p1 = xstrdup(params[0]);
	cmd_query(r, sql, 1, params, cb);
}

void
cmd_case_show(struct client *c, uint64_t id, json_t *args)
{
	case_by_ref(c, id, args, case_show_sql, case_show_done);
}

void
cmd_case_log(struct client *c, uint64_t id, json_t *args)
{
	case_by_ref(c, id, args, case_log_sql, cmd_rows_done);
}

/* case.list {state: "a,b", department, grid, open, source, limit}. */
void
cmd_case_list(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[6], *state = arg_str(args, "state");
	char dbuf[32], lbuf[16], *states = NULL;
	json_t *open = json_object_get(args, "open"), *lim = json_object_get(args, "limit");
	int limit = json_is_integer(lim) ? (int)json_integer_value(lim) : 100;

	if (limit < 1 || limit > 5000) {
		cmd_req_error(r, PE_INVALID, "limit 须在 1 到 5000 之间");
		return;
	}
	if (state != NULL)
		xasprintf(&states, "{%s}", state);
	r->p1 = states;
	snprintf(lbuf, sizeof lbuf, "%d", limit);
	params[0] = states;
	params[1] = arg_num(args, "department", dbuf, sizeof dbuf);
	/* A department user sees only the department's cases. */
	if (c->op->roles == ROLE_DEPT) {
		snprintf(dbuf, sizeof dbuf, "%d", c->op->department);
		params[1] = dbuf;
	}
	params[2] = arg_str(args, "grid");
	params[3] = json_is_boolean(open) ? (json_is_true(open) ? "true" : "false") : NULL;
	params[4] = arg_str(args, "source");
	params[5] = lbuf;
	cmd_query(r, case_list_sql, 6, params, cmd_rows_done);
}

/* task.list {state, collector}. */
void
cmd_task_list(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[2];

	params[0] = arg_str(args, "state");
	params[1] = arg_str(args, "collector");
	cmd_query(r, task_list_sql, 2, params, cmd_rows_done);
}
