/*
 * codes.c: the code rules.  County (GB/T 2260), street (GB/T 10114),
 * community and unit grid (CJ/T 213, GB/T 30428.1) codes, and the class
 * codes and component ids of CJ/T 214-2007 and GB/T 47678.5-2026.
 *
 * The rules and the messages are those of schema/001-codes.sql, check by
 * check and in the same order; tests/vectors/codes.txt is run through
 * both (tests/unit/test-codes.c, tests/sql/codes.sql).  Change the two
 * together.
 *
 * A check returns 0 for a valid code.  Otherwise it returns -1 and, if
 * cause is not NULL, sets *cause to the message the SQL function returns
 * (allocated; the caller frees it).  NULL and "" are both empty.  The
 * messages are unbounded because they quote the code, so they are not
 * put in a caller's buffer.
 */
#include <string.h>

#include "cg.h"

/*
 * A failed rule: its message and the part of the input it names after
 * ": ".  Rules return spans of the input, so nested checks (a street's
 * county part) need neither copies nor allocation.
 */
struct codes_fail {
	const char	*msg;	/* NULL: the code is valid */
	const char	*code;	/* NULL: the message stands alone */
	size_t		 len;
};

/* The division levels; each but the county is its parent + 3 digits. */
enum codes_level { CODES_COUNTY, CODES_STREET, CODES_COMMUNITY, CODES_GRID };

static const struct codes_level_rule {
	size_t		 len;
	const char	*empty;
	const char	*format;
	const char	*serial;	/* the last 3 digits are 000 */
} codes_levels[] = {
	[CODES_COUNTY] = { 6, "区县代码为空", "区县代码须为6位数字", NULL },
	[CODES_STREET] = { 9, "街道代码为空", "街道代码须为9位数字",
	    "街道顺序码不能为000" },
	[CODES_COMMUNITY] = { 12, "社区代码为空", "社区代码须为12位数字",
	    "社区顺序码不能为000" },
	[CODES_GRID] = { 15, "网格编码为空",
	    "网格编码须为15位数字(6位区县+3位街道+3位社区+3位顺序码)",
	    "网格顺序码须为001-999" },
};

/* Province-level prefixes of GB/T 2260. */
static const char codes_provinces[][3] = {
	"11", "12", "13", "14", "15", "21", "22", "23",
	"31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45",
	"46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71",
	"81", "82",
};

/* The standard versions a code table can follow (table standard_version). */
static const struct codes_version {
	const char	*name;
	int		 class_len;
	int		 id_len;
	const char	*class_format;
	const char	*id_format;
} codes_versions[] = {
	{ .name = "CJT214-2007", .class_len = 4, .id_len = 16,
	  .class_format = "类别代码须为4位数字(2位大类+2位小类)",
	  .id_format = "部件标识码须为16位数字(6位区县+4位类别+6位顺序码)" },
	{ .name = "GBT47678.5-2026", .class_len = 5, .id_len = 17,
	  .class_format = "类别代码须为5位数字(2位大类+3位小类)",
	  .id_format = "部件标识码须为17位数字(6位区县+5位类别+6位顺序码)" },
};

#define CODES_NITEMS(a) (sizeof (a) / sizeof (a)[0])

static const struct codes_fail codes_ok = { NULL, NULL, 0 };

static struct codes_fail
codes_fail(const char *msg, const char *code, size_t len)
{
	struct codes_fail f = { msg, code, len };

	return f;
}

/* Exactly want ASCII digits, as the regular expression ^[0-9]{want}$. */
static int
codes_digits(const char *s, size_t n, size_t want)
{
	size_t i;

	if (n != want)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
	}
	return 1;
}

/* Whether n bytes are all '0'; n is never 0 here. */
static int
codes_zeros(const char *s, size_t n)
{
	return strspn(s, "0") >= n;
}

