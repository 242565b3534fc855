/*
 * test-cradle-msg.c: the messages of the cradle line (lib/cradle-msg.c),
 * every type both ways, the bounds, and bytes pinned against the layout
 * that citygrid-cradle(7) gives a handheld vendor.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"
#include "cradle.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

static const uint8_t uuid1[16] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0x4d,
    0xef, 0x81, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
static const uint8_t track_lines[] =
    "$GPRMC,083559.00,A,3954.9130,N,11624.7542,E,0.5,54.7,260826,,,A*6E\r\n"
    "$BDGGA,083600.00,3954.9131,N,11624.7543,E,1,08,1.1,48.0,M,,M,,*5B\r\n";
static uint8_t photo_bytes[CRADLE_PHOTO_CHUNK_MAX];

static void
fill_sha(uint8_t *sha, uint8_t seed)
{
	int i;

	for (i = 0; i < CRADLE_SHA256; i++)
		sha[i] = seed + i * 7;
}

/* One sample of each type, every field set, as a vendor would send it. */
static void
sample(struct cradle_msg *m, uint8_t type)
{
	size_t i;

	cradle_msg_init(m, type);
	switch (type) {
	case CRADLE_HELLO:
		m->u.hello.msg_min = 1;
		m->u.hello.msg_max = 3;
		strcpy(m->u.hello.device, "CGT-0001");
		strcpy(m->u.hello.collector, "C001");
		strcpy(m->u.hello.firmware, "2.4.1 (城管通)");
		strcpy(m->u.hello.model, "CJT293-A");
		m->u.hello.time_ms = 1795652159123;
		m->u.hello.pending_records = 200;
		m->u.hello.pending_bytes = 40960000;
		break;
	case CRADLE_HELLO_ACK:
		m->u.hello_ack.msg_version = 1;
		m->u.hello_ack.window = 8;
		m->u.hello_ack.payload_max = 4096;
		m->u.hello_ack.session = 77;
		m->u.hello_ack.time_ms = 1795652159500;
		strcpy(m->u.hello_ack.collector_name, "王建国");
		strcpy(m->u.hello_ack.standard, "CJT214-2007");
		memset(m->u.hello_ack.digest, 0xa5, CRADLE_DIGEST);
		break;
	case CRADLE_REFUSE:
		m->u.refuse.reason = CRADLE_REFUSE_UNKNOWN_DEVICE;
		m->u.refuse.msg_min = 1;
		m->u.refuse.msg_max = 1;
		strcpy(m->u.refuse.text, "设备 CGT-9999 未登记");
		break;
	case CRADLE_RECORD:
		memcpy(m->u.record.uuid, uuid1, 16);
		m->u.record.kind = CRADLE_REC_REPORT;
		m->u.record.flags = CRADLE_REC_URGENT;
		m->u.record.time_ms = 1795650000000;
		m->u.record.class_kind = CRADLE_CLASS_EVENT;
		strcpy(m->u.record.class_code, "0101");
		m->u.record.lon = 1164125000;
		m->u.record.lat = 399150000;
		strcpy(m->u.record.grid, "110101001001001");
		strcpy(m->u.record.address, "东城区东华门大街 1 号");
		strcpy(m->u.record.text, "路边暴露垃圾\n约 2 平方米");
		m->u.record.nphotos = 2;
		for (i = 0; i < 2; i++) {
			fill_sha(m->u.record.photos[i].sha256, i);
			m->u.record.photos[i].size = 204800 + i;
			strcpy(m->u.record.photos[i].mime, "image/jpeg");
		}
		break;
	case CRADLE_RECORD_ACK:
		memcpy(m->u.record_ack.uuid, uuid1, 16);
		m->u.record_ack.status = CRADLE_ACK_NEW;
		strcpy(m->u.record_ack.case_no, "110101-20260826-0001");
		break;
	case CRADLE_PHOTO_QUERY:
		fill_sha(m->u.photo_query.sha256, 9);
		m->u.photo_query.size = 204800;
		strcpy(m->u.photo_query.mime, "image/jpeg");
		break;
	case CRADLE_PHOTO_CHUNK:
		fill_sha(m->u.chunk.id, 9);
		m->u.chunk.offset = 8120;
		m->u.chunk.data = photo_bytes;
		m->u.chunk.len = sizeof photo_bytes;
		break;
	case CRADLE_PHOTO_ACK:
		fill_sha(m->u.photo_ack.sha256, 9);
		m->u.photo_ack.status = CRADLE_PHOTO_PARTIAL;
		m->u.photo_ack.offset = 12180;
		break;
	case CRADLE_TRACK_QUERY:
		memcpy(m->u.track_query.uuid, uuid1, 16);
		m->u.track_query.size = 100000;
		break;
	case CRADLE_TRACK_CHUNK:
		memcpy(m->u.chunk.id, uuid1, 16);
		m->u.chunk.offset = 4000;
		m->u.chunk.data = track_lines;
		m->u.chunk.len = sizeof track_lines - 1;
		break;
	case CRADLE_TRACK_ACK:
		memcpy(m->u.track_ack.uuid, uuid1, 16);
		m->u.track_ack.offset = 4136;
		m->u.track_ack.good = 60;
		m->u.track_ack.bad = 2;
		break;
	case CRADLE_TASK:
		memcpy(m->u.task.uuid, uuid1, 16);
		m->u.task.kind = CRADLE_TASK_CHECK;
		strcpy(m->u.task.case_no, "110101-20260826-0002");
		m->u.task.class_kind = CRADLE_CLASS_COMPONENT;
		strcpy(m->u.task.class_code, "0103");
		m->u.task.lon = 1164000000;
		m->u.task.lat = 399000000;
		strcpy(m->u.task.grid, "110101001001002");
		strcpy(m->u.task.address, "东四北大街");
		strcpy(m->u.task.text, "井盖破损");
		m->u.task.sent_ms = 1795640000000;
		m->u.task.due_ms = 1795660000000;
		break;
	case CRADLE_TASKS_DONE:
		m->u.tasks_done.count = 12;
		break;
	case CRADLE_CODES_REQ:
		strcpy(m->u.codes_req.standard, "CJT214-2007");
		memset(m->u.codes_req.digest, 0x11, CRADLE_DIGEST);
		break;
	case CRADLE_CODE:
		m->u.code.op = CRADLE_CODE_SET;
		m->u.code.kind = CRADLE_CLASS_COMPONENT;
		strcpy(m->u.code.code, "0101");
		strcpy(m->u.code.major_name, "公用设施");
		strcpy(m->u.code.name, "上水井盖");
		break;
	case CRADLE_CODES_DONE:
		m->u.codes_done.flags = CRADLE_CODES_FULL;
		strcpy(m->u.codes_done.standard, "CJT214-2007");
		memset(m->u.codes_done.digest, 0x22, CRADLE_DIGEST);
		m->u.codes_done.count = 139;
		break;
	case CRADLE_GRID:
		strcpy(m->u.grid.code, "110101001001001");
		m->u.grid.area_class = 'A';
		m->u.grid.ring = 1;
		m->u.grid.part = 2;
		m->u.grid.flags = CRADLE_GRID_LAST;
		m->u.grid.npoints = CRADLE_GRID_POINTS_MAX;
		for (i = 0; i < CRADLE_GRID_POINTS_MAX; i++) {
			m->u.grid.points[i].lon = 1164000000 + i * 100;
			m->u.grid.points[i].lat = 399000000 - i * 100;
		}
		break;
	case CRADLE_GRIDS_DONE:
		m->u.grids_done.grids = 3;
		m->u.grids_done.messages = 4;
		break;
	case CRADLE_CLOCK_REQ:
		m->u.clock.t1 = 1795652159123;
		break;
	case CRADLE_CLOCK:
		m->u.clock.t1 = 1795652159123;
		m->u.clock.t2 = 1795652159200;
		m->u.clock.t3 = 1795652159201;
		break;
	case CRADLE_BYE:
	case CRADLE_BYE_ACK:
		m->u.bye.ncounts = CRADLE_N_COUNT;
		for (i = 0; i < CRADLE_N_COUNT; i++)
			m->u.bye.counts[i] = 1000 * i + type;
		break;
	case CRADLE_ERROR:
		m->u.error.code = CRADLE_E_STATE;
		m->u.error.ref_type = CRADLE_RECORD;
		m->u.error.ref_seq = 513;
		strcpy(m->u.error.text, "record before hello");
		break;
	}
}

