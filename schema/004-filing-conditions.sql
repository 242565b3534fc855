-- 004: filing conditions (立案条件) with handling limits, as local defaults.
--
-- No national per-class limits of CJ/T 315 were available (see
-- ../shared/standards/README.md section 4.3).  What ships here is marked
-- local_default and is the city's to change:
--   * the examples of local rulebooks, with their source;
--   * for every other class one generic condition, so that every case
--     has a limit: manhole covers and grates (and their GB/T 47678.5
--     "异常" matters) 6 紧急工作时 (clock hours, after the Guangzhou
--     rule), other components 5 工作日, events 3 工作日.
-- Limits are the same for area classes A, B and C unless a source says
-- otherwise; condition codes are the class code and a 2-digit serial.

CREATE TEMPORARY TABLE sourced (
	version text, kind text, class_code text, serial text, condition text,
	limit_value numeric, limit_unit text, closing text, urgent boolean, source text
) ON COMMIT DROP;

INSERT INTO sourced VALUES
	-- 济源市事件采集、立案、处置与结案标准
	('CJT214-2007', 'event', '0101', '01', '未经批准的违法建筑物、构筑物', 15, 'work_day', '拆除', false, '济源市立案结案标准'),
	('CJT214-2007', 'event', '0102', '01', '堆放或散落的暴露垃圾', 1, 'work_day', '清除', false, '济源市立案结案标准'),
	('CJT214-2007', 'event', '0103', '01', '积存垃圾渣土超过临时存放期限', 4, 'work_day', '清除', false, '济源市立案结案标准'),
	('CJT214-2007', 'event', '0104', '01', '道路未按时保洁', 5, 'work_hour', '清除', false, '济源市立案结案标准'),
	('CJT214-2007', 'event', '0105', '01', '水域淤积、堵塞、漂浮物或油污', 15, 'work_day', '清除', false, '济源市立案结案标准'),
	-- 数字化城市管理立案、结案标准(事件类), another city
	('CJT214-2007', 'event', '0101', '02', '私搭乱建正在施工, 须停止施工', 4, 'work_hour', '停止施工', false, '数字化城市管理立案结案标准(事件类)'),
	('CJT214-2007', 'event', '0101', '03', '私搭乱建已建成, 须立案处罚', 7, 'work_day', '处罚', false, '数字化城市管理立案结案标准(事件类)'),
	('CJT214-2007', 'event', '0102', '02', '暴露垃圾(市区主要道路)', 4, 'work_hour', '清除', false, '数字化城市管理立案结案标准(事件类)'),
	('CJT214-2007', 'event', '0104', '02', '早8时后道路仍有脏物', 2, 'work_hour', '清除', false, '数字化城市管理立案结案标准(事件类)'),
	('CJT214-2007', 'event', '0106', '01', '绿地内有垃圾、杂物', 4, 'work_hour', '清除', false, '数字化城市管理立案结案标准(事件类)'),
	('CJT214-2007', 'event', '0303', '01', '施工废弃料、建筑垃圾未清运', 4, 'work_hour', '清除', false, '数字化城市管理立案结案标准(事件类)'),
	('CJT214-2007', 'event', '0406', '01', '路面积水影响通行', 4, 'work_hour', '排除积水', true, '数字化城市管理立案结案标准(事件类)'),
	('CJT214-2007', 'event', '0407', '01', '道路结冰(非降雪)影响通行', 4, 'work_hour', '清除', true, '数字化城市管理立案结案标准(事件类)'),
	-- the same, for GB/T 47678.5-2026 matters
	('GBT47678.5-2026', 'event', '06001', '01', '未经批准的违法建筑物、构筑物', 15, 'work_day', '拆除', false, '济源市立案结案标准'),
	('GBT47678.5-2026', 'event', '06010', '01', '堆放或散落的暴露垃圾', 1, 'work_day', '清除', false, '济源市立案结案标准'),
	('GBT47678.5-2026', 'event', '06011', '01', '积存垃圾渣土超过临时存放期限', 4, 'work_day', '清除', false, '济源市立案结案标准'),
	('GBT47678.5-2026', 'event', '06012', '01', '道路未按时保洁', 5, 'work_hour', '清除', false, '济源市立案结案标准'),
	('GBT47678.5-2026', 'event', '06025', '01', '水域淤积、堵塞、漂浮物或油污', 15, 'work_day', '清除', false, '济源市立案结案标准'),
	('GBT47678.5-2026', 'event', '06017', '01', '绿地内有垃圾、杂物', 4, 'work_hour', '清除', false, '数字化城市管理立案结案标准(事件类)'),
	('GBT47678.5-2026', 'event', '10001', '01', '道路积雪、结冰影响通行', 4, 'work_hour', '清除', true, '数字化城市管理立案结案标准(事件类)');

INSERT INTO filing_condition (version, kind, class_code, code, condition,
	limit_a, limit_b, limit_c, limit_unit, closing_condition, urgent, source)
SELECT version, kind, class_code, class_code || serial, condition,
	limit_value, limit_value, limit_value, limit_unit, closing, urgent, source
FROM sourced;

-- One generic condition for every class without a sourced one.
INSERT INTO filing_condition (version, kind, class_code, code, condition,
	limit_a, limit_b, limit_c, limit_unit, closing_condition, urgent, source)
SELECT c.version, c.kind, c.code, c.code || '01',
	CASE WHEN c.kind = 'component' THEN c.name || '缺失、破损、移位或功能异常'
	     ELSE '发现' || c.name END,
	l.v, l.v, l.v, l.unit,
	CASE WHEN c.kind = 'component' THEN '修复或更换' ELSE '处置完毕' END,
	l.urgent, 'citygrid 默认值'
FROM class_code c
CROSS JOIN LATERAL (SELECT
	CASE WHEN c.name ~ '(井盖|箅子)' THEN 6
	     WHEN c.kind = 'component' THEN 5 ELSE 3 END::numeric AS v,
	CASE WHEN c.name ~ '(井盖|箅子)' THEN 'clock_hour'
	     ELSE 'work_day' END AS unit,
	c.name ~ '(井盖|箅子)' AS urgent) l
WHERE NOT EXISTS (SELECT 1 FROM filing_condition f
                  WHERE f.version = c.version AND f.kind = c.kind AND f.class_code = c.code);
