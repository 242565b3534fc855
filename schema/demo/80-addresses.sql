-- Demo district, part 8: addresses and places (地理编码).
--
--   road  the roads of part 6, clipped to the district;
--   door  door plates (门牌) every 30-45 m along each road (spacing from
--         a hash of its name), numbered from the end nearer 天安门, odd
--         numbers 15 m to the left, even ones 15 m to the right; about
--         one in ten is a courtyard (号院) with one to four buildings
--         (号楼) 35 m and more behind the gate;
--   poi   the landmarks of part 6 (gates included);
--   area  the named areas (地片) of part 6, circles clipped to the
--         district.
-- Every address takes its grid and community from the grid covering
-- its representative point (the point itself, a road's midpoint, an
-- area's centre); a point outside every grid is dropped.

CREATE TEMPORARY TABLE demo_address (
	kind text, name text, full_name text, area_name text DEFAULT '', road text DEFAULT '',
	door_no text DEFAULT '', building text DEFAULT '', poi text DEFAULT '',
	aliases text[] DEFAULT '{}', geom geometry, rep geometry, k text
);

INSERT INTO demo_address (kind, name, full_name, road, geom, rep, k)
SELECT 'road', name, '北京市东城区' || name, name, geom,
       ST_LineInterpolatePoint(geom, 0.5), name
FROM demo_road;

-- Door plates and courtyards.
CREATE TEMPORARY TABLE demo_door AS
SELECT r.name AS road, r.geom_m, s.d, n.no, n.side,
       pg_temp.h(r.name || n.no || '院') < 0.1 AS yard
FROM demo_road r
CROSS JOIN LATERAL (SELECT 30 + 15 * pg_temp.h(r.name || '门牌') AS sp) sp
CROSS JOIN LATERAL (
	SELECT i, (i - 0.5) * sp.sp AS d
	FROM generate_series(1, floor(ST_Length(r.geom_m) / sp.sp)::integer) i) s
CROSS JOIN LATERAL (VALUES (2 * s.i - 1, 1), (2 * s.i, -1)) n (no, side);

INSERT INTO demo_address (kind, name, full_name, road, door_no, geom, rep, k)
SELECT 'door', no || CASE WHEN yard THEN '号院' ELSE '号' END,
       '北京市东城区' || road || no || CASE WHEN yard THEN '号院' ELSE '号' END,
       road, no || CASE WHEN yard THEN '号院' ELSE '号' END,
       p.geom, p.geom, road || lpad(no::text, 5, '0')
FROM demo_door, LATERAL (SELECT pg_temp.to_deg(pg_temp.along(geom_m, d, 15 * side)) AS geom) p;

INSERT INTO demo_address (kind, name, full_name, road, door_no, building, geom, rep, k)
SELECT 'door', no || '号院' || b || '号楼', '北京市东城区' || road || no || '号院' || b || '号楼',
       road, no || '号院', b || '号楼', p.geom, p.geom,
       road || lpad(no::text, 5, '0') || lpad(b::text, 2, '0')
FROM demo_door
CROSS JOIN LATERAL generate_series(1, 1 + floor(4 * pg_temp.h(road || no || '楼'))::integer) b
CROSS JOIN LATERAL (SELECT pg_temp.to_deg(pg_temp.along(geom_m,
		d + 12 * ((b - 1) % 2 * 2 - 1), (35 + 15 * ((b - 1) / 2)) * side)) AS geom) p
WHERE yard;

INSERT INTO demo_address (kind, name, full_name, poi, aliases, geom, rep, k)
SELECT 'poi', name, CASE WHEN name LIKE '东城区%' THEN '北京市' ELSE '北京市东城区' END || name,
       name, aliases, geom, geom, name
FROM demo_landmark;

INSERT INTO demo_address (kind, name, full_name, area_name, geom, rep, k)
SELECT 'area', a.name, '北京市东城区' || a.name, a.name, a.geom,
       CASE WHEN ST_Covers(a.geom, a.centre) THEN a.centre ELSE ST_PointOnSurface(a.geom) END,
       a.name
FROM demo_area a
WHERE NOT ST_IsEmpty(a.geom);

-- The area (地片) of a point: the nearest centre among the areas that
-- cover it; the road of a landmark: the nearest within 150 m.
UPDATE demo_address x SET area_name = coalesce((
	SELECT a.name FROM demo_area a WHERE ST_Covers(a.geom, x.rep)
	ORDER BY ST_Distance(a.centre, x.rep), a.name LIMIT 1), '')
WHERE kind <> 'area';
UPDATE demo_address x SET road = coalesce((
	SELECT r.name FROM demo_road r
	WHERE ST_DWithin(pg_temp.to_m(x.geom), r.geom_m, 150)
	ORDER BY ST_Distance(pg_temp.to_m(x.geom), r.geom_m), r.name LIMIT 1), '')
WHERE kind = 'poi';

INSERT INTO address (kind, name, full_name, district, area_name, road, door_no, building, poi,
		     aliases, geom, grid, community, valid_from)
SELECT x.kind, x.name, x.full_name, '北京市东城区', x.area_name, x.road, x.door_no, x.building,
       x.poi, x.aliases, x.geom, g.code, g.community, DATE '2024-01-01'
FROM demo_address x
CROSS JOIN LATERAL (
	SELECT code, community FROM grid WHERE ST_Covers(grid.geom, x.rep)
	ORDER BY code LIMIT 1) g
ORDER BY CASE x.kind WHEN 'area' THEN 1 WHEN 'road' THEN 2 WHEN 'poi' THEN 3 ELSE 4 END, x.k;
