/*
 * cradle.c: the daemon's side of a docking, citygrid-cradle(7).
 *
 * A session belongs to a port (cradle-port.c) and lives from the
 * handheld's first frame to its bye, a timeout or the port's end.  The
 * handheld asks and the daemon answers, one message at a time in the
 * order they came (the handheld may send up to a window of them ahead,
 * which keeps the line busy while the database works); every answer
 * that says something is stored is sent after the commit.  What a
 * handheld brings goes through the daemon's own paths: a report through
 * case_new_params and cg_case_new like case.new, a verification or check
 * result through workflow_run_as like case.verified and case.checked,
 * photos through cg_media_put like media.put.  Each record's UUID is
 * kept in cradle_record in the same transaction, so a record resent
 * after a cut is acknowledged again and never applied twice.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citygridd.h"
#include "cradle.h"

#define CRADLE_QUEUE_MAX	64	/* frames waiting; the window is 16 */
#define CRADLE_PHOTOS_OPEN	16	/* photos asked about, remembered */
#define CRADLE_BATCH_MAX	(64 * 1024)	/* photo bytes stored at once */
#define CRADLE_BATCH_CHUNKS	32		/* chunks stored at once */
#define CRADLE_WINDOW		CRADLE_WINDOW_MAX

struct cradle_req {			/* a frame waiting its turn */
	uint8_t			 type;
	uint16_t		 seq;
	uint16_t		 len;
	int64_t			 at_ms;		/* when it arrived */
	TAILQ_ENTRY(cradle_req)	 entry;
	uint8_t			 payload[];
};

struct cradle_photo {			/* asked about: its chunks may come */
	char		 sha[2 * CRADLE_SHA256 + 1];
	char		 mime[CRADLE_MIME_MAX + 1];
	uint32_t	 size;
	long		 held;		/* as last answered */
};

struct cradle_session {
	uint64_t		 id;		/* for log lines */
	struct cradle_port	*port;		/* NULL once the port is gone */
	char			*where;		/* the port's name */
	struct cradle_decoder	 dec;
	int			 refs;		/* the port and a query in flight */
	int			 ended;
	int			 busy;		/* cur is being answered */
	int			 in_next;
	uint16_t		 seq;		/* of the next frame sent */
	TAILQ_HEAD(, cradle_req) queue;
	int			 nqueued;
	struct cradle_req	*cur;
	struct cradle_msg	 msg;		/* cur, decoded */

	/* Known after an accepted hello. */
	int			 open;
	long long		 db_session;
	char			 device[CRADLE_ID_MAX + 1];
	char			 code[CRADLE_COLLECTOR_MAX + 1];
	char			*name;		/* the collector's */
	int			 collector;
	int64_t			 device_clock_ms;	/* in its hello */
	struct cradle_hello_ack	 hello_ack;	/* as sent, for a resent hello */
	int			 byed;		/* closed by a bye: */
	struct cradle_bye	 bye_ack;	/* as sent, for a resent bye */
	uint32_t		 counts[CRADLE_N_COUNT];
	json_t			*device_counts;
	struct cradle_photo	 photos[CRADLE_PHOTOS_OPEN];
	unsigned int		 nphotos;	/* ever; the last 16 are kept */
	struct {
		int		 open;
		uint8_t		 uuid[CRADLE_UUID];
		uint32_t	 received;
		int64_t		 date_ms;	/* midnight UTC of the last RMC */
	} track;
	/* Photo chunks stored together: how many, their offset and bytes. */
	int			 batch;
	uint32_t		 batch_offset;
	size_t			 batch_len;
	uint32_t		 batch_end[CRADLE_BATCH_CHUNKS];	/* of each */
	/* The record being applied. */
	char			 uuid[37];
	char			*case_no;
};

static uint64_t next_session_id = 1;

static void	cradle_next(struct cradle_session *);

static int64_t
cradle_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Copy text into a field of size bytes, cut on a UTF-8 boundary. */
static void
cradle_copy(char *dst, size_t size, const char *src, int lines)
{
	size_t n = 0, i = 0, k;
	unsigned char c;

	while (src[i] != '\0') {
		c = (unsigned char)src[i];
		k = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : 2;
		if (n + k >= size)
			break;
		if (c < 0x20 && !(lines && (c == '\n' || c == '\t')))
			dst[n++] = ' ', i++;
		else {
			memcpy(dst + n, src + i, k);
			n += k;
			i += k;
		}
	}
	dst[n] = '\0';
}

static void
cradle_free(struct cradle_session *s)
{
	struct cradle_req *r;

	while ((r = TAILQ_FIRST(&s->queue)) != NULL) {
		TAILQ_REMOVE(&s->queue, r, entry);
		free(r);
	}
	free(s->cur);
	free(s->where);
	free(s->name);
	free(s->case_no);
	json_decref(s->device_counts);
	free(s);
}

/* A query's callback starts here: 1 if the session has ended. */
static int
cradle_release(struct cradle_session *s)
{
	if (--s->refs == 0 && s->ended) {
		cradle_free(s);
		return 1;
	}
	return s->ended;
}

static int
cradle_query(struct cradle_session *s, const char *sql, int n,
    const char *const *params, db_cb cb)
{
	s->refs++;
	if (db_query(sql, n, params, cb, s) != 0) {
		s->refs--;
		return -1;
	}
	return 0;
}

static void
cradle_send(struct cradle_session *s, const struct cradle_msg *m)
{
	uint8_t frame[CRADLE_FRAME_MAX];
	const char *why;
	size_t n;

	if (s->port == NULL)
		return;
	if ((n = cradle_msg_frame(m, s->seq, frame, sizeof frame, &why)) == 0) {
		log_error("cradle %s: cannot encode %s: %s", s->where,
		    cradle_type_name(m->type), why);
		return;
	}
	s->seq++;
	cradle_port_send(s->port, frame, n);
}

static void
cradle_error(struct cradle_session *s, uint8_t code, const char *fmt, ...)
    CG_PRINTF(3, 4);

/* Tell the handheld a message of its was no use; log why. */
static void
cradle_error(struct cradle_session *s, uint8_t code, const char *fmt, ...)
{
	struct cradle_msg m;
	va_list ap;

	cradle_msg_init(&m, CRADLE_ERROR);
	m.u.error.code = code;
	m.u.error.ref_type = s->cur->type;
	m.u.error.ref_seq = s->cur->seq;
	va_start(ap, fmt);
	vsnprintf(m.u.error.text, sizeof m.u.error.text, fmt, ap);
	va_end(ap);
	log_warn("cradle %s: %s (seq %u): %s", s->where,
	    cradle_type_name(s->cur->type), s->cur->seq, m.u.error.text);
	cradle_send(s, &m);
}

/* The current message is answered: on to the next. */
static void
cradle_done(struct cradle_session *s)
{
	free(s->cur);
	s->cur = NULL;
	s->busy = 0;
	s->batch = 0;
	free(s->case_no);
	s->case_no = NULL;
	if (!s->in_next)
		cradle_next(s);
}

/* ---- hello ---- */

static void
cradle_refuse(struct cradle_session *s, uint8_t reason, const char *fmt, ...)
    CG_PRINTF(3, 4);

static void
cradle_refuse(struct cradle_session *s, uint8_t reason, const char *fmt, ...)
{
	struct cradle_msg m;
	va_list ap;

	cradle_msg_init(&m, CRADLE_REFUSE);
	m.u.refuse.reason = reason;
	m.u.refuse.msg_min = CRADLE_MSG_VERSION;
	m.u.refuse.msg_max = CRADLE_MSG_VERSION;
	va_start(ap, fmt);
	vsnprintf(m.u.refuse.text, sizeof m.u.refuse.text, fmt, ap);
	va_end(ap);
	log_warn("cradle %s: refused %s: %s", s->where,
	    s->msg.type == CRADLE_HELLO ? s->msg.u.hello.device : "a handheld",
	    m.u.refuse.text);
	cradle_send(s, &m);
}

