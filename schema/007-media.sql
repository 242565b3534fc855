-- 007-media.sql: photos sent to the store in chunks, and attachments
-- that must name stored photos.
--
-- A client sends a photo as (SHA-256, type, size) and chunks at byte
-- offsets (media.put).  The chunks gather in media_upload; the last one
-- checks the hash and moves the photo into media (002-core.sql), which
-- is content-addressed, so the same photo sent twice is stored once.  A
-- client that lost its connection asks how much is there and sends the
-- rest.  Uploads left unfinished for a week are dropped.

CREATE TABLE media_upload (
	sha256    text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
	mime      text NOT NULL CHECK (mime ~ '^[a-z]+/[a-z0-9.+-]+$'),
	bytes     integer NOT NULL CHECK (bytes > 0 AND bytes <= 33554432),
	data      bytea NOT NULL DEFAULT '',
	operator  integer REFERENCES operator,
	started   timestamptz NOT NULL DEFAULT now(),
	updated   timestamptz NOT NULL DEFAULT now(),
	CONSTRAINT media_upload_within CHECK (length(data) < bytes)
);

/*
 * One chunk of a photo: data at p_offset of p_bytes in all.  Returns
 * how many bytes the store holds, which is where the next chunk starts:
 * p_bytes once the photo is stored (also when it already was), the
 * bytes gathered so far when p_offset is not there (a resent or early
 * chunk changes nothing; an empty chunk at 0 just asks), or -1 when the
 * whole photo does not match its hash: the upload is dropped and must
 * start again.
 */
CREATE FUNCTION cg_media_put(p_sha text, p_mime text, p_bytes integer,
	p_offset integer, p_data bytea, p_operator integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	m media%ROWTYPE;
	u media_upload%ROWTYPE;
	have integer;
BEGIN
	IF p_sha IS NULL OR p_sha !~ '^[0-9a-f]{64}$' THEN
		RAISE EXCEPTION '照片哈希须为 64 位小写十六进制 SHA-256: %', p_sha
		    USING ERRCODE = 'CGINV';
	END IF;
	IF p_bytes IS NULL OR p_bytes <= 0 OR p_bytes > 33554432 THEN
		RAISE EXCEPTION '照片大小须在 1 字节到 32 MiB 之间: %', p_bytes
		    USING ERRCODE = 'CGINV';
	END IF;
	IF p_mime IS NULL OR p_mime !~ '^image/[a-z0-9.+-]+$' THEN
		RAISE EXCEPTION '照片类型须为 image/...: %', p_mime USING ERRCODE = 'CGINV';
	END IF;
	IF p_offset IS NULL OR p_offset < 0 OR p_offset > p_bytes THEN
		RAISE EXCEPTION '照片偏移 % 超出大小 %', p_offset, p_bytes
		    USING ERRCODE = 'CGINV';
	END IF;

	SELECT * INTO m FROM media WHERE sha256 = p_sha;
	IF FOUND THEN
		IF m.bytes <> p_bytes THEN
			RAISE EXCEPTION '照片 % 已存, 大小为 % 字节, 不是 %', p_sha, m.bytes, p_bytes
			    USING ERRCODE = 'CGINV';
		END IF;
		RETURN m.bytes;
	END IF;

	DELETE FROM media_upload WHERE updated < now() - interval '7 days';
	SELECT * INTO u FROM media_upload WHERE sha256 = p_sha FOR UPDATE;
	IF NOT FOUND THEN
		INSERT INTO media_upload (sha256, mime, bytes, operator)
		VALUES (p_sha, p_mime, p_bytes, p_operator) RETURNING * INTO u;
	ELSIF u.bytes <> p_bytes OR u.mime <> p_mime THEN
		RAISE EXCEPTION '照片 % 正在上传, 大小 % 字节, 类型 %; 与本次不符', p_sha,
		    u.bytes, u.mime USING ERRCODE = 'CGINV';
	END IF;

	have := length(u.data);
	IF p_offset <> have OR coalesce(length(p_data), 0) = 0 THEN
		RETURN have;
	END IF;
	IF have + length(p_data) > p_bytes THEN
		RAISE EXCEPTION '照片数据超出所报大小 % 字节', p_bytes USING ERRCODE = 'CGINV';
	END IF;
	IF have + length(p_data) < p_bytes THEN
		UPDATE media_upload SET data = data || p_data, updated = now()
		WHERE sha256 = p_sha;
		RETURN have + length(p_data);
	END IF;

	DELETE FROM media_upload WHERE sha256 = p_sha;
	IF encode(sha256(u.data || p_data), 'hex') <> p_sha THEN
		RETURN -1;
	END IF;
	INSERT INTO media (sha256, mime, bytes, data)
	VALUES (p_sha, p_mime, p_bytes, u.data || p_data);
	RETURN p_bytes;
END $$;

-- Attachments of log rows and photos of task results name stored photos
-- (the trigger's argument is the column).
CREATE FUNCTION cg_media_known() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	missing text;
BEGIN
	SELECT a INTO missing
	FROM jsonb_array_elements_text(to_jsonb(NEW)->TG_ARGV[0]) a
	WHERE NOT EXISTS (SELECT 1 FROM media m WHERE m.sha256 = a)
	LIMIT 1;
	IF missing IS NOT NULL THEN
		RAISE EXCEPTION '照片 % 未上传 (先用 media put 上传)', missing
		    USING ERRCODE = 'CGNOT';
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER case_log_media BEFORE INSERT ON case_log
	FOR EACH ROW WHEN (cardinality(NEW.attachments) > 0)
	EXECUTE FUNCTION cg_media_known('attachments');
CREATE TRIGGER task_media BEFORE INSERT OR UPDATE OF photos ON task
	FOR EACH ROW WHEN (cardinality(NEW.photos) > 0)
	EXECUTE FUNCTION cg_media_known('photos');
