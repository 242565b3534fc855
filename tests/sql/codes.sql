-- Codes: schema/001-codes.sql against tests/vectors/codes.txt, the same
-- vectors tests/unit/test-codes.c runs through lib/codes.c; then the
-- cg_check_row trigger refusing bad rows with the rule's message.
\set QUIET 1
BEGIN;
SET client_min_messages = warning;

CREATE TEMP TABLE vec (
	id       serial,
	kind     text,
	version  text,
	code     text,
	expect   text
);
\copy vec (kind, version, code, expect) FROM 'tests/vectors/codes.txt' WITH (FORMAT text, HEADER match)

SELECT plan((SELECT count(*)::int FROM vec) + 30);

SELECT cmp_ok((SELECT count(*)::int FROM vec), '>=', 60, 'at least 60 vectors');
SELECT is((SELECT count(*)::int FROM vec
           WHERE kind NOT IN ('county', 'street', 'community', 'grid', 'division', 'class', 'component')
              OR expect IS NULL
              OR (kind NOT IN ('class', 'component') AND version IS DISTINCT FROM '-')),
          0, 'every vector has a known kind, an expectation, and - where no version is used');

-- One test per vector, named by its line in the file (the header is line 1).
SELECT is(CASE kind
	WHEN 'county' THEN cg_county_error(code)
	WHEN 'street' THEN cg_street_error(code)
	WHEN 'community' THEN cg_community_error(code)
	WHEN 'grid' THEN cg_grid_error(code)
	WHEN 'division' THEN cg_division_error(code)
	WHEN 'class' THEN cg_class_error(version, code)
	WHEN 'component' THEN cg_component_id_error(version, code)
	ELSE 'unknown kind ' || kind
	END, nullif(expect, 'ok'),
	format('tests/vectors/codes.txt:%s %s %s %s', id + 1, kind, version,
	       regexp_replace(coalesce(code, '\N'), '[[:cntrl:]]', '?', 'g')))
FROM vec ORDER BY id;

-- The helpers: the same tables as test-codes.c.
SELECT results_eq($$SELECT version, class_len, id_len FROM standard_version ORDER BY version$$,
                  $$VALUES ('CJT214-2007', 4, 16), ('GBT47678.5-2026', 5, 17)$$,
                  'standard versions and their code lengths');
SELECT results_eq($$SELECT cg_component_class(id) FROM (VALUES
		(1, '1101010101000001'), (2, '11010101001000001'), (3, '1101010000000000'),
		(4, '110101010100001'), (5, '110101010010000011'), (6, '110101010100000a'),
		(7, '110101'), (8, '')) t(n, id) ORDER BY n$$,
                  $$VALUES ('0101'), ('01001'), ('0000'), (NULL), (NULL), (NULL), (NULL), (NULL)$$,
                  'cg_component_class takes the class of a 16- or 17-digit id, else NULL');
SELECT is(cg_component_class(NULL), NULL, 'cg_component_class(NULL) is NULL');

-- A district of our own (延庆区), so each refusal below has a twin that
-- is taken: the refusal is the rule's, not a missing parent.
INSERT INTO department (code, name, kind) VALUES ('t-codes', '测试部门(codes)', 'professional');
CREATE TEMP TABLE box AS SELECT
	ST_Multi(ST_MakeEnvelope(115.90, 40.40, 116.00, 40.50, 4490)) AS good,
	'SRID=4490;MULTIPOLYGON(((115.90 40.40, 116.00 40.50, 116.00 40.40, 115.90 40.50, 115.90 40.40)))'::geometry AS bowtie;

SELECT lives_ok($$INSERT INTO division (code, level, name, geom)
                  SELECT '110119', 'district', '测试区', good FROM box$$,
                'a district with a valid code is taken');
SELECT lives_ok($$INSERT INTO division (code, level, name, parent, geom)
                  SELECT '110119001', 'street', '测试街道', '110119', good FROM box$$,
                'a street with a valid code is taken');
SELECT lives_ok($$INSERT INTO division (code, level, name, parent, geom)
                  SELECT '110119001001', 'community', '测试社区', '110119001', good FROM box$$,
                'a community with a valid code is taken');
SELECT lives_ok($$INSERT INTO grid (code, community, geom, area_m2)
                  SELECT '110119001001001', '110119001001', good, 1 FROM box$$,
                'a grid with a valid code is taken');
SELECT lives_ok($$INSERT INTO component (id, version, class_code, name, geom, dept_main, grid)
                  SELECT '1101190101000001', 'CJT214-2007', '0101', '测试井盖',
                         ST_SetSRID(ST_MakePoint(115.95, 40.45), 4490), d.id, '110119001001001'
                  FROM department d WHERE d.code = 't-codes'$$,
                'a component with a valid id is taken');
SELECT lives_ok($$INSERT INTO class_code VALUES
                  ('GBT47678.5-2026', 'component', '99001', '99', '测试', '测试类')$$,
                'a class with a valid code is taken');

-- Division codes.
SELECT throws_ok($$INSERT INTO division (code, level, name, geom)
                   SELECT '110100', 'district', '测试', good FROM box$$,
                 '23514', '区县代码的地市或区县部分不能为00: 110100',
                 'division 110100 is refused: county part 00');
