/*
 * cradle-emu-host: a test host for the handheld emulator, the host side
 * of citygrid-cradle(7) without a database.  It keeps what it commits in
 * plain files, acknowledging a record only after its line is on disk, so
 * the emulator's cut-and-resume runs can be checked on their own, before
 * and apart from citygridd: every record once, every photo whole.
 *
 * usage: cradle-emu-host -s DIR [options] PATH
 *
 *   -s DIR		the store: records (uuid, kind, case number per
 *			line), photos/SHA256 (whole) and .part, tracks/UUID
 *   --unit ID:CODE	a known handheld and its collector (repeatable;
 *			default CGT-0001:C001); others are refused
 *   --tasks N		open tasks to hand out (4): verifications and
 *			checks with fixed UUIDs
 *   --grids N		grids to hand out (3); each outline has 600
 *			points, so it comes in two parts, and the first
 *			a hole
 *   --window N		the window offered (8)
 *   --payload-max N	the longest payload taken (4096)
 *   --sessions N	exit after N goodbyes (default: run until killed)
 *   --codes-version V	serve version 1 or 2 (default) of its code table;
 *			a unit holding 1 gets the changes to 2
 *   --baud, --throttle, --corrupt, --corrupt-every, -v: as cradle-emu
 *
 * On each goodbye it prints "host:" with its counters and "store:" with
 * the records and photos it holds.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "cg.h"
#include "cradle-emu.h"

/*
 * Two versions of a small code table, so that a unit holding the first
 * gets the changes to the second: 0105 removed, 0106 renamed, 0107 new.
 */
static const struct {
	uint8_t		 kind;
	const char	*code, *major_name, *name;
	unsigned	 in;		/* 1: version 1, 2: version 2 */
} host_table[] = {
	{ CRADLE_CLASS_EVENT, "0101", "市容环境", "私搭乱建", 3 },
	{ CRADLE_CLASS_EVENT, "0102", "市容环境", "暴露垃圾", 3 },
	{ CRADLE_CLASS_EVENT, "0103", "市容环境", "积存垃圾渣土", 3 },
	{ CRADLE_CLASS_EVENT, "0104", "市容环境", "道路不洁", 3 },
	{ CRADLE_CLASS_EVENT, "0105", "市容环境", "水域不洁", 1 },
	{ CRADLE_CLASS_EVENT, "0106", "市容环境", "绿地不洁", 1 },
	{ CRADLE_CLASS_EVENT, "0106", "市容环境", "绿地脏乱", 2 },
	{ CRADLE_CLASS_EVENT, "0107", "市容环境", "废弃车辆", 2 },
	{ CRADLE_CLASS_COMPONENT, "0101", "公用设施", "上水井盖", 3 },
};
#define HOST_TABLE_N	(sizeof host_table / sizeof host_table[0])

struct host_unit {
	char		*device, *collector;
};

struct host {
	struct emu_line	 l;
	const char	*dir;
	struct host_unit *units;
	size_t		 nunits;
	unsigned	 ntasks, ngrids, window, payload_max, sessions;
	unsigned	 codes_version;	/* 1 or 2 */
	uint8_t		 digests[3][CRADLE_DIGEST];	/* of versions 1, 2 */

	/* the session */
	int		 in_session;
	uint32_t	 session;
	char		 device[CRADLE_ID_MAX + 1];
	uint32_t	 counts[CRADLE_N_COUNT];
	uint64_t	 bad_before;	/* frames refused before the hello */
	unsigned	 byes;
	/* the store, in memory too */
	char		**uuids;	/* committed records, "uuid\tcase" */
	size_t		 nuuids;
};

static char *
host_path(const struct host *h, const char *sub, const char *name)
{
	char *p;

	xasprintf(&p, "%s/%s%s%s", h->dir, sub, *sub ? "/" : "", name);
	return p;
}

