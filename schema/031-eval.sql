-- 031: the evaluation (综合评价, CJ/T 292): indicators, once each.
--
-- Every indicator is computed from the case log and the verdicts stored
-- in case_stage when each stage ended (on_time, deadline, end_log),
-- never from today's calendar.  citygrid-evaluation(7) gives each
-- formula; this file is the definition.  A rate whose denominator is 0
-- is NULL: no data, neither 0% nor 100%.
--
-- A period is [from, to) in China time.  Counts of things that happen
-- at an instant (a filing, a dispatch, a stage's end) count where the
-- instant falls.  Outcomes of a cohort (was a reported case filed, was
-- a handled case closed or reworked) are as known when the report runs.

-- The objects evaluated.
CREATE TABLE eval_object_kind (
	kind    text PRIMARY KEY,
	object  text NOT NULL,		-- its indicator set: region for the four levels
	name    text NOT NULL,
	ord     integer NOT NULL UNIQUE
);
INSERT INTO eval_object_kind VALUES
	('collector',  'collector',  '监督员',   1),
	('seat',       'seat',       '受理员',   2),
	('supervisor', 'supervisor', '值班长',   3),
	('dispatcher', 'dispatcher', '派遣员',   4),
	('department', 'department', '专业部门', 5),
	('district',   'region',     '区',       6),
	('street',     'region',     '街道',     7),
	('community',  'region',     '社区',     8),
	('grid',       'region',     '单元网格', 9);

-- The indicator catalogue: one row per indicator of an object set.
CREATE TABLE eval_indicator (
	object     text NOT NULL,
	code       text NOT NULL,
	ord        integer NOT NULL,
	name       text NOT NULL,
	kind       text NOT NULL CHECK (kind IN ('count', 'rate')),
	direction  text NOT NULL CHECK (direction IN ('higher', 'lower')),
	formula    text NOT NULL,
	PRIMARY KEY (object, code)
);
INSERT INTO eval_indicator VALUES
	('collector', 'reports', 1, '上报数', 'count', 'higher',
	 '监督员在期内上报的案卷数 (来源为监督员)'),
	('collector', 'valid_reports', 2, '有效上报数', 'count', 'higher',
	 '期内上报的案卷中已立案的'),
	('collector', 'valid_rate', 3, '有效上报率', 'rate', 'higher',
	 '有效上报数 / 上报数'),
	('collector', 'missed', 4, '漏报数', 'count', 'lower',
	 '期内立案的其所负责网格内非监督员来源且核实属实的案卷数 (监督举报)'),
	('collector', 'missed_rate', 5, '漏报率', 'rate', 'lower',
	 '漏报数 / 其所负责网格期内立案数'),
	('collector', 'verify_on_time_rate', 6, '按时核实率', 'rate', 'higher',
	 '按时核实数 / 应核实数; 应核实 = 期内反馈的核实 + 期末未反馈且已超时的核实'),
	('collector', 'check_on_time_rate', 7, '按时核查率', 'rate', 'higher',
	 '按时核查数 / 应核查数; 应核查 = 期内反馈的核查 + 期末未反馈且已超时的核查'),

	('seat', 'accepted', 1, '受理数', 'count', 'higher',
	 '受理员在期内登记的案卷数'),
	('seat', 'verify_send_rate', 2, '核实按时派发率', 'rate', 'higher',
	 '按时派发核实数 / 派发核实数 (期内由其派发核实任务的非监督员来源案卷)'),
	('seat', 'check_send_rate', 3, '核查按时派发率', 'rate', 'higher',
	 '按时派发核查数 / 派发核查数 (期内由其派发的核查任务)'),

	('supervisor', 'filed', 1, '立案数', 'count', 'higher',
	 '值班长在期内立案的案卷数'),
	('supervisor', 'on_time_file_rate', 2, '按时立案率', 'rate', 'higher',
	 '按时立案数 / 立案数'),
	('supervisor', 'accurate_file_rate', 3, '准确立案率', 'rate', 'higher',
	 '(立案数 - 作废数) / 立案数; 作废 = 立案后以不予立案或合并终结'),
	('supervisor', 'closed', 4, '结案数', 'count', 'higher',
	 '值班长在期内结案的案卷数'),
	('supervisor', 'on_time_close_rate', 5, '按时结案率', 'rate', 'higher',
	 '按时结案数 / 结案数'),

	('dispatcher', 'dispatched', 1, '派遣数', 'count', 'higher',
	 '派遣员在期内的派遣 (含重新派遣) 次数'),
	('dispatcher', 'on_time_dispatch_rate', 2, '按时派遣率', 'rate', 'higher',
	 '按时派遣数 / 派遣数'),
	('dispatcher', 'accurate_dispatch_rate', 3, '准确派遣率', 'rate', 'higher',
	 '(派遣数 - 被回退数) / 派遣数'),

	('department', 'assigned', 1, '受派数', 'count', 'lower',
	 '期内开始的处置 (派遣、重新派遣、返工)'),
	('department', 'due', 2, '应处置数', 'count', 'lower',
	 '处置数 + 超期未处置数'),
	('department', 'handled', 3, '处置数', 'count', 'higher',
	 '期内以处置反馈结束的处置'),
	('department', 'handle_rate', 4, '处置率', 'rate', 'higher',
	 '处置数 / 应处置数'),
	('department', 'on_time_handle_rate', 5, '按时处置率', 'rate', 'higher',
	 '按时处置数 / 应处置数'),
	('department', 'rework_rate', 6, '返工率', 'rate', 'lower',
	 '返工数 / 处置数; 返工 = 期内的处置其后被返工'),
	('department', 'extend_rate', 7, '延期率', 'rate', 'lower',
	 '延期数 / 应处置数; 延期 = 期内批准的延期申请'),
	('department', 'overdue', 8, '超期未处置数', 'count', 'lower',
	 '期末 (或现在) 仍在处置、未暂停且已过处置时限的'),
	('department', 'close_rate', 9, '结案率', 'rate', 'higher',
	 '结案数 / 处置数; 结案 = 期内的处置其后核查通过并结案'),

	('region', 'filed', 1, '立案数', 'count', 'lower',
	 '期内立案的案卷数'),
	('region', 'closed', 2, '结案数', 'count', 'higher',
	 '期内立案的案卷中已结案的'),
	('region', 'close_rate', 3, '结案率', 'rate', 'higher',
	 '结案数 / 应结案数; 应结案 = 期内立案数 - 其中挂账中的'),
	('region', 'on_time_close_rate', 4, '按期结案率', 'rate', 'higher',
	 '按期结案数 / 应结案数; 按期 = 已结案且每次处置都按时'),
	('region', 'report_rate', 5, '监督举报率', 'rate', 'lower',
	 '监督举报数 / 立案数; 监督举报 = 期内立案的非监督员来源且核实属实的');

-- The period of a kind holding a day: day, week (Monday), month, quarter, year.
CREATE FUNCTION cg_eval_period(p_kind text, p_day date)
RETURNS TABLE (period_from date, period_to date)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	f date;
BEGIN
	IF p_kind NOT IN ('day', 'week', 'month', 'quarter', 'year') THEN
		RAISE EXCEPTION '评价周期须为 day, week, month, quarter 或 year: %', p_kind
			USING ERRCODE = 'CGINV';
	END IF;
	f := date_trunc(p_kind, p_day::timestamp)::date;
	RETURN QUERY SELECT f, (f + ('1 ' || p_kind)::interval)::date;
END
$$;

-- Was a stage's clock stopped (缓办, 挂账) at this instant?
CREATE FUNCTION cg_eval_paused(p_stage bigint, p_at timestamptz) RETURNS boolean
LANGUAGE sql STABLE AS $$
	SELECT EXISTS (SELECT 1 FROM case_pause p WHERE p.stage_id = p_stage
		AND p.started_at <= p_at AND (p.ended_at IS NULL OR p.ended_at > p_at))
$$;

/*
 * Raw figures of each object set for [t0, t1): (object_id, code,
 * numerator, denominator); a count has no denominator.  Objects with
 * nothing in the period may be missing: cg_eval fills them in.
 */
CREATE FUNCTION cg_eval_collector_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH rep AS (
		SELECT c.collector AS id, count(*) AS n,
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM case_log l
				WHERE l.case_id = c.id AND l.action = 'file')) AS valid
		FROM cases c
		WHERE c.source = 'collector' AND c.collector IS NOT NULL
		  AND c.created_at >= t0 AND c.created_at < t1
		GROUP BY c.collector),
	filed AS (
		SELECT c.grid, count(*) AS n,
			count(*) FILTER (WHERE c.source <> 'collector' AND EXISTS (SELECT 1
				FROM task t WHERE t.case_id = c.id AND t.kind = 'verify'
				AND t.result = 'confirmed')) AS missed
		FROM case_log l JOIN cases c ON c.id = l.case_id
		WHERE l.action = 'file' AND l.at >= t0 AND l.at < t1
		GROUP BY c.grid),
	miss AS (
		SELECT cg.collector AS id, sum(f.n) AS n, sum(f.missed) AS missed
		FROM filed f JOIN collector_grid cg ON cg.grid = f.grid
		GROUP BY cg.collector),
	st AS (
		SELECT t.collector AS id, s.stage,
			count(*) FILTER (WHERE s.ended_at >= t0 AND s.ended_at < t1
				AND l.action IN ('verified', 'checked') AND s.on_time) AS on_time,
			count(*) FILTER (WHERE (s.ended_at >= t0 AND s.ended_at < t1
				AND l.action IN ('verified', 'checked'))
				OR ((s.ended_at IS NULL OR s.ended_at >= t1)
				AND s.deadline < least(t1, now()))) AS due
		FROM case_stage s
		JOIN task t ON t.case_id = s.case_id AND t.kind = s.stage AND t.sent_at = s.started_at
		LEFT JOIN case_log l ON l.id = s.end_log
		WHERE s.stage IN ('verify', 'check') AND s.started_at < t1
		  AND (s.ended_at IS NULL OR s.ended_at >= t0)
		GROUP BY t.collector, s.stage)
	SELECT id::text, 'reports', n::numeric, NULL::numeric FROM rep
	UNION ALL SELECT id::text, 'valid_reports', valid, NULL FROM rep
	UNION ALL SELECT id::text, 'valid_rate', valid, n FROM rep
	UNION ALL SELECT id::text, 'missed', missed, NULL FROM miss
	UNION ALL SELECT id::text, 'missed_rate', missed, n FROM miss
	UNION ALL SELECT id::text, CASE stage WHEN 'verify' THEN 'verify_on_time_rate'
		ELSE 'check_on_time_rate' END, on_time, due FROM st
