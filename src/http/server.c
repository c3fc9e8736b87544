/*
 * server.c -- the HTTP server: libmicrohttpd underneath, the route table
 * (http.h) on top.
 *
 * Threads: MHD's internal thread pool (one epoll loop per thread).  A
 * request's life: on the first call (headers read) the route is looked up
 * and 404/405/413 are answered before any body is read; then the body is
 * gathered into a bounded buffer (its own limit, and a server-wide budget
 * of bytes in flight so that many large bodies at once cannot exhaust
 * memory); then the body type is decided (a body starting with '{' is JSON
 * whatever its Content-Type says), 415 answered if the route does not take
 * it, and the handler runs.  A handler replies at once or suspends the
 * connection and replies from another thread (the store's writer), after
 * which MHD calls us again and the reply is queued.  When MHD reports the
 * request complete, one access-log line is written and everything the
 * request held is released.
 */
#include "http/http.h"
#include "http/internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include <microhttpd.h>
#include <sodium.h>

#include "bounds.h"
#include "log.h"
#include "util/jsonbody.h"
#include "util/xalloc.h"

struct http_server {
	struct MHD_Daemon *daemon;
	const http_route *routes;
	size_t n_routes;
	void *app;
	http_options opt;
	atomic_size_t inflight;      /* body bytes reserved by requests being received */
	unsigned port;
};

#define RESERVE_STEP (64u * 1024)

static int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
new_request_id(char out[17])
{
	static const char hex[] = "0123456789abcdef";
	unsigned char r[8];

	randombytes_buf(r, sizeof(r));
	for (size_t i = 0; i < sizeof(r); i++) {
		out[2 * i] = hex[r[i] >> 4];
		out[2 * i + 1] = hex[r[i] & 15];
	}
	out[16] = '\0';
}

static http_request *
request_new(http_server *srv, struct MHD_Connection *c, const char *url, const char *method)
{
	http_request *req = xcalloc(1, sizeof(*req));
	const union MHD_ConnectionInfo *ci;

	req->srv = srv;
	req->conn = c;
	snprintf(req->method, sizeof(req->method), "%s", method);
	req->path = xstrndup(url, strcspn(url, "?"));
	req->start_ms = now_ms();
	req->start_mono = mono_ms();
	new_request_id(req->request_id);
	buf_init(&req->body, 0);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci != NULL && ci->client_addr != NULL) {
		const struct sockaddr *sa = ci->client_addr;

		if (sa->sa_family == AF_INET)
			inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			    req->client_ip, sizeof(req->client_ip));
		else if (sa->sa_family == AF_INET6)
			inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			    req->client_ip, sizeof(req->client_ip));
	}
	return req;
}

static void
release_inflight(http_request *req)
{
	if (req->reserved > 0) {
		atomic_fetch_sub(&req->srv->inflight, req->reserved);
		req->reserved = 0;
	}
}

/* Reserve budget so that the body can grow to len bytes; -1 when the server is at its limit. */
static int
reserve_inflight(http_request *req, size_t len)
{
	size_t want, prev;

	if (len <= req->reserved)
		return 0;
	want = len - req->reserved;
	want = (want + RESERVE_STEP - 1) / RESERVE_STEP * RESERVE_STEP;
	prev = atomic_fetch_add(&req->srv->inflight, want);
	if (prev + want > req->srv->opt.max_inflight) {
		atomic_fetch_sub(&req->srv->inflight, want);
		return -1;
	}
	req->reserved += want;
	return 0;
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
	http_request *req = *con_cls;

	(void)cls;
	(void)c;
	if (req == NULL)
		return;
	if (req->srv->opt.access_log)
		log_access(req->request_id, req->client_ip, req->method, req->path,
		    req->status, req->reply_bytes, mono_ms() - req->start_mono,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "aborted");
	release_inflight(req);
	if (req->on_complete != NULL)
		req->on_complete(req->on_complete_arg);
	request_reply_discard(req);
	buf_cleanup(&req->body);
	free(req->path);
	free(req);
	*con_cls = NULL;
}

/* Queue the reply prepared in req. */
static enum MHD_Result
queue(http_request *req)
{
	enum MHD_Result rc = MHD_queue_response(req->conn, req->status, req->response);

	MHD_destroy_response(req->response);
	req->response = NULL;
	return rc;
}

/* Content-Length says the body is too large? */
static int
declared_too_large(http_request *req)
{
	const char *cl = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Content-Length");
	unsigned long long n = 0;

	if (cl == NULL)
		return 0;
	for (const char *p = cl; *p >= '0' && *p <= '9'; p++) {
		if (n > (1ull << 50))
			return 1;
		n = n * 10 + (unsigned)(*p - '0');
	}
	return n > req->max_body;
}

static void
reply_too_large(http_request *req)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "The request body is larger than %zu bytes, the most this endpoint accepts.",
	    req->max_body);
	http_reply_problem(req, 413, "Request body too large", msg, NULL);
}

