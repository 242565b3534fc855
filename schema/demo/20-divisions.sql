-- Demo district, part 2: district, streets (街道) and communities (社区).
--
-- No public source gives street or community boundaries, so they are
-- derived.  Streets: Voronoi cells of seed points placed at each street's
-- real approximate location (one to four seeds a street, WGS84/CGCS2000
-- like the outline), computed in the local metric frame, clipped to the
-- district and merged per street.  Communities: per street, 60 points a
-- community from ST_GeneratePoints (seed 1000 + street serial), k-means
-- into as many clusters as the street has communities, Voronoi cells of
-- the cluster centroids clipped to the street, then 8 Lloyd steps.  A
-- part cut off from the rest of its division goes to the neighbour it
-- shares most border with.

-- Seeds of the streets (approximate centres of their real extents).
CREATE TEMPORARY TABLE demo_street_seed (code text, lon float8, lat float8);
INSERT INTO demo_street_seed VALUES
	('110101001', 116.3935, 39.9165),	-- 东华门: 故宫
	('110101001', 116.3995, 39.9095),	--         南池子, 南河沿
	('110101001', 116.4060, 39.9150),	--         王府井
	('110101001', 116.4035, 39.9030),	--         正义路, 台基厂
	('110101002', 116.3960, 39.9268),	-- 景山: 景山东街
	('110101002', 116.4050, 39.9268),	--       美术馆, 隆福寺
	('110101003', 116.3950, 39.9360),	-- 交道口: 南锣鼓巷
	('110101003', 116.4055, 39.9352),	--         府学胡同
	('110101004', 116.3950, 39.9440),	-- 安定门: 钟楼湾, 北锣鼓巷
	('110101004', 116.4060, 39.9442),	--         国子监, 五道营
	('110101005', 116.4168, 39.9440),	-- 北新桥: 雍和宫东, 海运仓
	('110101005', 116.4172, 39.9368),	--         北新仓
	('110101006', 116.4165, 39.9282),	-- 东四: 东四二条至八条
	('110101007', 116.4195, 39.9188),	-- 朝阳门: 朝内南, 史家胡同
	('110101008', 116.4140, 39.9092),	-- 建国门: 东单, 外交部街
	('110101008', 116.4255, 39.9048),	--         北京站
	('110101009', 116.4250, 39.9335),	-- 东直门: 东四十条东
	('110101009', 116.4350, 39.9405),	--         东直门外
	('110101010', 116.3925, 39.9522),	-- 和平里: 安德里
	('110101010', 116.4060, 39.9540),	--         地坛
	('110101010', 116.4180, 39.9542),	--         和平里
	('110101010', 116.4040, 39.9665),	--         青年湖, 小黄庄
	('110101011', 116.3962, 39.8962),	-- 前门: 草厂, 大江胡同
	('110101012', 116.4125, 39.8968),	-- 崇文门外: 新世界, 西花市
	('110101013', 116.4285, 39.8968),	-- 东花市
	('110101013', 116.4390, 39.9000),	--         东便门
	('110101014', 116.4355, 39.8805),	-- 龙潭: 龙潭湖
	('110101014', 116.4360, 39.8905),	--       夕照寺, 安化楼
	('110101015', 116.4228, 39.8840),	-- 体育馆路
	('110101016', 116.4060, 39.8800),	-- 天坛: 天坛公园
	('110101016', 116.4005, 39.8905),	--       金鱼池
	('110101017', 116.3830, 39.8655),	-- 永定门外: 木樨园北
	('110101017', 116.4000, 39.8635);	--           沙子口

-- A seed outside the outline moves to the nearest point 50 m inside it.
UPDATE demo_street_seed s
SET lon = ST_X(p), lat = ST_Y(p)
FROM (SELECT x.ctid AS id, pg_temp.to_deg(ST_ClosestPoint(ST_Buffer(pg_temp.to_m(d.geom), -50),
		pg_temp.to_m(pg_temp.pt(x.lon, x.lat)))) AS p
      FROM demo_street_seed x, demo_district d
      WHERE NOT ST_Covers(d.geom, pg_temp.pt(x.lon, x.lat))) m
