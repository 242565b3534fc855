/*
 * workflow.c: the closed loop of CJJ/T 106 as one transition table.
 *
 * A row says: in this state, this action, by these roles, leads to that
 * state, ends this timed stage (its on-time verdict is stored) and
 * starts that one.  Nothing else decides what may happen to a case: the
 * CLI, the consoles and the cradle all come through workflow_request()
 * or workflow_run().  A step reads the case (cg_case_context), picks the
 * row for (state, action), checks role, department and arguments,
 * computes deadlines in working time, then carries the step out in one
 * transaction (cg_case_step) guarded by the version it read, so of two
 * dispatchers acting at once one wins and the other is told who did.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "citygridd.h"

enum {
	WF_REASON = 0x0001,		/* a reason (or result text) is required */
	WF_OWN_DEPT = 0x0002,		/* only the case's own department */
	WF_DEPARTMENT = 0x0004,		/* sets the department: argument or default */
	WF_TASK_VERIFY = 0x0008,	/* sends a 核实 task to the grid's collector */
	WF_TASK_CHECK = 0x0010,		/* sends a 核查 task */
	WF_RESULT_VERIFY = 0x0020,	/* records the 核实 result */
	WF_RESULT_CHECK = 0x0040,	/* records the 核查 result */
	WF_DUPLICATE = 0x0080,		/* names the case this one duplicates */
	WF_PAUSE_POSTPONE = 0x0100,	/* stops the clocks: 缓办 */
	WF_PAUSE_SUSPEND = 0x0200,	/* stops the clocks: 挂账 */
	WF_RESUME = 0x0400,		/* restarts them, deadlines shifted */
	WF_EXTEND_REQ = 0x0800,		/* asks for more time: amount */
	WF_EXTEND_APPLY = 0x1000,	/* grants the amount asked */
	WF_CHECK_PASSED = 0x2000,	/* the last 核查 must have passed */
};

#define ANY_OPEN "*"	/* any state a case is still open in */

const struct workflow_step workflow_table[] = {
	{ "verify", "核实派发", "reported", ROLE_SEAT, "verifying", "verify_send", "verify", WF_TASK_VERIFY },
	{ "verified", "核实反馈", "verifying", ROLE_SEAT | ROLE_COLLECTOR, "verified", "verify", NULL, WF_RESULT_VERIFY },
	{ "file", "立案", "reported", ROLE_SUPERVISOR, "filed", "file,verify_send", "dispatch", 0 },
	{ "file", "立案", "verified", ROLE_SUPERVISOR, "filed", "file", "dispatch", 0 },
	{ "reject", "不予立案", "reported", ROLE_SUPERVISOR, "rejected", NULL, NULL, WF_REASON },
	{ "reject", "不予立案", "verifying", ROLE_SUPERVISOR, "rejected", NULL, NULL, WF_REASON },
	{ "reject", "不予立案", "verified", ROLE_SUPERVISOR, "rejected", NULL, NULL, WF_REASON },
	{ "merge", "合并", "reported", ROLE_SEAT | ROLE_SUPERVISOR, "merged", NULL, NULL, WF_DUPLICATE },
	{ "merge", "合并", "verifying", ROLE_SEAT | ROLE_SUPERVISOR, "merged", NULL, NULL, WF_DUPLICATE },
	{ "merge", "合并", "verified", ROLE_SEAT | ROLE_SUPERVISOR, "merged", NULL, NULL, WF_DUPLICATE },
	{ "dispatch", "派遣", "filed", ROLE_DISPATCHER, "dispatched", "dispatch", "handle", WF_DEPARTMENT },
	{ "dispatch", "重新派遣", "returned", ROLE_DISPATCHER, "dispatched", "dispatch", "handle", WF_DEPARTMENT },
	{ "accept", "接收", "dispatched", ROLE_DEPT, "handling", NULL, NULL, WF_OWN_DEPT },
	{ "return", "回退", "dispatched", ROLE_DEPT, "returned", "handle", "dispatch", WF_OWN_DEPT | WF_REASON },
	{ "return", "回退", "handling", ROLE_DEPT, "returned", "handle", "dispatch", WF_OWN_DEPT | WF_REASON },
	{ "extend", "申请延期", "handling", ROLE_DEPT, "extending", NULL, NULL, WF_OWN_DEPT | WF_REASON | WF_EXTEND_REQ },
	{ "postpone", "申请缓办", "handling", ROLE_DEPT, "postponing", NULL, NULL, WF_OWN_DEPT | WF_REASON },
	{ "approve", "批准延期", "extending", ROLE_DISPATCHER, "handling", NULL, NULL, WF_EXTEND_APPLY },
	{ "approve", "批准缓办", "postponing", ROLE_DISPATCHER, "postponed", NULL, NULL, WF_PAUSE_POSTPONE },
	{ "deny", "驳回延期", "extending", ROLE_DISPATCHER, "handling", NULL, NULL, WF_REASON },
	{ "deny", "驳回缓办", "postponing", ROLE_DISPATCHER, "handling", NULL, NULL, WF_REASON },
	{ "resume", "恢复处置", "postponed", ROLE_DISPATCHER, "handling", NULL, NULL, WF_RESUME },
	{ "resume", "挂账恢复", "suspended", ROLE_DISPATCHER, "handling", NULL, NULL, WF_RESUME },
	{ "suspend", "挂账", "dispatched", ROLE_DISPATCHER, "suspended", NULL, NULL, WF_REASON | WF_PAUSE_SUSPEND },
	{ "suspend", "挂账", "handling", ROLE_DISPATCHER, "suspended", NULL, NULL, WF_REASON | WF_PAUSE_SUSPEND },
	{ "feedback", "处置反馈", "handling", ROLE_DEPT, "handled", "handle", "check_send", WF_OWN_DEPT | WF_REASON },
	{ "check", "核查派发", "handled", ROLE_SEAT, "checking", "check_send", "check", WF_TASK_CHECK },
	{ "checked", "核查反馈", "checking", ROLE_SEAT | ROLE_COLLECTOR, "checked", "check", "close", WF_RESULT_CHECK },
	{ "close", "结案", "checked", ROLE_SUPERVISOR, "closed", "close", NULL, WF_CHECK_PASSED },
	{ "rework", "返工", "checked", ROLE_SUPERVISOR, "dispatched", "close", "handle", WF_REASON },
	{ "urge", "督办", ANY_OPEN, ROLE_SUPERVISOR | ROLE_DISPATCHER, NULL, NULL, NULL, 0 },
	{ NULL, NULL, NULL, 0, NULL, NULL, NULL, 0 }
};

