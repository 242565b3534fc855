/*
 * widget-form.c: the form for a hotline call, keyboard only.  Tab (or
 * Enter on a text field) moves on, Shift-Tab back, Escape gives the
 * form up.  On the class field the picker lists the classes matching
 * what is typed: a code (0102), Chinese text (垃圾) or pinyin initials
 * (blj, from the table pinyin-gen.sh builds out of Unihan); Up and Down
 * choose, Enter takes one.  On the place field Enter searches the
 * addresses (geo.search), then takes the chosen result; fifteen digits
 * are a grid code.  Enter on the submit line hands case.new's
 * arguments to the owner.  The text is kept as wide characters, so
 * Backspace takes off a whole CJK character.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "console.h"

#define FORM_MAX	200	/* characters a field */
#define FORM_PICK	50	/* candidates kept */

enum form_field { F_NAME, F_PHONE, F_DESC, F_CLASS, F_PLACE, F_SUBMIT,
	F_COUNT };
static const char *const form_labels[F_COUNT] = {
	[F_NAME] = "来电人", [F_PHONE] = "电话", [F_DESC] = "描述",
	[F_CLASS] = "类别", [F_PLACE] = "位置", [F_SUBMIT] = "",
};

/* A geo.search in flight; f is NULL once nobody wants the answer. */
struct form_search {
	struct form	*f;
	unsigned	 search;
};

struct form {
	struct console	*con;
	form_submit_cb	 submit;
	form_close_cb	 close;
	void		*arg;
	wchar_t		 text[F_COUNT][FORM_MAX + 1];
	size_t		 len[F_COUNT];
	int		 field;
	json_t		*classes;	/* class.list, with "initials" */
	json_t		*cands;		/* the field's candidates */
	int		 cand_sel;
	json_t		*cls;		/* the class picked */
	json_t		*place;		/* the place picked */
	unsigned	 search;	/* the geo.search wanted */
	struct form_search *pending;	/* and the one in flight */
	int		 sent;		/* case.new is out */
};

/* One field's text as UTF-8, in buf. */
static const char *
form_text(struct form *f, int field, char *buf, size_t len)
{
	wchar_t w[FORM_MAX + 1];
	size_t n;

	memcpy(w, f->text[field], f->len[field] * sizeof *w);
	w[f->len[field]] = L'\0';
	if ((n = wcstombs(buf, w, len - 1)) == (size_t)-1)
		n = 0;
	buf[n] = '\0';
	return buf;
}

/*
 * The initials of a name, "暴露垃圾" "blj": a letter for each CJK
 * character, ASCII letters and digits as they are (lower case).
 */
size_t
form_initials(const char *s, char *out, size_t len)
{
	mbstate_t ps;
	wchar_t wc;
	size_t n, o = 0;
	char c;

	memset(&ps, 0, sizeof ps);
	while (*s != '\0' && o + 1 < len) {
		if ((n = mbrtowc(&wc, s, strlen(s), &ps)) == 0 || n > 4) {
			memset(&ps, 0, sizeof ps);
			s++;
			continue;
		}
		s += n;
		c = 0;
		if (wc >= PINYIN_FIRST && wc <= PINYIN_LAST)
			c = pinyin_initials[wc - PINYIN_FIRST];
		else if (wc < 128 && iswalnum(wc))
			c = (char)towlower(wc);
		if (c != 0 && c != ' ')
			out[o++] = c;
	}
	out[o] = '\0';
	return o;
}

static int
form_all(const char *s, int (*pred)(int))
{
	for (; *s != '\0'; s++) {
		if (!pred((unsigned char)*s))
			return 0;
	}
	return 1;
}

static int
form_lower_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
form_digit(int c)
{
	return c >= '0' && c <= '9';
}

/*
 * How far ini is from the initials q: their place if they are in it
 * together, else past 1000 by the letters between them where they are
 * in it in order (暴露垃圾 is "bllj": "blj" skips one); -1 if not.
 */
static int
form_initials_score(const char *ini, const char *q)
{
	const char *p = strstr(ini, q), *start = NULL;
	int gaps = 0;

	if (p != NULL)
		return (int)(p - ini);
	for (p = ini; *q != '\0'; p++) {
		if (*p == '\0')
			return -1;
		if (*p == *q) {
			if (start == NULL)
				start = p;
			q++;
		} else if (start != NULL)
			gaps++;
	}
	return 1000 + gaps * 10 + (int)(start - ini);
}

