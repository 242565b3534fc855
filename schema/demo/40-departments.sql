-- Demo district, part 4: departments, default departments of the
-- CJ/T 214-2007 classes, and operators.
--
-- Names are those of the real kinds of unit in 东城区; codes are short
-- and ASCII.  Telephone numbers are made up (010-5 + a hash, a block
-- that fixed lines of the district do not use).

-- A made-up telephone number: prefix and n digits from a hash of seed.
CREATE FUNCTION pg_temp.phone(seed text, prefix text, n integer) RETURNS text
LANGUAGE sql IMMUTABLE STRICT AS $$
	SELECT prefix || lpad((floor(pg_temp.h(seed) * 10 ^ n))::bigint::text, n, '0')
$$;

INSERT INTO department (code, name, kind, street, phone)
SELECT code, name, kind, NULL, pg_temp.phone(code, '010-5', 7)
FROM (VALUES
	('CGW',  '东城区城市管理委员会', 'professional'),
	('HWZX', '东城区环境卫生服务中心', 'professional'),
	('YLJ',  '东城区园林绿化局', 'professional'),
	('ZFJ',  '东城区城市管理综合行政执法局', 'professional'),
	('SWJ',  '东城区水务局', 'professional'),
	('FGJ',  '东城区房屋管理局', 'professional'),
	('JTZD', '东城交通支队', 'professional'),
	('GAFJ', '北京市公安局东城分局', 'professional'),
	('XFZD', '东城区消防救援支队', 'professional'),
	('STHJ', '东城区生态环境局', 'professional'),
	('SJJ',  '东城区市场监督管理局', 'professional'),
	('TYJ',  '东城区体育局', 'professional'),
	('ZJW',  '东城区住房和城乡建设委员会', 'professional'),
	('YJJ',  '东城区应急管理局', 'professional'),
	('RFB',  '东城区人民防空办公室', 'professional'),
	('ZLS',  '北京市自来水集团', 'unit'),
	('PSJT', '北京城市排水集团', 'unit'),
	('RQJT', '北京市燃气集团', 'unit'),
	('GDGS', '国网北京市电力公司东城供电公司', 'unit'),
	('RLJT', '北京市热力集团', 'unit'),
	('GHYX', '歌华有线', 'unit'),
	('LTDC', '中国联通东城分公司', 'unit'),
	('YZDC', '中国邮政东城区分公司', 'unit'),
	('GJJT', '北京公交集团', 'unit'),
	('LQYH', '北京市政路桥管理养护集团', 'unit'),
	('ZMZX', '北京市城市照明管理中心', 'unit'),
	('JDZX', '东城区城市管理监督中心', 'center'),
	('ZHZX', '东城区城市管理指挥中心', 'center')
) AS d (code, name, kind)
ORDER BY CASE kind WHEN 'center' THEN 1 WHEN 'professional' THEN 2 ELSE 3 END, code;

-- The street offices (街道办事处), one per street.
INSERT INTO department (code, name, kind, street, phone)
SELECT 'JD' || right(code, 3), name || '办事处', 'street', code, pg_temp.phone(code, '010-5', 7)
FROM demo_division WHERE level = 'street' ORDER BY code;

