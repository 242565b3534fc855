/*
 * cli.c: the commands of citygrid(1), one table, and the parser that
 * reads it.  "citygrid help", "citygrid NOUN --help" and the COMMANDS
 * section of the man page (cli-help.c) read the same table, so they
 * cannot disagree.  A command is one request: its arguments become the
 * request's args, its result is printed for people or, with --json, as
 * it came.  Who may do what is the daemon's to decide; the roles here
 * are a hint for the help.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citygrid.h"

#define OPT_END		{ NULL, NULL, 0, 0, NULL, NULL, NULL }
#define OPT_CASE	{ "CASE", "case", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, \
			  "案卷编号, 或案卷的内部 id" }
#define OPT_VERSION	{ "version", "version", CLI_INT, 0, "N", NULL, \
			  "只在案卷版本 (row_version) 仍为 N 时办理, 否则 E_CONFLICT" }
#define OPT_AT		{ "at", "at", CLI_STRING, 0, "TIME", NULL, \
			  "补录: 操作的时间 YYYY-MM-DDTHH:MM (北京时间), 不晚于现在;" \
			  " 须 citygrid.conf 的 workflow:backdating" }
#define OPT_REASON(flags, help) \
			{ "reason", "reason", CLI_STRING, flags, "TEXT", NULL, help }
#define OPT_NOTE	{ "note", "note", CLI_STRING, 0, "TEXT", NULL, "监督员的说明" }
#define OPT_PHOTOS	{ "photos", "photos", CLI_LIST, CLI_MEDIA, "FILE|HASH,...", NULL, \
			  "照片: 文件 (先上传) 或已上传照片的散列值, 可重复" }

/* Base data: import and export of a layer (cli-base.c). */
#define OPT_IMPORT(what)						\
	{ "FILE", "file", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL,	\
	  "要导入的文件: GeoJSON、Shapefile (.shp 或其目录)、CSV, 或 GDAL 能读的其他格式" }, \
	{ "map", "map", CLI_LIST, 0, "FIELD=SRC,...", NULL,		\
	  "字段映射: " what " 取自文件的字段 SRC, 可重复; lon=、lat=、wkt= 指明 CSV 的坐标列" }, \
	{ "layer", "layer", CLI_STRING, 0, "NAME", NULL, "只导入这个图层 (默认全部图层)" }, \
	{ "srs", "srs", CLI_STRING, 0, "SRS", NULL,			\
	  "文件没有坐标系时用的坐标系, 如 EPSG:4326 (CSV 默认 EPSG:4490)" }, \
	{ "dry-run", "dry_run", CLI_TRUE, 0, NULL, NULL,		\
	  "只校验并报告会有什么变化 (新增、变更、撤销), 不做改动" },	\
	{ "retire-missing", "retire_missing", CLI_TRUE, 0, NULL, NULL,	\
	  "撤销文件中没有的 (在 --within 之内的) 现有对象" },		\
	{ "within", "within", CLI_STRING, 0, "CODE", NULL,		\
	  "--retire-missing 只管这个网格编码前缀之内的" },		\
	{ "no-repair", "repair", CLI_FALSE, 0, NULL, NULL,		\
	  "无效的几何图形不修复, 一律拒绝 (默认: 能安全修复的用 ST_MakeValid 修复)" }, \
	{ "reason", "reason", CLI_STRING, 0, "TEXT", NULL, "原因, 记入历史" }
#define OPT_EXPORT							\
	{ "FILE", "file", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL,	\
	  "写入的文件 (已有的会被替换); Shapefile 可以是目录" },	\
	{ "format", "format", CLI_STRING, 0, "geojson|shp|csv", NULL,	\
	  "格式 (默认按扩展名: .csv, .shp 或目录, 其他为 GeoJSON)" },	\
	{ "within", "within", CLI_STRING, 0, "CODE", NULL,		\
	  "只导出这个网格编码前缀 (区划) 之内的" },			\
	{ "retired", "retired", CLI_TRUE, 0, NULL, NULL, "也导出已撤销的" }
#define OPT_COMPONENT	{ "ID", "id", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, \
			  "部件标识码 (16 或 17 位)" }
#define OPT_PLACE							\
	{ "lon", "lon", CLI_NUMBER, 0, "DEG", NULL, "经度 (CGCS2000)" },	\
	{ "lat", "lat", CLI_NUMBER, 0, "DEG", NULL, "纬度" },		\
	{ "wkt", "wkt", CLI_STRING, 0, "WKT", NULL,			\
	  "线或面部件的几何图形 (WKT, 经纬度), 代替 --lon --lat" }

/* A workflow step: case.<verb> {case, ...}; its rules are in workflow.c. */
#define STEP(v, lab, who, text, ...) {					\
	.noun = "case", .verb = v, .op = "case." v, .label = lab,	\
	.roles = who, .help = text, .print = cli_case_step_print,	\
	.opts = (const struct cli_opt[]){ OPT_CASE, __VA_ARGS__,	\
	    OPT_VERSION, OPT_AT, OPT_END } }

/* An evaluation report: citygrid report OBJECT; cli-report.c runs it. */
#define OPT_PERIOD	{ "period", "period", CLI_STRING, 0, "PERIOD", "month", \
			  "时段: day, week, month, quarter, year (含今天的那一个), YYYY-MM," \
			  " YYYY-MM-DD, 或 FROM..TO (两端都含)" }
#define REPORT_WHO	"值班长、系统管理员"
#define REPORT_DEPT	"值班长、系统管理员; 专业部门只见本部门"
#define REPORT(v, lab, who, text, ...) {				\
	.noun = "report", .verb = v, .op = "report", .label = lab,	\
	.roles = who, .help = text, .run = cli_report_run,		\
	.opts = (const struct cli_opt[]){ __VA_ARGS__,			\
	    { "csv", "csv", CLI_TRUE, 0, NULL, NULL, "输出 CSV (表头为指标代码)" }, \
	    OPT_END } }