/* States a case is finished in (case_state.open is false). */
static const char *const closed_states[] = { "closed", "rejected", "merged", NULL };

/* Stage limits other than handling come from the configuration. */
static const struct {
	const char	*stage;
	const char	*label;
	size_t		 offset;	/* in struct config */
} stage_limits[] = {
	{ "verify_send", "核实派发", offsetof(struct config, limit_verify_send) },
	{ "verify", "核实", offsetof(struct config, limit_verify) },
	{ "file", "立案", offsetof(struct config, limit_file) },
	{ "dispatch", "派遣", offsetof(struct config, limit_dispatch) },
	{ "handle", "处置", 0 },
	{ "check_send", "核查派发", offsetof(struct config, limit_check_send) },
	{ "check", "核查", offsetof(struct config, limit_check) },
	{ "close", "结案", offsetof(struct config, limit_close) },
};

/*
 * The same step for the cradle: the record it carries out is kept in
 * cradle_record (schema/010-cradle.sql) in the same transaction, so a
 * record resent after a cut is found there and never applied twice.
 */
static const char workflow_receipt_sql[] =
    "SELECT s.row_version, s.log_id, cg_cradle_receipt($12::jsonb, NULL, s.log_id)"
    " FROM cg_case_step($1::bigint, $2::integer, $3, $4::text[], $5,"
    " $6::timestamptz, $7::integer, $8, $9, $10::text[], $11::jsonb) s";

struct wf_ctx {			/* one row of cg_case_context */
	char	*id;
	char	*case_no;
	char	*state;
	int	 version;
	int	 department;
	double	 handle_limit;
	char	*handle_unit;
	int	 collector;
	int	 default_department;
	char	*last_check;
	json_t	*stages;
	json_t	*last_extend;
};

struct wf_req {
	struct cmd_req	*r;		/* a client's request; NULL for the cradle */
	json_t		*args;
	struct wf_actor	 actor;		/* strings owned */
	json_t		*receipt;	/* the cradle's record, kept with the step */
	struct wf_ctx	 ctx;
	const struct workflow_step *step;
	char		*action;
	int64_t		 now;
	workflow_cb	 cb;		/* internal callers (cradle) instead of a reply */
	void		*cb_arg;
};

static int
wf_state_open(const char *state)
{
	int i;

	for (i = 0; closed_states[i] != NULL; i++) {
		if (strcmp(state, closed_states[i]) == 0)
			return 0;
	}
	return 1;
}

/* Is there any row for this action? */
const struct workflow_step *
workflow_action(const char *action)
{
	const struct workflow_step *s;

	for (s = workflow_table; s->action != NULL; s++) {
		if (strcmp(s->action, action) == 0)
			return s;
	}
	return NULL;
}

