/*
 * tests/unit/core/email.c -- src/core/email.c: reporter addresses, their
 * normalized form, and the reason given for each refusal.
 * Table-driven: a regression is a new row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "core/email.h"
#include "bounds.h"
#include "util/utf8.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static int
setup_curl(void **state)
{
	(void)state;
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? 0 : -1;
}

static int
teardown_curl(void **state)
{
	(void)state;
	curl_global_cleanup();
	return 0;
}

static void
check_ok(const char *in, const char *normalized)
{
	char why[512] = "", *out = NULL;

	if (email_check(in, &out, why, sizeof(why)) != 0)
		fail_msg("'%s' refused: %s", in, why);
	if (strcmp(out, normalized) != 0)
		fail_msg("'%s' normalized to '%s', expected '%s'", in, out, normalized);
	free(out);
}

static void
check_refused(const char *in, const char *reason)
{
	char why[512] = "", *out = (char *)(uintptr_t)"untouched";

	if (email_check(in, &out, why, sizeof(why)) != -1)
		fail_msg("'%s' accepted as '%s'", in, out);
	if (strstr(why, reason) == NULL)
		fail_msg("'%s': reason '%s' lacks '%s'", in, why, reason);
	assert_string_equal(out, "untouched");
}

/* s = local@domain with the given lengths (ASCII), labels of at most 63. */
static char *
make_address(size_t local_len, size_t domain_len)
{
	char *s = malloc(local_len + 1 + domain_len + 1);

	assert_non_null(s);
	memset(s, 'a', local_len);
	s[local_len] = '@';
	char *d = s + local_len + 1;
	memset(d, 'b', domain_len);
	for (size_t i = 50; i < domain_len - 4; i += 51)
		d[i] = '.';
	memcpy(d + domain_len - 4, ".com", 4);
	d[domain_len] = '\0';
	return s;
}

static void
accepts_ordinary_addresses(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "bob@example.com", "bob@example.com" },
		{ "Bob.Smith@Example.COM", "Bob.Smith@example.com" },
		{ "bob+abuse@example.com", "bob+abuse@example.com" },
		{ "bob+tag+more@example.com", "bob+tag+more@example.com" },
		{ "first.middle.last@sub.example.co.uk", "first.middle.last@sub.example.co.uk" },
		{ "a@b.co", "a@b.co" },
		{ "x@example.museum", "x@example.museum" },
		{ "abuse-desk_01@my-isp.example", "abuse-desk_01@my-isp.example" },
		{ "a!#$%&'*+-/=?^_`{|}~z@example.com", "a!#$%&'*+-/=?^_`{|}~z@example.com" },
		{ "1234@example.com", "1234@example.com" },
		{ "bob@123.example", "bob@123.example" },
		{ "bob@example.c0m", "bob@example.c0m" },
		{ "bob@xn--bcher-kva.example", "bob@xn--bcher-kva.example" },
		{ "bob@EXAMPLE.xn--zckzah", "bob@example.xn--zckzah" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_ok(cases[i].in, cases[i].out);
}

static void
accepts_idn_domains_in_ascii_form(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "bob@b\xc3\xbc" "cher.example", "bob@xn--bcher-kva.example" },
		{ "bob@B\xc3\x9c" "CHER.Example", "bob@xn--bcher-kva.example" },
		{ "info@r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s.se", "info@xn--rksmrgs-5wao1o.se" },
		{ "bob@\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88",
		  "bob@xn--r8jz45g.xn--zckzah" },
		/* ideographic full stop counts as a dot once converted */
		{ "bob@\xe4\xbe\x8b\xe3\x81\x88\xe3\x80\x82\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88",
		  "bob@xn--r8jz45g.xn--zckzah" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_ok(cases[i].in, cases[i].out);
}

