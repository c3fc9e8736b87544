/*
 * server.c -- the HTTP/1.1 server: connections, event loops and the life
 * of a request, with the route table (http.h) on top.
 *
 * Why our own and not libmicrohttpd (which this replaced): MHD 0.9.75
 * answered malformed requests with its own HTML page, or closed the
 * connection without a word, and offered no hook to change either; it had
 * no header or body deadline (a watcher thread cut connections behind its
 * back); and every reply cost a suspend/resume and cork dance.  Here every
 * refusal is problem+json, deadlines are part of the loop, and a reply is
 * one sendmsg.  The parsing is in parse.c (pure, fuzzed).
 *
 * Threads: `threads` event loops (epoll, edge-triggered), each accepting
 * from the one listening socket (EPOLLEXCLUSIVE) and owning the
 * connections it accepted.  A connection only ever runs on its loop,
 * except for one hand-over: a handler that suspends (the store's sync thread
 * answers after its commit) makes the reply on another thread and calls
 * http_resume, which queues the connection on its loop under the loop's
 * mutex and wakes it with an eventfd; the mutex orders the reply's writes
 * before the loop reads them.
 *
 * A request's life: the head arrives (within header_seconds of the
 * connection opening or of the previous answer) and is parsed; the target
 * is checked, the route looked up, the rate limit applied and 404, 405,
 * 413 and 429 answered before any body is read (a refused body is not
 * read: the connection closes after the answer).  The body is gathered
 * into a bounded buffer (the route's limit, and a server-wide budget of
 * bytes in flight) and must keep moving (body_deadline).  Then the body
 * type is decided (a body starting with '{' is JSON whatever its
 * Content-Type says), 415 answered if the route does not take it, and the
 * handler runs.  The reply is written with one sendmsg when the socket
 * allows; then one access-log line, and the next request (pipelined bytes
 * are kept, but nothing more is read while a request is being answered).
 *
 * Every malformed request gets an answer: the parser's status and reason
 * as problem+json, 408 when the head or body stops coming, 400 when the
 * client ends the stream in the middle of a request; after which the
 * connection is closed gently (lingering close: our side shut, the rest of
 * what the client sends read and dropped for up to LIMIT_LINGER_MS, so the
 * kernel does not reset the connection and lose the answer).
 */
#include "http/http.h"
#include "http/internal.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <linux/sockios.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "bounds.h"
#include "core/ipaddr.h"
#include "http/guard.h"
#include "http/peers.h"
#include "http/ratelimit.h"
#include "log.h"
#include "metrics.h"
#include "util/jsonbody.h"
#include "util/xalloc.h"

#define SWEEP_MS       200            /* how often deadlines are looked at */
#define IN_FIRST       4096           /* a connection's first input buffer */
#define IN_MAX         (LIMIT_HEADER_BYTES + 1)
#define RESERVE_STEP   (64u * 1024)
#define ACCEPT_BATCH   32
#define EARLY_BYTES    (LIMIT_PATH_BYTES + 64) /* what http_head_early looks at: a method and a path */

enum conn_state {
	C_HEAD,        /* waiting for (the rest of) a request head */
	C_BODY,        /* reading a body */
	C_HANDLER,     /* a handler is answering on another thread */
	C_WRITE,       /* writing the reply */
	C_LINGER,      /* our side is shut; dropping what the client still sends */
};

typedef struct loop loop;

typedef struct http_conn {
	loop *lp;
	int fd;
	enum conn_state st;
	ipaddr peer;
	ipaddr key;                  /* the peer as peers.h counts it (IPv6 per /64) */
	int peer_counted;
	char *in;                    /* received, not yet consumed */
	size_t in_len, in_cap;
	size_t scanned;              /* of in, bytes already looked at for a head's end */
	http_request *req;           /* the request being read or answered */
	uint64_t body_left;          /* Content-Length bytes still to come */
	int chunked;
	http_chunked ch;
	buf out;                     /* the reply's status line and headers */
	size_t out_sent;             /* bytes of out + body written */
	int close_after;             /* close once this reply is out */
	int eof;                     /* the client ended its stream */
	size_t lingered;             /* bytes dropped while lingering (bounded by LIMIT_BODY_DISCARD) */
	int hup;                     /* the last event said so (see conn_run) */
	int dead;                    /* closed while its request was parked: freed on resume */
	int64_t deadline;            /* monotonic ms; 0 none */
	int64_t last_io;
	struct http_conn *prev, *next;
	struct http_conn *next_resumed;
	struct http_conn *next_dead;  /* in the loop's graveyard */
} http_conn;

struct loop {
	http_server *srv;
	int ep;
	int ev;                      /* eventfd: resumed requests, stop */
	pthread_t thread;
	pthread_mutex_t mu;
	http_conn *resumed;          /* behind mu */
	http_conn *conns;            /* every open connection of this loop (loop thread only) */
	http_conn *graveyard;        /* closed, freed once the current events are handled */
	int listening;
	int64_t relisten_at;         /* after running out of descriptors: listen again then */
	int64_t next_sweep;
	time_t date_sec;
	char date[40];
	uint64_t id_base, id_next;   /* request ids (new_request_id) */
	unsigned id_loop;
};