/* How well the class matches q (0 best), by code, initials or name; -1: not. */
static int
form_class_score(json_t *c, const char *q)
{
	const char *name = json_string_value(json_object_get(c, "name"));
	const char *code = json_string_value(json_object_get(c, "code"));
	const char *ini = json_string_value(json_object_get(c, "initials"));
	char low[FORM_MAX + 1];
	size_t i;

	if (*q == '\0')
		return 0;
	if (form_all(q, form_digit))
		return code != NULL && strncmp(code, q, strlen(q)) == 0 ? 0 : -1;
	if (form_all(q, form_lower_alpha)) {
		for (i = 0; q[i] != '\0' && i < sizeof low - 1; i++)
			low[i] = (char)(q[i] | 0x20);
		low[i] = '\0';
		return ini != NULL ? form_initials_score(ini, low) : -1;
	}
	return name != NULL && strstr(name, q) != NULL ? 0 : -1;
}

struct form_scored {
	int	 score;
	size_t	 index;
};

static int
form_scored_cmp(const void *a, const void *b)
{
	const struct form_scored *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? -1 : 1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* The picker's candidates for what the class field holds now, best first. */
static void
form_filter(struct form *f)
{
	char q[FORM_MAX * 4 + 1];
	struct form_scored *v;
	size_t i, n = 0;
	json_t *c;

	json_decref(f->cands);
	f->cands = json_array();
	f->cand_sel = 0;
	form_text(f, F_CLASS, q, sizeof q);
	v = xcalloc(json_array_size(f->classes) + 1, sizeof *v);
	json_array_foreach(f->classes, i, c) {
		if ((v[n].score = form_class_score(c, q)) >= 0)
			v[n++].index = i;
	}
	qsort(v, n, sizeof *v, form_scored_cmp);
	for (i = 0; i < n && i < FORM_PICK; i++)
		json_array_append(f->cands, json_array_get(f->classes, v[i].index));
	free(v);
}

void
form_set_classes(struct form *f, json_t *classes)
{
	char ini[128];
	json_t *c;
	size_t i;

	json_decref(f->classes);
	f->classes = json_deep_copy(classes);
	json_array_foreach(f->classes, i, c) {
		form_initials(json_string_value(json_object_get(c, "name")) ?
		    json_string_value(json_object_get(c, "name")) : "", ini, sizeof ini);
		json_object_set_new(c, "initials", json_string(ini));
	}
	if (f->field == F_CLASS)
		form_filter(f);
	console_dirty(f->con);
}

struct form *
form_new(struct console *con, form_submit_cb submit, form_close_cb close,
    void *arg)
{
	struct form *f = xcalloc(1, sizeof *f);

	f->con = con;
	f->submit = submit;
	f->close = close;
	f->arg = arg;
	f->cands = json_array();
	return f;
}

void
form_free(struct form *f)
{
	if (f == NULL)
		return;
	if (f->pending != NULL)
		f->pending->f = NULL;
	json_decref(f->classes);
	json_decref(f->cands);
	json_decref(f->cls);
	json_decref(f->place);
	free(f);
}

void
form_failed(struct form *f)
{
	f->sent = 0;
}

static void
form_goto(struct form *f, int field)
{
	f->field = (field + F_COUNT) % F_COUNT;
	json_array_clear(f->cands);
	f->cand_sel = 0;
	if (f->field == F_CLASS && f->cls == NULL)
		form_filter(f);
}


static void
form_search_done(json_t *result, const struct conn_error *err, void *arg)
{
	struct form_search *r = arg;
	struct form *f = r->f;

	/* f is NULL if the form went or a newer search was sent. */
	if (f != NULL)
		f->pending = NULL;
	if (f != NULL && r->search == f->search && f->field == F_PLACE) {
		if (result == NULL)
			console_message(f->con, "查地址失败: %s", err->message);
		else if (json_array_size(result) == 0)
			console_message(f->con, "没有找到该地址");
		else {
			json_decref(f->cands);
			f->cands = json_incref(result);
			f->cand_sel = 0;
		}
		console_dirty(f->con);
	}
	free(r);
}

static void
form_search(struct form *f)
{
	struct form_search *r = xcalloc(1, sizeof *r);
	char q[FORM_MAX * 4 + 1];

	form_text(f, F_PLACE, q, sizeof q);
	if (f->pending != NULL)
		f->pending->f = NULL;
	r->f = f;
	r->search = ++f->search;
	if (conn_request(f->con->conn, "geo.search", json_pack("{s:s, s:i}",
	    "text", q, "limit", 10), form_search_done, r) != 0) {
		free(r);	/* the callback was not kept */
		console_message(f->con, "未连接 citygridd, 无法查地址");
		return;
	}
	f->pending = r;
	console_message(f->con, "查地址…");
}

/* Enter on the place: take the chosen result, a grid code, or search. */
static void
form_place_enter(struct form *f)
{
	char q[FORM_MAX * 4 + 1];

	form_text(f, F_PLACE, q, sizeof q);
	if (json_array_size(f->cands) > 0) {
		json_decref(f->place);
		f->place = json_incref(json_array_get(f->cands, (size_t)f->cand_sel));
		form_goto(f, F_SUBMIT);
	} else if (strlen(q) == 15 && form_all(q, form_digit)) {
		json_decref(f->place);
		f->place = json_pack("{s:s}", "grid", q);
		form_goto(f, F_SUBMIT);
	} else if (q[0] != '\0')
		form_search(f);
}

static void
form_submit(struct form *f)
{
	char buf[FORM_MAX * 4 + 1];
	json_t *args;

	if (f->sent)
		return;
	if (f->len[F_DESC] == 0 || f->cls == NULL || f->place == NULL) {
		console_message(f->con, "请填写描述, 选定类别和位置");
		form_goto(f, f->len[F_DESC] == 0 ? F_DESC : f->cls == NULL ?
		    F_CLASS : F_PLACE);
		return;
	}
	args = json_pack("{s:O, s:O, s:s}", "kind", json_object_get(f->cls, "kind"),
	    "class", json_object_get(f->cls, "code"), "description",
	    form_text(f, F_DESC, buf, sizeof buf));
	json_object_set_new(args, "reporter_name",
	    json_string(form_text(f, F_NAME, buf, sizeof buf)));
	json_object_set_new(args, "reporter_phone",
	    json_string(form_text(f, F_PHONE, buf, sizeof buf)));
	if (json_is_number(json_object_get(f->place, "lon"))) {
		json_object_set(args, "lon", json_object_get(f->place, "lon"));
		json_object_set(args, "lat", json_object_get(f->place, "lat"));
		json_object_set(args, "address", json_object_get(f->place, "full_name"));
	} else
		json_object_set(args, "grid", json_object_get(f->place, "grid"));
	f->sent = 1;
	f->submit(f->con, args, f->arg);
}

/* A key that edits the field's text: 1 if it was one. */
static int
form_edit(struct form *f, wint_t wc, int fn)
{
	int i = f->field;

	if ((fn && wc == KEY_BACKSPACE) || (!fn && (wc == 127 || wc == 8))) {
		if (f->len[i] > 0)
			f->len[i]--;
	} else if (!fn && wc == 21)		/* C-u */
		f->len[i] = 0;
	else if (!fn && iswprint(wc) && f->len[i] < FORM_MAX)
		f->text[i][f->len[i]++] = (wchar_t)wc;
	else
		return 0;
	if (i == F_CLASS) {
		json_decref(f->cls);
		f->cls = NULL;
		form_filter(f);
	} else if (i == F_PLACE) {
		json_decref(f->place);
		f->place = NULL;
		json_array_clear(f->cands);
		f->search++;
	}
	return 1;
}

static void
form_enter(struct form *f)
{
	switch ((enum form_field)f->field) {
	case F_CLASS:
		if (json_array_size(f->cands) == 0) {
			console_message(f->con, "没有符合的类别");
			return;
		}
		json_decref(f->cls);
		f->cls = json_incref(json_array_get(f->cands, (size_t)f->cand_sel));
		form_goto(f, F_PLACE);
		return;
	case F_PLACE:
		form_place_enter(f);
		return;
	case F_SUBMIT:
		form_submit(f);
		return;
	default:
		form_goto(f, f->field + 1);
		return;
	}
}

/* Every key while the form is up; the form takes them all. */
int
form_key(struct form *f, wint_t wc, int fn)
{
	int n = (int)json_array_size(f->cands);

	console_dirty(f->con);
	if (!fn && (wc == 27 || wc == 7)) {		/* Escape, C-g */
		f->close(f->con, f->arg);
		return 1;
	}
	if ((!fn && (wc == L'\r' || wc == L'\n')) || (fn && wc == KEY_ENTER))
		form_enter(f);
	else if (!fn && wc == L'\t')
		form_goto(f, f->field + 1);
	else if (fn && wc == KEY_BTAB)
		form_goto(f, f->field - 1);
	else if (fn && wc == KEY_DOWN)
		n > 0 ? (void)(f->cand_sel = (f->cand_sel + 1) % n) :
		    form_goto(f, f->field + 1);
	else if (fn && wc == KEY_UP)
		n > 0 ? (void)(f->cand_sel = (f->cand_sel + n - 1) % n) :
		    form_goto(f, f->field - 1);
	else if (f->field != F_SUBMIT)
		form_edit(f, wc, fn);
	return 1;
}

/* What a picked class or place resolved to, after the field's text. */
static void
form_resolved(struct form *f, int field, char *buf, size_t len)
{
	json_t *p = f->place, *c = f->cls;

	buf[0] = '\0';
	if (field == F_CLASS && c != NULL)
		snprintf(buf, len, " → %s %s %s", cli_print_label(
		    json_string_value(json_object_get(c, "kind"))),
		    json_string_value(json_object_get(c, "code")),
		    json_string_value(json_object_get(c, "name")));
	else if (field == F_PLACE && p != NULL)
		snprintf(buf, len, " → 网格 %s %s %s",
		    json_string_value(json_object_get(p, "grid")),
		    json_string_value(json_object_get(p, "community_name")) ?
		    json_string_value(json_object_get(p, "community_name")) : "",
		    json_string_value(json_object_get(p, "street_name")) ?
		    json_string_value(json_object_get(p, "street_name")) : "");
}

/* A candidate as one line of the picker. */
static void
form_cand_line(struct form *f, json_t *c, char *buf, size_t len)
{
	const char *k = json_string_value(json_object_get(c, "kind"));

	if (f->field == F_CLASS)
		snprintf(buf, len, "%s %s %s  (%s)", cli_print_label(k ? k : ""),
		    json_string_value(json_object_get(c, "code")),
		    json_string_value(json_object_get(c, "name")),
		    json_string_value(json_object_get(c, "department_name")) ?
		    json_string_value(json_object_get(c, "department_name")) : "-");
	else
		snprintf(buf, len, "%s  网格 %s %s %s",
		    json_string_value(json_object_get(c, "full_name")),
		    json_string_value(json_object_get(c, "grid")),
		    json_string_value(json_object_get(c, "community_name")) ?
		    json_string_value(json_object_get(c, "community_name")) : "",
		    json_string_value(json_object_get(c, "street_name")) ?
		    json_string_value(json_object_get(c, "street_name")) : "");
}

static void
form_draw_cands(struct form *f, WINDOW *w, int y)
{
	int h = getmaxy(w), cols = getmaxx(w), i, n, top = 0;
	char line[1024];

	n = (int)json_array_size(f->cands);
	if (n == 0 || y >= h)
		return;
	mvwhline(w, y++, 0, ACS_HLINE, cols);
	if (f->cand_sel >= h - y)
		top = f->cand_sel - (h - y) + 1;
	for (i = top; i < n && y < h; i++, y++) {
		form_cand_line(f, json_array_get(f->cands, (size_t)i), line + 2,
		    sizeof line - 2);
		line[0] = i == f->cand_sel ? '>' : ' ';
		line[1] = ' ';
		tty_put(w, y, 0, cols, line, i == f->cand_sel ? A_REVERSE : A_NORMAL);
	}
}

void
form_draw(struct form *f, WINDOW *w)
{
	char text[FORM_MAX * 4 + 1], res[512], line[2048];
	int cols = getmaxx(w), i;

	tty_put(w, 0, 0, cols, "新登记 热线来电   Tab 下一项  Enter 选定/提交  Esc 取消",
	    tty_attr(TTY_HEADER));
	for (i = 0; i < F_COUNT; i++) {
		form_text(f, i, text, sizeof text);
		form_resolved(f, i, res, sizeof res);
		if (i == F_SUBMIT)
			snprintf(line, sizeof line, "%c         [ %s ]",
			    f->field == i ? '>' : ' ', f->sent ? "登记中…" : "提交");
		else
			snprintf(line, sizeof line, "%c %-*s%s%s%s",
			    f->field == i ? '>' : ' ',
			    8 - utf8_width(form_labels[i]) + (int)strlen(form_labels[i]),
			    form_labels[i], text, f->field == i ? "_" : "", res);
		tty_put(w, i + 2, 0, cols, line, f->field == i ? A_BOLD : A_NORMAL);
	}
	form_draw_cands(f, w, F_COUNT + 3);
}
