-- Schema: migrations, code tables, append-only log, content addresses.
BEGIN;
SELECT plan(27);

-- Every migration file is recorded once, in order.
SELECT ok((SELECT count(*) FROM schema_migration) >= 4, 'migrations recorded');
SELECT is((SELECT min(version) FROM schema_migration), 1, 'first migration is 001');
-- Numbers are assigned in ranges per piece of work (020-024 geocoding,
-- 030-039 the evaluation), so gaps are expected; every file in schema/
-- must have been applied, and nothing else.
\set migrations `cd :'top'/schema && ls [0-9][0-9][0-9]-*.sql | sed 's/-.*//; s/^0*//' | paste -sd, -`
SELECT set_eq('SELECT version FROM schema_migration',
          'SELECT unnest(''{' || :'migrations' || '}''::integer[])',
          'every migration file applied, and nothing else');

-- Class counts per standard version equal the reference lists.
SELECT is((SELECT count(*)::int FROM class_code WHERE version = 'CJT214-2007' AND kind = 'component'),
          85, 'CJ/T 214-2007: 85 component classes');
SELECT is((SELECT count(*)::int FROM class_code WHERE version = 'CJT214-2007' AND kind = 'event'),
          54, 'CJ/T 214-2007: 54 event classes');
SELECT is((SELECT count(*)::int FROM class_code WHERE version = 'GBT47678.5-2026' AND kind = 'component'),
          153, 'GB/T 47678.5-2026: 153 component classes');
SELECT is((SELECT count(*)::int FROM class_code WHERE version = 'GBT47678.5-2026' AND kind = 'event'),
          250, 'GB/T 47678.5-2026: 250 matters');
SELECT is((SELECT count(*)::int FROM class_code c WHERE version = 'GBT47678.5-2026' AND kind = 'event'
           AND EXISTS (SELECT 1 FROM class_code k WHERE k.version = c.version
                       AND k.kind = 'component' AND k.code = c.code)),
          153, 'GB/T 47678.5-2026: one abnormality matter per component class');
SELECT is((SELECT name FROM class_code WHERE version = 'CJT214-2007' AND kind = 'component' AND code = '0101'),
          '上水井盖', '0101 is 上水井盖');
SELECT is((SELECT name FROM class_code WHERE version = 'GBT47678.5-2026' AND kind = 'event' AND code = '09009'),
          '机动车乱停放', '09009 is 机动车乱停放');
SELECT is((SELECT count(*)::int FROM class_code WHERE note = 'seed-only'), 5,
          'seed-only rows are tagged');

-- Every class has at least one filing condition with a limit.
SELECT is((SELECT count(*)::int FROM class_code c WHERE NOT EXISTS
           (SELECT 1 FROM filing_condition f WHERE f.version = c.version
            AND f.kind = c.kind AND f.class_code = c.code)), 0,
          'every class has a filing condition');
SELECT is((SELECT limit_b || ' ' || limit_unit FROM filing_condition
           WHERE version = 'CJT214-2007' AND kind = 'event' AND code = '010201'),
          '1.00 work_day', '暴露垃圾 (济源) is 1 工作日');
SELECT ok((SELECT bool_and(local_default) FROM filing_condition), 'limits are marked local defaults');

-- Foreign keys tie a case to a class of its own version.
SELECT throws_ok($$INSERT INTO class_department VALUES ('CJT214-2007', 'event', '9999', 1)$$,
                 '23503', NULL, 'class_department refuses an unknown class');

-- The case log is append-only.
INSERT INTO cases (case_no, version, kind, class_code, source, state, description)
VALUES ('T-SCHEMA-1', 'CJT214-2007', 'event', '0102', 'hotline', 'reported', '测试');
INSERT INTO case_log (case_id, actor_name, action, to_state)
SELECT id, '测试', 'report', 'reported' FROM cases WHERE case_no = 'T-SCHEMA-1';
SELECT throws_like($$UPDATE case_log SET reason = 'x'$$, '%只能追加%', 'case_log refuses UPDATE');
SELECT throws_like($$DELETE FROM case_log$$, '%只能追加%', 'case_log refuses DELETE');
SELECT throws_like($$TRUNCATE case_log$$, '%只能追加%', 'case_log refuses TRUNCATE');
SELECT is((SELECT count(*)::int FROM case_log l JOIN cases c ON c.id = l.case_id
           WHERE c.case_no = 'T-SCHEMA-1'), 1, 'the log row is still there');
SELECT throws_ok($$INSERT INTO cases (case_no, version, kind, class_code, source, state, description)
                   VALUES ('T-SCHEMA-2', 'CJT214-2007', 'event', '01002', 'hotline', 'reported', 'x')$$,
                 '23503', NULL, 'a case refuses a class of another version');
SELECT throws_ok($$INSERT INTO cases (case_no, version, kind, class_code, source, state, description)
                   VALUES ('T-SCHEMA-3', 'CJT214-2007', 'event', '0102', 'fax', 'reported', 'x')$$,
                 '23514', NULL, 'a case refuses an unknown source');

-- Media are content-addressed.
SELECT lives_ok($$INSERT INTO media (sha256, mime, bytes, data)
                  VALUES (encode(sha256('\x0102'::bytea), 'hex'), 'image/jpeg', 2, '\x0102')$$,
                'media with the right hash is taken');
SELECT throws_ok($$INSERT INTO media (sha256, mime, bytes, data)
                   VALUES (repeat('0', 64), 'image/jpeg', 2, '\x0102')$$,
                 '23514', NULL, 'media with a wrong hash is refused');

-- Operators: roles from the list; a department user needs a department.
SELECT throws_ok($$INSERT INTO operator (unix_user, name, roles) VALUES ('t_x', '某', '{pilot}')$$,
                 '23514', NULL, 'unknown role refused');
SELECT throws_ok($$INSERT INTO operator (unix_user, name, roles) VALUES ('t_y', '某', '{dept}')$$,
                 '23514', NULL, 'dept role without department refused');

-- Tasks: done means result and time.
SELECT throws_ok($$INSERT INTO task (case_id, kind, state)
                   SELECT id, 'verify', 'done' FROM cases WHERE case_no = 'T-SCHEMA-1'$$,
                 '23514', NULL, 'a done task needs its result');

-- Point to grid: nothing outside the district.
SELECT is((SELECT count(*)::int FROM cg_locate(116.30, 39.90)), 0, 'no grid west of Dongcheng');

SELECT * FROM finish();
ROLLBACK;
