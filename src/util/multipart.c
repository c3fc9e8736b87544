/*
 * multipart.c -- multipart/form-data bodies into parts (see multipart.h).
 *
 * The body is walked once, front to back:
 *
 *   [preamble] "--" boundary [padding] CRLF        first delimiter
 *     header lines CRLF ... CRLF                     one part's headers
 *     data                                           up to the next CRLF "--" boundary
 *   CRLF "--" boundary [padding] CRLF                next part, or
 *   CRLF "--" boundary "--" [epilogue]               the end
 *
 * Each delimiter is found with memmem() (glibc's is linear for needles of
 * this length), each header block is bounded before it is read, and a part
 * becomes a set of slices into the body: nothing is copied or allocated, so
 * the work is O(body) whatever the input, and a malformed body costs no
 * more than a well-formed one.  The first problem found is reported, with
 * the offset where it is and, once known, the name of the field.
 */
#include "util/multipart.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define MEDIA_TYPE "multipart/form-data"

/* Walking state. */
struct walk {
	const char *body;
	size_t len;
	char delim[MULTIPART_BOUNDARY_MAX + 5];   /* CR LF "--" boundary */
	size_t dlen;                              /* with the CR LF */
	const multipart_limits *lim;
	multipart_error *err;
	size_t fields_bytes;
	size_t files;
};

static int fail(multipart_error *err, enum multipart_error_kind kind, size_t offset,
    const char *name, size_t name_len, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Fill err; name[0..name_len) is kept when it is printable ASCII. */
static int
fail(multipart_error *err, enum multipart_error_kind kind, size_t offset,
    const char *name, size_t name_len, const char *fmt, ...)
{
	va_list ap;
	size_t i;

	err->kind = kind;
	err->offset = offset;
	for (i = 0; name != NULL && i < name_len && i + 1 < sizeof err->name; i++) {
		if (name[i] < 0x20 || name[i] > 0x7e)
			break;
		err->name[i] = name[i];
	}
	err->name[name != NULL && i == name_len ? i : 0] = '\0';
	va_start(ap, fmt);
	if (vsnprintf(err->message, sizeof err->message, fmt, ap) < 0)
		err->message[0] = '\0';
	va_end(ap);
	return -1;
}

/* ---- the boundary -------------------------------------------------------- */

static int
is_ows(char c)
{
	return c == ' ' || c == '\t';
}

/* RFC 2046 bcharsnospace, and the space (not last). */
static int
is_bchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("'()+_,-./:=? ", c) != NULL);
}

/* RFC 9110 tchar, for parameter names and unquoted values. */
static int
is_tchar(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Check and copy a boundary value of n bytes. */
static int
take_boundary(const char *v, size_t n, char *out, size_t outlen, multipart_error *err)
{
	if (n == 0)
		return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0, "the Content-Type's boundary is empty");
	if (n > MULTIPART_BOUNDARY_MAX)
		return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
		    "the Content-Type's boundary is %zu characters long; at most %d are allowed",
		    n, MULTIPART_BOUNDARY_MAX);
	for (size_t i = 0; i < n; i++)
		if (!is_bchar(v[i]) || (v[i] == ' ' && i + 1 == n))
			return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
			    "the Content-Type's boundary has a character a boundary may not have");
	if (n >= outlen)
		return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0, "the Content-Type's boundary is too long");
	memcpy(out, v, n);
	out[n] = '\0';
	return 0;
}

/* One parameter "name=value" at s; *end is set after it.  1 boundary taken, 0 another, -1 error. */
static int
boundary_param(const char *s, const char **end, char *out, size_t outlen, multipart_error *err)
{
	const char *p = s, *v;
	size_t nlen, vlen;

	while (is_tchar(*p))
		p++;
	nlen = (size_t)(p - s);
	if (nlen == 0 || *p != '=')
		return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
		    "the Content-Type's parameters are not name=value pairs");
	v = ++p;
	if (*p == '"') {
		v = ++p;
		while (*p != '\0' && *p != '"')
			p++;
		if (*p != '"')
			return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
			    "the Content-Type has a quoted parameter without its closing quote");
		vlen = (size_t)(p++ - v);
	} else {
		while (is_tchar(*p))
			p++;
		vlen = (size_t)(p - v);
	}
	*end = p;
	if (nlen != 8 || strncasecmp(s, "boundary", 8) != 0)
		return 0;
	return take_boundary(v, vlen, out, outlen, err) < 0 ? -1 : 1;
}

