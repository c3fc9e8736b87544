/*
 * tests/unit/util/jsonbody.c -- src/util/jsonbody.c: what a JSON body must
 * be before anything trusts it (taxonomy.md section 1, "Bodies").
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util/buf.h"
#include "util/jsonbody.h"
#include "util/utf8.h"

static const jsonbody_limits lim = { LIMIT_JSON_DEPTH, LIMIT_JSON_PROPS };

/* Parse expecting success; the caller cJSON_Delete()s. */
static cJSON *
parse_ok_n(const char *s, size_t n, const jsonbody_limits *l)
{
	cJSON *root = NULL;
	jsonbody_error err;
	int rc = jsonbody_parse(s, n, l, &root, &err);

	if (rc != 0)
		print_error("unexpected error %d at %zu: %s\n", err.kind, err.offset, err.message);
	assert_int_equal(rc, 0);
	assert_non_null(root);
	return root;
}

/* Parse expecting failure of the given kind; *out must stay as it was. */
static jsonbody_error
parse_bad_n(const char *s, size_t n, const jsonbody_limits *l, enum jsonbody_error_kind kind)
{
	cJSON sentinel, *root = &sentinel;
	jsonbody_error err;

	memset(&err, 0, sizeof err);
	assert_int_equal(jsonbody_parse(s, n, l, &root, &err), -1);
	assert_ptr_equal(root, &sentinel);
	if (err.kind != kind)
		print_error("expected kind %d, got %d: %s\n", kind, err.kind, err.message);
	assert_int_equal(err.kind, kind);
	assert_int_equal(utf8_valid(err.message, strlen(err.message), NULL), 0);
	assert_int_equal(utf8_valid(err.path, strlen(err.path), NULL), 0);
	return err;
}

#define OK(lit)          cJSON_Delete(parse_ok_n(lit, sizeof(lit) - 1, &lim))
#define BAD(lit, kind)   parse_bad_n(lit, sizeof(lit) - 1, &lim, kind)

static void
assert_syntax_at(const char *s, size_t n, size_t offset)
{
	jsonbody_error err = parse_bad_n(s, n, &lim, JSONBODY_SYNTAX);

	if (err.offset != offset)
		print_error("body \"%.*s\": offset %zu, expected %zu (%s)\n",
		    (int)n, s, err.offset, offset, err.message);
	assert_int_equal(err.offset, offset);
}
#define SYNTAX_AT(lit, off) assert_syntax_at(lit, sizeof(lit) - 1, off)

/* ---- leading and trailing bytes ---------------------------------------- */

static void
bom_and_whitespace_before_the_value_are_skipped(void **state)
{
	const char body[] = "\xEF\xBB\xBF \t\r\n{\"reporterName\":\"Alice\"}";
	cJSON *root;

	(void)state;
	root = parse_ok_n(body, sizeof body - 1, &lim);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "reporterName")->valuestring, "Alice");
	cJSON_Delete(root);
	OK(" \n {}");
}

static void
whitespace_after_the_value_is_fine(void **state)
{
	(void)state;
	OK("{}  \n\t\r");
	OK("{} ");
}

static void
text_after_the_value_is_refused(void **state)
{
	(void)state;
	SYNTAX_AT("{} x", 3);
	SYNTAX_AT("{}{}", 2);
	SYNTAX_AT("{},", 2);
	SYNTAX_AT("[] ]", 3);
	SYNTAX_AT("\"a\" \"b\"", 4);
}

static void
empty_or_blank_body_is_empty(void **state)
{
	(void)state;
	BAD("", JSONBODY_EMPTY);
	BAD("   \r\n\t ", JSONBODY_EMPTY);
	BAD("\xEF\xBB\xBF", JSONBODY_EMPTY);
	BAD("\xEF\xBB\xBF \n", JSONBODY_EMPTY);
	parse_bad_n(NULL, 0, &lim, JSONBODY_EMPTY);
}

/* ---- UTF-8 ------------------------------------------------------------- */

