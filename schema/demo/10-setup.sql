-- Demo district 北京市东城区 (110101), part 1: helpers and source data.
--
-- schema/citygrid-db demo concatenates schema/demo/[0-9][0-9]-*.sql and
-- runs them in one transaction with -v datadir=<schema/data>.  Every
-- helper lives in pg_temp and every work table is temporary, so the
-- load leaves nothing behind but the rows it inserts.  Nothing here is
-- random: points come from ST_GeneratePoints with fixed seeds, choices
-- from md5 of fixed strings.  See citygrid-data(7), DEMO DISTRICT.

-- The source files are read by psql on the client side (the server may
-- not be able to read the checkout); psql interpolates :'datadir' inside
-- backquotes.
\set outline_json `cat :'datadir'/110101-outline.geojson`
\set divisions_csv `cat :'datadir'/divisions-110101.csv`
SELECT cg_raise_if(CASE WHEN :'outline_json' = '' OR :'divisions_csv' = ''
	THEN 'demo: cannot read 110101-outline.geojson and divisions-110101.csv in ' || :'datadir'
	END) AS ignored \gset demo_

-- The precision grid of every overlay (1e-11 degree, about 1 micrometre).
-- Pieces that share an edge are cut on the same grid, so partitions
-- have no slivers between them.
CREATE FUNCTION pg_temp.gs() RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT 1e-11::double precision $$;

-- A local metric frame: metres east and north of 116.4E 39.9N, with the
-- ellipsoid's degree lengths at 39.9N (85,518 m of longitude, 111,033 m
-- of latitude).  Distances and k-means are computed in it; it is an
-- affine map, so shared vertices stay shared both ways.
CREATE FUNCTION pg_temp.to_m(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT ST_SetSRID(ST_Affine(g, 85518, 0, 0, 111033,
		-116.4 * 85518, -39.9 * 111033), 0)
$$;
CREATE FUNCTION pg_temp.to_deg(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT ST_SetSRID(ST_Affine(g, 1.0 / 85518, 0, 0, 1.0 / 111033,
		116.4, 39.9), 4490)
$$;

-- A deterministic number in [0, 1) for a string.
CREATE FUNCTION pg_temp.h(s text) RETURNS double precision
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT ('x' || substr(md5(s), 1, 8))::bit(32)::bigint / 4294967296.0
$$;

-- A point from longitude and latitude.
CREATE FUNCTION pg_temp.pt(lon double precision, lat double precision) RETURNS geometry
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4490)
$$;

-- Polygonal part of a geometry as a MultiPolygon (never NULL).
CREATE FUNCTION pg_temp.polys(g geometry) RETURNS geometry
LANGUAGE sql IMMUTABLE AS $$
	SELECT ST_Multi(coalesce(ST_CollectionExtract(g, 3),
		'MULTIPOLYGON EMPTY'::geometry))
$$;

-- The district outline.  Its ring touches itself in a collapsed spike
-- at 116.431279 39.928301; the 'structure' method of ST_MakeValid drops
-- the collapsed part and keeps the area.
CREATE TEMPORARY TABLE demo_district AS
SELECT pg_temp.polys(ST_ReducePrecision(ST_MakeValid(
		ST_SetSRID(ST_GeomFromGeoJSON(f->>'geometry'), 4490),
		'method=structure'), pg_temp.gs())) AS geom
FROM jsonb_array_elements((:'outline_json')::jsonb->'features') f
WHERE f->'properties'->>'adcode' = '110101';

DO $$
BEGIN
	IF (SELECT count(*) FROM demo_district) <> 1 THEN
		RAISE EXCEPTION 'demo: 110101-outline.geojson has no feature 110101';
	END IF;
	IF NOT (SELECT ST_IsValid(geom) AND NOT ST_IsEmpty(geom) FROM demo_district) THEN
		RAISE EXCEPTION 'demo: the district outline could not be repaired';
	END IF;
END
$$;

-- The divisions: code,level,name,parent.
CREATE TEMPORARY TABLE demo_division AS
SELECT split_part(l, ',', 1) AS code, split_part(l, ',', 2) AS level,
       split_part(l, ',', 3) AS name, nullif(split_part(l, ',', 4), '') AS parent
FROM regexp_split_to_table(replace(:'divisions_csv', E'\r', ''), E'\n')
	WITH ORDINALITY AS t(l, n)
WHERE n > 1 AND l <> '';

DO $$
BEGIN
	IF (SELECT count(*) FROM demo_division WHERE level = 'district') <> 1
	   OR (SELECT count(*) FROM demo_division WHERE level = 'street') <> 17
	   OR (SELECT count(*) FROM demo_division WHERE level = 'community') = 0 THEN
		RAISE EXCEPTION 'demo: divisions-110101.csv is not the expected file';
	END IF;
END
$$;
