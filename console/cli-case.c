/*
 * cli-case.c: cases and tasks for people.  "case show" prints every
 * field, the timed stages with their deadlines, the tasks and the log
 * as a timeline.  Rows are copied and given a few columns made for
 * reading (a limit with its unit, a stage's standing, an action's name)
 * so that the generic table printer can show them.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citygrid.h"

static const struct cli_col case_show_cols[] = {
	{ "case_no", "案卷编号", FMT_TEXT, 0 },
	{ "state_name", "状态", FMT_TEXT, 0 },
	{ "state", "状态代码", FMT_TEXT, 0 },
	{ "row_version", "版本", FMT_TEXT, 0 },
	{ "id", "内部编号", FMT_TEXT, 0 },
	{ "actions_text", "可办理", FMT_TEXT, 0 },
	{ "standard", "代码标准", FMT_TEXT, 0 },
	{ "kind", "类型", FMT_LABEL, 0 },
	{ "class_code", "类别代码", FMT_TEXT, 0 },
	{ "major_name", "大类", FMT_TEXT, 0 },
	{ "class_name", "小类", FMT_TEXT, 0 },
	{ "source", "来源", FMT_LABEL, 0 },
	{ "urgent", "紧急", FMT_TEXT, 0 },
	{ "description", "问题描述", FMT_TEXT, 0 },
	{ "address", "地址", FMT_TEXT, 0 },
	{ "lon", "经度", FMT_TEXT, 0 },
	{ "lat", "纬度", FMT_TEXT, 0 },
	{ "grid", "单元网格", FMT_TEXT, 0 },
	{ "area_class", "区域类别", FMT_TEXT, 0 },
	{ "community_name", "社区", FMT_TEXT, 0 },
	{ "street_name", "街道", FMT_TEXT, 0 },
	{ "component", "部件", FMT_TEXT, 0 },
	{ "reporter_name", "举报人", FMT_TEXT, 0 },
	{ "reporter_phone", "举报电话", FMT_TEXT, 0 },
	{ "collector_name", "监督员", FMT_TEXT, 0 },
	{ "department_name", "处置部门", FMT_TEXT, 0 },
	{ "department", "部门编号", FMT_TEXT, 0 },
	{ "condition_code", "立案条件代码", FMT_TEXT, 0 },
	{ "condition", "立案条件", FMT_TEXT, 0 },
	{ "closing_condition", "结案条件", FMT_TEXT, 0 },
	{ "found_at", "发现时间", FMT_TEXT, 0 },
	{ "created_at", "登记时间", FMT_TEXT, 0 },
	{ "updated_at", "更新时间", FMT_TEXT, 0 },
	{ "likely_duplicate", "疑似重复", FMT_TEXT, 0 },
	{ "duplicate_of", "合并到", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col stage_cols[] = {
	{ "stage", "阶段", FMT_LABEL, 0 },
	{ "limit_text", "时限", FMT_TEXT, 0 },
	{ "started_at", "开始", FMT_TIME, 0 },
	{ "warn_at", "预警", FMT_TIME, 0 },
	{ "deadline", "期限", FMT_TIME, 0 },
	{ "ended_at", "结束", FMT_TIME, 0 },
	{ "standing", "情况", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col task_cols[] = {
	{ "id", "编号", FMT_TEXT, 0 },
	{ "kind", "类型", FMT_LABEL, 0 },
	{ "case_no", "案卷", FMT_TEXT, 0 },
	{ "grid", "网格", FMT_TEXT, 0 },
	{ "collector_name", "监督员", FMT_TEXT, 12 },
	{ "state", "状态", FMT_LABEL, 0 },
	{ "result", "结果", FMT_LABEL, 0 },
	{ "note", "说明", FMT_TEXT, 30 },
	{ "sent", "派发", FMT_TEXT, 0 },
	{ "due_at", "期限", FMT_TIME, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col case_task_cols[] = {
	{ "id", "编号", FMT_TEXT, 0 },
	{ "kind", "类型", FMT_LABEL, 0 },
	{ "collector_name", "监督员", FMT_TEXT, 12 },
	{ "state", "状态", FMT_LABEL, 0 },
	{ "result", "结果", FMT_LABEL, 0 },
	{ "note", "说明", FMT_TEXT, 30 },
	{ "due_at", "期限", FMT_TIME, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col log_cols[] = {
	{ "at", "时间", FMT_TEXT, 0 },
	{ "actor", "操作人", FMT_TEXT, 12 },
	{ "action_label", "操作", FMT_TEXT, 0 },
	{ "to_name", "状态", FMT_TEXT, 0 },
	{ "department", "部门", FMT_TEXT, 24 },
	{ "reason", "原因、说明", FMT_TEXT, 60 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col case_list_cols[] = {
	{ "case_no", "案卷编号", FMT_TEXT, 0 },
	{ "state_name", "状态", FMT_TEXT, 0 },
	{ "urgent", "紧急", FMT_TEXT, 0 },
	{ "class_name", "类别", FMT_TEXT, 12 },
	{ "department_name", "处置部门", FMT_TEXT, 16 },
	{ "stage", "阶段", FMT_LABEL, 0 },
	{ "deadline", "期限", FMT_TIME, 0 },
	{ "created", "登记", FMT_TEXT, 0 },
	{ "description", "问题描述", FMT_TEXT, 30 },
	{ NULL, NULL, 0, 0 }
};


/* What a log action is called: 派遣, 上报 ... */
const char *
cli_case_action_label(const char *action)
{
	const struct cli_entry *e;
	char op[64];

	if (strcmp(action, "report") == 0)
		return "上报";
	if (strcmp(action, "regrid") == 0)	/* its grid split or merged (cg_regrid) */
		return "网格调整";
	if (strcmp(action, "attach") == 0)	/* a handheld's photos (cradle) */
		return "上报照片";
	if (strcmp(action, "regrid") == 0)	/* a grid split or merged */
		return "网格调整";
	snprintf(op, sizeof op, "case.%s", action);
	return (e = cli_find_op(op)) != NULL ? e->label : action;
}

