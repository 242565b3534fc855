/*
 * cradle-emu-line.c: the serial line of the handheld emulator and its
 * test host, cradle-emu.h.  The line is opened raw with termios (a
 * pseudo-terminal has no USB ids for libserialport); frames go out
 * through lib/cradle-msg.c, optionally throttled to a baud rate (both
 * directions, 10 bits a byte as on an 8N1 line), cut after a number of
 * bytes, or spoiled on purpose.
 */
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <glib.h>

#include "cg.h"
#include "cradle-emu.h"

static const char *const emu_corrupt_names[EMU_CORRUPT_COUNT] = {
	[EMU_BITFLIP] =		"bitflip",
	[EMU_TRUNCATE] =	"truncate",
	[EMU_LENGTH] =		"length",
	[EMU_LONG] =		"long",
	[EMU_CRC] =		"crc",
	[EMU_NOISE] =		"noise",
};

static const struct {
	int		 baud;
	speed_t		 speed;
} emu_speeds[] = {
	{ 9600, B9600 }, { 19200, B19200 }, { 38400, B38400 },
	{ 57600, B57600 }, { 115200, B115200 }, { 230400, B230400 },
	{ 460800, B460800 }, { 921600, B921600 }, { 1000000, B1000000 },
	{ 2000000, B2000000 }, { 3000000, B3000000 }, { 4000000, B4000000 },
};

void
emu_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cradle-emu: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(1);
}

/* xorshift32: cheap, and the same on every machine for a seed. */
uint32_t
emu_rand(uint32_t *s)
{
	if (*s == 0)
		*s = 0x9e3779b9;
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

void
emu_random_bytes(void *p, size_t n)
{
	if (getrandom(p, n, 0) != (ssize_t)n)
		emu_die("getrandom: %s", strerror(errno));
}

int64_t
emu_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

double
emu_elapsed(const struct emu_line *l)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (ts.tv_sec - l->start.tv_sec) +
	    (ts.tv_nsec - l->start.tv_nsec) / 1e9;
}

/* The termios constant of a baud rate, or -1. */
int
emu_speed(int baud)
{
	size_t i;

	for (i = 0; i < sizeof emu_speeds / sizeof emu_speeds[0]; i++) {
		if (emu_speeds[i].baud == baud)
			return (int)emu_speeds[i].speed;
	}
	return -1;
}

const char *
emu_corrupt_name(enum emu_corrupt k)
{
	return emu_corrupt_names[k];
}

/* "bitflip,crc" or "all" into a mask; 0 or -1. */
int
emu_corrupt_parse(const char *s, unsigned int *mask)
{
	char *copy = xstrdup(s), *p, *word;
	int k;

	*mask = 0;
	for (p = copy; (word = strsep(&p, ",")) != NULL;) {
		if (strcmp(word, "all") == 0) {
			*mask = (1u << EMU_CORRUPT_COUNT) - 1;
			continue;
		}
		for (k = 0; k < EMU_CORRUPT_COUNT; k++) {
			if (strcmp(word, emu_corrupt_names[k]) == 0)
				break;
		}
		if (k == EMU_CORRUPT_COUNT) {
			free(copy);
			return -1;
		}
		*mask |= 1u << k;
	}
	free(copy);
	return 0;
}

/* Raw mode, 8N1, the speed; non-blocking.  0 or -1 and errno. */
int
emu_line_open(struct emu_line *l, const char *path, int baud)
{
	struct termios t;
	int speed = emu_speed(baud);

	if (speed < 0) {
		errno = EINVAL;
		return -1;
	}
	if ((l->fd = open(path, O_RDWR | O_NOCTTY | O_NONBLOCK)) < 0)
		return -1;
	if (tcgetattr(l->fd, &t) != 0)
		goto fail;
	cfmakeraw(&t);
	t.c_cflag |= CLOCAL | CREAD;
	t.c_cflag &= ~(CSTOPB | PARENB | CRTSCTS);
	t.c_cc[VMIN] = 0;
	t.c_cc[VTIME] = 0;
	if (cfsetspeed(&t, (speed_t)speed) != 0 ||
	    tcsetattr(l->fd, TCSANOW, &t) != 0)
		goto fail;
	l->path = path;
	cradle_decoder_init(&l->dec);
	clock_gettime(CLOCK_MONOTONIC, &l->start);
	return 0;
fail:
	close(l->fd);
	l->fd = -1;
	return -1;
}

void
emu_line_close(struct emu_line *l)
{
	if (l->fd >= 0)
		close(l->fd);
	l->fd = -1;
	free(l->in);
	l->in = NULL;
	l->in_len = l->in_off = l->in_size = 0;
}

