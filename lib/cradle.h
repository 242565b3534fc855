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
 * layouts are in citygrid-cradle(7) and cradle-msg.c.  "D" is the
 * handheld (device), "H" the daemon (host); the device asks, the host
 * answers.
 */
enum cradle_type {
	CRADLE_HELLO = 1,	/* D: device, collector, versions */
	CRADLE_HELLO_ACK,	/* H: accepted, session parameters */
	CRADLE_REFUSE,		/* H: not accepted, why */
	CRADLE_RECORD,		/* D: a report or task result, device UUID */
	CRADLE_RECORD_ACK,	/* H: the record is committed (or refused) */
	CRADLE_PHOTO_CHUNK,	/* D: sha256, offset, bytes */
	CRADLE_PHOTO_ACK,	/* H: how much of the photo the host holds */
	CRADLE_TASK,		/* H: an open task of the collector */
	CRADLE_TASKS_DONE,	/* H: no more tasks; how many */
	CRADLE_CLOCK,		/* H: the times for the clock sync */
	CRADLE_BYE,		/* D: closing, the device's counts */
	CRADLE_BYE_ACK,		/* H: the host's counts */
	CRADLE_ERROR,		/* either: a message the peer cannot use */
	CRADLE_PHOTO_QUERY,	/* D: how much of photo sha256 do you have */
	CRADLE_TRACK_QUERY,	/* D: how much of track uuid do you have */
	CRADLE_TRACK_CHUNK,	/* D: NMEA 0183 sentences at an offset */
	CRADLE_TRACK_ACK,	/* H: how much of the track the host holds */
	CRADLE_TASKS_REQ,	/* D: send my open tasks */
	CRADLE_CODES_REQ,	/* D: my code table's version; send changes */
	CRADLE_CODE,		/* H: one class code, added, changed, removed */
	CRADLE_CODES_DONE,	/* H: the code table's version, how many */
	CRADLE_GRIDS_REQ,	/* D: send my grids' outlines */
	CRADLE_GRID,		/* H: one ring (or part of one) of a grid */
	CRADLE_GRIDS_DONE,	/* H: no more grids; how many */
	CRADLE_CLOCK_REQ,	/* D: the device's time, for the clock sync */
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

/*
 * Messages: the payloads of the frames, cradle-msg.c.  Each type has one
 * fixed layout of big-endian integers, raw byte fields (UUIDs, SHA-256)
 * and strings with a length byte (str8) or two (str16), no NUL on the
 * wire; a receiver ignores bytes after the fields it knows, so a later
 * protocol version may only add fields at the end.  Every length and
 * count has a bound below; a message that breaks one is refused whole.
 * Decoded strings are NUL-terminated copies; the data of photo and track
 * chunks points into the payload decoded.
 */
#define CRADLE_MSG_VERSION	1	/* the message set, in HELLO */
#define CRADLE_ID_MAX		64	/* device id: [A-Za-z0-9_-] */
#define CRADLE_COLLECTOR_MAX	32	/* collector code: [A-Za-z0-9_-] */
#define CRADLE_NAME_MAX		64	/* firmware, model, names: UTF-8 */
#define CRADLE_STANDARD_MAX	32	/* code-table version, "CJT214-2007" */
#define CRADLE_CLASS_MAX	8	/* class code: digits */
#define CRADLE_COMPONENT_MAX	20	/* component id: digits */
#define CRADLE_GRID_CODE	15	/* grid code: 15 digits */
#define CRADLE_CASE_NO_MAX	32
#define CRADLE_ADDRESS_MAX	255	/* bytes of UTF-8 */
#define CRADLE_TEXT_MAX		1500	/* description, note: bytes of UTF-8 */
#define CRADLE_REASON_MAX	600	/* refusals and errors: bytes of UTF-8 */
#define CRADLE_MIME_MAX		32
#define CRADLE_PHOTOS_MAX	8	/* photos per record */
#define CRADLE_PHOTO_SIZE_MAX	(8 * 1024 * 1024)
#define CRADLE_TRACK_SIZE_MAX	(16 * 1024 * 1024)	/* per track */
#define CRADLE_TASKS_MAX	1000	/* per TASKS_REQ */
#define CRADLE_CODES_MAX	2000	/* per CODES_REQ */
#define CRADLE_GRIDS_MAX	1000	/* grids per GRIDS_REQ */
#define CRADLE_GRID_MSGS_MAX	8000	/* GRID messages per GRIDS_REQ */
#define CRADLE_GRID_POINTS_MAX	500	/* per GRID message */
#define CRADLE_WINDOW_MAX	16	/* requests in flight */
#define CRADLE_COUNTERS_MAX	32	/* counters in BYE, BYE_ACK */
#define CRADLE_UUID		16
#define CRADLE_SHA256		32
#define CRADLE_DIGEST		8	/* of the code table */
/* The largest chunks: the payload less the fields before the data. */
#define CRADLE_PHOTO_CHUNK_MAX	(CRADLE_PAYLOAD_MAX - CRADLE_SHA256 - 4)
#define CRADLE_TRACK_CHUNK_MAX	(CRADLE_PAYLOAD_MAX - CRADLE_UUID - 4)
#define CRADLE_NO_COORD		INT32_MIN	/* lon, lat: none given */

enum cradle_refuse_reason {
	CRADLE_REFUSE_UNKNOWN_DEVICE = 1,	/* not in the handheld table */
	CRADLE_REFUSE_INACTIVE,		/* handheld or collector retired */
	CRADLE_REFUSE_COLLECTOR,	/* handheld belongs to another */
	CRADLE_REFUSE_VERSION,		/* no common message version */
	CRADLE_REFUSE_BUSY,		/* too many sessions; come back */
	CRADLE_REFUSE_MALFORMED,	/* the hello could not be read */
	CRADLE_REFUSE_COUNT
};

enum cradle_record_kind {
	CRADLE_REC_REPORT = 1,		/* a new report (上报): a case */
	CRADLE_REC_VERIFY,		/* a verification result (核实) */
	CRADLE_REC_CHECK,		/* a check result (核查) */
	CRADLE_REC_COUNT
};
#define CRADLE_REC_URGENT	0x01	/* record flags */

enum cradle_class_kind {
	CRADLE_CLASS_NONE = 0,		/* task results */
	CRADLE_CLASS_COMPONENT,		/* 部件 */
	CRADLE_CLASS_EVENT,		/* 事件 */
	CRADLE_CLASS_COUNT
};

enum cradle_result {
	CRADLE_RESULT_NONE = 0,		/* reports */
	CRADLE_RESULT_CONFIRMED,	/* verify: the problem is there */
	CRADLE_RESULT_NOT_FOUND,	/* verify: it is not */
	CRADLE_RESULT_PASSED,		/* check: handled well */
	CRADLE_RESULT_FAILED,		/* check: not handled */
	CRADLE_RESULT_COUNT
};

enum cradle_ack_status {
	CRADLE_ACK_NEW = 1,		/* committed now */
	CRADLE_ACK_DUPLICATE,		/* committed before: a resend */
	CRADLE_ACK_REFUSED,		/* never: keep it, show the reason */
	CRADLE_ACK_RETRY,		/* not now (photo missing, busy) */
	CRADLE_ACK_COUNT
};

enum cradle_photo_status {
	CRADLE_PHOTO_PARTIAL = 0,	/* send from offset */
	CRADLE_PHOTO_COMPLETE,		/* whole, SHA-256 checked, stored */
	CRADLE_PHOTO_CORRUPT,		/* SHA-256 mismatch: discarded */
	CRADLE_PHOTO_REFUSED,		/* too big, bad type: do not send */
	CRADLE_PHOTO_STATUS_COUNT
};

enum cradle_track_status {
	CRADLE_TRACK_OK = 0,		/* send from offset */
	CRADLE_TRACK_REFUSED,		/* too big: do not send */
	CRADLE_TRACK_STATUS_COUNT
};

enum cradle_task_kind {
	CRADLE_TASK_VERIFY = 1,		/* 核实 */
	CRADLE_TASK_CHECK,		/* 核查 */
	CRADLE_TASK_COUNT
};

enum cradle_code_op {
	CRADLE_CODE_SET = 1,		/* add or change */
	CRADLE_CODE_DEL,		/* remove */
	CRADLE_CODE_OP_COUNT
};
#define CRADLE_CODES_FULL	0x01	/* the entries are the whole table */
#define CRADLE_CODES_UNCHANGED	0x02	/* the device's table is current */

#define CRADLE_GRID_LAST	0x01	/* the last part of this ring */

enum cradle_error_code {
	CRADLE_E_MALFORMED = 1,		/* the payload breaks its layout */
	CRADLE_E_TYPE,			/* a type the receiver does not know */
	CRADLE_E_STATE,			/* not now: e.g. a record before hello */
	CRADLE_E_INTERNAL,		/* the receiver failed; try later */
	CRADLE_E_COUNT
};

/* The counts in BYE (the device's) and BYE_ACK (the host's). */
enum cradle_counter {
	CRADLE_N_RECORDS,	/* records sent / received */
	CRADLE_N_NEW,		/* acknowledged NEW / committed */
	CRADLE_N_DUPLICATE,	/* acknowledged DUPLICATE */
	CRADLE_N_REFUSED,	/* acknowledged REFUSED */
	CRADLE_N_RETRY,		/* acknowledged RETRY */
	CRADLE_N_PENDING,	/* device: records still unacknowledged */
	CRADLE_N_PHOTOS,	/* photos complete */
	CRADLE_N_PHOTO_BYTES,	/* chunk bytes sent / received */
	CRADLE_N_TRACK_BYTES,	/* track bytes sent / received */
	CRADLE_N_NMEA_GOOD,	/* host: positions stored */
	CRADLE_N_NMEA_BAD,	/* host: sentences skipped */
	CRADLE_N_TASKS,		/* tasks received / sent */
	CRADLE_N_CODES,		/* code entries received / sent */
	CRADLE_N_GRIDS,		/* grids received / sent */
	CRADLE_N_FRAMES_BAD,	/* frames refused by the decoder */
	CRADLE_N_COUNT
};

struct cradle_hello {
	uint8_t		 msg_min, msg_max;	/* message versions spoken */
	char		 device[CRADLE_ID_MAX + 1];
	char		 collector[CRADLE_COLLECTOR_MAX + 1];
	char		 firmware[CRADLE_NAME_MAX + 1];
	char		 model[CRADLE_NAME_MAX + 1];
	int64_t		 time_ms;	/* the device's clock, UTC */
	uint32_t	 pending_records;
	uint32_t	 pending_bytes;	/* photos and track to upload */
};

struct cradle_hello_ack {
	uint8_t		 msg_version;	/* chosen */
	uint8_t		 window;	/* requests in flight, 1 to 16 */
	uint16_t	 payload_max;	/* the host takes, 256 to 4096 */
	uint32_t	 session;
	int64_t		 time_ms;	/* the host's clock, UTC */
	char		 collector_name[CRADLE_NAME_MAX + 1];
	char		 standard[CRADLE_STANDARD_MAX + 1];
	uint8_t		 digest[CRADLE_DIGEST];	/* of the code table */
};

struct cradle_refuse {
	uint8_t		 reason;	/* enum cradle_refuse_reason */
	uint8_t		 msg_min, msg_max;	/* what the host speaks */
	char		 text[CRADLE_REASON_MAX + 1];
};

struct cradle_photo_ref {
	uint8_t		 sha256[CRADLE_SHA256];
	uint32_t	 size;
	char		 mime[CRADLE_MIME_MAX + 1];
};

struct cradle_record {
	uint8_t		 uuid[CRADLE_UUID];	/* made by the device */
	uint8_t		 kind;		/* enum cradle_record_kind */
	uint8_t		 flags;		/* CRADLE_REC_URGENT */
	int64_t		 time_ms;	/* found, or the task done */
	uint8_t		 class_kind;	/* report: enum cradle_class_kind */
	char		 class_code[CRADLE_CLASS_MAX + 1];
	char		 component[CRADLE_COMPONENT_MAX + 1];
	int32_t		 lon, lat;	/* 1e-7 degrees, CGCS2000/WGS84 */
	char		 grid[CRADLE_GRID_CODE + 1];
	char		 address[CRADLE_ADDRESS_MAX + 1];
	uint8_t		 task[CRADLE_UUID];	/* results: the task */
	uint8_t		 result;	/* results: enum cradle_result */
	char		 text[CRADLE_TEXT_MAX + 1];	/* description, note */
	uint8_t		 nphotos;
	struct cradle_photo_ref photos[CRADLE_PHOTOS_MAX];
};

struct cradle_record_ack {
	uint8_t		 uuid[CRADLE_UUID];
	uint8_t		 status;	/* enum cradle_ack_status */
	char		 case_no[CRADLE_CASE_NO_MAX + 1];
	char		 text[CRADLE_REASON_MAX + 1];
};

struct cradle_photo_query {
	uint8_t		 sha256[CRADLE_SHA256];
	uint32_t	 size;
	char		 mime[CRADLE_MIME_MAX + 1];
};

struct cradle_chunk {		/* PHOTO_CHUNK and TRACK_CHUNK */
	uint8_t		 id[CRADLE_SHA256];	/* sha256, or uuid and zeros */
	uint32_t	 offset;
	const uint8_t	*data;		/* into the payload when decoded */
	size_t		 len;
};

struct cradle_photo_ack {
	uint8_t		 sha256[CRADLE_SHA256];
	uint8_t		 status;	/* enum cradle_photo_status */
	uint32_t	 offset;	/* bytes held, from the start */
};

struct cradle_track_query {
	uint8_t		 uuid[CRADLE_UUID];
	uint32_t	 size;		/* the track's length on the device */
};

struct cradle_track_ack {
	uint8_t		 uuid[CRADLE_UUID];
	uint8_t		 status;	/* enum cradle_track_status */
	uint32_t	 offset;	/* bytes held, from the start */
	uint32_t	 good, bad;	/* sentences of this track so far */
};

struct cradle_task {
	uint8_t		 uuid[CRADLE_UUID];
	uint8_t		 kind;		/* enum cradle_task_kind */
	char		 case_no[CRADLE_CASE_NO_MAX + 1];
	uint8_t		 class_kind;
	char		 class_code[CRADLE_CLASS_MAX + 1];
	int32_t		 lon, lat;
	char		 grid[CRADLE_GRID_CODE + 1];
	char		 address[CRADLE_ADDRESS_MAX + 1];
	char		 text[CRADLE_TEXT_MAX + 1];	/* the case's description */
	int64_t		 sent_ms;
	int64_t		 due_ms;	/* 0: none */
};

struct cradle_count {		/* TASKS_DONE */
	uint16_t	 count;
};

struct cradle_codes_req {
	char		 standard[CRADLE_STANDARD_MAX + 1];	/* "" if none */
	uint8_t		 digest[CRADLE_DIGEST];
};

struct cradle_code {
	uint8_t		 op;		/* enum cradle_code_op */
	uint8_t		 kind;		/* enum cradle_class_kind */
	char		 code[CRADLE_CLASS_MAX + 1];
	char		 major_name[CRADLE_NAME_MAX + 1];
	char		 name[CRADLE_NAME_MAX + 1];
};

struct cradle_codes_done {
	uint8_t		 flags;		/* CRADLE_CODES_FULL, _UNCHANGED */
	char		 standard[CRADLE_STANDARD_MAX + 1];
	uint8_t		 digest[CRADLE_DIGEST];
	uint16_t	 count;		/* CODE messages sent */
};

struct cradle_point {
	int32_t		 lon, lat;	/* 1e-7 degrees */
};

struct cradle_grid {
	char		 code[CRADLE_GRID_CODE + 1];
	uint8_t		 area_class;	/* 'A', 'B' or 'C' */
	uint8_t		 polygon;	/* of the multipolygon, from 0 */
	uint8_t		 ring;		/* 0 outer, then holes */
	uint8_t		 part;		/* of a ring longer than a message */
	uint8_t		 flags;		/* CRADLE_GRID_LAST */
	uint16_t	 npoints;
	struct cradle_point points[CRADLE_GRID_POINTS_MAX];
};

struct cradle_grids_done {
	uint16_t	 grids;
	uint16_t	 messages;	/* GRID messages sent */
};

struct cradle_clock {		/* CLOCK_REQ has t1 only */
	int64_t		 t1;		/* device, sending CLOCK_REQ */
	int64_t		 t2;		/* host, receiving it */
	int64_t		 t3;		/* host, sending CLOCK */
};

struct cradle_bye {		/* BYE and BYE_ACK */
	uint8_t		 ncounts;	/* as received; CRADLE_N_COUNT sent */
	uint32_t	 counts[CRADLE_N_COUNT];
};

struct cradle_error_msg {
	uint8_t		 code;		/* enum cradle_error_code */
	uint8_t		 ref_type;	/* of the frame complained about */
	uint16_t	 ref_seq;
	char		 text[CRADLE_REASON_MAX + 1];
};

struct cradle_msg {
	uint8_t		 type;		/* enum cradle_type */
	union {
		struct cradle_hello		hello;
		struct cradle_hello_ack		hello_ack;
		struct cradle_refuse		refuse;
		struct cradle_record		record;
		struct cradle_record_ack	record_ack;
		struct cradle_photo_query	photo_query;
		struct cradle_chunk		chunk;
		struct cradle_photo_ack		photo_ack;
		struct cradle_track_query	track_query;
		struct cradle_track_ack		track_ack;
		struct cradle_task		task;
		struct cradle_count		tasks_done;
		struct cradle_codes_req		codes_req;
		struct cradle_code		code;
		struct cradle_codes_done	codes_done;
		struct cradle_grid		grid;
		struct cradle_grids_done	grids_done;
		struct cradle_clock		clock;
		struct cradle_bye		bye;
		struct cradle_error_msg		error;
	} u;
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

/* cradle-msg.c */
void	 cradle_msg_init(struct cradle_msg *, uint8_t);
int	 cradle_msg_encode(const struct cradle_msg *, uint8_t *, size_t,
	     const char **);
int	 cradle_msg_decode(struct cradle_msg *, uint8_t, const uint8_t *,
	     size_t, const char **);
size_t	 cradle_msg_frame(const struct cradle_msg *, uint16_t, uint8_t *,
	     size_t, const char **);
const char *cradle_counter_name(enum cradle_counter);
const char *cradle_refuse_name(unsigned int);
const char *cradle_ack_name(unsigned int);
const char *cradle_record_kind_name(unsigned int);
int	 cradle_uuid_parse(const char *, uint8_t *);
void	 cradle_uuid_format(const uint8_t *, char *);
int	 cradle_hex_parse(const char *, uint8_t *, size_t);
void	 cradle_hex_format(const uint8_t *, size_t, char *);

#endif /* CRADLE_H */