/* The row for (state, action), or NULL. */
const struct workflow_step *
workflow_find(const char *state, const char *action)
{
	const struct workflow_step *s;

	for (s = workflow_table; s->action != NULL; s++) {
		if (strcmp(s->action, action) != 0)
			continue;
		if (strcmp(s->from, state) == 0 ||
		    (strcmp(s->from, ANY_OPEN) == 0 && wf_state_open(state)))
			return s;
	}
	return NULL;
}

/* Which actions may these roles take in this state?  For the consoles. */
json_t *
workflow_actions(const char *state, int roles)
{
	const struct workflow_step *s;
	json_t *a = json_array();

	for (s = workflow_table; s->action != NULL; s++) {
		if ((s->roles & roles) == 0)
			continue;
		if (strcmp(s->from, state) == 0 ||
		    (strcmp(s->from, ANY_OPEN) == 0 && wf_state_open(state)))
			json_array_append_new(a, json_pack("{s:s, s:s}",
			    "action", s->action, "label", s->label));
	}
	return a;
}

/* Does the role act on cases in this state?  Drives role watches. */
int
workflow_state_for_roles(const char *state, int roles)
{
	const struct workflow_step *s;

	for (s = workflow_table; s->action != NULL; s++) {
		if ((s->roles & roles) && strcmp(s->from, state) == 0)
			return 1;
	}
	return 0;
}

void
workflow_help(int roles, json_t *ops)
{
	const struct workflow_step *s, *t;
	char op[64];

	for (s = workflow_table; s->action != NULL; s++) {
		if ((s->roles & roles) == 0)
			continue;
		for (t = workflow_table; t != s; t++) {
			if (strcmp(t->action, s->action) == 0 && (t->roles & roles))
				break;
		}
		if (t != s)
			continue;	/* listed already */
		snprintf(op, sizeof op, "case.%s", s->action);
		json_array_append_new(ops, json_pack("{s:s, s:s}", "op", op,
		    "help", s->label));
	}
}

/* An instant as PostgreSQL reads it. */
void
workflow_time_text(int64_t t, char *buf, size_t len)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(buf, len, "%Y-%m-%d %H:%M:%S+00", &tm);
}

/*
 * When a step happens: now, or the "at" argument (epoch seconds or
 * YYYY-MM-DDTHH:MM[:SS] China time) where workflow:backdating allows
 * it, to import history or build the demo through the workflow itself.
 * Never in the future.
 */
int
workflow_step_time(json_t *args, int64_t *t, char **cause)
{
	json_t *at = json_object_get(args, "at");
	int64_t now = (int64_t)time(NULL);

	*t = now;
	if (at == NULL)
		return 0;
	if (!cfg.backdating) {
		xasprintf(cause, "不允许补录操作时间 (workflow:backdating = 0)");
		return -1;
	}
	if (json_is_integer(at))
		*t = json_integer_value(at);
	else if (!json_is_string(at) || worktime_parse_time(json_string_value(at), t) != 0) {
		xasprintf(cause, "操作时间 at 须为秒数或 YYYY-MM-DDTHH:MM");
		return -1;
	}
	if (*t > now + 60) {
		xasprintf(cause, "操作时间不能晚于现在");
		return -1;
	}
	return 0;
}

/* Parse "1.5 work_hour" or "1.5 工作时". */
int
workflow_parse_limit(const char *s, double *value, enum worktime_unit *unit)
{
	char *end;

	*value = strtod(s, &end);
	if (end == s || *value <= 0)
		return -1;
	while (*end == ' ')
		end++;
	return worktime_unit_parse(end, unit);
}

static int
wf_stage_limit(const char *stage, struct wf_ctx *ctx, double *value,
    enum worktime_unit *unit)
{
	size_t i;

	if (strcmp(stage, "handle") == 0) {
		if (ctx->handle_unit == NULL || ctx->handle_limit <= 0)
			return -1;
		*value = ctx->handle_limit;
		return worktime_unit_parse(ctx->handle_unit, unit);
	}
	for (i = 0; i < sizeof stage_limits / sizeof stage_limits[0]; i++) {
		if (strcmp(stage_limits[i].stage, stage) == 0)
			return workflow_parse_limit(*(char **)((char *)&cfg +
			    stage_limits[i].offset), value, unit);
	}
	return -1;
}

/*
 * The JSON of a stage starting at start: limit, unit, deadline and the
 * warning instant (cfg.warn_share of the limit).  NULL if the limit is
 * unknown or the calendar is not loaded.
 */
