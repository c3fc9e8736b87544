/*
 * tests/unit/core/url.c -- src/core/url.c: which URLs a report may name,
 * how they are normalized, and the reasons given for the rest.
 * Table-driven: a regression is a new row.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <curl/curl.h>
#include <locale.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "bounds.h"

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

struct ok_case {
	const char *in;
	const char *url;   /* normalized */
	const char *host;
	const char *ip;    /* canonical text when the host is an IP literal, else NULL */
};

static void
check_ok(const struct ok_case *c)
{
	char why[512] = "", text[IPADDR_TEXT_MAX];
	url_info u;

	if (url_check(c->in, &u, why, sizeof(why)) != 0)
		fail_msg("'%s' refused: %s", c->in, why);
	if (strcmp(u.url, c->url) != 0)
		fail_msg("'%s': url '%s', expected '%s'", c->in, u.url, c->url);
	if (strcmp(u.host, c->host) != 0)
		fail_msg("'%s': host '%s', expected '%s'", c->in, u.host, c->host);
	if (u.host_is_ip != (c->ip != NULL))
		fail_msg("'%s': host_is_ip %d", c->in, u.host_is_ip);
	if (c->ip != NULL) {
		ipaddr_format(&u.host_ip, text, sizeof(text));
		assert_string_equal(text, c->ip);
	}
	url_info_cleanup(&u);
	assert_null(u.url);
	assert_null(u.host);
}

static void
check_refused(const char *in, const char *reason)
{
	char why[512] = "";
	url_info u = { .url = (char *)(uintptr_t)"untouched", .host = NULL };

	if (url_check(in, &u, why, sizeof(why)) != -1)
		fail_msg("'%s' accepted", in);
	if (strstr(why, reason) == NULL)
		fail_msg("'%s': reason '%s' lacks '%s'", in, why, reason);
	assert_string_equal(u.url, "untouched"); /* out written only on success */
}