/* The length of a file, or -1 if there is none. */
static long
host_size(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

static void
host_reply(struct host *h, const struct cradle_msg *m)
{
	emu_line_send(&h->l, m);
}

static void
host_error(struct host *h, const struct cradle_frame *f, uint8_t code,
    const char *text)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_ERROR);
	m.u.error.code = code;
	m.u.error.ref_type = f->type;
	m.u.error.ref_seq = f->seq;
	snprintf(m.u.error.text, sizeof m.u.error.text, "%s", text);
	host_reply(h, &m);
}

static void
host_task_uuid(unsigned i, uint8_t *u)
{
	char seed[32];
	uint8_t sha[CRADLE_SHA256];

	snprintf(seed, sizeof seed, "task %u", i);
	emu_sha256(seed, strlen(seed), sha);
	memcpy(u, sha, CRADLE_UUID);
	u[6] = (u[6] & 0x0f) | 0x40;
	u[8] = (u[8] & 0x3f) | 0x80;
}

/* Frames the decoder refused so far on this line. */
static uint64_t
host_frames_bad(const struct host *h)
{
	uint64_t n = 0;
	int i;

	for (i = 0; i < CRADLE_ERR_COUNT; i++)
		n += h->l.dec.stats.errors[i];
	return n;
}

static void
host_hello(struct host *h, const struct cradle_hello *hi)
{
	struct cradle_msg m;
	size_t i;

	h->in_session = 0;
	for (i = 0; i < h->nunits; i++) {
		if (strcmp(h->units[i].device, hi->device) == 0)
			break;
	}
	cradle_msg_init(&m, CRADLE_REFUSE);
	m.u.refuse.msg_min = m.u.refuse.msg_max = CRADLE_MSG_VERSION;
	if (i == h->nunits) {
		m.u.refuse.reason = CRADLE_REFUSE_UNKNOWN_DEVICE;
		snprintf(m.u.refuse.text, sizeof m.u.refuse.text,
		    "设备 %s 未登记", hi->device);
	} else if (strcmp(h->units[i].collector, hi->collector) != 0) {
		m.u.refuse.reason = CRADLE_REFUSE_COLLECTOR;
		snprintf(m.u.refuse.text, sizeof m.u.refuse.text,
		    "设备 %s 属于监督员 %s", hi->device, h->units[i].collector);
	} else if (hi->msg_min > CRADLE_MSG_VERSION) {
		m.u.refuse.reason = CRADLE_REFUSE_VERSION;
		snprintf(m.u.refuse.text, sizeof m.u.refuse.text,
		    "不支持协议版本 %u-%u", hi->msg_min, hi->msg_max);
	} else {
		cradle_msg_init(&m, CRADLE_HELLO_ACK);
		m.u.hello_ack.msg_version = CRADLE_MSG_VERSION;
		m.u.hello_ack.window = h->window;
		m.u.hello_ack.payload_max = h->payload_max;
		m.u.hello_ack.session = ++h->session;
		m.u.hello_ack.time_ms = emu_now_ms();
		strcpy(m.u.hello_ack.collector_name, "测试监督员");
		strcpy(m.u.hello_ack.standard, "CJT214-2007");
		memcpy(m.u.hello_ack.digest, h->digests[h->codes_version],
		    CRADLE_DIGEST);
		h->in_session = 1;
		snprintf(h->device, sizeof h->device, "%s", hi->device);
		memset(h->counts, 0, sizeof h->counts);
		h->bad_before = host_frames_bad(h);
	}
	host_reply(h, &m);
}

static const char *
host_find(const struct host *h, const char *uuid)
{
	size_t i;

	for (i = 0; i < h->nuuids; i++) {
		if (strncmp(h->uuids[i], uuid, 36) == 0)
			return h->uuids[i] + 37;
	}
	return NULL;
}

