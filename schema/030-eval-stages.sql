-- 030: what the evaluation (综合评价, CJ/T 292) needs from the workflow.
--
-- Two more timed stages, for the seats (受理员): verify_send 核实派发
-- (from the report of a case that is not a collector's own to the
-- verify task sent) and check_send 核查派发 (from the department's
-- feedback to the check task sent).  The collector's check stage now
-- starts when the check task is sent, as the verify stage does.
--
-- Each ended stage records the log row of the step that ended it
-- (end_log), so a verdict is attributed to the action and the operator
-- that ended the stage, as stored, never recomputed.

ALTER TABLE case_stage DROP CONSTRAINT case_stage_stage_check;
ALTER TABLE case_stage ADD CONSTRAINT case_stage_stage_check CHECK (stage IN
	('verify_send', 'verify', 'file', 'dispatch', 'handle', 'check_send', 'check', 'close'));

-- No foreign key: case_log must stay TRUNCATE-proof by its own trigger.
ALTER TABLE case_stage ADD COLUMN end_log bigint;

-- Stages ended before this migration: the first log row at their end.
UPDATE case_stage s SET end_log = (SELECT min(l.id) FROM case_log l
	WHERE l.case_id = s.case_id AND l.at = s.ended_at)
WHERE s.ended_at IS NOT NULL AND s.end_log IS NULL;

-- cg_case_step ends stages and then appends its log row: the row names
-- the stages its step ended.
CREATE FUNCTION cg_stage_end_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	UPDATE case_stage SET end_log = NEW.id
	WHERE case_id = NEW.case_id AND ended_at = NEW.at AND end_log IS NULL;
	RETURN NULL;
END
$$;
CREATE TRIGGER case_log_stage_end AFTER INSERT ON case_log
	FOR EACH ROW WHEN (NEW.action <> 'report') EXECUTE FUNCTION cg_stage_end_log();

-- Period scans of the evaluation.
CREATE INDEX case_log_action_at_idx ON case_log (action, at);
CREATE INDEX case_stage_stage_end_idx ON case_stage (stage, ended_at);
CREATE INDEX cases_created_idx ON cases (created_at);

/*
 * cg_case_new as in 006, but p_stage may be an array of stages to start
 * (file, and verify_send for a case a collector did not report).
 */
CREATE OR REPLACE FUNCTION cg_case_new(p jsonb, p_at timestamptz, p_actor integer,
	p_actor_name text, p_stage jsonb)
RETURNS TABLE (id bigint, case_no text, created boolean, likely_duplicate text)
LANGUAGE plpgsql AS $$
DECLARE
	v_version text := p->>'version';
	v_kind text := p->>'kind';
	v_class text := p->>'class';
	v_comp component;
	v_geom geometry;
	v_grid text;
	v_cond integer;
	v_dup bigint;
	v_collector integer;
	v_id bigint;
	v_no text;
