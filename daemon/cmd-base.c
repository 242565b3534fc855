/*
 * cmd-base.c: base data (基础数据资源管理): import and export of grids,
 * components and addresses, component census edits and history, grid
 * split and merge.  The work is in SQL (schema/025-027); each operation
 * here is one statement, so one transaction.
 *
 * An import is a session: import.begin, then import.rows with bounded
 * batches of GeoJSON features (a frame is at most 1 MiB), then
 * import.finish, which validates the staged features against the state
 * the database would have afterwards, reports, and applies them unless
 * it is a dry run or something is wrong.  citygrid-data(7) says why.
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

static const char import_begin_sql[] =
    "SELECT cg_import_begin($1, $2::jsonb, $3::integer) AS v";
static const char import_rows_sql[] =
    "SELECT cg_import_stage($1::bigint, $2::integer, $3::jsonb, $4::integer) AS v";
static const char import_finish_sql[] =
    "SELECT cg_import_run($1::bigint, $2::boolean, $3::integer, $4) AS v";
static const char import_abort_sql[] =
    "SELECT coalesce(cg_import_abort($1::bigint, $2::integer), false) AS v";
static const char export_page_sql[] =
    "SELECT cg_export_page($1, $2, coalesce($3::boolean, false), $4, $5::integer) AS v";
static const char grid_split_sql[] =
    "SELECT cg_grid_split_by($1, $2, $3::float8, $4::float8, $5::integer, $6, $7) AS v";
static const char grid_merge_sql[] =
    "SELECT cg_grid_merge(ARRAY(SELECT jsonb_array_elements_text($1::jsonb)), $2,"
    " $3::integer, $4, $5) AS v";
static const char grid_history_sql[] =
    "SELECT cg_grid_history($1) AS v";
static const char component_edit_sql[] =
    "SELECT cg_component_edit($1, $2::jsonb, $3::integer, $4) AS v";
static const char component_history_sql[] =
    "SELECT cg_component_history($1) AS v";

static const char *const base_kinds[] = { "grid", "component", "address", NULL };

/* Reply with the one value "v"; NULL is E_NOTFOUND naming r->p1. */
static void
base_value_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;
	json_t *rows, *v;

	if (cmd_failed(r, res, err))
		return;
	rows = db_result_json(res);
	v = json_object_get(json_array_get(rows, 0), "v");
	if (v == NULL || json_is_null(v)) {
		json_decref(rows);
		cmd_req_error(r, PE_NOTFOUND, "%s 不存在", r->p1 ? r->p1 : "");
		return;
	}
	json_incref(v);
	json_decref(rows);
	cmd_req_reply(r, v);
}

static const char *
base_kind(json_t *args)
{
	const char *kind = arg_str(args, "kind");
	int i;

	for (i = 0; kind != NULL && base_kinds[i] != NULL; i++) {
		if (strcmp(kind, base_kinds[i]) == 0)
			return kind;
	}
	return NULL;
}

static const char *
base_actor(struct cmd_req *r, char *buf, size_t len)
{
	snprintf(buf, len, "%d", r->c->op->id);
	return buf;
}

/* The import's options: a field map of strings, flags, texts. */
static char *
base_import_options(json_t *args, char **cause)
{
	static const char *const flags[] = { "retire_missing", "repair", "allow_gaps", NULL };
	static const char *const texts[] = { "within", "reason", "source", NULL };
	json_t *o = json_object(), *map = json_object_get(args, "map"), *v;
	const char *k;
	char *s;
	int i;

	if (map != NULL && !json_is_object(map)) {
		xasprintf(cause, "map 须为对象: {\"目标字段\": \"文件中的字段\"}");
		goto fail;
	}
	json_object_foreach(map, k, v) {
		if (!json_is_string(v)) {
			xasprintf(cause, "map 的 %s 须为文件中的字段名", k);
			goto fail;
		}
	}
	if (map != NULL)
		json_object_set(o, "map", map);
	for (i = 0; flags[i] != NULL; i++) {
		if ((v = json_object_get(args, flags[i])) == NULL)
			continue;
		if (!json_is_boolean(v)) {
			xasprintf(cause, "%s 须为 true 或 false", flags[i]);
			goto fail;
		}
		json_object_set(o, flags[i], v);
	}
	for (i = 0; texts[i] != NULL; i++) {
		if (arg_str(args, texts[i]) != NULL)
			json_object_set(o, texts[i], json_object_get(args, texts[i]));
	}
	s = json_dumps(o, JSON_COMPACT);
	json_decref(o);
	return s;
fail:
	json_decref(o);
	return NULL;
}

void
cmd_import_begin(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[3];
	char actor[16], *cause;

	if ((params[0] = base_kind(args)) == NULL) {
		cmd_req_error(r, PE_INVALID, "kind 须为 grid, component 或 address");
		return;
	}
	if ((r->p1 = base_import_options(args, &cause)) == NULL) {
		cmd_req_error(r, PE_INVALID, "%s", cause);
		free(cause);
		return;
	}
	params[1] = r->p1;
	params[2] = base_actor(r, actor, sizeof actor);
	log_info("client %llu (%s): import %s begins", (unsigned long long)c->id, c->user,
	    params[0]);
	cmd_query(r, import_begin_sql, 3, params, base_value_done);
}