static void
host_commit(struct host *h, const char *uuid, const char *case_no,
    unsigned kind)
{
	char *line, *p = host_path(h, "", "records");
	int fd;

	xasprintf(&line, "%s\t%u\t%s\n", uuid, kind, case_no);
	if ((fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0 ||
	    write(fd, line, strlen(line)) != (ssize_t)strlen(line) ||
	    fdatasync(fd) != 0)
		emu_die("%s: %s", p, strerror(errno));
	close(fd);
	free(line);
	free(p);
	h->uuids = xreallocarray(h->uuids, h->nuuids + 1, sizeof *h->uuids);
	xasprintf(&h->uuids[h->nuuids++], "%s\t%s", uuid, case_no);
}

static int
host_task_known(const struct host *h, const uint8_t *task)
{
	uint8_t u[CRADLE_UUID];
	unsigned i;

	for (i = 0; i < h->ntasks; i++) {
		host_task_uuid(i, u);
		if (memcmp(u, task, CRADLE_UUID) == 0)
			return 1;
	}
	return 0;
}

static void
host_record(struct host *h, const struct cradle_record *r)
{
	struct cradle_msg m;
	char uuid[37], sha[65], case_no[32], *p;
	const char *had;
	uint8_t i;

	h->counts[CRADLE_N_RECORDS]++;
	cradle_uuid_format(r->uuid, uuid);
	cradle_msg_init(&m, CRADLE_RECORD_ACK);
	memcpy(m.u.record_ack.uuid, r->uuid, CRADLE_UUID);
	if ((had = host_find(h, uuid)) != NULL) {
		m.u.record_ack.status = CRADLE_ACK_DUPLICATE;
		snprintf(m.u.record_ack.case_no, sizeof m.u.record_ack.case_no,
		    "%s", strcmp(had, "-") ? had : "");
		h->counts[CRADLE_N_DUPLICATE]++;
		host_reply(h, &m);
		return;
	}
	for (i = 0; i < r->nphotos; i++) {
		cradle_hex_format(r->photos[i].sha256, CRADLE_SHA256, sha);
		p = host_path(h, "photos", sha);
		if (host_size(p) != (long)r->photos[i].size) {
			m.u.record_ack.status = CRADLE_ACK_RETRY;
			snprintf(m.u.record_ack.text, sizeof m.u.record_ack.text,
			    "照片 %.12s 尚未传完", sha);
			h->counts[CRADLE_N_RETRY]++;
			free(p);
			host_reply(h, &m);
			return;
		}
		free(p);
	}
	if (r->kind != CRADLE_REC_REPORT && !host_task_known(h, r->task)) {
		m.u.record_ack.status = CRADLE_ACK_REFUSED;
		strcpy(m.u.record_ack.text, "任务不存在或已结束");
		h->counts[CRADLE_N_REFUSED]++;
		host_commit(h, uuid, "-", r->kind);
		host_reply(h, &m);
		return;
	}
	snprintf(case_no, sizeof case_no, "%s", "-");
	if (r->kind == CRADLE_REC_REPORT)
		snprintf(case_no, sizeof case_no, "T%06zu", h->nuuids + 1);
	host_commit(h, uuid, case_no, r->kind);
	m.u.record_ack.status = CRADLE_ACK_NEW;
	if (r->kind == CRADLE_REC_REPORT)
		strcpy(m.u.record_ack.case_no, case_no);
	h->counts[CRADLE_N_NEW]++;
	host_reply(h, &m);
}

/* How much of a photo the host holds; 1 if whole. */
static uint32_t
host_photo_have(struct host *h, const char *sha, int *whole)
{
	char *p = host_path(h, "photos", sha), *part;
	long n;

	*whole = 0;
	if ((n = host_size(p)) >= 0) {
		*whole = 1;
		free(p);
		return n;
	}
	xasprintf(&part, "%s.part", p);
	n = host_size(part);
	free(p);
	free(part);
	return n < 0 ? 0 : n;
}

static void
host_photo_ack(struct host *h, const uint8_t *sha, uint8_t status,
    uint32_t offset)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_PHOTO_ACK);
	memcpy(m.u.photo_ack.sha256, sha, CRADLE_SHA256);
	m.u.photo_ack.status = status;
	m.u.photo_ack.offset = offset;
	host_reply(h, &m);
}

