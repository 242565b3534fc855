/*
 * test-cradle-sha256.c: SHA-256 against FIPS 180-2 appendix B and the
 * NIST byte-oriented vectors, whole and fed in pieces of every size.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cg.h"
#include "cradle.h"

#define NELEM(a) (sizeof (a) / sizeof (a)[0])

static const struct sha_case {
	const char	*name;
	const char	*text;		/* NULL: a million 'a' */
	const char	*want;
} sha_cases[] = {
	{ "empty", "",
	    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" },
	{ "abc", "abc",
	    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" },
	{ "two blocks",
	    "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
	    "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1" },
	{ "55 bytes, one block of padding",
	    "1234567890123456789012345678901234567890123456789012345",
	    "03c3a70e99ed5eeccd80f73771fcf1ece643d939d9ecc76f25544b0233f708e9" },
	{ "56 bytes, two blocks of padding",
	    "12345678901234567890123456789012345678901234567890123456",
	    "0be66ce72c2467e793202906000672306661791622e0ca9adf4a8955b2ed189c" },
	{ "a million a", NULL,
	    "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0" },
};

static void
test_vectors(void **state)
{
	static char million[1000000];
	uint8_t out[32], again[32];
	char hex[65];
	struct cradle_sha256 s;
	size_t i, n, at, step;
	const char *text;

	memset(million, 'a', sizeof million);
	for (i = 0; i < NELEM(sha_cases); i++) {
		print_message("sha256: %s\n", sha_cases[i].name);
		text = sha_cases[i].text ? sha_cases[i].text : million;
		n = sha_cases[i].text ? strlen(text) : sizeof million;
		cradle_sha256(text, n, out);
		cradle_hex_format(out, 32, hex);
		assert_string_equal(hex, sha_cases[i].want);
		for (step = 1; step <= 130; step += step < 70 ? 1 : 29) {
			cradle_sha256_init(&s);
			for (at = 0; at < n; at += step)
				cradle_sha256_update(&s, text + at,
				    n - at < step ? n - at : step);
			cradle_sha256_final(&s, again);
			assert_memory_equal(out, again, 32);
			if (n > 1000)
				break;
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
