/*
 * ipaddr.h -- IP address parsing, canonical form, special-purpose ranges,
 * prefixes.  Pure: no I/O, no allocation.
 *
 * Parsing is strict: IPv4 is exactly four decimal parts 0-255 without
 * leading zeros (so "010.1.1.1", "0x7f.1", "1.2.3" and "2130706433" are
 * refused, since resolvers read them differently); IPv6 is RFC 4291 text
 * (with an embedded dotted quad allowed in the last 32 bits), no zone id,
 * no brackets.  The canonical IPv6 form is RFC 5952.
 */
#ifndef ABUSEDESK_IPADDR_H
#define ABUSEDESK_IPADDR_H

#include <stddef.h>
#include <stdint.h>

typedef struct ipaddr {
	int family;        /* 4 or 6 */
	uint8_t b[16];     /* IPv4 uses b[0..3] */
} ipaddr;

typedef struct ipprefix {
	ipaddr addr;       /* bits past len are zero */
	unsigned len;      /* 0..32 or 0..128 */
} ipprefix;

/* Longest canonical text form, with NUL ("ffff:ffff:...:255.255.255.255"). */
#define IPADDR_TEXT_MAX 46

/*
 * Parse s (NUL-terminated, no surrounding space).  0 on success; -1 if not
 * an address, with a plain-language reason in why (e.g. "each part of an
 * IPv4 address is a number from 0 to 255 without leading zeros").
 */
int ipaddr_parse(const char *s, ipaddr *out, char *why, size_t whylen);
/* Canonical text (dotted quad, RFC 5952) into out[IPADDR_TEXT_MAX]. */
void ipaddr_format(const ipaddr *a, char *out, size_t outlen);
/*
 * If a is special-purpose (IANA IPv4/IPv6 special-purpose registries, plus
 * multicast and IPv4 broadcast; IPv4-mapped IPv6 judged by the IPv4 inside),
 * return a phrase naming the kind, fit to follow "X is ", e.g.
 * "a private address (RFC 1918)", "a loopback address", "a documentation
 * address (RFC 5737)".  NULL for global unicast addresses.
 */
const char *ipaddr_special(const ipaddr *a);
/* Parse "a/len" (or a bare address = full length). 0 or -1 with why. */
int ipprefix_parse(const char *s, ipprefix *out, char *why, size_t whylen);
/* 1 if a lies in p (an IPv4-mapped IPv6 address matches IPv4 prefixes); else 0. */
int ipprefix_contains(const ipprefix *p, const ipaddr *a);

#endif
