/*
 * config.c: citygrid.conf, an ini file read with iniparser.  Every key
 * is one row of config_table: type, default, whether SIGHUP applies it,
 * and its meaning; citygridd -n prints the table with the values in
 * force, and citygrid.conf(5) documents the same rows.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <iniparser.h>

#include "citygridd.h"
#include "portmatch.h"

enum config_type { CONF_STRING, CONF_INT, CONF_DOUBLE, CONF_MODE };

static const struct config_entry {
	const char		*key;		/* section:name */
	enum config_type	 type;
	size_t			 offset;
	const char		*def;
	int			 reload;	/* SIGHUP applies it */
	int			 min, max;	/* for numbers */
} config_table[] = {
	{ "daemon:socket", CONF_STRING, offsetof(struct config, socket), "/run/citygrid/citygrid.sock", 0, 0, 0 },
	{ "daemon:socket_mode", CONF_MODE, offsetof(struct config, socket_mode), "0666", 0, 0, 07777 },
	{ "daemon:socket_group", CONF_STRING, offsetof(struct config, socket_group), "", 0, 0, 0 },
	{ "daemon:pidfile", CONF_STRING, offsetof(struct config, pidfile), "/run/citygrid/citygridd.pid", 0, 0, 0 },
	{ "daemon:log_level", CONF_STRING, offsetof(struct config, log_level), "info", 1, 0, 0 },
	{ "database:conninfo", CONF_STRING, offsetof(struct config, conninfo), "dbname=citygrid", 0, 0, 0 },
	{ "database:pool_size", CONF_INT, offsetof(struct config, pool_size), "4", 0, 1, 64 },
	{ "database:reconnect_max", CONF_INT, offsetof(struct config, reconnect_max), "10", 1, 1, 600 },
	{ "workflow:standard", CONF_STRING, offsetof(struct config, standard), "CJT214-2007", 0, 0, 0 },
	{ "workflow:backdating", CONF_INT, offsetof(struct config, backdating), "0", 1, 0, 1 },
	{ "worktime:periods", CONF_STRING, offsetof(struct config, work_periods), WORKTIME_DEFAULT_PERIODS, 1, 0, 0 },
	{ "worktime:warn_share", CONF_DOUBLE, offsetof(struct config, warn_share), "0.8", 1, 0, 1 },
	{ "limits:verify", CONF_STRING, offsetof(struct config, limit_verify), "1 work_hour", 1, 0, 0 },
	{ "limits:file", CONF_STRING, offsetof(struct config, limit_file), "2 work_hour", 1, 0, 0 },
	{ "limits:dispatch", CONF_STRING, offsetof(struct config, limit_dispatch), "1 work_hour", 1, 0, 0 },
	{ "limits:check", CONF_STRING, offsetof(struct config, limit_check), "2 work_hour", 1, 0, 0 },
	{ "limits:close", CONF_STRING, offsetof(struct config, limit_close), "1 work_hour", 1, 0, 0 },
	{ "limits:verify_send", CONF_STRING, offsetof(struct config, limit_verify_send), "1 work_hour", 1, 0, 0 },
	{ "limits:check_send", CONF_STRING, offsetof(struct config, limit_check_send), "1 work_hour", 1, 0, 0 },
	{ "clients:high_water", CONF_INT, offsetof(struct config, client_high_water), "1048576", 1, 4096, 1 << 30 },
	{ "clients:hard_limit", CONF_INT, offsetof(struct config, client_hard_limit), "16777216", 1, 65536, 1 << 30 },
	{ "clients:max_requests", CONF_INT, offsetof(struct config, client_max_requests), "64", 1, 1, 100000 },
	{ "cradle:enabled", CONF_INT, offsetof(struct config, cradle_enabled), "1", 1, 0, 1 },
	{ "cradle:match", CONF_STRING, offsetof(struct config, cradle_match), "", 1, 0, 0 },
	{ "cradle:ports", CONF_STRING, offsetof(struct config, cradle_ports), "", 1, 0, 0 },
	{ "cradle:baud", CONF_INT, offsetof(struct config, cradle_baud), "115200", 1, 1200, 4000000 },
	{ "cradle:flow", CONF_STRING, offsetof(struct config, cradle_flow), "none", 1, 0, 0 },
	{ "cradle:rescan", CONF_INT, offsetof(struct config, cradle_rescan), "3", 1, 1, 60 },
	{ "cradle:timeout", CONF_INT, offsetof(struct config, cradle_timeout), "60", 1, 5, 3600 },
};
#define NCONFIG (sizeof config_table / sizeof config_table[0])

