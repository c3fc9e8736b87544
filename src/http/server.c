/*
 * server.c -- the HTTP server: libmicrohttpd underneath, the route table
 * (http.h) on top.
 *
 * Threads: MHD's internal thread pool (one epoll loop per thread).  A
 * request's life: on the first call (headers read) the request line and
 * headers are checked (guard.h), the route is looked up, the rate limit
 * applied and 404/405/429/413 are answered before any body is read; then the body is
 * gathered into a bounded buffer (its own limit, and a server-wide budget
 * of bytes in flight so that many large bodies at once cannot exhaust
 * memory); then the body type is decided (a body starting with '{' is JSON
 * whatever its Content-Type says), 415 answered if the route does not take
 * it, and the handler runs.  A handler replies at once or suspends the
 * connection and replies from another thread (the store's writer), after
 * which MHD calls us again and the reply is queued.  When MHD reports the
 * request complete, one access-log line is written and everything the
 * request held is released.
 *
 * Hostile clients.  Connections are capped overall and per address (MHD).
 * Each connection is watched (watch.h): its request line and headers must
 * arrive within header_seconds of the connection opening or of the
 * previous answer, and its body must keep moving after that (see
 * body_deadline), or the connection is cut; MHD's own idle timeout,
 * which every byte restarts, stays as the bound on silence.  At the first
 * call, after routing and before any body is read, requests to routes
 * other than GET/HEAD take a token from the client address's bucket
 * (ratelimit.h) and are answered 429 when there is none; the client
 * address is the peer's, or the one X-Forwarded-For gives when the peer is
 * a trusted proxy (read from the right, skipping trusted proxies).
 */
#include "http/http.h"
#include "http/internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "bounds.h"
#include "core/ipaddr.h"
#include "http/guard.h"
#include "http/ratelimit.h"
#include "http/watch.h"
#include "log.h"
#include "metrics.h"
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
	ratelimit *rl;               /* NULL: no rate limit */
	watch *watch;                /* NULL: no header/body deadlines */
	int64_t header_ms;
	atomic_long active;          /* requests dispatched and not yet completed */
	atomic_int stopping;         /* set by http_server_stop: new requests get 503 */
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
	ipaddr peer;

	req->srv = srv;
	req->conn = c;
	snprintf(req->method, sizeof(req->method), "%s", method);
	req->path = xstrndup(url, strcspn(url, "?"));
	req->start_ms = now_ms();
	req->start_mono = mono_ms();
	new_request_id(req->request_id);
	buf_init(&req->body, 0);
	if (guard_peer(c, &peer) == 0)          /* until begin() knows better (X-Forwarded-For) */
		ipaddr_format(&peer, req->client_ip, sizeof(req->client_ip));
	return req;
}

/*
 * MHD has read the request line: the request is made here, with the target
 * as sent, so that it can be checked before MHD decodes it, and so that a
 * request MHD later refuses itself (bad headers, bad chunks) still has its
 * access-log line.  Its method is filled in at the first call.
 */
static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	http_request *req = request_new(cls, c, uri, "");

	req->target_problem = guard_target(uri);
	return req;
}

/* ---- rate limit ---------------------------------------------------------- */

static int
is_loopback(const ipaddr *a)
{
	static const uint8_t one[16] = {[15] = 1};
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};

	if (a->family == 4)
		return a->b[0] == 127;
	return memcmp(a->b, one, 16) == 0 || (memcmp(a->b, mapped, 12) == 0 && a->b[12] == 127);
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * Take a token for the client: 0 to go on, -1 after answering 429.  Reads
 * (GET, HEAD) are not limited: they are cheap, and health checks must
 * never be refused.  Each route has its own bucket per client, so that the
 * portal's checks as a person types never use up the submission's.  The answer carries the IETF RateLimit fields
 * (draft-ietf-httpapi-ratelimit-headers-11, structured-field form).
 */
static int
rate_check(http_request *req, const ipaddr *client)
{
	http_server *srv = req->srv;
	ratelimit_result r;
	cJSON *extra;
	char v[96], msg[160];

	if (srv->rl == NULL || client->family == 0 || strcmp(req->method, "GET") == 0 ||
	    strcmp(req->method, "HEAD") == 0 || (!srv->opt.rate_loopback && is_loopback(client)))
		return 0;
	ratelimit_take(srv->rl, client, (unsigned)(req->route - srv->routes), mono_us(), &r);
	snprintf(v, sizeof(v), "\"default\";q=%u;w=60", srv->opt.rate_per_minute);
	http_add_header(req, "RateLimit-Policy", v);
	snprintf(v, sizeof(v), "\"default\";r=%u;t=%u", r.remaining, r.allowed ? r.reset_seconds : r.retry_after);
	http_add_header(req, "RateLimit", v);
	if (r.allowed)
		return 0;
	snprintf(v, sizeof(v), "%u", r.retry_after);
	http_add_header(req, "Retry-After", v);
	snprintf(msg, sizeof(msg), "Too many requests from this address: at most %u a minute. Try again in %u second%s.",
	    srv->opt.rate_per_minute, r.retry_after, r.retry_after == 1 ? "" : "s");
	extra = cJSON_CreateObject();
	cJSON_AddStringToObject(extra, "type", "https://iana.org/assignments/http-problem-types#quota-exceeded");
	cJSON_AddItemToObject(extra, "violated-policies", cJSON_CreateStringArray((const char *[]){"default"}, 1));
	http_reply_problem(req, 429, "Too many requests", msg, extra);
	return -1;
}

