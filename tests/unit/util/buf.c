/*
 * tests/unit/util/buf.c -- src/util/buf.c: the bounded growable buffer and
 * its "too big" rule (a failed append leaves the buffer as it was).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"

static void
a_new_buffer_is_empty(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 100);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_int_equal(b.max, 100);
	assert_string_equal(buf_str(&b), "");
	buf_cleanup(&b);
}

static void
appends_accumulate_and_stay_nul_terminated(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 1000);
	assert_int_equal(buf_append(&b, "abc", 3), 0);
	assert_int_equal(buf_puts(&b, "def"), 0);
	assert_int_equal(buf_putc(&b, '-'), 0);
	assert_int_equal(buf_printf(&b, "%d/%s", 42, "x"), 0);
	assert_string_equal(buf_str(&b), "abcdef-42/x");
	assert_int_equal(b.len, 11);
	assert_int_equal(b.ptr[b.len], '\0');
	assert_int_equal(buf_append(&b, NULL, 0), 0);
	assert_int_equal(b.len, 11);
	buf_cleanup(&b);
}

static void
bytes_with_nul_are_kept_and_counted(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_append(&b, "a\0b", 3), 0);
	assert_int_equal(b.len, 3);
	assert_memory_equal(b.ptr, "a\0b", 4);
	buf_cleanup(&b);
}

static void
filling_exactly_to_max_is_allowed(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 5);
	assert_int_equal(buf_puts(&b, "12345"), 0);
	assert_string_equal(buf_str(&b), "12345");
	assert_int_equal(buf_append(&b, "", 0), 0);
	buf_cleanup(&b);
}

static void
an_append_past_max_fails_and_changes_nothing(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 5);
	assert_int_equal(buf_puts(&b, "123"), 0);
	assert_int_equal(buf_puts(&b, "456"), -1);
	assert_string_equal(buf_str(&b), "123");
	assert_int_equal(b.len, 3);
	assert_int_equal(buf_printf(&b, "%s", "abc"), -1);
	assert_string_equal(buf_str(&b), "123");
	assert_int_equal(buf_putc(&b, '4'), 0);
	assert_int_equal(buf_putc(&b, '5'), 0);
	assert_int_equal(buf_putc(&b, '6'), -1);
	assert_string_equal(buf_str(&b), "12345");
	buf_cleanup(&b);
}

static void
a_huge_length_fails_without_wrapping(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_puts(&b, "ab"), 0);
	assert_int_equal(buf_append(&b, "x", (size_t)-1), -1);
	assert_int_equal(buf_append(&b, "x", (size_t)-1 - 1), -1);
	assert_string_equal(buf_str(&b), "ab");
	buf_cleanup(&b);
}

static void
max_zero_holds_only_the_empty_string(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 0);
	assert_int_equal(buf_puts(&b, ""), 0);
	assert_string_equal(buf_str(&b), "");
	assert_int_equal(buf_putc(&b, 'a'), -1);
	assert_int_equal(buf_printf(&b, "%s", ""), 0);
	assert_string_equal(buf_str(&b), "");
	buf_cleanup(&b);
}

/* Regression: with max = SIZE_MAX, "max + 1" wrapped to 0 and the capacity was clamped to 0. */
static void
max_size_max_does_not_clamp_capacity_to_zero(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, (size_t)-1);
	assert_int_equal(buf_puts(&b, "hello, world"), 0);
	assert_true(b.cap > b.len);
	for (int i = 0; i < 1000; i++)
		assert_int_equal(buf_puts(&b, "0123456789"), 0);
	assert_int_equal(b.len, 12 + 10000);
	assert_true(b.cap > b.len);
	assert_memory_equal(b.ptr + b.len - 10, "0123456789", 11);
	assert_int_equal(buf_append(&b, "x", (size_t)-1 - b.len), -1);
	buf_cleanup(&b);
}

static void
many_small_appends_grow_the_buffer(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 1u << 20);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_putc(&b, (char)('a' + i % 26)), 0);
	assert_int_equal(b.len, 100000);
	assert_true(b.cap <= (1u << 20) + 1);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(b.ptr[i], 'a' + i % 26);
	assert_int_equal(b.ptr[100000], '\0');
	buf_cleanup(&b);
}

static void
capacity_never_passes_max_plus_one(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 70);
	assert_int_equal(buf_puts(&b, "0123456789012345678901234567890123456789"), 0);
	assert_int_equal(buf_puts(&b, "012345678901234567890123456789"), 0);
	assert_int_equal(b.len, 70);
	assert_int_equal(b.cap, 71);
	buf_cleanup(&b);
}

