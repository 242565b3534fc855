/*
 * test-cradle-port.c: which serial ports the daemon takes for cradles
 * (lib/portmatch.c): the rules of cradle:match and cradle:ports, ports
 * matched by USB id and by name, a device reached by two names, the
 * line settings.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>

#include <cmocka.h>

#include "cg.h"
#include "portmatch.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

/* Configurations that parse, with their rules as written back. */
static const struct parse_case {
	const char	*match;
	const char	*ports;
	size_t		 nrules;
	const char	*rules;		/* portmatch_rule_text, by spaces */
	size_t		 npaths;
} parse_good[] = {
	{ "", "", 0, "", 0 },
	{ NULL, NULL, 0, "", 0 },
	{ "1a86:7523", "", 1, "1a86:7523", 0 },
	{ "1A86:7523", "", 1, "1a86:7523", 0 },
	{ "0403:*", "", 1, "0403:*", 0 },
	{ "1a86:7523,0403:6001 ttyACM*", "", 3, "1a86:7523 0403:6001 ttyACM*", 0 },
	{ " , 2e8a:000a ,, ", "", 1, "2e8a:000a", 0 },
	{ "/dev/serial/by-id/usb-CityGrid_*", "", 1, "/dev/serial/by-id/usb-CityGrid_*", 0 },
	/* A path with colons is a name pattern, not a USB id. */
	{ "/dev/serial/by-path/pci-0000:00:14.0-usb-0:1*", "", 1,
	    "/dev/serial/by-path/pci-0000:00:14.0-usb-0:1*", 0 },
	{ "", "/tmp/cradle-a", 0, "", 1 },
	{ "ttyUSB*", "/tmp/cradle-a, /dev/ttyS0 /dev/serial/by-id/x", 1, "ttyUSB*", 3 },
};

static void
test_parse_good(void **state)
{
	struct portmatch pm;
	char *cause = NULL, text[512], one[PORTMATCH_PATTERN_MAX];
	size_t i, j;

	for (i = 0; i < NELEM(parse_good); i++) {
		const struct parse_case *c = &parse_good[i];

		if (portmatch_parse(&pm, c->match, c->ports, &cause) != 0)
			fail_msg("case %zu (%s): %s", i, c->match, cause);
		assert_int_equal(pm.nrules, c->nrules);
		assert_int_equal(pm.npaths, c->npaths);
		text[0] = '\0';
		for (j = 0; j < pm.nrules; j++) {
			portmatch_rule_text(&pm.rules[j], one, sizeof one);
			if (j > 0)
				strcat(text, " ");
			strcat(text, one);
		}
		assert_string_equal(text, c->rules);
	}
}

