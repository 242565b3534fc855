-- 037: the collectors' figures made fast like the others in 036 (same
-- figures): whether a report was filed by a probe of a partial index,
-- the month's filings looking their cases up by key, each stage's task
-- by case (task_case_idx) instead of hashing every task, a grid's
-- collectors by grid.  A verify or check stage was answered (ended by
-- verified or checked) when its task was done at the stage's end: the
-- step that records the result closes both; a case leaving the open
-- states cancels the task instead.
CREATE INDEX case_log_file_idx ON case_log (case_id) WHERE action = 'file';

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
		FROM case_log l CROSS JOIN LATERAL (SELECT x.id, x.grid, x.source
			FROM cases x WHERE x.id = l.case_id OFFSET 0) c
		WHERE l.action = 'file' AND l.at >= t0 AND l.at < t1
		GROUP BY c.grid),
	miss AS (
		SELECT cg.collector AS id, sum(f.n) AS n, sum(f.missed) AS missed
		FROM filed f CROSS JOIN LATERAL (SELECT x.collector FROM collector_grid x
			WHERE x.grid = f.grid OFFSET 0) cg
		GROUP BY cg.collector),
	sx AS MATERIALIZED (
		SELECT t.collector AS id, s.stage, s.on_time, s.deadline,
			coalesce(s.ended_at >= t0 AND s.ended_at < t1 AND t.done_at = s.ended_at,
				false) AS answered,
			(s.ended_at IS NULL OR s.ended_at >= t1) AS running
		FROM case_stage s
		CROSS JOIN LATERAL (SELECT x.collector, x.done_at FROM task x
			WHERE x.case_id = s.case_id AND x.kind = s.stage AND x.sent_at = s.started_at
			OFFSET 0) t
		WHERE s.stage IN ('verify', 'check')
		  AND tstzrange(s.started_at, s.ended_at, '[]') && tstzrange(t0, t1)),
	st AS (
		SELECT id, stage,
			count(*) FILTER (WHERE answered AND on_time) AS on_time,
			count(*) FILTER (WHERE answered OR (running AND deadline < least(t1, now()))) AS due
		FROM sx GROUP BY id, stage)
	SELECT id::text, 'reports', n::numeric, NULL::numeric FROM rep
	UNION ALL SELECT id::text, 'valid_reports', valid, NULL FROM rep
	UNION ALL SELECT id::text, 'valid_rate', valid, n FROM rep
	UNION ALL SELECT id::text, 'missed', missed, NULL FROM miss
	UNION ALL SELECT id::text, 'missed_rate', missed, n FROM miss
	UNION ALL SELECT id::text, CASE stage WHEN 'verify' THEN 'verify_on_time_rate'
		ELSE 'check_on_time_rate' END, on_time, due FROM st
$$;
