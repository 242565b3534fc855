/*
 * calendar.c: the working-time calendar the daemon counts deadlines in,
 * filled from the database (calendar_day, calendar_year) at start, on
 * reconnect and after calendar.load.  A year with no published notice
 * is counted with weekends only; that is logged loudly and told to
 * every client in hello and in the calendar operations.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citygridd.h"

static struct worktime_calendar	*cal;		/* NULL until loaded */
static struct worktime_calendar	*loading;
static json_t			*unpublished;	/* years near now without a notice */

static const char calendar_days_sql[] =
    "SELECT to_char(day, 'YYYY-MM-DD'), off, name FROM calendar_day ORDER BY day";
static const char calendar_years_sql[] =
    "SELECT year FROM calendar_year WHERE published ORDER BY year";

const struct worktime_calendar *
calendar_get(void)
{
	return cal;
}

/* The years around now (last, this, next) that have no notice. */
static void
calendar_check_years(void)
{
	time_t now = time(NULL);
	struct tm tm;
	int y;

	gmtime_r(&now, &tm);
	json_decref(unpublished);
	unpublished = json_array();
	for (y = tm.tm_year + 1900 - 1; y <= tm.tm_year + 1900 + 1; y++) {
		if (!worktime_published(cal, y)) {
			json_array_append_new(unpublished, json_integer(y));
			log_warn("calendar: no holiday notice for %d is loaded: deadlines"
			    " in %d count weekends only (citygrid calendar load)", y, y);
		}
	}
}

static void
calendar_years_done(PGresult *res, const char *err, void *arg)
{
	int i;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("calendar: %s", res ? PQresultErrorMessage(res) : err);
		worktime_free(loading);
		loading = NULL;
		return;
	}
	for (i = 0; i < PQntuples(res); i++)
		worktime_publish(loading, atoi(PQgetvalue(res, i, 0)));
	worktime_free(cal);
	cal = loading;
	loading = NULL;
	log_info("calendar: loaded %d published years", PQntuples(res));
	calendar_check_years();
}

static void
calendar_days_done(PGresult *res, const char *err, void *arg)
{
	char *cause;
	int i;

	if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
		log_error("calendar: %s", res ? PQresultErrorMessage(res) : err);
		worktime_free(loading);
		loading = NULL;
		return;
	}
	for (i = 0; i < PQntuples(res); i++) {
		if (worktime_add_day(loading, PQgetvalue(res, i, 0),
		    strcmp(PQgetvalue(res, i, 1), "t") == 0, PQgetvalue(res, i, 2),
		    &cause) != 0) {
			log_error("calendar: day %s: %s", PQgetvalue(res, i, 0), cause);
			free(cause);
		}
	}
	if (db_query(calendar_years_sql, 0, NULL, calendar_years_done, NULL) != 0) {
		worktime_free(loading);
		loading = NULL;
	}
}

/* (Re)load from the database; the old calendar serves until then. */
void
calendar_load(void)
{
	char *cause;

	if (loading != NULL)
		return;
	loading = worktime_create();
	if (worktime_set_periods(loading, cfg.work_periods, &cause) != 0)
		fatalx("worktime:periods: %s", cause);	/* checked at config load */
	if (db_query(calendar_days_sql, 0, NULL, calendar_days_done, NULL) != 0) {
		worktime_free(loading);
		loading = NULL;
	}
}

json_t *
calendar_status(void)
{
	char periods[128] = "";

	if (cal != NULL)
		worktime_periods(cal, periods, sizeof periods);
	return json_pack("{s:b, s:s, s:o}", "loaded", cal != NULL, "periods",
	    periods, "unpublished", unpublished ? json_incref(unpublished) : json_array());
}

void
cmd_calendar_show(struct client *c, uint64_t id, json_t *args)
{
	static const char sql[] =
	    "SELECT to_char(d.day, 'YYYY-MM-DD') AS day, d.off, d.name FROM calendar_day d"
	    " WHERE extract(year FROM d.day) = $1::integer ORDER BY d.day";
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *params[1];
	char buf[32];

	if ((params[0] = arg_num(args, "year", buf, sizeof buf)) == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出年份 (year)");
		return;
	}
	cmd_query(r, sql, 1, params, cmd_rows_done);
}

