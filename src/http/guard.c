/*
 * guard.c -- what the HTTP adapter refuses before a request is routed, and
 * who the client is (see guard.h).
 *
 * libmicrohttpd parses HTTP/1.1 leniently: it decodes %00 in a path into a
 * NUL that cuts it, takes header names with spaces, several Content-Length
 * headers, Content-Length beside Transfer-Encoding, unknown transfer
 * codings and HTTP/1.1 without Host, and bounds the header section only by
 * its memory pool.  Each of those is refused here with a problem+json
 * answer before any handler runs (the malformed-request corpus,
 * tests/e2e/malformed/, holds one case or more of each).
 */
#include "http/guard.h"

#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <microhttpd.h>

#include "bounds.h"
#include "http/internal.h"
#include "util/xalloc.h"

/* ---- the request-target and the header section ------------------------- */

static int
hex_digit(char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
}

/*
 * MHD decodes %XX before we see the path, and a decoded NUL would
 * silently cut it ("/healthz%00x" would be "/healthz"), so an encoded NUL
 * anywhere, a bad escape in the path, a raw byte outside printable ASCII
 * (RFC 3986) or a path longer than LIMIT_PATH_BYTES is refused here.  A bad
 * escape in the query is left to MHD's lenient decoding: browsers send
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

		if (ch <= 0x20 || ch >= 0x7F)
			return 400;
		if (ch == '%' && p[1] == '0' && p[2] == '0')
			return 400;
		if (ch == '%' && (size_t)(p - uri) < path_len && (!hex_digit(p[1]) || !hex_digit(p[2])))
			return 400;
	}
	return 0;
}

/* What the header section holds, as far as the checks below care. */
typedef struct header_scan {
	unsigned hosts;
	unsigned content_length;     /* how many */
	int transfer_encoding;
	int other_coding;            /* a Transfer-Encoding other than exactly "chunked" */
	int bad;                     /* a name that is not a token, or a value with NUL or control bytes */
} header_scan;

static int
is_tchar(unsigned char ch)
{
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch != 0 && strchr("!#$%&'*+-.^_`|~", ch) != NULL);
}

static enum MHD_Result
scan_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
    const char *value, size_t value_size)
{
	header_scan *h = cls;

	(void)kind;
	if (key_size == 0)
		h->bad = 1;
	for (size_t i = 0; i < key_size; i++)
		if (!is_tchar((unsigned char)key[i]))
			h->bad = 1;
	for (size_t i = 0; value != NULL && i < value_size; i++)
		if (((unsigned char)value[i] < 0x20 && value[i] != '\t') || value[i] == 0x7F)
			h->bad = 1;
	h->hosts += strcasecmp(key, "Host") == 0;
	h->content_length += strcasecmp(key, "Content-Length") == 0;
	if (strcasecmp(key, "Transfer-Encoding") == 0) {
		h->other_coding |= h->transfer_encoding || value == NULL || strcasecmp(value, "chunked") != 0;
		h->transfer_encoding = 1;
	}
	return MHD_YES;
}

/* The complaint about the header section, or NULL; *status set to its status. */
static const char *
header_problem(http_request *req, const char *version, unsigned *status)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(req->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
	header_scan h = {0, 0, 0, 0, 0};

	*status = 400;
	if (ci != NULL && ci->header_size > LIMIT_HEADER_BYTES) {
		*status = 431;
		return "The request line and headers are larger than this server accepts.";
	}
	(void)MHD_get_connection_values_n(req->conn, MHD_HEADER_KIND, scan_header, &h);
	if (h.bad)
		return "A header has a name that is not a token, or a control character or NUL byte in its value.";
	if (h.content_length && h.transfer_encoding)
		return "The request has both Content-Length and Transfer-Encoding.";
	if (h.content_length > 1)
		return "The request has more than one Content-Length header.";
	if (h.other_coding) {
		*status = 501;
		return "The only transfer coding this server takes is chunked.";
	}
	if (h.hosts > 1)
		return "The request has more than one Host header.";
	if (h.hosts == 0 && version != NULL && strcmp(version, "HTTP/1.1") == 0)
		return "An HTTP/1.1 request must have a Host header.";
	return NULL;
}

/*
 * What MHD lets through and we do not: a bad target (see above); a header
 * section over LIMIT_HEADER_BYTES (MHD's own bound is its memory pool);
 * header names that are not tokens and values with NUL or control bytes
 * (RFC 9110 5.1 and 5.5); both Content-Length and Transfer-Encoding, or
 * two Content-Lengths, which is how requests are smuggled past proxies
 * (RFC 9112 6.3: refuse and close); a transfer coding other than chunked
 * (501, RFC 9112 6.1); HTTP/1.1 without exactly one Host (RFC 9112 3.2).
 */
int
guard_refuse(http_request *req, const char *version)
{
	const char *why;
	unsigned status;

	if (req->target_problem == 414) {
		http_reply_problem(req, 414, "URI too long", "The request path is longer than this server accepts.", NULL);
		return 1;
	}
	if (req->target_problem != 0) {
		http_reply_problem(req, 400, "Bad request",
		    "The request target is not valid: it has a byte that must be %-encoded, a bad %-escape, or %00.", NULL);
		return 1;
	}
	why = header_problem(req, version, &status);
	if (why == NULL)
		return 0;
	http_add_header(req, "Connection", "close");   /* what follows on this connection cannot be trusted */
	http_reply_problem(req, status, status == 431 ? "Request header fields too large" :
	    status == 501 ? "Not implemented" : "Bad request", why, NULL);
	return 1;
}

/* ---- the client's address ---------------------------------------------- */

int
guard_peer(struct MHD_Connection *c, ipaddr *out)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci != NULL ? ci->client_addr : NULL;

	memset(out, 0, sizeof(*out));
	if (sa != NULL && sa->sa_family == AF_INET) {
		out->family = 4;
		memcpy(out->b, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		return 0;
	}
	if (sa != NULL && sa->sa_family == AF_INET6) {
		out->family = 6;
		memcpy(out->b, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		return 0;
	}
	return -1;
}

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

static enum MHD_Result
collect_hops(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	hops *h = cls;

	(void)kind;
	if (key == NULL || value == NULL || strcasecmp(key, "X-Forwarded-For") != 0)
		return MHD_YES;
	for (const char *p = value; *p != '\0';) {
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
	return MHD_YES;
}

void
guard_client(http_request *req, const ipprefix *trusted, size_t n, ipaddr *out)
{
	hops *h;

	if (guard_peer(req->conn, out) < 0 || n == 0 || !is_trusted(trusted, n, out))
		return;
	h = xcalloc(1, sizeof(*h));
	(void)MHD_get_connection_values(req->conn, MHD_HEADER_KIND, collect_hops, h);
	for (size_t k = 0; k < LIMIT_FORWARDED_HOPS && k < h->total; k++) {
		ipaddr a;
		char why[8];

		if (ipaddr_parse(h->text[(h->total - 1 - k) % LIMIT_FORWARDED_HOPS], &a, why, sizeof(why)) < 0)
			break;
		*out = a;
		if (!is_trusted(trusted, n, &a))
			break;
	}
	free(h);
}