-- Default department of every CJ/T 214-2007 class: manhole covers to
-- the utility that owns them, lamps to the city management commission,
-- litter and toilets to sanitation, greenery to the landscaping bureau,
-- street order and advertising events to law enforcement.
CREATE TEMPORARY TABLE demo_class_dept (kind text, code text, dept text);
INSERT INTO demo_class_dept VALUES
	('component', '0101', 'ZLS'), ('component', '0102', 'PSJT'), ('component', '0103', 'PSJT'),
	('component', '0104', 'PSJT'), ('component', '0105', 'GDGS'), ('component', '0106', 'CGW'),
	('component', '0107', 'LTDC'), ('component', '0108', 'GHYX'), ('component', '0109', 'LTDC'),
	('component', '0110', 'RLJT'), ('component', '0111', 'RQJT'), ('component', '0112', 'GAFJ'),
	('component', '0113', 'XFZD'), ('component', '0114', 'CGW'), ('component', '0115', 'LTDC'),
	('component', '0116', 'GDGS'), ('component', '0117', 'CGW'), ('component', '0118', 'CGW'),
	('component', '0119', 'CGW'), ('component', '0120', 'CGW'), ('component', '0121', 'CGW'),
	('component', '0122', 'LTDC'), ('component', '0123', 'YZDC'), ('component', '0124', 'CGW'),
	('component', '0125', 'SJJ'), ('component', '0126', 'TYJ'), ('component', '0127', 'PSJT'),
	('component', '0128', 'GJJT'), ('component', '0129', 'RQJT'), ('component', '0130', 'CGW'),
	('component', '0131', 'SWJ'), ('component', '0132', 'ZLS'), ('component', '0133', 'GDGS'),
	('component', '0134', 'GDGS'), ('component', '0135', 'RQJT'), ('component', '0136', 'GAFJ'),
	('component', '0137', 'CGW'), ('component', '0138', 'GAFJ'),
	('component', '0201', 'CGW'), ('component', '0202', 'CGW'), ('component', '0203', 'GJJT'),
	('component', '0204', 'JTZD'), ('component', '0205', 'CGW'), ('component', '0206', 'CGW'),
	('component', '0207', 'CGW'), ('component', '0208', 'CGW'), ('component', '0209', 'JTZD'),
	('component', '0210', 'JTZD'), ('component', '0211', 'JTZD'), ('component', '0212', 'CGW'),
	('component', '0213', 'CGW'), ('component', '0214', 'JTZD'), ('component', '0215', 'JTZD'),
	('component', '0216', 'CGW'), ('component', '0217', 'JTZD'),
	('component', '0301', 'HWZX'), ('component', '0302', 'HWZX'), ('component', '0303', 'HWZX'),
	('component', '0304', 'HWZX'), ('component', '0305', 'HWZX'), ('component', '0306', 'CGW'),
	('component', '0307', 'CGW'), ('component', '0308', 'STHJ'), ('component', '0309', 'STHJ'),
	('component', '0310', 'SWJ'), ('component', '0311', 'STHJ'),
	('component', '0401', 'YLJ'), ('component', '0402', 'YLJ'), ('component', '0403', 'YLJ'),
	('component', '0404', 'YLJ'), ('component', '0405', 'YLJ'), ('component', '0406', 'CGW'),
	('component', '0407', 'YLJ'), ('component', '0408', 'YLJ'), ('component', '0409', 'YLJ'),
	('component', '0410', 'YLJ'),
	('component', '0501', 'FGJ'), ('component', '0502', 'RFB'), ('component', '0503', 'FGJ'),
	('component', '0601', 'YJJ'), ('component', '0602', 'ZJW'), ('component', '0603', 'SWJ'),
	('component', '0604', 'SWJ'), ('component', '0605', 'SWJ'), ('component', '0606', 'SWJ'),
	('event', '0101', 'ZFJ'), ('event', '0102', 'HWZX'), ('event', '0103', 'HWZX'),
	('event', '0104', 'HWZX'), ('event', '0105', 'SWJ'), ('event', '0106', 'YLJ'),
	('event', '0107', 'ZFJ'), ('event', '0108', 'HWZX'), ('event', '0109', 'YLJ'),
	('event', '0110', 'CGW'), ('event', '0111', 'SWJ'), ('event', '0112', 'ZFJ'),
	('event', '0113', 'CGW'), ('event', '0114', 'SWJ'), ('event', '0115', 'ZFJ'),
	('event', '0116', 'ZFJ'), ('event', '0117', 'HWZX'), ('event', '0118', 'ZFJ'),
	('event', '0199', 'CGW'),
	('event', '0201', 'ZFJ'), ('event', '0202', 'ZFJ'), ('event', '0203', 'ZFJ'),
	('event', '0204', 'ZFJ'), ('event', '0205', 'ZFJ'),
	('event', '0301', 'ZFJ'), ('event', '0302', 'ZFJ'), ('event', '0303', 'ZFJ'),
	('event', '0304', 'ZFJ'), ('event', '0305', 'ZFJ'), ('event', '0399', 'ZJW'),
	('event', '0401', 'CGW'), ('event', '0402', 'ZLS'), ('event', '0403', 'RQJT'),
	('event', '0404', 'PSJT'), ('event', '0405', 'RLJT'), ('event', '0406', 'PSJT'),
	('event', '0407', 'HWZX'), ('event', '0408', 'GDGS'), ('event', '0409', 'GAFJ'),
	('event', '0499', 'CGW'),
	('event', '0501', 'ZFJ'), ('event', '0502', 'ZFJ'), ('event', '0503', 'ZFJ'),
	('event', '0504', 'ZFJ'), ('event', '0505', 'JTZD'), ('event', '0506', 'ZFJ'),
	('event', '0507', 'ZFJ'), ('event', '0508', 'ZFJ'), ('event', '0509', 'ZFJ'),
	('event', '0510', 'ZFJ'), ('event', '0511', 'ZFJ'), ('event', '0512', 'ZFJ'),
	('event', '0513', 'ZFJ'), ('event', '0599', 'ZFJ');

