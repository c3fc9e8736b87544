/*
 * tests/unit/util/form.c -- src/util/form.c: form bodies become the tree a
 * JSON body would (taxonomy.md section 1, "Bodies", and section 4.4).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/form.h"
#include "util/utf8.h"

static const form_limits lim = { 1000, 100, 128 };

static cJSON *
parse_ok_n(const char *s, size_t n, const form_limits *l)
{
	cJSON *root = NULL;
	form_error err;
	int rc = form_parse(s, n, l, &root, &err);

	if (rc != 0)
		print_error("unexpected error %d key '%s': %s\n", err.kind, err.key, err.message);
	assert_int_equal(rc, 0);
	assert_non_null(root);
	assert_true(cJSON_IsObject(root));
	return root;
}

static form_error
parse_bad_n(const char *s, size_t n, const form_limits *l, enum form_error_kind kind,
    const char *key)
{
	cJSON sentinel, *root = &sentinel;
	form_error err;

	memset(&err, 0, sizeof err);
	assert_int_equal(form_parse(s, n, l, &root, &err), -1);
	assert_ptr_equal(root, &sentinel);
	if (err.kind != kind || strcmp(err.key, key) != 0)
		print_error("body \"%.*s\": kind %d key '%s' (%s), expected %d '%s'\n",
		    (int)n, s, err.kind, err.key, err.message, kind, key);
	assert_int_equal(err.kind, kind);
	assert_string_equal(err.key, key);
	assert_int_equal(utf8_valid(err.message, strlen(err.message), NULL), 0);
	return err;
}

#define PARSE(lit)            parse_ok_n(lit, sizeof(lit) - 1, &lim)
#define BAD(lit, kind, key)   parse_bad_n(lit, sizeof(lit) - 1, &lim, kind, key)

/* The tree printed compactly, for whole-shape comparisons. */
static void
assert_shape(cJSON *root, const char *json)
{
	char *text = cJSON_PrintUnformatted(root);

	assert_non_null(text);
	if (strcmp(text, json) != 0)
		print_error("got      %s\nexpected %s\n", text, json);
	assert_string_equal(text, json);
	cJSON_free(text);
	cJSON_Delete(root);
}
#define SHAPE(lit, json)      assert_shape(PARSE(lit), json)

/* ---- fields and values ------------------------------------------------- */

static void
simple_pairs_become_string_members(void **state)
{
	(void)state;
	SHAPE("reporterName=Alice&reporterEmail=alice%40example.com&testSubmission=False",
	    "{\"reporterName\":\"Alice\",\"reporterEmail\":\"alice@example.com\",\"testSubmission\":\"False\"}");
	SHAPE("a=b=c", "{\"a\":\"b=c\"}");
	SHAPE("a&b=", "{\"a\":\"\",\"b\":\"\"}");
}

static void
plus_and_percent_20_are_spaces(void **state)
{
	(void)state;
	SHAPE("reportNotes=seen+at%2010%3A00+UTC&a+b=1", "{\"reportNotes\":\"seen at 10:00 UTC\",\"a b\":\"1\"}");
	SHAPE("a=%2B1", "{\"a\":\"+1\"}");
}

static void
percent_escapes_decode_to_utf8(void **state)
{
	(void)state;
	SHAPE("reporterName=Ren%C3%A9e&o=%c3%a9&e=%F0%9F%98%80",
	    "{\"reporterName\":\"Ren\xC3\xA9" "e\",\"o\":\"\xC3\xA9\",\"e\":\"\xF0\x9F\x98\x80\"}");
	SHAPE("caf%C3%A9=1", "{\"caf\xC3\xA9\":\"1\"}");
	SHAPE("n=line%0Abreak", "{\"n\":\"line\\nbreak\"}");
}

