/*
 * widget-prompt.c: a one-line question on the bottom line ("驳回理由:
 * "), answered with Enter and given up with Escape or C-g.  The answer
 * is kept as wide characters so Backspace takes a whole CJK character
 * off; the callback gets it as UTF-8.  A prompt may complete its
 * answer on Tab (the : line does) and show a hint after it.
 */
#include <stdlib.h>
#include <string.h>
#include <wchar.h>
#include <wctype.h>

#include "console.h"

#define PROMPT_MAX 256		/* characters */

struct prompt {
	char		*question;
	wchar_t		 text[PROMPT_MAX + 1];
	size_t		 len;
	prompt_cb	 cb;
	prompt_complete_cb complete;	/* Tab; NULL: Tab types nothing */
	void		*arg;
	char		*hint;		/* after the answer, till the next key */
};

struct prompt *
prompt_new(const char *question, prompt_cb cb, void *arg)
{
	struct prompt *p = xcalloc(1, sizeof *p);

	p->question = xstrdup(question);
	p->cb = cb;
	p->arg = arg;
	return p;
}

void
prompt_free(struct prompt *p)
{
	if (p == NULL)
		return;
	free(p->question);
	free(p->hint);
	free(p);
}

static char *
prompt_utf8(const struct prompt *p)
{
	char *out = xmalloc(p->len * MB_CUR_MAX + 1);
	wchar_t text[PROMPT_MAX + 1];
	size_t n;

	memcpy(text, p->text, p->len * sizeof(wchar_t));
	text[p->len] = L'\0';
	if ((n = wcstombs(out, text, p->len * MB_CUR_MAX + 1)) == (size_t)-1)
		n = 0;
	out[n] = '\0';
	return out;
}

void
prompt_set_complete(struct prompt *p, prompt_complete_cb complete)
{
	p->complete = complete;
}

void
prompt_set_hint(struct prompt *p, const char *hint)
{
	free(p->hint);
	p->hint = hint != NULL ? xstrdup(hint) : NULL;
}

/* Tab: the completer's answer replaces the one typed, if it gives one. */
static void
prompt_tab(struct console *con, struct prompt *p)
{
	char *answer = prompt_utf8(p), *done;
	size_t n;

	done = p->complete(con, answer, p->arg);
	if (done != NULL && (n = mbstowcs(p->text, done, PROMPT_MAX)) !=
	    (size_t)-1)
		p->len = n;
	free(done);
	free(answer);
}

/*
 * A key for the prompt; fn is set for a KEY_ code.  Returns 1 while
 * the prompt stays, 0 once it is answered or given up; the caller then
 * frees it.  The callback gets NULL when it was given up.
 */
int
prompt_key(struct console *con, struct prompt *p, wint_t key, int fn)
{
	char *answer;

	if (!fn && key == L'\t' && p->complete != NULL) {
		prompt_tab(con, p);	/* may set a hint */
		return 1;
	}
	prompt_set_hint(p, NULL);
	if ((!fn && (key == L'\r' || key == L'\n')) || (fn && key == KEY_ENTER)) {
		answer = prompt_utf8(p);
		p->cb(con, answer, p->arg);
		free(answer);
		return 0;
	}
	if (!fn && (key == 27 || key == 7)) {	/* Escape, C-g */
		p->cb(con, NULL, p->arg);
		return 0;
	}
	if ((fn && key == KEY_BACKSPACE) || (!fn && (key == 127 || key == 8))) {
		if (p->len > 0)
			p->len--;
	} else if (!fn && key == 21)		/* C-u */
		p->len = 0;
	else if (!fn && iswprint(key) && p->len < PROMPT_MAX)
		p->text[p->len++] = (wchar_t)key;
	return 1;
}

/* The question and the answer so far, its end in sight. */
void
prompt_draw(struct prompt *p, WINDOW *w)
{
	char *answer = prompt_utf8(p), *line, *tail = answer;
	int cols = getmaxx(w), qw = utf8_width(p->question);
	mbstate_t ps;
	size_t n;

	while (*tail != '\0' && qw + utf8_width(tail) + 1 >= cols) {
		memset(&ps, 0, sizeof ps);
		n = mbrlen(tail, strlen(tail), &ps);
		tail += n == 0 || n > 4 ? 1 : n;
	}
	xasprintf(&line, "%s%s_%s%s", p->question, tail, p->hint != NULL ?
	    "   " : "", p->hint != NULL ? p->hint : "");
	tty_put(w, 0, 0, cols, line, A_BOLD);
	free(line);
	free(answer);
}