/* The size of each photo being received, from its query. */
static struct host_want {
	uint8_t		 sha[CRADLE_SHA256];
	uint32_t	 size;
} host_wants[64];
static unsigned host_nwants;

static uint32_t
host_want_size(const uint8_t *sha)
{
	unsigned i;

	for (i = 0; i < host_nwants && i < 64; i++) {
		if (memcmp(host_wants[i].sha, sha, CRADLE_SHA256) == 0)
			return host_wants[i].size;
	}
	return 0;
}

static void
host_photo_query(struct host *h, const struct cradle_photo_query *q)
{
	char sha[65];
	uint32_t have;
	int whole;

	cradle_hex_format(q->sha256, CRADLE_SHA256, sha);
	have = host_photo_have(h, sha, &whole);
	if (!host_want_size(q->sha256)) {
		memcpy(host_wants[host_nwants % 64].sha, q->sha256,
		    CRADLE_SHA256);
		host_wants[host_nwants++ % 64].size = q->size;
	}
	if (whole)
		h->counts[CRADLE_N_PHOTOS]++;
	host_photo_ack(h, q->sha256, whole ? CRADLE_PHOTO_COMPLETE :
	    CRADLE_PHOTO_PARTIAL, have);
}

/* Check a whole photo's digest; keep it under its name, or drop it. */
static uint8_t
host_photo_finish(struct host *h, const uint8_t *sha, const char *hex,
    const char *part)
{
	uint8_t buf[65536], got[CRADLE_SHA256];
	GChecksum *s = g_checksum_new(G_CHECKSUM_SHA256);
	gsize glen = sizeof got;
	char *whole;
	ssize_t n;
	int fd;

	if ((fd = open(part, O_RDONLY)) < 0)
		emu_die("%s: %s", part, strerror(errno));
	while ((n = read(fd, buf, sizeof buf)) > 0)
		g_checksum_update(s, buf, n);
	close(fd);
	g_checksum_get_digest(s, got, &glen);
	g_checksum_free(s);
	if (memcmp(got, sha, CRADLE_SHA256) != 0) {
		unlink(part);
		return CRADLE_PHOTO_CORRUPT;
	}
	whole = host_path(h, "photos", hex);
	if (rename(part, whole) != 0)
		emu_die("%s: %s", whole, strerror(errno));
	free(whole);
	h->counts[CRADLE_N_PHOTOS]++;
	return CRADLE_PHOTO_COMPLETE;
}