/* Every type: encode, decode, encode again; the bytes agree. */
static void
test_roundtrip(void **state)
{
	static uint8_t a[CRADLE_PAYLOAD_MAX], b[CRADLE_PAYLOAD_MAX];
	static struct cradle_msg m, back;
	const char *why = NULL;
	int t, n, k;

	for (t = 1; t < CRADLE_TYPE_COUNT; t++) {
		print_message("roundtrip: %s\n", cradle_type_name(t));
		sample(&m, t);
		n = cradle_msg_encode(&m, a, sizeof a, &why);
		if (n < 0)
			fail_msg("%s: %s", cradle_type_name(t), why);
		assert_int_equal(cradle_msg_decode(&back, t, a, n, &why), 0);
		assert_int_equal(back.type, t);
		k = cradle_msg_encode(&back, b, sizeof b, &why);
		assert_int_equal(k, n);
		assert_memory_equal(a, b, n);
	}
}

/* Decoded fields, spot-checked against the samples. */
static void
test_fields(void **state)
{
	static uint8_t a[CRADLE_PAYLOAD_MAX];
	static struct cradle_msg m, d;
	const char *why;
	int n;

	sample(&m, CRADLE_RECORD);
	n = cradle_msg_encode(&m, a, sizeof a, &why);
	assert_int_equal(cradle_msg_decode(&d, CRADLE_RECORD, a, n, &why), 0);
	assert_memory_equal(d.u.record.uuid, uuid1, 16);
	assert_string_equal(d.u.record.text, "路边暴露垃圾\n约 2 平方米");
	assert_int_equal(d.u.record.lon, 1164125000);
	assert_int_equal(d.u.record.nphotos, 2);
	assert_int_equal(d.u.record.photos[1].size, 204801);
	assert_memory_equal(d.u.record.photos[1].sha256,
	    m.u.record.photos[1].sha256, 32);

	sample(&m, CRADLE_PHOTO_CHUNK);
	n = cradle_msg_encode(&m, a, sizeof a, &why);
	assert_int_equal(n, CRADLE_PAYLOAD_MAX);
	assert_int_equal(cradle_msg_decode(&d, CRADLE_PHOTO_CHUNK, a, n, &why),
	    0);
	assert_ptr_equal(d.u.chunk.data, a + 36);	/* no copy */
	assert_int_equal(d.u.chunk.len, CRADLE_PHOTO_CHUNK_MAX);
	assert_int_equal(d.u.chunk.offset, 8120);

	sample(&m, CRADLE_GRID);
	n = cradle_msg_encode(&m, a, sizeof a, &why);
	assert_int_equal(cradle_msg_decode(&d, CRADLE_GRID, a, n, &why), 0);
	assert_int_equal(d.u.grid.npoints, CRADLE_GRID_POINTS_MAX);
	assert_int_equal(d.u.grid.points[499].lat, 399000000 - 49900);

	/* Negative coordinates survive (the west and the south). */
	sample(&m, CRADLE_RECORD);
	m.u.record.lon = -1234567890;
	m.u.record.lat = -123456789;
	n = cradle_msg_encode(&m, a, sizeof a, &why);
	assert_int_equal(cradle_msg_decode(&d, CRADLE_RECORD, a, n, &why), 0);
	assert_int_equal(d.u.record.lon, -1234567890);
	assert_int_equal(d.u.record.lat, -123456789);
}

