-- 035: copies of the bulk path's cases, set-wise.
--
-- cg_case_bulk (034) runs every step through cg_case_step, about 20 ms
-- a case: a million would take hours.  cg_case_bulk_copy copies the
-- cases cg_case_bulk made (not earlier copies), with their whole log,
-- stages, pauses and tasks, every instant moved by p_shift, in one
-- set-wise transaction.  A copy is the same history at another time:
-- its verdicts stay true (deadline and end move together) and its
-- stages point at the copied log rows (end_log).  For benchmarks only.
CREATE FUNCTION cg_case_bulk_copy(p_copy integer, p_shift interval) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	n integer;
BEGIN
	CREATE TEMP TABLE bulk_case ON COMMIT DROP AS
		SELECT old, nextval('cases_id_seq') AS new FROM (SELECT c.id AS old FROM cases c
			WHERE c.description LIKE '批量案卷 %' AND c.description NOT LIKE '%副本%'
			ORDER BY c.id) s;
	CREATE TEMP TABLE bulk_log ON COMMIT DROP AS
		SELECT old, nextval('case_log_id_seq') AS new FROM (SELECT l.id AS old
			FROM case_log l JOIN bulk_case b ON b.old = l.case_id ORDER BY l.id) s;
	CREATE TEMP TABLE bulk_stage ON COMMIT DROP AS
		SELECT old, nextval('case_stage_id_seq') AS new FROM (SELECT x.id AS old
			FROM case_stage x JOIN bulk_case b ON b.old = x.case_id ORDER BY x.id) s;
	ANALYZE bulk_case;
	ANALYZE bulk_log;
	ANALYZE bulk_stage;

	INSERT INTO cases (id, case_no, version, kind, class_code, condition, source, state,
		urgent, grid, geom, address, description, component, reporter_name,
		reporter_phone, collector, department, found_at, created_at, updated_at,
		updated_by, row_version)
	SELECT b.new, c.case_no || '-' || p_copy, c.version, c.kind, c.class_code, c.condition,
		c.source, c.state, c.urgent, c.grid, c.geom, c.address,
		c.description || ' 副本' || p_copy, c.component, c.reporter_name, c.reporter_phone,
		c.collector, c.department, c.found_at + p_shift, c.created_at + p_shift,
		c.updated_at + p_shift, c.updated_by, c.row_version
	FROM cases c JOIN bulk_case b ON b.old = c.id;
	GET DIAGNOSTICS n = ROW_COUNT;

	INSERT INTO case_log (id, case_id, at, actor, actor_name, action, from_state, to_state,
		reason, department, attachments, detail, row_version)
	SELECT bl.new, bc.new, l.at + p_shift, l.actor, l.actor_name, l.action, l.from_state,
		l.to_state, l.reason, l.department, l.attachments, l.detail, l.row_version
	FROM case_log l JOIN bulk_log bl ON bl.old = l.id JOIN bulk_case bc ON bc.old = l.case_id
	ORDER BY l.id;

	INSERT INTO case_stage (id, case_id, stage, started_at, limit_value, limit_unit,
		deadline, warn_at, department, unpublished, paused_at, ended_at, on_time, end_log)
	SELECT bs.new, bc.new, s.stage, s.started_at + p_shift, s.limit_value, s.limit_unit,
		s.deadline + p_shift, s.warn_at + p_shift, s.department, s.unpublished,
		s.paused_at + p_shift, s.ended_at + p_shift, s.on_time, bl.new
	FROM case_stage s JOIN bulk_stage bs ON bs.old = s.id
	JOIN bulk_case bc ON bc.old = s.case_id
	LEFT JOIN bulk_log bl ON bl.old = s.end_log;

	INSERT INTO case_pause (stage_id, kind, started_at, ended_at)
	SELECT bs.new, p.kind, p.started_at + p_shift, p.ended_at + p_shift
	FROM case_pause p JOIN bulk_stage bs ON bs.old = p.stage_id;

	INSERT INTO task (case_id, kind, collector, state, sent_at, due_at, result, note, photos,
		done_at)
	SELECT bc.new, t.kind, t.collector, t.state, t.sent_at + p_shift, t.due_at + p_shift,
		t.result, t.note, t.photos, t.done_at + p_shift
	FROM task t JOIN bulk_case bc ON bc.old = t.case_id;
	RETURN n;
END
$$;
