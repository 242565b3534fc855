/*
 * cli-geo.c: places (geo search, at, code) and classes, for people.
 */
#include "citygrid.h"

static const struct cli_col geo_cols[] = {
	{ "kind", "类型", FMT_LABEL, 0 },
	{ "full_name", "地址", FMT_TEXT, 40 },
	{ "grid", "网格", FMT_TEXT, 0 },
	{ "community_name", "社区", FMT_TEXT, 16 },
	{ "street_name", "街道", FMT_TEXT, 12 },
	{ "lon", "经度", FMT_TEXT, 0 },
	{ "lat", "纬度", FMT_TEXT, 0 },
	{ "score", "相似度", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col at_cols[] = {
	{ "grid", "网格", FMT_TEXT, 0 },
	{ "area_class", "区域类别", FMT_TEXT, 0 },
	{ "community", "社区代码", FMT_TEXT, 0 },
	{ "community_name", "社区", FMT_TEXT, 0 },
	{ "street", "街道代码", FMT_TEXT, 0 },
	{ "street_name", "街道", FMT_TEXT, 0 },
	{ "nearest", "最近的地址", FMT_TEXT, 0 },
	{ "nearest_code", "地址编码", FMT_TEXT, 0 },
	{ "nearest_m", "距离 (米)", FMT_TEXT, 0 },
	{ "road", "最近的道路", FMT_TEXT, 0 },
	{ "road_m", "道路距离 (米)", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col code_cols[] = {
	{ "kind", "类型", FMT_LABEL, 0 },
	{ "code", "代码", FMT_TEXT, 0 },
	{ "name", "名称", FMT_TEXT, 0 },
	{ "full_name", "全称", FMT_TEXT, 0 },
	{ "lon", "经度", FMT_TEXT, 0 },
	{ "lat", "纬度", FMT_TEXT, 0 },
	{ "grid", "网格", FMT_TEXT, 0 },
	{ "area_class", "区域类别", FMT_TEXT, 0 },
	{ "community", "社区代码", FMT_TEXT, 0 },
	{ "community_name", "社区", FMT_TEXT, 0 },
	{ "street", "街道代码", FMT_TEXT, 0 },
	{ "street_name", "街道", FMT_TEXT, 0 },
	{ NULL, NULL, 0, 0 }
};

static const struct cli_col class_cols[] = {
	{ "kind", "类型", FMT_LABEL, 0 },
	{ "code", "代码", FMT_TEXT, 0 },
	{ "name", "名称", FMT_TEXT, 16 },
	{ "major_name", "大类", FMT_TEXT, 10 },
	{ "department_name", "默认部门", FMT_TEXT, 20 },
	{ "limit", "时限", FMT_TEXT, 0 },
	{ "unit", "单位", FMT_LABEL, 0 },
	{ NULL, NULL, 0, 0 }
};

void
cli_geo_search_print(json_t *r)
{
	cli_print_table(r, geo_cols);
}

void
cli_geo_at_print(json_t *r)
{
	cli_print_record(r, at_cols);
}

void
cli_geo_code_print(json_t *r)
{
	cli_print_record(r, code_cols);
}

void
cli_class_list_print(json_t *r)
{
	cli_print_table(r, class_cols);
}
