/*
 * guard.c -- the request-target refused before a request is routed, and
 * who the client is (see guard.h).  The head's syntax and framing are
 * parse.c's; the malformed-request corpus (tests/e2e/malformed/) holds
 * one case or more of each refusal.
 */
#include "http/guard.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "bounds.h"
#include "http/internal.h"
#include "util/pct.h"

/* ---- the request-target ------------------------------------------------ */

/*
 * The path is %-decoded before routing, and a decoded NUL would
 * silently cut it ("/healthz%00x" would be "/healthz"), so an encoded NUL
 * anywhere, a bad escape in the path or a path longer than LIMIT_PATH_BYTES
 * is refused here (a raw byte outside printable ASCII, parse.c already
 * has).  A bad
 * escape in the query is left to http_query's lenient decoding: browsers send
 * what people type there ("?q=100%").
 */
unsigned
guard_target(const char *uri)
{
	size_t path_len = strcspn(uri, "?");

	if (path_len > LIMIT_PATH_BYTES)
		return 414;
	for (const char *p = uri; *p != '\0'; p++) {
		unsigned char ch = (unsigned char)*p;

		if (ch == '%' && p[1] == '0' && p[2] == '0')
			return 400;
		if (ch == '%' && (size_t)(p - uri) < path_len && (pct_hexval((unsigned char)p[1]) < 0 || pct_hexval((unsigned char)p[2]) < 0))
			return 400;
	}
	return 0;
}

/* ---- the client's address ---------------------------------------------- */

static int
is_trusted(const ipprefix *trusted, size_t n, const ipaddr *a)
{
	for (size_t i = 0; i < n; i++)
		if (ipprefix_contains(&trusted[i], a))
			return 1;
	return 0;
}

/* The last LIMIT_FORWARDED_HOPS entries of every X-Forwarded-For header, as a ring. */
typedef struct hops {
	char text[LIMIT_FORWARDED_HOPS][IPADDR_TEXT_MAX];
	size_t total;
} hops;

/* Every X-Forwarded-For header's entries, in order; the last LIMIT_FORWARDED_HOPS kept. */
static void
collect_hops(const http_head *head, hops *h)
{
	for (size_t i = 0; i < head->n_fields; i++) {
		if (strcasecmp(head->fields[i].name, "X-Forwarded-For") != 0)
			continue;
		for (const char *p = head->fields[i].value; *p != '\0';) {
			size_t n;

			p += strspn(p, " \t,");
			n = strcspn(p, ",");
			if (n == 0)
				continue;
			while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
				n--;
			/* too long to be an address: kept empty, so it reads as garbage */
			snprintf(h->text[h->total % LIMIT_FORWARDED_HOPS], IPADDR_TEXT_MAX, "%.*s",
			    n < IPADDR_TEXT_MAX ? (int)n : 0, p);
			h->total++;
			p += strcspn(p, ",");
		}
	}
}

void
guard_client(const http_request *req, const ipaddr *peer, const ipprefix *trusted, size_t n, ipaddr *out)
{
	hops hs, *h = &hs;

	*out = *peer;
	if (peer->family == 0 || n == 0 || !is_trusted(trusted, n, out))
		return;
	hs.total = 0;
	collect_hops(&req->h, h);
	for (size_t k = 0; k < LIMIT_FORWARDED_HOPS && k < h->total; k++) {
		ipaddr a;
		char why[8];

		if (ipaddr_parse(h->text[(h->total - 1 - k) % LIMIT_FORWARDED_HOPS], &a, why, sizeof(why)) < 0)
			break;
		*out = a;
		if (!is_trusted(trusted, n, &a))
			break;
	}
}
