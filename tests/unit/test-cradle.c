/*
 * test-cradle.c: the frame layer of the cradle line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"
#include "cradle.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* What the callback saw: the frames, payloads concatenated. */
struct seen {
	size_t		 n;
	struct cradle_frame f[64];
	uint8_t		 data[64 * 64];	/* first 64 payload bytes of each */
	uint8_t		 whole[CRADLE_PAYLOAD_MAX];	/* the last payload */
	int		 stop;
};

static int
collect(const struct cradle_frame *f, void *arg)
{
	struct seen *s = arg;
	size_t k = f->len < 64 ? f->len : 64;

	assert_true(s->n < NELEM(s->f));
	s->f[s->n] = *f;
	memcpy(s->data + 64 * s->n, f->payload, k);
	memcpy(s->whole, f->payload, f->len);
	s->n++;
	return s->stop;
}

static uint64_t
errors(const struct cradle_decoder *d)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < CRADLE_ERR_COUNT; i++)
		n += d->stats.errors[i];
	return n;
}

/* Fixed-seed generator, so that failures repeat. */
static uint32_t rng = 20250101;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Reference COBS encoder, written apart from the one under test. */
static size_t
ref_cobs(const uint8_t *in, size_t n, uint8_t *out)
{
	size_t o = 1, code_at = 0, i;
	uint8_t code = 1;

	for (i = 0; i < n; i++) {
		if (in[i] == 0) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
			continue;
		}
		out[o++] = in[i];
		if (++code == 0xff) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
		}
	}
	out[code_at] = code;
	return o;
}

/* A frame around any body: 0x00 COBS(body, crc if asked) 0x00. */
static size_t
raw_frame(const uint8_t *body, size_t n, int add_crc, uint8_t *out)
{
	uint8_t tmp[CRADLE_BODY_MAX + 64];
	uint32_t crc;
	size_t len;

	assert_true(n + 4 <= sizeof tmp);
	memcpy(tmp, body, n);
	if (add_crc) {
		crc = cradle_crc32c(0, body, n);
		tmp[n++] = crc >> 24;
		tmp[n++] = crc >> 16;
		tmp[n++] = crc >> 8;
		tmp[n++] = crc;
	}
	out[0] = 0;
	len = ref_cobs(tmp, n, out + 1);
	out[len + 1] = 0;
	return len + 2;
}

static const struct crc_case {
	const char	*name;
	uint8_t		 fill;	/* 0, 0xff, or 1: ascending, 2: descending */
	size_t		 len;
	uint32_t	 want;
} crc_cases[] = {
	/* RFC 3720, B.4 */
	{ "32 zeros", 0, 32, 0x8a9136aa },
	{ "32 ones", 0xff, 32, 0x62a8ab43 },
	{ "0 to 31", 1, 32, 0x46dd794e },
	{ "31 to 0", 2, 32, 0x113fdb5c },
	{ "nothing", 0, 0, 0 },
};

static void
test_crc(void **state)
{
	uint8_t buf[64];
	size_t i, j;

	/* The standard check value of CRC-32C. */
	assert_int_equal(cradle_crc32c(0, "123456789", 9), 0xe3069283);
	/* In pieces, the same. */
	assert_int_equal(cradle_crc32c(cradle_crc32c(0, "1234", 4), "56789", 5),
	    0xe3069283);
	for (i = 0; i < NELEM(crc_cases); i++) {
		const struct crc_case *c = &crc_cases[i];

		print_message("crc: %s\n", c->name);
		for (j = 0; j < c->len; j++) {
			buf[j] = c->fill == 1 ? j : c->fill == 2 ?
			    c->len - 1 - j : c->fill;
		}
		assert_int_equal(cradle_crc32c(0, buf, c->len), c->want);
	}
}

static void
test_types(void **state)
{
	int t;

	assert_null(cradle_type_name(0));
	assert_null(cradle_type_name(CRADLE_TYPE_COUNT));
	assert_null(cradle_type_name(255));
	for (t = 1; t < CRADLE_TYPE_COUNT; t++) {
		assert_non_null(cradle_type_name(t));
		assert_int_equal(cradle_type_from_name(cradle_type_name(t)), t);
	}
	assert_string_equal(cradle_type_name(CRADLE_RECORD_ACK), "record_ack");
	assert_string_equal(cradle_type_name(CRADLE_ERROR), "error");
	assert_int_equal(CRADLE_ERROR, 13);	/* the numbers are on the wire */
	assert_int_equal(cradle_type_from_name("nope"), -1);
	for (t = 0; t < CRADLE_ERR_COUNT; t++)
		assert_string_not_equal(cradle_error_name(t), "unknown error");
}