static void
host_photo_chunk(struct host *h, const struct cradle_chunk *c)
{
	char sha[65], *p, *part;
	uint32_t have, size = host_want_size(c->id);
	uint8_t status = CRADLE_PHOTO_PARTIAL;
	int whole, fd;

	cradle_hex_format(c->id, CRADLE_SHA256, sha);
	have = host_photo_have(h, sha, &whole);
	if (whole || size == 0 || c->offset != have ||
	    c->offset + c->len > size) {
		/* Not the next bytes: say where we are. */
		host_photo_ack(h, c->id, whole ? CRADLE_PHOTO_COMPLETE :
		    CRADLE_PHOTO_PARTIAL, have);
		return;
	}
	p = host_path(h, "photos", sha);
	xasprintf(&part, "%s.part", p);
	if ((fd = open(part, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0 ||
	    write(fd, c->data, c->len) != (ssize_t)c->len)
		emu_die("%s: %s", part, strerror(errno));
	close(fd);
	have += c->len;
	h->counts[CRADLE_N_PHOTO_BYTES] += c->len;
	if (have == size) {
		status = host_photo_finish(h, c->id, sha, part);
		if (status == CRADLE_PHOTO_CORRUPT)
			have = 0;
	}
	host_photo_ack(h, c->id, status, have);
	free(p);
	free(part);
}

static void
host_track_ack(struct host *h, const uint8_t *uuid)
{
	struct cradle_msg m;
	struct nmea_stats st = { 0 };
	char hex[37], *p, *buf;
	long n;
	FILE *f;

	cradle_uuid_format(uuid, hex);
	p = host_path(h, "tracks", hex);
	cradle_msg_init(&m, CRADLE_TRACK_ACK);
	memcpy(m.u.track_ack.uuid, uuid, CRADLE_UUID);
	if ((n = host_size(p)) > 0 && (f = fopen(p, "r")) != NULL) {
		buf = xmalloc(n);
		if (fread(buf, 1, n, f) == (size_t)n)
			nmea_feed(buf, n, &st, NULL, NULL);
		fclose(f);
		free(buf);
	}
	m.u.track_ack.offset = n < 0 ? 0 : n;
	m.u.track_ack.good = st.good;
	m.u.track_ack.bad = st.bad_checksum + st.malformed + st.unknown;
	h->counts[CRADLE_N_NMEA_GOOD] = st.good;
	h->counts[CRADLE_N_NMEA_BAD] = m.u.track_ack.bad;
	free(p);
	host_reply(h, &m);
}

static void
host_track_chunk(struct host *h, const struct cradle_chunk *c)
{
	char hex[37], *p;
	long have;
	int fd;

	cradle_uuid_format(c->id, hex);
	p = host_path(h, "tracks", hex);
	have = host_size(p);
	if (have < 0)
		have = 0;
	if ((long)c->offset == have) {
		if ((fd = open(p, O_WRONLY | O_CREAT | O_APPEND, 0644)) < 0 ||
		    write(fd, c->data, c->len) != (ssize_t)c->len)
			emu_die("%s: %s", p, strerror(errno));
		close(fd);
		h->counts[CRADLE_N_TRACK_BYTES] += c->len;
	}
	free(p);
	host_track_ack(h, c->id);
}

static void
host_tasks(struct host *h)
{
	struct cradle_msg m;
	unsigned i;

	for (i = 0; i < h->ntasks; i++) {
		cradle_msg_init(&m, CRADLE_TASK);
		host_task_uuid(i, m.u.task.uuid);
		m.u.task.kind = i % 2 ? CRADLE_TASK_CHECK : CRADLE_TASK_VERIFY;
		snprintf(m.u.task.case_no, sizeof m.u.task.case_no,
		    "E01022026112600%02u", i);
		m.u.task.class_kind = CRADLE_CLASS_EVENT;
		strcpy(m.u.task.class_code, "0102");
		m.u.task.lon = 1164126000 + i * 1000;
		m.u.task.lat = 399147000;
		strcpy(m.u.task.grid, "110101001001001");
		strcpy(m.u.task.address, "东华门大街");
		strcpy(m.u.task.text, "路边暴露垃圾");
		m.u.task.sent_ms = emu_now_ms() - 3600000;
		m.u.task.due_ms = emu_now_ms() + 3600000;
		host_reply(h, &m);
	}
	cradle_msg_init(&m, CRADLE_TASKS_DONE);
	m.u.tasks_done.count = h->ntasks;
	h->counts[CRADLE_N_TASKS] = h->ntasks;
	host_reply(h, &m);
}

static void
host_code(struct host *h, size_t i, uint8_t op)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_CODE);
	m.u.code.op = op;
	m.u.code.kind = host_table[i].kind;
	strcpy(m.u.code.code, host_table[i].code);
	strcpy(m.u.code.major_name, host_table[i].major_name);
	strcpy(m.u.code.name, host_table[i].name);
	host_reply(h, &m);
}

/* The row of the other version with the same class, or HOST_TABLE_N. */
static size_t
host_code_in(size_t i, unsigned version)
{
	size_t j;

	for (j = 0; j < HOST_TABLE_N; j++) {
		if ((host_table[j].in & version) &&
		    host_table[j].kind == host_table[i].kind &&
		    strcmp(host_table[j].code, host_table[i].code) == 0)
			return j;
	}
	return HOST_TABLE_N;
}