$$;

CREATE FUNCTION cg_eval_seat_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH acc AS (
		SELECT l.actor AS id, count(*) AS n FROM case_log l
		WHERE l.action = 'report' AND l.at >= t0 AND l.at < t1 AND l.actor IS NOT NULL
		GROUP BY l.actor),
	send AS (
		SELECT l.actor AS id, s.stage, count(*) AS n,
			count(*) FILTER (WHERE s.on_time) AS on_time
		FROM case_stage s JOIN case_log l ON l.id = s.end_log
		WHERE s.stage IN ('verify_send', 'check_send') AND s.ended_at >= t0
		  AND s.ended_at < t1 AND l.actor IS NOT NULL
		  AND l.action = CASE s.stage WHEN 'verify_send' THEN 'verify' ELSE 'check' END
		GROUP BY l.actor, s.stage)
	SELECT id::text, 'accepted', n::numeric, NULL::numeric FROM acc
	UNION ALL SELECT id::text, CASE stage WHEN 'verify_send' THEN 'verify_send_rate'
		ELSE 'check_send_rate' END, on_time, n FROM send
$$;

CREATE FUNCTION cg_eval_supervisor_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH e AS (
		SELECT l.actor AS id, s.stage, count(*) AS n,
			count(*) FILTER (WHERE s.on_time) AS on_time,
			count(*) FILTER (WHERE c.state IN ('rejected', 'merged')) AS voided
		FROM case_stage s JOIN case_log l ON l.id = s.end_log
		JOIN cases c ON c.id = s.case_id
		WHERE s.stage IN ('file', 'close') AND s.ended_at >= t0 AND s.ended_at < t1
		  AND l.action = s.stage AND l.actor IS NOT NULL
		GROUP BY l.actor, s.stage)
	SELECT id::text, 'filed', n::numeric, NULL::numeric FROM e WHERE stage = 'file'
	UNION ALL SELECT id::text, 'on_time_file_rate', on_time, n FROM e WHERE stage = 'file'
	UNION ALL SELECT id::text, 'accurate_file_rate', n - voided, n FROM e WHERE stage = 'file'
	UNION ALL SELECT id::text, 'closed', n, NULL FROM e WHERE stage = 'close'
	UNION ALL SELECT id::text, 'on_time_close_rate', on_time, n FROM e WHERE stage = 'close'
