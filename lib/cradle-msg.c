/*
 * cradle-msg.c: the messages of the cradle line, cradle.h and
 * citygrid-cradle(7).  Each type's payload is a list of fields in one
 * table; one walker encodes a struct cradle_msg by the list, the same
 * walker decodes, and a check per type holds what a list cannot say
 * (enums in range, which fields a kind of record needs).  Both
 * directions run the same checks, so neither side sends what the other
 * would refuse.  Pure functions; no allocation.
 */
#include <stdio.h>
#include <string.h>

#include "cg.h"
#include "cradle.h"

enum cradle_field_kind {
	F_END,
	F_U8,
	F_U16,
	F_U32,
	F_I32,
	F_I64,
	F_RAW,		/* max bytes as they are */
	F_STR8,		/* a length byte, then the bytes */
	F_STR16,	/* two length bytes, then the bytes */
	F_PHOTOS,	/* u8 count, then sha256, u32 size, str8 mime each */
	F_POINTS,	/* u16 count, then i32 lon, i32 lat each */
	F_DATA,		/* the rest of the payload, 1 to max bytes */
	F_COUNTS	/* u8 count, then u32 each */
};

/* What a string may hold. */
enum cradle_charset {
	CS_ID,		/* [A-Za-z0-9_-] */
	CS_DIGITS,	/* [0-9] */
	CS_ASCII,	/* printable ASCII, no space */
	CS_TEXT,	/* UTF-8, no control characters */
	CS_LINES	/* UTF-8, no control characters but tab and newline */
};

struct cradle_field {
	const char	*name;
	uint8_t		 kind;		/* enum cradle_field_kind */
	uint8_t		 cs;		/* strings: enum cradle_charset */
	uint16_t	 min, max;	/* strings and data: length */
	size_t		 off;		/* in struct cradle_msg */
};

#define M(f)	offsetof(struct cradle_msg, u.f)
#define U8(n, f)	{ n, F_U8, 0, 0, 0, M(f) }
#define U16(n, f)	{ n, F_U16, 0, 0, 0, M(f) }
#define U32(n, f)	{ n, F_U32, 0, 0, 0, M(f) }
#define I32(n, f)	{ n, F_I32, 0, 0, 0, M(f) }
#define I64(n, f)	{ n, F_I64, 0, 0, 0, M(f) }
#define RAW(n, f, len)	{ n, F_RAW, 0, len, len, M(f) }
#define S8(n, f, cs, lo, hi)	{ n, F_STR8, cs, lo, hi, M(f) }
#define S16(n, f, cs, lo, hi)	{ n, F_STR16, cs, lo, hi, M(f) }
#define END		{ NULL, F_END, 0, 0, 0, 0 }

static const struct cradle_field f_hello[] = {
	U8("msg_min", hello.msg_min),
	U8("msg_max", hello.msg_max),
	S8("device", hello.device, CS_ID, 1, CRADLE_ID_MAX),
	S8("collector", hello.collector, CS_ID, 1, CRADLE_COLLECTOR_MAX),
	S8("firmware", hello.firmware, CS_TEXT, 0, CRADLE_NAME_MAX),
	S8("model", hello.model, CS_TEXT, 0, CRADLE_NAME_MAX),
	I64("time", hello.time_ms),
	U32("pending_records", hello.pending_records),
	U32("pending_bytes", hello.pending_bytes),
	END
};

static const struct cradle_field f_hello_ack[] = {
	U8("msg_version", hello_ack.msg_version),
	U8("window", hello_ack.window),
	U16("payload_max", hello_ack.payload_max),
	U32("session", hello_ack.session),
	I64("time", hello_ack.time_ms),
	S8("collector_name", hello_ack.collector_name, CS_TEXT, 0,
	    CRADLE_NAME_MAX),
	S8("standard", hello_ack.standard, CS_ASCII, 0, CRADLE_STANDARD_MAX),
	RAW("digest", hello_ack.digest, CRADLE_DIGEST),
	END
};

static const struct cradle_field f_refuse[] = {
	U8("reason", refuse.reason),
	U8("msg_min", refuse.msg_min),
	U8("msg_max", refuse.msg_max),
	S16("text", refuse.text, CS_LINES, 0, CRADLE_REASON_MAX),
	END
};

static const struct cradle_field f_record[] = {
	RAW("uuid", record.uuid, CRADLE_UUID),
	U8("kind", record.kind),
	U8("flags", record.flags),
	I64("time", record.time_ms),
	U8("class_kind", record.class_kind),
	S8("class", record.class_code, CS_DIGITS, 0, CRADLE_CLASS_MAX),
	S8("component", record.component, CS_DIGITS, 0, CRADLE_COMPONENT_MAX),
	I32("lon", record.lon),
	I32("lat", record.lat),
	S8("grid", record.grid, CS_DIGITS, 0, CRADLE_GRID_CODE),
	S8("address", record.address, CS_TEXT, 0, CRADLE_ADDRESS_MAX),
	RAW("task", record.task, CRADLE_UUID),
	U8("result", record.result),
	S16("text", record.text, CS_LINES, 0, CRADLE_TEXT_MAX),
	{ "photos", F_PHOTOS, 0, 0, CRADLE_PHOTOS_MAX, M(record.nphotos) },
	END
};

static const struct cradle_field f_record_ack[] = {
	RAW("uuid", record_ack.uuid, CRADLE_UUID),
	U8("status", record_ack.status),
	S8("case_no", record_ack.case_no, CS_ASCII, 0, CRADLE_CASE_NO_MAX),
	S16("text", record_ack.text, CS_LINES, 0, CRADLE_REASON_MAX),
	END
};

static const struct cradle_field f_photo_query[] = {
	RAW("sha256", photo_query.sha256, CRADLE_SHA256),
	U32("size", photo_query.size),
	S8("mime", photo_query.mime, CS_ASCII, 1, CRADLE_MIME_MAX),
	END
};

static const struct cradle_field f_photo_chunk[] = {
	RAW("sha256", chunk.id, CRADLE_SHA256),
	U32("offset", chunk.offset),
	{ "data", F_DATA, 0, 1, CRADLE_PHOTO_CHUNK_MAX, M(chunk.data) },
	END
};

