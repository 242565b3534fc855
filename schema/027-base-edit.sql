-- 027: editing grids (split, merge) and components (add, move, owner,
-- retire), each one statement and so one transaction, with history.

-- Splits and merges: which grids ended, which began, what moved.
CREATE TABLE grid_change (
	id          bigserial PRIMARY KEY,
	kind        text NOT NULL CHECK (kind IN ('split', 'merge')),
	at          timestamptz NOT NULL DEFAULT now(),
	actor       integer REFERENCES operator,
	actor_name  text NOT NULL,
	reason      text NOT NULL,
	old_codes   text[] NOT NULL,
	new_codes   text[] NOT NULL,
	moved       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX grid_change_old_idx ON grid_change USING gin (old_codes);
CREATE INDEX grid_change_new_idx ON grid_change USING gin (new_codes);
CREATE TRIGGER grid_change_no_update BEFORE UPDATE OR DELETE ON grid_change
	FOR EACH ROW EXECUTE FUNCTION cg_history_append_only();

/*
 * The next n codes of a community (CJ/T 213, GB/T 30428.1: community
 * code and a 3-digit serial).  A serial once used, by a grid in force
 * or terminated, is never given again.
 */
CREATE FUNCTION cg_grid_next_codes(p_community text, p_n integer) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	last integer;
BEGIN
	SELECT coalesce(max(right(code, 3)::integer), 0) INTO last
	FROM grid WHERE community = p_community;
	IF last + p_n > 999 THEN
		RAISE EXCEPTION '社区 % 的网格顺序码已用到 %, 不够再编 % 个 (最大 999)',
			p_community, last, p_n USING ERRCODE = 'CGINV';
	END IF;
	RETURN ARRAY(SELECT p_community || lpad((last + i)::text, 3, '0')
		FROM generate_series(1, p_n) i);
END
$$;

CREATE FUNCTION cg_grid_in_force(p_code text) RETURNS grid
LANGUAGE plpgsql AS $$
DECLARE
	g grid;
BEGIN
	SELECT * INTO g FROM grid WHERE code = p_code FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION '网格 % 不存在', p_code USING ERRCODE = 'CGNOT';
	END IF;
	IF NOT cg_grid_active(g.termination_date) THEN
		RAISE EXCEPTION '网格 % 已于 % 撤销', p_code, g.termination_date USING ERRCODE = 'CGSTA';
	END IF;
	RETURN g;
END
$$;

-- New grids from pieces, numbered north to south, then west to east
-- (rows of the Beijing DB11 rule), after the community's last serial.
CREATE FUNCTION cg_grid_create(p_community text, p_pieces geometry[], p_class char(1),
	p_note text) RETURNS text[]
LANGUAGE plpgsql AS $$
DECLARE
	codes text[] := cg_grid_next_codes(p_community, cardinality(p_pieces));
BEGIN
	INSERT INTO grid (code, community, geom, area_m2, area_class, initial_date, note)
	SELECT codes[o.i], p_community, o.g, cg_area_m2(o.g), p_class, current_date, p_note
	FROM (SELECT g, row_number() OVER (ORDER BY round(ST_Y(ST_Centroid(g))::numeric, 6) DESC,
			ST_X(ST_Centroid(g)), ST_AsText(g)) AS i
	      FROM unnest(p_pieces) g) o;
	RETURN codes;
END
$$;

-- Retire old grids, move what they held, keep collectors, record it.
CREATE FUNCTION cg_grid_replace(p_kind text, p_old text[], p_new text[], p_actor integer,
	p_actor_name text, p_reason text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	moved jsonb;
BEGIN
	PERFORM cg_base_actor(p_actor, p_actor_name, p_reason, p_kind);
	UPDATE grid SET termination_date = current_date WHERE code = ANY (p_old);
	moved := cg_regrid(p_old, p_actor, p_actor_name, p_reason);
	moved := moved || jsonb_build_object('collectors', cg_grid_succession(p_old));
	INSERT INTO grid_change (kind, actor, actor_name, reason, old_codes, new_codes, moved)
	VALUES (p_kind, p_actor, coalesce(p_actor_name, session_user), p_reason, p_old, p_new, moved);
	RETURN jsonb_build_object('kind', p_kind, 'old', to_jsonb(p_old), 'moved', moved,
		'new', (SELECT jsonb_agg(jsonb_build_object('code', g.code, 'area_m2',
			round(g.area_m2::numeric, 1), 'area_class', g.area_class,
			'collectors', (SELECT coalesce(jsonb_agg(c.code ORDER BY c.code), '[]')
				FROM collector_grid cg JOIN collector c ON c.id = cg.collector
				WHERE cg.grid = g.code)) ORDER BY g.code)
			FROM grid g WHERE g.code = ANY (p_new)));
END
$$;

/*
 * Split a grid in force along a line (the blade, lon/lat).  Every piece
 * becomes a new grid of the same community and area class; the old
 * grid is terminated today.  A blade that does not cut the grid in two,
 * or leaves a piece under 10 m2, is refused.
 */
CREATE FUNCTION cg_grid_split(p_code text, p_blade geometry, p_actor integer,
	p_actor_name text, p_reason text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	g grid;
	pieces geometry[];
	small double precision;
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('citygrid.base'));
	g := cg_grid_in_force(p_code);
	IF coalesce(p_reason, '') = '' THEN
		RAISE EXCEPTION '须说明拆分的原因' USING ERRCODE = 'CGINV';
	END IF;
	IF p_blade IS NULL OR ST_Dimension(p_blade) <> 1 OR NOT ST_IsValid(p_blade) THEN
		RAISE EXCEPTION '拆分线须为有效的线' USING ERRCODE = 'CGINV';
	END IF;
	pieces := ARRAY(SELECT ST_Multi(d.geom) FROM ST_Dump(ST_Split(g.geom,
		ST_SetSRID(p_blade, 4490))) d WHERE ST_Dimension(d.geom) = 2);
	IF cardinality(pieces) < 2 THEN
		RAISE EXCEPTION '拆分线没有把网格 % 分开 (须从网格的一边穿到另一边)', p_code
			USING ERRCODE = 'CGINV';
	END IF;
	SELECT min(cg_area_m2(x)) INTO small FROM unnest(pieces) x;
	IF small < cg_base_tol('gap') THEN
		RAISE EXCEPTION '拆分线切出了只有 % m² 的碎片, 请调整拆分线', round(small::numeric, 2)
			USING ERRCODE = 'CGINV';
	END IF;
	PERFORM cg_base_actor(p_actor, p_actor_name, p_reason, 'split');
	RETURN cg_grid_replace('split', ARRAY[p_code],
		cg_grid_create(g.community, pieces, g.area_class, '由 ' || p_code || ' 拆分'),
		p_actor, p_actor_name, p_reason);
END
$$;

/*
 * Merge adjacent grids in force of one community into a new grid.  The
 * area class is theirs if they agree, else p_class must say.
 */
CREATE FUNCTION cg_grid_merge(p_codes text[], p_class text, p_actor integer,
	p_actor_name text, p_reason text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	g grid;
	v_code text;
	communities text[];
	classes text[];
	merged geometry;
	v_class text := upper(nullif(p_class, ''));
BEGIN
	PERFORM pg_advisory_xact_lock(hashtext('citygrid.base'));
	IF cardinality(ARRAY(SELECT DISTINCT unnest(p_codes))) < 2 THEN
		RAISE EXCEPTION '合并须给出至少两个不同的网格' USING ERRCODE = 'CGINV';
	END IF;
	IF coalesce(p_reason, '') = '' THEN
		RAISE EXCEPTION '须说明合并的原因' USING ERRCODE = 'CGINV';
	END IF;
	FOREACH v_code IN ARRAY p_codes LOOP
		g := cg_grid_in_force(v_code);
	END LOOP;
	SELECT array_agg(DISTINCT community), array_agg(DISTINCT area_class::text),
	       ST_Multi(ST_UnaryUnion(ST_Collect(geom)))
	INTO communities, classes, merged
	FROM grid WHERE code = ANY (p_codes);
	IF cardinality(communities) > 1 THEN
		RAISE EXCEPTION '网格 % 不属于同一个社区 (%), 不能合并', array_to_string(p_codes, ', '),
			array_to_string(communities, ', ') USING ERRCODE = 'CGINV';
	END IF;
	IF ST_NumGeometries(merged) > 1 THEN
		RAISE EXCEPTION '网格 % 不相邻, 合并后不是一整块', array_to_string(p_codes, ', ')
			USING ERRCODE = 'CGINV';
	END IF;
	IF v_class IS NULL AND cardinality(classes) > 1 THEN
		RAISE EXCEPTION '网格的管理等级不同 (%), 请指定合并后的等级 (--area-class)',
			array_to_string(classes, ', ') USING ERRCODE = 'CGINV';
	END IF;
	IF coalesce(v_class, classes[1]) NOT IN ('A', 'B', 'C') THEN
		RAISE EXCEPTION '管理等级须为 A, B 或 C: %', v_class USING ERRCODE = 'CGINV';
	END IF;
	PERFORM cg_base_actor(p_actor, p_actor_name, p_reason, 'merge');
	RETURN cg_grid_replace('merge', ARRAY(SELECT DISTINCT unnest(p_codes) ORDER BY 1),
		cg_grid_create(communities[1], ARRAY[merged], coalesce(v_class, classes[1]),
			'由 ' || array_to_string(p_codes, ', ') || ' 合并'),
		p_actor, p_actor_name, p_reason);
END
$$;

-- The blade from the protocol: "lon lat,lon lat,..." or a meridian
-- (p_lon) or parallel (p_lat) across the grid.
CREATE FUNCTION cg_grid_split_by(p_code text, p_line text, p_lon float8, p_lat float8,
	p_actor integer, p_actor_name text, p_reason text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	blade geometry;
	b box2d;
BEGIN
	SELECT ST_Expand(geom::box2d, 0.01) INTO b FROM grid WHERE code = p_code;
	IF (p_line IS NOT NULL)::int + (p_lon IS NOT NULL)::int + (p_lat IS NOT NULL)::int <> 1 THEN
		RAISE EXCEPTION '拆分须给出拆分线 (line)、经线 (lon) 或纬线 (lat) 之一'
			USING ERRCODE = 'CGINV';
	END IF;
	IF p_line IS NOT NULL THEN
		BEGIN
			blade := ST_GeomFromText('LINESTRING(' || p_line || ')', 4490);
		EXCEPTION WHEN others THEN
			RAISE EXCEPTION '拆分线须为 "经度 纬度,经度 纬度,..." : %', p_line
				USING ERRCODE = 'CGINV';
		END;
	ELSIF b IS NOT NULL AND p_lon IS NOT NULL THEN
		blade := ST_SetSRID(ST_MakeLine(ST_MakePoint(p_lon, ST_YMin(b)),
			ST_MakePoint(p_lon, ST_YMax(b))), 4490);
	ELSIF b IS NOT NULL THEN
		blade := ST_SetSRID(ST_MakeLine(ST_MakePoint(ST_XMin(b), p_lat),
			ST_MakePoint(ST_XMax(b), p_lat)), 4490);
	END IF;
	RETURN cg_grid_split(p_code, blade, p_actor, p_actor_name, p_reason);
END
$$;

-- A grid's revisions and the splits and merges it took part in.
CREATE FUNCTION cg_grid_history(p_code text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('code', g.code, 'community', g.community,
		'area_class', g.area_class, 'area_m2', round(g.area_m2::numeric, 1),
		'in_force', cg_grid_active(g.termination_date), 'revision', g.revision,
		'initial_date', g.initial_date, 'termination_date', g.termination_date,
		'history', (SELECT jsonb_agg(jsonb_build_object('revision', h.revision,
			'change', h.change, 'at', to_char(h.at AT TIME ZONE 'Asia/Shanghai',
			'YYYY-MM-DD HH24:MI:SS'), 'actor', h.actor_name, 'reason', h.reason,
			'area_m2', round(h.area_m2::numeric, 1), 'area_class', h.area_class,
			'termination_date', h.termination_date) ORDER BY h.revision)
			FROM grid_history h WHERE h.code = g.code),
		'changes', coalesce((SELECT jsonb_agg(jsonb_build_object('kind', c.kind,
			'at', to_char(c.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
			'actor', c.actor_name, 'reason', c.reason, 'old', c.old_codes,
			'new', c.new_codes, 'moved', c.moved) ORDER BY c.id)
			FROM grid_change c WHERE g.code = ANY (c.old_codes || c.new_codes)), '[]'))
	FROM grid g WHERE g.code = p_code
$$;

/*
 * Components: p is {id, standard, name, lon, lat | wkt, dept_main,
 * dept_owner, dept_maint, status, note}.  The grid is the one in force
 * that covers the component.
 */
CREATE FUNCTION cg_component_geom(p jsonb) RETURNS geometry
LANGUAGE plpgsql STABLE AS $$
DECLARE
	g geometry;
BEGIN
	IF p ? 'wkt' THEN
		BEGIN
			g := ST_GeomFromText(p->>'wkt', 4490);
		EXCEPTION WHEN others THEN
			RAISE EXCEPTION '几何图形 (WKT) 无法读取: %', SQLERRM USING ERRCODE = 'CGINV';
		END;
	ELSIF p ? 'lon' AND p ? 'lat' THEN
		g := ST_SetSRID(ST_MakePoint((p->>'lon')::float8, (p->>'lat')::float8), 4490);
	ELSE
		RETURN NULL;
	END IF;
	IF NOT ST_IsValid(g) THEN
		RAISE EXCEPTION '几何图形无效: %', ST_IsValidReason(g) USING ERRCODE = 'CGINV';
	END IF;
	RETURN g;
END
$$;

CREATE FUNCTION cg_component_grid(p_id text, g geometry) RETURNS text
LANGUAGE plpgsql STABLE AS $$
DECLARE
	code text;
BEGIN
	SELECT x.code INTO code FROM grid x WHERE cg_grid_active(x.termination_date)
		AND x.geom && g AND ST_Covers(x.geom, g) ORDER BY x.code LIMIT 1;
	IF code IS NULL THEN
		RAISE EXCEPTION '部件 % 的位置不在任何一个网格内', p_id USING ERRCODE = 'CGINV';
	END IF;
	RETURN code;
END
$$;

CREATE FUNCTION cg_component_dept(p text, p_what text) RETURNS integer
LANGUAGE plpgsql STABLE AS $$
DECLARE
	id integer;
BEGIN
	IF p IS NULL OR p = '' THEN
		RETURN NULL;
	END IF;
	id := cg_import_dept(p);
	IF id IS NULL THEN
		RAISE EXCEPTION '%部门 % 不存在', p_what, p USING ERRCODE = 'CGNOT';
	END IF;
	RETURN id;
END
$$;

CREATE FUNCTION cg_component_in_force(p_id text) RETURNS component
LANGUAGE plpgsql AS $$
DECLARE
	m component;
BEGIN
	SELECT * INTO m FROM component WHERE id = p_id FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION '部件 % 不存在', p_id USING ERRCODE = 'CGNOT';
	END IF;
	IF m.retired_at IS NOT NULL THEN
		RAISE EXCEPTION '部件 % 已于 % 撤销', p_id,
			to_char(m.retired_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
			USING ERRCODE = 'CGSTA';
	END IF;
	RETURN m;
END
$$;

-- One edit: add, move, owner or retire.  Returns the component's row.
CREATE FUNCTION cg_component_edit(p_change text, p jsonb, p_actor integer,
	p_actor_name text) RETURNS jsonb
LANGUAGE plpgsql AS $$
DECLARE
	m component;
	v_id text := p->>'id';
	v_std text;
	g geometry;
	k class_code;
	before integer;
BEGIN
	IF coalesce(p->>'reason', '') = '' AND p_change <> 'add' THEN
		RAISE EXCEPTION '须说明原因 (reason)' USING ERRCODE = 'CGINV';
	END IF;
	PERFORM cg_base_actor(p_actor, p_actor_name, p->>'reason', p_change);
	CASE p_change
	WHEN 'add' THEN
		v_std := coalesce(p->>'standard', CASE length(v_id) WHEN 16 THEN 'CJT214-2007'
			WHEN 17 THEN 'GBT47678.5-2026' END);
		PERFORM cg_raise_if(cg_component_id_error(v_std, v_id));
		IF EXISTS (SELECT 1 FROM component WHERE id = v_id) THEN
			RAISE EXCEPTION '部件 % 已存在', v_id USING ERRCODE = 'CGINV';
		END IF;
		SELECT * INTO k FROM class_code WHERE version = v_std AND kind = 'component'
			AND code = cg_component_class(v_id);
		IF NOT FOUND THEN
			RAISE EXCEPTION '部件类别 % 不存在', cg_component_class(v_id) USING ERRCODE = 'CGINV';
		END IF;
		g := cg_component_geom(p);
		IF g IS NULL THEN
			RAISE EXCEPTION '须给出位置 (lon, lat 或 wkt)' USING ERRCODE = 'CGINV';
		END IF;
		INSERT INTO component (id, version, class_code, name, geom, dept_main, dept_owner,
			dept_maint, grid, status, note)
		VALUES (v_id, v_std, k.code, coalesce(nullif(p->>'name', ''), k.name), g,
			coalesce(cg_component_dept(p->>'dept_main', '主管'),
				(SELECT department FROM class_department d WHERE d.version = k.version
				 AND d.kind = k.kind AND d.class_code = k.code)),
			cg_component_dept(p->>'dept_owner', '权属'),
			cg_component_dept(p->>'dept_maint', '养护'),
			cg_component_grid(v_id, g), coalesce(p->>'status', '完好'),
			coalesce(p->>'note', ''));
	WHEN 'move' THEN
		m := cg_component_in_force(v_id);
		g := cg_component_geom(p);
		IF g IS NULL THEN
			RAISE EXCEPTION '须给出新位置 (lon, lat 或 wkt)' USING ERRCODE = 'CGINV';
		END IF;
		UPDATE component SET geom = g, grid = cg_component_grid(v_id, g) WHERE id = v_id;
	WHEN 'owner' THEN
		m := cg_component_in_force(v_id);
		IF NOT (p ?| ARRAY['dept_main', 'dept_owner', 'dept_maint']) THEN
			RAISE EXCEPTION '须给出主管、权属或养护部门' USING ERRCODE = 'CGINV';
		END IF;
		UPDATE component SET
			dept_main = coalesce(cg_component_dept(p->>'dept_main', '主管'), dept_main),
			dept_owner = CASE WHEN p ? 'dept_owner'
				THEN cg_component_dept(p->>'dept_owner', '权属') ELSE dept_owner END,
			dept_maint = CASE WHEN p ? 'dept_maint'
				THEN cg_component_dept(p->>'dept_maint', '养护') ELSE dept_maint END
		WHERE id = v_id;
	WHEN 'retire' THEN
		m := cg_component_in_force(v_id);
		UPDATE component SET retired_at = now(), status = coalesce(p->>'status', '移除')
		WHERE id = v_id;
	ELSE
		RAISE EXCEPTION '未知的部件变更: %', p_change USING ERRCODE = 'CGINV';
	END CASE;
	before := m.revision;
	SELECT * INTO m FROM component WHERE id = v_id;
	IF m.revision = before THEN
		RAISE EXCEPTION '部件 % 没有变化', v_id USING ERRCODE = 'CGINV';
	END IF;
	RETURN jsonb_build_object('id', m.id, 'revision', m.revision, 'change', p_change,
		'grid', m.grid, 'status', m.status, 'name', m.name);
END
$$;

-- A component's revisions, newest last, and the cases about each.
CREATE FUNCTION cg_component_history(p_id text) RETURNS jsonb
LANGUAGE sql STABLE AS $$
	SELECT jsonb_build_object('id', m.id, 'name', m.name, 'class_code', m.class_code,
		'class_name', k.name, 'revision', m.revision, 'grid', m.grid, 'status', m.status,
		'retired_at', to_char(m.retired_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
		'history', (SELECT jsonb_agg(jsonb_build_object('revision', h.revision,
			'change', h.change, 'at', to_char(h.at AT TIME ZONE 'Asia/Shanghai',
			'YYYY-MM-DD HH24:MI:SS'), 'actor', h.actor_name, 'reason', h.reason,
			'lon', round(ST_X(ST_PointOnSurface(h.geom))::numeric, 6),
			'lat', round(ST_Y(ST_PointOnSurface(h.geom))::numeric, 6),
			'grid', h.grid, 'status', h.status,
			'dept_main', dm.code, 'dept_owner', dw.code, 'dept_maint', dx.code,
			'cases', (SELECT coalesce(jsonb_agg(c.case_no ORDER BY c.id), '[]') FROM cases c
				WHERE c.component = h.component AND c.component_revision = h.revision))
			ORDER BY h.revision)
			FROM component_history h
			LEFT JOIN department dm ON dm.id = h.dept_main
			LEFT JOIN department dw ON dw.id = h.dept_owner
			LEFT JOIN department dx ON dx.id = h.dept_maint
			WHERE h.component = m.id))
	FROM component m
	JOIN class_code k ON k.version = m.version AND k.kind = m.kind AND k.code = m.class_code
	WHERE m.id = p_id
$$;