int
multipart_boundary(const char *content_type, char *out, size_t outlen, multipart_error *err)
{
	const char *p = content_type;
	size_t mlen = sizeof MEDIA_TYPE - 1;
	int found = 0;

	assert(out != NULL && err != NULL && outlen > MULTIPART_BOUNDARY_MAX);
	if (p == NULL || strncasecmp(p, MEDIA_TYPE, mlen) != 0 ||
	    (p[mlen] != '\0' && p[mlen] != ';' && !is_ows(p[mlen])))
		return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
		    "the Content-Type is not multipart/form-data");
	for (p += mlen; *p != '\0';) {
		int rc;

		while (is_ows(*p))
			p++;
		if (*p == '\0')
			break;
		if (*p++ != ';')
			return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
			    "the Content-Type's parameters must be separated by ';'");
		while (is_ows(*p))
			p++;
		if (*p == '\0')
			break;
		rc = boundary_param(p, &p, out, outlen, err);
		if (rc < 0)
			return -1;
		if (rc == 1 && found++)
			return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
			    "the Content-Type gives the boundary twice");
	}
	if (!found)
		return fail(err, MULTIPART_BOUNDARY, 0, NULL, 0,
		    "the Content-Type multipart/form-data has no boundary parameter");
	return 0;
}

/* ---- part headers -------------------------------------------------------- */

/* Skip optional whitespace in v[*i..n). */
static void
skip_ows(const char *v, size_t n, size_t *i)
{
	while (*i < n && is_ows(v[*i]))
		(*i)++;
}

/* One disposition parameter's value at v[*i..n): quoted or a token. */
static int
param_value(const char *v, size_t n, size_t *i, const char **out, size_t *outlen)
{
	size_t start;

	if (*i < n && v[*i] == '"') {
		const char *q = memchr(v + *i + 1, '"', n - *i - 1);

		if (q == NULL)
			return -1;
		*out = v + *i + 1;
		*outlen = (size_t)(q - *out);
		*i = (size_t)(q - v) + 1;
		return 0;
	}
	start = *i;
	while (*i < n && is_tchar(v[*i]))
		(*i)++;
	*out = v + start;
	*outlen = *i - start;
	return *outlen > 0 ? 0 : -1;
}

/* Set the slot (name or filename) once; -1 if it was set already. */
static int
set_once(const char **slot, size_t *slot_len, const char *v, size_t n)
{
	if (*slot != NULL)
		return -1;
	*slot = v;
	*slot_len = n;
	return 0;
}

/* "form-data; name=\"x\"; filename=\"y\"" into p; at is the offset of v in the body. */
static int
disposition(struct walk *w, const char *v, size_t n, multipart_part *p)
{
	size_t i = 9, at = (size_t)(v - w->body);

	if (n < 9 || strncasecmp(v, "form-data", 9) != 0 || (n > 9 && v[9] != ';' && !is_ows(v[9])))
		return fail(w->err, MULTIPART_SYNTAX, at, NULL, 0,
		    "a part's Content-Disposition must be form-data");
	for (;;) {
		const char *pn, *pv;
		size_t pnlen, pvlen;
		int rc = 0;

		skip_ows(v, n, &i);
		if (i == n)
			return 0;
		if (v[i++] != ';')
			return fail(w->err, MULTIPART_SYNTAX, at + i - 1, NULL, 0,
			    "a part's Content-Disposition parameters must be separated by ';'");
		skip_ows(v, n, &i);
		for (pn = v + i; i < n && is_tchar(v[i]); i++)
			;
		pnlen = (size_t)(v + i - pn);
		if (pnlen == 0 || i == n || v[i++] != '=' || param_value(v, n, &i, &pv, &pvlen) < 0)
			return fail(w->err, MULTIPART_SYNTAX, at + i, NULL, 0,
			    "a part's Content-Disposition has a parameter that is not name=value or name=\"value\"");
		if (pnlen == 4 && strncasecmp(pn, "name", 4) == 0)
			rc = set_once(&p->name, &p->name_len, pv, pvlen);
		else if (pnlen == 8 && strncasecmp(pn, "filename", 8) == 0)
			rc = set_once(&p->filename, &p->filename_len, pv, pvlen);
		if (rc < 0)
			return fail(w->err, MULTIPART_SYNTAX, at, NULL, 0,
			    "a part's Content-Disposition gives %.*s twice", (int)pnlen, pn);
	}
}