$$;

CREATE FUNCTION cg_eval_dispatcher_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH e AS (
		SELECT l.actor AS id, count(*) AS n,
			count(*) FILTER (WHERE s.on_time) AS on_time,
			count(*) FILTER (WHERE EXISTS (SELECT 1 FROM case_stage h
				JOIN case_log r ON r.id = h.end_log
				WHERE h.case_id = s.case_id AND h.stage = 'handle'
				  AND h.started_at = s.ended_at AND r.action = 'return')) AS returned
		FROM case_stage s JOIN case_log l ON l.id = s.end_log
		WHERE s.stage = 'dispatch' AND s.ended_at >= t0 AND s.ended_at < t1
		  AND l.action = 'dispatch' AND l.actor IS NOT NULL
		GROUP BY l.actor)
	SELECT id::text, 'dispatched', n::numeric, NULL::numeric FROM e
	UNION ALL SELECT id::text, 'on_time_dispatch_rate', on_time, n FROM e
	UNION ALL SELECT id::text, 'accurate_dispatch_rate', n - returned, n FROM e
$$;

CREATE FUNCTION cg_eval_department_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH h AS (
		SELECT s.id, s.case_id, s.department, s.started_at, s.ended_at, s.deadline,
			s.on_time, l.action AS end_action
		FROM case_stage s LEFT JOIN case_log l ON l.id = s.end_log
		WHERE s.stage = 'handle' AND s.department IS NOT NULL AND s.started_at < t1
		  AND (s.ended_at IS NULL OR s.ended_at >= t0)),
	hx AS (
		SELECT h.department, h.on_time,
			h.started_at >= t0 AS assigned,
			coalesce(h.ended_at < t1 AND h.end_action = 'feedback', false) AS handled,
			(h.ended_at IS NULL OR h.ended_at >= t1)
			  AND h.deadline < least(t1, now())
			  AND NOT cg_eval_paused(h.id, least(t1, now())) AS overdue,
			CASE WHEN h.ended_at < t1 AND h.end_action = 'feedback' THEN
				(SELECT o.action FROM case_log o WHERE o.case_id = h.case_id
				 AND o.action IN ('close', 'rework') AND o.at >= h.ended_at
				 ORDER BY o.id LIMIT 1) END AS outcome
		FROM h),
	d AS (
		SELECT department AS id,
			count(*) FILTER (WHERE assigned) AS assigned,
			count(*) FILTER (WHERE handled) AS handled,
			count(*) FILTER (WHERE handled AND on_time) AS on_time,
			count(*) FILTER (WHERE overdue) AS overdue,
			count(*) FILTER (WHERE outcome = 'rework') AS rework,
			count(*) FILTER (WHERE outcome = 'close') AS closed
		FROM hx GROUP BY department),
	ext AS (
		SELECT s.department AS id, count(*) AS n
		FROM case_log l JOIN case_stage s ON s.case_id = l.case_id AND s.stage = 'handle'
		  AND s.started_at <= l.at AND (s.ended_at IS NULL OR s.ended_at > l.at)
		WHERE l.action = 'approve' AND l.from_state = 'extending'
		  AND l.at >= t0 AND l.at < t1 AND s.department IS NOT NULL
		GROUP BY s.department),
	a AS (
		SELECT coalesce(d.id, ext.id) AS id, coalesce(d.assigned, 0) AS assigned,
			coalesce(d.handled, 0) AS handled, coalesce(d.on_time, 0) AS on_time,
			coalesce(d.overdue, 0) AS overdue, coalesce(d.rework, 0) AS rework,
			coalesce(d.closed, 0) AS closed, coalesce(ext.n, 0) AS extended
		FROM d FULL JOIN ext ON ext.id = d.id)
	SELECT id::text, 'assigned', assigned::numeric, NULL::numeric FROM a
	UNION ALL SELECT id::text, 'due', handled + overdue, NULL FROM a
	UNION ALL SELECT id::text, 'handled', handled, NULL FROM a
	UNION ALL SELECT id::text, 'handle_rate', handled, handled + overdue FROM a
	UNION ALL SELECT id::text, 'on_time_handle_rate', on_time, handled + overdue FROM a
	UNION ALL SELECT id::text, 'rework_rate', rework, handled FROM a
	UNION ALL SELECT id::text, 'extend_rate', extended, handled + overdue FROM a
	UNION ALL SELECT id::text, 'overdue', overdue, NULL FROM a
	UNION ALL SELECT id::text, 'close_rate', closed, handled FROM a
