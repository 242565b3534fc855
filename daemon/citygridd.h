/*
 * citygridd.h: the daemon's internal header.  Prototypes are grouped
 * under the file they live in.
 */
#ifndef CITYGRIDD_H
#define CITYGRIDD_H

#include <sys/queue.h>
#include <sys/types.h>

#include <event2/event.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <jansson.h>
#include <libpq-fe.h>

#include "cg.h"
#include "proto.h"

extern struct event_base *base;

/* config.c */
struct config {
	char	*socket;		/* daemon:socket */
	int	 socket_mode;		/* daemon:socket_mode */
	char	*socket_group;		/* daemon:socket_group */
	char	*pidfile;		/* daemon:pidfile */
	char	*log_level;		/* daemon:log_level */
	char	*conninfo;		/* database:conninfo */
	int	 pool_size;		/* database:pool_size */
	int	 reconnect_max;		/* database:reconnect_max, seconds */
	char	*standard;		/* workflow:standard */
	int	 backdating;		/* workflow:backdating */
	char	*work_periods;		/* worktime:periods */
	double	 warn_share;		/* worktime:warn_share */
	char	*limit_verify;		/* limits:verify ... */
	char	*limit_file;
	char	*limit_dispatch;
	char	*limit_check;
	char	*limit_close;
	char	*limit_verify_send;	/* limits:verify_send */
	char	*limit_check_send;	/* limits:check_send */
	int	 client_high_water;	/* clients:high_water, bytes */
	int	 client_hard_limit;	/* clients:hard_limit, bytes */
	int	 client_max_requests;	/* clients:max_requests */
	int	 cradle_enabled;	/* cradle:enabled */
	char	*cradle_match;		/* cradle:match, lib/portmatch.c */
	char	*cradle_ports;		/* cradle:ports */
	int	 cradle_baud;		/* cradle:baud */
	char	*cradle_flow;		/* cradle:flow */
	int	 cradle_rescan;		/* cradle:rescan, seconds */
	int	 cradle_timeout;	/* cradle:timeout, seconds */
};
extern struct config cfg;
int	 config_load(const char *, struct config *, char **);
void	 config_free(struct config *);
void	 config_print(FILE *, const struct config *);
int	 config_reload_check(const struct config *, const struct config *,
	    char **);

/* db.c */
typedef void (*db_cb)(PGresult *, const char *, void *);
typedef void (*db_notify_cb)(const char *, const char *);
typedef void (*db_state_cb)(int);
void	 db_init(const char *, int, int, db_notify_cb, db_state_cb);
void	 db_shutdown(void);
int	 db_available(void);
int	 db_query(const char *, int, const char *const *, db_cb, void *);
int	 db_query_urgent(const char *, int, const char *const *, db_cb, void *);
json_t	*db_result_json(PGresult *);
size_t	 db_queued(void);
const char *db_server_version(void);

/* server.c */
struct client;
int	 server_start(const char *, int, const char *, char **);
void	 server_stop(void);
void	 server_drain(void);
size_t	 server_client_count(void);

/* client.c */
struct client {
	uint64_t		 id;
	int			 fd;
	struct bufferevent	*bev;
	uid_t			 uid;
	pid_t			 pid;
	char			*user;		/* Unix user, from the socket */
	struct operator		*op;		/* set by hello */
	int			 proto;		/* negotiated version, 0 before hello */
	int			 inflight;	/* requests not yet answered */
	int			 refs;		/* the client and each callback */
	int			 dead;		/* closed; freed when refs drops */
	int			 lagging;	/* pushes dropped; resync owed */
	int			 hello_pending;	/* input held until hello is answered */
	TAILQ_HEAD(, watch)	 watches;
	TAILQ_ENTRY(client)	 entry;
};
struct client *client_create(int, uid_t, pid_t, const char *);
void	 client_close(struct client *, const char *);
void	 client_ref(struct client *);
void	 client_unref(struct client *);
void	 client_send(struct client *, json_t *);
void	 client_push(struct client *, json_t *);
void	 client_reply(struct client *, uint64_t, json_t *);
void	 client_error(struct client *, uint64_t, enum proto_error,
	    const char *, ...) __attribute__((format(printf, 4, 5)));
void	 client_done(struct client *);
void	 client_resume(struct client *);
extern TAILQ_HEAD(clients, client) clients;

