/*
 * nmea.c: NMEA 0183 position sentences, RMC, GGA and GNS, from GPS,
 * BeiDou and multi-GNSS receivers.  Pure and locale-free (no strtod: a
 * decimal comma locale would misread every number); nothing allocated
 * but the optional message.
 *
 * A sentence is $, an address of talker and type (GPRMC), fields
 * separated by commas, * and two hex digits: the XOR of every byte
 * between $ and *.  Receivers leave fields empty while they have no
 * fix; such sentences are good, with the fix marked invalid.
 */
#include <string.h>

#include "cg.h"

#define NMEA_FIELDS_MAX	24

/* A sentence cut into fields; f[0] is the address. */
struct nmea_fields {
	char		 buf[NMEA_LINE_MAX + 1];
	const char	*f[NMEA_FIELDS_MAX];
	int		 n;		/* fields after the address */
};

static int	nmea_rmc(const struct nmea_fields *, struct nmea_fix *,
		    const char **);
static int	nmea_gga(const struct nmea_fields *, struct nmea_fix *,
		    const char **);
static int	nmea_gns(const struct nmea_fields *, struct nmea_fix *,
		    const char **);

static const char *const nmea_talkers[] = {
	"GP",	/* GPS */
	"GL",	/* GLONASS */
	"GA",	/* Galileo */
	"BD",	/* BeiDou, before NMEA 4.11 */
	"GB",	/* BeiDou, NMEA 4.11 */
	"GQ",	/* QZSS */
	"GI",	/* NavIC */
	"GN",	/* several systems combined */
};

/* min: fields up to the last one a fix needs; max: NMEA 4.11's count. */
static const struct nmea_type {
	const char		*name;
	enum nmea_sentence	 sentence;
	int			 min;
	int			 max;
	int			(*parse)(const struct nmea_fields *,
				    struct nmea_fix *, const char **);
} nmea_types[] = {
	{ "RMC", NMEA_RMC, 9, 13, nmea_rmc },
	{ "GGA", NMEA_GGA, 9, 14, nmea_gga },
	{ "GNS", NMEA_GNS, 9, 13, nmea_gns },
};

static const double nmea_pow10[] = {
	1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12,
	1e13, 1e14, 1e15
};

/* Field i, or "" past the end: receivers may drop trailing fields. */
static const char *
nmea_field(const struct nmea_fields *fl, int i)
{
	return i <= fl->n ? fl->f[i] : "";
}

/* [-]digits[.digits], at most 15 digits.  0, or -1 if not a number. */
static int
nmea_number(const char *s, int negative_ok, double *v)
{
	uint64_t m = 0;
	int digits = 0, frac = -1, neg = 0;

	if (*s == '-' && negative_ok) {
		neg = 1;
		s++;
	}
	for (; *s != '\0'; s++) {
		if (*s == '.' && frac == -1) {
			frac = 0;
			continue;
		}
		if (*s < '0' || *s > '9' || ++digits > 15)
			return -1;
		m = m * 10 + (uint64_t)(*s - '0');
		if (frac != -1)
			frac++;
	}
	if (digits == 0)
		return -1;
	*v = (double)m / nmea_pow10[frac == -1 ? 0 : frac];
	if (neg)
		*v = -*v;
	return 0;
}

/* n digits as an integer, or -1. */
static int
nmea_digits(const char *s, int n)
{
	int v = 0;

	while (n-- > 0) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (*s++ - '0');
	}
	return v;
}

/* hhmmss[.s...]: the time of day in ms, or -1. */
static int32_t
nmea_time(const char *s)
{
	int h = nmea_digits(s, 2), m, sec, ms = 0, scale = 100;

	if (h < 0 || h > 23 || (m = nmea_digits(s + 2, 2)) < 0 || m > 59 ||
	    (sec = nmea_digits(s + 4, 2)) < 0 || sec > 60)
		return -1;
	s += 6;
	if (*s == '.') {
		for (s++; *s >= '0' && *s <= '9'; s++) {
			ms += (*s - '0') * scale;
			scale /= 10;
		}
	}
	if (*s != '\0')
		return -1;
	return ((h * 60 + m) * 60 + sec) * 1000 + ms;
}

static int
nmea_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

/* ddmmyy; two-digit years are 1980 to 2079. */
static int
nmea_date(const char *s, struct nmea_fix *fix)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31,
	    30, 31 };
	int d, m, y;

	if (strlen(s) != 6)
		return -1;
	d = nmea_digits(s, 2);
	m = nmea_digits(s + 2, 2);
	y = nmea_digits(s + 4, 2);
	if (d < 1 || m < 1 || m > 12 || y < 0)
		return -1;
	y += y < 80 ? 2000 : 1900;
	if (d > mdays[m - 1] + (m == 2 && nmea_leap(y)))
		return -1;
	fix->year = y;
	fix->month = m;
	fix->day = d;
	return 0;
}