struct http_server {
	const http_route *routes;
	size_t n_routes;
	void *app;
	http_options opt;
	int listen_fd;
	unsigned port;
	loop *loops;
	unsigned n_loops;
	peers *peers;
	ratelimit *rl;               /* NULL: no rate limit */
	int64_t header_ms;           /* 0: no header/body deadlines */
	int64_t idle_ms;
	atomic_size_t inflight;      /* body bytes reserved by requests being received */
	atomic_uint connections;
	atomic_long active;          /* requests dispatched and not yet completed */
	atomic_long parked;          /* ... of which with another thread (see http_server_stop) */
	atomic_int stopping;         /* new requests get 503, connections close after their answer */
	atomic_int quit;             /* loops exit */
};

static void conn_run(http_conn *c);
static void stop_listening(loop *lp);
static void conn_process(http_conn *c);
static void conn_write(http_conn *c);
static void conn_close(http_conn *c);

/* ---- clocks and ids ------------------------------------------------------ */

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

static int64_t
mono_now(void)
{
	return (int64_t)mono_ms();
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/*
 * A request id: 16 hex digits, unique within the process and not
 * guessable across restarts.  Each loop draws a random 64-bit base once
 * and counts from it, with the loop's number in the low bits; measured, a
 * getrandom() per request cost 2-3% of a test submission's CPU.
 */
static void
new_request_id(loop *lp, char out[17])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t v = lp->id_base + (lp->id_next++ << 8) + lp->id_loop;

	for (int i = 15; i >= 0; i--, v >>= 4)
		out[i] = hex[v & 15];
	out[16] = '\0';
}

/* ---- requests ------------------------------------------------------------ */

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* The path of a target, %-decoded (guard_target has refused %00 and bad escapes in it). */
static char *
decode_path(const char *target)
{
	size_t n = strcspn(target, "?");
	char *out = xmalloc(n + 1), *o = out;

	for (size_t i = 0; i < n; i++) {
		if (target[i] == '%' && i + 2 < n && hexval(target[i + 1]) >= 0 && hexval(target[i + 2]) >= 0) {
			*o++ = (char)(hexval(target[i + 1]) * 16 + hexval(target[i + 2]));
			i += 2;
		} else
			*o++ = target[i];
	}
	*o = '\0';
	return out;
}

static http_request *
request_new(http_conn *c)
{
	http_request *req = xcalloc(1, sizeof(*req));

	req->srv = c->lp->srv;
	req->conn = c;
	req->start_ms = now_ms();
	req->start_mono = mono_ms();
	req->h.content_length = -1;
	new_request_id(c->lp, req->request_id);
	buf_init(&req->body, 0);
	ipaddr_format(&c->peer, req->client_ip, sizeof(req->client_ip));
	req->client_key = c->key;
	return req;
}

/* The address's share of the budget: a quarter of it, or one whole body if that is more. */
static size_t
peer_cap(const http_server *srv)
{
	size_t quarter = srv->opt.max_inflight / 4;

	return quarter > srv->opt.max_body + RESERVE_STEP ? quarter : srv->opt.max_body + RESERVE_STEP;
}

/* The request is over: its client's share of the budget is free again. */
static void
release_peer_share(http_request *req)
{
	if (req->peer_reserved > 0) {
		peers_release(req->srv->peers, &req->client_key, req->peer_reserved);
		req->peer_reserved = 0;
	}
}

static void
release_inflight(http_request *req)
{
	release_peer_share(req);
	if (req->reserved > 0) {
		atomic_fetch_sub(&req->srv->inflight, req->reserved);
		req->reserved = 0;
	}
}

/*
 * Reserve budget so that the body can grow to len bytes: -1 when the
 * server is at its limit, -2 when this address holds its share of it
 * (so that one client trickling many bodies cannot starve the others).
 */
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
	if (peers_reserve(req->srv->peers, &req->client_key, want, peer_cap(req->srv)) < 0) {
		atomic_fetch_sub(&req->srv->inflight, want);
		return -2;
	}
	req->reserved += want;
	req->peer_reserved += want;
	return 0;
}

