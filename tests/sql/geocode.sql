-- Geocoding (migrations 020-022) on the demo district: the normal form,
-- pinyin initials, the maintained columns, search with each tolerance
-- and its ranking, reverse geocoding and codes.
BEGIN;
SELECT plan(60);

-- The first of cg_geo_search(q): "full_name" or NULL.
CREATE FUNCTION pg_temp.top(q text) RETURNS text
LANGUAGE sql AS $$ SELECT full_name FROM cg_geo_search(q, 1) $$;

-- The normal form: one for what is stored and what is asked.
SELECT is(cg_geo_norm('东四北大街二十三号院３号楼门口'), '东四北大街 23号 3楼',
	'norm: Chinese numerals, full-width digits, 号院/号楼, 门口');
SELECT is(cg_geo_norm('东四北大街23-3'), '东四北大街 23号 3楼', 'norm: 23-3 is courtyard 23 building 3');
SELECT is(cg_geo_norm('东四北大街２３'), '东四北大街 23号', 'norm: a bare number is a door');
SELECT is(cg_geo_norm('东四十条'), '东四十条', 'norm: numerals in a road name stay');
SELECT is(cg_geo_norm('和平里七区一号楼三单元'), '和平里七区 1楼 3单元', 'norm: 单元 keeps its number');
SELECT is(cg_geo_norm('某街5栋'), '某街 5楼', 'norm: 栋 is a building');
SELECT is(cg_cn_number('一百零五'), 105, 'Chinese numeral 一百零五');
SELECT is(cg_cn_number('十二'), 12, 'Chinese numeral 十二');
SELECT is(cg_cn_number('一二三'), 123, 'Chinese numerals digit by digit');
SELECT is(cg_cn_number('两千零三'), 2003, 'Chinese numeral 两千零三');
SELECT is(cg_geo_key('北京市东城区 东四十条23号'), '东四十条 23号', 'key: the region prefix goes');
SELECT is(cg_geo_key('北京站'), '北京站', 'key: 北京站 keeps 北京 (a city alone only in full)');

-- Pinyin initials, from Unihan (migration 020).
SELECT is(cg_initials('东四十条 23号'), 'dsst 23h', 'initials of 东四十条 23号');
SELECT is(cg_initials('安定门饿欧'), 'admeo', 'initials of readings opening with a toned vowel');
SELECT is(cg_initials('Ａb1'), 'ａb1', 'initials leave what is not an ideograph');

-- The maintained columns: any insert gets them, with no extra code.
INSERT INTO address (kind, name, full_name, district, road, door_no, building, geom, grid, community)
SELECT 'door', '99号院2号楼', '北京市东城区东四十条99号院2号楼', '北京市东城区', '东四十条', '99号院',
       '2号楼', ST_SetSRID(ST_MakePoint(116.4200, 39.9325), 4490), grid, community
FROM cg_locate(116.4200, 39.9325);
SELECT is((SELECT search_key FROM address WHERE full_name = '北京市东城区东四十条99号院2号楼'),
	'东四十条 99号 2楼', 'an inserted address gets its search key');
SELECT is((SELECT search_initials FROM address WHERE full_name = '北京市东城区东四十条99号院2号楼'),
	'dsst 99h 2l', 'and its pinyin initials');
SELECT matches((SELECT code FROM address WHERE full_name = '北京市东城区东四十条99号院2号楼'),
	'^1101010[0-9]{5}5[0-9]{6}$', 'and an address code: community, 5 for a door, serial');
SELECT is((SELECT count(*)::integer FROM address WHERE code IS NULL), 0, 'every demo address has a code');
SELECT is((SELECT count(DISTINCT code)::integer FROM address), (SELECT count(*)::integer FROM address),
	'address codes are unique');
