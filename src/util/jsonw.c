/*
 * jsonw.c -- the streaming JSON writer (see jsonw.h).
 *
 * Matching cJSON 1.7.15's printer byte for byte is the contract: answers
 * written here were printed by cJSON before, and the developer page's
 * examples and the end-to-end tests compare bytes.  tests/unit/util/jsonw.c
 * checks every byte value and the number edges against cJSON itself.
 */
#include "util/jsonw.h"

#include <assert.h>
#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
jsonw_init(jsonw *w, buf *b)
{
	w->b = b;
	w->depth = 0;
	w->has_member = 0;
	w->failed = 0;
}

static void
put(jsonw *w, const char *p, size_t n)
{
	if (!w->failed && buf_append(w->b, p, n) < 0)
		w->failed = 1;
}

/*
 * What cJSON adds to a byte when it escapes it: 1 for \" \\ \b \f \n \r
 * \t, 5 for the other bytes below 0x20 (\u00xx), 0 for every other byte.
 */
static const unsigned char escape_extra[256] = {
	5, 5, 5, 5, 5, 5, 5, 5, 1, 1, 1, 5, 1, 1, 5, 5,
	5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5,
	0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0,
};

/* A string measured for writing: its bytes and the length of its quoted, escaped form. */
typedef struct measured {
	const unsigned char *s;
	size_t n;
	size_t quoted;
} measured;

static void
measure(measured *t, const char *s)
{
	size_t extra = 0;

	t->s = (const unsigned char *)s;
	t->n = strlen(s);
	for (size_t i = 0; i < t->n; i++)
		extra += escape_extra[t->s[i]];
	t->quoted = t->n + extra + 2;
}

/* One escaped byte at o, as cJSON writes it (\u and four lower-case hex digits for the long form). */
static char *
put_escape(char *o, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	static const char short_form[] = {
		['"'] = '"', ['\\'] = '\\', ['\b'] = 'b', ['\f'] = 'f', ['\n'] = 'n', ['\r'] = 'r', ['\t'] = 't',
	};

	*o++ = '\\';
	if (escape_extra[c] == 1) {
		*o++ = short_form[c];
		return o;
	}
	memcpy(o, "u00", 3);
	o[3] = hex[c >> 4];
	o[4] = hex[c & 15];
	return o + 5;
}

/* t quoted and escaped at o (room for t->quoted bytes); the end. */
static char *
put_text(char *o, const measured *t)
{
	*o++ = '"';
	if (t->quoted == t->n + 2) {
		memcpy(o, t->s, t->n);
		o += t->n;
	} else {
		for (size_t i = 0; i < t->n; i++) {
			if (escape_extra[t->s[i]] == 0)
				*o++ = (char)t->s[i];
			else
				o = put_escape(o, t->s[i]);
		}
	}
	*o++ = '"';
	return o;
}

/*
 * Room for a value of value_len bytes with its separator and name before
 * it, which are written: where the value goes, or NULL when the writer has
 * failed.  The value is counted with done().  One reservation per value
 * (measured: an append per piece cost twice as much).
 */
static char *
lead(jsonw *w, const char *key, size_t value_len)
{
	uint32_t bit = (uint32_t)1 << w->depth;
	size_t comma = (w->has_member & bit) != 0;
	size_t need = comma + value_len;
	measured k;
	char *o;

	if (w->failed)
		return NULL;
	if (key != NULL) {
		measure(&k, key);
		need += k.quoted + 1;
	}
	if ((o = buf_reserve(w->b, need)) == NULL) {
		w->failed = 1;
		return NULL;
	}
	w->has_member |= bit;
	if (comma)
		*o++ = ',';
	if (key != NULL) {
		o = put_text(o, &k);
		*o++ = ':';
	}
	return o;
}

/* Count what was written from lead()'s reservation up to end. */
static void
done(jsonw *w, const char *end)
{
	buf_commit(w->b, (size_t)(end - (w->b->ptr + w->b->len)));
}

/* A value already in its final form, after its separator and name. */
static void
put_value(jsonw *w, const char *key, const char *v, size_t n)
{
	char *o = lead(w, key, n);

	if (o == NULL)
		return;
	memcpy(o, v, n);
	done(w, o + n);
}

static void
open_container(jsonw *w, const char *key, char c)
{
	assert(w->depth + 1 < JSONW_DEPTH_MAX);
	put_value(w, key, &c, 1);
	w->depth++;
	w->has_member &= ~((uint32_t)1 << w->depth);
}

static void
close_container(jsonw *w, char c)
{
	assert(w->depth > 0);
	w->depth--;
	put(w, &c, 1);
}

void
jsonw_object_begin(jsonw *w, const char *key)
{
	open_container(w, key, '{');
}

void
jsonw_object_end(jsonw *w)
{
	close_container(w, '}');
}

void
jsonw_array_begin(jsonw *w, const char *key)
{
	open_container(w, key, '[');
}

void
jsonw_array_end(jsonw *w)
{
	close_container(w, ']');
}

void
jsonw_string(jsonw *w, const char *key, const char *s)
{
	measured v;
	char *o;

	measure(&v, s);
	if ((o = lead(w, key, v.quoted)) != NULL)
		done(w, put_text(o, &v));
}

/*
 * cJSON prints (double)v with "%1.15g", and with "%1.17g" when that does
 * not read back as the same double.  Below 10^15 in magnitude "%1.15g" of
 * an integer is its plain digits, so those are written by hand; beyond,
 * cJSON's own steps are repeated (its compare_double included).
 */
static double
magnitude(double x)
{
	return x < 0 ? -x : x;
}

/* v's text as cJSON prints it into text[32]; its length. */
static size_t
format_int(long long v, char *text)
{
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	char digits[24];
	size_t i = sizeof(digits), n;
	double d, back;

	if (u < 1000000000000000ull) {
		do
			digits[--i] = (char)('0' + u % 10);
		while ((u /= 10) != 0);
		if (v < 0)
			digits[--i] = '-';
		n = sizeof(digits) - i;
		memcpy(text, digits + i, n);
		return n;
	}
	d = (double)v;
	(void)snprintf(text, 32, "%1.15g", d);
	back = strtod(text, NULL);
	if (magnitude(back - d) > (magnitude(back) > magnitude(d) ? magnitude(back) : magnitude(d)) * DBL_EPSILON)
		(void)snprintf(text, 32, "%1.17g", d);
	return strlen(text);
}

void
jsonw_int(jsonw *w, const char *key, long long v)
{
	char text[32];

	put_value(w, key, text, format_int(v, text));
}

void
jsonw_bool(jsonw *w, const char *key, int v)
{
	if (v)
		put_value(w, key, "true", 4);
	else
		put_value(w, key, "false", 5);
}

void
jsonw_raw(jsonw *w, const char *key, const char *json)
{
	put_value(w, key, json, strlen(json));
}

int
jsonw_finish(const jsonw *w)
{
	return w->failed || w->depth != 0 ? -1 : 0;
}
