/*
 * proto.c: frame and message codec of the citygrid protocol.  Pure
 * functions over buffers: the daemon and the client feed them from
 * their own event loops, the unit tests and the fuzz target directly.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "proto.h"

static const struct proto_error_entry {
	const char	*name;
	int		 exit_code;	/* of citygrid(1), see its EXIT STATUS */
} proto_errors[PE_COUNT] = {
	[PE_FRAME] =		{ "E_FRAME", 70 },
	[PE_TOOBIG] =		{ "E_TOOBIG", 70 },
	[PE_PROTO] =		{ "E_PROTO", 70 },
	[PE_AUTH] =		{ "E_AUTH", 77 },
	[PE_ROLE] =		{ "E_ROLE", 77 },
	[PE_STATE] =		{ "E_STATE", 65 },
	[PE_CONFLICT] =		{ "E_CONFLICT", 75 },
	[PE_NOTFOUND] =		{ "E_NOTFOUND", 66 },
	[PE_INVALID] =		{ "E_INVALID", 65 },
	[PE_DB] =		{ "E_DB", 69 },
	[PE_BUSY] =		{ "E_BUSY", 75 },
	[PE_UNKNOWN_OP] =	{ "E_UNKNOWN_OP", 64 },
	[PE_INTERNAL] =		{ "E_INTERNAL", 70 },
};

/*
 * Is there a whole frame at the start of buf?  On PROTO_COMPLETE the
 * payload length is stored; the frame is PROTO_HEADER + that many bytes.
 * A length of zero or above max is PROTO_BAD: the stream cannot be
 * resynchronised, so the caller answers E_FRAME or E_TOOBIG and closes.
 */
enum proto_frame_status
proto_frame_check(const uint8_t *buf, size_t len, size_t max, uint32_t *plen)
{
	uint32_t n;

	if (len < PROTO_HEADER)
		return PROTO_NEED;
	n = (uint32_t)buf[0] << 24 | (uint32_t)buf[1] << 16 |
	    (uint32_t)buf[2] << 8 | (uint32_t)buf[3];
	*plen = n;
	if (n == 0 || n > max)
		return PROTO_BAD;
	if (len - PROTO_HEADER < n)
		return PROTO_NEED;
	return PROTO_COMPLETE;
}

void
proto_put_header(uint8_t *buf, uint32_t n)
{
	buf[0] = n >> 24;
	buf[1] = n >> 16;
	buf[2] = n >> 8;
	buf[3] = n;
}

/* Parse one payload; it must be a JSON object.  NULL with a message. */
json_t *
proto_parse(const char *payload, size_t len, char *err, size_t errlen)
{
	json_error_t jerr;
	json_t *msg;

	msg = json_loadb(payload, len, JSON_REJECT_DUPLICATES, &jerr);
	if (msg == NULL) {
		snprintf(err, errlen, "JSON 无效 (第 %d 字节): %s",
		    jerr.position, jerr.text);
		return NULL;
	}
	if (!json_is_object(msg)) {
		snprintf(err, errlen, "消息须为 JSON 对象");
		json_decref(msg);
		return NULL;
	}
	return msg;
}

/*
 * Encode a message as one frame, header included; the caller frees it.
 * NULL if it would be longer than max.
 */
char *
proto_encode(const json_t *msg, size_t max, size_t *len)
{
	size_t n;
	char *buf;

	n = json_dumpb(msg, NULL, 0, JSON_COMPACT);
	if (n == 0 || n > max)
		return NULL;
	buf = xmalloc(PROTO_HEADER + n);
	if (json_dumpb(msg, buf + PROTO_HEADER, n, JSON_COMPACT) != n)
		fatalx("proto_encode: JSON size changed");
	proto_put_header((uint8_t *)buf, n);
	*len = PROTO_HEADER + n;
	return buf;
}

/* The constructors take ownership of the JSON values passed in. */
json_t *
proto_request(uint64_t id, const char *op, json_t *args)
{
	return json_pack("{s:I, s:s, s:o}", "id", (json_int_t)id, "op", op,
	    "args", args != NULL ? args : json_object());
}

json_t *
proto_reply_ok(uint64_t id, json_t *result)
{
	return json_pack("{s:I, s:b, s:o}", "id", (json_int_t)id, "ok", 1,
	    "result", result != NULL ? result : json_null());
}

json_t *
proto_reply_error(uint64_t id, enum proto_error code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return json_pack("{s:I, s:b, s:{s:s, s:s}}", "id", (json_int_t)id,
	    "ok", 0, "error", "code", proto_error_name(code), "message", msg);
}

json_t *
proto_event(const char *name, json_t *data)
{
	return json_pack("{s:s, s:o}", "event", name,
	    "data", data != NULL ? data : json_object());
}

/*
 * Take a request apart.  The id must be a non-negative integer, op a
 * non-empty string, args absent or an object.  Borrowed references.
 */
int
proto_request_parse(const json_t *msg, uint64_t *id, const char **op,
    json_t **args, char *err, size_t errlen)
{
	json_t *jid, *jop, *jargs;

	jid = json_object_get(msg, "id");
	jop = json_object_get(msg, "op");
	jargs = json_object_get(msg, "args");
	*id = 0;
	if (!json_is_integer(jid) || json_integer_value(jid) < 0) {
		snprintf(err, errlen, "请求缺少非负整数 id");
		return -1;
	}
	*id = (uint64_t)json_integer_value(jid);
	if (!json_is_string(jop) || json_string_length(jop) == 0) {
		snprintf(err, errlen, "请求缺少 op");
		return -1;
	}
	if (jargs != NULL && !json_is_object(jargs)) {
		snprintf(err, errlen, "args 须为 JSON 对象");
		return -1;
	}
	*op = json_string_value(jop);
	*args = jargs;
	return 0;
}

const char *
proto_error_name(enum proto_error code)
{
	if ((unsigned)code >= PE_COUNT)
		return "E_INTERNAL";
	return proto_errors[code].name;
}

/* The code of a name, or -1. */
int
proto_error_from_name(const char *name)
{
	int i;

	for (i = 0; i < PE_COUNT; i++) {
		if (strcmp(proto_errors[i].name, name) == 0)
			return i;
	}
	return -1;
}

int
proto_error_exit(enum proto_error code)
{
	if ((unsigned)code >= PE_COUNT)
		return 70;
	return proto_errors[code].exit_code;
}
