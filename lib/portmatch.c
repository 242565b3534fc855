/*
 * portmatch.c: which serial ports are handheld cradles, and how to set
 * their line.
 *
 * cradle:match is a list of rules, by commas or spaces: VVVV:PPPP (a USB
 * vendor and product id in hex, as lsusb prints them; VVVV:* takes any
 * product of the vendor) or a glob on the port's name (ttyACM*, or one
 * with a slash, /dev/serial/by-id/usb-CityGrid_*, on the whole path).
 * cradle:ports names paths to open whatever they are, as long as they
 * exist: a cradle on a plain RS-232 port, or a pseudo-terminal.  A port
 * the rules and a path both reach (a by-id link to a matched ttyACM0) is
 * opened once, under the path the configuration gave.
 */
#include <ctype.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include "cg.h"
#include "portmatch.h"

static const struct {
	int	 baud;
	long	 speed;
} portmatch_bauds[] = {
	{ 1200, B1200 }, { 2400, B2400 }, { 4800, B4800 }, { 9600, B9600 },
	{ 19200, B19200 }, { 38400, B38400 }, { 57600, B57600 },
	{ 115200, B115200 }, { 230400, B230400 }, { 460800, B460800 },
	{ 500000, B500000 }, { 576000, B576000 }, { 921600, B921600 },
	{ 1000000, B1000000 }, { 1152000, B1152000 }, { 1500000, B1500000 },
	{ 2000000, B2000000 }, { 3000000, B3000000 }, { 4000000, B4000000 },
};

/*
 * No XON/XOFF: the frames are binary, and a line with software flow
 * control swallows every 0x11 and 0x13 in them, so a photo chunk holding
 * one would fail its CRC on every try.
 */
static const char *const portmatch_flows[] = { "none", "rtscts" };

/* n hex digits, exactly; -1 if not. */
static int
portmatch_hex(const char *s, size_t n)
{
	size_t i;
	int v = 0;

	for (i = 0; i < n; i++) {
		if (!isxdigit((unsigned char)s[i]))
			return -1;
		v = v * 16 + (isdigit((unsigned char)s[i]) ? s[i] - '0' :
		    tolower((unsigned char)s[i]) - 'a' + 10);
	}
	return v;
}

static int
portmatch_rule_parse(struct portmatch_rule *r, const char *item, char **cause)
{
	size_t len = strlen(item);

	memset(r, 0, sizeof *r);
	if (strchr(item, '/') == NULL && strchr(item, ':') != NULL) {
		r->kind = PORTMATCH_USB_ID;
		if ((len != 6 && len != 9) || item[4] != ':' ||
		    (r->vid = portmatch_hex(item, 4)) < 0)
			goto bad;
		if (len == 6 && item[5] == '*')
			r->pid = -1;
		else if (len != 9 || (r->pid = portmatch_hex(item + 5, 4)) < 0)
			goto bad;
		return 0;
	}
	r->kind = PORTMATCH_NAME;
	memcpy(r->pattern, item, len + 1);
	return 0;
bad:
	xasprintf(cause, "cradle:match: %s is not a USB id VVVV:PPPP or VVVV:*"
	    " (4 hex digits each)", item);
	return -1;
}

/* Split a list by commas and spaces; call add for each item. */
static int
portmatch_split(struct portmatch *pm, const char *key, const char *list,
    int (*add)(struct portmatch *, const char *, char **), char **cause)
{
	char item[PORTMATCH_PATTERN_MAX];
	const char *p = list, *end;
	size_t len;

	while (p != NULL && *p != '\0') {
		p += strspn(p, ", \t");
		if (*p == '\0')
			break;
		end = p + strcspn(p, ", \t");
		len = end - p;
		if (len >= sizeof item) {
			xasprintf(cause, "%s: %.40s... is longer than %d bytes", key, p,
			    PORTMATCH_PATTERN_MAX - 1);
			return -1;
		}
		memcpy(item, p, len);
		item[len] = '\0';
		if (add(pm, item, cause) != 0)
			return -1;
		p = end;
	}
	return 0;
}

static int
portmatch_add_rule(struct portmatch *pm, const char *item, char **cause)
{
	if (pm->nrules == PORTMATCH_RULES_MAX) {
		xasprintf(cause, "cradle:match: more than %d rules", PORTMATCH_RULES_MAX);
		return -1;
	}
	if (portmatch_rule_parse(&pm->rules[pm->nrules], item, cause) != 0)
		return -1;
	pm->nrules++;
	return 0;
}

