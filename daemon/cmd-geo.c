/*
 * cmd-geo.c: places for the consoles: address search, what is at a
 * point, and the class table of the deployment's standard.  PostgreSQL
 * does the searching (pg_trgm, PostGIS indexes); the geocoding
 * subsystem proper (CJ/T 215) grows from here.
 */
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

/* Full-width digits and letters are folded first, as callers type them. */
static const char geo_search_sql[] =
    "WITH q AS (SELECT translate($1, '０１２３４５６７８９－（）', '0123456789-()') AS t)"
    " SELECT a.id, a.kind, a.name, a.full_name, ST_X(ST_PointOnSurface(a.geom)) AS lon,"
    " ST_Y(ST_PointOnSurface(a.geom)) AS lat, a.grid, g.area_class, cm.code AS community,"
    " cm.name AS community_name, st.code AS street, st.name AS street_name,"
    " round(word_similarity(q.t, a.full_name)::numeric, 3) AS score"
    " FROM q, address a"
    " LEFT JOIN grid g ON g.code = a.grid"
    " LEFT JOIN division cm ON cm.code = a.community"
    " LEFT JOIN division st ON st.code = cm.parent"
    " WHERE (q.t <% a.full_name OR a.full_name LIKE '%' || q.t || '%')"
    "  AND (a.valid_to IS NULL OR a.valid_to > current_date)"
    " ORDER BY a.full_name LIKE '%' || q.t || '%' DESC, word_similarity(q.t, a.full_name) DESC,"
    "  length(a.full_name), a.id"
    " LIMIT $2::integer";

static const char geo_at_sql[] =
    "SELECT l.grid, l.area_class, l.community, l.community_name, l.street, l.street_name,"
    " (SELECT a.full_name FROM address a WHERE a.kind IN ('door', 'poi')"
    "  ORDER BY a.geom <-> ST_SetSRID(ST_MakePoint($1::float8, $2::float8), 4490) LIMIT 1) AS nearest"
    " FROM cg_locate($1::float8, $2::float8) l";

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

	if (text == NULL || *text == '\0') {
		cmd_req_error(r, PE_INVALID, "须给出要查找的地址 (text)");
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

/* geo.at {lon, lat}: grid, community, street and the nearest address. */
void
cmd_geo_at(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	json_t *lon = json_object_get(args, "lon"), *lat = json_object_get(args, "lat");
	char x[32], y[32];
	const char *params[2];

	if (!json_is_number(lon) || !json_is_number(lat)) {
		cmd_req_error(r, PE_INVALID, "须给出经纬度 (lon, lat)");
		return;
	}
	snprintf(x, sizeof x, "%.8f", json_number_value(lon));
	snprintf(y, sizeof y, "%.8f", json_number_value(lat));
	params[0] = x;
	params[1] = y;
	r->p1 = xstrdup("该位置所在的网格");
	cmd_query(r, geo_at_sql, 2, params, cmd_row_done);
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
