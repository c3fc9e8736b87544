/*
 * parse.c -- HTTP/1.1 request heads and the chunked coding (see parse.h).
 *
 * The grammar is RFC 9112's: request-line = method SP request-target SP
 * HTTP-version; field-line = field-name ":" OWS field-value OWS; the head
 * ends with an empty line.  Lines end with CRLF or LF; a CR anywhere else
 * is refused (RFC 9112 2.2 allows either refusing or replacing it, and a
 * replaced CR is how responses get split).
 */
#include "http/parse.h"

#include <stddef.h>
#include <string.h>
#include <strings.h>

#include "util/pct.h"

static int
is_tchar(unsigned char ch)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";

	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	    (ch != 0 && memchr(extra, ch, sizeof(extra) - 1) != NULL);
}

static unsigned
fail(const char **why, const char *msg, unsigned status)
{
	*why = msg;
	return status;
}

/* Empty lines before the request line (RFC 9112 2.2: a server SHOULD ignore at least one). */
static size_t
skip_leading_lines(const char *d, size_t len)
{
	size_t i = 0;

	while (i < len && (d[i] == '\n' || (d[i] == '\r' && i + 1 < len && d[i + 1] == '\n')))
		i += d[i] == '\r' ? 2 : 1;
	return i;
}

size_t
http_head_end(const char *d, size_t len)
{
	size_t i = skip_leading_lines(d, len);
	const char *nl;

	if (i == len)
		return 0;
	while ((nl = memchr(d + i, '\n', len - i)) != NULL) {
		size_t at = (size_t)(nl - d);

		if (at + 1 < len && d[at + 1] == '\n')
			return at + 2;
		if (at + 2 < len && d[at + 1] == '\r' && d[at + 2] == '\n')
			return at + 3;
		i = at + 1;
	}
	return 0;
}

unsigned
http_head_overflow(const char *d, size_t len)
{
	size_t i = skip_leading_lines(d, len);

	return memchr(d + i, '\n', len - i) == NULL ? 414 : 431;
}

unsigned
http_head_early(const char *d, size_t len, const char **why)
{
	size_t i = skip_leading_lines(d, len), start = i;

	for (; i < len && d[i] != ' '; i++) {
		if (d[i] == '\r' || d[i] == '\n')
			return 0;                     /* the line ends here: http_head_parse judges it */
		if (!is_tchar((unsigned char)d[i]) || i - start >= 32)
			return fail(why, "This is not an HTTP/1.1 request (the request line does not start with a method).", 400);
	}
	for (i++; i < len && d[i] != ' '; i++) {
		unsigned char ch = (unsigned char)d[i];

		if (ch == '\r' || ch == '\n')
			return 0;
		if (ch < 0x20 || ch == 0x7F)
			return fail(why, "The request target has a control byte.", 400);
	}
	return 0;
}

/* Cut the line starting at *p (within end): NUL where it ends; *p moves past it.  Its length. */
static size_t
take_line(char **p, char *end, char **line)
{
	char *nl = memchr(*p, '\n', (size_t)(end - *p));
	size_t n;

	if (nl == NULL)
		nl = end;                         /* cannot happen for a head http_head_end measured */
	*line = *p;
	n = (size_t)(nl - *p);
	if (n > 0 && (*p)[n - 1] == '\r')
		n--;
	(*p)[n] = '\0';
	*p = nl < end ? nl + 1 : end;
	return n;
}

static unsigned
parse_version(const char *v, http_head *h, const char **why)
{
	if (strncmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' && v[6] == '.' &&
	    v[7] >= '0' && v[7] <= '9' && v[8] == '\0') {
		if (v[5] != '1')
			return fail(why, "This server speaks HTTP/1.1 (and 1.0) only.", 505);
		h->minor = v[7] == '0' ? 0 : 1;   /* 1.2 and up are 1.1 to us (RFC 9110 2.5) */
		return 0;
	}
	return fail(why, "The request line does not end with an HTTP version such as HTTP/1.1.", 400);
}

