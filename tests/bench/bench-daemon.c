/*
 * bench-daemon.c: citygridd under load, measured from outside.
 *
 *   bench-daemon SOCKET SEAT_USER GRIDS WATCHERS CASES PIPELINE
 *
 * GRIDS is a comma-separated list of grid codes the cases go to in turn.
 *
 * Opens WATCHERS connections as the invoking user, each watching every
 * change, then forks a seat (setuid SEAT_USER) that registers CASES
 * cases with up to PIPELINE requests in flight.  Prints:
 *   intake: cases per second through the daemon (first request to last
 *           acknowledgement);
 *   push latency: from the seat's acknowledgement of a case (it is
 *           committed) to each watcher's "case" event for it, p50/p99;
 *   rss: the daemon's resident memory, read from /proc by the caller.
 * Not a test: it asserts nothing about speed.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cg.h"
#include "proto.h"

struct conn {
	int	 fd;
	char	*buf;
	size_t	 len, cap;
};

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
conn_open(const char *path, struct conn *c)
{
	struct sockaddr_un sun;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path);
	if ((c->fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1)
		return -1;
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof sun) != 0)
		return -1;
	c->cap = 65536;
	c->buf = xmalloc(c->cap);
	c->len = 0;
	return 0;
}

static void
conn_send(struct conn *c, json_t *msg)
{
	char *frame;
	size_t len, off = 0;
	ssize_t n;

	frame = proto_encode(msg, PROTO_FRAME_MAX, &len);
	json_decref(msg);
	while (off < len) {
		if ((n = write(c->fd, frame + off, len - off)) <= 0)
			fatal("write");
		off += n;
	}
	free(frame);
}

/* Read what is there; return the next whole message, or NULL. */
static json_t *
conn_next(struct conn *c, int block)
{
	uint32_t plen;
	json_t *msg;
	char err[128];
	ssize_t n;

	for (;;) {
		if (proto_frame_check((uint8_t *)c->buf, c->len, PROTO_FRAME_MAX, &plen) ==
		    PROTO_COMPLETE) {
			msg = proto_parse(c->buf + PROTO_HEADER, plen, err, sizeof err);
			memmove(c->buf, c->buf + PROTO_HEADER + plen, c->len - PROTO_HEADER - plen);
			c->len -= PROTO_HEADER + plen;
			return msg;
		}
		if (!block)
			return NULL;
		if (c->cap - c->len < 65536) {
			c->cap *= 2;
			c->buf = xrealloc(c->buf, c->cap);
		}
		if ((n = read(c->fd, c->buf + c->len, c->cap - c->len)) <= 0)
			fatalx("connection closed");
		c->len += n;
	}
}

static int
conn_fill(struct conn *c)
{
	ssize_t n;

	if (c->cap - c->len < 65536) {
		c->cap *= 2;
		c->buf = xrealloc(c->buf, c->cap);
	}
	if ((n = read(c->fd, c->buf + c->len, c->cap - c->len)) <= 0)
		return -1;
	c->len += n;
	return 0;
}