UPDATE address SET aliases = '{九十九号院}' WHERE full_name = '北京市东城区东四十条99号院2号楼';
SELECT is((SELECT search_key FROM address WHERE full_name = '北京市东城区东四十条99号院2号楼'),
	'东四十条 99号 2楼 ; 99号', 'an update of the aliases updates the key');
SELECT throws_ok($$INSERT INTO address (kind, name, full_name, geom, code)
	VALUES ('poi', '某', '某', ST_SetSRID(ST_MakePoint(116.4, 39.9), 4490), '带 空格')$$,
	'23514', NULL, 'an address code with a space is refused');

-- Search, each tolerance.
SELECT is(pg_temp.top('东四北大街23号'), '北京市东城区东四北大街23号', 'search: road and door');
SELECT is(pg_temp.top('东四北大街２３号'), '北京市东城区东四北大街23号', 'search: full-width digits');
SELECT is(pg_temp.top('东四北大街二十三号'), '北京市东城区东四北大街23号', 'search: Chinese numerals');
SELECT is(pg_temp.top('东四北大街23'), '北京市东城区东四北大街23号', 'search: 号 left out');
SELECT is(pg_temp.top('北京市东城区东四北大街23号'), '北京市东城区东四北大街23号', 'search: with the region');
SELECT is(pg_temp.top('东四十条 23号门口'), '北京市东城区东四十条23号', 'search: 门口 and a space');
SELECT is(pg_temp.top('东四十条14号3号楼'), '北京市东城区东四十条14号院3号楼', 'search: 院 left out');
SELECT is(pg_temp.top('东四十条14号院3栋'), '北京市东城区东四十条14号院3号楼', 'search: 栋 for 号楼');
SELECT is(pg_temp.top('东四十条14-3'), '北京市东城区东四十条14号院3号楼', 'search: 14-3');
SELECT is(pg_temp.top('东四十条14号院'), '北京市东城区东四十条14号院', 'search: a courtyard before its buildings');
SELECT is(pg_temp.top('东四北大接23号'), '北京市东城区东四北大街23号', 'search: a wrong character');
SELECT is(pg_temp.top('地坛公园北门'), '北京市东城区地坛公园北门', 'search: a landmark');
SELECT is(pg_temp.top('地坛北门'), '北京市东城区地坛公园北门', 'search: a landmark with a part left out');
SELECT is(pg_temp.top('紫禁城'), '北京市东城区故宫博物院', 'search: a landmark by its alias');
SELECT is(pg_temp.top('北京站'), '北京市东城区北京站', 'search: 北京站 is the station');
SELECT is(pg_temp.top('dtgybm'), '北京市东城区地坛公园北门', 'search: pinyin initials of a landmark');
SELECT set_eq($$SELECT full_name FROM cg_geo_search('dsst', 2)$$,
	ARRAY['北京市东城区东四十条', '北京市东城区东四三条'],
	'search: dsst gives the roads 东四十条 and 东四三条 first');
SELECT ok('北京市东城区东四十条23号' IN (SELECT full_name FROM cg_geo_search('dsst23', 2)),
	'search: dsst23 gives 东四十条23号 among the first two');
SELECT is(pg_temp.top('ＤＳＳＴ２３'), (SELECT full_name FROM cg_geo_search('dsst23', 1)),
	'search: full-width initials');
SELECT matches((SELECT kind || ' ' || grid || ' ' || full_name FROM cg_geo_search(
	(SELECT id FROM component WHERE name = '东四北大街上水井盖' ORDER BY id LIMIT 1), 1)),
	'^component ' || (SELECT grid FROM component WHERE name = '东四北大街上水井盖' ORDER BY id LIMIT 1)
	|| ' 东四北大街上水井盖 \(北京市东城区东四北大街[0-9]+号.*\)$',
	'search: a component id gives the component, its grid and the address nearest to it');

-- Ranking and what each result carries.
SELECT is((SELECT array_agg(full_name ORDER BY n) FROM (SELECT full_name, row_number() OVER () n
	FROM cg_geo_search('东四北大街23号', 3)) x)[1:1], ARRAY['北京市东城区东四北大街23号'],
	'ranking: the exact door first');
