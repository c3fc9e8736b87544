/*
 * ratelimit.h -- rate limiting per client address: a token bucket (as the
 * generic cell rate algorithm) for each address and each of its buckets
 * (the server keeps one per route, so that a form's checks as you type do
 * not use up what its submission needs), in a bounded table shared by the
 * server's threads.
 *
 * A client may make `burst` requests at once and `per_minute` requests a
 * minute in the long run, to each bucket.  IPv6 clients are counted per /64 (one host is
 * usually given a whole /64, so per-address counting would be no limit);
 * IPv4-mapped IPv6 is counted as the IPv4 address.
 *
 * The table holds at most max_entries addresses.  When a slot is wanted and
 * its neighbourhood is full, the entry whose bucket is fullest again is
 * reused: an address whose bucket has refilled is the same as an address
 * never seen, so under normal load nothing is lost; under a flood of new
 * addresses an idle address may be forgotten early, which only ever errs
 * towards letting a request through.  Slots are found by a keyed hash
 * (SipHash, random key per table), so clients cannot aim at one slot.
 *
 * Thread-safe: the table is split in shards, each behind its own mutex.
 * Ownership: ratelimit_new's result belongs to the caller (ratelimit_free).
 */
#ifndef ABUSEDESK_HTTP_RATELIMIT_H
#define ABUSEDESK_HTTP_RATELIMIT_H

#include <stddef.h>
#include <stdint.h>

#include "core/ipaddr.h"

typedef struct ratelimit ratelimit;

typedef struct ratelimit_result {
	int allowed;              /* 1: go ahead (a token was taken); 0: answer 429 */
	unsigned remaining;       /* whole requests available now, after this one */
	unsigned reset_seconds;   /* seconds until one more request is available (0 when full) */
	unsigned retry_after;     /* when refused: seconds until a request will be allowed (>= 1) */
} ratelimit_result;

/*
 * A limiter of per_minute requests a minute with bursts of burst (both
 * >= 1), remembering at most max_entries addresses.  Never NULL (aborts
 * when memory runs out at start).
 */
ratelimit *ratelimit_new(unsigned per_minute, unsigned burst, size_t max_entries);
/* NULL ok. */
void ratelimit_free(ratelimit *rl);
/*
 * Take one request for client from its bucket number bucket at now_us (a
 * monotonic clock, microseconds); *out filled.
 */
void ratelimit_take(ratelimit *rl, const ipaddr *client, unsigned bucket, int64_t now_us, ratelimit_result *out);

#endif
