/*
 * tty.c: the terminal under the consoles.  ncursesw in raw-ish mode,
 * colours where the terminal has them and attributes where it does not,
 * and resizing: SIGWINCH is caught on the event loop (console.c), which
 * asks the kernel for the size and tells curses (tty_resize), as tmux
 * does; curses' own handler would only report it on the next key.
 */
#include <sys/ioctl.h>

#include <string.h>
#include <unistd.h>

#include "console.h"

static int tty_colours;		/* has_colors() at start */

/* Colour pairs of photos, made on demand after the styles' (tty_pair). */
#define TTY_PAIRS_MAX	8192
static unsigned short tty_pair_of[256][256];	/* 0: not made yet */
static int tty_npairs;

static const struct tty_style {
	short	 fg, bg;	/* -1: the terminal's default */
	attr_t	 colour;	/* added with colours */
	attr_t	 mono;		/* used without */
} tty_styles[TTY_COUNT] = {
	[TTY_NORMAL] =	{ -1, -1, 0, 0 },
	[TTY_OK] =	{ COLOR_GREEN, -1, 0, 0 },
	[TTY_WARN] =	{ COLOR_YELLOW, -1, A_BOLD, A_BOLD },
	[TTY_LATE] =	{ COLOR_RED, -1, A_BOLD, A_BOLD | A_UNDERLINE },
	[TTY_BANNER] =	{ COLOR_WHITE, COLOR_RED, A_BOLD, A_REVERSE | A_BOLD },
	[TTY_BAR] =	{ -1, -1, A_REVERSE, A_REVERSE },
	[TTY_HEADER] =	{ -1, -1, A_BOLD | A_UNDERLINE, A_BOLD | A_UNDERLINE },
};

void
tty_start(void)
{
	int i;

	initscr();
	raw();
	noecho();
	nonl();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	if ((tty_colours = has_colors()) != 0) {
		start_color();
		use_default_colors();
		for (i = 1; i < TTY_COUNT; i++)
			init_pair((short)i, tty_styles[i].fg, tty_styles[i].bg);
	}
}

void
tty_stop(void)
{
	if (!isendwin())
		endwin();
}

/* The terminal changed size: tell curses, which clears the screen. */
void
tty_resize(void)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 &&
	    ws.ws_col > 0)
		resize_term(ws.ws_row, ws.ws_col);
	clearok(curscr, TRUE);
}

attr_t
tty_attr(enum tty_colour c)
{
	const struct tty_style *s = &tty_styles[c];

	if (c == TTY_NORMAL)
		return A_NORMAL;
	if (!tty_colours)
		return s->mono;
	if (s->fg == -1 && s->bg == -1)
		return s->colour;
	return COLOR_PAIR(c) | s->colour;
}

/*
 * Text at (y, x) in exactly cols cells: cut between characters, padded
 * with spaces, so a CJK character never straddles the edge.
 */
void
tty_put(WINDOW *w, int y, int x, int cols, const char *text, attr_t attr)
{
	char buf[1024];

	if (cols <= 0)
		return;
	utf8_fit(text != NULL ? text : "", cols, buf, sizeof buf);
	wattrset(w, attr);
	mvwaddstr(w, y, x, buf);
	wattrset(w, A_NORMAL);
}

/* How many colours photos may use: 0 without colours. */
int
tty_colour_count(void)
{
	return tty_colours ? COLORS : 0;
}

/*
 * The colour pair of fg on bg, made the first time it is asked for;
 * 0 (no colour) when the terminal has none or its pairs are used up.
 * Pairs past 255 are extended: draw them with setcchar's opts.
 */
int
tty_pair(int fg, int bg)
{
	int limit = COLOR_PAIRS - TTY_COUNT, pair;

	if (!tty_colours || fg < 0 || bg < 0 || fg >= COLORS || bg >= COLORS ||
	    fg > 255 || bg > 255)
		return 0;
	if (tty_pair_of[fg][bg] != 0)
		return tty_pair_of[fg][bg];
	if (limit > TTY_PAIRS_MAX)
		limit = TTY_PAIRS_MAX;
	pair = TTY_COUNT + tty_npairs;
	if (tty_npairs >= limit || init_extended_pair(pair, fg, bg) == ERR)
		return 0;
	tty_npairs++;
	return tty_pair_of[fg][bg] = (unsigned short)pair;
}
