-- 034: a bulk path through the workflow, for benchmarks and load tests.
--
-- cg_case_bulk makes cases with cg_case_new and drives each through
-- cg_case_step, the same functions the daemon's steps run, so the case
-- log, the stages, their verdicts and end_log are the real ones.  What
-- the daemon decides before a step (which transition, which deadline)
-- is decided here by a fixed set of paths after the transition table of
-- daemon/workflow.c.  Stage limits are in clock hours (紧急工作时): the
-- only unit whose deadline needs no working-time calendar, which lives
-- in the daemon.  Call it in batches: each call is one transaction.

-- A stage starting at p_at, due p_hours later in clock time.
CREATE FUNCTION cg_bulk_stage(p_stage text, p_at timestamptz, p_hours numeric,
	p_department integer DEFAULT NULL) RETURNS jsonb
LANGUAGE sql IMMUTABLE AS $$
	SELECT jsonb_build_object('stage', p_stage, 'limit', p_hours, 'unit', 'clock_hour',
		'deadline', p_at + p_hours * interval '1 hour',
		'warn_at', p_at + p_hours * 0.8 * interval '1 hour',
		'department', p_department, 'unpublished', false)
$$;

-- When the next step comes after p_at, its stage being due in p_hours:
-- within it, or with chance p_late after it.
CREATE FUNCTION cg_bulk_at(p_at timestamptz, p_hours numeric, p_late double precision)
RETURNS timestamptz
LANGUAGE sql VOLATILE AS $$
	SELECT p_at + interval '1 minute' + CASE WHEN random() < p_late
		THEN p_hours * (1 + random()) * interval '1 hour'
		ELSE p_hours * 0.95 * random() * interval '1 hour' END
$$;

CREATE FUNCTION cg_case_bulk(p_n integer, p_from timestamptz, p_span interval,
	p_seed double precision DEFAULT 0.5, p_tag text DEFAULT 'bulk')
RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	-- event class, department code: the demo's handled classes
	classes text[][] := ARRAY[['0102', 'HWZX'], ['0104', 'HWZX'], ['0103', 'HWZX'],
		['0501', 'ZFJ'], ['0507', 'ZFJ'], ['0505', 'ZFJ'], ['0201', 'ZFJ'],
		['0106', 'YLJ'], ['0406', 'PSJT']];
	grids text[];
	v_seat operator; v_super operator; v_disp operator;
	v_dept integer; v_dept_op operator;
	v_grid text; v_collector integer; v_code text;
	k integer; i integer; r double precision; path text;
	hotline boolean;
	t timestamptz; id bigint; made integer := 0;
	late double precision;
	j integer;
