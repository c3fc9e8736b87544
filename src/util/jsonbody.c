/*
 * jsonbody.c -- strict parsing of untrusted JSON bodies (see jsonbody.h).
 *
 * cJSON 1.7.15 builds the tree, but it takes more than RFC 8259 allows and
 * changes some of what it takes: any byte <= 0x20 is whitespace to it, raw
 * control characters pass inside strings, "\uZZZZ" reads as U+0000 and
 * "\u0000" silently cuts a string short, "01", "-.5" and "1." are numbers,
 * UTF-8 is not checked, nesting goes to 1000, duplicate names are kept, and
 * it answers NULL alike for bad text and for a failed allocation.  So a
 * body goes through three steps:
 *
 *  1. scan(): a complete RFC 8259 recogniser, iterative, whose bracket stack
 *     is bounded by max_depth.  It finds every syntax error with its byte
 *     offset, and also refuses what cJSON would alter: lone surrogate
 *     escapes, "\u0000", and numbers longer than the 63 characters upstream
 *     cJSON 1.7.15 can read.  UTF-8 is checked in the same pass: outside
 *     strings only ASCII is valid JSON, inside them each non-ASCII sequence
 *     goes through utf8_valid(); a bad byte where the scan stops is reported
 *     as UTF-8 rather than syntax.  The first problem in the body wins.
 *     (Measured on the 16 MiB body below: scan 12 ms + a separate
 *     utf8_valid() pass 5-9 ms, against 15 ms fused.)
 *  2. cJSON_ParseWithLengthOpts() builds the tree.  Everything it could
 *     refuse has been refused by then, so NULL from it means a failed
 *     allocation (JSONBODY_NOMEM); its return_parse_end is still checked.
 *     Because it never sees bad text, cJSON's global error pointer (written
 *     on every failure, from any thread) is written only when memory runs out.
 *  3. walk(): per object, the property count, name lengths (code points,
 *     after unescaping) and duplicate names (pairwise for up to 32 names, a
 *     sort beyond, so a crafted body cannot make it quadratic).  The path of
 *     a problem is put together only when one is found.
 *
 * Offsets in errors and messages count bytes from 0 at the start of the
 * body as given, a byte-order mark included.  The walk puts "body" as the
 * path of a problem with the top-level object itself.
 *
 * Measured (gcc 12 -O2, CPU time, best of 15, on a busy 2-core machine):
 * a 16.6 MiB pretty-printed report with 100 000 ipAddressList items parses
 * in 55-75 ms: scan 15, cJSON 40, walk the rest; cJSON_Delete() adds 9.
 * 16 MiB of 64-name objects with 122-character names: 76 ms.
 */
#include "jsonbody.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "utf8.h"
#include "xalloc.h"

#define NUMBER_MAX   63  /* upstream cJSON 1.7.15 copies a number into char[64] */
#define SMALL_OBJECT 32  /* up to this many names, compare them pairwise */

/* ---- errors ------------------------------------------------------------ */

