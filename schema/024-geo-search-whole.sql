-- 024: a text whose normal form is found whole in the names of some
-- places (东扇子八条 106号 3楼, after 号院/号楼 and full-width digits are
-- dealt with) has those places as its answer: they have the highest
-- word similarity there is.  Found through the same trigram indexes by
-- LIKE, which needs all the text's trigrams and so reads a few index
-- entries, where the similarity search reads every address of the road
-- (0.3 ms against 60 ms among a million addresses).  Only when nothing
-- has it whole does cg_geo_search look for the similar (022, 023).
-- The text has no % or _ (cg_geo_norm makes punctuation spaces).

-- The addresses with k whole in search_key (with pinyin, in
-- search_initials), ranked as cg_geo_match ranks.
CREATE FUNCTION cg_geo_whole(k text, pinyin boolean, lim integer)
RETURNS TABLE (id integer, kind text, code text, name text, full_name text,
               lon double precision, lat double precision, grid text, area_class char(1),
               community text, community_name text, street text, street_name text, score real)
LANGUAGE plpgsql STABLE STRICT PARALLEL SAFE AS $$
BEGIN
	IF pinyin THEN
		RETURN QUERY SELECT c.id, c.kind, c.code, c.name, c.full_name,
			ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom)), g.*,
			round(c.ws::numeric, 3)::real
		FROM (SELECT a.*, word_similarity(k, a.search_initials) AS ws,
		             (SELECT max(similarity(k, x))
		              FROM unnest(string_to_array(a.search_initials, ' ; ')) x) AS ps
		      FROM address a
		      WHERE a.search_initials LIKE '%' || k || '%'
			AND (a.valid_to IS NULL OR a.valid_to > current_date)
		      ORDER BY ws DESC, ps DESC,
			       array_position('{poi,door,road,area,block,region}', a.kind),
			       length(a.search_initials), a.id
		      LIMIT lim) c
		LEFT JOIN LATERAL cg_geo_grid(c.grid) g ON true
		ORDER BY c.ws DESC, c.ps DESC,
			 array_position('{poi,door,road,area,block,region}', c.kind),
			 length(c.search_initials), c.id;
		RETURN;
	END IF;
	RETURN QUERY SELECT c.id, c.kind, c.code, c.name, c.full_name,
		ST_X(ST_PointOnSurface(c.geom)), ST_Y(ST_PointOnSurface(c.geom)), g.*,
		round(c.ws::numeric, 3)::real
	FROM (SELECT a.*, word_similarity(k, a.search_key) AS ws,
	             (SELECT max(similarity(k, x))
	              FROM unnest(string_to_array(a.search_key, ' ; ')) x) AS ps
	      FROM address a
	      WHERE a.search_key LIKE '%' || k || '%'
		AND (a.valid_to IS NULL OR a.valid_to > current_date)
	      ORDER BY ws DESC, ps DESC,
		       array_position('{poi,door,road,area,block,region}', a.kind),
		       length(a.search_key), a.id
	      LIMIT lim) c
	LEFT JOIN LATERAL cg_geo_grid(c.grid) g ON true
	ORDER BY c.ws DESC, c.ps DESC,
		 array_position('{poi,door,road,area,block,region}', c.kind),
		 length(c.search_key), c.id;
END
$$;

CREATE OR REPLACE FUNCTION cg_geo_search(q text, lim integer)
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
	-- Found whole in some names: those are the best there can be.
	IF char_length(k) >= 3 THEN
		RETURN QUERY SELECT * FROM cg_geo_whole(k, pinyin, lim);
		IF FOUND THEN
			RETURN;
		END IF;
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
