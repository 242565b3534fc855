/*
 * notify.c: watches and pushes.  PostgreSQL announces every change to a
 * case (cg_case) and every log row (cg_log), whoever made it; handlers
 * only collect the ids.  After the loop turn one query per kind reads
 * what changed and each matching watch gets one event per change:
 * "case" (the case as it is now, with the same fields as a row of
 * case.list, so a console can replace its row) and "step" (the log row).
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

static json_t		*pending_cases;	/* id -> true */
static json_t		*pending_logs;	/* id -> true */
static struct event	*flush_ev;
static uint64_t		 next_watch_id = 1;

static const char notify_cases_sql[] =
    "SELECT c.id, c.case_no, c.state, s.name AS state_name, s.open, c.row_version,"
    " c.kind, c.class_code, k.name AS class_name, c.source, c.urgent, c.grid,"
    " left(c.grid, 12) AS community, left(c.grid, 9) AS street, c.department,"
    " d.name AS department_name, d.code AS department_code, c.address,"
    " left(c.description, 80) AS description,"
    " extract(epoch FROM c.updated_at)::bigint AS updated_at,"
    " (SELECT l.from_state FROM case_log l WHERE l.case_id = c.id ORDER BY l.id DESC LIMIT 1) AS prev_state,"
    " to_char(c.created_at AT TIME ZONE 'Asia/Shanghai', 'MM-DD HH24:MI') AS created,"
    " dl.stage, dl.limit_unit AS unit, extract(epoch FROM dl.deadline)::bigint AS deadline,"
    " extract(epoch FROM dl.warn_at)::bigint AS warn_at, dl.paused,"
    " ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat"
    " FROM cases c JOIN case_state s ON s.state = c.state"
    " JOIN class_code k ON k.version = c.version AND k.kind = c.kind AND k.code = c.class_code"
    " LEFT JOIN department d ON d.id = c.department"
    " LEFT JOIN LATERAL (SELECT x.stage, x.limit_unit, x.deadline, x.warn_at,"
    "  x.paused_at IS NOT NULL AS paused FROM case_stage x"
    "  WHERE x.case_id = c.id AND x.ended_at IS NULL ORDER BY x.deadline LIMIT 1) dl ON true"
    " WHERE c.id = ANY($1::bigint[]) ORDER BY c.id";
static const char notify_logs_sql[] =
    "SELECT l.id, l.case_id, c.case_no, extract(epoch FROM l.at)::bigint AS at,"
    " l.actor_name, l.action, l.from_state, l.to_state, l.reason, l.department,"
    " c.grid, left(c.grid, 12) AS community, left(c.grid, 9) AS street,"
    " c.department AS case_department, cd.code AS department_code, c.state"
    " FROM case_log l JOIN cases c ON c.id = l.case_id"
    " LEFT JOIN department cd ON cd.id = c.department"
    " WHERE l.id = ANY($1::bigint[]) ORDER BY l.id";

void
watch_free(struct watch *w)
{
	free(w->scope);
	free(w->value);
	free(w);
}

static int
watch_role_match(const char *role, json_t *row)
{
	int r = role_from_name(role);
	json_t *prev = json_object_get(row, "prev_state");
	json_t *from = json_object_get(row, "from_state");
	json_t *to = json_object_get(row, "to_state");
	json_t *st = json_object_get(row, "state");

	if (json_is_string(st) && workflow_state_for_roles(json_string_value(st), r))
		return 1;
	if (json_is_string(prev) && workflow_state_for_roles(json_string_value(prev), r))
		return 1;
	if (json_is_string(from) && workflow_state_for_roles(json_string_value(from), r))
		return 1;
	return json_is_string(to) && workflow_state_for_roles(json_string_value(to), r);
}

/* Does a case or step row concern a watch? */
static int
watch_match(struct watch *w, json_t *row)
{
	const char *grid, *code;
	json_t *dept;

	if (strcmp(w->scope, "all") == 0)
		return 1;
	if (strcmp(w->scope, "role") == 0)
		return watch_role_match(w->value, row);
	if (strcmp(w->scope, "department") == 0) {	/* by id or code */
		dept = json_object_get(row, "case_department");
		if (dept == NULL)
			dept = json_object_get(row, "department");
		if (json_is_integer(dept) && json_integer_value(dept) == atoll(w->value))
			return 1;
		code = json_string_value(json_object_get(row, "department_code"));
		return code != NULL && strcmp(code, w->value) == 0;
	}
	if (strcmp(w->scope, "grid") == 0) {
		grid = json_string_value(json_object_get(row, "grid"));
		return grid != NULL && strncmp(grid, w->value, strlen(w->value)) == 0;
	}
	if (strcmp(w->scope, "case") == 0)
		return strcmp(json_string_value(json_object_get(row, "case_no")), w->value) == 0;
	return 0;
}

void
notify_push(const char *event, PGresult *res)
{
	json_t *rows = db_result_json(res), *row;
	struct client *c, *next;
	struct watch *w;
	size_t i;

	json_array_foreach(rows, i, row) {
		TAILQ_FOREACH_SAFE(c, &clients, entry, next) {
			TAILQ_FOREACH(w, &c->watches, entry) {
				if (!watch_match(w, row))
					continue;
				client_push(c, json_pack("{s:s, s:I, s:O}", "event", event,
				    "sub", (json_int_t)w->id, "data", row));
				if (c->dead)
					break;
			}
		}
	}
	json_decref(rows);
}

static void
notify_cases_done(PGresult *res, const char *err, void *arg)
{
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("notify: reading changed cases: %s",
		    res ? PQresultErrorMessage(res) : err);
		return;
	}
	notify_push("case", res);
}

