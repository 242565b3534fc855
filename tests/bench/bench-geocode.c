/*
 * bench-geocode.c: geo.search measured from outside, against the same
 * SQL run straight through libpq in the same process.
 *
 *   bench-geocode SOCKET CONNINFO QUERIES
 *
 * QUERIES has "type<TAB>answer code<TAB>query" lines
 * (tests/bench/geocode-queries.sql).  Each query is asked once through
 * the daemon (geo.search, limit 10) and once straight through libpq
 * (SELECT * FROM cg_geo_search($1, 10), prepared once as the daemon's
 * pool does), the order alternating, one at a time.  Prints accuracy@1 and @10 (the answer's code first, or among
 * the ten) per type and in all, and the latency p50/p99 of each path
 * with their ratio.  Not a test: it asserts nothing.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "cg.h"
#include "proto.h"

#define LIMIT	10
#define MAXQ	100000

struct query {
	char	*type, *code, *text;
	int	 rank_d, rank_p;	/* 1-based rank of the answer, 0: absent */
	double	 ms_d, ms_p;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
sock_open(const char *path)
{
	struct sockaddr_un sun;
	int fd;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		fatal("connect %s", path);
	return fd;
}

/* One request, its reply (events are skipped). */
static json_t *
sock_call(int fd, json_t *req)
{
	static char *buf;
	static size_t cap, len;
	char *frame, err[128];
	size_t n, off;
	ssize_t r;
	uint32_t plen;
	json_t *m;

	frame = proto_encode(req, PROTO_FRAME_MAX, &n);
	json_decref(req);
	for (off = 0; off < n; off += (size_t)r)
		if ((r = write(fd, frame + off, n - off)) <= 0)
			fatal("write");
	free(frame);
	for (;;) {
		if (proto_frame_check((uint8_t *)buf, len, PROTO_FRAME_MAX, &plen) ==
		    PROTO_COMPLETE) {
			m = proto_parse(buf + PROTO_HEADER, plen, err, sizeof err);
			memmove(buf, buf + PROTO_HEADER + plen, len - PROTO_HEADER - plen);
			len -= PROTO_HEADER + plen;
			if (m != NULL && json_object_get(m, "event") == NULL)
				return m;
			json_decref(m);
			continue;
		}
		if (cap - len < 65536)
			buf = xrealloc(buf, cap = cap * 2 + 65536);
		if ((r = read(fd, buf + len, cap - len)) <= 0)
			fatalx("daemon closed the connection");
		len += (size_t)r;
	}
}

static void
ask_daemon(int fd, uint64_t id, struct query *q)
{
	json_t *m, *rows;
	size_t i;
	double t = now_ms();

	m = sock_call(fd, proto_request(id, "geo.search",
	    json_pack("{s:s, s:i}", "text", q->text, "limit", LIMIT)));
	q->ms_d = now_ms() - t;
	if (!json_is_true(json_object_get(m, "ok")))
		fatalx("geo.search %s: %s", q->text, json_dumps(m, 0));
	rows = json_object_get(m, "result");
	q->rank_d = 0;
	for (i = 0; i < json_array_size(rows) && q->rank_d == 0; i++) {
		const char *c = json_string_value(json_object_get(json_array_get(rows, i), "code"));
		if (c != NULL && strcmp(c, q->code) == 0)
			q->rank_d = (int)i + 1;
	}
	json_decref(m);
}

