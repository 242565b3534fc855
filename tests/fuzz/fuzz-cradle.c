/*
 * fuzz-cradle.c: the cradle frame decoder on any bytes (libFuzzer).
 *
 * The first byte picks the chunk sizes the input is fed in.  Every
 * frame the decoder gives must be sound and must survive a second trip
 * through the encoder and a fresh decoder; the input, as a payload,
 * must come back out unchanged.
 */
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "cradle.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct cradle_decoder fuzz_dec, fuzz_again;
static uint8_t fuzz_out[CRADLE_FRAME_MAX];

struct fuzz_want {
	const uint8_t	*payload;
	size_t		 len;
	int		 seen;
};

static int
fuzz_same(const struct cradle_frame *f, void *arg)
{
	struct fuzz_want *w = arg;

	if (f->len != w->len || memcmp(f->payload, w->payload, f->len) != 0)
		abort();
	w->seen++;
	return 0;
}

static int
fuzz_frame(const struct cradle_frame *f, void *arg)
{
	struct fuzz_want w = { f->payload, f->len, 0 };
	size_t n;

	if (f->version != CRADLE_PROTO_VERSION || f->len > CRADLE_PAYLOAD_MAX)
		abort();
	n = cradle_frame_encode(f->type, f->seq, f->payload, f->len, fuzz_out,
	    sizeof fuzz_out);
	if (n == 0)
		abort();
	cradle_decoder_init(&fuzz_again);
	cradle_decoder_feed(&fuzz_again, fuzz_out, n, fuzz_same, &w);
	if (w.seen != 1)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_want w = { data, size, 0 };
	size_t at = 0, k, step;
	uint8_t *copy;

	if (size == 0)
		return 0;
	step = 1 + data[0] % 64;
	/* A copy of exactly the size, so ASan sees reads past the end. */
	copy = malloc(size);
	memcpy(copy, data, size);
	cradle_decoder_init(&fuzz_dec);
	for (at = 0; at < size; at += k) {
		k = size - at < step ? size - at : step;
		if (cradle_decoder_feed(&fuzz_dec, copy + at, k, fuzz_frame,
		    NULL) != k)
			abort();
	}
	if (fuzz_dec.stats.bytes != size)
		abort();
	free(copy);

	if (size <= CRADLE_PAYLOAD_MAX) {
		k = cradle_frame_encode(CRADLE_PHOTO_CHUNK, (uint16_t)size, data,
		    size, fuzz_out, sizeof fuzz_out);
		if (k == 0 || k > CRADLE_FRAME_MAX)
			abort();
		cradle_decoder_init(&fuzz_again);
		cradle_decoder_feed(&fuzz_again, fuzz_out, k, fuzz_same, &w);
		if (w.seen != 1)
			abort();
	}
	return 0;
}
