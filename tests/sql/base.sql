-- Base data: every layer is a plain PostGIS table or view with a key
-- and a GiST index, listed in citygrid-data(7) LAYERS; revisions and
-- history of components and grids; cases keep their component's
-- revision; the import's geometry reading, repair and comparison.
\set QUIET 1
\set layers `sed -n '/^\.Sh LAYERS/,/^\.Sh [A-Z]/s/^\.It Li \([a-z_]*\) Ta Li \([a-z_,]*\) Ta.*/\1 \2/p' :'top'/man/citygrid-data.7 | tr '\n' ';'`
\set dongcheng `cat :'top'/tests/data/grid-dongcheng.geojson`
BEGIN;
SET client_min_messages = warning;

-- The layers the man page names: "name key" pairs.
CREATE TEMP TABLE layer AS
SELECT split_part(l, ' ', 1) AS name, split_part(l, ' ', 2) AS key
FROM regexp_split_to_table(:'layers', ';') l WHERE l <> '';

-- Every relation with a geometry column, and the table under a view.
CREATE TEMP TABLE geo AS
SELECT g.f_table_name AS name, g.f_geometry_column AS col, g.srid, c.relkind,
       coalesce((SELECT min(t.relname) FROM pg_depend d JOIN pg_rewrite w ON w.oid = d.objid
		JOIN pg_class t ON t.oid = d.refobjid AND t.relkind = 'r' AND t.oid <> c.oid
		JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = g.f_geometry_column
		JOIN pg_type ty ON ty.oid = a.atttypid AND ty.typname = 'geometry'
		WHERE w.ev_class = c.oid AND d.classid = 'pg_rewrite'::regclass
		  AND t.relname IN (SELECT replace(c.relname, '_current', ''))),
		c.relname) AS base
FROM geometry_columns g
JOIN pg_class c ON c.relname = g.f_table_name
JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'public'
WHERE g.f_table_schema = 'public';

SELECT plan(31);

SELECT cmp_ok((SELECT count(*)::int FROM layer), '>=', 12, 'citygrid-data(7) LAYERS names the layers');
SELECT is((SELECT string_agg(name, ', ' ORDER BY name) FROM geo
           WHERE name NOT IN (SELECT name FROM layer)), NULL,
          'every relation with geometry is in LAYERS');
SELECT is((SELECT string_agg(name, ', ' ORDER BY name) FROM layer
           WHERE name NOT IN (SELECT name FROM geo)), NULL,
          'every layer in LAYERS exists and has geometry');
SELECT is((SELECT string_agg(name, ', ' ORDER BY name) FROM geo WHERE srid <> 4490), NULL,
          'every layer is in CGCS2000 (SRID 4490), declared so QGIS needs no set-up');
SELECT is((SELECT string_agg(g.name, ', ' ORDER BY g.name) FROM geo g WHERE g.relkind = 'r'
           AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = g.name::regclass
                           AND i.indisprimary)), NULL,
          'every table layer has a primary key');
SELECT is((SELECT string_agg(g.name, ', ' ORDER BY g.name) FROM geo g JOIN layer l USING (name)
           WHERE g.relkind = 'r' AND (SELECT string_agg(a.attname, ',' ORDER BY k.n)
			FROM pg_index i CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY k (att, n)
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.att
			WHERE i.indrelid = g.name::regclass AND i.indisprimary) <> l.key), NULL,
          'LAYERS gives each table''s primary key');
SELECT is((SELECT string_agg(g.name, ', ' ORDER BY g.name) FROM geo g
           WHERE NOT EXISTS (SELECT 1 FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
			JOIN pg_am am ON am.oid = x.relam AND am.amname = 'gist'
			JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
			WHERE i.indrelid = g.base::regclass AND a.attname = g.col)), NULL,
          'every layer has a GiST index on its geometry (a view: on its table''s)');
SELECT is((SELECT string_agg(g.name, ', ' ORDER BY g.name) FROM geo g
           WHERE g.relkind = 'v' AND g.base = g.name), NULL,
          'every view layer rests on one table');

-- A view's key is unique in the view.
SELECT is((SELECT count(*) - count(DISTINCT code) FROM grid_current), 0::bigint,
          'grid_current: code is a key');
SELECT is((SELECT count(*) - count(DISTINCT id) FROM component_current), 0::bigint,
          'component_current: id is a key');
SELECT is((SELECT count(*) - count(DISTINCT id) FROM address_current), 0::bigint,
          'address_current: id is a key');
SELECT is((SELECT count(*) FROM grid_current), (SELECT count(*) FROM grid
           WHERE termination_date IS NULL OR termination_date > current_date),
          'grid_current holds the grids in force');

-- History: revision 1 of every component and grid is there.
SELECT is((SELECT count(*) FROM component c WHERE NOT EXISTS (SELECT 1 FROM component_history h
           WHERE h.component = c.id AND h.revision = c.revision)), 0::bigint,
          'every component has its current revision in the history');