/*
 * Unchanged; or the changes from version 1 to 2 to a unit holding 1;
 * or the whole table.
 */
static void
host_codes(struct host *h, const struct cradle_codes_req *q)
{
	struct cradle_msg m;
	unsigned v = h->codes_version, n = 0;
	size_t i;
	int same = strcmp(q->standard, "CJT214-2007") == 0 &&
	    memcmp(q->digest, h->digests[v], CRADLE_DIGEST) == 0;
	int delta = !same && v == 2 && strcmp(q->standard, "CJT214-2007") == 0 &&
	    memcmp(q->digest, h->digests[1], CRADLE_DIGEST) == 0;

	for (i = 0; !same && i < HOST_TABLE_N; i++) {
		if (!delta && (host_table[i].in & v)) {
			host_code(h, i, CRADLE_CODE_SET);
			n++;
		} else if (delta && host_table[i].in == 1 &&
		    host_code_in(i, 2) == HOST_TABLE_N) {
			host_code(h, i, CRADLE_CODE_DEL);
			n++;
		} else if (delta && host_table[i].in == 2) {
			host_code(h, i, CRADLE_CODE_SET);
			n++;
		}
	}
	cradle_msg_init(&m, CRADLE_CODES_DONE);
	m.u.codes_done.flags = same ? CRADLE_CODES_UNCHANGED :
	    delta ? 0 : CRADLE_CODES_FULL;
	strcpy(m.u.codes_done.standard, "CJT214-2007");
	memcpy(m.u.codes_done.digest, h->digests[v], CRADLE_DIGEST);
	m.u.codes_done.count = n;
	h->counts[CRADLE_N_CODES] = n;
	host_reply(h, &m);
}

/* Grid i: a 600-point circle-ish ring in two parts; grid 0 a hole too. */
static void
host_grids(struct host *h)
{
	static struct cradle_msg m;
	unsigned i, k, part, msgs = 0, at;

	for (i = 0; i < h->ngrids; i++) {
		for (part = 0, at = 0; at < 600; part++) {
			cradle_msg_init(&m, CRADLE_GRID);
			snprintf(m.u.grid.code, sizeof m.u.grid.code,
			    "110101001001%03u", (i + 1) % 1000);
			m.u.grid.area_class = 'A' + i % 3;
			m.u.grid.part = part;
			for (k = 0; k < CRADLE_GRID_POINTS_MAX && at < 600;
			    k++, at++) {
				m.u.grid.points[k].lon = 1164000000 + i * 50000 +
				    (at < 300 ? at : 600 - at) * 100;
				m.u.grid.points[k].lat = 399000000 +
				    (at < 300 ? 0 : 10000) + (at == 599 ? -10000 : 0);
			}
			m.u.grid.npoints = k;
			m.u.grid.flags = at == 600 ? CRADLE_GRID_LAST : 0;
			host_reply(h, &m);
			msgs++;
		}
		if (i == 0) {
			cradle_msg_init(&m, CRADLE_GRID);
			strcpy(m.u.grid.code, "110101001001001");
			m.u.grid.area_class = 'A';
			m.u.grid.ring = 1;
			m.u.grid.flags = CRADLE_GRID_LAST;
			m.u.grid.npoints = 4;
			m.u.grid.points[0] = (struct cradle_point){ 1164001000, 399001000 };
			m.u.grid.points[1] = (struct cradle_point){ 1164002000, 399001000 };
			m.u.grid.points[2] = (struct cradle_point){ 1164002000, 399002000 };
			m.u.grid.points[3] = m.u.grid.points[0];
			host_reply(h, &m);
			msgs++;
		}
	}
	cradle_msg_init(&m, CRADLE_GRIDS_DONE);
	m.u.grids_done.grids = h->ngrids;
	m.u.grids_done.messages = msgs;
	h->counts[CRADLE_N_GRIDS] = h->ngrids;
	host_reply(h, &m);
}