/* The request is over (answered, or its connection gone): log it and free everything it held. */
static void
request_end(http_request *req, const char *aborted)
{
	http_server *srv = req->srv;

	metrics_http(req->status, mono_ms() - req->start_mono);
	if (srv->opt.access_log)
		log_access(req->request_id, req->client_ip, req->method[0] ? req->method : "-",
		    req->path != NULL ? req->path : "-", req->status, req->reply_len,
		    mono_ms() - req->start_mono, aborted);
	release_inflight(req);
	if (req->counted)
		atomic_fetch_sub(&srv->active, 1);
	if (req->on_complete != NULL)
		req->on_complete(req->on_complete_arg);
	request_reply_discard(req);
	buf_cleanup(&req->body);
	free(req->path);
	free(req->head);
	free(req);
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

/*
 * Take a token for the client: 0 to go on, -1 after answering 429.  Reads
 * (GET, HEAD) are not limited: they are cheap, and health checks must
 * never be refused.  Each route has its own bucket per client, so that the
 * portal's checks as a person types never use up the submission's.  The
 * answer carries the IETF RateLimit fields
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

/*
 * A body being read, and a reply being written, must keep moving: within
 * every header_ms window at least half of what LIMIT_BODY_MIN_RATE would
 * bring (so 5 KiB in 10 s by default), and the whole of either within
 * LIMIT_BODY_SECONDS.  A window, not the average since the start: with an
 * average, bytes moved early bought a long stall, and a client could hold
 * the server's in-flight budget by sending (or reading) a burst and then a
 * byte now and then.  `done` is the bytes moved so far; req->mark_ms = 0
 * starts over (the reply's clock starts when it is made).
 */
static void
progress_deadline(http_conn *c, uint64_t done)
{
	http_request *req = c->req;
	http_server *srv = req->srv;
	uint64_t window_bytes = (uint64_t)LIMIT_BODY_MIN_RATE * (uint64_t)srv->header_ms / 2000;
	int64_t now, end;

	if (srv->header_ms == 0)
		return;
	now = mono_now();
	if (req->mark_ms == 0) {
		req->mark_ms = req->phase_ms = now;
		req->mark_bytes = done;
	} else if (done - req->mark_bytes >= window_bytes) {
		req->mark_ms = now;
		req->mark_bytes = done;
	}
	end = req->phase_ms + srv->header_ms + (int64_t)LIMIT_BODY_SECONDS * 1000;
	c->deadline = req->mark_ms + srv->header_ms < end ? req->mark_ms + srv->header_ms : end;
}

/* ---- replies -------------------------------------------------------------- */

static const char *
http_date(loop *lp)
{
	time_t t = time(NULL);
	struct tm tm;

	if (t != lp->date_sec && gmtime_r(&t, &tm) != NULL) {
		lp->date_sec = t;
		(void)strftime(lp->date, sizeof(lp->date), "%a, %d %b %Y %H:%M:%S GMT", &tm);
	}
	return lp->date;
}

/* "HTTP/1.1 200 OK", Date and Content-Length into out (reset first); no printf (measured: 4% of a small request). */
static void
status_line(buf *out, unsigned status, size_t len, const char *date)
{
	char num[24];
	size_t i = sizeof(num);

	buf_reset(out);
	(void)buf_puts(out, "HTTP/1.1 ");
	num[0] = (char)('0' + status / 100 % 10);
	num[1] = (char)('0' + status / 10 % 10);
	num[2] = (char)('0' + status % 10);
	num[3] = ' ';
	(void)buf_append(out, num, 4);
	(void)buf_puts(out, reply_reason(status));
	(void)buf_puts(out, "\r\nDate: ");
	(void)buf_puts(out, date);
	(void)buf_puts(out, "\r\nContent-Length: ");
	do
		num[--i] = (char)('0' + len % 10);
	while ((len /= 10) > 0);
	(void)buf_append(out, num + i, sizeof(num) - i);
	(void)buf_puts(out, "\r\n");
}

/* Write the request's reply (made by a handler or here) to the connection. */
static void
reply_start(http_conn *c)
{
	http_request *req = c->req;
	http_server *srv = c->lp->srv;
	int head_only = strcmp(req->method, "HEAD") == 0;

	if (req->status == 0)
		http_reply_problem(req, 500, "Internal error", "The server could not answer this request.", NULL);
	/*
	 * The reply is made and owns its bytes: the body and the handler's
	 * state go now, not after a slow client has read the answer (a
	 * 14 MB test submission held ~130 MB until then).  The budget stays
	 * reserved until the end: the reply is about as large as the body.
	 */
	buf_cleanup(&req->body);
	if (req->on_complete != NULL) {
		req->on_complete(req->on_complete_arg);
		req->on_complete = NULL;
	}
	if (req->close_after || !req->h.keep_alive || atomic_load(&srv->stopping))
		c->close_after = 1;
	status_line(&c->out, req->status, req->reply_len, http_date(c->lp));
	if (c->close_after)
		(void)buf_puts(&c->out, "Connection: close\r\n");
	else if (req->h.minor == 0)
		(void)buf_puts(&c->out, "Connection: keep-alive\r\n");
	(void)buf_append(&c->out, req->reply_head.ptr != NULL ? req->reply_head.ptr : "", req->reply_head.len);
	(void)buf_puts(&c->out, "\r\n");
	if (head_only && !req->reply_static)
		free(req->reply_body);
	if (head_only) {
		req->reply_body = NULL;                 /* Content-Length stays the GET's */
		req->reply_static = 1;
	}
	c->out_sent = 0;
	c->st = C_WRITE;
	req->mark_ms = 0;
	progress_deadline(c, 0);
	conn_write(c);
}

/*
 * A refusal made here (not by a handler): problem+json, and the connection
 * closes after it (what follows on it cannot be trusted, or the body was
 * not read).  A reply already made is sent as it is.
 */
static void
refuse(http_conn *c, unsigned status, const char *title, const char *why)
{
	if (c->req == NULL)
		c->req = request_new(c);
	if (c->req->status == 0)
		http_reply_problem(c->req, status, title, why, NULL);
	c->req->close_after = 1;
	reply_start(c);
}

static const char *
title_for(unsigned status)
{
	switch (status) {
	case 408: return "Request timeout";
	case 413: return "Request body too large";
	case 414: return "URI too long";
	case 417: return "Expectation failed";
	case 431: return "Request header fields too large";
	case 501: return "Not implemented";
	case 505: return "HTTP version not supported";
	default: return "Bad request";
	}
}

/* ---- the request, step by step -------------------------------------------- */

static void
reply_too_large(http_request *req)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "The request body is larger than %zu bytes, the most this endpoint accepts.",
	    req->max_body);
	http_reply_problem(req, 413, "Request body too large", msg, NULL);
}

