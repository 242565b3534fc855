-- 002: the case store.
--
-- Geometry is CGCS2000 (SRID 4490), longitude/latitude.  WGS84 input is
-- taken as it is (the two differ by centimetres); GCJ-02 is never stored.
-- Every code column is checked twice: a BEFORE trigger raises the
-- operator's message, and a CHECK constraint stays as the backstop.

-- Component and event classes, one row per class per standard version.
-- GB/T 47678.5 calls events "matters" (事项); they are kind 'event' here.
CREATE TABLE class_code (
	version     text NOT NULL REFERENCES standard_version,
	kind        text NOT NULL CHECK (kind IN ('component', 'event')),
	code        text NOT NULL,
	major       text NOT NULL,
	major_name  text NOT NULL,
	name        text NOT NULL,
	note        text NOT NULL DEFAULT '',
	PRIMARY KEY (version, kind, code),
	CONSTRAINT class_code_valid CHECK (cg_class_error(version, code) IS NULL),
	CONSTRAINT class_code_major CHECK (major = left(code, 2))
);

-- Administrative divisions: district (6), street 街道 (9), community 社区 (12).
CREATE TABLE division (
	code    text PRIMARY KEY,
	level   text NOT NULL CHECK (level IN ('district', 'street', 'community')),
	name    text NOT NULL,
	parent  text REFERENCES division,
	geom    geometry(MultiPolygon, 4490) NOT NULL,
	CONSTRAINT division_code_valid CHECK (cg_division_error(code) IS NULL),
	CONSTRAINT division_level_len CHECK (length(code) =
		CASE level WHEN 'district' THEN 6 WHEN 'street' THEN 9 ELSE 12 END),
	CONSTRAINT division_parent_prefix CHECK (
		(level = 'district' AND parent IS NULL) OR
		(level <> 'district' AND parent = left(code, length(code) - 3))),
	CONSTRAINT division_geom_valid CHECK (ST_IsValid(geom))
);
CREATE INDEX division_geom_idx ON division USING gist (geom);
CREATE INDEX division_parent_idx ON division (parent);

-- Departments: professional departments (专业部门), street offices, and
-- the supervision and command centres.
CREATE TABLE department (
	id       serial PRIMARY KEY,
	code     text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
	name     text NOT NULL UNIQUE,
	kind     text NOT NULL CHECK (kind IN ('professional', 'street', 'center', 'unit')),
	street   text REFERENCES division,
	phone    text NOT NULL DEFAULT '',
	active   boolean NOT NULL DEFAULT true
);

-- Unit grids (单元网格): 15-digit code = community + serial.
CREATE TABLE grid (
	code              text PRIMARY KEY,
	community         text NOT NULL REFERENCES division,
	geom              geometry(MultiPolygon, 4490) NOT NULL,
	area_m2           double precision NOT NULL,
	area_class        char(1) NOT NULL DEFAULT 'B' CHECK (area_class IN ('A', 'B', 'C')),
	initial_date      date NOT NULL DEFAULT current_date,
	termination_date  date,
	note              text NOT NULL DEFAULT '',
	CONSTRAINT grid_code_valid CHECK (cg_grid_error(code) IS NULL),
	CONSTRAINT grid_in_community CHECK (left(code, 12) = community),
	CONSTRAINT grid_geom_valid CHECK (ST_IsValid(geom)),
	CONSTRAINT grid_dates CHECK (termination_date IS NULL OR termination_date >= initial_date)
);
CREATE INDEX grid_geom_idx ON grid USING gist (geom);
CREATE INDEX grid_community_idx ON grid (community);

-- Operators: Unix users allowed to use the consoles and the CLI.
CREATE TABLE operator (
	id          serial PRIMARY KEY,
	unix_user   text NOT NULL UNIQUE CHECK (unix_user ~ '^[a-z_][a-z0-9_.-]{0,31}$'),
	name        text NOT NULL,
	roles       text[] NOT NULL CHECK (cardinality(roles) > 0 AND roles <@
		ARRAY['seat', 'supervisor', 'dispatcher', 'dept', 'admin']),
	department  integer REFERENCES department,
	phone       text NOT NULL DEFAULT '',
	active      boolean NOT NULL DEFAULT true,
	CONSTRAINT operator_dept_role CHECK (NOT ('dept' = ANY (roles)) OR department IS NOT NULL)
);

-- Collectors (监督员/信息采集员) and the grids they patrol.
CREATE TABLE collector (
	id     serial PRIMARY KEY,
	code   text NOT NULL UNIQUE CHECK (code ~ '^[A-Za-z0-9_-]{1,32}$'),
	name   text NOT NULL,
	phone  text NOT NULL DEFAULT '',
	active boolean NOT NULL DEFAULT true
);
CREATE TABLE collector_grid (
	collector  integer NOT NULL REFERENCES collector,
	grid       text NOT NULL REFERENCES grid,
	PRIMARY KEY (collector, grid)
);
CREATE INDEX collector_grid_grid_idx ON collector_grid (grid);