SELECT is((SELECT count(*) FROM grid g WHERE NOT EXISTS (SELECT 1 FROM grid_history h
           WHERE h.code = g.code AND h.revision = g.revision)), 0::bigint,
          'every grid has its current revision in the history');

CREATE TEMP TABLE pick AS
SELECT id, grid, revision, geom FROM component
WHERE GeometryType(geom) = 'POINT' AND retired_at IS NULL ORDER BY id LIMIT 1;

UPDATE component SET note = note WHERE id = (SELECT id FROM pick);
SELECT is((SELECT revision FROM component WHERE id = (SELECT id FROM pick)),
          (SELECT revision FROM pick), 'an update that changes nothing makes no revision');

-- A case about it, then a move.
INSERT INTO cases (case_no, version, kind, class_code, source, state, grid, geom, description, component)
SELECT 'TBASE1', c.version, 'component', c.class_code, 'hotline', 'reported', c.grid, c.geom, 'x', c.id
FROM component c WHERE c.id = (SELECT id FROM pick);
SELECT is((SELECT component_revision FROM cases WHERE case_no = 'TBASE1'), (SELECT revision FROM pick),
          'a new case takes the component''s revision');
SELECT cg_base_actor(NULL, '测试', '测量更正', NULL);
UPDATE component SET geom = ST_Translate(geom, 0.000001, 0) WHERE id = (SELECT id FROM pick);
SELECT is((SELECT revision FROM component WHERE id = (SELECT id FROM pick)),
          (SELECT revision + 1 FROM pick), 'a move makes a new revision');
SELECT is((SELECT change || ' ' || actor_name || ' ' || reason FROM component_history
           WHERE component = (SELECT id FROM pick) ORDER BY revision DESC LIMIT 1),
          'move 测试 测量更正', 'its history says what, who and why');
SELECT is((SELECT component_revision FROM cases WHERE case_no = 'TBASE1'), (SELECT revision FROM pick),
          'the case keeps the revision it was about');
SELECT throws_ok($$UPDATE component_history SET reason = '' WHERE component = (SELECT id FROM pick)$$,
          '42501', NULL, 'component_history is append-only');
SELECT throws_ok($$DELETE FROM grid_history$$, '42501', NULL, 'grid_history is append-only');
SELECT throws_ok($$DELETE FROM grid WHERE code = '110101001001001'$$, '42501', NULL,
          'a grid is never deleted');
SELECT throws_ok($$UPDATE cases SET component_revision = 999 WHERE case_no = 'TBASE1'$$,
          '23503', NULL, 'a case points at a revision that exists');

-- Codes for new grids: the community's next serials, never reused.
SELECT is(cg_grid_next_codes('110101001001', 2), ARRAY(SELECT '110101001001' ||
          lpad((max(right(code, 3)::int) + i)::text, 3, '0') FROM grid, generate_series(1, 2) i
          WHERE community = '110101001001' GROUP BY i ORDER BY i),
          'new grid codes continue the community''s serials');
SELECT throws_like($$SELECT cg_grid_next_codes('110101001001', 990)$$, '%最大 999%',
          'serials stop at 999');

-- Geometry of imported features.
SELECT ok(cg_geom_same(ST_GeomFromText('POINT(116.4 39.9)', 4490),
          ST_GeomFromText('POINT(116.400000001 39.9)', 4490)), 'within 1e-8 degree is the same');
SELECT ok(NOT cg_geom_same(ST_GeomFromText('POINT(116.4 39.9)', 4490),
          ST_GeomFromText('POINT(116.40001 39.9)', 4490)), 'a metre off is a change');
SELECT is((SELECT (x).repaired IS NOT NULL AND (x).err IS NULL AND ST_IsValid((x).g)
           FROM (SELECT cg_import_geom(jsonb_build_object('geometry', f->'geometry'), 2, true) x
                 FROM jsonb_array_elements((:'dongcheng')::jsonb->'features') f) s), true,
          'the Dongcheng outline''s ring is repaired');
SELECT is((SELECT abs(ST_Area((x).g) - ST_Area(ST_SetSRID(ST_GeomFromGeoJSON(f->'geometry'), 4490)))
           < 1e-9 FROM (SELECT f, cg_import_geom(jsonb_build_object('geometry', f->'geometry'), 2, true) x
                 FROM jsonb_array_elements((:'dongcheng')::jsonb->'features') f) s), true,
          '  keeping its area');
SELECT alike((cg_import_geom('{"geometry": {"type": "Polygon", "coordinates":
          [[[116.39, 39.92], [116.40, 39.93], [116.40, 39.92], [116.39, 39.93], [116.39, 39.92]]]}}',
          2, true)).err, '几何图形无效, 无法安全修复: Self-intersection%',
          'a bow tie is refused, not "repaired" into something else');
SELECT alike((cg_import_geom('{"geometry": {"type": "Point", "coordinates": [116.39, 39.92]}}',
          2, true)).err, '几何类型须为面%', 'a grid must be a polygon');

SELECT * FROM finish();
ROLLBACK;
