/*
 * developer.h -- the parts of the developer page (GET /report/developer),
 * shared by developer.c (route, schema, incident types, examples) and
 * developer_guide.c (calling the API, responses, interactive reference,
 * versioning).  Internal to those two files; the route table is declared
 * in web.h.
 *
 * Every function appends HTML to b, escaping every value (html_escape).
 */
#ifndef ABUSEDESK_DEVELOPER_H
#define ABUSEDESK_DEVELOPER_H

#include <stddef.h>

#include "web/web.h"

#define DEVELOPER_BASE_MAX 300

/* open, then text escaped, then close (open and close are trusted markup). */
void developer_text(buf *b, const char *open, const char *text, const char *close);

/*
 * The base URL clients should call, as the browser reached this page:
 * "http(s)://" + the Host header when it is a plain host[:port]; https when
 * X-Forwarded-Proto says so; else the listen address.
 */
void developer_base_url(http_request *req, const app *a, char *out, size_t outlen);

void developer_quick_start(buf *b, const app *a, const char *base);
void developer_responses(buf *b);
void developer_reference(buf *b);
void developer_versioning(buf *b);


#endif
