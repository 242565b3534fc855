-- Demo district, part 7: components (部件), CJ/T 214-2007.
--
-- The plan below gives, per class, how many and where:
--   road  points along the roads of part 6 at even spacing (total road
--         length / count, phase from a hash), off metres from the
--         centreline, alternately left and right when two-sided;
--   grid  points in grids chosen by weighted sampling without
--         replacement (key -ln(u)/w, u from md5, w by area class), one
--         ST_GeneratePoints call per grid, seeded by the grid's number;
--         "park" and "lake" limit the grids to those of demo_park;
--   line  short lines: on a road inside one grid (交通护栏), or 40 m
--         east-west through a generated point of a park grid;
--   area  squares of side metres around a generated point of a grid.
-- Anything not covered by its grid is dropped before numbering, so ids
-- run from 000001 without gaps in every class.

CREATE TEMPORARY TABLE demo_component_plan (
	code text PRIMARY KEY, n integer, place text, off float8, two_sided boolean,
	wa float8, wb float8, wc float8, limit_to text, owner text, maint text
);
INSERT INTO demo_component_plan VALUES
	-- 01 公用设施
	('0101', 180, 'road', 3.0, true, 1, 1, 1, NULL, 'ZLS', 'ZLS'),
	('0102', 180, 'road', 1.5, true, 1, 1, 1, NULL, 'PSJT', 'PSJT'),
	('0103', 170, 'road', 5.0, true, 1, 1, 1, NULL, 'PSJT', 'PSJT'),
	('0104', 220, 'road', 8.5, true, 1, 1, 1, NULL, 'PSJT', 'PSJT'),
	('0105', 110, 'road', 7.0, true, 1, 1, 1, NULL, 'GDGS', 'GDGS'),
	('0106',  40, 'road', 10.5, true, 1, 1, 1, NULL, 'CGW', 'ZMZX'),
	('0107', 100, 'road', 6.5, true, 1, 1, 1, NULL, 'LTDC', 'LTDC'),
	('0108',  35, 'road', 6.0, true, 1, 1, 1, NULL, 'GHYX', 'GHYX'),
	('0109',  35, 'road', 6.0, true, 1, 1, 1, NULL, 'LTDC', 'LTDC'),
	('0110',  70, 'road', 2.0, true, 1, 1, 1, NULL, 'RLJT', 'RLJT'),
	('0111',  90, 'road', 4.0, true, 1, 1, 1, NULL, 'RQJT', 'RQJT'),
	('0112',  20, 'road', 9.0, true, 1, 1, 1, NULL, 'GAFJ', 'GAFJ'),
	('0113',  80, 'road', 9.5, true, 1, 1, 1, NULL, 'XFZD', 'ZLS'),
	('0114',   8, 'grid', 0, false, 1, 1, 1, NULL, NULL, 'CGW'),
	('0115',  40, 'road', 13.0, true, 1, 1, 1, NULL, 'LTDC', 'LTDC'),
	('0116',  40, 'road', 13.0, true, 1, 1, 1, NULL, 'GDGS', 'GDGS'),
	('0117',  80, 'road', 11.5, true, 1, 1, 1, NULL, 'CGW', 'ZMZX'),
	('0118', 500, 'road', 11.0, true, 1, 1, 1, NULL, 'CGW', 'ZMZX'),
	('0119',  20, 'grid', 0, false, 3, 1, 1, NULL, 'CGW', 'ZMZX'),
	('0120',  40, 'grid', 0, false, 3, 1, 2, NULL, 'CGW', 'ZMZX'),
	('0121',  35, 'grid', 0, false, 3, 1, 0.5, NULL, 'YZDC', 'YZDC'),
	('0122',  15, 'grid', 0, false, 2, 1, 0.5, NULL, 'LTDC', 'LTDC'),
	('0123',  25, 'grid', 0, false, 2, 1, 1, NULL, 'YZDC', 'YZDC'),
	('0124',  10, 'grid', 0, false, 4, 1, 0.5, NULL, 'CGW', 'CGW'),
	('0125',  35, 'grid', 0, false, 3, 1, 1, NULL, NULL, NULL),
	('0126',  60, 'grid', 0, false, 0.5, 1, 2, NULL, 'TYJ', 'STREET'),
	('0127',  15, 'road', 3.5, true, 1, 1, 1, NULL, 'PSJT', 'PSJT'),
	('0128',   8, 'grid', 0, false, 1, 1, 1, NULL, 'GJJT', 'GJJT'),
	('0129',   3, 'grid', 0, false, 0, 1, 1, NULL, 'RQJT', 'RQJT'),
	('0130',   4, 'grid', 0, false, 1, 1, 1, NULL, NULL, 'CGW'),
	('0131',   2, 'grid', 0, false, 0, 1, 1, NULL, 'SWJ', 'SWJ'),
	('0132',   5, 'grid', 0, false, 1, 1, 1, NULL, 'ZLS', 'ZLS'),
	('0133',   2, 'grid', 0, false, 0, 0.2, 1, NULL, 'GDGS', 'GDGS'),
	('0134',  40, 'grid', 0, false, 1, 1, 1, NULL, 'GDGS', 'GDGS'),
	('0135',  20, 'grid', 0, false, 1, 1, 1, NULL, 'RQJT', 'RQJT'),
	('0136',  60, 'road', 10.0, true, 1, 1, 1, NULL, 'GAFJ', 'GAFJ'),
	('0137',  20, 'grid', 0, false, 3, 1, 1, NULL, NULL, 'STREET'),
	('0138',  15, 'grid', 0, false, 3, 1, 0.5, NULL, 'GAFJ', 'GAFJ'),
	-- 02 道路交通
	('0201',  40, 'area', 28, false, 1, 1, 1, NULL, 'CGW', 'STREET'),
	('0202',  15, 'road', 9.0, true, 1, 1, 1, NULL, 'CGW', 'CGW'),
	('0203',  45, 'road', 11.0, true, 1, 1, 1, NULL, 'GJJT', 'GJJT'),
	('0204',   8, 'road', 11.0, true, 1, 1, 1, NULL, 'JTZD', 'JTZD'),
	('0205',   3, 'road', 0, false, 1, 1, 1, NULL, 'CGW', 'LQYH'),
	('0206',   3, 'road', 0, false, 1, 1, 1, NULL, 'CGW', 'LQYH'),
	('0207',   2, 'grid', 0, false, 0, 0.5, 1, NULL, 'CGW', 'LQYH'),
	('0208',   2, 'grid', 0, false, 1, 1, 1, 'lake', 'CGW', 'LQYH'),
	('0209', 150, 'road', 11.0, true, 1, 1, 1, NULL, 'JTZD', 'JTZD'),
	('0210',  50, 'road', 10.0, true, 1, 1, 1, NULL, 'JTZD', 'JTZD'),
	('0211',  40, 'line', 0, false, 1, 1, 1, NULL, 'JTZD', 'LQYH'),
	('0212',  40, 'road', 12.0, true, 1, 1, 1, NULL, 'CGW', 'STREET'),
	('0213',  90, 'road', 11.5, true, 1, 1, 1, NULL, 'CGW', 'CGW'),
	('0214',  15, 'road', 10.0, true, 1, 1, 1, NULL, 'JTZD', 'JTZD'),
	('0215',   5, 'road', 11.0, true, 1, 1, 1, NULL, 'JTZD', 'JTZD'),
	('0217',   8, 'grid', 0, false, 3, 1, 1, NULL, 'JTZD', 'JTZD'),
	-- 03 市容环境
	('0301',  90, 'grid', 0, false, 2, 1, 1, NULL, 'HWZX', 'HWZX'),
	('0302',  40, 'grid', 0, false, 1, 1, 1, NULL, 'HWZX', 'HWZX'),
	('0303',  40, 'grid', 0, false, 2, 1, 1, NULL, 'HWZX', 'HWZX'),
	('0304',  35, 'grid', 0, false, 1, 1, 1, NULL, 'HWZX', 'HWZX'),
	('0305', 300, 'road', 10.5, true, 1, 1, 1, NULL, 'HWZX', 'HWZX'),
	('0306',  50, 'road', 16.0, true, 1, 1, 1, NULL, 'STREET', NULL),
	('0307', 220, 'road', 16.0, true, 1, 1, 1, NULL, 'STREET', NULL),
	('0308',   3, 'grid', 0, false, 1, 1, 1, NULL, 'STHJ', 'STHJ'),
	('0309',   2, 'grid', 0, false, 0, 1, 1, NULL, 'STHJ', 'STHJ'),
	('0310',   2, 'grid', 0, false, 0, 1, 1, NULL, 'SWJ', 'PSJT'),
	('0311',   4, 'grid', 0, false, 3, 1, 1, NULL, 'STHJ', 'STHJ'),
	-- 04 园林绿化
	('0401',  80, 'grid', 0, false, 2, 1, 3, NULL, 'YLJ', 'YLJ'),
	('0402', 550, 'road', 12.5, true, 1, 1, 1, NULL, 'YLJ', 'YLJ'),
	('0403',  50, 'road', 12.5, true, 1, 1, 1, NULL, 'YLJ', 'YLJ'),
	('0404',  50, 'grid', 0, false, 3, 1, 1, NULL, 'YLJ', 'YLJ'),
	('0405',  60, 'area', 30, false, 1, 1, 3, NULL, 'YLJ', 'YLJ'),
	('0406',  15, 'grid', 0, false, 3, 1, 2, NULL, 'CGW', 'YLJ'),
	('0407',  50, 'road', 13.0, true, 1, 1, 1, NULL, 'YLJ', 'YLJ'),
	('0408',  12, 'line', 0, false, 1, 1, 1, 'park', 'YLJ', 'YLJ'),
	('0409',  20, 'grid', 0, false, 1, 1, 3, NULL, 'YLJ', 'YLJ'),
	('0410',   5, 'grid', 0, false, 2, 0.5, 2, NULL, 'YLJ', 'YLJ'),
	-- 05 房屋土地
	('0501',  80, 'grid', 0, false, 1, 1, 1, NULL, 'STREET', 'STREET'),
	('0502',  10, 'grid', 0, false, 1, 1, 1, NULL, 'RFB', 'RFB'),
	('0503',  15, 'grid', 0, false, 1, 2, 1, NULL, 'FGJ', 'FGJ'),
	-- 06 其他设施
	('0601',   3, 'grid', 0, false, 0, 1, 1, NULL, NULL, 'YJJ'),
	('0602',   8, 'area', 40, false, 0.5, 1, 1, NULL, NULL, 'ZJW'),
	('0603',   6, 'grid', 0, false, 1, 1, 1, 'lake', 'SWJ', 'SWJ'),
	('0604',   6, 'line', 0, false, 1, 1, 1, 'lake', 'SWJ', 'SWJ');

