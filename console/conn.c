/*
 * conn.c: the consoles' connection to citygridd on the event loop.  A
 * bufferevent on the Unix socket; frames cut with lib/proto.  Requests
 * wait in a list keyed by id and their callbacks run when the reply
 * comes; pushed events go to the console's handler.  When the link
 * breaks, every waiting request is answered with an error and the
 * connection is tried again after 0.25, 0.5, 1 ... up to 5 seconds.
 */
#include <sys/queue.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>

#include "console.h"

#define CONN_BACKOFF_MIN	250	/* ms */
#define CONN_BACKOFF_MAX	5000

struct conn_req {
	uint64_t		 id;
	char			*op;
	conn_reply_cb		 cb;
	void			*arg;
	TAILQ_ENTRY(conn_req)	 entry;
};

struct conn {
	struct event_base	*base;
	char			*path;
	struct conn_callbacks	 cb;
	struct bufferevent	*bev;
	enum conn_state		 state;
	uint64_t		 next_id;
	TAILQ_HEAD(, conn_req)	 reqs;
	json_t			*hello;		/* the result of the last hello */
	struct event		*retry;
	int			 backoff;	/* ms before the next try */
	time_t			 retry_at;
	char			 error[512];	/* why the link is down */
};

static void conn_connect(struct conn *);

static void
conn_set_state(struct conn *c, enum conn_state s)
{
	c->state = s;
	if (c->cb.state != NULL)
		c->cb.state(c, s, c->cb.arg);
}

/* Answer every waiting request with the link's error. */
static void
conn_fail_all(struct conn *c)
{
	struct conn_error err;
	struct conn_req *r;

	snprintf(err.code, sizeof err.code, "E_LOCAL");
	snprintf(err.message, sizeof err.message, "%s", c->error);
	while ((r = TAILQ_FIRST(&c->reqs)) != NULL) {
		TAILQ_REMOVE(&c->reqs, r, entry);
		if (r->cb != NULL)
			r->cb(NULL, &err, r->arg);
		free(r->op);
		free(r);
	}
}

/* The link is gone: drop it, fail what waits, try again later. */
static void
conn_lost(struct conn *c, const char *why)
{
	struct timeval tv;

	snprintf(c->error, sizeof c->error, "%s", why);
	if (c->bev != NULL) {
		bufferevent_free(c->bev);
		c->bev = NULL;
	}
	conn_fail_all(c);
	tv.tv_sec = c->backoff / 1000;
	tv.tv_usec = (c->backoff % 1000) * 1000;
	c->retry_at = time(NULL) + tv.tv_sec;
	evtimer_add(c->retry, &tv);
	c->backoff = c->backoff * 2 > CONN_BACKOFF_MAX ? CONN_BACKOFF_MAX :
	    c->backoff * 2;
	conn_set_state(c, CONN_DOWN);
}

static void
conn_reply(struct conn *c, json_t *msg)
{
	struct conn_error err;
	struct conn_req *r;
	json_t *e;
	uint64_t id = (uint64_t)json_integer_value(json_object_get(msg, "id"));

	TAILQ_FOREACH(r, &c->reqs, entry) {
		if (r->id == id)
			break;
	}
	if (r == NULL)
		return;			/* id 0, or a request given up */
	TAILQ_REMOVE(&c->reqs, r, entry);
	if (json_is_true(json_object_get(msg, "ok"))) {
		if (r->cb != NULL)
			r->cb(json_object_get(msg, "result"), NULL, r->arg);
	} else {
		e = json_object_get(msg, "error");
		snprintf(err.code, sizeof err.code, "%s",
		    json_string_value(json_object_get(e, "code")) ?: "E_INTERNAL");
		snprintf(err.message, sizeof err.message, "%s",
		    json_string_value(json_object_get(e, "message")) ?: "未知错误");
		if (r->cb != NULL)
			r->cb(NULL, &err, r->arg);
	}
	free(r->op);
	free(r);
}

/* Cut whole frames off the input; -1 if the stream is broken. */
static int
conn_frames(struct conn *c, struct evbuffer *in)
{
	enum proto_frame_status st;
	char perr[256];
	uint8_t *p;
	uint32_t len;
	json_t *msg;

	while (c->bev != NULL) {
		p = evbuffer_pullup(in, PROTO_HEADER);
		st = proto_frame_check(p, evbuffer_get_length(in), PROTO_FRAME_MAX, &len);
		if (st == PROTO_NEED)
			return 0;
		if (st == PROTO_BAD)
			return -1;
		p = evbuffer_pullup(in, PROTO_HEADER + len);
		msg = proto_parse((char *)p + PROTO_HEADER, len, perr, sizeof perr);
		evbuffer_drain(in, PROTO_HEADER + len);
		if (msg == NULL)
			return -1;
		if (json_object_get(msg, "id") != NULL)
			conn_reply(c, msg);
		else if (c->cb.event != NULL && c->state == CONN_UP)
			c->cb.event(c, msg, c->cb.arg);
		json_decref(msg);
	}
	return 0;
}

