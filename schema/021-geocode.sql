-- 021: geocoding (地理编码, CJ/T 215): what a caller says, to a place.
--
-- Every address carries three maintained columns, set by a trigger on
-- any insert or update, so that an importer needs no extra code:
--   search_key       the full name without its region prefix, normalised
--                    by cg_geo_norm() (full-width folded, Chinese
--                    numerals before a unit made Arabic, 号院/号楼/栋
--                    variants made one form, door and building numbers
--                    split off as words), then the aliases the same way;
--   search_initials  the pinyin initials of search_key (东四十条 23号:
--                    "dsst 23h"), from cg_pinyin_table() (migration 020);
--   code             the address code (地址编码): the community code,
--                    a digit for the kind and a six-digit serial in the
--                    community and kind, unless the row brings its own.
-- Trigram GIN indexes on the first two serve cg_geo_search(); partial
-- GiST indexes on the geometry serve the nearest-neighbour (<->)
-- searches of cg_geo_at().

-- The pinyin initials of a text: each ideograph its letter, anything
-- else (digits, letters, spaces) as it is, lower-cased.
CREATE FUNCTION cg_initials(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	t bytea := cg_pinyin_table();
	r text := '';
	c text;
	cp integer;
BEGIN
	FOREACH c IN ARRAY regexp_split_to_array(lower(s), '') LOOP
		cp := ascii(c);
		IF cp BETWEEN 19968 AND 40959 AND get_byte(t, cp - 19968) <> 32 THEN
			r := r || chr(get_byte(t, cp - 19968));
		ELSE
			r := r || c;
		END IF;
	END LOOP;
	RETURN r;
END
$$;

-- A Chinese numeral as a number: 二十三 23, 一百零五 105, 十 10, and
-- digit by digit where there is no 十/百/千 (一二三 123).
CREATE FUNCTION cg_cn_number(s text) RETURNS integer
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	c text;
	d integer;
	n integer := 0;
	cur integer := 0;
BEGIN
	IF s !~ '[十百千]' THEN
		FOREACH c IN ARRAY regexp_split_to_array(s, '') LOOP
			n := n * 10 + strpos('零一二三四五六七八九', replace(replace(c, '〇', '零'), '两', '二')) - 1;
		END LOOP;
		RETURN n;
	END IF;
	FOREACH c IN ARRAY regexp_split_to_array(s, '') LOOP
		d := strpos('零一二三四五六七八九', replace(replace(c, '〇', '零'), '两', '二')) - 1;
		IF d >= 0 THEN
			cur := d;
		ELSE
			n := n + greatest(cur, 1) * CASE c WHEN '十' THEN 10 WHEN '百' THEN 100 ELSE 1000 END;
			cur := 0;
		END IF;
	END LOOP;
	RETURN n + cur;
END
$$;

-- Full-width digits, letters and punctuation as callers type them,
-- folded to ASCII, lower case.
CREATE FUNCTION cg_geo_fold(s text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT lower(translate(s,
		'０１２３４５６７８９ＡＢＣＤＥＦＧＨＩＪＫＬＭＮＯＰＱＲＳＴＵＶＷＸＹＺ'
		'ａｂｃｄｅｆｇｈｉｊｋｌｍｎｏｐｑｒｓｔｕｖｗｘｙｚ－（）＃，。　',
		'0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ'
		'abcdefghijklmnopqrstuvwxyz-()#,. '))
$$;

-- The normal form of an address, the same for what is stored and for
-- what is asked: "东四北大街二十三号院３号楼门口" and
-- "东四北大街23-3" both give "东四北大街 23号 3楼".
CREATE FUNCTION cg_geo_norm(s text) RETURNS text
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $$
DECLARE
	m text[];
BEGIN
	s := cg_geo_fold(s);
	-- Chinese numerals before a unit: 二十三号 23号, 三号楼 3号楼.
	LOOP
		m := regexp_match(s, '([零〇一二两三四五六七八九十百千]+)(号|楼|栋|幢|座|单元|层|室|院)');
		EXIT WHEN m IS NULL;
		s := replace(s, m[1] || m[2], cg_cn_number(m[1])::text || m[2]);
	END LOOP;
	-- What callers add that no address has.
	s := regexp_replace(s, '门口|附近|旁边|对面|周边|一带', '', 'g');
	-- 23-3 is building 3 of courtyard 23.
	s := regexp_replace(s, '(\d+) *- *(\d+)', '\1号\2楼', 'g');
	s := regexp_replace(s, '[[:space:][:punct:]，。、；：·“”‘’（）《》【】]+', ' ', 'g');
	-- One form for the variants: 号院 院 号 are a door, 号楼 栋 幢 座 楼
	-- a building; a bare number is a door.
	s := regexp_replace(s, '(\d+)号?院', '\1号', 'g');
	s := regexp_replace(s, '(\d+)号?(楼|栋|幢|座)', '\1楼', 'g');
	s := regexp_replace(s, '(\d+)(?![\d号楼]|单元|层|室)', '\1号', 'g');
	-- Numbers as words of their own.
	s := regexp_replace(s, '(\d+(号|楼|单元|层|室))', ' \1 ', 'g');
	s := regexp_replace(s, ' {2,}', ' ', 'g');
	RETURN btrim(s);
END
$$;

-- Region prefixes a caller may put before an address (北京市东城区,
-- 东城区, 北京 ...), stripped from what is asked and what is stored.
-- Kept by triggers from district divisions and the addresses' district.
CREATE TABLE geo_region (
	prefix text PRIMARY KEY CHECK (prefix <> '')
);

-- Add a region (北京市东城区, or a district's name) and its short forms.
CREATE FUNCTION cg_geo_region_add(region text) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
	d record;
	city text;
BEGIN
	IF region IS NULL OR region = '' THEN
		RETURN;
	END IF;
	INSERT INTO geo_region VALUES (region) ON CONFLICT DO NOTHING;
	FOR d IN SELECT name FROM division WHERE level = 'district'
	         AND right(region, length(name)) = name LOOP
		city := left(region, length(region) - length(d.name));
		-- The city alone only in full: 北京站 is a station, not a
		-- place in 北京.
		INSERT INTO geo_region
		SELECT DISTINCT c || n
		FROM unnest(ARRAY[city, regexp_replace(city, '(.{2,})市$', '\1'), '']) c,
		     unnest(ARRAY[d.name, regexp_replace(d.name, '(.{2,})[区县]$', '\1'), '']) n
		WHERE c || n <> '' AND (n <> '' OR c = city)
		ON CONFLICT DO NOTHING;
	END LOOP;
END
$$;
DO $$
BEGIN
	PERFORM cg_geo_region_add(name) FROM division WHERE level = 'district';
	PERFORM cg_geo_region_add(r) FROM (SELECT DISTINCT district AS r FROM address) a;
END
$$;

CREATE FUNCTION division_geo_region() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.level = 'district' THEN
		PERFORM cg_geo_region_add(NEW.name);
	END IF;
	RETURN NULL;
END
$$;
CREATE TRIGGER division_geo_region AFTER INSERT OR UPDATE OF name ON division
	FOR EACH ROW EXECUTE FUNCTION division_geo_region();

-- A text without its longest region prefix (whitespace dropped first).
CREATE FUNCTION cg_geo_strip(s text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
	SELECT coalesce((SELECT substr(t, length(prefix) + 1) FROM geo_region
	                 WHERE left(t, length(prefix)) = prefix AND length(t) > length(prefix)
	                 ORDER BY length(prefix) DESC LIMIT 1), t)
	FROM (SELECT regexp_replace(s, '[[:space:]　]+', '', 'g') AS t) x
$$;

-- What is asked, in the form search_key is kept in.
CREATE FUNCTION cg_geo_key(s text) RETURNS text
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
	SELECT cg_geo_norm(cg_geo_strip(cg_geo_fold(s)))
$$;

ALTER TABLE address
	ADD COLUMN code text UNIQUE CHECK (code ~ '^[0-9A-Za-z_-]{1,32}$'),
	ADD COLUMN search_key text NOT NULL DEFAULT '',
	ADD COLUMN search_initials text NOT NULL DEFAULT '';

-- The next serial of an address code prefix (community and kind).
CREATE TABLE address_code_serial (
	prefix  text PRIMARY KEY,
	last    integer NOT NULL
);

CREATE FUNCTION address_geocode() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	name text := NEW.full_name;
	pfx text;
	n integer;
BEGIN
	IF NEW.district <> '' THEN
		IF NOT EXISTS (SELECT 1 FROM geo_region WHERE geo_region.prefix = NEW.district) THEN
			PERFORM cg_geo_region_add(NEW.district);
		END IF;
		IF left(name, length(NEW.district)) = NEW.district AND length(name) > length(NEW.district) THEN
			name := substr(name, length(NEW.district) + 1);
		END IF;
	END IF;
	NEW.search_key := concat_ws(' ; ', VARIADIC ARRAY(
		SELECT k FROM (
			SELECT DISTINCT ON (k) k, o FROM (
				SELECT cg_geo_key(x) AS k, o
				FROM unnest(name || NEW.aliases) WITH ORDINALITY u (x, o)) y
			WHERE k <> '' ORDER BY k, o) z
		ORDER BY o));
	NEW.search_initials := cg_initials(NEW.search_key);
	IF NEW.code IS NULL AND coalesce(NEW.community, left(NEW.grid, 12)) IS NOT NULL THEN
		pfx := coalesce(NEW.community, left(NEW.grid, 12)) ||
			array_position(ARRAY['region', 'area', 'block', 'road', 'door', 'poi'], NEW.kind);
		INSERT INTO address_code_serial VALUES (pfx, 1)
		ON CONFLICT (prefix) DO UPDATE SET last = address_code_serial.last + 1
		RETURNING last INTO n;
		NEW.code := pfx || lpad(n::text, 6, '0');
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER address_geocode BEFORE INSERT OR UPDATE OF full_name, aliases, district, code,
	community, grid ON address
	FOR EACH ROW EXECUTE FUNCTION address_geocode();

-- Existing rows: codes in the order they were entered.
DO $$
DECLARE
	i integer;
BEGIN
	FOR i IN SELECT id FROM address ORDER BY id LOOP
		UPDATE address SET full_name = full_name WHERE id = i;
	END LOOP;
END
$$;

CREATE INDEX address_search_key_trgm ON address USING gin (search_key gin_trgm_ops);
CREATE INDEX address_search_initials_trgm ON address USING gin (search_initials gin_trgm_ops);
CREATE INDEX address_point_geom_idx ON address USING gist (geom) WHERE kind IN ('door', 'poi');
CREATE INDEX address_road_geom_idx ON address USING gist (geom) WHERE kind = 'road';