/* First call: headers are in.  Route, method and declared size are checked here. */
static void
begin(http_request *req)
{
	http_server *srv = req->srv;
	const char *m = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;

	req->route = route_find(srv->routes, srv->n_routes, req->path, m, &req->rest);
	if (req->route == NULL) {
		route_reply_unrouted(req, srv->routes, srv->n_routes);
		return;
	}
	req->max_body = req->route->max_body ? req->route->max_body : srv->opt.max_body;
	if (declared_too_large(req))
		reply_too_large(req);
}

/* Body bytes arrive; bounded by the route's limit and the server's budget. */
static enum MHD_Result
take_body(http_request *req, const char *data, size_t *size)
{
	size_t n = *size;

	*size = 0;
	if (req->status != 0) {                  /* already refused: discard, but not forever */
		req->discarded += n;
		return req->discarded > req->max_body + LIMIT_BODY_DISCARD ? MHD_NO : MHD_YES;
	}
	if (req->body.len + n > req->max_body) {
		reply_too_large(req);
		buf_cleanup(&req->body);
		release_inflight(req);
		return MHD_YES;
	}
	if (reserve_inflight(req, req->body.len + n) < 0) {
		http_add_header(req, "Retry-After", "2");
		http_reply_problem(req, 503, "Server busy",
		    "The server is receiving too much data at once; try again in a few seconds.", NULL);
		buf_cleanup(&req->body);
		release_inflight(req);
		return MHD_YES;
	}
	req->body.max = req->max_body;
	(void)buf_append(&req->body, data, n);
	return MHD_YES;
}

/* The body type, after JSON sniffing. */
static enum http_body_type
decide_type(http_request *req)
{
	const char *ct = MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, "Content-Type");
	size_t n;

	req->content_type = ct;
	if (jsonbody_looks_like_json(req->body.ptr != NULL ? req->body.ptr : "", req->body.len))
		return HTTP_BODY_JSON;
	if (ct == NULL)
		return req->body.len == 0 ? HTTP_BODY_NONE : 0;
	n = strcspn(ct, "; \t");
	if (n == 16 && strncasecmp(ct, "application/json", n) == 0)
		return HTTP_BODY_JSON;
	if (n == 33 && strncasecmp(ct, "application/x-www-form-urlencoded", n) == 0)
		return HTTP_BODY_FORM;
	if (n == 19 && strncasecmp(ct, "multipart/form-data", n) == 0)
		return HTTP_BODY_MULTIPART;
	if (req->body.len == 0)
		return HTTP_BODY_NONE;
	return 0;
}

static void
dispatch(http_request *req)
{
	unsigned accept = req->route->accept ? req->route->accept : HTTP_BODY_NONE;

	req->body_type = decide_type(req);
	if ((req->body_type & accept) == 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "This endpoint accepts %s.",
		    req->route->accept_text != NULL ? req->route->accept_text : "no request body");
		http_reply_problem(req, 415, "Unsupported media type", msg, NULL);
		return;
	}
	req->dispatched = 1;
	req->route->handler(req);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	http_request *req = *con_cls;

	(void)version;
	if (req == NULL) {
		req = request_new(cls, c, url, method);
		*con_cls = req;
		begin(req);
		return req->response != NULL ? queue(req) : MHD_YES;
	}
	if (*upload_size > 0)
		return take_body(req, upload, upload_size);
	if (req->response != NULL)
		return queue(req);
	if (req->suspended)
		return MHD_YES;
	if (!req->dispatched && req->status == 0)
		dispatch(req);
	if (req->response != NULL)
		return queue(req);
	if (req->suspended)
		return MHD_YES;
	http_reply_problem(req, 500, "Internal error", "The server could not answer this request.", NULL);
	return queue(req);
}

void
http_suspend(http_request *req)
{
	req->suspended = 1;
	MHD_suspend_connection(req->conn);
}

void
http_resume(http_request *req)
{
	req->suspended = 0;
	MHD_resume_connection(req->conn);
}

static void
mhd_log(void *cls, const char *fmt, va_list ap)
{
	(void)cls;
	log_vmessage("http", fmt, ap);
}

int
http_server_start(const http_options *opt, const http_route *routes, size_t n_routes,
    void *app, http_server **out, char *err, size_t errlen)
{
	http_server *srv = xcalloc(1, sizeof(*srv));
	struct sockaddr_storage ss;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
	    MHD_USE_ERROR_LOG;
	const union MHD_DaemonInfo *di;

	if (listen_parse(opt->listen, &ss, err, errlen) < 0) {
		free(srv);
		return -1;
	}
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	srv->routes = routes;
	srv->n_routes = n_routes;
	srv->app = app;
	srv->opt = *opt;
	atomic_init(&srv->inflight, 0);
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opt->threads ? opt->threads : 2),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)opt->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)opt->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opt->idle_seconds,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HEADER_BYTES * 2,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", opt->listen, strerror(errno));
		free(srv);
		return -1;
	}
	di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);
	srv->port = di != NULL ? di->port : 0;
	*out = srv;
	return 0;
}

unsigned
http_server_port(const http_server *srv)
{
	return srv->port;
}

void
http_server_stop(http_server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->daemon);
	free(srv);
}

void *
http_app(const http_request *req)
{
	return req->srv->app;
}