/* The layout of cradle.h, byte for byte, computed apart (Python). */
static void
test_golden(void **state)
{
	static const uint8_t want[] =
	    "\x00\x05\x01\x01\x01\x02\x08\x02\x68\x69\x79\x96\xab\x39\x00";
	uint8_t out[64];
	struct cradle_decoder d;
	struct seen s = { 0 };
	size_t n;

	n = cradle_frame_encode(CRADLE_HELLO, 0x0102, "hi", 2, out, sizeof out);
	assert_int_equal(n, sizeof want - 1);
	assert_memory_equal(out, want, n);
	cradle_decoder_init(&d);
	assert_int_equal(cradle_decoder_feed(&d, want, n, collect, &s), n);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].version, CRADLE_PROTO_VERSION);
	assert_int_equal(s.f[0].type, CRADLE_HELLO);
	assert_int_equal(s.f[0].seq, 0x0102);
	assert_int_equal(s.f[0].len, 2);
	assert_memory_equal(s.data, "hi", 2);
	assert_int_equal(errors(&d), 0);
	assert_int_equal(d.stats.bytes, n);
}

static void
test_encode_limits(void **state)
{
	static uint8_t payload[CRADLE_PAYLOAD_MAX + 1], out[CRADLE_FRAME_MAX + 8];
	size_t need = CRADLE_ENCODED_MAX(CRADLE_BODY_MIN + 10);

	assert_int_equal(cradle_frame_encode(1, 0, payload, CRADLE_PAYLOAD_MAX + 1,
	    out, sizeof out), 0);
	assert_int_equal(cradle_frame_encode(1, 0, payload, 10, out, need - 1), 0);
	assert_int_not_equal(cradle_frame_encode(1, 0, payload, 10, out, need), 0);
	assert_int_equal(cradle_frame_encode(1, 0, NULL, 1, out, sizeof out), 0);
	assert_int_not_equal(cradle_frame_encode(1, 0, NULL, 0, out, sizeof out), 0);
	/* The worst case of COBS, no zero at all, fits CRADLE_FRAME_MAX. */
	memset(payload, 0x5a, sizeof payload);
	assert_true(cradle_frame_encode(1, 0x5a5a, payload, CRADLE_PAYLOAD_MAX,
	    out, CRADLE_FRAME_MAX) > 0);
}

/* Encode, feed in random chunks, compare. */
static void
roundtrip(const uint8_t *payload, size_t len, uint8_t type, uint16_t seq)
{
	static uint8_t out[CRADLE_FRAME_MAX];
	static struct cradle_decoder d;
	static struct seen s;
	size_t n, at, k;

	memset(&s, 0, sizeof s);
	n = cradle_frame_encode(type, seq, payload, len, out, sizeof out);
	assert_true(n > 0 && n <= CRADLE_ENCODED_MAX(CRADLE_BODY_MIN + len));
	assert_int_equal(out[0], 0);
	assert_int_equal(out[n - 1], 0);
	assert_null(memchr(out + 1, 0, n - 2));
	cradle_decoder_init(&d);
	for (at = 0; at < n; at += k) {
		k = 1 + rnd() % 300;
		if (k > n - at)
			k = n - at;
		assert_int_equal(cradle_decoder_feed(&d, out + at, k, collect, &s), k);
	}
	assert_int_equal(s.n, 1);
	assert_int_equal(errors(&d), 0);
	assert_int_equal(s.f[0].type, type);
	assert_int_equal(s.f[0].seq, seq);
	assert_int_equal(s.f[0].len, len);
	if (len > 0)
		assert_memory_equal(s.whole, payload, len);
}