-- Handhelds (城管通, CJ/T 293) and who carries them.
CREATE TABLE handheld (
	device_id   text PRIMARY KEY CHECK (device_id ~ '^[A-Za-z0-9_-]{1,64}$'),
	collector   integer REFERENCES collector,
	model       text NOT NULL DEFAULT '',
	firmware    text NOT NULL DEFAULT '',
	registered  timestamptz NOT NULL DEFAULT now(),
	active      boolean NOT NULL DEFAULT true
);

-- Media (photos, audio), content-addressed by SHA-256.
CREATE TABLE media (
	sha256    text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	mime      text NOT NULL CHECK (mime ~ '^[a-z]+/[a-z0-9.+-]+$'),
	bytes     integer NOT NULL,
	data      bytea NOT NULL,
	created   timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT media_content_address CHECK (sha256 = encode(sha256(data), 'hex')),
	CONSTRAINT media_bytes CHECK (bytes = length(data))
);

-- Filing conditions (立案条件, CJ/T 315): per class, the handling limit
-- for each area class in its unit, and the closing condition.
CREATE TABLE filing_condition (
	id                 serial PRIMARY KEY,
	version            text NOT NULL,
	kind               text NOT NULL,
	class_code         text NOT NULL,
	code               text NOT NULL,
	condition          text NOT NULL,
	limit_a            numeric(8,2) NOT NULL CHECK (limit_a > 0),
	limit_b            numeric(8,2) NOT NULL CHECK (limit_b > 0),
	limit_c            numeric(8,2) NOT NULL CHECK (limit_c > 0),
	limit_unit         text NOT NULL CHECK (limit_unit IN
		('work_hour', 'work_day', 'clock_hour', 'natural_day')),
	closing_condition  text NOT NULL,
	department         integer REFERENCES department,
	urgent             boolean NOT NULL DEFAULT false,
	local_default      boolean NOT NULL DEFAULT true,
	source             text NOT NULL DEFAULT '',
	FOREIGN KEY (version, kind, class_code) REFERENCES class_code,
	UNIQUE (version, kind, code),
	CONSTRAINT filing_condition_code CHECK (code ~ ('^' || class_code || '[0-9]{2}$'))
);

