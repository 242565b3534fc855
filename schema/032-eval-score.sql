-- 032: composite scores (综合指标值), their weights, score bands and grades.
--
-- The configuration lives in tables, not in citygrid.conf: the scores
-- are computed in SQL (by the daemon, the reports and the benchmark
-- alike), the weights of one object must be checked together (they sum
-- to 100), and an administrator changes them with
-- "citygrid-db psql" in one transaction without restarting anything.
-- Defaults: the UNI reference implementation (standards README 5.3)
-- with its known bugs fixed; citygrid-evaluation(7) marks local choices.

-- Score bands: a count x (per 30 days; for a region above a grid, per
-- grid) scores the row with the least "below" greater than x, the row
-- without "below" if none.  area_class '*' applies to every grid and
-- region not given its own rows.
CREATE TABLE eval_band (
	band        text NOT NULL,
	area_class  text NOT NULL DEFAULT '*' CHECK (area_class IN ('*', 'A', 'B', 'C')),
	below       numeric CHECK (below > 0),
	score       numeric NOT NULL CHECK (score BETWEEN 0 AND 100),
	UNIQUE NULLS NOT DISTINCT (band, area_class, below)
);
INSERT INTO eval_band (band, area_class, below, score) VALUES
	-- 受理员 受理数分值 (UNI): >=2001 100, 1201-2000 90, 501-1200 75, 301-500 60, 101-300 40.
	('accepted', '*', 101, 0), ('accepted', '*', 301, 40), ('accepted', '*', 501, 60),
	('accepted', '*', 1201, 75), ('accepted', '*', 2001, 90), ('accepted', '*', NULL, 100),
	-- 派遣员 派遣数分值: UNI gives none; local choice, the 受理数 bands.
	('dispatched', '*', 101, 0), ('dispatched', '*', 301, 40), ('dispatched', '*', 501, 60),
	('dispatched', '*', 1201, 75), ('dispatched', '*', 2001, 90), ('dispatched', '*', NULL, 100),
	-- 区域 立案数分值 (UNI): 一类区域 (area class A) 0 100, <3 90, <5 75, <7 60, <9 40, else 0;
	('region_filed', 'A', 1, 100), ('region_filed', 'A', 3, 90), ('region_filed', 'A', 5, 75),
	('region_filed', 'A', 7, 60), ('region_filed', 'A', 9, 40), ('region_filed', 'A', NULL, 0),
	-- 二类区域 (every other grid, and regions above a grid) 0 100, <4 90, <6 75, <8 60, <10 40.
	('region_filed', '*', 1, 100), ('region_filed', '*', 4, 90), ('region_filed', '*', 6, 75),
	('region_filed', '*', 8, 60), ('region_filed', '*', 10, 40), ('region_filed', '*', NULL, 0),
	-- 专业部门 立案数分值 (UNI, out of 10, here out of 100 with weight 10):
	-- <=50 10, <=100 9, <=200 7.5, <=500 6, <=1000 4, else 0.
	('dept_assigned', '*', 51, 100), ('dept_assigned', '*', 101, 90), ('dept_assigned', '*', 201, 75),
	('dept_assigned', '*', 501, 60), ('dept_assigned', '*', 1001, 40), ('dept_assigned', '*', NULL, 0);