static void
refuses_malformed_addresses(void **state)
{
	static const struct { const char *in, *reason; } cases[] = {
		{ "", "empty" },
		{ "bob.example.com", "has no @" },
		{ "bob", "has no @" },
		{ "a@b@example.com", "more than one @" },
		{ "bob@example.com@evil.example", "more than one @" },
		{ "@example.com", "nothing before the @" },
		{ "bob@", "nothing after the @" },
		{ "@", "nothing before the @" },
		{ "\"bob smith\"@example.com", "quotes before the @" },
		{ "\"bob\"@example.com", "quotes before the @" },
		{ "\"b@b\"@example.com", "quotes before the @" },
		{ "bob @example.com", "has a space" },
		{ " bob@example.com", "has a space" },
		{ "bob@example.com ", "has a space" },
		{ "bob@exa mple.com", "has a space" },
		{ "bob\t@example.com", "control character" },
		{ "bob@example.com\r\nBcc: x@example.com", "control character" },
		{ "bob\x7f@example.com", "control character" },
		{ "bob\xc2\x85@example.com", "control character" },
		{ "bob\xff@example.com", "not valid UTF-8" },
		/* the part before @ */
		{ ".bob@example.com", "starts with a dot" },
		{ "bob.@example.com", "a dot just before the @" },
		{ "bo..b@example.com", "two dots in a row before the @" },
		{ "j\xc3\xb6rg@example.com", "has '\xc3\xb6' before the @" },
		{ "b(b)@example.com", "has '(' before the @" },
		{ "bob,smith@example.com", "has ',' before the @" },
		{ "bob;x@example.com", "has ';' before the @" },
		{ "bob<x>@example.com", "has '<' before the @" },
		{ "bob\\x@example.com", "has '\\' before the @" },
		{ "b[o]b@example.com", "has '[' before the @" },
		{ "bob:x@example.com", "has ':' before the @" },
		/* the domain */
		{ "bob@example", "has no dot in its domain: an address looks like name@example.com" },
		{ "bob@localhost", "has no dot in its domain" },
		{ "bob@.example.com", "a dot just after the @" },
		{ "bob@example.com.", "ends with a dot" },
		{ "bob@example..com", "two dots in a row in its domain" },
		{ "bob@-example.com", "starts or ends with a hyphen ('-example')" },
		{ "bob@example-.com", "starts or ends with a hyphen ('example-')" },
		{ "bob@example.-com", "starts or ends with a hyphen ('-com')" },
		{ "bob@exa_mple.com", "has '_' in its domain" },
		{ "bob@exa:mple.com", "has ':' in its domain" },
		{ "bob@exa/mple.com", "has '/' in its domain" },
		{ "bob@exa%41mple.com", "has '%' in its domain" },
		{ "bob@example.com:25", "has ':' in its domain" },
		{ "bob@[192.0.2.1]", "an IP address after the @" },
		{ "bob@[IPv6:2001:db8::1]", "an IP address after the @" },
		{ "bob@192.0.2.1", "an IP address after the @" },
		{ "user@123.456", "a domain ending in a number ('456')" },
		{ "bob@example.123", "a domain ending in a number ('123')" },
		{ "bob@1.2.3", "a domain ending in a number ('3')" },
		{ "bob@\xe2\x80\x8b.com", "an empty part in its domain" },
		{ "bob@a\xef\xbf\xbd.com", "international domain name that is not valid" },
		{ "bob@a\xcd\xb8.com", "international domain name that is not valid" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_refused(cases[i].in, cases[i].reason);
}

static void
length_limits(void **state)
{
	char *s;

	(void)state;
	/* local part: 64 fine, 65 refused */
	s = make_address(64, 11);
	check_ok(s, s);
	free(s);
	s = make_address(65, 11);
	check_refused(s, "has 65 characters before the @: at most 64 are allowed");
	free(s);
	/* in all: 254 fine, 255 refused */
	s = make_address(64, 254 - 65);
	assert_int_equal(strlen(s), 254);
	check_ok(s, s);
	free(s);
	s = make_address(64, 255 - 65);
	check_refused(s, "is 255 characters long: an address has at most 254");
	free(s);
	s = make_address(1, 255 - 2);
	check_refused(s, "is 255 characters long");
	free(s);
	/* a domain label over 63 */
	check_refused("bob@aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa.com",
	    "a part of its domain longer than 63 characters");
}

/* Characters, not bytes: 160 characters in 310 bytes is within 254. */
static void
length_counts_characters(void **state)
{
	char in[400], want[400];
	size_t n = 4, w = 4;

	(void)state;
	memcpy(in, "bob@", 4);
	memcpy(want, "bob@", 4);
	for (int l = 0; l < 3; l++) {
		for (int k = 0; k < 50; k++, n += 2)
			memcpy(in + n, "\xc3\xbc", 2); /* u-umlaut: 2 bytes, 1 character */
		memcpy(want + w, "xn--tda", 7);
		w += 7;
		memset(want + w, 'a', 49);
		w += 49;
		in[n++] = '.';
		want[w++] = '.';
	}
	memcpy(in + n, "com", 4);
	memcpy(want + w, "com", 4);
	assert_int_equal(strlen(in), 310);
	check_ok(in, want);
}

/* 153 characters as given, but about 300 in the ASCII form mail carries. */
static void
ascii_form_must_fit_too(void **state)
{
	char in[1024];
	size_t n = 0;

	(void)state;
	memset(in, 'a', 64);
	n = 64;
	in[n++] = '@';
	for (unsigned l = 0; l < 5; l++) {
		for (unsigned k = 0; k < 16; k++) /* distinct CJK characters: long punycode */
			n += utf8_encode(0x4E00 + (l * 16 + k) * 97, in + n);
		in[n++] = '.';
	}
	memcpy(in + n, "com", 4);
	check_refused(in, "characters long with its domain in ASCII form: an address has at most 254");
}

static void
reasons_read_as_sentences(void **state)
{
	static const struct { const char *in, *why; } cases[] = {
		{ "bob@example", "'bob@example' has no dot in its domain: an address looks "
		  "like name@example.com" },
		{ "bob", "'bob' has no @: an address looks like name@example.com" },
		{ "bob@[192.0.2.1]", "'bob@[192.0.2.1]' has an IP address after the @: use a "
		  "domain name, like name@example.com" },
		{ "bob\n@example.com", "the address has a control character" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char why[512], *out = NULL;
		assert_int_equal(email_check(cases[i].in, &out, why, sizeof(why)), -1);
		assert_string_equal(why, cases[i].why);
	}
}

static void
why_may_be_null_or_tiny(void **state)
{
	char tiny[5], *out = NULL;

	(void)state;
	assert_int_equal(email_check("bob", &out, NULL, 0), -1);
	assert_int_equal(email_check("bob", &out, tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "'bob");
	assert_int_equal(email_check(NULL, &out, tiny, sizeof(tiny)), -1);
	assert_null(out);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_ordinary_addresses),
		cmocka_unit_test(accepts_idn_domains_in_ascii_form),
		cmocka_unit_test(refuses_malformed_addresses),
		cmocka_unit_test(length_limits),
		cmocka_unit_test(length_counts_characters),
		cmocka_unit_test(ascii_form_must_fit_too),
		cmocka_unit_test(reasons_read_as_sentences),
		cmocka_unit_test(why_may_be_null_or_tiny),
	};
	return cmocka_run_group_tests(tests, setup_curl, teardown_curl);
}