static const struct cradle_field f_photo_ack[] = {
	RAW("sha256", photo_ack.sha256, CRADLE_SHA256),
	U8("status", photo_ack.status),
	U32("offset", photo_ack.offset),
	END
};

static const struct cradle_field f_track_query[] = {
	RAW("uuid", track_query.uuid, CRADLE_UUID),
	U32("size", track_query.size),
	END
};

static const struct cradle_field f_track_chunk[] = {
	RAW("uuid", chunk.id, CRADLE_UUID),
	U32("offset", chunk.offset),
	{ "data", F_DATA, 0, 1, CRADLE_TRACK_CHUNK_MAX, M(chunk.data) },
	END
};

static const struct cradle_field f_track_ack[] = {
	RAW("uuid", track_ack.uuid, CRADLE_UUID),
	U8("status", track_ack.status),
	U32("offset", track_ack.offset),
	U32("good", track_ack.good),
	U32("bad", track_ack.bad),
	END
};

static const struct cradle_field f_task[] = {
	RAW("uuid", task.uuid, CRADLE_UUID),
	U8("kind", task.kind),
	S8("case_no", task.case_no, CS_ASCII, 1, CRADLE_CASE_NO_MAX),
	U8("class_kind", task.class_kind),
	S8("class", task.class_code, CS_DIGITS, 1, CRADLE_CLASS_MAX),
	I32("lon", task.lon),
	I32("lat", task.lat),
	S8("grid", task.grid, CS_DIGITS, 0, CRADLE_GRID_CODE),
	S8("address", task.address, CS_TEXT, 0, CRADLE_ADDRESS_MAX),
	S16("text", task.text, CS_LINES, 0, CRADLE_TEXT_MAX),
	I64("sent", task.sent_ms),
	I64("due", task.due_ms),
	END
};

static const struct cradle_field f_tasks_done[] = {
	U16("count", tasks_done.count),
	END
};

static const struct cradle_field f_codes_req[] = {
	S8("standard", codes_req.standard, CS_ASCII, 0, CRADLE_STANDARD_MAX),
	RAW("digest", codes_req.digest, CRADLE_DIGEST),
	END
};

static const struct cradle_field f_code[] = {
	U8("op", code.op),
	U8("kind", code.kind),
	S8("code", code.code, CS_DIGITS, 1, CRADLE_CLASS_MAX),
	S8("major_name", code.major_name, CS_TEXT, 0, CRADLE_NAME_MAX),
	S8("name", code.name, CS_TEXT, 0, CRADLE_NAME_MAX),
	END
};

static const struct cradle_field f_codes_done[] = {
	U8("flags", codes_done.flags),
	S8("standard", codes_done.standard, CS_ASCII, 1, CRADLE_STANDARD_MAX),
	RAW("digest", codes_done.digest, CRADLE_DIGEST),
	U16("count", codes_done.count),
	END
};

static const struct cradle_field f_grid[] = {
	S8("code", grid.code, CS_DIGITS, CRADLE_GRID_CODE, CRADLE_GRID_CODE),
	U8("area_class", grid.area_class),
	U8("polygon", grid.polygon),
	U8("ring", grid.ring),
	U8("part", grid.part),
	U8("flags", grid.flags),
	{ "points", F_POINTS, 0, 1, CRADLE_GRID_POINTS_MAX, M(grid.npoints) },
	END
};

static const struct cradle_field f_grids_done[] = {
	U16("grids", grids_done.grids),
	U16("messages", grids_done.messages),
	END
};

static const struct cradle_field f_clock_req[] = {
	I64("t1", clock.t1),
	END
};

static const struct cradle_field f_clock[] = {
	I64("t1", clock.t1),
	I64("t2", clock.t2),
	I64("t3", clock.t3),
	END
};

static const struct cradle_field f_bye[] = {
	{ "counts", F_COUNTS, 0, 0, CRADLE_COUNTERS_MAX, M(bye.ncounts) },
	END
};

static const struct cradle_field f_error[] = {
	U8("code", error.code),
	U8("ref_type", error.ref_type),
	U16("ref_seq", error.ref_seq),
	S16("text", error.text, CS_LINES, 0, CRADLE_REASON_MAX),
	END
};

static const struct cradle_field f_none[] = {
	END
};

static int cradle_check_hello(const struct cradle_msg *, const char **);
static int cradle_check_hello_ack(const struct cradle_msg *, const char **);
static int cradle_check_refuse(const struct cradle_msg *, const char **);
static int cradle_check_record(const struct cradle_msg *, const char **);
static int cradle_check_record_ack(const struct cradle_msg *, const char **);
static int cradle_check_photo_query(const struct cradle_msg *, const char **);
static int cradle_check_photo_chunk(const struct cradle_msg *, const char **);
static int cradle_check_photo_ack(const struct cradle_msg *, const char **);
static int cradle_check_track_query(const struct cradle_msg *, const char **);
static int cradle_check_track_chunk(const struct cradle_msg *, const char **);
static int cradle_check_track_ack(const struct cradle_msg *, const char **);
static int cradle_check_task(const struct cradle_msg *, const char **);
static int cradle_check_tasks_done(const struct cradle_msg *, const char **);
static int cradle_check_code(const struct cradle_msg *, const char **);
static int cradle_check_codes_done(const struct cradle_msg *, const char **);
static int cradle_check_grid(const struct cradle_msg *, const char **);
static int cradle_check_grids_done(const struct cradle_msg *, const char **);
static int cradle_check_error(const struct cradle_msg *, const char **);