static void
bad_escapes_are_refused(void **state)
{
	form_error err;

	(void)state;
	err = BAD("ok=1&reporterName=%zz", FORM_ENCODING, "reporterName");
	assert_non_null(strstr(err.message, "'reporterName'"));
	BAD("a=%2", FORM_ENCODING, "a");
	BAD("a=%", FORM_ENCODING, "a");
	BAD("a=%G0", FORM_ENCODING, "a");
	BAD("a=x%", FORM_ENCODING, "a");
	BAD("%zz=1", FORM_ENCODING, "body");
	BAD("a%=1", FORM_ENCODING, "body");
}

static void
decoded_text_must_be_utf8_without_nul(void **state)
{
	(void)state;
	BAD("a=%FF", FORM_ENCODING, "a");
	BAD("a=\xFF", FORM_ENCODING, "a");
	BAD("a=%C0%80", FORM_ENCODING, "a");
	BAD("a=%ED%A0%80", FORM_ENCODING, "a");
	BAD("a=%C3", FORM_ENCODING, "a");
	BAD("%FF=1", FORM_ENCODING, "body");
	BAD("a=x%00y", FORM_ENCODING, "a");
	BAD("a%00b=1", FORM_ENCODING, "body");
}

static void
empty_pairs_are_skipped(void **state)
{
	(void)state;
	SHAPE("&&a=1&&b=2&", "{\"a\":\"1\",\"b\":\"2\"}");
	SHAPE("", "{}");
	SHAPE("&&&", "{}");
	assert_shape(parse_ok_n(NULL, 0, &lim), "{}");
	BAD("=x", FORM_NAME, "body");
	BAD("a=1&=", FORM_NAME, "body");
}

/* ---- lists ------------------------------------------------------------- */

static void
list_paths_build_arrays_of_objects(void **state)
{
	(void)state;
	SHAPE("ipAddressList[0].sourceIp=192.0.2.1&ipAddressList[0].sourcePort=80"
	    "&ipAddressList[1].sourceIp=192.0.2.2",
	    "{\"ipAddressList\":[{\"sourceIp\":\"192.0.2.1\",\"sourcePort\":\"80\"},"
	    "{\"sourceIp\":\"192.0.2.2\"}]}");
	/* brackets may come %-encoded, as browsers send them */
	SHAPE("urlList%5B0%5D.sourceUrl=https%3A%2F%2Fexample.com%2F",
	    "{\"urlList\":[{\"sourceUrl\":\"https://example.com/\"}]}");
}

static void
gaps_in_indices_become_empty_objects(void **state)
{
	(void)state;
	SHAPE("ipAddressList[2].sourceIp=192.0.2.3&ipAddressList[0].sourcePort=80",
	    "{\"ipAddressList\":[{\"sourcePort\":\"80\"},{},{\"sourceIp\":\"192.0.2.3\"}]}");
	SHAPE("a[3].b=x", "{\"a\":[{},{},{},{\"b\":\"x\"}]}");
}

static void
members_keep_the_order_of_the_body(void **state)
{
	(void)state;
	SHAPE("z=1&urlList[1].sourceUrl=u1&a=2&urlList[0].destinationUrl=d0&urlList[1].destinationUrl=d1"
	    "&ipAddressList[0].sourceIp=i&m=3",
	    "{\"z\":\"1\",\"urlList\":[{\"destinationUrl\":\"d0\"},{\"sourceUrl\":\"u1\",\"destinationUrl\":\"d1\"}],"
	    "\"a\":\"2\",\"ipAddressList\":[{\"sourceIp\":\"i\"}],\"m\":\"3\"}");
}

