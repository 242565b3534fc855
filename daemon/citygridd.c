/*
 * citygridd.c: the citygrid daemon's entry point: options, the loop,
 * signals.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <libserialport.h>

#include "citygridd.h"

struct event_base	*base;
struct config		 cfg;
static const char	*config_path = CG_SYSCONFDIR "/citygrid/citygrid.conf";
static int		 draining;
static struct event	*drain_ev;
static time_t		 drain_until;

static const struct option longopts[] = {
	{ "config", required_argument, NULL, 'f' },
	{ "debug", no_argument, NULL, 'd' },
	{ "check", no_argument, NULL, 'n' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ NULL, 0, NULL, 0 }
};

static void
usage(FILE *f)
{
	fprintf(f,
	    "usage: citygridd [-dhnV] [-f file]\n"
	    "  -f, --config file  configuration file (default %s)\n"
	    "  -d, --debug        stay in the foreground, debug log to stderr\n"
	    "  -n, --check        check the configuration, print it and exit\n"
	    "  -h, --help         print this help and exit\n"
	    "  -V, --version      print the version and the library versions, and exit\n",
	    config_path);
}

static void
version(void)
{
	printf("citygridd %s (libevent %s, libpq %d, libserialport %s, jansson %s)\n",
	    CG_VERSION, event_get_version(), PQlibVersion(),
	    sp_get_package_version_string(), JANSSON_VERSION);
}

static int
log_level_from(const char *name)
{
	if (strcmp(name, "error") == 0)
		return LOG_LVL_ERROR;
	if (strcmp(name, "warning") == 0)
		return LOG_LVL_WARN;
	if (strcmp(name, "debug") == 0)
		return LOG_LVL_DEBUG;
	return LOG_LVL_INFO;
}

static void
reload(void)
{
	struct config next;
	char *cause;

	if (config_load(config_path, &next, &cause) != 0 ||
	    config_reload_check(&cfg, &next, &cause) != 0) {
		log_error("reload refused, configuration unchanged: %s", cause);
		free(cause);
		config_free(&next);
		return;
	}
	config_free(&cfg);
	cfg = next;
	if (log_level < LOG_LVL_DEBUG)
		log_level = log_level_from(cfg.log_level);
	calendar_load();
	cradle_port_start();
	log_info("configuration reloaded from %s", config_path);
}

/* Wait for answers owed, then stop; give up after a few seconds. */
static void
drain_check(evutil_socket_t fd, short what, void *arg)
{
	struct client *c;
	int busy = db_queued() > 0;

	TAILQ_FOREACH(c, &clients, entry)
		busy |= c->inflight > 0;
	if (!busy || time(NULL) >= drain_until)
		event_base_loopbreak(base);
}

static void
signal_cb(evutil_socket_t sig, short what, void *arg)
{
	static const struct timeval tick = { 0, 100000 };

	switch (sig) {
	case SIGHUP:
		reload();
		break;
	case SIGTERM:
	case SIGINT:
		if (draining) {
			event_base_loopbreak(base);
			break;
		}
		log_info("signal %d: draining, then exiting", (int)sig);
		draining = 1;
		cradle_port_stop();	/* sessions end now, recorded while draining */
		server_drain();
		drain_until = time(NULL) + 10;
		drain_ev = event_new(base, -1, EV_PERSIST, drain_check, NULL);
		event_add(drain_ev, &tick);
		break;
	}
}

static int
write_pidfile(const char *path)
{
	char buf[32];
	int fd, n;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644)) == -1)
		return -1;
	n = snprintf(buf, sizeof buf, "%ld\n", (long)getpid());
	if (write(fd, buf, n) != n) {
		close(fd);
		return -1;
	}
	return close(fd);
}

int
main(int argc, char **argv)
{
	struct event *sigs[4];
	const int signums[] = { SIGHUP, SIGTERM, SIGINT };
	char *cause;
	int ch, debug = 0, check = 0, i;

	while ((ch = getopt_long(argc, argv, "f:dnhV", longopts, NULL)) != -1) {
		switch (ch) {
		case 'f':
			config_path = optarg;
			break;
		case 'd':
			debug = 1;
			break;
		case 'n':
			check = 1;
			break;
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
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	if (config_load(config_path, &cfg, &cause) != 0) {
		fprintf(stderr, "citygridd: %s\n", cause);
		return 1;
	}
	if (check) {
		config_print(stdout, &cfg);
		return 0;
	}
	log_open("citygridd", debug ? LOG_LVL_DEBUG : log_level_from(cfg.log_level), !debug);
	if (!debug && daemon(0, 0) != 0)
		fatal("daemon");
	signal(SIGPIPE, SIG_IGN);
	if ((base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	log_info("citygridd %s starting: config %s, standard %s, libevent %s (%s),"
	    " libpq %d, libserialport %s", CG_VERSION, config_path, cfg.standard,
	    event_get_version(), event_base_get_method(base), PQlibVersion(),
	    sp_get_package_version_string());
	if (server_start(cfg.socket, cfg.socket_mode, cfg.socket_group, &cause) != 0)
		fatalx("%s", cause);
	if (!debug && write_pidfile(cfg.pidfile) != 0)
		log_warn("pidfile %s: %s", cfg.pidfile, strerror(errno));
	db_init(cfg.conninfo, cfg.pool_size, cfg.reconnect_max, notify_received,
	    notify_db_state);
	alarm_start();
	cradle_port_start();
	for (i = 0; i < 3; i++) {
		sigs[i] = evsignal_new(base, signums[i], signal_cb, NULL);
		event_add(sigs[i], NULL);
	}
	event_base_dispatch(base);

	log_info("citygridd stopping");
	alarm_stop();
	cradle_port_stop();
	server_stop();
	db_shutdown();
	for (i = 0; i < 3; i++)
		event_free(sigs[i]);
	if (drain_ev != NULL)
		event_free(drain_ev);
	if (!debug)
		unlink(cfg.pidfile);
	event_base_free(base);
	config_free(&cfg);
	return 0;
}
