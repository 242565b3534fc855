/*
 * cradle.c: the frame layer of the cradle line, cradle.h.  Pure
 * functions over buffers: the daemon feeds the decoder from its serial
 * port events, the unit tests and the fuzz target directly.
 */
#include <string.h>

#include "cg.h"
#include "cradle.h"

static const char *const cradle_type_names[CRADLE_TYPE_COUNT] = {
	[CRADLE_HELLO] =	"hello",
	[CRADLE_HELLO_ACK] =	"hello_ack",
	[CRADLE_REFUSE] =	"refuse",
	[CRADLE_RECORD] =	"record",
	[CRADLE_RECORD_ACK] =	"record_ack",
	[CRADLE_PHOTO_CHUNK] =	"photo_chunk",
	[CRADLE_PHOTO_ACK] =	"photo_ack",
	[CRADLE_TASK] =		"task",
	[CRADLE_TASKS_DONE] =	"tasks_done",
	[CRADLE_CLOCK] =	"clock",
	[CRADLE_BYE] =		"bye",
	[CRADLE_BYE_ACK] =	"bye_ack",
	[CRADLE_ERROR] =	"error",
	[CRADLE_PHOTO_QUERY] =	"photo_query",
	[CRADLE_TRACK_QUERY] =	"track_query",
	[CRADLE_TRACK_CHUNK] =	"track_chunk",
	[CRADLE_TRACK_ACK] =	"track_ack",
	[CRADLE_TASKS_REQ] =	"tasks_req",
	[CRADLE_CODES_REQ] =	"codes_req",
	[CRADLE_CODE] =		"code",
	[CRADLE_CODES_DONE] =	"codes_done",
	[CRADLE_GRIDS_REQ] =	"grids_req",
	[CRADLE_GRID] =		"grid",
	[CRADLE_GRIDS_DONE] =	"grids_done",
	[CRADLE_CLOCK_REQ] =	"clock_req",
};

static const char *const cradle_error_names[CRADLE_ERR_COUNT] = {
	[CRADLE_ERR_COBS] =	"bad COBS",
	[CRADLE_ERR_SHORT] =	"too short",
	[CRADLE_ERR_LONG] =	"too long",
	[CRADLE_ERR_CRC] =	"bad CRC",
	[CRADLE_ERR_LENGTH] =	"bad length field",
	[CRADLE_ERR_VERSION] =	"unknown version",
};

