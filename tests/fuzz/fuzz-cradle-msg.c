/*
 * fuzz-cradle-msg.c: the cradle message decoder on any payload
 * (libFuzzer).
 *
 * The first byte is the message type, the rest the payload.  A payload
 * the decoder takes must encode again, and that encoding must decode to
 * the same bytes once more: decoder and encoder agree on every rule, so
 * neither side can send what the other refuses.
 */
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "cradle.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static struct cradle_msg fuzz_m, fuzz_again;
static uint8_t fuzz_a[CRADLE_PAYLOAD_MAX], fuzz_b[CRADLE_PAYLOAD_MAX];

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *why = NULL;
	uint8_t *copy;
	int n, k;

	if (size == 0)
		return 0;
	/* A copy of exactly the size, so ASan sees reads past the end. */
	copy = malloc(size - 1 + 1);
	memcpy(copy, data + 1, size - 1);
	if (cradle_msg_decode(&fuzz_m, data[0], copy, size - 1, &why) != 0) {
		if (why == NULL || *why == '\0')
			abort();
		free(copy);
		return 0;
	}
	if (fuzz_m.type != data[0])
		abort();
	if ((n = cradle_msg_encode(&fuzz_m, fuzz_a, sizeof fuzz_a, &why)) < 0)
		abort();
	/*
	 * Known fields are a prefix; a later version's bytes may follow.
	 * Not for the counts of a goodbye: ours are all sent, whatever
	 * number came in.
	 */
	if (data[0] != CRADLE_BYE && data[0] != CRADLE_BYE_ACK &&
	    ((size_t)n > size - 1 || memcmp(fuzz_a, copy, n) != 0))
		abort();
	free(copy);
	if (cradle_msg_decode(&fuzz_again, fuzz_m.type, fuzz_a, n, &why) != 0)
		abort();
	k = cradle_msg_encode(&fuzz_again, fuzz_b, sizeof fuzz_b, &why);
	if (k != n || memcmp(fuzz_a, fuzz_b, n) != 0)
		abort();
	return 0;
}
