/*
 * watch.c -- the connection deadline watcher (see watch.h).
 *
 * A doubly linked list of registered connections, one mutex, one thread
 * waking every TICK_MS.  The cost is one pass over the open connections
 * (at most max_connections, 1 024 by default) a few times a second, and
 * an atomic store per request phase on MHD's threads.
 */
#include "http/watch.h"

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#include "util/xalloc.h"

#define TICK_MS 200

struct watch_conn {
	watch_conn *prev, *next;
	int fd;
	int cut;                     /* shut down already */
	_Atomic int64_t deadline_ms;
};

struct watch {
	pthread_mutex_t lock;
	pthread_cond_t wake;
	pthread_t thread;
	int stopping;
	watch_conn *head;
	_Atomic uint64_t cut;
};

int64_t
watch_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* One pass: shut down what is past its deadline.  Called with w->lock held. */
static void
sweep(watch *w)
{
	int64_t now = watch_now_ms();

	for (watch_conn *c = w->head; c != NULL; c = c->next) {
		int64_t d = atomic_load_explicit(&c->deadline_ms, memory_order_relaxed);

		if (d != 0 && now > d && !c->cut) {
			(void)shutdown(c->fd, SHUT_RDWR);
			c->cut = 1;
			atomic_fetch_add(&w->cut, 1);
		}
	}
}

static void *
run(void *arg)
{
	watch *w = arg;
	struct timespec until;

	pthread_mutex_lock(&w->lock);
	while (!w->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &until);
		until.tv_nsec += TICK_MS * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		(void)pthread_cond_timedwait(&w->wake, &w->lock, &until);
		if (!w->stopping)
			sweep(w);
	}
	pthread_mutex_unlock(&w->lock);
	return NULL;
}

watch *
watch_start(void)
{
	watch *w = xcalloc(1, sizeof(*w));
	pthread_condattr_t ca;
	int rc;

	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_mutex_init(&w->lock, NULL);
	pthread_cond_init(&w->wake, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&w->cut, 0);
	rc = pthread_create(&w->thread, NULL, run, w);
	if (rc != 0) {
		pthread_cond_destroy(&w->wake);
		pthread_mutex_destroy(&w->lock);
		free(w);
		errno = rc;
		return NULL;
	}
	return w;
}

void
watch_stop(watch *w)
{
	watch_conn *c, *next;

	if (w == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	w->stopping = 1;
	pthread_cond_signal(&w->wake);
	pthread_mutex_unlock(&w->lock);
	pthread_join(w->thread, NULL);
	for (c = w->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	pthread_cond_destroy(&w->wake);
	pthread_mutex_destroy(&w->lock);
	free(w);
}

watch_conn *
watch_add(watch *w, int fd, int64_t deadline_ms)
{
	watch_conn *c = xcalloc(1, sizeof(*c));

	c->fd = fd;
	atomic_init(&c->deadline_ms, deadline_ms);
	pthread_mutex_lock(&w->lock);
	c->next = w->head;
	if (w->head != NULL)
		w->head->prev = c;
	w->head = c;
	pthread_mutex_unlock(&w->lock);
	return c;
}

void
watch_remove(watch *w, watch_conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&w->lock);
	if (c->prev != NULL)
		c->prev->next = c->next;
	else
		w->head = c->next;
	if (c->next != NULL)
		c->next->prev = c->prev;
	pthread_mutex_unlock(&w->lock);
	free(c);
}

void
watch_set(watch_conn *c, int64_t deadline_ms)
{
	if (c != NULL)
		atomic_store_explicit(&c->deadline_ms, deadline_ms, memory_order_relaxed);
}

uint64_t
watch_cut_count(const watch *w)
{
	return atomic_load(&w->cut);
}
