/*
 * test-worktime.c: the working-time calendar.
 *
 * The calendar is loaded from tests/vectors/holiday-cn/{2025,2026,2027}.json
 * (copies of ../shared/data/holiday-cn) with the default periods
 * 08:30-12:00 and 13:30-17:30: a working day is 3.5 h + 4 h = 7.5 h.
 * Every expected value is worked out by hand in the comment of its case.
 * Weekdays used below:
 *	2025-09-27 Sat (off)	2025-09-28 Sun (worked)	2025-09-30 Tue
 *	2025-10-01..08 off	2025-10-09 Thu		2025-10-11 Sat (worked)
 *	2025-12-31 Wed		2026-01-01..03 off	2026-01-04 Sun (worked)
 *	2026-02-13 Fri		2026-02-14 Sat (worked)	2026-02-15..23 off
 *	2026-02-24 Tue		2026-02-27 Fri		2026-02-28 Sat (worked)
 *	2026-03-02 Mon		2026-03-03 Tue		2026-03-06 Fri
 *	2026-03-09 Mon		2026-09-30 Wed		2026-10-01..07 off
 *	2026-10-08 Thu		2026-10-09 Fri		2026-10-10 Sat (worked)
 *	2026-12-31 Thu		2027-01-01 Fri		2027-01-04 Mon
 * 2027 has no published calendar: weekends only, so 2027-01-01 counts
 * as a working day although it will surely be a holiday.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"

#define VECTORS "tests/vectors/holiday-cn/"
#define NPAUSES 3

static struct worktime_calendar *cal;

static int64_t
at(const char *s)
{
	int64_t t;

	if (worktime_parse_time(s, &t) != 0)
		fail_msg("bad time in test: %s", s);
	return t;
}

static const char *
fmt(int64_t t)
{
	static char buf[4][32];
	static int n;

	n = (n + 1) % 4;
	worktime_format(t, buf[n], sizeof buf[n]);
	return buf[n];
}

static int
setup(void **state)
{
	static const char *years[] = { "2025", "2026", "2027" };
	char path[64], *cause;
	size_t i;

	cal = worktime_create();
	for (i = 0; i < sizeof years / sizeof years[0]; i++) {
		snprintf(path, sizeof path, VECTORS "%s.json", years[i]);
		if (worktime_load_file(cal, path, &cause) != 0) {
			fprintf(stderr, "%s\n", cause);
			free(cause);
			return -1;
		}
	}
	return 0;
}

static int
teardown(void **state)
{
	worktime_free(cal);
	return 0;
}

static const struct deadline_case {
	const char		*name;
	const char		*start;
	double			 limit;
	enum worktime_unit	 unit;
	const char		*want;
} deadline_cases[] = {
	/* 09:00 + 2 h inside the morning period. */
	{ "plain morning", "2026-03-03 09:00", 2, WORKTIME_WORK_HOUR,
	  "2026-03-03 11:00:00" },
	/* 10:00-12:00 is 2 h; the third hour starts at 13:30: 14:30. */
	{ "over the lunch break", "2026-03-03 10:00", 3, WORKTIME_WORK_HOUR,
	  "2026-03-03 14:30:00" },
	/* 10:00 + 2 h runs out exactly at 12:00: due 12:00, not 13:30. */
	{ "ends at 12:00", "2026-03-03 10:00", 2, WORKTIME_WORK_HOUR,
	  "2026-03-03 12:00:00" },
	/* 13:30 + 4 h fills the afternoon: 17:30 the same day. */
	{ "ends at 17:30", "2026-03-03 13:30", 4, WORKTIME_WORK_HOUR,
	  "2026-03-03 17:30:00" },
	/* Starts at the period start: 08:30 + 3.5 h = 12:00. */
	{ "start at 08:30", "2026-03-03 08:30", 3.5, WORKTIME_WORK_HOUR,
	  "2026-03-03 12:00:00" },
	/* 12:00 is not working time: counts from 13:30; + 1 h = 14:30. */
	{ "start at 12:00", "2026-03-03 12:00", 1, WORKTIME_WORK_HOUR,
	  "2026-03-03 14:30:00" },
	/* In the break: counts from 13:30; + 1 h = 14:30. */
	{ "start in the lunch break", "2026-03-03 12:30", 1,
	  WORKTIME_WORK_HOUR, "2026-03-03 14:30:00" },
	/* Before work: counts from 08:30; + 1 h = 09:30. */
	{ "start before work", "2026-03-03 07:00", 1, WORKTIME_WORK_HOUR,
	  "2026-03-03 09:30:00" },
	/* At 17:30 the day is over: Wednesday 08:30 + 1 h = 09:30. */
	{ "start at 17:30", "2026-03-03 17:30", 1, WORKTIME_WORK_HOUR,
	  "2026-03-04 09:30:00" },
	/* Fri 16:00-17:30 is 1.5 h; 2.5 h left from Mon 08:30: 11:00. */
	{ "Friday afternoon into Monday", "2026-03-06 16:00", 4,
	  WORKTIME_WORK_HOUR, "2026-03-09 11:00:00" },
	/* Starts on a plain Saturday: Monday 08:30 + 1 h = 09:30. */
	{ "start on a weekend", "2026-03-07 10:00", 1, WORKTIME_WORK_HOUR,
	  "2026-03-09 09:30:00" },
	/* 90 minutes: 11:00-12:00 is 1 h, then 13:30 + 30 min = 14:00. */
	{ "90 minutes", "2026-03-03 11:00", 1.5, WORKTIME_WORK_HOUR,
	  "2026-03-03 14:00:00" },
	/* 0.01 h = 36 s: 10 s up to 12:00, 26 s from 13:30. */
	{ "36 seconds over the break", "2026-03-03 11:59:50", 0.01,
	  WORKTIME_WORK_HOUR, "2026-03-03 13:30:26" },
	/* A limit of 0 is due at once, even in the break. */
	{ "zero limit", "2026-03-03 12:30", 0, WORKTIME_WORK_HOUR,
	  "2026-03-03 12:30:00" },
	/* 1 day = 7.5 h: Tue 10:00-12:00 2 h, 13:30-17:30 4 h, Wed
	 * 08:30 + 1.5 h = 10:00: the same time one working day later. */
	{ "one working day", "2026-03-03 10:00", 1, WORKTIME_WORK_DAY,
	  "2026-03-04 10:00:00" },
	/* 0.5 day = 3.75 h: 08:30-12:00 3.5 h, 13:30 + 15 min = 13:45. */
	{ "half a working day", "2026-03-03 08:30", 0.5, WORKTIME_WORK_DAY,
	  "2026-03-03 13:45:00" },
	/* From Mon 12:30 it counts from 13:30: 13:30-17:30 4 h, then Tue
	 * 08:30 + 3.5 h = 12:00 (not the 12:30 of "the same time"). */
	{ "working day from the break", "2026-03-02 12:30", 1,
	  WORKTIME_WORK_DAY, "2026-03-03 12:00:00" },
	/* 春节: Fri 02-13 15:00-17:30 2.5 h; Sat 02-14 is worked: 08:30-
	 * 12:00 3.5 h (6 h), 13:30 + 1.5 h = Sat 15:00. */
	{ "春节: Friday into the make-up Saturday", "2026-02-13 15:00", 1,
	  WORKTIME_WORK_DAY, "2026-02-14 15:00:00" },
	/* Sat 02-14 16:00-17:30 1.5 h; 02-15..23 off; Tue 02-24 08:30 +
	 * 2.5 h = 11:00. */
	{ "春节: over the nine days off", "2026-02-14 16:00", 4,
	  WORKTIME_WORK_HOUR, "2026-02-24 11:00:00" },
	/* 3 days = 22.5 h: Fri 02-13 7 h (from 09:00), Sat 02-14 7.5 h,
	 * Tue 02-24 7.5 h, 0.5 h left: Wed 02-25 09:00. */
	{ "春节: three working days", "2026-02-13 09:00", 3,
	  WORKTIME_WORK_DAY, "2026-02-25 09:00:00" },
	/* A start in the holiday counts from Tue 02-24 08:30: + 2 h. */
	{ "春节: start inside the holiday", "2026-02-18 10:00", 2,
	  WORKTIME_WORK_HOUR, "2026-02-24 10:30:00" },
	/* Fri 02-27 17:00-17:30 0.5 h; Sat 02-28 is worked: 08:30 +
	 * 0.5 h = 09:00. */
	{ "make-up Saturday 2026-02-28", "2026-02-27 17:00", 1,
	  WORKTIME_WORK_HOUR, "2026-02-28 09:00:00" },
	/* 国庆 2025: Sat 09-27 is off, Sun 09-28 is worked: 08:30 + 1 h. */
	{ "国庆 2025: make-up Sunday", "2025-09-27 10:00", 1,
	  WORKTIME_WORK_HOUR, "2025-09-28 09:30:00" },
	/* 2 days = 15 h: Tue 09-30 10:00 on is 6 h; 10-01..08 off; Thu
	 * 10-09 7.5 h (13.5 h); Fri 10-10 08:30 + 1.5 h = 10:00. */
	{ "国庆 2025: two working days", "2025-09-30 10:00", 2,
	  WORKTIME_WORK_DAY, "2025-10-10 10:00:00" },
	/* Wed 09-30 16:30-17:30 1 h; 10-01..07 off; Thu 10-08 + 1 h. */
	{ "国庆 2026: into the first day back", "2026-09-30 16:30", 2,
	  WORKTIME_WORK_HOUR, "2026-10-08 09:30:00" },
	/* Fri 10-09 17:00-17:30 0.5 h; Sat 10-10 is worked: 09:00. */
	{ "国庆 2026: make-up Saturday", "2026-10-09 17:00", 1,
	  WORKTIME_WORK_HOUR, "2026-10-10 09:00:00" },
	/* 元旦 2026: Wed 12-31 17:00 0.5 h; 01-01..03 off; Sun 01-04 is
	 * worked: 08:30 + 0.5 h = 09:00. */
	{ "元旦 2026: over the new year", "2025-12-31 17:00", 1,
	  WORKTIME_WORK_HOUR, "2026-01-04 09:00:00" },
	/* 2027 unpublished: Thu 12-31 16:00-17:30 1.5 h; Fri 2027-01-01
	 * counts as a weekday: 3.5 h (5 h), 13:30 + 2.5 h = 16:00. */
	{ "2027: new year's day counted as working", "2026-12-31 16:00", 1,
	  WORKTIME_WORK_DAY, "2027-01-01 16:00:00" },
	/* 2027: Fri 17:00-17:30 0.5 h; Sat, Sun off; Mon 08:30 + 0.5 h. */
	{ "2027: weekends still off", "2027-01-01 17:00", 1,
	  WORKTIME_WORK_HOUR, "2027-01-04 09:00:00" },
	/* Clock hours ignore periods and holidays: 22:00 + 6 h. */
	{ "clock hours across midnight into 春节", "2026-02-14 22:00", 6,
	  WORKTIME_CLOCK_HOUR, "2026-02-15 04:00:00" },
	/* 0.5 clock hour = 30 min, in a holiday night. */
	{ "half a clock hour", "2026-02-16 23:50", 0.5, WORKTIME_CLOCK_HOUR,
	  "2026-02-17 00:20:00" },
	/* Clock hours over a weekend: Sat 20:00 + 30 h = Mon 02:00. */
	{ "clock hours over a weekend", "2026-03-07 20:00", 30,
	  WORKTIME_CLOCK_HOUR, "2026-03-09 02:00:00" },
	/* 3 natural days = 72 h, whatever is off. */
	{ "natural days over 春节", "2026-02-13 10:00", 3,
	  WORKTIME_NATURAL_DAY, "2026-02-16 10:00:00" },
	/* 2.5 days = 60 h: 02-27 20:00 + 48 h = 03-01 20:00 (February 2026
	 * has 28 days), + 12 h = 03-02 08:00. */
	{ "2.5 natural days over a month end", "2026-02-27 20:00", 2.5,
	  WORKTIME_NATURAL_DAY, "2026-03-02 08:00:00" },
};

