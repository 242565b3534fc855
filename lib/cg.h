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

#endif /* CG_H */
