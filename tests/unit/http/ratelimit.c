/*
 * tests/unit/http/ratelimit.c -- the token buckets of src/http/ratelimit.c:
 * burst, refill, the numbers the RateLimit fields carry, counting IPv6 per
 * /64 and IPv4-mapped as IPv4, the bounded table, and many threads at once.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/ipaddr.h"
#include "http/ratelimit.h"

#define SEC 1000000LL   /* microseconds */

static ipaddr
addr(const char *s)
{
	ipaddr a;
	char why[128];

	assert_int_equal(ipaddr_parse(s, &a, why, sizeof(why)), 0);
	return a;
}

static ratelimit_result
take(ratelimit *rl, const char *who, int64_t now)
{
	ipaddr a = addr(who);
	ratelimit_result r;

	ratelimit_take(rl, &a, 0, now, &r);
	return r;
}

static void
burst_then_refused_with_retry_after(void **state)
{
	ratelimit *rl = ratelimit_new(60, 3, 1000);   /* one a second, three at once */
	ratelimit_result r;
	int64_t t = 1000 * SEC;

	(void)state;
	r = take(rl, "8.8.8.8", t);
	assert_true(r.allowed);
	assert_int_equal(r.remaining, 2);
	assert_int_equal(r.reset_seconds, 1);
	assert_int_equal(take(rl, "8.8.8.8", t).remaining, 1);
	assert_int_equal(take(rl, "8.8.8.8", t).remaining, 0);
	r = take(rl, "8.8.8.8", t);
	assert_false(r.allowed);
	assert_int_equal(r.remaining, 0);
	assert_int_equal(r.retry_after, 1);
	r = take(rl, "8.8.8.8", t + SEC / 2);
	assert_false(r.allowed);
	assert_int_equal(r.retry_after, 1);                 /* half a second left: rounded up */
	assert_true(take(rl, "8.8.8.8", t + SEC).allowed);  /* one token back after a second */
	assert_false(take(rl, "8.8.8.8", t + SEC).allowed);
	ratelimit_free(rl);
}

static void
a_full_bucket_after_a_quiet_while(void **state)
{
	ratelimit *rl = ratelimit_new(6, 2, 1000);    /* one every 10 s, two at once */
	ratelimit_result r;
	int64_t t = 50 * SEC;

	(void)state;
	assert_true(take(rl, "1.1.1.1", t).allowed);
	assert_true(take(rl, "1.1.1.1", t).allowed);
	r = take(rl, "1.1.1.1", t);
	assert_false(r.allowed);
	assert_int_equal(r.retry_after, 10);
	r = take(rl, "1.1.1.1", t + 25 * SEC);         /* 2.5 tokens' worth: the bucket holds 2 */
	assert_true(r.allowed);
	assert_int_equal(r.remaining, 1);
	assert_int_equal(r.reset_seconds, 10);
	ratelimit_free(rl);
}

static void
addresses_have_their_own_buckets(void **state)
{
	ratelimit *rl = ratelimit_new(60, 1, 1000);
	int64_t t = 10 * SEC;

	(void)state;
	assert_true(take(rl, "8.8.8.8", t).allowed);
	assert_false(take(rl, "8.8.8.8", t).allowed);
	assert_true(take(rl, "8.8.4.4", t).allowed);
	ratelimit_free(rl);
}

static void
buckets_of_one_address_are_apart(void **state)
{
	ratelimit *rl = ratelimit_new(60, 1, 1000);
	ipaddr a = addr("8.8.8.8");
	ratelimit_result r;

	(void)state;
	ratelimit_take(rl, &a, 0, 10 * SEC, &r);
	assert_true(r.allowed);
	ratelimit_take(rl, &a, 0, 10 * SEC, &r);
	assert_false(r.allowed);
	ratelimit_take(rl, &a, 1, 10 * SEC, &r);
	assert_true(r.allowed);
	ratelimit_free(rl);
}

static void
ipv6_counts_per_64_and_mapped_ipv4_as_ipv4(void **state)
{
	ratelimit *rl = ratelimit_new(60, 1, 1000);
	int64_t t = 10 * SEC;

	(void)state;
	assert_true(take(rl, "2001:4860:1:2::1", t).allowed);
	assert_false(take(rl, "2001:4860:1:2:ffff::9", t).allowed);   /* same /64 */
	assert_true(take(rl, "2001:4860:1:3::1", t).allowed);         /* another /64 */
	assert_true(take(rl, "9.9.9.9", t).allowed);
	assert_false(take(rl, "::ffff:9.9.9.9", t).allowed);          /* the same client */
	ratelimit_free(rl);
}

static void
the_table_stays_bounded_and_forgets_idle_addresses_first(void **state)
{
	ratelimit *rl = ratelimit_new(60, 1, 64);
	char a[32];
	int64_t t = 100 * SEC;
	int refused = 0;

	(void)state;
	assert_true(take(rl, "8.8.8.8", t).allowed);
	/* 10 000 other addresses, each once, one second later: 8.8.8.8's bucket is full again by then */
	for (int i = 0; i < 10000; i++) {
		snprintf(a, sizeof(a), "11.%d.%d.1", i / 256, i % 256);
		refused += !take(rl, a, t + SEC).allowed;
	}
	assert_int_equal(refused, 0);
	assert_true(take(rl, "8.8.8.8", t + SEC).allowed);   /* forgotten or refilled: allowed either way */
	ratelimit_free(rl);
}

typedef struct hammer {
	ratelimit *rl;
	int allowed;
} hammer;

static void *
hammer_run(void *arg)
{
	hammer *h = arg;
	ipaddr a = addr("8.8.8.8");

	for (int i = 0; i < 20000; i++) {
		ratelimit_result r;

		ratelimit_take(h->rl, &a, 0, 500 * SEC, &r);
		h->allowed += r.allowed;
	}
	return NULL;
}

static void
many_threads_share_one_bucket_exactly(void **state)
{
	ratelimit *rl = ratelimit_new(60, 100, 1000);
	pthread_t th[8];
	hammer h[8];
	int total = 0;

	(void)state;
	for (int i = 0; i < 8; i++) {
		h[i] = (hammer){rl, 0};
		assert_int_equal(pthread_create(&th[i], NULL, hammer_run, &h[i]), 0);
	}
	for (int i = 0; i < 8; i++) {
		pthread_join(th[i], NULL);
		total += h[i].allowed;
	}
	assert_int_equal(total, 100);                         /* the burst, no more, no less */
	ratelimit_free(rl);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(burst_then_refused_with_retry_after),
		cmocka_unit_test(a_full_bucket_after_a_quiet_while),
		cmocka_unit_test(addresses_have_their_own_buckets),
		cmocka_unit_test(buckets_of_one_address_are_apart),
		cmocka_unit_test(ipv6_counts_per_64_and_mapped_ipv4_as_ipv4),
		cmocka_unit_test(the_table_stays_bounded_and_forgets_idle_addresses_first),
		cmocka_unit_test(many_threads_share_one_bucket_exactly),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
