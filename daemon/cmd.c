/*
 * cmd.c: the table of protocol operations and what every one of them
 * shares: the hello gate, role checks, asynchronous requests that hold
 * their client, and database errors turned into protocol errors.
 * Workflow steps (case.file, case.dispatch ...) are not listed here:
 * their roles come from the transition table in workflow.c.
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

static void	cmd_hello(struct client *, uint64_t, json_t *);
static void	cmd_ping(struct client *, uint64_t, json_t *);
static void	cmd_help(struct client *, uint64_t, json_t *);

const struct cmd_entry cmd_table[] = {
	{ "hello", 0, cmd_hello, "开始会话, 协商协议版本" },
	{ "ping", 0, cmd_ping, "测试连接" },
	{ "help", 0, cmd_help, "列出可用操作" },
	{ "watch", 0, cmd_watch, "订阅推送: all|role|department|grid|case" },
	{ "unwatch", 0, cmd_unwatch, "取消订阅" },
	{ "case.new", ROLE_SEAT | ROLE_SUPERVISOR | ROLE_COLLECTOR, cmd_case_new, "登记新案卷" },
	{ "case.show", 0, cmd_case_show, "案卷详情" },
	{ "case.list", 0, cmd_case_list, "案卷列表" },
	{ "case.log", 0, cmd_case_log, "案卷日志" },
	{ "geo.search", 0, cmd_geo_search, "按地址、兴趣点、拼音首字母或代码查找位置" },
	{ "geo.at", 0, cmd_geo_at, "某点所在的网格、社区、街道, 最近的地址和道路" },
	{ "geo.code", 0, cmd_geo_code, "部件标识码、网格、地址或区划代码所指的位置" },
	{ "geo.outline", 0, cmd_geo_outline, "区划和网格的轮廓 (GeoJSON), 供地图使用" },
	{ "class.list", 0, cmd_class_list, "部件和事件类别, 带默认部门和时限" },
	{ "cradle.list", ROLE_SEAT | ROLE_SUPERVISOR | ROLE_ADMIN, cmd_cradle_list,
	  "手持机的上传下载记录 (底座)" },
	{ "media.put", 0, cmd_media_put, "上传照片的一块 (可断点续传)" },
	{ "media.get", 0, cmd_media_get, "读取照片的一块" },
	{ "rank.departments", 0, cmd_rank_departments, "当日各部门处置排名 (按时处置率)" },
	{ "eval.indicators", ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_DEPT, cmd_eval_indicators, "评价指标: 对象、期间" },
	{ "eval.scores", ROLE_SUPERVISOR | ROLE_ADMIN | ROLE_DEPT, cmd_eval_scores, "综合指标值和等级: 对象、期间" },
	{ "report.count", ROLE_SUPERVISOR | ROLE_ADMIN, cmd_report_count, "时段内的案卷数, 按来源、类别、网格、部件或区划, 与上一时段比较" },
	{ "report.trend", ROLE_SUPERVISOR | ROLE_ADMIN, cmd_report_trend,
	  "时段内逐日的上报、立案、结案, 及期初至当日的结案率、按期结案率" },
	{ "task.list", ROLE_SEAT | ROLE_SUPERVISOR | ROLE_ADMIN, cmd_task_list, "核实/核查任务列表" },
	{ "operator.add", ROLE_ADMIN, cmd_operator_add, "添加操作员" },
	{ "operator.list", ROLE_ADMIN | ROLE_SUPERVISOR, cmd_operator_list, "操作员列表" },
	{ "operator.del", ROLE_ADMIN, cmd_operator_del, "停用操作员" },
	{ "operator.role", ROLE_ADMIN, cmd_operator_role, "设置操作员角色" },
	{ "dept.add", ROLE_ADMIN, cmd_dept_add, "添加部门" },
	{ "dept.list", 0, cmd_dept_list, "部门列表" },
	{ "import.begin", ROLE_ADMIN, cmd_import_begin, "开始导入基础数据 (网格、部件、地址)" },
	{ "import.rows", ROLE_ADMIN, cmd_import_rows, "上传一批要导入的要素" },
	{ "import.finish", ROLE_ADMIN, cmd_import_finish, "校验并导入 (或只报告变化)" },
	{ "import.abort", ROLE_ADMIN, cmd_import_abort, "放弃导入" },
	{ "export.page", ROLE_ADMIN, cmd_export_page, "导出基础数据的一页 (GeoJSON 要素)" },
	{ "grid.split", ROLE_ADMIN, cmd_grid_split, "拆分网格" },
	{ "grid.merge", ROLE_ADMIN, cmd_grid_merge, "合并网格" },
	{ "grid.history", 0, cmd_grid_history, "网格的版本和拆分、合并记录" },
	{ "component.history", 0, cmd_component_history, "部件的版本记录" },
	{ "component.add", ROLE_ADMIN, cmd_component_add, "新增部件" },
	{ "component.move", ROLE_ADMIN, cmd_component_move, "移动部件" },
	{ "component.owner", ROLE_ADMIN, cmd_component_owner, "变更部件的主管、权属、养护部门" },
	{ "component.retire", ROLE_ADMIN, cmd_component_retire, "撤销部件" },
	{ "calendar.show", 0, cmd_calendar_show, "工作日历" },
	{ "calendar.load", ROLE_ADMIN, cmd_calendar_load, "载入一年的节假日" },
	{ "calendar.deadline", 0, cmd_calendar_deadline, "计算期限" },
	{ NULL, 0, NULL, NULL }
};

const struct cmd_entry *
cmd_find(const char *op)
{
	const struct cmd_entry *e;

	for (e = cmd_table; e->op != NULL; e++) {
		if (strcmp(e->op, op) == 0)
			return e;
	}
	return NULL;
}

/* Does the operator hold one of the roles?  Answers E_ROLE if not. */
int
cmd_allowed(struct client *c, uint64_t id, int roles, const char *what)
{
	char *names;

	if (roles == 0 || (c->op->roles & roles) != 0)
		return 1;
	names = role_labels(roles);
	client_error(c, id, PE_ROLE, "%s(%s) 无权%s, 需要角色: %s", c->op->name,
	    c->user, what, names);
	free(names);
	client_done(c);
	return 0;
}