static int fail(jsonbody_error *err, enum jsonbody_error_kind kind,
    size_t offset, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Fill err (kind, offset, path, message) and return -1. */
static int
fail(jsonbody_error *err, enum jsonbody_error_kind kind, size_t offset,
    const char *path, const char *fmt, ...)
{
	va_list ap;
	int n;

	err->kind = kind;
	err->offset = offset;
	if ((size_t)snprintf(err->path, sizeof err->path, "%s", path) >= sizeof err->path)
		utf8_truncate(err->path);
	va_start(ap, fmt);
	n = vsnprintf(err->message, sizeof err->message, fmt, ap);
	va_end(ap);
	if (n < 0)
		err->message[0] = '\0';
	else if ((size_t)n >= sizeof err->message)
		utf8_truncate(err->message);
	return -1;
}

/* ---- step 1: the scan -------------------------------------------------- */

struct scan {
	const unsigned char *s;
	size_t n;                /* body length */
	size_t i;                /* where the scan is */
	size_t depth;            /* open brackets */
	size_t max_depth;        /* at most CJSON_NESTING_LIMIT */
	jsonbody_error *err;
	unsigned char stack[CJSON_NESTING_LIMIT]; /* '{' or '[' per open bracket */
};

/* Length of the well-formed UTF-8 sequence at s[i] (i < n, s[i] >= 0x80), or 0. */
static size_t
utf8_at(const unsigned char *s, size_t i, size_t n)
{
	size_t len = s[i] >= 0xF0 ? 4 : s[i] >= 0xE0 ? 3 : 2;

	if (len > n - i)
		len = n - i;
	return utf8_valid((const char *)s + i, len, NULL) == 0 ? len : 0;
}

static int
not_utf8(struct scan *sc, size_t at)
{
	return fail(sc->err, JSONBODY_UTF8, at, "",
	    "the body is not valid UTF-8 (byte %zu)", at);
}

/* A syntax error at byte at; a byte there that is not UTF-8 is reported as such. */
static int
syntax(struct scan *sc, size_t at, const char *what)
{
	if (at >= sc->n)
		return fail(sc->err, JSONBODY_SYNTAX, sc->n, "",
		    "the body is not valid JSON: it ends before the JSON is complete");
	if (sc->s[at] >= 0x80 && utf8_at(sc->s, at, sc->n) == 0)
		return not_utf8(sc, at);
	return fail(sc->err, JSONBODY_SYNTAX, at, "",
	    "the body is not valid JSON near byte %zu: %s", at, what);
}

static void
skip_ws(struct scan *sc)
{
	while (sc->i < sc->n) {
		unsigned char c = sc->s[sc->i];

		if (c != ' ' && c != '\n' && c != '\r' && c != '\t')
			break;
		sc->i++;
	}
}

static int
hex4(const unsigned char *p, unsigned *out)
{
	unsigned v = 0;

	for (int k = 0; k < 4; k++) {
		unsigned c = p[k], lc = c | 0x20;

		if (c >= '0' && c <= '9')
			v = v << 4 | (c - '0');
		else if (lc >= 'a' && lc <= 'f')
			v = v << 4 | (lc - 'a' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

/* \uXXXX at sc->i (the backslash): one code point, or a surrogate pair. */
static int
scan_unicode(struct scan *sc)
{
	const unsigned char *p = sc->s + sc->i;
	size_t left = sc->n - sc->i;
	unsigned hi, lo;
	char what[96];

	if (left < 6 || hex4(p + 2, &hi) < 0)
		return syntax(sc, sc->i, "\\u must be followed by four hex digits");
	if (hi == 0)
		return syntax(sc, sc->i, "\\u0000 (a NUL character) is not accepted in a string");
	if (hi >= 0xD800 && hi <= 0xDBFF && left >= 12 && p[6] == '\\' &&
	    p[7] == 'u' && hex4(p + 8, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
		sc->i += 12;
		return 0;
	}
	if (hi >= 0xD800 && hi <= 0xDFFF) {
		(void)snprintf(what, sizeof what, "\\u%04x is half of a surrogate pair "
		    "without its other half", hi);
		return syntax(sc, sc->i, what);
	}
	sc->i += 6;
	return 0;
}

/* One escape at sc->i (the backslash). */
static int
scan_escape(struct scan *sc)
{
	if (sc->n - sc->i < 2)
		return syntax(sc, sc->n, "");
	switch (sc->s[sc->i + 1]) {
	case '"': case '\\': case '/':
	case 'b': case 'f': case 'n': case 'r': case 't':
		sc->i += 2;
		return 0;
	case 'u':
		return scan_unicode(sc);
	default:
		return syntax(sc, sc->i, "unknown escape in a string "
		    "(known: \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)");
	}
}

/*
 * 1 for the bytes a string may hold as they are: ASCII from 0x20 but '"'
 * and '\\'.  Runs of them are skipped in a tight loop before the byte-by-
 * byte cases (measured with callgrind, bench/cpu/: scan_string() went from
 * 7 200 to 4 100 instructions for a 600-byte report).
 */
static const unsigned char plain_byte[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
};

/* A string at sc->i (the opening quote), its UTF-8 included. */
static int
scan_string(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t start = sc->i, i = sc->i + 1, n = sc->n;
	char what[96];

	while (i < n) {
		unsigned char c;

		while (i < n && plain_byte[s[i]])
			i++;
		if (i == n)
			break;
		c = s[i];

		if (c == '"') {
			sc->i = i + 1;
			return 0;
		}
		if (c == '\\') {
			sc->i = i;
			if (scan_escape(sc) < 0)
				return -1;
			i = sc->i;
		} else if (c < 0x20) {
			(void)snprintf(what, sizeof what, "a control character (0x%02X) "
			    "inside a string must be escaped", c);
			return syntax(sc, i, what);
		} else if (c < 0x80) {
			i++;
		} else {
			size_t k = utf8_at(s, i, n);

			if (k == 0)
				return not_utf8(sc, i);
			i += k;
		}
	}
	return syntax(sc, start, "a string that starts here is not closed");
}

static size_t
digits(const unsigned char *s, size_t i, size_t n)
{
	while (i < n && s[i] >= '0' && s[i] <= '9')
		i++;
	return i;
}

static int
is_digit_at(const struct scan *sc, size_t i)
{
	return i < sc->n && sc->s[i] >= '0' && sc->s[i] <= '9';
}

/* A number at sc->i, by RFC 8259's grammar; anything else is "expected a value". */
static int
scan_number(struct scan *sc)
{
	const unsigned char *s = sc->s;
	size_t start = sc->i, i = sc->i, n = sc->n;

	if (i < n && s[i] == '-')
		i++;
	if (!is_digit_at(sc, i))
		return syntax(sc, start, i == start ? "expected a value" : "not a valid number");
	i = s[i] == '0' ? i + 1 : digits(s, i, n);
	if (i < n && s[i] == '.') {
		if (!is_digit_at(sc, ++i))
			return syntax(sc, start, "not a valid number");
		i = digits(s, i, n);
	}
	if (i < n && (s[i] | 0x20) == 'e') {
		if (++i < n && (s[i] == '+' || s[i] == '-'))
			i++;
		if (!is_digit_at(sc, i))
			return syntax(sc, start, "not a valid number");
		i = digits(s, i, n);
	}
	if (i < n && memchr("0123456789.eE+-", s[i], 15) != NULL)
		return syntax(sc, start, "not a valid number (no leading zeros, "
		    "digits on both sides of '.')");
	if (i - start > NUMBER_MAX)
		return syntax(sc, start, "a number longer than 63 characters is not accepted");
	sc->i = i;
	return 0;
}

static int
scan_literal(struct scan *sc, const char *word, size_t len)
{
	for (size_t k = 0; k < len; k++)
		if (sc->i + k >= sc->n || sc->s[sc->i + k] != (unsigned char)word[k])
			return syntax(sc, sc->i + k, "expected a value");
	sc->i += len;
	return 0;
}

/* A property name and its colon, after '{' or an object's ','. */
static int
scan_name(struct scan *sc)
{
	skip_ws(sc);
	if (sc->i >= sc->n || sc->s[sc->i] != '"')
		return syntax(sc, sc->i, "expected a property name in double quotes");
	if (scan_string(sc) < 0)
		return -1;
	skip_ws(sc);
	if (sc->i >= sc->n || sc->s[sc->i] != ':')
		return syntax(sc, sc->i, "expected ':' after a property name");
	sc->i++;
	return 0;
}

/*
 * '{' or '[' at sc->i.  1 when a value must follow, 0 when the bracket is
 * closed at once (scan_after() closes it), -1 on error.
 */
static int
scan_open(struct scan *sc)
{
	unsigned char c = sc->s[sc->i];

	if (sc->depth >= sc->max_depth)
		return fail(sc->err, JSONBODY_DEPTH, sc->i, "",
		    "objects and lists may be nested at most %zu deep; "
		    "the body goes deeper at byte %zu", sc->max_depth, sc->i);
	sc->stack[sc->depth++] = c;
	sc->i++;
	skip_ws(sc);
	if (sc->i < sc->n && sc->s[sc->i] == (c == '{' ? '}' : ']'))
		return 0;
	if (c == '[')
		return 1;
	return scan_name(sc) < 0 ? -1 : 1;
}

/* One value, or the opening of a container: as scan_open(). */
static int
scan_value(struct scan *sc)
{
	skip_ws(sc);
	if (sc->i >= sc->n)
		return syntax(sc, sc->i, "expected a value");
	switch (sc->s[sc->i]) {
	case '{': case '[':
		return scan_open(sc);
	case '"':
		return scan_string(sc);
	case 't':
		return scan_literal(sc, "true", 4);
	case 'f':
		return scan_literal(sc, "false", 5);
	case 'n':
		return scan_literal(sc, "null", 4);
	default:
		return scan_number(sc);
	}
}

/*
 * After a value: close brackets, then find the next value (1), or the end
 * of the body with only whitespace left (0), or an error (-1).
 */
static int
scan_after(struct scan *sc)
{
	for (;;) {
		unsigned char open, c;

		skip_ws(sc);
		if (sc->depth == 0)
			return sc->i == sc->n ? 0 :
			    syntax(sc, sc->i, "unexpected text after the JSON value");
		if (sc->i >= sc->n)
			return syntax(sc, sc->n, "");
		open = sc->stack[sc->depth - 1];
		c = sc->s[sc->i];
		if (c == (open == '{' ? '}' : ']')) {
			sc->depth--;
			sc->i++;
			continue;
		}
		if (c != ',')
			return syntax(sc, sc->i, open == '{' ?
			    "expected ',' or '}'" : "expected ',' or ']'");
		sc->i++;
		if (open == '{' && scan_name(sc) < 0)
			return -1;
		return 1;
	}
}

/* Check body[start..len) is one JSON value and nothing else. */
static int
scan(const char *body, size_t len, size_t start, size_t max_depth, jsonbody_error *err)
{
	struct scan sc;
	int rc;

	sc.s = (const unsigned char *)body;
	sc.n = len;
	sc.i = start;
	sc.depth = 0;
	sc.max_depth = max_depth < CJSON_NESTING_LIMIT ? max_depth : CJSON_NESTING_LIMIT;
	sc.err = err;
	for (;;) {
		rc = scan_value(&sc);
		if (rc < 0)
			return -1;
		if (rc == 1)
			continue;
		rc = scan_after(&sc);
		if (rc <= 0)
			return rc;
	}
}

/* ---- step 3: the walk -------------------------------------------------- */

/* One step of a path, on the C stack: a property name, or an index if name is NULL. */
struct seg {
	const struct seg *up;
	const char *name;
	size_t index;
};

struct named {
	const char *name;
	size_t pos;
};

struct walk {
	size_t max_props;
	jsonbody_error *err;
	struct named *tmp;       /* names of a large object, for sorting */
	size_t tmpcap;
};

static void
render(const struct seg *sg, char *dst, size_t size, size_t *len)
{
	int n;

	if (sg == NULL)
		return;
	render(sg->up, dst, size, len);
	if (*len + 1 >= size)
		return;
	if (sg->name != NULL)
		n = snprintf(dst + *len, size - *len, "%s%s", *len > 0 ? "." : "", sg->name);
	else
		n = snprintf(dst + *len, size - *len, "[%zu]", sg->index);
	if (n < 0)
		return;
	*len = (size_t)n >= size - *len ? size - 1 : *len + (size_t)n;
}

/* The path of at (and name under it, if not NULL); "body" for the top level. */
static void
path_of(const struct seg *at, const char *name, char *dst, size_t size)
{
	struct seg leaf = { at, name, 0 };
	size_t len = 0;

	dst[0] = '\0';
	render(name != NULL ? &leaf : at, dst, size, &len);
	if (len == size - 1)
		utf8_truncate(dst);
	if (dst[0] == '\0')
		(void)snprintf(dst, size, "body");
}

static int
too_many_props(struct walk *w, const struct seg *at)
{
	char path[sizeof w->err->path];

	path_of(at, NULL, path, sizeof path);
	if (at == NULL)
		return fail(w->err, JSONBODY_PROPS, 0, path,
		    "the body has more than %zu properties", w->max_props);
	return fail(w->err, JSONBODY_PROPS, 0, path,
	    "'%s' has more than %zu properties", path, w->max_props);
}

static int
name_too_long(struct walk *w, const struct seg *at)
{
	char path[sizeof w->err->path];

	path_of(at, NULL, path, sizeof path);
	if (at == NULL)
		return fail(w->err, JSONBODY_KEY_LENGTH, 0, path,
		    "a property name is longer than %u characters", LIMIT_KEY_CHARS);
	return fail(w->err, JSONBODY_KEY_LENGTH, 0, path,
	    "a property name in '%s' is longer than %u characters", path, LIMIT_KEY_CHARS);
}

static int
duplicate(struct walk *w, const struct seg *at, const char *name)
{
	char path[sizeof w->err->path];

	path_of(at, name, path, sizeof path);
	return fail(w->err, JSONBODY_DUPLICATE, 0, path,
	    "'%s' appears twice in the same object", name);
}

static int
cmp_named(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;
	int c = strcmp(a->name, b->name);

	if (c != 0)
		return c;
	return (a->pos > b->pos) - (a->pos < b->pos);
}

/* Duplicates among the k names of obj, by sorting; the first repeat in the body wins. */
static int
dups_sorted(struct walk *w, const cJSON *obj, size_t k, const struct seg *at)
{
	const struct named *found = NULL;
	size_t i = 0;

	if (k > w->tmpcap) {
		w->tmp = xrealloc(w->tmp, k * sizeof *w->tmp);
		w->tmpcap = k;
	}
	for (const cJSON *c = obj->child; c != NULL; c = c->next, i++) {
		w->tmp[i].name = c->string;
		w->tmp[i].pos = i;
	}
	qsort(w->tmp, k, sizeof *w->tmp, cmp_named);
	for (i = 1; i < k; i++)
		if (strcmp(w->tmp[i - 1].name, w->tmp[i].name) == 0 &&
		    (found == NULL || w->tmp[i].pos < found->pos))
			found = &w->tmp[i];
	return found != NULL ? duplicate(w, at, found->name) : 0;
}

/*
 * Pairwise, the first byte compared before strcmp: check_object() on a
 * 600-byte report's three objects (17, 2 and 1 names) went from 5 800
 * instructions, sorting with qsort, to 1 950 (measured with callgrind,
 * bench/cpu/).  At most SMALL_OBJECT^2/2 comparisons.
 */
static int
dups_small(struct walk *w, const cJSON *obj, const struct seg *at)
{
	for (const cJSON *c = obj->child; c != NULL; c = c->next)
		for (const cJSON *p = obj->child; p != c; p = p->next)
			if (p->string[0] == c->string[0] && strcmp(p->string, c->string) == 0)
				return duplicate(w, at, c->string);
	return 0;
}

static int
check_object(struct walk *w, const cJSON *obj, const struct seg *at)
{
	size_t k = 0, len;

	for (const cJSON *c = obj->child; c != NULL; c = c->next) {
		assert(c->string != NULL);
		if (++k > w->max_props)
			return too_many_props(w, at);
		len = strlen(c->string);
		if (len > LIMIT_KEY_CHARS && utf8_count(c->string, len) > LIMIT_KEY_CHARS)
			return name_too_long(w, at);
	}
	return k <= SMALL_OBJECT ? dups_small(w, obj, at) : dups_sorted(w, obj, k, at);
}

/* Check node (at path at) and the containers inside it. */
static int
walk(struct walk *w, const cJSON *node, const struct seg *at)
{
	struct seg here = { at, NULL, 0 };
	int is_object = cJSON_IsObject(node);

	if (is_object && check_object(w, node, at) < 0)
		return -1;
	for (const cJSON *c = node->child; c != NULL; c = c->next, here.index++) {
		if (!cJSON_IsObject(c) && !cJSON_IsArray(c))
			continue;
		here.name = is_object ? c->string : NULL;
		if (walk(w, c, &here) < 0)
			return -1;
	}
	return 0;
}

/* ---- the API ----------------------------------------------------------- */

/* Offset of the first byte after a leading BOM and JSON whitespace. */
static size_t
skip_lead(const char *body, size_t len)
{
	size_t i = 0;

	if (len >= 3 && memcmp(body, "\xEF\xBB\xBF", 3) == 0)
		i = 3;
	while (i < len && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r'))
		i++;
	return i;
}

/* Step 2: the scan has accepted body[start..len); build the tree. */
static int
build(const char *body, size_t len, size_t start, cJSON **out, jsonbody_error *err)
{
	const char *end = NULL;
	cJSON *root = cJSON_ParseWithLengthOpts(body + start, len - start, &end, 0);
	size_t at;

	if (root == NULL)
		return fail(err, JSONBODY_NOMEM, 0, "", "out of memory while reading the body");
	at = end != NULL ? (size_t)(end - body) : start;
	while (at < len && (body[at] == ' ' || body[at] == '\t' || body[at] == '\n' || body[at] == '\r'))
		at++;
	if (at != len) {
		cJSON_Delete(root);
		return fail(err, JSONBODY_SYNTAX, at, "",
		    "the body is not valid JSON near byte %zu", at);
	}
	*out = root;
	return 0;
}

int
jsonbody_parse(const char *body, size_t len, const jsonbody_limits *lim,
    cJSON **out, jsonbody_error *err)
{
	jsonbody_error spare;
	struct walk w = { 0, NULL, NULL, 0 };
	size_t start;
	cJSON *root = NULL;
	int rc;

	assert(lim != NULL && out != NULL);
	if (err == NULL)
		err = &spare;
	start = skip_lead(body, len);
	if (start == len)
		return fail(err, JSONBODY_EMPTY, start, "", "the body is empty");
	if (scan(body, len, start, lim->max_depth, err) < 0)
		return -1;
	if (build(body, len, start, &root, err) < 0)
		return -1;
	w.max_props = lim->max_props;
	w.err = err;
	rc = walk(&w, root, NULL);
	free(w.tmp);
	if (rc < 0) {
		cJSON_Delete(root);
		return -1;
	}
	*out = root;
	return 0;
}

int
jsonbody_looks_like_json(const char *body, size_t len)
{
	size_t i = skip_lead(body, len);

	return i < len && body[i] == '{';
}
