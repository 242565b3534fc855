/*
 * view-dispatch.c: the dispatcher's console (派遣员).  One list: the
 * cases waiting to be dispatched (filed, returned) and the departments'
 * requests for more time (extending, postponing), urgent first, then by
 * the nearest deadline, with the working time left coloured green,
 * yellow past the warning instant and red when overdue.  The list is
 * read once with case.list and then kept by the "case" events of a
 * watch on the dispatcher's role; nothing is polled.  A pushed case
 * carries no warning instant, so a change of deadline asks for one
 * case.list, coalesced with any others in the same moment.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "console.h"

#define DISPATCH_STATES "filed,returned,extending,postponing"
#define DISPATCH_LIMIT	2000

enum dispatch_col {
	COL_DEPT = CASE_COL_COMMON,
	COL_CREATED, COL_ADDRESS, COL_COUNT
};
static const struct list_col dispatch_cols[COL_COUNT] = {
	CASE_LIST_COLS,
	[COL_DEPT] =	{ "部门", 0, 0 },
	[COL_CREATED] =	{ "登记", 11, 110 },
	[COL_ADDRESS] =	{ "地址", 0, 140 },
};

static const enum keymap_action dispatch_actions[] = {
	ACT_DISPATCH, ACT_APPROVE, ACT_DENY, ACT_URGE, ACT_DETAIL, ACT_REFRESH,
	ACT_DOWN, ACT_UP, ACT_PAGE_DOWN, ACT_PAGE_UP, ACT_FIRST, ACT_LAST,
	ACT_REDRAW, ACT_HELP, ACT_QUIT, ACT_NONE
};

static const char *const dispatch_kept[] = { "warn_at", NULL };
static const struct case_list_kind dispatch_kind = {
	.states = DISPATCH_STATES,
	.limit = DISPATCH_LIMIT,
	.flags = CASE_LIST_OPEN | CASE_LIST_ANNOUNCE,
	.kept = dispatch_kept,
};

struct dispatch {
	struct console		*con;
	struct case_list	 cl;		/* the cases, kept */
};



/* Connected, or again: watch first, then read, so nothing falls between. */
static void
dispatch_up(struct console *con, void *arg)
{
	struct dispatch *d = arg;

	case_list_watch(&d->cl, "role", con->view->role);
	case_list_up(&d->cl);
}

static void
dispatch_event(struct console *con, void *arg, json_t *ev)
{
	struct dispatch *d = arg;

	case_list_event(&d->cl, ev);
}

static const char *
dispatch_cell(void *arg, int row, int col, attr_t *attr)
{
	struct dispatch *d = arg;
	json_t *c = json_array_get(d->cl.rows, (size_t)row);

	switch (col) {
	case COL_DEPT:
		return jstr_or(c, "department_name");
	case COL_CREATED:
		return jstr_or(c, "created");
	case COL_ADDRESS:
		return jstr_or(c, "address");
	}
	return case_list_cell(&d->cl, c, col, attr);
}

/* The selected case's description under the list: more on big screens. */
static void
dispatch_draw_detail(struct dispatch *d, WINDOW *w, int y, int lines)
{
	json_t *c = case_list_selected(&d->cl);
	char line[1024];
	int cols = getmaxx(w);

	mvwhline(w, y, 0, ACS_HLINE, cols);
	if (c == NULL) {
		tty_put(w, y + 1, 0, cols, d->cl.loading ? "读取中…" :
		    "没有待派遣的案卷或待审批的申请", A_NORMAL);
		return;
	}
	snprintf(line, sizeof line, "%s %s: %s", jstr(c, "case_no"),
	    jstr(c, "class_name"), jstr(c, "description"));
	tty_put(w, y + 1, 0, cols, line, A_NORMAL);
	if (lines < 3)
		return;
	snprintf(line, sizeof line, "地址: %s  网格: %s  来源: %s",
	    jstr(c, "address")[0] ? jstr(c, "address") : "-", jstr(c, "grid"),
	    cli_print_label(jstr(c, "source")));
	tty_put(w, y + 2, 0, cols, line, A_NORMAL);
}

static void
dispatch_draw(struct console *con, void *arg, WINDOW *w)
{
	struct dispatch *d = arg;
	int h = getmaxy(w), detail = h >= 30 ? 3 : 2;
	WINDOW *lw;

	werase(w);
	if (h <= detail + 1) {
		detail = 0;
	}
	if ((lw = derwin(w, h - detail, getmaxx(w), 0, 0)) == NULL)
		return;
	list_draw(&d->cl.list, lw, dispatch_cell, d);
	delwin(lw);
	if (detail > 0)
		dispatch_draw_detail(d, w, h - detail, detail);
}

static void
dispatch_deny_answer(struct console *con, const char *reason, void *arg)
{
	struct dispatch *d = con->state;
	json_t *c = case_list_find(&d->cl, (json_int_t)(intptr_t)arg);

	if (reason == NULL || *reason == '\0') {
		console_message(con, "驳回已取消");
		return;
	}
	if (c == NULL) {
		console_message(con, "案卷已不在列表中, 驳回未发出");
		return;
	}
	case_step(con, c, "deny", "驳回", json_pack("{s:s}", "reason", reason));
}

static int
dispatch_action(struct console *con, void *arg, int a)
{
	struct dispatch *d = arg;
	json_t *c = case_list_selected(&d->cl);
	char q[128];

	if (case_list_action(&d->cl, a))
		return 1;
	if (c == NULL) {
		console_message(con, "没有选中的案卷");
		return 1;
	}
	switch ((enum keymap_action)a) {
	case ACT_DISPATCH: case_step(con, c, "dispatch", "派遣", NULL); return 1;
	case ACT_APPROVE: case_step(con, c, "approve", "批准", NULL); return 1;
	case ACT_URGE: case_step(con, c, "urge", "督办", NULL); return 1;
	case ACT_DETAIL: detail_open(con, jstr(c, "case_no")); return 1;
	case ACT_DENY:
		snprintf(q, sizeof q, "驳回 %s 的%s, 理由: ", jstr(c, "case_no"),
		    jstr(c, "state_name"));
		con->prompt = prompt_new(q, dispatch_deny_answer,
		    (void *)(intptr_t)jnum(c, "id"));
		return 1;
	default:
		return 0;
	}
}

static void
dispatch_tick(struct console *con, void *arg)
{
	console_dirty(con);	/* the time left moves on */
}

static void *
dispatch_open(struct console *con)
{
	struct dispatch *d = xcalloc(1, sizeof *d);

	d->con = con;
	case_list_init(&d->cl, con, &dispatch_kind, dispatch_cols, COL_COUNT);
	return d;
}

static void
dispatch_close(void *arg)
{
	struct dispatch *d = arg;

	case_list_free(&d->cl);
	free(d);
}

const struct view view_dispatch = {
	.name = "dispatch",
	.role = "dispatcher",
	.title = "派遣",
	.actions = dispatch_actions,
	.open = dispatch_open,
	.close = dispatch_close,
	.up = dispatch_up,
	.event = dispatch_event,
	.action = dispatch_action,
	.draw = dispatch_draw,
	.tick = dispatch_tick,
};
