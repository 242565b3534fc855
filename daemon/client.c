/*
 * client.c: one connected console or CLI.
 *
 * Input is cut into frames; each request goes to cmd_dispatch().  A bad
 * frame length cannot be resynchronised, so it is answered and the
 * connection closed; bad JSON inside a good frame is answered and the
 * connection goes on.  Replies are always queued; pushed events are
 * dropped while the output buffer is over the high-water mark and the
 * client is then told to resync (it gets the latest state, not a
 * backlog); past the hard limit it is disconnected.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>

#include "citygridd.h"

struct clients clients = TAILQ_HEAD_INITIALIZER(clients);
static uint64_t next_client_id = 1;

static void client_read(struct bufferevent *, void *);
static void client_write(struct bufferevent *, void *);
static void client_event(struct bufferevent *, short, void *);

struct client *
client_create(int fd, uid_t uid, pid_t pid, const char *user)
{
	struct client *c;

	c = xcalloc(1, sizeof *c);
	c->id = next_client_id++;
	c->fd = fd;
	c->uid = uid;
	c->pid = pid;
	c->user = xstrdup(user);
	c->refs = 1;
	TAILQ_INIT(&c->watches);
	c->bev = bufferevent_socket_new(base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (c->bev == NULL)
		fatalx("bufferevent_socket_new failed");
	bufferevent_setcb(c->bev, client_read, client_write, client_event, c);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
	TAILQ_INSERT_TAIL(&clients, c, entry);
	log_debug("client %llu: connected, user %s (uid %u, pid %d)",
	    (unsigned long long)c->id, c->user, (unsigned)uid, (int)pid);
	return c;
}

void
client_ref(struct client *c)
{
	c->refs++;
}

void
client_unref(struct client *c)
{
	struct watch *w;

	if (--c->refs > 0)
		return;
	while ((w = TAILQ_FIRST(&c->watches)) != NULL) {
		TAILQ_REMOVE(&c->watches, w, entry);
		watch_free(w);
	}
	operator_free(c->op);
	free(c->user);
	free(c);
}

/* Close now; callbacks still holding a reference see c->dead. */
void
client_close(struct client *c, const char *why)
{
	if (c->dead)
		return;
	log_debug("client %llu (%s): closed: %s", (unsigned long long)c->id,
	    c->user, why);
	c->dead = 1;
	TAILQ_REMOVE(&clients, c, entry);
	bufferevent_free(c->bev);
	c->bev = NULL;
	client_unref(c);
}

static size_t
client_pending(struct client *c)
{
	return evbuffer_get_length(bufferevent_get_output(c->bev));
}

/* Queue one message.  Over the hard limit the client is dropped. */
void
client_send(struct client *c, json_t *msg)
{
	char *frame;
	size_t len;
	json_int_t id;

	if (c->dead) {
		json_decref(msg);
		return;
	}
	frame = proto_encode(msg, PROTO_FRAME_MAX, &len);
	if (frame == NULL) {	/* too big: the request still gets its answer */
		id = json_integer_value(json_object_get(msg, "id"));
		json_decref(msg);
		msg = proto_reply_error(id, PE_TOOBIG, "回复超过 %d 字节, 请缩小范围",
		    PROTO_FRAME_MAX);
		frame = proto_encode(msg, PROTO_FRAME_MAX, &len);
	}
	json_decref(msg);
	evbuffer_add(bufferevent_get_output(c->bev), frame, len);
	free(frame);
	if (client_pending(c) > (size_t)cfg.client_hard_limit) {
		log_warn("client %llu (%s): output over %d bytes, dropped",
		    (unsigned long long)c->id, c->user, cfg.client_hard_limit);
		client_close(c, "output limit");
	}
}

/* A pushed event: dropped, and a resync owed, while the client lags. */
void
client_push(struct client *c, json_t *msg)
{
	if (c->dead || c->lagging ||
	    client_pending(c) > (size_t)cfg.client_high_water) {
		if (!c->dead && !c->lagging)
			log_info("client %llu (%s): lagging, pushes dropped until it drains",
			    (unsigned long long)c->id, c->user);
		if (!c->dead)
			c->lagging = 1;
		json_decref(msg);
		return;
	}
	client_send(c, msg);
}