static void
invalid_utf8_is_refused_with_its_offset(void **state)
{
	static const struct {
		const char *body;
		size_t offset;
	} cases[] = {
		{ "{\"a\":\"\xC0\x80\"}", 6 },               /* overlong NUL */
		{ "{\"a\":\"\xC1\xBF\"}", 6 },               /* overlong */
		{ "{\"a\":\"\xE0\x80\x80\"}", 6 },           /* overlong, 3 bytes */
		{ "{\"a\":\"\xF0\x80\x80\x80\"}", 6 },       /* overlong, 4 bytes */
		{ "{\"a\":\"x\xED\xA0\x80\"}", 7 },          /* UTF-16 surrogate D800 */
		{ "{\"a\":\"\xED\xBF\xBF\"}", 6 },           /* surrogate DFFF */
		{ "{\"a\":\"\xF4\x90\x80\x80\"}", 6 },       /* above U+10FFFF */
		{ "{\"a\":\"\xF5\x80\x80\x80\"}", 6 },       /* F5 never appears */
		{ "{\"a\":\"\xFF\"}", 6 },
		{ "{\"a\":\"\x80\"}", 6 },                   /* lone continuation byte */
		{ "{\"a\":\"ab\xE2\x82\"}", 8 },             /* truncated before the quote */
		{ "{\"a\":\"ab\xE2\x82", 8 },                /* truncated at the end of the body */
		{ "{\"a\":\"\xE2\x82x\"}", 6 },              /* truncated before ASCII */
		{ "{\"\xC3\":1}", 2 },                       /* in a name */
		{ "{\xFF}", 1 },                             /* outside strings */
		{ "\xFF", 0 },
		{ "\xEF\xBB\xBF{\"a\":\"\xC0\x80\"}", 9 },   /* offsets count the BOM */
		{ "{\"a\":1\xC3}", 6 },
	};
	char want[64];

	(void)state;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		jsonbody_error err = parse_bad_n(cases[i].body, strlen(cases[i].body), &lim, JSONBODY_UTF8);

		if (err.offset != cases[i].offset)
			print_error("case %zu: offset %zu, expected %zu\n", i, err.offset, cases[i].offset);
		assert_int_equal(err.offset, cases[i].offset);
		(void)snprintf(want, sizeof want, "the body is not valid UTF-8 (byte %zu)", cases[i].offset);
		assert_string_equal(err.message, want);
	}
}

static void
valid_utf8_is_kept(void **state)
{
	const char body[] = "{\"caf\xC3\xA9\":\"\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\x89 \xF4\x8F\xBF\xBF\"}";
	cJSON *root;

	(void)state;
	root = parse_ok_n(body, sizeof body - 1, &lim);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "caf\xC3\xA9")->valuestring,
	    "\xE6\x97\xA5\xE6\x9C\xAC \xF0\x9F\x8E\x89 \xF4\x8F\xBF\xBF");
	cJSON_Delete(root);
}

/* ---- strings ----------------------------------------------------------- */

static void
raw_control_characters_in_strings_are_refused(void **state)
{
	jsonbody_error err;

	(void)state;
	SYNTAX_AT("{\"a\":\"x\0y\"}", 7);
	SYNTAX_AT("{\"a\":\"line\nbreak\"}", 10);
	SYNTAX_AT("{\"a\":\"tab\there\"}", 9);
	SYNTAX_AT("{\"a\":\"\x1F\"}", 6);
	SYNTAX_AT("{\"na\nme\":1}", 4);
	err = BAD("{\"a\":\"x\ny\"}", JSONBODY_SYNTAX);
	assert_non_null(strstr(err.message, "control character (0x0A)"));
	OK("{\"a\":\"\x7F\"}");  /* DEL is not a control character to JSON */
}

static void
control_characters_outside_strings_are_refused(void **state)
{
	(void)state;
	/* cJSON alone takes every byte <= 0x20 for whitespace */
	SYNTAX_AT("{\x01}", 1);
	SYNTAX_AT("\x0C{}", 0);
	SYNTAX_AT("{}\0", 2);
	SYNTAX_AT("{\"a\":\x0B" "1}", 5);
}

static void
escapes_are_decoded(void **state)
{
	const char body[] = "{\"a\":\"x\\ny\\u00e9\\ud83d\\ude00\\/\\\"\\\\\\t\\b\\f\\r\\u0041\"}";
	cJSON *root;

	(void)state;
	root = parse_ok_n(body, sizeof body - 1, &lim);
	assert_string_equal(cJSON_GetObjectItemCaseSensitive(root, "a")->valuestring,
	    "x\ny\xC3\xA9\xF0\x9F\x98\x80/\"\\\t\b\f\rA");
	cJSON_Delete(root);
	OK("{\"a\":\"\\uDBFF\\uDFFF\"}");
}

