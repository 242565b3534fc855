/*
 * console.c: the loop under every role console.  Handlers only read,
 * queue and mark the screen dirty; after each turn of the event loop
 * the screen is drawn once (wnoutrefresh of each window, then one
 * doupdate), as tmux's server_loop does its batched work.  Keys come
 * from stdin on the loop, the daemon's pushes from conn.c, the size
 * from SIGWINCH.
 */
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "console.h"

#define CONSOLE_TICK 15		/* seconds between countdown redraws */

static const struct view *const console_views[] = { &view_dispatch, &view_dept, &view_supervise, &view_seat };

struct console_wins {
	WINDOW	*title, *main, *status;
	int	 lines, cols;
};
static struct console_wins wins;

void
console_dirty(struct console *con)
{
	con->dirty = 1;
}

void
console_message(struct console *con, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	status_message(con->status, msg);
	con->dirty = 1;
}

/* (Re)make the windows for the screen's size. */
static void
console_layout(void)
{
	if (wins.lines == LINES && wins.cols == COLS && wins.main != NULL)
		return;
	if (wins.title != NULL) {
		delwin(wins.title);
		delwin(wins.main);
		delwin(wins.status);
	}
	wins.lines = LINES;
	wins.cols = COLS;
	wins.title = newwin(1, COLS, 0, 0);
	wins.main = newwin(LINES > 2 ? LINES - 2 : 1, COLS, 1, 0);
	wins.status = newwin(1, COLS, LINES > 1 ? LINES - 1 : 0, 0);
}

static void
console_draw(struct console *con)
{
	char title[256];

	console_layout();
	snprintf(title, sizeof title, " citygrid %s", con->view->title);
	if (con->detail != NULL)
		detail_draw(con->detail, wins.main);
	else
		con->view->draw(con, con->state, wins.main);
	status_draw_title(con->status, wins.title, con, title);
	werase(wins.status);
	if (con->prompt != NULL)
		prompt_draw(con->prompt, wins.status);
	else
		status_draw(con->status, wins.status, con);
	wnoutrefresh(wins.title);
	wnoutrefresh(wins.main);
	wnoutrefresh(wins.status);
	if (con->help)
		keymap_help_draw(con->keymap, con->view->actions, con->view->title);
	doupdate();
	con->dirty = 0;
}

static void
console_state_cb(struct conn *conn, enum conn_state st, void *arg)
{
	struct console *con = arg;

	if (st == CONN_UP) {
		status_hello(con->status, conn_hello(conn));
		console_message(con, "已连接 citygridd");
		con->view->up(con, con->state);
	}
	con->dirty = 1;
}

static void
console_event_cb(struct conn *conn, json_t *ev, void *arg)
{
	struct console *con = arg;

	con->view->event(con, con->state, ev);
	if (con->detail != NULL)
		detail_event(con->detail, ev);
}

static void
console_action(struct console *con, enum keymap_action a)
{
	switch (a) {
	case ACT_QUIT:
		con->quit = 1;
		break;
	case ACT_HELP:
		con->help = 1;
		break;
	case ACT_REDRAW:
		clearok(curscr, TRUE);
		break;
	case ACT_COMMAND:
		cmdline_open(con);
		break;
	default:
		if (!con->view->action(con, con->state, a))
			console_message(con, "%s 在此无效", keymap_actions[a].name);
		break;
	}
	con->dirty = 1;
}

static void
console_key(struct console *con, wint_t wc, int fn)
{
	int key = fn ? (int)wc | KEYMAP_FN : (int)wc;
	struct prompt *p;
	enum keymap_action a;

	if (fn && wc == KEY_RESIZE) {
		tty_resize();
		con->dirty = 1;
		return;
	}
	con->dirty = 1;
	if (con->help) {
		con->help = 0;
		return;
	}
	if ((p = con->prompt) != NULL) {
		if (prompt_key(con, p, wc, fn) == 0) {
			if (con->prompt == p)	/* else the answer asked again */
				con->prompt = NULL;
			prompt_free(p);
		}
		return;
	}
	if (con->detail != NULL) {
		if (detail_key(con, con->detail, key) == 0) {
			detail_free(con->detail);
			con->detail = NULL;
		}
		return;
	}
	if (con->view->key != NULL && con->view->key(con, con->state, wc, fn))
		return;
	if ((a = keymap_lookup(con->keymap, key)) == ACT_NONE) {
		char name[32];

		console_message(con, "按键 %s 未绑定, 按 ? 看帮助",
		    keymap_key_name(key, name, sizeof name));
		return;
	}
	console_action(con, a);
}

static void
console_stdin_cb(evutil_socket_t fd, short what, void *arg)
{
	struct console *con = arg;
	wint_t wc;
	int r;

	while ((r = wget_wch(stdscr, &wc)) != ERR && !con->quit)
		console_key(con, wc, r == KEY_CODE_YES);
}

static void
console_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct console *con = arg;

	if (sig == SIGWINCH)
		tty_resize();
	else
		con->quit = 1;
	con->dirty = 1;
}

static void
console_timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct console *con = arg;
	static int n;

	if (conn_state(con->conn) != CONN_UP)
		con->dirty = 1;		/* the banner's countdown */
	if (++n % CONSOLE_TICK == 0 && con->view->tick != NULL) {
		con->view->tick(con, con->state);
		con->dirty = 1;
	}
}

static const struct view *
console_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof console_views / sizeof console_views[0]; i++) {
		if (strcmp(console_views[i]->name, name) == 0)
			return console_views[i];
	}
	return NULL;
}

/* citygrid NAME: run the console until it is quit. */
int
console_main(const char *name, const char *socket)
{
	static const int sigs[] = { SIGWINCH, SIGINT, SIGTERM, SIGHUP };
	struct event *evs[6];
	struct timeval sec = { 1, 0 };
	struct console con;
	char err[512];
	size_t i;

	memset(&con, 0, sizeof con);
	if ((con.view = console_find(name)) == NULL)
		return -1;
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO)) {
		fprintf(stderr, "citygrid: %s 控制台需要终端\n", name);
		return EXIT_USAGE;
	}
	signal(SIGPIPE, SIG_IGN);
	con.keymap = keymap_load(name, err, sizeof err);
	con.status = status_new();
	con.base = event_base_new();
	tty_start();
	con.state = con.view->open(&con);
	evs[0] = event_new(con.base, STDIN_FILENO, EV_READ | EV_PERSIST,
	    console_stdin_cb, &con);
	for (i = 0; i < 4; i++)
		evs[i + 1] = evsignal_new(con.base, sigs[i], console_signal_cb, &con);
	evs[5] = event_new(con.base, -1, EV_PERSIST, console_timer_cb, &con);
	for (i = 0; i < 5; i++)
		event_add(evs[i], NULL);
	event_add(evs[5], &sec);
	if (err[0] != '\0')
		status_message(con.status, err);
	con.conn = conn_new(con.base, client_socket_path(socket),
	    &(struct conn_callbacks){ console_state_cb, console_event_cb, &con });
	con.dirty = 1;
	while (!con.quit) {
		if (con.dirty)
			console_draw(&con);
		if (event_base_loop(con.base, EVLOOP_ONCE) < 0)
			break;
	}
	conn_free(con.conn);
	con.view->close(con.state);
	for (i = 0; i < 6; i++)
		event_free(evs[i]);
	prompt_free(con.prompt);
	detail_free(con.detail);
	tty_stop();
	event_base_free(con.base);
	status_free(con.status);
	keymap_free(con.keymap);
	return 0;
}