static unsigned
parse_request_line(char *line, size_t n, http_head *h, const char **why)
{
	char *sp1, *sp2;

	if (memchr(line, '\r', n) != NULL || strlen(line) != n)
		return fail(why, "The request line has a carriage return or NUL byte inside it.", 400);
	sp1 = strchr(line, ' ');
	if (sp1 == NULL || sp1 == line)
		return fail(why, "The request line is not \"METHOD target HTTP/1.1\".", 400);
	for (char *p = line; p < sp1; p++)
		if (!is_tchar((unsigned char)*p))
			return fail(why, "The request method is not a token.", 400);
	*sp1 = '\0';
	sp2 = strchr(sp1 + 1, ' ');
	if (sp2 == NULL || sp2 == sp1 + 1 || strchr(sp2 + 1, ' ') != NULL)
		return fail(why, "The request line is not \"METHOD target HTTP/1.1\", with single spaces.", 400);
	*sp2 = '\0';
	for (char *p = sp1 + 1; *p != '\0'; p++)
		if ((unsigned char)*p <= 0x20 || (unsigned char)*p >= 0x7F)
			return fail(why, "The request target has a byte that must be %-encoded.", 400);
	h->method = line;
	h->target = sp1 + 1;
	return parse_version(sp2 + 1, h, why);
}

/* One field line, cut in place into h->fields. */
static unsigned
parse_field(char *line, size_t n, http_head *h, const char **why)
{
	char *colon = memchr(line, ':', n), *v, *e;

	if (line[0] == ' ' || line[0] == '\t')
		return fail(why, "A header line starts with white space (obsolete line folding is not accepted).", 400);
	if (colon == NULL || colon == line)
		return fail(why, "A header line has no name or no colon.", 400);
	for (char *p = line; p < colon; p++)
		if (!is_tchar((unsigned char)*p))
			return fail(why, "A header name is not a token (no spaces before the colon).", 400);
	for (char *p = colon + 1; p < line + n; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7F)
			return fail(why, "A header value has a control character, carriage return or NUL byte.", 400);
	if (h->n_fields >= LIMIT_HEADER_FIELDS)
		return fail(why, "The request has more header fields than this server accepts.", 431);
	*colon = '\0';
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = line + n; e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = '\0';
	h->fields[h->n_fields].name = line;
	h->fields[h->n_fields].value = v;
	h->n_fields++;
	return 0;
}

const char *
http_head_field(const http_head *h, const char *name)
{
	for (size_t i = 0; i < h->n_fields; i++)
		if (strcasecmp(h->fields[i].name, name) == 0)
			return h->fields[i].value;
	return NULL;
}

/* Does the comma-separated list v hold the token t (case-insensitive)? */
static int
has_token(const char *v, const char *t)
{
	size_t tn = strlen(t);

	while (*v != '\0') {
		size_t n;

		v += strspn(v, " \t,");
		n = strcspn(v, " \t,");
		if (n == tn && strncasecmp(v, t, n) == 0)
			return 1;
		v += n;
	}
	return 0;
}

static unsigned
parse_length(const char *v, http_head *h, const char **why)
{
	uint64_t n = 0;

	if (*v == '\0')
		return fail(why, "Content-Length is empty.", 400);
	for (const char *p = v; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return fail(why, "Content-Length is not a number of bytes (digits only).", 400);
		if (n > (UINT64_C(1) << 50))
			return fail(why, "Content-Length is larger than this server accepts.", 413);
		n = n * 10 + (uint64_t)(*p - '0');
	}
	h->content_length = (int64_t)n;
	return 0;
}

/*
 * What the fields mean for framing and the connection, checked together
 * (RFC 9112 6.1-6.3, 9.3; RFC 9110 10.1.1): both Content-Length and
 * Transfer-Encoding, or two Content-Lengths, is how requests are smuggled
 * past proxies, so both are refused.
 */
