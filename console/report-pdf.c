/*
 * report-pdf.c: the printable monthly report (月度综合评价报告) as a PDF,
 * drawn with cairo and laid out with pango, so Chinese text is shaped
 * and the CJK font comes from fontconfig (fonts-wqy-microhei or
 * fonts-noto-cjk).  It draws what it is given: cli-report.c fetches the
 * figures from the daemon and hands them over as one JSON object,
 *
 *   title, subtitle, generated          text
 *   summary     [{label, value, note}]  the headline figures
 *   trend       report.trend rows       结案率 and 按期结案率 by day
 *   sources     report.count rows       the source mix
 *   classes     report.count rows       the top classes, with the change
 *   heat        {district, streets [{code, name, geometry}],
 *                grids [{code, geometry}], counts {grid: n}, top [rows]}
 *   rankings    [{title, note, scale, rows [{label, value, text, extra}]}]
 *               scale: rate (0-1), score (0-100) or count
 *   tables      [{title, note, columns [{key, header, kind}], rows}]
 *
 * Four A4 pages, always: overview, rankings, the map, the tables (cut
 * to what fits, the cut said under the table).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <cairo.h>
#include <cairo-pdf.h>
#include <pango/pangocairo.h>

#include "citygrid.h"

#define PAGE_W		595.28		/* A4 in points */
#define PAGE_H		841.89
#define MARGIN		42.0
#define BODY_W		(PAGE_W - 2 * MARGIN)
#define PAGES		4
#define FONT		"WenQuanYi Micro Hei, Noto Sans CJK SC, Noto Sans SC, sans"

struct rgb {
	double	 r, g, b;
};
static const struct rgb ink = { 0.13, 0.13, 0.13 };
static const struct rgb grey = { 0.45, 0.45, 0.45 };
static const struct rgb rule = { 0.80, 0.80, 0.80 };
static const struct rgb blue = { 0.16, 0.40, 0.70 };
static const struct rgb orange = { 0.90, 0.45, 0.10 };
static const struct rgb palette[] = {
	{ 0.16, 0.40, 0.70 }, { 0.90, 0.45, 0.10 }, { 0.20, 0.60, 0.30 },
	{ 0.75, 0.20, 0.25 }, { 0.50, 0.35, 0.65 }, { 0.55, 0.55, 0.55 },
};

struct pdf {
	cairo_t		*cr;
	json_t		*data;
	int		 page;
};

enum align { LEFT, CENTER, RIGHT };

static void
pdf_colour(struct pdf *p, struct rgb c)
{
	cairo_set_source_rgb(p->cr, c.r, c.g, c.b);
}

/*
 * Text at x, y (its top), size in points; returns its width.  With box
 * > 0 it is kept within box points: wrapped (wrap) or cut with an
 * ellipsis.
 */
static double
pdf_text_box(struct pdf *p, double x, double y, double size, int bold,
    enum align align, const char *text, double box, int wrap)
{
	PangoLayout *l = pango_cairo_create_layout(p->cr);
	PangoFontDescription *fd = pango_font_description_from_string(FONT);
	int w, h;

