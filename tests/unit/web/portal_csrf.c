/*
 * tests/unit/web/portal_csrf.c -- src/web/portal_csrf.c: the portal form's
 * signed token is good for a day from this process, and for nothing else.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include <sodium.h>

#include "web/portal.h"

#define NOW 1714558272

static int
setup(void **state)
{
	(void)state;
	if (sodium_init() < 0)
		return -1;
	portal_csrf_init();
	return 0;
}

static void
test_fresh_token_is_valid_until_a_day_has_passed(void **state)
{
	char t[PORTAL_CSRF_TEXT];

	(void)state;
	portal_csrf_issue(NOW, t);
	assert_int_equal(strlen(t), 76);
	assert_int_equal(strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), 76);
	assert_int_equal(portal_csrf_valid(t, NOW), 0);
	assert_int_equal(portal_csrf_valid(t, NOW + LIMIT_CSRF_SECONDS), 0);
	assert_int_equal(portal_csrf_valid(t, NOW + LIMIT_CSRF_SECONDS + 1), -1);
	assert_int_equal(portal_csrf_valid(t, NOW - 300), 0);       /* clock skew */
	assert_int_equal(portal_csrf_valid(t, NOW - 301), -1);      /* from the future */
}

static void
test_two_tokens_differ(void **state)
{
	char a[PORTAL_CSRF_TEXT], b[PORTAL_CSRF_TEXT];

	(void)state;
	portal_csrf_issue(NOW, a);
	portal_csrf_issue(NOW, b);
	assert_string_not_equal(a, b);
}

static void
test_every_changed_character_is_refused(void **state)
{
	char t[PORTAL_CSRF_TEXT], bad[PORTAL_CSRF_TEXT];

	(void)state;
	portal_csrf_issue(NOW, t);
	for (size_t i = 0; i < strlen(t); i++) {
		memcpy(bad, t, sizeof bad);
		bad[i] = bad[i] == 'A' ? 'B' : 'A';
		assert_int_equal(portal_csrf_valid(bad, NOW), -1);
	}
}

static void
test_malformed_tokens_are_refused(void **state)
{
	char t[PORTAL_CSRF_TEXT], longer[2 * PORTAL_CSRF_TEXT];

	(void)state;
	portal_csrf_issue(NOW, t);
	assert_int_equal(portal_csrf_valid(NULL, NOW), -1);
	assert_int_equal(portal_csrf_valid("", NOW), -1);
	assert_int_equal(portal_csrf_valid("not a token", NOW), -1);
	t[75] = '\0';
	assert_int_equal(portal_csrf_valid(t, NOW), -1);
	memset(longer, 'A', sizeof longer - 1);
	longer[sizeof longer - 1] = '\0';
	assert_int_equal(portal_csrf_valid(longer, NOW), -1);
}

static void
test_token_of_another_process_is_refused(void **state)
{
	char t[PORTAL_CSRF_TEXT];

	(void)state;
	portal_csrf_issue(NOW, t);
	portal_csrf_init();             /* a restart: a new secret */
	assert_int_equal(portal_csrf_valid(t, NOW), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fresh_token_is_valid_until_a_day_has_passed),
		cmocka_unit_test(test_two_tokens_differ),
		cmocka_unit_test(test_every_changed_character_is_refused),
		cmocka_unit_test(test_malformed_tokens_are_refused),
		cmocka_unit_test(test_token_of_another_process_is_refused),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