WHERE s.ctid = m.id;

-- Divisions being cut: code, parent, geometry.
CREATE TEMPORARY TABLE demo_part (code text PRIMARY KEY, parent text, geom geometry);

-- Give every part of a division that is cut off from its largest part
-- to the neighbour (same parent) it shares the longest border with.
-- Parts that touch no neighbour stay where they are.
CREATE FUNCTION pg_temp.absorb_detached() RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	target text;
	moved integer := 0;
BEGIN
	FOR r IN
		SELECT p.code, p.parent, d.geom AS piece
		FROM demo_part p, LATERAL (
			SELECT x.geom, row_number() OVER (ORDER BY ST_Area(x.geom) DESC) AS rank
			FROM ST_Dump(p.geom) x) d
		WHERE d.rank > 1
		ORDER BY ST_Area(d.geom), p.code
	LOOP
		SELECT q.code INTO target
		FROM demo_part q
		WHERE q.parent = r.parent AND q.code <> r.code AND ST_Intersects(q.geom, r.piece)
		ORDER BY ST_Length(ST_CollectionExtract(ST_Intersection(q.geom, r.piece), 2)) DESC, q.code
		LIMIT 1;
		CONTINUE WHEN target IS NULL;
		UPDATE demo_part SET geom = pg_temp.polys(ST_Difference(geom, r.piece, pg_temp.gs()))
		WHERE code = r.code;
		UPDATE demo_part SET geom = pg_temp.polys(ST_Union(geom, r.piece, pg_temp.gs()))
		WHERE code = target;
		moved := moved + 1;
	END LOOP;
	RETURN moved;
END
$$;

-- Streets: Voronoi of the seeds, clipped to the district.
INSERT INTO demo_part
SELECT s.code, '110101',
       pg_temp.polys(ST_Union(ST_Intersection(pg_temp.to_deg(v.cell), d.geom, pg_temp.gs()),
			      pg_temp.gs()))
FROM demo_district d,
     LATERAL (SELECT (ST_Dump(ST_VoronoiPolygons(
		ST_Collect(pg_temp.to_m(pg_temp.pt(lon, lat))), 0,
		ST_Expand(pg_temp.to_m(d.geom), 3000)))).geom AS cell
	      FROM demo_street_seed) v
JOIN demo_street_seed s ON ST_Intersects(v.cell, pg_temp.to_m(pg_temp.pt(s.lon, s.lat)))
GROUP BY s.code;
DO $$ BEGIN PERFORM pg_temp.absorb_detached(); PERFORM pg_temp.absorb_detached(); END $$;

CREATE TEMPORARY TABLE demo_street AS
SELECT p.code, dd.name, p.geom, row_number() OVER (ORDER BY p.code)::integer AS serial
FROM demo_part p JOIN demo_division dd USING (code);

DO $$
BEGIN
	IF (SELECT count(*) FROM demo_street WHERE NOT ST_IsEmpty(geom)) <> 17 THEN
		RAISE EXCEPTION 'demo: a street came out empty';
	END IF;
END
$$;

-- Communities.  Clusters of generated points; each cluster's centroid
-- seeds a Voronoi cell, clipped to the street.
TRUNCATE demo_part;
CREATE TEMPORARY TABLE demo_cell AS
WITH k AS (
	SELECT s.code AS street, s.geom, s.serial, count(*)::integer AS k
	FROM demo_street s JOIN demo_division c ON c.parent = s.code
	GROUP BY s.code, s.geom, s.serial
), pts AS (
	SELECT k.street, k.k, d.path[1] AS i, pg_temp.to_m(d.geom) AS p
	FROM k, LATERAL ST_Dump(ST_GeneratePoints(k.geom, 60 * k.k, 1000 + k.serial)) d
), cl AS (
	SELECT street, p,
	       ST_ClusterKMeans(p, k) OVER (PARTITION BY street ORDER BY i) AS cid
	FROM pts
)
SELECT street, cid, ST_Centroid(ST_Collect(p)) AS seed, NULL::geometry AS geom
FROM cl GROUP BY street, cid;

