-- 026: import and export of base data (grids, components, addresses).
--
-- The client turns any file GDAL reads into GeoJSON features (ogr2ogr)
-- and sends them in batches; the daemon stages them here, in an import
-- session, one statement a batch.  cg_import_run() then maps the fields,
-- reads the geometry (ST_GeomFromGeoJSON), validates everything against
-- the state the database would have afterwards, reports what would
-- change, and, unless it is a dry run or something is wrong, applies it:
-- all in the one statement, so in one transaction.  A bad file changes
-- nothing.  See citygrid-data(7), IMPORT AND EXPORT.

-- Staging: unlogged, since a crash loses only uploads in progress.
CREATE UNLOGGED TABLE import_session (
	id        bigserial PRIMARY KEY,
	kind      text NOT NULL CHECK (kind IN ('grid', 'component', 'address')),
	operator  integer NOT NULL REFERENCES operator,
	created   timestamptz NOT NULL DEFAULT now(),
	options   jsonb NOT NULL DEFAULT '{}'
);
CREATE UNLOGGED TABLE import_feature (
	session  bigint NOT NULL REFERENCES import_session ON DELETE CASCADE,
	n        integer NOT NULL CHECK (n > 0),
	feature  jsonb NOT NULL,
	PRIMARY KEY (session, n)
);

-- Tolerances (m2, degrees): an overlap or a piece outside a grid's
-- community counts above 1 m2, a gap above 10 m2; geometry is "the same"
-- within 1e-8 degree (about 1 mm), so text round trips are no change.
CREATE FUNCTION cg_base_tol(p_what text) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE p_what WHEN 'overlap' THEN 1.0 WHEN 'gap' THEN 10.0
		WHEN 'outside' THEN 1.0 WHEN 'same' THEN 1e-8 END::double precision
$$;

