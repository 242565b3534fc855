-- Calendar: calendar_day and calendar_year hold exactly what
-- schema/data/holiday-cn*.csv hold (both generated from holiday-cn by
-- schema/data/convert-shared), with hand-checked spot values.
BEGIN;
SELECT plan(22);

CREATE TEMPORARY TABLE csv_day (day date, off boolean, name text);
\copy csv_day FROM 'schema/data/holiday-cn.csv' WITH (FORMAT csv, HEADER true)
CREATE TEMPORARY TABLE csv_year (year integer, published boolean, source text);
\copy csv_year FROM 'schema/data/holiday-cn-years.csv' WITH (FORMAT csv, HEADER true)

SELECT has_table('calendar_year');
SELECT has_table('calendar_day');

-- Days: the CSV has 678 rows (jq '[.days[]] | length' over 2007-2027 gives
-- 32+35+33+37+34+34+41+27+31+30+29+29+31+37+38+38+34+36+33+39+0 = 678).
SELECT is((SELECT count(*)::int FROM csv_day), 678, 'holiday-cn.csv has 678 days');
SELECT is((SELECT count(*)::int FROM calendar_day), 678, 'calendar_day has 678 days');
SELECT is_empty($$ SELECT day, off, name FROM calendar_day
                   EXCEPT SELECT day, off, name FROM csv_day $$,
                'every calendar_day row is in holiday-cn.csv');
SELECT is_empty($$ SELECT day, off, name FROM csv_day
                   EXCEPT SELECT day, off, name FROM calendar_day $$,
                'every holiday-cn.csv row is in calendar_day');

-- Years: 2007-2026 published, 2027 listed but not published.
SELECT is_empty($$ SELECT year, published, source FROM calendar_year
                   EXCEPT SELECT year, published, coalesce(source, '') FROM csv_year $$,
                'every calendar_year row is in holiday-cn-years.csv');
SELECT is_empty($$ SELECT year, published, coalesce(source, '') FROM csv_year
                   EXCEPT SELECT year, published, source FROM calendar_year $$,
                'every holiday-cn-years.csv row is in calendar_year');
SELECT results_eq($$ SELECT year FROM calendar_year WHERE published ORDER BY year $$,
                  $$ SELECT generate_series(2007, 2026) $$,
                  'published years are 2007 to 2026');
SELECT is((SELECT published FROM calendar_year WHERE year = 2027), false,
          '2027 is listed and not published');
SELECT is((SELECT count(*)::int FROM calendar_day WHERE day >= '2027-01-01'), 0,
          'no day of 2027 is listed');
SELECT ok((SELECT bool_and(source LIKE 'http%gov.cn%') FROM calendar_year WHERE published),
          'every published year names its State Council notice');

-- Days per calendar year (a notice may list days of the December before
-- its year: 2006 has the two make-up days of 元旦 2007).
SELECT results_eq(
	$$ SELECT extract(year FROM day)::int, count(*)::int FROM calendar_day
	   GROUP BY 1 ORDER BY 1 $$,
	$$ VALUES (2006, 2), (2007, 33), (2008, 32), (2009, 33), (2010, 37),
	          (2011, 35), (2012, 33), (2013, 41), (2014, 27), (2015, 31),
	          (2016, 30), (2017, 29), (2018, 32), (2019, 28), (2020, 37),
	          (2021, 38), (2022, 39), (2023, 33), (2024, 36), (2025, 33),
	          (2026, 39) $$,
	'days per calendar year');

-- Spring Festival 2026: off 02-15 (Sunday) to 02-23 (Monday), worked on
-- the Saturdays 02-14 and 02-28.
SELECT results_eq(
	$$ SELECT day, off FROM calendar_day
	   WHERE day BETWEEN '2026-02-01' AND '2026-03-01' ORDER BY day $$,
	$$ VALUES ('2026-02-14'::date, false), ('2026-02-15', true), ('2026-02-16', true),
	          ('2026-02-17', true), ('2026-02-18', true), ('2026-02-19', true),
	          ('2026-02-20', true), ('2026-02-21', true), ('2026-02-22', true),
	          ('2026-02-23', true), ('2026-02-28', false) $$,
	'春节 2026: 9 days off, Saturdays 02-14 and 02-28 worked');
SELECT is((SELECT name FROM calendar_day WHERE day = '2026-02-14'), '春节',
          '2026-02-14 is named 春节');
-- National Day 2025 (with 中秋): off 10-01..10-08, worked Sunday 09-28
-- and Saturday 10-11.
SELECT results_eq(
	$$ SELECT day, off FROM calendar_day
	   WHERE day BETWEEN '2025-09-20' AND '2025-10-31' ORDER BY day $$,
	$$ VALUES ('2025-09-28'::date, false), ('2025-10-01', true), ('2025-10-02', true),
	          ('2025-10-03', true), ('2025-10-04', true), ('2025-10-05', true),
	          ('2025-10-06', true), ('2025-10-07', true), ('2025-10-08', true),
	          ('2025-10-11', false) $$,
	'国庆 2025: 8 days off, 09-28 and 10-11 worked');
SELECT is((SELECT count(*)::int FROM calendar_day WHERE off
           AND day BETWEEN '2026-10-01' AND '2026-10-07'), 7,
          '国庆 2026: 10-01 to 10-07 off');

-- A worked day is a weekend day, except 2020-02-03, a Monday that the
-- notice extending 春节 2020 lists as a working day again.
SELECT is((SELECT array_agg(day ORDER BY day) FROM calendar_day
           WHERE NOT off AND extract(isodow FROM day) < 6),
          ARRAY['2020-02-03'::date], 'worked days are weekends but 2020-02-03');
-- December days only come from the next year's 元旦.
SELECT is((SELECT array_agg(DISTINCT name) FROM calendar_day
           WHERE extract(month FROM day) = 12), ARRAY['元旦'],
          'December days belong to 元旦');

SELECT throws_ok($$ INSERT INTO calendar_day VALUES ('2026-02-15', false, '春节') $$,
                 '23505', NULL, 'a day is listed once');
SELECT throws_ok($$ INSERT INTO calendar_day VALUES ('2026-03-07', false, '') $$,
                 '23514', NULL, 'a day has a name');
SELECT throws_ok($$ INSERT INTO calendar_year (year, published) VALUES (2026, true) $$,
                 '23505', NULL, 'a year is listed once');

SELECT * FROM finish();
ROLLBACK;