static void
test_roundtrip(void **state)
{
	static uint8_t p[CRADLE_PAYLOAD_MAX];
	static const size_t lens[] = { 0, 1, 2, 252, 253, 254, 255, 256, 507,
	    508, 509, 1000, CRADLE_PAYLOAD_MAX - 1, CRADLE_PAYLOAD_MAX };
	size_t i, j, len;

	for (i = 0; i < 400; i++) {
		len = i < NELEM(lens) ? lens[i] : rnd() % (CRADLE_PAYLOAD_MAX + 1);
		for (j = 0; j < len; j++)	/* one byte in 8 zero */
			p[j] = rnd() % 8 == 0 ? 0 : rnd();
		roundtrip(p, len, rnd() % 256, rnd());
	}
	/* Zeros only, no zeros at all, at the maximum size. */
	memset(p, 0, sizeof p);
	roundtrip(p, sizeof p, CRADLE_PHOTO_CHUNK, 0);
	memset(p, 0xff, sizeof p);
	roundtrip(p, sizeof p, CRADLE_PHOTO_CHUNK, 0xffff);
	for (j = 0; j < sizeof p; j++)
		p[j] = j % 255 + 1;
	roundtrip(p, sizeof p, CRADLE_PHOTO_CHUNK, 1);
}

/* A frame of 300 bytes with zeros in it, and a good one to follow. */
static size_t
sample(uint8_t *out, size_t outlen, uint16_t seq)
{
	uint8_t p[300];
	size_t i;

	for (i = 0; i < sizeof p; i++)
		p[i] = i % 37 == 0 ? 0 : i * 7;
	return cradle_frame_encode(CRADLE_RECORD, seq, p, sizeof p, out, outlen);
}

/*
 * Feed bad then good; the good frame must come through, and nothing
 * else.  Returns how many errors were counted.
 */
static uint64_t
bad_then_good(struct cradle_decoder *d, const uint8_t *bad, size_t badlen)
{
	static uint8_t good[CRADLE_FRAME_MAX];
	static struct seen s;
	uint64_t before = errors(d);
	size_t n = sample(good, sizeof good, 4242);

	memset(&s, 0, sizeof s);
	cradle_decoder_feed(d, bad, badlen, collect, &s);
	assert_int_equal(s.n, 0);
	cradle_decoder_feed(d, good, n, collect, &s);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.f[0].seq, 4242);
	return errors(d) - before;
}

static void
test_bit_flips(void **state)
{
	static uint8_t frame[CRADLE_FRAME_MAX], bad[CRADLE_FRAME_MAX];
	struct cradle_decoder d, fresh;
	size_t n, i, bit, flips = 0;

	n = sample(frame, sizeof frame, 1);
	cradle_decoder_init(&d);
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit++) {
			memcpy(bad, frame, n);
			bad[i] ^= 1 << bit;
			cradle_decoder_init(&fresh);
			assert_true(bad_then_good(&fresh, bad, n) >= 1);
			assert_true(bad_then_good(&d, bad, n) >= 1);
			flips++;
		}
	}
	assert_int_equal(flips, 8 * n);
	assert_int_equal(d.stats.frames, flips);
	print_message("%zu flips, all detected; %llu CRC, %llu COBS, %llu short\n",
	    flips, (unsigned long long)d.stats.errors[CRADLE_ERR_CRC],
	    (unsigned long long)d.stats.errors[CRADLE_ERR_COBS],
	    (unsigned long long)d.stats.errors[CRADLE_ERR_SHORT]);
}

/* The cable pulled after every byte: the next frame still arrives. */
static void
test_truncation(void **state)
{
	static uint8_t frame[CRADLE_FRAME_MAX];
	struct cradle_decoder d;
	size_t n, k;

	n = sample(frame, sizeof frame, 1);
	/* All but the last 0x00: whole, the next frame's 0x00 ends it. */
	for (k = 0; k < n - 1; k++) {
		cradle_decoder_init(&d);
		/* Only the leading 0x00 or nothing: nothing to count. */
		assert_int_equal(bad_then_good(&d, frame, k), k >= 2 ? 1 : 0);
	}
	{
		static struct seen s;

		memset(&s, 0, sizeof s);
		cradle_decoder_init(&d);
		cradle_decoder_feed(&d, frame, n - 1, collect, &s);
		assert_int_equal(s.n, 0);
		cradle_decoder_feed(&d, frame, n, collect, &s);
		assert_int_equal(s.n, 2);
		assert_int_equal(errors(&d), 0);
	}
}

