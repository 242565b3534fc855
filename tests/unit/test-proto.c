/*
 * test-proto.c: the frame and message codec.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"
#include "proto.h"

static const struct frame_case {
	const char	*name;
	const uint8_t	*bytes;
	size_t		 len;
	size_t		 max;
	int		 want;
	uint32_t	 plen;
} frame_cases[] = {
	{ "empty", (const uint8_t *)"", 0, 100, PROTO_NEED, 0 },
	{ "3 header bytes", (const uint8_t *)"\0\0\0", 3, 100, PROTO_NEED, 0 },
	{ "zero length", (const uint8_t *)"\0\0\0\0", 4, 100, PROTO_BAD, 0 },
	{ "header only", (const uint8_t *)"\0\0\0\2", 4, 100, PROTO_NEED, 2 },
	{ "one byte short", (const uint8_t *)"\0\0\0\2{", 5, 100, PROTO_NEED, 2 },
	{ "complete", (const uint8_t *)"\0\0\0\2{}", 6, 100, PROTO_COMPLETE, 2 },
	{ "complete with more", (const uint8_t *)"\0\0\0\2{}\0\0", 8, 100, PROTO_COMPLETE, 2 },
	{ "at the limit", (const uint8_t *)"\0\0\0\x64", 4, 100, PROTO_NEED, 100 },
	{ "over the limit", (const uint8_t *)"\0\0\0\x65", 4, 100, PROTO_BAD, 101 },
	{ "absurd length", (const uint8_t *)"\xff\xff\xff\xff", 4, PROTO_FRAME_MAX, PROTO_BAD, 0xffffffffu },
	{ "high byte", (const uint8_t *)"\x01\0\0\0", 4, PROTO_FRAME_MAX, PROTO_BAD, 0x01000000u },
};

static void
test_frame_check(void **state)
{
	size_t i;
	uint32_t plen;

	for (i = 0; i < sizeof frame_cases / sizeof frame_cases[0]; i++) {
		const struct frame_case *c = &frame_cases[i];

		plen = 0;
		print_message("frame: %s\n", c->name);
		assert_int_equal(proto_frame_check(c->bytes, c->len, c->max, &plen), c->want);
		if (c->len >= PROTO_HEADER)
			assert_int_equal(plen, c->plen);
	}
}

static const struct parse_case {
	const char	*payload;
	int		 ok;
	const char	*err;	/* part of the message, when not ok */
} parse_cases[] = {
	{ "{}", 1, NULL },
	{ "{\"id\":1,\"op\":\"hello\"}", 1, NULL },
	{ "{\"名称\":\"东城区\"}", 1, NULL },
	{ "[]", 0, "JSON 对象" },
	{ "42", 0, "JSON" },
	{ "\"x\"", 0, "JSON" },
	{ "{", 0, "JSON 无效" },
	{ "{\"a\":1,\"a\":2}", 0, "JSON 无效" },
	{ "{\"a\":\"\xff\xfe\"}", 0, "JSON 无效" },
	{ "{} {}", 0, "JSON 无效" },
	{ "", 0, "JSON 无效" },
};

static void
test_parse(void **state)
{
	size_t i;
	char err[256];
	json_t *msg;

	for (i = 0; i < sizeof parse_cases / sizeof parse_cases[0]; i++) {
		const struct parse_case *c = &parse_cases[i];

		print_message("parse: %s\n", c->payload);
		err[0] = '\0';
		msg = proto_parse(c->payload, strlen(c->payload), err, sizeof err);
		if (c->ok) {
			assert_non_null(msg);
			json_decref(msg);
		} else {
			assert_null(msg);
			assert_non_null(strstr(err, c->err));
		}
	}
}

static void
test_roundtrip(void **state)
{
	json_t *req, *back, *args;
	char *frame, err[128];
	size_t len;
	uint32_t plen;
	uint64_t id;
	const char *op;

	req = proto_request(42, "case.file", json_pack("{s:s}", "case", "E0102"));
	frame = proto_encode(req, PROTO_FRAME_MAX, &len);
	assert_non_null(frame);
	assert_int_equal(proto_frame_check((uint8_t *)frame, len, PROTO_FRAME_MAX, &plen),
	    PROTO_COMPLETE);
	assert_int_equal(plen + PROTO_HEADER, len);
	back = proto_parse(frame + PROTO_HEADER, plen, err, sizeof err);
	assert_non_null(back);
	assert_int_equal(proto_request_parse(back, &id, &op, &args, err, sizeof err), 0);
	assert_int_equal(id, 42);
	assert_string_equal(op, "case.file");
	assert_string_equal(json_string_value(json_object_get(args, "case")), "E0102");
	assert_true(json_equal(req, back));
	free(frame);
	json_decref(req);
	json_decref(back);

	/* A message over the limit is not encoded. */
	req = proto_event("x", json_pack("{s:s}", "pad", "0123456789"));
	assert_null(proto_encode(req, 10, &len));
	json_decref(req);
}

static const struct request_case {
	const char	*json;
	int		 ok;
	const char	*err;
} request_cases[] = {
	{ "{\"id\":1,\"op\":\"hello\"}", 1, NULL },
	{ "{\"id\":1,\"op\":\"hello\",\"args\":{}}", 1, NULL },
	{ "{\"op\":\"hello\"}", 0, "id" },
	{ "{\"id\":-1,\"op\":\"hello\"}", 0, "id" },
	{ "{\"id\":\"1\",\"op\":\"hello\"}", 0, "id" },
	{ "{\"id\":1}", 0, "op" },
	{ "{\"id\":1,\"op\":\"\"}", 0, "op" },
	{ "{\"id\":1,\"op\":7}", 0, "op" },
	{ "{\"id\":1,\"op\":\"x\",\"args\":[]}", 0, "args" },
};

static void
test_request_parse(void **state)
{
	size_t i;
	char err[128];
	json_t *msg, *args;
	uint64_t id;
	const char *op;

	for (i = 0; i < sizeof request_cases / sizeof request_cases[0]; i++) {
		const struct request_case *c = &request_cases[i];

		print_message("request: %s\n", c->json);
		msg = proto_parse(c->json, strlen(c->json), err, sizeof err);
		assert_non_null(msg);
		assert_int_equal(proto_request_parse(msg, &id, &op, &args, err, sizeof err),
		    c->ok ? 0 : -1);
		if (!c->ok)
			assert_non_null(strstr(err, c->err));
		json_decref(msg);
	}
}

static void
test_errors(void **state)
{
	json_t *r;
	int i;

	for (i = 0; i < PE_COUNT; i++) {
		assert_int_equal(proto_error_from_name(proto_error_name(i)), i);
		assert_true(proto_error_exit(i) >= 64);
	}
	assert_int_equal(proto_error_from_name("E_NOPE"), -1);
	r = proto_reply_error(7, PE_CONFLICT, "案卷 %s 已被 %s 修改", "E1", "disp1");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(r, "error"), "code")), "E_CONFLICT");
	assert_string_equal(json_string_value(json_object_get(
	    json_object_get(r, "error"), "message")), "案卷 E1 已被 disp1 修改");
	assert_false(json_is_true(json_object_get(r, "ok")));
	json_decref(r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_frame_check),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_request_parse),
		cmocka_unit_test(test_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
