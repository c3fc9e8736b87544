/*
 * conn.c -- a connection's bytes: reading request heads and bodies
 * (Content-Length or chunked, with 100 Continue), writing replies with one
 * sendmsg, pipelining without recursion, and closing.
 *
 * Every malformed request gets an answer: the parser's status and reason
 * as problem+json, 408 when the head or body stops coming, 400 when the
 * client ends the stream in the middle of a request; after which the
 * connection is closed gently (lingering close: our side shut, the rest of
 * what the client sends read and dropped for up to LIMIT_LINGER_MS and
 * LIMIT_BODY_DISCARD bytes, so the kernel does not reset the connection
 * and lose the answer).  Nothing more is read while a request is being
 * answered: pipelined bytes wait, and TCP holds back the rest.
 */
#include "http/conn.h"

#include <errno.h>
#include <linux/sockios.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include "util/xalloc.h"

#define IN_FIRST       4096           /* a connection's first input buffer */
#define IN_MAX         (LIMIT_HEADER_BYTES + 1)
#define EARLY_BYTES    (LIMIT_PATH_BYTES + 64) /* what http_head_early looks at: a method and a path */

static void conn_process(http_conn *c);
static void conn_write(http_conn *c);

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
void
conn_reply(http_conn *c)
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
	request_progress(c, 0);
	conn_write(c);
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

/*
 * A refusal made here (not by a handler): problem+json titled for its
 * status, and the connection closes after it (what follows on it cannot
 * be trusted, or the body was not read).  A reply already made (status 0
 * here) is sent as it is.
 */
void
conn_refuse(http_conn *c, unsigned status, const char *why)
{
	if (c->req == NULL)
		c->req = request_new(c);
	if (c->req->status == 0)
		http_reply_problem(c->req, status, title_for(status), why, NULL);
	c->req->close_after = 1;
	conn_reply(c);
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
		conn_refuse(c, status, why);
		return;
	}
	if (request_begin(c) < 0) {
		/* answered before the body: the body is not read, so the connection cannot go on */
		if (req->h.content_length > 0 || req->h.chunked)
			req->close_after = 1;
		conn_reply(c);
		return;
	}
	c->body_left = req->h.content_length > 0 ? (uint64_t)req->h.content_length : 0;
	if (c->body_left == 0 && !req->h.chunked) {
		request_dispatch(c);
		return;
	}
	if (c->body_left > 0 && c->body_left <= IN_FIRST * 16) {
		/* a small body's buffer at its size at once (a large one grows as its budget is taken) */
		req->body.max = req->max_body;
		(void)buf_reserve(&req->body, (size_t)c->body_left);
	}
	http_chunked_init(&c->ch);
	c->st = C_BODY;
	request_progress(c, 0);
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

	if (!c->req->h.chunked) {
		size_t n = c->in_len < c->body_left ? c->in_len : (size_t)c->body_left;

		rc = request_take_body(c, c->in, n);
		memmove(c->in, c->in + n, c->in_len - n);
		c->in_len -= n;
		c->body_left -= n;
		if (rc < 0)
			conn_refuse(c, 0, NULL);           /* take_body made the reply */
		else if (c->body_left == 0)
			request_dispatch(c);
		return;
	}
	rc = http_chunked_decode(&c->ch, c->in, c->in_len, &used, &out, &why);
	if (rc > 1) {
		conn_refuse(c, (unsigned)rc, why);
		return;
	}
	if (out > 0 && request_take_body(c, c->in, out) < 0) {
		conn_refuse(c, 0, NULL);
		return;
	}
	memmove(c->in, c->in + used, c->in_len - used);
	c->in_len -= used;
	if (rc == 1)
		request_dispatch(c);
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

					conn_refuse(c, st, st == 414 ? "The request line is longer than this server accepts." :
					    "The request line and headers are larger than this server accepts.");
				} else if (from < EARLY_BYTES &&
				    http_head_early(c->in, c->in_len < EARLY_BYTES ? c->in_len : EARLY_BYTES, &why) != 0)
					conn_refuse(c, 400, why);
				else if (c->eof)
					conn_refuse(c, 400, "The connection ended before the request head was complete.");
				return;
			}
			head_in(c, end);
		} else if (c->st == C_BODY) {
			if (c->in_len == 0) {
				if (c->eof)
					conn_refuse(c, 400, "The connection ended before the request body was complete.");
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
void
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
			request_progress(c, c->out_sent);
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
void
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

void
conn_bury(loop *lp)
{
	while (lp->graveyard != NULL) {
		http_conn *c = lp->graveyard;

		lp->graveyard = c->next_dead;
		free(c->spare);
		buf_cleanup(&c->out);
		free(c->in);
		free(c);
	}
}