/* One byte lost anywhere costs that frame at most, never the next. */
static void
test_lost_byte(void **state)
{
	static uint8_t frame[CRADLE_FRAME_MAX], bad[CRADLE_FRAME_MAX];
	static struct seen s;
	struct cradle_decoder d;
	size_t n, i;

	n = sample(frame, sizeof frame, 7);
	cradle_decoder_init(&d);
	for (i = 0; i < n; i++) {
		memcpy(bad, frame, i);
		memcpy(bad + i, frame + i + 1, n - i - 1);
		memset(&s, 0, sizeof s);
		cradle_decoder_feed(&d, bad, n - 1, collect, &s);
		cradle_decoder_feed(&d, frame, n, collect, &s);
		/* Without one delimiter the other still frames it. */
		assert_int_equal(s.n, i == 0 || i == n - 1 ? 2 : 1);
		assert_int_equal(s.f[s.n - 1].seq, 7);
	}
	assert_int_equal(errors(&d), n - 2);
}

/* Random garbage, zeros included, between frames: no good frame lost. */
static void
test_garbage(void **state)
{
	static uint8_t stream[64 * (CRADLE_FRAME_MAX + 600)];
	static struct seen s;
	uint8_t p[200];
	struct cradle_decoder d;
	size_t at = 0, i, j, k, g;

	for (i = 0; i < 64; i++) {
		g = rnd() % 600;
		for (j = 0; j < g; j++)
			stream[at++] = rnd() % 16 == 0 ? 0 : rnd();
		k = rnd() % sizeof p;
		for (j = 0; j < k; j++)
			p[j] = rnd();
		at += cradle_frame_encode(CRADLE_RECORD, i, p, k, stream + at,
		    sizeof stream - at);
	}
	memset(&s, 0, sizeof s);
	cradle_decoder_init(&d);
	for (i = 0; i < at; i += k) {
		k = 1 + rnd() % 97;
		if (k > at - i)
			k = at - i;
		cradle_decoder_feed(&d, stream + i, k, collect, &s);
	}
	assert_int_equal(s.n, 64);
	for (i = 0; i < 64; i++)
		assert_int_equal(s.f[i].seq, i);
	assert_true(errors(&d) > 0);
	assert_int_equal(d.stats.bytes, at);
}

/* Broken frames made by hand; each counted under its reason. */
static const struct bad_case {
	const char	*name;
	const char	*body;
	size_t		 len;
	int		 crc;	/* append a good CRC */
	int		 why;	/* -1: the frame is good after all */
	int		 raw;	/* body is already the wire bytes */
} bad_cases[] = {
	{ "too short: nothing but a code", "\x01\x00", 2, 0, CRADLE_ERR_SHORT, 1 },
	{ "too short: header only", "\x01\x01\x00\x01\x00\x00", 6, 0, CRADLE_ERR_SHORT, 0 },
	{ "too short: 9 bytes", "\x01\x01\x00\x01\x00\x00\x01\x02\x03", 9, 0,
	    CRADLE_ERR_SHORT, 0 },
	{ "bad CRC", "\x01\x01\x00\x01\x00\x00\x00\x00\x00\x00", 10, 0, CRADLE_ERR_CRC, 0 },
	{ "version 2", "\x02\x01\x00\x01\x00\x00", 6, 1, CRADLE_ERR_VERSION, 0 },
	{ "version 0", "\x00\x01\x00\x01\x00\x00", 6, 1, CRADLE_ERR_VERSION, 0 },
	{ "length 0xffff", "\x01\x01\x00\x01\xff\xff" "abcd", 10, 1, CRADLE_ERR_LENGTH, 0 },
	{ "length 4097", "\x01\x01\x00\x01\x10\x01" "abcd", 10, 1, CRADLE_ERR_LENGTH, 0 },
	{ "length one more", "\x01\x01\x00\x01\x00\x05" "abcd", 10, 1, CRADLE_ERR_LENGTH, 0 },
	{ "length one less", "\x01\x01\x00\x01\x00\x03" "abcd", 10, 1, CRADLE_ERR_LENGTH, 0 },
	{ "COBS block cut", "\x00\x05\x01\x02\x00", 5, 0, CRADLE_ERR_COBS, 1 },
	{ "COBS 0xff block cut", "\x00\xff\x01\x00", 4, 0, CRADLE_ERR_COBS, 1 },
	{ "unknown type: delivered", "\x01\xc8\x00\x01\x00\x00", 6, 1, -1, 0 },
	{ "empty payload", "\x01\x0b\x00\x01\x00\x00", 6, 1, -1, 0 },
};

