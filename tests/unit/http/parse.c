/*
 * tests/unit/http/parse.c -- src/http/parse.c: request heads and the
 * chunked coding as RFC 9112 has them, and where this server is stricter
 * (no obs-fold, one Content-Length, chunked only, one Host).
 *
 * Every head is copied into a buffer of exactly its length before it is
 * parsed, so that a sanitizer build sees any read or write past its end.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "bounds.h"
#include "http/parse.h"

/* A literal with its length (it may hold NUL bytes). */
typedef struct lit {
	const char *s;
	size_t n;
} lit;
#define L(s) { s, sizeof(s) - 1 }

/* The copy the last parse cut up; the parsed strings point into it. */
static char *held;

static int
free_held(void **state)
{
	(void)state;
	free(held);
	held = NULL;
	return 0;
}

/* malloc, never NULL (at least one byte, so that an empty copy is a real block). */
static void *
xmalloc(size_t n)
{
	void *p = malloc(n > 0 ? n : 1);

	if (p == NULL)
		abort();
	return p;
}

static char *
copy(const char *s, size_t n)
{
	char *p = xmalloc(n);

	memcpy(p, s, n);
	return p;
}

/* Measure s as a whole head (it must be one exactly), then parse it.  The status. */
static unsigned
parse_n(const char *s, size_t n, http_head *h, const char **why)
{
	free(held);
	held = copy(s, n);
	if (http_head_end(held, n) != n)
		print_error("not one whole head: \"%.*s\"\n", (int)n, s);
	assert_int_equal(http_head_end(held, n), n);
	return http_head_parse(held, n, h, why);
}

static void
assert_parses_n(const char *s, size_t n, http_head *h)
{
	const char *why = "unset";
	unsigned rc = parse_n(s, n, h, &why);

	if (rc != 0)
		print_error("refused with %u (%s): \"%.*s\"\n", rc, why, (int)n, s);
	assert_int_equal(rc, 0);
	assert_null(why);
	assert_non_null(h->method);
	assert_non_null(h->target);
}

static void
assert_status_n(const char *s, size_t n, unsigned want)
{
	http_head h;
	const char *why = NULL;
	unsigned rc = parse_n(s, n, &h, &why);

	if (rc != want)
		print_error("expected %u, got %u (%s): \"%.*s\"\n", want, rc, why ? why : "-", (int)n, s);
	assert_int_equal(rc, want);
	assert_non_null(why);
	assert_true(strlen(why) > 0);
}

#define PARSES(s, h)      assert_parses_n(s, sizeof(s) - 1, h)
#define STATUS(s, want)   assert_status_n(s, sizeof(s) - 1, want)

/* ---- well-formed heads -------------------------------------------------- */

static void
a_plain_get(void **state)
{
	http_head h;

	(void)state;
	PARSES("GET /healthz?x=1 HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nAccept: */*\r\n\r\n", &h);
	assert_string_equal(h.method, "GET");
	assert_string_equal(h.target, "/healthz?x=1");
	assert_int_equal(h.minor, 1);
	assert_int_equal(h.n_fields, 2);
	assert_string_equal(h.fields[0].name, "Host");
	assert_string_equal(h.fields[0].value, "127.0.0.1:8080");
	assert_string_equal(h.fields[1].name, "Accept");
	assert_string_equal(h.fields[1].value, "*/*");
	assert_int_equal(h.content_length, -1);
	assert_false(h.chunked);
	assert_true(h.keep_alive);
	assert_false(h.expect_continue);
}

static void
a_post_with_a_length_ends_its_head_before_the_body(void **state)
{
	static const char req[] = "POST /report/v2.0/abuse HTTP/1.1\r\nHost: a\r\n"
	    "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}";
	size_t head = sizeof(req) - 1 - 2;
	http_head h;
	const char *why;

	(void)state;
	assert_int_equal(http_head_end(req, sizeof(req) - 1), head);
	assert_int_equal(parse_n(req, head, &h, &why), 0);
	assert_string_equal(h.method, "POST");
	assert_string_equal(h.target, "/report/v2.0/abuse");
	assert_int_equal(h.content_length, 2);
	assert_false(h.chunked);
	assert_string_equal(http_head_field(&h, "content-type"), "application/json");
}

static void
a_chunked_post(void **state)
{
	http_head h;

	(void)state;
	PARSES("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n", &h);
	assert_true(h.chunked);
	assert_int_equal(h.content_length, -1);
}

static void
content_length_digits(void **state)
{
	static const struct {
		lit req;
		int64_t want;
	} cases[] = {
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n"), 0 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 007\r\n\r\n"), 7 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:  12 \t\r\n\r\n"), 12 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 999999999999999\r\n\r\n"), INT64_C(999999999999999) },
		/* leading zeros are digits too: 30 of them are not a large number */
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 000000000000000000000000000001\r\n\r\n"), 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_head h;

		assert_parses_n(cases[i].req.s, cases[i].req.n, &h);
		assert_int_equal(h.content_length, cases[i].want);
	}
}

