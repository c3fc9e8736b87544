/*
 * tests/unit/util/json_pretty.c -- src/util/json_pretty.c: indented JSON
 * text laid out as JSON.stringify(value, null, 2) lays it out (the e2e
 * tests compare the developer page's examples with it), and the Python
 * literal form of the page's Python client.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "util/json_pretty.h"

/* The pretty text of the JSON text in (parsed with cJSON); caller frees. */
static char *
pretty_of(const char *in, int python)
{
	cJSON *v = cJSON_Parse(in);
	buf b;
	int rc;

	assert_non_null(v);
	buf_init(&b, 1 << 20);
	rc = python ? json_pretty_python(&b, v) : json_pretty(&b, v);
	assert_int_equal(rc, 0);
	cJSON_Delete(v);
	return buf_detach(&b, NULL);
}

static void
nested_values_are_indented_by_two_spaces_like_json_stringify(void **state)
{
	char *s = pretty_of("{\"a\":1,\"b\":[true,null,\"x\"],\"c\":{\"d\":{}},\"e\":[]}", 0);

	(void)state;
	assert_string_equal(s, "{\n  \"a\": 1,\n  \"b\": [\n    true,\n    null,\n    \"x\"\n  ],\n"
	    "  \"c\": {\n    \"d\": {}\n  },\n  \"e\": []\n}");
	free(s);
}

static void
strings_and_names_are_escaped(void **state)
{
	char *s = pretty_of("{\"q\\\"k\":\"line\\nbreak \\\\ \\u00e9\"}", 0);

	(void)state;
	assert_string_equal(s, "{\n  \"q\\\"k\": \"line\\nbreak \\\\ \xc3\xa9\"\n}");
	free(s);
}

static void
scalars_stand_alone(void **state)
{
	char *s = pretty_of("65535", 0);

	(void)state;
	assert_string_equal(s, "65535");
	free(s);
}

static void
python_form_spells_true_false_and_none(void **state)
{
	char *s = pretty_of("{\"t\":true,\"f\":false,\"n\":null,\"s\":\"true\"}", 1);

	(void)state;
	assert_string_equal(s, "{\n  \"t\": True,\n  \"f\": False,\n  \"n\": None,\n  \"s\": \"true\"\n}");
	free(s);
}

static void
a_full_buffer_fails(void **state)
{
	cJSON *v = cJSON_Parse("{\"a\":[1,2,3,4,5,6,7,8,9]}");
	buf b;

	(void)state;
	buf_init(&b, 10);
	assert_int_equal(json_pretty(&b, v), -1);
	assert_true(b.len <= 10);
	assert_int_equal(json_pretty(&b, NULL), -1);
	buf_cleanup(&b);
	cJSON_Delete(v);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(nested_values_are_indented_by_two_spaces_like_json_stringify),
		cmocka_unit_test(strings_and_names_are_escaped),
		cmocka_unit_test(scalars_stand_alone),
		cmocka_unit_test(python_form_spells_true_false_and_none),
		cmocka_unit_test(a_full_buffer_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