static const char cradle_hello_sql[] =
    "SELECT status, session, collector, collector_code, collector_name, digest"
    " FROM cg_cradle_hello($1, $2, $3, $4, $5, $6::integer, $7::bigint, $8)";

static void
cradle_hello_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	const struct cradle_hello *h = &s->msg.u.hello;
	struct cradle_msg m;
	const char *status;

	if (cradle_release(s))
		return;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		log_error("cradle %s: hello of %s: %s", s->where, h->device,
		    res ? PQresultErrorMessage(res) : err);
		cradle_refuse(s, CRADLE_REFUSE_BUSY, "数据库暂不可用, 请稍后再试");
		cradle_done(s);
		return;
	}
	status = PQgetvalue(res, 0, 0);
	if (strcmp(status, "unknown") == 0)
		cradle_refuse(s, CRADLE_REFUSE_UNKNOWN_DEVICE, "手持终端 %s 未登记",
		    h->device);
	else if (strcmp(status, "inactive") == 0)
		cradle_refuse(s, CRADLE_REFUSE_INACTIVE, "手持终端 %s 或其监督员已停用",
		    h->device);
	else if (strcmp(status, "collector") == 0)
		cradle_refuse(s, CRADLE_REFUSE_COLLECTOR, "手持终端 %s 属于监督员 %s (%s),"
		    " 不是 %s", h->device, PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 3),
		    h->collector);
	else {
		s->open = 1;
		s->byed = 0;
		s->db_session = atoll(PQgetvalue(res, 0, 1));
		s->collector = atoi(PQgetvalue(res, 0, 2));
		snprintf(s->device, sizeof s->device, "%s", h->device);
		snprintf(s->code, sizeof s->code, "%s", PQgetvalue(res, 0, 3));
		free(s->name);
		s->name = xstrdup(PQgetvalue(res, 0, 4));
		s->device_clock_ms = h->time_ms;
		memset(s->counts, 0, sizeof s->counts);
		cradle_msg_init(&m, CRADLE_HELLO_ACK);
		m.u.hello_ack.msg_version = CRADLE_MSG_VERSION;
		m.u.hello_ack.window = CRADLE_WINDOW;
		m.u.hello_ack.payload_max = CRADLE_PAYLOAD_MAX;
		m.u.hello_ack.session = (uint32_t)s->db_session;
		m.u.hello_ack.time_ms = cradle_now_ms();
		cradle_copy(m.u.hello_ack.collector_name, sizeof m.u.hello_ack.collector_name,
		    s->name, 0);
		snprintf(m.u.hello_ack.standard, sizeof m.u.hello_ack.standard, "%s",
		    cfg.standard);
		cradle_hex_parse(PQgetvalue(res, 0, 5), m.u.hello_ack.digest, CRADLE_DIGEST);
		s->hello_ack = m.u.hello_ack;
		log_info("cradle %s: %s of %s (%s) docked, session %lld, firmware %s,"
		    " %u records and %u bytes to upload, clock %+.1f s", s->where,
		    s->device, s->code, s->name, s->db_session, h->firmware,
		    h->pending_records, h->pending_bytes,
		    (h->time_ms - s->cur->at_ms) / 1000.0);
		cradle_send(s, &m);
	}
	cradle_done(s);
}

static void cradle_session_close(struct cradle_session *, const char *);

static void
cradle_hello(struct cradle_session *s)
{
	const struct cradle_hello *h = &s->msg.u.hello;
	char version[8], clock[24];
	const char *params[8];

	if (h->msg_min > CRADLE_MSG_VERSION || h->msg_max < CRADLE_MSG_VERSION) {
		cradle_refuse(s, CRADLE_REFUSE_VERSION, "消息版本 %u-%u 不受支持, 本机为 %d",
		    h->msg_min, h->msg_max, CRADLE_MSG_VERSION);
		cradle_done(s);
		return;
	}
	/*
	 * The same hello again: the handheld missed our answer and resends
	 * (requests are idempotent); answer it again, the session goes on.
	 */
	if (s->open && h->time_ms == s->device_clock_ms &&
	    strcmp(h->device, s->device) == 0 && strcmp(h->collector, s->code) == 0) {
		struct cradle_msg m;

		cradle_msg_init(&m, CRADLE_HELLO_ACK);
		m.u.hello_ack = s->hello_ack;
		m.u.hello_ack.time_ms = cradle_now_ms();
		log_debug("cradle %s: hello of %s again, session %lld goes on", s->where,
		    s->device, s->db_session);
		cradle_send(s, &m);
		cradle_done(s);
		return;
	}
	if (s->open)	/* another hello, without a bye: a new docking */
		cradle_session_close(s, "a new hello");
	snprintf(version, sizeof version, "%d", CRADLE_MSG_VERSION);
	snprintf(clock, sizeof clock, "%lld", (long long)h->time_ms);
	params[0] = h->device;
	params[1] = h->collector;
	params[2] = h->firmware;
	params[3] = h->model;
	params[4] = s->where;
	params[5] = version;
	params[6] = clock;
	params[7] = cfg.standard;
	if (cradle_query(s, cradle_hello_sql, 8, params, cradle_hello_done) != 0) {
		cradle_refuse(s, CRADLE_REFUSE_BUSY, "数据库暂不可用, 请稍后再试");
		cradle_done(s);
	}
}

/* ---- records ---- */

static void
cradle_ack(struct cradle_session *s, uint8_t status, const char *case_no,
    const char *text)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_RECORD_ACK);
	memcpy(m.u.record_ack.uuid, s->msg.u.record.uuid, CRADLE_UUID);
	m.u.record_ack.status = status;
	snprintf(m.u.record_ack.case_no, sizeof m.u.record_ack.case_no, "%s",
	    case_no != NULL ? case_no : "");
	cradle_copy(m.u.record_ack.text, sizeof m.u.record_ack.text,
	    text != NULL ? text : "", 1);
	switch (status) {
	case CRADLE_ACK_NEW:
		s->counts[CRADLE_N_NEW]++;
		break;
	case CRADLE_ACK_DUPLICATE:
		s->counts[CRADLE_N_DUPLICATE]++;
		break;
	case CRADLE_ACK_REFUSED:
		s->counts[CRADLE_N_REFUSED]++;
		break;
	default:
		s->counts[CRADLE_N_RETRY]++;
		break;
	}
	if (status == CRADLE_ACK_NEW || status == CRADLE_ACK_DUPLICATE)
		log_debug("cradle %s: %s %s: %s, case %s", s->where,
		    cradle_record_kind_name(s->msg.u.record.kind), s->uuid,
		    cradle_ack_name(status), case_no);
	else
		log_info("cradle %s: %s %s of %s: %s: %s", s->where,
		    cradle_record_kind_name(s->msg.u.record.kind), s->uuid, s->code,
		    cradle_ack_name(status), text);
	cradle_send(s, &m);
	cradle_done(s);
}

/* Not applied: a database failure is worth a retry, the rest is final. */
static uint8_t
cradle_ack_status(enum proto_error code)
{
	switch (code) {
	case PE_DB:
	case PE_BUSY:
	case PE_CONFLICT:
		return CRADLE_ACK_RETRY;
	default:
		return CRADLE_ACK_REFUSED;
	}
}

static const char cradle_receipt_sql[] =
    "SELECT c.case_no FROM cradle_record r JOIN cases c ON c.id = r.case_id"
    " WHERE r.uuid = $1::uuid";

/*
 * A record failed: was it committed meanwhile by another session (two
 * units resending one record cannot happen, but a unit moved to another
 * cradle mid-record can)?  Then it is a duplicate; else the failure.
 */
struct cradle_failure {
	struct cradle_session	*s;
	uint8_t			 status;
	char			*text;
};

