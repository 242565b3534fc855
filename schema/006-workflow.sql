-- 006: the mechanics of workflow steps.
--
-- What may happen to a case (which action, from which state, by which
-- role, to which state, which timed stage) is decided by the transition
-- table in daemon/workflow.c and nothing else.  The functions here only
-- carry a decided step out, in one transaction: check the case's state
-- and version, update it, end and start timed stages, open and close
-- tasks, and append to the case log.  Deadlines are computed by the
-- daemon in working time and passed in; verdicts are stored when a stage
-- ends, so a later calendar edit never rewrites history.

-- A request id chosen by the client makes "new case" safe to resend.
ALTER TABLE cases ADD COLUMN client_ref text UNIQUE
	CHECK (client_ref ~ '^[A-Za-z0-9_.:-]{1,64}$');
-- An open case of the same class within 50 m in the 24 h before.
ALTER TABLE cases ADD COLUMN likely_duplicate bigint REFERENCES cases;

-- Case numbers: C (component) or E (event), class code, date, serial of
-- the day (after the UNI implementation, with 4 serial digits, more on a
-- day past 9999).
CREATE TABLE case_counter (
	day  date PRIMARY KEY,
	n    integer NOT NULL
);

CREATE FUNCTION cg_case_no(p_kind text, p_class text, p_at timestamptz) RETURNS text
LANGUAGE sql AS $$
	INSERT INTO case_counter AS c VALUES ((p_at AT TIME ZONE 'Asia/Shanghai')::date, 1)
	ON CONFLICT (day) DO UPDATE SET n = c.n + 1
	RETURNING CASE p_kind WHEN 'component' THEN 'C' ELSE 'E' END || p_class ||
		to_char(p_at AT TIME ZONE 'Asia/Shanghai', 'YYYYMMDD') ||
		CASE WHEN n < 10000 THEN lpad(n::text, 4, '0') ELSE n::text END
$$;

-- Timed stages of a case: verify 核实, file 立案, dispatch 派遣,
-- handle 处置, check 核查, close 结案.
CREATE TABLE case_stage (
	id           bigserial PRIMARY KEY,
	case_id      bigint NOT NULL REFERENCES cases,
	stage        text NOT NULL CHECK (stage IN
		('verify', 'file', 'dispatch', 'handle', 'check', 'close')),
	started_at   timestamptz NOT NULL,
	limit_value  numeric(10,4) NOT NULL CHECK (limit_value > 0),
	limit_unit   text NOT NULL CHECK (limit_unit IN
		('work_hour', 'work_day', 'clock_hour', 'natural_day')),
	deadline     timestamptz NOT NULL,
	warn_at      timestamptz NOT NULL,
	department   integer REFERENCES department,
	unpublished  boolean NOT NULL DEFAULT false,  -- deadline crosses a year without calendar
	paused_at    timestamptz,                     -- the clock is stopped since
	ended_at     timestamptz,
	on_time      boolean,
	CONSTRAINT case_stage_verdict CHECK ((ended_at IS NULL) = (on_time IS NULL)),
	CONSTRAINT case_stage_order CHECK (deadline >= started_at AND warn_at <= deadline)
);
CREATE UNIQUE INDEX case_stage_one_open ON case_stage (case_id, stage) WHERE ended_at IS NULL;
CREATE INDEX case_stage_open_idx ON case_stage (deadline) WHERE ended_at IS NULL;
CREATE INDEX case_stage_case_idx ON case_stage (case_id);