-- The department a class is dispatched to by default (a city's choice).
CREATE TABLE class_department (
	version     text NOT NULL,
	kind        text NOT NULL,
	class_code  text NOT NULL,
	department  integer NOT NULL REFERENCES department,
	PRIMARY KEY (version, kind, class_code),
	FOREIGN KEY (version, kind, class_code) REFERENCES class_code
);

-- Components (部件): CJ/T 214 16-digit or GB/T 47678.5 17-digit ids.
CREATE TABLE component (
	id            text PRIMARY KEY,
	version       text NOT NULL REFERENCES standard_version,
	kind          text NOT NULL DEFAULT 'component' CHECK (kind = 'component'),
	class_code    text NOT NULL,
	name          text NOT NULL,
	geom          geometry(Geometry, 4490) NOT NULL,
	dept_main     integer NOT NULL REFERENCES department,  -- 主管部门
	dept_owner    integer REFERENCES department,           -- 权属单位
	dept_maint    integer REFERENCES department,           -- 养护单位
	grid          text NOT NULL REFERENCES grid,
	status        text NOT NULL DEFAULT '完好' CHECK (status IN
		('完好', '破损', '丢失', '占用', '废弃', '移除')),
	data_source   text NOT NULL DEFAULT '实测' CHECK (data_source IN
		('实测', '地形图', '调绘', '基础地理数据', '其他')),
	initial_date  date NOT NULL DEFAULT current_date,
	change_date   date,
	photo         text REFERENCES media,
	note          text NOT NULL DEFAULT '',
	FOREIGN KEY (version, kind, class_code) REFERENCES class_code,
	CONSTRAINT component_id_valid CHECK (cg_component_id_error(version, id) IS NULL),
	CONSTRAINT component_id_class CHECK (cg_component_class(id) = class_code),
	CONSTRAINT component_geom_type CHECK (GeometryType(geom) IN
		('POINT', 'LINESTRING', 'POLYGON', 'MULTILINESTRING', 'MULTIPOLYGON')),
	CONSTRAINT component_geom_valid CHECK (ST_IsValid(geom))
);
CREATE INDEX component_geom_idx ON component USING gist (geom);
CREATE INDEX component_grid_idx ON component (grid);
CREATE INDEX component_class_idx ON component (version, class_code);

-- Addresses and places (地理编码, CJ/T 215 location types).
CREATE TABLE address (
	id          serial PRIMARY KEY,
	kind        text NOT NULL CHECK (kind IN
		('region', 'area', 'block', 'road', 'door', 'poi')),
	name        text NOT NULL,
	full_name   text NOT NULL,
	district    text NOT NULL DEFAULT '',     -- 行政区域
	area_name   text NOT NULL DEFAULT '',     -- 地片/区片
	road        text NOT NULL DEFAULT '',     -- 街巷
	door_no     text NOT NULL DEFAULT '',     -- 门(楼)牌号, e.g. 23号, 5号院
	building    text NOT NULL DEFAULT '',     -- 楼(栋)
	poi         text NOT NULL DEFAULT '',     -- 兴趣点/标识物
	aliases     text[] NOT NULL DEFAULT '{}',
	geom        geometry(Geometry, 4490) NOT NULL,
	grid        text REFERENCES grid,
	community   text REFERENCES division,
	valid_from  date NOT NULL DEFAULT current_date,
	valid_to    date,
	CONSTRAINT address_geom_valid CHECK (ST_IsValid(geom)),
	CONSTRAINT address_door_point CHECK (kind NOT IN ('door', 'poi') OR GeometryType(geom) = 'POINT')
);
CREATE INDEX address_geom_idx ON address USING gist (geom);
CREATE INDEX address_full_name_trgm ON address USING gin (full_name gin_trgm_ops);

-- Case states.  What may happen in each state is decided by the
-- workflow transition table in the daemon, not here.
CREATE TABLE case_state (
	state  text PRIMARY KEY,
	name   text NOT NULL,
	open   boolean NOT NULL
);
INSERT INTO case_state VALUES
	('reported',   '待受理', true),
	('verifying',  '核实中', true),
	('verified',   '待立案', true),
	('filed',      '待派遣', true),
	('dispatched', '待接收', true),
	('handling',   '处置中', true),
	('returned',   '已回退', true),
	('postponed',  '缓办',   true),
	('handled',    '待核查', true),
	('checking',   '核查中', true),
	('checked',    '待结案', true),
	('suspended',  '挂账',   true),
	('closed',     '已结案', false),
	('rejected',   '不予立案', false),
	('merged',     '已合并', false);

-- Cases (案卷).
CREATE TABLE cases (
	id               bigserial PRIMARY KEY,
	case_no          text NOT NULL UNIQUE,
	version          text NOT NULL REFERENCES standard_version,
	kind             text NOT NULL CHECK (kind IN ('component', 'event')),
	class_code       text NOT NULL,
	condition        integer REFERENCES filing_condition,
	source           text NOT NULL CHECK (source IN ('collector', 'hotline', 'leader', 'public')),
	state            text NOT NULL REFERENCES case_state,
	urgent           boolean NOT NULL DEFAULT false,
	grid             text REFERENCES grid,
	geom             geometry(Point, 4490),
	address          text NOT NULL DEFAULT '',
	description      text NOT NULL,
	component        text REFERENCES component,
	reporter_name    text NOT NULL DEFAULT '',
	reporter_phone   text NOT NULL DEFAULT '',
	collector        integer REFERENCES collector,
	department       integer REFERENCES department,
	duplicate_of     bigint REFERENCES cases,
	found_at         timestamptz NOT NULL DEFAULT now(),
	created_at       timestamptz NOT NULL DEFAULT now(),
	updated_at       timestamptz NOT NULL DEFAULT now(),
	updated_by       integer REFERENCES operator,
	row_version      integer NOT NULL DEFAULT 1,
	FOREIGN KEY (version, kind, class_code) REFERENCES class_code
);
CREATE INDEX cases_geom_idx ON cases USING gist (geom);
CREATE INDEX cases_state_idx ON cases (state);
CREATE INDEX cases_grid_idx ON cases (grid);
CREATE INDEX cases_department_idx ON cases (department) WHERE department IS NOT NULL;

-- The case log: append-only.  The database refuses UPDATE, DELETE and
-- TRUNCATE on it.
CREATE TABLE case_log (
	id           bigserial PRIMARY KEY,
	case_id      bigint NOT NULL REFERENCES cases,
	at           timestamptz NOT NULL DEFAULT now(),
	actor        integer REFERENCES operator,
	actor_name   text NOT NULL,
	action       text NOT NULL,
	from_state   text REFERENCES case_state,
	to_state     text NOT NULL REFERENCES case_state,
	reason       text NOT NULL DEFAULT '',
	department   integer REFERENCES department,
	attachments  text[] NOT NULL DEFAULT '{}',
	detail       jsonb NOT NULL DEFAULT '{}'
);
CREATE INDEX case_log_case_idx ON case_log (case_id, id);

CREATE FUNCTION case_log_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '案卷日志只能追加, 不能修改或删除 (case_log is append-only: % refused)', TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER case_log_no_update BEFORE UPDATE OR DELETE ON case_log
	FOR EACH ROW EXECUTE FUNCTION case_log_append_only();
CREATE TRIGGER case_log_no_truncate BEFORE TRUNCATE ON case_log
	FOR EACH STATEMENT EXECUTE FUNCTION case_log_append_only();

-- Verification (核实) and check (核查) tasks for collectors.
CREATE TABLE task (
	id          bigserial PRIMARY KEY,
	uuid        uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
	case_id     bigint NOT NULL REFERENCES cases,
	kind        text NOT NULL CHECK (kind IN ('verify', 'check')),
	collector   integer REFERENCES collector,
	state       text NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'done', 'cancelled')),
	sent_at     timestamptz NOT NULL DEFAULT now(),
	due_at      timestamptz,
	result      text CHECK (result IN ('confirmed', 'not_found', 'passed', 'failed')),
	note        text NOT NULL DEFAULT '',
	photos      text[] NOT NULL DEFAULT '{}',
	done_at     timestamptz,
	CONSTRAINT task_done CHECK ((state = 'done') = (result IS NOT NULL AND done_at IS NOT NULL))
);
CREATE INDEX task_open_idx ON task (collector) WHERE state = 'open';
CREATE INDEX task_case_idx ON task (case_id);