static void
lone_surrogates_are_refused(void **state)
{
	jsonbody_error err;

	(void)state;
	SYNTAX_AT("{\"a\":\"\\ud800\"}", 6);
	SYNTAX_AT("{\"a\":\"x\\ud800\\u0041\"}", 7);
	SYNTAX_AT("{\"a\":\"\\udc00\"}", 6);
	SYNTAX_AT("{\"a\":\"\\ude00\\ud83d\"}", 6);
	SYNTAX_AT("{\"a\":\"\\udbff\\udbff\"}", 6);
	SYNTAX_AT("{\"a\":\"\\ud800x\\udc00\"}", 6);
	SYNTAX_AT("{\"a\":\"\\ud800", 6);
	SYNTAX_AT("{\"\\ud800\":1}", 2);
	err = BAD("{\"a\":\"\\udc00\"}", JSONBODY_SYNTAX);
	assert_non_null(strstr(err.message, "\\udc00"));
}

static void
nul_escape_and_bad_escapes_are_refused(void **state)
{
	(void)state;
	/* cJSON would cut the string at \u0000, and read \uzzzz as \u0000 */
	SYNTAX_AT("{\"a\":\"x\\u0000y\"}", 7);
	SYNTAX_AT("{\"sourceIp\\u0000x\":1}", 10);
	SYNTAX_AT("{\"a\":\"\\uzzzz\"}", 6);
	SYNTAX_AT("{\"a\":\"\\u12\"}", 6);
	SYNTAX_AT("{\"a\":\"\\x41\"}", 6);
	SYNTAX_AT("{\"a\":\"\\'\"}", 6);
	SYNTAX_AT("{\"a\":\"\\", 7);
	SYNTAX_AT("{\"a\":\"abc", 5);
}

/* ---- numbers and other values ------------------------------------------ */

static void
numbers_follow_rfc8259(void **state)
{
	const char *nums = "[1e999, -0, 0.5e-3, 1E+2, 10, -12.25]";
	char body[128];
	cJSON *root;

	(void)state;
	root = parse_ok_n(nums, strlen(nums), &lim);
	assert_true(isinf(cJSON_GetArrayItem(root, 0)->valuedouble));  /* range is the validator's job */
	assert_true(cJSON_GetArrayItem(root, 3)->valuedouble == 100.0);
	cJSON_Delete(root);
	SYNTAX_AT("[01]", 1);
	SYNTAX_AT("[1.]", 1);
	SYNTAX_AT("[.5]", 1);
	SYNTAX_AT("[+1]", 1);
	SYNTAX_AT("[-]", 1);
	SYNTAX_AT("[-.5]", 1);
	SYNTAX_AT("[1e]", 1);
	SYNTAX_AT("[1e+]", 1);
	SYNTAX_AT("[0x1]", 2);
	SYNTAX_AT("[1.2.3]", 1);
	SYNTAX_AT("[--1]", 1);
	SYNTAX_AT("{\"a\":-}", 5);
	SYNTAX_AT("[NaN]", 1);
	SYNTAX_AT("[Infinity]", 1);
	/* 63 characters is what cJSON 1.7.15 can read; 64 is refused, not mangled */
	(void)snprintf(body, sizeof body, "[%.63s]",
	    "1234567890123456789012345678901234567890123456789012345678901234567890");
	cJSON_Delete(parse_ok_n(body, strlen(body), &lim));
	(void)snprintf(body, sizeof body, "[%.64s]",
	    "1234567890123456789012345678901234567890123456789012345678901234567890");
	assert_syntax_at(body, strlen(body), 1);
}

static void
top_level_values_of_any_type_parse(void **state)
{
	cJSON *root;

	(void)state;
	root = parse_ok_n("[1,2]", 5, &lim);
	assert_true(cJSON_IsArray(root));
	cJSON_Delete(root);
	root = parse_ok_n(" \"x\" ", 5, &lim);
	assert_true(cJSON_IsString(root));
	cJSON_Delete(root);
	OK("42");
	OK("null");
	OK("true");
	OK("false");
	OK("[]");
	OK("[[], {}, [{}]]");
}