static int
portmatch_add_path(struct portmatch *pm, const char *item, char **cause)
{
	size_t i;

	if (item[0] != '/') {
		xasprintf(cause, "cradle:ports: %s is not an absolute path", item);
		return -1;
	}
	for (i = 0; i < pm->npaths; i++) {
		if (strcmp(pm->paths[i], item) == 0) {
			xasprintf(cause, "cradle:ports: %s is listed twice", item);
			return -1;
		}
	}
	if (pm->npaths == PORTMATCH_PATHS_MAX) {
		xasprintf(cause, "cradle:ports: more than %d paths", PORTMATCH_PATHS_MAX);
		return -1;
	}
	strcpy(pm->paths[pm->npaths++], item);
	return 0;
}

/* Read cradle:match and cradle:ports; either may be empty or NULL. */
int
portmatch_parse(struct portmatch *pm, const char *match, const char *ports,
    char **cause)
{
	memset(pm, 0, sizeof *pm);
	if (portmatch_split(pm, "cradle:match", match, portmatch_add_rule, cause) != 0)
		return -1;
	return portmatch_split(pm, "cradle:ports", ports, portmatch_add_path, cause);
}

/* The first rule a scanned port matches, or -1. */
int
portmatch_rule_find(const struct portmatch *pm, const struct port_desc *d)
{
	const struct portmatch_rule *r;
	const char *base = strrchr(d->path, '/');
	size_t i;

	base = base != NULL ? base + 1 : d->path;
	for (i = 0; i < pm->nrules; i++) {
		r = &pm->rules[i];
		switch (r->kind) {
		case PORTMATCH_USB_ID:
			if (d->usb && d->vid == r->vid && (r->pid == -1 || d->pid == r->pid))
				return (int)i;
			break;
		case PORTMATCH_NAME:
			if (strchr(r->pattern, '/') != NULL ?
			    fnmatch(r->pattern, d->path, FNM_PATHNAME) == 0 :
			    fnmatch(r->pattern, base, 0) == 0)
				return (int)i;
			break;
		}
	}
	return -1;
}

static const char *
portmatch_device(const struct port_desc *d)
{
	return d->real != NULL ? d->real : d->path;
}

/*
 * Decide which of n ports to open: every configured path, and every
 * scanned port a rule matches; a device reached twice once, preferring
 * the configured path.  Returns how many to open.
 */
size_t
portmatch_select(const struct portmatch *pm, struct port_desc *d, size_t n)
{
	size_t i, j, taken = 0;

	for (i = 0; i < n; i++) {
		d[i].rule = d[i].configured ? -1 : portmatch_rule_find(pm, &d[i]);
		d[i].take = d[i].configured || d[i].rule >= 0;
	}
	for (i = 0; i < n; i++) {
		if (!d[i].take)
			continue;
		for (j = 0; j < n; j++) {
			if (j == i || !d[j].take ||
			    strcmp(portmatch_device(&d[i]), portmatch_device(&d[j])) != 0)
				continue;
			/* Two names for one device: keep one. */
			if (d[j].configured > d[i].configured ||
			    (d[j].configured == d[i].configured && j < i)) {
				d[i].take = 0;
				break;
			}
		}
		taken += d[i].take;
	}
	return taken;
}

/* A rule as the configuration writes it, for log lines. */
int
portmatch_rule_text(const struct portmatch_rule *r, char *buf, size_t len)
{
	if (r->kind == PORTMATCH_NAME)
		return snprintf(buf, len, "%s", r->pattern);
	if (r->pid < 0)
		return snprintf(buf, len, "%04x:*", r->vid);
	return snprintf(buf, len, "%04x:%04x", r->vid, r->pid);
}

int
portmatch_flow_parse(const char *s, enum portmatch_flow *flow)
{
	size_t i;

	for (i = 0; i < sizeof portmatch_flows / sizeof portmatch_flows[0]; i++) {
		if (strcmp(s, portmatch_flows[i]) == 0) {
			*flow = (enum portmatch_flow)i;
			return 0;
		}
	}
	return -1;
}

const char *
portmatch_flow_name(enum portmatch_flow flow)
{
	return portmatch_flows[flow];
}

/* The termios speed of a baud rate, or -1 if termios has none. */
long
portmatch_baud_speed(int baud)
{
	size_t i;

	for (i = 0; i < sizeof portmatch_bauds / sizeof portmatch_bauds[0]; i++) {
		if (portmatch_bauds[i].baud == baud)
			return portmatch_bauds[i].speed;
	}
	return -1;
}

/*
 * Is this (resolved) path a pseudo-terminal's slave side?  Those are
 * /dev/pts/N on Linux; libserialport cannot open them (it looks for a
 * sysfs entry and modem-control lines), so they get plain termios.
 */
int
portmatch_is_pty(const char *real)
{
	const char *p;

	if (strncmp(real, "/dev/pts/", 9) != 0 || real[9] == '\0')
		return 0;
	for (p = real + 9; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return 0;
	}
	return 1;
}
