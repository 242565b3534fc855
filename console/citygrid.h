/*
 * citygrid.h: the client's internal header.  Prototypes are grouped
 * under the file they live in.
 */
#ifndef CITYGRID_H
#define CITYGRID_H

#include <stdio.h>

#include <jansson.h>

#include "cg.h"
#include "proto.h"

/* Exit statuses of citygrid(1) that are not a daemon error's (sysexits). */
#define EXIT_USAGE	64	/* bad command line */
#define EXIT_DATAERR	65	/* a file to send is not what it must be */
#define EXIT_NOINPUT	66	/* a file to send cannot be read */
#define EXIT_UNAVAIL	69	/* citygridd is not running */
#define EXIT_SOFTWARE	70	/* the daemon broke the protocol */
#define EXIT_IOERR	74	/* output could not be written */
#define EXIT_TEMPFAIL	75	/* no answer in time */

#define CITYGRID_SOCKET_DEFAULT "/run/citygrid/citygrid.sock"
#define CLIENT_TIMEOUT	30000	/* ms to wait for a reply */

/* client.c: one connection to citygridd, plain blocking I/O. */
struct client;
struct client_error {
	int	 exit;		/* citygrid(1) exit status */
	char	 code[16];	/* E_ROLE ...; empty for a local error */
	char	 message[1024];
};
enum client_wait {
	CLIENT_WAIT_ERROR = -1,	/* the connection broke, or ended */
	CLIENT_WAIT_NONE = 0,	/* the time is up, or a signal came */
	CLIENT_WAIT_EVENT = 1
};
const char *client_socket_path(const char *);
struct client *client_connect(const char *, struct client_error *);
void	 client_free(struct client *);
int	 client_fd(const struct client *);
json_t	*client_hello(const struct client *);
void	 client_keep_events(struct client *, int);
json_t	*client_request(struct client *, const char *, json_t *, int,
	    struct client_error *);
enum client_wait client_next_event(struct client *, int, json_t **,
	    struct client_error *);

/* cli.c: the command-line commands, one table. */
enum cli_type {
	CLI_STRING,		/* TEXT */
	CLI_INT,		/* an integer */
	CLI_NUMBER,		/* a number */
	CLI_TRUE,		/* a flag: true */
	CLI_FALSE,		/* a flag: false */
	CLI_LIST,		/* A,B: an array of strings; repeats add */
	CLI_FILE,		/* a file name: the file's text is sent */
};
struct cli_opt {
	const char	*name;	/* --name; for a positional, what it is: CASE */
	const char	*arg;	/* its key in the request's args */
	enum cli_type	 type;
	int		 flags;
#define CLI_POS 0x1		/* positional, in table order */
#define CLI_REQ 0x2		/* required */
#define CLI_CODE 0x4		/* a Chinese name is sent as its code (cli_print_code) */
#define CLI_MEDIA 0x8		/* photo files among the values are sent first (media.c) */
	const char	*meta;	/* what the value is: TEXT, N, a|b (checked) */
	const char	*def;	/* sent when not given */
	const char	*help;
};
struct cli_entry {
	const char	*noun;
	const char	*verb;	/* NULL: the noun alone is the command */
	const char	*op;	/* the protocol operation */
	const char	*label;	/* what it is called, short: 派遣 */
	const char	*roles;	/* who may, a hint: the daemon decides */
	const char	*help;
	const struct cli_opt *opts;	/* ends with a NULL name */
	void		(*print)(json_t *);	/* the result, for people */
	int		(*run)(struct client *, const struct cli_entry *,
			    json_t *, int);	/* instead of one request */
};
extern const struct cli_entry cli_table[];
int	 cli_main(int, char **, const char *, int);
const struct cli_entry *cli_find(const char *, const char *);
const struct cli_entry *cli_find_op(const char *);
int	 cli_list_split(json_t *, const char *);
const struct cli_entry *cli_command(int, char **, int *, FILE *);
int	 cli_parse(const struct cli_entry *, int, char **, json_t *, int *,
	    FILE *, FILE *);

/* cli-help.c: usage, help and the man page's commands, from cli_table[]. */
const char *cli_help_name(const struct cli_entry *);
void	 cli_help_usage_line(FILE *, const struct cli_entry *);
void	 cli_help_entry(FILE *, const struct cli_entry *);
void	 cli_help_noun(FILE *, const char *);
void	 cli_help_usage(FILE *);
int	 cli_help_main(int, char **);

