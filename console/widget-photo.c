/*
 * widget-photo.c: a photo drawn in the terminal's cells with chafa.
 * gdk-pixbuf decodes it (JPEG, PNG and the rest of its loaders), turned
 * upright by its EXIF orientation and scaled down as it loads, so a
 * 12-megapixel photo costs a small pixbuf, not 48 MB.  chafa picks for
 * each cell the block symbol and the two colours that match the pixels
 * best, in as many colours as the terminal has (240, 16 or 8); without
 * colours, it draws the shapes alone.  The cells are drawn as curses
 * characters with colour pairs made on demand (tty_pair), so a photo
 * scrolls and redraws like any other line of the detail pane.
 */
#include <langinfo.h>
#include <stdlib.h>
#include <string.h>

#include <chafa.h>
#include <gdk-pixbuf/gdk-pixbuf.h>

#include "console.h"

#define PHOTO_MAX_PX	480	/* widest pixbuf kept; more is not seen */

struct photo {
	GdkPixbuf	*pixbuf;
	int		 cols, rows;	/* of the cells, 0 before layout */
	int		 for_cols, for_rows;	/* what they were laid out for */
	cchar_t		*cells;
};

/* Can the terminal show symbols at all?  Not in a non-UTF-8 locale. */
int
photo_possible(void)
{
	const char *cs = nl_langinfo(CODESET);

	return cs != NULL && strcmp(cs, "UTF-8") == 0;
}

/* Keep big photos small as they load: no wider than PHOTO_MAX_PX. */
static void
photo_size_prepared(GdkPixbufLoader *loader, gint w, gint h, gpointer arg)
{
	if (w > PHOTO_MAX_PX && h > 0)
		gdk_pixbuf_loader_set_size(loader, PHOTO_MAX_PX,
		    (int)((double)h * PHOTO_MAX_PX / w + 0.5) > 0 ?
		    (int)((double)h * PHOTO_MAX_PX / w + 0.5) : 1);
}

/* Decode a photo; NULL with why in err. */
struct photo *
photo_decode(const unsigned char *data, size_t len, char *err, size_t errlen)
{
	GdkPixbufLoader *loader = gdk_pixbuf_loader_new();
	GdkPixbuf *pb = NULL;
	GError *gerr = NULL;
	struct photo *p;

	g_signal_connect(loader, "size-prepared", G_CALLBACK(photo_size_prepared),
	    NULL);
	if (!gdk_pixbuf_loader_write(loader, data, len, &gerr) ||
	    !gdk_pixbuf_loader_close(loader, &gerr) ||
	    (pb = gdk_pixbuf_loader_get_pixbuf(loader)) == NULL) {
		snprintf(err, errlen, "无法解码: %s", gerr != NULL ? gerr->message :
		    "不是图像");
		if (gerr != NULL)
			g_error_free(gerr);
		gdk_pixbuf_loader_close(loader, NULL);
		g_object_unref(loader);
		return NULL;
	}
	p = xcalloc(1, sizeof *p);
	p->pixbuf = gdk_pixbuf_apply_embedded_orientation(pb);
	g_object_unref(loader);
	return p;
}

void
photo_free(struct photo *p)
{
	if (p == NULL)
		return;
	g_object_unref(p->pixbuf);
	free(p->cells);
	free(p);
}

void
photo_size(const struct photo *p, int *w, int *h)
{
	*w = gdk_pixbuf_get_width(p->pixbuf);
	*h = gdk_pixbuf_get_height(p->pixbuf);
}

/* The canvas mode for the terminal's colours. */
static ChafaCanvasMode
photo_mode(void)
{
	int n = tty_colour_count();

	if (n >= 256)
		return CHAFA_CANVAS_MODE_INDEXED_240;
	if (n >= 16)
		return CHAFA_CANVAS_MODE_INDEXED_16;
	if (n >= 8)
		return CHAFA_CANVAS_MODE_INDEXED_8;
	return CHAFA_CANVAS_MODE_FGBG;
}

