/*
 * tests/unit/util/jsonw.c -- src/util/jsonw.c: the streaming JSON writer
 * writes exactly what cJSON_PrintUnformatted() prints for the same tree
 * (every byte value in strings and names, integers at the edges of the
 * plain-digit form), and its errors are sticky.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "util/jsonw.h"

/* cJSON's text of o, which is deleted. */
static char *
cjson_text(cJSON *o)
{
	char *text = cJSON_PrintUnformatted(o);

	assert_non_null(text);
	cJSON_Delete(o);
	return text;
}

static void
assert_same_as_cjson(const buf *b, cJSON *o)
{
	char *want = cjson_text(o);

	assert_string_equal(buf_str(b), want);
	free(want);
}

static void
every_byte_is_escaped_as_cjson_escapes_it(void **state)
{
	char s[256], key[3] = {'k', 0, 0};
	cJSON *o = cJSON_CreateObject();
	jsonw w;
	buf b;

	(void)state;
	for (int i = 1; i < 256; i++)
		s[i - 1] = (char)i;
	s[255] = '\0';
	buf_init(&b, 1 << 20);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w, NULL);
	for (int i = 1; i < 256; i++) {
		key[1] = (char)i;     /* names are escaped the same way */
		jsonw_string(&w, key, s + i - 1);
		cJSON_AddStringToObject(o, key, s + i - 1);
	}
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_same_as_cjson(&b, o);
	buf_cleanup(&b);
}

static void
integers_print_as_cjson_prints_their_double(void **state)
{
	static const long long v[] = {
		0, 1, -1, 9, 10, 22, 443, 65535, -65535, 2147483647LL, -2147483648LL,
		4294967296LL, 999999999999999LL, -999999999999999LL,
		1000000000000000LL, -1000000000000000LL, 1234567890123456LL,
		9007199254740993LL, 123456789012345678LL, INT64_MAX, INT64_MIN,
	};
	cJSON *a = cJSON_CreateArray();
	jsonw w;
	buf b;

	(void)state;
	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	jsonw_array_begin(&w, NULL);
	for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
		jsonw_int(&w, NULL, v[i]);
		cJSON_AddItemToArray(a, cJSON_CreateNumber((double)v[i]));
	}
	jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_same_as_cjson(&b, a);
	buf_cleanup(&b);
}

/* Nested objects and arrays, empty ones, booleans and raw text: commas and names in place. */
static void
structure_matches_cjson(void **state)
{
	cJSON *o = cJSON_CreateObject(), *list, *item;
	jsonw w;
	buf b;

	(void)state;
	buf_init(&b, 4096);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w, NULL);
	jsonw_string(&w, "code", "OK");
	jsonw_bool(&w, "yes", 1);
	jsonw_bool(&w, "no", 0);
	jsonw_object_begin(&w, "empty");
	jsonw_object_end(&w);
	jsonw_array_begin(&w, "none");
	jsonw_array_end(&w);
	jsonw_array_begin(&w, "list");
	jsonw_object_begin(&w, NULL);
	jsonw_string(&w, "a", "1");
	jsonw_int(&w, "n", 2);
	jsonw_object_end(&w);
	jsonw_object_begin(&w, NULL);
	jsonw_object_end(&w);
	jsonw_string(&w, NULL, "x");
	jsonw_array_end(&w);
	jsonw_raw(&w, "raw", "{\"r\":[1,2]}");
	jsonw_string(&w, "", "");
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), 0);

	cJSON_AddStringToObject(o, "code", "OK");
	cJSON_AddBoolToObject(o, "yes", 1);
	cJSON_AddBoolToObject(o, "no", 0);
	cJSON_AddObjectToObject(o, "empty");
	cJSON_AddArrayToObject(o, "none");
	list = cJSON_AddArrayToObject(o, "list");
	item = cJSON_CreateObject();
	cJSON_AddStringToObject(item, "a", "1");
	cJSON_AddNumberToObject(item, "n", 2);
	cJSON_AddItemToArray(list, item);
	cJSON_AddItemToArray(list, cJSON_CreateObject());
	cJSON_AddItemToArray(list, cJSON_CreateString("x"));
	cJSON_AddRawToObject(o, "raw", "{\"r\":[1,2]}");
	cJSON_AddStringToObject(o, "", "");
	assert_same_as_cjson(&b, o);
	buf_cleanup(&b);
}

static void
writes_append_after_what_the_buffer_holds(void **state)
{
	jsonw w;
	buf b;

	(void)state;
	buf_init(&b, 100);
	assert_int_equal(buf_puts(&b, "x="), 0);
	jsonw_init(&w, &b);
	jsonw_int(&w, NULL, -7);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(buf_str(&b), "x=-7");
	buf_cleanup(&b);
}

static void
a_full_buffer_fails_for_good(void **state)
{
	jsonw w;
	buf b;

	(void)state;
	buf_init(&b, 10);
	jsonw_init(&w, &b);
	jsonw_object_begin(&w, NULL);
	jsonw_string(&w, "long", "more than ten bytes");
	jsonw_int(&w, "n", 1);   /* would fit again, but the writer has failed */
	jsonw_object_end(&w);
	assert_int_equal(jsonw_finish(&w), -1);
	assert_true(b.len <= 10);
	buf_cleanup(&b);
}

static void
an_unclosed_container_does_not_finish(void **state)
{
	jsonw w;
	buf b;

	(void)state;
	buf_init(&b, 100);
	jsonw_init(&w, &b);
	jsonw_array_begin(&w, NULL);
	assert_int_equal(jsonw_finish(&w), -1);
	jsonw_array_end(&w);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(buf_str(&b), "[]");
	buf_cleanup(&b);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_byte_is_escaped_as_cjson_escapes_it),
		cmocka_unit_test(integers_print_as_cjson_prints_their_double),
		cmocka_unit_test(structure_matches_cjson),
		cmocka_unit_test(writes_append_after_what_the_buffer_holds),
		cmocka_unit_test(a_full_buffer_fails_for_good),
		cmocka_unit_test(an_unclosed_container_does_not_finish),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
