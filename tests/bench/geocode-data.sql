-- tests/bench/geocode-data.sql: one million addresses on top of the demo
-- district, for the geocoding benchmark (tests/bench/geocode.sh).
-- Deterministic: every choice comes from md5 of a name, no random().
--
--   roads   2,600 names: an optional direction (东 西 南 北 前 后 大 小),
--           a stem of hutong and street words (安乐, 宝钞, 草厂 ...) and a
--           kind (胡同, 大街, 路, 巷, 街, 里, 头条 ... 九条); each a straight
--           east-west or north-south line of 300-1,500 m from a point in
--           a grid of the district, kept inside the district;
--   doors   200 door numbers per road, odd on one side, even on the
--           other; about three in ten a courtyard (号院) with one to
--           eight buildings (号楼) behind it;
--   grid    each address takes its grid and community from the grid
--           covering its point; one outside every grid is dropped;
-- then the first 1,000,000 in road and number order are inserted through
-- the same trigger as any import (search key, initials, address code).
-- The trigram indexes are dropped for the load and built again after.

CREATE FUNCTION pg_temp.h(s text) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
	SELECT ('x' || substr(md5(s), 1, 12))::bit(48)::bigint / 281474976710656.0
$$;

CREATE TEMPORARY TABLE bench_stem (i integer, stem text);
INSERT INTO bench_stem
SELECT row_number() OVER (), s FROM unnest(string_to_array(
	'安乐 宝钞 北极阁 草厂 炒豆 朝阳 大佛寺 灯草 帝王庙 东堂子 队门 方家 分司厅 府学 干面 '
	'钩儿 鼓楼 官书院 广福 国兴 海运仓 和平 黑芝麻 后圆恩寺 花市 黄化门 吉兆 嘉兴寺 '
	'箭厂 交道 金鱼 锦什坊 井儿 九道湾 菊儿 孔德 魁公府 蜡库 礼士 莲子 灵境 柳荫 '
	'禄米仓 罗圈 马圈 帽儿 梅竹 民安 南剪子 内务部 牛排子 盆儿 骑河楼 千竿 前拐棒 '
	'钱粮 青龙 清水 雨儿 三眼井 沙井 扇子 什锦花园 史家 寿比 顺天府 四根柏 松树 '
	'台基厂 汤公 糖房 铁狮子 通教寺 铜井 瓦岔 汪家 王驸马 魏家 文丞相 五道营 西总布 '
	'喜鹊 细管 香饵 小经厂 校尉 新太仓 兴化寺 燕儿 羊管 演乐 椅子 银闸 永康 油坊 '
	'元宝 圆恩寺 月牙 藏经馆 张旺 智德 中剪子 竹杆 砖塔 总布 北新仓 南新仓 东棉花 '
	'西扬威 大取灯 小取灯 前鼓楼苑 后鼓楼苑 贡院 东厂 西堂子 北帽 南帽 仓南 仓北 ', ' '))
	AS s WHERE s <> '';

CREATE TEMPORARY TABLE bench_kind (i integer, kind text);
INSERT INTO bench_kind
SELECT row_number() OVER (), k FROM unnest(string_to_array(
	'胡同 大街 路 巷 街 里 北里 南里 东巷 西巷 头条 二条 三条 四条 五条 六条 七条 八条 九条 '
	'南街 北街 东街 西街 夹道', ' ')) AS k WHERE k <> '';

-- Every stem with every kind, an optional direction; the first 2,600
-- by hash whose names are new (not a demo road, not a repeat).
CREATE TEMPORARY TABLE bench_road AS
SELECT name, row_number() OVER (ORDER BY pg_temp.h(name || '路')) AS n
FROM (
	SELECT DISTINCT ON (name) name FROM (
		SELECT CASE WHEN pg_temp.h(s.stem || k.kind) < 0.25
			THEN substr('东西南北前后大小', 1 + floor(8 * pg_temp.h(s.stem || k.kind || '向'))::integer, 1)
			ELSE '' END || s.stem || k.kind AS name
		FROM bench_stem s CROSS JOIN bench_kind k) x
	WHERE NOT EXISTS (SELECT 1 FROM address a WHERE a.kind = 'road' AND a.road = x.name)) y
ORDER BY pg_temp.h(name || '路')
LIMIT 2600;

-- Lines in metres about a grid's interior point (local plane, 1 degree
-- = 85,518 m east and 111,033 m north at 39.9N).
ALTER TABLE bench_road ADD COLUMN x0 double precision, ADD COLUMN y0 double precision,
	ADD COLUMN ew boolean, ADD COLUMN len double precision;
UPDATE bench_road r SET x0 = ST_X(p), y0 = ST_Y(p), ew = pg_temp.h(name || '向') < 0.5,
	len = 300 + 1200 * pg_temp.h(name || '长')
FROM (SELECT row_number() OVER (ORDER BY md5(code)) AS n, ST_PointOnSurface(geom) AS p
      FROM grid) g
WHERE g.n = 1 + (r.n * 7919) % (SELECT count(*) FROM grid);

-- 200 numbers per road; odd numbers 15 m to the left, even to the right;
-- a courtyard's buildings 30-60 m behind its gate.
CREATE TEMPORARY TABLE bench_address AS
SELECT r.name AS road, r.n AS rn, d.no, b.b,
       CASE WHEN b.b = 0 THEN d.no || CASE WHEN d.yard THEN '号院' ELSE '号' END
            ELSE d.no || '号院' || b.b || '号楼' END AS name,
       ST_SetSRID(ST_MakePoint(
	       r.x0 + (CASE WHEN r.ew THEN d.along ELSE d.side * (15 + 15 * b.b / 4.0) END) / 85518,
	       r.y0 + (CASE WHEN r.ew THEN d.side * (15 + 15 * b.b / 4.0) ELSE d.along END) / 111033),
	   4490) AS geom
FROM bench_road r
CROSS JOIN LATERAL (
	SELECT no, (ceil(no / 2.0) - 0.5) * r.len / 100 - r.len / 2 AS along,
	       CASE WHEN no % 2 = 1 THEN 1 ELSE -1 END AS side,
	       pg_temp.h(r.name || no || '院') < 0.3 AS yard
	FROM generate_series(1, 200) no) d
CROSS JOIN LATERAL generate_series(0, CASE WHEN d.yard
	THEN 1 + floor(8 * pg_temp.h(r.name || d.no || '楼'))::integer ELSE 0 END) b (b);

DROP INDEX address_full_name_trgm, address_search_key_trgm, address_search_initials_trgm;
INSERT INTO address (kind, name, full_name, district, road, door_no, building, geom, grid,
		     community, valid_from)
SELECT 'door', x.name, '北京市东城区' || x.road || x.name, '北京市东城区', x.road,
       x.no || CASE WHEN x.name LIKE '%号院%' THEN '号院' ELSE '号' END,
       CASE WHEN x.b > 0 THEN x.b || '号楼' ELSE '' END,
       x.geom, g.code, g.community, DATE '2024-01-01'
FROM (SELECT * FROM bench_address ORDER BY rn, no, b) x
CROSS JOIN LATERAL (
	SELECT code, community FROM grid WHERE ST_Covers(grid.geom, x.geom)
	ORDER BY code LIMIT 1) g
LIMIT 1000000;
CREATE INDEX address_full_name_trgm ON address USING gin (full_name gin_trgm_ops);
CREATE INDEX address_search_key_trgm ON address USING gin (search_key gin_trgm_ops);
CREATE INDEX address_search_initials_trgm ON address USING gin (search_initials gin_trgm_ops);
ANALYZE address;