static void
syntax_errors_are_found_where_they_are(void **state)
{
	jsonbody_error err;

	(void)state;
	SYNTAX_AT("{\"a\" 1}", 5);
	SYNTAX_AT("{\"a\":1,}", 7);
	SYNTAX_AT("[1,]", 3);
	SYNTAX_AT("[1 2]", 3);
	SYNTAX_AT("{\"a\":1", 6);
	SYNTAX_AT("[}", 1);
	SYNTAX_AT("{]", 1);
	SYNTAX_AT("{'a':1}", 1);
	SYNTAX_AT("{a:1}", 1);
	SYNTAX_AT("[tru]", 4);
	SYNTAX_AT("[nul]", 4);
	SYNTAX_AT("[truex]", 5);
	SYNTAX_AT("}", 0);
	SYNTAX_AT("{\"a\":}", 5);
	SYNTAX_AT("{,}", 1);
	err = BAD("{} x", JSONBODY_SYNTAX);
	assert_string_equal(err.message,
	    "the body is not valid JSON near byte 3: unexpected text after the JSON value");
	err = BAD("{\"a\" 1}", JSONBODY_SYNTAX);
	assert_non_null(strstr(err.message, "expected ':'"));
	err = BAD("{\"a\":[1", JSONBODY_SYNTAX);
	assert_int_equal(err.offset, 7);
	assert_non_null(strstr(err.message, "ends before"));
}

/* ---- depth, property count, name length -------------------------------- */

static char *
nested(size_t depth, const char *open, const char *inner, const char *close)
{
	buf b;

	buf_init(&b, 1u << 20);
	for (size_t i = 0; i < depth; i++)
		assert_int_equal(buf_puts(&b, open), 0);
	assert_int_equal(buf_puts(&b, inner), 0);
	for (size_t i = 0; i < depth; i++)
		assert_int_equal(buf_puts(&b, close), 0);
	return buf_detach(&b, NULL);
}

static void
nesting_is_bounded(void **state)
{
	jsonbody_limits deep = { 100000, LIMIT_JSON_PROPS };
	jsonbody_error err;
	char *s;

	(void)state;
	s = nested(LIMIT_JSON_DEPTH, "[", "", "]");
	cJSON_Delete(parse_ok_n(s, strlen(s), &lim));
	free(s);
	s = nested(LIMIT_JSON_DEPTH + 1, "[", "", "]");
	err = parse_bad_n(s, strlen(s), &lim, JSONBODY_DEPTH);
	assert_int_equal(err.offset, LIMIT_JSON_DEPTH);
	assert_non_null(strstr(err.message, "nested at most 8 deep"));
	free(s);
	s = nested(LIMIT_JSON_DEPTH, "{\"a\":", "1", "}");
	cJSON_Delete(parse_ok_n(s, strlen(s), &lim));
	free(s);
	s = nested(LIMIT_JSON_DEPTH + 1, "{\"a\":", "1", "}");
	err = parse_bad_n(s, strlen(s), &lim, JSONBODY_DEPTH);
	assert_int_equal(err.offset, 5 * LIMIT_JSON_DEPTH);
	free(s);
	/* a depth above cJSON's own 1000 is held to 1000 */
	s = nested(1000, "[", "", "]");
	cJSON_Delete(parse_ok_n(s, strlen(s), &deep));
	free(s);
	s = nested(1001, "[", "", "]");
	parse_bad_n(s, strlen(s), &deep, JSONBODY_DEPTH);
	free(s);
}

static void
a_report_is_three_deep(void **state)
{
	jsonbody_limits three = { 3, LIMIT_JSON_PROPS };
	const char *ok = "{\"ipAddressList\":[{\"sourceIp\":\"192.0.2.1\"}]}";
	const char *deeper = "{\"a\":[{\"b\":[]}]}";

	(void)state;
	cJSON_Delete(parse_ok_n(ok, strlen(ok), &three));
	parse_bad_n(deeper, strlen(deeper), &three, JSONBODY_DEPTH);
}

static char *
object_with(size_t props, const char *extra)
{
	buf b;

	buf_init(&b, 1u << 20);
	assert_int_equal(buf_putc(&b, '{'), 0);
	for (size_t i = 0; i < props; i++)
		assert_int_equal(buf_printf(&b, "%s\"p%zu\":%zu", i ? "," : "", i, i), 0);
	assert_int_equal(buf_puts(&b, extra), 0);
	assert_int_equal(buf_putc(&b, '}'), 0);
	return buf_detach(&b, NULL);
}

