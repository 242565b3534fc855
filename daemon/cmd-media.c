/*
 * cmd-media.c: photos in and out of the content-addressed store, in
 * chunks small enough for one frame.  media.put sends a chunk at an
 * offset and answers how much the store holds, so a client that lost
 * its connection resumes where the store is; the last chunk checks the
 * SHA-256 in the database (cg_media_put, 007-media.sql).  media.get
 * reads a chunk back.  Bytes travel as base64 and are decoded and
 * encoded by PostgreSQL: the daemon never holds a whole photo.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "citygridd.h"

#define MEDIA_CHUNK_MAX	(512 * 1024)	/* raw bytes of one chunk */

static const char media_put_sql[] =
    "SELECT cg_media_put($1, $2, $3::integer, $4::integer,"
    " decode($5, 'base64'), $6::integer) AS have";

static const char media_get_sql[] =
    "SELECT sha256, mime, bytes, $2::integer AS offset,"
    " translate(encode(substring(data FROM $2::integer + 1 FOR $3::integer),"
    "  'base64'), E'\\n', '') AS data"
    " FROM media WHERE sha256 = $1";

/* Is s a SHA-256 in lower-case hex? */
static int
media_hash_ok(const char *s)
{
	return s != NULL && strlen(s) == 64 &&
	    strspn(s, "0123456789abcdef") == 64;
}

/* Is s base64 (RFC 4648, padded) of at most MEDIA_CHUNK_MAX bytes? */
static int
media_base64_ok(const char *s)
{
	size_t n = strlen(s), body = strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	    "abcdefghijklmnopqrstuvwxyz0123456789+/");

	if (n % 4 != 0 || n / 4 * 3 > MEDIA_CHUNK_MAX + 2)
		return 0;
	return body == n || (n - body <= 2 && strspn(s + body, "=") == n - body);
}

static void
media_put_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;
	long have, bytes;

	if (cmd_failed(r, res, err))
		return;
	have = strtol(PQgetvalue(res, 0, 0), NULL, 10);
	bytes = (long)json_integer_value(json_object_get(r->args, "bytes"));
	if (have < 0) {
		cmd_req_error(r, PE_INVALID, "照片内容与哈希 %s 不符, 已丢弃, 须从头重传",
		    arg_str(r->args, "sha256"));
		return;
	}
	cmd_req_reply(r, json_pack("{s:s, s:I, s:I, s:b}", "sha256",
	    arg_str(r->args, "sha256"), "have", (json_int_t)have, "bytes",
	    (json_int_t)bytes, "done", have == bytes));
}

/*
 * media.put {sha256, mime, bytes, offset, data}: a chunk of a photo.
 * Without data (or with an offset the store is not at) it only asks.
 */
void
cmd_media_put(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *sha = arg_str(args, "sha256"), *mime = arg_str(args, "mime");
	const char *data = arg_str(args, "data"), *params[6];
	json_t *bytes = json_object_get(args, "bytes");
	json_t *offset = json_object_get(args, "offset");
	char b[24], o[24], op[24];

	if (!media_hash_ok(sha)) {
		cmd_req_error(r, PE_INVALID, "sha256 须为 64 位小写十六进制");
		return;
	}
	if (mime == NULL || strncmp(mime, "image/", 6) != 0) {
		cmd_req_error(r, PE_INVALID, "mime 须为 image/... (如 image/jpeg)");
		return;
	}
	if (!json_is_integer(bytes) || json_integer_value(bytes) <= 0 ||
	    (offset != NULL && !json_is_integer(offset))) {
		cmd_req_error(r, PE_INVALID, "bytes 须为正整数, offset 须为整数");
		return;
	}
	if (data != NULL && !media_base64_ok(data)) {
		cmd_req_error(r, PE_INVALID, "data 须为 base64, 每块至多 %d 字节",
		    MEDIA_CHUNK_MAX);
		return;
	}
	snprintf(b, sizeof b, "%lld", (long long)json_integer_value(bytes));
	snprintf(o, sizeof o, "%lld", (long long)json_integer_value(offset));
	snprintf(op, sizeof op, "%d", c->op->id);
	params[0] = sha;
	params[1] = mime;
	params[2] = b;
	params[3] = o;
	params[4] = data != NULL ? data : "";
	params[5] = op;
	cmd_query(r, media_put_sql, 6, params, media_put_done);
}

/* media.get {sha256, offset, length}: a chunk of a stored photo. */
void
cmd_media_get(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *sha = arg_str(args, "sha256"), *params[3];
	json_t *offset = json_object_get(args, "offset");
	json_t *length = json_object_get(args, "length");
	json_int_t off = json_integer_value(offset), len = MEDIA_CHUNK_MAX;
	char o[24], l[24];

	if (!media_hash_ok(sha)) {
		cmd_req_error(r, PE_INVALID, "sha256 须为 64 位小写十六进制");
		return;
	}
	if ((offset != NULL && (!json_is_integer(offset) || off < 0)) ||
	    (length != NULL && (!json_is_integer(length) ||
	    (len = json_integer_value(length)) < 0 || len > MEDIA_CHUNK_MAX))) {
		cmd_req_error(r, PE_INVALID, "offset 须为非负整数, length 在 0 到 %d 之间",
		    MEDIA_CHUNK_MAX);
		return;
	}
	snprintf(o, sizeof o, "%lld", (long long)off);
	snprintf(l, sizeof l, "%lld", (long long)len);
	params[0] = sha;
	params[1] = o;
	params[2] = l;
	xasprintf(&r->p1, "照片 %s", sha);
	cmd_query(r, media_get_sql, 3, params, cmd_row_done);
}
