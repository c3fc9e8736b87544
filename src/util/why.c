/*
 * why.c -- reasons for refusals (see why.h), shared by the validators so
 * every message quotes input the same way.
 */
#include "util/why.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int
why_fail(char *why, size_t whylen, const char *fmt, ...)
{
	va_list ap;

	if (why == NULL || whylen == 0)
		return -1;
	va_start(ap, fmt);
	(void)vsnprintf(why, whylen, fmt, ap);
	va_end(ap);
	return -1;
}

const char *
why_excerpt(const char *s, size_t max, char *buf)
{
	size_t n = strnlen(s, max + 1);

	if (n <= max)
		return s;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	memcpy(buf, s, n);
	memcpy(buf + n, "...", 4);
	return buf;
}
