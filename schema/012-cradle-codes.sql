-- 012: code-table changes for handhelds.  Each code table a handheld is
-- given is kept under its digest, so at its next docking a handheld whose
-- table is out of date gets what changed since (CODE op 1 add or change,
-- op 2 remove) instead of the whole table; one whose digest is unknown
-- (or of another standard) gets the whole table.

CREATE TABLE cradle_code_table (
	standard    text NOT NULL REFERENCES standard_version,
	digest      text NOT NULL CHECK (digest ~ '^[0-9a-f]{16}$'),
	codes       jsonb NOT NULL,          -- {"kind|code": [major_name, name]}
	first_sent  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (standard, digest)
);

/*
 * What to send a handheld that holds (p_have_standard, p_have_digest)
 * when the table in force is p_standard's.  The first row says how:
 * mode unchanged, changes or full, and the digest the handheld will then
 * hold; the rows after it are the entries (op 1 set, 2 remove).
 */
CREATE FUNCTION cg_cradle_codes(p_have_standard text, p_have_digest text, p_standard text)
RETURNS TABLE (mode text, digest text, op integer, kind text, code text,
	major_name text, name text)
LANGUAGE plpgsql AS $$
DECLARE
	v_digest text := cg_cradle_codes_digest(p_standard);
	v_now jsonb;
	v_old jsonb;
	v_mode text;
BEGIN
	SELECT coalesce(jsonb_object_agg(k.kind || '|' || k.code,
		jsonb_build_array(k.major_name, k.name)), '{}') INTO v_now
	FROM class_code k WHERE k.version = p_standard;
	INSERT INTO cradle_code_table (standard, digest, codes)
	VALUES (p_standard, v_digest, v_now) ON CONFLICT DO NOTHING;
	IF p_have_standard = p_standard AND p_have_digest = v_digest THEN
		v_mode := 'unchanged';
	ELSE
		SELECT t.codes INTO v_old FROM cradle_code_table t
		WHERE t.standard = p_standard AND p_have_standard = p_standard
		  AND t.digest = p_have_digest;
		v_mode := CASE WHEN v_old IS NULL THEN 'full' ELSE 'changes' END;
	END IF;
	RETURN QUERY SELECT v_mode, v_digest, NULL::integer, NULL::text, NULL::text,
		NULL::text, NULL::text;
	IF v_mode = 'unchanged' THEN
		RETURN;
	END IF;
	RETURN QUERY
	SELECT v_mode, v_digest, 1, split_part(e.key, '|', 1), split_part(e.key, '|', 2),
		e.value->>0, e.value->>1
	FROM jsonb_each(v_now) e
	WHERE v_old IS NULL OR v_old->e.key IS DISTINCT FROM e.value
	UNION ALL
	SELECT v_mode, v_digest, 2, split_part(o.key, '|', 1), split_part(o.key, '|', 2), '', ''
	FROM jsonb_each(coalesce(v_old, '{}')) o
	WHERE NOT v_now ? o.key
	ORDER BY 4, 5;
END
$$;
