/*
 * request.c -- a request's life from its head to its handler: its id and
 * client, the checks and refusals before any body is read (target, route,
 * 404/405, the rate limit and 429, a declared size over the limit and
 * 413), the body in a bounded buffer with the in-flight budget (server-wide,
 * and each client's share of it), the deadlines a body and a reply must
 * keep, the body type (a body starting with '{' is JSON whatever its
 * Content-Type says, 415 when the route does not take it), the handler,
 * and the end: one access-log line and everything the request held freed.
 */
#include "http/conn.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http/guard.h"
#include "log.h"
#include "metrics.h"
#include "util/jsonbody.h"
#include "util/pct.h"
#include "util/xalloc.h"

#define RESERVE_STEP   (64u * 1024)   /* the in-flight budget is taken in steps of this */

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

/* The path of a target, %-decoded (guard_target has refused %00 and bad escapes in it). */
static char *
decode_path(const char *target)
{
	return pct_decode(target, strcspn(target, "?"), 0);
}

http_request *
request_new(http_conn *c)
{
	http_request *req = c->spare != NULL ? c->spare : xmalloc(sizeof(*req));

	/*
	 * A connection keeps its last request's memory for the next one, and
	 * the head's 1.6 KB field array is not zeroed (parse.h): measured, a
	 * calloc of the whole ~2 KB per request made glibc consolidate its
	 * free lists each time, ~2% of a small request's CPU.
	 */
	c->spare = NULL;
	memset(req, 0, offsetof(http_request, h));
	memset(&req->h, 0, offsetof(http_head, fields));
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

static void
release_inflight(http_request *req)
{
	if (req->reserved > 0) {
		/* the client's share is the same bytes, held as long (see reserve_inflight) */
		peers_release(req->srv->peers, &req->client_key, req->reserved);
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
	return 0;
}

/* The request is over (answered, or its connection gone): log it and free everything it held. */
void
request_end(http_request *req, const char *aborted)
{
	http_server *srv = req->srv;
	double ms = mono_ms() - req->start_mono;

	metrics_http(req->status, ms);
	if (srv->opt.access_log)
		log_access(req->request_id, req->client_ip, req->method[0] ? req->method : "-",
		    req->path != NULL ? req->path : "-", req->status, req->reply_len, ms, aborted);
	release_inflight(req);
	if (req->counted)
		atomic_fetch_sub(&srv->active, 1);
	if (req->on_complete != NULL)
		req->on_complete(req->on_complete_arg);
	request_reply_discard(req);
	buf_cleanup(&req->body);
	free(req->path);
	free(req->head);
	if (req->conn->spare == NULL)
		req->conn->spare = req;            /* freed with the connection (conn_bury) */
	else
		free(req);
}

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
void
request_progress(http_conn *c, uint64_t done)
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

static void
reply_too_large(http_request *req)
{
	char msg[160];

	snprintf(msg, sizeof(msg), "The request body is larger than %zu bytes, the most this endpoint accepts.",
	    req->max_body);
	http_reply_problem(req, 413, "Request body too large", msg, NULL);
}

/* The head is in: check it, route, rate and declared size.  0 to read the body, -1 when answered. */
int
request_begin(http_conn *c)
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
int
request_take_body(http_conn *c, const char *data, size_t n)
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
	request_progress(c, req->body.len);
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
void
request_dispatch(http_conn *c)
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
		conn_reply(c);
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
		conn_reply(c);
		return;
	}
	req->route->handler(req);
	if (req->parked) {
		atomic_fetch_add(&req->srv->parked, 1);
		c->st = C_HANDLER;                  /* another thread answers; the reply is not ours to read */
		return;
	}
	conn_reply(c);
}