-- Code and geometry checks with the operator's message.
CREATE FUNCTION cg_check_row() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	g geometry;
BEGIN
	CASE TG_TABLE_NAME
	WHEN 'division' THEN
		PERFORM cg_raise_if(cg_division_error(NEW.code));
		g := NEW.geom;
	WHEN 'grid' THEN
		PERFORM cg_raise_if(cg_grid_error(NEW.code));
		IF left(NEW.code, 12) IS DISTINCT FROM NEW.community THEN
			RAISE EXCEPTION '网格 % 不属于社区 %', NEW.code, NEW.community
				USING ERRCODE = 'check_violation';
		END IF;
		g := NEW.geom;
	WHEN 'class_code' THEN
		PERFORM cg_raise_if(cg_class_error(NEW.version, NEW.code));
	WHEN 'component' THEN
		PERFORM cg_raise_if(cg_component_id_error(NEW.version, NEW.id));
		IF cg_component_class(NEW.id) IS DISTINCT FROM NEW.class_code THEN
			RAISE EXCEPTION '部件标识码 % 与类别 % 不符', NEW.id, NEW.class_code
				USING ERRCODE = 'check_violation';
		END IF;
		g := NEW.geom;
	WHEN 'address' THEN
		g := NEW.geom;
	END CASE;
	IF g IS NOT NULL AND NOT ST_IsValid(g) THEN
		RAISE EXCEPTION '% 的几何图形无效: %', TG_TABLE_NAME, ST_IsValidReason(g)
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER division_check BEFORE INSERT OR UPDATE ON division
	FOR EACH ROW EXECUTE FUNCTION cg_check_row();
CREATE TRIGGER grid_check BEFORE INSERT OR UPDATE ON grid
	FOR EACH ROW EXECUTE FUNCTION cg_check_row();
CREATE TRIGGER class_code_check BEFORE INSERT OR UPDATE ON class_code
	FOR EACH ROW EXECUTE FUNCTION cg_check_row();
CREATE TRIGGER component_check BEFORE INSERT OR UPDATE ON component
	FOR EACH ROW EXECUTE FUNCTION cg_check_row();
CREATE TRIGGER address_check BEFORE INSERT OR UPDATE ON address
	FOR EACH ROW EXECUTE FUNCTION cg_check_row();

-- A component must lie in its grid.
CREATE FUNCTION component_in_grid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM grid
	               WHERE code = NEW.grid AND ST_Covers(geom, NEW.geom)) THEN
		RAISE EXCEPTION '部件 % 不在网格 % 内', NEW.id, NEW.grid
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER component_in_grid BEFORE INSERT OR UPDATE OF geom, grid ON component
	FOR EACH ROW EXECUTE FUNCTION component_in_grid();

-- Grid, community and street of a point; no row outside every grid.
-- A point on a shared edge belongs to the grid with the lowest code.
CREATE FUNCTION cg_locate(lon double precision, lat double precision)
RETURNS TABLE (grid text, area_class char(1), community text, community_name text,
               street text, street_name text)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
	SELECT g.code, g.area_class, c.code, c.name, s.code, s.name
	FROM grid g
	JOIN division c ON c.code = g.community
	JOIN division s ON s.code = c.parent
	WHERE ST_Covers(g.geom, ST_SetSRID(ST_MakePoint(lon, lat), 4490))
	  AND (g.termination_date IS NULL OR g.termination_date > current_date)
	ORDER BY g.code
	LIMIT 1
$$;