/* operator.c */
enum role {
	ROLE_SEAT = 0x01,	/* 受理员 */
	ROLE_SUPERVISOR = 0x02,	/* 值班长 */
	ROLE_DISPATCHER = 0x04,	/* 派遣员 */
	ROLE_DEPT = 0x08,	/* 专业部门 */
	ROLE_ADMIN = 0x10,	/* 系统管理员 */
	ROLE_COLLECTOR = 0x20,	/* 监督员, through the cradle only */
};
struct operator {
	int	 id;
	char	*user;
	char	*name;
	int	 roles;
	int	 department;	/* 0: none */
	char	*dept_name;
	char	*dept_code;
};
int	 role_from_name(const char *);
const char *role_name(int);
const char *role_label(int);
json_t	*role_list(int);
char	*role_labels(int);
struct operator *operator_from_row(PGresult *, int);
void	 operator_free(struct operator *);
json_t	*operator_json(const struct operator *);

/* cmd.c */
struct cmd_req {		/* an asynchronous request; holds its client */
	struct client	*c;
	uint64_t	 id;
	json_t		*args;
	json_t		*data;		/* the handler's, freed with the request */
	char		*p1;		/* the handler's, freed with the request */
};
struct cmd_entry {
	const char	*op;		/* "case.file" */
	int		 roles;		/* who may; 0: anyone after hello */
	void		(*exec)(struct client *, uint64_t, json_t *);
	const char	*help;
};
void	 cmd_dispatch(struct client *, uint64_t, const char *, json_t *);
const struct cmd_entry *cmd_find(const char *);
extern const struct cmd_entry cmd_table[];
int	 cmd_allowed(struct client *, uint64_t, int, const char *);
struct cmd_req *cmd_req_new(struct client *, uint64_t, json_t *);
void	 cmd_req_free(struct cmd_req *);
void	 cmd_req_reply(struct cmd_req *, json_t *);
void	 cmd_req_error(struct cmd_req *, enum proto_error, const char *, ...)
	    __attribute__((format(printf, 3, 4)));
void	 cmd_query(struct cmd_req *, const char *, int, const char *const *, db_cb);
int	 cmd_failed(struct cmd_req *, PGresult *, const char *);
const char *cmd_error_text(PGresult *, char *, size_t);
void	 cmd_rows_done(PGresult *, const char *, void *);
void	 cmd_row_done(PGresult *, const char *, void *);
const char *arg_str(json_t *, const char *);
const char *arg_num(json_t *, const char *, char *, size_t);

/* cmd-case.c */
struct wf_actor;
int	 case_new_params(json_t *, const struct wf_actor *, char *[5],
	    enum proto_error *, char **);
void	 case_new_free(char *[5]);
void	 cmd_case_new(struct client *, uint64_t, json_t *);
void	 cmd_case_show(struct client *, uint64_t, json_t *);
void	 cmd_case_list(struct client *, uint64_t, json_t *);
void	 cmd_case_log(struct client *, uint64_t, json_t *);
void	 cmd_task_list(struct client *, uint64_t, json_t *);

/* cmd-geo.c */
void	 cmd_geo_search(struct client *, uint64_t, json_t *);
void	 cmd_geo_at(struct client *, uint64_t, json_t *);
void	 cmd_geo_code(struct client *, uint64_t, json_t *);
void	 cmd_geo_outline(struct client *, uint64_t, json_t *);
void	 cmd_class_list(struct client *, uint64_t, json_t *);

/* cmd-eval.c */
void	 cmd_eval_indicators(struct client *, uint64_t, json_t *);
void	 cmd_eval_scores(struct client *, uint64_t, json_t *);

/* cmd-cradle.c */
void	 cmd_cradle_list(struct client *, uint64_t, json_t *);

/* cmd-media.c */
void	 cmd_media_put(struct client *, uint64_t, json_t *);
void	 cmd_media_get(struct client *, uint64_t, json_t *);

/* cmd-base.c */
void	 cmd_import_begin(struct client *, uint64_t, json_t *);
void	 cmd_import_rows(struct client *, uint64_t, json_t *);
void	 cmd_import_finish(struct client *, uint64_t, json_t *);
void	 cmd_import_abort(struct client *, uint64_t, json_t *);
void	 cmd_export_page(struct client *, uint64_t, json_t *);
void	 cmd_grid_split(struct client *, uint64_t, json_t *);
void	 cmd_grid_merge(struct client *, uint64_t, json_t *);
void	 cmd_grid_history(struct client *, uint64_t, json_t *);
void	 cmd_component_history(struct client *, uint64_t, json_t *);
void	 cmd_component_add(struct client *, uint64_t, json_t *);
void	 cmd_component_move(struct client *, uint64_t, json_t *);
void	 cmd_component_owner(struct client *, uint64_t, json_t *);
void	 cmd_component_retire(struct client *, uint64_t, json_t *);

/* cmd-rank.c */
void	 cmd_rank_departments(struct client *, uint64_t, json_t *);

/* cmd-report.c */
void	 cmd_report_count(struct client *, uint64_t, json_t *);
void	 cmd_report_trend(struct client *, uint64_t, json_t *);