static void
cradle_failure_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_failure *f = arg;
	struct cradle_session *s = f->s;

	if (!cradle_release(s)) {
		if (res != NULL && PQresultStatus(res) == PGRES_TUPLES_OK &&
		    PQntuples(res) == 1)
			cradle_ack(s, CRADLE_ACK_DUPLICATE, PQgetvalue(res, 0, 0), NULL);
		else
			cradle_ack(s, f->status, NULL, f->text);
	}
	free(f->text);
	free(f);
}

static void
cradle_record_failed(struct cradle_session *s, enum proto_error code,
    const char *text)
{
	struct cradle_failure *f = xcalloc(1, sizeof *f);
	const char *params[1] = { s->uuid };

	f->s = s;
	f->status = cradle_ack_status(code);
	f->text = xstrdup(text);
	s->refs++;
	if (db_query(cradle_receipt_sql, 1, params, cradle_failure_done, f) != 0) {
		s->refs--;
		cradle_ack(s, f->status, NULL, f->text);
		free(f->text);
		free(f);
	}
}

/* The receipt kept with what the record did. */
static json_t *
cradle_receipt(struct cradle_session *s)
{
	const struct cradle_record *r = &s->msg.u.record;
	char at[40];

	workflow_time_text(r->time_ms / 1000, at, sizeof at);
	return json_pack("{s:s, s:I, s:s, s:i, s:s, s:s}", "uuid", s->uuid,
	    "session", (json_int_t)s->db_session, "device", s->device,
	    "collector", s->collector, "kind", cradle_record_kind_name(r->kind),
	    "device_at", at);
}

static json_t *
cradle_photo_list(const struct cradle_record *r)
{
	json_t *a = json_array();
	char sha[2 * CRADLE_SHA256 + 1];
	int i;

	for (i = 0; i < r->nphotos; i++) {
		cradle_hex_format(r->photos[i].sha256, CRADLE_SHA256, sha);
		json_array_append_new(a, json_string(sha));
	}
	return a;
}

static void
cradle_actor(struct cradle_session *s, struct wf_actor *a)
{
	memset(a, 0, sizeof *a);
	a->name = s->name;
	a->user = s->code;
	a->roles = ROLE_COLLECTOR;
	a->dept_name = "";
}

static const char cradle_report_sql[] =
    "SELECT case_no, created FROM cg_cradle_report($1::jsonb, $2::jsonb,"
    " $3::timestamptz, $4, $5::jsonb)";

static void
cradle_report_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	char text[512];

	if (cradle_release(s))
		return;
	if (res == NULL) {
		cradle_record_failed(s, PE_DB, err);
		return;
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		cradle_record_failed(s, workflow_sqlstate(PQresultErrorField(res,
		    PG_DIAG_SQLSTATE)), cmd_error_text(res, text, sizeof text));
		return;
	}
	if (*PQgetvalue(res, 0, 1) == 't')
		log_info("case %s: reported by %s (%s) from %s", PQgetvalue(res, 0, 0),
		    s->code, s->name, s->device);
	cradle_ack(s, *PQgetvalue(res, 0, 1) == 't' ? CRADLE_ACK_NEW :
	    CRADLE_ACK_DUPLICATE, PQgetvalue(res, 0, 0), NULL);
}

/* A report: the arguments case.new takes. */
static json_t *
cradle_report_args(struct cradle_session *s)
{
	const struct cradle_record *r = &s->msg.u.record;
	json_t *a;
	int64_t found = r->time_ms / 1000, now = time(NULL);
	char at[40];

	a = json_pack("{s:s, s:s, s:s}", "source", "collector", "description",
	    r->text, "collector", s->code);
	if (r->component[0] != '\0')
		json_object_set_new(a, "component", json_string(r->component));
	else {
		json_object_set_new(a, "kind", json_string(r->class_kind ==
		    CRADLE_CLASS_COMPONENT ? "component" : "event"));
		json_object_set_new(a, "class", json_string(r->class_code));
	}
	if (r->lon != CRADLE_NO_COORD) {
		json_object_set_new(a, "lon", json_real(r->lon / 1e7));
		json_object_set_new(a, "lat", json_real(r->lat / 1e7));
	}
	if (r->grid[0] != '\0')
		json_object_set_new(a, "grid", json_string(r->grid));
	if (r->address[0] != '\0')
		json_object_set_new(a, "address", json_string(r->address));
	if (r->flags & CRADLE_REC_URGENT)
		json_object_set_new(a, "urgent", json_true());
	/* A handheld's clock ahead of ours does not put a case in the future. */
	workflow_time_text(found < now ? found : now, at, sizeof at);
	json_object_set_new(a, "found_at", json_string(at));
	json_object_set_new(a, "photos", cradle_photo_list(r));
	return a;
}

static void
cradle_report(struct cradle_session *s)
{
	json_t *args = cradle_report_args(s), *receipt = cradle_receipt(s);
	struct wf_actor a;
	enum proto_error code;
	char *cause, *p[5], *rtext;
	const char *params[5];

	cradle_actor(s, &a);
	if (case_new_params(args, &a, p, &code, &cause) != 0) {
		cradle_record_failed(s, code, cause);
		free(cause);
		goto out;
	}
	rtext = json_dumps(receipt, JSON_COMPACT);
	params[0] = rtext;
	params[1] = p[0];
	params[2] = p[1];
	params[3] = p[3];
	params[4] = p[4];
	if (cradle_query(s, cradle_report_sql, 5, params, cradle_report_done) != 0)
		cradle_record_failed(s, PE_DB, "数据库不可用");
	free(rtext);
	case_new_free(p);
out:
	json_decref(args);
	json_decref(receipt);
}

/* A verification or check result: the workflow step, as the collector. */
static void
cradle_result_done(int code, const char *msg, json_t *result, void *arg)
{
	struct cradle_session *s = arg;

	if (cradle_release(s))
		return;
	if (code != -1) {
		cradle_record_failed(s, (enum proto_error)code, msg);
		return;
	}
	log_info("case %s: %s by %s (%s) from %s", s->case_no,
	    cradle_record_kind_name(s->msg.u.record.kind), s->code, s->name, s->device);
	cradle_ack(s, CRADLE_ACK_NEW, s->case_no, NULL);
}

static void
cradle_result(struct cradle_session *s, const char *case_no)
{
	const struct cradle_record *r = &s->msg.u.record;
	static const char *const results[] = { "", "confirmed", "not_found",
	    "passed", "failed" };
	struct wf_actor a;
	json_t *args, *photos = cradle_photo_list(r);

	args = json_pack("{s:s, s:s, s:s, s:O, s:o}", "case", case_no, "result",
	    results[r->result], "note", r->text, "photos", photos,
	    "attachments", photos);
	s->case_no = xstrdup(case_no);
	cradle_actor(s, &a);
	s->refs++;
	workflow_run_as(&a, r->kind == CRADLE_REC_VERIFY ? "verified" : "checked",
	    args, cradle_receipt(s), cradle_result_done, s);
	json_decref(args);
}

/*
 * Before a record is applied: was it before (then acknowledge it
 * again), are its photos all here, and for a result, is the task this
 * collector's, open and of the record's kind?
 */
static const char cradle_lookup_sql[] =
    "SELECT (SELECT c.case_no FROM cradle_record r JOIN cases c ON c.id = r.case_id"
    "  WHERE r.uuid = $1::uuid),"
    " (SELECT count(*) FROM unnest($2::text[]) p"
    "  WHERE NOT EXISTS (SELECT 1 FROM media m WHERE m.sha256 = p)),"
    " t.kind, t.state, t.collector, c.case_no"
    " FROM (VALUES (1)) v LEFT JOIN task t ON t.uuid = $3::uuid"
    " LEFT JOIN cases c ON c.id = t.case_id";