const struct cli_entry cli_table[] = {
	{ .noun = "case", .verb = "new", .op = "case.new", .label = "登记",
	  .roles = "受理员、值班长", .help = "登记新案卷 (上报)",
	  .print = cli_case_new_print,
	  .opts = (const struct cli_opt[]){
		{ "source", "source", CLI_STRING, CLI_REQ, "collector|hotline|leader|public", NULL,
		  "来源: 监督员、热线、领导交办、公众" },
		{ "description", "description", CLI_STRING, CLI_REQ, "TEXT", NULL, "问题描述" },
		{ "kind", "kind", CLI_STRING, 0, "component|event", NULL,
		  "部件或事件; 给出 --component 时不用" },
		{ "class", "class", CLI_STRING, 0, "CODE", NULL, "类别代码, 如 0102" },
		{ "lon", "lon", CLI_NUMBER, 0, "DEG", NULL, "经度 (CGCS2000)" },
		{ "lat", "lat", CLI_NUMBER, 0, "DEG", NULL, "纬度" },
		{ "grid", "grid", CLI_STRING, 0, "CODE", NULL, "单元网格编码 (没有经纬度时)" },
		{ "component", "component", CLI_STRING, 0, "ID", NULL,
		  "部件标识码: 类型、类别和位置都取自部件" },
		{ "address", "address", CLI_STRING, 0, "TEXT", NULL, "地址" },
		{ "urgent", "urgent", CLI_TRUE, 0, NULL, NULL, "紧急案卷" },
		{ "condition", "condition", CLI_STRING, 0, "CODE", NULL,
		  "立案条件代码 (默认为类别的第一条)" },
		{ "collector", "collector", CLI_STRING, 0, "CODE", NULL, "上报的监督员" },
		{ "client-ref", "client_ref", CLI_STRING, 0, "TEXT", NULL,
		  "调用方的唯一标识: 重发时不会重复登记" },
		{ "reporter-name", "reporter_name", CLI_STRING, 0, "TEXT", NULL, "举报人姓名" },
		{ "reporter-phone", "reporter_phone", CLI_STRING, 0, "TEXT", NULL, "举报人电话" },
		OPT_AT,
		OPT_END } },
	{ .noun = "case", .verb = "show", .op = "case.show", .label = "详情",
	  .roles = "所有操作员", .help = "案卷的全部字段、各阶段时限、任务和日志",
	  .print = cli_case_show_print,
	  .opts = (const struct cli_opt[]){ OPT_CASE, OPT_END } },
	{ .noun = "case", .verb = "list", .op = "case.list", .label = "列表",
	  .roles = "所有操作员; 专业部门只见本部门的", .help = "案卷列表, 紧急的和期限近的在前",
	  .print = cli_case_list_print,
	  .opts = (const struct cli_opt[]){
		{ "state", "state", CLI_STRING, 0, "STATE,...", NULL, "只列这些状态, 如 filed,returned" },
		{ "department", "department", CLI_STRING, 0, "CODE", NULL, "只列这个部门 (代码或编号) 的" },
		{ "grid", "grid", CLI_STRING, 0, "CODE", NULL, "只列这个网格或其上级区划的" },
		{ "open", "open", CLI_TRUE, 0, NULL, NULL, "只列未结的" },
		{ "closed", "open", CLI_FALSE, 0, NULL, NULL, "只列已结的 (结案、不予立案、合并)" },
		{ "source", "source", CLI_STRING, 0, "collector|hotline|leader|public", NULL,
		  "只列这个来源的" },
		{ "limit", "limit", CLI_INT, 0, "N", NULL, "最多列出 N 件 (1-5000, 默认 100)" },
		OPT_END } },
	{ .noun = "case", .verb = "log", .op = "case.log", .label = "日志",
	  .roles = "所有操作员", .help = "案卷的办理日志",
	  .print = cli_case_log_print,
	  .opts = (const struct cli_opt[]){ OPT_CASE, OPT_END } },
	STEP("verify", "核实派发", "受理员", "派核实任务给网格的监督员",
	    OPT_REASON(0, "说明")),
	STEP("verified", "核实反馈", "受理员", "记下核实结果 (监督员经采集终端反馈)",
	    { "result", "result", CLI_STRING, CLI_REQ, "confirmed|not_found", NULL,
	      "属实或不属实" },
	    OPT_NOTE, OPT_PHOTOS, OPT_REASON(0, "说明")),
	STEP("file", "立案", "值班长", "上报或核实后的案卷立案, 开始计派遣时限",
	    OPT_REASON(0, "说明")),
	STEP("reject", "不予立案", "值班长", "不符合立案条件, 案卷结束",
	    OPT_REASON(CLI_REQ, "原因")),
	STEP("dispatch", "派遣", "派遣员", "把已立案或回退的案卷派给处置部门",
	    { "department", "department", CLI_STRING, 0, "CODE", NULL,
	      "处置部门的代码或编号 (citygrid dept list); 默认为部件或类别的默认部门" },
	    OPT_REASON(0, "派遣意见")),
	STEP("accept", "接收", "专业部门 (本部门)", "接收派来的案卷, 开始处置",
	    OPT_REASON(0, "说明")),
	STEP("return", "回退", "专业部门 (本部门)", "不属本部门, 退回派遣员",
	    OPT_REASON(CLI_REQ, "原因")),
	STEP("extend", "申请延期", "专业部门 (本部门)", "申请延长处置时限",
	    { "amount", "amount", CLI_NUMBER, CLI_REQ, "N", NULL,
	      "延长多少, 按处置时限的单位" },
	    OPT_REASON(CLI_REQ, "原因")),
	STEP("postpone", "申请缓办", "专业部门 (本部门)", "批准后时限暂停, 直到恢复处置",
	    OPT_REASON(CLI_REQ, "原因")),
	STEP("approve", "批准", "派遣员", "批准延期或缓办申请",
	    OPT_REASON(0, "意见")),
	STEP("deny", "驳回", "派遣员", "驳回延期或缓办申请, 继续处置",
	    OPT_REASON(CLI_REQ, "原因")),
	STEP("resume", "恢复处置", "派遣员", "缓办或挂账的案卷恢复处置, 时限顺延",
	    OPT_REASON(0, "说明")),
	STEP("feedback", "处置反馈", "专业部门 (本部门)", "处置完毕, 反馈结果, 等待核查",
	    OPT_REASON(CLI_REQ, "处置结果"),
	    { "attachments", "attachments", CLI_LIST, CLI_MEDIA, "FILE|HASH,...", NULL,
	      "处置后的照片: 文件 (先上传) 或散列值, 可重复" }),
	STEP("check", "核查派发", "受理员", "派核查任务给网格的监督员",
	    OPT_REASON(0, "说明")),
	STEP("checked", "核查反馈", "受理员", "记下核查结果 (监督员经采集终端反馈)",
	    { "result", "result", CLI_STRING, CLI_REQ, "passed|failed", NULL,
	      "核查通过或未通过" },
	    OPT_NOTE, OPT_PHOTOS, OPT_REASON(0, "说明")),
	STEP("close", "结案", "值班长", "核查通过的案卷结案",
	    OPT_REASON(0, "说明")),
	STEP("rework", "返工", "值班长", "核查未通过, 派回原部门返工",
	    OPT_REASON(CLI_REQ, "原因")),
	STEP("urge", "督办", "值班长、派遣员", "督办未结的案卷, 记入日志",
	    OPT_REASON(0, "督办意见")),
	STEP("suspend", "挂账", "派遣员", "一时无法处置的案卷挂账: 时限暂停",
	    OPT_REASON(CLI_REQ, "原因")),
	STEP("merge", "合并", "受理员、值班长", "重复上报的案卷并入另一件, 本件结束",
	    { "duplicate-of", "duplicate_of", CLI_STRING, CLI_REQ, "CASE", NULL,
	      "并入的案卷" },
	    OPT_REASON(0, "说明")),
	{ .noun = "task", .verb = "list", .op = "task.list", .label = "任务",
	  .roles = "受理员、值班长、系统管理员", .help = "核实、核查任务列表",
	  .print = cli_case_task_list_print,
	  .opts = (const struct cli_opt[]){
		{ "state", "state", CLI_STRING, 0, "open|done|cancelled", NULL, "只列这个状态的" },
		{ "collector", "collector", CLI_STRING, 0, "CODE", NULL, "只列这个监督员的" },
		OPT_END } },
	{ .noun = "watch", .op = "watch", .label = "推送",
	  .roles = "所有操作员", .help = "订阅推送, 每件事一行, 直到 Ctrl-C",
	  .run = cli_watch_run,
	  .opts = (const struct cli_opt[]){
		{ "scope", "scope", CLI_STRING, 0, "all|role|department|grid|case", "all",
		  "范围: 全部, 某角色经手的, 某部门的, 某网格或区划的, 某案卷的" },
		{ "value", "value", CLI_STRING, 0, "V", NULL,
		  "范围的值: 角色名、部门编号、网格编码前缀或案卷编号" },
		OPT_END } },
	{ .noun = "operator", .verb = "add", .op = "operator.add", .label = "添加操作员",
	  .roles = "系统管理员", .help = "让一个 Unix 用户成为操作员",
	  .print = cli_operator_print,
	  .opts = (const struct cli_opt[]){
		{ "USER", "user", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "Unix 用户名" },
		{ "name", "name", CLI_STRING, CLI_REQ, "TEXT", NULL, "姓名" },
		{ "roles", "roles", CLI_LIST, CLI_REQ, "ROLE,...", NULL,
		  "角色: seat, supervisor, dispatcher, dept, admin" },
		{ "department", "department", CLI_STRING, 0, "CODE", NULL, "所属部门 (代码或编号)" },
		{ "phone", "phone", CLI_STRING, 0, "TEXT", NULL, "电话" },
		OPT_END } },
	{ .noun = "operator", .verb = "list", .op = "operator.list", .label = "操作员列表",
	  .roles = "系统管理员、值班长", .help = "全部操作员, 在用的在前",
	  .print = cli_operator_list_print,
	  .opts = (const struct cli_opt[]){ OPT_END } },
	{ .noun = "operator", .verb = "del", .op = "operator.del", .label = "停用操作员",
	  .roles = "系统管理员", .help = "操作员不能再登录 (日志里的记录保留)",
	  .print = cli_operator_print,
	  .opts = (const struct cli_opt[]){
		{ "USER", "user", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "Unix 用户名" },
		OPT_END } },
	{ .noun = "operator", .verb = "role", .op = "operator.role", .label = "设置角色",
	  .roles = "系统管理员", .help = "改变操作员的角色和所属部门",
	  .print = cli_operator_print,
	  .opts = (const struct cli_opt[]){
		{ "USER", "user", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "Unix 用户名" },
		{ "roles", "roles", CLI_LIST, CLI_REQ, "ROLE,...", NULL,
		  "角色: seat, supervisor, dispatcher, dept, admin" },
		{ "department", "department", CLI_STRING, 0, "CODE", NULL, "所属部门 (代码或编号)" },
		OPT_END } },
	{ .noun = "dept", .verb = "add", .op = "dept.add", .label = "添加部门",
	  .roles = "系统管理员", .help = "新的处置部门或单位",
	  .print = cli_dept_print,
	  .opts = (const struct cli_opt[]){
		{ "CODE", "code", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "部门代码" },
		{ "NAME", "name", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "部门名称" },
		{ "kind", "kind", CLI_STRING, 0, "professional|unit|street|center", "professional",
		  "类型: 专业部门、权属单位、街道、中心" },
		{ "phone", "phone", CLI_STRING, 0, "TEXT", NULL, "电话" },
		OPT_END } },
	{ .noun = "dept", .verb = "list", .op = "dept.list", .label = "部门列表",
	  .roles = "所有操作员", .help = "部门列表, 带在办案卷数",
	  .print = cli_dept_list_print,
	  .opts = (const struct cli_opt[]){ OPT_END } },
	{ .noun = "geo", .verb = "search", .op = "geo.search", .label = "查地址",
	  .roles = "所有操作员",
	  .help = "按地址、地名、拼音首字母或代码查找位置, 最像的在前, 带网格、社区和街道",
	  .print = cli_geo_search_print,
	  .opts = (const struct cli_opt[]){
		{ "TEXT", "text", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL,
		  "地址或地名, 如 东四十条23号、地坛公园北门; 拼音首字母, 如 dsst;"
		  " 或部件标识码、网格、地址、区划代码" },
		{ "limit", "limit", CLI_INT, 0, "N", NULL, "最多列出几条 (默认 20, 至多 200)" },
		OPT_END } },
	{ .noun = "geo", .verb = "at", .op = "geo.at", .label = "查位置",
	  .roles = "所有操作员", .help = "经纬度所在的网格、社区、街道, 最近的地址和道路及其距离",
	  .print = cli_geo_at_print,
	  .opts = (const struct cli_opt[]){
		{ "LON", "lon", CLI_NUMBER, CLI_POS | CLI_REQ, NULL, NULL, "经度 (CGCS2000)" },
		{ "LAT", "lat", CLI_NUMBER, CLI_POS | CLI_REQ, NULL, NULL, "纬度" },
		OPT_END } },
	{ .noun = "geo", .verb = "code", .op = "geo.code", .label = "查代码",
	  .roles = "所有操作员",
	  .help = "部件标识码、网格编码、地址编码或区划代码所指的位置, 带网格、社区和街道",
	  .print = cli_geo_code_print,
	  .opts = (const struct cli_opt[]){
		{ "CODE", "code", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL,
		  "部件标识码 (16 或 17 位)、网格 (15 位)、地址编码或区划代码 (6、9、12 位)" },
		OPT_END } },
	{ .noun = "geo", .verb = "outline", .op = "geo.outline", .label = "轮廓",
	  .roles = "所有操作员", .help = "区划或网格的轮廓 (GeoJSON), 供地图和 GIS 使用",
	  .print = NULL,	/* GeoJSON for programs */
	  .opts = (const struct cli_opt[]){
		{ "level", "level", CLI_STRING, 0, "district|street|community|grid", "street", "哪一级" },
		{ "within", "within", CLI_STRING, 0, "CODE", NULL, "只要这个代码前缀之下的" },
		OPT_END } },
	{ .noun = "class", .verb = "list", .op = "class.list", .label = "类别",
	  .roles = "所有操作员", .help = "部件和事件类别, 带默认处置部门和处置时限",
	  .print = cli_class_list_print,
	  .opts = (const struct cli_opt[]){
		{ "kind", "kind", CLI_STRING, 0, "component|event", NULL, "只列部件或事件" },
		OPT_END } },
	{ .noun = "grid", .verb = "import", .op = "import.begin", .label = "导入网格",
	  .roles = "系统管理员", .help = "从文件导入单元网格: 校验编码、社区、几何、重叠和空隙, 一次全部导入或全不导入",
	  .run = cli_base_import_run,
	  .opts = (const struct cli_opt[]){ OPT_IMPORT("code、community、area_class、init_date、note"),
		{ "allow-gaps", "allow_gaps", CLI_TRUE, 0, NULL, NULL,
		  "社区内没有网格覆盖的空隙只作警告, 不拒绝" },
		OPT_END } },
	{ .noun = "grid", .verb = "export", .op = "export.page", .label = "导出网格",
	  .roles = "系统管理员", .help = "把在用的单元网格写成 GeoJSON、Shapefile 或 CSV",
	  .run = cli_base_export_run,
	  .opts = (const struct cli_opt[]){ OPT_EXPORT, OPT_END } },
	{ .noun = "grid", .verb = "split", .op = "grid.split", .label = "拆分网格",
	  .roles = "系统管理员", .help = "沿一条线把网格拆成新网格 (新编码), 原网格撤销, 部件、在办案卷、地址和监督员随之调整",
	  .print = cli_grid_edit_print,
	  .opts = (const struct cli_opt[]){
		{ "CODE", "code", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "要拆分的网格" },
		{ "line", "line", CLI_STRING, 0, "LON LAT,LON LAT,...", NULL,
		  "拆分线, 须穿过网格" },
		{ "lon", "lon", CLI_NUMBER, 0, "DEG", NULL, "沿这条经线拆分 (代替 --line)" },
		{ "lat", "lat", CLI_NUMBER, 0, "DEG", NULL, "沿这条纬线拆分 (代替 --line)" },
		OPT_REASON(CLI_REQ, "原因, 记入历史"),
		OPT_END } },
	{ .noun = "grid", .verb = "merge", .op = "grid.merge", .label = "合并网格",
	  .roles = "系统管理员", .help = "把同一社区相邻的网格合并成一个新网格 (新编码), 原网格撤销",
	  .print = cli_grid_edit_print,
	  .opts = (const struct cli_opt[]){
		{ "CODE", "codes", CLI_LIST, CLI_POS | CLI_REQ, NULL, NULL, "要合并的网格" },
		{ "CODE", "codes", CLI_LIST, CLI_POS, NULL, NULL, "另一个网格 (可以更多)" },
		{ "area-class", "area_class", CLI_STRING, 0, "A|B|C", NULL,
		  "合并后的管理等级 (各网格等级不同时必须给出)" },
		OPT_REASON(CLI_REQ, "原因, 记入历史"),
		OPT_END } },
	{ .noun = "grid", .verb = "history", .op = "grid.history", .label = "网格历史",
	  .roles = "所有操作员", .help = "网格的各个版本 (谁、何时、为什么) 和拆分、合并记录",
	  .print = cli_grid_history_print,
	  .opts = (const struct cli_opt[]){
		{ "CODE", "code", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "网格编码" },
		OPT_END } },
	{ .noun = "component", .verb = "import", .op = "import.begin", .label = "导入部件",
	  .roles = "系统管理员", .help = "从文件导入部件 (普查): 校验标识码、类别、部门、几何和所在网格",
	  .run = cli_base_import_run,
	  .opts = (const struct cli_opt[]){ OPT_IMPORT("id、standard、class_code、name、dept_main、"
		"dept_owner、dept_maint、grid、status、source、init_date、note"), OPT_END } },
	{ .noun = "component", .verb = "export", .op = "export.page", .label = "导出部件",
	  .roles = "系统管理员", .help = "把在用的部件写成 GeoJSON、Shapefile (按点、线、面分层) 或 CSV",
	  .run = cli_base_export_run,
	  .opts = (const struct cli_opt[]){ OPT_EXPORT, OPT_END } },
	{ .noun = "component", .verb = "history", .op = "component.history", .label = "部件历史",
	  .roles = "所有操作员", .help = "部件的各个版本: 新增、移动、变更部门、撤销, 谁、何时、为什么, 及各版本的案卷",
	  .print = cli_component_history_print,
	  .opts = (const struct cli_opt[]){ OPT_COMPONENT, OPT_END } },
	{ .noun = "component", .verb = "add", .op = "component.add", .label = "新增部件",
	  .roles = "系统管理员", .help = "新增一个部件, 网格取自位置",
	  .print = cli_component_edit_print,
	  .opts = (const struct cli_opt[]){ OPT_COMPONENT, OPT_PLACE,
		{ "name", "name", CLI_STRING, 0, "TEXT", NULL, "名称 (默认为类别名称)" },
		{ "dept-main", "dept_main", CLI_STRING, 0, "CODE", NULL,
		  "主管部门 (默认为类别的默认部门)" },
		{ "dept-owner", "dept_owner", CLI_STRING, 0, "CODE", NULL, "权属单位" },
		{ "dept-maint", "dept_maint", CLI_STRING, 0, "CODE", NULL, "养护单位" },
		{ "status", "status", CLI_STRING, 0, "完好|破损|丢失|占用", NULL, "状态 (默认完好)" },
		{ "note", "note", CLI_STRING, 0, "TEXT", NULL, "备注" },
		OPT_REASON(0, "原因, 记入历史"),
		OPT_END } },
	{ .noun = "component", .verb = "move", .op = "component.move", .label = "移动部件",
	  .roles = "系统管理员", .help = "部件的新位置, 网格随之调整; 已有案卷仍指向原来的版本",
	  .print = cli_component_edit_print,
	  .opts = (const struct cli_opt[]){ OPT_COMPONENT, OPT_PLACE,
		OPT_REASON(CLI_REQ, "原因, 记入历史"), OPT_END } },
	{ .noun = "component", .verb = "set-owner", .op = "component.owner", .label = "变更部门",
	  .roles = "系统管理员", .help = "变更部件的主管部门、权属单位或养护单位",
	  .print = cli_component_edit_print,
	  .opts = (const struct cli_opt[]){ OPT_COMPONENT,
		{ "main", "dept_main", CLI_STRING, 0, "CODE", NULL, "主管部门" },
		{ "owner", "dept_owner", CLI_STRING, 0, "CODE", NULL, "权属单位 (空字符串: 无)" },
		{ "maint", "dept_maint", CLI_STRING, 0, "CODE", NULL, "养护单位 (空字符串: 无)" },
		OPT_REASON(CLI_REQ, "原因, 记入历史"), OPT_END } },
	{ .noun = "component", .verb = "retire", .op = "component.retire", .label = "撤销部件",
	  .roles = "系统管理员", .help = "撤销 (注销) 部件: 保留其历史和案卷, 不再在用",
	  .print = cli_component_edit_print,
	  .opts = (const struct cli_opt[]){ OPT_COMPONENT,
		{ "status", "status", CLI_STRING, 0, "移除|废弃", NULL, "撤销后的状态 (默认移除)" },
		OPT_REASON(CLI_REQ, "原因, 记入历史"), OPT_END } },
	{ .noun = "address", .verb = "import", .op = "import.begin", .label = "导入地址",
	  .roles = "系统管理员", .help = "从文件导入地址和兴趣点 (地理编码数据), 网格和社区取自位置",
	  .run = cli_base_import_run,
	  .opts = (const struct cli_opt[]){ OPT_IMPORT("id、kind、name、full_name、district、"
		"area_name、road、door_no、building、poi、aliases、valid_from"), OPT_END } },
	{ .noun = "address", .verb = "export", .op = "export.page", .label = "导出地址",
	  .roles = "系统管理员", .help = "把在用的地址写成 GeoJSON、Shapefile (按点、线、面分层) 或 CSV",
	  .run = cli_base_export_run,
	  .opts = (const struct cli_opt[]){ OPT_EXPORT, OPT_END } },
	{ .noun = "calendar", .verb = "show", .op = "calendar.show", .label = "日历",
	  .roles = "所有操作员", .help = "一年的节假日和调休上班日",
	  .print = cli_calendar_show_print,
	  .opts = (const struct cli_opt[]){
		{ "YEAR", "year", CLI_INT, CLI_POS | CLI_REQ, NULL, NULL, "年份" },
		OPT_END } },
	{ .noun = "calendar", .verb = "load", .op = "calendar.load", .label = "载入日历",
	  .roles = "系统管理员", .help = "载入一年的节假日安排 (holiday-cn 的 JSON 文件)",
	  .print = cli_calendar_load_print,
	  .opts = (const struct cli_opt[]){
		{ "FILE", "json", CLI_FILE, CLI_POS | CLI_REQ, NULL, NULL,
		  "holiday-cn 文件, 如 2027.json" },
		{ "source", "source", CLI_STRING, 0, "TEXT", NULL, "来源, 记入日历 (默认 calendar.load)" },
		OPT_END } },
	{ .noun = "calendar", .verb = "deadline", .op = "calendar.deadline", .label = "计算期限",
	  .roles = "所有操作员", .help = "从某时起若干时限单位之后的期限, 按工作日历计算",
	  .print = cli_calendar_deadline_print,
	  .opts = (const struct cli_opt[]){
		{ "START", "start", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL,
		  "起始时间 YYYY-MM-DDTHH:MM (北京时间)" },
		{ "LIMIT", "limit", CLI_NUMBER, CLI_POS | CLI_REQ, NULL, NULL, "时限, 正数" },
		{ "UNIT", "unit", CLI_STRING, CLI_POS | CLI_REQ | CLI_CODE, NULL, NULL,
		  "单位: 工作时, 工作日, 紧急工作时, 自然日, 或 work_hour, work_day,"
		  " clock_hour, natural_day" },
		OPT_END } },
	{ .noun = "cradle", .verb = "list", .op = "cradle.list", .label = "底座记录",
	  .roles = "受理员、值班长、系统管理员",
	  .help = "手持机在底座上的对接, 新的在前: 上报、核实核查结果、照片和轨迹点的数目",
	  .print = cli_cradle_list_print,
	  .opts = (const struct cli_opt[]){
		{ "open", "open", CLI_TRUE, 0, NULL, NULL, "只列正在对接的" },
		{ "unit", "unit", CLI_STRING, 0, "UNIT", NULL, "只列这台手持机 (设备号) 或这个监督员 (编码) 的" },
		{ "limit", "limit", CLI_INT, 0, "N", NULL, "最多列出 N 次 (1-1000, 默认 50)" },
		OPT_END } },
	{ .noun = "media", .verb = "put", .op = "media.put", .label = "上传照片",
	  .roles = "所有操作员", .help = "把照片文件存入案卷库, 打印其散列值; 中断后重来只发缺的部分",
	  .run = cli_media_put_run,
	  .opts = (const struct cli_opt[]){
		{ "FILE", "file", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL,
		  "照片文件: JPEG、PNG、GIF、WebP、BMP 或 TIFF, 至多 32 MiB" },
		OPT_END } },
	{ .noun = "media", .verb = "get", .op = "media.get", .label = "取照片",
	  .roles = "所有操作员", .help = "取出一张已存的照片",
	  .run = cli_media_get_run,
	  .opts = (const struct cli_opt[]){
		{ "HASH", "sha256", CLI_STRING, CLI_POS | CLI_REQ, NULL, NULL, "照片的散列值 (SHA-256)" },
		{ "output", "output", CLI_STRING, 0, "FILE", NULL, "写入文件 (默认标准输出, 终端除外)" },
		OPT_END } },
	REPORT("collectors", "监督员评价", REPORT_WHO,
	    "监督员的上报、有效上报、漏报、按时核实和核查", OPT_PERIOD),
	REPORT("seats", "受理员评价", REPORT_WHO,
	    "受理员的受理数和核实、核查按时派发率", OPT_PERIOD),
	REPORT("supervisors", "值班长评价", REPORT_WHO,
	    "值班长的按时立案率、准确立案率、按时结案率", OPT_PERIOD),
	REPORT("dispatchers", "派遣员评价", REPORT_WHO,
	    "派遣员的派遣数、按时派遣率、准确派遣率", OPT_PERIOD),
	REPORT("departments", "专业部门评价", REPORT_DEPT,
	    "专业部门的处置、按时处置、返工、延期、超期和结案",
	    OPT_PERIOD,
	    { "parent", "parent", CLI_STRING, 0, "CODE", NULL, "只列这个街道的街道部门" }),
	REPORT("district", "区评价", REPORT_WHO,
	    "全区的立案、结案、结案率、按期结案率、监督举报率", OPT_PERIOD),
	REPORT("streets", "街道评价", REPORT_WHO,
	    "各街道的立案、结案和各项比率",
	    OPT_PERIOD,
	    { "parent", "parent", CLI_STRING, 0, "CODE", NULL, "只列这个区的街道" }),
	REPORT("communities", "社区评价", REPORT_WHO,
	    "各社区的立案、结案和各项比率",
	    OPT_PERIOD,
	    { "parent", "parent", CLI_STRING, 0, "CODE", NULL, "只列这个街道的社区" }),
	REPORT("grids", "网格评价", REPORT_WHO,
	    "各单元网格的立案、结案和各项比率",
	    OPT_PERIOD,
	    { "parent", "parent", CLI_STRING, 0, "CODE", NULL, "只列这个社区的网格" }),
	{ .noun = "report", .verb = "monthly", .op = "report", .label = "月度报告",
	  .roles = REPORT_WHO, .help = "打印用的月度综合评价报告 (PDF): 概况、走势、来源、"
	  "高发问题、排名、网格分布图和指标表",
	  .run = cli_report_run,
	  .opts = (const struct cli_opt[]){
		{ "pdf", "pdf", CLI_STRING, 0, "FILE", NULL, "写入的 PDF 文件" },
		{ "month", "month", CLI_STRING, 0, "YYYY-MM", NULL, "哪个月 (默认本月)" },
		OPT_END } },
	{ .noun = "ping", .op = "ping", .label = "测试连接",
	  .roles = "所有操作员", .help = "服务器、操作员、数据库和工作日历的情况",
	  .run = cli_ping_run,
	  .opts = (const struct cli_opt[]){ OPT_END } },
	{ .noun = NULL }
};

