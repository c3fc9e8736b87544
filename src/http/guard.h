/*
 * guard.h -- inside the HTTP adapter: the request-target refused before a
 * request is routed, and the client's address.
 */
#ifndef ABUSEDESK_HTTP_GUARD_H
#define ABUSEDESK_HTTP_GUARD_H

#include <stddef.h>

#include "core/ipaddr.h"
#include "http/internal.h"

/*
 * The request-target as sent (before it is decoded): 0 if fine, 400 (a
 * %00, a bad escape in the path; raw bytes are parse.c's) or 414
 * (a path over LIMIT_PATH_BYTES).
 */
unsigned guard_target(const char *uri);
/*
 * The client: the peer, or, when the peer is in trusted[0..n), the
 * rightmost X-Forwarded-For entry that is not (each trusted proxy appends
 * the address it got the request from, so entries further left are the
 * client's to invent).  An entry that is not an address ends the walk at
 * the last good one.  out->family is 0 when the peer is not IP.
 */
void guard_client(const http_request *req, const ipaddr *peer, const ipprefix *trusted, size_t n, ipaddr *out);

#endif
