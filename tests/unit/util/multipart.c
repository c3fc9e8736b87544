/*
 * tests/unit/util/multipart.c -- src/util/multipart.c: multipart/form-data
 * bodies as the portal's browsers send them, and every way one can be wrong.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/multipart.h"

#define B "----abusedeskBoundary7MA4YWxk"
#define MAXP 16

static const multipart_limits lim = { MAXP, 1024, 1024, 4096, 1 };  /* parts, header, field, fields, files */

static multipart_part parts[MAXP];

static size_t
parse_ok(const char *body, size_t len, const multipart_limits *l)
{
	multipart_error err;
	size_t n = 0;
	int rc;

	memset(&err, 0, sizeof err);
	rc = multipart_parse(body, len, B, l, parts, &n, &err);
	if (rc != 0)
		print_error("unexpected error %d at %zu: %s\n", err.kind, err.offset, err.message);
	assert_int_equal(rc, 0);
	assert_int_equal(err.kind, MULTIPART_OK);
	return n;
}

static multipart_error
parse_bad(const char *body, size_t len, const multipart_limits *l, enum multipart_error_kind kind)
{
	multipart_error err;
	size_t n = 0;

	memset(&err, 0, sizeof err);
	assert_int_equal(multipart_parse(body, len, B, l, parts, &n, &err), -1);
	if (err.kind != kind)
		print_error("kind %d (%s), expected %d\n", err.kind, err.message, kind);
	assert_int_equal(err.kind, kind);
	assert_true(err.message[0] != '\0');
	assert_true(err.offset <= len);
	return err;
}

#define OK(lit)          parse_ok(lit, sizeof(lit) - 1, &lim)
#define BAD(lit, kind)   parse_bad(lit, sizeof(lit) - 1, &lim, kind)

static void
assert_slice(const char *p, size_t n, const char *want)
{
	if (n != strlen(want) || (n > 0 && memcmp(p, want, n) != 0))
		print_error("got '%.*s', want '%s'\n", (int)n, p ? p : "", want);
	assert_int_equal(n, strlen(want));
	if (n > 0)
		assert_memory_equal(p, want, n);
}

/* ---- the boundary parameter ------------------------------------------------- */

static void
boundary_ok(const char *ct, const char *want)
{
	char out[MULTIPART_BOUNDARY_MAX + 1];
	multipart_error err;

	memset(&err, 0, sizeof err);
	if (multipart_boundary(ct, out, sizeof out, &err) != 0)
		print_error("'%s': %s\n", ct, err.message);
	assert_string_equal(out, want);
}

static void
boundary_bad(const char *ct)
{
	char out[MULTIPART_BOUNDARY_MAX + 1];
	multipart_error err;

	memset(&err, 0, sizeof err);
	assert_int_equal(multipart_boundary(ct, out, sizeof out, &err), -1);
	assert_int_equal(err.kind, MULTIPART_BOUNDARY);
	assert_true(err.message[0] != '\0');
}

static void
test_boundary_from_browser_content_types(void **state)
{
	(void)state;
	boundary_ok("multipart/form-data; boundary=----WebKitFormBoundaryx7Hq", "----WebKitFormBoundaryx7Hq");
	boundary_ok("multipart/form-data;boundary=abc", "abc");
	boundary_ok("Multipart/Form-Data; BOUNDARY=\"a b:c\"", "a b:c");
	boundary_ok("multipart/form-data; charset=utf-8; boundary=xyz", "xyz");
	boundary_ok("multipart/form-data; boundary=xyz ; charset=utf-8", "xyz");
	boundary_ok("multipart/form-data; boundary=\"----------------------------0123456789abcdef0123456789abcdef0123456789\"",
	    "----------------------------0123456789abcdef0123456789abcdef0123456789");
}

static void
test_boundary_missing_or_bad_is_refused(void **state)
{
	(void)state;
	boundary_bad(NULL);
	boundary_bad("multipart/form-data");
	boundary_bad("multipart/form-data;");
	boundary_bad("multipart/form-data; charset=utf-8");
	boundary_bad("multipart/form-data; boundary=");
	boundary_bad("multipart/form-data; boundary=\"\"");
	boundary_bad("multipart/form-data; boundary=\"abc");
	boundary_bad("multipart/form-data; boundary=\"abc \"");
	boundary_bad("multipart/form-data; boundary=\"a<b\"");
	boundary_bad("multipart/form-data; boundary=a; boundary=b");
	boundary_bad("multipart/form-datax; boundary=a");
	boundary_bad("multipart/mixed; boundary=a");
	boundary_bad("application/x-www-form-urlencoded");
	boundary_bad("multipart/form-data boundary=a");
	/* 71 characters */
	boundary_bad("multipart/form-data; boundary=12345678901234567890123456789012345678901234567890123456789012345678901");
}

