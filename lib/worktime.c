/*
 * worktime.c: the working-time calendar that case limits are counted in.
 *
 * Time is China Standard Time: UTC+8 all year, no daylight saving time
 * (none since 1991).  Civil dates are computed here with that fixed
 * offset, never through TZ or localtime(3), so a daemon with TZ=UTC
 * counts the same deadlines.  An instant is an int64_t of seconds since
 * the Unix epoch; a day number counts days since 1970-01-01 in CST.
 *
 * A day is a working day if the calendar lists it as a make-up working
 * day (调休), or if it is a Monday to Friday the calendar does not list
 * as off.  Working time is the configured work periods of working days;
 * a period is half-open, [08:30, 12:00).  A year with no published
 * calendar is counted with weekends only; worktime_unpublished() tells
 * callers so they can flag such a deadline.
 *
 * Each unit counts on one of two clocks, in seconds:
 *	work_hour	工作时		working seconds, 3600 a unit
 *	work_day	工作日		working seconds, one configured
 *					working day a unit (7.5 h by default)
 *	clock_hour	紧急工作时	clock seconds, 3600 a unit
 *	natural_day	自然日		clock seconds, 86400 a unit
 * so a limit and what has been used of it are compared in one clock.
 *
 * Edge rules:
 *   - The deadline of a limit L > 0 is the earliest instant at which L
 *     seconds of the unit's clock have run since the start.  It never
 *     lies in a break: a limit that runs out at 12:00 is due at 12:00,
 *     not at 13:30.  A limit of 0 or less is due at the start.
 *   - Working time does not run outside work periods, so a start outside
 *     them counts from the next working moment.  N work_day from a start
 *     in working time land at the same time of day N working days later;
 *     from a break they land at a period's end (Mon 12:30 + 1 work_day
 *     counts from 13:30 and is due Tue 12:00).
 *   - Finishing at the deadline itself is on time (finished <= deadline).
 *   - A pause [from, to) stops the unit's clock; the deadline moves by
 *     the working (or clock) time the pause covered.  A pause that begins
 *     at or after the deadline does not move it: the case was already due.
 *     Overlapping pauses count once; open pauses must be closed by the
 *     caller (at "now", say).
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cg.h"

#define WORKTIME_OFFSET		(8 * 3600)	/* CST = UTC+8, no DST */
#define WORKTIME_DAY		86400

struct worktime_period {
	int		 start;		/* seconds after midnight */
	int		 end;		/* exclusive; 24:00 allowed */
};

struct worktime_day {
	int64_t		 day;		/* day number */
	int		 off;		/* 1 holiday, 0 make-up working day */
	char		*name;		/* owned: "春节" */
};

struct worktime_calendar {
	struct worktime_period	 periods[WORKTIME_MAX_PERIODS];
	size_t			 nperiods;
	int64_t			 day_seconds;	/* sum of the periods */

	struct worktime_day	*days;		/* sorted by day, unique */
	size_t			 ndays;

	int			*years;		/* published, sorted */
	size_t			 nyears;
};

/* The units, by enum worktime_unit; names as in filing_condition. */
static const struct {
	const char	*name;
	const char	*label;
	int		 working;	/* counts working time, not clock time */
	int64_t		 seconds;	/* of one unit; 0: the working day */
} worktime_unit_table[] = {
	[WORKTIME_WORK_HOUR] = { "work_hour", "工作时", 1, 3600 },
	[WORKTIME_WORK_DAY] = { "work_day", "工作日", 1, 0 },
	[WORKTIME_CLOCK_HOUR] = { "clock_hour", "紧急工作时", 0, 3600 },
	[WORKTIME_NATURAL_DAY] = { "natural_day", "自然日", 0, WORKTIME_DAY },
};
#define WORKTIME_NUNITS \
	(sizeof worktime_unit_table / sizeof worktime_unit_table[0])

/* A day listed in a holiday-cn file, checked but not yet added. */
struct worktime_entry {
	int64_t		 day;
	int		 off;
	const char	*name;		/* borrowed from the JSON document */
	const char	*date;
};