/* Read what is there into the input buffer; -1 when the line is gone. */
static int
emu_line_read(struct emu_line *l)
{
	ssize_t n;

	if (l->in_off > 0 && l->in_off == l->in_len)
		l->in_off = l->in_len = 0;
	if (l->in_size - l->in_len < 65536) {
		l->in_size = l->in_len + 65536;
		l->in = xrealloc(l->in, l->in_size);
	}
	n = read(l->fd, l->in + l->in_len, l->in_size - l->in_len);
	if (n > 0) {
		l->in_len += n;
		return 0;
	}
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return 0;
	l->hup = 1;
	return -1;
}

static void
emu_sleep(double s)
{
	struct timespec ts;

	if (s <= 0)
		return;
	ts.tv_sec = (time_t)s;
	ts.tv_nsec = (long)((s - ts.tv_sec) * 1e9);
	nanosleep(&ts, NULL);
}

/* Write it all, keeping the pace and reading while the line is full. */
static int
emu_line_write(struct emu_line *l, const uint8_t *p, size_t n)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLOUT | POLLIN };
	size_t k, slice = l->rate > 0 ? (size_t)(l->rate / 100) + 1 : n;
	ssize_t w;

	if (l->cut_at != 0 && l->out_bytes + n >= l->cut_at) {
		n = l->cut_at - l->out_bytes;
		l->cut_at = 0;
		if (emu_line_write(l, p, n) == 0)
			tcdrain(l->fd);
		printf("%s: cut after %llu bytes\n", l->who,
		    (unsigned long long)l->out_bytes);
		fflush(stdout);
		_exit(3);
	}
	while (n > 0) {
		k = n < slice ? n : slice;
		if (l->rate > 0)
			emu_sleep((l->out_bytes + k) / l->rate -
			    emu_elapsed(l));
		if ((w = write(l->fd, p, k)) > 0) {
			p += w;
			n -= w;
			l->out_bytes += w;
			continue;
		}
		if (w < 0 && errno != EAGAIN && errno != EINTR) {
			l->hup = 1;
			return -1;
		}
		if (poll(&pfd, 1, 1000) > 0 && (pfd.revents & POLLIN) &&
		    emu_line_read(l) != 0)
			return -1;
	}
	return 0;
}

/* 0x00 COBS(body) 0x00, for frames made wrong on purpose. */
static size_t
emu_cobs_frame(const uint8_t *body, size_t n, uint8_t *out)
{
	size_t o = 2, code_at = 1, i;
	uint8_t code = 1;

	out[0] = 0;
	for (i = 0; i < n; i++) {
		if (body[i] != 0) {
			out[o++] = body[i];
			code++;
		}
		if (body[i] == 0 || code == 0xff) {
			out[code_at] = code;
			code_at = o++;
			code = 1;
		}
	}
	out[code_at] = code;
	out[o++] = 0;
	return o;
}

/* A body around the payload with a length field and CRC as told. */
static size_t
emu_bad_body(const struct emu_line *l, uint8_t type, const uint8_t *payload,
    size_t len, uint16_t lenfield, int crc_off, uint8_t *body)
{
	uint32_t crc;

	body[0] = CRADLE_PROTO_VERSION;
	body[1] = type;
	body[2] = l->seq >> 8;
	body[3] = l->seq;
	body[4] = lenfield >> 8;
	body[5] = lenfield;
	memcpy(body + 6, payload, len);
	crc = cradle_crc32c(0, body, 6 + len) ^ (crc_off ? 0x00010000 : 0);
	body[6 + len] = crc >> 24;
	body[7 + len] = crc >> 16;
	body[8 + len] = crc >> 8;
	body[9 + len] = crc;
	return 10 + len;
}

/* Spoil the encoded frame in out (n bytes) as the next kind says. */
static size_t
emu_corrupt(struct emu_line *l, uint8_t type, const uint8_t *payload,
    size_t len, uint8_t *out, size_t n)
{
	static uint8_t body[CRADLE_BODY_MAX];
	uint8_t noise[32];
	unsigned int k;
	size_t i, m;

	for (k = 0; k < EMU_CORRUPT_COUNT; k++) {
		l->corrupt_next = (l->corrupt_next + 1) % EMU_CORRUPT_COUNT;
		if (l->corrupt_kinds & (1u << l->corrupt_next))
			break;
	}
	k = l->corrupt_next;
	l->corrupted[k]++;
	if (l->verbose)
		fprintf(stderr, "%s: frame %llu: %s\n", l->who,
		    (unsigned long long)l->out_frames, emu_corrupt_names[k]);
	switch (k) {
	case EMU_BITFLIP:
		i = 1 + emu_rand(&l->rng) % (n - 2);
		out[i] ^= 1u << (emu_rand(&l->rng) % 8);
		return n;
	case EMU_TRUNCATE:
		m = 2 + emu_rand(&l->rng) % (n - 3);
		out[m] = 0;
		return m + 1;
	case EMU_LENGTH:
		m = emu_bad_body(l, type, payload, len, 0xffff, 0, body);
		return emu_cobs_frame(body, m, out);
	case EMU_CRC:
		m = emu_bad_body(l, type, payload, len, len, 1, body);
		return emu_cobs_frame(body, m, out);
	case EMU_LONG:
		memset(out + 1, 0x55, 6000);
		out[6001] = 0;
		return 6002;
	case EMU_NOISE:
		m = 1 + emu_rand(&l->rng) % sizeof noise;
		for (i = 0; i < m; i++)
			noise[i] = emu_rand(&l->rng);
		emu_line_write(l, noise, m);
		return n;
	}
	return n;
}