void
cmd_import_rows(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	json_t *features = json_object_get(args, "features");
	const char *params[4];
	char session[32], first[32], actor[16];

	if (arg_num(args, "session", session, sizeof session) == NULL ||
	    arg_num(args, "first", first, sizeof first) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出导入会话 (session) 和首个要素的序号 (first)");
		return;
	}
	if (!json_is_array(features)) {
		cmd_req_error(r, PE_INVALID, "features 须为 GeoJSON 要素的数组");
		return;
	}
	r->p1 = json_dumps(features, JSON_COMPACT);
	params[0] = session;
	params[1] = first;
	params[2] = r->p1;
	params[3] = base_actor(r, actor, sizeof actor);
	cmd_query(r, import_rows_sql, 4, params, base_value_done);
}

static void
base_finish_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;
	const char *v;

	if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		v = PQgetvalue(res, 0, 0);
		log_info("client %llu (%s): import session %s: %.300s",
		    (unsigned long long)r->c->id, r->c->user, r->p1, v);
	}
	base_value_done(res, err, arg);
}

void
cmd_import_finish(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	json_t *dry = json_object_get(args, "dry_run");
	const char *params[4];
	char session[32], actor[16];

	if (arg_num(args, "session", session, sizeof session) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出导入会话 (session)");
		return;
	}
	if (dry != NULL && !json_is_boolean(dry)) {
		cmd_req_error(r, PE_INVALID, "dry_run 须为 true 或 false");
		return;
	}
	r->p1 = xstrdup(session);
	params[0] = session;
	params[1] = json_is_true(dry) ? "true" : "false";
	params[2] = base_actor(r, actor, sizeof actor);
	params[3] = c->op->name;
	cmd_query(r, import_finish_sql, 4, params, base_finish_done);
}

void
cmd_import_abort(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[2];
	char session[32], actor[16];

	if (arg_num(args, "session", session, sizeof session) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出导入会话 (session)");
		return;
	}
	params[0] = session;
	params[1] = base_actor(r, actor, sizeof actor);
	cmd_query(r, import_abort_sql, 2, params, base_value_done);
}

void
cmd_export_page(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	json_t *retired = json_object_get(args, "retired");
	const char *params[5];
	char limit[32];

	if ((params[0] = base_kind(args)) == NULL) {
		cmd_req_error(r, PE_INVALID, "kind 须为 grid, component 或 address");
		return;
	}
	params[1] = arg_str(args, "within");
	params[2] = json_is_true(retired) ? "true" : "false";
	params[3] = arg_str(args, "after");
	params[4] = arg_num(args, "limit", limit, sizeof limit);
	cmd_query(r, export_page_sql, 5, params, base_value_done);
}

void
cmd_grid_split(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[7];
	char lon[32], lat[32], actor[16];

	if ((params[0] = arg_str(args, "code")) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出网格编码 (code)");
		return;
	}
	r->p1 = xstrdup(params[0]);
	params[1] = arg_str(args, "line");
	params[2] = arg_num(args, "lon", lon, sizeof lon);
	params[3] = arg_num(args, "lat", lat, sizeof lat);
	params[4] = base_actor(r, actor, sizeof actor);
	params[5] = c->op->name;
	params[6] = arg_str(args, "reason");
	cmd_query(r, grid_split_sql, 7, params, base_value_done);
}

void
cmd_grid_merge(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	json_t *codes = json_object_get(args, "codes"), *v;
	const char *params[5];
	char actor[16];
	size_t i;

	if (!json_is_array(codes) || json_array_size(codes) < 2) {
		cmd_req_error(r, PE_INVALID, "须给出至少两个网格编码 (codes)");
		return;
	}
	json_array_foreach(codes, i, v) {
		if (!json_is_string(v)) {
			cmd_req_error(r, PE_INVALID, "codes 须为网格编码的数组");
			return;
		}
	}
	r->p1 = json_dumps(codes, JSON_COMPACT);
	params[0] = r->p1;
	params[1] = arg_str(args, "area_class");
	params[2] = base_actor(r, actor, sizeof actor);
	params[3] = c->op->name;
	params[4] = arg_str(args, "reason");
	cmd_query(r, grid_merge_sql, 5, params, base_value_done);
}

void
cmd_grid_history(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[1];

	if ((params[0] = arg_str(args, "code")) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出网格编码 (code)");
		return;
	}
	xasprintf(&r->p1, "网格 %s", params[0]);
	cmd_query(r, grid_history_sql, 1, params, base_value_done);
}

void
cmd_component_history(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[1];

	if ((params[0] = arg_str(args, "id")) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出部件标识码 (id)");
		return;
	}
	xasprintf(&r->p1, "部件 %s", params[0]);
	cmd_query(r, component_history_sql, 1, params, base_value_done);
}

/* component.add, .move, .owner, .retire: the op's last word is the change. */
static void
base_component_edit(struct client *c, uint64_t id, json_t *args, const char *change)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[4];
	char actor[16];

	if (arg_str(args, "id") == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出部件标识码 (id)");
		return;
	}
	r->p1 = json_dumps(args, JSON_COMPACT);
	params[0] = change;
	params[1] = r->p1;
	params[2] = base_actor(r, actor, sizeof actor);
	params[3] = c->op->name;
	cmd_query(r, component_edit_sql, 4, params, base_value_done);
}

void
cmd_component_add(struct client *c, uint64_t id, json_t *args)
{
	base_component_edit(c, id, args, "add");
}

void
cmd_component_move(struct client *c, uint64_t id, json_t *args)
{
	base_component_edit(c, id, args, "move");
}

void
cmd_component_owner(struct client *c, uint64_t id, json_t *args)
{
	base_component_edit(c, id, args, "owner");
}

void
cmd_component_retire(struct client *c, uint64_t id, json_t *args)
{
	base_component_edit(c, id, args, "retire");
}