void
cli_case_new_print(json_t *r)
{
	const char *dup = jstr(r, "likely_duplicate");

	if (json_is_false(json_object_get(r, "created")))
		printf("案卷 %s 已登记过 (同一 --client-ref), 未重复登记\n",
		    jstr(r, "case_no"));
	else
		printf("已登记案卷 %s\n", jstr(r, "case_no"));
	if (*dup != '\0')
		printf("注意: 可能与案卷 %s 重复 (24 小时内 50 米内的同类案卷),"
		    " 核对后可合并: citygrid case merge %s --duplicate-of %s\n",
		    dup, jstr(r, "case_no"), dup);
}

void
cli_case_step_print(json_t *r)
{
	printf("案卷 %s: %s完成, 状态 %s, 版本 %lld\n", jstr(r, "case"),
	    jstr(r, "label"), jstr(r, "state"),
	    (long long)json_integer_value(json_object_get(r, "row_version")));
}

/* The actions the operator may take now: 派遣 (dispatch)、挂账 (suspend). */
static char *
case_actions_text(json_t *actions)
{
	char *out = xstrdup(""), *tmp;
	json_t *a;
	size_t i;

	json_array_foreach(actions, i, a) {
		xasprintf(&tmp, "%s%s%s (%s)", out, i > 0 ? "、" : "",
		    jstr(a, "label"), jstr(a, "action"));
		free(out);
		out = tmp;
	}
	if (*out == '\0') {
		free(out);
		out = xstrdup("无");
	}
	return out;
}

/* A stage's standing: 按时, 超时, 暂停, 进行中, 已过期限. */
static const char *
stage_standing(json_t *s)
{
	json_t *dl = json_object_get(s, "deadline");

	if (json_is_integer(json_object_get(s, "ended_at")))
		return json_is_true(json_object_get(s, "on_time")) ? "按时" : "超时";
	if (json_is_integer(json_object_get(s, "paused_at")))
		return "暂停";
	if (json_is_integer(dl) && json_integer_value(dl) < (json_int_t)time(NULL))
		return "已过期限";
	return "进行中";
}

static json_t *
case_stages_rows(json_t *stages)
{
	json_t *rows = json_array(), *s, *row;
	char *limit, *text;
	size_t i;

	json_array_foreach(stages, i, s) {
		row = json_copy(s);
		limit = cli_print_cell(json_object_get(s, "limit"), FMT_TEXT);
		xasprintf(&text, "%s %s%s", limit, cli_print_label(jstr(s, "unit")),
		    json_is_true(json_object_get(s, "unpublished")) ? " (日历未发布)" : "");
		json_object_set_new(row, "limit_text", json_string(text));
		json_object_set_new(row, "standing", json_string(stage_standing(s)));
		json_array_append_new(rows, row);
		free(limit);
		free(text);
	}
	return rows;
}

/* The log as a timeline: each row gets the name of its action. */
static void
case_timeline(json_t *log)
{
	json_t *rows = json_array(), *l, *row;
	const char *name;
	size_t i;

	json_array_foreach(log, i, l) {
		row = json_copy(l);
		name = json_string_value(json_object_get(json_object_get(l, "detail"),
		    "action_name"));
		if (name == NULL && *jstr(l, "label") != '\0')
			name = jstr(l, "label");	/* case.log names it so */
		json_object_set_new(row, "action_label", json_string(name != NULL ?
		    name : cli_case_action_label(jstr(l, "action"))));
		json_array_append_new(rows, row);
	}
	cli_print_table(rows, log_cols);
	json_decref(rows);
}

void
cli_case_show_print(json_t *r)
{
	json_t *c = json_copy(r), *stages;
	char *actions = case_actions_text(json_object_get(r, "actions"));

	json_object_set_new(c, "actions_text", json_string(actions));
	free(actions);
	cli_print_record(c, case_show_cols);
	json_decref(c);

	cli_print_heading("时限");
	stages = case_stages_rows(json_object_get(r, "stages"));
	cli_print_table(stages, stage_cols);
	json_decref(stages);

	cli_print_heading("任务");
	cli_print_table(json_object_get(r, "tasks"), case_task_cols);

	cli_print_heading("日志");
	case_timeline(json_object_get(r, "log"));
}

void
cli_case_list_print(json_t *r)
{
	cli_print_table(r, case_list_cols);
}

void
cli_case_log_print(json_t *r)
{
	case_timeline(r);
}

void
cli_case_task_list_print(json_t *r)
{
	cli_print_table(r, task_cols);
}
