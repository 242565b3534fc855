-- 011: a track that grew on the handheld after its TRACK_QUERY is
-- taken as it grows (within 16 MiB), instead of its chunks past the
-- queried size being answered with the old offset until the handheld
-- asks again.

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
CREATE OR REPLACE FUNCTION cg_cradle_track_put(p_uuid uuid, p_offset integer, p_len integer,
	p_last_date date, p_good integer, p_bad integer, p_unknown integer,
	p_positions jsonb)
RETURNS TABLE (received integer, positions integer, skipped integer, stored integer)
LANGUAGE plpgsql AS $$
DECLARE
	t cradle_track;
	n integer;
BEGIN
	-- A track that grew since its query grows here too, within the bound.
	UPDATE cradle_track c SET received = c.received + p_len,
		size = greatest(c.size, c.received + p_len),
		last_date = coalesce(p_last_date, c.last_date), good = c.good + p_good,
		bad = c.bad + p_bad, unknown = c.unknown + p_unknown, updated_at = now()
	WHERE c.uuid = p_uuid AND c.received = p_offset AND c.received + p_len <= 16777216
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
