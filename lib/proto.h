/*
 * proto.h: the wire protocol between citygridd and its clients,
 * described in citygrid-protocol(7).
 *
 * A frame is a 4-byte big-endian length followed by that many bytes of
 * one UTF-8 JSON object.  Requests carry an id the reply repeats;
 * events pushed by the server carry none.
 */
#ifndef PROTO_H
#define PROTO_H

#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#define PROTO_VERSION		1	/* what this build speaks */
#define PROTO_VERSION_MIN	1	/* the oldest it still accepts */
#define PROTO_HEADER		4
#define PROTO_FRAME_MAX		(1024 * 1024)

/* Stable error codes; the table in proto.c gives names and exit codes. */
enum proto_error {
	PE_FRAME,	/* malformed frame or JSON */
	PE_TOOBIG,	/* frame longer than the limit */
	PE_PROTO,	/* no common protocol version, or hello missing */
	PE_AUTH,	/* the peer is not a known operator */
	PE_ROLE,	/* the operator's roles do not allow this */
	PE_STATE,	/* the case is not in a state that allows this */
	PE_CONFLICT,	/* the case was changed by someone else meanwhile */
	PE_NOTFOUND,	/* no such case, task, operator ... */
	PE_INVALID,	/* bad arguments: codes, geometry, missing fields */
	PE_DB,		/* the database is unavailable; nothing was done */
	PE_BUSY,	/* the server is shutting down or overloaded */
	PE_UNKNOWN_OP,	/* no such operation */
	PE_INTERNAL,	/* a bug */
	PE_COUNT
};

enum proto_frame_status { PROTO_NEED = 0, PROTO_COMPLETE = 1, PROTO_BAD = -1 };

/* proto.c */
enum proto_frame_status proto_frame_check(const uint8_t *, size_t, size_t,
	    uint32_t *);
void	 proto_put_header(uint8_t *, uint32_t);
json_t	*proto_parse(const char *, size_t, char *, size_t);
char	*proto_encode(const json_t *, size_t, size_t *);
json_t	*proto_request(uint64_t, const char *, json_t *);
json_t	*proto_reply_ok(uint64_t, json_t *);
json_t	*proto_reply_error(uint64_t, enum proto_error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
json_t	*proto_event(const char *, json_t *);
int	 proto_request_parse(const json_t *, uint64_t *, const char **,
	    json_t **, char *, size_t);
const char *proto_error_name(enum proto_error);
int	 proto_error_from_name(const char *);
int	 proto_error_exit(enum proto_error);

#endif /* PROTO_H */
