/*
 * test-codes.c: lib/codes.c against tests/vectors/codes.txt, the vectors
 * tests/sql/codes.sql runs through schema/001-codes.sql; one test per
 * vector, named by its line.  Plus tables for the helpers.
 *
 * The vectors file is what PostgreSQL's COPY reads (text format, with a
 * header): tab-separated kind, version, code, expect; \N is NULL, and \n,
 * \t, \r and \\ are escapes.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "cg.h"

#define VECTORS "tests/vectors/codes.txt"
#define VECTORS_HEADER "kind\tversion\tcode\texpect"
#define VECTORS_MIN 60

struct vector {
	int	 line;
	char	*field[4];	/* kind, version, code, expect; NULL for \N */
	char	*name;		/* the test's name */
};

/* The kinds of the file and the check each is run through. */
static const struct kind {
	const char	*name;
	int		(*check)(const char *, char **);
	int		(*vcheck)(const char *, const char *, char **);
} kinds[] = {
	{ .name = "county", .check = codes_county_check },
	{ .name = "street", .check = codes_street_check },
	{ .name = "community", .check = codes_community_check },
	{ .name = "grid", .check = codes_grid_check },
	{ .name = "division", .check = codes_division_check },
	{ .name = "class", .vcheck = codes_class_check },
	{ .name = "component", .vcheck = codes_component_id_check },
};
#define NKINDS (sizeof kinds / sizeof kinds[0])

static struct vector *vectors;
static size_t nvectors;
static char *load_error;	/* the first problem with the file */

static const struct kind *
kind_find(const char *name)
{
	size_t i;

	for (i = 0; name != NULL && i < NKINDS; i++) {
		if (strcmp(kinds[i].name, name) == 0)
			return &kinds[i];
	}
	return NULL;
}

static void
load_fail(int line, const char *why)
{
	if (load_error == NULL)
		xasprintf(&load_error, VECTORS ":%d: %s", line, why);
}

/* Undo COPY's escapes in place; -1 on one COPY has but this file must not. */
static int
unescape(char *s)
{
	static const char from[] = "\\tnr", to[] = "\\\t\n\r";
	const char *p;
	char *out = s;

	for (; *s != '\0'; s++) {
		if (*s != '\\') {
			*out++ = *s;
			continue;
		}
		if (s[1] == '\0' || (p = strchr(from, s[1])) == NULL)
			return -1;
		*out++ = to[p - from];
		s++;
	}
	*out = '\0';
	return 0;
}

/* Split one line into its four fields; -1 if it has not four. */
static int
split(char *line, char *field[4])
{
	int i;

	for (i = 0; i < 4; i++) {
		field[i] = strsep(&line, "\t");
		if (field[i] == NULL)
			return -1;
	}
	return line == NULL ? 0 : -1;
}

static int
vector_parse(struct vector *v, char *line, int lineno)
{
	const struct kind *k;
	char *p;
	int i;

	v->line = lineno;
	xasprintf(&v->name, VECTORS ":%d %s", lineno, line);
	for (p = v->name; (p = strchr(p, '\t')) != NULL; p++)
		*p = ' ';
	if (split(line, v->field) != 0) {
		load_fail(lineno, "not four tab-separated fields");
		return -1;
	}
	for (i = 0; i < 4; i++) {
		if (strcmp(v->field[i], "\\N") == 0)
			v->field[i] = NULL;
		else if (unescape(v->field[i]) != 0) {
			load_fail(lineno, "an escape COPY would read differently");
			return -1;
		}
	}
	if ((k = kind_find(v->field[0])) == NULL || v->field[3] == NULL) {
		load_fail(lineno, "unknown kind or no expectation");
		return -1;
	}
	if (k->check != NULL && (v->field[1] == NULL || strcmp(v->field[1], "-") != 0)) {
		load_fail(lineno, "a kind without a version must have '-'");
		return -1;
	}
	return 0;
}

/* Read the file; each vector keeps its line (fields point into it). */
static void
vectors_load(void)
{
	FILE *f;
	char *line = NULL;
	size_t size = 0;
	ssize_t n;
	int lineno = 0;

	if ((f = fopen(VECTORS, "r")) == NULL) {
		load_fail(0, "cannot open (run from the top of the tree)");
		return;
	}
	while ((n = getline(&line, &size, f)) != -1) {
		if (n > 0 && line[n - 1] == '\n')
			line[--n] = '\0';
		if (++lineno == 1) {
			if (strcmp(line, VECTORS_HEADER) != 0)
				load_fail(1, "header is not " VECTORS_HEADER);
			continue;
		}
		vectors = xreallocarray(vectors, nvectors + 1, sizeof *vectors);
		if (vector_parse(&vectors[nvectors], xstrdup(line), lineno) == 0)
			nvectors++;
	}
	free(line);
	fclose(f);
}