static void
ask_libpq(PGconn *pg, struct query *q)
{
	const char *params[1] = { q->text };
	PGresult *res;
	int i, col;
	double t = now_ms();

	res = PQexecPrepared(pg, "geo", 1, params, NULL, NULL, 0);
	q->ms_p = now_ms() - t;
	if (PQresultStatus(res) != PGRES_TUPLES_OK)
		fatalx("libpq %s: %s", q->text, PQerrorMessage(pg));
	col = PQfnumber(res, "code");
	q->rank_p = 0;
	for (i = 0; i < PQntuples(res) && q->rank_p == 0; i++)
		if (strcmp(PQgetvalue(res, i, col), q->code) == 0)
			q->rank_p = i + 1;
	PQclear(res);
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
latency(const char *what, struct query *q, int n, int daemon, double *p50, double *p99)
{
	double *v = xcalloc((size_t)n, sizeof *v), sum = 0;
	int i;

	for (i = 0; i < n; i++)
		sum += v[i] = daemon ? q[i].ms_d : q[i].ms_p;
	qsort(v, (size_t)n, sizeof *v, cmp_double);
	*p50 = v[n / 2];
	*p99 = v[(int)(n * 0.99)];
	printf("latency %-7s p50 %.2f ms  p99 %.2f ms  mean %.2f ms  max %.2f ms\n", what,
	    *p50, *p99, sum / n, v[n - 1]);
	free(v);
}

/* p50 and p99 through the daemon of the queries of one type. */
static void
type_latency(struct query *q, int n, const char *type, double *p50, double *p99)
{
	double *v = xcalloc((size_t)n, sizeof *v);
	int i, k = 0;

	for (i = 0; i < n; i++)
		if (type == NULL || strcmp(q[i].type, type) == 0)
			v[k++] = q[i].ms_d;
	qsort(v, (size_t)k, sizeof *v, cmp_double);
	*p50 = v[k / 2];
	*p99 = v[(int)(k * 0.99)];
	free(v);
}

static void
accuracy(struct query *q, int n)
{
	const char *types[32];
	int nt = 0, t, i, k, at1, at10, p1;
	double p50, p99;

	for (i = 0; i < n; i++) {
		for (t = 0; t < nt && strcmp(types[t], q[i].type) != 0; t++)
			;
		if (t == nt && nt < 32)
			types[nt++] = q[i].type;
	}
	for (t = 0; t <= nt; t++) {
		at1 = at10 = p1 = k = 0;
		for (i = 0; i < n; i++) {
			if (t < nt && strcmp(q[i].type, types[t]) != 0)
				continue;
			k++;
			at1 += q[i].rank_d == 1;
			at10 += q[i].rank_d > 0;
			p1 += q[i].rank_p == 1;
		}
		type_latency(q, n, t < nt ? types[t] : NULL, &p50, &p99);
		printf("accuracy %-10s n %5d  @1 %5.1f%%  @10 %5.1f%%  daemon p50 %6.2f ms"
		    "  p99 %6.2f ms%s\n", t < nt ? types[t] : "all", k, 100.0 * at1 / k,
		    100.0 * at10 / k, p50, p99, p1 == at1 ? "" : "  (libpq differs!)");
	}
}

int
main(int argc, char **argv)
{
	struct query *q = xcalloc(MAXQ, sizeof *q);
	char line[4096], *a, *b, *e;
	FILE *f;
	PGconn *pg;
	PGresult *res;
	int fd, n = 0, i;
	double d50, d99, p50, p99;

	if (argc != 4)
		fatalx("usage: bench-geocode SOCKET CONNINFO QUERIES");
	if ((f = fopen(argv[3], "r")) == NULL)
		fatal("%s", argv[3]);
	while (n < MAXQ && fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if ((a = strchr(line, '\t')) == NULL || (b = strchr(a + 1, '\t')) == NULL)
			continue;
		*a = *b = '\0';
		q[n].type = xstrdup(line);
		q[n].code = xstrdup(a + 1);
		q[n++].text = xstrdup(b + 1);
	}
	fclose(f);
	if (n == 0)
		fatalx("%s: no queries", argv[3]);

	pg = PQconnectdb(argv[2]);
	if (PQstatus(pg) != CONNECTION_OK)
		fatalx("libpq: %s", PQerrorMessage(pg));
	/* Prepared once, as the daemon's pool prepares its statements. */
	res = PQprepare(pg, "geo", "SELECT * FROM cg_geo_search($1, 10)", 1, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK)
		fatalx("libpq: %s", PQerrorMessage(pg));
	PQclear(res);
	fd = sock_open(argv[1]);
	json_decref(sock_call(fd, proto_request(0, "hello", json_pack("{s:i}", "proto", 1))));
	/* Warm both paths (prepared statements, caches) on the first 50. */
	for (i = 0; i < 50 && i < n; i++) {
		ask_daemon(fd, (uint64_t)i + 1, &q[i]);
		ask_libpq(pg, &q[i]);
	}
	for (i = 0; i < n; i++) {
		if (i % 2 == 0) {
			ask_daemon(fd, (uint64_t)i + 100, &q[i]);
			ask_libpq(pg, &q[i]);
		} else {
			ask_libpq(pg, &q[i]);
			ask_daemon(fd, (uint64_t)i + 100, &q[i]);
		}
	}
	printf("queries %d, limit %d\n", n, LIMIT);
	accuracy(q, n);
	latency("daemon", q, n, 1, &d50, &d99);
	latency("libpq", q, n, 0, &p50, &p99);
	printf("ratio daemon/libpq p50 %.2f  p99 %.2f\n", d50 / p50, d99 / p99);
	if ((e = getenv("BENCH_MISSES")) != NULL && (f = fopen(e, "w")) != NULL) {
		for (i = 0; i < n; i++)
			if (q[i].rank_d != 1)
				fprintf(f, "%s\t%s\t%s\t%d\n", q[i].type, q[i].code, q[i].text,
				    q[i].rank_d);
		fclose(f);
	}
	PQfinish(pg);
	close(fd);
	return 0;
}
