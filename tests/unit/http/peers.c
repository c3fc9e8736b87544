/*
 * tests/unit/http/peers.c -- connections counted per client address
 * (src/http/peers.c): the per-address limit, the table's capacity, the
 * share of in-flight body bytes, and
 * that removing entries (backward-shift deletion) never loses another
 * address's count, checked against a plain array over thousands of random
 * adds and drops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/ipaddr.h"
#include "http/peers.h"

static ipaddr
v4(unsigned n)
{
	ipaddr a;

	memset(&a, 0, sizeof(a));
	a.family = 4;
	a.b[0] = 10;
	a.b[1] = (uint8_t)(n >> 16);
	a.b[2] = (uint8_t)(n >> 8);
	a.b[3] = (uint8_t)n;
	return a;
}

static void
limit_per_address(void **state)
{
	peers *p = peers_new(16, 3);
	ipaddr a = v4(1), b = v4(2);

	(void)state;
	for (int i = 0; i < 3; i++)
		assert_int_equal(peers_add(p, &a), 0);
	assert_int_equal(peers_add(p, &a), -1);
	assert_int_equal(peers_add(p, &b), 0);      /* another address still gets in */
	peers_drop(p, &a);
	assert_int_equal(peers_add(p, &a), 0);      /* and a again once one closed */
	assert_int_equal(peers_add(p, &a), -1);
	peers_free(p);
}

static void
family_matters(void **state)
{
	peers *p = peers_new(16, 1);
	ipaddr a = v4(1), b = v4(1);

	(void)state;
	b.family = 6;                                /* same bytes, other family: another address */
	assert_int_equal(peers_add(p, &a), 0);
	assert_int_equal(peers_add(p, &b), 0);
	assert_int_equal(peers_add(p, &a), -1);
	peers_free(p);
}

static void
capacity_bounds_addresses(void **state)
{
	peers *p = peers_new(4, 10);
	ipaddr e = v4(99);

	(void)state;
	for (unsigned i = 0; i < 4; i++) {
		ipaddr a = v4(i);

		assert_int_equal(peers_add(p, &a), 0);
	}
	assert_int_equal(peers_add(p, &e), -1);      /* a fifth address: the table is full */
	{
		ipaddr a = v4(0);

		assert_int_equal(peers_add(p, &a), 0);  /* a known one may still add */
		peers_drop(p, &a);
		peers_drop(p, &a);                       /* v4(0) gone: room again */
	}
	assert_int_equal(peers_add(p, &e), 0);
	peers_free(p);
}

static void
inflight_share(void **state)
{
	peers *p = peers_new(16, 8);
	ipaddr a = v4(1), b = v4(2), none = v4(3);

	(void)state;
	assert_int_equal(peers_add(p, &a), 0);
	assert_int_equal(peers_add(p, &b), 0);
	assert_int_equal(peers_reserve(p, &a, 600, 1000), 0);
	assert_int_equal(peers_reserve(p, &a, 400, 1000), 0);      /* exactly the cap */
	assert_int_equal(peers_reserve(p, &a, 1, 1000), -1);
	assert_int_equal(peers_reserve(p, &b, 1000, 1000), 0);     /* b has its own share */
	assert_int_equal(peers_reserve(p, &none, 1, 1000), 0);     /* a client behind a proxy: no connection of its own */
	peers_release(p, &none, 1);                                  /* ...and its slot goes with its bytes */
	assert_int_equal(peers_reserve(p, &a, (size_t)-1, 1000), -1); /* no wrap-around */
	peers_release(p, &a, 600);
	assert_int_equal(peers_reserve(p, &a, 600, 1000), 0);
	peers_release(p, &a, 5000);                                  /* more than held: down to zero */
	assert_int_equal(peers_reserve(p, &a, 1000, 1000), 0);
	peers_release(p, &none, 10);                                 /* unknown: ignored */
	peers_free(p);
}

static void
ipv6_counts_per_64(void **state)
{
	peers *p = peers_new(16, 2);
	ipaddr a, b, c, m, km;
	char why[64];

	(void)state;
	assert_int_equal(ipaddr_parse("2001:db8:1:2::1", &a, why, sizeof(why)), 0);
	assert_int_equal(ipaddr_parse("2001:db8:1:2:ffff::9", &b, why, sizeof(why)), 0);
	assert_int_equal(ipaddr_parse("2001:db8:1:3::1", &c, why, sizeof(why)), 0);
	a = peers_key(&a);
	b = peers_key(&b);
	c = peers_key(&c);
	assert_int_equal(peers_add(p, &a), 0);
	assert_int_equal(peers_add(p, &b), 0);                      /* the same /64 */
	assert_int_equal(peers_add(p, &a), -1);
	assert_int_equal(peers_add(p, &c), 0);                      /* the next /64 is another client */
	assert_int_equal(ipaddr_parse("::ffff:192.0.2.7", &m, why, sizeof(why)), 0);
	km = peers_key(&m);
	assert_memory_equal(km.b, m.b, 16);                          /* IPv4-mapped: kept whole */
	peers_free(p);
}

/* Random adds and drops against a plain count per address. */
static void
random_against_model(void **state)
{
	enum { ADDRS = 300, STEPS = 50000, LIMIT = 4 };
	unsigned model[ADDRS] = {0};
	peers *p = peers_new(ADDRS, LIMIT);
	unsigned seed = 12345;

	(void)state;
	for (int step = 0; step < STEPS; step++) {
		unsigned i;
		ipaddr a;

		seed = seed * 1103515245u + 12345u;
		i = (seed >> 8) % ADDRS;
		a = v4(i * 7919);
		if ((seed >> 4) & 1) {
			int rc = peers_add(p, &a);

			assert_int_equal(rc, model[i] < LIMIT ? 0 : -1);
			if (rc == 0)
				model[i]++;
		} else if (model[i] > 0) {
			peers_drop(p, &a);
			model[i]--;
		}
	}
	/* every count is what the model says: fill each address up to its limit */
	for (unsigned i = 0; i < ADDRS; i++) {
		ipaddr a = v4(i * 7919);

		for (unsigned k = model[i]; k < LIMIT; k++)
			assert_int_equal(peers_add(p, &a), 0);
		assert_int_equal(peers_add(p, &a), -1);
	}
	peers_free(p);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(limit_per_address),
		cmocka_unit_test(family_matters),
		cmocka_unit_test(capacity_bounds_addresses),
		cmocka_unit_test(inflight_share),
		cmocka_unit_test(ipv6_counts_per_64),
		cmocka_unit_test(random_against_model),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