static void
cradle_lookup_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	const struct cradle_record *r = &s->msg.u.record;
	const char *kind = r->kind == CRADLE_REC_VERIFY ? "verify" : "check";
	const char *label = r->kind == CRADLE_REC_VERIFY ? "核实" : "核查";
	char text[256];
	long missing;

	if (cradle_release(s))
		return;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("cradle %s: record %s: %s", s->where, s->uuid,
		    res ? PQresultErrorMessage(res) : err);
		cradle_ack(s, CRADLE_ACK_RETRY, NULL, "数据库暂不可用, 请稍后再传");
		return;
	}
	if (!PQgetisnull(res, 0, 0)) {
		cradle_ack(s, CRADLE_ACK_DUPLICATE, PQgetvalue(res, 0, 0), NULL);
		return;
	}
	if ((missing = atol(PQgetvalue(res, 0, 1))) > 0) {
		snprintf(text, sizeof text, "还有 %ld 张照片未上传完, 请先上传照片", missing);
		cradle_ack(s, CRADLE_ACK_RETRY, NULL, text);
		return;
	}
	if (r->kind == CRADLE_REC_REPORT) {
		cradle_report(s);
		return;
	}
	if (PQgetisnull(res, 0, 2))
		cradle_ack(s, CRADLE_ACK_REFUSED, NULL, "没有这项任务");
	else if (atoi(PQgetvalue(res, 0, 4)) != s->collector)
		cradle_ack(s, CRADLE_ACK_REFUSED, PQgetvalue(res, 0, 5),
		    "这项任务不是派给你的");
	else if (strcmp(PQgetvalue(res, 0, 2), kind) != 0) {
		snprintf(text, sizeof text, "这项任务不是%s任务", label);
		cradle_ack(s, CRADLE_ACK_REFUSED, PQgetvalue(res, 0, 5), text);
	} else if (strcmp(PQgetvalue(res, 0, 3), "open") != 0) {
		snprintf(text, sizeof text, "%s任务已%s", label,
		    strcmp(PQgetvalue(res, 0, 3), "done") == 0 ? "完成" : "撤销");
		cradle_ack(s, CRADLE_ACK_REFUSED, PQgetvalue(res, 0, 5), text);
	} else
		cradle_result(s, PQgetvalue(res, 0, 5));
}

static void
cradle_record(struct cradle_session *s)
{
	const struct cradle_record *r = &s->msg.u.record;
	json_t *photos = cradle_photo_list(r), *v;
	char task[37], *list, *tmp;
	const char *params[3];
	size_t i;

	s->counts[CRADLE_N_RECORDS]++;
	cradle_uuid_format(r->uuid, s->uuid);
	cradle_uuid_format(r->task, task);
	list = xstrdup("{");
	json_array_foreach(photos, i, v) {
		xasprintf(&tmp, "%s%s%s", list, i ? "," : "", json_string_value(v));
		free(list);
		list = tmp;
	}
	xasprintf(&tmp, "%s}", list);
	free(list);
	json_decref(photos);
	params[0] = s->uuid;
	params[1] = tmp;
	params[2] = task;
	if (cradle_query(s, cradle_lookup_sql, 3, params, cradle_lookup_done) != 0)
		cradle_ack(s, CRADLE_ACK_RETRY, NULL, "数据库暂不可用, 请稍后再传");
	free(tmp);
}

/* ---- photos ---- */

static void
cradle_photo_ack(struct cradle_session *s, const char *sha, uint8_t status,
    uint32_t offset)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_PHOTO_ACK);
	cradle_hex_parse(sha, m.u.photo_ack.sha256, CRADLE_SHA256);
	m.u.photo_ack.status = status;
	m.u.photo_ack.offset = offset;
	if (status == CRADLE_PHOTO_CORRUPT || status == CRADLE_PHOTO_REFUSED)
		log_warn("cradle %s: photo %.16s of %s: %s", s->where, sha, s->code,
		    status == CRADLE_PHOTO_CORRUPT ? "SHA-256 does not match, dropped" :
		    "refused");
	do	/* a batch not taken: each of its chunks gets the same answer */
		cradle_send(s, &m);
	while (--s->batch > 0);
	cradle_done(s);
}

/*
 * A batch of chunks is stored: each is answered as if alone, with the
 * bytes held once it was in, so the handheld sees its window advance
 * chunk by chunk and resends nothing.
 */
static void
cradle_photo_batch_ack(struct cradle_session *s, const char *sha,
    const struct cradle_photo *p)
{
	struct cradle_msg m;
	int i;

	for (i = 0; i < s->batch; i++) {
		cradle_msg_init(&m, CRADLE_PHOTO_ACK);
		cradle_hex_parse(sha, m.u.photo_ack.sha256, CRADLE_SHA256);
		m.u.photo_ack.status = s->batch_end[i] == p->size ?
		    CRADLE_PHOTO_COMPLETE : CRADLE_PHOTO_PARTIAL;
		m.u.photo_ack.offset = s->batch_end[i];
		cradle_send(s, &m);
	}
	cradle_done(s);
}

static struct cradle_photo *
cradle_photo_find(struct cradle_session *s, const char *sha)
{
	unsigned int i;

	for (i = 0; i < CRADLE_PHOTOS_OPEN && i < s->nphotos; i++) {
		if (strcmp(s->photos[i].sha, sha) == 0)
			return &s->photos[i];
	}
	return NULL;
}

static const char cradle_media_sql[] =
    "SELECT cg_media_put($1, $2, $3::integer, $4::integer, $5::bytea, NULL)";

static void
cradle_media_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	struct cradle_photo *p;
	char sha[2 * CRADLE_SHA256 + 1], text[256];
	long have;

	if (cradle_release(s))
		return;
	cradle_hex_format(s->msg.type == CRADLE_PHOTO_QUERY ?
	    s->msg.u.photo_query.sha256 : s->msg.u.chunk.id, CRADLE_SHA256, sha);
	p = cradle_photo_find(s, sha);
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;

		if (state != NULL && workflow_sqlstate(state) == PE_INVALID) {
			log_warn("cradle %s: photo %.16s: %s", s->where, sha,
			    cmd_error_text(res, text, sizeof text));
			cradle_photo_ack(s, sha, CRADLE_PHOTO_REFUSED, 0);
			return;
		}
		cradle_error(s, CRADLE_E_INTERNAL, "照片暂存失败, 请稍后再传: %s",
		    res ? PQresultErrorMessage(res) : err);
		cradle_done(s);
		return;
	}
	have = atol(PQgetvalue(res, 0, 0));
	/* Kept: it began where the last answer ended, and ends where this one does. */
	if (s->msg.type == CRADLE_PHOTO_CHUNK && p != NULL &&
	    p->held == (long)s->batch_offset &&
	    have == (long)(s->batch_offset + s->batch_len)) {
		s->counts[CRADLE_N_PHOTO_BYTES] += s->batch_len;
		if (have == (long)p->size)
			s->counts[CRADLE_N_PHOTOS]++;
		p->held = have;
		cradle_photo_batch_ack(s, sha, p);
		return;
	}
	if (p != NULL)
		p->held = have < 0 ? 0 : have;
	if (have < 0)
		cradle_photo_ack(s, sha, CRADLE_PHOTO_CORRUPT, 0);
	else if (p != NULL && have == (long)p->size)
		cradle_photo_ack(s, sha, CRADLE_PHOTO_COMPLETE, (uint32_t)have);
	else
		cradle_photo_ack(s, sha, CRADLE_PHOTO_PARTIAL, (uint32_t)have);
}

static void
cradle_media_put(struct cradle_session *s, struct cradle_photo *p,
    uint32_t offset, const uint8_t *data, size_t len)
{
	char size[16], off[16], *hex;
	const char *params[5];

	hex = xmalloc(2 * len + 3);
	memcpy(hex, "\\x", 2);
	cradle_hex_format(data, len, hex + 2);
	snprintf(size, sizeof size, "%u", p->size);
	snprintf(off, sizeof off, "%u", offset);
	params[0] = p->sha;
	params[1] = p->mime;
	params[2] = size;
	params[3] = off;
	params[4] = hex;
	if (cradle_query(s, cradle_media_sql, 5, params, cradle_media_done) != 0) {
		cradle_error(s, CRADLE_E_INTERNAL, "数据库暂不可用, 请稍后再传");
		cradle_done(s);
	}
	free(hex);
}

static void
cradle_photo_query(struct cradle_session *s)
{
	const struct cradle_photo_query *q = &s->msg.u.photo_query;
	struct cradle_photo *p;
	char sha[2 * CRADLE_SHA256 + 1];

	cradle_hex_format(q->sha256, CRADLE_SHA256, sha);
	if ((p = cradle_photo_find(s, sha)) == NULL)
		p = &s->photos[s->nphotos++ % CRADLE_PHOTOS_OPEN];
	snprintf(p->sha, sizeof p->sha, "%s", sha);
	snprintf(p->mime, sizeof p->mime, "%s", q->mime);
	p->size = q->size;
	p->held = -1;
	cradle_media_put(s, p, 0, NULL, 0);
}

/*
 * The chunks of one photo that wait behind this one, in order, are
 * stored with it in one transaction: the handheld sends a window of
 * them ahead, and one append of up to 64 KB costs the database far less
 * than sixteen of 4 KB.  Each is answered after the commit.
 */
static uint8_t *
cradle_photo_batch(struct cradle_session *s, const struct cradle_chunk *c,
    size_t *len)
{
	struct cradle_req *r;
	struct cradle_msg next;
	const char *why;
	uint8_t *data = xmalloc(CRADLE_BATCH_MAX);

	memcpy(data, c->data, c->len);
	*len = c->len;
	s->batch_end[0] = c->offset + c->len;
	s->batch = 1;
	while (s->batch < CRADLE_BATCH_CHUNKS && (r = TAILQ_FIRST(&s->queue)) != NULL &&
	    r->type == CRADLE_PHOTO_CHUNK) {
		if (cradle_msg_decode(&next, r->type, r->payload, r->len, &why) != 0 ||
		    memcmp(next.u.chunk.id, c->id, CRADLE_SHA256) != 0 ||
		    next.u.chunk.offset != c->offset + *len ||
		    *len + next.u.chunk.len > CRADLE_BATCH_MAX)
			break;
		memcpy(data + *len, next.u.chunk.data, next.u.chunk.len);
		*len += next.u.chunk.len;
		TAILQ_REMOVE(&s->queue, r, entry);
		s->nqueued--;
		free(r);
		s->batch_end[s->batch++] = c->offset + *len;
	}
	return data;
}

static void
cradle_photo_chunk(struct cradle_session *s)
{
	const struct cradle_chunk *c = &s->msg.u.chunk;
	struct cradle_photo *p;
	char sha[2 * CRADLE_SHA256 + 1];
	uint8_t *data;

	cradle_hex_format(c->id, CRADLE_SHA256, sha);
	if ((p = cradle_photo_find(s, sha)) == NULL) {
		cradle_error(s, CRADLE_E_STATE, "照片 %.16s 须先用 photo_query 询问", sha);
		cradle_done(s);
		return;
	}
	data = cradle_photo_batch(s, c, &s->batch_len);
	s->batch_offset = c->offset;
	cradle_media_put(s, p, c->offset, data, s->batch_len);
	free(data);
}

/* ---- tracks ---- */

static void
cradle_track_ack(struct cradle_session *s, uint8_t status, uint32_t offset,
    uint32_t good, uint32_t bad)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_TRACK_ACK);
	memcpy(m.u.track_ack.uuid, s->track.uuid, CRADLE_UUID);
	m.u.track_ack.status = status;
	m.u.track_ack.offset = offset;
	m.u.track_ack.good = good;
	m.u.track_ack.bad = bad;
	cradle_send(s, &m);
	cradle_done(s);
}

static const char cradle_track_open_sql[] =
    "SELECT received, coalesce(extract(epoch FROM last_date)::bigint * 1000, 0),"
    " positions, skipped, size FROM cg_cradle_track_open($1::uuid, $2, $3::integer, $4::integer)";

static void
cradle_track_open_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	char text[256];

	if (cradle_release(s))
		return;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		if (res != NULL && workflow_sqlstate(PQresultErrorField(res,
		    PG_DIAG_SQLSTATE)) == PE_INVALID) {
			log_warn("cradle %s: track: %s", s->where,
			    cmd_error_text(res, text, sizeof text));
			cradle_track_ack(s, CRADLE_TRACK_REFUSED, 0, 0, 0);
			return;
		}
		cradle_error(s, CRADLE_E_INTERNAL, "轨迹暂存失败, 请稍后再传");
		cradle_done(s);
		return;
	}
	s->track.open = 1;
	s->track.received = (uint32_t)atol(PQgetvalue(res, 0, 0));
	s->track.date_ms = atoll(PQgetvalue(res, 0, 1));
	cradle_track_ack(s, CRADLE_TRACK_OK, s->track.received,
	    (uint32_t)atol(PQgetvalue(res, 0, 2)), (uint32_t)atol(PQgetvalue(res, 0, 3)));
}

static void
cradle_track_query(struct cradle_session *s)
{
	const struct cradle_track_query *q = &s->msg.u.track_query;
	char uuid[37], collector[16], size[16];
	const char *params[4];

	memcpy(s->track.uuid, q->uuid, CRADLE_UUID);
	s->track.open = 0;
	cradle_uuid_format(q->uuid, uuid);
	snprintf(collector, sizeof collector, "%d", s->collector);
	snprintf(size, sizeof size, "%u", q->size);
	params[0] = uuid;
	params[1] = s->device;
	params[2] = collector;
	params[3] = size;
	if (cradle_query(s, cradle_track_open_sql, 4, params, cradle_track_open_done) != 0) {
		cradle_error(s, CRADLE_E_INTERNAL, "数据库暂不可用, 请稍后再传");
		cradle_done(s);
	}
}

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t
cradle_days(int y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

struct cradle_fixes {
	struct cradle_session	*s;
	json_t			*positions;
	int64_t			 last_ms;
};

/*
 * A position: RMC carries its date; GGA and GNS only the time of day,
 * dated by the last RMC (of this track, even from an earlier chunk), or
 * else by the handheld's clock at hello.
 */
static void
cradle_fix(const struct nmea_fix *f, void *arg)
{
	static const char *const names[] = { "RMC", "GGA", "GNS" };
	struct cradle_fixes *x = arg;
	int64_t day_ms, at;
	json_t *p;

	if (f->sentence == NMEA_RMC && (f->have & NMEA_HAVE_DATE))
		x->s->track.date_ms = cradle_days(f->year, f->month, f->day) * 86400000LL;
	if (!f->valid || !(f->have & NMEA_HAVE_POS) || !(f->have & NMEA_HAVE_TIME))
		return;
	if (f->have & NMEA_HAVE_DATE)
		at = f->epoch_ms;
	else {
		day_ms = x->s->track.date_ms;
		if (day_ms == 0 && x->s->device_clock_ms > 0)
			day_ms = x->s->device_clock_ms - x->s->device_clock_ms % 86400000;
		if (day_ms == 0)
			return;
		at = day_ms + f->tod_ms;
		if (x->last_ms != 0 && at < x->last_ms - 43200000)
			at += 86400000;	/* past midnight since the last date */
	}
	x->last_ms = at;
	p = json_pack("{s:I, s:f, s:f, s:s, s:s}", "at", (json_int_t)at, "lon", f->lon,
	    "lat", f->lat, "talker", f->talker, "sentence", names[f->sentence]);
	if (f->have & NMEA_HAVE_SPEED)
		json_object_set_new(p, "speed", json_real(f->speed_kn));
	if (f->have & NMEA_HAVE_COURSE)
		json_object_set_new(p, "course", json_real(f->course));
	if (f->have & NMEA_HAVE_HDOP)
		json_object_set_new(p, "hdop", json_real(f->hdop));
	if (f->have & NMEA_HAVE_SATS)
		json_object_set_new(p, "sats", json_integer(f->sats));
	json_array_append_new(x->positions, p);
}

static const char cradle_track_put_sql[] =
    "SELECT received, positions, skipped, stored FROM cg_cradle_track_put($1::uuid, $2::integer,"
    " $3::integer, $4::date, $5::integer, $6::integer, $7::integer, $8::jsonb)";

static void
cradle_track_put_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;

	if (cradle_release(s))
		return;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) != 1) {
		log_error("cradle %s: track: %s", s->where,
		    res ? PQresultErrorMessage(res) : err);
		s->track.open = 0;	/* ask again what is held */
		cradle_error(s, CRADLE_E_INTERNAL, "轨迹暂存失败, 请重新询问后再传");
		cradle_done(s);
		return;
	}
	if ((uint32_t)atol(PQgetvalue(res, 0, 0)) > s->track.received)
		s->counts[CRADLE_N_TRACK_BYTES] += (uint32_t)atol(PQgetvalue(res, 0, 0)) -
		    s->track.received;
	s->track.received = (uint32_t)atol(PQgetvalue(res, 0, 0));
	s->counts[CRADLE_N_NMEA_GOOD] += (uint32_t)atol(PQgetvalue(res, 0, 3));
	cradle_track_ack(s, CRADLE_TRACK_OK, s->track.received,
	    (uint32_t)atol(PQgetvalue(res, 0, 1)), (uint32_t)atol(PQgetvalue(res, 0, 2)));
}

