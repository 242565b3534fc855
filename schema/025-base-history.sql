-- 025: versions of components and grids (部件普查与更新, 相对稳定).
--
-- Every component and every grid carries a revision.  Any change to
-- one, whoever makes it (the daemon, an import, QGIS or psql), bumps the
-- revision and appends the whole new state to component_history or
-- grid_history with who, when, why and what kind of change.  The
-- history is append-only.  Nothing is deleted: a component is retired
-- (retired_at), a grid is terminated (termination_date).  A case keeps
-- the revision of the component it was about (cases.component_revision).
--
-- Who and why come from three transaction-local settings, set by the
-- functions that make the change (cg_base_actor):
--   citygrid.actor       operator id, or empty
--   citygrid.actor_name  the operator's name; else the database role
--   citygrid.reason      why
--   citygrid.change      the kind of change, if the caller knows better

ALTER TABLE component ADD COLUMN revision integer NOT NULL DEFAULT 1;
ALTER TABLE component ADD COLUMN retired_at timestamptz;
ALTER TABLE grid ADD COLUMN revision integer NOT NULL DEFAULT 1;

-- Set who makes the changes of this transaction, and why.
CREATE FUNCTION cg_base_actor(p_actor integer, p_actor_name text, p_reason text,
	p_change text DEFAULT NULL) RETURNS void
LANGUAGE sql AS $$
	SELECT set_config('citygrid.actor', coalesce(p_actor::text, ''), true),
	       set_config('citygrid.actor_name', coalesce(p_actor_name, ''), true),
	       set_config('citygrid.reason', coalesce(p_reason, ''), true),
	       set_config('citygrid.change', coalesce(p_change, ''), true);
	SELECT NULL::void
$$;