/* ---- well-formed bodies -------------------------------------------------- */

static void
test_fields_and_file_become_slices(void **state)
{
	static const char body[] =
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"reporterName\"\r\n"
	    "\r\n"
	    "Ada Reporter\r\n"
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"ipAddressList[0].sourceIp\"\r\n"
	    "\r\n"
	    "8.8.8.8\r\n"
	    "--" B "\r\n"
	    "content-disposition: form-data; name=\"attachment\"; filename=\"mail.eml\"\r\n"
	    "Content-Type: message/rfc822\r\n"
	    "\r\n"
	    "From: a@example.org\r\n\r\nhello\r\n"
	    "--" B "--\r\n";
	size_t n;

	(void)state;
	n = OK(body);
	assert_int_equal(n, 3);
	assert_slice(parts[0].name, parts[0].name_len, "reporterName");
	assert_slice(parts[0].data, parts[0].data_len, "Ada Reporter");
	assert_null(parts[0].filename);
	assert_null(parts[0].type);
	assert_slice(parts[1].name, parts[1].name_len, "ipAddressList[0].sourceIp");
	assert_slice(parts[1].data, parts[1].data_len, "8.8.8.8");
	assert_slice(parts[2].name, parts[2].name_len, "attachment");
	assert_slice(parts[2].filename, parts[2].filename_len, "mail.eml");
	assert_slice(parts[2].type, parts[2].type_len, "message/rfc822");
	assert_slice(parts[2].data, parts[2].data_len, "From: a@example.org\r\n\r\nhello");
}

static void
test_empty_values_and_empty_file_input(void **state)
{
	static const char body[] =
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"reporterOrg\"\r\n\r\n"
	    "\r\n"
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"attachment\"; filename=\"\"\r\n"
	    "Content-Type: application/octet-stream\r\n\r\n"
	    "\r\n"
	    "--" B "--";
	size_t n;

	(void)state;
	n = OK(body);
	assert_int_equal(n, 2);
	assert_int_equal(parts[0].data_len, 0);
	assert_non_null(parts[1].filename);
	assert_int_equal(parts[1].filename_len, 0);
	assert_int_equal(parts[1].data_len, 0);
}

static void
test_preamble_padding_and_epilogue_are_ignored(void **state)
{
	static const char body[] =
	    "This is a preamble.\r\n"
	    "--" B " \t\r\n"
	    "Content-Disposition: form-data; name=a\r\n"
	    "X-Other: ignored\r\n\r\n"
	    "1\r\n"
	    "--" B "--\r\nepilogue --" B "\r\n";
	size_t n;

	(void)state;
	n = OK(body);
	assert_int_equal(n, 1);
	assert_slice(parts[0].name, parts[0].name_len, "a");
	assert_slice(parts[0].data, parts[0].data_len, "1");
}

static void
test_data_may_hold_crlf_dashes_and_nul(void **state)
{
	static const char body[] =
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"reportNotes\"\r\n\r\n"
	    "line one\r\n--" "not the boundary\r\n-- " B "\r\n\0end\r\n"
	    "--" B "--";
	size_t n;

	(void)state;
	n = OK(body);
	assert_int_equal(n, 1);
	assert_int_equal(parts[0].data_len, sizeof("line one\r\n--not the boundary\r\n-- " B "\r\n\0end") - 1);
	assert_int_equal(parts[0].data[parts[0].data_len - 4], '\0');
}

static void
test_no_parts_at_all_is_an_empty_form(void **state)
{
	(void)state;
	assert_int_equal(OK("--" B "--"), 0);
	assert_int_equal(OK("--" B "--\r\n"), 0);
}

static void
test_unknown_disposition_parameters_are_ignored(void **state)
{
	static const char body[] =
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"f\"; filename=\"a.png\"; filename*=UTF-8''a.png\r\n\r\n"
	    "x\r\n--" B "--";

	(void)state;
	assert_int_equal(OK(body), 1);
	assert_slice(parts[0].filename, parts[0].filename_len, "a.png");
}

/* ---- malformed bodies ---------------------------------------------------- */

static void
test_body_without_the_boundary_is_refused(void **state)
{
	(void)state;
	BAD("", MULTIPART_SYNTAX);
	BAD("reporterName=Ada", MULTIPART_SYNTAX);
	BAD("--other\r\nContent-Disposition: form-data; name=a\r\n\r\nx\r\n--other--", MULTIPART_SYNTAX);
}