/* calendar.deadline {start, limit, unit}: the clock, by hand. */
void
cmd_calendar_deadline(struct client *c, uint64_t id, json_t *args)
{
	const char *start = arg_str(args, "start"), *unitname = arg_str(args, "unit");
	json_t *jl = json_object_get(args, "limit");
	enum worktime_unit unit;
	int64_t t, limit, deadline;
	char text[64], stext[64];

	if (cal == NULL) {
		client_error(c, id, PE_BUSY, "工作日历尚未载入");
	} else if (start == NULL || worktime_parse_time(start, &t) != 0) {
		client_error(c, id, PE_INVALID, "起始时间须为 YYYY-MM-DDTHH:MM: %s",
		    start ? start : "");
	} else if (!json_is_number(jl) || json_number_value(jl) <= 0) {
		client_error(c, id, PE_INVALID, "时限须为正数");
	} else if (unitname == NULL || worktime_unit_parse(unitname, &unit) != 0) {
		client_error(c, id, PE_INVALID, "未知的时限单位: %s (工作时, 工作日, 紧急工作时, 自然日)",
		    unitname ? unitname : "");
	} else {
		limit = worktime_limit(cal, json_number_value(jl), unit);
		deadline = worktime_deadline(cal, t, limit, unit, NULL, 0);
		worktime_format(t, stext, sizeof stext);
		worktime_format(deadline, text, sizeof text);
		client_reply(c, id, json_pack("{s:s, s:f, s:s, s:s, s:s, s:I, s:b}",
		    "start", stext, "limit", json_number_value(jl), "unit",
		    worktime_unit_name(unit), "unit_label", worktime_unit_label(unit),
		    "deadline", text, "deadline_epoch", (json_int_t)deadline,
		    "unpublished", worktime_unpublished(cal, t, deadline)));
	}
	client_done(c);
}

static void
calendar_load_done(PGresult *res, const char *err, void *arg)
{
	struct cmd_req *r = arg;

	if (cmd_failed(r, res, err))
		return;
	log_info("calendar: year %s loaded by %s (%s days)", r->p1, r->c->user,
	    PQgetvalue(res, 0, 0));
	calendar_load();
	cmd_req_reply(r, json_pack("{s:s, s:i}", "year", r->p1, "days",
	    atoi(PQgetvalue(res, 0, 0))));
}

/* calendar.load {json: the text of a holiday-cn file}. */
void
cmd_calendar_load(struct client *c, uint64_t id, json_t *args)
{
	struct cmd_req *r = cmd_req_new(c, id, args);
	const char *text = arg_str(args, "json");
	struct worktime_calendar *check;
	json_t *doc, *days, *year;
	json_error_t jerr;
	char *cause, *daystext, ybuf[16];
	const char *params[3];

	if (text == NULL) {
		cmd_req_error(r, PE_INVALID, "须给出节假日文件内容 (json)");
		return;
	}
	check = worktime_create();
	if (worktime_load_buffer(check, text, strlen(text), "calendar.load", &cause) != 0) {
		worktime_free(check);
		cmd_req_error(r, PE_INVALID, "%s", cause);
		free(cause);
		return;
	}
	worktime_free(check);
	doc = json_loads(text, 0, &jerr);
	year = json_object_get(doc, "year");
	days = json_object_get(doc, "days");
	if (json_array_size(days) == 0) {
		json_decref(doc);
		cmd_req_error(r, PE_INVALID, "文件中没有节假日安排 (当年通知尚未发布?), 未载入");
		return;
	}
	snprintf(ybuf, sizeof ybuf, "%lld", (long long)json_integer_value(year));
	r->p1 = xstrdup(ybuf);
	daystext = json_dumps(days, JSON_COMPACT);
	params[0] = ybuf;
	params[1] = daystext;
	params[2] = arg_str(args, "source") ? arg_str(args, "source") : "calendar.load";
	cmd_query(r, "SELECT cg_calendar_load($1::integer, $2::jsonb, $3)", 3,
	    params, calendar_load_done);
	free(daystext);
	json_decref(doc);
}
