/*
 * pct.h -- hexadecimal digits and %XX escapes (RFC 3986 2.1), as request
 * targets and query strings carry them.
 *
 * Ownership: pct_decode returns a new string the caller frees.
 */
#ifndef ABUSEDESK_PCT_H
#define ABUSEDESK_PCT_H

#include <stddef.h>

/* The value of a hexadecimal digit (either case), or -1. */
int pct_hexval(int ch);

/*
 * s[0..n) with every %XX decoded and, when plus_space is set, '+' read as
 * a space (HTML forms); an escape that is not two hex digits stays as
 * sent.  NUL-terminated (a decoded %00 ends the string for C callers).
 */
char *pct_decode(const char *s, size_t n, int plus_space);

#endif