/* Days from 1970-01-01 to a civil date (H. Hinnant's algorithm). */
static int64_t
nmea_days(int y, int m, int d)
{
	int64_t era, yoe, doy;

	y -= m <= 2;
	era = y / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	return era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468;
}

/*
 * ddmm.mmmm or dddmm.mmmm and a hemisphere letter, into degrees.
 * Both empty is no position (1); one of them empty is malformed.
 */
static int
nmea_angle(const char *v, const char *hemi, int max, const char *hemis,
    double *out)
{
	double x, deg, min;

	if (*v == '\0' && *hemi == '\0')
		return 1;
	if (nmea_number(v, 0, &x) != 0 || hemi[0] == '\0' || hemi[1] != '\0')
		return -1;
	if (hemi[0] != hemis[0] && hemi[0] != hemis[1])
		return -1;
	deg = (double)(int64_t)(x / 100);
	min = x - deg * 100;
	if (min >= 60 || deg + min / 60 > max)
		return -1;
	*out = (deg + min / 60) * (hemi[0] == hemis[0] ? 1 : -1);
	return 0;
}

/* Latitude and longitude from four fields starting at i. */
static int
nmea_position(const struct nmea_fields *fl, int i, struct nmea_fix *fix,
    const char **why)
{
	int a, b;

	a = nmea_angle(nmea_field(fl, i), nmea_field(fl, i + 1), 90, "NS",
	    &fix->lat);
	b = nmea_angle(nmea_field(fl, i + 2), nmea_field(fl, i + 3), 180, "EW",
	    &fix->lon);
	if (a < 0 || b < 0 || a != b) {
		*why = "bad latitude or longitude";
		return -1;
	}
	if (a == 0)
		fix->have |= NMEA_HAVE_POS;
	return 0;
}

/* The time field, if not empty. */
static int
nmea_timefield(const struct nmea_fields *fl, int i, struct nmea_fix *fix,
    const char **why)
{
	const char *s = nmea_field(fl, i);

	if (*s == '\0')
		return 0;
	if ((fix->tod_ms = nmea_time(s)) < 0) {
		*why = "bad time";
		return -1;
	}
	fix->have |= NMEA_HAVE_TIME;
	return 0;
}

/* An optional number into *v, flagging it in have. */
static int
nmea_optional(const struct nmea_fields *fl, int i, int negative_ok,
    double *v, struct nmea_fix *fix, int flag)
{
	const char *s = nmea_field(fl, i);

	if (*s == '\0')
		return 0;
	if (nmea_number(s, negative_ok, v) != 0)
		return -1;
	fix->have |= flag;
	return 0;
}

/* Satellites in use, HDOP and altitude: GGA and GNS share them. */
static int
nmea_quality(const struct nmea_fields *fl, int i, struct nmea_fix *fix,
    const char **why)
{
	const char *sats = nmea_field(fl, i);
	double n;

	if (*sats != '\0') {
		if (strlen(sats) > 3 || strchr(sats, '.') != NULL ||
		    nmea_number(sats, 0, &n) != 0) {
			*why = "bad satellite count";
			return -1;
		}
		fix->sats = (int)n;
		fix->have |= NMEA_HAVE_SATS;
	}
	if (nmea_optional(fl, i + 1, 0, &fix->hdop, fix, NMEA_HAVE_HDOP) != 0) {
		*why = "bad HDOP";
		return -1;
	}
	if (nmea_optional(fl, i + 2, 1, &fix->alt_m, fix, NMEA_HAVE_ALT) != 0) {
		*why = "bad altitude";
		return -1;
	}
	return 0;
}

/*
 * RMC: 1 time, 2 status, 3-6 position, 7 speed, 8 course, 9 date,
 * 10-11 magnetic variation, 12 mode (NMEA 2.3), 13 navigational status
 * (4.1).
 */