static const char *const log_levels[] = { "error", "warning", "info", "debug", NULL };

static int
config_set(struct config *cf, const struct config_entry *e, const char *v,
    char **cause)
{
	char *end, *p = (char *)cf + e->offset;
	long n;
	double d;

	switch (e->type) {
	case CONF_STRING:
		free(*(char **)p);
		*(char **)p = xstrdup(v);
		return 0;
	case CONF_INT:
	case CONF_MODE:
		n = strtol(v, &end, e->type == CONF_MODE ? 8 : 10);
		if (*v == '\0' || *end != '\0' || n < e->min || n > e->max) {
			xasprintf(cause, "%s: %s is not a%s number from %d to %d", e->key,
			    v, e->type == CONF_MODE ? "n octal" : "", e->min, e->max);
			return -1;
		}
		*(int *)p = (int)n;
		return 0;
	case CONF_DOUBLE:
		d = strtod(v, &end);
		if (*v == '\0' || *end != '\0' || d < e->min || d > e->max) {
			xasprintf(cause, "%s: %s is not a number from %d to %d", e->key,
			    v, e->min, e->max);
			return -1;
		}
		*(double *)p = d;
		return 0;
	}
	return -1;
}

/* Values that parse but mean nothing are refused here, not later. */
static int
config_check(struct config *cf, char **cause)
{
	struct worktime_calendar *wt;
	struct portmatch pm;
	enum portmatch_flow flow;
	enum worktime_unit unit;
	double v;
	const char *limits[] = { cf->limit_verify, cf->limit_file,
	    cf->limit_dispatch, cf->limit_check, cf->limit_close,
	    cf->limit_verify_send, cf->limit_check_send };
	size_t i;
	int ok = 0;

	for (i = 0; log_levels[i] != NULL; i++)
		ok |= strcmp(cf->log_level, log_levels[i]) == 0;
	if (!ok) {
		xasprintf(cause, "daemon:log_level: %s is not error, warning, info or debug",
		    cf->log_level);
		return -1;
	}
	if (codes_version_class_len(cf->standard) < 0) {
		xasprintf(cause, "workflow:standard: %s is not CJT214-2007 or GBT47678.5-2026",
		    cf->standard);
		return -1;
	}
	wt = worktime_create();
	ok = worktime_set_periods(wt, cf->work_periods, cause);
	worktime_free(wt);
	if (ok != 0)
		return -1;
	for (i = 0; i < sizeof limits / sizeof limits[0]; i++) {
		if (workflow_parse_limit(limits[i], &v, &unit) != 0) {
			xasprintf(cause, "limits: %s is not \"N unit\" (work_hour, work_day,"
			    " clock_hour, natural_day)", limits[i]);
			return -1;
		}
	}
	if (portmatch_parse(&pm, cf->cradle_match, cf->cradle_ports, cause) != 0)
		return -1;
	if (portmatch_baud_speed(cf->cradle_baud) < 0) {
		xasprintf(cause, "cradle:baud: %d is not a rate the serial driver knows"
		    " (9600, 19200, 38400, 57600, 115200, 230400, 460800, 921600 ...)",
		    cf->cradle_baud);
		return -1;
	}
	if (portmatch_flow_parse(cf->cradle_flow, &flow) != 0) {
		xasprintf(cause, "cradle:flow: %s is not none or rtscts (xonxoff would"
		    " swallow bytes of the binary frames)", cf->cradle_flow);
		return -1;
	}
	if (cf->client_high_water >= cf->client_hard_limit) {
		xasprintf(cause, "clients:high_water must be below clients:hard_limit");
		return -1;
	}
	return 0;
}