/* The head is in: check it, route, rate and declared size.  0 to read the body, -1 when answered. */
static int
begin(http_conn *c)
{
	http_request *req = c->req;
	http_server *srv = req->srv;
	const char *m;
	unsigned target;
	ipaddr client;

	snprintf(req->method, sizeof(req->method), "%s", req->h.method);
	target = guard_target(req->h.target);
	if (target != 0 || strlen(req->h.method) >= sizeof(req->method)) {
		req->path = xstrndup(req->h.target, strcspn(req->h.target, "?"));
		if (target == 414)
			http_reply_problem(req, 414, "URI too long", "The request path is longer than this server accepts.", NULL);
		else if (target != 0)
			http_reply_problem(req, 400, "Bad request",
			    "The request target is not valid: it has a byte that must be %-encoded, a bad %-escape, or %00.", NULL);
		else
			http_reply_problem(req, 501, "Not implemented", "This server knows no such method.", NULL);
		return -1;
	}
	req->path = decode_path(req->h.target);
	req->query = strchr(req->h.target, '?');
	if (req->query != NULL)
		req->query++;
	req->content_type = http_head_field(&req->h, "Content-Type");
	guard_client(req, &c->peer, srv->opt.trusted_proxies, srv->opt.n_trusted_proxies, &client);
	if (client.family != 0)
		ipaddr_format(&client, req->client_ip, sizeof(req->client_ip));
	req->client_key = client.family != 0 ? peers_key(&client) : c->key;
	m = strcmp(req->method, "HEAD") == 0 ? "GET" : req->method;
	req->route = route_find(srv->routes, srv->n_routes, req->path, m, &req->rest);
	if (req->route == NULL) {
		route_reply_unrouted(req, srv->routes, srv->n_routes);
		return -1;
	}
	req->max_body = req->route->max_body ? req->route->max_body : srv->opt.max_body;
	if (rate_check(req, &client) < 0)
		return -1;
	if (req->h.content_length > 0 && (uint64_t)req->h.content_length > req->max_body) {
		reply_too_large(req);
		return -1;
	}
	return 0;
}

/* Body bytes arrive; bounded by the route's limit and the server's budget.  -1 when refused. */
static int
take_body(http_conn *c, const char *data, size_t n)
{
	http_request *req = c->req;

	if (req->body.len + n > req->max_body) {
		reply_too_large(req);
		return -1;
	}
	switch (reserve_inflight(req, req->body.len + n)) {
	case 0:
		break;
	case -2:
		http_add_header(req, "Retry-After", "5");
		http_reply_problem(req, 503, "Server busy",
		    "This address is sending too much data at once; finish the uploads in progress first.", NULL);
		return -1;
	default:
		http_add_header(req, "Retry-After", "2");
		http_reply_problem(req, 503, "Server busy",
		    "The server is receiving too much data at once; try again in a few seconds.", NULL);
		return -1;
	}
	req->body.max = req->max_body;
	(void)buf_append(&req->body, data, n);
	progress_deadline(c, req->body.len);
	return 0;
}

/* The body type, after JSON sniffing. */
static enum http_body_type
decide_type(http_request *req)
{
	const char *ct = req->content_type;
	size_t n;

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

/* The whole request is in: run its handler (or answer 415 / 503). */
static void
dispatch(http_conn *c)
{
	http_request *req = c->req;
	unsigned accept = req->route->accept ? req->route->accept : HTTP_BODY_NONE;

	c->deadline = 0;                        /* no deadline while the request is answered */
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
		reply_start(c);
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
		reply_start(c);
		return;
	}
	req->dispatched = 1;
	req->route->handler(req);
	if (req->parked) {
		atomic_fetch_add(&req->srv->parked, 1);
		c->st = C_HANDLER;                  /* another thread answers; the reply is not ours to read */
		return;
	}
	reply_start(c);
}

/*
 * "100 Continue", only onto an empty send queue, which takes its 25 bytes
 * whole: a part of it, with the reply after, would corrupt the stream
 * (earlier replies may still be queued if the client is not reading).
 * Without it the client sends its body after its own wait.
 */
static void
send_continue(http_conn *c)
{
	static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
	int queued = 1;

	if (ioctl(c->fd, SIOCOUTQ, &queued) == 0 && queued == 0)
		(void)send(c->fd, cont, sizeof(cont) - 1, MSG_NOSIGNAL);
}

/* A head is complete in c->in[0..len): take it and start the request. */
static void
head_in(http_conn *c, size_t len)
{
	http_request *req;
	const char *why;
	unsigned status;

	c->req = req = request_new(c);
	req->head = xmalloc(len + 1);
	memcpy(req->head, c->in, len);
	req->head[len] = '\0';
	memmove(c->in, c->in + len, c->in_len - len);
	c->in_len -= len;
	c->scanned = 0;
	status = http_head_parse(req->head, len, &req->h, &why);
	if (status != 0) {
		req->h.keep_alive = 0;
		if (req->h.method != NULL)
			snprintf(req->method, sizeof(req->method), "%s", req->h.method);
		if (req->h.target != NULL)
			req->path = xstrndup(req->h.target, strcspn(req->h.target, "?"));
		refuse(c, status, title_for(status), why);
		return;
	}
	if (begin(c) < 0) {
		/* answered before the body: the body is not read, so the connection cannot go on */
		if (req->h.content_length > 0 || req->h.chunked)
			req->close_after = 1;
		reply_start(c);
		return;
	}
	c->body_left = req->h.content_length > 0 ? (uint64_t)req->h.content_length : 0;
	c->chunked = req->h.chunked;
	if (c->body_left == 0 && !c->chunked) {
		dispatch(c);
		return;
	}
	http_chunked_init(&c->ch);
	c->st = C_BODY;
	progress_deadline(c, 0);
	if (req->h.expect_continue)
		send_continue(c);
}

