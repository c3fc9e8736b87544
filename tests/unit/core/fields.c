/*
 * tests/unit/core/fields.c -- src/core/fields.c: the tables are indexed by
 * their enums (a position left out would be a rule without a name), names
 * are unique, and fields_find() finds each rule by its exact name only.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "core/fields.h"

static void
check_table(enum field_table t, size_t count)
{
	size_t n;
	const field_rule *r = fields_table(t, &n);

	assert_int_equal(n, count);
	for (size_t i = 0; i < n; i++) {
		assert_non_null(r[i].name);
		assert_ptr_equal(fields_find(t, r[i].name), &r[i]);
		for (size_t k = 0; k < i; k++)
			assert_string_not_equal(r[k].name, r[i].name);
	}
}

static void
every_position_of_every_table_has_its_rule(void **state)
{
	(void)state;
	check_table(FIELDS_REPORT, FR_COUNT);
	check_table(FIELDS_IP_ITEM, FI_COUNT);
	check_table(FIELDS_URL_ITEM, FU_COUNT);
}

static void
enum_positions_name_their_rules(void **state)
{
	size_t n;
	const field_rule *r = fields_table(FIELDS_REPORT, &n);
	const field_rule *ip = fields_table(FIELDS_IP_ITEM, &n);
	const field_rule *url = fields_table(FIELDS_URL_ITEM, &n);

	(void)state;
	assert_string_equal(r[FR_REPORTER_NAME].name, "reporterName");
	assert_string_equal(r[FR_REPORTER_PHONE].name, "reporterPhone");
	assert_string_equal(r[FR_TIME_ZONE].name, "timeZone");
	assert_string_equal(r[FR_DESTINATION_PORT].name, "destinationPort");
	assert_string_equal(r[FR_IP_ADDRESS_LIST].name, "ipAddressList");
	assert_string_equal(r[FR_TEST_SUBMISSION].name, "testSubmission");
	assert_string_equal(r[FR_SOURCE].name, "source");
	assert_string_equal(ip[FI_SOURCE_IP].name, "sourceIp");
	assert_string_equal(ip[FI_DESTINATION_PORT].name, "destinationPort");
	assert_string_equal(url[FU_DESTINATION_URL].name, "destinationUrl");
}

/* Same first letter, prefixes, other case, empty: not found (only "did you mean" ignores case). */
static void
find_takes_exact_names_only(void **state)
{
	static const char *const misses[] = {
		"", "s", "sourc", "sourceIP", "SourceIp", "sourceIpx", "reporter", "reportNote",
		"testsubmission", "urllist", "d", "date ", " date",
	};

	(void)state;
	for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++)
		assert_null(fields_find(FIELDS_REPORT, misses[i]));
	assert_null(fields_find(FIELDS_IP_ITEM, "sourceUrl"));
	assert_null(fields_find(FIELDS_URL_ITEM, "sourceIp"));
	assert_string_equal(fields_find_nocase(FIELDS_REPORT, "SourceIP")->name, "sourceIp");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_position_of_every_table_has_its_rule),
		cmocka_unit_test(enum_positions_name_their_rules),
		cmocka_unit_test(find_takes_exact_names_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