json_t *
workflow_stage_open(const char *stage, struct wf_ctx *ctx, int64_t start,
    int department)
{
	const struct worktime_calendar *cal = calendar_get();
	enum worktime_unit unit;
	double value;
	int64_t limit, deadline, warn;
	char dl[40], wa[40];

	if (cal == NULL || wf_stage_limit(stage, ctx, &value, &unit) != 0)
		return NULL;
	limit = worktime_limit(cal, value, unit);
	deadline = worktime_deadline(cal, start, limit, unit, NULL, 0);
	warn = worktime_deadline(cal, start, (int64_t)(limit * cfg.warn_share),
	    unit, NULL, 0);
	workflow_time_text(deadline, dl, sizeof dl);
	workflow_time_text(warn, wa, sizeof wa);
	return json_pack("{s:s, s:f, s:s, s:s, s:s, s:b, s:o}", "stage", stage,
	    "limit", value, "unit", worktime_unit_name(unit), "deadline", dl,
	    "warn_at", wa, "unpublished", worktime_unpublished(cal, start, deadline),
	    "department", department ? json_integer(department) : json_null());
}

static void
wf_ctx_free(struct wf_ctx *ctx)
{
	free(ctx->id);
	free(ctx->case_no);
	free(ctx->state);
	free(ctx->handle_unit);
	free(ctx->last_check);
	json_decref(ctx->stages);
	json_decref(ctx->last_extend);
	memset(ctx, 0, sizeof *ctx);
}

static char *
wf_value(PGresult *res, int col)
{
	return PQgetisnull(res, 0, col) ? NULL : xstrdup(PQgetvalue(res, 0, col));
}

static void
wf_ctx_read(struct wf_ctx *ctx, PGresult *res)
{
	json_error_t jerr;
	char *s;

	ctx->id = wf_value(res, 0);
	ctx->case_no = wf_value(res, 1);
	ctx->state = wf_value(res, 2);
	ctx->version = atoi(PQgetvalue(res, 0, 3));
	ctx->department = atoi(PQgetvalue(res, 0, 4));
	ctx->handle_limit = atof(PQgetvalue(res, 0, 7));
	ctx->handle_unit = wf_value(res, 8);
	ctx->collector = atoi(PQgetvalue(res, 0, 9));
	ctx->default_department = atoi(PQgetvalue(res, 0, 10));
	ctx->last_check = wf_value(res, 11);
	ctx->stages = json_loads(PQgetvalue(res, 0, 12), 0, &jerr);
	if ((s = wf_value(res, 13)) != NULL) {
		ctx->last_extend = json_loads(s, 0, &jerr);
		free(s);
	}
}

static json_t *
wf_open_stage(struct wf_ctx *ctx, const char *stage)
{
	size_t i;
	json_t *s;

	json_array_foreach(ctx->stages, i, s) {
		if (strcmp(json_string_value(json_object_get(s, "stage")), stage) == 0)
			return s;
	}
	return NULL;
}

static void
wf_free(struct wf_req *w)
{
	wf_ctx_free(&w->ctx);
	json_decref(w->args);
	json_decref(w->receipt);
	free((char *)w->actor.name);
	free((char *)w->actor.user);
	free((char *)w->actor.dept_name);
	free(w->action);
	free(w);
}

/* Finish: answer the client, or the internal caller. */
static void
wf_finish(struct wf_req *w, enum proto_error code, json_t *result,
    const char *fmt, ...)
{
	char msg[1024] = "";
	va_list ap;

	if (fmt != NULL) {
		va_start(ap, fmt);
		vsnprintf(msg, sizeof msg, fmt, ap);
		va_end(ap);
	}
	if (w->cb != NULL) {
		w->cb(fmt == NULL ? -1 : (int)code, msg, result, w->cb_arg);
		json_decref(result);
		if (w->r != NULL)
			cmd_req_free(w->r);
	} else if (fmt != NULL)
		cmd_req_error(w->r, code, "%s", msg);
	else
		cmd_req_reply(w->r, result);
	wf_free(w);
}

static void
wf_step_done(PGresult *res, const char *err, void *arg)
{
	struct wf_req *w = arg;
	const char *state, *msg;
	char text[512];
	enum proto_error code;

	if (res == NULL) {
		wf_finish(w, PE_DB, NULL, "%s", err);
		return;
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
		msg = cmd_error_text(res, text, sizeof text);
		code = workflow_sqlstate(state);
		if (code == PE_INTERNAL)
			log_error("case %s: %s failed: %s %s", w->ctx.case_no,
			    w->action, state ? state : "", msg);
		wf_finish(w, code, NULL, "%s", msg);
		return;
	}
	log_info("case %s: %s by %s (%s): %s -> %s", w->ctx.case_no, w->action,
	    w->actor.user, w->step->label,
	    w->ctx.state, w->step->to ? w->step->to : w->ctx.state);
	wf_finish(w, 0, json_pack("{s:s, s:s, s:s, s:s, s:i, s:I}",
	    "case", w->ctx.case_no, "action", w->action, "label", w->step->label,
	    "state", w->step->to ? w->step->to : w->ctx.state,
	    "row_version", atoi(PQgetvalue(res, 0, 0)),
	    "log_id", (json_int_t)atoll(PQgetvalue(res, 0, 1))), NULL);
}