/*
 * Bytes pinned against citygrid-cradle(7): a vendor implementing the page
 * must produce exactly these.
 */
static void
test_golden(void **state)
{
	static const uint8_t hello[] = {
	    0x01, 0x01,				/* msg_min, msg_max */
	    0x04, 'D', '-', '0', '1',		/* device */
	    0x04, 'C', '0', '0', '1',		/* collector */
	    0x03, '1', '.', '0',		/* firmware */
	    0x00,				/* model */
	    0x00, 0x00, 0x01, 0x9a, 0x1d, 0x4c, 0x2e, 0x00,	/* time */
	    0x00, 0x00, 0x00, 0x02,		/* pending records */
	    0x00, 0x01, 0x00, 0x00,		/* pending bytes */
	};
	static const uint8_t photo_ack[] = {
	    /* sha256 */
	    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	    0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa, 0xaa,
	    0x00,				/* status: partial */
	    0x00, 0x00, 0x0f, 0xdc,		/* offset 4060 */
	};
	static const uint8_t tasks_done[] = { 0x01, 0x2c };
	uint8_t out[256];
	struct cradle_msg m;
	const char *why;
	int n;

	cradle_msg_init(&m, CRADLE_HELLO);
	m.u.hello.msg_min = m.u.hello.msg_max = 1;
	strcpy(m.u.hello.device, "D-01");
	strcpy(m.u.hello.collector, "C001");
	strcpy(m.u.hello.firmware, "1.0");
	m.u.hello.time_ms = 0x19a1d4c2e00LL;
	m.u.hello.pending_records = 2;
	m.u.hello.pending_bytes = 65536;
	n = cradle_msg_encode(&m, out, sizeof out, &why);
	assert_int_equal(n, sizeof hello);
	assert_memory_equal(out, hello, n);

	cradle_msg_init(&m, CRADLE_PHOTO_ACK);
	memset(m.u.photo_ack.sha256, 0xaa, 32);
	m.u.photo_ack.offset = 4060;
	n = cradle_msg_encode(&m, out, sizeof out, &why);
	assert_int_equal(n, sizeof photo_ack);
	assert_memory_equal(out, photo_ack, n);

	cradle_msg_init(&m, CRADLE_TASKS_DONE);
	m.u.tasks_done.count = 300;
	n = cradle_msg_encode(&m, out, sizeof out, &why);
	assert_int_equal(n, 2);
	assert_memory_equal(out, tasks_done, 2);

	/* The test vectors of citygrid-cradle(7), EXAMPLES, whole frames. */
	{
		static const uint8_t bye[] = { 0x00, 0x03, 0x01, 0x0b, 0x02,
		    0x01, 0x02, 0x01, 0x05, 0x49, 0x60, 0xa7, 0xaf, 0x00 };
		static const uint8_t done[] = { 0x00, 0x05, 0x01, 0x09, 0x01,
		    0x02, 0x02, 0x02, 0x06, 0x03, 0x20, 0x17, 0x0b, 0x8e,
		    0x00 };
		size_t k;

		k = cradle_frame_encode(CRADLE_BYE, 1, "", 1, out, sizeof out);
		assert_int_equal(k, sizeof bye);
		assert_memory_equal(out, bye, k);
		cradle_msg_init(&m, CRADLE_TASKS_DONE);
		m.u.tasks_done.count = 3;
		k = cradle_msg_frame(&m, 0x0102, out, sizeof out, &why);
		assert_int_equal(k, sizeof done);
		assert_memory_equal(out, done, k);
	}

	/* No fields: an empty payload. */
	cradle_msg_init(&m, CRADLE_TASKS_REQ);
	assert_int_equal(cradle_msg_encode(&m, out, sizeof out, &why), 0);
	assert_int_equal(cradle_msg_decode(&m, CRADLE_GRIDS_REQ, out, 0, &why),
	    0);
}

