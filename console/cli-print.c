/*
 * cli-print.c: results for people: tables with Chinese headers, records
 * of "label  value" lines, and codes shown by their Chinese names.
 * Widths are display columns (utf8.c): CJK characters are two wide.
 */
#include <stdlib.h>
#include <string.h>

#include "citygrid.h"

/* Codes of the protocol and what operators call them. */
static const struct cli_label {
	const char	*code;
	const char	*label;
} cli_labels[] = {
	{ "event", "事件" }, { "component", "部件" },
	{ "collector", "监督员" }, { "hotline", "热线" }, { "leader", "领导交办" },
	{ "public", "公众" },
	{ "confirmed", "属实" }, { "not_found", "不属实" },
	{ "passed", "通过" }, { "failed", "未通过" },
	{ "open", "待办" }, { "done", "完成" }, { "cancelled", "取消" },
	{ "verify", "核实" }, { "file", "立案" }, { "dispatch", "派遣" },
	{ "handle", "处置" }, { "check", "核查" }, { "close", "结案" },
	{ "verify_send", "核实派发" }, { "check_send", "核查派发" },
	{ "work_hour", "工作时" }, { "work_day", "工作日" },
	{ "clock_hour", "紧急工作时" }, { "natural_day", "自然日" },
	{ "seat", "受理员" }, { "supervisor", "值班长" }, { "dispatcher", "派遣员" },
	{ "dept", "专业部门" }, { "admin", "系统管理员" },
	{ "professional", "专业部门" }, { "unit", "权属单位" }, { "street", "街道" },
	{ "center", "中心" },
	{ "warning", "预警" }, { "overdue", "超时" },
	{ "door", "门楼牌" }, { "poi", "兴趣点" }, { "road", "街巷" }, { "area", "地片" },
	{ "block", "区片" }, { "region", "区域" }, { "grid", "单元网格" },
	{ "community", "社区" }, { "district", "区县" },
	{ "add", "新增" }, { "move", "移动" }, { "owner", "变更部门" }, { "retire", "撤销" },
	{ "restore", "恢复" }, { "edit", "修改" }, { "regrid", "网格调整" },
	{ "import", "导入" }, { "split", "拆分" }, { "merge", "合并" },
};

const char *
cli_print_label(const char *code)
{
	size_t i;

	for (i = 0; i < sizeof cli_labels / sizeof cli_labels[0]; i++) {
		if (strcmp(cli_labels[i].code, code) == 0)
			return cli_labels[i].label;
	}
	return code;
}

/* The code of a name: 工作日 is work_day.  The name itself if none. */
const char *
cli_print_code(const char *label)
{
	size_t i;

	for (i = 0; i < sizeof cli_labels / sizeof cli_labels[0]; i++) {
		if (strcmp(cli_labels[i].label, label) == 0)
			return cli_labels[i].code;
	}
	return label;
}

/* Epoch seconds as YYYY-MM-DD HH:MM, China time (UTC+8, no DST). */
void
cli_print_time(int64_t t, char *buf, size_t len)
{
	char full[32];

	worktime_format(t, full, sizeof full);
	snprintf(buf, len, "%.16s", full);
}

/* Join the elements of an array, or of "a,b", each through fmt. */
static char *
cli_print_join(json_t *v, enum cli_fmt fmt, const char *sep)
{
	json_t *parts, *p;
	char *out = xstrdup(""), *cell, *tmp;
	size_t i;

	if (json_is_string(v)) {
		parts = json_array();
		cli_list_split(parts, json_string_value(v));
	} else
		parts = json_incref(v);
	json_array_foreach(parts, i, p) {
		cell = cli_print_cell(p, fmt);
		xasprintf(&tmp, "%s%s%s", out, i > 0 ? sep : "", cell);
		free(cell);
		free(out);
		out = tmp;
	}
	json_decref(parts);
	return out;
}

/* A value as text; the caller frees it.  Missing and null are "-". */
char *
cli_print_cell(json_t *v, enum cli_fmt fmt)
{
	char buf[64];

	if (v == NULL || json_is_null(v))
		return xstrdup("-");
	if (fmt == FMT_LIST || json_is_array(v))
		return cli_print_join(v, fmt == FMT_LIST ? FMT_TEXT : fmt, fmt == FMT_LABEL ?
		    "、" : ", ");
	if (json_is_boolean(v))
		return xstrdup(json_is_true(v) ? "是" : "否");
	if (fmt == FMT_TIME && json_is_integer(v)) {
		cli_print_time(json_integer_value(v), buf, sizeof buf);
		return xstrdup(buf);
	}
	if (json_is_integer(v)) {
		snprintf(buf, sizeof buf, "%lld", (long long)json_integer_value(v));
		return xstrdup(buf);
	}
	if (json_is_real(v)) {
		snprintf(buf, sizeof buf, "%.10g", json_real_value(v));
		return xstrdup(buf);
	}
	if (!json_is_string(v))
		return json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	if (fmt == FMT_TIME)		/* "YYYY-MM-DD HH:MM:SS": no seconds */
		return xstrndup(json_string_value(v), 16);
	if (fmt == FMT_LABEL && strchr(json_string_value(v), ',') != NULL)
		return cli_print_join(v, FMT_LABEL, "、");
	if (fmt == FMT_LABEL)
		return xstrdup(cli_print_label(json_string_value(v)));
	return xstrdup(json_string_value(v));
}