/* Length in characters, as PostgreSQL's length() on UTF-8 text. */
static size_t
codes_utf8_len(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

static int
codes_province_ok(const char *s)
{
	size_t i;

	for (i = 0; i < CODES_NITEMS(codes_provinces); i++) {
		if (memcmp(s, codes_provinces[i], 2) == 0)
			return 1;
	}
	return 0;
}

/* The county rules past the format: province, then city and county. */
static struct codes_fail
codes_county_parts(const char *s)
{
	if (!codes_province_ok(s))
		return codes_fail("区县代码的省级部分无效", s, 6);
	if (memcmp(s + 2, "00", 2) == 0 || memcmp(s + 4, "00", 2) == 0)
		return codes_fail("区县代码的地市或区县部分不能为00", s, 6);
	return codes_ok;
}

/* A code of one level: format, then the parent's rules, then the serial. */
static struct codes_fail
codes_level(enum codes_level level, const char *s, size_t n)
{
	const struct codes_level_rule *r = &codes_levels[level];
	struct codes_fail f;

	if (n == 0)
		return codes_fail(r->empty, NULL, 0);
	if (!codes_digits(s, n, r->len))
		return codes_fail(r->format, s, n);
	if (level == CODES_COUNTY)
		return codes_county_parts(s);
	f = codes_level(level - 1, s, n - 3);
	if (f.msg != NULL)
		return f;
	if (codes_zeros(s + n - 3, 3))
		return codes_fail(r->serial, s, n);
	return codes_ok;
}

static const struct codes_version *
codes_version_find(const char *name)
{
	size_t i;

	if (name == NULL)
		return NULL;
	for (i = 0; i < CODES_NITEMS(codes_versions); i++) {
		if (strcmp(name, codes_versions[i].name) == 0)
			return &codes_versions[i];
	}
	return NULL;
}

/* Find the version; f says why there is none. */
static const struct codes_version *
codes_version_rule(const char *name, struct codes_fail *f)
{
	const struct codes_version *v;

	if (name == NULL || *name == '\0') {
		*f = codes_fail("标准版本为空", NULL, 0);
		return NULL;
	}
	if ((v = codes_version_find(name)) == NULL)
		*f = codes_fail("未知的标准版本", name, strlen(name));
	return v;
}

/* A class code of a known version, past its format. */
static struct codes_fail
codes_class_parts(const char *s, size_t n)
{
	if (codes_zeros(s, 2))
		return codes_fail("大类代码不能为00", s, n);
	if (codes_zeros(s + 2, n - 2))
		return codes_fail("小类代码不能全为0", s, n);
	return codes_ok;
}

static struct codes_fail
codes_class(const char *version, const char *s)
{
	const struct codes_version *v;
	struct codes_fail f;
	size_t n = s == NULL ? 0 : strlen(s);

	if (n == 0)
		return codes_fail("类别代码为空", NULL, 0);
	if ((v = codes_version_rule(version, &f)) == NULL)
		return f;
	if (!codes_digits(s, n, v->class_len))
		return codes_fail(v->class_format, s, n);
	return codes_class_parts(s, n);
}

static struct codes_fail
codes_component_id(const char *version, const char *s)
{
	const struct codes_version *v;
	struct codes_fail f;
	size_t n = s == NULL ? 0 : strlen(s);

	if (n == 0)
		return codes_fail("部件标识码为空", NULL, 0);
	if ((v = codes_version_rule(version, &f)) == NULL)
		return f;
	if (!codes_digits(s, n, v->id_len))
		return codes_fail(v->id_format, s, n);
	f = codes_county_parts(s);
	if (f.msg == NULL)
		f = codes_class_parts(s + 6, v->class_len);
	if (f.msg == NULL && codes_zeros(s + n - 6, 6))
		f = codes_fail("部件顺序码不能为000000", s, n);
	return f;
}

/* Turn a rule's result into the return value and the message. */
static int
codes_result(struct codes_fail f, char **cause)
{
	if (f.msg == NULL)
		return 0;
	if (cause != NULL) {
		if (f.code == NULL)
			*cause = xstrdup(f.msg);
		else
			xasprintf(cause, "%s: %.*s", f.msg, (int)f.len, f.code);
	}
	return -1;
}

static int
codes_level_check(enum codes_level level, const char *code, char **cause)
{
	size_t n = code == NULL ? 0 : strlen(code);

	return codes_result(codes_level(level, code, n), cause);
}

/* cg_county_error: 6 digits, a province of GB/T 2260, no 00 part. */
int
codes_county_check(const char *code, char **cause)
{
	return codes_level_check(CODES_COUNTY, code, cause);
}

/* cg_street_error: a county + 3 digits, not 000. */
int
codes_street_check(const char *code, char **cause)
{
	return codes_level_check(CODES_STREET, code, cause);
}

/* cg_community_error: a street + 3 digits, not 000. */
int
codes_community_check(const char *code, char **cause)
{
	return codes_level_check(CODES_COMMUNITY, code, cause);
}

/* cg_grid_error: a community + a serial 001-999. */
int
codes_grid_check(const char *code, char **cause)
{
	return codes_level_check(CODES_GRID, code, cause);
}

/* cg_division_error: a county, street or community by its length. */
int
codes_division_check(const char *code, char **cause)
{
	if (code == NULL || *code == '\0')
		return codes_result(codes_fail("行政区划代码为空", NULL, 0), cause);
	switch (codes_utf8_len(code)) {
	case 6:
		return codes_level_check(CODES_COUNTY, code, cause);
	case 9:
		return codes_level_check(CODES_STREET, code, cause);
	case 12:
		return codes_level_check(CODES_COMMUNITY, code, cause);
	}
	return codes_result(codes_fail("行政区划代码须为6、9或12位数字", code,
	    strlen(code)), cause);
}

/* cg_class_error: 2-digit major (not 00) + minor (not all 0). */
int
codes_class_check(const char *version, const char *code, char **cause)
{
	return codes_result(codes_class(version, code), cause);
}

/* cg_component_id_error: county + class + 6-digit serial (not 000000). */
int
codes_component_id_check(const char *version, const char *id, char **cause)
{
	return codes_result(codes_component_id(version, id), cause);
}

/* Class code length of a version: 4 or 5; -1 if the version is unknown. */
int
codes_version_class_len(const char *version)
{
	const struct codes_version *v = codes_version_find(version);

	return v == NULL ? -1 : v->class_len;
}

/* Component id length of a version: 16 or 17; -1 if unknown. */
int
codes_version_id_len(const char *version)
{
	const struct codes_version *v = codes_version_find(version);

	return v == NULL ? -1 : v->id_len;
}

/*
 * cg_component_class: copy the class part of a 16- or 17-digit component
 * id into buf (CODES_CLASS_SIZE is always enough).  -1 if id is not 16
 * or 17 digits or buf is too small.
 */
int
codes_component_class(const char *id, char *buf, size_t len)
{
	size_t n = id == NULL ? 0 : strlen(id);

	if (!codes_digits(id, n, 16) && !codes_digits(id, n, 17))
		return -1;
	if (len < n - 12 + 1)
		return -1;
	memcpy(buf, id + 6, n - 12);
	buf[n - 12] = '\0';
	return 0;
}