/* Each type's fields and its check; NULL fields: not a type. */
static const struct cradle_layout {
	const struct cradle_field *fields;
	int	(*check)(const struct cradle_msg *, const char **);
} cradle_layouts[CRADLE_TYPE_COUNT] = {
	[CRADLE_HELLO] =	{ f_hello, cradle_check_hello },
	[CRADLE_HELLO_ACK] =	{ f_hello_ack, cradle_check_hello_ack },
	[CRADLE_REFUSE] =	{ f_refuse, cradle_check_refuse },
	[CRADLE_RECORD] =	{ f_record, cradle_check_record },
	[CRADLE_RECORD_ACK] =	{ f_record_ack, cradle_check_record_ack },
	[CRADLE_PHOTO_CHUNK] =	{ f_photo_chunk, cradle_check_photo_chunk },
	[CRADLE_PHOTO_ACK] =	{ f_photo_ack, cradle_check_photo_ack },
	[CRADLE_TASK] =		{ f_task, cradle_check_task },
	[CRADLE_TASKS_DONE] =	{ f_tasks_done, cradle_check_tasks_done },
	[CRADLE_CLOCK] =	{ f_clock, NULL },
	[CRADLE_BYE] =		{ f_bye, NULL },
	[CRADLE_BYE_ACK] =	{ f_bye, NULL },
	[CRADLE_ERROR] =	{ f_error, cradle_check_error },
	[CRADLE_PHOTO_QUERY] =	{ f_photo_query, cradle_check_photo_query },
	[CRADLE_TRACK_QUERY] =	{ f_track_query, cradle_check_track_query },
	[CRADLE_TRACK_CHUNK] =	{ f_track_chunk, cradle_check_track_chunk },
	[CRADLE_TRACK_ACK] =	{ f_track_ack, cradle_check_track_ack },
	[CRADLE_TASKS_REQ] =	{ f_none, NULL },
	[CRADLE_CODES_REQ] =	{ f_codes_req, NULL },
	[CRADLE_CODE] =		{ f_code, cradle_check_code },
	[CRADLE_CODES_DONE] =	{ f_codes_done, cradle_check_codes_done },
	[CRADLE_GRIDS_REQ] =	{ f_none, NULL },
	[CRADLE_GRID] =		{ f_grid, cradle_check_grid },
	[CRADLE_GRIDS_DONE] =	{ f_grids_done, cradle_check_grids_done },
	[CRADLE_CLOCK_REQ] =	{ f_clock_req, NULL },
};

static const char *const cradle_counter_names[CRADLE_N_COUNT] = {
	[CRADLE_N_RECORDS] =		"records",
	[CRADLE_N_NEW] =		"new",
	[CRADLE_N_DUPLICATE] =		"duplicate",
	[CRADLE_N_REFUSED] =		"refused",
	[CRADLE_N_RETRY] =		"retry",
	[CRADLE_N_PENDING] =		"pending",
	[CRADLE_N_PHOTOS] =		"photos",
	[CRADLE_N_PHOTO_BYTES] =	"photo_bytes",
	[CRADLE_N_TRACK_BYTES] =	"track_bytes",
	[CRADLE_N_NMEA_GOOD] =		"nmea_good",
	[CRADLE_N_NMEA_BAD] =		"nmea_bad",
	[CRADLE_N_TASKS] =		"tasks",
	[CRADLE_N_CODES] =		"codes",
	[CRADLE_N_GRIDS] =		"grids",
	[CRADLE_N_FRAMES_BAD] =		"frames_bad",
};

static const char *const cradle_refuse_names[CRADLE_REFUSE_COUNT] = {
	[CRADLE_REFUSE_UNKNOWN_DEVICE] =	"unknown device",
	[CRADLE_REFUSE_INACTIVE] =		"inactive",
	[CRADLE_REFUSE_COLLECTOR] =		"wrong collector",
	[CRADLE_REFUSE_VERSION] =		"no common version",
	[CRADLE_REFUSE_BUSY] =			"busy",
	[CRADLE_REFUSE_MALFORMED] =		"malformed hello",
};

static const char *const cradle_ack_names[CRADLE_ACK_COUNT] = {
	[CRADLE_ACK_NEW] =		"new",
	[CRADLE_ACK_DUPLICATE] =	"duplicate",
	[CRADLE_ACK_REFUSED] =		"refused",
	[CRADLE_ACK_RETRY] =		"retry",
};

static const char *const cradle_record_kind_names[CRADLE_REC_COUNT] = {
	[CRADLE_REC_REPORT] =	"report",
	[CRADLE_REC_VERIFY] =	"verify",
	[CRADLE_REC_CHECK] =	"check",
};

/* Why the last encode or decode failed; the daemon is one thread. */
static char cradle_why[160];

static int
cradle_fail(const char **why, const char *fmt, ...) CG_PRINTF(2, 3);

static int
cradle_fail(const char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cradle_why, sizeof cradle_why, fmt, ap);
	va_end(ap);
	if (why != NULL)
		*why = cradle_why;
	return -1;
}

/* Strict UTF-8: no overlong forms, no surrogates, nothing past U+10FFFF. */
static size_t
cradle_utf8_len(const uint8_t *p, size_t n)
{
	uint32_t c;
	size_t k, i;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		k = 2;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		k = 3;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		k = 4;
	else
		return 0;
	if (n < k)
		return 0;
	c = p[0] & (0x7f >> k);
	for (i = 1; i < k; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	return k;
}

/* 0 if the n bytes at p belong to the charset. */
static int
cradle_charset_ok(const uint8_t *p, size_t n, enum cradle_charset cs)
{
	size_t i, k;

	for (i = 0; i < n; i += k) {
		k = 1;
		switch (cs) {
		case CS_ID:
			if (p[i] != '_' && p[i] != '-' &&
			    !(p[i] >= '0' && p[i] <= '9') &&
			    !(p[i] >= 'A' && p[i] <= 'Z') &&
			    !(p[i] >= 'a' && p[i] <= 'z'))
				return -1;
			break;
		case CS_DIGITS:
			if (p[i] < '0' || p[i] > '9')
				return -1;
			break;
		case CS_ASCII:
			if (p[i] <= ' ' || p[i] >= 0x7f)
				return -1;
			break;
		case CS_LINES:
			if (p[i] == '\n' || p[i] == '\t')
				break;
			/* FALLTHROUGH */
		case CS_TEXT:
			if (p[i] < ' ' || p[i] == 0x7f)
				return -1;
			if ((k = cradle_utf8_len(p + i, n - i)) == 0)
				return -1;
			break;
		}
	}
	return 0;
}

static const char *
cradle_charset_name(enum cradle_charset cs)
{
	switch (cs) {
	case CS_ID:
		return "letters, digits, _ and -";
	case CS_DIGITS:
		return "digits";
	case CS_ASCII:
		return "printable ASCII";
	case CS_TEXT:
		return "UTF-8 text";
	case CS_LINES:
		return "UTF-8 lines";
	}
	return "?";
}

static void
cradle_put_n(uint8_t *p, uint64_t v, int bytes)
{
	while (bytes-- > 0) {
		p[bytes] = v & 0xff;
		v >>= 8;
	}
}

static uint64_t
cradle_get_n(const uint8_t *p, int bytes)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v = v << 8 | p[i];
	return v;
}