void
cmd_dispatch(struct client *c, uint64_t id, const char *op, json_t *args)
{
	const struct cmd_entry *e;

	if (args == NULL)
		args = json_object();
	else
		json_incref(args);
	if (c->proto == 0 && strcmp(op, "hello") != 0) {
		client_error(c, id, PE_PROTO, "须先发送 hello");
		client_done(c);
		goto out;
	}
	if (strncmp(op, "case.", 5) == 0 && workflow_action(op + 5) != NULL) {
		workflow_request(c, id, op + 5, args);
		goto out;
	}
	if ((e = cmd_find(op)) == NULL) {
		client_error(c, id, PE_UNKNOWN_OP, "未知操作: %s", op);
		client_done(c);
		goto out;
	}
	if (c->op != NULL && !cmd_allowed(c, id, e->roles, e->help))
		goto out;
	e->exec(c, id, args);
out:
	json_decref(args);
}

/* An asynchronous request: holds a reference on its client. */
struct cmd_req *
cmd_req_new(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r;

	r = xcalloc(1, sizeof *r);
	client_ref(c);
	r->c = c;
	r->id = id;
	r->args = json_incref(args);
	return r;
}

void
cmd_req_free(struct cmd_req *r)
{
	client_done(r->c);
	client_unref(r->c);
	json_decref(r->args);
	json_decref(r->data);
	free(r->p1);
	free(r);
}

/* Answer and free. */
void
cmd_req_reply(struct cmd_req *r, json_t *result)
{
	if (!r->c->dead)
		client_reply(r->c, r->id, result);
	else
		json_decref(result);
	cmd_req_free(r);
}

void
cmd_req_error(struct cmd_req *r, enum proto_error code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	if (!r->c->dead)
		client_error(r->c, r->id, code, "%s", msg);
	cmd_req_free(r);
}

/* Run a query for a request; if the database is down, answer E_DB now. */
void
cmd_query(struct cmd_req *r, const char *sql, int n, const char *const *params,
    db_cb cb)
{
	if (db_query(sql, n, params, cb, r) != 0)
		cmd_req_error(r, PE_DB, "数据库不可用, 操作未执行, 请稍后重试");
}

/*
 * The message of a failed query for an operator: our own functions and
 * triggers raise Chinese text, taken as it is; PostgreSQL's own errors
 * are named by their constraint.
 */