/* Messages the encoder must refuse: one mutation of a good sample each. */
struct bad_case {
	const char	*name;
	uint8_t		 type;
	void		(*mutate)(struct cradle_msg *);
	const char	*why;		/* a substring of the reason */
};

#define MUT(name, body) \
	static void name(struct cradle_msg *m) { body; }
MUT(m_dev_empty, m->u.hello.device[0] = '\0')
MUT(m_dev_space, strcpy(m->u.hello.device, "CGT 1"))
MUT(m_dev_cjk, strcpy(m->u.hello.device, "城管通"))
MUT(m_dev_long, memset(m->u.hello.device, 'x', CRADLE_ID_MAX + 1))
MUT(m_versions, m->u.hello.msg_min = 3; m->u.hello.msg_max = 2)
MUT(m_version0, m->u.hello.msg_min = 0)
MUT(m_window0, m->u.hello_ack.window = 0)
MUT(m_window17, m->u.hello_ack.window = CRADLE_WINDOW_MAX + 1)
MUT(m_payload_small, m->u.hello_ack.payload_max = 100)
MUT(m_reason0, m->u.refuse.reason = 0)
MUT(m_reason_big, m->u.refuse.reason = CRADLE_REFUSE_COUNT)
MUT(m_rec_kind, m->u.record.kind = 9)
MUT(m_rec_flags, m->u.record.flags = 0x80)
MUT(m_rec_uuid0, memset(m->u.record.uuid, 0, 16))
MUT(m_rec_time0, m->u.record.time_ms = 0)
MUT(m_rec_noclass, m->u.record.class_code[0] = '\0')
MUT(m_rec_classkind, m->u.record.class_kind = 0)
MUT(m_rec_classalpha, strcpy(m->u.record.class_code, "01a1"))
MUT(m_rec_classlong, strcpy(m->u.record.class_code, "123456789"))
MUT(m_rec_noplace, m->u.record.lon = m->u.record.lat = CRADLE_NO_COORD;
    m->u.record.grid[0] = '\0')
MUT(m_rec_halfcoord, m->u.record.lat = CRADLE_NO_COORD)
MUT(m_rec_lon_range, m->u.record.lon = 1800000001)
MUT(m_rec_lat_range, m->u.record.lat = -900000001)
MUT(m_rec_grid14, strcpy(m->u.record.grid, "11010100100100"))
MUT(m_rec_notext, m->u.record.text[0] = '\0')
MUT(m_rec_text_long, memset(m->u.record.text, 'a', CRADLE_TEXT_MAX + 1))
MUT(m_rec_text_ctl, strcpy(m->u.record.text, "bell\a"))
MUT(m_rec_text_utf8, strcpy(m->u.record.text, "\xe4\xb8"))
MUT(m_rec_overlong, strcpy(m->u.record.text, "\xc0\xaf"))
MUT(m_rec_surrogate, strcpy(m->u.record.text, "\xed\xa0\x80"))
MUT(m_rec_addr_nl, strcpy(m->u.record.address, "a\nb"))
MUT(m_rec_photos9, m->u.record.nphotos = CRADLE_PHOTOS_MAX + 1)
MUT(m_rec_photo0, m->u.record.photos[0].size = 0)
MUT(m_rec_photo_big, m->u.record.photos[1].size = CRADLE_PHOTO_SIZE_MAX + 1)
MUT(m_rec_photo_mime, m->u.record.photos[0].mime[0] = '\0')
MUT(m_rec_report_task, m->u.record.task[3] = 1)
MUT(m_res_notask, m->u.record.kind = CRADLE_REC_VERIFY;
    m->u.record.result = CRADLE_RESULT_CONFIRMED)
MUT(m_res_wrong, m->u.record.kind = CRADLE_REC_CHECK;
    memcpy(m->u.record.task, uuid1, 16);
    m->u.record.result = CRADLE_RESULT_CONFIRMED;
    m->u.record.class_kind = 0; m->u.record.class_code[0] = '\0')
MUT(m_res_class, m->u.record.kind = CRADLE_REC_VERIFY;
    memcpy(m->u.record.task, uuid1, 16);
    m->u.record.result = CRADLE_RESULT_NOT_FOUND)
