/*
 * cmd-admin.c: operators and departments.
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

static const char operator_list_sql[] =
    "SELECT o.id, o.unix_user AS user, o.name, array_to_string(o.roles, ',') AS roles,"
    " d.code AS department, d.name AS department_name, o.phone, o.active"
    " FROM operator o LEFT JOIN department d ON d.id = o.department"
    " ORDER BY o.active DESC, o.unix_user";
static const char operator_add_sql[] =
    "INSERT INTO operator (unix_user, name, roles, department, phone)"
    " VALUES ($1, $2, string_to_array($3, ','),"
    "  (SELECT id FROM department WHERE code = $4 OR id::text = $4), coalesce($5, ''))"
    " RETURNING id, unix_user AS user, name, array_to_string(roles, ',') AS roles";
static const char operator_del_sql[] =
    "UPDATE operator SET active = false WHERE unix_user = $1"
    " RETURNING id, unix_user AS user, name, active";
static const char operator_role_sql[] =
    "UPDATE operator SET roles = string_to_array($2, ','),"
    " department = coalesce((SELECT id FROM department WHERE code = $3 OR id::text = $3), department)"
    " WHERE unix_user = $1"
    " RETURNING id, unix_user AS user, name, array_to_string(roles, ',') AS roles";
static const char dept_list_sql[] =
    "SELECT d.id, d.code, d.name, d.kind, d.street, d.phone, d.active,"
    " (SELECT count(*) FROM cases c JOIN case_state s ON s.state = c.state AND s.open"
    "  WHERE c.department = d.id) AS open_cases"
    " FROM department d ORDER BY d.kind, d.code";
static const char dept_add_sql[] =
    "INSERT INTO department (code, name, kind, phone) VALUES ($1, $2, $3, coalesce($4, ''))"
    " RETURNING id, code, name, kind";

/* Roles as "seat,admin", each checked against the role table. */
static char *
admin_roles(json_t *args, char **cause)
{
	json_t *roles = json_object_get(args, "roles"), *v;
	char *out = NULL, *tmp;
	size_t i;

	if (!json_is_array(roles) || json_array_size(roles) == 0) {
		xasprintf(cause, "须给出角色 (roles): seat, supervisor, dispatcher, dept, admin");
		return NULL;
	}
	json_array_foreach(roles, i, v) {
		if (!json_is_string(v) || role_from_name(json_string_value(v)) == 0 ||
		    role_from_name(json_string_value(v)) == ROLE_COLLECTOR) {
			xasprintf(cause, "未知角色: %s", json_is_string(v) ?
			    json_string_value(v) : "?");
			free(out);
			return NULL;
		}
		xasprintf(&tmp, "%s%s%s", out ? out : "", out ? "," : "",
		    json_string_value(v));
		free(out);
		out = tmp;
	}
	return out;
}

void
cmd_operator_list(struct client *c, uint64_t id, json_t *args)
{
	cmd_query(cmd_req_new(c, id, args), operator_list_sql, 0, NULL, cmd_rows_done);
}

void
cmd_operator_add(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[5];
	char *roles, *cause;

	if (arg_str(args, "user") == NULL || arg_str(args, "name") == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出 Unix 用户名 (user) 和姓名 (name)");
		return;
	}
	if ((roles = admin_roles(args, &cause)) == NULL) {
		cmd_req_error(r, PE_INVALID, "%s", cause);
		free(cause);
		return;
	}
	r->p1 = roles;
	params[0] = arg_str(args, "user");
	params[1] = arg_str(args, "name");
	params[2] = roles;
	params[3] = arg_str(args, "department");
	params[4] = arg_str(args, "phone");
	cmd_query(r, operator_add_sql, 5, params, cmd_row_done);
}

void
cmd_operator_del(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[1];

	if ((params[0] = arg_str(args, "user")) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出 Unix 用户名 (user)");
		return;
	}
	r->p1 = xstrdup(params[0]);
	cmd_query(r, operator_del_sql, 1, params, cmd_row_done);
}

void
cmd_operator_role(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[3];
	char *roles, *cause;

	if ((params[0] = arg_str(args, "user")) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出 Unix 用户名 (user)");
		return;
	}
	if ((roles = admin_roles(args, &cause)) == NULL) {
		cmd_req_error(r, PE_INVALID, "%s", cause);
		free(cause);
		return;
	}
	r->p1 = roles;
	params[1] = roles;
	params[2] = arg_str(args, "department");
	cmd_query(r, operator_role_sql, 3, params, cmd_row_done);
}

void
cmd_dept_list(struct client *c, uint64_t id, json_t *args)
{
	cmd_query(cmd_req_new(c, id, args), dept_list_sql, 0, NULL, cmd_rows_done);
}

void
cmd_dept_add(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[4];

	params[0] = arg_str(args, "code");
	params[1] = arg_str(args, "name");
	params[2] = arg_str(args, "kind") ? arg_str(args, "kind") : "professional";
	params[3] = arg_str(args, "phone");
	if (params[0] == NULL || params[1] == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出部门代码 (code) 和名称 (name)");
		return;
	}
	cmd_query(r, dept_add_sql, 4, params, cmd_row_done);
}