static void
host_bye(struct host *h, const struct cradle_bye *b)
{
	struct cradle_msg m;
	int i;

	h->counts[CRADLE_N_FRAMES_BAD] = host_frames_bad(h) - h->bad_before;
	cradle_msg_init(&m, CRADLE_BYE_ACK);
	m.u.bye.ncounts = CRADLE_N_COUNT;
	memcpy(m.u.bye.counts, h->counts, sizeof h->counts);
	host_reply(h, &m);
	if (!h->in_session)
		return;		/* a resent goodbye: answered again */
	h->in_session = 0;
	printf("host: session=%u device=%s", h->session, h->device);
	for (i = 0; i < CRADLE_N_COUNT; i++)
		printf(" %s=%u", cradle_counter_name(i), h->counts[i]);
	printf("\nstore: records=%zu device_pending=%u\n", h->nuuids,
	    b->counts[CRADLE_N_PENDING]);
	fflush(stdout);
	if (h->sessions != 0 && ++h->byes >= h->sessions)
		exit(0);
}

static void
host_on_msg(const struct cradle_frame *f, const struct cradle_msg *m,
    const char *why, void *arg)
{
	struct host *h = arg;
	struct cradle_msg r;

	if (m == NULL) {
		host_error(h, f, cradle_type_name(f->type) == NULL ?
		    CRADLE_E_TYPE : CRADLE_E_MALFORMED, why);
		return;
	}
	if (m->type == CRADLE_HELLO) {
		host_hello(h, &m->u.hello);
		return;
	}
	if (!h->in_session && m->type != CRADLE_BYE) {
		host_error(h, f, CRADLE_E_STATE, "先发 hello");
		return;
	}
	switch (m->type) {
	case CRADLE_CLOCK_REQ:
		cradle_msg_init(&r, CRADLE_CLOCK);
		r.u.clock.t1 = m->u.clock.t1;
		r.u.clock.t2 = r.u.clock.t3 = emu_now_ms();
		host_reply(h, &r);
		break;
	case CRADLE_RECORD: host_record(h, &m->u.record); break;
	case CRADLE_PHOTO_QUERY: host_photo_query(h, &m->u.photo_query); break;
	case CRADLE_PHOTO_CHUNK: host_photo_chunk(h, &m->u.chunk); break;
	case CRADLE_TRACK_QUERY: host_track_ack(h, m->u.track_query.uuid);
		break;
	case CRADLE_TRACK_CHUNK: host_track_chunk(h, &m->u.chunk); break;
	case CRADLE_TASKS_REQ: host_tasks(h); break;
	case CRADLE_CODES_REQ: host_codes(h, &m->u.codes_req); break;
	case CRADLE_GRIDS_REQ: host_grids(h); break;
	case CRADLE_BYE: host_bye(h, &m->u.bye); break;
	default:
		host_error(h, f, CRADLE_E_STATE, "主机不接收这种消息");
		break;
	}
}

static void
host_load(struct host *h)
{
	char *p, line[256], *tab;
	FILE *f;
	size_t i;
	struct {
		const char *sub;
	} dirs[] = { { "" }, { "photos" }, { "tracks" } };

	for (i = 0; i < 3; i++) {
		p = host_path(h, dirs[i].sub, "");
		if (mkdir(p, 0755) != 0 && errno != EEXIST)
			emu_die("%s: %s", p, strerror(errno));
		free(p);
	}
	p = host_path(h, "", "records");
	if ((f = fopen(p, "r")) != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\n")] = '\0';
			if ((tab = strrchr(line, '\t')) == NULL)
				continue;
			h->uuids = xreallocarray(h->uuids, h->nuuids + 1,
			    sizeof *h->uuids);
			xasprintf(&h->uuids[h->nuuids++], "%.36s\t%s", line,
			    tab + 1);
		}
		fclose(f);
	}
	free(p);
}

