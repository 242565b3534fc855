-- The cradle's tables and functions (010-012): hello's verdicts, a
-- report's receipt kept once, track chunks applied once and in order,
-- the day's patrol line, code-table changes.
BEGIN;
SELECT plan(30);

-- A handheld and collector of our own, so that nothing of the demo moves.
INSERT INTO collector (code, name) VALUES ('TCRADLE', '测试监督员'), ('TCRADLE2', '另一监督员');
INSERT INTO handheld (device_id, collector) SELECT 'TCGT-1', id FROM collector WHERE code = 'TCRADLE';
INSERT INTO handheld (device_id, collector, active) SELECT 'TCGT-2', id, false FROM collector WHERE code = 'TCRADLE';
INSERT INTO collector_grid (collector, grid)
SELECT k.id, (SELECT code FROM grid ORDER BY code LIMIT 1) FROM collector k WHERE k.code = 'TCRADLE';

-- Hello.
SELECT is((SELECT status FROM cg_cradle_hello('TCGT-9', 'TCRADLE', '', '', '/dev/x', 1, 0, 'CJT214-2007')),
	'unknown', 'an unknown handheld');
SELECT is((SELECT status FROM cg_cradle_hello('TCGT-2', 'TCRADLE', '', '', '/dev/x', 1, 0, 'CJT214-2007')),
	'inactive', 'a retired handheld');
SELECT is((SELECT status || ' ' || collector_code FROM cg_cradle_hello('TCGT-1', 'TCRADLE2', '', '', '/dev/x', 1, 0, 'CJT214-2007')),
	'collector TCRADLE', 'a handheld docked by another collector: whose it is');
SELECT is((SELECT count(*)::int FROM cradle_session WHERE device_id IN ('TCGT-1', 'TCGT-2')), 0,
	'refusals start no session');
CREATE TEMPORARY TABLE h AS
	SELECT * FROM cg_cradle_hello('TCGT-1', 'TCRADLE', 'fw 3.0', 'G4', '/dev/x', 1, 1764115200000, 'CJT214-2007');
SELECT is((SELECT status || ' ' || collector_name FROM h), 'ok 测试监督员', 'the right collector: ok, with the name');
SELECT is((SELECT firmware || ' ' || model FROM handheld WHERE device_id = 'TCGT-1'), 'fw 3.0 G4',
	'the firmware and model are noted');
SELECT is((SELECT digest FROM h), cg_cradle_codes_digest('CJT214-2007'), 'hello gives the code table''s digest');
SELECT ok(cg_cradle_codes_digest('CJT214-2007') ~ '^[0-9a-f]{16}$'
	AND cg_cradle_codes_digest('CJT214-2007') <> cg_cradle_codes_digest('GBT47678.5-2026'),
	'the digest: 8 bytes in hex, one per standard');

-- A report, twice: one case, one receipt.
CREATE TEMPORARY TABLE r AS SELECT jsonb_build_object('uuid', 'a7d4c1e2-0000-4000-8000-000000000001',
	'session', (SELECT session FROM h), 'device', 'TCGT-1',
	'collector', (SELECT id FROM collector WHERE code = 'TCRADLE'), 'kind', 'report',
	'device_at', '2026-11-26 09:00:00+08') AS receipt,
	jsonb_build_object('version', 'CJT214-2007', 'kind', 'event', 'class', '0102',
	'source', 'collector', 'description', '测试: 暴露垃圾', 'collector', 'TCRADLE',
	'grid', (SELECT code FROM grid ORDER BY code LIMIT 1), 'found_at', '2026-11-26 09:00:00+08') AS p,
	jsonb_build_object('stage', 'file', 'limit', 2, 'unit', 'work_hour',
	'deadline', now() + interval '2 hours', 'warn_at', now() + interval '1 hour') AS stage;
CREATE TEMPORARY TABLE first AS
	SELECT n.* FROM r, cg_cradle_report(r.receipt, r.p, now(), '测试监督员', r.stage) n;
CREATE TEMPORARY TABLE again AS
	SELECT n.* FROM r, cg_cradle_report(r.receipt, r.p, now(), '测试监督员', r.stage) n;
SELECT ok((SELECT created FROM first) AND NOT (SELECT created FROM again), 'the first is new, the resend is not');
SELECT is((SELECT case_no FROM again), (SELECT case_no FROM first), 'the resend names the same case');
SELECT is((SELECT count(*)::int FROM cases c JOIN collector k ON k.id = c.collector WHERE k.code = 'TCRADLE'),
	1, 'one case');
SELECT is((SELECT source || ' ' || state || ' ' || to_char(found_at AT TIME ZONE 'Asia/Shanghai', 'HH24:MI')
	FROM cases WHERE case_no = (SELECT case_no FROM first)), 'collector reported 09:00',
	'a collector''s report, reported, found when the handheld says');
SELECT is((SELECT count(*)::int FROM cradle_record WHERE device_id = 'TCGT-1'), 1, 'one receipt');
SELECT throws_ok($$SELECT cg_cradle_receipt((SELECT receipt FROM r), (SELECT id FROM first), NULL)$$,
	'23505', NULL, 'a second receipt for one UUID is refused');
SELECT is((SELECT count(*)::int FROM case_log l JOIN first f ON f.id = l.case_id), 1,
	'without photos, no photo row in the log');

-- A track: chunks at offsets.
SELECT is((SELECT received || ' ' || size FROM cg_cradle_track_open('b7d4c1e2-0000-4000-8000-000000000001',
	'TCGT-1', (SELECT id FROM collector WHERE code = 'TCRADLE'), 100)), '0 100', 'a new track holds nothing');