/* Body bytes at the front of c->in. */
static void
body_in(http_conn *c)
{
	size_t used, out;
	int rc;
	const char *why;

	if (!c->chunked) {
		size_t n = c->in_len < c->body_left ? c->in_len : (size_t)c->body_left;

		rc = take_body(c, c->in, n);
		memmove(c->in, c->in + n, c->in_len - n);
		c->in_len -= n;
		c->body_left -= n;
		if (rc < 0)
			refuse(c, 0, NULL, NULL);           /* take_body made the reply */
		else if (c->body_left == 0)
			dispatch(c);
		return;
	}
	rc = http_chunked_decode(&c->ch, c->in, c->in_len, &used, &out, &why);
	if (rc > 1) {
		refuse(c, (unsigned)rc, title_for((unsigned)rc), why);
		return;
	}
	if (out > 0 && take_body(c, c->in, out) < 0) {
		refuse(c, 0, NULL, NULL);
		return;
	}
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	if (rc == 1)
		dispatch(c);
}

/* Make progress on what has been received, as far as the state allows. */
static void
conn_process(http_conn *c)
{
	const char *why;

	for (;;) {
		if (c->st == C_HEAD) {
			size_t end = 0, from = c->scanned;

			if (c->in_len == 0)
				return;
			/*
			 * Only new bytes are looked at, so a head dribbled a byte at a
			 * time costs linear work: the end needs a new LF, and the
			 * first line's check looks at its first EARLY_BYTES only.
			 */
			c->scanned = c->in_len;
			if (memchr(c->in + from, '\n', c->in_len - from) != NULL)
				end = http_head_end(c->in, c->in_len);
			if (end == 0) {
				if (c->in_len > LIMIT_HEADER_BYTES) {
					unsigned st = http_head_overflow(c->in, c->in_len);

					refuse(c, st, title_for(st), st == 414 ? "The request line is longer than this server accepts." :
					    "The request line and headers are larger than this server accepts.");
				} else if (from < EARLY_BYTES &&
				    http_head_early(c->in, c->in_len < EARLY_BYTES ? c->in_len : EARLY_BYTES, &why) != 0)
					refuse(c, 400, "Bad request", why);
				else if (c->eof)
					refuse(c, 400, "Bad request", "The connection ended before the request head was complete.");
				return;
			}
			head_in(c, end);
		} else if (c->st == C_BODY) {
			if (c->in_len == 0) {
				if (c->eof)
					refuse(c, 400, "Bad request", "The connection ended before the request body was complete.");
				return;
			}
			body_in(c);
		} else if (c->st == C_LINGER) {
			c->lingered += c->in_len;
			c->in_len = 0;
			if (c->lingered > LIMIT_BODY_DISCARD)
				conn_close(c);              /* enough: a reset now costs the client nothing it was owed */
			return;
		} else
			return;
	}
}

/* ---- sockets ------------------------------------------------------------- */

static int
reading(const http_conn *c)
{
	return c->st == C_HEAD || c->st == C_BODY || c->st == C_LINGER;
}

/*
 * Drive a connection after an event: finish a pending write, use what is
 * buffered, and read while the state takes input (edge-triggered epoll:
 * until EAGAIN).
 */
static void
conn_run(http_conn *c)
{
	if (c->fd >= 0 && c->st == C_WRITE)
		conn_write(c);
	if (c->fd >= 0)
		conn_process(c);
	while (c->fd >= 0 && !c->eof && reading(c)) {
		size_t room;
		ssize_t n;

		if (c->in_len == c->in_cap) {
			size_t cap = c->in_cap == 0 ? IN_FIRST : c->in_cap * 2;

			if (c->in_cap >= IN_MAX)
				return;                           /* cannot happen: conn_process refuses a full head buffer */
			c->in_cap = cap < IN_MAX ? cap : IN_MAX;
			c->in = xrealloc(c->in, c->in_cap);
		}
		room = c->in_cap - c->in_len;
		n = recv(c->fd, c->in + c->in_len, room, 0);
		if (n > 0) {
			c->in_len += (size_t)n;
			c->last_io = mono_now();
			conn_process(c);
			/*
			 * A read that did not fill the room emptied the socket: bytes
			 * arriving after it raise a new edge, so the EAGAIN read that
			 * would follow is saved (measured: one syscall in three).
			 * Not when the event said the peer has shut its side: the
			 * end of the stream raises no new edge, it is read now.
			 */
			if ((size_t)n < room && !c->hup)
				return;
		} else if (n == 0) {
			c->eof = 1;
			conn_process(c);
		} else if (errno == EINTR)
			continue;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;
		else {
			conn_close(c);
			return;
		}
	}
	/* the client has ended its stream and nothing is owed to it */
	if (c->fd >= 0 && c->eof && ((c->st == C_HEAD && c->in_len == 0) || c->st == C_LINGER))
		conn_close(c);
}

/*
 * The reply is out: end the request, then linger or wait for the next one.
 * Nothing more is read or processed here (the caller's loop does it), so
 * a thousand pipelined requests never make a deep call chain.
 */
static void
reply_done(http_conn *c)
{
	http_request *req = c->req;

	c->req = NULL;
	request_end(req, NULL);
	if (c->close_after) {
		if (c->eof) {
			conn_close(c);
			return;
		}
		(void)shutdown(c->fd, SHUT_WR);
		c->st = C_LINGER;
		c->in_len = 0;
		c->deadline = mono_now() + LIMIT_LINGER_MS;
		return;
	}
	c->st = C_HEAD;
	c->deadline = c->lp->srv->header_ms > 0 ? mono_now() + c->lp->srv->header_ms : 0;
}