static void
test_deadline(void **state)
{
	const struct deadline_case *c;
	int64_t limit;
	size_t i;

	for (i = 0; i < sizeof deadline_cases / sizeof deadline_cases[0]; i++) {
		c = &deadline_cases[i];
		print_message("deadline: %s\n", c->name);
		limit = worktime_limit(cal, c->limit, c->unit);
		assert_string_equal(fmt(worktime_deadline(cal, at(c->start),
		    limit, c->unit, NULL, 0)), c->want);
	}
}

static const struct elapsed_case {
	const char		*name;
	const char		*start;
	const char		*end;
	enum worktime_unit	 unit;
	int64_t			 want;		/* seconds of the unit's clock */
	double			 units;		/* the same in units */
} elapsed_cases[] = {
	/* 09:00-12:00 3 h, 13:30-14:00 0.5 h. */
	{ "over lunch", "2026-03-03 09:00", "2026-03-03 14:00",
	  WORKTIME_WORK_HOUR, 12600, 3.5 },
	/* The break alone is no working time. */
	{ "the break", "2026-03-03 12:00", "2026-03-03 13:30",
	  WORKTIME_WORK_HOUR, 0, 0 },
	/* Fri 16:00-17:30 1.5 h, Mon 08:30-09:00 0.5 h. */
	{ "Friday to Monday", "2026-03-06 16:00", "2026-03-09 09:00",
	  WORKTIME_WORK_HOUR, 7200, 2 },
	/* A plain weekend. */
	{ "weekend", "2026-03-07 00:00", "2026-03-09 00:00",
	  WORKTIME_WORK_HOUR, 0, 0 },
	/* Fri 02-13 15:00- 2.5 h, Sat 02-14 7.5 h, Tue 02-24 -09:00 0.5 h:
	 * 10.5 h = 1.4 days of 7.5 h. */
	{ "春节 in work hours", "2026-02-13 15:00", "2026-02-24 09:00",
	  WORKTIME_WORK_HOUR, 37800, 10.5 },
	{ "春节 in working days", "2026-02-13 15:00", "2026-02-24 09:00",
	  WORKTIME_WORK_DAY, 37800, 1.4 },
	/* 10 days and 18 h = 258 h = 10.75 days of 24 h. */
	{ "春节 in clock hours", "2026-02-13 15:00", "2026-02-24 09:00",
	  WORKTIME_CLOCK_HOUR, 928800, 258 },
	{ "春节 in natural days", "2026-02-13 15:00", "2026-02-24 09:00",
	  WORKTIME_NATURAL_DAY, 928800, 10.75 },
	/* 国庆 2025: Tue 09-30 17:00-17:30 0.5 h, Thu 10-09 08:30-09:30 1 h. */
	{ "国庆 2025", "2025-09-30 17:00", "2025-10-09 09:30",
	  WORKTIME_WORK_HOUR, 5400, 1.5 },
	/* 2027 Friday 01-01 counts (unpublished): 7.5 h. */
	{ "2027-01-01", "2027-01-01 00:00", "2027-01-02 00:00",
	  WORKTIME_WORK_DAY, 27000, 1 },
	/* The end before the start: nothing used. */
	{ "backwards", "2026-03-03 14:00", "2026-03-03 09:00",
	  WORKTIME_WORK_HOUR, 0, 0 },
	{ "backwards clock", "2026-03-03 14:00", "2026-03-03 09:00",
	  WORKTIME_CLOCK_HOUR, 0, 0 },
};

