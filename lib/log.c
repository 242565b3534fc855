/*
 * log.c: one logging path for the daemon and the client.  In the
 * foreground lines go to stderr with a time stamp; a daemon logs to
 * syslog.  Callers put the identity of what a line is about (client,
 * user, case number, serial port) in the message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "cg.h"

int log_level = LOG_LVL_INFO;
static int log_syslog;
static const char *log_name = "citygrid";

void
log_open(const char *name, int level, int use_syslog)
{
	log_name = name;
	log_level = level;
	log_syslog = use_syslog;
	if (use_syslog)
		openlog(name, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
log_vwrite(enum log_level level, const char *fmt, va_list ap)
{
	static const int prio[] = { LOG_ERR, LOG_WARNING, LOG_INFO, LOG_DEBUG };
	static const char *tag[] = { "error", "warning", "info", "debug" };
	char stamp[32];
	struct timespec ts;
	struct tm tm;

	if (log_syslog) {
		vsyslog(prio[level], fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	strftime(stamp, sizeof stamp, "%Y-%m-%d %H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld %s %s: ", stamp, ts.tv_nsec / 1000000,
	    log_name, tag[level]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
log_msg(enum log_level level, const char *fmt, ...)
{
	va_list ap;

	if ((int)level > log_level)
		return;
	va_start(ap, fmt);
	log_vwrite(level, fmt, ap);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	char *msg;
	va_list ap;
	int saved = errno;

	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		msg = NULL;
	va_end(ap);
	log_error("fatal: %s: %s", msg ? msg : fmt, strerror(saved));
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vwrite(LOG_LVL_ERROR, fmt, ap);
	va_end(ap);
	exit(1);
}
