/*
 * http_parse.c -- fuzz target: what a client sends on a connection, as
 * src/http/parse.c reads it.  The input is a request head and what follows
 * it: http_head_end() measures the head, which is copied into a buffer of
 * exactly its size (so an over-read is a sanitizer finding) and given to
 * http_head_parse(); the rest of the input (all of it when no head was
 * found) goes through the chunked decoder, once whole and once in pieces
 * whose sizes come from a hash of the input.
 *
 * Invariants: the end is the first one (no shorter prefix has an end) and
 * ends with LF; a parsed head has a token method, a target of visible
 * ASCII, at most LIMIT_HEADER_FIELDS fields with token names and values
 * without control bytes or surrounding white space, all inside the head;
 * "close" in any Connection field means no keep-alive, and 100-continue
 * is only ever expected of HTTP/1.1;
 * a refusal is 400, 413, 417, 431, 501 or 505 with a sentence; the
 * decoder never gives out more than it took nor takes more than it was
 * given, "more" means it took everything, and any cutting of the input
 * decodes to the same bytes, status and length as one call.
 */
#include <string.h>
#include <strings.h>

#include "bounds.h"
#include "fuzz.h"
#include "http/parse.h"

static int
is_token(const char *s)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";

	if (*s == '\0')
		return 0;
	for (; *s != '\0'; s++) {
		unsigned char ch = (unsigned char)*s;

		if (!((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		    strchr(extra, ch) != NULL))
			return 0;
	}
	return 1;
}

/* s is a NUL-terminated string lying inside head[0..len). */
static void
check_inside(const char *s, const char *head, size_t len)
{
	FUZZ_CHECK(s != NULL && s >= head && s < head + len);
	FUZZ_CHECK(memchr(s, '\0', (size_t)(head + len - s)) != NULL);
}

/* Does any Connection field of h list the option "close"?  (Written apart from parse.c's.) */
static int
says_close(const http_head *h)
{
	for (size_t i = 0; i < h->n_fields; i++) {
		const char *v = h->fields[i].value;

		if (strcasecmp(h->fields[i].name, "Connection") != 0)
			continue;
		for (const char *p = v; *p != '\0'; p++)
			if ((p == v || p[-1] == ',' || p[-1] == ' ' || p[-1] == '\t') && strncasecmp(p, "close", 5) == 0 &&
			    (p[5] == '\0' || p[5] == ',' || p[5] == ' ' || p[5] == '\t'))
				return 1;
	}
	return 0;
}

static void
check_parsed(const http_head *h, const char *head, size_t len)
{
	check_inside(h->method, head, len);
	check_inside(h->target, head, len);
	FUZZ_CHECK(is_token(h->method));
	FUZZ_CHECK(h->target[0] != '\0');
	for (const char *p = h->target; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p > 0x20 && (unsigned char)*p < 0x7F);
	FUZZ_CHECK(h->minor == 0 || h->minor == 1);
	FUZZ_CHECK(h->n_fields <= LIMIT_HEADER_FIELDS);
	for (size_t i = 0; i < h->n_fields; i++) {
		const char *name = h->fields[i].name, *v = h->fields[i].value;
		size_t vn;

		check_inside(name, head, len);
		check_inside(v, head, len);
		FUZZ_CHECK(is_token(name));
		vn = strlen(v);
		for (size_t k = 0; k < vn; k++)
			FUZZ_CHECK(((unsigned char)v[k] >= 0x20 || v[k] == '\t') && v[k] != 0x7F);
		FUZZ_CHECK(vn == 0 || (v[0] != ' ' && v[0] != '\t' && v[vn - 1] != ' ' && v[vn - 1] != '\t'));
		FUZZ_CHECK(http_head_field(h, name) != NULL);
	}
	FUZZ_CHECK(h->content_length >= -1);
	FUZZ_CHECK(!h->chunked || (h->content_length == -1 && h->minor == 1));
	FUZZ_CHECK(h->keep_alive == 0 || h->keep_alive == 1);
	FUZZ_CHECK(!(h->keep_alive && says_close(h)));
	FUZZ_CHECK(!h->expect_continue || h->minor == 1);
	FUZZ_CHECK(h->minor == 0 || http_head_field(h, "Host") != NULL);
}

static void
fuzz_head(const char *data, size_t end)
{
	char *head = malloc(end);
	http_head h;
	const char *why = "unset";
	unsigned rc;

	if (head == NULL)
		abort();
	memcpy(head, data, end);
	FUZZ_CHECK(head[end - 1] == '\n');
	FUZZ_CHECK(http_head_end(head, end) == end);
	FUZZ_CHECK(http_head_end(head, end - 1) == 0);      /* the first end, not a later one */
	rc = http_head_parse(head, end, &h, &why);
	if (rc == 0) {
		FUZZ_CHECK(why == NULL);
		check_parsed(&h, head, end);
	} else {
		FUZZ_CHECK(rc == 400 || rc == 413 || rc == 417 || rc == 431 || rc == 501 || rc == 505);
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	}
	free(head);
}

static uint64_t
fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);

	for (size_t i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(1099511628211);
	return h;
}

static void
check_decoded(int rc, size_t len, size_t used, size_t out, const char *why)
{
	FUZZ_CHECK(out <= used && used <= len);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == 400 || rc == 413 || rc == 431);
	FUZZ_CHECK(rc > 1 ? why != NULL && why[0] != '\0' : why == NULL);
	FUZZ_CHECK(rc != 0 || used == len);
}

/* The chunked decoder on data[0..n): whole, then in pieces of sizes drawn from seed. */
static void
fuzz_chunked(const char *data, size_t n, uint64_t seed)
{
	http_chunked c;
	char *once = malloc(n + 1), *got = malloc(n + 1);
	size_t used1, out1, at = 0, out = 0;
	const char *why;
	int rc1, rc = 0;

	if (once == NULL || got == NULL)
		abort();
	memcpy(once, data, n);
	http_chunked_init(&c);
	rc1 = http_chunked_decode(&c, once, n, &used1, &out1, &why);
	check_decoded(rc1, n, used1, out1, why);

	http_chunked_init(&c);
	while (rc == 0 && at < n) {
		size_t len, used, o;
		char *piece;

		seed = seed * UINT64_C(6364136223846793005) + UINT64_C(1442695040888963407);
		len = (size_t)(seed >> 33) % ((seed >> 62) == 0 ? 4 : 64) + 1;   /* often tiny */
		if (len > n - at)
			len = n - at;
		piece = malloc(len);
		if (piece == NULL)
			abort();
		memcpy(piece, data + at, len);
		rc = http_chunked_decode(&c, piece, len, &used, &o, &why);
		check_decoded(rc, len, used, o, why);
		memcpy(got + out, piece, o);
		out += o;
		at += used;
		free(piece);
	}
	FUZZ_CHECK(rc == rc1);
	FUZZ_CHECK(at == used1);
	FUZZ_CHECK(out == out1);
	FUZZ_CHECK(memcmp(got, once, out) == 0);
	free(got);
	free(once);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *d = (const char *)data;
	size_t end = http_head_end(d, size);

	FUZZ_CHECK(end <= size);
	if (end > 0)
		fuzz_head(d, end);
	else if (size > 0) {
		unsigned st = http_head_overflow(d, size);

		FUZZ_CHECK(st == 414 || st == 431);
	}
	fuzz_chunked(d + end, size - end, fnv1a(data, size));
	return 0;
}