static int
nmea_rmc(const struct nmea_fields *fl, struct nmea_fix *fix,
    const char **why)
{
	const char *status = nmea_field(fl, 2), *date = nmea_field(fl, 9);
	const char *mode = nmea_field(fl, 12);

	if (nmea_timefield(fl, 1, fix, why) != 0 ||
	    nmea_position(fl, 3, fix, why) != 0)
		return -1;
	if ((*status != 'A' && *status != 'V') || status[1] != '\0') {
		*why = "bad status";
		return -1;
	}
	fix->status = *status;
	if (nmea_optional(fl, 7, 0, &fix->speed_kn, fix, NMEA_HAVE_SPEED) != 0 ||
	    nmea_optional(fl, 8, 0, &fix->course, fix, NMEA_HAVE_COURSE) != 0 ||
	    fix->course >= 360) {
		*why = "bad speed or course";
		return -1;
	}
	if (*date != '\0') {
		if (nmea_date(date, fix) != 0) {
			*why = "bad date";
			return -1;
		}
		fix->have |= NMEA_HAVE_DATE;
	}
	if (strlen(mode) > 1 || (*mode != '\0' && strchr("ADEFMNPRS", *mode) == NULL)) {
		*why = "bad mode";
		return -1;
	}
	strcpy(fix->mode, mode);
	fix->valid = fix->status == 'A' && *mode != 'N';
	return 0;
}

/*
 * GGA: 1 time, 2-5 position, 6 quality, 7 satellites, 8 HDOP,
 * 9-10 altitude and M, 11-12 geoid separation and M, 13-14 DGPS.
 */
static int
nmea_gga(const struct nmea_fields *fl, struct nmea_fix *fix,
    const char **why)
{
	const char *q = nmea_field(fl, 6), *unit = nmea_field(fl, 10);

	if (nmea_timefield(fl, 1, fix, why) != 0 ||
	    nmea_position(fl, 2, fix, why) != 0 ||
	    nmea_quality(fl, 7, fix, why) != 0)
		return -1;
	if (*q != '\0' && (q[0] < '0' || q[0] > '8' || q[1] != '\0')) {
		*why = "bad fix quality";
		return -1;
	}
	if (*unit != '\0' && strcmp(unit, "M") != 0) {
		*why = "altitude not in metres";
		return -1;
	}
	fix->quality = *q == '\0' ? 0 : q[0] - '0';
	fix->valid = fix->quality != 0;
	return 0;
}

/*
 * GNS: 1 time, 2-5 position, 6 mode (a letter per system: GPS,
 * GLONASS, Galileo, BeiDou, QZSS, NavIC), 7 satellites, 8 HDOP,
 * 9 altitude, 10 geoid separation, 11-12 DGPS, 13 navigational status.
 */
static int
nmea_gns(const struct nmea_fields *fl, struct nmea_fix *fix,
    const char **why)
{
	const char *mode = nmea_field(fl, 6);
	size_t i, n = strlen(mode);

	if (nmea_timefield(fl, 1, fix, why) != 0 ||
	    nmea_position(fl, 2, fix, why) != 0 ||
	    nmea_quality(fl, 7, fix, why) != 0)
		return -1;
	if (n >= sizeof fix->mode || strspn(mode, "ADEFMNPRS") != n) {
		*why = "bad mode";
		return -1;
	}
	strcpy(fix->mode, mode);
	for (i = 0; i < n; i++) {
		if (mode[i] != 'N')
			fix->valid = 1;
	}
	return 0;
}

static int
nmea_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Check $...*hh; the length of what is between $ and *, or an error. */
static int
nmea_envelope(const char *s, size_t len, const char **why)
{
	const char *star;
	uint8_t sum = 0;
	size_t i;
	int hi, lo;

	if (len == 0 || s[0] != '$') {
		*why = "no $ at the start";
		return NMEA_MALFORMED;
	}
	if ((star = memchr(s, '*', len)) == NULL) {
		*why = "no checksum";
		return NMEA_BAD_CHECKSUM;
	}
	if ((size_t)(star - s) != len - 3 || (hi = nmea_hex(star[1])) < 0 ||
	    (lo = nmea_hex(star[2])) < 0) {
		*why = "checksum is not two hex digits at the end";
		return NMEA_MALFORMED;
	}
	for (i = 1; s + i < star; i++)
		sum ^= (uint8_t)s[i];
	if (sum != (hi << 4 | lo)) {
		*why = "bad checksum";
		return NMEA_BAD_CHECKSUM;
	}
	for (i = 1; s + i < star; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e || s[i] == '$') {
			*why = "bad character";
			return NMEA_MALFORMED;
		}
	}
	return (int)(len - 4);
}

/* Cut between $ and * into fields. */
static int
nmea_split(const char *s, size_t len, struct nmea_fields *fl)
{
	char *p;

	memcpy(fl->buf, s, len);
	fl->buf[len] = '\0';
	fl->f[0] = fl->buf;
	fl->n = 0;
	for (p = fl->buf; (p = strchr(p, ',')) != NULL; ) {
		if (fl->n + 1 >= NMEA_FIELDS_MAX)
			return -1;
		*p++ = '\0';
		fl->f[++fl->n] = p;
	}
	return 0;
}