-- Voronoi cells of the seeds clipped to their street, then a few Lloyd
-- steps (each seed moves to the centroid of its cell): cells of about
-- equal area and compact shape, even in narrow parts of a street.
CREATE FUNCTION pg_temp.community_cells(steps integer) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
	FOR i IN 0 .. steps LOOP
		IF i > 0 THEN
			UPDATE demo_cell SET seed = CASE
				WHEN ST_Intersects(geom, pg_temp.to_deg(ST_Centroid(pg_temp.to_m(geom))))
				THEN ST_Centroid(pg_temp.to_m(geom))
				ELSE pg_temp.to_m(ST_PointOnSurface(geom)) END
			WHERE NOT ST_IsEmpty(geom);
		END IF;
		UPDATE demo_cell x SET geom = pg_temp.polys(ST_Intersection(
			pg_temp.to_deg(v.cell), s.geom, pg_temp.gs()))
		FROM (SELECT street, (ST_Dump(ST_VoronoiPolygons(ST_Collect(seed), 0,
				ST_Expand(ST_Extent(seed)::geometry, 5000)))).geom AS cell
		      FROM demo_cell GROUP BY street) v,
		     demo_street s
		WHERE v.street = x.street AND s.code = x.street AND ST_Intersects(v.cell, x.seed);
	END LOOP;
END
$$;
DO $$ BEGIN PERFORM pg_temp.community_cells(8); END $$;

-- Well-known communities get the cell nearest their real place; the
-- others take the remaining cells north to south, west to east.
CREATE TEMPORARY TABLE demo_community_anchor (name text, lon float8, lat float8);
INSERT INTO demo_community_anchor VALUES
	('南池子社区', 116.3975, 39.9105), ('王府井社区', 116.4050, 39.9125),
	('正义路社区', 116.4010, 39.9035), ('台基厂社区', 116.4065, 39.9045),
	('灯市口社区', 116.4080, 39.9180), ('东厂社区', 116.4025, 39.9185),
	('景山东街社区', 116.3950, 39.9255), ('隆福寺社区', 116.4080, 39.9258),
	('南锣鼓巷社区', 116.3970, 39.9360), ('菊儿社区', 116.3990, 39.9385),
	('府学社区', 116.4050, 39.9358), ('鼓楼苑社区', 116.3925, 39.9380),
	('国子监社区', 116.4070, 39.9462), ('钟楼湾社区', 116.3918, 39.9420),
	('北锣鼓巷社区', 116.3975, 39.9432), ('五道营社区', 116.4050, 39.9472),
	('海运仓社区', 116.4215, 39.9362), ('北新仓社区', 116.4200, 39.9395),
	('二条社区', 116.4140, 39.9258), ('八条社区', 116.4160, 39.9305),
	('史家社区', 116.4130, 39.9200), ('朝内头条社区', 116.4200, 39.9222),
	('外交部街社区', 116.4180, 39.9138), ('站东社区', 116.4300, 39.9035),
	('崇内社区', 116.4120, 39.9035), ('东总布社区', 116.4200, 39.9110),
	('东外大街社区', 116.4360, 39.9425), ('新中街社区', 116.4370, 39.9380),
	('地坛社区', 116.4070, 39.9525), ('青年湖社区', 116.4075, 39.9615),
	('安德路社区', 116.3925, 39.9530), ('黄寺社区', 116.4000, 39.9600),
	('前门东大街社区', 116.3985, 39.8995), ('草厂社区', 116.3955, 39.8955),
	('崇文门东大街社区', 116.4150, 39.8990), ('崇文门西大街社区', 116.4085, 39.8990),
	('东花市北里西区社区', 116.4250, 39.8975), ('广渠门北里社区', 116.4380, 39.8945),
	('龙潭北里社区', 116.4330, 39.8870), ('夕照寺社区', 116.4320, 39.8920),
	('体育总局社区', 116.4215, 39.8845), ('法华南里社区', 116.4250, 39.8800),
	('永定门内社区', 116.3960, 39.8745), ('金鱼池社区', 116.4030, 39.8900),
	('祈谷社区', 116.4075, 39.8830),
	('琉璃井社区', 116.3800, 39.8680), ('望坛新苑社区', 116.4020, 39.8620);

