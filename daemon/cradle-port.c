/*
 * cradle-port.c: the serial ports handhelds dock on.
 *
 * Every cradle:rescan seconds the ports are listed with libserialport,
 * and the configured paths are looked at; lib/portmatch.c says which
 * are cradles.  A new one is opened and set up (cradle:baud, 8N1,
 * cradle:flow), non-blocking, and read in the event loop through a
 * bufferevent; what it reads goes to its session (cradle.c).  A port
 * that is gone from the scan, or whose reads fail (a unit pulled out of
 * a USB cradle, a pseudo-terminal's other side closed), is closed and
 * its session ended; if it comes back it is opened again.  USB and
 * other real ports are opened with libserialport; pseudo-terminals,
 * which libserialport 0.1.1 refuses (it wants a sysfs entry and modem
 * control lines), with plain termios.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <libserialport.h>

#include "citygridd.h"
#include "portmatch.h"

static TAILQ_HEAD(, cradle_port) ports = TAILQ_HEAD_INITIALIZER(ports);
static struct event	*scan_ev;
static struct portmatch	 rules;
static uint64_t		 next_port_id = 1;

static void	cradle_port_scan(evutil_socket_t, short, void *);

static struct cradle_port *
cradle_port_find(const char *device)
{
	struct cradle_port *p;

	TAILQ_FOREACH(p, &ports, entry) {
		if (strcmp(p->device, device) == 0)
			return p;
	}
	return NULL;
}

/* Close the line and end its session; the entry stays, down. */
static void
cradle_port_down(struct cradle_port *p, const char *why)
{
	if (p->session != NULL) {
		cradle_session_end(p->session, why);
		p->session = NULL;
	}
	if (p->bev != NULL) {
		bufferevent_free(p->bev);
		p->bev = NULL;
	}
	if (p->sp != NULL) {
		sp_close(p->sp);
		sp_free_port(p->sp);
		p->sp = NULL;
	} else if (p->fd != -1)
		close(p->fd);
	p->fd = -1;
	if (p->up)
		log_info("cradle %s: closed: %s", p->name, why);
	p->up = 0;
}

static void
cradle_port_free(struct cradle_port *p, const char *why)
{
	cradle_port_down(p, why);
	TAILQ_REMOVE(&ports, p, entry);
	free(p->name);
	free(p->device);
	free(p->error);
	free(p);
}

/* A failure to open: logged once, not at every scan. */
static void
cradle_port_failed(struct cradle_port *p, const char *what, const char *err)
{
	char *msg;

	xasprintf(&msg, "%s: %s", what, err);
	if (p->error == NULL || strcmp(p->error, msg) != 0)
		log_warn("cradle %s: %s; trying again every %d s", p->name, msg,
		    cfg.cradle_rescan);
	free(p->error);
	p->error = msg;
}

static void
cradle_port_read(struct bufferevent *bev, void *arg)
{
	struct cradle_port *p = arg;
	struct evbuffer *in = bufferevent_get_input(bev);
	uint8_t buf[4096];
	size_t n;

	while ((n = evbuffer_remove(in, buf, sizeof buf)) > 0 && p->up) {
		p->bytes_in += n;
		if (p->session == NULL)
			p->session = cradle_session_new(p);
		cradle_session_input(p->session, buf, n);
	}
}

static void
cradle_port_write_done(struct bufferevent *bev, void *arg)
{
	struct cradle_port *p = arg;

	if (p->session != NULL)
		cradle_session_drained(p->session);
}

static void
cradle_port_event(struct bufferevent *bev, short what, void *arg)
{
	struct cradle_port *p = arg;
	char why[128];

	if (what & BEV_EVENT_TIMEOUT) {
		/* The unit went quiet: end its session, keep the port. */
		if (p->session != NULL) {
			cradle_session_end(p->session, "no frame for cradle:timeout seconds");
			p->session = NULL;
		}
		bufferevent_enable(bev, EV_READ);
		return;
	}
	if (what & BEV_EVENT_EOF)
		snprintf(why, sizeof why, "end of file (the other side closed)");
	else
		snprintf(why, sizeof why, "%s", strerror(EVUTIL_SOCKET_ERROR()));
	cradle_port_down(p, why);
}