/* Send one message as one frame.  0, or -1 if the line is gone. */
int
emu_line_send(struct emu_line *l, const struct cradle_msg *m)
{
	static uint8_t out[CRADLE_FRAME_MAX + 6100];
	uint8_t payload[CRADLE_PAYLOAD_MAX];
	const char *why;
	size_t n;
	int len;

	if ((len = cradle_msg_encode(m, payload, sizeof payload, &why)) < 0)
		emu_die("%s: cannot encode %s: %s", l->who,
		    cradle_type_name(m->type), why);
	n = cradle_frame_encode(m->type, l->seq, payload, len, out,
	    CRADLE_FRAME_MAX);
	l->out_frames++;
	l->out_payload += len;
	/*
	 * At random, not every nth: a period would meet the window's and
	 * spoil the same resent frame every time.
	 */
	if (l->corrupt_every != 0 && l->corrupt_kinds != 0 &&
	    emu_rand(&l->rng) % l->corrupt_every == 0)
		n = emu_corrupt(l, m->type, payload, len, out, n);
	if (l->verbose > 1)
		fprintf(stderr, "%s: -> %s seq %u, %d bytes\n", l->who,
		    cradle_type_name(m->type), l->seq, len);
	l->seq++;
	return emu_line_write(l, out, n);
}

struct emu_feed {
	struct emu_line	*l;
	emu_msg_cb	 cb;
	void		*arg;
	int		 frames;
};

static int
emu_line_frame(const struct cradle_frame *f, void *arg)
{
	static struct cradle_msg m;
	struct emu_feed *fd = arg;
	const char *why = NULL;
	int ok;

	ok = cradle_msg_decode(&m, f->type, f->payload, f->len, &why) == 0;
	fd->l->in_frames++;
	fd->l->in_payload += f->len;
	fd->frames++;
	if (fd->l->verbose > 1)
		fprintf(stderr, "%s: <- %s seq %u, %u bytes%s%s\n", fd->l->who,
		    cradle_type_name(f->type) ? cradle_type_name(f->type) : "?",
		    f->seq, f->len, ok ? "" : ": ", ok ? "" : why);
	fd->cb(f, ok ? &m : NULL, why, fd->arg);
	return 0;
}

/*
 * Wait up to timeout ms for bytes, feed what the pace allows to the
 * decoder, and call back for each frame.  Returns the frames delivered,
 * or -1 if the line is gone.
 */
int
emu_line_pump(struct emu_line *l, int timeout, emu_msg_cb cb, void *arg)
{
	struct pollfd pfd = { .fd = l->fd, .events = POLLIN };
	struct emu_feed fd = { l, cb, arg, 0 };
	double allowed;
	size_t n;

	if (l->in_off == l->in_len) {
		if (poll(&pfd, 1, timeout) < 0 && errno != EINTR)
			return -1;
		if ((pfd.revents & (POLLIN | POLLHUP | POLLERR)) &&
		    emu_line_read(l) != 0 && l->in_off == l->in_len)
			return -1;
	} else if (l->rate > 0) {
		/* Bytes wait for their time on the line. */
		allowed = l->rate * emu_elapsed(l) - l->in_bytes;
		if (allowed < 1) {
			emu_sleep((1 - allowed) / l->rate);
		}
		emu_line_read(l);
	}
	n = l->in_len - l->in_off;
	if (l->rate > 0) {
		allowed = l->rate * emu_elapsed(l) - l->in_bytes;
		if (allowed < (double)n)
			n = allowed < 0 ? 0 : (size_t)allowed;
	}
	if (l->cut_in != 0 && l->in_bytes + n >= l->cut_in) {
		/* Pulled while receiving: what came before is handled. */
		n = l->cut_in - l->in_bytes;
		cradle_decoder_feed(&l->dec, l->in + l->in_off, n,
		    emu_line_frame, &fd);
		printf("%s: cut after reading %llu bytes\n", l->who,
		    (unsigned long long)l->cut_in);
		fflush(stdout);
		_exit(3);
	}
	l->in_bytes += n;
	cradle_decoder_feed(&l->dec, l->in + l->in_off, n, emu_line_frame, &fd);
	l->in_off += n;
	return fd.frames;
}

/* SHA-256 of a buffer (GLib), as photos and task ids are named. */
void
emu_sha256(const void *p, size_t len, uint8_t *out)
{
	GChecksum *c = g_checksum_new(G_CHECKSUM_SHA256);
	gsize n = CRADLE_SHA256;

	g_checksum_update(c, p, len);
	g_checksum_get_digest(c, out, &n);
	g_checksum_free(c);
}