static void
test_elapsed(void **state)
{
	const struct elapsed_case *c;
	int64_t got;
	size_t i;

	for (i = 0; i < sizeof elapsed_cases / sizeof elapsed_cases[0]; i++) {
		c = &elapsed_cases[i];
		print_message("elapsed: %s\n", c->name);
		got = worktime_elapsed(cal, at(c->start), at(c->end), c->unit,
		    NULL, 0);
		assert_int_equal(got, c->want);
		assert_true(worktime_to_units(cal, got, c->unit) == c->units);
	}
}

static const struct pause_case {
	const char		*name;
	const char		*start;
	double			 limit;
	enum worktime_unit	 unit;
	const char		*pauses[NPAUSES][2];
	const char		*want;
	int64_t			 used;	/* elapsed from start to check */
	const char		*check;
} pause_cases[] = {
	/* Without pauses 09:00 + 4 h = 14:30 (3 h + 1 h). */
	{ "none", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR, { { NULL } },
	  "2026-03-03 14:30:00", 3 * 3600, "2026-03-03 12:00" },
	/* The pause covers 1 working hour: 15:30.  By 12:00, 3 h - 1 h. */
	{ "one hour in the morning", "2026-03-03 09:00", 4,
	  WORKTIME_WORK_HOUR, { { "2026-03-03 10:00", "2026-03-03 11:00" } },
	  "2026-03-03 15:30:00", 2 * 3600, "2026-03-03 12:00" },
	/* 11:30-14:00 covers 11:30-12:00 and 13:30-14:00: 1 h: 15:30. */
	{ "over the lunch break", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 11:30", "2026-03-03 14:00" } },
	  "2026-03-03 15:30:00", 9000, "2026-03-03 14:00" },
	/* Given out of order, 13:30-14:00 and 10:00-10:30: 1 h: 15:30. */
	{ "out of order", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 13:30", "2026-03-03 14:00" },
	    { "2026-03-03 10:00", "2026-03-03 10:30" } },
	  "2026-03-03 15:30:00", 3 * 3600, "2026-03-03 14:30" },
	/* 10:00-11:00 and 10:30-11:30 overlap: 1.5 h once: 16:00. */
	{ "overlapping", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 10:00", "2026-03-03 11:00" },
	    { "2026-03-03 10:30", "2026-03-03 11:30" } },
	  "2026-03-03 16:00:00", 3600, "2026-03-03 11:30" },
	/* Paused from before the start to 10:00: 10:00-12:00 2 h, 13:30
	 * + 2 h = 15:30. */
	{ "covering the start", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 08:00", "2026-03-03 10:00" } },
	  "2026-03-03 15:30:00", 0, "2026-03-03 10:00" },
	/* Nor does one over before the start (the day before). */
	{ "before the start", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-02 10:00", "2026-03-02 11:00" } },
	  "2026-03-03 14:30:00", 3 * 3600, "2026-03-03 12:00" },
	/* A pause after the deadline moves nothing. */
	{ "after the deadline", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 15:00", "2026-03-03 16:00" } },
	  "2026-03-03 14:30:00", 4 * 3600, "2026-03-03 14:30" },
	/* Nor one that begins at the deadline: the case was due. */
	{ "at the deadline", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 14:30", "2026-03-03 15:00" } },
	  "2026-03-03 14:30:00", 4 * 3600, "2026-03-03 15:00" },
	/* A pause in the break covers no working time: 14:30. */
	{ "inside the break", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 12:10", "2026-03-03 13:20" } },
	  "2026-03-03 14:30:00", 3 * 3600, "2026-03-03 13:30" },
	/* 挂账 over two working days: Mon 10:00-11:00 1 h used, paused
	 * Mon 11:00 to Wed 11:00; 6.5 h left: Wed 11:00-12:00 1 h, 13:30-
	 * 17:30 4 h, Thu 08:30 + 1.5 h = 10:00.  Without it: Tue 10:00. */
	{ "two days postponed", "2026-03-02 10:00", 1, WORKTIME_WORK_DAY,
	  { { "2026-03-02 11:00", "2026-03-04 11:00" } },
	  "2026-03-05 10:00:00", 3600, "2026-03-04 11:00" },
	/* Clock hours: 22:00 + 6 h = 04:00, paused 2 h: 06:00. */
	{ "clock hours", "2026-03-03 22:00", 6, WORKTIME_CLOCK_HOUR,
	  { { "2026-03-03 23:00", "2026-03-04 01:00" } },
	  "2026-03-04 06:00:00", 4 * 3600, "2026-03-04 04:00" },
	/* An empty or reversed span is no pause. */
	{ "empty spans", "2026-03-03 09:00", 4, WORKTIME_WORK_HOUR,
	  { { "2026-03-03 10:00", "2026-03-03 10:00" },
	    { "2026-03-03 11:00", "2026-03-03 10:30" } },
	  "2026-03-03 14:30:00", 3 * 3600, "2026-03-03 12:00" },
};