static void
cradle_track_chunk(struct cradle_session *s)
{
	const struct cradle_chunk *c = &s->msg.u.chunk;
	struct cradle_fixes x = { s, json_array(), 0 };
	struct nmea_stats st = { 0, 0, 0, 0 };
	char uuid[37], off[16], len[16], date[16], good[16], bad[16], unknown[16];
	char *positions;
	const char *params[8];

	if (!s->track.open || memcmp(c->id, s->track.uuid, CRADLE_UUID) != 0) {
		cradle_uuid_format(c->id, uuid);
		cradle_error(s, CRADLE_E_STATE, "轨迹 %s 须先用 track_query 询问", uuid);
		cradle_done(s);
		json_decref(x.positions);
		return;
	}
	if (c->offset != s->track.received) {	/* resent, or ahead: say where */
		cradle_track_ack(s, CRADLE_TRACK_OK, s->track.received, 0, 0);
		json_decref(x.positions);
		return;
	}
	nmea_feed((const char *)c->data, c->len, &st, cradle_fix, &x);
	s->counts[CRADLE_N_NMEA_BAD] += (uint32_t)(st.bad_checksum + st.malformed + st.unknown);
	cradle_uuid_format(c->id, uuid);
	snprintf(off, sizeof off, "%u", c->offset);
	snprintf(len, sizeof len, "%zu", c->len);
	if (s->track.date_ms != 0) {
		time_t t = (time_t)(s->track.date_ms / 1000);
		struct tm tm;

		gmtime_r(&t, &tm);
		strftime(date, sizeof date, "%Y-%m-%d", &tm);
	}
	snprintf(good, sizeof good, "%llu", (unsigned long long)st.good);
	snprintf(bad, sizeof bad, "%llu", (unsigned long long)(st.bad_checksum + st.malformed));
	snprintf(unknown, sizeof unknown, "%llu", (unsigned long long)st.unknown);
	positions = json_dumps(x.positions, JSON_COMPACT);
	json_decref(x.positions);
	params[0] = uuid;
	params[1] = off;
	params[2] = len;
	params[3] = s->track.date_ms != 0 ? date : NULL;
	params[4] = good;
	params[5] = bad;
	params[6] = unknown;
	params[7] = positions;
	if (cradle_query(s, cradle_track_put_sql, 8, params, cradle_track_put_done) != 0) {
		cradle_error(s, CRADLE_E_INTERNAL, "数据库暂不可用, 请稍后再传");
		cradle_done(s);
	}
	free(positions);
}

/* ---- downloads ---- */

static const char cradle_tasks_sql[] =
    "SELECT t.uuid, t.kind, c.case_no, c.kind, c.class_code,"
    " coalesce(round(ST_X(c.geom) * 1e7)::bigint, -2147483648),"
    " coalesce(round(ST_Y(c.geom) * 1e7)::bigint, -2147483648),"
    " coalesce(c.grid, ''), c.address, c.description,"
    " (extract(epoch FROM t.sent_at) * 1000)::bigint,"
    " coalesce((extract(epoch FROM t.due_at) * 1000)::bigint, 0)"
    " FROM task t JOIN cases c ON c.id = t.case_id"
    " WHERE t.collector = $1::integer AND t.state = 'open'"
    " ORDER BY t.due_at NULLS LAST, t.id LIMIT 1000";

static void
cradle_tasks_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	struct cradle_msg m;
	struct cradle_task *t = &m.u.task;
	int i, n;

	if (cradle_release(s))
		return;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		cradle_error(s, CRADLE_E_INTERNAL, "任务暂不可取, 请稍后再试");
		cradle_done(s);
		return;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++) {
		cradle_msg_init(&m, CRADLE_TASK);
		cradle_uuid_parse(PQgetvalue(res, i, 0), t->uuid);
		t->kind = strcmp(PQgetvalue(res, i, 1), "verify") == 0 ?
		    CRADLE_TASK_VERIFY : CRADLE_TASK_CHECK;
		snprintf(t->case_no, sizeof t->case_no, "%s", PQgetvalue(res, i, 2));
		t->class_kind = strcmp(PQgetvalue(res, i, 3), "component") == 0 ?
		    CRADLE_CLASS_COMPONENT : CRADLE_CLASS_EVENT;
		snprintf(t->class_code, sizeof t->class_code, "%s", PQgetvalue(res, i, 4));
		t->lon = (int32_t)atoll(PQgetvalue(res, i, 5));
		t->lat = (int32_t)atoll(PQgetvalue(res, i, 6));
		snprintf(t->grid, sizeof t->grid, "%s", PQgetvalue(res, i, 7));
		cradle_copy(t->address, sizeof t->address, PQgetvalue(res, i, 8), 0);
		cradle_copy(t->text, sizeof t->text, PQgetvalue(res, i, 9), 1);
		t->sent_ms = atoll(PQgetvalue(res, i, 10));
		t->due_ms = atoll(PQgetvalue(res, i, 11));
		cradle_send(s, &m);
	}
	s->counts[CRADLE_N_TASKS] += n;
	cradle_msg_init(&m, CRADLE_TASKS_DONE);
	m.u.tasks_done.count = n;
	cradle_send(s, &m);
	log_info("cradle %s: %d open tasks sent to %s", s->where, n, s->code);
	cradle_done(s);
}

static void
cradle_tasks_req(struct cradle_session *s)
{
	char collector[16];
	const char *params[1] = { collector };

	snprintf(collector, sizeof collector, "%d", s->collector);
	if (cradle_query(s, cradle_tasks_sql, 1, params, cradle_tasks_done) != 0) {
		cradle_error(s, CRADLE_E_INTERNAL, "数据库暂不可用, 请稍后再试");
		cradle_done(s);
	}
}

/* Unchanged, the changes since the handheld's table, or the whole table. */
static const char cradle_codes_sql[] =
    "SELECT mode, digest, op, kind, code, major_name, name"
    " FROM cg_cradle_codes($1, $2, $3) LIMIT 2001";

