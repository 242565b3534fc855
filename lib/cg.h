/*
 * cg.h: what the daemon and the consoles share.  Prototypes are grouped
 * under the file they live in.
 */
#ifndef CG_H
#define CG_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#ifndef CG_VERSION
#define CG_VERSION "0.0.0"
#endif

#ifndef TAILQ_FOREACH_SAFE	/* glibc's sys/queue.h lacks it */
#define TAILQ_FOREACH_SAFE(var, head, field, tvar)			\
	for ((var) = TAILQ_FIRST(head);					\
	    (var) != NULL && ((tvar) = TAILQ_NEXT(var, field), 1);	\
	    (var) = (tvar))
#endif

#define CG_PRINTF(a, b) __attribute__((format(printf, a, b)))
#define CG_NORETURN __attribute__((noreturn))

/* xmalloc.c: allocation wrappers; they never return NULL. */
void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
int	 xasprintf(char **, const char *, ...) CG_PRINTF(2, 3);

/* log.c: stderr or syslog; debug costs a test of one int when off. */
enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };
extern int log_level;
void	 log_open(const char *, int, int);
void	 log_msg(enum log_level, const char *, ...) CG_PRINTF(2, 3);
void	 fatal(const char *, ...) CG_PRINTF(1, 2) CG_NORETURN;
void	 fatalx(const char *, ...) CG_PRINTF(1, 2) CG_NORETURN;
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) do { \
	if (log_level >= LOG_LVL_DEBUG) \
		log_msg(LOG_LVL_DEBUG, __VA_ARGS__); \
} while (0)

/*
 * codes.c: code rules, the same as schema/001-codes.sql.  A check returns
 * 0 for a valid code, else -1 and, if the last argument is not NULL, the
 * SQL function's message in it (allocated; the caller frees it).
 */
#define CODES_CLASS_SIZE 6	/* longest class code and its NUL */
int	 codes_county_check(const char *, char **);
int	 codes_street_check(const char *, char **);
int	 codes_community_check(const char *, char **);
int	 codes_grid_check(const char *, char **);
int	 codes_division_check(const char *, char **);
int	 codes_class_check(const char *, const char *, char **);
int	 codes_component_id_check(const char *, const char *, char **);
int	 codes_version_class_len(const char *);
int	 codes_version_id_len(const char *);
int	 codes_component_class(const char *, char *, size_t);

/*
 * worktime.c: the working-time calendar that case limits are counted in.
 * Instants are seconds since the Unix epoch; civil time is CST (UTC+8).
 * Limits and elapsed time are seconds of the unit's clock: working
 * seconds for work_hour and work_day, clock seconds for the others.
 */
#define WORKTIME_MAX_PERIODS 8
#define WORKTIME_DEFAULT_PERIODS "08:30-12:00,13:30-17:30"
enum worktime_unit {
	WORKTIME_WORK_HOUR,	/* 工作时: work periods of working days */
	WORKTIME_WORK_DAY,	/* 工作日: one configured working day */
	WORKTIME_CLOCK_HOUR,	/* 紧急工作时: clock time, 24x7 */
	WORKTIME_NATURAL_DAY	/* 自然日: 24 clock hours */
};
struct worktime_span {		/* a pause, [from, to) */
	int64_t	 from;
	int64_t	 to;
};
struct worktime_calendar;
struct worktime_calendar *worktime_create(void);
void	 worktime_free(struct worktime_calendar *);
int	 worktime_set_periods(struct worktime_calendar *, const char *,
	     char **);
size_t	 worktime_periods(const struct worktime_calendar *, char *, size_t);
int64_t	 worktime_day_seconds(const struct worktime_calendar *);
int	 worktime_add_day(struct worktime_calendar *, const char *, int,
	     const char *, char **);
void	 worktime_publish(struct worktime_calendar *, int);
int	 worktime_load_file(struct worktime_calendar *, const char *, char **);
int	 worktime_load_buffer(struct worktime_calendar *, const char *, size_t,
	     const char *, char **);
int	 worktime_published(const struct worktime_calendar *, int);
int	 worktime_unpublished(const struct worktime_calendar *, int64_t,
	     int64_t);