$$;

-- Regions: per grid; cg_eval sums the grids of a community, street, district.
CREATE FUNCTION cg_eval_grid_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH f AS (
		SELECT c.id, c.grid, c.source, c.state
		FROM case_log l JOIN cases c ON c.id = l.case_id
		WHERE l.action = 'file' AND l.at >= t0 AND l.at < t1 AND c.grid IS NOT NULL),
	g AS (
		SELECT f.grid AS id, count(*) AS filed,
			count(*) FILTER (WHERE f.state <> 'suspended') AS due,
			count(*) FILTER (WHERE f.state = 'closed') AS closed,
			count(*) FILTER (WHERE f.state = 'closed' AND NOT EXISTS (SELECT 1
				FROM case_stage s WHERE s.case_id = f.id AND s.stage = 'handle'
				AND NOT s.on_time)) AS closed_on_time,
			count(*) FILTER (WHERE f.source <> 'collector' AND EXISTS (SELECT 1
				FROM task t WHERE t.case_id = f.id AND t.kind = 'verify'
				AND t.result = 'confirmed')) AS public_reports
		FROM f GROUP BY f.grid)
	SELECT id, 'filed', filed::numeric, NULL::numeric FROM g
	UNION ALL SELECT id, 'closed', closed, NULL FROM g
	UNION ALL SELECT id, 'close_rate', closed, due FROM g
	UNION ALL SELECT id, 'on_time_close_rate', closed_on_time, due FROM g
	UNION ALL SELECT id, 'report_rate', public_reports, filed FROM g
