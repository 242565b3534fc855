/*
 * cradle.h: the frame layer between citygridd and the handhelds (城管通)
 * docked in USB cradles, over a serial line; citygrid-cradle(7).
 *
 * A frame on the wire:
 *
 *	0x00  COBS(body)  0x00
 *
 * COBS (Cheshire and Baker, 1999) leaves no 0x00 inside the encoded
 * body, so 0x00 only ever delimits.  The encoder writes a delimiter on
 * both sides: a lost or corrupted delimiter, or noise on an idle line,
 * then costs one frame and never the frame after it.  Empty frames (two
 * delimiters in a row) are idle fill and are ignored.
 *
 * The body, multi-byte fields big-endian:
 *
 *	offset	size	field
 *	0	1	version, CRADLE_PROTO_VERSION
 *	1	1	type, enum cradle_type
 *	2	2	sequence number, per sender, wraps at 65536
 *	4	2	payload length n, 0 to CRADLE_PAYLOAD_MAX
 *	6	n	payload
 *	6+n	4	CRC-32C of bytes 0 to 5+n
 *
 * Every later version keeps byte 0 as the version and ends the body with
 * the CRC-32C of all that precedes it, so a receiver tells a frame of
 * another version from a corrupted one.  The length field repeats what
 * the delimiters already say; a frame whose field disagrees is refused.
 *
 * Why CRC-32C (Castagnoli; iSCSI, SCTP, ext4) and not CRC-16/CCITT: a
 * body is up to 4106 bytes, 32848 bits, beyond the 32751 bits up to
 * which CRC-16/CCITT still detects every 3-bit error, and a random
 * corruption passes a 16-bit check once in 65536.  CRC-32C detects
 * every error of up to 3 bits and every burst of up to 32 bits at this
 * length, lets one in 2^32 random corruptions through, and has an
 * instruction on x86 (SSE4.2) and ARMv8 should speed ever matter.
 * Check value: CRC-32C("123456789") = 0xe3069283.
 *
 * Sequence numbers let a peer match acknowledgements and notice gaps;
 * they are not what prevents a doubled report, since they wrap and
 * restart with a session: the record's UUID is.
 */
#ifndef CRADLE_H
#define CRADLE_H

#include <stddef.h>
#include <stdint.h>

#define CRADLE_PROTO_VERSION	1
#define CRADLE_HEADER		6
#define CRADLE_TRAILER		4	/* the CRC */
#define CRADLE_PAYLOAD_MAX	4096	/* photos go in chunks */
#define CRADLE_BODY_MIN		(CRADLE_HEADER + CRADLE_TRAILER)
#define CRADLE_BODY_MAX		(CRADLE_BODY_MIN + CRADLE_PAYLOAD_MAX)
/* COBS adds one byte per 254 and one more; then the two delimiters. */
#define CRADLE_ENCODED_MAX(n)	((n) + (n) / 254 + 1 + 2)
#define CRADLE_FRAME_MAX	CRADLE_ENCODED_MAX(CRADLE_BODY_MAX)

/*
 * Message types; the numbers are on the wire, never reuse one.  Payload
 * layouts are described in citygrid-cradle(7).
 */
enum cradle_type {
	CRADLE_HELLO = 1,	/* handheld: device, versions */
	CRADLE_HELLO_ACK,	/* daemon: accepted, session parameters */
	CRADLE_REFUSE,		/* daemon: not accepted, why */
	CRADLE_RECORD,		/* handheld: a report, with its device UUID */
	CRADLE_RECORD_ACK,	/* daemon: the report is committed */
	CRADLE_PHOTO_CHUNK,	/* handheld: uuid, offset, bytes */
	CRADLE_PHOTO_ACK,	/* daemon: the next offset it wants */
	CRADLE_TASK,		/* daemon: a task to download */
	CRADLE_TASKS_DONE,	/* daemon: no more tasks */
	CRADLE_CLOCK,		/* daemon: the time, to set the handheld's */
	CRADLE_BYE,		/* either: closing */
	CRADLE_BYE_ACK,
	CRADLE_ERROR,		/* either: a message the peer cannot use */
	CRADLE_TYPE_COUNT
};

/* Why a frame was refused; the decoder counts each. */
enum cradle_error {
	CRADLE_ERR_COBS,	/* a 0x00 inside a COBS block */
	CRADLE_ERR_SHORT,	/* shorter than header and CRC */
	CRADLE_ERR_LONG,	/* longer than CRADLE_BODY_MAX */
	CRADLE_ERR_CRC,
	CRADLE_ERR_LENGTH,	/* length field and frame disagree */
	CRADLE_ERR_VERSION,	/* good CRC, another version */
	CRADLE_ERR_COUNT
};

struct cradle_frame {
	uint8_t		 version;
	uint8_t		 type;		/* enum cradle_type, maybe unknown */
	uint16_t	 seq;
	uint16_t	 len;
	const uint8_t	*payload;	/* in the decoder; valid in the callback */
};

struct cradle_stats {
	uint64_t	 bytes;			/* fed in */
	uint64_t	 frames;		/* delivered */
	uint64_t	 errors[CRADLE_ERR_COUNT];
};

/*
 * The incremental decoder: COBS is undone byte by byte into body, so a
 * decoder is one fixed-size struct and feeding it never allocates.
 */
struct cradle_decoder {
	uint8_t		 body[CRADLE_BODY_MAX];
	size_t		 len;		/* of body so far */
	uint8_t		 code;		/* of the COBS block; 0 before one */
	uint8_t		 left;		/* data bytes left in the block */
	int		 skip;		/* refused; drop up to the next 0x00 */
	struct cradle_stats stats;
};

/* Called for each good frame; non-zero stops the feed after it. */
typedef int (*cradle_frame_cb)(const struct cradle_frame *, void *);

/* cradle.c */
uint32_t cradle_crc32c(uint32_t, const void *, size_t);
size_t	 cradle_frame_encode(uint8_t, uint16_t, const void *, size_t,
	     uint8_t *, size_t);
void	 cradle_decoder_init(struct cradle_decoder *);
size_t	 cradle_decoder_feed(struct cradle_decoder *, const void *, size_t,
	     cradle_frame_cb, void *);
const char *cradle_type_name(unsigned int);
int	 cradle_type_from_name(const char *);
const char *cradle_error_name(enum cradle_error);

#endif /* CRADLE_H */
