-- 010: what the handhelds bring to the cradle (citygrid-cradle(7)).
--
-- A docking is a cradle_session.  Every record a handheld uploads (a
-- report, a verification or check result) carries a UUID the device
-- made; it is kept in cradle_record in the same transaction as what the
-- record did, so a record resent after a cut cable is found there and
-- acknowledged again, never applied twice.  Reports become cases through
-- cg_case_new and results advance their cases through cg_case_step, the
-- same functions case.new and the workflow steps use.  Photos go through
-- media uploads (007) into the content-addressed media table.  GPS
-- tracks arrive as NMEA 0183 text, uploaded at offsets like photos; the
-- daemon parses them and stores the positions, and each collector's day
-- gets a line.

-- One docking of one handheld, with both sides' counts at the end.
CREATE TABLE cradle_session (
	id             bigserial PRIMARY KEY,
	device_id      text NOT NULL REFERENCES handheld,
	collector      integer NOT NULL REFERENCES collector,
	port           text NOT NULL,
	firmware       text NOT NULL DEFAULT '',
	msg_version    integer NOT NULL,
	device_clock   timestamptz,                  -- the handheld's, in its hello
	started_at     timestamptz NOT NULL DEFAULT now(),
	ended_at       timestamptz,
	end_reason     text,                         -- bye, cable pulled, timeout ...
	counts         jsonb NOT NULL DEFAULT '{}',  -- the daemon's, by counter name
	device_counts  jsonb NOT NULL DEFAULT '{}'   -- the handheld's, from its bye
);
CREATE INDEX cradle_session_device_idx ON cradle_session (device_id, started_at);

-- Records committed, by the device's UUID.
CREATE TABLE cradle_record (
	uuid         uuid PRIMARY KEY,
	session      bigint REFERENCES cradle_session,
	device_id    text NOT NULL REFERENCES handheld,
	collector    integer NOT NULL REFERENCES collector,
	kind         text NOT NULL CHECK (kind IN ('report', 'verify', 'check')),
	case_id      bigint NOT NULL REFERENCES cases,
	log_id       bigint,                          -- results: the step's log row (no key:
	                                              -- case_log refuses TRUNCATE by its trigger)
	device_at    timestamptz,                     -- found, or done, by the device's clock
	received_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX cradle_record_case_idx ON cradle_record (case_id);

-- Track uploads: NMEA text at offsets, each chunk whole sentences.
CREATE TABLE cradle_track (
	uuid        uuid PRIMARY KEY,
	device_id   text NOT NULL REFERENCES handheld,
	collector   integer NOT NULL REFERENCES collector,
	size        integer NOT NULL CHECK (size >= 0 AND size <= 16777216),
	received    integer NOT NULL DEFAULT 0,
	last_date   date,                 -- of the last RMC, for GGA and GNS
	good        integer NOT NULL DEFAULT 0,   -- sentences with a checksum that holds
	bad         integer NOT NULL DEFAULT 0,   -- skipped: checksum, malformed
	unknown     integer NOT NULL DEFAULT 0,   -- skipped: sentences we do not read
	positions   integer NOT NULL DEFAULT 0,   -- stored
	started_at  timestamptz NOT NULL DEFAULT now(),
	updated_at  timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT cradle_track_received CHECK (received >= 0 AND received <= size)
);

-- Positions of a collector's patrol, one per instant.
CREATE TABLE patrol_position (
	id         bigserial PRIMARY KEY,
	collector  integer NOT NULL REFERENCES collector,
	day        date NOT NULL,                -- in China time
	at         timestamptz NOT NULL,
	geom       geometry(Point, 4490) NOT NULL,
	talker     text NOT NULL CHECK (talker ~ '^[A-Z]{2}$'),  -- GP, BD, GB, GN ...
	sentence   text NOT NULL CHECK (sentence IN ('RMC', 'GGA', 'GNS')),
	speed_kn   real,
	course     real,
	hdop       real,
	sats       smallint,
	track      uuid REFERENCES cradle_track,
	UNIQUE (collector, at)
);
CREATE INDEX patrol_position_day_idx ON patrol_position (collector, day, at);
CREATE INDEX patrol_position_track_idx ON patrol_position (track);

-- A collector's patrol of one day, as a line through its positions.
CREATE TABLE patrol_track (
	collector   integer NOT NULL REFERENCES collector,
	day         date NOT NULL,
	positions   integer NOT NULL,
	first_at    timestamptz NOT NULL,
	last_at     timestamptz NOT NULL,
	line        geometry(LineString, 4490),  -- NULL below two positions
	length_m    double precision NOT NULL DEFAULT 0,
	updated_at  timestamptz NOT NULL DEFAULT now(),
	PRIMARY KEY (collector, day)
);