/* Map our SQLSTATEs and constraint classes to protocol errors. */
enum proto_error
workflow_sqlstate(const char *state)
{
	if (state == NULL)
		return PE_INTERNAL;
	if (strcmp(state, "CGNOT") == 0)
		return PE_NOTFOUND;
	if (strcmp(state, "CGSTA") == 0)
		return PE_STATE;
	if (strcmp(state, "CGCNF") == 0)
		return PE_CONFLICT;
	if (strcmp(state, "CGINV") == 0 || strncmp(state, "23", 2) == 0 ||
	    strncmp(state, "22", 2) == 0)
		return PE_INVALID;
	if (strncmp(state, "08", 2) == 0 || strncmp(state, "57", 2) == 0)
		return PE_DB;
	if (strncmp(state, "40", 2) == 0)
		return PE_CONFLICT;
	return PE_INTERNAL;
}

/* The result of a task: verify confirmed|not_found, check passed|failed. */
static int
wf_task_close(struct wf_req *w, json_t *effects, const char *kind)
{
	json_t *args = w->args;
	const char *result = arg_str(args, "result");
	json_t *photos = json_object_get(args, "photos");
	int ok;

	if (strcmp(kind, "verify") == 0)
		ok = result != NULL && (strcmp(result, "confirmed") == 0 ||
		    strcmp(result, "not_found") == 0);
	else
		ok = result != NULL && (strcmp(result, "passed") == 0 ||
		    strcmp(result, "failed") == 0);
	if (!ok) {
		wf_finish(w, PE_INVALID, NULL, "%s结果须为 %s", strcmp(kind, "verify") == 0 ?
		    "核实" : "核查", strcmp(kind, "verify") == 0 ?
		    "confirmed 或 not_found" : "passed 或 failed");
		return -1;
	}
	json_object_set_new(effects, "task_close", json_pack("{s:s, s:s, s:s, s:o}",
	    "kind", kind, "result", result, "note",
	    arg_str(args, "note") ? arg_str(args, "note") : "",
	    "photos", json_is_array(photos) ? json_incref(photos) : json_array()));
	return 0;
}

static int
wf_task_open(struct wf_req *w, json_t *effects, const char *kind)
{
	json_t *stage;
	double value;
	enum worktime_unit unit;
	const struct worktime_calendar *cal = calendar_get();
	char due[40];

	if (w->ctx.collector == 0) {
		wf_finish(w, PE_INVALID, NULL, "案卷 %s 所在网格没有监督员", w->ctx.case_no);
		return -1;
	}
	/* A verify task is due with the verify stage; a check task with the check stage. */
	if ((stage = wf_open_stage(&w->ctx, kind)) != NULL)
		workflow_time_text((int64_t)json_number_value(json_object_get(stage,
		    "deadline")), due, sizeof due);
	else if (wf_stage_limit(kind, &w->ctx, &value, &unit) == 0 && cal != NULL)
		workflow_time_text(worktime_deadline(cal, w->now,
		    worktime_limit(cal, value, unit), unit, NULL, 0), due, sizeof due);
	else
		workflow_time_text(w->now, due, sizeof due);
	json_object_set_new(effects, "task_open", json_pack("{s:s, s:i, s:s}",
	    "kind", kind, "collector", w->ctx.collector, "due_at", due));
	return 0;
}

/* Deadlines of the paused stages, moved by the time the pause took. */
static json_t *
wf_resume(struct wf_req *w)
{
	const struct worktime_calendar *cal = calendar_get();
	json_t *out = json_object(), *s;
	enum worktime_unit unit;
	int64_t paused, deadline, warn, left, wleft;
	char dl[40], wa[40];
	size_t i;

	json_array_foreach(w->ctx.stages, i, s) {
		if (!json_is_number(json_object_get(s, "paused_at")))
			continue;
		if (worktime_unit_parse(json_string_value(json_object_get(s, "unit")), &unit) != 0)
			continue;
		paused = (int64_t)json_number_value(json_object_get(s, "paused_at"));
		deadline = (int64_t)json_number_value(json_object_get(s, "deadline"));
		warn = (int64_t)json_number_value(json_object_get(s, "warn_at"));
		left = deadline > paused ? worktime_elapsed(cal, paused, deadline, unit, NULL, 0) : 0;
		wleft = warn > paused ? worktime_elapsed(cal, paused, warn, unit, NULL, 0) : 0;
		workflow_time_text(worktime_deadline(cal, w->now, left, unit, NULL, 0), dl, sizeof dl);
		workflow_time_text(worktime_deadline(cal, w->now, wleft, unit, NULL, 0), wa, sizeof wa);
		json_object_set_new(out, json_string_value(json_object_get(s, "stage")),
		    json_pack("{s:s, s:s}", "deadline", dl, "warn_at", wa));
	}
	return out;
}