int
main(int argc, char **argv)
{
	static struct host h = {
		.l = { .fd = -1, .who = "host", .corrupt_every = 10 },
		.ntasks = 4, .ngrids = 3, .window = 8, .payload_max = 4096,
		.codes_version = 2,
	};
	static const struct option opts[] = {
		{ "unit", required_argument, NULL, 'u' },
		{ "tasks", required_argument, NULL, 'T' },
		{ "grids", required_argument, NULL, 'G' },
		{ "window", required_argument, NULL, 'w' },
		{ "payload-max", required_argument, NULL, 'm' },
		{ "sessions", required_argument, NULL, 'n' },
		{ "codes-version", required_argument, NULL, 'V' },
		{ "baud", required_argument, NULL, 'b' },
		{ "throttle", required_argument, NULL, 't' },
		{ "corrupt", required_argument, NULL, 'x' },
		{ "corrupt-every", required_argument, NULL, 'X' },
		{ NULL, 0, NULL, 0 }
	};
	char *colon, table[1024];
	int c, baud = 115200, throttle = 0;
	size_t i, n;
	unsigned v;
	uint8_t sha[CRADLE_SHA256];

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt_long(argc, argv, "s:v", opts, NULL)) != -1) {
		switch (c) {
		case 's': h.dir = optarg; break;
		case 'v': h.l.verbose++; break;
		case 'u':
			if ((colon = strchr(optarg, ':')) == NULL)
				emu_die("--unit: ID:CODE");
			h.units = xreallocarray(h.units, h.nunits + 1,
			    sizeof *h.units);
			h.units[h.nunits].device = xstrndup(optarg,
			    colon - optarg);
			h.units[h.nunits++].collector = xstrdup(colon + 1);
			break;
		case 'T': h.ntasks = atoi(optarg); break;
		case 'G': h.ngrids = atoi(optarg); break;
		case 'w': h.window = atoi(optarg); break;
		case 'm': h.payload_max = atoi(optarg); break;
		case 'n': h.sessions = atoi(optarg); break;
		case 'V': h.codes_version = atoi(optarg) == 1 ? 1 : 2; break;
		case 'b': baud = atoi(optarg); break;
		case 't': throttle = atoi(optarg); break;
		case 'x':
			if (emu_corrupt_parse(optarg, &h.l.corrupt_kinds) != 0)
				emu_die("--corrupt: %s", optarg);
			break;
		case 'X': h.l.corrupt_every = atoi(optarg); break;
		default:
			fprintf(stderr, "usage: cradle-emu-host -s DIR [--unit "
			    "ID:CODE] [--tasks N] [--grids N] [--window N]\n"
			    "\t[--payload-max N] [--sessions N] [--baud B] "
			    "[--throttle B] [--corrupt KINDS] PATH\n");
			return 1;
		}
	}
	if (h.dir == NULL || optind != argc - 1 || h.ntasks > 99 ||
	    h.ngrids > 999 || h.window < 1 || h.window > CRADLE_WINDOW_MAX)
		emu_die("usage: cradle-emu-host -s DIR [options] PATH");
	if (h.nunits == 0) {
		h.units = xcalloc(1, sizeof *h.units);
		h.units[0].device = xstrdup("CGT-0001");
		h.units[0].collector = xstrdup("C001");
		h.nunits = 1;
	}
	for (v = 1; v <= 2; v++) {
		for (i = 0, n = 0; i < HOST_TABLE_N; i++) {
			if (host_table[i].in & v)
				n += snprintf(table + n, sizeof table - n,
				    "%u %s %s\n", host_table[i].kind,
				    host_table[i].code, host_table[i].name);
		}
		emu_sha256(table, n, sha);
		memcpy(h.digests[v], sha, CRADLE_DIGEST);
	}
	host_load(&h);
	if (emu_line_open(&h.l, argv[optind], baud) != 0)
		emu_die("%s: %s", argv[optind], strerror(errno));
	h.l.rate = throttle / 10.0;
	h.l.rng = 0x5eed;
	for (;;) {
		if (emu_line_pump(&h.l, 1000, host_on_msg, &h) < 0)
			emu_die("%s: the line is gone", argv[optind]);
	}
}