-- Keep a record's UUID with what it did.  Raises unique_violation if
-- the record was committed before: the caller's transaction rolls back
-- and the record is acknowledged as a duplicate.
CREATE FUNCTION cg_cradle_receipt(p jsonb, p_case bigint, p_log bigint)
RETURNS boolean LANGUAGE sql AS $$
	INSERT INTO cradle_record (uuid, session, device_id, collector, kind, case_id,
		log_id, device_at)
	VALUES ((p->>'uuid')::uuid, (p->>'session')::bigint, p->>'device',
		(p->>'collector')::integer, p->>'kind',
		coalesce(p_case, (SELECT l.case_id FROM case_log l WHERE l.id = p_log)),
		p_log, (p->>'device_at')::timestamptz)
	RETURNING true
$$;

/*
 * A report from a handheld: a new case by cg_case_new, its photos (p's
 * "photos", SHA-256 of stored media) on a log row of their own, and the
 * receipt, in one transaction.  A UUID seen before returns its case,
 * created false.
 */
CREATE FUNCTION cg_cradle_report(p_receipt jsonb, p jsonb, p_at timestamptz,
	p_actor_name text, p_stage jsonb)
RETURNS TABLE (id bigint, case_no text, created boolean, likely_duplicate text)
LANGUAGE plpgsql AS $$
DECLARE
	v_id bigint;
	v_no text;
	v_dup text;
	v_photos text[] := ARRAY(SELECT jsonb_array_elements_text(coalesce(p->'photos', '[]')));
BEGIN
	SELECT c.id, c.case_no INTO v_id, v_no FROM cradle_record r JOIN cases c ON c.id = r.case_id
	WHERE r.uuid = (p_receipt->>'uuid')::uuid;
	IF FOUND THEN
		RETURN QUERY SELECT v_id, v_no, false, NULL::text;
		RETURN;
	END IF;
	SELECT n.id, n.case_no, n.likely_duplicate INTO v_id, v_no, v_dup
	FROM cg_case_new(p - 'photos', p_at, NULL, p_actor_name, p_stage) n;
	IF cardinality(v_photos) > 0 THEN
		INSERT INTO case_log (case_id, at, actor, actor_name, action, from_state,
			to_state, attachments, detail, row_version)
		VALUES (v_id, p_at, NULL, p_actor_name, 'attach', 'reported', 'reported',
			v_photos, jsonb_build_object('action_name', '上报照片',
			'source', 'cradle'), 1);
	END IF;
	PERFORM cg_cradle_receipt(p_receipt, v_id, NULL);
	RETURN QUERY SELECT v_id, v_no, true, v_dup;
END
$$;

-- Redraw the lines of a collector's days from their positions.
CREATE FUNCTION cg_patrol_refresh(p_collector integer, p_days date[])
RETURNS void LANGUAGE sql AS $$
	INSERT INTO patrol_track AS t (collector, day, positions, first_at, last_at, line,
		length_m, updated_at)
	SELECT p_collector, p.day, count(*), min(p.at), max(p.at),
		CASE WHEN count(*) >= 2 THEN ST_MakeLine(p.geom ORDER BY p.at) END,
		coalesce(ST_Length(ST_MakeLine(p.geom ORDER BY p.at)::geography), 0), now()
	FROM patrol_position p
	WHERE p.collector = p_collector AND p.day = ANY (p_days)
	GROUP BY p.day
	ON CONFLICT (collector, day) DO UPDATE SET positions = EXCLUDED.positions,
		first_at = EXCLUDED.first_at, last_at = EXCLUDED.last_at,
		line = EXCLUDED.line, length_m = EXCLUDED.length_m, updated_at = now()
$$;

/*
 * Start or resume a track upload: p_size is the track's length on the
 * device now (a track grows while the patrol goes on).  Returns what is
 * held: the bytes, the date of the last RMC, the positions stored and
 * the sentences skipped.
 */
CREATE FUNCTION cg_cradle_track_open(p_uuid uuid, p_device text, p_collector integer,
	p_size integer)
RETURNS TABLE (received integer, last_date date, positions integer, skipped integer,
	size integer)
LANGUAGE plpgsql AS $$
BEGIN
	INSERT INTO cradle_track (uuid, device_id, collector, size)
	VALUES (p_uuid, p_device, p_collector, p_size)
	ON CONFLICT (uuid) DO UPDATE SET size = greatest(cradle_track.size, EXCLUDED.size),
		updated_at = now()
	WHERE cradle_track.device_id = EXCLUDED.device_id;
	RETURN QUERY SELECT t.received, t.last_date, t.positions, t.bad + t.unknown, t.size
	FROM cradle_track t WHERE t.uuid = p_uuid AND t.device_id = p_device;
	IF NOT FOUND THEN
		RAISE EXCEPTION '轨迹 % 属于另一台手持终端', p_uuid USING ERRCODE = 'CGINV';
	END IF;
END
$$;

/*
 * One chunk of a track, parsed by the daemon: p_len bytes at p_offset
 * gave p_positions ([{at, lon, lat, talker, sentence, speed, course,
 * hdop, sats}]) and counts.  Applied
 * only if the track holds exactly p_offset bytes (a resent chunk changes
 * nothing).  Returns the bytes held after it, the positions stored
 * from the track and the sentences skipped so far (what TRACK_ACK
 * says), and the positions this chunk stored; a finished track redraws
 * its days' lines.
 */