static unsigned
check_fields(http_head *h, const char **why)
{
	unsigned hosts = 0, lengths = 0, codings = 0, rc;
	int closing = 0, keeping = 0;

	h->content_length = -1;
	for (size_t i = 0; i < h->n_fields; i++) {
		const char *name = h->fields[i].name, *v = h->fields[i].value;

		if (strcasecmp(name, "Host") == 0)
			hosts++;
		else if (strcasecmp(name, "Content-Length") == 0) {
			if (++lengths > 1)
				return fail(why, "The request has more than one Content-Length header.", 400);
			if ((rc = parse_length(v, h, why)) != 0)
				return rc;
		} else if (strcasecmp(name, "Transfer-Encoding") == 0) {
			if (++codings > 1 || strcasecmp(v, "chunked") != 0)
				return fail(why, "The only transfer coding this server takes is chunked.", 501);
			h->chunked = 1;
		} else if (strcasecmp(name, "Connection") == 0) {
			/*
			 * Fixed: only the last Connection field was read, so
			 * "Connection: close" followed by "Connection: x" kept
			 * the connection; repeated fields are one list (RFC 9110 5.3).
			 */
			closing |= has_token(v, "close");
			keeping |= has_token(v, "keep-alive");
		} else if (strcasecmp(name, "Expect") == 0) {
			if (strcasecmp(v, "100-continue") != 0)
				return fail(why, "The only expectation this server meets is 100-continue.", 417);
			/* Fixed: RFC 9110 10.1.1, an HTTP/1.0 request's 100-continue MUST be ignored. */
			h->expect_continue = h->minor == 1;
		}
	}
	if (lengths > 0 && codings > 0)
		return fail(why, "The request has both Content-Length and Transfer-Encoding.", 400);
	if (codings > 0 && h->minor == 0)
		return fail(why, "HTTP/1.0 has no chunked transfer coding.", 400);
	if (hosts > 1)
		return fail(why, "The request has more than one Host header.", 400);
	if (hosts == 0 && h->minor == 1)
		return fail(why, "An HTTP/1.1 request must have a Host header.", 400);
	/* Fixed: "close" wins over "keep-alive" on HTTP/1.0 too (RFC 9112 9.3). */
	h->keep_alive = !closing && (h->minor == 1 || keeping);
	return 0;
}

unsigned
http_head_parse(char *head, size_t len, http_head *h, const char **why)
{
	char *p = head + skip_leading_lines(head, len), *end = head + len, *line;
	size_t n;
	unsigned rc;

	memset(h, 0, offsetof(http_head, fields));   /* 1.6 KB of fields need no zeroing */
	h->content_length = -1;
	*why = NULL;
	if (len == 0 || head[len - 1] != '\n')     /* not a head http_head_end measured: never cut past it */
		return fail(why, "The request head is incomplete.", 400);
	n = take_line(&p, end, &line);
	if ((rc = parse_request_line(line, n, h, why)) != 0)
		return rc;
	for (;;) {
		n = take_line(&p, end, &line);
		if (n == 0 && (line[0] == '\0'))
			break;                            /* the empty line (or the end) */
		if (memchr(line, '\r', n) != NULL || strlen(line) != n)
			return fail(why, "A header line has a carriage return or NUL byte inside it.", 400);
		if ((rc = parse_field(line, n, h, why)) != 0)
			return rc;
	}
	return check_fields(h, why);
}

/* ---- chunked ------------------------------------------------------------ */

enum {
	CH_SIZE,          /* hex digits of a chunk size */
	CH_SIZE_WS,       /* white space after the size: only ';' or the line end may follow */
	CH_EXT,           /* extensions up to the line end */
	CH_SIZE_CR,       /* a CR in a size line: only LF may follow */
	CH_DATA,
	CH_DATA_CR,       /* the CRLF after a chunk's data */
	CH_DATA_LF,
	CH_TRAILER,       /* a trailer line (or the final empty line) */
	CH_TRAILER_CR,    /* a CR in a trailer line: only LF may follow */
	CH_DONE,
};

void
http_chunked_init(http_chunked *c)
{
	memset(c, 0, sizeof(*c));
	c->state = CH_SIZE;
}

static int
chunk_fail(const char **why, const char *msg, int status)
{
	*why = msg;
	return status;
}

/*
 * One byte of a size line: chunk-size [ BWS ";" extensions ] CRLF.  0 to
 * go on, or a status.  White space may follow the size only before a ';'
 * ("1 0" is not sixteen).  A CR must be followed by LF: fixed, a CR was
 * skipped wherever it came, so "1\r0\r\n" was a chunk of sixteen bytes
 * to us and of one to anything that ends lines at a bare CR.
 */