const char *
cmd_error_text(PGresult *res, char *buf, size_t len)
{
	static const struct {
		const char	*constraint;
		const char	*what;
	} names[] = {
		{ "operator_unix_user_key", "操作员 Unix 用户名" },
		{ "department_code_key", "部门代码" },
		{ "department_name_key", "部门名称" },
		{ "cases_client_ref_key", "请求编号 client_ref" },
		{ "operator_department_fkey", "部门" },
		{ "operator_roles_check", "角色" },
		{ "operator_unix_user_check", "Unix 用户名格式" },
		{ "department_code_check", "部门代码格式 (字母、数字、_-)" },
		{ "department_kind_check", "部门类型 (professional, street, center, unit)" },
		{ "operator_dept_role", "专业部门角色须指定部门" },
	};
	const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	const char *con = PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME);
	const char *what = con, *p;
	size_t i;

	if (msg == NULL)
		msg = PQresultErrorMessage(res);
	for (p = msg; *p != '\0'; p++) {
		if ((unsigned char)*p >= 0x80)
			return msg;	/* ours, already for people */
	}
	for (i = 0; con != NULL && i < sizeof names / sizeof names[0]; i++) {
		if (strcmp(names[i].constraint, con) == 0)
			what = names[i].what;
	}
	if (state == NULL)
		state = "";
	if (strcmp(state, "23505") == 0)
		snprintf(buf, len, "%s 已存在", what ? what : "数据");
	else if (strcmp(state, "23503") == 0)
		snprintf(buf, len, "引用的%s不存在", what ? what : "对象");
	else if (strcmp(state, "23514") == 0 || strcmp(state, "23502") == 0)
		snprintf(buf, len, "不符合规则: %s", what ? what : msg);
	else if (strncmp(state, "22", 2) == 0)
		snprintf(buf, len, "数据格式错误: %s", msg);
	else
		return msg;
	return buf;
}

/*
 * Did the query fail?  If so answer with the matching protocol error
 * and free the request.  Our own SQLSTATEs come from 006-workflow.sql.
 */
int
cmd_failed(struct cmd_req *r, PGresult *res, const char *err)
{
	static const struct {
		const char		*prefix;
		enum proto_error	 code;
	} map[] = {
		{ "CGNOT", PE_NOTFOUND }, { "CGSTA", PE_STATE },
		{ "CGCNF", PE_CONFLICT }, { "CGINV", PE_INVALID },
		{ "23", PE_INVALID }, { "22", PE_INVALID }, { "P0001", PE_INVALID },
		{ "08", PE_DB }, { "57", PE_DB }, { "40", PE_CONFLICT },
	};
	const char *state, *msg;
	char text[512];
	size_t i;

	if (res == NULL) {
		cmd_req_error(r, PE_DB, "%s", err);
		return 1;
	}
	switch (PQresultStatus(res)) {
	case PGRES_TUPLES_OK:
	case PGRES_COMMAND_OK:
		return 0;
	default:
		break;
	}
	state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	msg = cmd_error_text(res, text, sizeof text);
	if (state == NULL)
		state = "";
	for (i = 0; i < sizeof map / sizeof map[0]; i++) {
		if (strncmp(state, map[i].prefix, strlen(map[i].prefix)) == 0) {
			cmd_req_error(r, map[i].code, "%s", msg);
			return 1;
		}
	}
	log_error("client %llu (%s): query failed: %s %s",
	    (unsigned long long)r->c->id, r->c->user, state, msg);
	cmd_req_error(r, PE_INTERNAL, "内部错误 (%s): %s", state, msg);
	return 1;
}

/* Helpers to read arguments. */
const char *
arg_str(json_t *args, const char *key)
{
	json_t *v = json_object_get(args, key);

	return json_is_string(v) ? json_string_value(v) : NULL;
}

/* An integer argument as text for a query parameter, or NULL. */
const char *
arg_num(json_t *args, const char *key, char *buf, size_t len)
{
	json_t *v = json_object_get(args, key);

	if (json_is_integer(v)) {
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
		return buf;
	}
	if (json_is_real(v)) {
		snprintf(buf, len, "%.6f", json_real_value(v));
		return buf;
	}
	if (json_is_string(v))
		return json_string_value(v);
	return NULL;
}