void
client_reply(struct client *c, uint64_t id, json_t *result)
{
	client_send(c, proto_reply_ok(id, result));
}

void
client_error(struct client *c, uint64_t id, enum proto_error code,
    const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	log_debug("client %llu (%s): request %llu: %s %s",
	    (unsigned long long)c->id, c->user, (unsigned long long)id,
	    proto_error_name(code), msg);
	client_send(c, proto_reply_error(id, code, "%s", msg));
}

/* A request is answered: take more input if it was held back. */
void
client_done(struct client *c)
{
	if (c->inflight > 0)
		c->inflight--;
	if (!c->dead && c->inflight < cfg.client_max_requests)
		bufferevent_enable(c->bev, EV_READ);
}

/* A frame the stream cannot recover from: answer, then close. */
static void
client_bad_frame(struct client *c, uint32_t len)
{
	if (len == 0)
		client_error(c, 0, PE_FRAME, "帧长度为 0");
	else
		client_error(c, 0, PE_TOOBIG, "帧长度 %u 超过上限 %d", len, PROTO_FRAME_MAX);
	bufferevent_disable(c->bev, EV_READ);
	c->inflight = -1;	/* close once the answer is written */
	if (client_pending(c) == 0)
		client_close(c, "bad frame");
}

static void
client_request(struct client *c, const char *payload, size_t len)
{
	char err[256];
	json_t *msg, *args;
	uint64_t id;
	const char *op;

	if ((msg = proto_parse(payload, len, err, sizeof err)) == NULL) {
		client_error(c, 0, PE_FRAME, "%s", err);
		return;
	}
	if (proto_request_parse(msg, &id, &op, &args, err, sizeof err) != 0) {
		client_error(c, id, PE_FRAME, "%s", err);
		json_decref(msg);
		return;
	}
	c->inflight++;
	cmd_dispatch(c, id, op, args);
	json_decref(msg);
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	unsigned char *p;
	uint32_t len;
	size_t have;

	client_ref(c);
	while (!c->dead && c->inflight >= 0) {
		if (c->hello_pending) {
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		if (c->inflight >= cfg.client_max_requests) {
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		have = evbuffer_get_length(in);
		if (have < PROTO_HEADER)
			break;
		p = evbuffer_pullup(in, PROTO_HEADER);
		switch (proto_frame_check(p, have, PROTO_FRAME_MAX, &len)) {
		case PROTO_NEED:
			goto out;
		case PROTO_BAD:
			client_bad_frame(c, len);
			goto out;
		case PROTO_COMPLETE:
			break;
		}
		p = evbuffer_pullup(in, PROTO_HEADER + len);
		client_request(c, (const char *)p + PROTO_HEADER, len);
		if (!c->dead)
			evbuffer_drain(in, PROTO_HEADER + len);
	}
out:
	client_unref(c);
}

/* Go on with input held back while hello was answered. */
void
client_resume(struct client *c)
{
	if (c->dead)
		return;
	c->hello_pending = 0;
	if (c->inflight < 0)
		return;		/* closing */
	bufferevent_enable(c->bev, EV_READ);
	if (evbuffer_get_length(bufferevent_get_input(c->bev)) > 0)
		client_read(c->bev, c);
}

static void
client_write(struct bufferevent *bev, void *arg)
{
	struct client *c = arg;

	if (c->inflight < 0) {
		client_close(c, "bad frame");
		return;
	}
	if (c->lagging) {
		c->lagging = 0;
		client_send(c, proto_event("resync", json_pack("{s:s}",
		    "reason", "lagging")));
	}
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct client *c = arg;

	if (what & BEV_EVENT_EOF)
		client_close(c, "end of file");
	else if (what & BEV_EVENT_ERROR)
		client_close(c, "socket error");
}
