/*
 * citygrid.c: the citygrid client's entry point.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <event2/event.h>

#include "citygrid.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: citygrid [-hV]\n"
	    "  -h, --help     print this help and exit\n"
	    "  -V, --version  print the version and the library versions, and exit\n");
}

static void
version(void)
{
	printf("citygrid %s (%s, libevent %s)\n", CG_VERSION, curses_version(),
	    event_get_version());
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	int ch;

	while ((ch = getopt_long(argc, argv, "hV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			version();
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	usage(stderr);
	return 2;
}