static void
cmd_hello_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;
	struct client *c = r->c;

	client_ref(c);
	if (cmd_failed(r, res, err))
		goto out;
	if (c->dead) {
		cmd_req_free(r);
		goto out;
	}
	if (PQntuples(res) != 1) {
		log_warn("client %llu: refused: Unix user %s is not an operator",
		    (unsigned long long)c->id, c->user);
		client_error(c, r->id, PE_AUTH, "Unix 用户 %s 不是 citygrid 操作员",
		    c->user);
		cmd_req_free(r);
		c->inflight = -1;	/* close once the answer is written */
		goto out;
	}
	c->op = operator_from_row(res, 0);
	c->proto = (int)json_integer_value(r->data);
	log_info("client %llu: %s (%s) connected, roles %d", (unsigned long long)c->id,
	    c->op->user, c->op->name, c->op->roles);
	cmd_req_reply(r, json_pack("{s:i, s:s, s:s, s:o, s:b, s:o}",
	    "proto", c->proto, "server", "citygridd " CG_VERSION,
	    "standard", cfg.standard, "operator", operator_json(c->op),
	    "database", db_available(), "calendar", calendar_status()));
out:
	client_resume(c);	/* requests sent after hello were held */
	client_unref(c);
}

static void
cmd_hello(struct client *c, uint64_t id, json_t *args)
{
	static const char sql[] =
	    "SELECT o.id, o.unix_user, o.name, o.roles, coalesce(o.department, 0),"
	    " coalesce(d.name, ''), coalesce(d.code, '') FROM operator o"
	    " LEFT JOIN department d ON d.id = o.department"
	    " WHERE o.unix_user = $1 AND o.active";
	json_t *jp = json_object_get(args, "proto");
	struct cmd_req *r;
	const char *params[1];
	int proto;

	if (c->proto != 0) {
		client_error(c, id, PE_PROTO, "会话已开始");
		client_done(c);
		return;
	}
	if (!json_is_integer(jp)) {
		client_error(c, id, PE_PROTO, "hello 须给出 proto (整数)");
		client_done(c);
		return;
	}
	proto = (int)json_integer_value(jp);
	if (proto < PROTO_VERSION_MIN) {
		client_error(c, id, PE_PROTO, "协议版本 %d 过旧, 服务器支持 %d-%d",
		    proto, PROTO_VERSION_MIN, PROTO_VERSION);
		client_done(c);
		return;
	}
	if (proto > PROTO_VERSION)
		proto = PROTO_VERSION;
	r = cmd_req_new(c, id, args);
	r->data = json_integer(proto);
	c->hello_pending = 1;
	params[0] = c->user;
	cmd_query(r, sql, 1, params, cmd_hello_done);
}

static void
cmd_ping(struct client *c, uint64_t id, json_t *args)
{
	client_reply(c, id, json_pack("{s:b, s:I}", "database", db_available(),
	    "clients", (json_int_t)server_client_count()));
	client_done(c);
}

/* The operations this operator may use, from the same tables. */
static void
cmd_help(struct client *c, uint64_t id, json_t *args)
{
	const struct cmd_entry *e;
	json_t *ops = json_array();

	for (e = cmd_table; e->op != NULL; e++) {
		if (e->roles == 0 || (c->op->roles & e->roles))
			json_array_append_new(ops, json_pack("{s:s, s:s}",
			    "op", e->op, "help", e->help));
	}
	workflow_help(c->op->roles, ops);
	client_reply(c, id, ops);
	client_done(c);
}

/* Reply with all rows of a query. */
void
cmd_rows_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;

	if (cmd_failed(r, res, err))
		return;
	cmd_req_reply(r, db_result_json(res));
}

/* Reply with the first row of a query, or E_NOTFOUND naming r->p1. */
void
cmd_row_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;
	json_t *rows;

	if (cmd_failed(r, res, err))
		return;
	if (PQntuples(res) == 0) {
		cmd_req_error(r, PE_NOTFOUND, "%s 不存在", r->p1 ? r->p1 : "");
		return;
	}
	rows = db_result_json(res);
	cmd_req_reply(r, json_incref(json_array_get(rows, 0)));
	json_decref(rows);
}