static void
conn_write(http_conn *c)
{
	http_request *req = c->req;

	while (c->fd >= 0) {
		struct iovec iov[2];
		struct msghdr mh = {0};
		size_t head = c->out.len, total = head + (req->reply_body != NULL ? req->reply_len : 0);
		int n_iov = 0;
		ssize_t n;

		if (c->out_sent >= total) {
			reply_done(c);
			return;
		}
		if (c->out_sent < head) {
			iov[n_iov].iov_base = c->out.ptr + c->out_sent;
			iov[n_iov++].iov_len = head - c->out_sent;
		}
		if (req->reply_body != NULL && req->reply_len > 0) {
			size_t off = c->out_sent > head ? c->out_sent - head : 0;

			iov[n_iov].iov_base = req->reply_body + off;
			iov[n_iov++].iov_len = req->reply_len - off;
		}
		mh.msg_iov = iov;
		mh.msg_iovlen = (size_t)n_iov;
		n = sendmsg(c->fd, &mh, MSG_NOSIGNAL);
		if (n >= 0) {
			c->out_sent += (size_t)n;
			c->last_io = mono_now();
			progress_deadline(c, c->out_sent);
		} else if (errno == EINTR)
			continue;
		else if (errno == EAGAIN || errno == EWOULDBLOCK)
			return;                           /* EPOLLOUT brings us back */
		else {
			conn_close(c);
			return;
		}
	}
}

/*
 * Close the socket.  A request parked with another thread stays until it
 * is resumed (that thread holds it); the connection itself is freed once
 * the loop has handled the current batch of events, so callers may still
 * look at c->fd (now -1) after this.
 */
static void
conn_close(http_conn *c)
{
	loop *lp = c->lp;
	http_server *srv = lp->srv;

	if (c->fd < 0 && !c->dead)
		return;
	if (c->fd >= 0) {
		close(c->fd);                      /* also leaves the epoll set */
		c->fd = -1;
		atomic_fetch_sub(&srv->connections, 1);
		if (c->peer_counted)
			peers_drop(srv->peers, &c->key);
		if (c->prev != NULL)
			c->prev->next = c->next;
		else
			lp->conns = c->next;
		if (c->next != NULL)
			c->next->prev = c->prev;
		c->prev = c->next = NULL;
	}
	if (c->st == C_HANDLER) {
		c->dead = 1;                       /* take_resumed finishes it */
		return;
	}
	c->dead = 0;
	if (c->req != NULL)
		request_end(c->req, "aborted");
	c->req = NULL;
	c->next_dead = lp->graveyard;
	lp->graveyard = c;
}

static void
bury(loop *lp)
{
	while (lp->graveyard != NULL) {
		http_conn *c = lp->graveyard;

		lp->graveyard = c->next_dead;
		buf_cleanup(&c->out);
		free(c->in);
		free(c);
	}
}

static void
sockaddr_to_ip(const struct sockaddr_storage *ss, ipaddr *out)
{
	memset(out, 0, sizeof(*out));
	if (ss->ss_family == AF_INET) {
		out->family = 4;
		memcpy(out->b, &((const struct sockaddr_in *)(const void *)ss)->sin_addr, 4);
	} else if (ss->ss_family == AF_INET6) {
		out->family = 6;
		memcpy(out->b, &((const struct sockaddr_in6 *)(const void *)ss)->sin6_addr, 16);
	}
}

/* Over a connection cap: a short 503 if the socket takes it at once, then close. */
static void
refuse_connection(int fd, const char *why)
{
	char body[320], msg[640];
	int nb, n;

	nb = snprintf(body, sizeof(body),
	    "{\"type\":\"about:blank\",\"title\":\"Too many connections\",\"status\":503,"
	    "\"message\":\"%s\",\"detail\":\"%s\"}", why, why);
	n = snprintf(msg, sizeof(msg),
	    "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\n"
	    "X-Content-Type-Options: nosniff\r\nCache-Control: no-store\r\nRetry-After: 5\r\n"
	    "Connection: close\r\nContent-Length: %d\r\n\r\n%s", nb, body);
	if (nb > 0 && (size_t)nb < sizeof(body) && n > 0 && (size_t)n < sizeof(msg))
		(void)send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT);
	close(fd);
}