static size_t
pause_spans(const struct pause_case *c, struct worktime_span *spans)
{
	size_t n;

	for (n = 0; n < NPAUSES && c->pauses[n][0] != NULL; n++) {
		spans[n].from = at(c->pauses[n][0]);
		spans[n].to = at(c->pauses[n][1]);
	}
	return n;
}

static void
test_pauses(void **state)
{
	const struct pause_case *c;
	struct worktime_span spans[NPAUSES];
	int64_t start, limit, deadline;
	size_t i, n;

	for (i = 0; i < sizeof pause_cases / sizeof pause_cases[0]; i++) {
		c = &pause_cases[i];
		print_message("pauses: %s\n", c->name);
		n = pause_spans(c, spans);
		start = at(c->start);
		limit = worktime_limit(cal, c->limit, c->unit);
		deadline = worktime_deadline(cal, start, limit, c->unit, spans,
		    n);
		assert_string_equal(fmt(deadline), c->want);
		assert_int_equal(worktime_elapsed(cal, start, at(c->check),
		    c->unit, spans, n), c->used);
		assert_int_equal(worktime_elapsed(cal, start, deadline,
		    c->unit, spans, n), limit);
	}
}

/*
 * Deadline and elapsed agree: for starts every 37 minutes over 春节 and
 * 国庆 2025, every unit and a range of limits, the limit is used in full
 * exactly at the deadline and not a second before, and a working
 * deadline falls in working time (the second before it is working).
 */