static void
keep_alive_follows_the_version_and_connection(void **state)
{
	static const struct {
		lit req;
		int keep;
	} cases[] = {
		{ L("GET / HTTP/1.0\r\n\r\n"), 0 },                                   /* 1.0: close by default */
		{ L("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"), 1 },
		{ L("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), 1 },
		{ L("GET / HTTP/1.0\r\nConnection: foo, keep-alive\r\n\r\n"), 1 },
		{ L("GET / HTTP/1.0\r\nConnection: keep-alive, close\r\n\r\n"), 0 },  /* close wins */
		{ L("GET / HTTP/1.0\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.0\r\nConnection: keepalive\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 1 },                        /* 1.1: keep by default */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: keep-alive\r\n\r\n"), 1 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: CLOSE\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo,close ,bar\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: closed, xclose\r\n\r\n"), 1 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\n\r\n"), 1 },
		/* regression: only the last Connection field used to count */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\nConnection: foo\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_head h;

		assert_parses_n(cases[i].req.s, cases[i].req.n, &h);
		if (h.keep_alive != cases[i].keep)
			print_error("case %zu: keep_alive %d\n", i, h.keep_alive);
		assert_int_equal(h.keep_alive, cases[i].keep);
	}
}

static void
empty_lines_before_the_request_line_are_skipped(void **state)
{
	static const lit cases[] = {
		L("\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
		L("\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
		L("\n\nGET / HTTP/1.1\r\nHost: a\r\n\r\n"),
		L("\n\r\n\nGET / HTTP/1.1\nHost: a\n\n"),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_head h;

		assert_parses_n(cases[i].s, cases[i].n, &h);
		assert_string_equal(h.method, "GET");
		assert_string_equal(h.target, "/");
		assert_string_equal(http_head_field(&h, "Host"), "a");
	}
}

static void
lf_alone_ends_lines(void **state)
{
	http_head h;

	(void)state;
	PARSES("GET / HTTP/1.1\nHost: a\nX-A: b\n\n", &h);
	assert_int_equal(h.n_fields, 2);
	assert_string_equal(http_head_field(&h, "X-A"), "b");
	PARSES("GET / HTTP/1.1\nHost: a\r\nX-A: b\n\r\n", &h);     /* mixed */
	assert_string_equal(http_head_field(&h, "X-A"), "b");
	PARSES("GET / HTTP/1.0\n\n", &h);
	assert_int_equal(h.n_fields, 0);
}

static void
optional_white_space_around_values_is_trimmed(void **state)
{
	http_head h;

	(void)state;
	PARSES("GET / HTTP/1.1\r\nHost:a\r\nX-A: \t b  c \t \r\nX-B:\r\nX-C:   \r\nX-D:\tcaf\xC3\xA9\r\n\r\n", &h);
	assert_string_equal(http_head_field(&h, "Host"), "a");
	assert_string_equal(http_head_field(&h, "X-A"), "b  c");
	assert_string_equal(http_head_field(&h, "X-B"), "");
	assert_string_equal(http_head_field(&h, "X-C"), "");
	assert_string_equal(http_head_field(&h, "X-D"), "caf\xC3\xA9");  /* obs-text is kept */
}

static void
versions_1_0_and_up_to_1_9(void **state)
{
	static const struct {
		lit req;
		int minor;
	} cases[] = {
		{ L("GET / HTTP/1.0\r\n\r\n"), 0 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 1 },
		{ L("GET / HTTP/1.2\r\nHost: a\r\n\r\n"), 1 },   /* a later 1.x is 1.1 to us (RFC 9110 2.5) */
		{ L("GET / HTTP/1.9\r\nHost: a\r\n\r\n"), 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		http_head h;

		assert_parses_n(cases[i].req.s, cases[i].req.n, &h);
		assert_int_equal(h.minor, cases[i].minor);
	}
	STATUS("GET / HTTP/1.2\r\n\r\n", 400);                   /* ... and so needs a Host */
}

static void
host_is_optional_on_1_0_only(void **state)
{
	http_head h;

	(void)state;
	PARSES("GET / HTTP/1.0\r\n\r\n", &h);
	assert_null(http_head_field(&h, "Host"));
	PARSES("GET / HTTP/1.0\r\nHost: a\r\n\r\n", &h);
	PARSES("GET / HTTP/1.1\r\nHost:\r\n\r\n", &h);         /* empty is allowed (RFC 9110 7.2) */
	STATUS("GET / HTTP/1.1\r\n\r\n", 400);
	STATUS("GET / HTTP/1.1\r\nX-Host: a\r\n\r\n", 400);
	STATUS("GET / HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400);
	STATUS("GET / HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", 400);
	STATUS("GET / HTTP/1.0\r\nHost: a\r\nHOST: b\r\n\r\n", 400);
}

static void
expect_100_continue_only(void **state)
{
	http_head h;

	(void)state;
	PARSES("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", &h);
	assert_true(h.expect_continue);
	PARSES("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect:  100-Continue \r\n\r\n", &h);
	assert_true(h.expect_continue);
	/* regression: RFC 9110 10.1.1, a server MUST ignore it in an HTTP/1.0 request */
	PARSES("POST / HTTP/1.0\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n", &h);
	assert_false(h.expect_continue);
	STATUS("POST / HTTP/1.1\r\nHost: a\r\nExpect: 200-ok\r\n\r\n", 417);
	STATUS("POST / HTTP/1.1\r\nHost: a\r\nExpect: 100-continue, foo\r\n\r\n", 417);
	STATUS("POST / HTTP/1.1\r\nHost: a\r\nExpect:\r\n\r\n", 417);
}

static void
fields_are_found_case_insensitively_first_one_wins(void **state)
{
	http_head h;

	(void)state;
	PARSES("GET / HTTP/1.1\r\nHost: a\r\nX-Tracking-Token: one\r\nx-tracking-token: two\r\n\r\n", &h);
	assert_string_equal(http_head_field(&h, "x-TRACKING-token"), "one");
	assert_string_equal(h.fields[2].name, "x-tracking-token");  /* names kept as sent */
	assert_string_equal(h.fields[2].value, "two");
	assert_null(http_head_field(&h, "X-Tracking"));
	assert_null(http_head_field(&h, "X-Tracking-Token2"));
	assert_null(http_head_field(&h, ""));
}

/* ---- refusals ----------------------------------------------------------- */

static void
malformed_heads_are_refused_with_their_status(void **state)
{
	static const struct {
		lit req;
		unsigned status;
	} cases[] = {
		/* a CR that does not end a line */
		{ L("GET / HTTP/1.1\r\nHost: a\rb\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\r\n\r\n"), 400 },
		{ L("GET /\r HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\n\r\r\n\r\n"), 400 },
		{ L("\rGET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		/* field lines */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A b\r\n\r\n"), 400 },             /* no colon */
		{ L("GET / HTTP/1.1\r\nHost: a\r\n: b\r\n\r\n"), 400 },               /* no name */
		{ L("GET / HTTP/1.1\r\nHost : a\r\n\r\n"), 400 },                     /* space before the colon */
		{ L("GET / HTTP/1.1\r\nHost\t: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\nX A: b\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\nX-\xC3\xA9: b\r\nHost: a\r\n\r\n"), 400 },     /* name not a token */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n"), 400 },      /* obs-fold */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n\tc\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\n Host: a\r\n\r\n"), 400 },                     /* space before the first field */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x01" "c\r\n\r\n"), 400 },    /* control byte */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x7F\r\n\r\n"), 400 },        /* DEL */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\x1B[0m\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A: b\0c\r\n\r\n"), 400 },         /* NUL */
		{ L("GET / HTTP/1.1\r\nHost: a\r\nX-A\0: b\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\r\nHost: a\r\n\0\r\n\r\n"), 400 },
		/* the method */
		{ L("G(T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET@ / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("\"GET\" / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("G\xC3\x89T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GE\0T / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET\t/ HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		/* the shape of the request line */
		{ L(" GET / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET  / HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /  HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1 \r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1\t\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /\r\nHost: a\r\n\r\n"), 400 },                               /* no version */
		{ L("GET / \r\nHost: a\r\n\r\n"), 400 },
		{ L("GET\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET\r\n\r\n"), 400 },
		{ L("x\r\n\r\n"), 400 },
		/* the version */
		{ L("GET / HTTP/2.0\r\nHost: a\r\n\r\n"), 505 },
		{ L("GET / HTTP/3.0\r\nHost: a\r\n\r\n"), 505 },
		{ L("GET / HTTP/0.9\r\n\r\n"), 505 },
		{ L("PRI * HTTP/2.0\r\n\r\n"), 505 },                                 /* the HTTP/2 preface */
		{ L("GET / HTTP/x.y\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/11\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.10\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/1.1x\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/10.0\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / http/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTPS/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET / HTTP/\r\nHost: a\r\n\r\n"), 400 },
		/* the target */
		{ L("GET /a b HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /a\tb HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /a\x01" "b HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /a\x7F HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /caf\xC3\xA9 HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /\x80 HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		{ L("GET /a\0b HTTP/1.1\r\nHost: a\r\n\r\n"), 400 },
		/* Content-Length */
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: abc\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +2\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length:   \r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1 2\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1,1\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 0x10\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 1e3\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 123456789012345678901234567890\r\n\r\n"), 413 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999\r\n\r\n"), 413 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\ncontent-length: 3\r\n\r\n"), 400 },
		/* Transfer-Encoding */
		{ L("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n"), 400 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: identity\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, chunked\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding:\r\n\r\n"), 501 },
		{ L("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), 400 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		assert_status_n(cases[i].req.s, cases[i].req.n, cases[i].status);
}

/* "GET / HTTP/1.1", Host and filler fields up to n fields in all, into a malloc'd head. */
static char *
head_with_fields(size_t n, size_t *len)
{
	size_t cap = 64 + n * 32, at;
	char *s = xmalloc(cap);

	at = (size_t)snprintf(s, cap, "GET / HTTP/1.1\r\nHost: a\r\n");
	for (size_t i = 1; i < n; i++)
		at += (size_t)snprintf(s + at, cap - at, "X-F%zu: %zu\r\n", i, i);
	at += (size_t)snprintf(s + at, cap - at, "\r\n");
	assert_true(at < cap);
	*len = at;
	return s;
}

static void
the_field_count_is_bounded(void **state)
{
	size_t len;
	char *s = head_with_fields(LIMIT_HEADER_FIELDS, &len);
	http_head h;

	(void)state;
	assert_parses_n(s, len, &h);
	assert_int_equal(h.n_fields, LIMIT_HEADER_FIELDS);
	assert_string_equal(h.fields[LIMIT_HEADER_FIELDS - 1].name, "X-F99");
	free(s);
	s = head_with_fields(LIMIT_HEADER_FIELDS + 1, &len);
	assert_status_n(s, len, 431);
	free(s);
}

/* ---- where a head ends, and when it has not ------------------------------ */

static void
the_end_is_found_only_once_the_whole_head_is_there(void **state)
{
	static const lit heads[] = {
		L("GET / HTTP/1.1\r\nHost: a\r\n\r\n"),
		L("GET / HTTP/1.1\nHost: a\n\n"),
		L("GET / HTTP/1.1\r\nHost: a\n\r\n"),
		L("GET / HTTP/1.1\nHost: a\r\n\n"),
		L("\r\n\n\r\nGET / HTTP/1.0\r\n\r\n"),
		L("GET / HTTP/1.0\n\n"),
		L("POST /report/v2.0/abuse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
		  "Content-Length: 2\r\nX-Empty:\r\n\r\n"),
		L("x\r\n\r\n"),                          /* the end is found before the head is judged */
		L("a\rb\r\n\r\n"),
	};

	(void)state;
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++) {
		size_t n = heads[i].n;
		char *s = copy(heads[i].s, n), *more = xmalloc(n + 9);

		for (size_t k = 0; k < n; k++) {
			char *p = copy(heads[i].s, k);     /* exactly k bytes: a sanitizer sees any over-read */

			if (http_head_end(p, k) != 0)
				print_error("head %zu: prefix of %zu bytes: %zu\n", i, k, http_head_end(p, k));
			assert_int_equal(http_head_end(p, k), 0);
			free(p);
		}
		assert_int_equal(http_head_end(s, n), n);
		/* what follows (a body, a pipelined request) is not part of it */
		memcpy(more, heads[i].s, n);
		memcpy(more + n, "\r\n\r\nGET /", 9);
		assert_int_equal(http_head_end(more, n + 9), n);
		free(more);
		free(s);
	}
	assert_int_equal(http_head_end("", 0), 0);
	assert_int_equal(http_head_end("\r\n\r\n\n", 5), 0);     /* empty lines alone are no head */
}

static void
an_overflow_is_414_in_the_request_line_else_431(void **state)
{
	size_t n = LIMIT_HEADER_BYTES + 1;
	char *s = xmalloc(n);

	(void)state;
	memcpy(s, "GET /", 5);
	memset(s + 5, 'a', n - 5);
	assert_int_equal(http_head_end(s, n), 0);
	assert_int_equal(http_head_overflow(s, n), 414);
	memcpy(s, "\r\n\nGET /", 8);                              /* empty lines first do not count */
	assert_int_equal(http_head_overflow(s, n), 414);
	memcpy(s, "GET / HTTP/1.1\r\nX-A: ", 21);
	assert_int_equal(http_head_end(s, n), 0);
	assert_int_equal(http_head_overflow(s, n), 431);
	memcpy(s, "GET / HTTP/1.1\nX-A: ", 20);
	assert_int_equal(http_head_overflow(s, n), 431);
	free(s);
}

/* What cannot become a request line is refused as it arrives; what still can waits. */
static void
hopeless_first_bytes_are_refused_early(void **state)
{
	static const struct { const char *in; size_t n; unsigned status; } cases[] = {
		{"\x16\x03\x01\x02\x00\x01", 6, 400},       /* a TLS ClientHello */
		{"\x00\x01\x02", 3, 400},                     /* binary noise */
		{"GE\x80", 3, 400},                            /* 8-bit byte in the method */
		{"GET /a\x01b", 9, 400},                      /* control byte in the target */
		{"GET /a\x7f", 7, 400},                       /* DEL in the target */
		{"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 33, 400}, /* no method is 33 characters */
		{"", 0, 0},
		{"G", 1, 0},
		{"GET", 3, 0},
		{"GET ", 4, 0},
		{"GET /report/v2.0/abuse", 22, 0},
		{"GET /x HTTP/1.", 14, 0},
		{"\r\n\r\nPOST /", 10, 0},                     /* empty lines first are fine */
		{"BAD-LINE\r\n", 10, 0},                      /* a whole line: http_head_parse judges it */
		{"GET / HTTP/1.1 \x01", 17, 0},               /* past the target: the parser's to judge */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *why = NULL;
		unsigned got = http_head_early(cases[i].in, cases[i].n, &why);

		if (got != cases[i].status)
			fail_msg("case %zu: %u, expected %u", i, got, cases[i].status);
		if (got != 0)
			assert_non_null(why);
	}
}

/* A head http_head_end did not measure is refused, never read past. */
static void
an_unmeasured_head_is_refused(void **state)
{
	http_head h;
	const char *why;
	char *s = xmalloc(14);

	(void)state;
	memcpy(s, "GET / HTTP/1.1", 14);                     /* no line end at all, exact size */
	assert_int_equal(http_head_parse(s, 14, &h, &why), 400);
	assert_int_equal(http_head_parse(s, 0, &h, &why), 400);
	free(s);
}

/* ---- chunked ------------------------------------------------------------ */

/* A decode of in[0..n) in one call, on an exact-size copy.  *data (caller frees) holds what came out. */
static int
decode_once(const char *in, size_t n, char **data, size_t *out, size_t *used, const char **why)
{
	http_chunked c;
	char *buf = copy(in, n);
	int rc;

	http_chunked_init(&c);
	rc = http_chunked_decode(&c, buf, n, used, out, why);
	assert_true(*out <= *used);
	assert_true(*used <= n);
	*data = buf;
	return rc;
}

/*
 * Decode in[0..n) in pieces ending at the cuts (ascending, the last n):
 * every piece is an exact-size copy.  What came out goes to data (room
 * for n), its length to *out; consumed bytes to *used.  Stops at the end
 * of the body or a refusal.
 */
static int
decode_cut(const char *in, size_t n, const size_t *cuts, size_t ncuts, char *data, size_t *out,
    size_t *used, const char **why)
{
	http_chunked c;
	size_t at = 0;
	int rc = 0;

	assert_true(ncuts > 0 && cuts[ncuts - 1] == n);
	http_chunked_init(&c);
	*out = 0;
	for (size_t i = 0; i < ncuts && rc == 0; i++) {
		size_t len = cuts[i] - at, u, o;
		char *piece = copy(in + at, len);

		rc = http_chunked_decode(&c, piece, len, &u, &o, why);
		assert_true(o <= u);
		assert_true(u <= len);
		if (rc == 0)
			assert_int_equal(u, len);          /* "more" means everything was taken */
		memcpy(data + *out, piece, o);
		*out += o;
		at += u;
		free(piece);
	}
	*used = at;
	return rc;
}

static void
assert_decodes_n(const char *in, size_t n, const char *want, size_t want_n, size_t want_used)
{
	char *data;
	size_t out, used;
	const char *why = "unset";
	int rc = decode_once(in, n, &data, &out, &used, &why);

	if (rc != 1)
		print_error("rc %d (%s) for \"%.*s\"\n", rc, why ? why : "-", (int)n, in);
	assert_int_equal(rc, 1);
	assert_null(why);
	assert_int_equal(used, want_used);
	assert_int_equal(out, want_n);
	assert_memory_equal(data, want, want_n);
	free(data);
}

static void
assert_refused_n(const char *in, size_t n, int status)
{
	char *data;
	size_t out, used;
	const char *why = NULL;
	int rc = decode_once(in, n, &data, &out, &used, &why);

	if (rc != status)
		print_error("expected %d, got %d for \"%.*s\"\n", status, rc, (int)n, in);
	assert_int_equal(rc, status);
	assert_non_null(why);
	free(data);
}

#define DECODES(in, want)        assert_decodes_n(in, sizeof(in) - 1, want, sizeof(want) - 1, sizeof(in) - 1)
#define CHUNK_REFUSED(in, st)    assert_refused_n(in, sizeof(in) - 1, st)

static void
chunked_bodies_decode(void **state)
{
	(void)state;
	DECODES("5\r\nhello\r\n0\r\n\r\n", "hello");
	DECODES("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world");
	DECODES("0\r\n\r\n", "");
	DECODES("000\r\n\r\n", "");
	DECODES("4\r\n\r\n\r\n\r\n0\r\n\r\n", "\r\n\r\n");            /* data is data */
	DECODES("3\r\n\0\x01\xFF\r\n0\r\n\r\n", "\0\x01\xFF");
	DECODES("a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij");
	DECODES("1f\r\n0123456789012345678901234567890\r\n0\r\n\r\n", "0123456789012345678901234567890");
	DECODES("1F\r\n0123456789012345678901234567890\r\n0\r\n\r\n", "0123456789012345678901234567890");
	DECODES("00005\r\nhello\r\n0\r\n\r\n", "hello");
}

static void
chunk_extensions_are_skipped(void **state)
{
	(void)state;
	DECODES("5;name=val\r\nhello\r\n0\r\n\r\n", "hello");
	DECODES("5;a;b=\"q;\\\" x\"\r\nhello\r\n0;last\r\n\r\n", "hello");
	DECODES("5 ;a\r\nhello\r\n0\t;b\r\n\r\n", "hello");                 /* BWS before ';' */
	DECODES("5;\r\nhello\r\n0\r\n\r\n", "hello");
	DECODES("5;caf\xC3\xA9\r\nhello\r\n0\r\n\r\n", "hello");
}

static void
lf_alone_ends_chunked_lines(void **state)
{
	(void)state;
	DECODES("5\nhello\n0\n\n", "hello");
	DECODES("5\r\nhello\n0\n\r\n", "hello");
	DECODES("5\nhello\r\n0\nX: y\n\n", "hello");
}

static void
trailers_are_read_and_dropped(void **state)
{
	(void)state;
	DECODES("5\r\nhello\r\n0\r\nX-T: a\r\nY: b\r\n\r\n", "hello");
	DECODES("0\r\nX-Checksum: abc\r\n\r\n", "");
	DECODES("5\r\nhello\r\n0\r\nX-T:\tcaf\xC3\xA9\r\n\r\n", "hello");
}

static void
bad_chunked_bodies_are_refused(void **state)
{
	(void)state;
	CHUNK_REFUSED("1 0\r\n0123456789abcdef\r\n0\r\n\r\n", 400);       /* not sixteen */
	CHUNK_REFUSED("5 5\r\n", 400);
	CHUNK_REFUSED("zz\r\n", 400);
	CHUNK_REFUSED("5g\r\n", 400);
	CHUNK_REFUSED("0x5\r\n", 400);
	CHUNK_REFUSED("-1\r\n", 400);
	CHUNK_REFUSED("+5\r\n", 400);
	CHUNK_REFUSED(" 5\r\n", 400);
	CHUNK_REFUSED("\r\n", 400);                                       /* no size */
	CHUNK_REFUSED(";a\r\n", 400);
	CHUNK_REFUSED("5\x01\r\n", 400);
	CHUNK_REFUSED("5;a\x01" "b\r\n", 400);
	CHUNK_REFUSED("5;a\0b\r\n", 400);
	CHUNK_REFUSED("5;a\x7F\r\n", 400);
	CHUNK_REFUSED("1000000000000000\r\n", 413);                       /* 16 hex digits */
	CHUNK_REFUSED("ffffffffffffffffffff\r\n", 413);
	CHUNK_REFUSED("0000000000000000\r\n\r\n", 413);                   /* digits are counted, zeros too */
	CHUNK_REFUSED("5\r\nhelloX\r\n0\r\n\r\n", 400);                   /* no CRLF after the data */
	CHUNK_REFUSED("5\r\nhello\rX\n0\r\n\r\n", 400);
	CHUNK_REFUSED("5\r\nhello0\r\n\r\n", 400);
	CHUNK_REFUSED("5\r\nhello\r\r\n0\r\n\r\n", 400);
	CHUNK_REFUSED("0\r\nX: a\x01\r\n\r\n", 400);                      /* control byte in a trailer */
}

static void
a_cr_must_end_its_line_in_chunked_framing(void **state)
{
	(void)state;
	/* regression: a CR in the size line was skipped, so "1\r0" was sixteen */
	CHUNK_REFUSED("1\r0\r\n0123456789abcdef\r\n0\r\n\r\n", 400);
	CHUNK_REFUSED("5\r\r\nhello\r\n0\r\n\r\n", 400);
	CHUNK_REFUSED("5;a\rb\r\nhello\r\n0\r\n\r\n", 400);
	CHUNK_REFUSED("5 \rx\r\n", 400);
	/* regression: in trailers too ("\r\r\r\n" ended the body) */
	CHUNK_REFUSED("0\r\n\r\r\r\n", 400);
	CHUNK_REFUSED("0\r\nX: a\rb\r\n\r\n", 400);
	CHUNK_REFUSED("0\r\n\rX: a\r\n\r\n", 400);
}

static void
the_body_ends_exactly_where_the_next_request_begins(void **state)
{
	static const char body[] = "5\r\nhello\r\n0\r\nX: y\r\n\r\n";
	static const char both[] = "5\r\nhello\r\n0\r\nX: y\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n";
	static const char lf[] = "5\nhello\n0\n\n\nGET / HTTP/1.1\n";
	http_chunked c;
	char *buf = copy(both, sizeof(both) - 1);
	size_t used, out;
	const char *why;

	(void)state;
	assert_decodes_n(both, sizeof(both) - 1, "hello", 5, sizeof(body) - 1);
	assert_decodes_n(lf, sizeof(lf) - 1, "hello", 5, 11);
	assert_decodes_n("0\r\n\r\n\r\n", 7, "", 0, 5);
	/* once ended it stays ended, and takes nothing more */
	http_chunked_init(&c);
	assert_int_equal(http_chunked_decode(&c, buf, sizeof(both) - 1, &used, &out, &why), 1);
	assert_int_equal(used, sizeof(body) - 1);
	assert_int_equal(http_chunked_decode(&c, buf + used, sizeof(both) - 1 - used, &used, &out, &why), 1);
	assert_int_equal(used, 0);
	assert_int_equal(out, 0);
	/* regression: with no input at all, an ended body said "more" */
	assert_int_equal(http_chunked_decode(&c, buf, 0, &used, &out, &why), 1);
	free(buf);
}

static void
a_partial_body_asks_for_more(void **state)
{
	static const char *partial[] = { "", "5", "5\r", "5\r\nhel", "5\r\nhello", "5\r\nhello\r",
		"5\r\nhello\r\n", "5\r\nhello\r\n0", "5\r\nhello\r\n0\r\n", "5\r\nhello\r\n0\r\nX: y\r\n",
		"5\r\nhello\r\n0\r\n\r", "fffffffffffffff\r\nabc" };

	(void)state;
	for (size_t i = 0; i < sizeof(partial) / sizeof(partial[0]); i++) {
		size_t n = strlen(partial[i]), out, used;
		char *data;
		const char *why = "unset";

		assert_int_equal(decode_once(partial[i], n, &data, &out, &used, &why), 0);
		assert_null(why);
		assert_int_equal(used, n);
		free(data);
	}
}

/* Every way of cutting in[0..n) in two, and one byte at a time, gives what one call gives. */
static void
assert_any_split_decodes_the_same(const char *in, size_t n)
{
	char *once, *data = xmalloc(n + 1);
	size_t once_out, once_used, out, used, *cuts = xmalloc((n + 1) * sizeof(*cuts));
	const char *why, *why2;
	int once_rc = decode_once(in, n, &once, &once_out, &once_used, &why), rc;

	for (size_t k = 0; k <= n; k++) {
		size_t two[2] = { k, n };

		rc = decode_cut(in, n, two, 2, data, &out, &used, &why2);
		if (rc != once_rc || out != once_out || used != once_used)
			print_error("cut at %zu: rc %d/%d out %zu/%zu used %zu/%zu\n", k, rc, once_rc, out, once_out, used, once_used);
		assert_int_equal(rc, once_rc);
		assert_int_equal(used, once_used);
		assert_int_equal(out, once_out);
		assert_memory_equal(data, once, out);
	}
	for (size_t k = 0; k < n; k++)
		cuts[k] = k + 1;
	rc = decode_cut(in, n, cuts, n, data, &out, &used, &why2);
	assert_int_equal(rc, once_rc);
	assert_int_equal(used, once_used);
	assert_int_equal(out, once_out);
	assert_memory_equal(data, once, out);
	free(cuts);
	free(data);
	free(once);
}

static void
decoding_in_pieces_gives_the_same_as_all_at_once(void **state)
{
	static const lit bodies[] = {
		L("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"),
		L("5;ext=\"v\"\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-T: 1\r\nY: 2\r\n\r\nGET / HTTP/1.1\r\n"),
		L("3\nabc\n2\r\nde\n0\n\n"),
		L("1\r\n\r\r\n1\r\n\n\r\n0\r\n\r\n"),          /* data that looks like framing */
		L("5\r\nhello\r\n1 0\r\n"),                  /* refused in the middle: at the same place */
		L("5\r\nhello\r\n0\r\n\rX\r\n"),
		L("5\r\nhel"),                               /* not finished */
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bodies) / sizeof(bodies[0]); i++)
		assert_any_split_decodes_the_same(bodies[i].s, bodies[i].n);
}

/* One trailer line of k bytes ("X:", filler, CRLF; k >= 4) at s. */
static void
trailer_line(char *s, size_t k)
{
	memcpy(s, "X:", 2);
	memset(s + 2, 'v', k - 4);
	memcpy(s + k - 2, "\r\n", 2);
}

/* "0" CRLF, then a trailer section of exactly trailer_bytes (>= 102) with its final CRLF. */
static char *
body_with_trailers(size_t trailer_bytes, size_t *len)
{
	size_t lines = (trailer_bytes - 2) / 100, rem = (trailer_bytes - 2) % 100, at = 3;
	char *s = xmalloc(3 + trailer_bytes);

	if (rem > 0 && rem < 4) {                      /* too short for a line of its own */
		lines--;
		rem += 100;
	}
	memcpy(s, "0\r\n", 3);
	for (size_t i = 0; i < lines; i++, at += 100)
		trailer_line(s + at, 100);
	if (rem > 0)
		trailer_line(s + at, rem);
	at += rem;
	memcpy(s + at, "\r\n", 2);
	assert_int_equal(at + 2, 3 + trailer_bytes);
	*len = at + 2;
	return s;
}

static void
the_trailer_section_is_bounded(void **state)
{
	size_t len, used, out;
	char *s, *data;
	const char *why;

	(void)state;
	s = body_with_trailers(LIMIT_HEADER_BYTES, &len);
	assert_int_equal(decode_once(s, len, &data, &out, &used, &why), 1);
	assert_int_equal(used, len);
	free(data);
	free(s);
	s = body_with_trailers(LIMIT_HEADER_BYTES + 1, &len);
	assert_int_equal(decode_once(s, len, &data, &out, &used, &why), 431);
	assert_non_null(why);
	free(data);
	free(s);
}

static void
a_chunk_size_line_is_bounded(void **state)
{
	/* "5;" extension CRLF, LIMIT_CHUNK_LINE bytes with its CRLF, then one more */
	size_t n = LIMIT_CHUNK_LINE + 1 + 12;
	char *s = xmalloc(n), *data;
	size_t out, used, line = LIMIT_CHUNK_LINE;
	const char *why;

	(void)state;
	memcpy(s, "5;", 2);
	memset(s + 2, 'e', line - 4);
	memcpy(s + line - 2, "\r\nhello\r\n0\r\n\r\n", 14);
	assert_int_equal(decode_once(s, line + 12, &data, &out, &used, &why), 1);
	assert_int_equal(out, 5);
	free(data);
	memcpy(s, "5;", 2);
	memset(s + 2, 'e', line - 3);
	memcpy(s + line - 1, "\r\nhello\r\n0\r\n\r\n", 14);
	assert_int_equal(decode_once(s, line + 13, &data, &out, &used, &why), 400);
	assert_non_null(why);
	free(data);
	free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(a_plain_get, free_held),
		cmocka_unit_test_teardown(a_post_with_a_length_ends_its_head_before_the_body, free_held),
		cmocka_unit_test_teardown(a_chunked_post, free_held),
		cmocka_unit_test_teardown(content_length_digits, free_held),
		cmocka_unit_test_teardown(keep_alive_follows_the_version_and_connection, free_held),
		cmocka_unit_test_teardown(empty_lines_before_the_request_line_are_skipped, free_held),
		cmocka_unit_test_teardown(lf_alone_ends_lines, free_held),
		cmocka_unit_test_teardown(optional_white_space_around_values_is_trimmed, free_held),
		cmocka_unit_test_teardown(versions_1_0_and_up_to_1_9, free_held),
		cmocka_unit_test_teardown(host_is_optional_on_1_0_only, free_held),
		cmocka_unit_test_teardown(expect_100_continue_only, free_held),
		cmocka_unit_test_teardown(fields_are_found_case_insensitively_first_one_wins, free_held),
		cmocka_unit_test_teardown(malformed_heads_are_refused_with_their_status, free_held),
		cmocka_unit_test_teardown(the_field_count_is_bounded, free_held),
		cmocka_unit_test(the_end_is_found_only_once_the_whole_head_is_there),
		cmocka_unit_test(an_overflow_is_414_in_the_request_line_else_431),
		cmocka_unit_test(hopeless_first_bytes_are_refused_early),
		cmocka_unit_test(an_unmeasured_head_is_refused),
		cmocka_unit_test(chunked_bodies_decode),
		cmocka_unit_test(chunk_extensions_are_skipped),
		cmocka_unit_test(lf_alone_ends_chunked_lines),
		cmocka_unit_test(trailers_are_read_and_dropped),
		cmocka_unit_test(bad_chunked_bodies_are_refused),
		cmocka_unit_test(a_cr_must_end_its_line_in_chunked_framing),
		cmocka_unit_test(the_body_ends_exactly_where_the_next_request_begins),
		cmocka_unit_test(a_partial_body_asks_for_more),
		cmocka_unit_test(decoding_in_pieces_gives_the_same_as_all_at_once),
		cmocka_unit_test(the_trailer_section_is_bounded),
		cmocka_unit_test(a_chunk_size_line_is_bounded),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
