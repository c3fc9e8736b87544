/*
 * peers.h -- open connections and body bytes in flight counted per client
 * address, for the caps on connections from one address
 * (max_connections_per_ip) and on the share of the in-flight budget one
 * address may hold.
 *
 * Addresses are counted as peers_key makes them: IPv6 per /64 (what one
 * customer usually gets, as the rate limiter counts it), IPv4 whole.
 *
 * Thread-safe (one mutex).  At most `capacity` addresses are tracked at
 * once (connections, plus clients behind trusted proxies with a body in
 * flight: both bounded by the connection cap); the table never grows.
 */
#ifndef ABUSEDESK_HTTP_PEERS_H
#define ABUSEDESK_HTTP_PEERS_H

#include <stddef.h>

#include "core/ipaddr.h"

typedef struct peers peers;

/* A table for up to capacity addresses, each allowed `limit` connections. NULL if out of memory. */
peers *peers_new(size_t capacity, unsigned limit);
void peers_free(peers *p);
/* The address as it is counted: IPv6 (not IPv4-mapped) cut to its /64. */
ipaddr peers_key(const ipaddr *a);
/* Count one more connection from a: 0, or -1 (not counted) when a is at its limit or the table is full. */
int peers_add(peers *p, const ipaddr *a);
/* A connection from a (counted by peers_add) closed. */
void peers_drop(peers *p, const ipaddr *a);
/*
 * Count n more body bytes in flight from a (a connection's peer, or a
 * client behind a trusted proxy): 0, or -1 (nothing counted) when that
 * would take it over cap or the table is full.
 */
int peers_reserve(peers *p, const ipaddr *a, size_t n, size_t cap);
/* Give back n bytes counted by peers_reserve. */
void peers_release(peers *p, const ipaddr *a, size_t n);

#endif