static void
long_printf_output_is_complete(void **state)
{
	char big[5000];
	buf b;

	(void)state;
	memset(big, 'z', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	buf_init(&b, 10000);
	assert_int_equal(buf_puts(&b, "<"), 0);
	assert_int_equal(buf_printf(&b, "%s|%s", big, "end"), 0);
	assert_int_equal(b.len, 1 + 4999 + 4);
	assert_string_equal(buf_str(&b) + 5000, "|end");
	buf_cleanup(&b);
}

static void
reserve_then_commit_appends_in_place(void **state)
{
	char *p;
	buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "ab"), 0);
	p = buf_reserve(&b, 8);
	assert_non_null(p);
	memcpy(p, "cdef", 4);
	buf_commit(&b, 4);              /* less than reserved */
	assert_string_equal(buf_str(&b), "abcdef");
	assert_int_equal(b.len, 6);
	assert_null(buf_reserve(&b, 5)); /* 6 + 5 > max: refused, nothing changed */
	assert_string_equal(buf_str(&b), "abcdef");
	assert_non_null(buf_reserve(&b, 4));
	buf_commit(&b, 0);
	assert_string_equal(buf_str(&b), "abcdef");
	buf_cleanup(&b);
}

static void
reset_empties_and_keeps_memory(void **state)
{
	char *before;
	buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_puts(&b, "some text"), 0);
	before = b.ptr;
	buf_reset(&b);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	assert_ptr_equal(b.ptr, before);
	assert_int_equal(buf_puts(&b, "new"), 0);
	assert_string_equal(buf_str(&b), "new");
	buf_cleanup(&b);
	buf_init(&b, 10);
	buf_reset(&b);  /* on a buffer that never allocated */
	assert_string_equal(buf_str(&b), "");
}

static void
detach_hands_over_the_memory(void **state)
{
	size_t len = 99;
	char *p;
	buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_puts(&b, "mine now"), 0);
	p = buf_detach(&b, &len);
	assert_string_equal(p, "mine now");
	assert_int_equal(len, 8);
	assert_null(b.ptr);
	assert_int_equal(b.len, 0);
	assert_string_equal(buf_str(&b), "");
	free(p);
	/* an empty buffer detaches as "" that the caller frees */
	p = buf_detach(&b, &len);
	assert_string_equal(p, "");
	assert_int_equal(len, 0);
	free(p);
	p = buf_detach(&b, NULL);
	free(p);
	/* the buffer is usable again, with the same max */
	assert_int_equal(buf_puts(&b, "again"), 0);
	assert_string_equal(buf_str(&b), "again");
	buf_cleanup(&b);
}

static void
cleanup_accepts_null_and_is_repeatable(void **state)
{
	buf b;

	(void)state;
	buf_cleanup(NULL);
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "x"), 0);
	buf_cleanup(&b);
	buf_cleanup(&b);
	assert_null(b.ptr);
	buf_init(&b, 10);
	assert_int_equal(buf_puts(&b, "y"), 0);
	assert_string_equal(buf_str(&b), "y");
	buf_cleanup(&b);
}

static int
via_vprintf(buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

static void
vprintf_appends_like_printf(void **state)
{
	buf b;

	(void)state;
	buf_init(&b, 20);
	assert_int_equal(via_vprintf(&b, "%s=%u", "n", 7u), 0);
	assert_int_equal(via_vprintf(&b, "%020d", 1), -1);
	assert_string_equal(buf_str(&b), "n=7");
	buf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_new_buffer_is_empty),
		cmocka_unit_test(appends_accumulate_and_stay_nul_terminated),
		cmocka_unit_test(bytes_with_nul_are_kept_and_counted),
		cmocka_unit_test(filling_exactly_to_max_is_allowed),
		cmocka_unit_test(an_append_past_max_fails_and_changes_nothing),
		cmocka_unit_test(a_huge_length_fails_without_wrapping),
		cmocka_unit_test(max_zero_holds_only_the_empty_string),
		cmocka_unit_test(max_size_max_does_not_clamp_capacity_to_zero),
		cmocka_unit_test(many_small_appends_grow_the_buffer),
		cmocka_unit_test(capacity_never_passes_max_plus_one),
		cmocka_unit_test(long_printf_output_is_complete),
		cmocka_unit_test(reserve_then_commit_appends_in_place),
		cmocka_unit_test(reset_empties_and_keeps_memory),
		cmocka_unit_test(detach_hands_over_the_memory),
		cmocka_unit_test(cleanup_accepts_null_and_is_repeatable),
		cmocka_unit_test(vprintf_appends_like_printf),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
