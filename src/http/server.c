/*
 * server.c -- the HTTP/1.1 server: its event loops, accepting connections,
 * the hand-over of suspended requests, deadlines, start and stop.  A
 * connection's bytes are conn.c's, a request's life request.c's, the
 * parsing parse.c's; the route table (http.h) sits on top.
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
 */
#include "http/conn.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "util/xalloc.h"

static void stop_listening(loop *lp);

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
		conn_reply(c);
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
				conn_refuse(c, 408, c->st == C_HEAD ?
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
		conn_bury(lp);
		now = mono_now();
		if (now >= lp->next_sweep) {
			lp->next_sweep = now + SWEEP_MS;
			if (lp->relisten_at != 0 && now >= lp->relisten_at && !atomic_load(&srv->stopping))
				start_listening(lp);
			sweep(lp);
			conn_bury(lp);
		}
	}
	while (lp->conns != NULL) {
		http_conn *c = lp->conns;

		/* one still with another thread after the stop's wait stays with it (and is leaked) */
		conn_close(c);
	}
	conn_bury(lp);
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