static void
property_count_is_bounded(void **state)
{
	jsonbody_error err;
	char *s, *item, body[8192];

	(void)state;
	s = object_with(LIMIT_JSON_PROPS, "");
	cJSON_Delete(parse_ok_n(s, strlen(s), &lim));
	free(s);
	s = object_with(LIMIT_JSON_PROPS + 1, "");
	err = parse_bad_n(s, strlen(s), &lim, JSONBODY_PROPS);
	assert_string_equal(err.path, "body");
	free(s);
	item = object_with(LIMIT_JSON_PROPS + 1, "");
	(void)snprintf(body, sizeof body, "{\"ipAddressList\":[{},%s]}", item);
	err = parse_bad_n(body, strlen(body), &lim, JSONBODY_PROPS);
	assert_string_equal(err.path, "ipAddressList[1]");
	assert_non_null(strstr(err.message, "more than 64 properties"));
	free(item);
}

static void
property_names_are_bounded_in_characters(void **state)
{
	char name[1024], body[1200];
	jsonbody_error err;
	size_t i;

	(void)state;
	memset(name, 'n', LIMIT_KEY_CHARS);
	name[LIMIT_KEY_CHARS] = '\0';
	(void)snprintf(body, sizeof body, "{\"%s\":1}", name);
	cJSON_Delete(parse_ok_n(body, strlen(body), &lim));
	(void)snprintf(body, sizeof body, "{\"%sn\":1}", name);
	err = parse_bad_n(body, strlen(body), &lim, JSONBODY_KEY_LENGTH);
	assert_string_equal(err.path, "body");
	/* characters, not bytes: 128 two-byte letters are fine */
	for (i = 0; i < LIMIT_KEY_CHARS; i++)
		memcpy(name + 2 * i, "\xC3\xA9", 2);
	name[2 * i] = '\0';
	(void)snprintf(body, sizeof body, "{\"%s\":1}", name);
	cJSON_Delete(parse_ok_n(body, strlen(body), &lim));
	(void)snprintf(body, sizeof body, "{\"urlList\":[{\"%s\xC3\xA9\":1}]}", name);
	err = parse_bad_n(body, strlen(body), &lim, JSONBODY_KEY_LENGTH);
	assert_string_equal(err.path, "urlList[0]");
	/* counted after unescaping: \u00e9 is one character */
	(void)snprintf(body, sizeof body, "{\"%.*s\\u00e9\":1}", (int)(2 * (LIMIT_KEY_CHARS - 1)), name);
	cJSON_Delete(parse_ok_n(body, strlen(body), &lim));
}

/* ---- duplicate names --------------------------------------------------- */

static void
duplicate_names_are_refused_and_keyed_by_path(void **state)
{
	jsonbody_error err;

	(void)state;
	err = BAD("{\"reporterName\":\"a\",\"reporterEmail\":\"b\",\"reporterName\":\"c\"}", JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "reporterName");
	assert_string_equal(err.message, "'reporterName' appears twice in the same object");
	err = BAD("{\"ipAddressList\":[{\"sourceIp\":\"1\"},{},{\"sourceIp\":\"1\",\"sourceIp\":\"2\"}]}",
	    JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "ipAddressList[2].sourceIp");
	assert_string_equal(err.message, "'sourceIp' appears twice in the same object");
	/* compared after unescaping */
	err = BAD("{\"ipAddressList\":[{\"sourceIp\":\"1\",\"source\\u0049p\":\"2\"}]}", JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "ipAddressList[0].sourceIp");
	err = BAD("{\"a\":[[{},{\"x\":1,\"x\":2}]]}", JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "a[0][1].x");
	err = BAD("[{\"x\":1,\"x\":2}]", JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "[0].x");
	/* the same name in different objects is fine; so is a case difference */
	OK("{\"a\":{\"x\":1},\"b\":{\"x\":1},\"l\":[{\"x\":1},{\"x\":1}],\"A\":1}");
}

static void
first_repeat_in_the_body_is_reported(void **state)
{
	jsonbody_error err;
	char *s;

	(void)state;
	err = BAD("{\"b\":1,\"a\":1,\"a\":2,\"b\":2}", JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "a");
	/* a large object is sorted, not compared pairwise: same answer */
	s = object_with(30, ",\"zz\":1,\"p20\":1,\"zz\":2,\"p3\":2");
	err = parse_bad_n(s, strlen(s), &lim, JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "p20");
	free(s);
	s = object_with(LIMIT_JSON_PROPS - 1, ",\"p0\":2");
	err = parse_bad_n(s, strlen(s), &lim, JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "p0");
	free(s);
	s = object_with(LIMIT_JSON_PROPS, "");
	cJSON_Delete(parse_ok_n(s, strlen(s), &lim));
	free(s);
}

