/*
 * http.h -- the HTTP adapter's contract with handlers: requests, replies
 * and the route table.  Built over our own HTTP/1.1 server (server.c), which no
 * handler sees.
 *
 * Every endpoint is declared in a route table: method, path, handler, body
 * limit and accepted body types.  The dispatcher checks all of these before
 * a handler runs, and answers 404, 405 (with Allow), 413 and 415 itself.
 *
 * A handler runs once the whole body has arrived.  It answers with one of
 * the http_reply_* functions, or suspends the request (http_suspend) and
 * answers later from another thread, then calls http_resume.  Every reply
 * carries X-Content-Type-Options: nosniff and X-Request-Id; error replies
 * are application/problem+json (RFC 9457).
 *
 * Ownership: strings returned by request getters are borrowed, valid until
 * the request completes.  Replies copy or take what they are given (see
 * each function).
 */
#ifndef ABUSEDESK_HTTP_H
#define ABUSEDESK_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

typedef struct http_request http_request;
typedef struct http_server http_server;
struct ipprefix;                /* core/ipaddr.h */

/* Body types a route accepts (after JSON sniffing: a body starting with '{' is JSON). */
enum http_body_type {
	HTTP_BODY_NONE = 1 << 0,        /* no body */
	HTTP_BODY_JSON = 1 << 1,
	HTTP_BODY_FORM = 1 << 2,        /* application/x-www-form-urlencoded */
	HTTP_BODY_MULTIPART = 1 << 3,   /* multipart/form-data */
};

typedef void (*http_handler)(http_request *req);

typedef struct http_route {
	const char *method;         /* "GET" (HEAD is implied), "POST", ... */
	const char *path;           /* exact path, or a prefix when it ends with '/' and prefix is set */
	int prefix;
	http_handler handler;
	size_t max_body;            /* 0: the server-wide body limit */
	unsigned accept;            /* enum http_body_type bits; 0 = HTTP_BODY_NONE */
	const char *accept_text;    /* the accepted media types in words, for 415 */
} http_route;

typedef struct http_options {
	const char *listen;         /* "host:port", "[v6]:port"; port 0 = ephemeral */
	unsigned threads;
	unsigned max_connections;
	unsigned max_connections_per_ip;
	unsigned idle_seconds;
	size_t max_body;            /* default per-route limit */
	size_t max_inflight;        /* all bodies being received at once */
	int access_log;             /* 1: one line per request on stderr */
	/* hostile clients (0 / NULL: off) */
	unsigned header_seconds;    /* request line + headers within this; the body after it at >= LIMIT_BODY_MIN_RATE */
	unsigned rate_per_minute;   /* requests a minute per client address, to routes other than GET/HEAD */
	unsigned rate_burst;        /* ... of which this many at once */
	int rate_loopback;          /* 1: loopback clients are limited too */
	const struct ipprefix *trusted_proxies; /* peers whose X-Forwarded-For names the client (borrowed) */
	size_t n_trusted_proxies;
} http_options;

/*
 * Start serving routes (borrowed; must outlive the server).  app is handed
 * to handlers by http_app().  0 with *out, or -1 with a message in err.
 */
int http_server_start(const http_options *opt, const http_route *routes, size_t n_routes,
    void *app, http_server **out, char *err, size_t errlen);
/* Check a listen address ("127.0.0.1:8080", "[::1]:0"); 0, or -1 with a message. */
int http_listen_check(const char *listen, char *err, size_t errlen);
/* The port actually bound (for port 0). */
unsigned http_server_port(const http_server *srv);
/* Stop accepting, close connections, free. NULL ok. */
void http_server_stop(http_server *srv);

/* Request getters. */
void *http_app(const http_request *req);
const char *http_method(const http_request *req);
const char *http_path(const http_request *req);          /* without the query string */
const char *http_path_rest(const http_request *req);     /* what follows a prefix route's path */
const char *http_header(const http_request *req, const char *name); /* case-insensitive; NULL if absent */
const char *http_query(const http_request *req, const char *name);  /* decoded; NULL if absent */
const char *http_body(const http_request *req, size_t *len);        /* never NULL ("" when none) */
enum http_body_type http_body_type(const http_request *req);
const char *http_content_type(const http_request *req);  /* as sent, or NULL */
const char *http_request_id(const http_request *req);
int64_t http_received_ms(const http_request *req);       /* epoch ms when the request began */
/* The client's address: the peer's, or from X-Forwarded-For when the peer is a trusted proxy. */
const char *http_client_ip(const http_request *req);

/* Replies (exactly one per request). */
/* JSON body; takes ownership of body (cJSON_Delete'd). */
void http_reply_json(http_request *req, unsigned status, cJSON *body);
/* Pre-rendered bytes; copied unless static_data is set (then borrowed for the server's lifetime). */
void http_reply_bytes(http_request *req, unsigned status, const char *content_type,
    const void *data, size_t len, int static_data);
/*
 * A problem+json reply: {"type","title","status","message",...extra}.
 * extra (may be NULL) is an object whose members are moved into the body.
 */
void http_reply_problem(http_request *req, unsigned status, const char *title,
    const char *message, cJSON *extra);
/* Add a header to the reply that will be sent (call before http_reply_*). */
void http_add_header(http_request *req, const char *name, const char *value);

/* Asynchronous replies: suspend before handing the request to another thread... */
void http_suspend(http_request *req);
/* ...which calls one http_reply_* and then this. */
void http_resume(http_request *req);

/* Attach a cleanup run when the request completes (after the reply is sent). */
void http_on_complete(http_request *req, void (*fn)(void *), void *arg);

#endif