CREATE TEMPORARY TABLE pos AS SELECT jsonb_build_array(
	jsonb_build_object('at', 1795654800000, 'lon', 116.40, 'lat', 39.92, 'talker', 'GN', 'sentence', 'RMC'),
	jsonb_build_object('at', 1795654805000, 'lon', 116.401, 'lat', 39.92, 'talker', 'BD', 'sentence', 'GGA'),
	jsonb_build_object('at', 1795654805000, 'lon', 116.401, 'lat', 39.92, 'talker', 'GN', 'sentence', 'RMC')) AS j;
SELECT is((SELECT received || ' ' || positions || ' ' || skipped || ' ' || stored
	FROM cg_cradle_track_put('b7d4c1e2-0000-4000-8000-000000000001', 0, 60, '2026-11-26', 3, 1, 1,
	(SELECT j FROM pos))), '60 2 2 2', 'a chunk at 0: two positions (one instant once), two skipped');
SELECT is((SELECT received || ' ' || stored FROM cg_cradle_track_put('b7d4c1e2-0000-4000-8000-000000000001',
	0, 60, NULL, 3, 1, 1, (SELECT j FROM pos))), '60 0', 'the same chunk again changes nothing');
SELECT is((SELECT received FROM cg_cradle_track_put('b7d4c1e2-0000-4000-8000-000000000001',
	70, 10, NULL, 0, 0, 0, '[]')), 60, 'a chunk past the bytes held is not taken');
SELECT is((SELECT count(*)::int FROM patrol_track t JOIN collector k ON k.id = t.collector
	WHERE k.code = 'TCRADLE'), 0, 'no line before the track is whole');
SELECT is((SELECT received || ' ' || positions FROM cg_cradle_track_put('b7d4c1e2-0000-4000-8000-000000000001',
	60, 40, NULL, 1, 0, 0, jsonb_build_array(jsonb_build_object('at', 1795654810000,
	'lon', 116.402, 'lat', 39.921, 'talker', 'GB', 'sentence', 'GNS')))), '100 3', 'the last chunk');
SELECT is((SELECT positions || ' ' || ST_NPoints(line) || ' ' || (length_m BETWEEN 200 AND 240)
	FROM patrol_track t JOIN collector k ON k.id = t.collector WHERE k.code = 'TCRADLE' AND day = '2026-11-26'),
	'3 3 true', 'the whole track draws the day''s line: 3 points, about 220 m');
SELECT is((SELECT received FROM cg_cradle_track_put('b7d4c1e2-0000-4000-8000-000000000001',
	100, 20, NULL, 0, 0, 0, '[]')), 120, 'a track that grew is taken as it grows');
SELECT is((SELECT size FROM cradle_track WHERE uuid = 'b7d4c1e2-0000-4000-8000-000000000001'), 120,
	'and its size with it');
SELECT throws_ok($$SELECT * FROM cg_cradle_track_open('b7d4c1e2-0000-4000-8000-000000000001',
	'CGT-0001', 1, 100)$$, 'CGINV', NULL, 'another handheld cannot resume this track');

-- Code tables: the whole, unchanged, then what changed (012).
SELECT is((SELECT mode || ' ' || count(*) FILTER (WHERE op = 1) OVER ()
	FROM cg_cradle_codes('', '0000000000000000', 'CJT214-2007') LIMIT 1),
	'full ' || (SELECT count(*) FROM class_code WHERE version = 'CJT214-2007'),
	'a handheld with no table gets every class');
CREATE TEMPORARY TABLE d0 AS SELECT cg_cradle_codes_digest('CJT214-2007') AS d;
SELECT is((SELECT string_agg(mode || coalesce(op::text, ''), ',')
	FROM cg_cradle_codes('CJT214-2007', (SELECT d FROM d0), 'CJT214-2007')), 'unchanged',
	'a current table: unchanged, no entries');
SELECT is((SELECT mode FROM cg_cradle_codes('GBT47678.5-2026', (SELECT d FROM d0), 'CJT214-2007') LIMIT 1),
	'full', 'a table of another standard: the whole');
UPDATE class_code SET name = name || '(改)' WHERE version = 'CJT214-2007' AND kind = 'event' AND code = '0102';
INSERT INTO class_code (version, kind, code, major, major_name, name)
SELECT version, kind, '0190', major, major_name, '测试新类' FROM class_code
WHERE version = 'CJT214-2007' AND kind = 'event' AND code = '0101';
SELECT is((SELECT string_agg(mode || ':' || op || ':' || code || ':' || name, ' ' ORDER BY code)
	FROM cg_cradle_codes('CJT214-2007', (SELECT d FROM d0), 'CJT214-2007') WHERE op IS NOT NULL),
	'changes:1:0102:暴露垃圾(改) changes:1:0190:测试新类', 'after edits: the changed class and the new one');
CREATE TEMPORARY TABLE d1 AS SELECT cg_cradle_codes_digest('CJT214-2007') AS d;
DELETE FROM class_code WHERE version = 'CJT214-2007' AND kind = 'event' AND code = '0190';
SELECT is((SELECT string_agg(op || ':' || code, ' ')
	FROM cg_cradle_codes('CJT214-2007', (SELECT d FROM d1), 'CJT214-2007') WHERE op IS NOT NULL),
	'2:0190', 'a class removed: op 2');

SELECT * FROM finish();
ROLLBACK;
