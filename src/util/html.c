/*
 * html.c -- HTML escaping (see html.h).
 */
#include "util/html.h"

#include <string.h>
#include <strings.h>

int
html_escape_n(buf *b, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *rep;

		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		case '\'': rep = "&#39;"; break;
		default: continue;
		}
		if (buf_append(b, s + start, i - start) < 0 || buf_puts(b, rep) < 0)
			return -1;
		start = i + 1;
	}
	return buf_append(b, s + start, n - start);
}

int
html_escape(buf *b, const char *s)
{
	return s != NULL ? html_escape_n(b, s, strlen(s)) : 0;
}

int
html_safe_url(const char *url)
{
	if (url[0] == '/' && url[1] != '/')
		return 1;
	if (url[0] == '#' || url[0] == '\0')
		return 1;
	return strncasecmp(url, "https://", 8) == 0 || strncasecmp(url, "http://", 7) == 0;
}
