/*
 * buf.c -- bounded growable buffer (see buf.h).
 */
#include "buf.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void
buf_init(buf *b, size_t max)
{
	b->ptr = NULL;
	b->len = 0;
	b->cap = 0;
	b->max = max;
}

void
buf_cleanup(buf *b)
{
	if (b == NULL)
		return;
	free(b->ptr);
	b->ptr = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(buf *b)
{
	b->len = 0;
	if (b->ptr != NULL)
		b->ptr[0] = '\0';
}

/* Make room for n more bytes plus the terminating NUL. */
static int
grow(buf *b, size_t n)
{
	size_t need, cap;

	/* the last test keeps len + n + 1 from wrapping when max is SIZE_MAX */
	if (n > b->max || b->len > b->max - n || b->len + n == (size_t)-1)
		return -1;
	need = b->len + n + 1;
	if (need <= b->cap)
		return 0;
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
	/* not "cap > max + 1": max + 1 wraps to 0 when max is SIZE_MAX */
	if (cap - 1 > b->max)
		cap = b->max + 1;
	b->ptr = xrealloc(b->ptr, cap);
	b->cap = cap;
	return 0;
}

int
buf_append(buf *b, const void *p, size_t n)
{
	if (grow(b, n) < 0)
		return -1;
	if (n > 0)
		memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
	return 0;
}

char *
buf_reserve(buf *b, size_t n)
{
	if (grow(b, n) < 0)
		return NULL;
	return b->ptr + b->len;
}

void
buf_commit(buf *b, size_t n)
{
	assert(b->len + n < b->cap);
	b->len += n;
	b->ptr[b->len] = '\0';
}

int
buf_puts(buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_putc(buf *b, char c)
{
	return buf_append(b, &c, 1);
}

int
buf_vprintf(buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || grow(b, (size_t)n) < 0)
		return -1;
	(void)vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int
buf_printf(buf *b, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return rc;
}

const char *
buf_str(const buf *b)
{
	return b->ptr != NULL ? b->ptr : "";
}

char *
buf_detach(buf *b, size_t *len)
{
	char *p = b->ptr != NULL ? b->ptr : xstrdup("");

	if (len != NULL)
		*len = b->len;
	b->ptr = NULL;
	b->len = b->cap = 0;
	return p;
}