CREATE FUNCTION cg_geom_same(a geometry, b geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN a IS NULL OR b IS NULL THEN a IS NULL AND b IS NULL
	WHEN ST_OrderingEquals(a, b) THEN true
	WHEN GeometryType(a) <> GeometryType(b) THEN false
	ELSE ST_HausdorffDistance(a, b) <= cg_base_tol('same') END
$$;

CREATE FUNCTION cg_area_m2(g geometry) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT coalesce(ST_Area(g::geography), 0)
$$;

-- A new session; sessions older than a day are dropped on the way.
CREATE FUNCTION cg_import_begin(p_kind text, p_options jsonb, p_actor integer)
RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
BEGIN
	DELETE FROM import_session WHERE created < now() - interval '1 day';
	IF p_kind NOT IN ('grid', 'component', 'address') THEN
		RAISE EXCEPTION '不能导入 %: 只能导入 grid, component, address', p_kind
			USING ERRCODE = 'CGINV';
	END IF;
	INSERT INTO import_session (kind, operator, options)
	VALUES (p_kind, p_actor, coalesce(p_options, '{}'))
	RETURNING id INTO v_id;
	RETURN v_id;
END
$$;

CREATE FUNCTION cg_import_session(p_session bigint, p_actor integer) RETURNS import_session
LANGUAGE plpgsql AS $$
DECLARE
	s import_session;
BEGIN
	SELECT * INTO s FROM import_session WHERE id = p_session;
	IF NOT FOUND OR s.operator <> p_actor THEN
		RAISE EXCEPTION '导入会话 % 不存在 (已结束、过期或不是你的)', p_session
			USING ERRCODE = 'CGNOT';
	END IF;
	RETURN s;
END
$$;

-- Stage a batch: features numbered from p_first.
CREATE FUNCTION cg_import_stage(p_session bigint, p_first integer, p_features jsonb,
	p_actor integer) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	n integer;
BEGIN
	PERFORM cg_import_session(p_session, p_actor);
	IF jsonb_typeof(p_features) IS DISTINCT FROM 'array' THEN
		RAISE EXCEPTION 'features 须为数组' USING ERRCODE = 'CGINV';
	END IF;
	INSERT INTO import_feature (session, n, feature)
	SELECT p_session, p_first + (o - 1)::integer, f
	FROM jsonb_array_elements(p_features) WITH ORDINALITY t (f, o);
	GET DIAGNOSTICS n = ROW_COUNT;
	RETURN n;
EXCEPTION WHEN unique_violation THEN
	RAISE EXCEPTION '要素 % 起的这一批已经上传过', p_first USING ERRCODE = 'CGINV';
END
$$;

CREATE FUNCTION cg_import_abort(p_session bigint, p_actor integer) RETURNS boolean
LANGUAGE sql AS $$
	DELETE FROM import_session WHERE id = p_session AND operator = p_actor RETURNING true
$$;

-- A property of a feature through the field map: the file's field
-- named map->>field, else the field itself.  Blank is NULL.
CREATE FUNCTION cg_import_prop(p_feature jsonb, p_map jsonb, p_field text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT nullif(btrim(p_feature->'properties'->>coalesce(p_map->>p_field, p_field)), '')
$$;

CREATE FUNCTION cg_import_date(p text, OUT d date, OUT err text)
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
	IF p IS NULL THEN
		RETURN;
	END IF;
	d := replace(p, '/', '-')::date;
EXCEPTION WHEN others THEN
	err := '日期无效: ' || p;
END
$$;

/*
 * A feature's geometry, 2D, in 4490, of the wanted dimension (0 point,
 * 1 line, 2 polygon; NULL any).  An invalid polygon is repaired with
 * ST_MakeValid (structure) when p_repair and it is safe: the result is
 * valid, polygonal, and its area within 0.1% of the area the ring
 * encloses (a collapsed spike, a repeated ring); anything else is
 * refused with PostGIS's reason.  Polygons come back as MultiPolygon.
 */
CREATE FUNCTION cg_import_geom(p_feature jsonb, p_dim integer, p_repair boolean,
	OUT g geometry, OUT repaired text, OUT err text)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	fixed geometry;
	reason text;
	a0 double precision;
	a1 double precision;
BEGIN
	IF jsonb_typeof(p_feature->'geometry') IS DISTINCT FROM 'object' THEN
		err := '没有几何图形';
		RETURN;
	END IF;
	BEGIN
		g := ST_Force2D(ST_SetSRID(ST_GeomFromGeoJSON(p_feature->'geometry'), 4490));
	EXCEPTION WHEN others THEN
		err := '几何图形无法读取: ' || SQLERRM;
		g := NULL;
		RETURN;
	END;
	IF ST_IsEmpty(g) THEN
		err := '几何图形为空';
		g := NULL;
		RETURN;
	END IF;
	IF p_dim IS NOT NULL AND ST_Dimension(g) <> p_dim THEN
		err := '几何类型须为' || CASE p_dim WHEN 0 THEN '点' WHEN 1 THEN '线' ELSE '面' END
			|| ', 文件中是 ' || GeometryType(g);
		g := NULL;
		RETURN;
	END IF;
	IF NOT ST_IsValid(g) THEN
		reason := ST_IsValidReason(g);
		IF NOT p_repair OR ST_Dimension(g) <> 2 THEN
			err := '几何图形无效: ' || reason;
			g := NULL;
			RETURN;
		END IF;
		fixed := ST_CollectionExtract(ST_MakeValid(g, 'method=structure'), 3);
		a0 := abs(ST_Area(g));
		a1 := ST_Area(fixed);
		IF fixed IS NULL OR ST_IsEmpty(fixed) OR NOT ST_IsValid(fixed)
		   OR abs(a1 - a0) > 0.001 * greatest(a0, a1) THEN
			err := '几何图形无效, 无法安全修复: ' || reason;
			g := NULL;
			RETURN;
		END IF;
		repaired := reason;
		g := fixed;
	END IF;
	IF p_dim = 2 THEN
		g := ST_Multi(ST_CollectionExtract(g, 3));
	ELSIF GeometryType(g) LIKE 'MULTI%' AND ST_NumGeometries(g) = 1 THEN
		g := ST_GeometryN(g, 1);	-- a shapefile's promotion undone
	END IF;
END
$$;

-- Field map entries that name no field of any feature.
CREATE FUNCTION cg_import_map_errors(p_session bigint, p_map jsonb)
RETURNS TABLE (message text)
LANGUAGE sql STABLE AS $$
	SELECT format('字段映射 %s=%s: 文件中没有字段 %s (有: %s)', m.key, m.value, m.value,
		(SELECT string_agg(k, ', ' ORDER BY k) FROM (SELECT DISTINCT jsonb_object_keys(
			f.feature->'properties') AS k FROM import_feature f
			WHERE f.session = p_session AND f.n <= 100) ks))
	FROM jsonb_each_text(coalesce(p_map, '{}')) m
	WHERE NOT EXISTS (SELECT 1 FROM import_feature f
	                  WHERE f.session = p_session AND f.feature->'properties' ? m.value)
$$;

/*
 * Move what lies in the given grids to the grid in force that covers
 * it, where its grid is no longer in force or no longer covers it:
 * components (a new revision, change 'regrid'), open cases (a new row
 * version and a case log entry), addresses (grid and community).  A
 * component or an open case no grid covers stops it all.  Returns the
 * counts.
 */
CREATE FUNCTION cg_regrid(p_codes text[], p_actor integer, p_actor_name text, p_reason text)
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
			  AND ST_Covers(g.geom, ST_PointOnSurface(a.geom)) ORDER BY g.code LIMIT 1) AS target
		FROM address a JOIN grid o ON o.code = a.grid
		WHERE a.grid = ANY (p_codes) AND (a.valid_to IS NULL OR a.valid_to > current_date)
		  AND (NOT cg_grid_active(o.termination_date)
		       OR NOT ST_Covers(o.geom, ST_PointOnSurface(a.geom))))
	UPDATE address a SET grid = m.target,
		community = (SELECT g.community FROM grid g WHERE g.code = m.target)
	FROM m WHERE a.id = m.id;
	GET DIAGNOSTICS na = ROW_COUNT;
	RETURN jsonb_build_object('components', nc, 'cases', nk, 'addresses', na);
END
$$;

/*
 * Collectors keep their coverage: the collectors of a grid no longer in
 * force patrol every grid in force that took over part of it (more than
 * 1 m2).  Returns how many collector-grid pairs were added.
 */
CREATE FUNCTION cg_grid_succession(p_old text[]) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	n integer;
BEGIN
	INSERT INTO collector_grid (collector, grid)
	SELECT DISTINCT cg.collector, g.code
	FROM collector_grid cg
	JOIN grid o ON o.code = cg.grid AND NOT cg_grid_active(o.termination_date)
	JOIN grid g ON cg_grid_active(g.termination_date) AND g.geom && o.geom
		AND ST_Intersects(g.geom, o.geom)
		AND cg_area_m2(ST_Intersection(g.geom, o.geom)) > cg_base_tol('overlap')
	WHERE cg.grid = ANY (p_old)
	ON CONFLICT DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	DELETE FROM collector_grid cg USING grid o
	WHERE cg.grid = ANY (p_old) AND o.code = cg.grid AND NOT cg_grid_active(o.termination_date);
	RETURN n;