int	 worktime_working_day(const struct worktime_calendar *, int64_t);
const char *worktime_day_name(const struct worktime_calendar *, int64_t);
int64_t	 worktime_next_working(const struct worktime_calendar *, int64_t);
int64_t	 worktime_deadline(const struct worktime_calendar *, int64_t, int64_t,
	     enum worktime_unit, const struct worktime_span *, size_t);
int64_t	 worktime_elapsed(const struct worktime_calendar *, int64_t, int64_t,
	     enum worktime_unit, const struct worktime_span *, size_t);
int64_t	 worktime_unit_seconds(const struct worktime_calendar *,
	     enum worktime_unit);
int64_t	 worktime_limit(const struct worktime_calendar *, double,
	     enum worktime_unit);
double	 worktime_to_units(const struct worktime_calendar *, int64_t,
	     enum worktime_unit);
int	 worktime_unit_parse(const char *, enum worktime_unit *);
const char *worktime_unit_name(enum worktime_unit);
const char *worktime_unit_label(enum worktime_unit);
int	 worktime_parse_time(const char *, int64_t *);
size_t	 worktime_format(int64_t, char *, size_t);

/*
 * utf8.c: the width of UTF-8 text on a terminal; CJK characters are two
 * columns.  Call utf8_locale() once at start.
 */
int	 utf8_locale(void);
int	 utf8_width(const char *);
int	 utf8_fit(const char *, int, char *, size_t);

/*
 * nmea.c: NMEA 0183 position sentences (RMC, GGA, GNS) as GNSS receivers
 * emit them.  nmea_parse returns 0, or an enum nmea_result and, if
 * cause is not NULL, a message in it (allocated; the caller frees it).
 */
#define NMEA_LINE_MAX	120	/* NMEA says 82 with $ and CR LF; leniency */
enum nmea_result {
	NMEA_GOOD = 0,
	NMEA_MALFORMED = -1,	/* not a sentence, or a field out of range */
	NMEA_BAD_CHECKSUM = -2,	/* wrong or no *hh */
	NMEA_UNKNOWN = -3	/* a talker or sentence we do not read */
};
enum nmea_sentence { NMEA_RMC, NMEA_GGA, NMEA_GNS };
struct nmea_fix {
	enum nmea_sentence sentence;
	char	 talker[3];	/* GP, GN, BD, GB, GL, GA, GQ, GI */
	int	 valid;		/* the receiver claims a position fix */
	int	 have;		/* which fields were not empty */
#define NMEA_HAVE_TIME	 0x01
#define NMEA_HAVE_DATE	 0x02	/* RMC; with the time, epoch_ms */
#define NMEA_HAVE_POS	 0x04
#define NMEA_HAVE_SPEED	 0x08
#define NMEA_HAVE_COURSE 0x10
#define NMEA_HAVE_ALT	 0x20
#define NMEA_HAVE_HDOP	 0x40
#define NMEA_HAVE_SATS	 0x80
	int32_t	 tod_ms;	/* UTC time of day, milliseconds */
	int	 year, month, day;
	int64_t	 epoch_ms;	/* UTC, ms since 1970-01-01 */
	double	 lat, lon;	/* decimal degrees, north and east positive */
	double	 speed_kn;	/* RMC, knots */
	double	 course;	/* RMC, degrees true */
	double	 alt_m;		/* GGA, GNS: above mean sea level */
	double	 hdop;
	int	 sats;
	int	 quality;	/* GGA: 0 none, 1 GPS, 2 DGPS, 4 RTK ... */
	char	 status;	/* RMC: A valid, V warning */
	char	 mode[8];	/* RMC: mode letter; GNS: one per system */
};
struct nmea_stats {
	uint64_t good;
	uint64_t bad_checksum;
	uint64_t unknown;
	uint64_t malformed;
};
typedef void (*nmea_fix_cb)(const struct nmea_fix *, void *);
int	 nmea_parse(const char *, struct nmea_fix *, char **);
size_t	 nmea_feed(const char *, size_t, struct nmea_stats *, nmea_fix_cb,
	     void *);

#endif /* CG_H */
