-- Demo district, part 3: unit grids (单元网格).
--
-- A lattice of 0.00117 degrees of longitude by 0.0009 of latitude (about
-- 100 m by 100 m at 39.9N, 10,000 m2), drawn in degrees so that no
-- reprojection noise enters, from 116.3700E 39.9740N eastwards and
-- southwards.  Each lattice cell is cut by each community it meets; a
-- piece under 3,000 m2 is merged, smallest first, into the neighbouring
-- piece of the same community with which it shares the longest border;
-- then a piece under 5,000 m2 likewise, where the result stays within
-- 15,000 m2.
-- Codes: community code + 3-digit serial, numbered row by row from the
-- north and west to east within a row (the row and column are those of
-- the lattice cell of the largest piece).  Area class: see below.

CREATE TEMPORARY TABLE demo_piece (
	id         serial PRIMARY KEY,
	community  text NOT NULL,
	r          integer NOT NULL,	-- lattice row, 0 = northernmost
	c          integer NOT NULL,	-- lattice column, 0 = westernmost
	geom       geometry NOT NULL,
	area       double precision NOT NULL
);

INSERT INTO demo_piece (community, r, c, geom, area)
SELECT d.code, l.r, l.c, x.geom, ST_Area(x.geom::geography)
FROM (SELECT r, c, ST_MakeEnvelope(116.37 + c * 0.00117, 39.974 - (r + 1) * 0.0009,
				   116.37 + (c + 1) * 0.00117, 39.974 - r * 0.0009, 4490) AS cell
      FROM generate_series(0, 130) r, generate_series(0, 66) c) l
JOIN division d ON d.level = 'community' AND ST_Intersects(d.geom, l.cell),
LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(l.cell, d.geom, pg_temp.gs()), 3)) x
WHERE NOT ST_IsEmpty(x.geom)
ORDER BY d.code, l.r, l.c;
CREATE INDEX ON demo_piece USING gist (geom);
CREATE INDEX ON demo_piece (community);
ANALYZE demo_piece;

-- Merge each piece under min_m2 into a neighbour of its community, if
-- the result stays under max_m2.  A piece with no such neighbour stays
-- a grid of its own.
CREATE FUNCTION pg_temp.merge_small_pieces(min_m2 double precision,
	max_m2 double precision) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
	p demo_piece;
	id0 integer;
	target integer;
	merged integer := 0;
BEGIN
	FOR id0 IN SELECT id FROM demo_piece WHERE area < min_m2 ORDER BY area, id LOOP
		SELECT * INTO p FROM demo_piece WHERE id = id0;
		CONTINUE WHEN NOT FOUND OR p.area >= min_m2;
		SELECT q.id INTO target
		FROM demo_piece q,
		     LATERAL (SELECT ST_Length(ST_CollectionExtract(
				ST_Intersection(q.geom, p.geom), 2)) AS len) s
		WHERE q.community = p.community AND q.id <> p.id
		  AND q.area + p.area <= max_m2
		  AND q.geom && p.geom AND ST_Intersects(q.geom, p.geom) AND s.len > 0
		ORDER BY s.len DESC, q.id
		LIMIT 1;
		CONTINUE WHEN target IS NULL;
		UPDATE demo_piece q
		SET geom = ST_Union(q.geom, p.geom, pg_temp.gs()),
		    area = ST_Area(ST_Union(q.geom, p.geom, pg_temp.gs())::geography)
		WHERE q.id = target;
		DELETE FROM demo_piece WHERE id = p.id;
		merged := merged + 1;
	END LOOP;
	RETURN merged;
END
$$;
DO $$
BEGIN
	PERFORM pg_temp.merge_small_pieces(3000, 'infinity');
	PERFORM pg_temp.merge_small_pieces(5000, 15000);
END
$$;

-- Parks, approximate outlines: area class C, and used by later parts.
CREATE TEMPORARY TABLE demo_park (name text, geom geometry);
INSERT INTO demo_park VALUES
	('天坛公园', ST_MakeEnvelope(116.3960, 39.8727, 116.4150, 39.8880, 4490)),
	('地坛公园', ST_MakeEnvelope(116.4030, 39.9497, 116.4110, 39.9555, 4490)),
	('龙潭公园', ST_MakeEnvelope(116.4310, 39.8750, 116.4392, 39.8850, 4490)),
	('青年湖公园', ST_MakeEnvelope(116.4058, 39.9600, 116.4102, 39.9640, 4490));

-- Area class (管理等级), from the grid's centroid:
--   A  in 东华门 or 前门 street, or within 1,500 m of 天安门
--      (116.3913 39.9075) or 王府井 (116.4048 39.9135): the core;
--   C  otherwise, in a park above, or outside the second ring road
--      (north of 39.9485 or south of 39.8710);
--   B  everything else.
INSERT INTO grid (code, community, geom, area_m2, area_class, initial_date)
SELECT p.community || lpad(row_number() OVER (PARTITION BY p.community
		ORDER BY p.r, p.c, ST_X(ST_Centroid(p.geom)), p.id)::text, 3, '0'),
       p.community, ST_Multi(p.geom), p.area,
       CASE
       WHEN left(p.community, 9) IN ('110101001', '110101011')
	 OR ST_DWithin(ST_Centroid(p.geom)::geography, pg_temp.pt(116.3913, 39.9075)::geography, 1500)
	 OR ST_DWithin(ST_Centroid(p.geom)::geography, pg_temp.pt(116.4048, 39.9135)::geography, 1500)
	 THEN 'A'
       WHEN EXISTS (SELECT 1 FROM demo_park k WHERE ST_Intersects(k.geom, ST_Centroid(p.geom)))
	 OR ST_Y(ST_Centroid(p.geom)) > 39.9485 OR ST_Y(ST_Centroid(p.geom)) < 39.8710
	 THEN 'C'
       ELSE 'B' END,
       DATE '2024-01-01'
FROM demo_piece p
ORDER BY 1;
ANALYZE grid;