SELECT ok((SELECT bool_and(score <= 1 AND score >= 0.5) FROM cg_geo_search('东四北大街23号', 10)),
	'ranking: scores between the threshold and 1');
SELECT ok((SELECT array_agg(score) = (SELECT array_agg(s ORDER BY s DESC) FROM unnest(array_agg(score)) s)
	FROM cg_geo_search('东四十跳14号', 20)), 'ranking: best first (a similar, not a whole match)');
SELECT ok((SELECT count(*) > 1 FROM cg_geo_search('东四十跳14号', 20)), 'a similar match gives several');
SELECT ok((SELECT bool_and(search_key LIKE '%东四十条 14号%') FROM cg_geo_search('东四十条14号院', 20) s
	JOIN address a ON a.id = s.id), 'a whole match gives only the places that hold it whole');
SELECT is((SELECT grid || ' ' || community_name || ' ' || street_name
	FROM cg_geo_search('东四北大街23号', 1)),
	(SELECT a.grid || ' ' || c.name || ' ' || s.name FROM address a
	 JOIN division c ON c.code = a.community JOIN division s ON s.code = c.parent
	 WHERE a.full_name = '北京市东城区东四北大街23号'),
	'a result carries its grid, community and street');
SELECT is_empty($$SELECT * FROM cg_geo_search('   ', 5)$$, 'search: blank text finds nothing');
SELECT is_empty($$SELECT * FROM cg_geo_search('火星基地一号', 5)$$, 'search: nonsense finds nothing');
UPDATE address SET valid_to = current_date WHERE full_name = '北京市东城区东四北大街23号';
SELECT isnt(pg_temp.top('东四北大街23号'), '北京市东城区东四北大街23号', 'search: a retired address is not found');
UPDATE address SET valid_to = NULL WHERE full_name = '北京市东城区东四北大街23号';

-- Reverse geocoding: the nearest door plate and road, with distances.
SELECT is((SELECT g.nearest FROM address a, cg_geo_at(ST_X(a.geom), ST_Y(a.geom)) g
	WHERE a.full_name = '北京市东城区东四北大街23号'), '北京市东城区东四北大街23号',
	'at: a door plate''s own point gives that door plate');
SELECT is((SELECT road FROM cg_geo_at(116.4108, 39.9300)), '东四北大街', 'at: the nearest road');
SELECT ok((SELECT road_m BETWEEN 0 AND 5 FROM cg_geo_at(116.4108, 39.9300)),
	'at: a point on the road is within 5 m of it');
SELECT is((SELECT street_name FROM cg_geo_at(116.4105, 39.9468)), '安定门街道', 'at: the street of 雍和宫');
SELECT is_empty($$SELECT * FROM cg_geo_at(116.30, 39.90)$$, 'at: nothing outside every grid');

-- Codes: a grid, each level of division, an address; unknown: nothing.
SELECT is((SELECT kind || ' ' || community_name || ' ' || street_name FROM cg_geo_code('110101002001014')),
	'grid 隆福寺社区 景山街道', 'code: a grid');
SELECT is((SELECT array_agg(kind ORDER BY code) FROM (SELECT (cg_geo_code(c)).* FROM
	unnest(ARRAY['110101', '110101002', '110101002001']) c) x),
	ARRAY['district', 'street', 'community'], 'code: a district, a street, a community');
SELECT is((SELECT full_name FROM cg_geo_code((SELECT code FROM address
	WHERE full_name = '北京市东城区东四北大街23号'))), '北京市东城区东四北大街23号', 'code: an address code');
SELECT is_empty($$SELECT * FROM cg_geo_code('110101999999999')$$, 'code: an unknown grid gives nothing');

SELECT * FROM finish();
ROLLBACK;
