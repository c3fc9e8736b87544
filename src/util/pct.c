/*
 * pct.c -- hexadecimal digits and %XX escapes (see pct.h).  Lenient on
 * purpose: what must refuse a bad escape checks first (guard_target for
 * paths, form.c for bodies); a query string keeps what people typed.
 */
#include "util/pct.h"

#include "util/xalloc.h"

int
pct_hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

char *
pct_decode(const char *s, size_t n, int plus_space)
{
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		int hi = s[i] == '%' && i + 2 < n ? pct_hexval((unsigned char)s[i + 1]) : -1;
		int lo = hi >= 0 ? pct_hexval((unsigned char)s[i + 2]) : -1;

		if (lo >= 0) {
			*o++ = (char)(hi * 16 + lo);
			i += 2;
		} else
			*o++ = plus_space && s[i] == '+' ? ' ' : s[i];
	}
	*o = '\0';
	return out;
}