/* The wire size of a field's integer. */
static int
cradle_int_size(enum cradle_field_kind kind)
{
	switch (kind) {
	case F_U8:
		return 1;
	case F_U16:
		return 2;
	case F_U32:
	case F_I32:
		return 4;
	case F_I64:
		return 8;
	default:
		return 0;
	}
}

/* A cursor over a payload being written or read. */
struct cradle_cur {
	uint8_t		*out;		/* encoding */
	const uint8_t	*in;		/* decoding */
	size_t		 len;
	size_t		 at;
	const char	*type;		/* for messages */
	const char     **why;
};

static int
cradle_room(struct cradle_cur *c, const struct cradle_field *f, size_t n)
{
	if (c->len - c->at >= n)
		return 0;
	if (c->out != NULL)
		return cradle_fail(c->why, "%s.%s: no room", c->type, f->name);
	return cradle_fail(c->why, "%s.%s: payload ends early", c->type,
	    f->name);
}

static int
cradle_string_ok(struct cradle_cur *c, const struct cradle_field *f,
    const uint8_t *p, size_t n)
{
	if (n < f->min)
		return cradle_fail(c->why, n == 0 ? "%s.%s: empty" :
		    "%s.%s: too short", c->type, f->name);
	if (n > f->max)
		return cradle_fail(c->why, "%s.%s: longer than %u bytes",
		    c->type, f->name, f->max);
	if (cradle_charset_ok(p, n, f->cs) != 0)
		return cradle_fail(c->why, "%s.%s: not %s", c->type, f->name,
		    cradle_charset_name(f->cs));
	return 0;
}

/* Encode a string field: length, bytes. */
static int
cradle_put_string(struct cradle_cur *c, const struct cradle_field *f,
    const char *s)
{
	int lb = f->kind == F_STR8 ? 1 : 2;
	size_t n = strnlen(s, (size_t)f->max + 1);

	if (cradle_string_ok(c, f, (const uint8_t *)s, n) != 0 ||
	    cradle_room(c, f, lb + n) != 0)
		return -1;
	cradle_put_n(c->out + c->at, n, lb);
	memcpy(c->out + c->at + lb, s, n);
	c->at += lb + n;
	return 0;
}

/* Decode a string field into a NUL-terminated copy of max + 1 bytes. */
static int
cradle_get_string(struct cradle_cur *c, const struct cradle_field *f,
    char *s)
{
	int lb = f->kind == F_STR8 ? 1 : 2;
	size_t n;

	if (cradle_room(c, f, lb) != 0)
		return -1;
	n = cradle_get_n(c->in + c->at, lb);
	c->at += lb;
	if (cradle_room(c, f, n) != 0 ||
	    cradle_string_ok(c, f, c->in + c->at, n) != 0)
		return -1;
	memcpy(s, c->in + c->at, n);
	s[n] = '\0';
	c->at += n;
	return 0;
}

static const struct cradle_field cradle_f_mime =
    S8("mime", record.photos[0].mime, CS_ASCII, 1, CRADLE_MIME_MAX);

static int
cradle_put_photos(struct cradle_cur *c, const struct cradle_field *f,
    const struct cradle_record *r)
{
	const struct cradle_photo_ref *ph;
	size_t i;

	if (r->nphotos > f->max)
		return cradle_fail(c->why, "%s.photos: more than %u", c->type,
		    f->max);
	if (cradle_room(c, f, 1) != 0)
		return -1;
	c->out[c->at++] = r->nphotos;
	for (i = 0; i < r->nphotos; i++) {
		ph = &r->photos[i];
		if (ph->size == 0 || ph->size > CRADLE_PHOTO_SIZE_MAX)
			return cradle_fail(c->why, "%s.photos: size %u out of"
			    " range", c->type, ph->size);
		if (cradle_room(c, f, CRADLE_SHA256 + 4) != 0)
			return -1;
		memcpy(c->out + c->at, ph->sha256, CRADLE_SHA256);
		cradle_put_n(c->out + c->at + CRADLE_SHA256, ph->size, 4);
		c->at += CRADLE_SHA256 + 4;
		if (cradle_put_string(c, &cradle_f_mime, ph->mime) != 0)
			return -1;
	}
	return 0;
}

static int
cradle_get_photos(struct cradle_cur *c, const struct cradle_field *f,
    struct cradle_record *r)
{
	struct cradle_photo_ref *ph;
	size_t i;

	if (cradle_room(c, f, 1) != 0)
		return -1;
	r->nphotos = c->in[c->at++];
	if (r->nphotos > f->max)
		return cradle_fail(c->why, "%s.photos: more than %u", c->type,
		    f->max);
	for (i = 0; i < r->nphotos; i++) {
		ph = &r->photos[i];
		if (cradle_room(c, f, CRADLE_SHA256 + 4) != 0)
			return -1;
		memcpy(ph->sha256, c->in + c->at, CRADLE_SHA256);
		ph->size = cradle_get_n(c->in + c->at + CRADLE_SHA256, 4);
		c->at += CRADLE_SHA256 + 4;
		if (ph->size == 0 || ph->size > CRADLE_PHOTO_SIZE_MAX)
			return cradle_fail(c->why, "%s.photos: size %u out of"
			    " range", c->type, ph->size);
		if (cradle_get_string(c, &cradle_f_mime, ph->mime) != 0)
			return -1;
	}
	return 0;
}

