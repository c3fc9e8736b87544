/*
 * peers.c -- open connections per client address (see peers.h).
 *
 * Open addressing with linear probing over a power-of-two table at least
 * twice the capacity, keyed by the address bytes hashed with a secret
 * per-process key (libsodium's shorthash, SipHash), so that a client
 * cannot choose addresses that collide.  A slot whose count drops to zero
 * is emptied with backward-shift deletion, so no tombstones build up.
 */
#include "http/peers.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/xalloc.h"

typedef struct slot {
	ipaddr addr;
	unsigned count;              /* connections; 0: empty */
	size_t inflight;             /* body bytes being received */
} slot;

struct peers {
	pthread_mutex_t mu;
	slot *slots;
	size_t mask;
	size_t used, capacity;
	unsigned limit;
	unsigned char key[crypto_shorthash_KEYBYTES];
};

peers *
peers_new(size_t capacity, unsigned limit)
{
	peers *p = xcalloc(1, sizeof(*p));
	size_t n = 16;

	while (n < capacity * 2)
		n *= 2;
	p->slots = xcalloc(n, sizeof(slot));
	p->mask = n - 1;
	p->capacity = capacity;
	p->limit = limit;
	crypto_shorthash_keygen(p->key);
	pthread_mutex_init(&p->mu, NULL);
	return p;
}

void
peers_free(peers *p)
{
	if (p == NULL)
		return;
	pthread_mutex_destroy(&p->mu);
	free(p->slots);
	free(p);
}

static size_t
home(const peers *p, const ipaddr *a)
{
	unsigned char h[crypto_shorthash_BYTES];
	uint64_t v;

	crypto_shorthash(h, a->b, sizeof(a->b), p->key);
	memcpy(&v, h, sizeof(v));
	return (size_t)v & p->mask;
}

static int
same(const ipaddr *x, const ipaddr *y)
{
	return x->family == y->family && memcmp(x->b, y->b, sizeof(x->b)) == 0;
}

/* The slot holding a, or the empty slot where it would go. */
static size_t
find(const peers *p, const ipaddr *a)
{
	size_t i = home(p, a);

	while (p->slots[i].count != 0 && !same(&p->slots[i].addr, a))
		i = (i + 1) & p->mask;
	return i;
}

int
peers_add(peers *p, const ipaddr *a)
{
	int rc = 0;
	size_t i;

	pthread_mutex_lock(&p->mu);
	i = find(p, a);
	if (p->slots[i].count == 0) {
		if (p->used >= p->capacity || p->limit == 0)
			rc = -1;
		else {
			p->slots[i].addr = *a;
			p->slots[i].count = 1;
			p->slots[i].inflight = 0;
			p->used++;
		}
	} else if (p->slots[i].count >= p->limit)
		rc = -1;
	else
		p->slots[i].count++;
	pthread_mutex_unlock(&p->mu);
	return rc;
}

/* Empty slot i, moving later entries of its probe run back so that every one stays findable. */
static void
remove_at(peers *p, size_t i)
{
	size_t j = i;

	for (;;) {
		size_t h;

		j = (j + 1) & p->mask;
		if (p->slots[j].count == 0)
			break;
		h = home(p, &p->slots[j].addr);
		/* move j to i when its home is not in (i, j] cyclically */
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			p->slots[i] = p->slots[j];
			i = j;
		}
	}
	p->slots[i].count = 0;
}

void
peers_drop(peers *p, const ipaddr *a)
{
	size_t i;

	pthread_mutex_lock(&p->mu);
	i = find(p, a);
	if (p->slots[i].count > 0 && --p->slots[i].count == 0) {
		remove_at(p, i);
		p->used--;
	}
	pthread_mutex_unlock(&p->mu);
}

int
peers_reserve(peers *p, const ipaddr *a, size_t n, size_t cap)
{
	int rc = -1;
	size_t i;

	pthread_mutex_lock(&p->mu);
	i = find(p, a);
	if (p->slots[i].count > 0 && p->slots[i].inflight <= cap && n <= cap - p->slots[i].inflight) {
		p->slots[i].inflight += n;
		rc = 0;
	}
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
peers_release(peers *p, const ipaddr *a, size_t n)
{
	size_t i;

	pthread_mutex_lock(&p->mu);
	i = find(p, a);
	if (p->slots[i].count > 0)
		p->slots[i].inflight -= n <= p->slots[i].inflight ? n : p->slots[i].inflight;
	pthread_mutex_unlock(&p->mu);
}