static int
size_byte(http_chunked *c, char ch, const char **why)
{
	int v = pct_hexval((unsigned char)ch);

	if (++c->line > LIMIT_CHUNK_LINE)
		return chunk_fail(why, "A chunk-size line is longer than this server accepts.", 400);
	if (c->state == CH_SIZE_CR && ch != '\n')
		return chunk_fail(why, "A chunk-size line has a carriage return inside it.", 400);
	if (c->state == CH_SIZE && v >= 0) {
		if (++c->digits > 15)
			return chunk_fail(why, "A chunk size is larger than this server accepts.", 413);
		c->left = c->left * 16 + (uint64_t)v;
		return 0;
	}
	if (c->digits == 0)
		return chunk_fail(why, "A chunk does not start with its size in hexadecimal.", 400);
	if (ch == '\n') {
		c->state = c->left > 0 ? CH_DATA : CH_TRAILER;
		c->line = 0;
		return 0;
	}
	if (ch == '\r') {
		c->state = CH_SIZE_CR;
		return 0;
	}
	if (ch != '\t' && ((unsigned char)ch < 0x20 || ch == 0x7F))
		return chunk_fail(why, "A chunk-size line has a control character.", 400);
	if (c->state == CH_EXT)
		return 0;
	if (ch == ';') {
		c->state = CH_EXT;
		return 0;
	}
	if (ch == ' ' || ch == '\t') {
		c->state = CH_SIZE_WS;
		return 0;
	}
	return chunk_fail(why, "A chunk size is not hexadecimal.", 400);
}

/*
 * One byte of a trailer line.  1 when the body ends, 0 to go on, or a
 * status.  A CR must be followed by LF (fixed: one was skipped anywhere,
 * so "\r\r\r\n" ended the body and "X: a\rb" passed).
 */
static int
trailer_byte(http_chunked *c, char ch, const char **why)
{
	if (++c->trailers > LIMIT_HEADER_BYTES)
		return chunk_fail(why, "The chunked body's trailer fields are larger than this server accepts.", 431);
	if (c->state == CH_TRAILER_CR && ch != '\n')
		return chunk_fail(why, "A trailer field has a carriage return inside it.", 400);
	if (ch == '\n') {
		int empty = c->line == 0;

		c->line = 0;
		c->state = CH_TRAILER;
		if (empty) {
			c->state = CH_DONE;
			return 1;
		}
		return 0;
	}
	if (ch == '\r') {
		c->state = CH_TRAILER_CR;
		return 0;
	}
	if (((unsigned char)ch < 0x20 && ch != '\t') || ch == 0x7F)
		return chunk_fail(why, "A trailer field has a control character.", 400);
	c->line++;
	return 0;
}

int
http_chunked_decode(http_chunked *c, char *buf, size_t len, size_t *used, size_t *out, const char **why)
{
	size_t i = 0, o = 0;
	int rc = 0;

	*why = NULL;
	if (c->state == CH_DONE)
		rc = 1;                         /* fixed: with no input left this said "more" */
	while (i < len && rc == 0) {
		char ch = buf[i];

		switch (c->state) {
		case CH_SIZE:
		case CH_SIZE_WS:
		case CH_EXT:
		case CH_SIZE_CR:
			rc = size_byte(c, ch, why);
			i++;
			if (rc == 0 && c->state == CH_TRAILER)
				c->digits = 0;
			break;
		case CH_DATA: {
			size_t n = len - i < c->left ? len - i : (size_t)c->left;

			memmove(buf + o, buf + i, n);
			o += n;
			i += n;
			c->left -= n;
			if (c->left == 0)
				c->state = CH_DATA_CR;
			break;
		}
		case CH_DATA_CR:
			if (ch == '\r') {
				c->state = CH_DATA_LF;
				i++;
				break;
			}
			__attribute__((fallthrough));   /* LF alone ends the data too */
		case CH_DATA_LF:
			if (ch != '\n')
				rc = chunk_fail(why, "A chunk's data is not followed by CRLF.", 400);
			else {
				i++;
				c->state = CH_SIZE;
				c->digits = 0;
				c->line = 0;
			}
			break;
		case CH_TRAILER:
		case CH_TRAILER_CR:
			rc = trailer_byte(c, ch, why);
			i++;
			break;
		default:
			rc = 1;
			break;
		}
	}
	*used = i;
	*out = o;
	return rc;
}