BEGIN
	PERFORM setseed(p_seed);
	SELECT array_agg(g.code ORDER BY g.code) INTO grids FROM grid g;
	SELECT * INTO v_seat FROM operator WHERE 'seat' = ANY (roles) ORDER BY id LIMIT 1;
	SELECT * INTO v_super FROM operator WHERE 'supervisor' = ANY (roles) ORDER BY id LIMIT 1;
	SELECT * INTO v_disp FROM operator WHERE 'dispatcher' = ANY (roles) ORDER BY id LIMIT 1;
	IF grids IS NULL OR v_seat IS NULL OR v_super IS NULL OR v_disp IS NULL THEN
		RAISE EXCEPTION 'cg_case_bulk needs grids and a seat, supervisor and dispatcher'
			USING ERRCODE = 'CGINV';
	END IF;
	FOR i IN 1..p_n LOOP
		k := 1 + floor(random() * array_length(classes, 1))::integer;
		SELECT d.id INTO v_dept FROM department d WHERE d.code = classes[k][2];
		SELECT * INTO v_dept_op FROM operator o WHERE o.department = v_dept
			ORDER BY o.id LIMIT 1;
		v_grid := grids[1 + floor(random() * array_length(grids, 1))::integer];
		SELECT cg.collector, c.code INTO v_collector, v_code FROM collector_grid cg
			JOIN collector c ON c.id = cg.collector WHERE cg.grid = v_grid
			ORDER BY cg.collector LIMIT 1;
		hotline := random() < 0.55 OR v_collector IS NULL;
		-- late: the share of steps taken after their deadline
		late := 0.08;
		r := random();
		path := CASE WHEN r < 0.78 THEN 'closed' WHEN r < 0.83 THEN 'rework'
			WHEN r < 0.86 THEN 'returned' WHEN r < 0.90 THEN 'rejected'
			WHEN r < 0.95 THEN 'handling' ELSE 'suspended' END;
		t := p_from + random() * p_span;

		SELECT x.id INTO id FROM cg_case_new(jsonb_build_object(
			'version', 'CJT214-2007', 'kind', 'event', 'class', classes[k][1],
			'source', CASE WHEN hotline THEN 'hotline' ELSE 'collector' END,
			'description', '批量案卷 ' || p_tag || ' ' || i, 'grid', v_grid,
			'reporter_name', '批量', 'reporter_phone', '13800000000')
			|| CASE WHEN hotline THEN '{}'::jsonb
			   ELSE jsonb_build_object('collector', v_code) END,
			t, v_seat.id, v_seat.name,
			CASE WHEN hotline THEN jsonb_build_array(cg_bulk_stage('file', t, 2),
				cg_bulk_stage('verify_send', t, 1))
			ELSE jsonb_build_array(cg_bulk_stage('file', t, 2)) END) x;
		made := made + 1;

		IF path = 'rejected' THEN
			t := cg_bulk_at(t, 2, late);
			PERFORM cg_case_step(id, NULL, 'reject', ARRAY['reported'], 'rejected', t,
				v_super.id, v_super.name, '不属于管理范围', '{}',
				jsonb_build_object('action_name', '不予立案'));
			CONTINUE;
		END IF;
		IF hotline THEN
			t := cg_bulk_at(t, 1, late);
			PERFORM cg_case_step(id, NULL, 'verify', ARRAY['reported'], 'verifying', t,
				v_seat.id, v_seat.name, NULL, '{}', jsonb_build_object(
				'action_name', '核实派发', 'stage_close', '["verify_send"]'::jsonb,
				'stage_open', cg_bulk_stage('verify', t, 1),
				'task_open', jsonb_build_object('kind', 'verify', 'collector', v_collector,
					'due_at', t + interval '1 hour')));
			t := cg_bulk_at(t, 1, late);
			PERFORM cg_case_step(id, NULL, 'verified', ARRAY['verifying'], 'verified', t,
				v_seat.id, v_seat.name, NULL, '{}', jsonb_build_object(
				'action_name', '核实反馈', 'stage_close', '["verify"]'::jsonb,
				'task_close', '{"kind": "verify", "result": "confirmed"}'::jsonb));
		END IF;
		t := cg_bulk_at(t, 1, late);
		PERFORM cg_case_step(id, NULL, 'file', ARRAY['reported', 'verified'], 'filed', t,
			v_super.id, v_super.name, NULL, '{}', jsonb_build_object(
			'action_name', '立案', 'stage_close', '["file", "verify_send"]'::jsonb,
			'stage_open', cg_bulk_stage('dispatch', t, 1)));
		t := cg_bulk_at(t, 1, late);
		PERFORM cg_case_step(id, NULL, 'dispatch', ARRAY['filed'], 'dispatched', t,
			v_disp.id, v_disp.name, NULL, '{}', jsonb_build_object(
			'action_name', '派遣', 'department', v_dept, 'stage_close', '["dispatch"]'::jsonb,
			'stage_open', cg_bulk_stage('handle', t, 24, v_dept)));
		IF path = 'returned' THEN
			t := cg_bulk_at(t, 2, late);
			PERFORM cg_case_step(id, NULL, 'return', ARRAY['dispatched'], 'returned', t,
				v_dept_op.id, coalesce(v_dept_op.name, '部门'), '不属本部门职责', '{}',
				jsonb_build_object('action_name', '回退', 'stage_close', '["handle"]'::jsonb,
				'stage_open', cg_bulk_stage('dispatch', t, 1)));
			t := cg_bulk_at(t, 1, late);
			PERFORM cg_case_step(id, NULL, 'dispatch', ARRAY['returned'], 'dispatched', t,
				v_disp.id, v_disp.name, NULL, '{}', jsonb_build_object(
				'action_name', '重新派遣', 'department', v_dept, 'stage_close', '["dispatch"]'::jsonb,
				'stage_open', cg_bulk_stage('handle', t, 24, v_dept)));
		END IF;
		t := cg_bulk_at(t, 2, late);
		PERFORM cg_case_step(id, NULL, 'accept', ARRAY['dispatched'], 'handling', t,
			v_dept_op.id, coalesce(v_dept_op.name, '部门'), NULL, '{}',
			'{"action_name": "接收"}'::jsonb);
		IF path = 'handling' THEN
			CONTINUE;
		END IF;
		IF path = 'suspended' THEN
			t := cg_bulk_at(t, 4, late);
			PERFORM cg_case_step(id, NULL, 'suspend', ARRAY['handling'], 'suspended', t,
				v_disp.id, v_disp.name, '涉及拆迁', '{}',
				'{"action_name": "挂账", "pause_start": "suspend"}'::jsonb);
			CONTINUE;
		END IF;
		FOR j IN 1..CASE path WHEN 'rework' THEN 2 ELSE 1 END LOOP
			t := cg_bulk_at(t, 24, late);
			PERFORM cg_case_step(id, NULL, 'feedback', ARRAY['handling'], 'handled', t,
				v_dept_op.id, coalesce(v_dept_op.name, '部门'), '已处置', '{}',
				jsonb_build_object('action_name', '处置反馈', 'stage_close', '["handle"]'::jsonb,
				'stage_open', cg_bulk_stage('check_send', t, 1)));
			t := cg_bulk_at(t, 1, late);
			PERFORM cg_case_step(id, NULL, 'check', ARRAY['handled'], 'checking', t,
				v_seat.id, v_seat.name, NULL, '{}', jsonb_build_object(
				'action_name', '核查派发', 'stage_close', '["check_send"]'::jsonb,
				'stage_open', cg_bulk_stage('check', t, 2),
				'task_open', jsonb_build_object('kind', 'check', 'collector', v_collector,
					'due_at', t + interval '2 hours')));
			t := cg_bulk_at(t, 2, late);
			PERFORM cg_case_step(id, NULL, 'checked', ARRAY['checking'], 'checked', t,
				v_seat.id, v_seat.name, NULL, '{}', jsonb_build_object(
				'action_name', '核查反馈', 'stage_close', '["check"]'::jsonb,
				'stage_open', cg_bulk_stage('close', t, 1),
				'task_close', jsonb_build_object('kind', 'check', 'result',
					CASE WHEN path = 'rework' AND j = 1 THEN 'failed' ELSE 'passed' END)));
			t := cg_bulk_at(t, 1, late);
			IF path = 'rework' AND j = 1 THEN
				PERFORM cg_case_step(id, NULL, 'rework', ARRAY['checked'], 'dispatched', t,
					v_super.id, v_super.name, '处置不彻底', '{}', jsonb_build_object(
					'action_name', '返工', 'stage_close', '["close"]'::jsonb,
					'stage_open', cg_bulk_stage('handle', t, 24, v_dept)));
				t := cg_bulk_at(t, 2, late);
				PERFORM cg_case_step(id, NULL, 'accept', ARRAY['dispatched'], 'handling', t,
					v_dept_op.id, coalesce(v_dept_op.name, '部门'), NULL, '{}',
					'{"action_name": "接收"}'::jsonb);
			ELSE
				PERFORM cg_case_step(id, NULL, 'close', ARRAY['checked'], 'closed', t,
					v_super.id, v_super.name, NULL, '{}', jsonb_build_object(
					'action_name', '结案', 'stage_close', '["close"]'::jsonb));
			END IF;
		END LOOP;
	END LOOP;
	RETURN made;
END
$$;