static void
test_consistency(void **state)
{
	static const char *from[] = { "2026-02-10 00:00", "2025-09-25 00:00" };
	static const int64_t limits[] = { 1, 36, 1800, 3600, 12600, 27000,
	    86400, 3 * 27000, 10 * 86400 };
	struct worktime_span pause[1];
	int64_t t, t0, d, lim;
	size_t f, l;
	int u;

	for (f = 0; f < 2; f++) {
		t0 = at(from[f]);
		for (t = t0; t < t0 + 25 * 86400; t += 37 * 60) {
			pause[0].from = t + 3600;
			pause[0].to = t + 3 * 86400;
			for (u = 0; u <= WORKTIME_NATURAL_DAY; u++) {
				for (l = 0; l < sizeof limits / sizeof limits[0]; l++) {
					lim = limits[l];
					d = worktime_deadline(cal, t, lim, u, NULL, 0);
					assert_int_equal(worktime_elapsed(cal, t, d, u, NULL, 0), lim);
					assert_int_equal(worktime_elapsed(cal, t, d - 1, u, NULL, 0), lim - 1);
					if (u <= WORKTIME_WORK_DAY)
						assert_int_equal(worktime_next_working(cal, d - 1), d - 1);
					d = worktime_deadline(cal, t, lim, u, pause, 1);
					assert_int_equal(worktime_elapsed(cal, t, d, u, pause, 1), lim);
				}
			}
		}
	}
}

static void
test_days(void **state)
{
	/* Working days by the calendar, and the names it gives. */
	assert_false(worktime_working_day(cal, at("2026-02-15 10:00")));
	assert_false(worktime_working_day(cal, at("2026-02-23 10:00")));
	assert_true(worktime_working_day(cal, at("2026-02-14 10:00")));
	assert_true(worktime_working_day(cal, at("2026-02-28 10:00")));
	assert_false(worktime_working_day(cal, at("2026-03-07 10:00")));
	assert_true(worktime_working_day(cal, at("2026-03-09 10:00")));
	assert_true(worktime_working_day(cal, at("2027-01-01 10:00")));
	assert_false(worktime_working_day(cal, at("2027-01-02 10:00")));
	assert_string_equal(worktime_day_name(cal, at("2026-02-14 10:00")), "春节");
	assert_string_equal(worktime_day_name(cal, at("2025-10-11 23:59:59")),
	    "国庆节、中秋节");
	assert_null(worktime_day_name(cal, at("2026-03-09 10:00")));
	/* The day boundary is CST midnight: 2026-02-14 16:00 UTC is
	 * 2026-02-15 00:00 CST, a holiday; a second before is worked. */
	assert_false(worktime_working_day(cal, 1771084800));
	assert_true(worktime_working_day(cal, 1771084800 - 1));
	/* The next working moment. */
	assert_string_equal(fmt(worktime_next_working(cal,
	    at("2026-02-14 17:30"))), "2026-02-24 08:30:00");
	assert_string_equal(fmt(worktime_next_working(cal,
	    at("2026-03-03 11:59:59"))), "2026-03-03 11:59:59");
	assert_string_equal(fmt(worktime_next_working(cal,
	    at("2026-03-03 12:00"))), "2026-03-03 13:30:00");
}

static void
test_unpublished(void **state)
{
	int64_t t = at("2026-12-31 16:00"), d;

	assert_true(worktime_published(cal, 2025));
	assert_true(worktime_published(cal, 2026));
	assert_false(worktime_published(cal, 2027));	/* loaded, no days */
	assert_false(worktime_published(cal, 2024));	/* not loaded */
	assert_int_equal(worktime_unpublished(cal, at("2025-01-01 00:00"),
	    at("2026-12-31 23:59:59")), 0);
	/* The deadline of 1 working day from Thu 12-31 16:00 is in 2027. */
	d = worktime_deadline(cal, t, 27000, WORKTIME_WORK_DAY, NULL, 0);
	assert_int_equal(worktime_unpublished(cal, t, d), 2027);
	assert_int_equal(worktime_unpublished(cal, d, d), 2027);
	/* 2027 begins at CST midnight, 16:00 UTC the day before. */
	assert_int_equal(worktime_unpublished(cal, at("2027-01-01 00:00"),
	    at("2027-01-01 00:00")), 2027);
	assert_int_equal(worktime_unpublished(cal, t,
	    at("2026-12-31 23:59:59")), 0);
	assert_int_equal(worktime_unpublished(cal, at("2024-12-31 12:00"), t),
	    2024);
	/* A year marked published by hand. */
	assert_int_equal(worktime_published(cal, 2040), 0);
	worktime_publish(cal, 2040);
	worktime_publish(cal, 2040);
	assert_true(worktime_published(cal, 2040));
	assert_int_equal(worktime_unpublished(cal, at("2040-06-01 00:00"),
	    at("2040-06-02 00:00")), 0);
}