static int
cradle_put_points(struct cradle_cur *c, const struct cradle_field *f,
    const struct cradle_grid *g)
{
	size_t i;

	if (g->npoints < f->min || g->npoints > f->max)
		return cradle_fail(c->why, "%s.points: %u, not %u to %u",
		    c->type, g->npoints, f->min, f->max);
	if (cradle_room(c, f, 2 + (size_t)g->npoints * 8) != 0)
		return -1;
	cradle_put_n(c->out + c->at, g->npoints, 2);
	c->at += 2;
	for (i = 0; i < g->npoints; i++) {
		cradle_put_n(c->out + c->at, (uint32_t)g->points[i].lon, 4);
		cradle_put_n(c->out + c->at + 4, (uint32_t)g->points[i].lat, 4);
		c->at += 8;
	}
	return 0;
}

static int
cradle_get_points(struct cradle_cur *c, const struct cradle_field *f,
    struct cradle_grid *g)
{
	size_t i;

	if (cradle_room(c, f, 2) != 0)
		return -1;
	g->npoints = cradle_get_n(c->in + c->at, 2);
	c->at += 2;
	if (g->npoints < f->min || g->npoints > f->max)
		return cradle_fail(c->why, "%s.points: %u, not %u to %u",
		    c->type, g->npoints, f->min, f->max);
	if (cradle_room(c, f, (size_t)g->npoints * 8) != 0)
		return -1;
	for (i = 0; i < g->npoints; i++) {
		g->points[i].lon = (int32_t)cradle_get_n(c->in + c->at, 4);
		g->points[i].lat = (int32_t)cradle_get_n(c->in + c->at + 4, 4);
		c->at += 8;
	}
	return 0;
}

static int
cradle_put_counts(struct cradle_cur *c, const struct cradle_field *f,
    const struct cradle_bye *b)
{
	size_t i;

	if (cradle_room(c, f, 1 + 4 * CRADLE_N_COUNT) != 0)
		return -1;
	c->out[c->at++] = CRADLE_N_COUNT;
	for (i = 0; i < CRADLE_N_COUNT; i++, c->at += 4)
		cradle_put_n(c->out + c->at, b->counts[i], 4);
	return 0;
}

/* More counters than we know are a later version's: skipped. */
static int
cradle_get_counts(struct cradle_cur *c, const struct cradle_field *f,
    struct cradle_bye *b)
{
	size_t i;

	if (cradle_room(c, f, 1) != 0)
		return -1;
	b->ncounts = c->in[c->at++];
	if (b->ncounts > f->max)
		return cradle_fail(c->why, "%s.counts: more than %u", c->type,
		    f->max);
	if (cradle_room(c, f, 4 * (size_t)b->ncounts) != 0)
		return -1;
	for (i = 0; i < b->ncounts; i++, c->at += 4) {
		if (i < CRADLE_N_COUNT)
			b->counts[i] = cradle_get_n(c->in + c->at, 4);
	}
	return 0;
}

/* One field, either way. */
static int
cradle_field_walk(struct cradle_cur *c, const struct cradle_field *f,
    struct cradle_msg *m)
{
	uint8_t *at = (uint8_t *)m + f->off;
	struct cradle_chunk *ch = &m->u.chunk;
	int size = cradle_int_size(f->kind);
	uint64_t v;

	if (size != 0) {
		if (cradle_room(c, f, size) != 0)
			return -1;
		if (c->out != NULL) {
			switch (f->kind) {
			case F_U8: v = *at; break;
			case F_U16: v = *(uint16_t *)at; break;
			case F_U32: v = *(uint32_t *)at; break;
			case F_I32: v = (uint32_t)*(int32_t *)at; break;
			default: v = (uint64_t)*(int64_t *)at; break;
			}
			cradle_put_n(c->out + c->at, v, size);
		} else {
			v = cradle_get_n(c->in + c->at, size);
			switch (f->kind) {
			case F_U8: *at = v; break;
			case F_U16: *(uint16_t *)at = v; break;
			case F_U32: *(uint32_t *)at = v; break;
			case F_I32: *(int32_t *)at = (int32_t)(uint32_t)v; break;
			default: *(int64_t *)at = (int64_t)v; break;
			}
		}
		c->at += size;
		return 0;
	}
	switch (f->kind) {
	case F_RAW:
		if (cradle_room(c, f, f->max) != 0)
			return -1;
		if (c->out != NULL)
			memcpy(c->out + c->at, at, f->max);
		else
			memcpy(at, c->in + c->at, f->max);
		c->at += f->max;
		return 0;
	case F_STR8:
	case F_STR16:
		if (c->out != NULL)
			return cradle_put_string(c, f, (const char *)at);
		return cradle_get_string(c, f, (char *)at);
	case F_PHOTOS:
		if (c->out != NULL)
			return cradle_put_photos(c, f, &m->u.record);
		return cradle_get_photos(c, f, &m->u.record);
	case F_POINTS:
		if (c->out != NULL)
			return cradle_put_points(c, f, &m->u.grid);
		return cradle_get_points(c, f, &m->u.grid);
	case F_COUNTS:
		if (c->out != NULL)
			return cradle_put_counts(c, f, &m->u.bye);
		return cradle_get_counts(c, f, &m->u.bye);
	case F_DATA:
		if (c->in != NULL) {
			ch->data = c->in + c->at;
			ch->len = c->len - c->at;
		}
		if (ch->len < f->min || ch->len > f->max)
			return cradle_fail(c->why, "%s.data: %zu bytes, not %u"
			    " to %u", c->type, ch->len, f->min, f->max);
		if (c->out != NULL) {
			if (cradle_room(c, f, ch->len) != 0)
				return -1;
			memcpy(c->out + c->at, ch->data, ch->len);
		}
		c->at += ch->len;
		return 0;
	}
	return cradle_fail(c->why, "%s.%s: bad field table", c->type, f->name);
}

static const struct cradle_layout *
cradle_layout(unsigned int type, const char **why)
{
	if (type >= CRADLE_TYPE_COUNT || cradle_layouts[type].fields == NULL) {
		cradle_fail(why, "unknown message type %u", type);
		return NULL;
	}
	return &cradle_layouts[type];
}

/* A message of the type with every field empty, lon and lat none. */
void
cradle_msg_init(struct cradle_msg *m, uint8_t type)
{
	memset(m, 0, sizeof *m);
	m->type = type;
	if (type == CRADLE_RECORD) {
		m->u.record.lon = CRADLE_NO_COORD;
		m->u.record.lat = CRADLE_NO_COORD;
	} else if (type == CRADLE_TASK) {
		m->u.task.lon = CRADLE_NO_COORD;
		m->u.task.lat = CRADLE_NO_COORD;
	}
}