CREATE FUNCTION cg_cradle_track_put(p_uuid uuid, p_offset integer, p_len integer,
	p_last_date date, p_good integer, p_bad integer, p_unknown integer,
	p_positions jsonb)
RETURNS TABLE (received integer, positions integer, skipped integer, stored integer)
LANGUAGE plpgsql AS $$
DECLARE
	t cradle_track;
	n integer;
BEGIN
	UPDATE cradle_track c SET received = c.received + p_len,
		last_date = coalesce(p_last_date, c.last_date), good = c.good + p_good,
		bad = c.bad + p_bad, unknown = c.unknown + p_unknown, updated_at = now()
	WHERE c.uuid = p_uuid AND c.received = p_offset AND c.received + p_len <= c.size
	RETURNING * INTO t;
	IF NOT FOUND THEN
		RETURN QUERY SELECT c.received, c.positions, c.bad + c.unknown, 0
		FROM cradle_track c WHERE c.uuid = p_uuid;
		RETURN;
	END IF;
	INSERT INTO patrol_position (collector, day, at, geom, talker, sentence, speed_kn,
		course, hdop, sats, track)
	SELECT t.collector, (to_timestamp((x->>'at')::float8 / 1000) AT TIME ZONE 'Asia/Shanghai')::date,
		to_timestamp((x->>'at')::float8 / 1000),
		ST_SetSRID(ST_MakePoint((x->>'lon')::float8, (x->>'lat')::float8), 4490),
		x->>'talker', x->>'sentence', (x->>'speed')::real, (x->>'course')::real,
		(x->>'hdop')::real, (x->>'sats')::smallint, p_uuid
	FROM jsonb_array_elements(coalesce(p_positions, '[]')) x
	ON CONFLICT (collector, at) DO NOTHING;
	GET DIAGNOSTICS n = ROW_COUNT;
	UPDATE cradle_track c SET positions = c.positions + n WHERE c.uuid = p_uuid;
	IF t.received = t.size THEN
		PERFORM cg_patrol_refresh(t.collector, ARRAY(SELECT DISTINCT p.day
			FROM patrol_position p WHERE p.track = p_uuid));
	END IF;
	RETURN QUERY SELECT t.received, t.positions + n, t.bad + t.unknown, n;
END
$$;

-- The code table a handheld holds is named by its standard and this
-- digest (the first 8 bytes of a SHA-256 of its rows, hex), so a docking
-- sends the table only when it changed.
CREATE FUNCTION cg_cradle_codes_digest(p_version text) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT left(encode(sha256(convert_to(coalesce(string_agg(
		k.kind || '|' || k.code || '|' || k.major_name || '|' || k.name, E'\n'
		ORDER BY k.kind, k.code), ''), 'UTF8')), 'hex'), 16)
	FROM class_code k WHERE k.version = p_version
$$;

/*
 * A handheld says hello: is it known and active, and does it belong to
 * the collector it names?  If so the docking starts (a cradle_session
 * row) and the handheld's firmware is noted.  status is ok, unknown,
 * inactive or collector (then collector_name is whose it is).
 */
CREATE FUNCTION cg_cradle_hello(p_device text, p_collector text, p_firmware text,
	p_model text, p_port text, p_version integer, p_clock_ms bigint, p_standard text)
RETURNS TABLE (status text, session bigint, collector integer, collector_code text,
	collector_name text, digest text)
LANGUAGE plpgsql AS $$
DECLARE
	h handheld;
	c collector;
	sid bigint;
BEGIN
	SELECT * INTO h FROM handheld WHERE device_id = p_device;
	IF NOT FOUND THEN
		RETURN QUERY SELECT 'unknown', NULL::bigint, NULL::integer, NULL::text,
			NULL::text, NULL::text;
		RETURN;
	END IF;
	SELECT * INTO c FROM collector k WHERE k.id = h.collector;
	IF NOT h.active OR c.id IS NULL OR NOT c.active THEN
		RETURN QUERY SELECT 'inactive', NULL::bigint, c.id, c.code, c.name, NULL::text;
		RETURN;
	END IF;
	IF c.code <> p_collector THEN
		RETURN QUERY SELECT 'collector', NULL::bigint, c.id, c.code, c.name, NULL::text;
		RETURN;
	END IF;
	UPDATE handheld SET firmware = p_firmware,
		model = CASE WHEN p_model <> '' THEN p_model ELSE model END
	WHERE device_id = p_device;
	INSERT INTO cradle_session (device_id, collector, port, firmware, msg_version,
		device_clock)
	VALUES (p_device, c.id, p_port, p_firmware, p_version,
		CASE WHEN p_clock_ms > 0 THEN to_timestamp(p_clock_ms / 1000.0) END)
	RETURNING id INTO sid;
	RETURN QUERY SELECT 'ok', sid, c.id, c.code, c.name, cg_cradle_codes_digest(p_standard);
END
$$;
