/*
 * client.c: one connection to citygridd with plain blocking I/O, for
 * the commands; the consoles read the same frames from their event
 * loop.  A request waits for its own reply; events pushed meanwhile are
 * dropped, or kept for client_next_event() once client_keep_events()
 * asked for them (watch).
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "citygrid.h"

struct client {
	int		 fd;
	uint64_t	 next_id;
	json_t		*hello;		/* the result of hello */
	json_t		*events;	/* pushed while a reply was awaited */
	int		 keep_events;
	uint8_t		*buf;		/* input not yet cut into frames */
	size_t		 len;
	size_t		 size;
};

enum client_read { READ_ERROR = -1, READ_NONE = 0, READ_MSG = 1 };

static void CG_PRINTF(3, 4)
client_fail(struct client_error *err, int exit, const char *fmt, ...)
{
	va_list ap;

	err->exit = exit;
	err->code[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
}

/* -S, else $CITYGRID_SOCKET, else the default. */
const char *
client_socket_path(const char *path)
{
	const char *env = getenv("CITYGRID_SOCKET");

	if (path != NULL && *path != '\0')
		return path;
	if (env != NULL && *env != '\0')
		return env;
	return CITYGRID_SOCKET_DEFAULT;
}

static int64_t
client_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int
client_send(struct client *c, json_t *msg, struct client_error *err)
{
	size_t len, off = 0;
	ssize_t n;
	char *frame;

	frame = proto_encode(msg, PROTO_FRAME_MAX, &len);
	json_decref(msg);
	if (frame == NULL) {
		client_fail(err, EXIT_DATAERR, "请求超过 %d 字节", PROTO_FRAME_MAX);
		return -1;
	}
	while (off < len) {
		n = send(c->fd, frame + off, len - off, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			client_fail(err, EXIT_UNAVAIL, "发送到 citygridd 失败: %s",
			    strerror(errno));
			free(frame);
			return -1;
		}
		off += (size_t)n;
	}
	free(frame);
	return 0;
}

/* Take a whole frame off the buffer, if there is one. */
static enum client_read
client_frame(struct client *c, json_t **msg, struct client_error *err)
{
	char perr[256];
	uint32_t plen;

	switch (proto_frame_check(c->buf, c->len, PROTO_FRAME_MAX, &plen)) {
	case PROTO_NEED:
		return READ_NONE;
	case PROTO_BAD:
		client_fail(err, proto_error_exit(PE_FRAME),
		    "citygridd 发来无效的帧 (长度 %u)", plen);
		return READ_ERROR;
	case PROTO_COMPLETE:
		break;
	}
	*msg = proto_parse((char *)c->buf + PROTO_HEADER, plen, perr, sizeof perr);
	c->len -= PROTO_HEADER + plen;
	memmove(c->buf, c->buf + PROTO_HEADER + plen, c->len);
	if (*msg == NULL) {
		client_fail(err, proto_error_exit(PE_FRAME),
		    "citygridd 发来无效的消息: %s", perr);
		return READ_ERROR;
	}
	return READ_MSG;
}

/*
 * Read one message, waiting up to timeout ms (-1: for ever).  READ_NONE
 * when the time is up or a signal came.
 */
static enum client_read
client_read(struct client *c, int timeout, json_t **msg, struct client_error *err)
{
	struct pollfd pfd = { .fd = c->fd, .events = POLLIN };
	int64_t end = client_now_ms() + timeout;
	enum client_read r;
	ssize_t n;
	int left;

	for (;;) {
		if ((r = client_frame(c, msg, err)) != READ_NONE)
			return r;
		left = timeout < 0 ? -1 : (int)(end - client_now_ms());
		if (timeout >= 0 && left < 0)
			left = 0;
		n = poll(&pfd, 1, left);
		if (n < 0 && errno == EINTR)
			return READ_NONE;
		if (n < 0) {
			client_fail(err, EXIT_UNAVAIL, "poll: %s", strerror(errno));
			return READ_ERROR;
		}
		if (n == 0)
			return READ_NONE;
		if (c->size - c->len < 65536) {
			c->size = c->len + 65536;
			c->buf = xrealloc(c->buf, c->size);
		}
		n = read(c->fd, c->buf + c->len, c->size - c->len);
		if (n < 0 && errno == EINTR)
			return READ_NONE;
		if (n <= 0) {
			client_fail(err, EXIT_UNAVAIL, "citygridd 关闭了连接%s%s",
			    n < 0 ? ": " : "", n < 0 ? strerror(errno) : "");
			return READ_ERROR;
		}
		c->len += (size_t)n;
	}
}

/* A reply that failed: the daemon's code, message and exit status. */
static void
client_reply_error(json_t *reply, struct client_error *err)
{
	json_t *e = json_object_get(reply, "error");
	const char *code = json_string_value(json_object_get(e, "code"));
	const char *msg = json_string_value(json_object_get(e, "message"));
	int n = code != NULL ? proto_error_from_name(code) : -1;

	client_fail(err, n < 0 ? proto_error_exit(PE_INTERNAL) :
	    proto_error_exit((enum proto_error)n), "%s", msg ? msg : "未知错误");
	snprintf(err->code, sizeof err->code, "%s", code ? code : "");
}

/*
 * Send a request and wait for its reply; timeout in ms.  Returns the
 * result (the caller's reference; JSON null if there was none), or
 * NULL with err filled in for a daemon error or a broken connection.
 */
json_t *
client_request(struct client *c, const char *op, json_t *args, int timeout,
    struct client_error *err)
{
	uint64_t id = c->next_id++;
	int64_t end = client_now_ms() + timeout;
	json_t *msg, *jid, *result;
	enum client_read r;

	if (client_send(c, proto_request(id, op, args), err) != 0)
		return NULL;
	for (;;) {
		r = client_read(c, (int)(end - client_now_ms() > 0 ?
		    end - client_now_ms() : 0), &msg, err);
		if (r == READ_ERROR)
			return NULL;
		if (r == READ_NONE) {
			if (client_now_ms() < end)
				continue;	/* a signal */
			client_fail(err, EXIT_TEMPFAIL, "citygridd 在 %d 秒内没有回答 %s",
			    timeout / 1000, op);
			return NULL;
		}
		jid = json_object_get(msg, "id");
		if (jid == NULL) {		/* a pushed event */
			if (c->keep_events)
				json_array_append(c->events, msg);
			json_decref(msg);
			continue;
		}
		/* id 0 is also the daemon's answer to a frame it could not read */
		if ((uint64_t)json_integer_value(jid) == id ||
		    json_integer_value(jid) == 0)
			break;
		json_decref(msg);
	}
	if (json_is_true(json_object_get(msg, "ok"))) {
		result = json_object_get(msg, "result");
		result = result != NULL ? json_incref(result) : json_null();
	} else {
		client_reply_error(msg, err);
		result = NULL;
	}
	json_decref(msg);
	return result;
}

/*
 * The next pushed event, waiting up to timeout ms (-1: for ever).
 * CLIENT_WAIT_NONE when the time is up or a signal came.
 */
enum client_wait
client_next_event(struct client *c, int timeout, json_t **ev,
    struct client_error *err)
{
	enum client_read r;
	json_t *msg;

	if (json_array_size(c->events) > 0) {
		*ev = json_incref(json_array_get(c->events, 0));
		json_array_remove(c->events, 0);
		return CLIENT_WAIT_EVENT;
	}
	for (;;) {
		if ((r = client_read(c, timeout, &msg, err)) == READ_ERROR)
			return CLIENT_WAIT_ERROR;
		if (r == READ_NONE)
			return CLIENT_WAIT_NONE;
		if (json_object_get(msg, "id") == NULL) {
			*ev = msg;
			return CLIENT_WAIT_EVENT;
		}
		json_decref(msg);	/* a reply nobody waits for */
	}
}

static int
client_open(const char *path, struct client_error *err)
{
	struct sockaddr_un sun;
	int fd, saved;

	memset(&sun, 0, sizeof sun);
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof sun.sun_path) {
		client_fail(err, EXIT_USAGE, "socket 路径太长: %s", path);
		return -1;
	}
	strcpy(sun.sun_path, path);
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0) {
		client_fail(err, EXIT_UNAVAIL, "socket: %s", strerror(errno));
		return -1;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof sun) != 0) {
		saved = errno;
		close(fd);
		if (saved == ENOENT || saved == ECONNREFUSED)
			client_fail(err, EXIT_UNAVAIL,
			    "citygridd 没有运行 (无法连接 %s: %s)", path, strerror(saved));
		else
			client_fail(err, EXIT_UNAVAIL, "无法连接 %s: %s", path,
			    strerror(saved));
		return -1;
	}
	return fd;
}

/* Connect and say hello.  NULL with err filled in. */
struct client *
client_connect(const char *path, struct client_error *err)
{
	struct client *c;
	int fd;

	if ((fd = client_open(client_socket_path(path), err)) < 0)
		return NULL;
	c = xcalloc(1, sizeof *c);
	c->fd = fd;
	c->next_id = 1;
	c->events = json_array();
	c->hello = client_request(c, "hello", json_pack("{s:i}", "proto",
	    PROTO_VERSION), CLIENT_TIMEOUT, err);
	if (c->hello == NULL) {
		client_free(c);
		return NULL;
	}
	return c;
}

void
client_free(struct client *c)
{
	if (c == NULL)
		return;
	close(c->fd);
	json_decref(c->hello);
	json_decref(c->events);
	free(c->buf);
	free(c);
}

int
client_fd(const struct client *c)
{
	return c->fd;
}

/* The result of hello: operator, calendar status ...; borrowed. */
json_t *
client_hello(const struct client *c)
{
	return c->hello;
}

void
client_keep_events(struct client *c, int keep)
{
	c->keep_events = keep;
}
