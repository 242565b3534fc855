-- tests/bench/geocode-queries.sql: the held-out queries of the geocoding
-- benchmark, as "type<TAB>answer code<TAB>query" lines on stdout.  Run
-- after geocode-data.sql; never used to tune the search.
--
-- 2,000 door plates and buildings of the generated roads, chosen by
-- md5 of their code, each asked one way in turn:
--   exact      安乐胡同23号院3号楼
--   fullwidth  安乐胡同２３号院３号楼
--   variant    安乐胡同23-3, 安乐胡同23号3栋, 安乐胡同23院 (a courtyard),
--              安乐胡同23号院 for a plain door 23号
--   missing    安乐胡同23号3号楼 (院 left out), 安乐胡同23 (号 left out)
--   typo       one character of the road's name wrong
--   numerals   安乐胡同二十三号院三号楼
--   initials   algt23-3, algt23 (pinyin initials; roads sharing their
--              initials make some of these truly ambiguous)
--   region     北京市东城区安乐胡同23号院3号楼附近
\pset format unaligned
\pset tuples_only on
\pset fieldsep '\t'

CREATE FUNCTION pg_temp.h(s text) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$
	SELECT ('x' || substr(md5(s), 1, 12))::bit(48)::bigint / 281474976710656.0
$$;

-- 1 to 999 in Chinese numerals: 二十三, 一百零五, 十.
CREATE FUNCTION pg_temp.cn(n integer) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT CASE WHEN n >= 100 THEN substr(d, n / 100 + 1, 1) || '百' ||
		CASE WHEN n % 100 = 0 THEN '' WHEN n % 100 < 10 THEN '零' || substr(d, n % 10 + 1, 1)
		     ELSE (CASE WHEN n % 100 / 10 = 0 THEN '' ELSE substr(d, n % 100 / 10 + 1, 1) || '十' END)
			  || CASE WHEN n % 10 = 0 THEN '' ELSE substr(d, n % 10 + 1, 1) END END
	WHEN n >= 10 THEN CASE WHEN n / 10 = 1 THEN '' ELSE substr(d, n / 10 + 1, 1) END || '十' ||
		CASE WHEN n % 10 = 0 THEN '' ELSE substr(d, n % 10 + 1, 1) END
	ELSE substr(d, n + 1, 1) END
	FROM (SELECT '零一二三四五六七八九' AS d) x
$$;

WITH s AS (
	SELECT a.code, a.road, substring(a.door_no FROM '^[0-9]+')::integer AS no,
	       a.door_no LIKE '%院' AS yard,
	       coalesce(substring(a.building FROM '^[0-9]+')::integer, 0) AS b,
	       row_number() OVER (ORDER BY md5(a.code || 'held-out')) AS i
	FROM address a
	WHERE a.kind = 'door' AND a.valid_from = DATE '2024-01-01'
	  AND a.road NOT IN (SELECT road FROM address WHERE kind = 'road')
	ORDER BY md5(a.code || 'held-out')
	LIMIT 2000
), q AS (
	SELECT s.*, s.road || s.no || CASE WHEN s.yard THEN '号院' ELSE '号' END ||
		CASE WHEN s.b > 0 THEN s.b || '号楼' ELSE '' END AS exact,
	       (ARRAY['exact', 'fullwidth', 'variant', 'missing', 'typo', 'numerals', 'initials',
		      'region'])[1 + s.i % 8] AS type
	FROM s
)
SELECT type, code, CASE type
	WHEN 'exact' THEN exact
	WHEN 'fullwidth' THEN translate(exact, '0123456789', '０１２３４５６７８９')
	WHEN 'variant' THEN CASE
		WHEN b > 0 AND i % 16 < 8 THEN road || no || '-' || b
		WHEN b > 0 THEN road || no || '号' || b || '栋'
		WHEN yard THEN road || no || '院'
		ELSE road || no || '号院' END
	WHEN 'missing' THEN CASE
		WHEN b > 0 THEN road || no || '号' || b || '号楼'
		WHEN yard THEN road || no || '号'
		ELSE road || no END
	WHEN 'typo' THEN overlay(exact PLACING
		substr('的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会',
		       1 + floor(40 * pg_temp.h(code || '错'))::integer, 1)
		FROM 1 + floor((length(road) - 1) * pg_temp.h(code || '位'))::integer FOR 1)
	WHEN 'numerals' THEN road || pg_temp.cn(no) || CASE WHEN yard THEN '号院' ELSE '号' END ||
		CASE WHEN b > 0 THEN pg_temp.cn(b) || '号楼' ELSE '' END
	WHEN 'initials' THEN cg_initials(road) || no || CASE WHEN b > 0 THEN '-' || b ELSE '' END
	ELSE '北京市东城区' || exact || '附近' END
FROM q
ORDER BY i;