/* Trim OWS around s[0..*n). */
static const char *
trim(const char *s, size_t *n)
{
	while (*n > 0 && is_ows(s[0]))
		s++, (*n)--;
	while (*n > 0 && is_ows(s[*n - 1]))
		(*n)--;
	return s;
}

/* One header line body[ls..le) of part p. */
static int
header_line(struct walk *w, size_t ls, size_t le, multipart_part *p, int *have_cd)
{
	const char *line = w->body + ls, *colon, *name, *value;
	size_t n = le - ls, nlen, vlen;

	if (is_ows(line[0]))
		return fail(w->err, MULTIPART_SYNTAX, ls, NULL, 0,
		    "a part's header line is folded onto the next line; folding is not allowed");
	for (size_t i = 0; i < n; i++)
		if (line[i] == '\r' || line[i] == '\n' || line[i] == '\0')
			return fail(w->err, MULTIPART_SYNTAX, ls + i, NULL, 0,
			    "a part's header line holds a bare CR, LF or NUL");
	colon = memchr(line, ':', n);
	if (colon == NULL)
		return fail(w->err, MULTIPART_SYNTAX, ls, NULL, 0, "a part's header line has no ':'");
	nlen = (size_t)(colon - line);
	vlen = n - nlen - 1;
	name = trim(line, &nlen);
	value = trim(colon + 1, &vlen);
	if (nlen == 19 && strncasecmp(name, "Content-Disposition", 19) == 0) {
		if ((*have_cd)++)
			return fail(w->err, MULTIPART_SYNTAX, ls, NULL, 0,
			    "a part has two Content-Disposition headers");
		return disposition(w, value, vlen, p);
	}
	if (nlen == 12 && strncasecmp(name, "Content-Type", 12) == 0) {
		if (p->type != NULL)
			return fail(w->err, MULTIPART_SYNTAX, ls, NULL, 0, "a part has two Content-Type headers");
		p->type = value;
		p->type_len = vlen;
	}
	return 0;
}

/* The headers of a part starting at *pos, up to and past the empty line. */
static int
headers(struct walk *w, size_t *pos, multipart_part *p)
{
	size_t start = *pos, i = *pos;
	size_t room = w->len - start < w->lim->max_header_bytes ? w->len - start : w->lim->max_header_bytes;
	int have_cd = 0;

	for (;;) {
		const char *crlf = memmem(w->body + i, start + room - i, "\r\n", 2);

		if (crlf == NULL)
			return room < w->lim->max_header_bytes ?
			    fail(w->err, MULTIPART_SYNTAX, i, NULL, 0, "the body ends inside a part's headers") :
			    fail(w->err, MULTIPART_HEADER_TOO_LARGE, start, NULL, 0,
				"a part's headers are longer than %zu bytes", w->lim->max_header_bytes);
		if ((size_t)(crlf - w->body) == i)
			break;
		if (header_line(w, i, (size_t)(crlf - w->body), p, &have_cd) < 0)
			return -1;
		i = (size_t)(crlf - w->body) + 2;
	}
	*pos = i + 2;
	if (!have_cd || p->name == NULL || p->name_len == 0)
		return fail(w->err, MULTIPART_SYNTAX, start, NULL, 0,
		    "a part has no Content-Disposition: form-data with a name");
	return 0;
}

/* ---- the parts ----------------------------------------------------------- */

/* After a delimiter at pos (pointing past the boundary): 1 closing, 0 another part follows at *next. */
static int
after_delimiter(struct walk *w, size_t pos, size_t *next)
{
	if (w->len - pos >= 2 && w->body[pos] == '-' && w->body[pos + 1] == '-')
		return 1;
	while (pos < w->len && is_ows(w->body[pos]))
		pos++;
	if (w->len - pos < 2 || w->body[pos] != '\r' || w->body[pos + 1] != '\n')
		return fail(w->err, MULTIPART_SYNTAX, pos, NULL, 0, pos >= w->len ?
		    "the body ends before the closing boundary" :
		    "a boundary line has other text after the boundary");
	*next = pos + 2;
	return 0;
}