static const struct period_case {
	const char	*spec;
	const char	*err;		/* part of the message; NULL: valid */
	int64_t		 day;		/* the working day, seconds */
	const char	*print;
} period_cases[] = {
	{ "08:30-12:00,13:30-17:30", NULL, 27000, "08:30-12:00,13:30-17:30" },
	{ "8:00-12:00, 14:00-18:00", NULL, 28800, "08:00-12:00,14:00-18:00" },
	{ "00:00-24:00", NULL, 86400, "00:00-24:00" },
	{ "08:00-12:00,12:00-13:00", NULL, 18000, "08:00-12:00,12:00-13:00" },
	{ "00:00-01:00,02:00-03:00,04:00-05:00,06:00-07:00,08:00-09:00,"
	  "10:00-11:00,12:00-13:00,14:00-15:00", NULL, 8 * 3600,
	  "00:00-01:00,02:00-03:00,04:00-05:00,06:00-07:00,08:00-09:00,"
	  "10:00-11:00,12:00-13:00,14:00-15:00" },
	{ "", "no work periods", 0, NULL },
	{ "  ", "no work periods", 0, NULL },
	{ "08:30-12:00,", "bad work period \"\"", 0, NULL },
	{ "08:30-12:00;13:30-17:30", "bad work period \"08:30-12:00;13:30-17:30\"", 0, NULL },
	{ "8.30-12.00", "expected HH:MM-HH:MM", 0, NULL },
	{ "08:30 - 12:00", "bad work period", 0, NULL },
	{ "25:00-26:00", "bad work period", 0, NULL },
	{ "08:60-09:00", "bad work period", 0, NULL },
	{ "23:00-24:30", "bad work period", 0, NULL },
	{ "108:00-12:00", "bad work period", 0, NULL },
	{ "08:30-12:00x", "bad work period", 0, NULL },
	{ "-08:30-12:00", "bad work period", 0, NULL },
	{ "12:00-08:30", "\"12:00-08:30\" does not end after it starts", 0, NULL },
	{ "09:00-09:00", "does not end after it starts", 0, NULL },
	{ "13:30-17:30,08:30-12:00", "\"08:30-12:00\" starts before the one "
	  "before it ends (17:30)", 0, NULL },
	{ "08:30-12:00,11:00-17:30", "\"11:00-17:30\" starts before the one "
	  "before it ends (12:00)", 0, NULL },
	{ "00:00-01:00,02:00-03:00,04:00-05:00,06:00-07:00,08:00-09:00,"
	  "10:00-11:00,12:00-13:00,14:00-15:00,16:00-17:00",
	  "more than 8 work periods", 0, NULL },
};

static void
test_periods(void **state)
{
	const struct period_case *c;
	struct worktime_calendar *w;
	char *cause, buf[256];
	size_t i;

	for (i = 0; i < sizeof period_cases / sizeof period_cases[0]; i++) {
		c = &period_cases[i];
		print_message("periods: \"%s\"\n", c->spec);
		w = worktime_create();
		cause = NULL;
		if (c->err == NULL) {
			assert_int_equal(worktime_set_periods(w, c->spec, &cause), 0);
			assert_int_equal(worktime_day_seconds(w), c->day);
			assert_int_equal(worktime_unit_seconds(w,
			    WORKTIME_WORK_DAY), c->day);
			worktime_periods(w, buf, sizeof buf);
			assert_string_equal(buf, c->print);
		} else {
			assert_int_equal(worktime_set_periods(w, c->spec, &cause), -1);
			assert_non_null(strstr(cause, c->err));
			free(cause);
			/* Left as they were. */
			assert_int_equal(worktime_day_seconds(w), 27000);
		}
		worktime_free(w);
	}
}

/* Three periods, 08:00-12:00, 14:00-18:00, 19:00-21:00: a 10 h day. */
static void
test_custom_periods(void **state)
{
	struct worktime_calendar *w = worktime_create();
	char *cause;

	assert_int_equal(worktime_set_periods(w,
	    "08:00-12:00,14:00-18:00,19:00-21:00", &cause), 0);
	/* Tue 17:00-18:00 1 h, 19:00-21:00 2 h, Wed 08:00 + 2 h = 10:00. */
	assert_string_equal(fmt(worktime_deadline(w, at("2026-03-03 17:00"),
	    worktime_limit(w, 5, WORKTIME_WORK_HOUR), WORKTIME_WORK_HOUR,
	    NULL, 0)), "2026-03-04 10:00:00");
	/* One working day = 10 h: Tue 17:00 to Wed 17:00. */
	assert_string_equal(fmt(worktime_deadline(w, at("2026-03-03 17:00"),
	    worktime_limit(w, 1, WORKTIME_WORK_DAY), WORKTIME_WORK_DAY,
	    NULL, 0)), "2026-03-04 17:00:00");
	/* No calendar loaded: 2026-02-16 (春节) is a plain Monday. */
	assert_true(worktime_working_day(w, at("2026-02-16 10:00")));
	assert_int_equal(worktime_unpublished(w, at("2026-02-16 10:00"),
	    at("2026-02-16 10:00")), 2026);
	worktime_free(w);
}

