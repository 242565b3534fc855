/*
 * citygrid.c: the citygrid client's entry point.  Global options, then
 * the word after them picks what runs: a role console or a command of
 * cli.c.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curses.h>
#include <event2/event.h>

#include "console.h"

static void
version(void)
{
	printf("citygrid %s (%s, libevent %s, jansson %s)\n", CG_VERSION,
	    curses_version(), event_get_version(), JANSSON_VERSION);
}

int
main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	const char *socket = NULL;
	int ch, json = 0, rc;

	utf8_locale();
	/* "+": options after the command word are the command's. */
	while ((ch = getopt_long(argc, argv, "+hjS:V", longopts, NULL)) != -1) {
		switch (ch) {
		case 'h':
			cli_help_usage(stdout);
			return 0;
		case 'j':
			json = 1;
			break;
		case 'S':
			socket = optarg;
			break;
		case 'V':
			version();
			return 0;
		default:
			cli_help_usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		cli_help_usage(stderr);
		return EXIT_USAGE;
	}

	/*
	 * The role consoles (citygrid seat, dispatch, supervise, dept) go
	 * here, before the commands: a console's word with nothing after
	 * it starts the console ("citygrid dept list" stays a command).
	 */
	if (argc == 1 && (rc = console_main(argv[0], socket)) >= 0)
		return rc;

	rc = cli_main(argc, argv, socket, json);
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("citygrid: stdout");
		return EXIT_IOERR;
	}
	return rc;
}