END
$$;

-- The report's lists, at most p_max entries each.
CREATE FUNCTION cg_import_report(p_kind text, p_features integer, p_dry boolean,
	p_applied boolean, p_moved jsonb, p_max integer DEFAULT 5) RETURNS jsonb
LANGUAGE plpgsql AS $$
BEGIN
	RETURN jsonb_build_object(
		'kind', p_kind, 'features', p_features, 'dry_run', p_dry, 'applied', p_applied,
		'added', (SELECT count(*) FROM pg_temp.imp_row WHERE status = 'added'),
		'changed', (SELECT count(*) FROM pg_temp.imp_row WHERE status = 'changed'),
		'unchanged', (SELECT count(*) FROM pg_temp.imp_row WHERE status = 'unchanged'),
		'retired', (SELECT count(*) FROM pg_temp.imp_retire),
		'repaired', (SELECT count(*) FROM pg_temp.imp_row WHERE repaired IS NOT NULL),
		'errors', (SELECT count(*) FROM pg_temp.imp_err WHERE NOT warning),
		'warnings', (SELECT count(*) FROM pg_temp.imp_err WHERE warning),
		'moved', p_moved,
		'error_list', coalesce((SELECT jsonb_agg(jsonb_build_object('n', n, 'key', key,
			'message', message) ORDER BY n NULLS FIRST, seq)
			FROM (SELECT * FROM pg_temp.imp_err WHERE NOT warning
			      ORDER BY n NULLS FIRST, seq LIMIT 20) e), '[]'),
		'warning_list', coalesce((SELECT jsonb_agg(jsonb_build_object('n', n, 'key', key,
			'message', message) ORDER BY n NULLS FIRST, seq)
			FROM (SELECT * FROM pg_temp.imp_err WHERE warning
			      ORDER BY n NULLS FIRST, seq LIMIT 20) e), '[]'),
		'repair_list', coalesce((SELECT jsonb_agg(jsonb_build_object('n', n, 'key', key,
			'reason', repaired) ORDER BY n)
			FROM (SELECT * FROM pg_temp.imp_row WHERE repaired IS NOT NULL
			      ORDER BY n LIMIT p_max) r), '[]'),
		'examples', jsonb_build_object(
			'added', coalesce((SELECT jsonb_agg(key ORDER BY n) FROM (SELECT * FROM
				pg_temp.imp_row WHERE status = 'added' ORDER BY n LIMIT p_max) r), '[]'),
			'changed', coalesce((SELECT jsonb_agg(jsonb_build_object('key', key,
				'fields', fields) ORDER BY n) FROM (SELECT * FROM pg_temp.imp_row
				WHERE status = 'changed' ORDER BY n LIMIT p_max) r), '[]'),
			'retired', coalesce((SELECT jsonb_agg(key ORDER BY key) FROM (SELECT * FROM
				pg_temp.imp_retire ORDER BY key LIMIT p_max) r), '[]')));
END
$$;

CREATE FUNCTION cg_import_tables() RETURNS void
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

-- Errors per feature: the geometry's, and one for each mapped field.
CREATE FUNCTION cg_import_err(p_n integer, p_key text, p_message text,
	p_warning boolean DEFAULT false) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO pg_temp.imp_err (n, key, message, warning)
	VALUES (p_n, p_key, p_message, p_warning);
END
$$;

/*
 * Grids.  Fields: code (required), community, area_class, init_date,
 * note.  The code's community must exist; a code already terminated is
 * never reused.  Checked against the grids in force afterwards: each
 * lies in its community, none overlaps another, and the communities
 * touched are covered without gaps (a warning with allow_gaps).
 */