static void
accept_some(loop *lp)
{
	http_server *srv = lp->srv;

	for (int i = 0; i < ACCEPT_BATCH && !atomic_load(&srv->stopping); i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		int fd = accept4(srv->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
		int one = 1;
		http_conn *c;
		ipaddr peer, key;

		if (fd < 0) {
			if (errno == EMFILE || errno == ENFILE) {
				/* out of descriptors: stop listening for a moment rather than spin on a readable socket */
				log_message("http", "accept: %s; pausing for 100 ms", strerror(errno));
				stop_listening(lp);
				lp->relisten_at = mono_now() + 100;
			}
			return;                           /* EAGAIN, or an error the next event retries */
		}
		sockaddr_to_ip(&ss, &peer);
		if (atomic_fetch_add(&srv->connections, 1) >= srv->opt.max_connections) {
			atomic_fetch_sub(&srv->connections, 1);
			refuse_connection(fd, "The server has as many connections as it takes; try again in a few seconds.");
			continue;
		}
		key = peers_key(&peer);
		if (peers_add(srv->peers, &key) < 0) {
			atomic_fetch_sub(&srv->connections, 1);
			refuse_connection(fd, "This address has as many connections open as it may; close some first.");
			continue;
		}
		(void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = xcalloc(1, sizeof(*c));
		c->lp = lp;
		c->fd = fd;
		c->peer = peer;
		c->key = key;
		c->peer_counted = 1;
		c->st = C_HEAD;
		c->last_io = mono_now();
		c->deadline = srv->header_ms > 0 ? c->last_io + srv->header_ms : 0;
		buf_init(&c->out, 2 * LIMIT_HEADER_BYTES);
		c->next = lp->conns;
		if (lp->conns != NULL)
			lp->conns->prev = c;
		lp->conns = c;
		if (epoll_ctl(lp->ep, EPOLL_CTL_ADD, fd,
		    &(struct epoll_event){.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c}) < 0) {
			conn_close(c);
			continue;
		}
		conn_run(c);
	}
}

/* ---- the loop ------------------------------------------------------------ */

/* Requests answered on other threads, queued by http_resume. */
static void
take_resumed(loop *lp)
{
	http_conn *c, *next;

	pthread_mutex_lock(&lp->mu);
	c = lp->resumed;
	lp->resumed = NULL;
	pthread_mutex_unlock(&lp->mu);
	for (; c != NULL; c = next) {
		next = c->next_resumed;
		c->next_resumed = NULL;
		c->req->parked = 0;
		atomic_fetch_sub(&lp->srv->parked, 1);
		c->st = C_WRITE;                      /* no longer C_HANDLER: conn_close may free it now */
		if (c->dead) {
			conn_close(c);
			continue;
		}
		reply_start(c);
		conn_run(c);                          /* the next request, if one is waiting */
	}
}

/* Deadlines: the head, the body, a reply the client does not read, the linger. */
static void
sweep(loop *lp)
{
	http_server *srv = lp->srv;
	int64_t now = mono_now();
	http_conn *c, *next;

	for (c = lp->conns; c != NULL; c = next) {
		int late = c->deadline != 0 && now >= c->deadline;
		int idle = srv->idle_ms > 0 && now - c->last_io >= srv->idle_ms;

		next = c->next;
		if (c->fd < 0 || c->st == C_HANDLER)
			continue;
		if (c->st == C_LINGER || c->st == C_WRITE) {
			if (late || idle)
				conn_close(c);
		} else if (late || idle) {
			if (c->st == C_HEAD && c->in_len == 0)
				conn_close(c);                /* between requests: nothing is owed */
			else
				refuse(c, 408, "Request timeout", c->st == C_HEAD ?
				    "The request head did not arrive in time." : "The request body stopped coming.");
		}
	}
}

static void
start_listening(loop *lp)
{
	lp->relisten_at = 0;
	if (!lp->listening && epoll_ctl(lp->ep, EPOLL_CTL_ADD, lp->srv->listen_fd,
	    &(struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = NULL}) == 0)
		lp->listening = 1;
}

static void
stop_listening(loop *lp)
{
	if (lp->listening) {
		(void)epoll_ctl(lp->ep, EPOLL_CTL_DEL, lp->srv->listen_fd, NULL);
		lp->listening = 0;
	}
}

static void *
loop_main(void *arg)
{
	loop *lp = arg;
	http_server *srv = lp->srv;
	struct epoll_event evs[64];

	while (!atomic_load(&srv->quit)) {
		int n = epoll_wait(lp->ep, evs, 64, SWEEP_MS);
		int64_t now;

		for (int i = 0; i < n; i++) {
			http_conn *c = evs[i].data.ptr;

			if (c == NULL) {
				accept_some(lp);
				continue;
			}
			if ((void *)c == (void *)lp) {
				uint64_t v;

				(void)read(lp->ev, &v, sizeof(v));
				if (atomic_load(&srv->stopping))
					stop_listening(lp);
				take_resumed(lp);
				continue;
			}
			if (c->fd >= 0) {
				c->hup = (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) != 0;
				conn_run(c);
			}
		}
		bury(lp);
		now = mono_now();
		if (now >= lp->next_sweep) {
			lp->next_sweep = now + SWEEP_MS;
			if (lp->relisten_at != 0 && now >= lp->relisten_at && !atomic_load(&srv->stopping))
				start_listening(lp);
			sweep(lp);
			bury(lp);
		}
	}
	while (lp->conns != NULL) {
		http_conn *c = lp->conns;

		/* one still with another thread after the stop's wait stays with it (and is leaked) */
		conn_close(c);
	}
	bury(lp);
	return NULL;
}

void
http_suspend(http_request *req)
{
	req->parked = 1;                     /* written and read by the connection's loop thread only */
}

void
http_resume(http_request *req)
{
	/* No field of req is written here: this runs on another thread (the store's sync thread). */
	http_conn *c = req->conn;
	loop *lp = c->lp;
	uint64_t one = 1;
	int wake;

	pthread_mutex_lock(&lp->mu);
	wake = lp->resumed == NULL;           /* else a wake is already on its way: the loop takes the whole list */
	c->next_resumed = lp->resumed;
	lp->resumed = c;
	pthread_mutex_unlock(&lp->mu);
	if (wake)
		(void)write(lp->ev, &one, sizeof(one));
}

/* ---- start and stop -------------------------------------------------------- */

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

static int
open_listener(http_server *srv, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int one = 1, fd;

	if (listen_parse(srv->opt.listen, &ss, err, errlen) < 0)
		return -1;
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		goto fail;
	(void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (ss.ss_family == AF_INET6)
		(void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
	sl = ss.ss_family == AF_INET6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0 || listen(fd, 1024) < 0)
		goto fail;
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		srv->port = ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)(void *)&ss)->sin6_port :
		    ((struct sockaddr_in *)(void *)&ss)->sin_port);
	srv->listen_fd = fd;
	return 0;
fail:
	snprintf(err, errlen, "cannot listen on %s: %s", srv->opt.listen, strerror(errno));
	if (fd >= 0)
		close(fd);
	return -1;
}

