/*
 * conn.h -- inside the HTTP server: the event loops, connections and the
 * server itself, shared by server.c (loops, accepting, start and stop),
 * conn.c (a connection's bytes: heads, bodies, replies, closing) and
 * request.c (a request's life from its head to its handler).  Handlers
 * never see any of it (http.h).
 *
 * Threads: a connection and its request belong to the loop that accepted
 * it; the only field another thread touches is next_resumed, under the
 * loop's mutex (http_resume).
 */
#ifndef ABUSEDESK_HTTP_CONN_H
#define ABUSEDESK_HTTP_CONN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include "bounds.h"
#include "core/ipaddr.h"
#include "http/internal.h"
#include "http/parse.h"
#include "http/peers.h"
#include "http/ratelimit.h"
#include "util/buf.h"

#define SWEEP_MS       200            /* how often deadlines are looked at */
#define ACCEPT_BATCH   32             /* connections taken per event on the listening socket */

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
	char *in;                    /* received, not yet consumed */
	size_t in_len, in_cap;
	size_t scanned;              /* of in, bytes already looked at for a head's end */
	http_request *req;           /* the request being read or answered */
	http_request *spare;         /* the last one's memory, for the next (request_new) */
	uint64_t body_left;          /* Content-Length bytes still to come */
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

/* ---- clocks -------------------------------------------------------------- */

static inline int64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static inline double
mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static inline int64_t
mono_now(void)
{
	return (int64_t)mono_ms();
}

static inline int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- request.c: a request's life up to its handler ----------------------- */

/* A new request on c (its id, its client as the peer until the head says otherwise). */
http_request *request_new(http_conn *c);
/* The head is in c->req: check, route, rate, declared size.  0 to read the body, -1 when answered. */
int request_begin(http_conn *c);
/* n body bytes: 0, or -1 when refused (the reply is made). */
int request_take_body(http_conn *c, const char *data, size_t n);
/* The whole request is in: run its handler (or answer 415 / 503). */
void request_dispatch(http_conn *c);
/* Progress of a body read or a reply written (done bytes so far): moves c->deadline. */
void request_progress(http_conn *c, uint64_t done);
/* The request is over (answered, or its connection gone): log it and free it. */
void request_end(http_request *req, const char *aborted);

/* ---- conn.c: a connection's bytes ---------------------------------------- */

/* Drive c after an event: finish a write, use what is buffered, read while the state takes input. */
void conn_run(http_conn *c);
/* Write c->req's reply (made by a handler, or a 500 if none was). */
void conn_reply(http_conn *c);
/* Answer a refusal made here (problem+json, titled for status) and close after it; status 0: the reply already made. */
void conn_refuse(http_conn *c, unsigned status, const char *why);
/* Close c's socket; c itself is freed by conn_bury (or on resume if its request is parked). */
void conn_close(http_conn *c);
/* Free the loop's closed connections (after a batch of events). */
void conn_bury(loop *lp);

#endif
