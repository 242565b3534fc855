/*
 * widget-status.c: the console's top and bottom lines.  The top line is
 * the view's title, or while the daemon is away a banner saying so and
 * when the next try is.  The bottom line has the last message on the
 * left and on the right the operator, the role, the connection and the
 * calendar's unpublished years (their deadlines count weekends only);
 * on a narrow screen the right part gives way to the message.
 */
#include <stdlib.h>
#include <string.h>

#include "console.h"

struct status {
	char	 who[128];	/* 李娜 (disp1) */
	char	 calendar[128];	/* 2027 年节假日未公布 */
	char	 message[512];
};

struct status *
status_new(void)
{
	return xcalloc(1, sizeof(struct status));
}

void
status_free(struct status *s)
{
	free(s);
}

/* Take the operator and the calendar from hello's result. */
void
status_hello(struct status *s, json_t *hello)
{
	json_t *op = json_object_get(hello, "operator"), *years, *y;
	size_t i, n = 0;

	snprintf(s->who, sizeof s->who, "%s (%s)",
	    json_string_value(json_object_get(op, "name")) ?: "?",
	    json_string_value(json_object_get(op, "user")) ?: "?");
	s->calendar[0] = '\0';
	years = json_object_get(json_object_get(hello, "calendar"), "unpublished");
	json_array_foreach(years, i, y) {
		n += snprintf(s->calendar + n, sizeof s->calendar - n, "%s%lld",
		    i > 0 ? "," : "", (long long)json_integer_value(y));
		if (n >= sizeof s->calendar - 32)
			break;
	}
	if (n > 0)
		snprintf(s->calendar + n, sizeof s->calendar - n, " 年节假日未公布");
}

void
status_message(struct status *s, const char *msg)
{
	snprintf(s->message, sizeof s->message, "%s", msg);
}

/* The banner while disconnected, else the view's title. */
void
status_draw_title(struct status *s, WINDOW *w, const struct console *con,
    const char *title)
{
	char banner[768];
	int cols = getmaxx(w);

	if (conn_state(con->conn) == CONN_UP) {
		tty_put(w, 0, 0, cols, title, tty_attr(TTY_BAR));
		return;
	}
	snprintf(banner, sizeof banner, " 与 citygridd 的连接已断开, %d 秒后重连: %s",
	    conn_retry_in(con->conn), conn_error(con->conn));
	tty_put(w, 0, 0, cols, banner, tty_attr(TTY_BANNER));
}

/*
 * The right part at a level of shortening: 0 has everything, 1 drops
 * the operator, 2 the role, 3 the calendar.  Returns whether the
 * calendar is in it.
 */
static int
status_right(struct status *s, const struct console *con, int level,
    char *buf, size_t len)
{
	static const char *const states[] = {
		[CONN_DOWN] = "已断开", [CONN_CONNECTING] = "连接中",
		[CONN_UP] = "已连接"
	};
	int cal = level < 3 && s->calendar[0] != '\0';

	snprintf(buf, len, " %s%s%s%s%s%s%s ", level < 1 ? s->who : "",
	    level < 1 ? " " : "", level < 2 ? cli_print_label(con->view->role) : "",
	    level < 2 ? " | " : "", states[conn_state(con->conn)],
	    cal ? " | " : "", cal ? s->calendar : "");
	return cal;
}

/* The message on the left has the room it needs; the right part gives way. */
void
status_draw(struct status *s, WINDOW *w, const struct console *con)
{
	char right[512];
	int cols = getmaxx(w), rw, cal, level = 0;
	int room = s->message[0] != '\0' ? cols - utf8_width(s->message) - 1 : cols;

	do
		cal = status_right(s, con, level, right, sizeof right);
	while (utf8_width(right) > room && ++level <= 3);
	rw = utf8_width(right);
	if (rw > cols)
		rw = cols;
	tty_put(w, 0, 0, cols - rw, s->message, A_NORMAL);
	tty_put(w, 0, cols - rw, rw, right, tty_attr(TTY_BAR));
	if (cal && rw == utf8_width(right))	/* not cut */
		tty_put(w, 0, cols - utf8_width(s->calendar) - 1,
		    utf8_width(s->calendar), s->calendar, tty_attr(TTY_WARN) |
		    A_REVERSE);
}
