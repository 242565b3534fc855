/*
 * test-utf8.c: display widths and fitting text into columns.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"

static const struct width_case {
	const char	*text;
	int		 width;
} width_cases[] = {
	{ "", 0 },
	{ "a", 1 },
	{ "E0102202611260001", 17 },
	{ "派遣", 4 },
	{ "东城区环境卫生服务中心", 22 },
	{ "0102 暴露垃圾", 13 },
	{ "ｱ", 1 },			/* halfwidth katakana */
	{ "Ａ", 2 },			/* fullwidth A */
	{ "，", 2 },			/* fullwidth comma */
	{ "e\xcc\x81", 1 },		/* e and a combining acute accent */
	{ "a\nb", 3 },			/* a control character is one column */
	{ "\xff", 1 },			/* not UTF-8: one column */
	{ "\xe4\xb8", 2 },		/* a cut character: a column a byte */
};

static void
test_width(void **state)
{
	size_t i;

	for (i = 0; i < sizeof width_cases / sizeof width_cases[0]; i++) {
		print_message("width case %zu\n", i);
		assert_int_equal(utf8_width(width_cases[i].text), width_cases[i].width);
	}
}

static const struct fit_case {
	const char	*text;
	int		 cols;
	size_t		 size;	/* of the buffer; 0: large */
	const char	*want;
	int		 width;
} fit_cases[] = {
	{ "abc", 5, 0, "abc  ", 5 },
	{ "abcdef", 3, 0, "abc", 3 },
	{ "", 3, 0, "   ", 3 },
	{ "abc", 0, 0, "", 0 },
	{ "派遣", 4, 0, "派遣", 4 },
	{ "派遣", 6, 0, "派遣  ", 6 },
	{ "派遣", 3, 0, "派 ", 3 },		/* 遣 does not fit: padded */
	{ "派遣", 1, 0, " ", 1 },
	{ "a派遣", 4, 0, "a派 ", 4 },
	{ "a派遣", 5, 0, "a派遣", 5 },
	{ "核查通过, 结案", 9, 0, "核查通过,", 9 },
	{ "a\tb", 3, 0, "a b", 3 },		/* a tab is shown as a space */
	{ "\xffz", 2, 0, "?z", 2 },
	{ "派遣", 4, 5, "派 ", 3 },		/* 5 bytes: cut before 遣, one space */
	{ "abc", 4, 3, "ab", 2 },
	{ "abc", 4, 1, "", 0 },
};

static void
test_fit(void **state)
{
	char buf[64];
	size_t i, size;
	int w;

	for (i = 0; i < sizeof fit_cases / sizeof fit_cases[0]; i++) {
		const struct fit_case *c = &fit_cases[i];

		print_message("fit case %zu\n", i);
		size = c->size ? c->size : sizeof buf;
		memset(buf, 'X', sizeof buf);
		w = utf8_fit(c->text, c->cols, buf, size);
		assert_string_equal(buf, c->want);
		assert_int_equal(w, c->width);
		assert_int_equal(utf8_width(buf), c->width);
	}
}

/* Every cut of a mixed string is whole characters and exactly cols wide. */
static void
test_fit_never_splits(void **state)
{
	static const char text[] = "井盖 E0102 东四北大街路口有暴露垃圾, 请尽快处置ok";
	char buf[128];
	int cols, w;

	for (cols = 0; cols <= utf8_width(text) + 2; cols++) {
		w = utf8_fit(text, cols, buf, sizeof buf);
		assert_int_equal(w, cols);
		assert_int_equal(utf8_width(buf), cols);
		assert_null(strchr(buf, '?'));
	}
}

/* What is kept is a prefix of the text, cut between characters. */
static void
test_fit_prefix(void **state)
{
	static const char text[] = "派遣员刘洋: 派遣到环卫中心";
	char buf[128];
	size_t n;
	int cols;

	for (cols = 0; cols <= utf8_width(text); cols++) {
		utf8_fit(text, cols, buf, sizeof buf);
		n = strlen(buf);
		while (n > 0 && buf[n - 1] == ' ' && strncmp(buf, text, n) != 0)
			n--;
		assert_memory_equal(buf, text, n);
		buf[n] = '\0';
		/* at most one column is lost, to a wide character that did not fit */
		assert_in_range(utf8_width(buf), cols > 0 ? cols - 1 : 0, cols);
		/* the cut falls on a character boundary of the text */
		assert_true(text[n] == '\0' || (text[n] & 0xc0) != 0x80);
	}
}

/* The widths hold even when the environment's locale is not UTF-8. */
static int
setup_c_locale(void **state)
{
	setenv("LC_ALL", "C", 1);
	return utf8_locale() == 0 ? 0 : -1;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_width),
		cmocka_unit_test(test_fit),
		cmocka_unit_test(test_fit_never_splits),
		cmocka_unit_test(test_fit_prefix),
	};

	return cmocka_run_group_tests(tests, setup_c_locale, NULL);
}