MUT(m_ack_status0, m->u.record_ack.status = 0)
MUT(m_ack_status5, m->u.record_ack.status = CRADLE_ACK_COUNT)
MUT(m_ack_caseno, strcpy(m->u.record_ack.case_no, "1 2"))
MUT(m_pq_size0, m->u.photo_query.size = 0)
MUT(m_pq_big, m->u.photo_query.size = CRADLE_PHOTO_SIZE_MAX + 1)
MUT(m_chunk_empty, m->u.chunk.len = 0)
MUT(m_chunk_big, m->u.chunk.len = CRADLE_PHOTO_CHUNK_MAX + 1)
MUT(m_chunk_past, m->u.chunk.offset = CRADLE_PHOTO_SIZE_MAX - 10)
MUT(m_pa_status, m->u.photo_ack.status = CRADLE_PHOTO_STATUS_COUNT)
MUT(m_pa_offset, m->u.photo_ack.offset = CRADLE_PHOTO_SIZE_MAX + 1)
MUT(m_tq_uuid0, memset(m->u.track_query.uuid, 0, 16))
MUT(m_tq_big, m->u.track_query.size = CRADLE_TRACK_SIZE_MAX + 1)
MUT(m_tc_half, m->u.chunk.len -= 2)
MUT(m_tc_nul, m->u.chunk.data = (const uint8_t *)"$GP\0x\n"; m->u.chunk.len = 6)
MUT(m_tc_past, m->u.chunk.offset = CRADLE_TRACK_SIZE_MAX)
MUT(m_ta_status, m->u.track_ack.status = 2)
MUT(m_task_kind, m->u.task.kind = 0)
MUT(m_task_noclass, m->u.task.class_code[0] = '\0')
MUT(m_task_nocase, m->u.task.case_no[0] = '\0')
MUT(m_task_due, m->u.task.due_ms = -1)
MUT(m_tasks_many, m->u.tasks_done.count = CRADLE_TASKS_MAX + 1)
MUT(m_code_op, m->u.code.op = 3)
MUT(m_code_noname, m->u.code.name[0] = '\0')
MUT(m_cd_flags, m->u.codes_done.flags = 3)
MUT(m_cd_unchanged, m->u.codes_done.flags = CRADLE_CODES_UNCHANGED)
MUT(m_cd_many, m->u.codes_done.count = CRADLE_CODES_MAX + 1)
MUT(m_grid_code, strcpy(m->u.grid.code, "1101010010010"))
MUT(m_grid_area, m->u.grid.area_class = 'D')
MUT(m_grid_points0, m->u.grid.npoints = 0)
MUT(m_grid_points_many, m->u.grid.npoints = CRADLE_GRID_POINTS_MAX + 1)
MUT(m_grid_point_range, m->u.grid.points[7].lat = 910000000)
MUT(m_gd_fewer, m->u.grids_done.messages = 2)
MUT(m_gd_many, m->u.grids_done.grids = m->u.grids_done.messages =
    CRADLE_GRIDS_MAX + 1)
MUT(m_error_code, m->u.error.code = 0)

