/*
 * peers.c -- open connections and body bytes in flight per client
 * address (see peers.h).
 *
 * Open addressing with linear probing over a power-of-two table at least
 * twice the capacity, keyed by the address bytes hashed with a secret
 * per-process key (libsodium's shorthash, SipHash), so that a client
 * cannot choose addresses that collide.  A slot with nothing counted in it
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
	unsigned count;              /* connections */
	size_t inflight;             /* body bytes in flight; the slot is empty when both are 0 */
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
live(const slot *s)
{
	return s->count > 0 || s->inflight > 0;
}

ipaddr
peers_key(const ipaddr *a)
{
	static const uint8_t mapped[12] = {[10] = 0xff, [11] = 0xff};
	ipaddr k = *a;

	if (k.family == 6 && memcmp(k.b, mapped, sizeof(mapped)) != 0)
		memset(k.b + 8, 0, 8);
	return k;
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

	while (live(&p->slots[i]) && !same(&p->slots[i].addr, a))
		i = (i + 1) & p->mask;
	return i;
}

/* The slot for a, claimed if new: its index, or -1 when the table is full. */
static long
claim(peers *p, const ipaddr *a)
{
	size_t i = find(p, a);

	if (!live(&p->slots[i])) {
		if (p->used >= p->capacity)
			return -1;
		p->slots[i].addr = *a;
		p->slots[i].count = 0;
		p->slots[i].inflight = 0;
		p->used++;
	}
	return (long)i;
}

/* Empty the slot if nothing is counted in it any more. */
static void remove_at(peers *p, size_t i);

static void
settle(peers *p, size_t i)
{
	if (!live(&p->slots[i])) {
		remove_at(p, i);
		p->used--;
	}
}

int
peers_add(peers *p, const ipaddr *a)
{
	int rc = -1;
	long i;

	pthread_mutex_lock(&p->mu);
	i = claim(p, a);
	if (i >= 0 && p->slots[i].count < p->limit) {
		p->slots[i].count++;
		rc = 0;
	}
	if (i >= 0)
		settle(p, (size_t)i);
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
		if (!live(&p->slots[j]))
			break;
		h = home(p, &p->slots[j].addr);
		/* move j to i when its home is not in (i, j] cyclically */
		if ((i <= j) ? (h <= i || h > j) : (h <= i && h > j)) {
			p->slots[i] = p->slots[j];
			i = j;
		}
	}
	p->slots[i].count = 0;
	p->slots[i].inflight = 0;
}

void
peers_drop(peers *p, const ipaddr *a)
{
	size_t i;

	pthread_mutex_lock(&p->mu);
	i = find(p, a);
	if (p->slots[i].count > 0) {
		p->slots[i].count--;
		settle(p, i);
	}
	pthread_mutex_unlock(&p->mu);
}

int
peers_reserve(peers *p, const ipaddr *a, size_t n, size_t cap)
{
	int rc = -1;
	long i;

	pthread_mutex_lock(&p->mu);
	i = claim(p, a);
	if (i >= 0 && p->slots[i].inflight <= cap && n <= cap - p->slots[i].inflight) {
		p->slots[i].inflight += n;
		rc = 0;
	}
	if (i >= 0)
		settle(p, (size_t)i);
	pthread_mutex_unlock(&p->mu);
	return rc;
}

void
peers_release(peers *p, const ipaddr *a, size_t n)
{
	size_t i;

	pthread_mutex_lock(&p->mu);
	i = find(p, a);
	if (live(&p->slots[i])) {
		p->slots[i].inflight -= n <= p->slots[i].inflight ? n : p->slots[i].inflight;
		settle(p, i);
	}
	pthread_mutex_unlock(&p->mu);
}