/* The address: a talker we know and a sentence we read. */
static const struct nmea_type *
nmea_address(const char *a, struct nmea_fix *fix, int *rc, const char **why)
{
	size_t i;

	*rc = NMEA_UNKNOWN;
	*why = "unknown talker";
	if (strlen(a) != 5)
		return NULL;
	for (i = 0; i < sizeof nmea_talkers / sizeof nmea_talkers[0]; i++) {
		if (strncmp(a, nmea_talkers[i], 2) == 0)
			break;
	}
	if (i == sizeof nmea_talkers / sizeof nmea_talkers[0])
		return NULL;
	memcpy(fix->talker, a, 2);
	*why = "unknown sentence";
	for (i = 0; i < sizeof nmea_types / sizeof nmea_types[0]; i++) {
		if (strcmp(a + 2, nmea_types[i].name) == 0)
			return &nmea_types[i];
	}
	return NULL;
}

static int
nmea_parse_n(const char *s, size_t len, struct nmea_fix *fix,
    const char **why)
{
	struct nmea_fields fl;
	const struct nmea_type *t;
	int n, rc;

	memset(fix, 0, sizeof *fix);
	fix->tod_ms = -1;
	while (len > 0 && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		len--;
	if (len > NMEA_LINE_MAX) {
		*why = "too long";
		return NMEA_MALFORMED;
	}
	if ((n = nmea_envelope(s, len, why)) < 0)
		return n;
	if (nmea_split(s + 1, (size_t)n, &fl) != 0) {
		*why = "too many fields";
		return NMEA_MALFORMED;
	}
	if ((t = nmea_address(fl.f[0], fix, &rc, why)) == NULL)
		return rc;
	fix->sentence = t->sentence;
	if (fl.n < t->min || fl.n > t->max) {
		*why = "wrong number of fields";
		return NMEA_MALFORMED;
	}
	if (t->parse(&fl, fix, why) != 0)
		return NMEA_MALFORMED;
	if ((fix->have & NMEA_HAVE_POS) == 0)
		fix->valid = 0;
	if ((fix->have & (NMEA_HAVE_DATE|NMEA_HAVE_TIME)) ==
	    (NMEA_HAVE_DATE|NMEA_HAVE_TIME)) {
		fix->epoch_ms = nmea_days(fix->year, fix->month, fix->day) *
		    86400000 + fix->tod_ms;
	}
	return NMEA_GOOD;
}

/*
 * One sentence, with or without CR LF.  Returns NMEA_GOOD (0) and the
 * fix, or another enum nmea_result and, if cause is not NULL, why.
 */
int
nmea_parse(const char *line, struct nmea_fix *fix, char **cause)
{
	const char *why = NULL;
	int rc;

	rc = nmea_parse_n(line, strnlen(line, NMEA_LINE_MAX + 3), fix, &why);
	if (rc != NMEA_GOOD && cause != NULL)
		*cause = xstrdup(why);
	return rc;
}

static void
nmea_count(struct nmea_stats *st, int rc)
{
	switch (rc) {
	case NMEA_GOOD:
		st->good++;
		break;
	case NMEA_BAD_CHECKSUM:
		st->bad_checksum++;
		break;
	case NMEA_UNKNOWN:
		st->unknown++;
		break;
	default:
		st->malformed++;
		break;
	}
}

/*
 * Many sentences.  Each ends at CR or LF, or where the next $ begins
 * (a lost line end costs nothing); good ones go to cb, the others are
 * skipped and counted.  Returns how much was used: an unended last
 * sentence is left for the caller to feed again with what follows, or
 * to end with "\n".  A piece longer than any sentence is dropped.
 */
size_t
nmea_feed(const char *buf, size_t len, struct nmea_stats *st, nmea_fix_cb cb,
    void *arg)
{
	struct nmea_fix fix;
	const char *why;
	size_t at = 0, end;
	int rc;

	while (at < len) {
		if (buf[at] == '\r' || buf[at] == '\n') {
			at++;
			continue;
		}
		for (end = at + 1; end < len; end++) {
			if (buf[end] == '\r' || buf[end] == '\n' || buf[end] == '$')
				break;
		}
		if (end == len && end - at <= NMEA_LINE_MAX)
			break;
		rc = nmea_parse_n(buf + at, end - at, &fix, &why);
		nmea_count(st, rc);
		if (rc == NMEA_GOOD && cb != NULL)
			cb(&fix, arg);
		at = end;
	}
	return at;
}
