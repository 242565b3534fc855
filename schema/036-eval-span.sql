-- 036: the evaluation's queries made fast (make bench-eval: a month of a
-- million cases).  Same figures as 031; only how they are found changes.
--
-- The stages of a period found by their time span.
-- A stage belongs to a period [t0, t1) when it started before t1 and
-- had not ended before t0: started_at < t1 AND (ended_at IS NULL OR
-- ended_at >= t0).  On a B-tree that is a scan of everything ended
-- since t0 (for a month of a year's cases, half the table); as a range,
-- [started_at, ended_at] && [t0, t1), a GiST index finds just the
-- stages alive in the period.  The collector and department figures of
-- 031 are the same but for that condition, written as a range.
CREATE INDEX case_stage_handle_span_idx ON case_stage
	USING gist (tstzrange(started_at, ended_at, '[]')) WHERE stage = 'handle';
CREATE INDEX case_stage_task_span_idx ON case_stage
	USING gist (tstzrange(started_at, ended_at, '[]')) WHERE stage IN ('verify', 'check');

-- The per-case tests of the region figures probe small partial indexes.
CREATE INDEX case_stage_handle_late_idx ON case_stage (case_id)
	WHERE stage = 'handle' AND NOT on_time;
CREATE INDEX task_verify_confirmed_idx ON task (case_id)
	WHERE kind = 'verify' AND result = 'confirmed';

-- What came of a handling (the next 结案 or 返工 after it), index-only.
CREATE INDEX case_log_decision_idx ON case_log (case_id, id) INCLUDE (at, action)
	WHERE action IN ('close', 'rework');

-- A region's grids by code: a grid's code begins with its community's
-- (12 digits), a community's with its street's (9), a street's with its
-- district's (6), as GB/T 30428.1 and cg_division_error have them; the
-- roll-up takes the prefix instead of joining the divisions per row.
-- The month's filings look up their cases one by one (OFFSET 0 keeps
-- the lookup a nested loop on cases_pkey instead of hashing every case).
-- Reports are short queries: no JIT, and room to sort in memory.

CREATE OR REPLACE FUNCTION cg_eval_collector_raw(t0 timestamptz, t1 timestamptz)
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
		WHERE s.stage IN ('verify', 'check')
		  AND tstzrange(s.started_at, s.ended_at, '[]') && tstzrange(t0, t1)
		GROUP BY t.collector, s.stage)
	SELECT id::text, 'reports', n::numeric, NULL::numeric FROM rep
	UNION ALL SELECT id::text, 'valid_reports', valid, NULL FROM rep
	UNION ALL SELECT id::text, 'valid_rate', valid, n FROM rep
	UNION ALL SELECT id::text, 'missed', missed, NULL FROM miss
	UNION ALL SELECT id::text, 'missed_rate', missed, n FROM miss
	UNION ALL SELECT id::text, CASE stage WHEN 'verify' THEN 'verify_on_time_rate'
		ELSE 'check_on_time_rate' END, on_time, due FROM st
$$;

CREATE OR REPLACE FUNCTION cg_eval_department_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH h AS MATERIALIZED (
		SELECT s.id, s.case_id, s.department, s.started_at, s.ended_at, s.deadline,
			s.on_time, CASE WHEN s.ended_at < t1 THEN (SELECT l.action FROM case_log l
				WHERE l.id = s.end_log) END AS end_action
		FROM case_stage s
		WHERE s.stage = 'handle' AND s.department IS NOT NULL
		  AND tstzrange(s.started_at, s.ended_at, '[]') && tstzrange(t0, t1)),
	hx AS MATERIALIZED (
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

CREATE OR REPLACE FUNCTION cg_eval_grid_raw(t0 timestamptz, t1 timestamptz)
RETURNS TABLE (object_id text, code text, num numeric, den numeric)
LANGUAGE sql STABLE AS $$
	WITH f AS (
		SELECT c.id, c.grid, c.source, c.state
		FROM case_log l CROSS JOIN LATERAL (SELECT x.id, x.grid, x.source, x.state
			FROM cases x WHERE x.id = l.case_id OFFSET 0) c
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

CREATE OR REPLACE FUNCTION cg_eval(p_kind text, p_from date, p_to date, p_parent text DEFAULT NULL)
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
		UNION ALL SELECT left(r.object_id, CASE p_kind WHEN 'grid' THEN 15
				WHEN 'community' THEN 12 WHEN 'street' THEN 9 ELSE 6 END),
			r.code, sum(r.num), sum(r.den)
		FROM cg_eval_grid_raw(t0, t1) r
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

ALTER FUNCTION cg_eval(text, date, date, text) SET jit = off;
ALTER FUNCTION cg_eval(text, date, date, text) SET work_mem = '64MB';