static void
notify_logs_done(PGresult *res, const char *err, void *arg)
{
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("notify: reading log rows: %s",
		    res ? PQresultErrorMessage(res) : err);
		return;
	}
	notify_push("step", res);
}

/* The ids of an object as a PostgreSQL array literal; the object is emptied. */
static char *
notify_ids(json_t *set)
{
	const char *key;
	json_t *v;
	char *out, *tmp;
	int first = 1;

	out = xstrdup("{");
	json_object_foreach(set, key, v) {
		xasprintf(&tmp, "%s%s%s", out, first ? "" : ",", key);
		free(out);
		out = tmp;
		first = 0;
	}
	xasprintf(&tmp, "%s}", out);
	free(out);
	json_object_clear(set);
	return tmp;
}

/* After the loop turn: one query per kind for everything that changed. */
static void
notify_flush_cb(evutil_socket_t fd, short what, void *arg)
{
	const char *params[1];
	char *ids;

	if (json_object_size(pending_logs) > 0) {
		ids = notify_ids(pending_logs);
		params[0] = ids;
		db_query_urgent(notify_logs_sql, 1, params, notify_logs_done, NULL);
		free(ids);
	}
	if (json_object_size(pending_cases) > 0) {
		ids = notify_ids(pending_cases);
		params[0] = ids;
		db_query_urgent(notify_cases_sql, 1, params, notify_cases_done, NULL);
		free(ids);
	}
}

/* Does anyone watch?  If not, changes need no reading. */
static int
notify_watched(void)
{
	struct client *c;

	TAILQ_FOREACH(c, &clients, entry) {
		if (!TAILQ_EMPTY(&c->watches))
			return 1;
	}
	return 0;
}

void
notify_received(const char *channel, const char *payload)
{
	json_error_t jerr;
	json_t *msg, *id;
	char key[32];

	if (!notify_watched())
		return;

	if (pending_cases == NULL) {
		pending_cases = json_object();
		pending_logs = json_object();
		flush_ev = event_new(base, -1, 0, notify_flush_cb, NULL);
	}
	if ((msg = json_loads(payload, 0, &jerr)) == NULL) {
		log_warn("notify: %s: bad payload: %s", channel, payload);
		return;
	}
	id = json_object_get(msg, "id");
	if (json_is_integer(id)) {
		snprintf(key, sizeof key, "%lld", (long long)json_integer_value(id));
		if (strcmp(channel, "cg_case") == 0)
			json_object_set_new(pending_cases, key, json_true());
		else if (strcmp(channel, "cg_log") == 0)
			json_object_set_new(pending_logs, key, json_true());
		event_active(flush_ev, EV_TIMEOUT, 0);
	}
	json_decref(msg);
}

/* The database came (1) or went (0), or changes may have been missed (2). */
void
notify_db_state(int state)
{
	struct client *c, *next;

	if (state == 1)
		calendar_load();
	TAILQ_FOREACH_SAFE(c, &clients, entry, next) {
		if (c->proto == 0)
			continue;
		if (state == 2)
			client_push(c, proto_event("resync", json_pack("{s:s}",
			    "reason", "database")));
		else
			client_push(c, proto_event("db", json_pack("{s:b}", "up", state)));
	}
}

/* watch {scope, value}: returns the subscription id. */
void
cmd_watch(struct client *c, uint64_t id, json_t *args)
{
	static const char *const scopes[] = { "all", "role", "department", "grid", "case", NULL };
	const char *scope = arg_str(args, "scope"), *value;
	char buf[32];
	struct watch *w;
	int i;

	value = arg_num(args, "value", buf, sizeof buf);
	for (i = 0; scopes[i] != NULL; i++) {
		if (scope != NULL && strcmp(scope, scopes[i]) == 0)
			break;
	}
	if (scopes[i] == NULL) {
		client_error(c, id, PE_INVALID, "订阅范围须为 all, role, department, grid 或 case");
	} else if (strcmp(scope, "all") != 0 && (value == NULL || *value == '\0')) {
		client_error(c, id, PE_INVALID, "订阅范围 %s 须给出 value", scope);
	} else if (strcmp(scope, "role") == 0 && role_from_name(value) == 0) {
		client_error(c, id, PE_INVALID, "未知角色: %s", value);
	} else if (strcmp(scope, "department") == 0 && !(c->op->roles &
	    (ROLE_SUPERVISOR | ROLE_DISPATCHER | ROLE_ADMIN)) &&
	    atoi(value) != c->op->department && strcmp(value, c->op->dept_code) != 0) {
		client_error(c, id, PE_ROLE, "只能订阅本部门的案卷");
	} else {
		w = xcalloc(1, sizeof *w);
		w->id = next_watch_id++;
		w->scope = xstrdup(scope);
		w->value = xstrdup(value ? value : "");
		TAILQ_INSERT_TAIL(&c->watches, w, entry);
		client_reply(c, id, json_pack("{s:I, s:s, s:s}", "sub", (json_int_t)w->id,
		    "scope", w->scope, "value", w->value));
	}
	client_done(c);
}

void
cmd_unwatch(struct client *c, uint64_t id, json_t *args)
{
	json_t *sub = json_object_get(args, "sub");
	struct watch *w;

	TAILQ_FOREACH(w, &c->watches, entry) {
		if (json_is_integer(sub) && w->id == (uint64_t)json_integer_value(sub))
			break;
	}
	if (w == NULL) {
		client_error(c, id, PE_NOTFOUND, "没有这个订阅");
	} else {
		TAILQ_REMOVE(&c->watches, w, entry);
		watch_free(w);
		client_reply(c, id, json_pack("{s:b}", "removed", 1));
	}
	client_done(c);
}