/* ---- deadlines ------------------------------------------------------------ */

static watch_conn *
conn_watch(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/*
 * The body must keep moving: within every header_ms window at least half
 * of what LIMIT_BODY_MIN_RATE would bring (so 5 KiB in 10 s by default),
 * and all of it within LIMIT_BODY_SECONDS of the request's start.  A
 * window, not the average since the start: with an average, bytes sent
 * early bought a long stall, and a client could hold the server's
 * in-flight budget by sending a burst and then a byte now and then.
 */
static void
body_deadline(http_request *req)
{
	http_server *srv = req->srv;
	uint64_t got = (uint64_t)req->body.len + req->discarded;
	uint64_t window_bytes = (uint64_t)LIMIT_BODY_MIN_RATE * (uint64_t)srv->header_ms / 2000;
	int64_t now, end;

	if (srv->watch == NULL)
		return;
	now = watch_now_ms();
	if (req->mark_ms == 0 || got - req->mark_bytes >= window_bytes) {
		req->mark_ms = now;
		req->mark_bytes = got;
	}
	end = (int64_t)req->start_mono + srv->header_ms + (int64_t)LIMIT_BODY_SECONDS * 1000;
	watch_set(conn_watch(req->conn), req->mark_ms + srv->header_ms < end ? req->mark_ms + srv->header_ms : end);
}

/* MHD opened or closed a connection: watch it, or forget it. */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code)
{
	http_server *srv = cls;
	const union MHD_ConnectionInfo *ci;

	if (srv->watch == NULL)
		return;
	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci != NULL)
			*socket_context = watch_add(srv->watch, ci->connect_fd, watch_now_ms() + srv->header_ms);
	} else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
		watch_remove(srv->watch, *socket_context);
		*socket_context = NULL;
	}
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
	if (req == NULL)
		return;
	if (req->srv->watch != NULL)          /* the next request on this connection: its headers in time */
		watch_set(conn_watch(c), watch_now_ms() + req->srv->header_ms);
	metrics_http(req->status, mono_ms() - req->start_mono);
	if (req->srv->opt.access_log)
		log_access(req->request_id, req->client_ip, req->method[0] ? req->method : "-", req->path,
		    req->status, req->reply_bytes, mono_ms() - req->start_mono,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ? NULL : "aborted");
	release_inflight(req);
	if (req->counted)
		atomic_fetch_sub(&req->srv->active, 1);
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

/* First call: headers are in.  Route, method, rate and declared size are checked here. */
static void
begin(http_request *req, const char *version)
{
	http_server *srv = req->srv;
	const char *m = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	ipaddr client;

	guard_client(req, srv->opt.trusted_proxies, srv->opt.n_trusted_proxies, &client);
	if (client.family != 0)
		ipaddr_format(&client, req->client_ip, sizeof(req->client_ip));
	body_deadline(req);
	if (guard_refuse(req, version))
		return;
	req->route = route_find(srv->routes, srv->n_routes, req->path, m, &req->rest);
	if (req->route == NULL) {
		route_reply_unrouted(req, srv->routes, srv->n_routes);
		return;
	}
	req->max_body = req->route->max_body ? req->route->max_body : srv->opt.max_body;
	if (rate_check(req, &client) < 0)
		return;
	if (declared_too_large(req))
		reply_too_large(req);
}

/* Body bytes arrive; bounded by the route's limit and the server's budget. */
static enum MHD_Result
take_body(http_request *req, const char *data, size_t *size)
{
	size_t n = *size;

	*size = 0;
	body_deadline(req);
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

	/*
	 * Count the request before looking at `stopping`, and the stopper sets
	 * `stopping` before reading the count (both sequentially consistent):
	 * either the stopper waits for this request or this request sees the
	 * stop and never suspends.
	 */
	atomic_fetch_add(&req->srv->active, 1);
	req->counted = 1;
	if (atomic_load(&req->srv->stopping)) {
		http_add_header(req, "Retry-After", "5");
		http_reply_problem(req, 503, "Shutting down",
		    "The service is restarting; nothing was received. Send the request again in a moment.", NULL);
		return;
	}
	req->body_type = decide_type(req);
	if (req->body.len == 0 && (accept & HTTP_BODY_NONE))
		req->body_type = HTTP_BODY_NONE;   /* a GET with a stray Content-Type header is still a GET */
	if ((req->body_type & accept) == 0) {
		char msg[300];

		snprintf(msg, sizeof(msg), "This endpoint accepts %s.",
		    req->route->accept_text != NULL ? req->route->accept_text : "no request body");
		http_reply_problem(req, 415, "Unsupported media type", msg, NULL);
		return;
	}
	req->dispatched = 1;
	if (req->srv->watch != NULL)             /* the request is in: no deadline while it is answered */
		watch_set(conn_watch(req->conn), 0);
	req->route->handler(req);
}

