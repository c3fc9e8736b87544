/*
 * internal.h -- what the files of the HTTP adapter share and handlers do
 * not see: the request's fields, route lookup, listen-address parsing.
 */
#ifndef ABUSEDESK_HTTP_INTERNAL_H
#define ABUSEDESK_HTTP_INTERNAL_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "http/http.h"
#include "bounds.h"
#include "core/ipaddr.h"
#include "http/parse.h"
#include "util/buf.h"

struct http_conn;                 /* server.c */

struct http_request {
	http_server *srv;
	struct http_conn *conn;
	const http_route *route;
	char method[16];
	char *path;                  /* decoded, without the query string */
	const char *rest;            /* within path, after a prefix route */
	char *head;                  /* the head as received; h's strings point into it */
	char *query;                 /* the query string as sent (within head), or NULL */
	char **decoded;              /* query values handed out by http_query, freed at the end */
	size_t n_decoded;
	buf body;
	size_t max_body;
	size_t reserved;             /* bytes of the server's in-flight budget held */
	enum http_body_type body_type;
	const char *content_type;
	char request_id[17];
	char client_ip[INET6_ADDRSTRLEN];
	int64_t start_ms;
	double start_mono;
	/* the reply */
	buf reply_head;              /* its header lines, each ending in CRLF (server.c adds the rest) */
	char *reply_body;            /* owned unless reply_static */
	int reply_static;
	size_t reply_len;
	unsigned status;             /* 0 until a reply is made */
	int close_after;             /* the reply asks for the connection to be closed */
	char *hdr_names[LIMIT_REPLY_HEADERS];
	char *hdr_values[LIMIT_REPLY_HEADERS];
	size_t n_hdrs;
	int parked;                  /* suspended, another thread answers; loop thread only */
	int counted;                 /* counted in srv->active */
	int64_t mark_ms;             /* progress checkpoint, see progress_deadline */
	int64_t phase_ms;            /* when the body began to come, or the reply to go */
	uint64_t mark_bytes;
	ipaddr client_key;           /* the client as peers.h counts it, for the in-flight share */
	void (*on_complete)(void *);
	void *on_complete_arg;
	http_head h;                 /* last: its field array is not zeroed for each request */
};

/* The route for path and method (HEAD looked up as GET), or NULL; *rest set for prefix routes. */
const http_route *route_find(const http_route *routes, size_t n, const char *path,
    const char *method, const char **rest);
/* Answer 404 (no route has the path) or 405 with Allow (some route has it, not this method). */
void route_reply_unrouted(http_request *req, const http_route *routes, size_t n);
/* Drop a prepared reply and every header set for it. */
void request_reply_discard(http_request *req);
/* The reason phrase of a status ("Not Found"). */
const char *reply_reason(unsigned status);
/* "127.0.0.1:8080", "[::1]:0", "0.0.0.0:80", "localhost:8080" (only localhost is resolved, to 127.0.0.1). */
int listen_parse(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen);

#endif
