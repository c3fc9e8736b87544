/*
 * buf.h -- the one bounded growable byte buffer.
 *
 * Every buffer knows its maximum size; an append that would pass it fails
 * with -1 and leaves the buffer as it was ("too big" rule, as curl's dynbuf).
 * The contents are always NUL-terminated (the NUL is not counted in len and
 * does not count against max).  Memory belongs to the buffer until
 * buf_detach() hands it to the caller.
 */
#ifndef ABUSEDESK_BUF_H
#define ABUSEDESK_BUF_H

#include <stdarg.h>
#include <stddef.h>

typedef struct buf {
	char *ptr;      /* NULL until the first append */
	size_t len;
	size_t cap;
	size_t max;     /* largest len allowed */
} buf;

/* Prepare an empty buffer that may grow to max bytes. */
void buf_init(buf *b, size_t max);
/* Release the memory; the buffer may be reused after buf_init. NULL ok. */
void buf_cleanup(buf *b);
/* Make it empty again, keeping its memory. */
void buf_reset(buf *b);
/* Append n bytes. 0, or -1 when len would pass max. */
int buf_append(buf *b, const void *p, size_t n);
/* Append a C string. */
int buf_puts(buf *b, const char *s);
/* Append one byte. */
int buf_putc(buf *b, char c);
/*
 * Room for n more bytes at the end, for the caller to write in place and
 * then count with buf_commit(): where to write, or NULL when len + n would
 * pass max (the buffer is left as it was).  Valid until the next change.
 */
char *buf_reserve(buf *b, size_t n);
/* Count n bytes written after buf_reserve() (at most what it reserved) and terminate. */
void buf_commit(buf *b, size_t n);
/* Append formatted text. */
int buf_printf(buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int buf_vprintf(buf *b, const char *fmt, va_list ap);
/* The contents ("" when empty); borrowed, valid until the next change. */
const char *buf_str(const buf *b);
/* Hand the memory to the caller (free() it); the buffer becomes empty. */
char *buf_detach(buf *b, size_t *len);

#endif