/* Grant the extension asked for: the handle deadline moves by it. */
static int
wf_extend(struct wf_req *w, json_t *effects)
{
	const struct worktime_calendar *cal = calendar_get();
	json_t *s = wf_open_stage(&w->ctx, "handle");
	enum worktime_unit unit;
	double amount;
	int64_t deadline, warn;
	char dl[40], wa[40];

	if (s == NULL || w->ctx.last_extend == NULL) {
		wf_finish(w, PE_INVALID, NULL, "案卷 %s 没有待批的延期申请", w->ctx.case_no);
		return -1;
	}
	amount = json_number_value(json_object_get(w->ctx.last_extend, "amount"));
	worktime_unit_parse(json_string_value(json_object_get(s, "unit")), &unit);
	deadline = (int64_t)json_number_value(json_object_get(s, "deadline"));
	warn = (int64_t)json_number_value(json_object_get(s, "warn_at"));
	workflow_time_text(worktime_deadline(cal, deadline, worktime_limit(cal, amount,
	    unit), unit, NULL, 0), dl, sizeof dl);
	workflow_time_text(warn, wa, sizeof wa);
	json_object_set_new(effects, "deadline", json_pack("{s:s, s:s, s:s}",
	    "stage", "handle", "deadline", dl, "warn_at", wa));
	json_object_set_new(effects, "extended", json_pack("{s:f, s:s}", "amount",
	    amount, "unit", worktime_unit_name(unit)));
	return 0;
}

/* Work out everything the step does, beyond the state change. */
static json_t *
wf_effects(struct wf_req *w)
{
	const struct workflow_step *st = w->step;
	json_t *args = w->args, *e, *open;
	char buf[32];
	const char *dup;
	int dept = w->ctx.department;

	e = json_pack("{s:s}", "action_name", st->label);
	if (json_object_get(args, "at") != NULL)
		json_object_set_new(e, "backdated", json_true());
	if (st->close != NULL) {
		/* "file,verify_send": every stage named, those open end. */
		json_t *close = json_array();
		const char *p = st->close;
		size_t n;

		while (*p != '\0') {
			n = strcspn(p, ",");
			json_array_append_new(close, json_stringn(p, n));
			p += n + (p[n] == ',');
		}
		json_object_set_new(e, "stage_close", close);
	}
	if (st->flags & WF_DEPARTMENT) {
		/* A department named by code or id is resolved in the step's SQL. */
		if ((dup = arg_num(args, "department", buf, sizeof buf)) != NULL) {
			json_object_set_new(e, "department_ref", json_string(dup));
			dept = 0;
		} else if ((dept = w->ctx.default_department) != 0) {
			json_object_set_new(e, "department", json_integer(dept));
		} else {
			wf_finish(w, PE_INVALID, NULL, "案卷 %s 没有默认处置部门, 请指定部门",
			    w->ctx.case_no);
			goto fail;
		}
	}
	if ((st->flags & WF_TASK_VERIFY) && wf_task_open(w, e, "verify") != 0)
		goto fail;
	if ((st->flags & WF_TASK_CHECK) && wf_task_open(w, e, "check") != 0)
		goto fail;
	if ((st->flags & WF_RESULT_VERIFY) && wf_task_close(w, e, "verify") != 0)
		goto fail;
	if ((st->flags & WF_RESULT_CHECK) && wf_task_close(w, e, "check") != 0)
		goto fail;
	if (st->flags & WF_DUPLICATE) {
		if ((dup = arg_num(args, "duplicate_of", buf, sizeof buf)) == NULL) {
			wf_finish(w, PE_INVALID, NULL, "合并须给出重复的案卷 (duplicate_of)");
			goto fail;
		}
		json_object_set_new(e, "duplicate_of_ref", json_string(dup));
	}
	if (st->flags & WF_PAUSE_POSTPONE)
		json_object_set_new(e, "pause_start", json_string("postpone"));
	if (st->flags & WF_PAUSE_SUSPEND)
		json_object_set_new(e, "pause_start", json_string("suspend"));
	if (st->flags & WF_RESUME)
		json_object_set_new(e, "pause_end", wf_resume(w));
	if (st->flags & WF_EXTEND_REQ) {
		if (!json_is_number(json_object_get(args, "amount")) ||
		    json_number_value(json_object_get(args, "amount")) <= 0) {
			wf_finish(w, PE_INVALID, NULL, "延期须给出时长 amount (按处置时限的单位)");
			goto fail;
		}
		json_object_set_new(e, "amount", json_real(
		    json_number_value(json_object_get(args, "amount"))));
	}
	if ((st->flags & WF_EXTEND_APPLY) && wf_extend(w, e) != 0)
		goto fail;
	if (st->open != NULL) {
		open = workflow_stage_open(st->open, &w->ctx, w->now,
		    strcmp(st->open, "handle") == 0 ? dept : 0);
		if (open == NULL) {
			wf_finish(w, PE_INVALID, NULL, "案卷 %s 缺少%s时限 (立案条件或网格未定, 或日历未载入)",
			    w->ctx.case_no, st->open);
			goto fail;
		}
		json_object_set_new(e, "stage_open", open);
	}
	return e;
fail:
	json_decref(e);
	return NULL;
}