/* One line of a table: every cell cut or padded to its column. */
static void
cli_print_row(char **cells, const int *width, size_t ncols)
{
	char buf[1024], *line = xstrdup(""), *tmp;
	size_t j, n;

	for (j = 0; j < ncols; j++) {
		utf8_fit(cells[j], width[j], buf, sizeof buf);
		xasprintf(&tmp, "%s%s%s", line, j > 0 ? "  " : "", buf);
		free(line);
		line = tmp;
	}
	n = strlen(line);
	while (n > 0 && line[n - 1] == ' ')
		n--;
	printf("%.*s\n", (int)n, line);
	free(line);
}

/* An array of objects as a table: one column for each of cols. */
void
cli_print_table(json_t *rows, const struct cli_col *cols)
{
	size_t ncols, nrows = json_array_size(rows), i, j;
	char **cells;
	int *width, w;

	if (nrows == 0) {
		printf("(无)\n");
		return;
	}
	for (ncols = 0; cols[ncols].key != NULL; ncols++)
		;
	cells = xcalloc((nrows + 1) * ncols, sizeof *cells);
	width = xcalloc(ncols, sizeof *width);
	for (j = 0; j < ncols; j++) {
		cells[j] = xstrdup(cols[j].header);
		width[j] = utf8_width(cols[j].header);
	}
	for (i = 0; i < nrows; i++) {
		for (j = 0; j < ncols; j++) {
			cells[(i + 1) * ncols + j] = cli_print_cell(json_object_get(
			    json_array_get(rows, i), cols[j].key), cols[j].fmt);
			w = utf8_width(cells[(i + 1) * ncols + j]);
			if (cols[j].max > 0 && w > cols[j].max)
				w = cols[j].max;
			if (w > width[j])
				width[j] = w;
		}
	}
	for (i = 0; i <= nrows; i++)
		cli_print_row(cells + i * ncols, width, ncols);
	for (i = 0; i < (nrows + 1) * ncols; i++)
		free(cells[i]);
	free(cells);
	free(width);
}

/* An object as "label  value" lines, in the order of cols; keys it
 * does not have are left out. */
void
cli_print_record(json_t *obj, const struct cli_col *cols)
{
	const struct cli_col *c;
	char label[128], *cell;
	int w = 0;

	for (c = cols; c->key != NULL; c++) {
		if (json_object_get(obj, c->key) != NULL && utf8_width(c->header) > w)
			w = utf8_width(c->header);
	}
	for (c = cols; c->key != NULL; c++) {
		if (json_object_get(obj, c->key) == NULL)
			continue;
		cell = cli_print_cell(json_object_get(obj, c->key), c->fmt);
		utf8_fit(c->header, w, label, sizeof label);
		printf("%s%s%s\n", label, *cell != '\0' ? "  " : "", cell);
		free(cell);
	}
}

/* Whatever came, readable: an object as a record, rows as a table. */
void
cli_print_object(json_t *v)
{
	json_t *first = json_is_array(v) ? json_array_get(v, 0) : v, *x;
	struct cli_col *cols;
	const char *key;
	size_t n = 0;

	if (!json_is_object(first)) {
		if (json_is_array(v) && json_array_size(v) == 0)
			printf("(无)\n");
		else
			cli_print_json(v, 1);
		return;
	}
	cols = xcalloc(json_object_size(first) + 1, sizeof *cols);
	json_object_foreach(first, key, x) {
		cols[n].key = key;
		cols[n].header = key;
		cols[n].fmt = FMT_TEXT;
		cols[n++].max = 40;
	}
	if (json_is_array(v))
		cli_print_table(v, cols);
	else
		cli_print_record(v, cols);
	free(cols);
}

void
cli_print_json(json_t *v, int pretty)
{
	json_dumpf(v, stdout, (pretty ? JSON_INDENT(2) : JSON_COMPACT) |
	    JSON_ENCODE_ANY);
	putchar('\n');
}

/* Titles between the parts of a long answer. */
void
cli_print_heading(const char *title)
{
	printf("\n%s\n", title);
}

/* A string member, or "" (jstr_or: "-") when absent; an integer member. */
const char *
jstr(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "";
}

const char *
jstr_or(json_t *o, const char *key)
{
	return *jstr(o, key) != '\0' ? jstr(o, key) : "-";
}

json_int_t
jnum(json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}
