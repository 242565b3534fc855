/*
 * cmd-geo.c: geocoding (地理编码, CJ/T 215) and the class table: an
 * address, place, pinyin initials or code to a place with its grid,
 * community and street (geo.search, geo.code), a point back to its grid
 * and the nearest address and road (geo.at), outlines for maps
 * (geo.outline).  PostgreSQL does the searching (pg_trgm and PostGIS
 * indexes), never a scan here.
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

/*
 * The searching is SQL's (schema/022-geo-search.sql): cg_geo_search()
 * normalises the text and matches it through the trigram indexes on
 * address.search_key and search_initials, cg_geo_at() finds the grid
 * and the nearest address and road through the GiST indexes,
 * cg_geo_code() looks a code up.
 */
static const char geo_search_sql[] = "SELECT * FROM cg_geo_search($1, $2::integer)";
static const char geo_at_sql[] = "SELECT * FROM cg_geo_at($1::float8, $2::float8)";
static const char geo_code_sql[] = "SELECT * FROM cg_geo_code($1)";

/* Outlines simplified for drawing; grids a street at a time fit a frame. */
static const char geo_outline_sql[] =
    "SELECT (SELECT ST_AsGeoJSON(ST_SimplifyPreserveTopology(geom, 0.0002), 5)::json"
    "  FROM division WHERE level = 'district' ORDER BY code LIMIT 1) AS district,"
    " $1::text AS level,"
    " coalesce((SELECT json_agg(json_build_object('code', s.code, 'name', s.name,"
    "   'geometry', ST_AsGeoJSON(ST_SimplifyPreserveTopology(s.geom, 0.0001), 5)::json)"
    "   ORDER BY s.code)"
    "  FROM (SELECT code, name, geom FROM division WHERE level = $1 AND code LIKE $2 || '%'"
    "   UNION ALL SELECT code, '' AS name, geom FROM grid WHERE $1 = 'grid'"
    "   AND code LIKE $2 || '%'"
    "   AND (termination_date IS NULL OR termination_date > current_date)) s), '[]') AS outlines";

static const char class_list_sql[] =
    "SELECT k.kind, k.code, k.name, k.major, k.major_name, d.code AS department,"
    " d.name AS department_name, f.code AS condition, f.condition AS condition_text,"
    " f.limit_b AS limit, f.limit_unit AS unit, f.urgent"
    " FROM class_code k"
    " LEFT JOIN class_department cd ON cd.version = k.version AND cd.kind = k.kind"
    "  AND cd.class_code = k.code"
    " LEFT JOIN department d ON d.id = cd.department"
    " LEFT JOIN LATERAL (SELECT * FROM filing_condition x WHERE x.version = k.version"
    "  AND x.kind = k.kind AND x.class_code = k.code ORDER BY x.code LIMIT 1) f ON true"
    " WHERE k.version = $1 AND ($2::text IS NULL OR k.kind = $2)"
    " ORDER BY k.kind, k.code";

/* geo.search {text, limit}: addresses and places, best first. */
void
cmd_geo_search(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[2], *text = arg_str(args, "text");
	json_t *lim = json_object_get(args, "limit");
	char buf[16];
	int limit = json_is_integer(lim) ? (int)json_integer_value(lim) : 20;

	if (text == NULL || text[strspn(text, " \t")] == '\0') {
		cmd_req_error(r, PE_INVALID, "须给出要查找的地址、地名、拼音首字母或代码 (text)");
		return;
	}
	if (strlen(text) > 200) {
		cmd_req_error(r, PE_INVALID, "要查找的文字太长 (至多 200 字节)");
		return;
	}
	if (lim != NULL && !json_is_integer(lim)) {
		cmd_req_error(r, PE_INVALID, "limit 须为整数");
		return;
	}
	if (limit < 1 || limit > 200) {
		cmd_req_error(r, PE_INVALID, "limit 须在 1 到 200 之间");
		return;
	}
	snprintf(buf, sizeof buf, "%d", limit);
	params[0] = text;
	params[1] = buf;
	cmd_query(r, geo_search_sql, 2, params, cmd_rows_done);
}

/* geo.at {lon, lat}: grid, community, street, nearest address and road. */
void
cmd_geo_at(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	json_t *lon = json_object_get(args, "lon"), *lat = json_object_get(args, "lat");
	char x[32], y[32];
	const char *params[2];
	double lo, la;

	if (!json_is_number(lon) || !json_is_number(lat)) {
		cmd_req_error(r, PE_INVALID, "须给出经纬度 (lon, lat)");
		return;
	}
	lo = json_number_value(lon);
	la = json_number_value(lat);
	if (!(lo >= -180 && lo <= 180 && la >= -90 && la <= 90)) {
		cmd_req_error(r, PE_INVALID, "经纬度超出范围: 经度须在 -180 到 180, 纬度须在 -90 到 90 之间");
		return;
	}
	snprintf(x, sizeof x, "%.8f", lo);
	snprintf(y, sizeof y, "%.8f", la);
	params[0] = x;
	params[1] = y;
	r->p1 = xstrdup("该位置所在的网格");
	cmd_query(r, geo_at_sql, 2, params, cmd_row_done);
}

/* geo.code {code}: a component, grid, address or division by its code. */
void
cmd_geo_code(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *code = arg_str(args, "code");
	if (code == NULL || *code == '\0') {
		cmd_req_error(r, PE_INVALID, "须给出部件标识码、网格、地址或区划代码 (code)");
		return;
	}
	if (strlen(code) > 100) {	/* 32 characters, full-width ones too */
		cmd_req_error(r, PE_INVALID, "代码太长: 部件标识码、网格、地址和区划代码至多 32 个字符");
		return;
	}
	xasprintf(&r->p1, "代码为 %s 的部件、网格、地址或区划", code);
	cmd_query(r, geo_code_sql, 1, &code, cmd_row_done);
}

/* geo.outline {level, within}: outlines as GeoJSON for maps. */
void
cmd_geo_outline(struct client *c, uint64_t id, json_t *args)
{
	static const char *const levels[] = { "district", "street", "community", "grid", NULL };
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[2], *level = arg_str(args, "level"), *within = arg_str(args, "within");
	int i;

	if (level == NULL)
		level = "street";
	for (i = 0; levels[i] != NULL && strcmp(levels[i], level) != 0; i++)
		;
	if (levels[i] == NULL) {
		cmd_req_error(r, PE_INVALID, "level 须为 district, street, community 或 grid");
		return;
	}
	if (within != NULL && strspn(within, "0123456789") != strlen(within)) {
		cmd_req_error(r, PE_INVALID, "within 须为区划或网格代码的前缀: %s", within);
		return;
	}
	params[0] = level;
	params[1] = within != NULL ? within : "";
	cmd_query(r, geo_outline_sql, 2, params, cmd_row_done);
}

/* class.list {kind}: the classes of the deployment's standard. */
void
cmd_class_list(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[2];

	params[0] = cfg.standard;
	params[1] = arg_str(args, "kind");
	cmd_query(r, class_list_sql, 2, params, cmd_rows_done);
}