static void
test_bad_frames(void **state)
{
	uint8_t wire[64];
	static struct seen s;
	struct cradle_decoder d;
	size_t i, n;

	for (i = 0; i < NELEM(bad_cases); i++) {
		const struct bad_case *c = &bad_cases[i];

		print_message("bad: %s\n", c->name);
		cradle_decoder_init(&d);
		if (c->raw) {
			memcpy(wire, c->body, c->len);
			n = c->len;
		} else
			n = raw_frame((const uint8_t *)c->body, c->len, c->crc, wire);
		if (c->why == -1) {
			memset(&s, 0, sizeof s);
			cradle_decoder_feed(&d, wire, n, collect, &s);
			assert_int_equal(s.n, 1);
			assert_int_equal(errors(&d), 0);
			continue;
		}
		assert_int_equal(bad_then_good(&d, wire, n), 1);
		assert_int_equal(d.stats.errors[c->why], 1);
	}
}

/* Longer than any frame may be: refused once, the next one arrives. */
static void
test_too_long(void **state)
{
	static uint8_t body[CRADLE_BODY_MAX + 1], wire[CRADLE_FRAME_MAX + 64];
	static uint8_t flood[100000];
	struct cradle_decoder d;
	size_t n;

	memset(body, 'x', sizeof body);
	body[4] = (CRADLE_PAYLOAD_MAX + 1) >> 8;
	body[5] = (uint8_t)(CRADLE_PAYLOAD_MAX + 1);
	n = raw_frame(body, sizeof body - CRADLE_TRAILER, 1, wire);
	cradle_decoder_init(&d);
	assert_int_equal(bad_then_good(&d, wire, n), 1);
	assert_int_equal(d.stats.errors[CRADLE_ERR_LONG], 1);

	/* Exactly the maximum body: fine. */
	body[5] = (uint8_t)CRADLE_PAYLOAD_MAX;
	body[4] = CRADLE_PAYLOAD_MAX >> 8;
	body[0] = CRADLE_PROTO_VERSION;
	n = raw_frame(body, CRADLE_BODY_MAX - CRADLE_TRAILER, 1, wire);
	assert_true(n <= CRADLE_FRAME_MAX);
	assert_int_equal(bad_then_good(&d, wire, 0), 0);
	{
		static struct seen s;

		memset(&s, 0, sizeof s);
		cradle_decoder_feed(&d, wire, n, collect, &s);
		assert_int_equal(s.n, 1);
		assert_int_equal(s.f[0].len, CRADLE_PAYLOAD_MAX);
	}

	/* A line that never stops: counted once, when it overflows. */
	memset(flood, 0xff, sizeof flood);
	cradle_decoder_init(&d);
	assert_int_equal(bad_then_good(&d, flood, sizeof flood), 1);
	assert_int_equal(d.stats.errors[CRADLE_ERR_LONG], 1);
	memset(flood, 0x01, sizeof flood);
	assert_int_equal(bad_then_good(&d, flood, sizeof flood), 1);
	assert_int_equal(d.stats.errors[CRADLE_ERR_LONG], 2);
}

/* The callback stops the feed; the rest is fed again later. */
static void
test_stop(void **state)
{
	static uint8_t buf[2 * CRADLE_FRAME_MAX];
	static struct seen s;
	struct cradle_decoder d;
	size_t n1, n2, used, i;

	n1 = sample(buf, sizeof buf, 1);
	n2 = sample(buf + n1, sizeof buf - n1, 2);
	memset(&s, 0, sizeof s);
	s.stop = 1;
	cradle_decoder_init(&d);
	used = cradle_decoder_feed(&d, buf, n1 + n2, collect, &s);
	assert_int_equal(used, n1);
	assert_int_equal(s.n, 1);
	used += cradle_decoder_feed(&d, buf + used, n1 + n2 - used, collect, &s);
	assert_int_equal(used, n1 + n2);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.f[1].seq, 2);

	/* One byte at a time. */
	memset(&s, 0, sizeof s);
	cradle_decoder_init(&d);
	for (i = 0; i < n1 + n2; i++)
		assert_int_equal(cradle_decoder_feed(&d, buf + i, 1, collect, &s), 1);
	assert_int_equal(s.n, 2);
	assert_int_equal(d.stats.frames, 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc),
		cmocka_unit_test(test_types),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_bit_flips),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_lost_byte),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_bad_frames),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_stop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