static enum MHD_Result
on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
    const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
	http_request *req = *con_cls;

	if (req == NULL || req->method[0] == '\0') {   /* the first call: the headers are in */
		if (req == NULL)
			*con_cls = req = request_new(cls, c, url, method);
		snprintf(req->method, sizeof(req->method), "%s", method);
		if (req->target_problem == 0) {            /* a refused one keeps the target as sent, for the log */
			free(req->path);
			req->path = xstrndup(url, strcspn(url, "?"));
		}
		begin(req, version);
		return req->response != NULL ? queue(req) : MHD_YES;
	}
	if (*upload_size > 0)
		return take_body(req, upload, upload_size);
	if (req->parked) {
		/*
		 * Called again after http_resume(): the other thread made the
		 * reply before resuming, and MHD's resume lock orders its writes
		 * before this call.  Until now this thread kept off the reply.
		 */
		req->parked = 0;
		if (req->response == NULL)
			http_reply_problem(req, 500, "Internal error", "The server could not answer this request.", NULL);
		return queue(req);
	}
	if (req->response != NULL)
		return queue(req);
	if (!req->dispatched && req->status == 0)
		dispatch(req);
	if (req->parked)
		return MHD_YES;            /* another thread answers: do not read the reply fields now */
	if (req->response != NULL)
		return queue(req);
	http_reply_problem(req, 500, "Internal error", "The server could not answer this request.", NULL);
	return queue(req);
}

void
http_suspend(http_request *req)
{
	req->parked = 1;                     /* written and read by the connection's MHD thread only */
	MHD_suspend_connection(req->conn);
}

void
http_resume(http_request *req)
{
	/* No field of req is written here: this runs on another thread (the store's writer). */
	MHD_resume_connection(req->conn);
}

/*
 * Let the process hold max_connections sockets besides its files, if the
 * hard limit allows (the soft limit is often 1 024).
 */
static void
raise_fd_limit(unsigned max_connections)
{
	struct rlimit rl;
	rlim_t want = (rlim_t)max_connections + 64;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= want)
		return;
	rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur < want)
		log_message("http", "the open-file limit (%llu) is below max_connections + 64: "
		    "connections beyond it will be refused", (unsigned long long)rl.rlim_cur);
}

/* The limiter and the watcher, as the options ask; -1 with a message. */
static int
start_guards(http_server *srv, char *err, size_t errlen)
{
	if (srv->opt.rate_per_minute > 0)
		srv->rl = ratelimit_new(srv->opt.rate_per_minute,
		    srv->opt.rate_burst ? srv->opt.rate_burst : 1, LIMIT_RATE_CLIENTS);
	srv->header_ms = (int64_t)srv->opt.header_seconds * 1000;
	if (srv->header_ms > 0 && (srv->watch = watch_start()) == NULL) {
		snprintf(err, errlen, "cannot start the connection watcher: %s", strerror(errno));
		ratelimit_free(srv->rl);
		return -1;
	}
	return 0;
}

static void
stop_guards(http_server *srv)
{
	watch_stop(srv->watch);
	ratelimit_free(srv->rl);
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
	atomic_init(&srv->active, 0);
	atomic_init(&srv->stopping, 0);
	if (start_guards(srv, err, errlen) < 0) {
		free(srv);
		return -1;
	}
	raise_fd_limit(opt->max_connections);
	srv->daemon = MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv,
	    MHD_OPTION_EXTERNAL_LOGGER, mhd_log, srv,
	    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(opt->threads ? opt->threads : 2),
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned)opt->max_connections,
	    MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)opt->max_connections_per_ip,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)opt->idle_seconds,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)LIMIT_HEADER_BYTES * 2,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
	    MHD_OPTION_URI_LOG_CALLBACK, on_uri, srv,
	    MHD_OPTION_LISTEN_BACKLOG_SIZE, 1024u,
	    MHD_OPTION_END);
	if (srv->daemon == NULL) {
		snprintf(err, errlen, "cannot listen on %s: %s", opt->listen, strerror(errno));
		stop_guards(srv);
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
	MHD_socket listener;

	if (srv == NULL)
		return;
	/*
	 * MHD aborts the process if stopped with a suspended connection, and a
	 * suspended request is a report being committed: stop taking new
	 * connections and requests, let those in hand be answered (the store
	 * is still open), then stop.  Bounded: a store stuck for 15 s loses.
	 */
	listener = MHD_quiesce_daemon(srv->daemon);
	atomic_store(&srv->stopping, 1);
	for (int i = 0; i < 1500 && atomic_load(&srv->active) > 0; i++)
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	if (atomic_load(&srv->active) > 0)
		log_message("http", "stopping with %ld requests still unanswered", (long)atomic_load(&srv->active));
	MHD_stop_daemon(srv->daemon);
	if (listener != MHD_INVALID_SOCKET)
		close(listener);
	stop_guards(srv);                      /* after MHD: it has forgotten every connection */
	free(srv);
}

void *
http_app(const http_request *req)
{
	return req->srv->app;
}