$$;

-- The objects of a kind: id, code, name, parent (a region's, a street department's street).
CREATE FUNCTION cg_eval_objects(p_kind text)
RETURNS TABLE (object_id text, object_code text, object_name text, parent text)
LANGUAGE sql STABLE AS $$
	SELECT c.id::text, c.code, c.name, NULL::text FROM collector c WHERE p_kind = 'collector'
	UNION ALL
	SELECT o.id::text, o.unix_user, o.name, NULL FROM operator o
	WHERE p_kind IN ('seat', 'supervisor', 'dispatcher') AND p_kind = ANY (o.roles)
	UNION ALL
	SELECT d.id::text, d.code, d.name, d.street FROM department d
	WHERE p_kind = 'department' AND d.kind IN ('professional', 'street', 'unit')
	UNION ALL
	SELECT v.code, v.code, v.name, v.parent FROM division v WHERE v.level = p_kind
	UNION ALL
	SELECT g.code, g.code, v.name || right(g.code, 3) || '号网格', g.community
	FROM grid g JOIN division v ON v.code = g.community WHERE p_kind = 'grid'
$$;

-- The district, street and community of every grid.
CREATE VIEW eval_grid_region AS
	SELECT g.code AS grid, g.area_class, g.community, c.parent AS street, s.parent AS district
	FROM grid g JOIN division c ON c.code = g.community JOIN division s ON s.code = c.parent;