static void
cradle_codes_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	struct cradle_msg m;
	struct cradle_code *c = &m.u.code;
	const char *mode;
	int i, n = 0;

	if (cradle_release(s))
		return;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK || PQntuples(res) < 1) {
		log_error("cradle %s: code table: %s", s->where,
		    res ? PQresultErrorMessage(res) : err);
		cradle_error(s, CRADLE_E_INTERNAL, "代码表暂不可取, 请稍后再试");
		cradle_done(s);
		return;
	}
	mode = PQgetvalue(res, 0, 0);
	for (i = 1; i < PQntuples(res); i++) {
		cradle_msg_init(&m, CRADLE_CODE);
		c->op = atoi(PQgetvalue(res, i, 2)) == 2 ? CRADLE_CODE_DEL : CRADLE_CODE_SET;
		c->kind = strcmp(PQgetvalue(res, i, 3), "component") == 0 ?
		    CRADLE_CLASS_COMPONENT : CRADLE_CLASS_EVENT;
		snprintf(c->code, sizeof c->code, "%s", PQgetvalue(res, i, 4));
		cradle_copy(c->major_name, sizeof c->major_name, PQgetvalue(res, i, 5), 0);
		cradle_copy(c->name, sizeof c->name, PQgetvalue(res, i, 6), 0);
		cradle_send(s, &m);
		n++;
	}
	s->counts[CRADLE_N_CODES] += n;
	cradle_msg_init(&m, CRADLE_CODES_DONE);
	m.u.codes_done.flags = strcmp(mode, "unchanged") == 0 ? CRADLE_CODES_UNCHANGED :
	    strcmp(mode, "full") == 0 ? CRADLE_CODES_FULL : 0;
	snprintf(m.u.codes_done.standard, sizeof m.u.codes_done.standard, "%s", cfg.standard);
	cradle_hex_parse(PQgetvalue(res, 0, 1), m.u.codes_done.digest, CRADLE_DIGEST);
	m.u.codes_done.count = n;
	cradle_send(s, &m);
	if (n > 0)
		log_info("cradle %s: code table %s to %s: %s, %d entries", s->where,
		    cfg.standard, s->code, mode, n);
	cradle_done(s);
}

static void
cradle_codes_req(struct cradle_session *s)
{
	const struct cradle_codes_req *q = &s->msg.u.codes_req;
	char digest[2 * CRADLE_DIGEST + 1];
	const char *params[3] = { q->standard, digest, cfg.standard };

	cradle_hex_format(q->digest, CRADLE_DIGEST, digest);
	if (cradle_query(s, cradle_codes_sql, 3, params, cradle_codes_done) != 0) {
		cradle_error(s, CRADLE_E_INTERNAL, "数据库暂不可用, 请稍后再试");
		cradle_done(s);
	}
}

static const char cradle_grids_sql[] =
    "SELECT g.code, g.area_class, ST_AsGeoJSON(g.geom, 7)"
    " FROM collector_grid cg JOIN grid g ON g.code = cg.grid"
    " WHERE cg.collector = $1::integer ORDER BY g.code LIMIT 1000";

/* One grid's rings, each in parts of up to CRADLE_GRID_POINTS_MAX. */
static int
cradle_grid_send(struct cradle_session *s, const char *code, char area,
    const char *geojson, int *left)
{
	json_t *g, *polys, *rings, *pts, *pt;
	struct cradle_msg m;
	struct cradle_grid *gr = &m.u.grid;
	size_t p, r, i, n;
	int sent = 0;

	if ((g = json_loads(geojson, 0, NULL)) == NULL)
		return 0;
	polys = json_object_get(g, "coordinates");
	json_array_foreach(polys, p, rings) {
		json_array_foreach(rings, r, pts) {
			n = json_array_size(pts);
			for (i = 0; i < n && *left > 0; ) {
				cradle_msg_init(&m, CRADLE_GRID);
				snprintf(gr->code, sizeof gr->code, "%s", code);
				gr->area_class = (uint8_t)area;
				gr->polygon = (uint8_t)p;
				gr->ring = (uint8_t)r;
				gr->part = (uint8_t)(i / CRADLE_GRID_POINTS_MAX);
				for (; i < n && gr->npoints < CRADLE_GRID_POINTS_MAX; i++) {
					pt = json_array_get(pts, i);
					gr->points[gr->npoints].lon = (int32_t)lround(
					    json_number_value(json_array_get(pt, 0)) * 1e7);
					gr->points[gr->npoints++].lat = (int32_t)lround(
					    json_number_value(json_array_get(pt, 1)) * 1e7);
				}
				gr->flags = i == n ? CRADLE_GRID_LAST : 0;
				cradle_send(s, &m);
				(*left)--;
				sent++;
			}
		}
	}
	json_decref(g);
	return sent;
}

static void
cradle_grids_done(PGresult *res, const char *err, void *arg)
{
	struct cradle_session *s = arg;
	struct cradle_msg m;
	int i, n, msgs = 0, left = CRADLE_GRID_MSGS_MAX;

	if (cradle_release(s))
		return;
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		cradle_error(s, CRADLE_E_INTERNAL, "网格暂不可取, 请稍后再试");
		cradle_done(s);
		return;
	}
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		msgs += cradle_grid_send(s, PQgetvalue(res, i, 0), *PQgetvalue(res, i, 1),
		    PQgetvalue(res, i, 2), &left);
	s->counts[CRADLE_N_GRIDS] += n;
	cradle_msg_init(&m, CRADLE_GRIDS_DONE);
	m.u.grids_done.grids = n;
	m.u.grids_done.messages = msgs;
	cradle_send(s, &m);
	log_info("cradle %s: %d grid outlines in %d messages sent to %s", s->where,
	    n, msgs, s->code);
	cradle_done(s);
}

static void
cradle_grids_req(struct cradle_session *s)
{
	char collector[16];
	const char *params[1] = { collector };

	snprintf(collector, sizeof collector, "%d", s->collector);
	if (cradle_query(s, cradle_grids_sql, 1, params, cradle_grids_done) != 0) {
		cradle_error(s, CRADLE_E_INTERNAL, "数据库暂不可用, 请稍后再试");
		cradle_done(s);
	}
}

/* Clock sync, after NTP: the handheld's t1, our receive and send times. */
static void
cradle_clock_req(struct cradle_session *s)
{
	struct cradle_msg m;

	cradle_msg_init(&m, CRADLE_CLOCK);
	m.u.clock.t1 = s->msg.u.clock.t1;
	m.u.clock.t2 = s->cur->at_ms;
	m.u.clock.t3 = cradle_now_ms();
	cradle_send(s, &m);
	cradle_done(s);
}

/* ---- bye and the end ---- */

static json_t *
cradle_counts_json(const uint32_t *counts, size_t n)
{
	json_t *o = json_object();
	size_t i;

	for (i = 0; i < n && i < CRADLE_N_COUNT; i++)
		json_object_set_new(o, cradle_counter_name(i), json_integer(counts[i]));
	return o;
}

static void
cradle_session_saved(PGresult *res, const char *err, void *arg)
{
	if (res == NULL || PQresultStatus(res) != PGRES_COMMAND_OK)
		log_warn("cradle: session %s: end not recorded: %s", (char *)arg,
		    res ? PQresultErrorMessage(res) : err);
	free(arg);
}

static const char cradle_session_end_sql[] =
    "UPDATE cradle_session SET ended_at = now(), end_reason = $2, counts = $3::jsonb,"
    " device_counts = $4::jsonb WHERE id = $1::bigint AND ended_at IS NULL";