/* cli-print.c: tables and records for people. */
enum cli_fmt {
	FMT_TEXT,		/* as it is; true and false as 是, 否 */
	FMT_TIME,		/* epoch seconds or a timestamp: YYYY-MM-DD HH:MM */
	FMT_LIST,		/* an array: a, b */
	FMT_LABEL,		/* codes by their Chinese names: 受理员、值班长 */
};
struct cli_col {
	const char	*key;
	const char	*header;
	enum cli_fmt	 fmt;
	int		 max;	/* widest, in columns; 0: no limit */
};
const char *cli_print_label(const char *);
const char *cli_print_code(const char *);
void	 cli_print_time(int64_t, char *, size_t);
char	*cli_print_cell(json_t *, enum cli_fmt);
const char *jstr(json_t *, const char *);
const char *jstr_or(json_t *, const char *);
json_int_t jnum(json_t *, const char *);
void	 cli_print_table(json_t *, const struct cli_col *);
void	 cli_print_record(json_t *, const struct cli_col *);
void	 cli_print_object(json_t *);
void	 cli_print_json(json_t *, int);
void	 cli_print_heading(const char *);

/* cli-case.c */
void	 cli_case_new_print(json_t *);
void	 cli_case_show_print(json_t *);
void	 cli_case_list_print(json_t *);
void	 cli_case_log_print(json_t *);
void	 cli_case_step_print(json_t *);
void	 cli_case_task_list_print(json_t *);
const char *cli_case_action_label(const char *);

/* cli-media.c */
int	 cli_media_put_run(struct client *, const struct cli_entry *, json_t *, int);
int	 cli_media_get_run(struct client *, const struct cli_entry *, json_t *, int);

/* media.c: photos to and from the store, in chunks. */
struct media_file {
	char		*path;
	unsigned char	*data;
	size_t		 len;
	const char	*mime;		/* from the first bytes */
	char		 sha256[65];
};
const char *media_sniff(const unsigned char *, size_t);
struct media_file *media_file_read(const char *, char *, size_t);
void	 media_file_free(struct media_file *);
json_t	*media_put_args(const struct media_file *, json_int_t);
int	 media_put_step(const struct media_file *, json_t *, json_int_t *);
int	 media_put_file(struct client *, const char *, char *, size_t,
	    struct client_error *);
int	 media_is_hash(const char *);
int	 media_args_upload(struct client *, json_t *, const char *,
	    struct client_error *);

/* cli-admin.c */
void	 cli_operator_list_print(json_t *);
void	 cli_operator_print(json_t *);
void	 cli_dept_list_print(json_t *);
void	 cli_cradle_list_print(json_t *);
void	 cli_geo_search_print(json_t *);
void	 cli_geo_at_print(json_t *);
void	 cli_geo_code_print(json_t *);
void	 cli_class_list_print(json_t *);
void	 cli_dept_print(json_t *);
void	 cli_calendar_show_print(json_t *);
void	 cli_calendar_load_print(json_t *);
void	 cli_calendar_deadline_print(json_t *);
int	 cli_ping_run(struct client *, const struct cli_entry *, json_t *,
	    int);

/* cli-base.c */
int	 cli_base_import_run(struct client *, const struct cli_entry *, json_t *,
	    int);
int	 cli_base_export_run(struct client *, const struct cli_entry *, json_t *,
	    int);
void	 cli_base_import_print(json_t *);
void	 cli_component_history_print(json_t *);
void	 cli_grid_history_print(json_t *);
void	 cli_grid_edit_print(json_t *);
void	 cli_component_edit_print(json_t *);

/* cli-report.c: citygrid report, tables and the monthly PDF. */
int	 cli_report_run(struct client *, const struct cli_entry *, json_t *, int);
int	 report_period(const char *, char *, char *, char *, char *);
void	 report_day_after(const char *, char *);
void	 report_decimal(double, char *, size_t);

/* report-pdf.c: the monthly report as a PDF, from the figures given. */
int	 report_pdf_write(const char *, json_t *, char *, size_t);

/* cli-watch.c */
int	 cli_watch_run(struct client *, const struct cli_entry *, json_t *,
	    int);

#endif /* CITYGRID_H */
