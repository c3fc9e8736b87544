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
#include "util/buf.h"

struct MHD_Connection;
struct MHD_Response;

struct http_request {
	http_server *srv;
	struct MHD_Connection *conn;
	const http_route *route;
	char method[16];
	char *path;                  /* without the query string */
	const char *rest;            /* within path, after a prefix route */
	buf body;
	size_t max_body;
	size_t reserved;             /* bytes of the server's in-flight budget held */
	size_t discarded;            /* body bytes dropped after a refusal */
	enum http_body_type body_type;
	const char *content_type;
	char request_id[17];
	char client_ip[INET6_ADDRSTRLEN];
	int64_t start_ms;
	double start_mono;
	/* the reply */
	struct MHD_Response *response;
	unsigned status;             /* 0 until a reply is made */
	size_t reply_bytes;
	char *hdr_names[LIMIT_REPLY_HEADERS];
	char *hdr_values[LIMIT_REPLY_HEADERS];
	size_t n_hdrs;
	int parked;                  /* suspended, another thread answers; MHD thread only */
	int dispatched;
	int counted;                 /* counted in srv->active */
	int64_t mark_ms;             /* body progress checkpoint (watch clock), see body_deadline */
	uint64_t mark_bytes;
	unsigned target_problem;     /* 400 or 414 when the request-target as sent is refused; 0 if fine */
	void (*on_complete)(void *);
	void *on_complete_arg;
};

/* The route for path and method (HEAD looked up as GET), or NULL; *rest set for prefix routes. */
const http_route *route_find(const http_route *routes, size_t n, const char *path,
    const char *method, const char **rest);
/* Answer 404 (no route has the path) or 405 with Allow (some route has it, not this method). */
void route_reply_unrouted(http_request *req, const http_route *routes, size_t n);
/* Drop a prepared reply that was never queued. */
void request_reply_discard(http_request *req);
/* "127.0.0.1:8080", "[::1]:0", "0.0.0.0:80", "localhost:8080" (only localhost is resolved, to 127.0.0.1). */
int listen_parse(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen);

#endif