/* Plain termios, for pseudo-terminals. */
static int
cradle_port_termios(struct cradle_port *p, char **cause)
{
	struct termios t;
	enum portmatch_flow flow;
	speed_t speed = (speed_t)portmatch_baud_speed(cfg.cradle_baud);

	p->fd = open(p->device, O_RDWR | O_NOCTTY | O_NONBLOCK | O_CLOEXEC);
	if (p->fd == -1) {
		xasprintf(cause, "open: %s", strerror(errno));
		return -1;
	}
	if (tcgetattr(p->fd, &t) != 0) {
		xasprintf(cause, "not a terminal: %s", strerror(errno));
		return -1;
	}
	cfmakeraw(&t);
	cfsetispeed(&t, speed);
	cfsetospeed(&t, speed);
	t.c_cflag &= ~(CSIZE | PARENB | CSTOPB | CRTSCTS);
	t.c_cflag |= CS8 | CLOCAL | CREAD;
	t.c_iflag &= ~(IXON | IXOFF | IXANY);
	portmatch_flow_parse(cfg.cradle_flow, &flow);
	if (flow == PORTMATCH_FLOW_RTSCTS)
		t.c_cflag |= CRTSCTS;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	if (tcsetattr(p->fd, TCSANOW, &t) != 0) {
		xasprintf(cause, "tcsetattr: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static int
cradle_port_sp_error(enum sp_return rc, const char *what, char **cause)
{
	char *msg;

	if (rc == SP_OK)
		return 0;
	msg = sp_last_error_message();
	xasprintf(cause, "%s: %s", what, rc == SP_ERR_FAIL && msg != NULL ? msg :
	    rc == SP_ERR_ARG ? "bad argument" : rc == SP_ERR_SUPP ?
	    "not supported by the port" : "failed");
	sp_free_error_message(msg);
	return -1;
}

/* libserialport, for USB and other real ports. */
static int
cradle_port_libserialport(struct cradle_port *p, char **cause)
{
	enum portmatch_flow flow;
	static const enum sp_flowcontrol sp_flows[] = { SP_FLOWCONTROL_NONE,
	    SP_FLOWCONTROL_RTSCTS };

	portmatch_flow_parse(cfg.cradle_flow, &flow);
	if (cradle_port_sp_error(sp_get_port_by_name(p->device, &p->sp),
	    "sp_get_port_by_name", cause) != 0 ||
	    cradle_port_sp_error(sp_open(p->sp, SP_MODE_READ_WRITE), "sp_open", cause) != 0 ||
	    cradle_port_sp_error(sp_set_baudrate(p->sp, cfg.cradle_baud), "baud", cause) != 0 ||
	    cradle_port_sp_error(sp_set_bits(p->sp, 8), "8 data bits", cause) != 0 ||
	    cradle_port_sp_error(sp_set_parity(p->sp, SP_PARITY_NONE), "parity", cause) != 0 ||
	    cradle_port_sp_error(sp_set_stopbits(p->sp, 1), "stop bits", cause) != 0 ||
	    cradle_port_sp_error(sp_set_flowcontrol(p->sp, sp_flows[flow]), "flow control",
	    cause) != 0 ||
	    cradle_port_sp_error(sp_get_port_handle(p->sp, &p->fd), "handle", cause) != 0)
		return -1;
	if (fcntl(p->fd, F_SETFL, fcntl(p->fd, F_GETFL) | O_NONBLOCK) == -1 ||
	    fcntl(p->fd, F_SETFD, FD_CLOEXEC) == -1) {
		xasprintf(cause, "fcntl: %s", strerror(errno));
		return -1;
	}
	return 0;
}

static void
cradle_port_up(struct cradle_port *p)
{
	struct timeval tv = { cfg.cradle_timeout, 0 };
	char *cause = NULL;
	int rc;

	p->fd = -1;
	p->pty = portmatch_is_pty(p->device);
	rc = p->pty ? cradle_port_termios(p, &cause) : cradle_port_libserialport(p, &cause);
	if (rc != 0) {
		cradle_port_failed(p, p->pty ? "pseudo-terminal" : "serial port", cause);
		free(cause);
		if (p->sp != NULL) {
			sp_close(p->sp);
			sp_free_port(p->sp);
			p->sp = NULL;
		} else if (p->fd != -1)
			close(p->fd);
		p->fd = -1;
		return;
	}
	free(p->error);
	p->error = NULL;
	p->bev = bufferevent_socket_new(base, p->fd, 0);
	bufferevent_setcb(p->bev, cradle_port_read, cradle_port_write_done,
	    cradle_port_event, p);
	bufferevent_set_timeouts(p->bev, &tv, NULL);
	bufferevent_enable(p->bev, EV_READ | EV_WRITE);
	p->up = 1;
	p->opened_at = time(NULL);
	log_info("cradle %s: opened%s%s (%s), %d baud 8N1, flow %s", p->name,
	    strcmp(p->name, p->device) != 0 ? " as " : "",
	    strcmp(p->name, p->device) != 0 ? p->device : "",
	    p->pty ? "pseudo-terminal, termios" : "libserialport",
	    cfg.cradle_baud, cfg.cradle_flow);
}

static struct cradle_port *
cradle_port_new(const char *name, const char *device, int rule)
{
	struct cradle_port *p = xcalloc(1, sizeof *p);

	p->id = next_port_id++;
	p->name = xstrdup(name);
	p->device = xstrdup(device);
	p->fd = -1;
	p->rule = rule;
	TAILQ_INSERT_TAIL(&ports, p, entry);
	return p;
}

/* What the scan saw: scanned ports and configured paths that exist. */
struct cradle_scan {
	struct port_desc	*d;
	char			**owned;	/* strings to free */
	size_t			 n, nowned;
};

static const char *
cradle_scan_keep(struct cradle_scan *s, char *str)
{
	s->owned = xreallocarray(s->owned, s->nowned + 1, sizeof *s->owned);
	s->owned[s->nowned++] = str;
	return str;
}

static struct port_desc *
cradle_scan_add(struct cradle_scan *s, const char *path)
{
	char real[PATH_MAX];
	struct port_desc *d;

	s->d = xreallocarray(s->d, s->n + 1, sizeof *s->d);
	d = &s->d[s->n++];
	memset(d, 0, sizeof *d);
	d->path = cradle_scan_keep(s, xstrdup(path));
	if (realpath(path, real) != NULL)
		d->real = cradle_scan_keep(s, xstrdup(real));
	return d;
}

static void
cradle_scan_list(struct cradle_scan *s)
{
	struct sp_port **list;
	struct port_desc *d;
	struct stat sb;
	size_t i;

	if (rules.nrules > 0 && sp_list_ports(&list) == SP_OK) {
		for (i = 0; list[i] != NULL; i++) {
			d = cradle_scan_add(s, sp_get_port_name(list[i]));
			if (sp_get_port_transport(list[i]) == SP_TRANSPORT_USB &&
			    sp_get_port_usb_vid_pid(list[i], &d->vid, &d->pid) == SP_OK)
				d->usb = 1;
			if (sp_get_port_description(list[i]) != NULL)
				d->what = cradle_scan_keep(s,
				    xstrdup(sp_get_port_description(list[i])));
		}
		sp_free_port_list(list);
	}
	for (i = 0; i < rules.npaths; i++) {
		if (stat(rules.paths[i], &sb) != 0)
			continue;	/* not there now */
		d = cradle_scan_add(s, rules.paths[i]);
		d->configured = 1;
	}
}

static void
cradle_scan_free(struct cradle_scan *s)
{
	size_t i;

	for (i = 0; i < s->nowned; i++)
		free(s->owned[i]);
	free(s->owned);
	free(s->d);
}

/* One scan: open what is new, close what is gone. */
static void
cradle_port_scan(evutil_socket_t fd, short what, void *arg)
{
	struct cradle_scan s = { NULL, NULL, 0, 0 };
	struct cradle_port *p, *next;
	struct port_desc *d;
	const char *device;
	size_t i, taken;

	cradle_scan_list(&s);
	/* Not inside log_debug(): its arguments are not evaluated when off. */
	taken = portmatch_select(&rules, s.d, s.n);
	log_debug("cradle: scan: %zu ports and paths, %zu cradles", s.n, taken);
	TAILQ_FOREACH(p, &ports, entry)
		p->seen = 0;
	for (i = 0; i < s.n; i++) {
		d = &s.d[i];
		if (!d->take)
			continue;
		device = d->real != NULL ? d->real : d->path;
		if ((p = cradle_port_find(device)) == NULL) {
			p = cradle_port_new(d->path, device, d->rule);
			if (d->rule >= 0) {
				char text[PORTMATCH_PATTERN_MAX], usb[16] = "";

				portmatch_rule_text(&rules.rules[d->rule], text, sizeof text);
				if (d->usb)
					snprintf(usb, sizeof usb, "USB %04x:%04x ", d->vid, d->pid);
				log_info("cradle %s: found, %s%s, matches %s", p->name, usb,
				    d->what != NULL ? d->what : "", text);
			} else
				log_info("cradle %s: found (cradle:ports)", p->name);
		}
		p->seen = 1;
		if (!p->up)
			cradle_port_up(p);
	}
	TAILQ_FOREACH_SAFE(p, &ports, entry, next) {
		if (!p->seen)
			cradle_port_free(p, "the port is gone");
	}
	cradle_scan_free(&s);
}

/* Start, or apply a reloaded configuration. */
void
cradle_port_start(void)
{
	struct timeval tv = { cfg.cradle_rescan, 0 };
	char *cause;

	if (portmatch_parse(&rules, cfg.cradle_match, cfg.cradle_ports, &cause) != 0)
		fatalx("%s", cause);	/* config_check let it through */
	if (!cfg.cradle_enabled || (rules.nrules == 0 && rules.npaths == 0)) {
		cradle_port_stop();
		log_info("cradle: %s", cfg.cradle_enabled ? "no cradle:match or"
		    " cradle:ports, not looking for cradles" : "disabled");
		return;
	}
	if (scan_ev == NULL)
		scan_ev = event_new(base, -1, EV_PERSIST, cradle_port_scan, NULL);
	event_add(scan_ev, &tv);
	log_info("cradle: looking for cradles every %d s: %d rules, %d paths",
	    cfg.cradle_rescan, (int)rules.nrules, (int)rules.npaths);
	cradle_port_scan(-1, 0, NULL);
}

void
cradle_port_stop(void)
{
	struct cradle_port *p;

	if (scan_ev != NULL) {
		event_free(scan_ev);
		scan_ev = NULL;
	}
	while ((p = TAILQ_FIRST(&ports)) != NULL)
		cradle_port_free(p, "cradles disabled or the daemon stopping");
}

/* Write a frame; the bufferevent sends it when the line takes it. */
void
cradle_port_send(struct cradle_port *p, const void *buf, size_t len)
{
	if (p->bev == NULL)
		return;
	bufferevent_write(p->bev, buf, len);
	p->bytes_out += len;
}

size_t
cradle_port_queued(struct cradle_port *p)
{
	return p->bev != NULL ? evbuffer_get_length(bufferevent_get_output(p->bev)) : 0;
}

/* Open ports, for the status line of the ping. */
int
cradle_port_count(void)
{
	struct cradle_port *p;
	int n = 0;

	TAILQ_FOREACH(p, &ports, entry)
		n += p->up;
	return n;
}
