-- Demo district, part 5: collectors (监督员), their grids and handhelds.
--
-- A street gets one collector per 88 grids (at least one).  Its
-- communities are taken in order of bearing from the street's centre and
-- cut into that many runs of about equal grid count, so every collector
-- patrols whole, neighbouring communities of one street.

CREATE TEMPORARY TABLE demo_collector_plan AS
WITH g AS (
	SELECT community, count(*) AS n FROM grid GROUP BY community
), c AS (
	SELECT d.code, d.parent, g.n,
	       degrees(ST_Azimuth(ST_Centroid(s.geom), ST_PointOnSurface(d.geom))) AS bearing
	FROM division d JOIN division s ON s.code = d.parent JOIN g ON g.community = d.code
), s AS (
	SELECT parent, greatest(1, round(sum(n) / 88.0))::integer AS collectors, sum(n) AS grids
	FROM c GROUP BY parent
)
SELECT c.code AS community, c.parent AS street,
       floor((sum(c.n) OVER w - c.n / 2.0) * s.collectors / s.grids)::integer AS run
FROM c JOIN s USING (parent)
WINDOW w AS (PARTITION BY c.parent ORDER BY c.bearing, c.code);

CREATE TEMPORARY TABLE demo_collector AS
SELECT row_number() OVER (ORDER BY street, run)::integer AS n, street, run
FROM (SELECT DISTINCT street, run FROM demo_collector_plan) x;

-- Names: one of 24 surnames and one of 41 given names, stepped so that
-- no two collectors share a name.
INSERT INTO collector (code, name, phone)
SELECT 'C' || lpad(n::text, 3, '0'),
       (ARRAY['王','李','张','刘','陈','杨','赵','黄','周','吴','徐','孙',
	      '马','朱','胡','郭','何','高','林','罗','郑','梁','谢','宋'])[1 + (n * 7) % 24] ||
       (ARRAY['建华','秀兰','志刚','桂英','国强','丽萍','永明','淑芬','海涛','春燕',
	      '文斌','玉梅','立军','晓红','德胜','红霞','振国','金凤','宏伟','雪梅',
	      '俊杰','彩霞','保平','素珍','长青','美玲','庆丰','凤英','世杰','艳华',
	      '鹏','静','磊','敏','军','燕','涛','娜','强','芳','勇'])[1 + (n * 13) % 41],
       pg_temp.phone('collector' || n, '138', 8)
FROM demo_collector ORDER BY n;

INSERT INTO collector_grid (collector, grid)
SELECT k.id, g.code
FROM grid g
JOIN demo_collector_plan p ON p.community = g.community
JOIN demo_collector dc ON dc.street = p.street AND dc.run = p.run
JOIN collector k ON k.code = 'C' || lpad(dc.n::text, 3, '0')
ORDER BY g.code;

INSERT INTO handheld (device_id, collector, model, firmware, registered)
SELECT 'CGT-' || lpad(right(code, 3), 4, '0'), id, '城管通 G3', '2.4.1',
       TIMESTAMPTZ '2024-01-01 09:00:00+08'
FROM collector ORDER BY code;
