/*
 * utf8.c: the width of UTF-8 text on a terminal, for tables and
 * consoles.  CJK characters take two columns.  Characters are decoded
 * with mbrtowc and measured with wcwidth, so LC_CTYPE must be a UTF-8
 * locale: utf8_locale() sees to that, whatever the environment says,
 * since citygrid's text is always UTF-8.
 */
#include <langinfo.h>
#include <locale.h>
#include <string.h>
#include <wchar.h>

#include "cg.h"

/*
 * Take the user's locale; if its character set is not UTF-8, use a
 * UTF-8 one for LC_CTYPE only.  -1 if the system has none: widths are
 * then counted a byte a column.
 */
int
utf8_locale(void)
{
	static const char *const names[] = { "C.UTF-8", "C.utf8", "en_US.UTF-8" };
	size_t i;

	setlocale(LC_ALL, "");
	if (strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
		return 0;
	for (i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (setlocale(LC_CTYPE, names[i]) != NULL &&
		    strcmp(nl_langinfo(CODESET), "UTF-8") == 0)
			return 0;
	}
	return -1;
}

/*
 * One character at s: its length in bytes, its width in columns and,
 * for what cannot be shown as it is, the byte to show instead: '?' for
 * a byte that is not UTF-8, ' ' for a control character (a newline in
 * a description).  Both are one column.
 */
static size_t
utf8_char(const char *s, size_t len, int *cols, char *repl)
{
	mbstate_t ps;
	wchar_t wc;
	size_t n;
	int w;

	memset(&ps, 0, sizeof ps);
	n = mbrtowc(&wc, s, len, &ps);
	*cols = 1;
	if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
		*repl = '?';
		return 1;
	}
	if ((w = wcwidth(wc)) < 0) {
		*repl = ' ';
		return n;
	}
	*cols = w;
	*repl = '\0';
	return n;
}

/* Columns the text takes. */
int
utf8_width(const char *s)
{
	size_t len = strlen(s), n;
	int w = 0, cols;
	char repl;

	while (len > 0) {
		n = utf8_char(s, len, &cols, &repl);
		w += cols;
		s += n;
		len -= n;
	}
	return w;
}

/*
 * Fit the text into exactly cols columns: cut after the last whole
 * character that fits, then pad with spaces.  buf always ends with a
 * NUL; if it is too small the text is cut earlier, still between
 * characters.  Returns the columns written.
 */
int
utf8_fit(const char *s, int cols, char *buf, size_t size)
{
	size_t len = strlen(s), n, out = 0;
	int w = 0, cw;
	char repl;

	if (size == 0)
		return 0;
	while (len > 0) {
		n = utf8_char(s, len, &cw, &repl);
		if (w + cw > cols || out + (repl ? 1 : n) >= size)
			break;
		if (repl)
			buf[out++] = repl;
		else {
			memcpy(buf + out, s, n);
			out += n;
		}
		w += cw;
		s += n;
		len -= n;
	}
	while (w < cols && out + 1 < size) {
		buf[out++] = ' ';
		w++;
	}
	buf[out] = '\0';
	return w;
}