static void
long_paths_are_cut_on_a_character_boundary(void **state)
{
	char name[600], body[2000];
	jsonbody_error err;
	size_t i;

	(void)state;
	name[0] = 'x';
	for (i = 0; i < 100; i++)
		memcpy(name + 1 + 3 * i, "\xE6\x97\xA5", 3);
	name[1 + 3 * i] = '\0';
	(void)snprintf(body, sizeof body, "{\"%s\":{\"%s\":1,\"%s\":2}}", name, name, name);
	err = parse_bad_n(body, strlen(body), &lim, JSONBODY_DUPLICATE);
	/* 255 bytes would end inside a character: 1 + 84 * 3 */
	assert_int_equal(strlen(err.path), 253);
	assert_memory_equal(err.path, name, 253);
}

/* ---- the API edges ----------------------------------------------------- */

static void
looks_like_json_means_starts_with_a_brace(void **state)
{
	(void)state;
	assert_true(jsonbody_looks_like_json("{", 1));
	assert_true(jsonbody_looks_like_json(" \r\n\t{\"a\":1}", 11));
	assert_true(jsonbody_looks_like_json("\xEF\xBB\xBF {}", 6));
	assert_false(jsonbody_looks_like_json("[1]", 3));
	assert_false(jsonbody_looks_like_json("", 0));
	assert_false(jsonbody_looks_like_json(NULL, 0));
	assert_false(jsonbody_looks_like_json("   ", 3));
	assert_false(jsonbody_looks_like_json("reporterName=%7B", 16));
	assert_false(jsonbody_looks_like_json("\xEF\xBB\xBF", 3));
	assert_false(jsonbody_looks_like_json("\xEF\xBB{", 3));
	assert_false(jsonbody_looks_like_json("\x0C{", 2));
	assert_false(jsonbody_looks_like_json("x{", 1));
}

