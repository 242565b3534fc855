/*
 * widget-map.c: a map in the terminal drawn in braille.  Each cell is a
 * character from U+2800 with 2x4 dots, so a cell of about 1:2 gives
 * dots that are nearly square.  Lon/lat are projected equirectangularly
 * with the cosine of the middle latitude, good enough for a district.
 * The map holds lines (district outline, grids, streets) in degrees and
 * points (cases); each draw rasterises them for the window's size, then
 * shades each cell by the number of points in it.  One point can be
 * marked (the selected case) with a cross of dots in reverse video.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"

#define MAP_ZOOM_STEP	1.5
#define MAP_ZOOM_MAX	12	/* steps in from the whole district */

struct map_poly {
	enum map_line	 kind;
	double		*xy;		/* lon, lat pairs; owned */
	size_t		 n;
};
struct map {
	double		 w, s, e, n;	/* the extent that fits at zoom 0 */
	double		 clon, clat;	/* the view's centre */
	int		 zoom;
	struct map_poly	*polys;
	size_t		 npolys;
	double		*pts;		/* lon, lat pairs */
	size_t		 npts, cap;
	int		 marked;
	double		 mlon, mlat;
};

struct map_canvas {		/* one draw */
	int		 rows, cols;
	uint8_t		*dots;		/* braille bits per cell */
	int		*count;		/* points per cell */
	double		 x0, y0;	/* lon, lat of dot (0, 0) */
	double		 step;		/* degrees of latitude per dot */
	double		 kx;		/* cos(lat): lon degrees to lat degrees */
};

struct map *
map_new(double w, double s, double e, double n)
{
	struct map *m = xcalloc(1, sizeof *m);

	m->w = w;
	m->s = s;
	m->e = e;
	m->n = n;
	m->clon = (w + e) / 2;
	m->clat = (s + n) / 2;
	return m;
}

void
map_clear_lines(struct map *m, enum map_line kind)
{
	size_t i = 0;

	while (i < m->npolys) {
		if (m->polys[i].kind == kind) {
			free(m->polys[i].xy);
			m->polys[i] = m->polys[--m->npolys];
		} else
			i++;
	}
}

void
map_free(struct map *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->npolys; i++)
		free(m->polys[i].xy);
	free(m->polys);
	free(m->pts);
	free(m);
}

/* A polyline of n lon, lat pairs; the map keeps a copy. */
void
map_add_line(struct map *m, enum map_line kind, const double *xy, size_t n)
{
	struct map_poly *p;

	if (n < 2)
		return;
	m->polys = xreallocarray(m->polys, m->npolys + 1, sizeof *m->polys);
	p = &m->polys[m->npolys++];
	p->kind = kind;
	p->n = n;
	p->xy = xreallocarray(NULL, 2 * n, sizeof *p->xy);
	memcpy(p->xy, xy, 2 * n * sizeof *p->xy);
}

/* One ring of GeoJSON positions: [[lon, lat], ...]. */
static int
map_add_ring(struct map *m, enum map_line kind, json_t *ring)
{
	size_t i, n = json_array_size(ring);
	double *xy;
	json_t *pt;

	if (n < 2)
		return -1;
	xy = xreallocarray(NULL, 2 * n, sizeof *xy);
	json_array_foreach(ring, i, pt) {
		xy[2 * i] = json_number_value(json_array_get(pt, 0));
		xy[2 * i + 1] = json_number_value(json_array_get(pt, 1));
	}
	map_add_line(m, kind, xy, n);
	free(xy);
	return 0;
}

/*
 * A GeoJSON geometry: LineString, MultiLineString, Polygon or
 * MultiPolygon, every ring as a line.  -1 if it is none of these.
 */
int
map_add_geojson(struct map *m, enum map_line kind, json_t *geom)
{
	const char *type = json_string_value(json_object_get(geom, "type"));
	json_t *coords = json_object_get(geom, "coordinates"), *a, *b;
	size_t i, j;

	if (type == NULL || !json_is_array(coords))
		return -1;
	if (strcmp(type, "LineString") == 0)
		return map_add_ring(m, kind, coords);
	if (strcmp(type, "MultiLineString") == 0 || strcmp(type, "Polygon") == 0) {
		json_array_foreach(coords, i, a)
			map_add_ring(m, kind, a);
		return 0;
	}
	if (strcmp(type, "MultiPolygon") == 0) {
		json_array_foreach(coords, i, a) {
			json_array_foreach(a, j, b)
				map_add_ring(m, kind, b);
		}
		return 0;
	}
	return -1;
}

void
map_clear_points(struct map *m)
{
	m->npts = 0;
}

void
map_add_point(struct map *m, double lon, double lat)
{
	if (m->npts == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 256;
		m->pts = xreallocarray(m->pts, m->cap, 2 * sizeof *m->pts);
	}
	m->pts[2 * m->npts] = lon;
	m->pts[2 * m->npts + 1] = lat;
	m->npts++;
}

void
map_mark(struct map *m, int on, double lon, double lat)
{
	m->marked = on;
	m->mlon = lon;
	m->mlat = lat;
}

void
map_center(struct map *m, double lon, double lat)
{
	m->clon = lon;
	m->clat = lat;
}

/* Move by a quarter of the extent at this zoom, in x and y (north up). */
void
map_pan(struct map *m, int dx, int dy)
{
	double f = pow(MAP_ZOOM_STEP, m->zoom) * 4;

	m->clon += dx * (m->e - m->w) / f;
	m->clat += dy * (m->n - m->s) / f;
}

