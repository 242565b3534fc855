/*
 * fuzz-proto.c: the client protocol's frame and message decoding on any
 * bytes (libFuzzer), as the daemon's client_read() does it: frames cut
 * from a stream, each parsed and taken apart as a request.  A frame
 * that parses must encode again to a frame that parses to an equal
 * message.
 */
#include <stdlib.h>
#include <string.h>

#include "cg.h"
#include "proto.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
fuzz_message(const char *payload, size_t len)
{
	char err[256], *frame;
	json_t *msg, *back, *args;
	uint64_t id;
	const char *op;
	uint32_t plen;
	size_t flen;

	if ((msg = proto_parse(payload, len, err, sizeof err)) == NULL)
		return;
	(void)proto_request_parse(msg, &id, &op, &args, err, sizeof err);
	frame = proto_encode(msg, PROTO_FRAME_MAX, &flen);
	if (frame != NULL) {
		if (proto_frame_check((uint8_t *)frame, flen, PROTO_FRAME_MAX, &plen) !=
		    PROTO_COMPLETE || plen + PROTO_HEADER != flen)
			abort();
		back = proto_parse(frame + PROTO_HEADER, plen, err, sizeof err);
		if (back == NULL || !json_equal(msg, back))
			abort();
		json_decref(back);
		free(frame);
	}
	json_decref(msg);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *buf;
	uint32_t plen;
	size_t off = 0;

	/* Exactly the size, so ASan sees reads past the end. */
	buf = malloc(size > 0 ? size : 1);
	memcpy(buf, data, size);
	/* As a stream of frames, with a small limit so lengths get hit. */
	for (;;) {
		switch (proto_frame_check(buf + off, size - off, 4096, &plen)) {
		case PROTO_COMPLETE:
			fuzz_message((const char *)buf + off + PROTO_HEADER, plen);
			off += PROTO_HEADER + plen;
			continue;
		case PROTO_NEED:
		case PROTO_BAD:
			break;
		}
		break;
	}
	/* And the whole input as one payload. */
	fuzz_message((const char *)buf, size);
	free(buf);
	return 0;
}