static void
conn_read_cb(struct bufferevent *bev, void *arg)
{
	struct conn *c = arg;

	if (conn_frames(c, bufferevent_get_input(bev)) != 0)
		conn_lost(c, "citygridd 发来无效的帧");
}

static void
conn_hello_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct conn *c = arg;

	if (result == NULL) {
		if (strcmp(err->code, "E_LOCAL") != 0)
			conn_lost(c, err->message);
		return;
	}
	json_decref(c->hello);
	c->hello = json_incref(result);
	c->backoff = CONN_BACKOFF_MIN;
	c->error[0] = '\0';
	conn_set_state(c, CONN_UP);
}

static void
conn_event_cb(struct bufferevent *bev, short what, void *arg)
{
	struct conn *c = arg;
	char why[512];

	if (what & BEV_EVENT_CONNECTED) {
		c->state = CONN_CONNECTING;
		conn_request(c, "hello", json_pack("{s:i}", "proto",
		    PROTO_VERSION), conn_hello_done, c);
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof why, "citygridd 关闭了连接");
	else
		snprintf(why, sizeof why, "无法连接 citygridd (%s): %s", c->path,
		    strerror(EVUTIL_SOCKET_ERROR()));
	conn_lost(c, why);
}

static void
conn_connect(struct conn *c)
{
	struct sockaddr_un sun;
	char why[512];

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof sun.sun_path, "%s", c->path);
	c->bev = bufferevent_socket_new(c->base, -1, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		fatalx("bufferevent_socket_new failed");
	bufferevent_setcb(c->bev, conn_read_cb, NULL, conn_event_cb, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	c->state = CONN_CONNECTING;
	/* A Unix socket fails at once; the error comes to conn_event_cb. */
	if (bufferevent_socket_connect(c->bev, (struct sockaddr *)&sun,
	    sizeof sun) != 0 && c->bev != NULL) {
		snprintf(why, sizeof why, "无法连接 citygridd (%s): %s", c->path,
		    strerror(errno));
		conn_lost(c, why);
	}
}

static void
conn_retry_cb(evutil_socket_t fd, short what, void *arg)
{
	conn_connect(arg);
}

/* Connect now; the state callback says when it is up. */
struct conn *
conn_new(struct event_base *base, const char *path,
    const struct conn_callbacks *cb)
{
	struct conn *c = xcalloc(1, sizeof *c);

	c->base = base;
	c->path = xstrdup(path);
	c->cb = *cb;
	c->next_id = 1;
	c->backoff = CONN_BACKOFF_MIN;
	TAILQ_INIT(&c->reqs);
	c->retry = evtimer_new(base, conn_retry_cb, c);
	conn_connect(c);
	return c;
}

void
conn_free(struct conn *c)
{
	if (c == NULL)
		return;
	c->cb.state = NULL;
	snprintf(c->error, sizeof c->error, "控制台已退出");
	if (c->bev != NULL)
		bufferevent_free(c->bev);
	c->bev = NULL;
	conn_fail_all(c);
	event_free(c->retry);
	json_decref(c->hello);
	free(c->path);
	free(c);
}

enum conn_state
conn_state(const struct conn *c)
{
	return c->state;
}

/* The result of hello (operator, calendar ...), borrowed; NULL before. */
json_t *
conn_hello(const struct conn *c)
{
	return c->hello;
}

const char *
conn_error(const struct conn *c)
{
	return c->error;
}

/* Seconds until the next try while down. */
int
conn_retry_in(const struct conn *c)
{
	time_t now = time(NULL);

	return c->retry_at > now ? (int)(c->retry_at - now) : 0;
}

/*
 * Send a request; cb gets the result (borrowed) or an error.  Takes
 * args.  -1 if the link is down: cb is not called.
 */
int
conn_request(struct conn *c, const char *op, json_t *args, conn_reply_cb cb,
    void *arg)
{
	struct conn_req *r;
	json_t *msg;
	size_t len;
	char *frame;

	if (c->bev == NULL || (c->state != CONN_UP && strcmp(op, "hello") != 0)) {
		json_decref(args);
		return -1;
	}
	r = xcalloc(1, sizeof *r);
	r->id = c->next_id++;
	r->op = xstrdup(op);
	r->cb = cb;
	r->arg = arg;
	msg = proto_request(r->id, op, args);
	frame = proto_encode(msg, PROTO_FRAME_MAX, &len);
	json_decref(msg);
	if (frame == NULL) {
		free(r->op);
		free(r);
		return -1;
	}
	TAILQ_INSERT_TAIL(&c->reqs, r, entry);
	bufferevent_write(c->bev, frame, len);
	free(frame);
	return 0;
}