SELECT throws_ok($$INSERT INTO division (code, level, name, parent, geom)
                   SELECT '110119000', 'street', '测试', '110119', good FROM box$$,
                 '23514', '街道顺序码不能为000: 110119000', 'street serial 000 is refused');
SELECT throws_ok($$INSERT INTO division (code, level, name, geom)
                   SELECT '1101190', 'district', '测试', good FROM box$$,
                 '23514', '行政区划代码须为6、9或12位数字: 1101190', 'a 7-digit division is refused');
SELECT throws_ok($$INSERT INTO division (code, level, name, geom)
                   SELECT '', 'district', '测试', good FROM box$$,
                 '23514', '行政区划代码为空', 'an empty division code is refused');

-- Grid codes.
SELECT throws_ok($$INSERT INTO grid (code, community, geom, area_m2)
                   SELECT '11011900100101', '110119001001', good, 1 FROM box$$,
                 '23514', '网格编码须为15位数字(6位区县+3位街道+3位社区+3位顺序码): 11011900100101',
                 'a 14-digit grid code is refused');
SELECT throws_ok($$INSERT INTO grid (code, community, geom, area_m2)
                   SELECT '110119001002001', '110119001001', good, 1 FROM box$$,
                 '23514', '网格 110119001002001 不属于社区 110119001001',
                 'a grid outside the community its code names is refused');
SELECT throws_ok($$INSERT INTO grid (code, community, geom, area_m2)
                   SELECT '110119001001000', '110119001001', good, 1 FROM box$$,
                 '23514', '网格顺序码须为001-999: 110119001001000', 'grid serial 000 is refused');
SELECT throws_ok($$UPDATE grid SET code = '990119001001001' WHERE code = '110119001001001'$$,
                 '23514', '区县代码的省级部分无效: 990119', 'an update to a bad grid code is refused');

-- Class codes.
SELECT throws_ok($$INSERT INTO class_code VALUES
                   ('CJT214-2007', 'component', '0000', '00', '测试', '测试类')$$,
                 '23514', '大类代码不能为00: 0000', 'class 0000 is refused');
SELECT throws_ok($$INSERT INTO class_code VALUES
                   ('GBT47678.5-2026', 'component', '99000', '99', '测试', '测试类')$$,
                 '23514', '小类代码不能全为0: 99000', 'class minor 000 is refused');
SELECT throws_ok($$INSERT INTO class_code VALUES
                   ('CJT214-2007', 'component', '99001', '99', '测试', '测试类')$$,
                 '23514', '类别代码须为4位数字(2位大类+2位小类): 99001',
                 'a 5-digit class under CJ/T 214-2007 is refused');

-- Component ids.
SELECT throws_ok($$INSERT INTO component (id, version, class_code, name, geom, dept_main, grid)
                   SELECT '1101190101000002', 'CJT214-2007', '0102', '测试井盖',
                          ST_SetSRID(ST_MakePoint(115.95, 40.45), 4490), d.id, '110119001001001'
                   FROM department d WHERE d.code = 't-codes'$$,
                 '23514', '部件标识码 1101190101000002 与类别 0102 不符',
                 'a component whose id names another class is refused');
SELECT throws_ok($$INSERT INTO component (id, version, class_code, name, geom, dept_main, grid)
                   SELECT '1101190101000000', 'CJT214-2007', '0101', '测试井盖',
                          ST_SetSRID(ST_MakePoint(115.95, 40.45), 4490), d.id, '110119001001001'
                   FROM department d WHERE d.code = 't-codes'$$,
                 '23514', '部件顺序码不能为000000: 1101190101000000', 'component serial 000000 is refused');
SELECT throws_ok($$INSERT INTO component (id, version, class_code, name, geom, dept_main, grid)
                   SELECT '11011901001000001', 'CJT214-2007', '01001', '测试井盖',
                          ST_SetSRID(ST_MakePoint(115.95, 40.45), 4490), d.id, '110119001001001'
                   FROM department d WHERE d.code = 't-codes'$$,
                 '23514', '部件标识码须为16位数字(6位区县+4位类别+6位顺序码): 11011901001000001',
                 'a 17-digit id under CJ/T 214-2007 is refused');

-- Geometry: a bow-tie polygon crosses itself.
SELECT throws_like($$INSERT INTO division (code, level, name, parent, geom)
                     SELECT '110119001002', 'community', '测试', '110119001', bowtie FROM box$$,
                   'division 的几何图形无效: Self-intersection%', 'a bow-tie division is refused');
SELECT throws_like($$INSERT INTO grid (code, community, geom, area_m2)
                     SELECT '110119001001002', '110119001001', bowtie, 1 FROM box$$,
                   'grid 的几何图形无效: Self-intersection%', 'a bow-tie grid is refused');
SELECT throws_like($$UPDATE grid SET geom = (SELECT bowtie FROM box) WHERE code = '110119001001001'$$,
                   '%几何图形无效%', 'an update to a bow-tie grid is refused');

-- Nothing refused was stored.
SELECT is((SELECT count(*)::int FROM division WHERE code LIKE '110119%'), 3,
          'only the three valid divisions were stored');
SELECT is((SELECT count(*)::int FROM grid WHERE community = '110119001001'), 1,
          'only the valid grid was stored');

SELECT * FROM finish();
ROLLBACK;