CREATE FUNCTION cg_base_setting(p_name text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT nullif(current_setting('citygrid.' || p_name, true), '')
$$;

CREATE TABLE component_history (
	component     text NOT NULL REFERENCES component,
	revision      integer NOT NULL CHECK (revision > 0),
	change        text NOT NULL CHECK (change IN ('add', 'move', 'owner', 'retire',
		'restore', 'edit', 'regrid', 'import')),
	at            timestamptz NOT NULL DEFAULT now(),
	actor         integer REFERENCES operator,
	actor_name    text NOT NULL,
	reason        text NOT NULL DEFAULT '',
	-- the component as it was from this revision on
	version       text NOT NULL,
	class_code    text NOT NULL,
	name          text NOT NULL,
	geom          geometry(Geometry, 4490) NOT NULL,
	dept_main     integer,
	dept_owner    integer,
	dept_maint    integer,
	grid          text NOT NULL,
	status        text NOT NULL,
	data_source   text NOT NULL,
	initial_date  date NOT NULL,
	change_date   date,
	note          text NOT NULL,
	retired_at    timestamptz,
	PRIMARY KEY (component, revision)
);
CREATE INDEX component_history_geom_idx ON component_history USING gist (geom);
CREATE INDEX component_history_at_idx ON component_history (at);

CREATE TABLE grid_history (
	code              text NOT NULL REFERENCES grid,
	revision          integer NOT NULL CHECK (revision > 0),
	change            text NOT NULL CHECK (change IN ('add', 'edit', 'retire',
		'split', 'merge', 'import')),
	at                timestamptz NOT NULL DEFAULT now(),
	actor             integer REFERENCES operator,
	actor_name        text NOT NULL,
	reason            text NOT NULL DEFAULT '',
	community         text NOT NULL,
	geom              geometry(MultiPolygon, 4490) NOT NULL,
	area_m2           double precision NOT NULL,
	area_class        char(1) NOT NULL,
	initial_date      date NOT NULL,
	termination_date  date,
	note              text NOT NULL,
	PRIMARY KEY (code, revision)
);
CREATE INDEX grid_history_geom_idx ON grid_history USING gist (geom);

CREATE FUNCTION cg_history_append_only() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% 只能追加, 不能修改或删除 (% refused)', TG_TABLE_NAME, TG_OP
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER component_history_no_update BEFORE UPDATE OR DELETE ON component_history
	FOR EACH ROW EXECUTE FUNCTION cg_history_append_only();
CREATE TRIGGER component_history_no_truncate BEFORE TRUNCATE ON component_history
	FOR EACH STATEMENT EXECUTE FUNCTION cg_history_append_only();
CREATE TRIGGER grid_history_no_update BEFORE UPDATE OR DELETE ON grid_history
	FOR EACH ROW EXECUTE FUNCTION cg_history_append_only();
CREATE TRIGGER grid_history_no_truncate BEFORE TRUNCATE ON grid_history
	FOR EACH STATEMENT EXECUTE FUNCTION cg_history_append_only();

-- Components and grids are retired, never deleted.
CREATE FUNCTION cg_base_no_delete() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION '% 不能删除, 只能撤销 (% %)', CASE TG_TABLE_NAME
		WHEN 'grid' THEN '网格' ELSE '部件' END, TG_TABLE_NAME,
		coalesce(to_jsonb(OLD)->>'code', to_jsonb(OLD)->>'id')
		USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER component_no_delete BEFORE DELETE ON component
	FOR EACH ROW EXECUTE FUNCTION cg_base_no_delete();
CREATE TRIGGER grid_no_delete BEFORE DELETE ON grid
	FOR EACH ROW EXECUTE FUNCTION cg_base_no_delete();

-- A new revision when anything but the revision itself changes.
CREATE FUNCTION cg_base_revision() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.revision := OLD.revision;
	IF TG_TABLE_NAME = 'component' THEN
		NEW.change_date := OLD.change_date;
	END IF;
	IF NEW IS NOT DISTINCT FROM OLD THEN
		RETURN NEW;
	END IF;
	NEW.revision := OLD.revision + 1;
	IF TG_TABLE_NAME = 'component' THEN
		NEW.change_date := current_date;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER component_revision BEFORE UPDATE ON component
	FOR EACH ROW EXECUTE FUNCTION cg_base_revision();
CREATE TRIGGER grid_revision BEFORE UPDATE ON grid
	FOR EACH ROW EXECUTE FUNCTION cg_base_revision();

-- Append the new state.  The kind of change is the caller's, else
-- what the row says.
CREATE FUNCTION cg_component_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_change text := cg_base_setting('change');
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.revision = OLD.revision THEN
		RETURN NULL;
	END IF;
	IF v_change IS NULL OR v_change NOT IN ('add', 'move', 'owner', 'retire',
			'restore', 'edit', 'regrid', 'import') THEN
		v_change := CASE
			WHEN TG_OP = 'INSERT' THEN 'add'
			WHEN NEW.retired_at IS NOT NULL AND OLD.retired_at IS NULL THEN 'retire'
			WHEN NEW.retired_at IS NULL AND OLD.retired_at IS NOT NULL THEN 'restore'
			WHEN NOT ST_OrderingEquals(NEW.geom, OLD.geom) THEN 'move'
			WHEN (NEW.dept_main, NEW.dept_owner, NEW.dept_maint) IS DISTINCT FROM
			     (OLD.dept_main, OLD.dept_owner, OLD.dept_maint) THEN 'owner'
			WHEN NEW.grid <> OLD.grid THEN 'regrid'
			ELSE 'edit' END;
	END IF;
	INSERT INTO component_history (component, revision, change, actor, actor_name, reason,
		version, class_code, name, geom, dept_main, dept_owner, dept_maint, grid, status,
		data_source, initial_date, change_date, note, retired_at)
	VALUES (NEW.id, NEW.revision, v_change, cg_base_setting('actor')::integer,
		coalesce(cg_base_setting('actor_name'), session_user),
		coalesce(cg_base_setting('reason'), ''),
		NEW.version, NEW.class_code, NEW.name, NEW.geom, NEW.dept_main, NEW.dept_owner,
		NEW.dept_maint, NEW.grid, NEW.status, NEW.data_source, NEW.initial_date,
		NEW.change_date, NEW.note, NEW.retired_at);
	RETURN NULL;
END
$$;
CREATE TRIGGER component_history AFTER INSERT OR UPDATE ON component
	FOR EACH ROW EXECUTE FUNCTION cg_component_history();

CREATE FUNCTION cg_grid_history() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	v_change text := cg_base_setting('change');
BEGIN
	IF TG_OP = 'UPDATE' AND NEW.revision = OLD.revision THEN
		RETURN NULL;
	END IF;
	IF v_change IS NULL OR v_change NOT IN ('add', 'edit', 'retire', 'split', 'merge',
			'import') THEN
		v_change := CASE
			WHEN TG_OP = 'INSERT' THEN 'add'
			WHEN NEW.termination_date IS NOT NULL AND OLD.termination_date IS NULL
				THEN 'retire'
			ELSE 'edit' END;
	END IF;
	INSERT INTO grid_history (code, revision, change, actor, actor_name, reason, community,
		geom, area_m2, area_class, initial_date, termination_date, note)
	VALUES (NEW.code, NEW.revision, v_change, cg_base_setting('actor')::integer,
		coalesce(cg_base_setting('actor_name'), session_user),
		coalesce(cg_base_setting('reason'), ''),
		NEW.community, NEW.geom, NEW.area_m2, NEW.area_class, NEW.initial_date,
		NEW.termination_date, NEW.note);
	RETURN NULL;
END
$$;
CREATE TRIGGER grid_history AFTER INSERT OR UPDATE ON grid
	FOR EACH ROW EXECUTE FUNCTION cg_grid_history();

-- What was there before this migration is revision 1.
INSERT INTO component_history (component, revision, change, at, actor_name, reason,
	version, class_code, name, geom, dept_main, dept_owner, dept_maint, grid, status,
	data_source, initial_date, change_date, note, retired_at)
SELECT id, revision, 'add', initial_date, 'migration 025', '', version, class_code, name,
	geom, dept_main, dept_owner, dept_maint, grid, status, data_source, initial_date,
	change_date, note, retired_at
FROM component;
INSERT INTO grid_history (code, revision, change, at, actor_name, reason, community, geom,
	area_m2, area_class, initial_date, termination_date, note)
SELECT code, revision, CASE WHEN termination_date IS NULL THEN 'add' ELSE 'retire' END,
	initial_date, 'migration 025', '', community, geom, area_m2, area_class, initial_date,
	termination_date, note
FROM grid;

-- Is a grid in force today?
CREATE FUNCTION cg_grid_active(p_termination date) RETURNS boolean
LANGUAGE sql STABLE PARALLEL SAFE AS $$
	SELECT p_termination IS NULL OR p_termination > current_date
$$;

-- A case keeps the revision of the component it is about, as it was
-- when the case was registered.
ALTER TABLE cases ADD COLUMN component_revision integer;
UPDATE cases c SET component_revision = m.revision
FROM component m WHERE m.id = c.component;
ALTER TABLE cases ADD CONSTRAINT cases_component_revision_fkey
	FOREIGN KEY (component, component_revision) REFERENCES component_history (component, revision);
ALTER TABLE cases ADD CONSTRAINT cases_component_revision_set
	CHECK ((component IS NULL) = (component_revision IS NULL));

CREATE FUNCTION cg_case_base() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
	m component;
	g grid;
BEGIN
	IF NEW.component IS NOT NULL AND (TG_OP = 'INSERT' OR
			NEW.component IS DISTINCT FROM OLD.component) THEN
		SELECT * INTO m FROM component WHERE id = NEW.component;
		IF FOUND AND m.retired_at IS NOT NULL THEN
			RAISE EXCEPTION '部件 % 已于 % 撤销', m.id,
				to_char(m.retired_at AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD')
				USING ERRCODE = 'check_violation';
		END IF;
		NEW.component_revision := m.revision;
	ELSIF NEW.component IS NULL THEN
		NEW.component_revision := NULL;
	END IF;
	IF TG_OP = 'INSERT' AND NEW.grid IS NOT NULL THEN
		SELECT * INTO g FROM grid WHERE code = NEW.grid;
		IF FOUND AND NOT cg_grid_active(g.termination_date) THEN
			RAISE EXCEPTION '网格 % 已于 % 撤销', g.code, g.termination_date
				USING ERRCODE = 'check_violation';
		END IF;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER cases_base BEFORE INSERT OR UPDATE OF component ON cases
	FOR EACH ROW EXECUTE FUNCTION cg_case_base();

-- A component goes only into a grid in force.
CREATE OR REPLACE FUNCTION component_in_grid() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NOT EXISTS (SELECT 1 FROM grid
	               WHERE code = NEW.grid AND ST_Covers(geom, NEW.geom)) THEN
		RAISE EXCEPTION '部件 % 不在网格 % 内', NEW.id, NEW.grid
			USING ERRCODE = 'check_violation';
	END IF;
	IF NEW.retired_at IS NULL AND NOT EXISTS (SELECT 1 FROM grid
			WHERE code = NEW.grid AND cg_grid_active(termination_date)) THEN
		RAISE EXCEPTION '部件 % 所在的网格 % 已撤销', NEW.id, NEW.grid
			USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END
$$;

-- The layers in force, for QGIS and psql (citygrid-data(7), LAYERS).
CREATE VIEW grid_current AS
SELECT g.code, g.community, c.name AS community_name, c.parent AS street,
       s.name AS street_name, g.area_m2, g.area_class, g.initial_date, g.revision, g.note,
       g.geom
FROM grid g
JOIN division c ON c.code = g.community
JOIN division s ON s.code = c.parent
WHERE cg_grid_active(g.termination_date);

CREATE VIEW component_current AS
SELECT m.id, m.version, m.class_code, k.name AS class_name, m.name, m.grid,
       dm.code AS dept_main, dow.code AS dept_owner, dma.code AS dept_maint,
       m.status, m.data_source, m.initial_date, m.change_date, m.revision, m.note, m.geom
FROM component m
JOIN class_code k ON k.version = m.version AND k.kind = m.kind AND k.code = m.class_code
LEFT JOIN department dm ON dm.id = m.dept_main
LEFT JOIN department dow ON dow.id = m.dept_owner
LEFT JOIN department dma ON dma.id = m.dept_maint
WHERE m.retired_at IS NULL;

CREATE VIEW address_current AS
SELECT a.id, a.kind, a.name, a.full_name, a.district, a.area_name, a.road, a.door_no,
       a.building, a.poi, a.aliases, a.grid, a.community, a.valid_from, a.geom
FROM address a
WHERE a.valid_to IS NULL OR a.valid_to > current_date;