DO $$
DECLARE
	missing text;
BEGIN
	SELECT string_agg(k.kind || ' ' || k.code, ', ') INTO missing
	FROM class_code k
	WHERE k.version = 'CJT214-2007'
	  AND NOT EXISTS (SELECT 1 FROM demo_class_dept m WHERE m.kind = k.kind AND m.code = k.code);
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION 'demo: no default department for CJT214-2007 classes %', missing;
	END IF;
END
$$;

INSERT INTO class_department (version, kind, class_code, department)
SELECT 'CJT214-2007', m.kind, m.code, d.id
FROM demo_class_dept m JOIN department d ON d.code = m.dept
ORDER BY m.kind, m.code;

-- Operators: the Unix users of the consoles.
INSERT INTO operator (unix_user, name, roles, department, phone)
SELECT o.unix_user, o.name, o.roles, d.id, pg_temp.phone(o.unix_user, '139', 8)
FROM (VALUES
	('root',      '系统管理员', ARRAY['admin'], NULL),
	('admin1',    '赵立新', ARRAY['admin'], NULL),
	('seat1',     '王秀英', ARRAY['seat'], 'JDZX'),
	('seat2',     '李静', ARRAY['seat'], 'JDZX'),
	('super1',    '张建国', ARRAY['supervisor'], 'JDZX'),
	('disp1',     '刘洋', ARRAY['dispatcher'], 'ZHZX'),
	('huanwei1',  '陈海燕', ARRAY['dept'], 'HWZX'),
	('shizheng1', '杨志强', ARRAY['dept'], 'CGW'),
	('yuanlin1',  '黄丽娟', ARRAY['dept'], 'YLJ'),
	('zhifa1',    '周勇', ARRAY['dept'], 'ZFJ'),
	('paishui1',  '吴磊', ARRAY['dept'], 'PSJT'),
	('zilaishui1', '徐春梅', ARRAY['dept'], 'ZLS'),
	('ranqi1',    '孙伟', ARRAY['dept'], 'RQJT'),
	('zhaoming1', '郑晓东', ARRAY['dept'], 'ZMZX'),
	('donghuamen1', '马文华', ARRAY['dept'], 'JD001')
) AS o (unix_user, name, roles, dept)
LEFT JOIN department d ON d.code = o.dept
ORDER BY o.unix_user = 'root' DESC, o.unix_user;
