-- 001: extensions and the code rules.
--
-- The rules here are the same as lib/codes.c; tests/vectors/codes.txt
-- is run through both.  Each *_error function returns NULL for a valid
-- code, or the message an operator reads.  NULL and the empty string
-- are both "为空" (empty); every other message ends in ": <code>".

CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- The standard versions a code table can follow.
CREATE TABLE standard_version (
	version    text PRIMARY KEY,
	name       text NOT NULL,
	in_force   date,
	class_len  integer NOT NULL CHECK (class_len IN (4, 5)),
	id_len     integer NOT NULL CHECK (id_len IN (16, 17))
);
INSERT INTO standard_version VALUES
	('CJT214-2007', 'CJ/T 214-2007 城市市政综合监管信息系统 管理部件和事件分类、编码及数据要求',
	 '2007-05-01', 4, 16),
	('GBT47678.5-2026', 'GB/T 47678.5-2026 城市运行管理服务平台 第5部分：管理部件和事项',
	 '2026-07-01', 5, 17);

-- Province-level prefixes of GB/T 2260.
CREATE FUNCTION cg_province_ok(p text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT p = ANY (ARRAY['11','12','13','14','15','21','22','23',
		'31','32','33','34','35','36','37','41','42','43','44','45',
		'46','50','51','52','53','54','61','62','63','64','65','71',
		'81','82'])
$$;

-- County-level division (GB/T 2260): 6 digits, province, city, county.
CREATE FUNCTION cg_county_error(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN code IS NULL OR code = '' THEN '区县代码为空'
	WHEN code !~ '^[0-9]{6}$' THEN '区县代码须为6位数字: ' || code
	WHEN NOT cg_province_ok(left(code, 2)) THEN '区县代码的省级部分无效: ' || code
	WHEN substr(code, 3, 2) = '00' OR substr(code, 5, 2) = '00'
		THEN '区县代码的地市或区县部分不能为00: ' || code
	END
$$;

-- Street or township (GB/T 10114): county + 3 digits, not 000.
CREATE FUNCTION cg_street_error(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN code IS NULL OR code = '' THEN '街道代码为空'
	WHEN code !~ '^[0-9]{9}$' THEN '街道代码须为9位数字: ' || code
	WHEN cg_county_error(left(code, 6)) IS NOT NULL THEN cg_county_error(left(code, 6))
	WHEN right(code, 3) = '000' THEN '街道顺序码不能为000: ' || code
	END
$$;

-- Community or village: street + 3 digits, not 000.
CREATE FUNCTION cg_community_error(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN code IS NULL OR code = '' THEN '社区代码为空'
	WHEN code !~ '^[0-9]{12}$' THEN '社区代码须为12位数字: ' || code
	WHEN cg_street_error(left(code, 9)) IS NOT NULL THEN cg_street_error(left(code, 9))
	WHEN right(code, 3) = '000' THEN '社区顺序码不能为000: ' || code
	END
$$;

-- Unit grid (CJ/T 213, GB/T 30428.1): community + 3-digit serial 001-999.
CREATE FUNCTION cg_grid_error(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN code IS NULL OR code = '' THEN '网格编码为空'
	WHEN code !~ '^[0-9]{15}$' THEN '网格编码须为15位数字(6位区县+3位街道+3位社区+3位顺序码): ' || code
	WHEN cg_community_error(left(code, 12)) IS NOT NULL THEN cg_community_error(left(code, 12))
	WHEN right(code, 3) = '000' THEN '网格顺序码须为001-999: ' || code
	END
$$;

-- Division code of any level, by its length in characters.
CREATE FUNCTION cg_division_error(code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN code IS NULL OR code = '' THEN '行政区划代码为空'
	WHEN length(code) = 6 THEN cg_county_error(code)
	WHEN length(code) = 9 THEN cg_street_error(code)
	WHEN length(code) = 12 THEN cg_community_error(code)
	ELSE '行政区划代码须为6、9或12位数字: ' || code
	END
$$;

-- Component or event class code: 2-digit major + 2-digit minor
-- (CJT214-2007) or 2-digit major + 3-digit minor (GBT47678.5-2026).
-- The version is checked before the code's length, and a NULL version
-- is an error (NOT IN would let it through).
CREATE FUNCTION cg_class_error(version text, code text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN code IS NULL OR code = '' THEN '类别代码为空'
	WHEN version IS NULL OR version = '' THEN '标准版本为空'
	WHEN version NOT IN ('CJT214-2007', 'GBT47678.5-2026')
		THEN '未知的标准版本: ' || version
	WHEN version = 'CJT214-2007' AND code !~ '^[0-9]{4}$'
		THEN '类别代码须为4位数字(2位大类+2位小类): ' || code
	WHEN version = 'GBT47678.5-2026' AND code !~ '^[0-9]{5}$'
		THEN '类别代码须为5位数字(2位大类+3位小类): ' || code
	WHEN left(code, 2) = '00' THEN '大类代码不能为00: ' || code
	WHEN substr(code, 3) ~ '^0+$' THEN '小类代码不能全为0: ' || code
	END
$$;

-- Component identifier: county + class + 6-digit serial, 16 digits
-- (CJT214-2007) or 17 digits (GBT47678.5-2026).
CREATE FUNCTION cg_component_id_error(version text, id text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
	SELECT CASE
	WHEN id IS NULL OR id = '' THEN '部件标识码为空'
	WHEN version IS NULL OR version = '' THEN '标准版本为空'
	WHEN version NOT IN ('CJT214-2007', 'GBT47678.5-2026')
		THEN '未知的标准版本: ' || version
	WHEN version = 'CJT214-2007' AND id !~ '^[0-9]{16}$'
		THEN '部件标识码须为16位数字(6位区县+4位类别+6位顺序码): ' || id
	WHEN version = 'GBT47678.5-2026' AND id !~ '^[0-9]{17}$'
		THEN '部件标识码须为17位数字(6位区县+5位类别+6位顺序码): ' || id
	WHEN cg_county_error(left(id, 6)) IS NOT NULL THEN cg_county_error(left(id, 6))
	WHEN cg_class_error(version, substr(id, 7, length(id) - 12)) IS NOT NULL
		THEN cg_class_error(version, substr(id, 7, length(id) - 12))
	WHEN right(id, 6) = '000000' THEN '部件顺序码不能为000000: ' || id
	END
$$;

-- The class part of a component identifier of 16 or 17 digits; NULL
-- for anything else (a shorter id would make substr() fail).
CREATE FUNCTION cg_component_class(id text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT CASE WHEN id ~ '^[0-9]{16,17}$' THEN substr(id, 7, length(id) - 12) END
$$;

-- Raise the message of a failed rule, for triggers and tools.
CREATE FUNCTION cg_raise_if(msg text) RETURNS void
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
	IF msg IS NOT NULL THEN
		RAISE EXCEPTION '%', msg USING ERRCODE = 'check_violation';
	END IF;
END
$$;