/* The docking is over: record it, log its counts. */
static void
cradle_session_close(struct cradle_session *s, const char *why)
{
	json_t *counts;
	char id[24], *ctext, *dtext, *arg;
	const char *params[4];

	if (!s->open)
		return;
	s->open = 0;
	s->counts[CRADLE_N_FRAMES_BAD] = 0;
	for (int i = 0; i < CRADLE_ERR_COUNT; i++)
		s->counts[CRADLE_N_FRAMES_BAD] += (uint32_t)s->dec.stats.errors[i];
	counts = cradle_counts_json(s->counts, CRADLE_N_COUNT);
	log_info("cradle %s: session %lld of %s (%s) ended: %s; records %u: new %u,"
	    " duplicate %u, refused %u, retry %u; photos %u (%u bytes), track %u bytes,"
	    " positions %u, NMEA skipped %u; tasks %u, codes %u, grids %u; bad frames %u",
	    s->where, s->db_session, s->device, s->code, why, s->counts[CRADLE_N_RECORDS],
	    s->counts[CRADLE_N_NEW], s->counts[CRADLE_N_DUPLICATE],
	    s->counts[CRADLE_N_REFUSED], s->counts[CRADLE_N_RETRY],
	    s->counts[CRADLE_N_PHOTOS], s->counts[CRADLE_N_PHOTO_BYTES],
	    s->counts[CRADLE_N_TRACK_BYTES], s->counts[CRADLE_N_NMEA_GOOD],
	    s->counts[CRADLE_N_NMEA_BAD], s->counts[CRADLE_N_TASKS],
	    s->counts[CRADLE_N_CODES], s->counts[CRADLE_N_GRIDS],
	    s->counts[CRADLE_N_FRAMES_BAD]);
	snprintf(id, sizeof id, "%lld", s->db_session);
	ctext = json_dumps(counts, JSON_COMPACT);
	dtext = s->device_counts != NULL ? json_dumps(s->device_counts, JSON_COMPACT) :
	    xstrdup("{}");
	params[0] = id;
	params[1] = why;
	params[2] = ctext;
	params[3] = dtext;
	arg = xstrdup(id);
	if (db_query(cradle_session_end_sql, 4, params, cradle_session_saved, arg) != 0) {
		log_warn("cradle %s: session %s: end not recorded: database unavailable",
		    s->where, id);
		free(arg);
	}
	json_decref(counts);
	json_decref(s->device_counts);
	s->device_counts = NULL;
	s->track.open = 0;
	s->nphotos = 0;
	free(ctext);
	free(dtext);
}

static void
cradle_bye(struct cradle_session *s)
{
	const struct cradle_bye *b = &s->msg.u.bye;
	struct cradle_msg m;
	int i;

	if (!s->open) {
		if (s->byed) {	/* our answer was lost: the same again */
			cradle_msg_init(&m, CRADLE_BYE_ACK);
			m.u.bye = s->bye_ack;
			cradle_send(s, &m);
		} else
			cradle_error(s, CRADLE_E_STATE, "须先发送 hello");
		cradle_done(s);
		return;
	}

	json_decref(s->device_counts);
	s->device_counts = cradle_counts_json(b->counts, b->ncounts);
	s->counts[CRADLE_N_FRAMES_BAD] = 0;
	for (i = 0; i < CRADLE_ERR_COUNT; i++)
		s->counts[CRADLE_N_FRAMES_BAD] += (uint32_t)s->dec.stats.errors[i];
	cradle_msg_init(&m, CRADLE_BYE_ACK);
	m.u.bye.ncounts = CRADLE_N_COUNT;
	memcpy(m.u.bye.counts, s->counts, sizeof s->counts);
	cradle_send(s, &m);
	s->bye_ack = m.u.bye;
	s->byed = 1;
	if (b->ncounts > CRADLE_N_PENDING && b->counts[CRADLE_N_PENDING] > 0)
		log_warn("cradle %s: %s leaves with %u records not acknowledged", s->where,
		    s->device, b->counts[CRADLE_N_PENDING]);
	cradle_session_close(s, "bye");
	cradle_done(s);
}

/* ---- the loop of a session ---- */

static const struct cradle_handler {
	void	(*fn)(struct cradle_session *);
	int	 need_open;	/* only after an accepted hello */
} cradle_handlers[CRADLE_TYPE_COUNT] = {
	[CRADLE_HELLO] =	{ cradle_hello, 0 },
	[CRADLE_RECORD] =	{ cradle_record, 1 },
	[CRADLE_PHOTO_QUERY] =	{ cradle_photo_query, 1 },
	[CRADLE_PHOTO_CHUNK] =	{ cradle_photo_chunk, 1 },
	[CRADLE_TRACK_QUERY] =	{ cradle_track_query, 1 },
	[CRADLE_TRACK_CHUNK] =	{ cradle_track_chunk, 1 },
	[CRADLE_TASKS_REQ] =	{ cradle_tasks_req, 1 },
	[CRADLE_CODES_REQ] =	{ cradle_codes_req, 1 },
	[CRADLE_GRIDS_REQ] =	{ cradle_grids_req, 1 },
	[CRADLE_CLOCK_REQ] =	{ cradle_clock_req, 1 },
	[CRADLE_BYE] =		{ cradle_bye, 0 },	/* a resent one after the end too */
};

static void
cradle_dispatch(struct cradle_session *s)
{
	struct cradle_req *r = s->cur;
	const struct cradle_handler *h = NULL;
	const char *why;

	if (r->type < CRADLE_TYPE_COUNT)
		h = &cradle_handlers[r->type];
	if (r->type == CRADLE_ERROR) {
		if (cradle_msg_decode(&s->msg, r->type, r->payload, r->len, &why) == 0)
			log_warn("cradle %s: the handheld complains of our %s (seq %u): %s",
			    s->where, cradle_type_name(s->msg.u.error.ref_type),
			    s->msg.u.error.ref_seq, s->msg.u.error.text);
		cradle_done(s);
		return;
	}
	if (h == NULL || h->fn == NULL) {
		cradle_error(s, CRADLE_E_TYPE, "不接受的消息类型 %u (%s)", r->type,
		    cradle_type_name(r->type));
		cradle_done(s);
		return;
	}
	if (cradle_msg_decode(&s->msg, r->type, r->payload, r->len, &why) != 0) {
		if (r->type == CRADLE_HELLO)
			cradle_refuse(s, CRADLE_REFUSE_MALFORMED, "hello 无法读取: %s", why);
		else
			cradle_error(s, CRADLE_E_MALFORMED, "%s", why);
		cradle_done(s);
		return;
	}
	if (h->need_open && !s->open) {
		cradle_error(s, CRADLE_E_STATE, "须先发送 hello");
		cradle_done(s);
		return;
	}
	h->fn(s);
}

/* Answer what waits, one at a time, until one waits for the database. */
static void
cradle_next(struct cradle_session *s)
{
	struct cradle_req *r;

	s->in_next = 1;
	while (!s->busy && !s->ended && (r = TAILQ_FIRST(&s->queue)) != NULL) {
		TAILQ_REMOVE(&s->queue, r, entry);
		s->nqueued--;
		s->cur = r;
		s->busy = 1;
		cradle_dispatch(s);
	}
	s->in_next = 0;
}

static int
cradle_frame_in(const struct cradle_frame *f, void *arg)
{
	struct cradle_session *s = arg;
	struct cradle_req *r;

	if (s->nqueued >= CRADLE_QUEUE_MAX) {
		log_warn("cradle %s: %d frames waiting; %s (seq %u) dropped", s->where,
		    s->nqueued, cradle_type_name(f->type), f->seq);
		return 0;
	}
	r = xmalloc(sizeof *r + f->len);
	r->type = f->type;
	r->seq = f->seq;
	r->len = f->len;
	r->at_ms = cradle_now_ms();
	memcpy(r->payload, f->payload, f->len);
	TAILQ_INSERT_TAIL(&s->queue, r, entry);
	s->nqueued++;
	return 0;
}

struct cradle_session *
cradle_session_new(struct cradle_port *p)
{
	struct cradle_session *s = xcalloc(1, sizeof *s);

	s->id = next_session_id++;
	s->port = p;
	s->where = xstrdup(p->name);
	s->refs = 1;
	cradle_decoder_init(&s->dec);
	TAILQ_INIT(&s->queue);
	return s;
}

void
cradle_session_input(struct cradle_session *s, const uint8_t *buf, size_t len)
{
	cradle_decoder_feed(&s->dec, buf, len, cradle_frame_in, s);
	cradle_next(s);
}

/* The port sent what was queued; nothing waits on that for now. */
void
cradle_session_drained(struct cradle_session *s)
{
}

/* The port is gone or quiet: the session ends; queries finish unheard. */
void
cradle_session_end(struct cradle_session *s, const char *why)
{
	cradle_session_close(s, why);
	s->port = NULL;
	s->ended = 1;
	if (--s->refs == 0)
		cradle_free(s);
}
