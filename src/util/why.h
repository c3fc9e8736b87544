/*
 * why.h -- writing the plain-language reason a validator gives for
 * refusing a value (the "why" buffers of the core's parsers).
 */
#ifndef ABUSEDESK_WHY_H
#define ABUSEDESK_WHY_H

#include <stddef.h>

/* Format a reason into why (when there is room; truncation is acceptable) and return -1. */
int why_fail(char *why, size_t whylen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/*
 * The start of s fit to quote in a reason: s itself when it has at most max
 * bytes, else its first max bytes cut between UTF-8 characters plus "...",
 * copied into buf (which has room for max + 4 bytes).
 */
const char *why_excerpt(const char *s, size_t max, char *buf);

#endif