/*
 * The interface: every indicator of every object of a kind for
 * [p_from, p_to), optionally only the objects under p_parent (a
 * region's parent division; a department's street).  value is the
 * count, or numerator / denominator rounded to 4 places, NULL when the
 * denominator is 0.
 */
CREATE FUNCTION cg_eval(p_kind text, p_from date, p_to date, p_parent text DEFAULT NULL)
RETURNS TABLE (object_kind text, object_id text, object_code text, object_name text,
	parent text, indicator text, indicator_name text, ord integer,
	numerator numeric, denominator numeric, value numeric)
LANGUAGE plpgsql STABLE AS $$
DECLARE
	k eval_object_kind;
	t0 timestamptz := p_from::timestamp AT TIME ZONE 'Asia/Shanghai';
	t1 timestamptz := p_to::timestamp AT TIME ZONE 'Asia/Shanghai';
BEGIN
	SELECT * INTO k FROM eval_object_kind WHERE kind = p_kind;
	IF NOT FOUND THEN
		RAISE EXCEPTION '没有评价对象 % (collector, seat, supervisor, dispatcher, department, district, street, community, grid)',
			p_kind USING ERRCODE = 'CGINV';
	END IF;
	IF p_from IS NULL OR p_to IS NULL OR p_to <= p_from THEN
		RAISE EXCEPTION '评价期间须为 [from, to), from 早于 to' USING ERRCODE = 'CGINV';
	END IF;
	RETURN QUERY
	WITH raw AS (
		SELECT * FROM cg_eval_collector_raw(t0, t1) WHERE k.object = 'collector'
		UNION ALL SELECT * FROM cg_eval_seat_raw(t0, t1) WHERE k.object = 'seat'
		UNION ALL SELECT * FROM cg_eval_supervisor_raw(t0, t1) WHERE k.object = 'supervisor'
		UNION ALL SELECT * FROM cg_eval_dispatcher_raw(t0, t1) WHERE k.object = 'dispatcher'
		UNION ALL SELECT * FROM cg_eval_department_raw(t0, t1) WHERE k.object = 'department'
		UNION ALL SELECT CASE p_kind WHEN 'grid' THEN r.object_id WHEN 'community' THEN g.community
				WHEN 'street' THEN g.street ELSE g.district END,
			r.code, sum(r.num), sum(r.den)
		FROM cg_eval_grid_raw(t0, t1) r JOIN eval_grid_region g ON g.grid = r.object_id
		WHERE k.object = 'region'
		GROUP BY 1, 2),
	o AS (SELECT * FROM cg_eval_objects(p_kind) x
		WHERE p_parent IS NULL OR x.parent = p_parent)
	SELECT p_kind, o.object_id, o.object_code, o.object_name, o.parent, i.code, i.name, i.ord,
		coalesce(r.num, 0),
		CASE i.kind WHEN 'rate' THEN coalesce(r.den, 0) END,
		CASE i.kind WHEN 'count' THEN coalesce(r.num, 0)
			ELSE round(r.num / nullif(r.den, 0), 4) END
	FROM o CROSS JOIN eval_indicator i
	LEFT JOIN raw r ON r.object_id = o.object_id AND r.code = i.code
	WHERE i.object = k.object
	ORDER BY o.object_code, i.ord;
END
$$;