static void
index_must_be_plain_decimal_below_the_bound(void **state)
{
	form_error err;

	(void)state;
	cJSON_Delete(PARSE("a[99].b=x"));
	err = BAD("a[100].b=x", FORM_TOO_MANY, "a[100].b");
	assert_non_null(strstr(err.message, "at most 100 items"));
	BAD("a[99999999999999999999999999999].b=x", FORM_TOO_MANY, "a[99999999999999999999999999999].b");
	BAD("a[18446744073709551616].b=x", FORM_TOO_MANY, "a[18446744073709551616].b");
	BAD("a[01].b=x", FORM_NAME, "a[01].b");
	BAD("a[00].b=x", FORM_NAME, "a[00].b");
	BAD("a[].b=x", FORM_NAME, "a[].b");
	BAD("a[-1].b=x", FORM_NAME, "a[-1].b");
	BAD("a[%2B1].b=x", FORM_NAME, "a[+1].b");
	BAD("a[+1].b=x", FORM_NAME, "a[ 1].b");  /* + is a space */
	BAD("a[1 ].b=x", FORM_NAME, "a[1 ].b");
	BAD("a[0x1].b=x", FORM_NAME, "a[0x1].b");
	cJSON_Delete(PARSE("a[0].b=x&a[10].b=y"));
}

static void
zero_max_items_refuses_every_list(void **state)
{
	form_limits l = { 10, 0, 64 };

	(void)state;
	parse_bad_n("a[0].b=1", 8, &l, FORM_TOO_MANY, "a[0].b");
	cJSON_Delete(parse_ok_n("a=1", 3, &l));
}

static void
paths_deeper_than_one_list_are_refused(void **state)
{
	(void)state;
	BAD("a[0]=x", FORM_NAME, "a[0]");
	BAD("a[0].=x", FORM_NAME, "a[0].");
	BAD("a[0].b.c=x", FORM_NAME, "a[0].b.c");
	BAD("a[0][1].b=x", FORM_NAME, "a[0][1].b");
	BAD("a[0].b[1].c=x", FORM_NAME, "a[0].b[1].c");
	BAD("a[0]b=x", FORM_NAME, "a[0]b");
	BAD("a[0=x", FORM_NAME, "a[0");
	BAD("a.b=x", FORM_NAME, "a.b");
	BAD("a]=x", FORM_NAME, "a]");
	BAD("[0].b=x", FORM_NAME, "[0].b");
	BAD("a.b[0].c=x", FORM_NAME, "a.b[0].c");
}

/* ---- repeats ----------------------------------------------------------- */

static void
a_repeated_name_is_keyed_by_that_name(void **state)
{
	form_error err;

	(void)state;
	err = BAD("reporterName=a&x=1&reporterName=b", FORM_DUPLICATE, "reporterName");
	assert_string_equal(err.message, "'reporterName' is given twice");
	BAD("ipAddressList[0].sourceIp=1&ipAddressList[0].sourceIp=2", FORM_DUPLICATE,
	    "ipAddressList[0].sourceIp");
	BAD("ipAddressList%5B0%5D.sourceIp=1&ipAddressList[0].sourceIp=2", FORM_DUPLICATE,
	    "ipAddressList[0].sourceIp");
	BAD("a=1&%61=2", FORM_DUPLICATE, "a");
	BAD("a&a", FORM_DUPLICATE, "a");
	/* different items or fields are not repeats; names are case-sensitive */
	cJSON_Delete(PARSE("l[0].a=1&l[1].a=1&l[0].b=1&A=1&a=1"));
}

static void
the_first_repeat_in_the_body_is_reported(void **state)
{
	(void)state;
	BAD("b=1&a=1&a=2&b=2", FORM_DUPLICATE, "a");
	BAD("l[1].x=1&a=1&l[1].x=2&a=2", FORM_DUPLICATE, "l[1].x");
}

static void
a_name_both_field_and_list_is_refused(void **state)
{
	form_error err;

	(void)state;
	err = BAD("urlList=x&urlList[0].sourceUrl=y", FORM_NAME, "urlList");
	assert_string_equal(err.message, "'urlList' is given both as a field and as a list");
	BAD("urlList[0].sourceUrl=y&urlList=x", FORM_NAME, "urlList");
	/* the clash shows at "urlList=x", before the repeat "urlList=z" */
	BAD("urlList[3].sourceUrl=y&a=1&urlList=x&urlList=z", FORM_NAME, "urlList");
	BAD("urlList=x&urlList=z&urlList[3].sourceUrl=y", FORM_DUPLICATE, "urlList");
}