/*
 * Encode m's payload into out.  Returns its length, or -1 and why if
 * the message breaks a rule of its type or out is too small (out needs
 * at most CRADLE_PAYLOAD_MAX bytes).
 */
int
cradle_msg_encode(const struct cradle_msg *m, uint8_t *out, size_t outlen,
    const char **why)
{
	const struct cradle_layout *l;
	const struct cradle_field *f;
	struct cradle_cur c = { .out = out, .why = why };

	if ((l = cradle_layout(m->type, why)) == NULL)
		return -1;
	c.type = cradle_type_name(m->type);
	c.len = outlen < CRADLE_PAYLOAD_MAX ? outlen : CRADLE_PAYLOAD_MAX;
	for (f = l->fields; f->kind != F_END; f++) {
		if (cradle_field_walk(&c, f, (struct cradle_msg *)m) != 0)
			return -1;
	}
	if (l->check != NULL && l->check(m, why) != 0)
		return -1;
	return (int)c.at;
}

/*
 * Decode a payload of the type into m.  Returns 0, or -1 and why.
 * Bytes after the known fields are ignored (a later version's).
 */
int
cradle_msg_decode(struct cradle_msg *m, uint8_t type, const uint8_t *p,
    size_t n, const char **why)
{
	const struct cradle_layout *l;
	const struct cradle_field *f;
	struct cradle_cur c = { .in = p, .len = n, .why = why };

	cradle_msg_init(m, type);
	if ((l = cradle_layout(type, why)) == NULL)
		return -1;
	if (n > CRADLE_PAYLOAD_MAX)
		return cradle_fail(why, "payload of %zu bytes", n);
	c.type = cradle_type_name(type);
	for (f = l->fields; f->kind != F_END; f++) {
		if (cradle_field_walk(&c, f, m) != 0)
			return -1;
	}
	if (l->check != NULL && l->check(m, why) != 0)
		return -1;
	return 0;
}

/* Encode m as a whole frame.  Returns its length, or 0 and why. */
size_t
cradle_msg_frame(const struct cradle_msg *m, uint16_t seq, uint8_t *out,
    size_t outlen, const char **why)
{
	uint8_t payload[CRADLE_PAYLOAD_MAX];
	size_t n;
	int len;

	if ((len = cradle_msg_encode(m, payload, sizeof payload, why)) < 0)
		return 0;
	n = cradle_frame_encode(m->type, seq, payload, len, out, outlen);
	if (n == 0)
		cradle_fail(why, "%s: no room for the frame",
		    cradle_type_name(m->type));
	return n;
}

static int
cradle_is_zero(const uint8_t *p, size_t n)
{
	while (n-- > 0) {
		if (*p++ != 0)
			return 0;
	}
	return 1;
}

/* Both or neither; in range when given. */
static int
cradle_check_coords(const char *type, int32_t lon, int32_t lat,
    const char **why)
{
	if ((lon == CRADLE_NO_COORD) != (lat == CRADLE_NO_COORD))
		return cradle_fail(why, "%s: lon and lat go together", type);
	if (lon == CRADLE_NO_COORD)
		return 0;
	if (lon < -1800000000 || lon > 1800000000 ||
	    lat < -900000000 || lat > 900000000)
		return cradle_fail(why, "%s: lon %d, lat %d out of range", type,
		    lon, lat);
	return 0;
}

static int
cradle_check_grid_code(const char *type, const char *grid, const char **why)
{
	size_t n = strlen(grid);

	if (n != 0 && n != CRADLE_GRID_CODE)
		return cradle_fail(why, "%s.grid: %zu digits, not %d", type, n,
		    CRADLE_GRID_CODE);
	return 0;
}

static int
cradle_check_hello(const struct cradle_msg *m, const char **why)
{
	const struct cradle_hello *h = &m->u.hello;

	if (h->msg_min == 0 || h->msg_min > h->msg_max)
		return cradle_fail(why, "hello: versions %u to %u",
		    h->msg_min, h->msg_max);
	return 0;
}

static int
cradle_check_hello_ack(const struct cradle_msg *m, const char **why)
{
	const struct cradle_hello_ack *h = &m->u.hello_ack;

	if (h->msg_version == 0)
		return cradle_fail(why, "hello_ack: version 0");
	if (h->window == 0 || h->window > CRADLE_WINDOW_MAX)
		return cradle_fail(why, "hello_ack: window %u, not 1 to %d",
		    h->window, CRADLE_WINDOW_MAX);
	if (h->payload_max < 256 || h->payload_max > CRADLE_PAYLOAD_MAX)
		return cradle_fail(why, "hello_ack: payload_max %u, not 256"
		    " to %d", h->payload_max, CRADLE_PAYLOAD_MAX);
	return 0;
}

static int
cradle_check_refuse(const struct cradle_msg *m, const char **why)
{
	if (m->u.refuse.reason == 0 || m->u.refuse.reason >= CRADLE_REFUSE_COUNT)
		return cradle_fail(why, "refuse: reason %u", m->u.refuse.reason);
	return 0;
}

/* A report: what case.new needs. */
static int
cradle_check_report(const struct cradle_record *r, const char **why)
{
	if (r->result != CRADLE_RESULT_NONE || !cradle_is_zero(r->task,
	    CRADLE_UUID))
		return cradle_fail(why, "record: a report has no task or"
		    " result");
	if (r->component[0] == '\0' && (r->class_kind == CRADLE_CLASS_NONE ||
	    r->class_kind >= CRADLE_CLASS_COUNT || r->class_code[0] == '\0'))
		return cradle_fail(why, "record: a report needs a class kind"
		    " and code, or a component");
	if (r->class_kind >= CRADLE_CLASS_COUNT)
		return cradle_fail(why, "record: class_kind %u", r->class_kind);
	if (r->lon == CRADLE_NO_COORD && r->grid[0] == '\0' &&
	    r->component[0] == '\0')
		return cradle_fail(why, "record: a report needs lon and lat,"
		    " a grid or a component");
	if (r->text[0] == '\0')
		return cradle_fail(why, "record: a report needs a description");
	return 0;
}

