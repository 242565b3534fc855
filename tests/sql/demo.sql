-- The demo district 北京市东城区 (110101) as loaded by citygrid-db demo:
-- divisions, grids, collectors, components and addresses.
-- Run by tests/run with -v top=<checkout>.
\set divisions_csv `cat :'top'/schema/data/divisions-110101.csv`
BEGIN;
SELECT plan(43);

-- Area in m2 measured in the coordinate plane, with the lengths of a
-- degree at 39.9N.  The tiling residuals are measured this way: the
-- geodesic area of a sliver between two runs of one straight edge, one
-- with an extra vertex, is not zero (a 1 km east-west edge bulges 16 mm
-- as a geodesic), and would hide what these tests look for.
CREATE FUNCTION pg_temp.m2(g geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT ST_Area(g) * 85518 * 111033 $$;

-- Divisions: what the CSV lists, nothing else.
SELECT is((SELECT count(*)::integer FROM division WHERE level = 'district'), 1, 'one district');
SELECT is((SELECT count(*)::integer FROM division WHERE level = 'street'), 17, '17 streets');
SELECT is((SELECT count(*)::integer FROM division WHERE level = 'community'), 169, '169 communities');
SELECT set_eq(
	'SELECT code, level, name, coalesce(parent, '''') AS parent FROM division',
	$$SELECT split_part(l, ',', 1) AS code, split_part(l, ',', 2) AS level,
		 split_part(l, ',', 3) AS name, split_part(l, ',', 4) AS parent
	  FROM regexp_split_to_table(replace($$ || quote_literal(:'divisions_csv') || $$, E'\r', ''), E'\n')
	       WITH ORDINALITY t(l, n)
	  WHERE n > 1 AND l <> ''$$,
	'divisions are exactly the rows of divisions-110101.csv');
SELECT is((SELECT count(*)::integer FROM division
	   WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(geom) OR GeometryType(geom) <> 'MULTIPOLYGON'), 0,
	'every division is a valid, non-empty MultiPolygon');
SELECT cmp_ok((SELECT ST_Area(geom::geography) FROM division WHERE code = '110101'), '>', 41.8e6::float8,
	'the district outline keeps its 41.85 km2 after repair');

-- Partitions: the union of the children equals the parent (area of the
-- symmetric difference under 1 m2) and children overlap by under 1 m2
-- in all.
SELECT cmp_ok((SELECT pg_temp.m2(ST_SymDifference(ST_Union(s.geom), d.geom))
	       FROM division s, division d
	       WHERE s.level = 'street' AND d.code = '110101' GROUP BY d.geom), '<', 1.0::float8,
	'streets cover the district exactly');
SELECT cmp_ok((SELECT coalesce(sum(pg_temp.m2(ST_Intersection(a.geom, b.geom))), 0)
	       FROM division a JOIN division b ON a.code < b.code AND a.geom && b.geom
	       WHERE a.level = 'street' AND b.level = 'street'
		 AND ST_Relate(a.geom, b.geom, '2********')), '<', 1.0::float8,
	'streets do not overlap');
SELECT cmp_ok((SELECT max(x.a) FROM (
		SELECT pg_temp.m2(ST_SymDifference(ST_Union(c.geom), s.geom)) AS a
		FROM division c JOIN division s ON s.code = c.parent
		WHERE c.level = 'community' GROUP BY s.code, s.geom) x), '<', 1.0::float8,
	'communities cover their street exactly');
SELECT cmp_ok((SELECT coalesce(sum(pg_temp.m2(ST_Intersection(a.geom, b.geom))), 0)
	       FROM division a JOIN division b ON a.code < b.code AND a.geom && b.geom
	       WHERE a.level = 'community' AND b.level = 'community'
		 AND ST_Relate(a.geom, b.geom, '2********')), '<', 1.0::float8,
	'communities do not overlap');
SELECT cmp_ok((SELECT min(ST_Area(geom::geography)) FROM division WHERE level = 'community'),
	'>', 50000.0::float8, 'every community is at least 5 ha');
SELECT is((SELECT count(*)::integer FROM division WHERE level <> 'district'
	   AND 4 * pi() * ST_Area(geom::geography) / ST_Perimeter(geom::geography) ^ 2 < 0.2), 0,
	'no street or community is a sliver (isoperimetric quotient under 0.2)');

-- Grids tile the district and each lies in its community.
SELECT cmp_ok((SELECT pg_temp.m2(ST_SymDifference(ST_Union(g.geom), d.geom))
	       FROM grid g, division d WHERE d.code = '110101' GROUP BY d.geom), '<', 1.0::float8,
	'grids cover the district exactly');
SELECT cmp_ok((SELECT coalesce(sum(pg_temp.m2(ST_Intersection(a.geom, b.geom))), 0)
	       FROM grid a JOIN grid b ON a.code < b.code AND a.geom && b.geom
	       WHERE ST_Relate(a.geom, b.geom, '2********')), '<', 1.0::float8,
	'grids do not overlap');
SELECT is((SELECT count(*)::integer FROM grid g JOIN division c ON c.code = g.community
	   WHERE pg_temp.m2(ST_Difference(g.geom, c.geom)) > 0.01), 0,
	'every grid lies in its community (less than 0.01 m2 outside)');
SELECT is((SELECT count(*)::integer FROM grid g LEFT JOIN division c ON c.code = g.community
	   WHERE c.level IS DISTINCT FROM 'community' OR left(g.code, 12) <> g.community
	      OR cg_grid_error(g.code) IS NOT NULL), 0,
	'every grid code is valid and starts with its community code');
SELECT is((SELECT count(*)::integer FROM (
		SELECT community FROM grid GROUP BY community
		HAVING max(right(code, 3)::integer) <> count(*)) x), 0,
	'grid serials run 001..n in every community');
SELECT is((SELECT count(*)::integer FROM division c WHERE c.level = 'community'
	   AND NOT EXISTS (SELECT 1 FROM grid g WHERE g.community = c.code)), 0,
	'every community has grids');
-- The size rule: grids are cut from a 100 m lattice and pieces under
-- 5,000 m2 merged, so at least 99% are 5,000-15,000 m2 and none is
-- outside 3,000-20,000 m2.
SELECT cmp_ok((SELECT avg((area_m2 BETWEEN 5000 AND 15000)::integer) FROM grid), '>=', 0.99::numeric,
	'at least 99% of grids are 5,000-15,000 m2');
SELECT is((SELECT count(*)::integer FROM grid WHERE area_m2 NOT BETWEEN 3000 AND 20000), 0,
	'every grid is 3,000-20,000 m2');
SELECT is((SELECT count(*)::integer FROM grid
	   WHERE abs(area_m2 - ST_Area(geom::geography)) > 0.01 OR NOT ST_IsValid(geom)), 0,
	'area_m2 is the geodesic area of a valid geometry');
SELECT is((SELECT area_class FROM cg_locate(116.3930, 39.9060)), 'A', '天安门东 is area class A');
SELECT is((SELECT area_class FROM cg_locate(116.4070, 39.9527)), 'C', '地坛公园 is area class C');
SELECT is((SELECT area_class FROM cg_locate(116.4215, 39.9300)), 'B', '朝阳门北小街 is area class B');

-- cg_locate: an interior point of a grid finds that grid; a point
-- outside the district finds nothing.
SELECT is((SELECT count(*)::integer FROM (
		SELECT g.code, ST_PointOnSurface(g.geom) AS p FROM grid g
		ORDER BY md5(g.code) LIMIT 50) s
	   WHERE (SELECT l.grid FROM cg_locate(ST_X(s.p), ST_Y(s.p)) l) IS DISTINCT FROM s.code), 0,
	'cg_locate finds the grid of 50 interior points');
SELECT is((SELECT street || ' ' || community FROM cg_locate(116.4105, 39.9468)),
	(SELECT c.parent || ' ' || c.code FROM grid g JOIN division c ON c.code = g.community
	 WHERE ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(116.4105, 39.9468), 4490))
	 ORDER BY g.code LIMIT 1),
	'cg_locate gives the community and street of the grid');
SELECT is_empty('SELECT * FROM cg_locate(116.30, 39.90)', 'cg_locate finds nothing outside the district');

-- Departments and operators.
SELECT is((SELECT count(*)::integer FROM department d JOIN division s ON s.code = d.street
	   WHERE d.kind = 'street' AND s.level = 'street'), 17, 'a street office for every street');
SELECT is((SELECT count(*)::integer FROM department WHERE kind = 'center'), 2,
	'the supervision and command centres');
SELECT is((SELECT count(*)::integer FROM class_code k
	   WHERE k.version = 'CJT214-2007' AND NOT EXISTS (
		SELECT 1 FROM class_department cd
		WHERE (cd.version, cd.kind, cd.class_code) = (k.version, k.kind, k.code))), 0,
	'every CJT214-2007 class has a default department');
SELECT set_has('SELECT unix_user, roles[1] FROM operator',
	$$VALUES ('root', 'admin'), ('admin1', 'admin'), ('seat1', 'seat'), ('seat2', 'seat'),
		 ('super1', 'supervisor'), ('disp1', 'dispatcher')$$,
	'the console operators exist with their roles');
SELECT is((SELECT count(DISTINCT d.code)::integer FROM operator o JOIN department d ON d.id = o.department
	   WHERE 'dept' = ANY (o.roles) AND d.code IN ('HWZX', 'CGW', 'YLJ', 'ZFJ', 'PSJT')), 5,
	'department users for 环卫, 市政, 园林, 城管执法 and 排水');

-- Collectors.
SELECT is((SELECT count(*)::integer FROM grid g
	   WHERE (SELECT count(*) FROM collector_grid cg WHERE cg.grid = g.code) <> 1), 0,
	'every grid has exactly one collector');
SELECT ok((SELECT count(*) BETWEEN 40 AND 60 FROM collector), '40 to 60 collectors');
SELECT is((SELECT count(*)::integer FROM collector k
	   WHERE (SELECT count(DISTINCT substr(cg.grid, 1, 9)) FROM collector_grid cg
		  WHERE cg.collector = k.id) <> 1
	      OR (SELECT count(*) FROM handheld h WHERE h.collector = k.id) <> 1), 0,
	'every collector patrols grids of one street and carries one handheld');

-- Components.
SELECT cmp_ok((SELECT count(*)::integer FROM component), '>=', 4000, 'several thousand components');
SELECT is((SELECT count(*)::integer FROM component c
	   WHERE cg_component_id_error(c.version, c.id) IS NOT NULL
	      OR cg_component_class(c.id) <> c.class_code OR NOT ST_IsValid(c.geom)
	      OR NOT EXISTS (SELECT 1 FROM grid g WHERE g.code = c.grid AND ST_Covers(g.geom, c.geom))), 0,
	'every component has a valid id and geometry covered by its grid');
SELECT is((SELECT count(*)::integer FROM component c
	   WHERE NOT EXISTS (SELECT 1 FROM class_code k
			     WHERE (k.version, k.kind, k.code) = (c.version, c.kind, c.class_code))), 0,
	'every component class exists');
SELECT is((SELECT count(*)::integer FROM (
		SELECT class_code FROM component GROUP BY class_code
		HAVING max(right(id, 6)::integer) <> count(*)) x), 0,
	'component serials run 000001..n in every class');
SELECT set_eq('SELECT DISTINCT left(class_code, 2) FROM component',
	$$VALUES ('01'), ('02'), ('03'), ('04'), ('05'), ('06')$$, 'components of every major class');
SELECT set_eq('SELECT DISTINCT GeometryType(geom) FROM component',
	$$VALUES ('POINT'), ('LINESTRING'), ('POLYGON')$$, 'point, line and polygon components');

-- Addresses.
SELECT is((SELECT count(*)::integer FROM address a JOIN grid g ON g.code = a.grid
	   WHERE a.community = g.community AND ST_Intersects(g.geom, a.geom)
	     AND (a.kind NOT IN ('door', 'poi') OR ST_Covers(g.geom, a.geom))),
	(SELECT count(*)::integer FROM address),
	'every address has the grid and community of a grid it lies in');
SELECT set_has('SELECT kind, count(*) >= 0 FROM address GROUP BY kind HAVING count(*) >= 20',
	$$VALUES ('road', true), ('door', true), ('poi', true), ('area', true)$$,
	'roads, door plates, landmarks and areas, 20 or more of each');

SELECT * FROM finish();
ROLLBACK;
