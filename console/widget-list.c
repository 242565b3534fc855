/*
 * widget-list.c: a scrollable list of rows in columns.  Widths are
 * display cells (lib/utf8.c), so CJK text two cells wide lines up and
 * is never cut inside a character.  Columns with min_screen appear only
 * on screens that wide; columns of width 0 share what is left.  The
 * selected row is reversed and marked with '>' in the gutter, so it
 * shows in monochrome and in a screen dump.
 */
#include <string.h>

#include "console.h"

#define LIST_GUTTER 1		/* the '>' of the selected row */

void
list_init(struct list *l, const struct list_col *cols, int ncols)
{
	memset(l, 0, sizeof *l);
	l->cols = cols;
	l->ncols = ncols;
	l->sel = -1;
}

void
list_set_rows(struct list *l, int n)
{
	l->nrows = n;
	if (n == 0)
		l->sel = -1;
	else if (l->sel < 0)
		l->sel = 0;
	else if (l->sel >= n)
		l->sel = n - 1;
}

void
list_goto(struct list *l, int row)
{
	if (l->nrows == 0)
		return;
	if (row < 0)
		row = 0;
	if (row >= l->nrows)
		row = l->nrows - 1;
	l->sel = row;
}

void
list_move(struct list *l, int delta)
{
	list_goto(l, (l->sel < 0 ? 0 : l->sel) + delta);
}

/* The keys that move in a list; 0: not one of them. */
int
list_action(struct list *l, int a)
{
	int page = l->height > 1 ? l->height - 1 : 1;

	switch ((enum keymap_action)a) {
	case ACT_DOWN: list_move(l, 1); return 1;
	case ACT_UP: list_move(l, -1); return 1;
	case ACT_PAGE_DOWN: list_move(l, page); return 1;
	case ACT_PAGE_UP: list_move(l, -page); return 1;
	case ACT_FIRST: list_goto(l, 0); return 1;
	case ACT_LAST: list_goto(l, l->nrows - 1); return 1;
	default: return 0;
	}
}

/* The width of each column on a screen cols wide; 0 hides it. */
static void
list_widths(const struct list *l, int cols, int *w)
{
	int i, used = LIST_GUTTER, flex = 0, left, share;

	for (i = 0; i < l->ncols; i++) {
		w[i] = cols >= l->cols[i].min_screen ? l->cols[i].width : -1;
		if (w[i] > 0)
			used += w[i] + 1;
		else if (w[i] == 0)
			flex++;
	}
	left = cols - used - flex;	/* a space after each flexible one */
	for (i = 0; i < l->ncols; i++) {
		if (w[i] < 0)
			w[i] = 0;
		else if (w[i] == 0 && flex > 0) {
			share = left / flex;
			w[i] = share > 0 ? share : 0;
			left -= w[i];
			flex--;
		}
	}
}

/* Keep the selection in sight. */
static void
list_scroll(struct list *l, int height)
{
	l->height = height;
	if (l->sel < 0)
		return;
	if (l->sel < l->top)
		l->top = l->sel;
	if (l->sel >= l->top + height)
		l->top = l->sel - height + 1;
	if (l->top > 0 && l->nrows - l->top < height)
		l->top = l->nrows > height ? l->nrows - height : 0;
}

static void
list_draw_row(struct list *l, WINDOW *win, int y, int row, const int *w,
    list_cell_cb cell, void *arg)
{
	const char *text;
	int is_sel = row >= 0 && row == l->sel;	/* never the header */
	attr_t attr, sel = is_sel ? A_REVERSE : 0;
	int i, x = LIST_GUTTER;

	tty_put(win, y, 0, LIST_GUTTER, is_sel ? ">" : " ", sel);
	for (i = 0; i < l->ncols; i++) {
		if (w[i] == 0)
			continue;
		attr = 0;
		text = row < 0 ? l->cols[i].header : cell(arg, row, i, &attr);
		if (row < 0)
			attr = tty_attr(TTY_HEADER);
		tty_put(win, y, x, w[i], text != NULL ? text : "-", attr | sel);
		tty_put(win, y, x + w[i], 1, " ", sel);
		x += w[i] + 1;
	}
	if (x < getmaxx(win))
		tty_put(win, y, x, getmaxx(win) - x, "", sel);
}

/* The header on the window's first line, rows below it. */
void
list_draw(struct list *l, WINDOW *win, list_cell_cb cell, void *arg)
{
	int w[32], y, height = getmaxy(win) - 1;

	werase(win);
	if (height < 1 || l->ncols > 32)
		return;
	list_widths(l, getmaxx(win), w);
	list_scroll(l, height);
	list_draw_row(l, win, 0, -1, w, cell, arg);
	for (y = 0; y < height && l->top + y < l->nrows; y++)
		list_draw_row(l, win, y + 1, l->top + y, w, cell, arg);
}