-- The terms of each object's composite: an indicator scored as
-- rate (value x 100), inverse ((1 - value) x 100) or band, with a weight
-- in percent.  The weights of an object sum to 100.
CREATE TABLE eval_weight (
	object     text NOT NULL,
	indicator  text NOT NULL,
	score      text NOT NULL CHECK (score IN ('rate', 'inverse', 'band')),
	band       text,
	weight     numeric NOT NULL CHECK (weight > 0 AND weight <= 100),
	local      boolean NOT NULL DEFAULT false,	-- a local choice, not UNI's
	PRIMARY KEY (object, indicator),
	FOREIGN KEY (object, indicator) REFERENCES eval_indicator,
	CHECK ((score = 'band') = (band IS NOT NULL))
);
INSERT INTO eval_weight VALUES
	-- 监督员: 有效上报率 40 + 漏报率分值 20 + 按时核实率 20 + 按时核查率 20;
	-- the 漏报率 term counts (1 - 漏报率), as UNI's SQL revision does.
	('collector', 'valid_rate', 'rate', NULL, 40, false),
	('collector', 'missed_rate', 'inverse', NULL, 20, false),
	('collector', 'verify_on_time_rate', 'rate', NULL, 20, false),
	('collector', 'check_on_time_rate', 'rate', NULL, 20, false),
	-- 受理员: 受理数分值 25 + 核实按时派发率 40 + 核查按时派发率 35 (UNI reused
	-- the 核实 rate in the 35 % term).
	('seat', 'accepted', 'band', 'accepted', 25, false),
	('seat', 'verify_send_rate', 'rate', NULL, 40, false),
	('seat', 'check_send_rate', 'rate', NULL, 35, false),
	-- 值班长: 按时立案率 25 + 准确立案率 40 + 按时结案率 35 (UNI's SQL used the
	-- 结案 rate in the 25 % term).
	('supervisor', 'on_time_file_rate', 'rate', NULL, 25, false),
	('supervisor', 'accurate_file_rate', 'rate', NULL, 40, false),
	('supervisor', 'on_time_close_rate', 'rate', NULL, 35, false),
	-- 派遣员: 派遣数分值 20 + 按时派遣率 40 + 准确派遣率 40.
	('dispatcher', 'dispatched', 'band', 'dispatched', 20, false),
	('dispatcher', 'on_time_dispatch_rate', 'rate', NULL, 40, false),
	('dispatcher', 'accurate_dispatch_rate', 'rate', NULL, 40, false),
	-- 专业部门: 立案数分值 10 + 结案率 30 + 按时处置率 30 + (1 - 返工率) 30.
	('department', 'assigned', 'band', 'dept_assigned', 10, false),
	('department', 'close_rate', 'rate', NULL, 30, false),
	('department', 'on_time_handle_rate', 'rate', NULL, 30, false),
	('department', 'rework_rate', 'inverse', NULL, 30, false),
	-- 区域: (1 - 监督举报率) 10 + 立案数分值 20 + 结案率 30 + 按期结案率 40.
	-- UNI has 10 for the last term (the weights then sum to 70) and takes
	-- (100 - rate) for all three rates; only 监督举报率 is lower-better.
	('region', 'report_rate', 'inverse', NULL, 10, false),
	('region', 'filed', 'band', 'region_filed', 20, false),
	('region', 'close_rate', 'rate', NULL, 30, false),
	('region', 'on_time_close_rate', 'rate', NULL, 40, true);

-- The weights of an object sum to 100, checked at commit.
CREATE FUNCTION eval_weight_check() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	o text;
	total numeric;
BEGIN
	FOR o IN SELECT DISTINCT x FROM (VALUES (CASE WHEN TG_OP <> 'DELETE' THEN NEW.object END),
		(CASE WHEN TG_OP <> 'INSERT' THEN OLD.object END)) v(x) WHERE x IS NOT NULL LOOP
		SELECT sum(weight) INTO total FROM eval_weight WHERE object = o;
		IF total IS NOT NULL AND total <> 100 THEN
			RAISE EXCEPTION '%的综合指标权重之和须为 100, 现为 %',
				(SELECT name FROM eval_object_kind WHERE object = o ORDER BY ord LIMIT 1), total
				USING ERRCODE = 'check_violation';
		END IF;
	END LOOP;
	RETURN NULL;
END
$$;
CREATE CONSTRAINT TRIGGER eval_weight_sum AFTER INSERT OR UPDATE OR DELETE ON eval_weight
	DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION eval_weight_check();