/* cmd-admin.c */
void	 cmd_operator_add(struct client *, uint64_t, json_t *);
void	 cmd_operator_list(struct client *, uint64_t, json_t *);
void	 cmd_operator_del(struct client *, uint64_t, json_t *);
void	 cmd_operator_role(struct client *, uint64_t, json_t *);
void	 cmd_dept_add(struct client *, uint64_t, json_t *);
void	 cmd_dept_list(struct client *, uint64_t, json_t *);

/* calendar.c */
const struct worktime_calendar *calendar_get(void);
void	 calendar_load(void);
json_t	*calendar_status(void);
void	 cmd_calendar_show(struct client *, uint64_t, json_t *);
void	 cmd_calendar_load(struct client *, uint64_t, json_t *);
void	 cmd_calendar_deadline(struct client *, uint64_t, json_t *);

/* workflow.c */
struct workflow_step {
	const char	*action;	/* file */
	const char	*label;		/* 立案 */
	const char	*from;		/* the state it is taken in; "*": any open */
	int		 roles;		/* who may take it */
	const char	*to;		/* the state after; NULL: unchanged */
	const char	*close;		/* the timed stages it ends (a,b), with verdicts */
	const char	*open;		/* the timed stage it starts */
	int		 flags;		/* WF_* in workflow.c */
};
struct wf_ctx;
struct wf_actor {		/* who takes a step */
	int		 operator;	/* operator id; 0: a collector */
	const char	*name;		/* for the case log */
	const char	*user;		/* Unix user or collector code, for log lines */
	int		 roles;
	int		 department;	/* 0: none */
	const char	*dept_name;
};
/* Outcome of a step for an internal caller: -1 done, else a proto_error. */
typedef void (*workflow_cb)(int, const char *, json_t *, void *);
extern const struct workflow_step workflow_table[];
extern const char workflow_step_sql[];
const struct workflow_step *workflow_action(const char *);
const struct workflow_step *workflow_find(const char *, const char *);
json_t	*workflow_actions(const char *, int);
int	 workflow_state_for_roles(const char *, int);
void	 workflow_help(int, json_t *);
void	 workflow_request(struct client *, uint64_t, const char *, json_t *);
void	 workflow_run(struct cmd_req *, const char *, workflow_cb, void *);
void	 workflow_run_as(const struct wf_actor *, const char *, json_t *,
	    json_t *, workflow_cb, void *);
json_t	*workflow_stage_open(const char *, struct wf_ctx *, int64_t, int);
void	 workflow_time_text(int64_t, char *, size_t);
int	 workflow_step_time(json_t *, int64_t *, char **);
int	 workflow_parse_limit(const char *, double *, enum worktime_unit *);
enum proto_error workflow_sqlstate(const char *);
char	*workflow_attachments(json_t *);

/* cradle-port.c */
struct cradle_session;
struct sp_port;
struct cradle_port {		/* a serial port a cradle is on */
	uint64_t		 id;
	char			*name;		/* as found or configured, for logs */
	char			*device;	/* what it resolves to */
	int			 rule;		/* of cradle:match; -1: cradle:ports */
	int			 fd;
	struct sp_port		*sp;		/* NULL: opened with termios */
	int			 pty;
	int			 up;		/* open */
	int			 seen;		/* in the last scan */
	char			*error;		/* the last failure to open, logged once */
	time_t			 opened_at;
	uint64_t		 bytes_in, bytes_out;
	struct bufferevent	*bev;
	struct cradle_session	*session;	/* NULL until a unit speaks */
	TAILQ_ENTRY(cradle_port) entry;
};
void	 cradle_port_start(void);
void	 cradle_port_stop(void);
void	 cradle_port_send(struct cradle_port *, const void *, size_t);
size_t	 cradle_port_queued(struct cradle_port *);
int	 cradle_port_count(void);

/* cradle.c */
struct cradle_session *cradle_session_new(struct cradle_port *);
void	 cradle_session_input(struct cradle_session *, const uint8_t *, size_t);
void	 cradle_session_drained(struct cradle_session *);
void	 cradle_session_end(struct cradle_session *, const char *);

/* alarm.c */
void	 alarm_start(void);
void	 alarm_stop(void);

/* notify.c */
struct watch {
	uint64_t		 id;
	char			*scope;	/* all, role, department, grid, case */
	char			*value;
	TAILQ_ENTRY(watch)	 entry;
};
void	 notify_received(const char *, const char *);
void	 notify_push(const char *, PGresult *);
void	 cmd_watch(struct client *, uint64_t, json_t *);
void	 cmd_unwatch(struct client *, uint64_t, json_t *);
void	 notify_db_state(int);
void	 notify_flush(void);
void	 watch_free(struct watch *);

#endif /* CITYGRIDD_H */