/* Configurations refused, with a word the message must hold. */
static const struct bad_case {
	const char	*match;
	const char	*ports;
	const char	*word;
} parse_bad[] = {
	{ "1a86:752", "", "1a86:752 is not a USB id" },
	{ "1a86:75233", "", "not a USB id" },
	{ "1a8:7523", "", "not a USB id" },
	{ "1a86-7523:", "", "not a USB id" },
	{ "xyzw:7523", "", "not a USB id" },
	{ "1a86:zzzz", "", "not a USB id" },
	{ "1a86:**", "", "not a USB id" },
	{ ":", "", "not a USB id" },
	{ "", "tmp/cradle", "tmp/cradle is not an absolute path" },
	{ "", "/tmp/a /tmp/a", "/tmp/a is listed twice" },
	{ "", "/tmp/xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "longer than 127" },
};

static void
test_parse_bad(void **state)
{
	struct portmatch pm;
	char *cause;
	size_t i;

	for (i = 0; i < NELEM(parse_bad); i++) {
		cause = NULL;
		if (portmatch_parse(&pm, parse_bad[i].match, parse_bad[i].ports, &cause) == 0)
			fail_msg("case %zu (%s|%s) parsed", i, parse_bad[i].match,
			    parse_bad[i].ports);
		assert_non_null(cause);
		if (strstr(cause, parse_bad[i].word) == NULL)
			fail_msg("case %zu: \"%s\" lacks \"%s\"", i, cause, parse_bad[i].word);
		free(cause);
	}
}

static void
test_parse_limits(void **state)
{
	struct portmatch pm;
	char list[PORTMATCH_RULES_MAX * 12 + 32], *cause = NULL;
	size_t i;

	list[0] = '\0';
	for (i = 0; i < PORTMATCH_RULES_MAX; i++)
		sprintf(list + strlen(list), "%04zx:%04zx,", i, i);
	assert_int_equal(portmatch_parse(&pm, list, "", &cause), 0);
	assert_int_equal(pm.nrules, PORTMATCH_RULES_MAX);
	strcat(list, "ffff:ffff");
	assert_int_equal(portmatch_parse(&pm, list, "", &cause), -1);
	assert_non_null(strstr(cause, "more than 32 rules"));
	free(cause);

	list[0] = '\0';
	for (i = 0; i <= PORTMATCH_PATHS_MAX; i++)
		sprintf(list + strlen(list), "/p%zu ", i);
	cause = NULL;
	assert_int_equal(portmatch_parse(&pm, "", list, &cause), -1);
	assert_non_null(strstr(cause, "more than 32 paths"));
	free(cause);
}

/* One scanned port against one configuration: which rule, if any. */
static const struct find_case {
	const char	*match;
	const char	*path;
	int		 usb, vid, pid;
	int		 rule;
} find_cases[] = {
	{ "1a86:7523", "/dev/ttyUSB0", 1, 0x1a86, 0x7523, 0 },
	{ "1a86:7523", "/dev/ttyUSB0", 1, 0x1a86, 0x7524, -1 },
	{ "1a86:7523", "/dev/ttyUSB0", 1, 0x1a87, 0x7523, -1 },
	/* Not a USB port: its ids mean nothing. */
	{ "1a86:7523", "/dev/ttyS0", 0, 0x1a86, 0x7523, -1 },
	{ "0403:*", "/dev/ttyUSB3", 1, 0x0403, 0x6015, 0 },
	{ "0403:*", "/dev/ttyUSB3", 1, 0x0404, 0x6015, -1 },
	{ "0403:6001 ttyACM*", "/dev/ttyACM2", 1, 0x2e8a, 0x000a, 1 },
	{ "ttyACM*", "/dev/ttyACM2", 0, 0, 0, 0 },
	{ "ttyACM*", "/dev/ttyUSB2", 0, 0, 0, -1 },
	{ "ttyACM?", "/dev/ttyACM12", 0, 0, 0, -1 },
	{ "ttyACM[0-3]", "/dev/ttyACM3", 0, 0, 0, 0 },
	{ "ttyACM[0-3]", "/dev/ttyACM4", 0, 0, 0, -1 },
	/* A pattern with a slash is on the whole path; * stops at slashes. */
	{ "/dev/tty*", "/dev/ttyACM0", 0, 0, 0, 0 },
	{ "/dev/*", "/dev/serial/by-id/usb-x", 0, 0, 0, -1 },
	{ "/dev/serial/by-id/usb-CityGrid_*", "/dev/serial/by-id/usb-CityGrid_Cradle_0042-if00", 0, 0, 0, 0 },
	{ "/dev/serial/by-id/usb-CityGrid_*", "/dev/ttyACM0", 0, 0, 0, -1 },
	/* Without a slash, the pattern sees only the last part. */
	{ "dev*", "/dev/ttyACM0", 0, 0, 0, -1 },
	/* The first matching rule counts. */
	{ "ttyUSB* 1a86:7523", "/dev/ttyUSB0", 1, 0x1a86, 0x7523, 0 },
	{ "", "/dev/ttyUSB0", 1, 0x1a86, 0x7523, -1 },
};

static void
test_find(void **state)
{
	struct portmatch pm;
	struct port_desc d;
	char *cause = NULL;
	size_t i;

	for (i = 0; i < NELEM(find_cases); i++) {
		const struct find_case *c = &find_cases[i];

		assert_int_equal(portmatch_parse(&pm, c->match, "", &cause), 0);
		memset(&d, 0, sizeof d);
		d.path = c->path;
		d.usb = c->usb;
		d.vid = c->vid;
		d.pid = c->pid;
		if (portmatch_rule_find(&pm, &d) != c->rule)
			fail_msg("case %zu: %s on %s: rule %d, want %d", i, c->match,
			    c->path, portmatch_rule_find(&pm, &d), c->rule);
	}
}

/*
 * A whole scan: what the daemon found (scanned ports and configured
 * paths that exist) and which it opens.
 */
struct scan_port {
	const char	*path;
	const char	*real;
	int		 usb, vid, pid, configured;
	int		 take;		/* expected */
	int		 rule;		/* expected when taken */
};
static const struct scan_case {
	const char		*match;
	const char		*ports;
	size_t			 n;
	struct scan_port	 p[6];
} scan_cases[] = {
	/* Nothing configured: nothing taken, not even a cradle's own id. */
	{ "", "", 3, {
	    { "/dev/ttyS0", NULL, 0, 0, 0, 0, 0, 0 },
	    { "/dev/ttyUSB0", NULL, 1, 0x1a86, 0x7523, 0, 0, 0 },
	    { "/dev/ttyACM0", NULL, 1, 0x2e8a, 0x000a, 0, 0, 0 } } },
	/* Two cradles of one model, a modem and a console port. */
	{ "1a86:7523", "", 4, {
	    { "/dev/ttyS0", NULL, 0, 0, 0, 0, 0, 0 },
	    { "/dev/ttyUSB0", NULL, 1, 0x1a86, 0x7523, 0, 1, 0 },
	    { "/dev/ttyUSB1", NULL, 1, 0x1a86, 0x7523, 0, 1, 0 },
	    { "/dev/ttyACM0", NULL, 1, 0x1199, 0x9071, 0, 0, 0 } } },
	/* A configured pty and a matched CDC-ACM port. */
	{ "ttyACM*", "/tmp/cradle-a", 3, {
	    { "/dev/ttyACM0", NULL, 1, 0x2e8a, 0x000a, 0, 1, 0 },
	    { "/dev/ttyUSB0", NULL, 1, 0x0403, 0x6001, 0, 0, 0 },
	    { "/tmp/cradle-a", "/dev/pts/7", 0, 0, 0, 1, 1, -1 } } },
	/* The by-id link of a matched port: opened once, by its link. */
	{ "2e8a:000a", "/dev/serial/by-id/usb-CityGrid_Cradle_1-if00", 2, {
	    { "/dev/ttyACM0", "/dev/ttyACM0", 1, 0x2e8a, 0x000a, 0, 0, 0 },
	    { "/dev/serial/by-id/usb-CityGrid_Cradle_1-if00", "/dev/ttyACM0", 0, 0, 0, 1, 1, -1 } } },
	/* Two rules reaching one port take it once, by the first rule. */
	{ "ttyACM* 2e8a:*", "", 2, {
	    { "/dev/ttyACM0", NULL, 1, 0x2e8a, 0x000a, 0, 1, 0 },
	    { "/dev/ttyACM1", NULL, 1, 0x2e8a, 0x000b, 0, 1, 0 } } },
	/* Two configured links to one pty: the first one. */
	{ "", "/tmp/a /tmp/b", 2, {
	    { "/tmp/a", "/dev/pts/3", 0, 0, 0, 1, 1, -1 },
	    { "/tmp/b", "/dev/pts/3", 0, 0, 0, 1, 0, -1 } } },
};

static void
test_select(void **state)
{
	struct portmatch pm;
	struct port_desc d[6];
	char *cause = NULL;
	size_t i, j, want;

	for (i = 0; i < NELEM(scan_cases); i++) {
		const struct scan_case *c = &scan_cases[i];

		assert_int_equal(portmatch_parse(&pm, c->match, c->ports, &cause), 0);
		memset(d, 0, sizeof d);
		want = 0;
		for (j = 0; j < c->n; j++) {
			d[j].path = c->p[j].path;
			d[j].real = c->p[j].real;
			d[j].usb = c->p[j].usb;
			d[j].vid = c->p[j].vid;
			d[j].pid = c->p[j].pid;
			d[j].configured = c->p[j].configured;
			d[j].take = -1;		/* must be set */
			want += c->p[j].take;
		}
		assert_int_equal(portmatch_select(&pm, d, c->n), want);
		for (j = 0; j < c->n; j++) {
			if (d[j].take != c->p[j].take)
				fail_msg("case %zu: %s taken %d, want %d", i,
				    d[j].path, d[j].take, c->p[j].take);
			if (d[j].take && d[j].rule != c->p[j].rule)
				fail_msg("case %zu: %s by rule %d, want %d", i,
				    d[j].path, d[j].rule, c->p[j].rule);
		}
	}
}

static void
test_line(void **state)
{
	static const struct { int baud; long speed; } bauds[] = {
		{ 9600, B9600 }, { 115200, B115200 }, { 921600, B921600 },
		{ 4000000, B4000000 }, { 1200, B1200 },
		{ 0, -1 }, { 115201, -1 }, { -9600, -1 }, { 300, -1 },
	};
	static const struct { const char *name; int ok; enum portmatch_flow f; } flows[] = {
		{ "none", 1, PORTMATCH_FLOW_NONE }, { "rtscts", 1, PORTMATCH_FLOW_RTSCTS },
		{ "xonxoff", 0, 0 }, { "RTSCTS", 0, 0 },
		{ "", 0, 0 }, { "hardware", 0, 0 },
	};
	static const struct { const char *path; int pty; } ptys[] = {
		{ "/dev/pts/0", 1 }, { "/dev/pts/17", 1 }, { "/dev/pts/", 0 },
		{ "/dev/pts/ptmx", 0 }, { "/dev/ptmx", 0 }, { "/dev/ttyACM0", 0 },
		{ "/tmp/cradle-a", 0 }, { "/dev/pts/1a", 0 },
	};
	enum portmatch_flow f;
	size_t i;

	for (i = 0; i < NELEM(bauds); i++)
		assert_int_equal(portmatch_baud_speed(bauds[i].baud), bauds[i].speed);
	for (i = 0; i < NELEM(flows); i++) {
		f = 99;
		assert_int_equal(portmatch_flow_parse(flows[i].name, &f) == 0, flows[i].ok);
		if (flows[i].ok) {
			assert_int_equal(f, flows[i].f);
			assert_string_equal(portmatch_flow_name(f), flows[i].name);
		}
	}
	for (i = 0; i < NELEM(ptys); i++)
		if (portmatch_is_pty(ptys[i].path) != ptys[i].pty)
			fail_msg("%s: pty %d", ptys[i].path, !ptys[i].pty);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_parse_limits),
		cmocka_unit_test(test_find),
		cmocka_unit_test(test_select),
		cmocka_unit_test(test_line),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