static void
test_body_without_closing_delimiter_is_refused(void **state)
{
	multipart_error e;

	(void)state;
	e = BAD("--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue", MULTIPART_SYNTAX);
	assert_string_equal(e.name, "a");
	BAD("--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nvalue\r\n--" B, MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Disposition: form-data; name=\"a\"\r\n", MULTIPART_SYNTAX);
	BAD("--" B, MULTIPART_SYNTAX);
}

static void
test_text_after_a_delimiter_is_refused(void **state)
{
	(void)state;
	BAD("--" B "x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" B "--", MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--" B "zz\r\n", MULTIPART_SYNTAX);
}

static void
test_part_without_name_is_refused(void **state)
{
	(void)state;
	BAD("--" B "\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Type: text/plain\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Disposition: form-data\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Disposition: form-data; name=\"\"\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Disposition: attachment; name=\"a\"\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
}

static void
test_bad_header_lines_are_refused(void **state)
{
	(void)state;
	/* folded */
	BAD("--" B "\r\nContent-Disposition: form-data;\r\n name=\"a\"\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	/* bare LF line endings */
	BAD("--" B "\nContent-Disposition: form-data; name=\"a\"\n\nx\n--" B "--", MULTIPART_SYNTAX);
	/* no colon */
	BAD("--" B "\r\nContent-Disposition form-data\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	/* unterminated quote */
	BAD("--" B "\r\nContent-Disposition: form-data; name=\"a\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	/* name twice */
	BAD("--" B "\r\nContent-Disposition: form-data; name=a; name=b\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	/* two dispositions, two types */
	BAD("--" B "\r\nContent-Disposition: form-data; name=a\r\nContent-Disposition: form-data; name=b\r\n\r\nx\r\n--" B "--",
	    MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Disposition: form-data; name=a\r\nContent-Type: a/b\r\nContent-Type: c/d\r\n\r\nx\r\n--" B "--",
	    MULTIPART_SYNTAX);
	/* parameters not separated by ';' */
	BAD("--" B "\r\nContent-Disposition: form-data name=a\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	BAD("--" B "\r\nContent-Disposition: form-data; name=\"a\" filename=\"b\"\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
	/* a parameter without a value */
	BAD("--" B "\r\nContent-Disposition: form-data; name\r\n\r\nx\r\n--" B "--", MULTIPART_SYNTAX);
}

/* ---- bounds ---------------------------------------------------------------- */

static void
test_headers_over_their_bound_are_refused(void **state)
{
	char body[4096];
	int n;

	(void)state;
	n = snprintf(body, sizeof body, "--" B "\r\nContent-Disposition: form-data; name=a\r\nX-Pad: %01100d\r\n\r\nx\r\n--" B "--", 0);
	parse_bad(body, (size_t)n, &lim, MULTIPART_HEADER_TOO_LARGE);
}

static void
test_more_parts_than_the_array_holds_are_refused(void **state)
{
	char body[8192];
	size_t len = 0;

	(void)state;
	for (int i = 0; i <= MAXP; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		    "--" B "\r\nContent-Disposition: form-data; name=f%d\r\n\r\n%d\r\n", i, i);
	len += (size_t)snprintf(body + len, sizeof body - len, "--" B "--");
	parse_bad(body, len, &lim, MULTIPART_TOO_MANY);
	len = 0;
	for (int i = 0; i < MAXP; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		    "--" B "\r\nContent-Disposition: form-data; name=f%d\r\n\r\n%d\r\n", i, i);
	len += (size_t)snprintf(body + len, sizeof body - len, "--" B "--");
	assert_int_equal(parse_ok(body, len, &lim), MAXP);
}

static void
test_field_over_its_bound_is_refused_naming_it(void **state)
{
	static char body[8192];
	multipart_error e;
	int n;

	(void)state;
	n = snprintf(body, sizeof body, "--" B "\r\nContent-Disposition: form-data; name=\"reportNotes\"\r\n\r\n%01025d\r\n--" B "--", 0);
	e = parse_bad(body, (size_t)n, &lim, MULTIPART_FIELD_TOO_LARGE);
	assert_string_equal(e.name, "reportNotes");
	n = snprintf(body, sizeof body, "--" B "\r\nContent-Disposition: form-data; name=\"reportNotes\"\r\n\r\n%01024d\r\n--" B "--", 0);
	assert_int_equal(parse_ok(body, (size_t)n, &lim), 1);
}

static void
test_fields_over_their_total_bound_are_refused(void **state)
{
	static char body[16384];
	size_t len = 0;

	(void)state;
	for (int i = 0; i < 5; i++)
		len += (size_t)snprintf(body + len, sizeof body - len,
		    "--" B "\r\nContent-Disposition: form-data; name=f%d\r\n\r\n%01000d\r\n", i, 0);
	len += (size_t)snprintf(body + len, sizeof body - len, "--" B "--");
	parse_bad(body, len, &lim, MULTIPART_FIELD_TOO_LARGE);
}

static void
test_file_is_not_bounded_as_a_field_but_a_second_file_is_refused(void **state)
{
	static char body[16384];
	multipart_error e;
	int n;

	(void)state;
	n = snprintf(body, sizeof body, "--" B "\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"big.log\"\r\n\r\n%05000d\r\n--" B "--", 0);
	assert_int_equal(parse_ok(body, (size_t)n, &lim), 1);
	assert_int_equal(parts[0].data_len, 5000);
	n = snprintf(body, sizeof body,
	    "--" B "\r\nContent-Disposition: form-data; name=\"attachment\"; filename=\"a.log\"\r\n\r\nx\r\n"
	    "--" B "\r\nContent-Disposition: form-data; name=\"second\"; filename=\"b.log\"\r\n\r\ny\r\n--" B "--");
	e = parse_bad(body, (size_t)n, &lim, MULTIPART_FILES);
	assert_string_equal(e.name, "second");
}

/* ---- robustness ------------------------------------------------------------ */

/* Every prefix and every one-byte change of a good body: no crash, slices inside the body. */
static void
test_truncations_and_mutations_stay_inside_the_body(void **state)
{
	static const char good[] =
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"threatType\"\r\n\r\nURL\r\n"
	    "--" B "\r\n"
	    "Content-Disposition: form-data; name=\"attachment\"; filename=\"a.txt\"\r\n"
	    "Content-Type: text/plain\r\n\r\nhello\r\n"
	    "--" B "--\r\n";
	static const char bytes[] = { '\0', '\r', '\n', '-', '"', ';', ':', ' ', 'x' };
	char *copy = malloc(sizeof good);
	size_t len = sizeof good - 1;

	(void)state;
	assert_non_null(copy);
	for (size_t cut = 0; cut <= len; cut++) {
		for (size_t at = 0; at < len; at++) {
			for (size_t b = 0; b < sizeof bytes; b++) {
				multipart_error err;
				size_t n = 0;

				memcpy(copy, good, len);
				copy[at] = bytes[b];
				if (multipart_parse(copy, cut, B, &lim, parts, &n, &err) != 0)
					continue;
				for (size_t i = 0; i < n; i++) {
					assert_true(parts[i].data >= copy && parts[i].data + parts[i].data_len <= copy + cut);
					assert_true(parts[i].name >= copy && parts[i].name + parts[i].name_len <= copy + cut);
				}
			}
			if (cut != len)
				break;      /* mutations only on the whole body */
		}
	}
	free(copy);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_boundary_from_browser_content_types),
		cmocka_unit_test(test_boundary_missing_or_bad_is_refused),
		cmocka_unit_test(test_fields_and_file_become_slices),
		cmocka_unit_test(test_empty_values_and_empty_file_input),
		cmocka_unit_test(test_preamble_padding_and_epilogue_are_ignored),
		cmocka_unit_test(test_data_may_hold_crlf_dashes_and_nul),
		cmocka_unit_test(test_no_parts_at_all_is_an_empty_form),
		cmocka_unit_test(test_unknown_disposition_parameters_are_ignored),
		cmocka_unit_test(test_body_without_the_boundary_is_refused),
		cmocka_unit_test(test_body_without_closing_delimiter_is_refused),
		cmocka_unit_test(test_text_after_a_delimiter_is_refused),
		cmocka_unit_test(test_part_without_name_is_refused),
		cmocka_unit_test(test_bad_header_lines_are_refused),
		cmocka_unit_test(test_headers_over_their_bound_are_refused),
		cmocka_unit_test(test_more_parts_than_the_array_holds_are_refused),
		cmocka_unit_test(test_field_over_its_bound_is_refused_naming_it),
		cmocka_unit_test(test_fields_over_their_total_bound_are_refused),
		cmocka_unit_test(test_file_is_not_bounded_as_a_field_but_a_second_file_is_refused),
		cmocka_unit_test(test_truncations_and_mutations_stay_inside_the_body),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