/* Check the step against the case and the actor. */
static int
wf_check(struct wf_req *w)
{
	const struct workflow_step *st = w->step;
	const struct wf_actor *a = &w->actor;
	const char *reason = arg_str(w->args, "reason");

	if ((st->roles & a->roles) == 0) {
		char *names = role_labels(st->roles);

		wf_finish(w, PE_ROLE, NULL, "%s(%s) 无权%s, 需要角色: %s",
		    a->name, a->user, st->label, names);
		free(names);
		return -1;
	}
	if ((st->flags & WF_OWN_DEPT) && (a->department == 0 ||
	    a->department != w->ctx.department)) {
		wf_finish(w, PE_ROLE, NULL, "案卷 %s 不属于%s", w->ctx.case_no,
		    a->dept_name[0] ? a->dept_name : "你的部门");
		return -1;
	}
	if ((st->flags & WF_REASON) && (reason == NULL || *reason == '\0')) {
		wf_finish(w, PE_INVALID, NULL, "%s须填写原因或结果 (reason)", st->label);
		return -1;
	}
	if ((st->flags & WF_CHECK_PASSED) && (w->ctx.last_check == NULL ||
	    strcmp(w->ctx.last_check, "passed") != 0)) {
		wf_finish(w, PE_STATE, NULL, "案卷 %s 核查未通过, 不能结案, 请返工",
		    w->ctx.case_no);
		return -1;
	}
	return 0;
}

static void
wf_context_done(PGresult *res, const char *err, void *arg)
{
	struct wf_req *w = arg;
	const struct workflow_step *any;
	json_t *effects;
	char version[16], at[40], actor[16], *eff, *receipt;
	const char *params[12];
	char from[64];
	json_t *jv;

	if (res == NULL) {
		wf_finish(w, PE_DB, NULL, "%s", err);
		return;
	}
	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		wf_finish(w, PE_INTERNAL, NULL, "%s", PQresultErrorMessage(res));
		return;
	}
	if (PQntuples(res) != 1) {
		char buf[32];

		wf_finish(w, PE_NOTFOUND, NULL, "案卷 %s 不存在",
		    arg_num(w->args, "case", buf, sizeof buf));
		return;
	}
	wf_ctx_read(&w->ctx, res);
	/* The version the operator saw goes first: who changed it tells more. */
	jv = json_object_get(w->args, "version");
	if (json_is_integer(jv) && json_integer_value(jv) != w->ctx.version) {
		wf_finish(w, PE_CONFLICT, NULL, "案卷 %s 已于 %s 被 %s 修改, 请刷新后重试",
		    w->ctx.case_no, PQgetvalue(res, 0, 15), PQgetvalue(res, 0, 14));
		return;
	}
	if ((w->step = workflow_find(w->ctx.state, w->action)) == NULL) {
		any = workflow_action(w->action);
		wf_finish(w, PE_STATE, NULL, "案卷 %s 当前状态为 %s, 不能%s", w->ctx.case_no,
		    w->ctx.state, any->label);
		return;
	}
	if (wf_check(w) != 0)
		return;
	if ((effects = wf_effects(w)) == NULL)
		return;
	snprintf(version, sizeof version, "%d", json_is_integer(jv) ?
	    (int)json_integer_value(jv) : w->ctx.version);
	workflow_time_text(w->now, at, sizeof at);
	snprintf(actor, sizeof actor, "%d", w->actor.operator);
	snprintf(from, sizeof from, "{%s}", w->ctx.state);
	eff = json_dumps(effects, JSON_COMPACT);
	json_decref(effects);
	params[0] = w->ctx.id;
	params[1] = version;
	params[2] = w->action;
	params[3] = from;
	params[4] = w->step->to;
	params[5] = at;
	params[6] = w->actor.operator != 0 ? actor : NULL;
	params[7] = w->actor.name;
	params[8] = arg_str(w->args, "reason");
	params[9] = workflow_attachments(w->args);
	params[10] = eff;
	params[11] = receipt = w->receipt != NULL ?
	    json_dumps(w->receipt, JSON_COMPACT) : NULL;
	if (db_query(receipt != NULL ? workflow_receipt_sql : workflow_step_sql,
	    receipt != NULL ? 12 : 11, params, wf_step_done, w) != 0)
		wf_finish(w, PE_DB, NULL, "数据库不可用, 操作未执行");
	free((char *)params[9]);
	free(eff);
	free(receipt);
}