/* CRC-32C, reflected polynomial 0x82f63b78, one byte at a time. */
static const uint32_t cradle_crc_table[256] = {
	0x00000000, 0xf26b8303, 0xe13b70f7, 0x1350f3f4,
	0xc79a971f, 0x35f1141c, 0x26a1e7e8, 0xd4ca64eb,
	0x8ad958cf, 0x78b2dbcc, 0x6be22838, 0x9989ab3b,
	0x4d43cfd0, 0xbf284cd3, 0xac78bf27, 0x5e133c24,
	0x105ec76f, 0xe235446c, 0xf165b798, 0x030e349b,
	0xd7c45070, 0x25afd373, 0x36ff2087, 0xc494a384,
	0x9a879fa0, 0x68ec1ca3, 0x7bbcef57, 0x89d76c54,
	0x5d1d08bf, 0xaf768bbc, 0xbc267848, 0x4e4dfb4b,
	0x20bd8ede, 0xd2d60ddd, 0xc186fe29, 0x33ed7d2a,
	0xe72719c1, 0x154c9ac2, 0x061c6936, 0xf477ea35,
	0xaa64d611, 0x580f5512, 0x4b5fa6e6, 0xb93425e5,
	0x6dfe410e, 0x9f95c20d, 0x8cc531f9, 0x7eaeb2fa,
	0x30e349b1, 0xc288cab2, 0xd1d83946, 0x23b3ba45,
	0xf779deae, 0x05125dad, 0x1642ae59, 0xe4292d5a,
	0xba3a117e, 0x4851927d, 0x5b016189, 0xa96ae28a,
	0x7da08661, 0x8fcb0562, 0x9c9bf696, 0x6ef07595,
	0x417b1dbc, 0xb3109ebf, 0xa0406d4b, 0x522bee48,
	0x86e18aa3, 0x748a09a0, 0x67dafa54, 0x95b17957,
	0xcba24573, 0x39c9c670, 0x2a993584, 0xd8f2b687,
	0x0c38d26c, 0xfe53516f, 0xed03a29b, 0x1f682198,
	0x5125dad3, 0xa34e59d0, 0xb01eaa24, 0x42752927,
	0x96bf4dcc, 0x64d4cecf, 0x77843d3b, 0x85efbe38,
	0xdbfc821c, 0x2997011f, 0x3ac7f2eb, 0xc8ac71e8,
	0x1c661503, 0xee0d9600, 0xfd5d65f4, 0x0f36e6f7,
	0x61c69362, 0x93ad1061, 0x80fde395, 0x72966096,
	0xa65c047d, 0x5437877e, 0x4767748a, 0xb50cf789,
	0xeb1fcbad, 0x197448ae, 0x0a24bb5a, 0xf84f3859,
	0x2c855cb2, 0xdeeedfb1, 0xcdbe2c45, 0x3fd5af46,
	0x7198540d, 0x83f3d70e, 0x90a324fa, 0x62c8a7f9,
	0xb602c312, 0x44694011, 0x5739b3e5, 0xa55230e6,
	0xfb410cc2, 0x092a8fc1, 0x1a7a7c35, 0xe811ff36,
	0x3cdb9bdd, 0xceb018de, 0xdde0eb2a, 0x2f8b6829,
	0x82f63b78, 0x709db87b, 0x63cd4b8f, 0x91a6c88c,
	0x456cac67, 0xb7072f64, 0xa457dc90, 0x563c5f93,
	0x082f63b7, 0xfa44e0b4, 0xe9141340, 0x1b7f9043,
	0xcfb5f4a8, 0x3dde77ab, 0x2e8e845f, 0xdce5075c,
	0x92a8fc17, 0x60c37f14, 0x73938ce0, 0x81f80fe3,
	0x55326b08, 0xa759e80b, 0xb4091bff, 0x466298fc,
	0x1871a4d8, 0xea1a27db, 0xf94ad42f, 0x0b21572c,
	0xdfeb33c7, 0x2d80b0c4, 0x3ed04330, 0xccbbc033,
	0xa24bb5a6, 0x502036a5, 0x4370c551, 0xb11b4652,
	0x65d122b9, 0x97baa1ba, 0x84ea524e, 0x7681d14d,
	0x2892ed69, 0xdaf96e6a, 0xc9a99d9e, 0x3bc21e9d,
	0xef087a76, 0x1d63f975, 0x0e330a81, 0xfc588982,
	0xb21572c9, 0x407ef1ca, 0x532e023e, 0xa145813d,
	0x758fe5d6, 0x87e466d5, 0x94b49521, 0x66df1622,
	0x38cc2a06, 0xcaa7a905, 0xd9f75af1, 0x2b9cd9f2,
	0xff56bd19, 0x0d3d3e1a, 0x1e6dcdee, 0xec064eed,
	0xc38d26c4, 0x31e6a5c7, 0x22b65633, 0xd0ddd530,
	0x0417b1db, 0xf67c32d8, 0xe52cc12c, 0x1747422f,
	0x49547e0b, 0xbb3ffd08, 0xa86f0efc, 0x5a048dff,
	0x8ecee914, 0x7ca56a17, 0x6ff599e3, 0x9d9e1ae0,
	0xd3d3e1ab, 0x21b862a8, 0x32e8915c, 0xc083125f,
	0x144976b4, 0xe622f5b7, 0xf5720643, 0x07198540,
	0x590ab964, 0xab613a67, 0xb831c993, 0x4a5a4a90,
	0x9e902e7b, 0x6cfbad78, 0x7fab5e8c, 0x8dc0dd8f,
	0xe330a81a, 0x115b2b19, 0x020bd8ed, 0xf0605bee,
	0x24aa3f05, 0xd6c1bc06, 0xc5914ff2, 0x37faccf1,
	0x69e9f0d5, 0x9b8273d6, 0x88d28022, 0x7ab90321,
	0xae7367ca, 0x5c18e4c9, 0x4f48173d, 0xbd23943e,
	0xf36e6f75, 0x0105ec76, 0x12551f82, 0xe03e9c81,
	0x34f4f86a, 0xc69f7b69, 0xd5cf889d, 0x27a40b9e,
	0x79b737ba, 0x8bdcb4b9, 0x988c474d, 0x6ae7c44e,
	0xbe2da0a5, 0x4c4623a6, 0x5f16d052, 0xad7d5351,
};