static int
loop_init(http_server *srv, loop *lp, unsigned index)
{
	lp->srv = srv;
	randombytes_buf(&lp->id_base, sizeof(lp->id_base));
	lp->id_loop = index & 0xff;
	lp->ep = epoll_create1(EPOLL_CLOEXEC);
	lp->ev = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	pthread_mutex_init(&lp->mu, NULL);
	if (lp->ep < 0 || lp->ev < 0 ||
	    epoll_ctl(lp->ep, EPOLL_CTL_ADD, lp->ev, &(struct epoll_event){.events = EPOLLIN, .data.ptr = lp}) < 0 ||
	    epoll_ctl(lp->ep, EPOLL_CTL_ADD, srv->listen_fd,
	    &(struct epoll_event){.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = NULL}) < 0)
		return -1;
	lp->listening = 1;
	return 0;
}

static void
loop_cleanup(loop *lp)
{
	if (lp->ep >= 0)
		close(lp->ep);
	if (lp->ev >= 0)
		close(lp->ev);
	pthread_mutex_destroy(&lp->mu);
}

static void
wake_all(http_server *srv)
{
	uint64_t one = 1;

	for (unsigned i = 0; i < srv->n_loops; i++)
		(void)write(srv->loops[i].ev, &one, sizeof(one));
}

static void
server_free(http_server *srv)
{
	for (unsigned i = 0; i < srv->n_loops; i++)
		loop_cleanup(&srv->loops[i]);
	free(srv->loops);
	if (srv->listen_fd >= 0)
		close(srv->listen_fd);
	peers_free(srv->peers);
	ratelimit_free(srv->rl);
	free(srv);
}

int
http_server_start(const http_options *opt, const http_route *routes, size_t n_routes,
    void *app, http_server **out, char *err, size_t errlen)
{
	http_server *srv = xcalloc(1, sizeof(*srv));
	unsigned started = 0;

	srv->routes = routes;
	srv->n_routes = n_routes;
	srv->app = app;
	srv->opt = *opt;
	srv->listen_fd = -1;
	srv->header_ms = (int64_t)opt->header_seconds * 1000;
	srv->idle_ms = (int64_t)opt->idle_seconds * 1000;
	atomic_init(&srv->inflight, 0);
	atomic_init(&srv->connections, 0);
	atomic_init(&srv->active, 0);
	atomic_init(&srv->parked, 0);
	atomic_init(&srv->stopping, 0);
	atomic_init(&srv->quit, 0);
	/* connections' addresses, and as many clients behind trusted proxies */
	srv->peers = peers_new(2 * (size_t)opt->max_connections, opt->max_connections_per_ip);
	if (opt->rate_per_minute > 0)
		srv->rl = ratelimit_new(opt->rate_per_minute, opt->rate_burst ? opt->rate_burst : 1, LIMIT_RATE_CLIENTS);
	raise_fd_limit(opt->max_connections);
	if (open_listener(srv, err, errlen) < 0) {
		server_free(srv);
		return -1;
	}
	srv->n_loops = opt->threads ? opt->threads : 2;
	srv->loops = xcalloc(srv->n_loops, sizeof(loop));
	for (unsigned i = 0; i < srv->n_loops; i++) {
		srv->loops[i].ep = srv->loops[i].ev = -1;
		if (loop_init(srv, &srv->loops[i], i) < 0 ||
		    pthread_create(&srv->loops[i].thread, NULL, loop_main, &srv->loops[i]) != 0) {
			snprintf(err, errlen, "cannot start the HTTP threads: %s", strerror(errno));
			atomic_store(&srv->quit, 1);
			wake_all(srv);
			for (unsigned k = 0; k < started; k++)
				pthread_join(srv->loops[k].thread, NULL);
			server_free(srv);
			return -1;
		}
		started++;
	}
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
	int stuck;

	if (srv == NULL)
		return;
	/*
	 * A suspended request is a report being committed: stop taking new
	 * connections and requests, let those in hand be answered (the store
	 * is still open), then stop.  Bounded: a store stuck for 15 s loses.
	 */
	atomic_store(&srv->stopping, 1);
	wake_all(srv);
	/* requests with another thread: up to 15 s; replies being written: up to 2 s more */
	for (int i = 0; i < 1500; i++) {
		if (atomic_load(&srv->parked) == 0 && (atomic_load(&srv->active) == 0 || i >= 200))
			break;
		nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
	}
	/* only requests still with another thread make freeing unsafe; replies being written are just cut */
	stuck = atomic_load(&srv->parked) > 0;
	if (stuck)
		log_message("http", "stopping with %ld requests still unanswered", (long)atomic_load(&srv->parked));
	atomic_store(&srv->quit, 1);
	wake_all(srv);
	for (unsigned i = 0; i < srv->n_loops; i++)
		pthread_join(srv->loops[i].thread, NULL);
	if (stuck) {
		/* the thread holding them may still call http_resume: its loop must stay valid */
		close(srv->listen_fd);
		return;
	}
	server_free(srv);
}

void *
http_app(const http_request *req)
{
	return req->srv->app;
}
