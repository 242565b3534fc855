/*
 * operator.c: operators and their roles.
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

static const struct role_entry {
	int		 role;
	const char	*name;		/* in the database and the protocol */
	const char	*label;		/* what operators read */
} role_table[] = {
	{ ROLE_SEAT, "seat", "受理员" },
	{ ROLE_SUPERVISOR, "supervisor", "值班长" },
	{ ROLE_DISPATCHER, "dispatcher", "派遣员" },
	{ ROLE_DEPT, "dept", "专业部门" },
	{ ROLE_ADMIN, "admin", "系统管理员" },
	{ ROLE_COLLECTOR, "collector", "监督员" },
};
#define NROLES (sizeof role_table / sizeof role_table[0])

int
role_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < NROLES; i++) {
		if (strcmp(role_table[i].name, name) == 0)
			return role_table[i].role;
	}
	return 0;
}

const char *
role_name(int role)
{
	size_t i;

	for (i = 0; i < NROLES; i++) {
		if (role_table[i].role == role)
			return role_table[i].name;
	}
	return "?";
}

const char *
role_label(int role)
{
	size_t i;

	for (i = 0; i < NROLES; i++) {
		if (role_table[i].role == role)
			return role_table[i].label;
	}
	return "?";
}

/* The roles of a mask, as an array of names. */
json_t *
role_list(int roles)
{
	json_t *a = json_array();
	size_t i;

	for (i = 0; i < NROLES; i++) {
		if (roles & role_table[i].role)
			json_array_append_new(a, json_string(role_table[i].name));
	}
	return a;
}

/* The labels of a mask, for messages: 受理员、值班长. */
char *
role_labels(int roles)
{
	char *out = NULL, *tmp;
	size_t i;

	for (i = 0; i < NROLES; i++) {
		if ((roles & role_table[i].role) == 0)
			continue;
		xasprintf(&tmp, "%s%s%s", out ? out : "", out ? "、" : "",
		    role_table[i].label);
		free(out);
		out = tmp;
	}
	return out ? out : xstrdup("无");
}

/* Parse a PostgreSQL text[] of role names: {seat,admin}. */
static int
operator_roles(const char *s)
{
	char *copy, *p, *tok, *save;
	int roles = 0;

	copy = xstrdup(s);
	p = copy;
	if (*p == '{')
		p++;
	p[strcspn(p, "}")] = '\0';
	for (tok = strtok_r(p, ",", &save); tok != NULL;
	    tok = strtok_r(NULL, ",", &save))
		roles |= role_from_name(tok);
	free(copy);
	return roles;
}

/* Columns: id, unix_user, name, roles, department (0 for none), its name, its code. */
struct operator *
operator_from_row(PGresult *res, int row)
{
	struct operator *o;

	o = xcalloc(1, sizeof *o);
	o->id = atoi(PQgetvalue(res, row, 0));
	o->user = xstrdup(PQgetvalue(res, row, 1));
	o->name = xstrdup(PQgetvalue(res, row, 2));
	o->roles = operator_roles(PQgetvalue(res, row, 3));
	o->department = atoi(PQgetvalue(res, row, 4));
	o->dept_name = xstrdup(PQgetvalue(res, row, 5));
	o->dept_code = xstrdup(PQgetvalue(res, row, 6));
	return o;
}

void
operator_free(struct operator *o)
{
	if (o == NULL)
		return;
	free(o->user);
	free(o->name);
	free(o->dept_name);
	free(o->dept_code);
	free(o);
}

json_t *
operator_json(const struct operator *o)
{
	return json_pack("{s:i, s:s, s:s, s:o, s:o, s:s, s:s}", "id", o->id,
	    "user", o->user, "name", o->name, "roles", role_list(o->roles),
	    "department", o->department ? json_integer(o->department) : json_null(),
	    "department_name", o->dept_name, "department_code", o->dept_code);
}
