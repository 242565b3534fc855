-- 023: cg_geo_match ranks the candidates first and looks up the grid,
-- community and street of only the ones it returns (022 joined them for
-- every candidate before the sort: thousands of lookups for a common
-- road among a million addresses).  Same results, same order.
CREATE OR REPLACE FUNCTION cg_geo_match(m text, k text, pinyin boolean, lim integer)
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
		      WHERE m <% a.search_initials AND (a.valid_to IS NULL OR a.valid_to > current_date)
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
	      WHERE m <% a.search_key AND (a.valid_to IS NULL OR a.valid_to > current_date)
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
