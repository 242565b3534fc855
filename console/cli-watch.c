/*
 * cli-watch.c: citygrid watch.  Subscribes, then prints every pushed
 * event as it comes: one readable line, or with --json the event as one
 * JSON line.  Ends on SIGINT or SIGTERM (status 0) or when the daemon
 * closes the connection.
 */
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citygrid.h"

static volatile sig_atomic_t watch_stop;

static void
watch_signal(int sig)
{
	watch_stop = 1;
}


static void
watch_case(json_t *d)
{
	char dl[32] = "-";

	if (json_is_integer(json_object_get(d, "deadline")))
		cli_print_time(json_integer_value(json_object_get(d, "deadline")), dl, sizeof dl);
	printf("案卷 %s %s  %s %s  %s  期限 %s  版本 %lld\n", jstr(d, "case_no"),
	    jstr(d, "state_name"), jstr(d, "class_code"), jstr(d, "class_name"),
	    *jstr(d, "department_name") ? jstr(d, "department_name") : "-", dl,
	    (long long)json_integer_value(json_object_get(d, "row_version")));
}

static void
watch_step(json_t *d)
{
	printf("步骤 %s %s %s: %s -> %s%s%s\n", jstr(d, "case_no"),
	    jstr(d, "actor_name"), cli_case_action_label(jstr(d, "action")),
	    *jstr(d, "from_state") ? jstr(d, "from_state") : "-", jstr(d, "to_state"),
	    *jstr(d, "reason") ? "  " : "", jstr(d, "reason"));
}

static void
watch_alarm(json_t *d)
{
	char dl[32] = "-";

	if (json_is_integer(json_object_get(d, "deadline")))
		cli_print_time(json_integer_value(json_object_get(d, "deadline")), dl, sizeof dl);
	printf("告警 %s %s: %s阶段 期限 %s\n", jstr(d, "case_no"),
	    cli_print_label(jstr(d, "alarm")), cli_print_label(jstr(d, "stage")), dl);
}

/* One event, one line, stamped with the time it came. */
static void
watch_print(json_t *ev)
{
	const char *name = jstr(ev, "event");
	json_t *d = json_object_get(ev, "data");
	char now[32];

	worktime_format((int64_t)time(NULL), now, sizeof now);
	printf("%s ", now + 11);
	if (strcmp(name, "case") == 0)
		watch_case(d);
	else if (strcmp(name, "step") == 0)
		watch_step(d);
	else if (strcmp(name, "alarm") == 0)
		watch_alarm(d);
	else if (strcmp(name, "resync") == 0)
		printf("推送有遗漏 (%s), 请重新读取\n", jstr(d, "reason"));
	else if (strcmp(name, "db") == 0)
		printf("数据库%s\n", json_is_true(json_object_get(d, "up")) ?
		    "已恢复" : "不可用");
	else
		cli_print_json(ev, 0);
}

int
cli_watch_run(struct client *c, const struct cli_entry *e, json_t *args,
    int json)
{
	struct sigaction sa;
	struct client_error err;
	json_t *sub, *ev;
	enum client_wait w;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = watch_signal;	/* no SA_RESTART: poll returns */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	client_keep_events(c, 1);
	if ((sub = client_request(c, e->op, json_incref(args), CLIENT_TIMEOUT,
	    &err)) == NULL) {
		fprintf(stderr, "citygrid: %s\n", err.message);
		return err.exit;
	}
	if (!json)
		fprintf(stderr, "citygrid: 订阅 %s%s%s (订阅号 %lld), Ctrl-C 结束\n",
		    jstr(sub, "scope"), *jstr(sub, "value") ? " " : "", jstr(sub, "value"),
		    (long long)json_integer_value(json_object_get(sub, "sub")));
	json_decref(sub);
	fflush(stderr);
	while (!watch_stop) {
		w = client_next_event(c, -1, &ev, &err);
		if (w == CLIENT_WAIT_ERROR) {
			fprintf(stderr, "citygrid: %s\n", err.message);
			return err.exit;
		}
		if (w == CLIENT_WAIT_NONE)
			continue;
		if (json)
			cli_print_json(ev, 0);
		else
			watch_print(ev);
		json_decref(ev);
		if (fflush(stdout) != 0)
			return EXIT_IOERR;
	}
	return 0;
}