static const struct bad_case bad_table[] = {
	{ "empty device id", CRADLE_HELLO, m_dev_empty, "hello.device: empty" },
	{ "device id with a space", CRADLE_HELLO, m_dev_space, "not letters" },
	{ "device id in Chinese", CRADLE_HELLO, m_dev_cjk, "not letters" },
	{ "device id too long", CRADLE_HELLO, m_dev_long, "longer than 64" },
	{ "versions backwards", CRADLE_HELLO, m_versions, "versions 3 to 2" },
	{ "version 0", CRADLE_HELLO, m_version0, "versions 0" },
	{ "window 0", CRADLE_HELLO_ACK, m_window0, "window 0" },
	{ "window 17", CRADLE_HELLO_ACK, m_window17, "window 17" },
	{ "payload_max 100", CRADLE_HELLO_ACK, m_payload_small, "payload_max" },
	{ "refusal without reason", CRADLE_REFUSE, m_reason0, "reason 0" },
	{ "refusal reason unknown", CRADLE_REFUSE, m_reason_big, "reason" },
	{ "record kind 9", CRADLE_RECORD, m_rec_kind, "kind 9" },
	{ "record flag unknown", CRADLE_RECORD, m_rec_flags, "flags 0x80" },
	{ "record uuid zero", CRADLE_RECORD, m_rec_uuid0, "uuid is zero" },
	{ "record no time", CRADLE_RECORD, m_rec_time0, "no time" },
	{ "report without class", CRADLE_RECORD, m_rec_noclass, "class kind" },
	{ "report class kind 0", CRADLE_RECORD, m_rec_classkind, "class kind" },
	{ "class with a letter", CRADLE_RECORD, m_rec_classalpha, "not digits" },
	{ "class too long", CRADLE_RECORD, m_rec_classlong, "longer than 8" },
	{ "report nowhere", CRADLE_RECORD, m_rec_noplace, "needs lon and lat" },
	{ "half a coordinate", CRADLE_RECORD, m_rec_halfcoord, "go together" },
	{ "lon out of range", CRADLE_RECORD, m_rec_lon_range, "out of range" },
	{ "lat out of range", CRADLE_RECORD, m_rec_lat_range, "out of range" },
	{ "grid of 14 digits", CRADLE_RECORD, m_rec_grid14, "14 digits" },
	{ "report without text", CRADLE_RECORD, m_rec_notext, "description" },
	{ "text too long", CRADLE_RECORD, m_rec_text_long, "longer than 1500" },
	{ "text with a bell", CRADLE_RECORD, m_rec_text_ctl, "not UTF-8 lines" },
	{ "text cut UTF-8", CRADLE_RECORD, m_rec_text_utf8, "not UTF-8" },
	{ "overlong UTF-8", CRADLE_RECORD, m_rec_overlong, "not UTF-8" },
	{ "UTF-16 surrogate", CRADLE_RECORD, m_rec_surrogate, "not UTF-8" },
	{ "address with newline", CRADLE_RECORD, m_rec_addr_nl, "not UTF-8 text" },
	{ "nine photos", CRADLE_RECORD, m_rec_photos9, "more than 8" },
	{ "photo of 0 bytes", CRADLE_RECORD, m_rec_photo0, "size 0" },
	{ "photo too big", CRADLE_RECORD, m_rec_photo_big, "out of range" },
	{ "photo without type", CRADLE_RECORD, m_rec_photo_mime, "mime: empty" },
	{ "report with a task", CRADLE_RECORD, m_rec_report_task, "no task" },
	{ "result without task", CRADLE_RECORD, m_res_notask, "needs its task" },
	{ "check result confirmed", CRADLE_RECORD, m_res_wrong, "for a check" },
	{ "result with a class", CRADLE_RECORD, m_res_class, "has no class" },
	{ "ack status 0", CRADLE_RECORD_ACK, m_ack_status0, "status 0" },
	{ "ack status 5", CRADLE_RECORD_ACK, m_ack_status5, "status 5" },
	{ "case number spaced", CRADLE_RECORD_ACK, m_ack_caseno, "not printable" },
	{ "photo query size 0", CRADLE_PHOTO_QUERY, m_pq_size0, "size 0" },
	{ "photo query 8 MiB+1", CRADLE_PHOTO_QUERY, m_pq_big, "out of range" },
	{ "empty chunk", CRADLE_PHOTO_CHUNK, m_chunk_empty, "0 bytes" },
	{ "chunk too big", CRADLE_PHOTO_CHUNK, m_chunk_big, "4061 bytes" },
	{ "chunk past the end", CRADLE_PHOTO_CHUNK, m_chunk_past, "past" },
	{ "photo ack status", CRADLE_PHOTO_ACK, m_pa_status, "status 4" },
	{ "photo ack offset", CRADLE_PHOTO_ACK, m_pa_offset, "offset" },
	{ "track uuid zero", CRADLE_TRACK_QUERY, m_tq_uuid0, "uuid is zero" },
	{ "track too big", CRADLE_TRACK_QUERY, m_tq_big, "size" },
	{ "half a sentence", CRADLE_TRACK_CHUNK, m_tc_half, "end a line" },
	{ "NUL in a track", CRADLE_TRACK_CHUNK, m_tc_nul, "NUL" },
	{ "track past the end", CRADLE_TRACK_CHUNK, m_tc_past, "past" },
	{ "track ack status", CRADLE_TRACK_ACK, m_ta_status, "status 2" },
	{ "task kind 0", CRADLE_TASK, m_task_kind, "kind 0" },
	{ "task without class", CRADLE_TASK, m_task_noclass, "class: empty" },
	{ "task without case", CRADLE_TASK, m_task_nocase, "case_no: empty" },
	{ "task due before 1970", CRADLE_TASK, m_task_due, "due" },
	{ "1001 tasks", CRADLE_TASKS_DONE, m_tasks_many, "more than 1000" },
	{ "code op 3", CRADLE_CODE, m_code_op, "op 3" },
	{ "code without name", CRADLE_CODE, m_code_noname, "no name" },
	{ "codes full and unchanged", CRADLE_CODES_DONE, m_cd_flags, "flags" },
	{ "unchanged with codes", CRADLE_CODES_DONE, m_cd_unchanged,
	    "unchanged, yet" },
	{ "2001 codes", CRADLE_CODES_DONE, m_cd_many, "more than 2000" },
	{ "grid code of 13", CRADLE_GRID, m_grid_code, "too short" },
	{ "area class D", CRADLE_GRID, m_grid_area, "area class" },
	{ "grid without points", CRADLE_GRID, m_grid_points0, "points: 0" },
	{ "grid of 501 points", CRADLE_GRID, m_grid_points_many, "points: 501" },
	{ "grid point at 91N", CRADLE_GRID, m_grid_point_range, "point 7" },
	{ "grids in fewer messages", CRADLE_GRIDS_DONE, m_gd_fewer,
	    "3 grids in 2" },
	{ "1001 grids", CRADLE_GRIDS_DONE, m_gd_many, "more than 1000" },
	{ "error code 0", CRADLE_ERROR, m_error_code, "code 0" },
};

/*
 * Each bad message: the encoder refuses it; and the same bytes, forced
 * onto the wire, are refused by the decoder for the same reason.
 */
