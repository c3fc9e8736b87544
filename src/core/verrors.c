/*
 * verrors.c -- collected validation errors (see verrors.h).
 *
 * Paths are few in the common case and arrive grouped (all the messages of
 * one list item come together), so a linear list with a "same as the last
 * path" shortcut serves; the LIMIT_ERROR_PATHS cap keeps the worst case
 * (100 000 bad list items) linear too, as paths past the cap are only
 * counted.
 */
#include "core/verrors.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "util/buf.h"
#include "util/xalloc.h"

typedef struct entry {
	char *path;
	char **msgs;
	size_t n_msgs;
	char **allowed;
	size_t n_allowed;
	int has_allowed;
} entry;

struct verrors {
	entry *v;
	size_t n, cap;
	size_t dropped;          /* paths past the cap */
};

verrors *
verrors_new(void)
{
	return xcalloc(1, sizeof(verrors));
}

void
verrors_free(verrors *e)
{
	if (e == NULL)
		return;
	for (size_t i = 0; i < e->n; i++) {
		for (size_t k = 0; k < e->v[i].n_msgs; k++)
			free(e->v[i].msgs[k]);
		for (size_t k = 0; k < e->v[i].n_allowed; k++)
			free(e->v[i].allowed[k]);
		free(e->v[i].msgs);
		free(e->v[i].allowed);
		free(e->v[i].path);
	}
	free(e->v);
	free(e);
}

static entry *
find(const verrors *e, const char *path)
{
	if (e->n > 0 && strcmp(e->v[e->n - 1].path, path) == 0)
		return &e->v[e->n - 1];
	if (e->n >= LIMIT_ERROR_PATHS)
		return NULL;     /* past the cap: only counted, never searched */
	for (size_t i = 0; i < e->n; i++)
		if (strcmp(e->v[i].path, path) == 0)
			return &e->v[i];
	return NULL;
}

/* The entry for path, created if there is room; NULL when dropped. */
static entry *
get(verrors *e, const char *path)
{
	entry *en = find(e, path);

	if (en != NULL)
		return en;
	if (e->n >= LIMIT_ERROR_PATHS) {
		e->dropped++;
		return NULL;
	}
	if (e->n == e->cap) {
		e->cap = e->cap ? e->cap * 2 : 8;
		e->v = xrealloc(e->v, e->cap * sizeof(entry));
	}
	en = &e->v[e->n++];
	memset(en, 0, sizeof(*en));
	en->path = xstrdup(path);
	return en;
}

void
verrors_vadd(verrors *e, const char *path, const char *fmt, va_list ap)
{
	entry *en = get(e, path);
	buf b;

	if (en == NULL)
		return;
	buf_init(&b, 4096);
	if (buf_vprintf(&b, fmt, ap) < 0)
		(void)buf_puts(&b, "this value is not valid");
	en->msgs = xrealloc(en->msgs, (en->n_msgs + 1) * sizeof(char *));
	en->msgs[en->n_msgs++] = buf_detach(&b, NULL);
}

void
verrors_add(verrors *e, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verrors_vadd(e, path, fmt, ap);
	va_end(ap);
}

void
verrors_allow(verrors *e, const char *path, const char *const *values, size_t n)
{
	entry *en = get(e, path);

	if (en == NULL || en->has_allowed)
		return;
	en->has_allowed = 1;
	en->allowed = xcalloc(n ? n : 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		en->allowed[i] = xstrdup(values[i]);
	en->n_allowed = n;
}

size_t
verrors_count(const verrors *e)
{
	return e->n + e->dropped;
}

int
verrors_has(const verrors *e, const char *path)
{
	return find(e, path) != NULL;
}

cJSON *
verrors_errors_json(const verrors *e)
{
	cJSON *o = cJSON_CreateObject();

	for (size_t i = 0; o != NULL && i < e->n; i++) {
		if (e->v[i].n_msgs == 0)
			continue;
		cJSON *a = cJSON_CreateStringArray((const char *const *)e->v[i].msgs, (int)e->v[i].n_msgs);
		cJSON_AddItemToObject(o, e->v[i].path, a);
	}
	return o;
}

cJSON *
verrors_allowed_json(const verrors *e)
{
	cJSON *o = NULL;

	for (size_t i = 0; i < e->n; i++) {
		if (!e->v[i].has_allowed)
			continue;
		if (o == NULL)
			o = cJSON_CreateObject();
		cJSON_AddItemToObject(o, e->v[i].path,
		    cJSON_CreateStringArray((const char *const *)e->v[i].allowed, (int)e->v[i].n_allowed));
	}
	return o;
}

void
verrors_summary(const verrors *e, char *out, size_t outlen)
{
	size_t total = verrors_count(e);
	buf b;

	/* One line that says it all, for clients that read only "message". */
	buf_init(&b, outlen > 4 ? outlen - 4 : 0);
	if (buf_printf(&b, "The report has %zu %s: ", total, total == 1 ? "problem" : "problems") < 0)
		goto out;
	for (size_t i = 0; i < e->n; i++) {
		const char *first = e->v[i].n_msgs > 0 ? e->v[i].msgs[0] : "not valid";

		if (buf_printf(&b, "%s%s: %s", i ? "; " : "", e->v[i].path, first) < 0) {
			snprintf(out, outlen, "%s...", buf_str(&b));
			buf_cleanup(&b);
			return;
		}
	}
	if (e->dropped > 0)
		(void)buf_printf(&b, "; and %zu more", e->dropped);
	(void)buf_putc(&b, '.');
out:
	snprintf(out, outlen, "%s", buf_str(&b));
	buf_cleanup(&b);
}