CREATE FUNCTION cg_import_grid(s import_session, p_dry boolean, p_actor integer,
	p_actor_name text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o jsonb := s.options;
	m jsonb := coalesce(s.options->'map', '{}');
	v_repair boolean := coalesce((o->>'repair')::boolean, true);
	v_reason text := coalesce(o->>'reason', '');
	v_within text := coalesce(o->>'within', '');
	nf integer;
	moved jsonb;
	codes text[];
BEGIN
	PERFORM cg_import_tables();
	INSERT INTO pg_temp.imp_row (n, key, a, geom, repaired)
	SELECT f.n, cg_import_prop(f.feature, m, 'code'),
	       jsonb_strip_nulls(jsonb_build_object(
		'community', cg_import_prop(f.feature, m, 'community'),
		'area_class', upper(cg_import_prop(f.feature, m, 'area_class')),
		'init_date', cg_import_prop(f.feature, m, 'init_date'),
		'note', f.feature->'properties'->>coalesce(m->>'note', 'note'),
		'geom_err', x.err)), x.g, x.repaired
	FROM import_feature f, cg_import_geom(f.feature, 2, v_repair) x
	WHERE f.session = s.id;
	GET DIAGNOSTICS nf = ROW_COUNT;

	INSERT INTO pg_temp.imp_err (message)
	SELECT message FROM cg_import_map_errors(s.id, m);
	PERFORM cg_import_err(r.n, r.key, e.msg)
	FROM pg_temp.imp_row r, LATERAL (VALUES
		(CASE WHEN r.key IS NULL THEN '缺少网格编码 (字段 ' || coalesce(m->>'code', 'code') || ')'
		      ELSE cg_grid_error(r.key) END),
		(r.a->>'geom_err'),
		(CASE WHEN r.a->>'community' <> left(r.key, 12) THEN
			'网格 ' || r.key || ' 不属于社区 ' || (r.a->>'community') END),
		(CASE WHEN r.a->>'area_class' NOT IN ('A', 'B', 'C') THEN
			'管理等级须为 A, B 或 C: ' || (r.a->>'area_class') END),
		((cg_import_date(r.a->>'init_date')).err),
		(CASE WHEN r.key IS NOT NULL AND cg_grid_error(r.key) IS NULL AND NOT EXISTS
			(SELECT 1 FROM division d WHERE d.code = left(r.key, 12) AND d.level = 'community')
			THEN '社区 ' || left(r.key, 12) || ' 不存在' END),
		(CASE WHEN EXISTS (SELECT 1 FROM grid g WHERE g.code = r.key
			AND NOT cg_grid_active(g.termination_date))
			THEN '网格 ' || r.key || ' 已撤销, 编码不再使用' END),
		(CASE WHEN EXISTS (SELECT 1 FROM pg_temp.imp_row q WHERE q.key = r.key AND q.n < r.n)
			THEN '网格编码 ' || r.key || ' 在文件中重复' END)) e (msg)
	WHERE e.msg IS NOT NULL;

	-- Compare with what is there.
	UPDATE pg_temp.imp_row r SET target = g.code,
		a = r.a || jsonb_build_object('area_class', coalesce(r.a->>'area_class', g.area_class),
			'init_date', coalesce(r.a->>'init_date', g.initial_date::text),
			'note', coalesce(r.a->>'note', g.note)),
		fields = array_remove(ARRAY[
			CASE WHEN NOT cg_geom_same(r.geom, g.geom) THEN 'geom' END,
			CASE WHEN coalesce(r.a->>'area_class', g.area_class) <> g.area_class THEN 'area_class' END,
			CASE WHEN coalesce((cg_import_date(r.a->>'init_date')).d, g.initial_date)
				<> g.initial_date THEN 'init_date' END,
			CASE WHEN coalesce(r.a->>'note', g.note) <> g.note THEN 'note' END], NULL)
	FROM grid g WHERE g.code = r.key AND cg_grid_active(g.termination_date);
	UPDATE pg_temp.imp_row SET status = CASE WHEN target IS NULL THEN 'added'
		WHEN cardinality(fields) = 0 THEN 'unchanged' ELSE 'changed' END;
	IF coalesce((o->>'retire_missing')::boolean, false) THEN
		INSERT INTO pg_temp.imp_retire (key)
		SELECT g.code FROM grid g
		WHERE cg_grid_active(g.termination_date) AND g.code LIKE v_within || '%'
		  AND NOT EXISTS (SELECT 1 FROM pg_temp.imp_row r WHERE r.key = g.code);
	END IF;

	-- The grids in force afterwards, and their checks.
	IF NOT EXISTS (SELECT 1 FROM pg_temp.imp_err) THEN
		CREATE TEMPORARY TABLE imp_state ON COMMIT DROP AS
		SELECT r.key AS code, r.geom, r.status FROM pg_temp.imp_row r
		UNION ALL
		SELECT g.code, g.geom, 'kept' FROM grid g
		WHERE cg_grid_active(g.termination_date)
		  AND NOT EXISTS (SELECT 1 FROM pg_temp.imp_row r WHERE r.key = g.code)
		  AND NOT EXISTS (SELECT 1 FROM pg_temp.imp_retire x WHERE x.key = g.code);
		CREATE INDEX ON pg_temp.imp_state USING gist (geom);
		ANALYZE pg_temp.imp_state;
		PERFORM cg_import_err(r.n, r.key, format('网格 %s 有 %s m² 在社区 %s 之外', r.key,
			round(x.area::numeric, 1), left(r.key, 12)))
		FROM pg_temp.imp_row r JOIN division d ON d.code = left(r.key, 12),
		LATERAL (SELECT cg_area_m2(ST_Difference(r.geom, d.geom)) AS area) x
		WHERE r.status <> 'unchanged' AND x.area > cg_base_tol('outside');
		WITH o AS (
			SELECT r.n, r.key, b.code, x.area
			FROM pg_temp.imp_row r JOIN pg_temp.imp_state b ON b.code <> r.key
				AND b.geom && r.geom AND ST_Intersects(b.geom, r.geom),
			LATERAL (SELECT cg_area_m2(ST_Intersection(b.geom, r.geom)) AS area) x
			WHERE r.status IN ('added', 'changed') AND x.area > cg_base_tol('overlap')
			  AND NOT (b.status IN ('added', 'changed') AND b.code < r.key))
		INSERT INTO pg_temp.imp_err (n, key, message)
		SELECT n, key, format('网格 %s 与 %s 个网格重叠, 共 %s m²: %s%s', key, count(*),
			round(sum(area)::numeric, 1), array_to_string((array_agg(code || ' '
			|| round(area::numeric, 1) || ' m²' ORDER BY area DESC, code))[1:5], ', '),
			CASE WHEN count(*) > 5 THEN ' 等' ELSE '' END)
		FROM o GROUP BY n, key;
		PERFORM cg_import_err(NULL, c.code, format('社区 %s (%s) 有 %s 处空隙没有网格, 共 %s m², 如 %s',
			c.code, c.name, x.pieces, round(x.area::numeric, 1), x.sample),
			coalesce((o->>'allow_gaps')::boolean, false))
		FROM division c,
		LATERAL (SELECT count(*) AS pieces, sum(cg_area_m2(p.geom)) AS area,
				min(ST_AsText(ST_PointOnSurface(p.geom), 6)) AS sample
			FROM ST_Dump(ST_Difference(c.geom, coalesce((SELECT ST_Union(t.geom)
				FROM pg_temp.imp_state t WHERE left(t.code, 12) = c.code),
				'MULTIPOLYGON EMPTY'::geometry))) p
			WHERE cg_area_m2(p.geom) > cg_base_tol('gap')) x
		WHERE c.level = 'community' AND x.pieces > 0 AND c.code IN (
			SELECT left(key, 12) FROM pg_temp.imp_row WHERE status IN ('added', 'changed')
			UNION SELECT left(key, 12) FROM pg_temp.imp_retire);
		-- What lies in a grid that changes must land in some grid.
		PERFORM cg_import_err(NULL, m2.id, format('部件 %s 在网格 %s 中, 导入后不在任何一个网格内',
			m2.id, m2.grid))
		FROM component m2
		WHERE m2.retired_at IS NULL AND m2.grid IN (
			SELECT key FROM pg_temp.imp_row WHERE status = 'changed'
			UNION SELECT key FROM pg_temp.imp_retire)
		  AND NOT EXISTS (SELECT 1 FROM pg_temp.imp_state t WHERE t.geom && m2.geom
			AND ST_Covers(t.geom, m2.geom));
	END IF;

	IF p_dry OR EXISTS (SELECT 1 FROM pg_temp.imp_err WHERE NOT warning) THEN
		RETURN cg_import_report('grid', nf, p_dry, false, NULL);
	END IF;

	PERFORM cg_base_actor(p_actor, p_actor_name, v_reason, 'import');
	INSERT INTO grid (code, community, geom, area_m2, area_class, initial_date, note)
	SELECT r.key, left(r.key, 12), r.geom, cg_area_m2(r.geom),
	       coalesce(r.a->>'area_class', 'B'),
	       coalesce((cg_import_date(r.a->>'init_date')).d, current_date),
	       coalesce(r.a->>'note', '')
	FROM pg_temp.imp_row r WHERE r.status = 'added' ORDER BY r.key;
	UPDATE grid g SET geom = r.geom, area_m2 = cg_area_m2(r.geom),
		area_class = r.a->>'area_class', initial_date = (r.a->>'init_date')::date,
		note = r.a->>'note'
	FROM pg_temp.imp_row r WHERE r.status = 'changed' AND g.code = r.key;
	PERFORM cg_base_actor(p_actor, p_actor_name, v_reason, 'retire');
	UPDATE grid g SET termination_date = current_date
	FROM pg_temp.imp_retire x WHERE g.code = x.key;
	codes := ARRAY(SELECT key FROM pg_temp.imp_row WHERE status = 'changed'
		UNION SELECT key FROM pg_temp.imp_retire);
	moved := cg_regrid(codes, p_actor, p_actor_name, v_reason);
	moved := moved || jsonb_build_object('collectors', cg_grid_succession(codes));
	DELETE FROM import_session WHERE id = s.id;
	RETURN cg_import_report('grid', nf, p_dry, true, moved);
END
$$;

-- A department by code (or id) in a file: the id, or an error.
CREATE FUNCTION cg_import_dept(p text) RETURNS integer
LANGUAGE sql STABLE AS $$
	SELECT id FROM department WHERE code = p OR id::text = p ORDER BY code = p DESC LIMIT 1
$$;

/*
 * Components.  Fields: id (required), standard, class_code, name,
 * dept_main, dept_owner, dept_maint (department codes), grid, status,
 * source (data source), init_date, note.  The standard follows from the
 * id's length, the class from the id; the grid, if not given, is the
 * grid in force that covers the component.
 */
CREATE FUNCTION cg_import_component(s import_session, p_dry boolean, p_actor integer,
	p_actor_name text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	o jsonb := s.options;
	m jsonb := coalesce(s.options->'map', '{}');
	v_reason text := coalesce(o->>'reason', '');
	v_within text := coalesce(o->>'within', '');
	nf integer;
BEGIN
	PERFORM cg_import_tables();
	INSERT INTO pg_temp.imp_row (n, key, a, geom, repaired)
	SELECT f.n, cg_import_prop(f.feature, m, 'id'),
	       jsonb_strip_nulls(jsonb_build_object(
		'standard', cg_import_prop(f.feature, m, 'standard'),
		'class_code', cg_import_prop(f.feature, m, 'class_code'),
		'name', cg_import_prop(f.feature, m, 'name'),
		'dept_main', cg_import_prop(f.feature, m, 'dept_main'),
		'dept_owner', cg_import_prop(f.feature, m, 'dept_owner'),
		'dept_maint', cg_import_prop(f.feature, m, 'dept_maint'),
		'grid', cg_import_prop(f.feature, m, 'grid'),
		'status', cg_import_prop(f.feature, m, 'status'),
		'source', cg_import_prop(f.feature, m, 'source'),
		'init_date', cg_import_prop(f.feature, m, 'init_date'),
		'note', f.feature->'properties'->>coalesce(m->>'note', 'note'),
		'geom_err', x.err)), x.g, x.repaired
	FROM import_feature f, cg_import_geom(f.feature, NULL,
		coalesce((o->>'repair')::boolean, true)) x
	WHERE f.session = s.id;
	GET DIAGNOSTICS nf = ROW_COUNT;

	-- The standard from the id, the class from the standard and the id.
	UPDATE pg_temp.imp_row r SET a = r.a || jsonb_strip_nulls(jsonb_build_object(
		'standard', coalesce(r.a->>'standard', CASE length(r.key)
			WHEN 16 THEN 'CJT214-2007' WHEN 17 THEN 'GBT47678.5-2026' END)))
	WHERE r.key IS NOT NULL;
	UPDATE pg_temp.imp_row r SET a = r.a || jsonb_strip_nulls(jsonb_build_object(
		'id_err', cg_component_id_error(r.a->>'standard', r.key)))
	WHERE r.key IS NOT NULL;
	UPDATE pg_temp.imp_row r SET a = r.a || jsonb_build_object('class',
		cg_component_class(r.key))
	WHERE r.key IS NOT NULL AND r.a->>'id_err' IS NULL;
	-- The grid: given, else the one it is in now if that still covers
	-- it, else the grid in force that covers it.
	UPDATE pg_temp.imp_row r SET a = r.a || jsonb_build_object('grid_to', coalesce(r.a->>'grid',
		(SELECT c.grid FROM component c JOIN grid g ON g.code = c.grid
		 WHERE c.id = r.key AND cg_grid_active(g.termination_date) AND ST_Covers(g.geom, r.geom)),
		(SELECT g.code FROM grid g WHERE cg_grid_active(g.termination_date)
		 AND g.geom && r.geom AND ST_Covers(g.geom, r.geom) ORDER BY g.code LIMIT 1)))
	WHERE r.geom IS NOT NULL;

	INSERT INTO pg_temp.imp_err (message)
	SELECT message FROM cg_import_map_errors(s.id, m);
	PERFORM cg_import_err(r.n, r.key, e.msg)
	FROM pg_temp.imp_row r LEFT JOIN component c ON c.id = r.key, LATERAL (VALUES
		(CASE WHEN r.key IS NULL THEN '缺少部件标识码 (字段 ' || coalesce(m->>'id', 'id') || ')'
		      ELSE r.a->>'id_err' END),
		(r.a->>'geom_err'),
		(CASE WHEN r.a->>'class_code' <> r.a->>'class' THEN
			'部件标识码 ' || r.key || ' 与类别 ' || (r.a->>'class_code') || ' 不符' END),
		(CASE WHEN r.a->>'class' IS NOT NULL AND NOT EXISTS (SELECT 1 FROM class_code k
			WHERE k.version = r.a->>'standard' AND k.kind = 'component' AND k.code = r.a->>'class')
			THEN '部件类别 ' || (r.a->>'class') || ' 不存在 (' || (r.a->>'standard') || ')' END),
		(CASE WHEN r.a ? 'dept_main' AND cg_import_dept(r.a->>'dept_main') IS NULL
			THEN '主管部门 ' || (r.a->>'dept_main') || ' 不存在' END),
		(CASE WHEN r.a ? 'dept_owner' AND cg_import_dept(r.a->>'dept_owner') IS NULL
			THEN '权属单位 ' || (r.a->>'dept_owner') || ' 不存在' END),
		(CASE WHEN r.a ? 'dept_maint' AND cg_import_dept(r.a->>'dept_maint') IS NULL
			THEN '养护单位 ' || (r.a->>'dept_maint') || ' 不存在' END),
		(CASE WHEN c.id IS NULL AND NOT r.a ? 'dept_main' AND NOT EXISTS (SELECT 1
			FROM class_department cd WHERE cd.version = r.a->>'standard'
			AND cd.kind = 'component' AND cd.class_code = r.a->>'class')
			THEN '新部件须给出主管部门 (字段 dept_main), 类别 ' || coalesce(r.a->>'class', '?')
			|| ' 没有默认部门' END),
		(CASE WHEN r.a->>'status' NOT IN ('完好', '破损', '丢失', '占用', '废弃', '移除')
			THEN '状态须为 完好、破损、丢失、占用、废弃 或 移除: ' || (r.a->>'status') END),
		(CASE WHEN r.a->>'source' NOT IN ('实测', '地形图', '调绘', '基础地理数据', '其他')
			THEN '数据来源须为 实测、地形图、调绘、基础地理数据 或 其他: ' || (r.a->>'source') END),
		((cg_import_date(r.a->>'init_date')).err),
		(CASE WHEN r.geom IS NOT NULL AND r.a ? 'grid' AND NOT EXISTS (SELECT 1 FROM grid g
			WHERE g.code = r.a->>'grid' AND cg_grid_active(g.termination_date))
			THEN '网格 ' || (r.a->>'grid') || ' 不存在或已撤销'
		      WHEN r.geom IS NOT NULL AND r.a ? 'grid' AND NOT EXISTS (SELECT 1 FROM grid g
			WHERE g.code = r.a->>'grid' AND ST_Covers(g.geom, r.geom))
			THEN '部件 ' || r.key || ' 不在网格 ' || (r.a->>'grid') || ' 内'
		      WHEN r.geom IS NOT NULL AND r.a->>'grid_to' IS NULL
			THEN '部件 ' || r.key || ' 不在任何一个网格内' END),
		(CASE WHEN c.retired_at IS NOT NULL THEN '部件 ' || r.key || ' 已撤销, 标识码不再使用' END),
		(CASE WHEN EXISTS (SELECT 1 FROM pg_temp.imp_row q WHERE q.key = r.key AND q.n < r.n)
			THEN '部件标识码 ' || r.key || ' 在文件中重复' END)) e (msg)
	WHERE e.msg IS NOT NULL;

	UPDATE pg_temp.imp_row r SET target = c.id,
		fields = array_remove(ARRAY[
			CASE WHEN NOT cg_geom_same(r.geom, c.geom) THEN 'geom' END,
			CASE WHEN coalesce(r.a->>'name', c.name) <> c.name THEN 'name' END,
			CASE WHEN (coalesce(cg_import_dept(r.a->>'dept_main'), c.dept_main),
				CASE WHEN r.a ? 'dept_owner' THEN cg_import_dept(r.a->>'dept_owner') ELSE c.dept_owner END,
				CASE WHEN r.a ? 'dept_maint' THEN cg_import_dept(r.a->>'dept_maint') ELSE c.dept_maint END)
				IS DISTINCT FROM (c.dept_main, c.dept_owner, c.dept_maint) THEN 'dept' END,
			CASE WHEN r.a->>'grid_to' <> c.grid THEN 'grid' END,
			CASE WHEN coalesce(r.a->>'status', c.status) <> c.status THEN 'status' END,
			CASE WHEN coalesce(r.a->>'source', c.data_source) <> c.data_source THEN 'source' END,
			CASE WHEN coalesce((cg_import_date(r.a->>'init_date')).d, c.initial_date)
				<> c.initial_date THEN 'init_date' END,
			CASE WHEN coalesce(r.a->>'note', c.note) <> c.note THEN 'note' END], NULL)
	FROM component c WHERE c.id = r.key AND c.retired_at IS NULL;
	UPDATE pg_temp.imp_row SET status = CASE WHEN target IS NULL THEN 'added'
		WHEN cardinality(fields) = 0 THEN 'unchanged' ELSE 'changed' END;
	IF coalesce((o->>'retire_missing')::boolean, false) THEN
		INSERT INTO pg_temp.imp_retire (key)
		SELECT c.id FROM component c
		WHERE c.retired_at IS NULL AND c.grid LIKE v_within || '%'
		  AND NOT EXISTS (SELECT 1 FROM pg_temp.imp_row r WHERE r.key = c.id);
	END IF;

	IF p_dry OR EXISTS (SELECT 1 FROM pg_temp.imp_err WHERE NOT warning) THEN
		RETURN cg_import_report('component', nf, p_dry, false, NULL);
	END IF;

	PERFORM cg_base_actor(p_actor, p_actor_name, v_reason, 'import');
	INSERT INTO component (id, version, class_code, name, geom, dept_main, dept_owner,
		dept_maint, grid, status, data_source, initial_date, note)
	SELECT r.key, r.a->>'standard', r.a->>'class',
	       coalesce(r.a->>'name', k.name), r.geom,
	       coalesce(cg_import_dept(r.a->>'dept_main'), cd.department),
	       cg_import_dept(r.a->>'dept_owner'), cg_import_dept(r.a->>'dept_maint'),
	       r.a->>'grid_to', coalesce(r.a->>'status', '完好'),
	       coalesce(r.a->>'source', '实测'),
	       coalesce((cg_import_date(r.a->>'init_date')).d, current_date),
	       coalesce(r.a->>'note', '')
	FROM pg_temp.imp_row r
	JOIN class_code k ON k.version = r.a->>'standard' AND k.kind = 'component'
		AND k.code = r.a->>'class'
	LEFT JOIN class_department cd ON cd.version = k.version AND cd.kind = k.kind
		AND cd.class_code = k.code
	WHERE r.status = 'added' ORDER BY r.key;
	UPDATE component c SET geom = r.geom, name = coalesce(r.a->>'name', c.name),
		dept_main = coalesce(cg_import_dept(r.a->>'dept_main'), c.dept_main),
		dept_owner = CASE WHEN r.a ? 'dept_owner' THEN cg_import_dept(r.a->>'dept_owner')
			ELSE c.dept_owner END,
		dept_maint = CASE WHEN r.a ? 'dept_maint' THEN cg_import_dept(r.a->>'dept_maint')
			ELSE c.dept_maint END,
		grid = r.a->>'grid_to', status = coalesce(r.a->>'status', c.status),
		data_source = coalesce(r.a->>'source', c.data_source),
		initial_date = coalesce((cg_import_date(r.a->>'init_date')).d, c.initial_date),
		note = coalesce(r.a->>'note', c.note)
	FROM pg_temp.imp_row r WHERE r.status = 'changed' AND c.id = r.key;
	PERFORM cg_base_actor(p_actor, p_actor_name, v_reason, 'retire');
	UPDATE component c SET retired_at = now(), status = '移除'
	FROM pg_temp.imp_retire x WHERE c.id = x.key;
	DELETE FROM import_session WHERE id = s.id;
	RETURN cg_import_report('component', nf, p_dry, true, NULL);
END
$$;

/*
 * Addresses.  Fields: id, kind, name, full_name, district, area_name,
 * road, door_no, building, poi, aliases ("a|b" or a JSON array),
 * valid_from.  A feature with an id updates that address; without one
 * it updates the address in force of the same kind and full name, if
 * there is exactly one, else adds one.  Grid and community come from
 * the location.
 */
CREATE FUNCTION cg_import_address(s import_session, p_dry boolean, p_actor integer,
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
	UPDATE pg_temp.imp_row r SET a = r.a || jsonb_strip_nulls(jsonb_build_object('grid_to',
		(SELECT g.code FROM grid g WHERE cg_grid_active(g.termination_date)
		 AND g.geom && r.geom AND ST_Covers(g.geom, ST_PointOnSurface(r.geom))
		 ORDER BY g.code LIMIT 1)))
	WHERE r.geom IS NOT NULL;

	INSERT INTO pg_temp.imp_err (message)
	SELECT message FROM cg_import_map_errors(s.id, m);
	PERFORM cg_import_err(r.n, r.key, e.msg)
	FROM pg_temp.imp_row r LEFT JOIN address x ON x.id::text = r.target, LATERAL (VALUES
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
	FROM address x WHERE x.id::text = r.target;
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
	FROM pg_temp.imp_row r WHERE r.status = 'changed' AND x.id::text = r.target;
	UPDATE address a SET valid_to = current_date
	FROM pg_temp.imp_retire x WHERE a.id::text = x.key;
	DELETE FROM import_session WHERE id = s.id;
	RETURN cg_import_report('address', nf, p_dry, true, NULL);
END
$$;

-- Validate, report and (unless a dry run or refused) apply a session.
CREATE FUNCTION cg_import_run(p_session bigint, p_dry boolean, p_actor integer,
	p_actor_name text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	s import_session;
	rep jsonb;
BEGIN
	s := cg_import_session(p_session, p_actor);
	PERFORM pg_advisory_xact_lock(hashtext('citygrid.base'));	-- one change at a time
	rep := CASE s.kind
		WHEN 'grid' THEN cg_import_grid(s, p_dry, p_actor, p_actor_name)
		WHEN 'component' THEN cg_import_component(s, p_dry, p_actor, p_actor_name)
		ELSE cg_import_address(s, p_dry, p_actor, p_actor_name) END;
	RETURN rep;
END
$$;

/*
 * One page of a layer as GeoJSON features, in key order after p_after,
 * at most p_limit features and about 768 KiB (one feature at least), so
 * a page fits a protocol frame.  Properties are named as the importers
 * read them, none longer than 10 characters (a shapefile's limit).
 */
CREATE FUNCTION cg_export_page(p_kind text, p_within text, p_retired boolean,
	p_after text, p_limit integer) RETURNS jsonb
LANGUAGE plpgsql STABLE AS $$
DECLARE
	rows jsonb;
BEGIN
	IF p_kind NOT IN ('grid', 'component', 'address') THEN
		RAISE EXCEPTION '不能导出 %: 只能导出 grid, component, address', p_kind
			USING ERRCODE = 'CGINV';
	END IF;
	WITH f AS (
		SELECT g.code AS key, jsonb_build_object('type', 'Feature', 'properties',
			jsonb_build_object('code', g.code, 'community', g.community,
			'area_class', g.area_class, 'area_m2', round(g.area_m2::numeric, 1),
			'init_date', g.initial_date, 'term_date', g.termination_date,
			'revision', g.revision, 'note', g.note),
			'geometry', ST_AsGeoJSON(g.geom, 15)::jsonb) AS feature
		FROM grid g
		WHERE p_kind = 'grid' AND g.code LIKE coalesce(p_within, '') || '%'
		  AND (p_retired OR cg_grid_active(g.termination_date))
		  AND (p_after IS NULL OR g.code > p_after)
		UNION ALL
		SELECT c.id, jsonb_build_object('type', 'Feature', 'properties',
			jsonb_build_object('id', c.id, 'standard', c.version, 'class_code', c.class_code,
			'name', c.name, 'dept_main', dm.code, 'dept_owner', dw.code,
			'dept_maint', dx.code, 'grid', c.grid, 'status', c.status,
			'source', c.data_source, 'init_date', c.initial_date,
			'chg_date', c.change_date, 'revision', c.revision, 'note', c.note),
			'geometry', ST_AsGeoJSON(c.geom, 15)::jsonb)
		FROM component c
		LEFT JOIN department dm ON dm.id = c.dept_main
		LEFT JOIN department dw ON dw.id = c.dept_owner
		LEFT JOIN department dx ON dx.id = c.dept_maint
		WHERE p_kind = 'component' AND c.grid LIKE coalesce(p_within, '') || '%'
		  AND (p_retired OR c.retired_at IS NULL)
		  AND (p_after IS NULL OR c.id > p_after)
		UNION ALL
		SELECT lpad(a.id::text, 10, '0'), jsonb_build_object('type', 'Feature', 'properties',
			jsonb_build_object('id', a.id, 'kind', a.kind, 'name', a.name,
			'full_name', a.full_name, 'district', a.district, 'area_name', a.area_name,
			'road', a.road, 'door_no', a.door_no, 'building', a.building, 'poi', a.poi,
			'aliases', array_to_string(a.aliases, '|'), 'grid', a.grid,
			'community', a.community, 'valid_from', a.valid_from, 'valid_to', a.valid_to),
			'geometry', ST_AsGeoJSON(a.geom, 15)::jsonb)
		FROM address a
		WHERE p_kind = 'address' AND coalesce(a.grid, '') LIKE coalesce(p_within, '') || '%'
		  AND (p_retired OR a.valid_to IS NULL OR a.valid_to > current_date)
		  AND (p_after IS NULL OR lpad(a.id::text, 10, '0') > p_after)
		ORDER BY 1
		LIMIT greatest(1, least(coalesce(p_limit, 1000), 5000))
	), s AS (
		SELECT key, feature, row_number() OVER (ORDER BY key) AS i,
		       sum(octet_length(feature::text)) OVER (ORDER BY key) AS bytes
		FROM f
	)
	SELECT jsonb_build_object('features', coalesce(jsonb_agg(feature ORDER BY key), '[]'),
		'next', max(key), 'count', count(*))
	INTO rows
	FROM s WHERE i = 1 OR bytes <= 786432;
	RETURN rows;
END
$$;
