/*
 * alarm.c: deadline warnings and overdue alarms.  Every few seconds one
 * query finds the open, running stages whose warning instant or deadline
 * passed since the last look, and each is pushed once as an "alarm"
 * event to the watches it concerns.
 */
#include <stdlib.h>
#include <time.h>

#include "citygridd.h"

#define ALARM_INTERVAL 5	/* seconds */

static struct event	*alarm_ev;
static int64_t		 alarm_last;

static const char alarm_sql[] =
    "SELECT c.id, c.case_no, c.state, c.grid, c.department,"
    " (SELECT d.code FROM department d WHERE d.id = c.department) AS department_code, st.stage,"
    " extract(epoch FROM st.deadline)::bigint AS deadline,"
    " extract(epoch FROM st.warn_at)::bigint AS warn_at,"
    " CASE WHEN st.deadline <= to_timestamp($2::bigint) THEN 'overdue' ELSE 'warning' END AS alarm"
    " FROM case_stage st JOIN cases c ON c.id = st.case_id"
    " WHERE st.ended_at IS NULL AND st.paused_at IS NULL"
    " AND ((st.warn_at > to_timestamp($1::bigint) AND st.warn_at <= to_timestamp($2::bigint))"
    "  OR (st.deadline > to_timestamp($1::bigint) AND st.deadline <= to_timestamp($2::bigint)))"
    " ORDER BY st.deadline";

static void
alarm_done(PGresult *res, const char *err, void *arg)
{
	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("alarm: %s", res ? PQresultErrorMessage(res) : err);
		return;
	}
	if (PQntuples(res) > 0)
		log_info("alarm: %d stages reached their warning or deadline", PQntuples(res));
	notify_push("alarm", res);
}

static void
alarm_tick(evutil_socket_t fd, short what, void *arg)
{
	char from[24], to[24];
	const char *params[2];
	int64_t now = (int64_t)time(NULL);

	if (!db_available())
		return;		/* looked at again, from alarm_last, when it is back */
	snprintf(from, sizeof from, "%lld", (long long)alarm_last);
	snprintf(to, sizeof to, "%lld", (long long)now);
	params[0] = from;
	params[1] = to;
	if (db_query(alarm_sql, 2, params, alarm_done, NULL) == 0)
		alarm_last = now;
}

void
alarm_start(void)
{
	struct timeval tv = { ALARM_INTERVAL, 0 };

	alarm_last = (int64_t)time(NULL);
	alarm_ev = event_new(base, -1, EV_PERSIST, alarm_tick, NULL);
	event_add(alarm_ev, &tv);
}

void
alarm_stop(void)
{
	if (alarm_ev != NULL)
		event_free(alarm_ev);
	alarm_ev = NULL;
}