static int
vector_run(const struct vector *v, char **cause)
{
	const struct kind *k = kind_find(v->field[0]);

	if (k->check != NULL)
		return k->check(v->field[2], cause);
	return k->vcheck(v->field[1], v->field[2], cause);
}

static void
test_vector(void **state)
{
	const struct vector *v = *state;
	const char *expect = v->field[3];
	char *cause = NULL;
	int rc;

	rc = vector_run(v, &cause);
	if (strcmp(expect, "ok") == 0) {
		if (rc != 0 || cause != NULL)
			fail_msg("%s: want ok, got \"%s\"", v->name, cause);
	} else {
		if (rc != -1 || cause == NULL)
			fail_msg("%s: want \"%s\", got ok", v->name, expect);
		if (strcmp(cause, expect) != 0)
			fail_msg("%s: want \"%s\", got \"%s\"", v->name, expect, cause);
	}
	if (vector_run(v, NULL) != rc)
		fail_msg("%s: the result differs without a cause", v->name);
	free(cause);
}

/* The file loaded cleanly, is big enough and exercises every kind. */
static void
test_vectors_file(void **state)
{
	size_t i, j, ok, bad;

	if (load_error != NULL)
		fail_msg("%s", load_error);
	if (nvectors < VECTORS_MIN)
		fail_msg(VECTORS ": %zu vectors, want at least %d", nvectors, VECTORS_MIN);
	for (i = 0; i < NKINDS; i++) {
		ok = bad = 0;
		for (j = 0; j < nvectors; j++) {
			if (strcmp(vectors[j].field[0], kinds[i].name) != 0)
				continue;
			if (strcmp(vectors[j].field[3], "ok") == 0)
				ok++;
			else
				bad++;
		}
		if (ok == 0 || bad < 3)
			fail_msg("kind %s: %zu valid, %zu invalid vectors", kinds[i].name, ok, bad);
	}
}

static void
test_version_len(void **state)
{
	static const struct {
		const char	*version;
		int		 class_len;
		int		 id_len;
	} t[] = {
		{ "CJT214-2007", 4, 16 },
		{ "GBT47678.5-2026", 5, 17 },
		{ "GBT30428.2-2013", -1, -1 },
		{ "cjt214-2007", -1, -1 },
		{ "CJT214-2007 ", -1, -1 },
		{ "", -1, -1 },
		{ NULL, -1, -1 },
	};
	size_t i;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		assert_int_equal(codes_version_class_len(t[i].version), t[i].class_len);
		assert_int_equal(codes_version_id_len(t[i].version), t[i].id_len);
	}
}

/* The same table is in tests/sql/codes.sql for cg_component_class. */
static void
test_component_class(void **state)
{
	static const struct {
		const char	*id;
		size_t		 len;
		const char	*class;		/* NULL: -1 */
	} t[] = {
		{ "1101010101000001", CODES_CLASS_SIZE, "0101" },
		{ "11010101001000001", CODES_CLASS_SIZE, "01001" },
		{ "1101010000000000", CODES_CLASS_SIZE, "0000" },
		{ "1101010101000001", 5, "0101" },
		{ "1101010101000001", 4, NULL },
		{ "11010101001000001", 5, NULL },
		{ "110101010100001", CODES_CLASS_SIZE, NULL },
		{ "110101010010000011", CODES_CLASS_SIZE, NULL },
		{ "110101010100000a", CODES_CLASS_SIZE, NULL },
		{ "110101", CODES_CLASS_SIZE, NULL },
		{ "", CODES_CLASS_SIZE, NULL },
		{ NULL, CODES_CLASS_SIZE, NULL },
	};
	char buf[CODES_CLASS_SIZE];
	size_t i;
	int rc;

	for (i = 0; i < sizeof t / sizeof t[0]; i++) {
		memset(buf, 'x', sizeof buf);
		rc = codes_component_class(t[i].id, buf, t[i].len);
		if (t[i].class == NULL) {
			assert_int_equal(rc, -1);
			continue;
		}
		assert_int_equal(rc, 0);
		assert_string_equal(buf, t[i].class);
	}
}

int
main(void)
{
	static const struct CMUnitTest fixed[] = {
		cmocka_unit_test(test_vectors_file),
		cmocka_unit_test(test_version_len),
		cmocka_unit_test(test_component_class),
	};
	struct CMUnitTest *tests;
	size_t i, n = sizeof fixed / sizeof fixed[0];
	int rc;

	vectors_load();
	tests = xreallocarray(NULL, n + nvectors, sizeof *tests);
	memcpy(tests, fixed, sizeof fixed);
	for (i = 0; i < nvectors; i++) {
		tests[n + i] = (struct CMUnitTest)cmocka_unit_test_prestate(test_vector,
		    &vectors[i]);
		tests[n + i].name = vectors[i].name;
	}
	rc = _cmocka_run_group_tests("codes", tests, n + nvectors, NULL, NULL);
	free(tests);
	return rc;
}
