/*
 * html.h -- escaping text for HTML.  One function serves element text and
 * quoted attribute values alike (& < > " ' are all escaped), so a caller
 * cannot pick the wrong one.  URLs put in href/src must also be checked
 * for their scheme by the caller (html_safe_url).
 */
#ifndef ABUSEDESK_HTML_H
#define ABUSEDESK_HTML_H

#include <stddef.h>

#include "util/buf.h"

/* Append s escaped; NULL appends nothing.  0, or -1 when b is full. */
int html_escape(buf *b, const char *s);
/* Append n bytes of s escaped. */
int html_escape_n(buf *b, const char *s, size_t n);
/* 1 if url is relative ("/x", "#x") or http(s); 0 for javascript:, data: and the rest. */
int html_safe_url(const char *url);

#endif