static int
check_bounds(struct walk *w, const multipart_part *p, size_t at)
{
	if (p->filename != NULL) {
		if (++w->files > w->lim->max_files)
			return fail(w->err, MULTIPART_FILES, at, p->name, p->name_len,
			    "the form holds more than %zu file%s", w->lim->max_files,
			    w->lim->max_files == 1 ? "" : "s");
		return 0;
	}
	if (p->data_len > w->lim->max_field_bytes)
		return fail(w->err, MULTIPART_FIELD_TOO_LARGE, at, p->name, p->name_len,
		    "the field '%.*s' is larger than %zu bytes", (int)(p->name_len < 100 ? p->name_len : 100),
		    p->name, w->lim->max_field_bytes);
	w->fields_bytes += p->data_len;
	if (w->fields_bytes > w->lim->max_fields_bytes)
		return fail(w->err, MULTIPART_FIELD_TOO_LARGE, at, NULL, 0,
		    "the form's fields are larger than %zu bytes together", w->lim->max_fields_bytes);
	return 0;
}

/* The first delimiter: at the start, or after a preamble; *pos is set past the boundary. */
static int
first_delimiter(struct walk *w, size_t *pos)
{
	const char *d;

	if (w->len == 0)
		return fail(w->err, MULTIPART_SYNTAX, 0, NULL, 0, "the body is empty");
	if (w->len >= w->dlen - 2 && memcmp(w->body, w->delim + 2, w->dlen - 2) == 0) {
		*pos = w->dlen - 2;
		return 0;
	}
	d = memmem(w->body, w->len, w->delim, w->dlen);
	if (d == NULL)
		return fail(w->err, MULTIPART_SYNTAX, 0, NULL, 0,
		    "the body does not hold the boundary its Content-Type names");
	*pos = (size_t)(d - w->body) + w->dlen;
	return 0;
}

/* The part whose headers start at start: into *p; *pos is set past the delimiter after it. */
static int
one_part(struct walk *w, size_t start, multipart_part *p, size_t *pos)
{
	const char *end;

	if (headers(w, &start, p) < 0)
		return -1;
	end = memmem(w->body + start, w->len - start, w->delim, w->dlen);
	if (end == NULL)
		return fail(w->err, MULTIPART_SYNTAX, w->len, p->name, p->name_len,
		    "the body ends before the closing boundary");
	p->data = w->body + start;
	p->data_len = (size_t)(end - p->data);
	if (check_bounds(w, p, start) < 0)
		return -1;
	*pos = (size_t)(end - w->body) + w->dlen;
	return 0;
}

int
multipart_parse(const char *body, size_t len, const char *boundary,
    const multipart_limits *lim, multipart_part *parts, size_t *n_parts, multipart_error *err)
{
	struct walk w = { .body = body, .len = len, .lim = lim, .err = err };
	size_t blen = strlen(boundary), pos = 0, n = 0;

	assert(lim != NULL && parts != NULL && n_parts != NULL && err != NULL);
	assert(blen > 0 && blen <= MULTIPART_BOUNDARY_MAX && (body != NULL || len == 0));
	err->kind = MULTIPART_OK;
	memcpy(w.delim, "\r\n--", 4);
	memcpy(w.delim + 4, boundary, blen);
	w.dlen = blen + 4;
	if (first_delimiter(&w, &pos) < 0)
		return -1;
	for (;;) {
		multipart_part p = { 0 };
		size_t start = 0;
		int rc = after_delimiter(&w, pos, &start);

		if (rc < 0)
			return -1;
		if (rc == 1)
			break;
		if (n == lim->max_parts)
			return fail(err, MULTIPART_TOO_MANY, start, NULL, 0,
			    "the form has more than %zu parts", lim->max_parts);
		if (one_part(&w, start, &p, &pos) < 0)
			return -1;
		parts[n++] = p;
	}
	*n_parts = n;
	return 0;
}