/* ---- bounds ------------------------------------------------------------ */

static void
field_count_is_bounded(void **state)
{
	form_limits l = { 3, 100, 64 };
	form_error err;

	(void)state;
	cJSON_Delete(parse_ok_n("a=1&b=2&c=3", 11, &l));
	cJSON_Delete(parse_ok_n("a=1&&b=2&&c=3&", 14, &l));
	err = parse_bad_n("a=1&b=2&c=3&d=4", 15, &l, FORM_TOO_MANY, "body");
	assert_string_equal(err.message, "the body has more than 3 fields");
}

static void
name_length_is_bounded_after_decoding(void **state)
{
	form_limits l = { 10, 100, 8 };

	(void)state;
	assert_shape(parse_ok_n("abcdefgh=1", 10, &l), "{\"abcdefgh\":\"1\"}");
	assert_shape(parse_ok_n("%61bcdefgh=1", 12, &l), "{\"abcdefgh\":\"1\"}");
	parse_bad_n("abcdefghi=1", 11, &l, FORM_NAME, "body");
	parse_bad_n("abcdefgh%41=1", 13, &l, FORM_NAME, "body");
}

static void
long_names_in_keys_are_cut_on_a_character_boundary(void **state)
{
	form_limits l = { 10, 100, 1000 };
	char want[256];
	buf b;

	(void)state;
	buf_init(&b, 4096);
	for (int i = 0; i < 150; i++)
		assert_int_equal(buf_puts(&b, "%C3%A9"), 0);
	assert_int_equal(buf_puts(&b, "=%FF"), 0);
	/* 255 bytes would end inside the 128th character */
	for (int i = 0; i < 127; i++)
		memcpy(want + 2 * i, "\xC3\xA9", 2);
	want[254] = '\0';
	parse_bad_n(b.ptr, b.len, &l, FORM_ENCODING, want);
	buf_cleanup(&b);
}

/* ---- form_decode ------------------------------------------------------- */

static void
form_decode_decodes_into_a_bounded_buffer(void **state)
{
	char out[8];
	size_t used = 99;

	(void)state;
	assert_int_equal(form_decode("a+b%21", 6, 1, out, sizeof out, &used), 0);
	assert_string_equal(out, "a b!");
	assert_int_equal(used, 4);
	assert_int_equal(form_decode("a+b", 3, 0, out, sizeof out, &used), 0);
	assert_string_equal(out, "a+b");
	/* exactly fits: 7 bytes and the NUL */
	assert_int_equal(form_decode("abcdefg", 7, 1, out, sizeof out, &used), 0);
	assert_int_equal(used, 7);
	used = 99;
	assert_int_equal(form_decode("abcdefgh", 8, 1, out, sizeof out, &used), -1);
	assert_int_equal(used, 99);
	assert_int_equal(form_decode("%41%42", 6, 1, out, 3, NULL), 0);
	assert_string_equal(out, "AB");
	assert_int_equal(form_decode("", 0, 1, out, 1, &used), 0);
	assert_int_equal(used, 0);
	assert_string_equal(out, "");
	assert_int_equal(form_decode("", 0, 1, out, 0, &used), -1);
	assert_int_equal(form_decode("%4", 2, 1, out, sizeof out, &used), -1);
	assert_int_equal(form_decode("%g1", 3, 1, out, sizeof out, &used), -1);
	assert_int_equal(form_decode("a%00b", 5, 1, out, sizeof out, &used), 0);
	assert_int_equal(used, 3);
	assert_memory_equal(out, "a\0b", 4);
}

/* ---- scale and failure ------------------------------------------------- */