/* Start with crc 0; pass the result back in to continue. */
uint32_t
cradle_crc32c(uint32_t crc, const void *data, size_t len)
{
	const uint8_t *p = data;

	crc = ~crc;
	while (len-- > 0)
		crc = cradle_crc_table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

/* COBS encoder state: where the current block's code byte goes. */
struct cradle_cobs {
	uint8_t		*out;
	size_t		 pos;
	size_t		 code_pos;
	uint8_t		 code;
};

static void
cradle_cobs_byte(struct cradle_cobs *c, uint8_t b)
{
	if (b != 0) {
		c->out[c->pos++] = b;
		c->code++;
	}
	if (b == 0 || c->code == 0xff) {
		c->out[c->code_pos] = c->code;
		c->code_pos = c->pos++;
		c->code = 1;
	}
}

static void
cradle_cobs_bytes(struct cradle_cobs *c, const uint8_t *p, size_t len)
{
	while (len-- > 0)
		cradle_cobs_byte(c, *p++);
}

/*
 * Encode one frame, both delimiters included, into out.  Returns its
 * length, or 0 if the payload is too long or out too small; out needs
 * CRADLE_ENCODED_MAX(CRADLE_BODY_MIN + len) bytes.
 */
size_t
cradle_frame_encode(uint8_t type, uint16_t seq, const void *payload,
    size_t len, uint8_t *out, size_t outlen)
{
	struct cradle_cobs c = { .out = out, .pos = 2, .code_pos = 1, .code = 1 };
	uint8_t head[CRADLE_HEADER], tail[CRADLE_TRAILER];
	uint32_t crc;

	if (len > CRADLE_PAYLOAD_MAX || (len > 0 && payload == NULL))
		return 0;
	if (outlen < CRADLE_ENCODED_MAX(CRADLE_BODY_MIN + len))
		return 0;
	head[0] = CRADLE_PROTO_VERSION;
	head[1] = type;
	head[2] = seq >> 8;
	head[3] = seq;
	head[4] = len >> 8;
	head[5] = len;
	crc = cradle_crc32c(0, head, sizeof head);
	crc = cradle_crc32c(crc, payload, len);
	tail[0] = crc >> 24;
	tail[1] = crc >> 16;
	tail[2] = crc >> 8;
	tail[3] = crc;

	out[0] = 0;
	cradle_cobs_bytes(&c, head, sizeof head);
	cradle_cobs_bytes(&c, payload, len);
	cradle_cobs_bytes(&c, tail, sizeof tail);
	out[c.code_pos] = c.code;
	out[c.pos] = 0;
	return c.pos + 1;
}

void
cradle_decoder_init(struct cradle_decoder *d)
{
	memset(d, 0, sizeof *d);
}

/* Refuse the frame being received: count why, drop up to the next 0x00. */
static void
cradle_refuse(struct cradle_decoder *d, enum cradle_error why)
{
	d->stats.errors[why]++;
	d->skip = 1;
}

static uint16_t
cradle_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
cradle_get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

/* A whole body is in; check it.  0 and the frame, or -1 and why. */
static int
cradle_check(const struct cradle_decoder *d, struct cradle_frame *f,
    enum cradle_error *why)
{
	size_t n = d->len;

	if (n < CRADLE_BODY_MIN) {
		*why = CRADLE_ERR_SHORT;
		return -1;
	}
	n -= CRADLE_TRAILER;
	if (cradle_crc32c(0, d->body, n) != cradle_get32(d->body + n)) {
		*why = CRADLE_ERR_CRC;
		return -1;
	}
	f->version = d->body[0];
	f->type = d->body[1];
	f->seq = cradle_get16(d->body + 2);
	f->len = cradle_get16(d->body + 4);
	f->payload = d->body + CRADLE_HEADER;
	if (f->version != CRADLE_PROTO_VERSION) {
		*why = CRADLE_ERR_VERSION;
		return -1;
	}
	if (f->len != n - CRADLE_HEADER) {
		*why = CRADLE_ERR_LENGTH;
		return -1;
	}
	return 0;
}

/* A 0x00: the end of a frame.  Returns what the callback did. */
static int
cradle_end(struct cradle_decoder *d, cradle_frame_cb cb, void *arg)
{
	struct cradle_frame f;
	enum cradle_error why;
	int stop = 0;

	if (d->skip)
		;
	else if (d->left != 0)
		cradle_refuse(d, CRADLE_ERR_COBS);
	else if (d->code == 0)
		;	/* empty: idle fill between frames */
	else if (cradle_check(d, &f, &why) != 0)
		cradle_refuse(d, why);
	else {
		d->stats.frames++;
		stop = cb(&f, arg);
	}
	d->len = 0;
	d->code = 0;
	d->left = 0;
	d->skip = 0;
	return stop;
}

static void
cradle_put(struct cradle_decoder *d, uint8_t b)
{
	if (d->len == sizeof d->body)
		cradle_refuse(d, CRADLE_ERR_LONG);
	else
		d->body[d->len++] = b;
}

/* One byte that is not 0x00: a COBS code or data byte. */
static void
cradle_byte(struct cradle_decoder *d, uint8_t b)
{
	if (d->left > 0) {
		d->left--;
		cradle_put(d, b);
		return;
	}
	if (d->code != 0 && d->code != 0xff)
		cradle_put(d, 0);	/* the zero the last block stood for */
	d->code = b;
	d->left = b - 1;
}

/*
 * Feed bytes as they come, in chunks of any size.  The callback gets
 * each good frame; its payload points into the decoder and is valid
 * until the callback returns.  Returns how many bytes were consumed:
 * all, unless the callback asked to stop, in which case the rest is the
 * caller's to feed again later.
 */
size_t
cradle_decoder_feed(struct cradle_decoder *d, const void *data, size_t n,
    cradle_frame_cb cb, void *arg)
{
	const uint8_t *p = data;
	size_t i;

	for (i = 0; i < n; i++) {
		if (p[i] != 0) {
			if (!d->skip)
				cradle_byte(d, p[i]);
			continue;
		}
		if (cradle_end(d, cb, arg) != 0) {
			i++;
			break;
		}
	}
	d->stats.bytes += i;
	return i;
}

/* The name of a type, or NULL for a number that is none. */
const char *
cradle_type_name(unsigned int type)
{
	if (type >= CRADLE_TYPE_COUNT)
		return NULL;
	return cradle_type_names[type];
}

/* The type of a name, or -1. */
int
cradle_type_from_name(const char *name)
{
	int i;

	for (i = 0; i < CRADLE_TYPE_COUNT; i++) {
		if (cradle_type_names[i] != NULL &&
		    strcmp(cradle_type_names[i], name) == 0)
			return i;
	}
	return -1;
}

const char *
cradle_error_name(enum cradle_error why)
{
	if ((unsigned)why >= CRADLE_ERR_COUNT)
		return "unknown error";
	return cradle_error_names[why];
}