static json_t *
conn_call(struct conn *c, json_t *req)
{
	json_t *m;

	conn_send(c, req);
	while ((m = conn_next(c, 1)) != NULL && json_object_get(m, "event") != NULL)
		json_decref(m);
	return m;
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The seat: register cases, write "case_no ack_time" lines to fd out. */
static void
seat(const char *path, const char *grids, int ncases, int pipeline, int out)
{
	struct conn c;
	char grid[16];
	int ngrids = (int)(strlen(grids) + 1) / 16;
	json_t *m, *r;
	int sent = 0, acked = 0, inflight = 0;
	double t0, t1;
	FILE *f = fdopen(out, "w");
	char ref[64];

	if (conn_open(path, &c) != 0)
		fatal("seat connect");
	json_decref(conn_call(&c, proto_request(0, "hello", json_pack("{s:i}", "proto", 1))));
	t0 = now_ms();
	while (acked < ncases) {
		while (inflight < pipeline && sent < ncases) {
			snprintf(ref, sizeof ref, "bench-%d-%d", (int)getpid(), sent);
			snprintf(grid, sizeof grid, "%.15s", grids + (sent % ngrids) * 16);
			conn_send(&c, proto_request(sent + 1, "case.new", json_pack(
			    "{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "event", "class", "0102",
			    "source", "hotline", "description", "基准测试", "grid", grid,
			    "client_ref", ref)));
			sent++;
			inflight++;
		}
		m = conn_next(&c, 1);
		if (json_object_get(m, "event") == NULL) {
			r = json_object_get(m, "result");
			if (!json_is_true(json_object_get(m, "ok")))
				fatalx("case.new failed: %s", json_dumps(m, 0));
			fprintf(f, "%s %.3f\n", json_string_value(json_object_get(r, "case_no")),
			    now_ms());
			acked++;
			inflight--;
		}
		json_decref(m);
	}
	t1 = now_ms();
	fprintf(f, "END %.3f %.3f\n", t0, t1);
	fclose(f);
}

int
main(int argc, char **argv)
{
	struct conn *w;
	struct pollfd *pfd;
	struct passwd *pw;
	json_t *m, *d;
	int nw, ncases, pipeline, i, p[2], status, seen = 0;
	pid_t pid;
	char line[256], no[24], (*nos)[24] = NULL;
	double *ack = NULL, *lat, t0 = 0, t1 = 0, t;
	size_t nack = 0, nlat = 0, k;
	FILE *f;

	if (argc != 7)
		fatalx("usage: bench-daemon socket seat-user grid watchers cases pipeline");
	nw = atoi(argv[4]);
	ncases = atoi(argv[5]);
	pipeline = atoi(argv[6]);
	w = xcalloc(nw > 0 ? nw : 1, sizeof *w);
	pfd = xcalloc(nw > 0 ? nw : 1, sizeof *pfd);
	for (i = 0; i < nw; i++) {
		if (conn_open(argv[1], &w[i]) != 0)
			fatal("watcher %d connect", i);
		json_decref(conn_call(&w[i], proto_request(1, "hello", json_pack("{s:i}", "proto", 1))));
		json_decref(conn_call(&w[i], proto_request(2, "watch", json_pack("{s:s}", "scope", "all"))));
		pfd[i].fd = w[i].fd;
		pfd[i].events = POLLIN;
	}
	if ((pw = getpwnam(argv[2])) == NULL)
		fatalx("no user %s", argv[2]);
	/* The seat writes its acknowledgements to a file: a pipe could fill. */
	char tmpl[] = "/tmp/bench-daemon.XXXXXX";
	if ((p[0] = mkstemp(tmpl)) == -1)
		fatal("mkstemp");
	unlink(tmpl);
	if ((p[1] = dup(p[0])) == -1)
		fatal("dup");
	if (fchmod(p[1], 0666) != 0)
		fatal("fchmod");
	if ((pid = fork()) == 0) {
		close(p[0]);
		if (setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
			fatal("setuid");
		seat(argv[1], argv[3], ncases, pipeline, p[1]);
		_exit(0);
	}
	close(p[1]);
	lat = xcalloc((size_t)ncases * (nw > 0 ? nw : 1) + 1, sizeof *lat);
	double *evt = xcalloc((size_t)ncases * (nw > 0 ? nw : 1) + 1, sizeof *evt);
	char (*evno)[24] = xcalloc((size_t)ncases * (nw > 0 ? nw : 1) + 1, sizeof *evno);
	size_t nev = 0;

	/* Collect every watcher's case events until all cases were seen by all. */
	while (nw > 0 && seen < ncases * nw) {
		if (poll(pfd, nw, 20000) <= 0)
			break;
		for (i = 0; i < nw; i++) {
			if (!(pfd[i].revents & POLLIN))
				continue;
			if (conn_fill(&w[i]) != 0)
				fatalx("watcher %d closed", i);
			t = now_ms();
			while ((m = conn_next(&w[i], 0)) != NULL) {
				d = json_object_get(m, "data");
				if (json_is_string(json_object_get(m, "event")) &&
				    strcmp(json_string_value(json_object_get(m, "event")), "case") == 0 &&
				    strcmp(json_string_value(json_object_get(d, "state")), "reported") == 0) {
					snprintf(evno[nev], sizeof evno[nev], "%s",
					    json_string_value(json_object_get(d, "case_no")));
					evt[nev++] = t;
					seen++;
				}
				json_decref(m);
			}
		}
	}
	waitpid(pid, &status, 0);
	lseek(p[0], 0, SEEK_SET);
	f = fdopen(p[0], "r");
	while (fgets(line, sizeof line, f) != NULL) {
		if (strncmp(line, "END ", 4) == 0) {
			sscanf(line + 4, "%lf %lf", &t0, &t1);
			continue;
		}
		nos = xreallocarray(nos, nack + 1, sizeof *nos);
		ack = xreallocarray(ack, nack + 1, sizeof *ack);
		sscanf(line, "%23s %lf", no, &ack[nack]);
		snprintf(nos[nack], sizeof nos[nack], "%s", no);
		nack++;
	}
	for (k = 0; k < nev; k++) {
		for (size_t j = 0; j < nack; j++) {
			if (strcmp(evno[k], nos[j]) == 0) {
				lat[nlat++] = evt[k] - ack[j];
				break;
			}
		}
	}
	qsort(lat, nlat, sizeof *lat, cmp_double);
	printf("intake: %d cases in %.1f ms: %.1f cases/s (pipeline %d)\n", ncases,
	    t1 - t0, ncases * 1000.0 / (t1 - t0), pipeline);
	if (nlat > 0)
		printf("push latency, ack to event, %d watchers: p50 %.2f ms, p99 %.2f ms,"
		    " max %.2f ms (%zu events)\n", nw, lat[nlat / 2],
		    lat[(size_t)(nlat * 0.99)], lat[nlat - 1], nlat);
	return 0;
}