static int64_t
worktime_floordiv(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static int64_t
worktime_max(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

static int64_t
worktime_min(int64_t a, int64_t b)
{
	return a < b ? a : b;
}

/* The CST day number of an instant, and the instant its day begins. */
static int64_t
worktime_dayof(int64_t t)
{
	return worktime_floordiv(t + WORKTIME_OFFSET, WORKTIME_DAY);
}

static int64_t
worktime_midnight(int64_t day)
{
	return day * WORKTIME_DAY - WORKTIME_OFFSET;
}

/* Day number of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
worktime_days(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = worktime_floordiv(y, 400);
	yoe = y - era * 400;
	doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

/* The date of a day number (civil_from_days). */
static void
worktime_civil(int64_t day, int *y, int *m, int *d)
{
	int64_t z, era, doe, yoe, doy, mp;

	z = day + 719468;
	era = worktime_floordiv(z, 146097);
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (int)(doy - (153 * mp + 2) / 5 + 1);
	*m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
worktime_yearof(int64_t t)
{
	int y, m, d;

	worktime_civil(worktime_dayof(t), &y, &m, &d);
	return y;
}

/* Read n decimal digits; -1 if one is not a digit. */
static int
worktime_digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (!isdigit((unsigned char)*s))
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/* Parse "YYYY-MM-DD" at s, a date that exists, into a day number. */
static int
worktime_parse_ymd(const char *s, int64_t *day)
{
	int y, m, d, cy, cm, cd;

	if (strnlen(s, 10) < 10 || s[4] != '-' || s[7] != '-')
		return -1;
	y = worktime_digits(s, 4);
	m = worktime_digits(s + 5, 2);
	d = worktime_digits(s + 8, 2);
	if (y < 0 || m < 1 || m > 12 || d < 1 || d > 31)
		return -1;
	*day = worktime_days(y, m, d);
	worktime_civil(*day, &cy, &cm, &cd);
	return (cy == y && cm == m && cd == d) ? 0 : -1;
}

/* The same, with nothing after the date. */
static int
worktime_parse_date(const char *s, int64_t *day)
{
	if (strnlen(s, 11) != 10)
		return -1;
	return worktime_parse_ymd(s, day);
}

/*
 * Parse "YYYY-MM-DD HH:MM" or "YYYY-MM-DD HH:MM:SS" (a 'T' may stand for
 * the space), a civil time in CST.
 */
int
worktime_parse_time(const char *s, int64_t *t)
{
	int64_t day;
	int h, m, sec = 0;
	size_t len = strlen(s);

	if (len != 16 && len != 19)
		return -1;
	if (worktime_parse_ymd(s, &day) != 0 || (s[10] != ' ' && s[10] != 'T'))
		return -1;
	h = worktime_digits(s + 11, 2);
	m = worktime_digits(s + 14, 2);
	if (s[13] != ':' || h < 0 || h > 23 || m < 0 || m > 59)
		return -1;
	if (len == 19) {
		sec = worktime_digits(s + 17, 2);
		if (s[16] != ':' || sec < 0 || sec > 59)
			return -1;
	}
	*t = worktime_midnight(day) + h * 3600 + m * 60 + sec;
	return 0;
}

/* Write an instant as "YYYY-MM-DD HH:MM:SS" in CST. */
size_t
worktime_format(int64_t t, char *buf, size_t len)
{
	int64_t day = worktime_dayof(t), sod = t - worktime_midnight(day);
	int y, m, d, n;

	worktime_civil(day, &y, &m, &d);
	n = snprintf(buf, len, "%04d-%02d-%02d %02d:%02d:%02d", y, m, d,
	    (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
	return n < 0 ? 0 : (size_t)n;
}

struct worktime_calendar *
worktime_create(void)
{
	struct worktime_calendar *cal;
	char *cause;

	cal = xcalloc(1, sizeof *cal);
	if (worktime_set_periods(cal, WORKTIME_DEFAULT_PERIODS, &cause) != 0)
		fatalx("worktime: default periods: %s", cause);
	return cal;
}

void
worktime_free(struct worktime_calendar *cal)
{
	size_t i;

	if (cal == NULL)
		return;
	for (i = 0; i < cal->ndays; i++)
		free(cal->days[i].name);
	free(cal->days);
	free(cal->years);
	free(cal);
}

/* Parse "H:MM" or "HH:MM" (00:00 to 24:00) at *sp into seconds of the day. */
static int
worktime_parse_clock(const char **sp, int *secs)
{
	const char *s = *sp;
	int h, m, n;

	if (!isdigit((unsigned char)s[0]))
		return -1;
	n = isdigit((unsigned char)s[1]) ? 2 : 1;
	h = worktime_digits(s, n);
	if (h < 0 || s[n] != ':')
		return -1;
	m = worktime_digits(s + n + 1, 2);
	if (m < 0 || m > 59 || h > 24 || (h == 24 && m != 0))
		return -1;
	*secs = h * 3600 + m * 60;
	*sp = s + n + 3;
	return 0;
}

/* Parse one period "HH:MM-HH:MM", blanks around it allowed. */
static int
worktime_parse_period(const char *item, struct worktime_period *p,
    char **cause)
{
	const char *s = item;

	while (*s == ' ' || *s == '\t')
		s++;
	if (worktime_parse_clock(&s, &p->start) != 0 || *s++ != '-' ||
	    worktime_parse_clock(&s, &p->end) != 0)
		goto fail;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s != '\0')
		goto fail;
	if (p->end <= p->start) {
		xasprintf(cause, "work period \"%s\" does not end after it "
		    "starts", item);
		return -1;
	}
	return 0;
fail:
	xasprintf(cause, "bad work period \"%s\" (expected HH:MM-HH:MM "
	    "between 00:00 and 24:00)", item);
	return -1;
}

/* Check period i, just parsed, against the one before it. */
static int
worktime_check_period(const struct worktime_period *p, size_t i,
    const char *item, char **cause)
{
	if (i == WORKTIME_MAX_PERIODS) {
		xasprintf(cause, "more than %d work periods",
		    WORKTIME_MAX_PERIODS);
		return -1;
	}
	if (i > 0 && p[i].start < p[i - 1].end) {
		xasprintf(cause, "work period \"%s\" starts before the one "
		    "before it ends (%02d:%02d); periods must be in order and "
		    "not overlap", item, p[i - 1].end / 3600,
		    p[i - 1].end / 60 % 60);
		return -1;
	}
	return 0;
}

/*
 * Set the work periods from "08:30-12:00,13:30-17:30": up to
 * WORKTIME_MAX_PERIODS periods, in order, not overlapping, within one
 * day.  On error the periods are left as they were.
 */
int
worktime_set_periods(struct worktime_calendar *cal, const char *spec,
    char **cause)
{
	struct worktime_period p[WORKTIME_MAX_PERIODS + 1];
	char *copy, *next, *item;
	size_t i, n = 0;
	int64_t sum = 0;

	if (strspn(spec, " \t") == strlen(spec)) {
		*cause = xstrdup("no work periods");
		return -1;
	}
	next = copy = xstrdup(spec);
	while ((item = strsep(&next, ",")) != NULL) {
		if (worktime_parse_period(item, &p[n], cause) != 0 ||
		    worktime_check_period(p, n, item, cause) != 0)
			goto fail;
		n++;
	}
	free(copy);
	for (i = 0; i < n; i++) {
		cal->periods[i] = p[i];
		sum += p[i].end - p[i].start;
	}
	cal->nperiods = n;
	cal->day_seconds = sum;
	return 0;
fail:
	free(copy);
	return -1;
}

/* Write the periods back as "08:30-12:00,13:30-17:30". */
size_t
worktime_periods(const struct worktime_calendar *cal, char *buf, size_t len)
{
	const struct worktime_period *p;
	size_t i, off = 0;
	int n;

	if (len > 0)
		buf[0] = '\0';
	for (i = 0; i < cal->nperiods; i++) {
		p = &cal->periods[i];
		n = snprintf(buf + off, off < len ? len - off : 0,
		    "%s%02d:%02d-%02d:%02d", i == 0 ? "" : ",",
		    p->start / 3600, p->start / 60 % 60, p->end / 3600,
		    p->end / 60 % 60);
		off += n < 0 ? 0 : (size_t)n;
	}
	return off;
}

int64_t
worktime_day_seconds(const struct worktime_calendar *cal)
{
	return cal->day_seconds;
}

/* Index of the first listed day >= day. */
static size_t
worktime_lower(const struct worktime_calendar *cal, int64_t day)
{
	size_t lo = 0, hi = cal->ndays, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (cal->days[mid].day < day)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static const struct worktime_day *
worktime_find(const struct worktime_calendar *cal, int64_t day)
{
	size_t i = worktime_lower(cal, day);

	if (i < cal->ndays && cal->days[i].day == day)
		return &cal->days[i];
	return NULL;
}

static void
worktime_insert(struct worktime_calendar *cal, int64_t day, int off,
    const char *name)
{
	size_t i = worktime_lower(cal, day);

	cal->days = xreallocarray(cal->days, cal->ndays + 1, sizeof *cal->days);
	memmove(&cal->days[i + 1], &cal->days[i],
	    (cal->ndays - i) * sizeof *cal->days);
	cal->days[i].day = day;
	cal->days[i].off = off != 0;
	cal->days[i].name = xstrdup(name != NULL ? name : "");
	cal->ndays++;
}

/*
 * Add one day by date ("2026-02-15"): off (a holiday) or not (a weekend
 * day that is worked).  A date already in the calendar is an error.
 */
int
worktime_add_day(struct worktime_calendar *cal, const char *date, int off,
    const char *name, char **cause)
{
	int64_t day;

	if (worktime_parse_date(date, &day) != 0) {
		xasprintf(cause, "bad date \"%s\" (expected YYYY-MM-DD)", date);
		return -1;
	}
	if (worktime_find(cal, day) != NULL) {
		xasprintf(cause, "%s is already in the calendar", date);
		return -1;
	}
	worktime_insert(cal, day, off, name);
	return 0;
}

/* Mark a year's calendar as published (the State Council notice is out). */
void
worktime_publish(struct worktime_calendar *cal, int year)
{
	size_t i;

	if (worktime_published(cal, year))
		return;
	cal->years = xreallocarray(cal->years, cal->nyears + 1,
	    sizeof *cal->years);
	for (i = cal->nyears; i > 0 && cal->years[i - 1] > year; i--)
		cal->years[i] = cal->years[i - 1];
	cal->years[i] = year;
	cal->nyears++;
}

int
worktime_published(const struct worktime_calendar *cal, int year)
{
	size_t i;

	for (i = 0; i < cal->nyears; i++) {
		if (cal->years[i] == year)
			return 1;
	}
	return 0;
}

/*
 * The first year of the closed interval [from, to] whose calendar is not
 * published, or 0 if there is none.  Only the working units depend on
 * the calendar; a deadline counted in them over such a year is a guess.
 */
int
worktime_unpublished(const struct worktime_calendar *cal, int64_t from,
    int64_t to)
{
	int y, last;

	y = worktime_yearof(worktime_min(from, to));
	last = worktime_yearof(worktime_max(from, to));
	for (; y <= last; y++) {
		if (!worktime_published(cal, y))
			return y;
	}
	return 0;
}

static int
worktime_is_working(const struct worktime_calendar *cal, int64_t day)
{
	const struct worktime_day *wd = worktime_find(cal, day);
	int64_t wday;

	if (wd != NULL)
		return !wd->off;
	wday = day + 4 - worktime_floordiv(day + 4, 7) * 7;	/* 0 Sunday */
	return wday != 0 && wday != 6;
}

/* Is the day of this instant a working day? */
int
worktime_working_day(const struct worktime_calendar *cal, int64_t t)
{
	return worktime_is_working(cal, worktime_dayof(t));
}

/* The calendar's name of the day of this instant ("春节"), or NULL. */
const char *
worktime_day_name(const struct worktime_calendar *cal, int64_t t)
{
	const struct worktime_day *wd;

	wd = worktime_find(cal, worktime_dayof(t));
	return wd != NULL ? wd->name : NULL;
}

/* The first instant at or after t that is working time. */
int64_t
worktime_next_working(const struct worktime_calendar *cal, int64_t t)
{
	int64_t day = worktime_dayof(t), from = t - worktime_midnight(day);
	size_t i;

	for (;; day++, from = 0) {
		if (!worktime_is_working(cal, day))
			continue;
		for (i = 0; i < cal->nperiods; i++) {
			if (from < cal->periods[i].end) {
				return worktime_midnight(day) +
				    worktime_max(from, cal->periods[i].start);
			}
		}
	}
}

/* Working seconds of one day between seconds a and b after midnight. */
static int64_t
worktime_day_work(const struct worktime_calendar *cal, int64_t day,
    int64_t a, int64_t b)
{
	const struct worktime_period *p;
	int64_t sum = 0, lo, hi;
	size_t i;

	if (!worktime_is_working(cal, day))
		return 0;
	for (i = 0; i < cal->nperiods; i++) {
		p = &cal->periods[i];
		lo = worktime_max(p->start, a);
		hi = worktime_min(p->end, b);
		if (lo < hi)
			sum += hi - lo;
	}
	return sum;
}

/* Working seconds in [t0, t1). */
static int64_t
worktime_work_between(const struct worktime_calendar *cal, int64_t t0,
    int64_t t1)
{
	int64_t d0, d1, d, sum = 0;

	if (t1 <= t0)
		return 0;
	d0 = worktime_dayof(t0);
	d1 = worktime_dayof(t1);
	for (d = d0; d <= d1; d++) {
		sum += worktime_day_work(cal, d,
		    d == d0 ? t0 - worktime_midnight(d) : 0,
		    d == d1 ? t1 - worktime_midnight(d) : WORKTIME_DAY);
	}
	return sum;
}

/*
 * The earliest instant by which secs working seconds have run since t:
 * inside a period or at its end, never in a break.
 */
static int64_t
worktime_work_add(const struct worktime_calendar *cal, int64_t t,
    int64_t secs)
{
	const struct worktime_period *p;
	int64_t day = worktime_dayof(t), from = t - worktime_midnight(day), lo;
	size_t i;

	if (secs <= 0)
		return t;
	for (;; day++, from = 0) {
		if (!worktime_is_working(cal, day))
			continue;
		for (i = 0; i < cal->nperiods; i++) {
			p = &cal->periods[i];
			lo = worktime_max(p->start, from);
			if (lo >= p->end)
				continue;
			if (secs <= p->end - lo)
				return worktime_midnight(day) + lo + secs;
			secs -= p->end - lo;
		}
	}
}

/* The unit's clock: seconds run in [t0, t1), and t plus secs of it. */
static int64_t
worktime_between(const struct worktime_calendar *cal, enum worktime_unit u,
    int64_t t0, int64_t t1)
{
	if (worktime_unit_table[u].working)
		return worktime_work_between(cal, t0, t1);
	return t1 > t0 ? t1 - t0 : 0;
}

static int64_t
worktime_add(const struct worktime_calendar *cal, enum worktime_unit u,
    int64_t t, int64_t secs)
{
	if (worktime_unit_table[u].working)
		return worktime_work_add(cal, t, secs);
	return secs > 0 ? t + secs : t;
}

static int
worktime_cmp_span(const void *a, const void *b)
{
	const struct worktime_span *x = a, *y = b;

	return (x->from > y->from) - (x->from < y->from);
}

/* Sort the non-empty pauses into *out and merge those that overlap. */
static size_t
worktime_merge(const struct worktime_span *in, size_t n,
    struct worktime_span **out)
{
	struct worktime_span *s;
	size_t i, m = 0;

	*out = s = xreallocarray(NULL, n + 1, sizeof *s);
	for (i = 0; i < n; i++) {
		if (in[i].to > in[i].from)
			s[m++] = in[i];
	}
	qsort(s, m, sizeof *s, worktime_cmp_span);
	for (n = m, m = 0, i = 0; i < n; i++) {
		if (m > 0 && s[i].from <= s[m - 1].to)
			s[m - 1].to = worktime_max(s[m - 1].to, s[i].to);
		else
			s[m++] = s[i];
	}
	return m;
}

/*
 * The deadline of a limit of limit seconds of the unit's clock (see
 * worktime_limit) started at start, with the clock stopped during the
 * pauses (NULL if none).
 */
int64_t
worktime_deadline(const struct worktime_calendar *cal, int64_t start,
    int64_t limit, enum worktime_unit u, const struct worktime_span *pauses,
    size_t npauses)
{
	struct worktime_span *ps;
	int64_t t = start, left = limit;
	size_t i, n;

	n = worktime_merge(pauses, npauses, &ps);
	for (i = 0; i < n; i++) {
		if (ps[i].to <= t)
			continue;	/* over before the clock ran */
		if (ps[i].from > t) {
			if (worktime_add(cal, u, t, left) <= ps[i].from)
				break;	/* due before this pause */
			left -= worktime_between(cal, u, t, ps[i].from);
		}
		t = ps[i].to;
	}
	free(ps);
	return worktime_add(cal, u, t, left);
}

/*
 * Seconds of the unit's clock run in [start, end) outside the pauses;
 * 0 if end is not after start.  Divided by the limit from worktime_limit
 * this is the share used (0.8: the warning; above 1: overdue).
 */
int64_t
worktime_elapsed(const struct worktime_calendar *cal, int64_t start,
    int64_t end, enum worktime_unit u, const struct worktime_span *pauses,
    size_t npauses)
{
	struct worktime_span *ps;
	int64_t used;
	size_t i, n;

	used = worktime_between(cal, u, start, end);
	n = worktime_merge(pauses, npauses, &ps);
	for (i = 0; i < n; i++) {
		used -= worktime_between(cal, u, worktime_max(ps[i].from, start),
		    worktime_min(ps[i].to, end));
	}
	free(ps);
	return used;
}

/* Seconds of the unit's clock in one unit: 3600, 86400 or the working day. */
int64_t
worktime_unit_seconds(const struct worktime_calendar *cal,
    enum worktime_unit u)
{
	if (worktime_unit_table[u].seconds == 0)
		return cal->day_seconds;
	return worktime_unit_table[u].seconds;
}

/* A limit of value units (1.5 work_hour) in seconds, to the nearest second. */
int64_t
worktime_limit(const struct worktime_calendar *cal, double value,
    enum worktime_unit u)
{
	return llround(value * (double)worktime_unit_seconds(cal, u));
}

/* Seconds of the unit's clock as units (27000 s = 1 work_day). */
double
worktime_to_units(const struct worktime_calendar *cal, int64_t secs,
    enum worktime_unit u)
{
	return (double)secs / (double)worktime_unit_seconds(cal, u);
}

int
worktime_unit_parse(const char *name, enum worktime_unit *u)
{
	size_t i;

	for (i = 0; i < WORKTIME_NUNITS; i++) {
		if (strcmp(worktime_unit_table[i].name, name) == 0 ||
		    strcmp(worktime_unit_table[i].label, name) == 0) {
			*u = (enum worktime_unit)i;
			return 0;
		}
	}
	return -1;
}

const char *
worktime_unit_name(enum worktime_unit u)
{
	return worktime_unit_table[u].name;
}

const char *
worktime_unit_label(enum worktime_unit u)
{
	return worktime_unit_table[u].label;
}

/*
 * Check one element of a holiday-cn "days" list.  A notice for year Y
 * may list days of December Y-1 (元旦 of 2008 began on 2007-12-30), so
 * those are accepted; any other year is an error.
 */
static int
worktime_json_entry(json_t *j, int year, size_t i, struct worktime_entry *e,
    const char *file, char **cause)
{
	json_t *date, *off, *name;
	int y, m, d;

	date = json_object_get(j, "date");
	off = json_object_get(j, "isOffDay");
	name = json_object_get(j, "name");
	if (!json_is_object(j) || !json_is_string(date) ||
	    !json_is_boolean(off) || !json_is_string(name)) {
		xasprintf(cause, "%s: days[%zu]: expected an object with "
		    "\"date\", \"isOffDay\" (true or false) and \"name\"",
		    file, i);
		return -1;
	}
	e->date = json_string_value(date);
	e->off = json_is_true(off);
	e->name = json_string_value(name);
	if (worktime_parse_date(e->date, &e->day) != 0) {
		xasprintf(cause, "%s: days[%zu]: bad date \"%s\"", file, i,
		    e->date);
		return -1;
	}
	worktime_civil(e->day, &y, &m, &d);
	if (y != year && !(y == year - 1 && m == 12)) {
		xasprintf(cause, "%s: days[%zu]: %s is not in %d", file, i,
		    e->date, year);
		return -1;
	}
	return 0;
}

static int
worktime_cmp_entry(const void *a, const void *b)
{
	const struct worktime_entry *x = a, *y = b;

	return (x->day > y->day) - (x->day < y->day);
}

/* Refuse a day listed twice, or one the calendar already has. */
static int
worktime_json_unique(const struct worktime_calendar *cal,
    struct worktime_entry *es, size_t n, const char *file, char **cause)
{
	size_t i;

	qsort(es, n, sizeof *es, worktime_cmp_entry);
	for (i = 0; i < n; i++) {
		if (i > 0 && es[i].day == es[i - 1].day) {
			xasprintf(cause, "%s: %s is listed twice", file,
			    es[i].date);
			return -1;
		}
		if (worktime_find(cal, es[i].day) != NULL) {
			xasprintf(cause, "%s: %s is already in the calendar",
			    file, es[i].date);
			return -1;
		}
	}
	return 0;
}

/* Add a holiday-cn year document; all of it or, on error, nothing. */
static int
worktime_load_json(struct worktime_calendar *cal, json_t *root,
    const char *file, char **cause)
{
	struct worktime_entry *es;
	json_t *year, *days;
	size_t i, n;
	int y, rc = -1;

	year = json_object_get(root, "year");
	days = json_object_get(root, "days");
	if (!json_is_integer(year) || json_integer_value(year) < 1900 ||
	    json_integer_value(year) > 9999 || !json_is_array(days)) {
		xasprintf(cause, "%s: expected an object with \"year\" (a "
		    "year) and \"days\" (a list)", file);
		return -1;
	}
	y = (int)json_integer_value(year);
	if (worktime_published(cal, y)) {
		xasprintf(cause, "%s: the calendar of %d is already loaded",
		    file, y);
		return -1;
	}
	n = json_array_size(days);
	es = xreallocarray(NULL, n + 1, sizeof *es);
	for (i = 0; i < n; i++) {
		if (worktime_json_entry(json_array_get(days, i), y, i, &es[i],
		    file, cause) != 0)
			goto fail;
	}
	if (worktime_json_unique(cal, es, n, file, cause) != 0)
		goto fail;
	for (i = 0; i < n; i++)
		worktime_insert(cal, es[i].day, es[i].off, es[i].name);
	if (n > 0)
		worktime_publish(cal, y);	/* an empty list: not yet out */
	rc = 0;
fail:
	free(es);
	return rc;
}

static void
worktime_json_error(const json_error_t *jerr, const char *file, char **cause)
{
	if (jerr->line > 0)
		xasprintf(cause, "%s:%d: %s", file, jerr->line, jerr->text);
	else
		xasprintf(cause, "%s: %s", file, jerr->text);
}

/*
 * Load a holiday-cn file: {"year": 2026, "days": [{"name": "春节",
 * "date": "2026-02-15", "isOffDay": true}, ...]}.  A file with days
 * publishes its year; one with none (2027.json before the notice) adds
 * nothing.
 */
int
worktime_load_file(struct worktime_calendar *cal, const char *path,
    char **cause)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	if ((root = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		worktime_json_error(&jerr, path, cause);
		return -1;
	}
	rc = worktime_load_json(cal, root, path, cause);
	json_decref(root);
	return rc;
}

/* The same from memory; name says where the text came from in errors. */
int
worktime_load_buffer(struct worktime_calendar *cal, const char *buf,
    size_t len, const char *name, char **cause)
{
	json_error_t jerr;
	json_t *root;
	int rc;

	if ((root = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &jerr)) ==
	    NULL) {
		worktime_json_error(&jerr, name, cause);
		return -1;
	}
	rc = worktime_load_json(cal, root, name, cause);
	json_decref(root);
	return rc;
}