static void
a_hundred_thousand_pairs_stay_fast(void **state)
{
	form_limits l = { 200000, 100000, 128 };
	cJSON *root, *list;
	form_error err;
	buf b;

	(void)state;
	buf_init(&b, 16u << 20);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_printf(&b, "%sipAddressList%%5B%d%%5D.sourceIp=2001%%3Adb8%%3A%%3A%x",
		    i ? "&" : "", i, i), 0);
	root = parse_ok_n(b.ptr, b.len, &l);
	list = cJSON_GetObjectItemCaseSensitive(root, "ipAddressList");
	assert_int_equal(cJSON_GetArraySize(list), 100000);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(list, 99999), "sourceIp")->valuestring,
	    "2001:db8::1869f");
	cJSON_Delete(root);
	/* 100 000 distinct top-level names, then one of them again */
	buf_reset(&b);
	for (int i = 0; i < 100000; i++)
		assert_int_equal(buf_printf(&b, "%sf%d=%d", i ? "&" : "", (i * 7919) % 100000, i), 0);
	cJSON_Delete(parse_ok_n(b.ptr, b.len, &l));
	assert_int_equal(buf_puts(&b, "&f31337=x"), 0);
	err = parse_bad_n(b.ptr, b.len, &l, FORM_DUPLICATE, "f31337");
	(void)err;
	buf_cleanup(&b);
}

static long allocations_left = -1;

static void *
failing_malloc(size_t n)
{
	if (allocations_left == 0)
		return NULL;
	if (allocations_left > 0)
		allocations_left--;
	return malloc(n);
}

static void
out_of_memory_in_cjson_is_reported_cleanly(void **state)
{
	static const char body[] = "reporterName=A&ipAddressList[1].sourceIp=192.0.2.1"
	    "&ipAddressList[0].sourcePort=80&urlList[0].sourceUrl=u&x=y";
	cJSON_Hooks hooks = { failing_malloc, free };
	long k;

	(void)state;
	cJSON_InitHooks(&hooks);
	for (k = 0; k < 1000; k++) {
		cJSON *root = NULL;
		form_error err;

		allocations_left = k;
		if (form_parse(body, sizeof body - 1, &lim, &root, &err) == 0) {
			cJSON_Delete(root);
			break;
		}
		assert_null(root);
		assert_int_equal(err.kind, FORM_NOMEM);
	}
	allocations_left = -1;
	cJSON_InitHooks(NULL);
	assert_true(k > 10 && k < 1000);
}

static void
a_null_error_pointer_is_allowed(void **state)
{
	cJSON *root = NULL;

	(void)state;
	assert_int_equal(form_parse("a=1&a=2", 7, &lim, &root, NULL), -1);
	assert_null(root);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(simple_pairs_become_string_members),
		cmocka_unit_test(plus_and_percent_20_are_spaces),
		cmocka_unit_test(percent_escapes_decode_to_utf8),
		cmocka_unit_test(bad_escapes_are_refused),
		cmocka_unit_test(decoded_text_must_be_utf8_without_nul),
		cmocka_unit_test(empty_pairs_are_skipped),
		cmocka_unit_test(list_paths_build_arrays_of_objects),
		cmocka_unit_test(gaps_in_indices_become_empty_objects),
		cmocka_unit_test(members_keep_the_order_of_the_body),
		cmocka_unit_test(index_must_be_plain_decimal_below_the_bound),
		cmocka_unit_test(zero_max_items_refuses_every_list),
		cmocka_unit_test(paths_deeper_than_one_list_are_refused),
		cmocka_unit_test(a_repeated_name_is_keyed_by_that_name),
		cmocka_unit_test(the_first_repeat_in_the_body_is_reported),
		cmocka_unit_test(a_name_both_field_and_list_is_refused),
		cmocka_unit_test(field_count_is_bounded),
		cmocka_unit_test(name_length_is_bounded_after_decoding),
		cmocka_unit_test(long_names_in_keys_are_cut_on_a_character_boundary),
		cmocka_unit_test(form_decode_decodes_into_a_bounded_buffer),
		cmocka_unit_test(a_hundred_thousand_pairs_stay_fast),
		cmocka_unit_test(out_of_memory_in_cjson_is_reported_cleanly),
		cmocka_unit_test(a_null_error_pointer_is_allowed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