	pango_font_description_set_absolute_size(fd, size * PANGO_SCALE);
	pango_font_description_set_weight(fd, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
	pango_layout_set_font_description(l, fd);
	pango_layout_set_text(l, text, -1);
	if (box > 0) {
		pango_layout_set_width(l, (int)(box * PANGO_SCALE));
		if (wrap) {
			pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
			pango_layout_set_alignment(l, align == RIGHT ? PANGO_ALIGN_RIGHT :
			    align == CENTER ? PANGO_ALIGN_CENTER : PANGO_ALIGN_LEFT);
			if (align != LEFT)
				x -= align == RIGHT ? box : box / 2;
			align = LEFT;
		} else
			pango_layout_set_ellipsize(l, PANGO_ELLIPSIZE_END);
	}
	pango_layout_get_size(l, &w, &h);
	if (align == CENTER)
		x -= (double)w / PANGO_SCALE / 2;
	else if (align == RIGHT)
		x -= (double)w / PANGO_SCALE;
	cairo_move_to(p->cr, x, y);
	pango_cairo_show_layout(p->cr, l);
	pango_font_description_free(fd);
	g_object_unref(l);
	return (double)w / PANGO_SCALE;
}

static double
pdf_text(struct pdf *p, double x, double y, double size, int bold,
    enum align align, const char *text)
{
	return pdf_text_box(p, x, y, size, bold, align, text, 0, 0);
}

/* A rate as "93.5%", or 无数据 when there was nothing to divide by. */
static void
pdf_rate(json_t *v, char *buf, size_t len)
{
	char d[32];

	if (json_is_number(v)) {
		report_decimal(json_number_value(v) * 100, d, sizeof d);
		snprintf(buf, len, "%s%%", d);
	} else
		snprintf(buf, len, "无数据");
}

/* A section's title with a rule under it; returns the y below. */
static double
pdf_heading(struct pdf *p, double x, double y, double w, const char *title)
{
	pdf_colour(p, ink);
	pdf_text(p, x, y, 12, 1, LEFT, title);
	pdf_colour(p, rule);
	cairo_set_line_width(p->cr, 0.8);
	cairo_move_to(p->cr, x, y + 18);
	cairo_line_to(p->cr, x + w, y + 18);
	cairo_stroke(p->cr);
	return y + 24;
}

static void
pdf_page_frame(struct pdf *p, const char *part)
{
	char foot[128];

	pdf_colour(p, grey);
	pdf_text(p, MARGIN, 20, 8, 0, LEFT, jstr(p->data, "title"));
	pdf_text(p, PAGE_W - MARGIN, 20, 8, 0, RIGHT, part);
	snprintf(foot, sizeof foot, "第 %d 页 共 %d 页", p->page, PAGES);
	pdf_text(p, PAGE_W / 2, PAGE_H - 28, 8, 0, CENTER, foot);
	pdf_text(p, PAGE_W - MARGIN, PAGE_H - 28, 8, 0, RIGHT, jstr(p->data, "generated"));
}

static void
pdf_next_page(struct pdf *p, const char *part)
{
	if (p->page > 0)
		cairo_show_page(p->cr);
	p->page++;
	pdf_page_frame(p, part);
}

/* The headline figures as boxes in a row. */
static double
pdf_summary(struct pdf *p, double y)
{
	json_t *items = json_object_get(p->data, "summary"), *it;
	size_t n = json_array_size(items), i;
	double w, x;

	if (n == 0)
		return y;
	w = (BODY_W - (double)(n - 1) * 8) / (double)n;
	json_array_foreach(items, i, it) {
		x = MARGIN + (double)i * (w + 8);
		cairo_set_source_rgb(p->cr, 0.94, 0.96, 0.99);
		cairo_rectangle(p->cr, x, y, w, 58);
		cairo_fill(p->cr);
		pdf_colour(p, grey);
		pdf_text(p, x + w / 2, y + 6, 9, 0, CENTER, jstr(it, "label"));
		pdf_colour(p, blue);
		pdf_text(p, x + w / 2, y + 20, 17, 1, CENTER, jstr(it, "value"));
		pdf_colour(p, grey);
		pdf_text(p, x + w / 2, y + 43, 7, 0, CENTER, jstr(it, "note"));
	}
	return y + 70;
}

/* The least of 4, 8, 20, 40, 80, 200 ... (four steps of a round number) >= x. */
static double
pdf_nice(double x)
{
	double m = 1;

	for (;;) {
		if (4 * m >= x)
			return 4 * m;
		if (8 * m >= x)
			return 8 * m;
		if (20 * m >= x)
			return 20 * m;
		m *= 10;
	}
}

/*
 * The trend: 结案率 and 按期结案率 to date, day by day, as lines over
 * 0-100%, with the cases filed each day as grey columns behind.
 */
static double
pdf_trend(struct pdf *p, double x, double y, double w, double h)
{
	json_t *rows = json_object_get(p->data, "trend"), *r;
	size_t n = json_array_size(rows), i;
	double px = x + 34, pw = w - 68, py = y + 8, ph = h - 40, maxf = 1, v, cx;
	const char *keys[] = { "close_rate", "on_time_rate" };
	const char *names[] = { "结案率 (累计)", "按期结案率 (累计)" };
	struct rgb cols[] = { blue, orange };
	static const double dash[] = { 5, 3 };
	char buf[32];
	int k, pen, step;

	json_array_foreach(rows, i, r) {
		if (jnum(r, "filed") > maxf)
			maxf = (double)jnum(r, "filed");
	}
	maxf = pdf_nice(maxf);
	cairo_set_line_width(p->cr, 0.5);
	for (k = 0; k <= 4; k++) {
		v = py + ph - ph * k / 4;
		pdf_colour(p, rule);
		cairo_move_to(p->cr, px, v);
		cairo_line_to(p->cr, px + pw, v);
		cairo_stroke(p->cr);
		pdf_colour(p, grey);
		snprintf(buf, sizeof buf, "%d%%", k * 25);
		pdf_text(p, px - 4, v - 5, 7, 0, RIGHT, buf);
		snprintf(buf, sizeof buf, "%.0f", maxf * k / 4);
		pdf_text(p, px + pw + 4, v - 5, 7, 0, LEFT, buf);
	}
	if (n == 0) {
		pdf_text(p, px + pw / 2, py + ph / 2, 10, 0, CENTER, "本期无数据");
		return y + h;
	}
	step = n > 16 ? (int)((n + 7) / 8) : 1;
	json_array_foreach(rows, i, r) {
		cx = px + pw * ((double)i + 0.5) / (double)n;
		cairo_set_source_rgb(p->cr, 0.85, 0.85, 0.85);
		v = ph * (double)jnum(r, "filed") / maxf;
		cairo_rectangle(p->cr, cx - pw / (double)n * 0.35, py + ph - v,
		    pw / (double)n * 0.7, v);
		cairo_fill(p->cr);
		if ((i % (size_t)step == 0 && i + (size_t)step / 2 + 1 < n) || i + 1 == n) {
			pdf_colour(p, grey);
			pdf_text(p, cx, py + ph + 3, 7, 0, CENTER, jstr(r, "day") + 5);
		}
	}
	for (k = 0; k < 2; k++) {
		/* 按期 dashed over 结案, so that equal rates still show both. */
		pdf_colour(p, cols[k]);
		cairo_set_line_width(p->cr, k == 0 ? 3.2 : 1.6);
		cairo_set_dash(p->cr, dash, k == 0 ? 0 : 2, 0);
		pen = 0;
		json_array_foreach(rows, i, r) {
			cx = px + pw * ((double)i + 0.5) / (double)n;
			if (!json_is_number(json_object_get(r, keys[k]))) {
				pen = 0;	/* no data: a gap, not a zero */
				continue;
			}
			v = py + ph - ph * json_number_value(json_object_get(r, keys[k]));
			if (pen)
				cairo_line_to(p->cr, cx, v);
			else
				cairo_move_to(p->cr, cx, v);
			pen = 1;
		}
		cairo_stroke(p->cr);
		cairo_move_to(p->cr, px + 10 + k * 130, y + h - 12.5);
		cairo_line_to(p->cr, px + 24 + k * 130, y + h - 12.5);
		cairo_stroke(p->cr);
		cairo_set_dash(p->cr, dash, 0, 0);
		pdf_colour(p, ink);
		pdf_text(p, px + 28 + k * 130, y + h - 19, 8, 0, LEFT, names[k]);
	}
	cairo_set_source_rgb(p->cr, 0.85, 0.85, 0.85);
	cairo_rectangle(p->cr, px + 270, y + h - 17, 10, 8);
	cairo_fill(p->cr);
	pdf_colour(p, ink);
	pdf_text(p, px + 284, y + h - 19, 8, 0, LEFT, "每日立案数 (右轴)");
	return y + h;
}

/* The source mix as a ring, with the counts and shares beside it. */
static double
pdf_sources(struct pdf *p, double x, double y, double w)
{
	json_t *rows = json_object_get(p->data, "sources"), *r;
	double total = 0, a = -M_PI / 2, da, cx = x + 62, cy = y + 68;
	char buf[128];
	size_t i;

	json_array_foreach(rows, i, r)
		total += (double)jnum(r, "count");
	if (total == 0) {
		pdf_colour(p, grey);
		pdf_text(p, x + w / 2, y + 60, 10, 0, CENTER, "本期无上报");
		return y + 140;
	}
	json_array_foreach(rows, i, r) {
		da = 2 * M_PI * (double)jnum(r, "count") / total;
		pdf_colour(p, palette[i % 6]);
		cairo_new_path(p->cr);
		cairo_arc(p->cr, cx, cy, 58, a, a + da);
		cairo_arc_negative(p->cr, cx, cy, 32, a + da, a);
		cairo_close_path(p->cr);
		cairo_fill(p->cr);
		a += da;
		cairo_rectangle(p->cr, x + 136, y + 20 + (double)i * 20, 10, 10);
		cairo_fill(p->cr);
		pdf_colour(p, ink);
		snprintf(buf, sizeof buf, "%s  %lld 件  %.1f%%", jstr(r, "name"),
		    (long long)jnum(r, "count"), 100.0 * (double)jnum(r, "count") / total);
		pdf_text(p, x + 150, y + 18 + (double)i * 20, 9, 0, LEFT, buf);
	}
	pdf_colour(p, ink);
	snprintf(buf, sizeof buf, "%.0f", total);
	pdf_text(p, cx, cy - 12, 14, 1, CENTER, buf);
	pdf_colour(p, grey);
	pdf_text(p, cx, cy + 5, 7, 0, CENTER, "件");
	return y + 140;
}

/* The change against the period before: +3, -2, 新增, 持平. */
static void
pdf_change(json_t *r, char *buf, size_t len)
{
	json_int_t c = jnum(r, "change");

	if (jnum(r, "previous") == 0)
		snprintf(buf, len, "上期 0");
	else if (c == 0)
		snprintf(buf, len, "持平");
	else
		snprintf(buf, len, "%s%lld (%+.0f%%)", c > 0 ? "+" : "", (long long)c,
		    json_number_value(json_object_get(r, "change_rate")) * 100);
}

/*
 * Horizontal bars: a label, the bar, its text.  Rows are
 * {label, value, text, extra}; value null draws no bar (无数据).
 */
static double
pdf_bars(struct pdf *p, double x, double y, double w, json_t *rows, const char *scale,
    double rowh, int maxrows)
{
	int percent = strcmp(scale, "count") != 0;
	double lw = percent ? 110 : 76, tw = percent ? 44 : 26, ew = 0, bw;
	double max = strcmp(scale, "rate") == 0 ? 1 : strcmp(scale, "score") == 0 ? 100 : 0, v;
	json_t *r;
	size_t i;

	json_array_foreach(rows, i, r) {
		if (!percent && json_number_value(json_object_get(r, "value")) > max)
			max = json_number_value(json_object_get(r, "value"));
		if (*jstr(r, "extra") != '\0')
			ew = percent ? 20 : 64;
	}
	if (json_array_size(rows) == 0) {
		pdf_colour(p, grey);
		pdf_text(p, x, y, 9, 0, LEFT, "本期无数据");
		return y + rowh;
	}
	bw = w - lw - tw - ew;
	json_array_foreach(rows, i, r) {
		if ((int)i >= maxrows)
			break;
		pdf_colour(p, ink);
		pdf_text_box(p, x, y + (double)i * rowh + (rowh - 11) / 2 - 1, 8.5, 0,
		    LEFT, jstr(r, "label"), lw - 6, 0);
		cairo_set_source_rgb(p->cr, 0.93, 0.93, 0.93);
		cairo_rectangle(p->cr, x + lw, y + (double)i * rowh + rowh * 0.18, bw,
		    rowh * 0.64);
		cairo_fill(p->cr);
		if (json_is_number(json_object_get(r, "value")) && max > 0) {
			v = json_number_value(json_object_get(r, "value")) / max;
			pdf_colour(p, i < 3 ? blue : (struct rgb){ 0.45, 0.62, 0.82 });
			cairo_rectangle(p->cr, x + lw, y + (double)i * rowh + rowh * 0.18,
			    bw * (v > 1 ? 1 : v), rowh * 0.64);
			cairo_fill(p->cr);
		}
		pdf_colour(p, json_is_number(json_object_get(r, "value")) ? ink : grey);
		pdf_text(p, x + lw + bw + 4, y + (double)i * rowh + (rowh - 11) / 2 - 1, 8.5,
		    0, LEFT, jstr(r, "text"));
		if (ew > 0) {
			pdf_colour(p, grey);
			pdf_text(p, x + w, y + (double)i * rowh + (rowh - 11) / 2 - 1, 8, 0,
			    RIGHT, jstr(r, "extra"));
		}
	}
	return y + (double)(json_array_size(rows) < (size_t)maxrows ?
	    json_array_size(rows) : (size_t)maxrows) * rowh;
}

/* The top classes: report.count rows as bars with the change. */
static double
pdf_classes(struct pdf *p, double x, double y, double w)
{
	json_t *rows = json_array(), *r;
	char text[32], extra[64];
	size_t i;

	json_array_foreach(json_object_get(p->data, "classes"), i, r) {
		snprintf(text, sizeof text, "%lld", (long long)jnum(r, "count"));
		pdf_change(r, extra, sizeof extra);
		json_array_append_new(rows, json_pack("{s:s, s:I, s:s, s:s}", "label",
		    jstr(r, "name"), "value", jnum(r, "count"), "text", text, "extra", extra));
	}
	y = pdf_bars(p, x, y, w, rows, "count", 17, 10);
	json_decref(rows);
	return y;
}

/* A GeoJSON (Multi)Polygon as a cairo path, through the projection. */
struct proj {
	double	 x0, y0, scale, lon0, lat1, k;	/* k: cos(latitude) */
};

static void
pdf_ring(struct pdf *p, const struct proj *pj, json_t *ring)
{
	json_t *pt;
	size_t i;
	double px, py;

	json_array_foreach(ring, i, pt) {
		px = pj->x0 + (json_number_value(json_array_get(pt, 0)) - pj->lon0) *
		    pj->k * pj->scale;
		py = pj->y0 + (pj->lat1 - json_number_value(json_array_get(pt, 1))) * pj->scale;
		if (i == 0)
			cairo_move_to(p->cr, px, py);
		else
			cairo_line_to(p->cr, px, py);
	}
	cairo_close_path(p->cr);
}

static void
pdf_geometry(struct pdf *p, const struct proj *pj, json_t *g)
{
	json_t *coords = json_object_get(g, "coordinates"), *poly, *ring;
	int multi = strcmp(jstr(g, "type"), "MultiPolygon") == 0;
	size_t i, j;

	cairo_new_path(p->cr);
	if (!multi) {
		json_array_foreach(coords, j, ring)
			pdf_ring(p, pj, ring);
		return;
	}
	json_array_foreach(coords, i, poly) {
		json_array_foreach(poly, j, ring)
			pdf_ring(p, pj, ring);
	}
}

/* Every coordinate of a geometry, to find the extent. */
static void
pdf_extent(json_t *g, double *b)
{
	json_t *v;
	size_t i;

	if (json_is_array(g) && json_is_number(json_array_get(g, 0))) {
		double x = json_number_value(json_array_get(g, 0));
		double y = json_number_value(json_array_get(g, 1));

		if (x < b[0]) b[0] = x;
		if (y < b[1]) b[1] = y;
		if (x > b[2]) b[2] = x;
		if (y > b[3]) b[3] = y;
		return;
	}
	json_array_foreach(g, i, v)
		pdf_extent(v, b);
}

/*
 * Where to name a region: the centroid of the outer ring of its
 * largest polygon (the shoelace formula), in c[0], c[1].
 */
static void
pdf_centroid(json_t *g, double *c)
{
	json_t *coords = json_object_get(g, "coordinates"), *poly, *ring;
	int multi = strcmp(jstr(g, "type"), "MultiPolygon") == 0;
	double best = 0, a, cx, cy, x0, y0, x1, y1, f;
	size_t i, j, n;

	c[0] = c[1] = 0;
	for (i = 0; i < (multi ? json_array_size(coords) : 1); i++) {
		poly = multi ? json_array_get(coords, i) : coords;
		ring = json_array_get(poly, 0);
		n = json_array_size(ring);
		a = cx = cy = 0;
		for (j = 0; j + 1 < n; j++) {
			x0 = json_number_value(json_array_get(json_array_get(ring, j), 0));
			y0 = json_number_value(json_array_get(json_array_get(ring, j), 1));
			x1 = json_number_value(json_array_get(json_array_get(ring, j + 1), 0));
			y1 = json_number_value(json_array_get(json_array_get(ring, j + 1), 1));
			f = x0 * y1 - x1 * y0;
			a += f;
			cx += (x0 + x1) * f;
			cy += (y0 + y1) * f;
		}
		if (fabs(a) > best) {
			best = fabs(a);
			c[0] = cx / (3 * a);
			c[1] = cy / (3 * a);
		}
	}
}

/* White through yellow to red by the share of the busiest grid. */
static struct rgb
pdf_heat_colour(double t)
{
	static const struct rgb stops[] = {
		{ 1.00, 0.95, 0.70 }, { 0.99, 0.70, 0.30 }, { 0.89, 0.29, 0.20 },
		{ 0.60, 0.05, 0.10 },
	};
	double s = t * 3;
	int i = s >= 3 ? 2 : (int)s;

	s -= i;
	return (struct rgb){ stops[i].r + (stops[i + 1].r - stops[i].r) * s,
	    stops[i].g + (stops[i + 1].g - stops[i].g) * s,
	    stops[i].b + (stops[i + 1].b - stops[i].b) * s };
}

/*
 * The heat map: every grid filled by its cases, the streets outlined
 * and named.  The square root of the share spreads the few busy grids
 * from the many quiet ones.
 */
static double
pdf_heat(struct pdf *p, double x, double y, double w, double h)
{
	json_t *heat = json_object_get(p->data, "heat"), *g, *counts;
	double b[4] = { 1e9, 1e9, -1e9, -1e9 }, max = 0, c, lx, ly, sb[4];
	struct proj pj;
	char buf[64];
	size_t i;
	int k;

	counts = json_object_get(heat, "counts");
	pdf_extent(json_object_get(json_object_get(heat, "district"), "coordinates"), b);
	if (b[0] > b[2]) {
		pdf_colour(p, grey);
		pdf_text(p, x + w / 2, y + h / 2, 10, 0, CENTER, "没有区划轮廓");
		return y + h;
	}
	pj.k = cos((b[1] + b[3]) / 2 * M_PI / 180);
	pj.scale = fmin((w - 60) / ((b[2] - b[0]) * pj.k), (h - 10) / (b[3] - b[1]));
	pj.lon0 = b[0];
	pj.lat1 = b[3];
	pj.x0 = x + (w - 60 - (b[2] - b[0]) * pj.k * pj.scale) / 2;
	pj.y0 = y + 5;
	{
		const char *key;
		json_t *v;

		json_object_foreach(counts, key, v) {
			if (json_number_value(v) > max)
				max = json_number_value(v);
		}
	}
	cairo_set_line_width(p->cr, 0.15);
	json_array_foreach(json_object_get(heat, "grids"), i, g) {
		c = json_number_value(json_object_get(counts, jstr(g, "code")));
		pdf_geometry(p, &pj, json_object_get(g, "geometry"));
		if (c > 0)
			pdf_colour(p, pdf_heat_colour(sqrt(c / max)));
		else
			cairo_set_source_rgb(p->cr, 0.97, 0.97, 0.97);
		cairo_fill_preserve(p->cr);
		cairo_set_source_rgb(p->cr, 0.86, 0.86, 0.86);
		cairo_stroke(p->cr);
	}
	cairo_set_line_width(p->cr, 0.8);
	json_array_foreach(json_object_get(heat, "streets"), i, g) {
		pdf_geometry(p, &pj, json_object_get(g, "geometry"));
		cairo_set_source_rgb(p->cr, 0.35, 0.35, 0.35);
		cairo_stroke(p->cr);
	}
	pdf_geometry(p, &pj, json_object_get(heat, "district"));
	pdf_colour(p, ink);
	cairo_set_line_width(p->cr, 1.4);
	cairo_stroke(p->cr);
	json_array_foreach(json_object_get(heat, "streets"), i, g) {
		pdf_centroid(json_object_get(g, "geometry"), sb);
		lx = pj.x0 + (sb[0] - pj.lon0) * pj.k * pj.scale;
		ly = pj.y0 + (pj.lat1 - sb[1]) * pj.scale;
		cairo_set_source_rgba(p->cr, 1, 1, 1, 0.75);
		cairo_rectangle(p->cr, lx - utf8_width(jstr(g, "name")) * 1.75 - 2, ly - 5,
		    utf8_width(jstr(g, "name")) * 3.5 + 4, 10);
		cairo_fill(p->cr);
		cairo_set_source_rgb(p->cr, 0.1, 0.1, 0.1);
		pdf_text(p, lx, ly - 5, 6.5, 0, CENTER, jstr(g, "name"));
	}
	/* The legend: the scale from 0 to the busiest grid. */
	lx = x + w - 40;
	for (k = 0; k < 100; k++) {
		pdf_colour(p, pdf_heat_colour(1 - k / 100.0));
		cairo_rectangle(p->cr, lx, y + 20 + k * 1.6, 12, 1.7);
		cairo_fill(p->cr);
	}
	pdf_colour(p, ink);
	snprintf(buf, sizeof buf, "%.0f 件", max);
	pdf_text(p, lx + 16, y + 14, 7, 0, LEFT, buf);
	pdf_text(p, lx + 16, y + 174, 7, 0, LEFT, max > 0 ? "1 件" : "0");
	cairo_set_source_rgb(p->cr, 0.97, 0.97, 0.97);
	cairo_rectangle(p->cr, lx, y + 190, 12, 8);
	cairo_fill(p->cr);
	pdf_colour(p, ink);
	pdf_text(p, lx + 16, y + 189, 7, 0, LEFT, "无");
	pdf_text(p, lx - 4, y, 8, 1, LEFT, "每格案卷");
	return y + h;
}

/* A table cell's text: numbers right, rates as %, null as 无数据. */
static void
pdf_cell(json_t *v, const char *kind, char *buf, size_t len)
{
	if (strcmp(kind, "rate") == 0)
		pdf_rate(v, buf, len);
	else if (v == NULL || json_is_null(v))
		snprintf(buf, len, strcmp(kind, "score") == 0 ? "无数据" : "-");
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		report_decimal(json_real_value(v), buf, len);
	else if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else
		snprintf(buf, len, "-");
}

/* A table: header shaded, columns shared out by their kind. */
static double
pdf_table(struct pdf *p, double y, json_t *t, int maxrows)
{
	json_t *cols = json_object_get(t, "columns"), *rows = json_object_get(t, "rows");
	json_t *c, *r;
	size_t nc = json_array_size(cols), i, j, n = json_array_size(rows);
	double cw[24], x, total = 0, rh = 14.5;
	char buf[256];

	if (nc == 0 || nc > 24)
		return y;
	json_array_foreach(cols, j, c) {
		cw[j] = strcmp(jstr(c, "key"), "name") == 0 ? 3.2 :
		    strcmp(jstr(c, "kind"), "text") == 0 || strcmp(jstr(c, "key"), "rank") == 0 ?
		    0.7 : 1.05;
		total += cw[j];
	}
	for (j = 0; j < nc; j++)
		cw[j] = cw[j] / total * BODY_W;
	cairo_set_source_rgb(p->cr, 0.90, 0.93, 0.97);
	cairo_rectangle(p->cr, MARGIN, y, BODY_W, rh * 1.9);
	cairo_fill(p->cr);
	x = MARGIN;
	json_array_foreach(cols, j, c) {
		pdf_colour(p, ink);
		pdf_text_box(p, strcmp(jstr(c, "kind"), "text") == 0 ? x + 3 : x + cw[j] - 3,
		    y + 3, 7, 1, strcmp(jstr(c, "kind"), "text") == 0 ? LEFT : RIGHT,
		    jstr(c, "header"), cw[j] - 5, 1);
		x += cw[j];
	}
	y += rh * 1.9;
	for (i = 0; i < n && (int)i < maxrows; i++) {
		r = json_array_get(rows, i);
		if (i % 2 == 1) {
			cairo_set_source_rgb(p->cr, 0.97, 0.97, 0.97);
			cairo_rectangle(p->cr, MARGIN, y, BODY_W, rh);
			cairo_fill(p->cr);
		}
		x = MARGIN;
		json_array_foreach(cols, j, c) {
			pdf_cell(json_object_get(r, jstr(c, "key")), jstr(c, "kind"), buf,
			    sizeof buf);
			pdf_colour(p, strcmp(buf, "无数据") == 0 ? grey : ink);
			if (strcmp(jstr(c, "kind"), "text") == 0)
				pdf_text_box(p, x + 3, y + 2, 7.5, 0, LEFT, buf, cw[j] - 5, 0);
			else
				pdf_text(p, x + cw[j] - 3, y + 2, 7.5, 0, RIGHT, buf);
			x += cw[j];
		}
		y += rh;
	}
	pdf_colour(p, grey);
	if (n > (size_t)maxrows) {
		snprintf(buf, sizeof buf, "另有 %zu 行未列出, 全表见 citygrid report %s", n -
		    (size_t)maxrows, jstr(t, "command"));
		pdf_text(p, MARGIN, y + 3, 7.5, 0, LEFT, buf);
		y += rh;
	} else if (n == 0) {
		pdf_text(p, MARGIN + 3, y + 2, 7.5, 0, LEFT, "本期无数据");
		y += rh;
	}
	if (*jstr(t, "note") != '\0') {
		pdf_text(p, MARGIN, y + 3, 7, 0, LEFT, jstr(t, "note"));
		y += rh;
	}
	return y + 8;
}

static void
pdf_page_overview(struct pdf *p)
{
	double y = 52, half = (BODY_W - 20) / 2;

	pdf_next_page(p, "概况");
	pdf_colour(p, ink);
	pdf_text(p, PAGE_W / 2, y, 20, 1, CENTER, jstr(p->data, "title"));
	pdf_colour(p, grey);
	pdf_text(p, PAGE_W / 2, y + 30, 10, 0, CENTER, jstr(p->data, "subtitle"));
	y = pdf_summary(p, y + 58);
	y = pdf_heading(p, MARGIN, y, BODY_W, "结案率和按期结案率走势 (本月立案的案卷, 截至当日)");
	y = pdf_trend(p, MARGIN, y, BODY_W, 300) + 14;
	pdf_heading(p, MARGIN, y, half, "案卷来源");
	pdf_sources(p, MARGIN, y + 24, half);
	pdf_heading(p, MARGIN + half + 20, y, half, "高发问题类别 (与上月比)");
	pdf_classes(p, MARGIN + half + 20, y + 26, half);
}

static void
pdf_page_rankings(struct pdf *p)
{
	json_t *rk = json_object_get(p->data, "rankings"), *r;
	double y = 52, avail = PAGE_H - 60 - y, rowh;
	size_t i, n = json_array_size(rk), rows = 0;

	pdf_next_page(p, "排名");
	json_array_foreach(rk, i, r)
		rows += json_array_size(json_object_get(r, "rows")) < 1 ? 1 :
		    json_array_size(json_object_get(r, "rows"));
	rowh = rows > 0 ? (avail - (double)n * 46) / (double)rows : 14;
	if (rowh > 17)
		rowh = 17;
	if (rowh < 9)
		rowh = 9;
	json_array_foreach(rk, i, r) {
		y = pdf_heading(p, MARGIN, y, BODY_W, jstr(r, "title"));
		y = pdf_bars(p, MARGIN, y, BODY_W, json_object_get(r, "rows"),
		    jstr(r, "scale"), rowh,
		    (int)((PAGE_H - 60 - y) / rowh));
		pdf_colour(p, grey);
		pdf_text(p, MARGIN, y + 2, 7, 0, LEFT, jstr(r, "note"));
		y += 18;
	}
}

static void
pdf_page_map(struct pdf *p)
{
	json_t *top = json_object_get(json_object_get(p->data, "heat"), "top"), *r;
	double y = 52;
	char buf[160], ch[64];
	size_t i;

	pdf_next_page(p, "网格分布");
	y = pdf_heading(p, MARGIN, y, BODY_W, "案卷的网格分布 (本月上报, 不含不予立案和合并的)");
	y = pdf_heat(p, MARGIN, y, BODY_W, 530) + 10;
	y = pdf_heading(p, MARGIN, y, BODY_W, "案卷最多的网格 (与上月比)");
	json_array_foreach(top, i, r) {
		if (i >= 10)
			break;
		pdf_change(r, ch, sizeof ch);
		snprintf(buf, sizeof buf, "%zu.  %s  %s", i + 1, jstr(r, "key"),
		    jstr_or(r, "name"));
		pdf_colour(p, ink);
		pdf_text(p, MARGIN + (i % 2) * (BODY_W / 2), y + (double)(i / 2) * 17, 9, 0,
		    LEFT, buf);
		snprintf(buf, sizeof buf, "%lld 件  %s", (long long)jnum(r, "count"), ch);
		pdf_text(p, MARGIN + (i % 2) * (BODY_W / 2) + BODY_W / 2 - 14,
		    y + (double)(i / 2) * 17, 9, 0, RIGHT, buf);
	}
	if (json_array_size(top) == 0) {
		pdf_colour(p, grey);
		pdf_text(p, MARGIN, y, 9, 0, LEFT, "本期无上报");
	}
}

static void
pdf_page_tables(struct pdf *p)
{
	json_t *ts = json_object_get(p->data, "tables"), *t;
	double y = 52, left;
	size_t i, n = json_array_size(ts);
	int fit;

	pdf_next_page(p, "指标");
	json_array_foreach(ts, i, t) {
		y = pdf_heading(p, MARGIN, y, BODY_W, jstr(t, "title"));
		left = PAGE_H - 60 - y - (double)(n - i - 1) * 90;
		fit = (int)((left / (double)(n - i) - 50) / 14.5);
		y = pdf_table(p, y, t, fit < 3 ? 3 : fit);
	}
}

/* Write the report; -1 with the reason in err. */
int
report_pdf_write(const char *path, json_t *data, char *err, size_t len)
{
	cairo_surface_t *s;
	struct pdf p = { .data = data };
	cairo_status_t st;

	s = cairo_pdf_surface_create(path, PAGE_W, PAGE_H);
	if ((st = cairo_surface_status(s)) != CAIRO_STATUS_SUCCESS) {
		snprintf(err, len, "%s: %s", path, cairo_status_to_string(st));
		cairo_surface_destroy(s);
		return -1;
	}
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_TITLE, jstr(data, "title"));
	cairo_pdf_surface_set_metadata(s, CAIRO_PDF_METADATA_CREATOR, "citygrid " CG_VERSION);
	p.cr = cairo_create(s);
	pdf_page_overview(&p);
	pdf_page_rankings(&p);
	pdf_page_map(&p);
	pdf_page_tables(&p);
	cairo_show_page(p.cr);
	st = cairo_status(p.cr);
	cairo_destroy(p.cr);
	cairo_surface_finish(s);
	if (st == CAIRO_STATUS_SUCCESS)
		st = cairo_surface_status(s);
	cairo_surface_destroy(s);
	if (st != CAIRO_STATUS_SUCCESS) {
		snprintf(err, len, "%s: %s", path, cairo_status_to_string(st));
		return -1;
	}
	return 0;
}