/* The command for noun and verb; with verb NULL, the noun's first. */
const struct cli_entry *
cli_find(const char *noun, const char *verb)
{
	const struct cli_entry *e;

	for (e = cli_table; e->noun != NULL; e++) {
		if (strcmp(e->noun, noun) != 0)
			continue;
		if (verb == NULL || (e->verb != NULL && strcmp(e->verb, verb) == 0))
			return e;
	}
	return NULL;
}

/* The command of a protocol operation (for labels of log actions). */
const struct cli_entry *
cli_find_op(const char *op)
{
	const struct cli_entry *e;

	for (e = cli_table; e->noun != NULL; e++) {
		if (strcmp(e->op, op) == 0)
			return e;
	}
	return NULL;
}

static int
cli_is_help(const char *a)
{
	return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

static int CG_PRINTF(3, 4)
cli_usage_error(FILE *err, const struct cli_entry *e, const char *fmt, ...)
{
	va_list ap;

	fprintf(err, "citygrid: %s: ", cli_help_name(e));
	va_start(ap, fmt);
	vfprintf(err, fmt, ap);
	va_end(ap);
	fputs("\nusage: ", err);
	cli_help_usage_line(err, e);
	return EXIT_USAGE;
}

/* Is the value one of "a|b|c"? */
static int
cli_choice(const char *choices, const char *value)
{
	size_t n = strlen(value);
	const char *p = choices, *bar;

	for (;;) {
		bar = strchr(p, '|');
		if ((bar ? (size_t)(bar - p) : strlen(p)) == n && strncmp(p, value, n) == 0)
			return 1;
		if (bar == NULL)
			return 0;
		p = bar + 1;
	}
}

/* A file's text: NULL with the exit status if it cannot be sent. */
static json_t *
cli_read_file(const char *path, int *rc, FILE *err)
{
	FILE *f;
	char *buf;
	size_t n;
	json_t *s;

	if ((f = fopen(path, "r")) == NULL) {
		fprintf(err, "citygrid: %s: %s\n", path, strerror(errno));
		*rc = EXIT_NOINPUT;
		return NULL;
	}
	buf = xmalloc(PROTO_FRAME_MAX + 1);
	n = fread(buf, 1, PROTO_FRAME_MAX + 1, f);
	if (ferror(f) || n > PROTO_FRAME_MAX) {
		fprintf(err, "citygrid: %s: %s\n", path, ferror(f) ?
		    strerror(errno) : "文件太大");
		*rc = ferror(f) ? EXIT_NOINPUT : EXIT_DATAERR;
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	if ((s = json_stringn(buf, n)) == NULL) {
		fprintf(err, "citygrid: %s: 不是 UTF-8 文本\n", path);
		*rc = EXIT_DATAERR;
	}
	free(buf);
	return s;
}

/* Append the parts of "a,b" to an array; -1 if one is not UTF-8. */
int
cli_list_split(json_t *a, const char *text)
{
	const char *p = text, *comma;
	json_t *v;
	size_t n;

	for (;;) {
		comma = strchr(p, ',');
		n = comma ? (size_t)(comma - p) : strlen(p);
		if (n > 0) {
			if ((v = json_stringn(p, n)) == NULL)
				return -1;
			json_array_append_new(a, v);
		}
		if (comma == NULL)
			return 0;
		p = comma + 1;
	}
}

/* Store one option's value in args; 0, or the exit status. */
static int
cli_value(const struct cli_entry *e, const struct cli_opt *o, const char *text,
    json_t *args, FILE *err)
{
	json_t *v = NULL;
	char *end;
	long long n;
	double d;
	int rc = 0;

	errno = 0;
	if (o->flags & CLI_CODE)
		text = cli_print_code(text);
	switch (o->type) {
	case CLI_STRING:
		if (o->meta != NULL && strchr(o->meta, '|') && !cli_choice(o->meta, text))
			return cli_usage_error(err, e, "%s%s 须为 %s: %s", (o->flags & CLI_POS) ?
			    "" : "--", o->name, o->meta, text);
		v = json_string(text);
		break;
	case CLI_INT:
		n = strtoll(text, &end, 10);
		if (*text != '\0' && *end == '\0' && errno == 0)
			v = json_integer(n);
		break;
	case CLI_NUMBER:
		d = strtod(text, &end);
		if (*text != '\0' && *end == '\0' && errno == 0 && isfinite(d))
			v = json_real(d);
		break;
	case CLI_TRUE:
	case CLI_FALSE:
		v = json_boolean(o->type == CLI_TRUE);
		break;
	case CLI_LIST:
		if (!json_is_array(json_object_get(args, o->arg)))
			json_object_set_new(args, o->arg, json_array());
		if (cli_list_split(json_object_get(args, o->arg), text) != 0)
			break;
		return 0;
	case CLI_FILE:
		if ((v = cli_read_file(text, &rc, err)) == NULL)
			return rc;
		break;
	}
	if (v == NULL)
		return cli_usage_error(err, e, "%s%s 的值无效: %s", (o->flags & CLI_POS) ?
		    "" : "--", o->name, text);
	json_object_set_new(args, o->arg, v);
	return 0;
}

static const struct cli_opt *
cli_opt_find(const struct cli_entry *e, const char *name)
{
	const struct cli_opt *o;
	size_t n = strcspn(name, "=");

	for (o = e->opts; o->name != NULL; o++) {
		if (!(o->flags & CLI_POS) && strlen(o->name) == n &&
		    strncmp(o->name, name, n) == 0)
			return o;
	}
	return NULL;
}

static const struct cli_opt *
cli_next_pos(const struct cli_entry *e, const struct cli_opt *after)
{
	const struct cli_opt *o = after == NULL ? e->opts : after + 1;

	for (; o->name != NULL; o++) {
		if (o->flags & CLI_POS)
			return o;
	}
	return NULL;
}

/* A word that is an option, not a value such as -1. */
static int
cli_is_option(const char *a)
{
	char *end;

	if (a[0] != '-' || a[1] == '\0')
		return 0;
	strtod(a, &end);
	return *end != '\0';
}

/* Every required argument given; defaults for the others. */
static int
cli_complete(const struct cli_entry *e, json_t *args, FILE *err)
{
	const struct cli_opt *o;

	for (o = e->opts; o->name != NULL; o++) {
		if (json_object_get(args, o->arg) != NULL)
			continue;
		if (o->flags & CLI_REQ)
			return cli_usage_error(err, e, "缺少%s%s", (o->flags & CLI_POS) ?
			    " " : "选项 --", o->name);
		if (o->def != NULL)
			json_object_set_new(args, o->arg, json_string(o->def));
	}
	return 0;
}

/*
 * The words after the command into args.  0, -1 after --help (written
 * to out), or the exit status of a usage error (written to err).  The
 * consoles' : line (widget-cmdline.c) parses with it too.
 */
int
cli_parse(const struct cli_entry *e, int argc, char **argv, json_t *args,
    int *json, FILE *out, FILE *err)
{
	const struct cli_opt *o, *pos = NULL;
	const char *a, *value, *eq;
	int i, rc, only_pos = 0;

	for (i = 0; i < argc; i++) {
		a = argv[i];
		if (!only_pos && strcmp(a, "--") == 0) {
			only_pos = 1;
			continue;
		}
		if (only_pos || !cli_is_option(a)) {
			if ((o = pos = cli_next_pos(e, pos)) == NULL)
				return cli_usage_error(err, e, "多余的参数: %s", a);
			value = a;
		} else if (strcmp(a, "--json") == 0) {
			*json = 1;
			continue;
		} else if (cli_is_help(a)) {
			cli_help_entry(out, e);
			return -1;
		} else if (strncmp(a, "--", 2) != 0 || (o = cli_opt_find(e, a + 2)) == NULL) {
			return cli_usage_error(err, e, "未知选项 %.*s", (int)strcspn(a, "="), a);
		} else if ((eq = strchr(a, '=')) != NULL) {
			if (o->type == CLI_TRUE || o->type == CLI_FALSE)
				return cli_usage_error(err, e, "选项 --%s 不带值", o->name);
			value = eq + 1;
		} else if (o->type == CLI_TRUE || o->type == CLI_FALSE) {
			value = "";
		} else if (i + 1 < argc) {
			value = argv[++i];
		} else
			return cli_usage_error(err, e, "选项 --%s 须给出 %s", o->name, o->meta);
		if ((rc = cli_value(e, o, value, args, err)) != 0)
			return rc;
	}
	return cli_complete(e, args, err);
}

static int
cli_error(const struct client_error *err)
{
	fprintf(stderr, "citygrid: %s\n", err->message);
	return err->exit;
}

/* Connect, send, print. */
static int
cli_run(const struct cli_entry *e, json_t *args, const char *socket, int json)
{
	const struct cli_opt *o;
	struct client_error err;
	struct client *c;
	json_t *result;
	int rc = 0;

	if ((c = client_connect(socket, &err)) == NULL)
		return cli_error(&err);
	for (o = e->opts; o->name != NULL; o++) {
		if ((o->flags & CLI_MEDIA) && media_args_upload(c, args, o->arg, &err) != 0) {
			client_free(c);
			return cli_error(&err);
		}
	}
	if (e->run != NULL)
		rc = e->run(c, e, args, json);
	else if ((result = client_request(c, e->op, json_incref(args),
	    CLIENT_TIMEOUT, &err)) == NULL)
		rc = cli_error(&err);
	else {
		if (json || e->print == NULL)	/* data for programs: JSON only */
			cli_print_json(result, 1);
		else
			e->print(result);
		json_decref(result);
	}
	client_free(c);
	return rc;
}

/*
 * The command argv names (NOUN [VERB]) and in skip how many words that
 * took; NULL with the reason written to err.
 */
const struct cli_entry *
cli_command(int argc, char **argv, int *skip, FILE *err)
{
	const struct cli_entry *e;

	*skip = 1;
	if ((e = cli_find(argv[0], NULL)) == NULL) {
		fprintf(err, "citygrid: 没有命令 %s (citygrid help 列出命令)\n", argv[0]);
		return NULL;
	}
	if (e->verb == NULL)
		return e;
	if (argc < 2) {
		cli_help_noun(err, argv[0]);
		return NULL;
	}
	if ((e = cli_find(argv[0], argv[1])) == NULL) {
		fprintf(err, "citygrid: %s: 没有操作 %s (citygrid %s --help 列出操作)\n",
		    argv[0], argv[1], argv[0]);
		return NULL;
	}
	*skip = 2;
	return e;
}

/* citygrid [-S socket] [--json] NOUN [VERB] [arguments]: argv[0] is NOUN. */
int
cli_main(int argc, char **argv, const char *socket, int json)
{
	const struct cli_entry *e;
	json_t *args;
	int rc, skip;

	if (strcmp(argv[0], "help") == 0)
		return cli_help_main(argc - 1, argv + 1);
	e = cli_find(argv[0], NULL);
	if (e != NULL && e->verb != NULL && argc >= 2 && cli_is_help(argv[1])) {
		cli_help_noun(stdout, argv[0]);
		return 0;
	}
	if ((e = cli_command(argc, argv, &skip, stderr)) == NULL)
		return EXIT_USAGE;
	args = json_object();
	rc = cli_parse(e, argc - skip, argv + skip, args, &json, stdout, stderr);
	if (rc == 0)
		rc = cli_run(e, args, socket, json);
	else if (rc < 0)
		rc = 0;		/* --help */
	json_decref(args);
	return rc;
}