/* A task result: the task and a result of its kind. */
static int
cradle_check_result(const struct cradle_record *r, const char **why)
{
	int verify = r->kind == CRADLE_REC_VERIFY;

	if (cradle_is_zero(r->task, CRADLE_UUID))
		return cradle_fail(why, "record: a result needs its task");
	if (verify ? r->result != CRADLE_RESULT_CONFIRMED &&
	    r->result != CRADLE_RESULT_NOT_FOUND :
	    r->result != CRADLE_RESULT_PASSED &&
	    r->result != CRADLE_RESULT_FAILED)
		return cradle_fail(why, "record: result %u for a %s", r->result,
		    verify ? "verification" : "check");
	if (r->class_kind != CRADLE_CLASS_NONE || r->class_code[0] != '\0' ||
	    r->component[0] != '\0')
		return cradle_fail(why, "record: a result has no class");
	return 0;
}

static int
cradle_check_record(const struct cradle_msg *m, const char **why)
{
	const struct cradle_record *r = &m->u.record;

	if (r->kind == 0 || r->kind >= CRADLE_REC_COUNT)
		return cradle_fail(why, "record: kind %u", r->kind);
	if ((r->flags & ~CRADLE_REC_URGENT) != 0)
		return cradle_fail(why, "record: flags 0x%02x", r->flags);
	if (cradle_is_zero(r->uuid, CRADLE_UUID))
		return cradle_fail(why, "record: uuid is zero");
	if (r->time_ms <= 0)
		return cradle_fail(why, "record: no time");
	if (cradle_check_coords("record", r->lon, r->lat, why) != 0 ||
	    cradle_check_grid_code("record", r->grid, why) != 0)
		return -1;
	if (r->kind == CRADLE_REC_REPORT)
		return cradle_check_report(r, why);
	return cradle_check_result(r, why);
}

static int
cradle_check_record_ack(const struct cradle_msg *m, const char **why)
{
	uint8_t st = m->u.record_ack.status;

	if (st == 0 || st >= CRADLE_ACK_COUNT)
		return cradle_fail(why, "record_ack: status %u", st);
	return 0;
}

static int
cradle_check_photo_query(const struct cradle_msg *m, const char **why)
{
	uint32_t size = m->u.photo_query.size;

	if (size == 0 || size > CRADLE_PHOTO_SIZE_MAX)
		return cradle_fail(why, "photo_query: size %u out of range",
		    size);
	return 0;
}

static int
cradle_check_photo_chunk(const struct cradle_msg *m, const char **why)
{
	const struct cradle_chunk *c = &m->u.chunk;

	if (c->offset > CRADLE_PHOTO_SIZE_MAX ||
	    c->len > CRADLE_PHOTO_SIZE_MAX - c->offset)
		return cradle_fail(why, "photo_chunk: past %d bytes",
		    CRADLE_PHOTO_SIZE_MAX);
	return 0;
}

static int
cradle_check_photo_ack(const struct cradle_msg *m, const char **why)
{
	const struct cradle_photo_ack *a = &m->u.photo_ack;

	if (a->status >= CRADLE_PHOTO_STATUS_COUNT)
		return cradle_fail(why, "photo_ack: status %u", a->status);
	if (a->offset > CRADLE_PHOTO_SIZE_MAX)
		return cradle_fail(why, "photo_ack: offset %u", a->offset);
	return 0;
}

static int
cradle_check_track_query(const struct cradle_msg *m, const char **why)
{
	if (cradle_is_zero(m->u.track_query.uuid, CRADLE_UUID))
		return cradle_fail(why, "track_query: uuid is zero");
	if (m->u.track_query.size > CRADLE_TRACK_SIZE_MAX)
		return cradle_fail(why, "track_query: size %u",
		    m->u.track_query.size);
	return 0;
}

/* Whole sentences: the chunk ends a line, and holds no NUL. */
static int
cradle_check_track_chunk(const struct cradle_msg *m, const char **why)
{
	const struct cradle_chunk *c = &m->u.chunk;

	if (cradle_is_zero(c->id, CRADLE_UUID))
		return cradle_fail(why, "track_chunk: uuid is zero");
	if (c->offset > CRADLE_TRACK_SIZE_MAX ||
	    c->len > CRADLE_TRACK_SIZE_MAX - c->offset)
		return cradle_fail(why, "track_chunk: past %d bytes",
		    CRADLE_TRACK_SIZE_MAX);
	if (c->data[c->len - 1] != '\n')
		return cradle_fail(why, "track_chunk: does not end a line");
	if (memchr(c->data, 0, c->len) != NULL)
		return cradle_fail(why, "track_chunk: holds a NUL");
	return 0;
}

static int
cradle_check_track_ack(const struct cradle_msg *m, const char **why)
{
	const struct cradle_track_ack *a = &m->u.track_ack;

	if (a->status >= CRADLE_TRACK_STATUS_COUNT)
		return cradle_fail(why, "track_ack: status %u", a->status);
	if (a->offset > CRADLE_TRACK_SIZE_MAX)
		return cradle_fail(why, "track_ack: offset %u", a->offset);
	return 0;
}

static int
cradle_check_task(const struct cradle_msg *m, const char **why)
{
	const struct cradle_task *t = &m->u.task;

	if (t->kind == 0 || t->kind >= CRADLE_TASK_COUNT)
		return cradle_fail(why, "task: kind %u", t->kind);
	if (cradle_is_zero(t->uuid, CRADLE_UUID))
		return cradle_fail(why, "task: uuid is zero");
	if (t->class_kind == CRADLE_CLASS_NONE ||
	    t->class_kind >= CRADLE_CLASS_COUNT)
		return cradle_fail(why, "task: class_kind %u", t->class_kind);
	if (t->due_ms < 0)
		return cradle_fail(why, "task: due before 1970");
	if (cradle_check_coords("task", t->lon, t->lat, why) != 0)
		return -1;
	return cradle_check_grid_code("task", t->grid, why);
}

static int
cradle_check_tasks_done(const struct cradle_msg *m, const char **why)
{
	if (m->u.tasks_done.count > CRADLE_TASKS_MAX)
		return cradle_fail(why, "tasks_done: %u tasks, more than %d",
		    m->u.tasks_done.count, CRADLE_TASKS_MAX);
	return 0;
}