-- Grids with their number (a seed) and whether they lie in a park.
CREATE TEMPORARY TABLE demo_grid AS
SELECT g.code, g.community, g.geom, g.area_class,
       row_number() OVER (ORDER BY g.code)::integer AS n,
       k.name AS park
FROM grid g
LEFT JOIN demo_park k ON ST_Intersects(k.geom, ST_Centroid(g.geom));

-- Component candidates: class, geometry, road name (if any), order key.
CREATE TEMPORARY TABLE demo_candidate (
	code text, geom geometry, road text, k text, grid text
);

-- Along the roads.
INSERT INTO demo_candidate (code, geom, road, k)
SELECT p.code,
       pg_temp.to_deg(pg_temp.along(r.geom_m, d,
		CASE WHEN p.two_sided AND i % 2 = 1 THEN -p.off ELSE p.off END)),
       r.name, r.name || lpad(i::text, 5, '0')
FROM demo_component_plan p
CROSS JOIN (SELECT sum(ST_Length(geom_m)) AS total FROM demo_road) t
CROSS JOIN demo_road r
CROSS JOIN LATERAL (
	SELECT i, (pg_temp.h(p.code || r.name) + i) * t.total / p.n AS d
	FROM generate_series(0, floor(ST_Length(r.geom_m) * p.n / t.total)::integer) i) s