/* One cell of the canvas as a curses character. */
static void
photo_cell(ChafaCanvas *cv, ChafaCanvasMode mode, int x, int y, cchar_t *cc)
{
	wchar_t wc[2] = { (wchar_t)chafa_canvas_get_char_at(cv, x, y), 0 };
	int fg, bg, pair = 0;

	if (wc[0] == 0 || wcwidth(wc[0]) != 1)
		wc[0] = L' ';
	if (mode != CHAFA_CANVAS_MODE_FGBG) {
		chafa_canvas_get_raw_colors_at(cv, x, y, &fg, &bg);
		pair = tty_pair(fg, bg);
	}
	setcchar(cc, wc, A_NORMAL, 0, &pair);
}

/*
 * Lay the photo out in at most cols x rows cells, keeping its shape
 * (a cell is about twice as tall as wide).  Returns the rows it takes.
 */
int
photo_layout(struct photo *p, int cols, int rows)
{
	ChafaSymbolMap *sm;
	ChafaCanvasConfig *cfg;
	ChafaCanvas *cv;
	ChafaCanvasMode mode = photo_mode();
	GdkPixbuf *pb = p->pixbuf;
	int w = cols, h = rows, x, y;

	if (p->cells != NULL && p->for_cols == cols && p->for_rows == rows)
		return p->rows;
	free(p->cells);
	p->cells = NULL;
	p->rows = p->cols = 0;
	p->for_cols = cols;
	p->for_rows = rows;
	if (cols < 4 || rows < 2)
		return 0;
	chafa_calc_canvas_geometry(gdk_pixbuf_get_width(pb), gdk_pixbuf_get_height(pb),
	    &w, &h, 0.5f, TRUE, FALSE);
	if (w < 1 || h < 1)
		return 0;
	sm = chafa_symbol_map_new();
	chafa_symbol_map_add_by_tags(sm, mode == CHAFA_CANVAS_MODE_FGBG ?
	    CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_SPACE | CHAFA_SYMBOL_TAG_BRAILLE :
	    CHAFA_SYMBOL_TAG_BLOCK | CHAFA_SYMBOL_TAG_SPACE);
	chafa_symbol_map_remove_by_tags(sm, CHAFA_SYMBOL_TAG_WIDE);
	cfg = chafa_canvas_config_new();
	chafa_canvas_config_set_canvas_mode(cfg, mode);
	chafa_canvas_config_set_geometry(cfg, w, h);
	chafa_canvas_config_set_symbol_map(cfg, sm);
	cv = chafa_canvas_new(cfg);
	chafa_canvas_draw_all_pixels(cv, gdk_pixbuf_get_has_alpha(pb) ?
	    CHAFA_PIXEL_RGBA8_UNASSOCIATED : CHAFA_PIXEL_RGB8,
	    gdk_pixbuf_read_pixels(pb), gdk_pixbuf_get_width(pb),
	    gdk_pixbuf_get_height(pb), gdk_pixbuf_get_rowstride(pb));
	p->cells = xreallocarray(NULL, (size_t)w * (size_t)h, sizeof *p->cells);
	for (y = 0; y < h; y++) {
		for (x = 0; x < w; x++)
			photo_cell(cv, mode, x, y, &p->cells[y * w + x]);
	}
	p->cols = w;
	p->rows = h;
	chafa_canvas_unref(cv);
	chafa_canvas_config_unref(cfg);
	chafa_symbol_map_unref(sm);
	return h;
}

/* Row row of the laid-out photo at (y, x). */
void
photo_draw_row(struct photo *p, WINDOW *w, int y, int x, int row)
{
	int i, maxx = getmaxx(w);

	if (p->cells == NULL || row < 0 || row >= p->rows)
		return;
	for (i = 0; i < p->cols && x + i < maxx; i++)
		mvwadd_wch(w, y, x + i, &p->cells[row * p->cols + i]);
}