static int
cradle_check_code(const struct cradle_msg *m, const char **why)
{
	const struct cradle_code *c = &m->u.code;

	if (c->op == 0 || c->op >= CRADLE_CODE_OP_COUNT)
		return cradle_fail(why, "code: op %u", c->op);
	if (c->kind == CRADLE_CLASS_NONE || c->kind >= CRADLE_CLASS_COUNT)
		return cradle_fail(why, "code: kind %u", c->kind);
	if (c->op == CRADLE_CODE_SET && c->name[0] == '\0')
		return cradle_fail(why, "code: %s has no name", c->code);
	return 0;
}

static int
cradle_check_codes_done(const struct cradle_msg *m, const char **why)
{
	const struct cradle_codes_done *d = &m->u.codes_done;

	if ((d->flags & ~(CRADLE_CODES_FULL | CRADLE_CODES_UNCHANGED)) != 0 ||
	    d->flags == (CRADLE_CODES_FULL | CRADLE_CODES_UNCHANGED))
		return cradle_fail(why, "codes_done: flags 0x%02x", d->flags);
	if (d->count > CRADLE_CODES_MAX)
		return cradle_fail(why, "codes_done: %u codes, more than %d",
		    d->count, CRADLE_CODES_MAX);
	if ((d->flags & CRADLE_CODES_UNCHANGED) && d->count != 0)
		return cradle_fail(why, "codes_done: unchanged, yet %u codes",
		    d->count);
	return 0;
}

static int
cradle_check_grid(const struct cradle_msg *m, const char **why)
{
	const struct cradle_grid *g = &m->u.grid;
	size_t i;

	if (g->area_class != 'A' && g->area_class != 'B' &&
	    g->area_class != 'C')
		return cradle_fail(why, "grid: area class 0x%02x", g->area_class);
	if ((g->flags & ~CRADLE_GRID_LAST) != 0)
		return cradle_fail(why, "grid: flags 0x%02x", g->flags);
	for (i = 0; i < g->npoints; i++) {
		if (g->points[i].lon == CRADLE_NO_COORD ||
		    cradle_check_coords("grid", g->points[i].lon,
		    g->points[i].lat, why) != 0)
			return cradle_fail(why, "grid: point %zu out of range",
			    i);
	}
	return 0;
}

static int
cradle_check_grids_done(const struct cradle_msg *m, const char **why)
{
	const struct cradle_grids_done *d = &m->u.grids_done;

	if (d->grids > CRADLE_GRIDS_MAX || d->messages > CRADLE_GRID_MSGS_MAX)
		return cradle_fail(why, "grids_done: %u grids in %u messages,"
		    " more than %d in %d", d->grids, d->messages,
		    CRADLE_GRIDS_MAX, CRADLE_GRID_MSGS_MAX);
	if (d->messages < d->grids)
		return cradle_fail(why, "grids_done: %u grids in %u messages",
		    d->grids, d->messages);
	return 0;
}

static int
cradle_check_error(const struct cradle_msg *m, const char **why)
{
	if (m->u.error.code == 0 || m->u.error.code >= CRADLE_E_COUNT)
		return cradle_fail(why, "error: code %u", m->u.error.code);
	return 0;
}

const char *
cradle_counter_name(enum cradle_counter n)
{
	if ((unsigned)n >= CRADLE_N_COUNT)
		return NULL;
	return cradle_counter_names[n];
}

const char *
cradle_refuse_name(unsigned int reason)
{
	if (reason == 0 || reason >= CRADLE_REFUSE_COUNT)
		return "unknown reason";
	return cradle_refuse_names[reason];
}

const char *
cradle_ack_name(unsigned int status)
{
	if (status == 0 || status >= CRADLE_ACK_COUNT)
		return "unknown status";
	return cradle_ack_names[status];
}

const char *
cradle_record_kind_name(unsigned int kind)
{
	if (kind == 0 || kind >= CRADLE_REC_COUNT)
		return "unknown kind";
	return cradle_record_kind_names[kind];
}

/* Lower-case hex of n bytes into out (2n + 1 bytes). */
void
cradle_hex_format(const uint8_t *p, size_t n, char *out)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = hex[p[i] >> 4];
		out[2 * i + 1] = hex[p[i] & 0xf];
	}
	out[2 * n] = '\0';
}

static int
cradle_hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly 2n hex digits into n bytes; 0 or -1. */
int
cradle_hex_parse(const char *s, uint8_t *p, size_t n)
{
	size_t i;
	int hi, lo;

	for (i = 0; i < n; i++) {
		if ((hi = cradle_hex_digit(s[2 * i])) < 0 ||
		    (lo = cradle_hex_digit(s[2 * i + 1])) < 0)
			return -1;
		p[i] = hi << 4 | lo;
	}
	return s[2 * n] == '\0' ? 0 : -1;
}

/* 8-4-4-4-12, lower case, into out (37 bytes). */
void
cradle_uuid_format(const uint8_t *u, char *out)
{
	cradle_hex_format(u, 4, out);
	out[8] = '-';
	cradle_hex_format(u + 4, 2, out + 9);
	out[13] = '-';
	cradle_hex_format(u + 6, 2, out + 14);
	out[18] = '-';
	cradle_hex_format(u + 8, 2, out + 19);
	out[23] = '-';
	cradle_hex_format(u + 10, 6, out + 24);
}

/* The text form, either case; 0 or -1. */
int
cradle_uuid_parse(const char *s, uint8_t *u)
{
	static const int at[16] = { 0, 2, 4, 6, 9, 11, 14, 16, 19, 21, 24,
	    26, 28, 30, 32, 34 };
	int i, hi, lo;

	if (strlen(s) != 36 || s[8] != '-' || s[13] != '-' || s[18] != '-' ||
	    s[23] != '-')
		return -1;
	for (i = 0; i < 16; i++) {
		if ((hi = cradle_hex_digit(s[at[i]])) < 0 ||
		    (lo = cradle_hex_digit(s[at[i] + 1])) < 0)
			return -1;
		u[i] = hi << 4 | lo;
	}
	return 0;
}