-- Pauses of a stage's clock: postponement 缓办, suspension 挂账.
CREATE TABLE case_pause (
	id          bigserial PRIMARY KEY,
	stage_id    bigint NOT NULL REFERENCES case_stage,
	kind        text NOT NULL CHECK (kind IN ('postpone', 'suspend')),
	started_at  timestamptz NOT NULL,
	ended_at    timestamptz,
	CONSTRAINT case_pause_order CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX case_pause_stage_idx ON case_pause (stage_id);

ALTER TABLE case_log ADD COLUMN row_version integer;

-- A department's request waits for the dispatcher in its own state.
INSERT INTO case_state VALUES
	('extending',  '延期申请', true),
	('postponing', '缓办申请', true);

-- Errors the daemon maps to protocol codes.
--   CGNOT  no such case          CGSTA  the case is not in a state for this
--   CGCNF  changed meanwhile     CGINV  the effects are inconsistent
CREATE FUNCTION cg_case_conflict(c cases) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	who text;
	at timestamptz;
BEGIN
	SELECT l.actor_name, l.at INTO who, at FROM case_log l
	WHERE l.case_id = c.id ORDER BY l.id DESC LIMIT 1;
	RAISE EXCEPTION '案卷 % 已于 % 被 % 修改, 请刷新后重试', c.case_no,
		to_char(coalesce(at, c.updated_at) AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS'),
		coalesce(who, '系统') USING ERRCODE = 'CGCNF';
END
$$;

/*
 * Carry out one decided step.
 *   p_case, p_version  the case and the version the actor saw (NULL: any)
 *   p_from             the states the transition table allows it from
 *   p_to               the new state; NULL leaves it (urge)
 *   p_effects          jsonb, each key optional:
 *     action_name      the step's name for messages (立案)
 *     department       dispatch to this department
 *     duplicate_of     case id this one duplicates (merge)
 *     stage_close      [stage, ...] to end now, with their verdict
 *     stage_open       {stage, limit, unit, deadline, warn_at, department, unpublished}
 *     deadline         {stage, deadline, warn_at}: move an open stage's deadline
 *     pause_start      postpone | suspend: stop the open stages' clocks
 *     pause_end        {stage: {deadline, warn_at}, ...}: restart them, new deadlines
 *     task_open        {kind, collector, due_at}
 *     task_close       {kind, result, note, photos}
 * Returns the new version and the log row.
 */
CREATE FUNCTION cg_case_step(p_case bigint, p_version integer, p_action text,
	p_from text[], p_to text, p_at timestamptz, p_actor integer,
	p_actor_name text, p_reason text, p_attachments text[], p_effects jsonb)
RETURNS TABLE (row_version integer, log_id bigint)
LANGUAGE plpgsql AS $$
DECLARE
	c cases;
	e jsonb := coalesce(p_effects, '{}');
	s jsonb;
	st text;
	n integer;
	lid bigint;
BEGIN
	SELECT * INTO c FROM cases WHERE id = p_case FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION '案卷 % 不存在', p_case USING ERRCODE = 'CGNOT';
	END IF;
	IF p_version IS NOT NULL AND c.row_version <> p_version THEN
		PERFORM cg_case_conflict(c);
	END IF;
	IF p_at < c.updated_at THEN
		RAISE EXCEPTION '案卷 % 的操作时间 % 早于其上次变更', c.case_no, p_at
			USING ERRCODE = 'CGINV';
	END IF;
	IF NOT (c.state = ANY (p_from)) THEN
		RAISE EXCEPTION '案卷 % 当前状态为"%", 不能%', c.case_no,
			(SELECT name FROM case_state WHERE state = c.state),
			coalesce(e->>'action_name', p_action)
			USING ERRCODE = 'CGSTA';
	END IF;

	IF e ? 'department_ref' AND e->>'department' IS NULL THEN
		RAISE EXCEPTION '部门 % 不存在', e->>'department_ref' USING ERRCODE = 'CGINV';
	END IF;
	IF e ? 'duplicate_of_ref' AND (e->>'duplicate_of' IS NULL OR
	    (e->>'duplicate_of')::bigint = p_case) THEN
		RAISE EXCEPTION '要合并到的案卷 % 不存在或就是本案卷', e->>'duplicate_of_ref'
			USING ERRCODE = 'CGINV';
	END IF;

	UPDATE cases SET state = coalesce(p_to, c.state),
		department = coalesce((e->>'department')::integer, department),
		duplicate_of = coalesce((e->>'duplicate_of')::bigint, duplicate_of),
		updated_at = p_at, updated_by = p_actor,
		row_version = cases.row_version + 1
	WHERE id = p_case
	RETURNING cases.row_version INTO n;

	FOR st IN SELECT jsonb_array_elements_text(coalesce(e->'stage_close', '[]')) LOOP
		UPDATE case_pause p SET ended_at = p_at
		FROM case_stage cs
		WHERE p.stage_id = cs.id AND cs.case_id = p_case AND cs.stage = st
		  AND cs.ended_at IS NULL AND p.ended_at IS NULL;
		UPDATE case_stage SET ended_at = p_at, on_time = p_at <= deadline, paused_at = NULL
		WHERE case_id = p_case AND stage = st AND ended_at IS NULL;
	END LOOP;

	IF e ? 'pause_start' THEN
		INSERT INTO case_pause (stage_id, kind, started_at)
		SELECT id, e->>'pause_start', p_at FROM case_stage
		WHERE case_id = p_case AND ended_at IS NULL AND paused_at IS NULL;
		UPDATE case_stage SET paused_at = p_at
		WHERE case_id = p_case AND ended_at IS NULL AND paused_at IS NULL;
	END IF;
	IF e ? 'pause_end' THEN
		UPDATE case_pause p SET ended_at = p_at
		FROM case_stage cs
		WHERE p.stage_id = cs.id AND cs.case_id = p_case AND p.ended_at IS NULL;
		FOR st, s IN SELECT * FROM jsonb_each(e->'pause_end') LOOP
			UPDATE case_stage SET paused_at = NULL,
				deadline = (s->>'deadline')::timestamptz,
				warn_at = (s->>'warn_at')::timestamptz
			WHERE case_id = p_case AND stage = st AND ended_at IS NULL;
		END LOOP;
		UPDATE case_stage SET paused_at = NULL WHERE case_id = p_case AND ended_at IS NULL;
	END IF;
	IF e ? 'deadline' THEN
		UPDATE case_stage SET deadline = (e->'deadline'->>'deadline')::timestamptz,
			warn_at = (e->'deadline'->>'warn_at')::timestamptz
		WHERE case_id = p_case AND stage = e->'deadline'->>'stage' AND ended_at IS NULL;
		IF NOT FOUND THEN
			RAISE EXCEPTION '案卷 % 没有进行中的%阶段', c.case_no, e->'deadline'->>'stage'
				USING ERRCODE = 'CGINV';
		END IF;
	END IF;
	IF e ? 'stage_open' THEN
		s := e->'stage_open';
		INSERT INTO case_stage (case_id, stage, started_at, limit_value, limit_unit,
			deadline, warn_at, department, unpublished)
		VALUES (p_case, s->>'stage', p_at, (s->>'limit')::numeric, s->>'unit',
			(s->>'deadline')::timestamptz, (s->>'warn_at')::timestamptz,
			coalesce((s->>'department')::integer, (e->>'department')::integer),
			coalesce((s->>'unpublished')::boolean, false));
	END IF;

	-- A case that leaves the open states ends its clocks and tasks.
	IF p_to IS NOT NULL AND NOT (SELECT open FROM case_state WHERE state = p_to) THEN
		UPDATE case_pause p SET ended_at = p_at FROM case_stage cs
		WHERE p.stage_id = cs.id AND cs.case_id = p_case AND p.ended_at IS NULL;
		UPDATE case_stage SET ended_at = p_at, on_time = p_at <= deadline, paused_at = NULL
		WHERE case_id = p_case AND ended_at IS NULL;
		UPDATE task SET state = 'cancelled' WHERE case_id = p_case AND state = 'open';
	END IF;

	IF e ? 'task_close' THEN
		s := e->'task_close';
		UPDATE task SET state = 'done', result = s->>'result',
			note = coalesce(s->>'note', ''), done_at = p_at,
			photos = coalesce(ARRAY(SELECT jsonb_array_elements_text(s->'photos')), '{}')
		WHERE case_id = p_case AND kind = s->>'kind' AND state = 'open';
		IF NOT FOUND THEN
			RAISE EXCEPTION '案卷 % 没有待完成的%任务', c.case_no,
				CASE s->>'kind' WHEN 'verify' THEN '核实' ELSE '核查' END
				USING ERRCODE = 'CGINV';
		END IF;
	END IF;
	IF e ? 'task_open' THEN
		s := e->'task_open';
		UPDATE task SET state = 'cancelled'
		WHERE case_id = p_case AND kind = s->>'kind' AND state = 'open';
		INSERT INTO task (case_id, kind, collector, sent_at, due_at)
		VALUES (p_case, s->>'kind', (s->>'collector')::integer, p_at,
			(s->>'due_at')::timestamptz);
	END IF;

	INSERT INTO case_log (case_id, at, actor, actor_name, action, from_state, to_state,
		reason, department, attachments, detail, row_version)
	VALUES (p_case, p_at, p_actor, p_actor_name, p_action, c.state, coalesce(p_to, c.state),
		coalesce(p_reason, ''), (e->>'department')::integer,
		coalesce(p_attachments, '{}'), e, n)
	RETURNING id INTO lid;
	RETURN QUERY SELECT n, lid;
END
$$;

-- Every change to a case and every log row is announced, whoever made
-- it (a daemon, the cradle or plain SQL).  Payloads stay small: the
-- daemon reads what it pushes.
CREATE FUNCTION cg_notify_case() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('cg_case', json_build_object('id', NEW.id,
		'row_version', NEW.row_version)::text);
	RETURN NULL;
END
$$;
CREATE TRIGGER cases_notify AFTER INSERT OR UPDATE ON cases
	FOR EACH ROW EXECUTE FUNCTION cg_notify_case();

CREATE FUNCTION cg_notify_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	PERFORM pg_notify('cg_log', json_build_object('id', NEW.id,
		'case_id', NEW.case_id)::text);
	RETURN NULL;
END
$$;
CREATE TRIGGER case_log_notify AFTER INSERT ON case_log
	FOR EACH ROW EXECUTE FUNCTION cg_notify_log();

/*
 * Register a new case and start its filing clock, in one transaction.
 *   p        {version, kind, class, condition, source, description,
 *             lon, lat | grid | component, address, urgent, reporter_name,
 *             reporter_phone, collector, client_ref, found_at}
 *   p_stage  {stage, limit, unit, deadline, warn_at, unpublished}
 * A client_ref seen before returns that case (created = false).
 */
CREATE FUNCTION cg_case_new(p jsonb, p_at timestamptz, p_actor integer,
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
	-- The nearest candidate by the spatial index (KNN), then its true distance.
	SELECT c.id INTO v_dup FROM cases c JOIN case_state s ON s.state = c.state AND s.open
	WHERE c.version = v_version AND c.kind = v_kind AND c.class_code = v_class
	  AND c.created_at > p_at - interval '24 hours'
	  AND c.geom && ST_Expand(v_geom, 0.001)	-- ~85 m by 111 m around it
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
	VALUES (v_id, p_stage->>'stage', p_at, (p_stage->>'limit')::numeric, p_stage->>'unit',
		(p_stage->>'deadline')::timestamptz, (p_stage->>'warn_at')::timestamptz,
		coalesce((p_stage->>'unpublished')::boolean, false));
	INSERT INTO case_log (case_id, at, actor, actor_name, action, from_state, to_state,
		reason, detail, row_version)
	VALUES (v_id, p_at, p_actor, p_actor_name, 'report', NULL, 'reported', '',
		jsonb_build_object('source', p->>'source', 'likely_duplicate', v_dup) ||
		CASE WHEN p ? 'backdated' THEN '{"backdated": true}'::jsonb ELSE '{}' END, 1);
	RETURN QUERY SELECT v_id, v_no, true, (SELECT d.case_no FROM cases d WHERE d.id = v_dup);
END
$$;

/*
 * What the daemon needs to decide a step: the case, its limits for its
 * grid's area class, its open stages, the grid's collector and the
 * department it goes to by default (a component's maintaining, owning
 * or main department, else the class's).  Times are epoch seconds.
 */
CREATE FUNCTION cg_case_context(p_ref text) RETURNS TABLE (
	id bigint, case_no text, state text, row_version integer, department integer,
	grid text, area_class char(1), handle_limit numeric, handle_unit text,
	grid_collector integer, default_department integer, last_check text,
	stages jsonb, last_extend jsonb, last_actor text, last_at text)
LANGUAGE sql STABLE AS $$
	SELECT c.id, c.case_no, c.state, c.row_version, c.department, c.grid, g.area_class,
		CASE g.area_class WHEN 'A' THEN f.limit_a WHEN 'C' THEN f.limit_c ELSE f.limit_b END,
		f.limit_unit,
		(SELECT cg.collector FROM collector_grid cg WHERE cg.grid = c.grid
		 ORDER BY cg.collector LIMIT 1),
		coalesce(comp.dept_maint, comp.dept_owner, comp.dept_main, cd.department),
		(SELECT t.result FROM task t WHERE t.case_id = c.id AND t.kind = 'check'
		 AND t.state = 'done' ORDER BY t.done_at DESC, t.id DESC LIMIT 1),
		coalesce((SELECT jsonb_agg(jsonb_build_object('stage', s.stage,
			'started_at', extract(epoch FROM s.started_at),
			'deadline', extract(epoch FROM s.deadline),
			'warn_at', extract(epoch FROM s.warn_at),
			'paused_at', extract(epoch FROM s.paused_at),
			'limit', s.limit_value, 'unit', s.limit_unit))
		 FROM case_stage s WHERE s.case_id = c.id AND s.ended_at IS NULL), '[]'),
		(SELECT l.detail FROM case_log l WHERE l.case_id = c.id AND l.action = 'extend'
		 ORDER BY l.id DESC LIMIT 1),
		l.actor_name,
		to_char(l.at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI:SS')
	FROM cases c
	LEFT JOIN LATERAL (SELECT x.actor_name, x.at FROM case_log x WHERE x.case_id = c.id
		ORDER BY x.id DESC LIMIT 1) l ON true
	LEFT JOIN grid g ON g.code = c.grid
	LEFT JOIN filing_condition f ON f.id = c.condition
	LEFT JOIN component comp ON comp.id = c.component
	LEFT JOIN class_department cd ON cd.version = c.version AND cd.kind = c.kind
		AND cd.class_code = c.class_code
	WHERE c.case_no = p_ref OR c.id = CASE WHEN p_ref ~ '^[0-9]{1,18}$' THEN p_ref::bigint END
$$;

/*
 * Load a year's holiday notice (the days[] of a holiday-cn file, already
 * validated by the daemon): its days replace the year's, and the year
 * becomes published.  Verdicts already stored are not touched.
 */
CREATE FUNCTION cg_calendar_load(p_year integer, p_days jsonb, p_source text)
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	n integer;
BEGIN
	DELETE FROM calendar_day
	WHERE extract(year FROM day) = p_year
	  AND day NOT IN (SELECT (d->>'date')::date FROM jsonb_array_elements(p_days) d);
	INSERT INTO calendar_day (day, off, name)
	SELECT (d->>'date')::date, (d->>'isOffDay')::boolean, d->>'name'
	FROM jsonb_array_elements(p_days) d
	ON CONFLICT (day) DO UPDATE SET off = EXCLUDED.off, name = EXCLUDED.name;
	GET DIAGNOSTICS n = ROW_COUNT;
	INSERT INTO calendar_year (year, published, source) VALUES (p_year, true, p_source)
	ON CONFLICT (year) DO UPDATE SET published = true, source = EXCLUDED.source,
		loaded_at = now();
	RETURN n;
END
$$;