static void
test_units(void **state)
{
	static const char *names[] = { "work_hour", "work_day", "clock_hour",
	    "natural_day" };
	enum worktime_unit u;
	size_t i;

	for (i = 0; i < 4; i++) {
		assert_int_equal(worktime_unit_parse(names[i], &u), 0);
		assert_int_equal(u, (int)i);
		assert_string_equal(worktime_unit_name(u), names[i]);
	}
	assert_int_equal(worktime_unit_parse("hour", &u), -1);
	assert_string_equal(worktime_unit_label(WORKTIME_CLOCK_HOUR), "紧急工作时");
	/* Limits in seconds of each unit's clock. */
	assert_int_equal(worktime_limit(cal, 1.5, WORKTIME_WORK_HOUR), 5400);
	assert_int_equal(worktime_limit(cal, 0.01, WORKTIME_WORK_HOUR), 36);
	assert_int_equal(worktime_limit(cal, 2, WORKTIME_WORK_DAY), 54000);
	assert_int_equal(worktime_limit(cal, 0.01, WORKTIME_WORK_DAY), 270);
	assert_int_equal(worktime_limit(cal, 0.5, WORKTIME_CLOCK_HOUR), 1800);
	assert_int_equal(worktime_limit(cal, 1.25, WORKTIME_NATURAL_DAY), 108000);
	assert_int_equal(worktime_limit(cal, 999999.99, WORKTIME_WORK_HOUR),
	    INT64_C(3599999964));
	assert_true(worktime_to_units(cal, 13500, WORKTIME_WORK_DAY) == 0.5);
}

static void
test_time(void **state)
{
	static const char *bad[] = { "2026-02-30 10:00", "2026-2-3 10:00",
	    "2026-02-03 24:00", "2026-02-03 10:00:60", "2026-02-03",
	    "2026-02-03 10:0", "2026-02-03 10:00 ", "2026/02/03 10:00" };
	int64_t t;
	char buf[32];
	size_t i;

	/* The epoch is 08:00 in Beijing. */
	assert_int_equal(at("1970-01-01 08:00"), 0);
	assert_int_equal(at("1970-01-01T07:59:59"), -1);
	/* 2026-02-15 00:00 CST = 2026-02-14 16:00 UTC = 1771084800. */
	assert_int_equal(at("2026-02-15 00:00"), 1771084800);
	assert_int_equal(at("2000-02-29 12:00"), 951796800);
	worktime_format(1771084800 - 1, buf, sizeof buf);
	assert_string_equal(buf, "2026-02-14 23:59:59");
	worktime_format(-1, buf, sizeof buf);
	assert_string_equal(buf, "1970-01-01 07:59:59");
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		print_message("time: \"%s\"\n", bad[i]);
		assert_int_equal(worktime_parse_time(bad[i], &t), -1);
	}
}

static const struct json_case {
	const char	*name;
	const char	*text;
	const char	*err;		/* part of the message */
} json_cases[] = {
	{ "not JSON", "{\"year\": 2030,", "t.json:1:" },
	{ "a list", "[]", "t.json: expected an object with \"year\"" },
	{ "year a string", "{\"year\":\"2030\",\"days\":[]}", "expected an object" },
	{ "year absurd", "{\"year\":30,\"days\":[]}", "expected an object" },
	{ "no days", "{\"year\":2030}", "\"days\" (a list)" },
	{ "duplicate key", "{\"year\":2030,\"year\":2031,\"days\":[]}", "t.json:1:" },
	{ "day not an object", "{\"year\":2030,\"days\":[1]}",
	  "t.json: days[0]: expected an object" },
	{ "isOffDay a string", "{\"year\":2030,\"days\":[{\"name\":\"x\","
	  "\"date\":\"2030-01-01\",\"isOffDay\":\"true\"}]}",
	  "days[0]: expected an object with \"date\", \"isOffDay\"" },
	{ "no name", "{\"year\":2030,\"days\":[{\"date\":\"2030-01-01\","
	  "\"isOffDay\":true}]}", "days[0]: expected" },
	{ "30 February", "{\"year\":2030,\"days\":[{\"name\":\"x\","
	  "\"date\":\"2030-01-01\",\"isOffDay\":true},{\"name\":\"x\","
	  "\"date\":\"2030-02-30\",\"isOffDay\":true}]}",
	  "days[1]: bad date \"2030-02-30\"" },
	{ "short date", "{\"year\":2030,\"days\":[{\"name\":\"x\","
	  "\"date\":\"2030-1-1\",\"isOffDay\":true}]}", "bad date \"2030-1-1\"" },
	{ "date with time", "{\"year\":2030,\"days\":[{\"name\":\"x\","
	  "\"date\":\"2030-01-01T00:00\",\"isOffDay\":true}]}", "bad date" },
	{ "other year", "{\"year\":2030,\"days\":[{\"name\":\"x\","
	  "\"date\":\"2031-01-01\",\"isOffDay\":true}]}",
	  "days[0]: 2031-01-01 is not in 2030" },
	{ "November before", "{\"year\":2030,\"days\":[{\"name\":\"x\","
	  "\"date\":\"2029-11-30\",\"isOffDay\":false}]}",
	  "2029-11-30 is not in 2030" },
	{ "listed twice", "{\"year\":2030,\"days\":[{\"name\":\"x\","
	  "\"date\":\"2030-05-01\",\"isOffDay\":true},{\"name\":\"y\","
	  "\"date\":\"2030-05-01\",\"isOffDay\":true}]}",
	  "t.json: 2030-05-01 is listed twice" },
	{ "year loaded", "{\"year\":2026,\"days\":[]}",
	  "the calendar of 2026 is already loaded" },
};