/* Read path (NULL: defaults only) into cf.  Unknown keys are errors. */
int
config_load(const char *path, struct config *cf, char **cause)
{
	dictionary *ini = NULL;
	const char *v, *sec, *keys[64];
	char key[128];
	size_t i;
	int s, k, nkeys;

	memset(cf, 0, sizeof *cf);
	for (i = 0; i < NCONFIG; i++) {
		if (config_set(cf, &config_table[i], config_table[i].def, cause) != 0)
			fatalx("config default: %s", *cause);
	}
	if (path == NULL)
		return config_check(cf, cause);
	if ((ini = iniparser_load(path)) == NULL) {
		xasprintf(cause, "%s: cannot read", path);
		return -1;
	}
	for (s = 0; s < iniparser_getnsec(ini); s++) {
		sec = iniparser_getsecname(ini, s);
		nkeys = iniparser_getsecnkeys(ini, sec);
		if (nkeys > 64)
			nkeys = 64;
		iniparser_getseckeys(ini, sec, keys);
		for (k = 0; k < nkeys; k++) {
			for (i = 0; i < NCONFIG; i++) {
				if (strcmp(config_table[i].key, keys[k]) == 0)
					break;
			}
			if (i == NCONFIG) {
				xasprintf(cause, "%s: unknown key %s", path, keys[k]);
				goto fail;
			}
		}
	}
	for (i = 0; i < NCONFIG; i++) {
		snprintf(key, sizeof key, "%s", config_table[i].key);
		if ((v = iniparser_getstring(ini, key, NULL)) == NULL)
			continue;
		if (config_set(cf, &config_table[i], v, cause) != 0)
			goto fail;
	}
	iniparser_freedict(ini);
	return config_check(cf, cause);
fail:
	iniparser_freedict(ini);
	return -1;
}

void
config_free(struct config *cf)
{
	size_t i;

	for (i = 0; i < NCONFIG; i++) {
		if (config_table[i].type == CONF_STRING)
			free(*(char **)((char *)cf + config_table[i].offset));
	}
	memset(cf, 0, sizeof *cf);
}

/* Print every key with its value in force, as citygrid.conf reads it. */
void
config_print(FILE *f, const struct config *cf)
{
	const char *p, *dot;
	char section[32] = "";
	size_t i, n;

	for (i = 0; i < NCONFIG; i++) {
		const struct config_entry *e = &config_table[i];

		p = (const char *)cf + e->offset;
		dot = strchr(e->key, ':');
		n = dot - e->key;
		if (strlen(section) != n || strncmp(section, e->key, n) != 0) {
			snprintf(section, sizeof section, "%.*s", (int)n, e->key);
			fprintf(f, "%s[%s]\n", i ? "\n" : "", section);
		}
		fprintf(f, "%s = ", dot + 1);
		switch (e->type) {
		case CONF_STRING:
			fprintf(f, "%s", *(char *const *)p);
			break;
		case CONF_INT:
			fprintf(f, "%d", *(const int *)p);
			break;
		case CONF_MODE:
			fprintf(f, "%04o", *(const int *)p);
			break;
		case CONF_DOUBLE:
			fprintf(f, "%g", *(const double *)p);
			break;
		}
		fprintf(f, "%s\n", e->reload ? "" : "\t; restart to change");
	}
}

/* Which keys changed that only a restart applies? */
int
config_reload_check(const struct config *old, const struct config *new,
    char **cause)
{
	size_t i;
	const char *a, *b;

	for (i = 0; i < NCONFIG; i++) {
		const struct config_entry *e = &config_table[i];

		if (e->reload)
			continue;
		a = (const char *)old + e->offset;
		b = (const char *)new + e->offset;
		if (e->type == CONF_STRING ? strcmp(*(char *const *)a, *(char *const *)b) != 0 :
		    e->type == CONF_DOUBLE ? *(const double *)a != *(const double *)b :
		    *(const int *)a != *(const int *)b) {
			xasprintf(cause, "%s changed: restart citygridd to apply it", e->key);
			return -1;
		}
	}
	return 0;
}
