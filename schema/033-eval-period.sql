-- 033: cg_eval_period of 031 failed for a quarter ("1 quarter" is no
-- interval); a quarter is three months.
CREATE OR REPLACE FUNCTION cg_eval_period(p_kind text, p_day date)
RETURNS TABLE (period_from date, period_to date)
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
	f date;
BEGIN
	IF p_kind IS NULL OR p_kind NOT IN ('day', 'week', 'month', 'quarter', 'year') THEN
		RAISE EXCEPTION '评价周期须为 day, week, month, quarter 或 year: %', p_kind
			USING ERRCODE = 'CGINV';
	END IF;
	f := date_trunc(p_kind, p_day::timestamp)::date;
	RETURN QUERY SELECT f, (f + CASE p_kind WHEN 'quarter' THEN interval '3 months'
		ELSE ('1 ' || p_kind)::interval END)::date;
END
$$;
