/*
 * tests/unit/util/utf8.c -- src/util/utf8.c: well-formedness by RFC 3629
 * (shortest form, no surrogates, nothing above U+10FFFF), counting, encoding.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "util/utf8.h"

static void
assert_valid(const char *s, size_t n)
{
	size_t bad = 12345;

	assert_int_equal(utf8_valid(s, n, &bad), 0);
	assert_int_equal(bad, 12345);  /* untouched on success */
}

static void
assert_invalid_at(const char *s, size_t n, size_t at)
{
	size_t bad = 12345;

	assert_int_equal(utf8_valid(s, n, &bad), -1);
	if (bad != at)
		print_error("bad at %zu, expected %zu\n", bad, at);
	assert_int_equal(bad, at);
	assert_int_equal(utf8_valid(s, n, NULL), -1);
}

#define VALID(lit)            assert_valid(lit, sizeof(lit) - 1)
#define INVALID_AT(lit, at)   assert_invalid_at(lit, sizeof(lit) - 1, at)

static void
ascii_and_empty_text_are_valid(void **state)
{
	(void)state;
	VALID("");
	assert_valid(NULL, 0);
	VALID("plain ASCII, with \t tabs and \x7F");
	VALID("a\0b");  /* U+0000 is a character like any other */
}

static void
boundaries_of_each_length_are_valid(void **state)
{
	(void)state;
	VALID("\x7F");
	VALID("\xC2\x80");            /* U+0080 */
	VALID("\xDF\xBF");            /* U+07FF */
	VALID("\xE0\xA0\x80");        /* U+0800 */
	VALID("\xED\x9F\xBF");        /* U+D7FF, just below the surrogates */
	VALID("\xEE\x80\x80");        /* U+E000, just above */
	VALID("\xEF\xBF\xBF");        /* U+FFFF */
	VALID("\xF0\x90\x80\x80");    /* U+10000 */
	VALID("\xF4\x8F\xBF\xBF");    /* U+10FFFF */
	VALID("caf\xC3\xA9 \xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x98\x80");
}

static void
overlong_forms_are_invalid(void **state)
{
	(void)state;
	INVALID_AT("\xC0\x80", 0);
	INVALID_AT("\xC1\xBF", 0);
	INVALID_AT("ab\xE0\x80\x80", 2);
	INVALID_AT("\xE0\x9F\xBF", 0);
	INVALID_AT("\xF0\x80\x80\x80", 0);
	INVALID_AT("\xF0\x8F\xBF\xBF", 0);
}

static void
surrogates_and_values_above_10ffff_are_invalid(void **state)
{
	(void)state;
	INVALID_AT("x\xED\xA0\x80", 1);    /* U+D800 */
	INVALID_AT("\xED\xBF\xBF", 0);     /* U+DFFF */
	INVALID_AT("\xED\xA0\xBD\xED\xB8\x80", 0);  /* CESU-8 pair */
	INVALID_AT("\xF4\x90\x80\x80", 0); /* U+110000 */
	INVALID_AT("\xF5\x80\x80\x80", 0);
	INVALID_AT("\xF7\xBF\xBF\xBF", 0);
	INVALID_AT("\xF8\x88\x80\x80\x80", 0);
	INVALID_AT("\xFE", 0);
	INVALID_AT("ok\xFF", 2);
}

static void
broken_sequences_are_invalid_where_they_start(void **state)
{
	(void)state;
	INVALID_AT("\x80", 0);                /* continuation without a lead */
	INVALID_AT("a\xBF" "b", 1);
	INVALID_AT("abc\xC3", 3);             /* truncated at the end */
	INVALID_AT("abc\xE2\x82", 3);
	INVALID_AT("abc\xF0\x9F\x98", 3);
	INVALID_AT("\xC3" "a", 0);            /* followed by ASCII */
	INVALID_AT("\xE2\x82" "a", 0);
	INVALID_AT("\xF0\x9F\x98" "a", 0);
	INVALID_AT("\xC3\xA9\xC3\xC3\xA9", 2);
	/* the first bad sequence is reported, not a later one */
	INVALID_AT("\xC3\xA9 \xC0\x80 \xFF", 3);
}

static void
length_limits_what_is_read(void **state)
{
	(void)state;
	/* a valid sequence cut by n is invalid; bytes past n are not looked at */
	assert_invalid_at("\xC3\xA9", 1, 0);
	assert_valid("ab\xFF", 2);
}

static void
count_counts_code_points(void **state)
{
	(void)state;
	assert_int_equal(utf8_count("", 0), 0);
	assert_int_equal(utf8_count("abc", 3), 3);
	assert_int_equal(utf8_count("caf\xC3\xA9", 5), 4);
	assert_int_equal(utf8_count("\xE6\x97\xA5\xE6\x9C\xAC", 6), 2);
	assert_int_equal(utf8_count("\xF0\x9F\x98\x80!", 5), 2);
	assert_int_equal(utf8_count("a\0b", 3), 3);
}

static void
encode_produces_known_bytes(void **state)
{
	char out[4];

	(void)state;
	assert_int_equal(utf8_encode(0x41, out), 1);
	assert_memory_equal(out, "A", 1);
	assert_int_equal(utf8_encode(0xE9, out), 2);
	assert_memory_equal(out, "\xC3\xA9", 2);
	assert_int_equal(utf8_encode(0x65E5, out), 3);
	assert_memory_equal(out, "\xE6\x97\xA5", 3);
	assert_int_equal(utf8_encode(0x1F600, out), 4);
	assert_memory_equal(out, "\xF0\x9F\x98\x80", 4);
	assert_int_equal(utf8_encode(0x10FFFF, out), 4);
	assert_memory_equal(out, "\xF4\x8F\xBF\xBF", 4);
}

static void
every_code_point_round_trips(void **state)
{
	char out[4];

	(void)state;
	for (unsigned cp = 0; cp <= 0x10FFFF; cp++) {
		size_t n, want;

		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		n = utf8_encode(cp, out);
		want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n != want || utf8_valid(out, n, NULL) != 0 || utf8_count(out, n) != 1)
			print_error("U+%04X\n", cp);
		assert_int_equal(n, want);
		assert_int_equal(utf8_valid(out, n, NULL), 0);
		assert_int_equal(utf8_count(out, n), 1);
	}
}

static void
every_two_byte_prefix_is_judged_as_rfc3629_says(void **state)
{
	char s[2];

	(void)state;
	for (unsigned a = 0xC0; a <= 0xFF; a++) {
		for (unsigned b = 0; b <= 0xFF; b++) {
			int want = a >= 0xC2 && a <= 0xDF && b >= 0x80 && b <= 0xBF ? 0 : -1;

			s[0] = (char)a;
			s[1] = (char)b;
			assert_int_equal(utf8_valid(s, 2, NULL), want);
		}
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ascii_and_empty_text_are_valid),
		cmocka_unit_test(boundaries_of_each_length_are_valid),
		cmocka_unit_test(overlong_forms_are_invalid),
		cmocka_unit_test(surrogates_and_values_above_10ffff_are_invalid),
		cmocka_unit_test(broken_sequences_are_invalid_where_they_start),
		cmocka_unit_test(length_limits_what_is_read),
		cmocka_unit_test(count_counts_code_points),
		cmocka_unit_test(encode_produces_known_bytes),
		cmocka_unit_test(every_code_point_round_trips),
		cmocka_unit_test(every_two_byte_prefix_is_judged_as_rfc3629_says),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