static void
a_null_error_pointer_is_allowed(void **state)
{
	cJSON *root = NULL;

	(void)state;
	assert_int_equal(jsonbody_parse("{} x", 4, &lim, &root, NULL), -1);
	assert_null(root);
	assert_int_equal(jsonbody_parse("{}", 2, &lim, &root, NULL), 0);
	cJSON_Delete(root);
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
out_of_memory_is_reported_cleanly(void **state)
{
	static const char body[] = "{\"reporterName\":\"A\",\"ipAddressList\":[{\"sourceIp\":\"192.0.2.1\"},"
	    "{\"sourceIp\":\"192.0.2.2\",\"sourcePort\":80}],\"anonymizeReport\":true}";
	cJSON_Hooks hooks = { failing_malloc, free };
	long k;

	(void)state;
	cJSON_InitHooks(&hooks);
	for (k = 0; k < 1000; k++) {
		cJSON *root = NULL;
		jsonbody_error err;

		allocations_left = k;
		if (jsonbody_parse(body, sizeof body - 1, &lim, &root, &err) == 0) {
			cJSON_Delete(root);
			break;
		}
		assert_null(root);
		assert_int_equal(err.kind, JSONBODY_NOMEM);
	}
	allocations_left = -1;
	cJSON_InitHooks(NULL);
	assert_true(k > 10 && k < 1000);
}

/*
 * The scan claims that what it accepts cJSON builds: if the two disagreed,
 * bad text would come back as JSONBODY_NOMEM.  Mutate a report at random
 * (fixed seed) and hold both to it.
 */
static void
scan_and_cjson_agree_on_mutated_bodies(void **state)
{
	static const char seed[] = "\xEF\xBB\xBF{\"reporterName\":\"Zo\xC3\xAB \\u00e9\\ud83d\\ude00\","
	    "\"ipAddressList\":[{\"sourceIp\":\"192.0.2.1\",\"sourcePort\":-12.5e+3},{}],"
	    "\"a\":[true,false,null,0,\"\\n\"]}";
	static const char alphabet[] = "{}[]\":,\\u0123456789abcdefABCDEF.eE+- \t\n\rtruefalsnl\x01\x80\xC3\xE2";
	unsigned long long x = 88172645463325252ULL;
	char body[sizeof seed + 8];
	size_t ok = 0;

	(void)state;
	for (int round = 0; round < 200000; round++) {
		size_t n = sizeof seed - 1;
		cJSON *root = NULL;
		jsonbody_error err;
		int edits;

		memcpy(body, seed, n);
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		edits = 1 + (int)(x % 3);
		for (int e = 0; e < edits; e++) {
			x ^= x << 13; x ^= x >> 7; x ^= x << 17;
			body[(x >> 8) % n] = alphabet[(x >> 32) % (sizeof alphabet - 1)];
		}
		x ^= x << 13; x ^= x >> 7; x ^= x << 17;
		if (x % 4 == 0)
			n = (size_t)((x >> 16) % n);
		if (jsonbody_parse(body, n, &lim, &root, &err) == 0) {
			ok++;
			cJSON_Delete(root);
			continue;
		}
		assert_int_not_equal(err.kind, JSONBODY_NOMEM);
		assert_true(err.offset <= n);
	}
	assert_true(ok > 100);
}

/* A report with n list items; the last one repeats "sourceIp" if dup. */
static char *
big_report(int n, int dup, size_t *len)
{
	buf b;

	buf_init(&b, LIMIT_BODY_BYTES);
	assert_int_equal(buf_puts(&b, "{\"reporterName\":\"A\",\"ipAddressList\":["), 0);
	for (int i = 0; i < n; i++)
		assert_int_equal(buf_printf(&b, "%s{\"sourceIp\":\"2001:db8::%x\",\"sourcePort\":\"%d\","
		    "\"destinationIp\":\"198.51.100.%d\",\"destinationPort\":443%s}",
		    i ? "," : "", i, 1 + i % 65535, i % 256,
		    dup && i == n - 1 ? ",\"sourceIp\":\"x\"" : ""), 0);
	assert_int_equal(buf_puts(&b, "]}"), 0);
	return buf_detach(&b, len);
}

static void
a_hundred_thousand_items_parse(void **state)
{
	jsonbody_error err;
	cJSON *root;
	size_t len;
	char *s;

	(void)state;
	s = big_report(100000, 0, &len);
	root = parse_ok_n(s, len, &lim);
	assert_int_equal(cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(root, "ipAddressList")), 100000);
	cJSON_Delete(root);
	free(s);
	s = big_report(100000, 1, &len);
	err = parse_bad_n(s, len, &lim, JSONBODY_DUPLICATE);
	assert_string_equal(err.path, "ipAddressList[99999].sourceIp");
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bom_and_whitespace_before_the_value_are_skipped),
		cmocka_unit_test(whitespace_after_the_value_is_fine),
		cmocka_unit_test(text_after_the_value_is_refused),
		cmocka_unit_test(empty_or_blank_body_is_empty),
		cmocka_unit_test(invalid_utf8_is_refused_with_its_offset),
		cmocka_unit_test(valid_utf8_is_kept),
		cmocka_unit_test(raw_control_characters_in_strings_are_refused),
		cmocka_unit_test(control_characters_outside_strings_are_refused),
		cmocka_unit_test(escapes_are_decoded),
		cmocka_unit_test(lone_surrogates_are_refused),
		cmocka_unit_test(nul_escape_and_bad_escapes_are_refused),
		cmocka_unit_test(numbers_follow_rfc8259),
		cmocka_unit_test(top_level_values_of_any_type_parse),
		cmocka_unit_test(syntax_errors_are_found_where_they_are),
		cmocka_unit_test(nesting_is_bounded),
		cmocka_unit_test(a_report_is_three_deep),
		cmocka_unit_test(property_count_is_bounded),
		cmocka_unit_test(property_names_are_bounded_in_characters),
		cmocka_unit_test(duplicate_names_are_refused_and_keyed_by_path),
		cmocka_unit_test(first_repeat_in_the_body_is_reported),
		cmocka_unit_test(long_paths_are_cut_on_a_character_boundary),
		cmocka_unit_test(looks_like_json_means_starts_with_a_brace),
		cmocka_unit_test(a_null_error_pointer_is_allowed),
		cmocka_unit_test(out_of_memory_is_reported_cleanly),
		cmocka_unit_test(scan_and_cjson_agree_on_mutated_bodies),
		cmocka_unit_test(a_hundred_thousand_items_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