WHERE p.place = 'road' AND s.d < ST_Length(r.geom_m);

-- In sampled grids.
CREATE TEMPORARY TABLE demo_pick AS
SELECT p.code, p.place, p.off, g.code AS grid, g.n
FROM demo_component_plan p
CROSS JOIN LATERAL (
	SELECT g.code, g.n,
	       row_number() OVER (ORDER BY -ln(pg_temp.h(p.code || g.code) + 1e-12) /
		   CASE g.area_class WHEN 'A' THEN p.wa WHEN 'B' THEN p.wb ELSE p.wc END, g.code) AS rank
	FROM demo_grid g
	WHERE CASE g.area_class WHEN 'A' THEN p.wa WHEN 'B' THEN p.wb ELSE p.wc END > 0
	  AND (p.limit_to IS NULL
	       OR (p.limit_to = 'park' AND g.park IS NOT NULL)
	       OR (p.limit_to = 'lake' AND g.park IN ('龙潭公园', '青年湖公园')))) g
WHERE p.place IN ('grid', 'area', 'line') AND p.code <> '0211'
  -- more candidates for shapes, which may not fit their grid
  AND g.rank <= p.n * CASE p.place WHEN 'grid' THEN 1 ELSE 5 END;

INSERT INTO demo_candidate (code, geom, k, grid)
SELECT x.code,
       CASE x.place
       WHEN 'grid' THEN pt.geom
       WHEN 'line' THEN pg_temp.to_deg(ST_MakeLine(
		ST_Translate(pg_temp.to_m(pt.geom), -20, 0), ST_Translate(pg_temp.to_m(pt.geom), 20, 0)))
       ELSE pg_temp.to_deg(ST_Expand(pg_temp.to_m(pt.geom), x.off / 2)) END,
       x.grid, x.grid
