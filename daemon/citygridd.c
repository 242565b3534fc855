/*
 * citygridd.c: the citygrid daemon's entry point.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <event2/event.h>

#include "citygridd.h"

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: citygridd [-hV]\n"
	    "  -h, --help     print this help and exit\n"
	    "  -V, --version  print the version and the library versions, and exit\n");
}

static void
version(void)
{
	printf("citygridd %s (libevent %s, libpq %d)\n", CG_VERSION,
	    event_get_version(), PQlibVersion());
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