-- Grades: the highest grade whose minimum the score reaches.
CREATE TABLE eval_grade (
	grade      text PRIMARY KEY CHECK (grade ~ '^[A-Z]$'),
	min_score  numeric NOT NULL UNIQUE CHECK (min_score BETWEEN 0 AND 100)
);
INSERT INTO eval_grade VALUES ('A', 90), ('B', 75), ('C', 60), ('D', 40), ('E', 0);

-- The score of a band for x (and a grid's area class).
CREATE FUNCTION cg_eval_band(p_band text, p_class text, x numeric) RETURNS numeric
LANGUAGE sql STABLE AS $$
	SELECT b.score FROM eval_band b
	WHERE b.band = p_band AND b.area_class = coalesce((SELECT DISTINCT c.area_class
		FROM eval_band c WHERE c.band = p_band AND c.area_class = p_class), '*')
	  AND (b.below IS NULL OR x < b.below)
	ORDER BY b.below NULLS LAST LIMIT 1
$$;

/*
 * Composite score of every object of a kind for [p_from, p_to): the
 * weighted mean of its terms' scores (0-100) over the terms with data
 * (a rate whose denominator is 0 drops out, its weight with it).  NULL
 * when no rate has data: a count's band alone says nothing of a post or
 * a department; a region with no case scores on its 立案数 alone.  terms: [{indicator, name, weight, value, score}].
 */
CREATE FUNCTION cg_eval_score(p_kind text, p_from date, p_to date, p_parent text DEFAULT NULL)
RETURNS TABLE (object_kind text, object_id text, object_code text, object_name text,
	parent text, score numeric, grade text, terms jsonb)
LANGUAGE sql STABLE AS $$
	WITH k AS (SELECT object FROM eval_object_kind WHERE kind = p_kind),
	e AS (SELECT * FROM cg_eval(p_kind, p_from, p_to, p_parent)),
	-- Grids under each region object and a lone grid's area class.
	sz AS (
		SELECT CASE p_kind WHEN 'grid' THEN r.grid WHEN 'community' THEN r.community
			WHEN 'street' THEN r.street ELSE r.district END AS id,
			count(*) AS grids, CASE WHEN p_kind = 'grid' THEN min(r.area_class) END AS area_class
		FROM eval_grid_region r
		WHERE p_kind IN ('grid', 'community', 'street', 'district')
		GROUP BY 1),
	t AS (
		SELECT e.object_id, e.indicator, e.indicator_name, w.weight, e.value, e.ord,
			w.score = 'band' AS band, k.object,
			CASE w.score WHEN 'rate' THEN e.value * 100
				WHEN 'inverse' THEN (1 - e.value) * 100
				ELSE cg_eval_band(w.band, sz.area_class,
					e.value * 30 / (p_to - p_from) / coalesce(sz.grids, 1)) END AS s
		FROM e JOIN k ON true
		JOIN eval_weight w ON w.object = k.object AND w.indicator = e.indicator
		LEFT JOIN sz ON sz.id = e.object_id),
	c AS (
		SELECT object_id,
			CASE WHEN bool_or(s IS NOT NULL AND NOT band) OR min(object) = 'region' THEN
			round(sum(weight * s) FILTER (WHERE s IS NOT NULL) /
			      nullif(sum(weight) FILTER (WHERE s IS NOT NULL), 0), 2) END AS score,
			jsonb_agg(jsonb_build_object('indicator', indicator, 'name', indicator_name,
				'weight', weight, 'value', value, 'score', round(s, 2)) ORDER BY ord) AS terms
		FROM t GROUP BY object_id)
	SELECT DISTINCT ON (e.object_code) p_kind, e.object_id, e.object_code, e.object_name,
		e.parent, c.score,
		(SELECT g.grade FROM eval_grade g WHERE g.min_score <= c.score
		 ORDER BY g.min_score DESC LIMIT 1), c.terms
	FROM e JOIN c ON c.object_id = e.object_id
	ORDER BY e.object_code
$$;
