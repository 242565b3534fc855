-- 029: the importers, faster and closer to the demo's rules.
--
-- The staging table of an import gets indexes on its keys (duplicate
-- and retirement checks were quadratic: a minute for 5,000 components);
-- geometry of the same dimension within 1e-8 degree is the same, so a
-- MultiLineString of one part read back as a LineString is no change;
-- an address keeps its grid while its geometry is the same, and
-- otherwise takes the grid of its representative point as the demo
-- does (cg_address_point: a line's midpoint, an area's centre).

-- The point an address is located by.
CREATE FUNCTION cg_address_point(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN GeometryType(g) = 'LINESTRING' THEN ST_LineInterpolatePoint(g, 0.5)
	WHEN GeometryType(g) = 'MULTILINESTRING' AND GeometryType(ST_LineMerge(g)) = 'LINESTRING'
		THEN ST_LineInterpolatePoint(ST_LineMerge(g), 0.5)
	WHEN ST_Dimension(g) = 2 AND ST_Covers(g, ST_Centroid(g)) THEN ST_Centroid(g)
	ELSE ST_PointOnSurface(g) END
$$;

CREATE OR REPLACE FUNCTION cg_geom_same(a geometry, b geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
	WHEN ST_OrderingEquals(a, b) THEN true
	WHEN ST_Dimension(a) <> ST_Dimension(b) THEN false
	ELSE ST_HausdorffDistance(a, b) <= cg_base_tol('same') END
$$;

CREATE OR REPLACE FUNCTION cg_import_tables() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	IF to_regclass('pg_temp.imp_row') IS NOT NULL THEN
		DROP TABLE pg_temp.imp_row, pg_temp.imp_err, pg_temp.imp_retire;
	END IF;
	IF to_regclass('pg_temp.imp_state') IS NOT NULL THEN
		DROP TABLE pg_temp.imp_state;
	END IF;
	-- one row a feature: key, mapped fields (a), geometry, verdict
	CREATE TEMPORARY TABLE imp_row (
		n         integer PRIMARY KEY,
		key       text,
		a         jsonb NOT NULL DEFAULT '{}',
		geom      geometry,
		repaired  text,
		status    text,		-- added, changed, unchanged
		fields    text[],
		target    text		-- the existing row's key
	) ON COMMIT DROP;
	CREATE INDEX ON pg_temp.imp_row (key);
	CREATE INDEX ON pg_temp.imp_row (target);
	CREATE TEMPORARY TABLE imp_err (
		seq      serial,
		n        integer,
		key      text,
		message  text NOT NULL,
		warning  boolean NOT NULL DEFAULT false
	) ON COMMIT DROP;
	CREATE TEMPORARY TABLE imp_retire (key text PRIMARY KEY) ON COMMIT DROP;
END
$$;

CREATE OR REPLACE FUNCTION cg_regrid(p_codes text[], p_actor integer, p_actor_name text, p_reason text)
RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	nc integer := 0;
	nk integer := 0;
	na integer := 0;
BEGIN
	PERFORM cg_base_actor(p_actor, p_actor_name, p_reason, 'regrid');
	FOR r IN
		SELECT m.id, m.grid, (SELECT g.code FROM grid g
			WHERE cg_grid_active(g.termination_date) AND g.geom && m.geom
			  AND ST_Covers(g.geom, m.geom) ORDER BY g.code LIMIT 1) AS target
		FROM component m JOIN grid o ON o.code = m.grid
		WHERE m.grid = ANY (p_codes) AND m.retired_at IS NULL
		  AND (NOT cg_grid_active(o.termination_date) OR NOT ST_Covers(o.geom, m.geom))
		ORDER BY m.id
	LOOP
		IF r.target IS NULL THEN
			RAISE EXCEPTION '部件 % 不在任何一个网格内 (跨越新网格的边界, 或在网格之外), 未做任何改动', r.id
				USING ERRCODE = 'CGINV';
		END IF;
		UPDATE component SET grid = r.target WHERE id = r.id;
		nc := nc + 1;
	END LOOP;
	FOR r IN
		SELECT c.id, c.case_no, c.state, c.grid, c.row_version, (SELECT g.code FROM grid g
			WHERE cg_grid_active(g.termination_date) AND g.geom && c.geom
			  AND ST_Covers(g.geom, c.geom) ORDER BY g.code LIMIT 1) AS target
		FROM cases c JOIN case_state s ON s.state = c.state AND s.open
		JOIN grid o ON o.code = c.grid
		WHERE c.grid = ANY (p_codes) AND c.geom IS NOT NULL
		  AND (NOT cg_grid_active(o.termination_date) OR NOT ST_Covers(o.geom, c.geom))
		ORDER BY c.id
		FOR UPDATE OF c
	LOOP
		IF r.target IS NULL THEN
			RAISE EXCEPTION '案卷 % 的位置不在任何一个网格内, 未做任何改动', r.case_no
				USING ERRCODE = 'CGINV';
		END IF;
		UPDATE cases SET grid = r.target, row_version = row_version + 1,
			updated_at = now(), updated_by = p_actor
		WHERE id = r.id;
		INSERT INTO case_log (case_id, actor, actor_name, action, from_state, to_state,
			reason, detail, row_version)
		VALUES (r.id, p_actor, coalesce(p_actor_name, session_user), 'regrid', r.state,
			r.state, coalesce(p_reason, ''), jsonb_build_object('action_name', '网格调整',
			'from_grid', r.grid, 'to_grid', r.target), r.row_version + 1);
		nk := nk + 1;
	END LOOP;
	WITH m AS (
		SELECT a.id, (SELECT g.code FROM grid g
			WHERE cg_grid_active(g.termination_date) AND g.geom && a.geom
			  AND ST_Covers(g.geom, cg_address_point(a.geom)) ORDER BY g.code LIMIT 1) AS target
		FROM address a JOIN grid o ON o.code = a.grid
		WHERE a.grid = ANY (p_codes) AND (a.valid_to IS NULL OR a.valid_to > current_date)
		  AND (NOT cg_grid_active(o.termination_date)
		       OR NOT ST_Covers(o.geom, cg_address_point(a.geom))))
	UPDATE address a SET grid = m.target,
		community = (SELECT g.community FROM grid g WHERE g.code = m.target)
	FROM m WHERE a.id = m.id;
	GET DIAGNOSTICS na = ROW_COUNT;
	RETURN jsonb_build_object('components', nc, 'cases', nk, 'addresses', na);
END
$$;

CREATE OR REPLACE FUNCTION cg_import_address(s import_session, p_dry boolean, p_actor integer,
	p_actor_name text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o jsonb := s.options;
	m jsonb := coalesce(s.options->'map', '{}');
	v_within text := coalesce(o->>'within', '');
	nf integer;
BEGIN
	PERFORM cg_import_tables();
	INSERT INTO pg_temp.imp_row (n, key, a, geom, repaired)
	SELECT f.n, cg_import_prop(f.feature, m, 'id'),
	       jsonb_strip_nulls(jsonb_build_object(
		'kind', cg_import_prop(f.feature, m, 'kind'),
		'name', cg_import_prop(f.feature, m, 'name'),
		'full_name', cg_import_prop(f.feature, m, 'full_name'),
		'district', f.feature->'properties'->>coalesce(m->>'district', 'district'),
		'area_name', f.feature->'properties'->>coalesce(m->>'area_name', 'area_name'),
		'road', f.feature->'properties'->>coalesce(m->>'road', 'road'),
		'door_no', f.feature->'properties'->>coalesce(m->>'door_no', 'door_no'),
		'building', f.feature->'properties'->>coalesce(m->>'building', 'building'),
		'poi', f.feature->'properties'->>coalesce(m->>'poi', 'poi'),
		'aliases', CASE jsonb_typeof(f.feature->'properties'->coalesce(m->>'aliases', 'aliases'))
			WHEN 'array' THEN f.feature->'properties'->coalesce(m->>'aliases', 'aliases')
			WHEN 'string' THEN to_jsonb(array_remove(string_to_array(
				f.feature->'properties'->>coalesce(m->>'aliases', 'aliases'), '|'), ''))
			END,
		'valid_from', cg_import_prop(f.feature, m, 'valid_from'),
		'geom_err', x.err)), x.g, x.repaired
	FROM import_feature f, cg_import_geom(f.feature, NULL,
		coalesce((o->>'repair')::boolean, true)) x
	WHERE f.session = s.id;
	GET DIAGNOSTICS nf = ROW_COUNT;
	ANALYZE pg_temp.imp_row;

	-- The address each feature is about: by id, else by kind and full name.
	UPDATE pg_temp.imp_row r SET a = r.a || jsonb_strip_nulls(jsonb_build_object('file_id', r.key));
	UPDATE pg_temp.imp_row r SET target = a.id::text
	FROM address a
	WHERE r.key ~ '^[0-9]{1,9}$' AND a.id = r.key::integer;
	UPDATE pg_temp.imp_row r SET target = (SELECT min(a.id)::text FROM address a
		WHERE a.kind = r.a->>'kind' AND a.full_name = r.a->>'full_name'
		  AND (a.valid_to IS NULL OR a.valid_to > current_date)
		HAVING count(*) = 1)
	WHERE r.key IS NULL;
	UPDATE pg_temp.imp_row r SET key = coalesce(r.target, r.key, r.a->>'full_name');
	-- Grid and community: where the address is now if its geometry is
	-- the same and its grid in force, else from its representative point.
	UPDATE pg_temp.imp_row r SET a = r.a || jsonb_strip_nulls(jsonb_build_object('grid_to',
		coalesce((SELECT x.grid FROM address x JOIN grid g ON g.code = x.grid
			  WHERE x.id = r.target::integer AND cg_grid_active(g.termination_date)
			    AND cg_geom_same(x.geom, r.geom)),
			 (SELECT g.code FROM grid g WHERE cg_grid_active(g.termination_date)
			  AND g.geom && r.geom AND ST_Covers(g.geom, cg_address_point(r.geom))
			  ORDER BY g.code LIMIT 1))))
	WHERE r.geom IS NOT NULL;

	INSERT INTO pg_temp.imp_err (message)
	SELECT message FROM cg_import_map_errors(s.id, m);
	PERFORM cg_import_err(r.n, r.key, e.msg)
	FROM pg_temp.imp_row r LEFT JOIN address x ON x.id = r.target::integer, LATERAL (VALUES
		(r.a->>'geom_err'),
		(CASE WHEN r.a->>'file_id' !~ '^[0-9]{1,9}$' THEN
			'地址 id 须为数字: ' || (r.a->>'file_id')
		      WHEN r.a ? 'file_id' AND r.target IS NULL THEN
			'地址 id ' || (r.a->>'file_id') || ' 不存在 (新地址不要给 id)' END),
		(CASE WHEN x.id IS NULL AND r.a->>'kind' IS NULL THEN '新地址须给出类型 (字段 kind)'
		      WHEN r.a->>'kind' NOT IN ('region', 'area', 'block', 'road', 'door', 'poi') THEN
			'地址类型须为 region, area, block, road, door 或 poi: ' || (r.a->>'kind') END),
		(CASE WHEN x.id IS NULL AND r.a->>'full_name' IS NULL THEN '新地址须给出全称 (字段 full_name)' END),
		(CASE WHEN coalesce(r.a->>'kind', x.kind) IN ('door', 'poi') AND r.geom IS NOT NULL
			AND GeometryType(r.geom) <> 'POINT' THEN '门牌和兴趣点须为点, 文件中是 '
			|| GeometryType(r.geom) END),
		((cg_import_date(r.a->>'valid_from')).err),
		(CASE WHEN x.valid_to IS NOT NULL AND x.valid_to <= current_date
			THEN '地址 ' || x.id || ' 已停用' END),
		(CASE WHEN EXISTS (SELECT 1 FROM pg_temp.imp_row q WHERE q.target = r.target
			AND q.n < r.n) THEN '地址 ' || r.target || ' 在文件中重复' END)) e (msg)
	WHERE e.msg IS NOT NULL;

	UPDATE pg_temp.imp_row r SET
		fields = array_remove(ARRAY[
			CASE WHEN NOT cg_geom_same(r.geom, x.geom) THEN 'geom' END,
			CASE WHEN coalesce(r.a->>'kind', x.kind) <> x.kind THEN 'kind' END,
			CASE WHEN coalesce(r.a->>'name', x.name) <> x.name THEN 'name' END,
			CASE WHEN coalesce(r.a->>'full_name', x.full_name) <> x.full_name THEN 'full_name' END,
			CASE WHEN coalesce(r.a->>'district', x.district) <> x.district THEN 'district' END,
			CASE WHEN coalesce(r.a->>'area_name', x.area_name) <> x.area_name THEN 'area_name' END,
			CASE WHEN coalesce(r.a->>'road', x.road) <> x.road THEN 'road' END,
			CASE WHEN coalesce(r.a->>'door_no', x.door_no) <> x.door_no THEN 'door_no' END,
			CASE WHEN coalesce(r.a->>'building', x.building) <> x.building THEN 'building' END,
			CASE WHEN coalesce(r.a->>'poi', x.poi) <> x.poi THEN 'poi' END,
			CASE WHEN r.a ? 'aliases' AND ARRAY(SELECT jsonb_array_elements_text(r.a->'aliases'))
				<> x.aliases THEN 'aliases' END,
			CASE WHEN coalesce((cg_import_date(r.a->>'valid_from')).d, x.valid_from)
				<> x.valid_from THEN 'valid_from' END,
			CASE WHEN (r.a->>'grid_to') IS DISTINCT FROM x.grid THEN 'grid' END], NULL)
	FROM address x WHERE x.id = r.target::integer;
	UPDATE pg_temp.imp_row SET status = CASE WHEN target IS NULL THEN 'added'
		WHEN cardinality(fields) = 0 THEN 'unchanged' ELSE 'changed' END;
	IF coalesce((o->>'retire_missing')::boolean, false) THEN
		INSERT INTO pg_temp.imp_retire (key)
		SELECT a.id::text FROM address a
		WHERE (a.valid_to IS NULL OR a.valid_to > current_date)
		  AND coalesce(a.grid, '') LIKE v_within || '%'
		  AND NOT EXISTS (SELECT 1 FROM pg_temp.imp_row r WHERE r.target = a.id::text);
	END IF;

	IF p_dry OR EXISTS (SELECT 1 FROM pg_temp.imp_err WHERE NOT warning) THEN
		RETURN cg_import_report('address', nf, p_dry, false, NULL);
	END IF;

	INSERT INTO address (kind, name, full_name, district, area_name, road, door_no, building,
		poi, aliases, geom, grid, community, valid_from)
	SELECT r.a->>'kind', coalesce(r.a->>'name', r.a->>'full_name'), r.a->>'full_name',
	       coalesce(r.a->>'district', ''), coalesce(r.a->>'area_name', ''),
	       coalesce(r.a->>'road', ''), coalesce(r.a->>'door_no', ''),
	       coalesce(r.a->>'building', ''), coalesce(r.a->>'poi', ''),
	       coalesce(ARRAY(SELECT jsonb_array_elements_text(r.a->'aliases')), '{}'),
	       r.geom, r.a->>'grid_to', left(r.a->>'grid_to', 12),
	       coalesce((cg_import_date(r.a->>'valid_from')).d, current_date)
	FROM pg_temp.imp_row r WHERE r.status = 'added' ORDER BY r.n;
	UPDATE address x SET geom = r.geom, kind = coalesce(r.a->>'kind', x.kind),
		name = coalesce(r.a->>'name', x.name), full_name = coalesce(r.a->>'full_name', x.full_name),
		district = coalesce(r.a->>'district', x.district),
		area_name = coalesce(r.a->>'area_name', x.area_name),
		road = coalesce(r.a->>'road', x.road), door_no = coalesce(r.a->>'door_no', x.door_no),
		building = coalesce(r.a->>'building', x.building), poi = coalesce(r.a->>'poi', x.poi),
		aliases = CASE WHEN r.a ? 'aliases' THEN ARRAY(SELECT jsonb_array_elements_text(
			r.a->'aliases')) ELSE x.aliases END,
		valid_from = coalesce((cg_import_date(r.a->>'valid_from')).d, x.valid_from),
		grid = r.a->>'grid_to', community = left(r.a->>'grid_to', 12)
	FROM pg_temp.imp_row r WHERE r.status = 'changed' AND x.id = r.target::integer;
	UPDATE address a SET valid_to = current_date
	FROM pg_temp.imp_retire x WHERE a.id = x.key::integer;
	DELETE FROM import_session WHERE id = s.id;
	RETURN cg_import_report('address', nf, p_dry, true, NULL);
END
$$;
