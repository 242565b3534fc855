-- 013-cradle-list.sql: cradle.list counts each session's records, so
-- they are looked up by session.
CREATE INDEX cradle_record_session_idx ON cradle_record (session);
