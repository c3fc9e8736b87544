/*
 * xalloc.h -- the out-of-memory policy for small internal allocations.
 *
 * Allocations whose size the program chooses (structs, short strings, lists
 * already bounded by a limit) go through these and abort with a log line on
 * failure: there is no sensible recovery and a half-built object is worse.
 * Sizes driven by input are bounded (bounds.h) before they reach here.  The
 * store and JSON layers return errors instead, so fault tests can drive them.
 */
#ifndef ABUSEDESK_XALLOC_H
#define ABUSEDESK_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif
