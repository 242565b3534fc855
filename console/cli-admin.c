/*
 * cli-admin.c: operators, departments, the working-time calendar and
 * ping, for people.
 */
#include <stdlib.h>
#include <string.h>

#include "citygrid.h"

static const struct cli_col operator_cols[] = {
	{ "id", "编号", FMT_TEXT, 0 },
	{ "user", "用户", FMT_TEXT, 0 },
	{ "name", "姓名", FMT_TEXT, 0 },
	{ "roles", "角色", FMT_LABEL, 0 },
	{ "department", "部门代码", FMT_TEXT, 0 },
	{ "department_name", "部门", FMT_TEXT, 24 },
	{ "phone", "电话", FMT_TEXT, 0 },
	{ "active", "在用", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col dept_cols[] = {
	{ "id", "编号", FMT_TEXT, 0 },
	{ "code", "代码", FMT_TEXT, 0 },
	{ "name", "名称", FMT_TEXT, 30 },
	{ "kind", "类型", FMT_LABEL, 0 },
	{ "phone", "电话", FMT_TEXT, 0 },
	{ "active", "在用", FMT_TEXT, 0 },
	{ "open_cases", "在办案卷", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col calendar_cols[] = {
	{ "day", "日期", FMT_TEXT, 0 },
	{ "what", "安排", FMT_TEXT, 0 },
	{ "name", "节日", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col deadline_cols[] = {
	{ "deadline", "期限", FMT_TIME, 0 },
	{ "start", "起始", FMT_TIME, 0 },
	{ "limit_text", "时限", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col ping_cols[] = {
	{ "server", "服务器", FMT_TEXT, 0 },
	{ "proto", "协议版本", FMT_TEXT, 0 },
	{ "standard", "代码标准", FMT_TEXT, 0 },
	{ "operator_text", "操作员", FMT_TEXT, 0 },
	{ "roles", "角色", FMT_LABEL, 0 },
	{ "department_name", "部门", FMT_TEXT, 0 },
	{ "database_text", "数据库", FMT_TEXT, 0 },
	{ "clients", "连接数", FMT_TEXT, 0 },
	{ "periods", "工作时段", FMT_TEXT, 0 },
	{ "unpublished_text", "未发布日历", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

void
cli_operator_list_print(json_t *r)
{
	cli_print_table(r, operator_cols);
}

void
cli_operator_print(json_t *r)
{
	cli_print_record(r, operator_cols);
}

static const struct cli_col cradle_cols[] = {
	{ "started_at", "开始", FMT_TIME, 0 },
	{ "ended_at", "结束", FMT_TIME, 0 },
	{ "device", "手持机", FMT_TEXT, 0 },
	{ "collector", "监督员", FMT_TEXT, 0 },
	{ "collector_name", "姓名", FMT_TEXT, 0 },
	{ "reports", "上报", FMT_TEXT, 0 },
	{ "results", "核实核查", FMT_TEXT, 0 },
	{ "photos", "照片", FMT_TEXT, 0 },
	{ "positions", "轨迹点", FMT_TEXT, 0 },
	{ "state", "状态", FMT_TEXT, 30 },
	{ "port", "端口", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

/* The dockings, newest first: the open ones show what is stored so far. */
void
cli_cradle_list_print(json_t *r)
{
	cli_print_table(r, cradle_cols);
}

void
cli_dept_list_print(json_t *r)
{
	cli_print_table(r, dept_cols);
}

void
cli_dept_print(json_t *r)
{
	cli_print_record(r, dept_cols);
}

void
cli_calendar_show_print(json_t *r)
{
	json_t *rows = json_array(), *d, *row;
	size_t i;

	json_array_foreach(r, i, d) {
		row = json_copy(d);
		json_object_set_new(row, "what", json_string(json_is_true(
		    json_object_get(d, "off")) ? "放假" : "调休上班"));
		json_array_append_new(rows, row);
	}
	cli_print_table(rows, calendar_cols);
	json_decref(rows);
}

void
cli_calendar_load_print(json_t *r)
{
	printf("已载入 %s 年的节假日安排, 共 %lld 天\n",
	    json_string_value(json_object_get(r, "year")),
	    (long long)json_integer_value(json_object_get(r, "days")));
}

static void
cli_unpublished_warn(void)
{
	fprintf(stderr, "citygrid: 注意: 这段时间里有年份的节假日安排尚未载入"
	    " (citygrid calendar load), 只按周末计算\n");
}

void
cli_calendar_deadline_print(json_t *r)
{
	json_t *row = json_copy(r);
	char *limit, *text;

	limit = cli_print_cell(json_object_get(r, "limit"), FMT_TEXT);
	xasprintf(&text, "%s %s", limit, json_string_value(json_object_get(r,
	    "unit_label")));
	json_object_set_new(row, "limit_text", json_string(text));
	cli_print_record(row, deadline_cols);
	if (json_is_true(json_object_get(r, "unpublished")))
		cli_unpublished_warn();
	json_decref(row);
	free(limit);
	free(text);
}

/* hello and ping in one flat object. */
static json_t *
cli_ping_flat(json_t *hello, json_t *ping)
{
	json_t *op = json_object_get(hello, "operator");
	json_t *cal = json_object_get(hello, "calendar");
	json_t *flat = json_copy(hello);
	char *text, *years;

	json_object_update(flat, ping);
	xasprintf(&text, "%s (%s)", json_string_value(json_object_get(op, "name")),
	    json_string_value(json_object_get(op, "user")));
	json_object_set_new(flat, "operator_text", json_string(text));
	free(text);
	json_object_set(flat, "roles", json_object_get(op, "roles"));
	json_object_set(flat, "department_name", json_object_get(op, "department_name"));
	json_object_set_new(flat, "database_text", json_string(json_is_true(
	    json_object_get(ping, "database")) ? "正常" : "不可用"));
	json_object_set(flat, "periods", json_object_get(cal, "periods"));
	years = cli_print_cell(json_object_get(cal, "unpublished"), FMT_LIST);
	json_object_set_new(flat, "unpublished_text", json_string(*years ? years : "无"));
	free(years);
	return flat;
}

/* ping, with what hello said: who we are, the calendar's state. */
int
cli_ping_run(struct client *c, const struct cli_entry *e, json_t *args,
    int json)
{
	struct client_error err;
	json_t *result, *out;

	if ((result = client_request(c, e->op, json_incref(args), CLIENT_TIMEOUT,
	    &err)) == NULL) {
		fprintf(stderr, "citygrid: %s\n", err.message);
		return err.exit;
	}
	if (json) {
		out = json_pack("{s:O, s:O}", "hello", client_hello(c), "ping", result);
		cli_print_json(out, 1);
	} else {
		out = cli_ping_flat(client_hello(c), result);
		cli_print_record(out, ping_cols);
	}
	json_decref(out);
	json_decref(result);
	return 0;
}