static void
test_json_errors(void **state)
{
	const struct json_case *c;
	char *cause;
	size_t i;

	for (i = 0; i < sizeof json_cases / sizeof json_cases[0]; i++) {
		c = &json_cases[i];
		print_message("json: %s\n", c->name);
		cause = NULL;
		assert_int_equal(worktime_load_buffer(cal, c->text,
		    strlen(c->text), "t.json", &cause), -1);
		assert_non_null(strstr(cause, c->err));
		free(cause);
	}
	/* Nothing of a refused file was added. */
	assert_null(worktime_day_name(cal, at("2030-01-01 10:00")));
	assert_null(worktime_day_name(cal, at("2030-05-01 10:00")));
	assert_false(worktime_published(cal, 2030));
	assert_int_equal(worktime_load_file(cal, VECTORS "1999.json", &cause), -1);
	assert_non_null(strstr(cause, VECTORS "1999.json"));
	free(cause);
	assert_int_equal(worktime_load_file(cal, VECTORS "2026.json", &cause), -1);
	assert_non_null(strstr(cause, "already loaded"));
	free(cause);
}

static void
test_json_good(void **state)
{
	struct worktime_calendar *w = worktime_create();
	static const char doc[] = "{\"year\":2030,\"papers\":[],\"days\":["
	    "{\"name\":\"元旦\",\"date\":\"2029-12-29\",\"isOffDay\":false},"
	    "{\"name\":\"元旦\",\"date\":\"2030-01-01\",\"isOffDay\":true}]}";
	static const char doc2[] = "{\"year\":2031,\"days\":["
	    "{\"name\":\"元旦\",\"date\":\"2031-01-01\",\"isOffDay\":true},"
	    "{\"name\":\"劳动节\",\"date\":\"2031-05-01\",\"isOffDay\":true}]}";
	char *cause;

	/* A notice may list the December before its year. */
	assert_int_equal(worktime_load_buffer(w, doc, strlen(doc), "t.json",
	    &cause), 0);
	assert_true(worktime_published(w, 2030));
	assert_false(worktime_published(w, 2029));
	assert_true(worktime_working_day(w, at("2029-12-29 10:00")));	/* Sat */
	assert_false(worktime_working_day(w, at("2030-01-01 10:00")));	/* Tue */
	/* By hand, as the daemon fills it from calendar_day. */
	assert_int_equal(worktime_add_day(w, "2030-10-01", 1, "国庆节",
	    &cause), 0);
	assert_false(worktime_working_day(w, at("2030-10-01 10:00")));
	assert_int_equal(worktime_add_day(w, "2030-10-01", 1, "国庆节",
	    &cause), -1);
	assert_string_equal(cause, "2030-10-01 is already in the calendar");
	free(cause);
	assert_int_equal(worktime_add_day(w, "2030-13-01", 1, "x", &cause), -1);
	assert_string_equal(cause, "bad date \"2030-13-01\" (expected YYYY-MM-DD)");
	free(cause);
	assert_int_equal(worktime_add_day(w, "2030-10-011", 1, "x", &cause), -1);
	free(cause);
	/* A file listing a day the calendar has is refused whole. */
	assert_int_equal(worktime_add_day(w, "2031-05-01", 1, "劳动节",
	    &cause), 0);
	assert_int_equal(worktime_load_buffer(w, doc2, strlen(doc2), "u.json",
	    &cause), -1);
	assert_string_equal(cause, "u.json: 2031-05-01 is already in the "
	    "calendar");
	free(cause);
	assert_null(worktime_day_name(w, at("2031-01-01 10:00")));
	assert_false(worktime_published(w, 2031));
	worktime_free(w);
}

/*
 * schema/data/holiday-cn.csv (what the database holds) added day by day
 * gives the same working days and names as the JSON files, every day of
 * 2025 and 2026.
 */
static void
test_csv_matches_json(void **state)
{
	struct worktime_calendar *w = worktime_create();
	char line[256], *date, *off, *name, *cause;
	const char *n1, *n2;
	FILE *f;
	int64_t t;
	int rows = 0;

	f = fopen("schema/data/holiday-cn.csv", "r");
	assert_non_null(f);
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\r\n")] = '\0';
		if (rows++ == 0)
			continue;	/* header */
		date = strtok(line, ",");
		off = strtok(NULL, ",");
		name = strtok(NULL, ",");
		assert_non_null(name);
		if (worktime_add_day(w, date, strcmp(off, "t") == 0, name,
		    &cause) != 0)
			fail_msg("%s", cause);
	}
	fclose(f);
	assert_int_equal(rows, 679);
	for (t = at("2025-01-01 12:00"); t < at("2027-01-01 00:00"); t += 86400) {
		assert_int_equal(worktime_working_day(w, t),
		    worktime_working_day(cal, t));
		n1 = worktime_day_name(w, t);
		n2 = worktime_day_name(cal, t);
		assert_true((n1 == NULL) == (n2 == NULL));
		if (n1 != NULL)
			assert_string_equal(n1, n2);
	}
	worktime_free(w);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_time),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_periods),
		cmocka_unit_test(test_custom_periods),
		cmocka_unit_test(test_days),
		cmocka_unit_test(test_deadline),
		cmocka_unit_test(test_elapsed),
		cmocka_unit_test(test_pauses),
		cmocka_unit_test(test_consistency),
		cmocka_unit_test(test_unpublished),
		cmocka_unit_test(test_json_good),
		cmocka_unit_test(test_json_errors),
		cmocka_unit_test(test_csv_matches_json),
	};

	return cmocka_run_group_tests_name("worktime", tests, setup, teardown);
}