CREATE TEMPORARY TABLE demo_cell_name (street text, cid integer, code text);
CREATE FUNCTION pg_temp.name_cells() RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	r record;
	cell integer;
BEGIN
	FOR r IN
		SELECT c.code, c.parent, pg_temp.pt(a.lon, a.lat) AS p
		FROM demo_community_anchor a JOIN demo_division c ON c.name = a.name
		WHERE c.level = 'community'
		ORDER BY c.code
	LOOP
		SELECT x.cid INTO cell FROM demo_cell x
		WHERE x.street = r.parent
		  AND NOT EXISTS (SELECT 1 FROM demo_cell_name n WHERE n.street = x.street AND n.cid = x.cid)
		ORDER BY ST_Distance(x.geom, r.p), ST_Distance(ST_Centroid(x.geom), r.p)
		LIMIT 1;
		INSERT INTO demo_cell_name VALUES (r.parent, cell, r.code);
	END LOOP;
	INSERT INTO demo_cell_name
	SELECT f.street, f.cid, o.code
	FROM (SELECT x.street, x.cid, row_number() OVER (PARTITION BY x.street
			ORDER BY round(ST_Y(ST_Centroid(x.geom))::numeric / 0.004) DESC,
				 ST_X(ST_Centroid(x.geom))) AS n
	      FROM demo_cell x
	      WHERE NOT EXISTS (SELECT 1 FROM demo_cell_name m WHERE m.street = x.street AND m.cid = x.cid)) f
	JOIN (SELECT c.parent, c.code, row_number() OVER (PARTITION BY c.parent ORDER BY c.code) AS n
	      FROM demo_division c
	      WHERE c.level = 'community'
		AND NOT EXISTS (SELECT 1 FROM demo_cell_name m WHERE m.code = c.code)) o
	  ON o.parent = f.street AND o.n = f.n;
END
$$;
DO $$ BEGIN PERFORM pg_temp.name_cells(); END $$;

INSERT INTO demo_part
SELECT n.code, x.street, x.geom
FROM demo_cell x JOIN demo_cell_name n USING (street, cid);
DO $$ BEGIN PERFORM pg_temp.absorb_detached(); PERFORM pg_temp.absorb_detached(); END $$;

DO $$
BEGIN
	IF (SELECT count(*) FROM demo_part WHERE NOT ST_IsEmpty(geom))
	   <> (SELECT count(*) FROM demo_division WHERE level = 'community') THEN
		RAISE EXCEPTION 'demo: a community came out empty or unnamed';
	END IF;
END
$$;

INSERT INTO division (code, level, name, parent, geom)
SELECT '110101', 'district', name, NULL, (SELECT geom FROM demo_district)
FROM demo_division WHERE code = '110101';
INSERT INTO division (code, level, name, parent, geom)
SELECT code, 'street', name, '110101', geom FROM demo_street ORDER BY code;
INSERT INTO division (code, level, name, parent, geom)
SELECT p.code, 'community', dd.name, p.parent, p.geom
FROM demo_part p JOIN demo_division dd USING (code)
ORDER BY p.code;
