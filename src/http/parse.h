/*
 * parse.h -- HTTP/1.1 request heads and chunked bodies (RFC 9112), parsed
 * strictly.  Pure: no I/O, no allocation.
 *
 * Why our own: libmicrohttpd 0.9.75 answered sixteen kinds of malformed
 * request with its own HTML page and closed seven more without a word,
 * and gave no hook to change either; every refusal here comes back to the
 * server as a status and a sentence, which it answers as problem+json.
 *
 * Strict where leniency lets requests be smuggled or misread: header
 * names must be tokens with the colon right after them; no obs-fold; no
 * control bytes in values; one Content-Length of digits only, never
 * beside Transfer-Encoding; the only transfer coding is chunked; HTTP/1.1
 * needs exactly one Host.  Lenient where RFC 9112 allows it and clients
 * rely on it: empty lines before the request line, LF alone as a line end.
 *
 * Ownership: http_head_parse writes NULs into the head it is given and the
 * parsed strings point into it; they live as long as that memory.
 */
#ifndef ABUSEDESK_HTTP_PARSE_H
#define ABUSEDESK_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

#include "bounds.h"

typedef struct http_field {
	const char *name;            /* as sent (case kept) */
	const char *value;           /* without surrounding spaces */
} http_field;

typedef struct http_head {
	const char *method;
	const char *target;          /* the request-target as sent */
	int minor;                   /* HTTP/1.<minor>: 0 or 1 */
	/* what the fields say, checked */
	int64_t content_length;      /* -1: none */
	int chunked;                 /* Transfer-Encoding: chunked */
	int keep_alive;              /* the connection may carry another request after this one */
	int expect_continue;         /* Expect: 100-continue */
	size_t n_fields;
	http_field fields[LIMIT_HEADER_FIELDS];   /* last: only [0, n_fields) is ever written or read */
} http_head;

/*
 * Where the head in data[0..len) ends: the length of the request line and
 * fields up to and including the empty line, or 0 when it has not all
 * arrived yet.
 */
size_t http_head_end(const char *data, size_t len);

/*
 * Parse a complete head (as measured by http_head_end) in place.  0 on
 * success; otherwise the status to answer (400, 413, 417, 431, 501, 505)
 * with *why set to a sentence for the client (static).
 */
unsigned http_head_parse(char *head, size_t len, http_head *out, const char **why);

/*
 * When more than LIMIT_HEADER_BYTES have arrived without the head's end:
 * 414 if the request line itself has not ended, else 431.
 */
unsigned http_head_overflow(const char *data, size_t len);

/*
 * While a head is still arriving: 0 if data[0..len) can still become a
 * request line, else 400 with *why set.  So a TLS handshake or binary
 * noise is answered at once instead of when the header deadline passes.
 */
unsigned http_head_early(const char *data, size_t len, const char **why);

/* A field's value (case-insensitive name; the first one), or NULL. */
const char *http_head_field(const http_head *h, const char *name);

/*
 * The chunked transfer coding, decoded incrementally and in place (the
 * data is never longer than its coding).  Chunk extensions are skipped,
 * trailer fields read and dropped; both are bounded.
 */
typedef struct http_chunked {
	int state;
	uint64_t left;               /* bytes of the current chunk still to come */
	unsigned digits;
	size_t line;                 /* bytes of the current size/extension/trailer line */
	size_t trailers;             /* bytes of trailer section so far */
} http_chunked;

void http_chunked_init(http_chunked *c);

/*
 * Decode from buf[0..len): the chunk data found is moved to the front of
 * buf and its length stored in *out; *used is how many input bytes were
 * consumed.  1 when the body has ended (the bytes after *used belong to
 * the next request), 0 when more input is needed (all of it was used),
 * or the status to answer (400, 413) with *why set.
 */
int http_chunked_decode(http_chunked *c, char *buf, size_t len, size_t *used, size_t *out, const char **why);

#endif