void
map_zoom(struct map *m, int dir)
{
	m->zoom += dir;
	if (m->zoom < -3)
		m->zoom = -3;
	if (m->zoom > MAP_ZOOM_MAX)
		m->zoom = MAP_ZOOM_MAX;
}

/* Set the dot (px, py); dots outside are dropped. */
static void
map_dot(struct map_canvas *c, long px, long py)
{
	static const uint8_t bits[4][2] = {
		{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
	};

	if (px < 0 || py < 0 || px >= 2L * c->cols || py >= 4L * c->rows)
		return;
	c->dots[(py / 4) * c->cols + px / 2] |= bits[py % 4][px % 2];
}

static void
map_project(const struct map_canvas *c, double lon, double lat, long *px,
    long *py)
{
	*px = lround((lon - c->x0) * c->kx / c->step);
	*py = lround((c->y0 - lat) / c->step);
}

/* Bresenham between two dots; the zoom bounds how long it can be. */
static void
map_segment(struct map_canvas *c, long x0, long y0, long x1, long y1)
{
	long dx = labs(x1 - x0), dy = -labs(y1 - y0), err = dx + dy, e2;
	int sx = x0 < x1 ? 1 : -1, sy = y0 < y1 ? 1 : -1;
	long lim = 4L * (c->cols + c->rows) * 64;

	if (dx > lim || -dy > lim)
		return;
	for (;;) {
		map_dot(c, x0, y0);
		if (x0 == x1 && y0 == y1)
			break;
		e2 = 2 * err;
		if (e2 >= dy) {
			err += dy;
			x0 += sx;
		}
		if (e2 <= dx) {
			err += dx;
			y0 += sy;
		}
	}
}

static void
map_raster_lines(struct map *m, struct map_canvas *c)
{
	long x0, y0, x1, y1;
	size_t i, j;

	for (i = 0; i < m->npolys; i++) {
		const struct map_poly *p = &m->polys[i];

		map_project(c, p->xy[0], p->xy[1], &x0, &y0);
		for (j = 1; j < p->n; j++) {
			map_project(c, p->xy[2 * j], p->xy[2 * j + 1], &x1, &y1);
			map_segment(c, x0, y0, x1, y1);
			x0 = x1;
			y0 = y1;
		}
	}
}

/* Points: a 2x2 block of dots each, counted per cell. */
static void
map_raster_points(struct map *m, struct map_canvas *c)
{
	long px, py;
	size_t i;

	for (i = 0; i < m->npts; i++) {
		map_project(c, m->pts[2 * i], m->pts[2 * i + 1], &px, &py);
		map_dot(c, px, py);
		map_dot(c, px + 1, py);
		map_dot(c, px, py + 1);
		map_dot(c, px + 1, py + 1);
		if (px >= 0 && py >= 0 && px < 2L * c->cols && py < 4L * c->rows)
			c->count[(py / 4) * c->cols + px / 2]++;
	}
}

/* The canvas for a window: the extent fits, then the zoom narrows it. */
static void
map_canvas_init(struct map *m, struct map_canvas *c, int rows, int cols)
{
	double kx = cos(m->clat * M_PI / 180), spanx, spany;

	c->rows = rows;
	c->cols = cols;
	c->kx = kx;
	spanx = (m->e - m->w) * kx / (2.0 * cols);
	spany = (m->n - m->s) / (4.0 * rows);
	c->step = (spanx > spany ? spanx : spany) * 1.05 /
	    pow(MAP_ZOOM_STEP, m->zoom);
	c->x0 = m->clon - cols * c->step / kx;
	c->y0 = m->clat + 2.0 * rows * c->step;
	c->dots = xcalloc((size_t)rows * cols, 1);
	c->count = xcalloc((size_t)rows * cols, sizeof *c->count);
}

static attr_t
map_cell_attr(int count)
{
	if (count >= 5)
		return tty_attr(TTY_LATE);
	if (count >= 2)
		return tty_attr(TTY_WARN);
	if (count == 1)
		return tty_attr(TTY_OK);
	return A_NORMAL;
}

static void
map_put_cell(WINDOW *w, int y, int x, uint8_t dots, attr_t attr)
{
	wchar_t wc[2] = { (wchar_t)(0x2800 + dots), L'\0' };
	cchar_t cc;

	setcchar(&cc, wc, attr, 0, NULL);
	mvwadd_wch(w, y, x, &cc);
}

void
map_draw(struct map *m, WINDOW *w)
{
	struct map_canvas c;
	long mx = -1, my = -1, i;
	int y, x, rows = getmaxy(w), cols = getmaxx(w);

	werase(w);
	if (rows < 2 || cols < 4)
		return;
	map_canvas_init(m, &c, rows, cols);
	map_raster_lines(m, &c);
	map_raster_points(m, &c);
	if (m->marked) {
		map_project(&c, m->mlon, m->mlat, &mx, &my);
		for (i = -3; i <= 3; i++) {
			map_dot(&c, mx + i, my);
			map_dot(&c, mx, my + i);
		}
	}
	for (y = 0; y < rows; y++) {
		for (x = 0; x < cols; x++) {
			attr_t a = map_cell_attr(c.count[y * cols + x]);

			if (m->marked && y == my / 4 && x == mx / 2 && mx >= 0 && my >= 0)
				a = A_REVERSE | A_BOLD;
			map_put_cell(w, y, x, c.dots[y * cols + x], a);
		}
	}
	free(c.dots);
	free(c.count);
}