/* SQL of a step; duplicate_of_ref is resolved to an id inside. */
const char workflow_step_sql[] =
    "SELECT * FROM cg_case_step($1::bigint, $2::integer, $3, $4::text[], $5,"
    " $6::timestamptz, $7::integer, $8, $9, $10::text[], $11::jsonb"
    " || CASE WHEN $11::jsonb ? 'duplicate_of_ref' THEN jsonb_build_object("
    "  'duplicate_of', (SELECT id FROM cases WHERE case_no = $11::jsonb->>'duplicate_of_ref'"
    "   OR id::text = $11::jsonb->>'duplicate_of_ref')) ELSE '{}' END"
    " || CASE WHEN $11::jsonb ? 'department_ref' THEN jsonb_build_object("
    "  'department', (SELECT id FROM department WHERE code = $11::jsonb->>'department_ref'"
    "   OR id::text = $11::jsonb->>'department_ref')) ELSE '{}' END)";

/* Attachments (photo hashes) as a PostgreSQL array literal. */
char *
workflow_attachments(json_t *args)
{
	json_t *a = json_object_get(args, "attachments"), *v;
	char *out, *tmp;
	size_t i;

	out = xstrdup("{");
	json_array_foreach(a, i, v) {
		if (!json_is_string(v))
			continue;
		xasprintf(&tmp, "%s%s\"%s\"", out, i > 0 ? "," : "",
		    json_string_value(v));
		free(out);
		out = tmp;
	}
	xasprintf(&tmp, "%s}", out);
	free(out);
	return tmp;
}

/* Start a step: case.<action> {case, ...}; w holds actor and args. */
static void
wf_start(struct wf_req *w)
{
	const char *params[1];
	char buf[32], *cause;

	if (workflow_step_time(w->args, &w->now, &cause) != 0) {
		wf_finish(w, PE_INVALID, NULL, "%s", cause);
		free(cause);
		return;
	}
	params[0] = arg_num(w->args, "case", buf, sizeof buf);
	if (params[0] == NULL) {
		wf_finish(w, PE_INVALID, NULL, "须给出案卷编号 (case)");
		return;
	}
	if (calendar_get() == NULL) {
		wf_finish(w, PE_BUSY, NULL, "工作日历尚未载入, 请稍后重试");
		return;
	}
	if (db_query("SELECT * FROM cg_case_context($1)", 1, params,
	    wf_context_done, w) != 0)
		wf_finish(w, PE_DB, NULL, "数据库不可用, 操作未执行, 请稍后重试");
}

static struct wf_req *
wf_new(const char *action, json_t *args, const struct wf_actor *a,
    workflow_cb cb, void *arg)
{
	struct wf_req *w = xcalloc(1, sizeof *w);

	w->action = xstrdup(action);
	w->args = json_incref(args);
	w->actor = *a;
	w->actor.name = xstrdup(a->name);
	w->actor.user = xstrdup(a->user);
	w->actor.dept_name = xstrdup(a->dept_name != NULL ? a->dept_name : "");
	w->cb = cb;
	w->cb_arg = arg;
	return w;
}

/* A step for a client's request, as its operator. */
void
workflow_run(struct cmd_req *r, const char *action, workflow_cb cb, void *arg)
{
	const struct operator *op = r->c->op;
	struct wf_actor a = { op->id, op->name, op->user, op->roles,
	    op->department, op->dept_name };
	struct wf_req *w = wf_new(action, r->args, &a, cb, arg);

	w->r = r;
	wf_start(w);
}

/*
 * A step taken by someone who is not a client: a collector, through the
 * cradle.  receipt (may be NULL; taken) is stored with the step, in its
 * transaction.  cb gets the outcome; the step is decided, checked and
 * carried out exactly as for a client.
 */
void
workflow_run_as(const struct wf_actor *a, const char *action, json_t *args,
    json_t *receipt, workflow_cb cb, void *arg)
{
	struct wf_req *w = wf_new(action, args, a, cb, arg);

	w->receipt = receipt;
	wf_start(w);
}

void
workflow_request(struct client *c, uint64_t id, const char *action, json_t *args)
{
	workflow_run(cmd_req_new(c, id, args), action, NULL, NULL);
}