static void
test_refused(void **state)
{
	static uint8_t out[CRADLE_PAYLOAD_MAX + 64];
	static struct cradle_msg m, d;
	const char *why;
	size_t i;
	int n;

	for (i = 0; i < NELEM(bad_table); i++) {
		const struct bad_case *c = &bad_table[i];

		print_message("refused: %s\n", c->name);
		sample(&m, c->type);
		c->mutate(&m);
		why = NULL;
		assert_int_equal(cradle_msg_encode(&m, out, sizeof out, &why),
		    -1);
		assert_non_null(why);
		if (strstr(why, c->why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", c->name, why, c->why);
		/* A fresh message of the type decodes fine... */
		sample(&d, c->type);
		n = cradle_msg_encode(&d, out, sizeof out, &why);
		assert_true(n >= 0);
		assert_int_equal(cradle_msg_decode(&d, c->type, out, n, &why), 0);
	}
}

/* Bytes a broken or hostile device may send, refused by the decoder. */
static const struct wire_case {
	const char	*name;
	uint8_t		 type;
	size_t		 at;		/* offset to overwrite */
	uint8_t		 byte;
	const char	*why;
} wire_cases[] = {
	/* hello: 01 03 | 08 "CGT-0001" | 04 "C001" | ... */
	{ "device length past the end", CRADLE_HELLO, 2, 0xff, "ends early" },
	{ "device with a NUL", CRADLE_HELLO, 5, 0x00, "not letters" },
	{ "collector length 0", CRADLE_HELLO, 11, 0x00, "collector: empty" },
	/* record: uuid 16, kind, flags, time 8, class_kind, 04 "0101" ... */
	{ "record kind 0", CRADLE_RECORD, 16, 0, "kind 0" },
	{ "class length 9", CRADLE_RECORD, 27, 9, "longer than 8" },
	/* photo_ack: sha 32, status, offset */
	{ "photo ack status 9", CRADLE_PHOTO_ACK, 32, 9, "status 9" },
	{ "photo ack offset 2^31", CRADLE_PHOTO_ACK, 33, 0x80, "offset" },
	/* grid: 0f code 15, area, polygon, ring, part, flags, u16 points */
	{ "absurd point count", CRADLE_GRID, 21, 0xff, "points" },
	/* bye: the count of counters */
	{ "33 counters", CRADLE_BYE, 0, 33, "more than 32" },
	{ "counters past the end", CRADLE_BYE, 0, 32, "ends early" },
	/* error: code, ref type, ref seq, u16 length */
	{ "error text 65535 bytes", CRADLE_ERROR, 4, 0xff, "ends early" },
};

static void
test_wire(void **state)
{
	static uint8_t out[CRADLE_PAYLOAD_MAX];
	static struct cradle_msg m;
	const char *why;
	size_t i;
	int n;

	for (i = 0; i < NELEM(wire_cases); i++) {
		const struct wire_case *c = &wire_cases[i];

		print_message("wire: %s\n", c->name);
		sample(&m, c->type);
		n = cradle_msg_encode(&m, out, sizeof out, &why);
		assert_true(n > (int)c->at);
		out[c->at] = c->byte;
		why = NULL;
		assert_int_equal(cradle_msg_decode(&m, c->type, out, n, &why), -1);
		if (why == NULL || strstr(why, c->why) == NULL)
			fail_msg("%s: \"%s\" lacks \"%s\"", c->name,
			    why ? why : "(null)", c->why);
	}
	/* A type nobody knows, and type 0. */
	assert_int_equal(cradle_msg_decode(&m, CRADLE_TYPE_COUNT, out, 0, &why),
	    -1);
	assert_non_null(strstr(why, "unknown message type"));
	assert_int_equal(cradle_msg_decode(&m, 0, out, 0, &why), -1);
	cradle_msg_init(&m, 200);
	assert_int_equal(cradle_msg_encode(&m, out, sizeof out, &why), -1);
}

/*
 * Every type cut short is refused, but for chunks, whose data may end
 * anywhere; bytes after the known fields are a later version's.
 */
static void
test_truncated(void **state)
{
	static uint8_t out[CRADLE_PAYLOAD_MAX + 8];
	static struct cradle_msg m, d;
	const char *why;
	int t, n, k, cut;

	for (t = 1; t < CRADLE_TYPE_COUNT; t++) {
		sample(&m, t);
		n = cradle_msg_encode(&m, out, sizeof out, &why);
		cut = t == CRADLE_PHOTO_CHUNK ? 37 : t == CRADLE_TRACK_CHUNK ?
		    21 : n;
		for (k = 0; k < cut; k++) {
			if (cradle_msg_decode(&d, t, out, k, &why) != -1)
				fail_msg("%s cut at %d of %d decoded",
				    cradle_type_name(t), k, n);
		}
		if (t == CRADLE_PHOTO_CHUNK || t == CRADLE_TRACK_CHUNK)
			continue;
		if (n + 3 > CRADLE_PAYLOAD_MAX)
			continue;
		memcpy(out + n, "\x01\x02\x03", 3);
		assert_int_equal(cradle_msg_decode(&d, t, out, n + 3, &why), 0);
	}
	/* A payload longer than any frame holds. */
	assert_int_equal(cradle_msg_decode(&d, CRADLE_PHOTO_CHUNK, out,
	    CRADLE_PAYLOAD_MAX + 1, &why), -1);
}

/* The encoder never writes past the room it is given. */
static void
test_room(void **state)
{
	static uint8_t out[CRADLE_PAYLOAD_MAX + 16];
	static struct cradle_msg m;
	const char *why;
	int t, n, k;

	for (t = 1; t < CRADLE_TYPE_COUNT; t++) {
		sample(&m, t);
		n = cradle_msg_encode(&m, out, sizeof out, &why);
		for (k = n - 1; k >= 0 && k > n - 40; k--) {
			memset(out, 0xee, sizeof out);
			assert_int_equal(cradle_msg_encode(&m, out, k, &why), -1);
			assert_non_null(strstr(why, "no room"));
			assert_int_equal(out[k], 0xee);
		}
	}
}

/* Bye: fewer counters from an older peer read as 0; more are skipped. */
static void
test_counts(void **state)
{
	static const uint8_t older[] = { 2, 0, 0, 0, 7, 0, 0, 1, 0 };
	uint8_t later[1 + 4 * 20];
	struct cradle_msg m;
	const char *why;
	int i;

	assert_int_equal(cradle_msg_decode(&m, CRADLE_BYE_ACK, older,
	    sizeof older, &why), 0);
	assert_int_equal(m.u.bye.ncounts, 2);
	assert_int_equal(m.u.bye.counts[CRADLE_N_RECORDS], 7);
	assert_int_equal(m.u.bye.counts[CRADLE_N_NEW], 256);
	assert_int_equal(m.u.bye.counts[CRADLE_N_PHOTOS], 0);
	later[0] = 20;
	for (i = 0; i < 20; i++) {
		later[1 + 4 * i] = 0;
		later[2 + 4 * i] = 0;
		later[3 + 4 * i] = 0;
		later[4 + 4 * i] = i;
	}
	assert_int_equal(cradle_msg_decode(&m, CRADLE_BYE, later, sizeof later,
	    &why), 0);
	assert_int_equal(m.u.bye.counts[CRADLE_N_FRAMES_BAD],
	    CRADLE_N_FRAMES_BAD);
	for (i = 0; i < CRADLE_N_COUNT; i++)
		assert_non_null(cradle_counter_name(i));
	assert_null(cradle_counter_name(CRADLE_N_COUNT));
}

/* Through the frame layer and back. */
static int
got_frame(const struct cradle_frame *f, void *arg)
{
	struct cradle_msg *m = arg;
	const char *why;

	assert_int_equal(cradle_msg_decode(m, f->type, f->payload, f->len,
	    &why), 0);
	return 0;
}

static void
test_frame(void **state)
{
	static uint8_t out[CRADLE_FRAME_MAX];
	static struct cradle_msg m, d;
	static struct cradle_decoder dec;
	const char *why;
	size_t n;

	sample(&m, CRADLE_RECORD);
	n = cradle_msg_frame(&m, 42, out, sizeof out, &why);
	assert_true(n > 0);
	cradle_decoder_init(&dec);
	assert_int_equal(cradle_decoder_feed(&dec, out, n, got_frame, &d), n);
	assert_int_equal(dec.stats.frames, 1);
	assert_string_equal(d.u.record.address, m.u.record.address);
	assert_int_equal(cradle_msg_frame(&m, 42, out, 100, &why), 0);
	assert_non_null(strstr(why, "no room"));
	m.u.record.kind = 0;
	assert_int_equal(cradle_msg_frame(&m, 42, out, sizeof out, &why), 0);
}

static const struct uuid_case {
	const char	*text;
	int		 ok;
} uuid_cases[] = {
	{ "12345678-9abc-4def-8123-456789abcdef", 1 },
	{ "12345678-9ABC-4DEF-8123-456789ABCDEF", 1 },
	{ "12345678-9abc-4def-8123-456789abcde", 0 },
	{ "12345678-9abc-4def-8123-456789abcdef0", 0 },
	{ "123456789abc-4def-8123-456789abcdef-", 0 },
	{ "12345678-9abc-4def-8123-456789abcdeg", 0 },
	{ "", 0 },
};

static void
test_uuid(void **state)
{
	uint8_t u[16], h[4];
	char text[37], hex[9];
	size_t i;

	for (i = 0; i < NELEM(uuid_cases); i++) {
		print_message("uuid: %s\n", uuid_cases[i].text);
		assert_int_equal(cradle_uuid_parse(uuid_cases[i].text, u),
		    uuid_cases[i].ok ? 0 : -1);
		if (!uuid_cases[i].ok)
			continue;
		assert_memory_equal(u, uuid1, 16);
		cradle_uuid_format(u, text);
		assert_string_equal(text, "12345678-9abc-4def-8123-456789abcdef");
	}
	assert_int_equal(cradle_hex_parse("00ff7Fa0", h, 4), 0);
	assert_memory_equal(h, "\x00\xff\x7f\xa0", 4);
	cradle_hex_format(h, 4, hex);
	assert_string_equal(hex, "00ff7fa0");
	assert_int_equal(cradle_hex_parse("00ff7fa", h, 4), -1);
	assert_int_equal(cradle_hex_parse("00ff7fa00", h, 4), -1);
	assert_int_equal(cradle_hex_parse("x0ff7fa0", h, 4), -1);
}

static void
test_names(void **state)
{
	unsigned i;

	for (i = 1; i < CRADLE_REFUSE_COUNT; i++)
		assert_string_not_equal(cradle_refuse_name(i), "unknown reason");
	assert_string_equal(cradle_refuse_name(0), "unknown reason");
	for (i = 1; i < CRADLE_ACK_COUNT; i++)
		assert_string_not_equal(cradle_ack_name(i), "unknown status");
	assert_string_equal(cradle_ack_name(CRADLE_ACK_COUNT), "unknown status");
	assert_string_equal(cradle_record_kind_name(CRADLE_REC_CHECK), "check");
	assert_string_equal(cradle_type_name(CRADLE_CLOCK_REQ), "clock_req");
	assert_int_equal(CRADLE_CLOCK_REQ, 25);	/* on the wire */
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_wire),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_room),
		cmocka_unit_test(test_counts),
		cmocka_unit_test(test_frame),
		cmocka_unit_test(test_uuid),
		cmocka_unit_test(test_names),
	};

	memset(photo_bytes, 0x5a, sizeof photo_bytes);
	photo_bytes[0] = 0;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