static void
accepts_web_urls(void **state)
{
	static const struct ok_case cases[] = {
		{ "http://example.com", "http://example.com/", "example.com", NULL },
		{ "https://example.com/login?x=1#top", "https://example.com/login?x=1#top", "example.com", NULL },
		{ "ftp://ftp.example.com/pub/file.exe", "ftp://ftp.example.com/pub/file.exe", "ftp.example.com", NULL },
		{ "HTTP://EXAMPLE.COM/Path", "http://example.com/Path", "example.com", NULL },
		{ "HtTpS://Example.COM/A?B=C#D", "https://example.com/A?B=C#D", "example.com", NULL },
		{ "https://www.example.com:8443/x", "https://www.example.com:8443/x", "www.example.com", NULL },
		{ "https://example.com:443/", "https://example.com:443/", "example.com", NULL },
		{ "http://example.com:/", "http://example.com/", "example.com", NULL },
		{ "http://sub.domain.example.co.uk/a/b/c.html", "http://sub.domain.example.co.uk/a/b/c.html",
		  "sub.domain.example.co.uk", NULL },
		{ "http://localhost/", "http://localhost/", "localhost", NULL },
		{ "http://exa_mple.com/", "http://exa_mple.com/", "exa_mple.com", NULL },
		{ "http://example.com./x", "http://example.com./x", "example.com", NULL },
		{ "http://example.com/%20encoded", "http://example.com/%20encoded", "example.com", NULL },
		/* the path is evidence: kept as given */
		{ "http://example.com/a/../b/./c", "http://example.com/a/../b/./c", "example.com", NULL },
		{ "http://example.com/caf\xc3\xa9?q=\xc3\xa4", "http://example.com/caf\xc3\xa9?q=\xc3\xa4",
		  "example.com", NULL },
		/* percent-encoded host: what a client would resolve */
		{ "http://%65xample.com/", "http://example.com/", "example.com", NULL },
		/* user info hides the real host: reported as the host after @ */
		{ "http://good.com@evil.example/", "http://good.com@evil.example/", "evil.example", NULL },
		{ "http://user:pass@host.example/p", "http://user:pass@host.example/p", "host.example", NULL },
		{ "https://paypal.com:secure@198.51.100.7/", "https://paypal.com:secure@198.51.100.7/",
		  "198.51.100.7", "198.51.100.7" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_ok(&cases[i]);
}

static void
accepts_idn_hosts(void **state)
{
	static const struct ok_case cases[] = {
		{ "http://b\xc3\xbc" "cher.example/", "http://b\xc3\xbc" "cher.example/",
		  "xn--bcher-kva.example", NULL },
		{ "http://B\xc3\x9c" "CHER.example/x", "http://B\xc3\x9c" "CHER.example/x",
		  "xn--bcher-kva.example", NULL },
		{ "https://xn--bcher-kva.example/", "https://xn--bcher-kva.example/",
		  "xn--bcher-kva.example", NULL },
		{ "http://\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88/",
		  "http://\xe4\xbe\x8b\xe3\x81\x88.\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88/",
		  "xn--r8jz45g.xn--zckzah", NULL },
		{ "http://r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s.se/", "http://r\xc3\xa4ksm\xc3\xb6rg\xc3\xa5s.se/",
		  "xn--rksmrgs-5wao1o.se", NULL },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_ok(&cases[i]);
}

/* IDN conversion must not depend on the process locale (libcurl 7.88 bug). */
static void
idn_works_in_any_locale(void **state)
{
	static const struct ok_case c = { "http://b\xc3\xbc" "cher.example/",
		"http://b\xc3\xbc" "cher.example/", "xn--bcher-kva.example", NULL };

	(void)state;
	assert_non_null(setlocale(LC_ALL, "C"));
	check_ok(&c);
	if (setlocale(LC_ALL, "C.UTF-8") != NULL)
		check_ok(&c);
	(void)setlocale(LC_ALL, "C");
}

static void
ip_literal_hosts(void **state)
{
	static const struct ok_case cases[] = {
		{ "http://127.0.0.1/", "http://127.0.0.1/", "127.0.0.1", "127.0.0.1" },
		{ "http://192.0.2.1:8080/x", "http://192.0.2.1:8080/x", "192.0.2.1", "192.0.2.1" },
		{ "http://[::1]/", "http://[::1]/", "::1", "::1" },
		{ "http://[::1]", "http://[::1]/", "::1", "::1" },
		{ "http://[2001:DB8:0::1]:8080/p", "http://[2001:db8::1]:8080/p", "2001:db8::1", "2001:db8::1" },
		{ "http://[::ffff:10.0.0.1]/", "http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1", "::ffff:10.0.0.1" },
		{ "http://[::FFFF:a00:1]/", "http://[::ffff:10.0.0.1]/", "::ffff:10.0.0.1", "::ffff:10.0.0.1" },
		/* numeric forms a client reads as IPv4: judged as the address they are */
		{ "http://2130706433/", "http://127.0.0.1/", "127.0.0.1", "127.0.0.1" },
		{ "http://0x7f.1/", "http://127.0.0.1/", "127.0.0.1", "127.0.0.1" },
		{ "http://0x7f000001/", "http://127.0.0.1/", "127.0.0.1", "127.0.0.1" },
		{ "http://010.0.0.1/", "http://8.0.0.1/", "8.0.0.1", "8.0.0.1" },
		{ "http://10.1/", "http://10.0.0.1/", "10.0.0.1", "10.0.0.1" },
		/* regression (url fuzz target): %-encoded, the host only reads as a number once written out */
		{ "ftp://0x%42889", "ftp://0.0.184.137/", "0.0.184.137", "0.0.184.137" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_ok(&cases[i]);
}

static void
ip_host_special_purpose_is_visible(void **state)
{
	char why[256];
	url_info u;

	(void)state;
	assert_int_equal(url_check("http://2130706433/", &u, why, sizeof(why)), 0);
	assert_string_equal(ipaddr_special(&u.host_ip), "a loopback address");
	url_info_cleanup(&u);
	assert_int_equal(url_check("http://[::ffff:192.168.1.1]/", &u, why, sizeof(why)), 0);
	assert_string_equal(ipaddr_special(&u.host_ip), "a private address (RFC 1918)");
	url_info_cleanup(&u);
	assert_int_equal(url_check("http://203.0.113.5/", &u, why, sizeof(why)), 0);
	assert_string_equal(ipaddr_special(&u.host_ip), "a documentation address (RFC 5737)");
	url_info_cleanup(&u);
}

static void
refuses_other_schemes(void **state)
{
	static const struct { const char *in, *reason; } cases[] = {
		{ "javascript:alert(1)", "has the scheme 'javascript'" },
		{ "JavaScript:alert(1)", "has the scheme 'JavaScript'" },
		{ "mailto:bob@example.com", "has the scheme 'mailto'" },
		{ "file:///etc/passwd", "has the scheme 'file'" },
		{ "data:text/html,<script>alert(1)</script>", "has the scheme 'data'" },
		{ "gopher://example.com/", "has the scheme 'gopher'" },
		{ "ftps://example.com/", "has the scheme 'ftps'" },
		{ "ws://example.com/", "has the scheme 'ws'" },
		{ "httpx://example.com/", "has the scheme 'httpx'" },
		{ "hxxp://example.com/", "has the scheme 'hxxp'" },
		{ "about:blank", "only URLs starting with http://, https:// or ftp:// can be reported" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_refused(cases[i].in, cases[i].reason);
}

static void
refuses_missing_scheme_or_host(void **state)
{
	static const struct { const char *in, *reason; } cases[] = {
		{ "example.com", "has no scheme: a URL must start with http://, https:// or ftp://" },
		{ "example.com/login", "has no scheme" },
		{ "www.example.com/a?b", "has no scheme" },
		{ "example.com:8080/x", "has no scheme" },
		{ "localhost:80", "has no scheme" },
		{ "//example.com/", "has no scheme" },
		{ "/just/a/path", "has no scheme" },
		{ "://example.com", "has no scheme" },
		{ "1http://example.com", "has no scheme" },
		{ "http://", "has no host" },
		{ "https://", "has no host" },
		{ "http:///path", "has no host" },
		{ "http://?q", "has no host" },
		{ "http://#f", "has no host" },
		{ "http://@/", "has no host" },
		{ "http://:80/", "has no host" },
		{ "http:/example.com", "needs two slashes after 'http:'" },
		{ "http:example.com", "needs two slashes after 'http:'" },
		{ "http:", "needs two slashes" },
		{ "http:\\\\example.com\\", "needs two slashes" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_refused(cases[i].in, cases[i].reason);
}

static void
refuses_spaces_and_control_characters(void **state)
{
	static const struct { const char *in, *reason; } cases[] = {
		{ "http:// example.com", "has a space in its host name" },
		{ "http://exa mple.com/", "has a space in its host name" },
		{ "http://example.com/a b", "has a space: encode spaces as %20" },
		{ "http://example.com/?q=a b", "has a space: encode spaces as %20" },
		{ " http://example.com/", "has a space" },
		{ "http://example.com/ ", "has a space: encode spaces as %20" },
		{ "http://example.com/\t", "control character (U+0009)" },
		{ "http://exa\nmple.com/", "control character (U+000A)" },
		{ "http://example.com/\r\nX: y", "control character (U+000D)" },
		{ "http://example.com/\x7f", "control character (U+007F)" },
		{ "http://example.com/\xc2\x85", "control character (U+0085)" },
		{ "http://example.com/\x01", "control character (U+0001)" },
		{ "http://example.com/\xff", "not valid UTF-8" },
		{ "http://example.com/\xc3", "not valid UTF-8" },
		{ "", "empty" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_refused(cases[i].in, cases[i].reason);
}

static void
control_characters_are_not_echoed(void **state)
{
	char why[512];
	url_info u;

	(void)state;
	assert_int_equal(url_check("http://e.com/\r\nSet-Cookie: x", &u, why, sizeof(why)), -1);
	assert_null(strchr(why, '\r'));
	assert_null(strchr(why, '\n'));
	assert_null(strstr(why, "Set-Cookie"));
}

static void
refuses_bad_hosts_and_ports(void **state)
{
	static const struct { const char *in, *reason; } cases[] = {
		{ "http://a..b/", "neither a domain name nor an IP address" },
		{ "http://.../", "neither a domain name nor an IP address" },
		{ "http://.example.com/", "neither a domain name nor an IP address" },
		{ "http://256.1.1.1/", "neither a domain name nor an IP address" },
		{ "http://1.2.3.4.5/", "neither a domain name nor an IP address" },
		{ "http://example.123/", "neither a domain name nor an IP address" },
		{ "http://\xe2\x80\x8b.com/", "neither a domain name nor an IP address" },
		{ "http://a@b@c/", "host name that is not valid" },
		{ "http://*.example.com/", "host name that is not valid" },
		{ "http://exam<ple.com/", "host name that is not valid" },
		{ "http://ex%00ample.com/", "host name that is not valid" },
		{ "http://ex%20ample.com/", "host name that is not valid" },
		{ "http://[::1/", "IPv6 address in brackets that is not valid" },
		{ "http://[1::2::3]/", "IPv6 address in brackets that is not valid" },
		{ "http://[fe80::1%25eth0]/", "zone id" },
		{ "http://example.com:0/", "port 0" },
		{ "http://example.com:65536/", "port that is not valid" },
		{ "http://example.com:99999/", "port that is not valid" },
		{ "http://example.com:-1/", "port that is not valid" },
		{ "http://example.com:abc/", "port that is not valid" },
		{ "http://a\xef\xbf\xbd.com/", "cannot be converted to ASCII" },
		{ "http://a\xcd\xb8.com/", "cannot be converted to ASCII" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++)
		check_refused(cases[i].in, cases[i].reason);
}

/* "http://example.com/" + path of chars code points in all. */
static char *
long_url(size_t chars, const char *unit)
{
	const char *head = "http://example.com/";
	size_t ulen = strlen(unit), nunits = chars - strlen(head);
	char *s = malloc(strlen(head) + nunits * ulen + 1), *p;

	assert_non_null(s);
	p = s + strlen(head);
	memcpy(s, head, strlen(head));
	for (size_t i = 0; i < nunits; i++, p += ulen)
		memcpy(p, unit, ulen);
	*p = '\0';
	return s;
}

static void
length_is_counted_in_characters(void **state)
{
	char why[512];
	url_info u;
	char *ok = long_url(LIMIT_URL_CHARS, "\xc3\xa9");   /* 2 bytes each */
	char *ok3 = long_url(LIMIT_URL_CHARS, "\xe2\x82\xac"); /* 3 bytes each */
	char *big = long_url(LIMIT_URL_CHARS + 1, "a");

	(void)state;
	assert_int_equal(url_check(ok, &u, why, sizeof(why)), 0);
	url_info_cleanup(&u);
	assert_int_equal(url_check(ok3, &u, why, sizeof(why)), 0);
	url_info_cleanup(&u);
	assert_int_equal(url_check(big, &u, why, sizeof(why)), -1);
	assert_string_equal(why, "the URL is 8193 characters long: at most 8192 are accepted");
	free(ok);
	free(ok3);
	free(big);
}

/* Regression (url fuzz target): the URL kept is the one written in full, and it too is held to the limit. */
static void
length_is_counted_once_written_in_full(void **state)
{
	char why[512];
	url_info u;
	char *s = long_url(LIMIT_URL_CHARS, "a");
	char *q = strdup(s);

	(void)state;
	assert_non_null(q);
	/* "http://example.com?aaa...": the same length, but curl writes it with a '/' before the '?' */
	memcpy(q, "http://example.com?", 19);
	assert_int_equal(url_check(s, &u, why, sizeof(why)), 0);
	url_info_cleanup(&u);
	assert_int_equal(url_check(q, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "is longer than 8192 characters once written in full"));
	free(s);
	free(q);
}

static void
long_input_is_quoted_short(void **state)
{
	char why[512];
	url_info u;
	char *s = long_url(2000, "a");

	(void)state;
	memcpy(s, "gopher://", 9);
	assert_int_equal(url_check(s, &u, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "...'"));
	assert_true(strlen(why) < 300);
	free(s);
}

static void
reasons_read_as_sentences(void **state)
{
	static const struct { const char *in, *why; } cases[] = {
		{ "example.com/login", "'example.com/login' has no scheme: a URL must start with "
		  "http://, https:// or ftp://" },
		{ "http://example.com/a b", "'http://example.com/a b' has a space: encode spaces as %20" },
		{ "http://", "'http://' has no host: a URL names a host after http://, like "
		  "http://example.com/" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char why[512];
		url_info u;
		assert_int_equal(url_check(cases[i].in, &u, why, sizeof(why)), -1);
		assert_string_equal(why, cases[i].why);
	}
}

static void
why_may_be_null_or_tiny(void **state)
{
	char tiny[4];
	url_info u;

	(void)state;
	assert_int_equal(url_check("mailto:x@example.com", &u, NULL, 0), -1);
	assert_int_equal(url_check("mailto:x@example.com", &u, tiny, sizeof(tiny)), -1);
	assert_string_equal(tiny, "'ma");
	assert_int_equal(url_check(NULL, &u, tiny, sizeof(tiny)), -1);
	url_info_cleanup(NULL);
}

/* ---- url_domain_to_ascii ----------------------------------------------- */

static void
domain_to_ascii_converts(void **state)
{
	static const struct { const char *in, *out; } cases[] = {
		{ "example.com", "example.com" },
		{ "EXAMPLE.Com", "example.com" },
		{ "b\xc3\xbc" "cher.example", "xn--bcher-kva.example" },
		{ "B\xc3\x9c" "CHER.EXAMPLE", "xn--bcher-kva.example" },
		{ "xn--bcher-kva.example", "xn--bcher-kva.example" },
		{ "\xe4\xbe\x8b\xe3\x81\x88\xe3\x80\x82\xe3\x83\x86\xe3\x82\xb9\xe3\x83\x88",
		  "xn--r8jz45g.xn--zckzah" }, /* ideographic full stop maps to '.' */
		{ "localhost", "localhost" },
		{ "a-b.c-d.example", "a-b.c-d.example" },
		/* all-ASCII names are not read as numbers (curl would make 127.0.0.1) */
		{ "0x7f.1", "0x7f.1" },
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char why[256] = "", *a = NULL;
		if (url_domain_to_ascii(cases[i].in, &a, why, sizeof(why)) != 0)
			fail_msg("'%s' refused: %s", cases[i].in, why);
		assert_string_equal(a, cases[i].out);
		free(a);
	}
}

static void
domain_to_ascii_refuses_non_hostnames(void **state)
{
	static const char *cases[] = {
		"", "user@example.com", "example.com/path", "example.com:80", "[::1]",
		"exa mple.com", "example.com?", "example.com#", "exa%41mple.com",
		"exa_mple.com", "exa\\mple.com", "a\tb.com", "a\xef\xbf\xbd.com", "\xff.com",
	};
	(void)state;
	for (size_t i = 0; i < N(cases); i++) {
		char why[256] = "", *a = (char *)(uintptr_t)"untouched";
		if (url_domain_to_ascii(cases[i], &a, why, sizeof(why)) != -1)
			fail_msg("'%s' accepted as '%s'", cases[i], a);
		assert_string_equal(a, "untouched");
		assert_true(why[0] != '\0');
	}
	char *a = NULL;
	assert_int_equal(url_domain_to_ascii(NULL, &a, NULL, 0), -1);
}

static void
domain_to_ascii_refuses_overlong(void **state)
{
	char name[300], why[256], *a = NULL;

	(void)state;
	/* 4 labels of 63 and one of 1: 4*64 + 1 = 257 > 253 */
	memset(name, 'a', sizeof(name));
	for (int i = 63; i < 300; i += 64)
		name[i] = '.';
	name[257] = '\0';
	assert_int_equal(url_domain_to_ascii(name, &a, why, sizeof(why)), -1);
	assert_non_null(strstr(why, "at most 253"));
	name[253] = '\0';
	assert_int_equal(url_domain_to_ascii(name, &a, why, sizeof(why)), 0);
	free(a);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepts_web_urls),
		cmocka_unit_test(accepts_idn_hosts),
		cmocka_unit_test(idn_works_in_any_locale),
		cmocka_unit_test(ip_literal_hosts),
		cmocka_unit_test(ip_host_special_purpose_is_visible),
		cmocka_unit_test(refuses_other_schemes),
		cmocka_unit_test(refuses_missing_scheme_or_host),
		cmocka_unit_test(refuses_spaces_and_control_characters),
		cmocka_unit_test(control_characters_are_not_echoed),
		cmocka_unit_test(refuses_bad_hosts_and_ports),
		cmocka_unit_test(length_is_counted_in_characters),
		cmocka_unit_test(length_is_counted_once_written_in_full),
		cmocka_unit_test(long_input_is_quoted_short),
		cmocka_unit_test(reasons_read_as_sentences),
		cmocka_unit_test(why_may_be_null_or_tiny),
		cmocka_unit_test(domain_to_ascii_converts),
		cmocka_unit_test(domain_to_ascii_refuses_non_hostnames),
		cmocka_unit_test(domain_to_ascii_refuses_overlong),
	};
	return cmocka_run_group_tests(tests, setup_curl, teardown_curl);
}
