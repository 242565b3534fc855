-- 022: the geocoding searches the daemon's geo.search, geo.at and
-- geo.code run; each answers places with their grid, community and
-- street:
--   cg_geo_code(code)        a component id, grid code, address code or
--                            division code to its place;
--   cg_geo_search(text, n)   free text (or pinyin initials, or a code)
--                            to the n best addresses and places;
--   cg_geo_at(lon, lat)      a point to its grid, community and street,
--                            the nearest address and the nearest road.

-- The grid, community and street of a grid code (NULLs for none).
CREATE FUNCTION cg_geo_grid(code text)
RETURNS TABLE (grid text, area_class char(1), community text, community_name text,
               street text, street_name text)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT g.code, g.area_class, c.code, c.name, s.code, s.name
	FROM grid g
	JOIN division c ON c.code = g.community
	LEFT JOIN division s ON s.code = c.parent
	WHERE g.code = $1
$$;

-- The nearest current door plate or landmark (or road) to a point, and
-- how far (metres): the ten nearest in degrees (<->, the partial GiST
-- indexes of 021), then the nearest of them on the spheroid.
CREATE FUNCTION cg_geo_nearest(p geometry)
RETURNS TABLE (id integer, code text, full_name text, road text, metres double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT n.id, n.code, n.full_name, n.road, ST_Distance(n.geom::geography, p::geography) AS m
	FROM (SELECT a.* FROM address a
	      WHERE a.kind IN ('door', 'poi') AND (a.valid_to IS NULL OR a.valid_to > current_date)
	      ORDER BY a.geom <-> p LIMIT 10) n
	ORDER BY m, n.id
	LIMIT 1
$$;
CREATE FUNCTION cg_geo_nearest_road(p geometry)
RETURNS TABLE (id integer, code text, road text, metres double precision)
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT n.id, n.code, n.road, ST_Distance(n.geom::geography, p::geography) AS m
	FROM (SELECT a.* FROM address a
	      WHERE a.kind = 'road' AND (a.valid_to IS NULL OR a.valid_to > current_date)
	      ORDER BY a.geom <-> p LIMIT 10) n
	ORDER BY m, n.id
	LIMIT 1
$$;

CREATE FUNCTION cg_geo_code(q text)
RETURNS TABLE (kind text, code text, name text, full_name text, lon double precision,
               lat double precision, grid text, area_class char(1), community text,
               community_name text, street text, street_name text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
	WITH k AS (SELECT btrim(cg_geo_fold(q)) AS c)
	-- a component: CJ/T 214 (16 digits) or GB/T 47678.5 (17)
	SELECT 'component', m.id, m.name,
	       m.name || coalesce(' (' || n.full_name || CASE WHEN n.metres < 1 THEN '' ELSE
	           ' 附近约 ' || round(n.metres) || ' 米' END || ')', ''),
	       ST_X(p.p), ST_Y(p.p), g.*
	FROM k JOIN component m ON m.id = k.c
	CROSS JOIN LATERAL (SELECT ST_PointOnSurface(m.geom) AS p) p
	CROSS JOIN LATERAL cg_geo_grid(m.grid) g
	LEFT JOIN LATERAL cg_geo_nearest(p.p) n ON true
	UNION ALL
	-- a unit grid (15 digits)
	SELECT 'grid', x.code, x.code, g.street_name || g.community_name || '网格 ' || x.code,
	       ST_X(p.p), ST_Y(p.p), g.*
	FROM k JOIN grid x ON x.code = k.c
	CROSS JOIN LATERAL (SELECT ST_PointOnSurface(x.geom) AS p) p
	CROSS JOIN LATERAL cg_geo_grid(x.code) g
	UNION ALL
	-- an address code
	SELECT a.kind, a.code, a.name, a.full_name, ST_X(p.p), ST_Y(p.p), g.*
	FROM k JOIN address a ON a.code = k.c
	CROSS JOIN LATERAL (SELECT ST_PointOnSurface(a.geom) AS p) p
	LEFT JOIN LATERAL cg_geo_grid(a.grid) g ON true
	WHERE a.valid_to IS NULL OR a.valid_to > current_date
	UNION ALL
	-- a division: district (6), street (9), community (12)
	SELECT d.level, d.code, d.name, coalesce(s.name, '') || d.name,
	       ST_X(p.p), ST_Y(p.p), NULL, NULL,
	       CASE d.level WHEN 'community' THEN d.code END,
	       CASE d.level WHEN 'community' THEN d.name END,
	       CASE d.level WHEN 'community' THEN s.code WHEN 'street' THEN d.code END,
	       CASE d.level WHEN 'community' THEN s.name WHEN 'street' THEN d.name END
	FROM k JOIN division d ON d.code = k.c
	LEFT JOIN division s ON s.code = d.parent AND d.level = 'community'
	CROSS JOIN LATERAL (SELECT ST_PointOnSurface(d.geom) AS p) p
$$;

-- The addresses whose search_key (or with pinyin, search_initials) has
-- a word similarity with m of at least pg_trgm.word_similarity_threshold,
-- through the trigram indexes; best first by their likeness to k.
CREATE FUNCTION cg_geo_match(m text, k text, pinyin boolean, lim integer)
RETURNS TABLE (id integer, kind text, code text, name text, full_name text,
               lon double precision, lat double precision, grid text, area_class char(1),
               community text, community_name text, street text, street_name text, score real)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF pinyin THEN
		RETURN QUERY SELECT a.id, a.kind, a.code, a.name, a.full_name,
			ST_X(ST_PointOnSurface(a.geom)), ST_Y(ST_PointOnSurface(a.geom)), g.*,
			round(word_similarity(k, a.search_initials)::numeric, 3)::real AS score
		FROM address a
		LEFT JOIN LATERAL cg_geo_grid(a.grid) g ON true
		WHERE m <% a.search_initials AND (a.valid_to IS NULL OR a.valid_to > current_date)
		ORDER BY word_similarity(k, a.search_initials) DESC,
			(SELECT max(similarity(k, x)) FROM unnest(string_to_array(a.search_initials, ' ; ')) x) DESC,
			array_position('{poi,door,road,area,block,region}', a.kind),
			length(a.search_initials), a.id
		LIMIT lim;
		RETURN;
	END IF;
	RETURN QUERY SELECT a.id, a.kind, a.code, a.name, a.full_name,
		ST_X(ST_PointOnSurface(a.geom)), ST_Y(ST_PointOnSurface(a.geom)), g.*,
		round(word_similarity(k, a.search_key)::numeric, 3)::real AS score
	FROM address a
	LEFT JOIN LATERAL cg_geo_grid(a.grid) g ON true
	WHERE m <% a.search_key AND (a.valid_to IS NULL OR a.valid_to > current_date)
	ORDER BY word_similarity(k, a.search_key) DESC,
		(SELECT max(similarity(k, x)) FROM unnest(string_to_array(a.search_key, ' ; ')) x) DESC,
		array_position('{poi,door,road,area,block,region}', a.kind),
		length(a.search_key), a.id
	LIMIT lim;
END
$$;

-- Free text to places, best first.  The text is brought to the form of
-- address.search_key (cg_geo_key); text with no Chinese and a letter is
-- pinyin initials and is matched against search_initials; a code (six
-- digits or more) is looked up as cg_geo_code() does.  A candidate must
-- have a word similarity (pg_trgm) of at least 0.5 with the text (0.3
-- when none has), found through the trigram index.  Ranking: word
-- similarity, then the similarity of the place's most similar name (the
-- fewest words beyond those asked: a door before its buildings), then
-- landmark, door, road, area, then the shortest key.
CREATE FUNCTION cg_geo_search(q text, lim integer)
RETURNS TABLE (id integer, kind text, code text, name text, full_name text,
               lon double precision, lat double precision, grid text, area_class char(1),
               community text, community_name text, street text, street_name text, score real)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE
SET pg_trgm.word_similarity_threshold = 0.5 AS $$
DECLARE
	t text := btrim(cg_geo_fold(q));
	k text;
	m text;
	pinyin boolean;
BEGIN
	IF t ~ '^[0-9]{6,}$' THEN
		RETURN QUERY SELECT NULL::integer, c.kind, c.code, c.name, c.full_name, c.lon, c.lat,
			c.grid, c.area_class, c.community, c.community_name, c.street, c.street_name,
			1::real
		FROM cg_geo_code(t) c LIMIT lim;
		RETURN;
	END IF;
	k := cg_geo_key(t);
	IF k = '' THEN
		RETURN;
	END IF;
	pinyin := t ~ '[a-z]' AND t !~ '[^\x01-\x7f]';
	IF pinyin THEN
		k := cg_initials(k);
	END IF;
	RETURN QUERY SELECT * FROM cg_geo_match(k, k, pinyin, lim);
	-- Nothing alike: a part left out in the middle (地坛北门 for
	-- 地坛公园北门) takes a looser threshold, for the names without the
	-- numbers (a door number alone is like too many).
	IF NOT FOUND THEN
		m := btrim(regexp_replace(k, '\d+(号|楼|单元|层|室|h|l)?', '', 'g'));
		IF m <> '' THEN
			PERFORM set_config('pg_trgm.word_similarity_threshold', '0.3', true);
			RETURN QUERY SELECT * FROM cg_geo_match(m, k, pinyin, lim);
		END IF;
	END IF;
END
$$;

-- A point to its grid, community and street, the nearest door plate or
-- landmark and the nearest road, with their distances in metres; no
-- row outside every grid.
CREATE FUNCTION cg_geo_at(lon double precision, lat double precision)
RETURNS TABLE (grid text, area_class char(1), community text, community_name text,
               street text, street_name text, nearest text, nearest_code text,
               nearest_m double precision, road text, road_m double precision)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
	SELECT l.*, n.full_name, n.code, round(n.metres::numeric, 1)::float8,
	       r.road, round(r.metres::numeric, 1)::float8
	FROM cg_locate(lon, lat) l
	CROSS JOIN (SELECT ST_SetSRID(ST_MakePoint(lon, lat), 4490) AS p) p
	LEFT JOIN LATERAL cg_geo_nearest(p.p) n ON true
	LEFT JOIN LATERAL cg_geo_nearest_road(p.p) r ON true
$$;