FROM (SELECT *, row_number() OVER (PARTITION BY grid ORDER BY code) AS j,
	     count(*) OVER (PARTITION BY grid) AS m
      FROM demo_pick) x
JOIN demo_grid g ON g.code = x.grid
CROSS JOIN LATERAL (
	SELECT d.geom FROM ST_Dump(ST_GeneratePoints(g.geom, x.m::integer, g.n)) d
	WHERE d.path[1] = x.j) pt;

-- Guard rails (交通护栏): the middle 70% of a road's run through a grid,
-- on the centreline, where that run is at least 80 m long.
INSERT INTO demo_candidate (code, geom, road, k, grid)
SELECT '0211', ST_LineSubstring(s.geom, 0.15, 0.85), s.road, s.grid, s.grid
FROM (SELECT r.name AS road, g.code AS grid, x.geom,
	     row_number() OVER (ORDER BY pg_temp.h('0211' || r.name || g.code)) AS rank
      FROM demo_road r
      JOIN demo_grid g ON ST_Intersects(g.geom, r.geom),
      LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(r.geom, g.geom), 2)) x
      WHERE ST_Length(x.geom::geography) >= 80) s
WHERE s.rank <= (SELECT n FROM demo_component_plan WHERE code = '0211') * 2;

-- Find each candidate's grid (the lowest code where it touches two), drop
-- what is not covered by a grid, and keep n a class.
UPDATE demo_candidate c SET grid = (
	SELECT g.code FROM grid g WHERE ST_Covers(g.geom, c.geom) ORDER BY g.code LIMIT 1)
WHERE grid IS NULL;
DELETE FROM demo_candidate c
WHERE grid IS NULL OR NOT EXISTS (
	SELECT 1 FROM grid g WHERE g.code = c.grid AND ST_Covers(g.geom, c.geom));

CREATE TEMPORARY TABLE demo_component AS
SELECT c.*, row_number() OVER (PARTITION BY c.code ORDER BY c.grid, c.k,
		ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom))) AS serial
FROM demo_candidate c;
DELETE FROM demo_component c USING demo_component_plan p
WHERE p.code = c.code AND p.place IN ('area', 'line') AND c.serial > p.n;

INSERT INTO component (id, version, class_code, name, geom, dept_main, dept_owner, dept_maint,
		       grid, status, data_source, initial_date)
SELECT '110101' || c.code || lpad(c.serial::text, 6, '0'), 'CJT214-2007', c.code,
       coalesce(c.road, replace(cm.name, '社区', '')) || k.name,
       c.geom, cd.department, o.id, m.id, c.grid,
       CASE
       WHEN (c.code BETWEEN '0101' AND '0112' OR c.code IN ('0114', '0127', '0128', '0129', '0130'))
	    AND pg_temp.h(c.code || c.serial || '状态') < 0.004 THEN '丢失'
       WHEN pg_temp.h(c.code || c.serial || '状态') < 0.035 THEN '破损'
       ELSE '完好' END,
       '实测', DATE '2024-01-01'
FROM demo_component c
JOIN demo_component_plan p ON p.code = c.code
JOIN class_code k ON k.version = 'CJT214-2007' AND k.kind = 'component' AND k.code = c.code
JOIN class_department cd ON cd.version = 'CJT214-2007' AND cd.kind = 'component'
	AND cd.class_code = c.code
JOIN grid g ON g.code = c.grid
JOIN division cm ON cm.code = g.community
LEFT JOIN department o ON o.code = CASE p.owner WHEN 'STREET' THEN 'JD' || substr(c.grid, 7, 3)
				     ELSE p.owner END
LEFT JOIN department m ON m.code = CASE p.maint WHEN 'STREET' THEN 'JD' || substr(c.grid, 7, 3)
				     ELSE p.maint END
WHERE c.serial <= 999999
ORDER BY 1;
