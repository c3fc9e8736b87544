/*
 * ratelimit.c -- token buckets per client address (see ratelimit.h).
 *
 * Each bucket is kept as one number, the generic cell rate algorithm's
 * "theoretical arrival time" (tat): with T the interval between requests
 * (60 s / per_minute) and B the burst, a request at time now is allowed
 * when max(tat, now) + T - now <= B * T, and then tat becomes
 * max(tat, now) + T.  That is exactly a bucket of B tokens refilled one
 * every T, without a division or a float per request: the bucket holds
 * (B * T - (tat - now)) / T tokens, and tat <= now means "full", so a slot
 * whose tat has passed is free for any other address.
 *
 * The table: SHARDS shards of a power-of-two number of slots, open
 * addressing over a window of PROBE slots from the hashed home slot.  A
 * lookup scans the window for the address; a miss takes the slot of the
 * window with the smallest tat (an empty slot has tat 0).  Nothing is ever
 * deleted, so no tombstones are needed.
 */
#include "http/ratelimit.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "util/xalloc.h"

#define SHARDS 16
#define PROBE  8

typedef struct slot {
	uint8_t key[20];          /* the address (IPv4 as v4-mapped; IPv6 as its /64), then the bucket */
	int64_t tat;              /* microseconds; 0 = empty */
} slot;

typedef struct shard {
	pthread_mutex_t lock;
	slot *slots;
	size_t mask;              /* slots - 1 */
} shard;

struct ratelimit {
	int64_t interval_us;      /* T */
	int64_t window_us;        /* B * T */
	unsigned burst;
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	shard shards[SHARDS];
};

ratelimit *
ratelimit_new(unsigned per_minute, unsigned burst, size_t max_entries)
{
	ratelimit *rl = xcalloc(1, sizeof(*rl));
	size_t per_shard = 1;

	if (per_minute == 0)
		per_minute = 1;
	if (burst == 0)
		burst = 1;
	rl->interval_us = 60000000 / (int64_t)per_minute;
	if (rl->interval_us < 1)
		rl->interval_us = 1;
	rl->burst = burst;
	rl->window_us = rl->interval_us * (int64_t)burst;
	randombytes_buf(rl->hash_key, sizeof(rl->hash_key));
	while (per_shard * SHARDS < max_entries && per_shard < (1u << 24))
		per_shard <<= 1;
	if (per_shard < PROBE)
		per_shard = PROBE;
	for (size_t i = 0; i < SHARDS; i++) {
		if (pthread_mutex_init(&rl->shards[i].lock, NULL) != 0)
			abort();
		rl->shards[i].slots = xcalloc(per_shard, sizeof(slot));
		rl->shards[i].mask = per_shard - 1;
	}
	return rl;
}

void
ratelimit_free(ratelimit *rl)
{
	if (rl == NULL)
		return;
	for (size_t i = 0; i < SHARDS; i++) {
		pthread_mutex_destroy(&rl->shards[i].lock);
		free(rl->shards[i].slots);
	}
	free(rl);
}

/* The key an address's bucket is counted under. */
static void
make_key(const ipaddr *a, unsigned bucket, uint8_t key[20])
{
	uint32_t b = bucket;

	memset(key, 0, 20);
	memcpy(key + 16, &b, 4);
	if (a->family == 4) {
		key[10] = key[11] = 0xff;
		memcpy(key + 12, a->b, 4);
	} else if (memcmp(a->b, "\0\0\0\0\0\0\0\0\0\0\xff\xff", 12) == 0) {
		memcpy(key, a->b, 16);          /* IPv4-mapped: the IPv4 address */
	} else {
		memcpy(key, a->b, 8);           /* the /64 */
	}
}

/* The slot for key in sh: its own, or the one to reuse.  Called with sh->lock held. */
static slot *
find_slot(shard *sh, const uint8_t key[20], uint64_t hash)
{
	slot *victim = NULL;

	for (size_t i = 0; i < PROBE; i++) {
		slot *s = &sh->slots[(hash + i) & sh->mask];

		if (s->tat != 0 && memcmp(s->key, key, 20) == 0)
			return s;
		if (victim == NULL || s->tat < victim->tat)
			victim = s;
	}
	memcpy(victim->key, key, 20);
	victim->tat = 0;
	return victim;
}

static unsigned
ceil_seconds(int64_t us)
{
	return us <= 0 ? 0 : (unsigned)((us + 999999) / 1000000);
}

void
ratelimit_take(ratelimit *rl, const ipaddr *client, unsigned bucket, int64_t now_us, ratelimit_result *out)
{
	uint8_t key[20], h[crypto_shorthash_BYTES];
	uint64_t hash;
	shard *sh;
	slot *s;
	int64_t tat, next, used;

	make_key(client, bucket, key);
	crypto_shorthash(h, key, sizeof(key), rl->hash_key);
	memcpy(&hash, h, sizeof(hash));
	sh = &rl->shards[hash % SHARDS];
	hash /= SHARDS;
	pthread_mutex_lock(&sh->lock);
	s = find_slot(sh, key, hash);
	tat = s->tat > now_us ? s->tat : now_us;
	next = tat + rl->interval_us;
	out->allowed = next - now_us <= rl->window_us;
	if (out->allowed)
		s->tat = next;                  /* a new slot always allows: T <= B * T */
	used = s->tat - now_us;               /* > 0: B*T minus what is left */
	pthread_mutex_unlock(&sh->lock);
	out->retry_after = out->allowed ? 0 : ceil_seconds(next - now_us - rl->window_us);
	if (!out->allowed && out->retry_after == 0)
		out->retry_after = 1;
	if (used <= 0) {
		out->remaining = rl->burst;
		out->reset_seconds = 0;
		return;
	}
	/* tokens left: floor((B*T - used) / T); the next one comes when used drops a step */
	out->remaining = (unsigned)((rl->window_us - used) / rl->interval_us);
	out->reset_seconds = ceil_seconds(used - (int64_t)(rl->burst - out->remaining - 1) * rl->interval_us);
}