BEGIN
	IF p ? 'client_ref' THEN
		SELECT c.id, c.case_no INTO v_id, v_no FROM cases c WHERE c.client_ref = p->>'client_ref';
		IF FOUND THEN
			RETURN QUERY SELECT v_id, v_no, false,
				(SELECT d.case_no FROM cases c JOIN cases d ON d.id = c.likely_duplicate
				 WHERE c.id = v_id);
			RETURN;
		END IF;
	END IF;
	IF p ? 'component' THEN
		SELECT * INTO v_comp FROM component WHERE component.id = p->>'component';
		IF NOT FOUND THEN
			RAISE EXCEPTION '部件 % 不存在', p->>'component' USING ERRCODE = 'CGNOT';
		END IF;
		v_kind := 'component';
		v_class := v_comp.class_code;
		v_version := v_comp.version;
		v_geom := ST_PointOnSurface(v_comp.geom);
		v_grid := v_comp.grid;
	END IF;
	IF p ? 'lon' THEN
		v_geom := ST_SetSRID(ST_MakePoint((p->>'lon')::float8, (p->>'lat')::float8), 4490);
		SELECT l.grid INTO v_grid FROM cg_locate((p->>'lon')::float8, (p->>'lat')::float8) l;
		IF v_grid IS NULL THEN
			RAISE EXCEPTION '位置 (%, %) 不在任何单元网格内', p->>'lon', p->>'lat'
				USING ERRCODE = 'CGINV';
		END IF;
	ELSIF p ? 'grid' AND v_geom IS NULL THEN
		SELECT ST_PointOnSurface(g.geom), g.code INTO v_geom, v_grid FROM grid g
		WHERE g.code = p->>'grid';
		IF NOT FOUND THEN
			RAISE EXCEPTION '网格 % 不存在', p->>'grid' USING ERRCODE = 'CGNOT';
		END IF;
	END IF;
	IF v_grid IS NULL THEN
		RAISE EXCEPTION '须给出位置: 经纬度、网格编码或部件标识码' USING ERRCODE = 'CGINV';
	END IF;
	IF NOT EXISTS (SELECT 1 FROM class_code k WHERE k.version = v_version
	               AND k.kind = v_kind AND k.code = v_class) THEN
		RAISE EXCEPTION '% 代码表中没有%类别 %', v_version,
			CASE v_kind WHEN 'component' THEN '部件' ELSE '事件' END, v_class
			USING ERRCODE = 'CGINV';
	END IF;
	SELECT f.id INTO v_cond FROM filing_condition f
	WHERE f.version = v_version AND f.kind = v_kind AND f.class_code = v_class
	  AND (NOT p ? 'condition' OR f.code = p->>'condition')
	ORDER BY f.code LIMIT 1;
	IF v_cond IS NULL THEN
		RAISE EXCEPTION '类别 % 没有立案条件 %', v_class, coalesce(p->>'condition', '')
			USING ERRCODE = 'CGINV';
	END IF;
	IF p ? 'collector' THEN
		SELECT c.id INTO v_collector FROM collector c WHERE c.code = p->>'collector';
		IF NOT FOUND THEN
			RAISE EXCEPTION '监督员 % 不存在', p->>'collector' USING ERRCODE = 'CGNOT';
		END IF;
	END IF;
	SELECT c.id INTO v_dup FROM cases c JOIN case_state s ON s.state = c.state AND s.open
	WHERE c.version = v_version AND c.kind = v_kind AND c.class_code = v_class
	  AND c.created_at > p_at - interval '24 hours'
	  AND c.geom && ST_Expand(v_geom, 0.001)
	ORDER BY c.geom <-> v_geom, c.id LIMIT 1;
	IF v_dup IS NOT NULL AND NOT (SELECT ST_DWithin(c.geom::geography, v_geom::geography, 50)
	                              FROM cases c WHERE c.id = v_dup) THEN
		v_dup := NULL;
	END IF;

	v_no := cg_case_no(v_kind, v_class, p_at);
	INSERT INTO cases (case_no, version, kind, class_code, condition, source, state,
		urgent, grid, geom, address, description, component, reporter_name,
		reporter_phone, collector, found_at, created_at, updated_at, updated_by,
		client_ref, likely_duplicate)
	VALUES (v_no, v_version, v_kind, v_class, v_cond, p->>'source', 'reported',
		coalesce((p->>'urgent')::boolean, false), v_grid, v_geom,
		coalesce(p->>'address', ''), p->>'description', v_comp.id,
		coalesce(p->>'reporter_name', ''), coalesce(p->>'reporter_phone', ''),
		v_collector, coalesce((p->>'found_at')::timestamptz, p_at), p_at, p_at,
		p_actor, p->>'client_ref', v_dup)
	RETURNING cases.id INTO v_id;
	INSERT INTO case_stage (case_id, stage, started_at, limit_value, limit_unit,
		deadline, warn_at, unpublished)
	SELECT v_id, s->>'stage', p_at, (s->>'limit')::numeric, s->>'unit',
		(s->>'deadline')::timestamptz, (s->>'warn_at')::timestamptz,
		coalesce((s->>'unpublished')::boolean, false)
	FROM jsonb_array_elements(CASE jsonb_typeof(p_stage) WHEN 'array' THEN p_stage
		ELSE jsonb_build_array(p_stage) END) s;
	INSERT INTO case_log (case_id, at, actor, actor_name, action, from_state, to_state,
		reason, detail, row_version)
	VALUES (v_id, p_at, p_actor, p_actor_name, 'report', NULL, 'reported', '',
		jsonb_build_object('source', p->>'source', 'likely_duplicate', v_dup) ||
		CASE WHEN p ? 'backdated' THEN '{"backdated": true}'::jsonb ELSE '{}' END, 1);
	RETURN QUERY SELECT v_id, v_no, true, (SELECT d.case_no FROM cases d WHERE d.id = v_dup);
END
$$;
