/*
 * tests/unit/util/pct.c -- hex digits and %XX decoding (src/util/pct.c):
 * both cases, bad and cut-short escapes kept as sent, '+' only when asked,
 * %00 ending the C string.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "util/pct.h"

static void
hex_digits(void **state)
{
	(void)state;
	for (int ch = 0; ch < 256; ch++) {
		int want = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 :
		    ch >= 'A' && ch <= 'F' ? ch - 'A' + 10 : -1;

		assert_int_equal(pct_hexval(ch), want);
	}
}

static void
decoding(void **state)
{
	static const struct { const char *in; int plus; const char *out; } cases[] = {
		{"", 0, ""},
		{"abc", 0, "abc"},
		{"%41%62%2f", 0, "Ab/"},
		{"%4a%4A", 0, "JJ"},
		{"a+b", 0, "a+b"},
		{"a+b", 1, "a b"},
		{"%2B", 1, "+"},                 /* an escaped plus stays a plus */
		{"100%", 0, "100%"},             /* cut short: kept */
		{"%4", 0, "%4"},
		{"%zz%4g", 0, "%zz%4g"},         /* not hex: kept */
		{"%%41", 0, "%A"},
		{"x%C3%A9", 0, "x\xc3\xa9"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *got = pct_decode(cases[i].in, strlen(cases[i].in), cases[i].plus);

		assert_string_equal(got, cases[i].out);
		free(got);
	}
}

static void
only_n_bytes_are_read(void **state)
{
	char *got;

	(void)state;
	got = pct_decode("ab%41", 3, 0);          /* "%41" is cut: the escape is not complete within n */
	assert_string_equal(got, "ab%");
	free(got);
	got = pct_decode("a%00b", 5, 0);          /* a NUL decoded ends the C string */
	assert_int_equal(got[0], 'a');
	assert_int_equal(got[1], '\0');
	free(got);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(hex_digits),
		cmocka_unit_test(decoding),
		cmocka_unit_test(only_n_bytes_are_read),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
