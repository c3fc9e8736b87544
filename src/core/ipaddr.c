/*
 * ipaddr.c -- IP address parsing, RFC 5952 formatting, special-purpose
 * ranges and prefixes (see ipaddr.h).
 *
 * Why hand-written and not inet_pton(): a reporter who sends "010.1.1.1"
 * or "1::2::3" should be told what is wrong, in words, and the accepted
 * grammar must not depend on the C library (inet_aton() takes "0x7f.1",
 * which resolvers read as 127.0.0.1).  The grammar is:
 *   IPv4  four decimal parts 0-255, no leading zeros, nothing else;
 *   IPv6  RFC 4291 section 2.2: eight groups of 1-4 hex digits, one "::"
 *         at most standing for one or more zero groups, optionally a
 *         dotted IPv4 in the last 32 bits; no zone id, no brackets.
 *
 * The special-purpose table is data: prefix text -> phrase, parsed once
 * (pthread_once) into a static array and searched longest-match-first,
 * so a more specific entry overrides the range around it.  Sources: the
 * IANA IPv4 and IPv6 Special-Purpose Address Registries (as updated in
 * 2024: 3fff::/20 of RFC 9637, 2001:1::3 of RFC 9665), plus multicast, IPv4
 * broadcast and, for IPv6, everything outside the global unicast space
 * 2000::/3 ("a reserved address": nothing there is routed on the internet).
 * Rules:
 *   - Entries the registry marks "globally reachable: True" inside a
 *     larger refused block (PCP/TURN anycast, AMT, AS112, ORCHIDv2, DETs)
 *     are carved out as global (phrase NULL): real hosts answer there.
 *     Stand-alone globally reachable entries (192.31.196.0/24,
 *     192.52.193.0/24, 192.175.48.0/24, 2620:4f:8000::/48) need no entry.
 *   - IPv4-mapped ::ffff:0:0/96 is judged by the IPv4 inside, as the
 *     header says.  So are NAT64 64:ff9b::/96 (RFC 6052; the registry
 *     marks it global, but 64:ff9b::10.0.0.1 is someone's private network
 *     seen through a translator, not an internet source) and 6to4
 *     2002::/16 (RFC 3056, the IPv4 sits in bits 16-47; the registry says
 *     "N/A": a 6to4 address is as global as its IPv4).
 *   - Teredo 2001::/32 and the rest of 2001::/23 are refused (the registry
 *     marks them not globally reachable).
 *
 * Reasons read "'<input>' is not an IP address: <what is wrong>", the input
 * shortened to 64 bytes; input with control characters is never quoted.
 */
#include "ipaddr.h"

#include "bounds.h"
#include "util/pct.h"
#include "util/why.h"

#include <assert.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))
#define EXCERPT_MAX 64 /* bytes of the input quoted in a message */

/* ---- messages ---------------------------------------------------------- */

/* ---- parsing ----------------------------------------------------------- */

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Why a character is out of place, for messages (non-ASCII bytes unnamed). */
static void
bad_char(char c, const char *expected, char *d, size_t dlen)
{
	if ((unsigned char)c >= 0x80)
		(void)why_fail(d, dlen, "it has a character that is not %s", expected);
	else
		(void)why_fail(d, dlen, "'%c' is not %s", c, expected);
}

/*
 * If s is only digits and single dots but not four parts, say how many: a
 * clearer message than the part-by-part one for "1.2.3" or "2130706433".
 */
static int
check_part_count(const char *s, char *d, size_t dlen)
{
	unsigned dots = 0;
	size_t n = strlen(s);

	if (n == 0 || s[0] == '.' || s[n - 1] == '.' || strstr(s, "..") != NULL)
		return 0;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p == '.')
			dots++;
		else if (!is_digit(*p))
			return 0;
	}
	if (dots == 0)
		return why_fail(d, dlen, "it is a single number; write an IPv4 address "
		    "as four numbers from 0 to 255 separated by dots, like 192.0.2.1");
	if (dots != 3)
		return why_fail(d, dlen, "it has %u parts; an IPv4 address has four "
		    "numbers from 0 to 255, like 192.0.2.1", dots + 1);
	return 0;
}

/* One decimal part at *pp (advanced past it); -1 with a detail. */
static int
parse4_part(const char **pp, const char *whole, uint8_t *out, char *d, size_t dlen)
{
	const char *start = *pp, *p = *pp;
	unsigned v = 0;

	while (is_digit(*p)) {
		if (p - start < 4)
			v = v * 10 + (unsigned)(*p - '0');
		p++;
	}
	int len = (int)(p - start);
	if (len == 0 && (*p == '.' || *p == '\0')) {
		if (start == whole)
			return why_fail(d, dlen, "it starts with a dot");
		return why_fail(d, dlen, *p == '\0' ? "it ends with a dot" : "it has two dots in a row");
	}
	if (len == 1 && *start == '0' && (*p == 'x' || *p == 'X'))
		return why_fail(d, dlen, "a part is hexadecimal; write each part as a "
		    "decimal number from 0 to 255, like 192.0.2.1");
	if (len == 0 || (*p != '.' && *p != '\0')) {
		bad_char(*p, "a digit; an IPv4 address is four numbers from 0 to 255 "
		    "like 192.0.2.1, an IPv6 address is like 2001:db8::1", d, dlen);
		return -1;
	}
	if (len > 1 && *start == '0')
		return why_fail(d, dlen, "'%.*s' has a leading zero, which some programs "
		    "read as octal; write each part without leading zeros", len > 8 ? 8 : len, start);
	if (len > 3 || v > 255)
		return why_fail(d, dlen, "'%.*s' is more than 255", len > 12 ? 12 : len, start);
	*out = (uint8_t)v;
	*pp = p;
	return 0;
}

/* Strict dotted quad: the whole of s.  -1 with a detail. */
static int
parse4(const char *s, uint8_t out[4], char *d, size_t dlen)
{
	const char *p = s;
	uint8_t b[4];
	int n = 0;

	if (check_part_count(s, d, dlen) < 0)
		return -1;
	for (;;) {
		uint8_t v = 0;
		if (parse4_part(&p, s, &v, d, dlen) < 0)
			return -1;
		if (n < 4)
			b[n] = v;
		n++;
		if (*p == '\0')
			break;
		p++; /* the dot */
	}
	if (n != 4)
		return why_fail(d, dlen, "it has %d parts; an IPv4 address has four "
		    "numbers from 0 to 255, like 192.0.2.1", n);
	memcpy(out, b, 4);
	return 0;
}

/* State of an IPv6 parse: groups seen and where "::" stood. */
struct v6 {
	uint16_t g[8];
	int ng;   /* groups seen */
	int gap;  /* index in g where "::" stands, or -1 */
};

/* The dotted IPv4 tail at s: two more groups. */
static int
parse6_tail4(struct v6 *v, const char *s, char *d, size_t dlen)
{
	uint8_t q[4];
	char sub[160];

	if (strchr(s, ':') != NULL)
		return why_fail(d, dlen, "the dotted IPv4 part must come last");
	if (v->ng > 6)
		return why_fail(d, dlen, "it has too many groups before the dotted IPv4 part");
	if (parse4(s, q, sub, sizeof(sub)) < 0)
		return why_fail(d, dlen, "in its IPv4 part, %s", sub);
	v->g[v->ng++] = (uint16_t)(q[0] << 8 | q[1]);
	v->g[v->ng++] = (uint16_t)(q[2] << 8 | q[3]);
	return 0;
}

/* One hex group at *pp; 1 if it was the dotted tail (parsing ends). */
static int
parse6_group(struct v6 *v, const char **pp, char *d, size_t dlen)
{
	const char *start = *pp, *p = *pp;
	unsigned x = 0;

	while (pct_hexval((unsigned char)*p) >= 0) {
		if (p - start == 4) {
			while (pct_hexval((unsigned char)*p) >= 0 && p - start < 12)
				p++;
			return why_fail(d, dlen, "'%.*s' has more than four hex digits",
			    (int)(p - start), start);
		}
		x = x * 16 + (unsigned)pct_hexval((unsigned char)*p++);
	}
	if (*p == '.')
		return parse6_tail4(v, start, d, dlen) < 0 ? -1 : 1;
	if (p == start) {
		if (*p == ':')
			return why_fail(d, dlen, "it has three colons in a row");
		if (*p == '\0')
			return why_fail(d, dlen, "it ends with a single ':'");
		bad_char(*p, "a hex digit", d, dlen);
		return -1;
	}
	if (v->ng == 8)
		return why_fail(d, dlen, "it has more than eight groups");
	v->g[v->ng++] = (uint16_t)x;
	*pp = p;
	return 0;
}

/* Groups and "::" of s into v. */
static int
parse6_groups(struct v6 *v, const char *s, char *d, size_t dlen)
{
	const char *p = s;

	if (p[0] == ':') {
		if (p[1] != ':')
			return why_fail(d, dlen, "it starts with a single ':'");
		v->gap = 0;
		p += 2;
		if (*p == '\0')
			return 0;
	}
	for (;;) {
		int rc = parse6_group(v, &p, d, dlen);
		if (rc != 0)
			return rc < 0 ? -1 : 0;
		if (*p == '\0')
			return 0;
		if (*p != ':') {
			bad_char(*p, "a hex digit", d, dlen);
			return -1;
		}
		if (*++p == ':') {
			if (v->gap >= 0)
				return why_fail(d, dlen, "'::' appears twice; it may stand "
				    "for one run of zero groups only");
			v->gap = v->ng;
			if (*++p == '\0')
				return 0;
		} else if (*p == '\0') {
			return why_fail(d, dlen, "it ends with a single ':'");
		}
	}
}

/* RFC 4291 text into b[16]; -1 with a detail. */
static int
parse6(const char *s, uint8_t b[16], char *d, size_t dlen)
{
	struct v6 v = { .ng = 0, .gap = -1 };
	uint16_t full[8] = { 0 };

	if (parse6_groups(&v, s, d, dlen) < 0)
		return -1;
	if (v.gap < 0 && v.ng != 8)
		return why_fail(d, dlen, "it has %d groups; an IPv6 address has eight, "
		    "or '::' in place of a run of zero groups", v.ng);
	if (v.gap >= 0 && v.ng == 8)
		return why_fail(d, dlen, "it has '::' as well as eight groups");
	if (v.gap < 0)
		v.gap = v.ng;
	int tail = v.ng - v.gap;
	memcpy(full, v.g, (size_t)v.gap * sizeof(full[0]));
	memcpy(full + 8 - tail, v.g + v.gap, (size_t)tail * sizeof(full[0]));
	for (int i = 0; i < 8; i++) {
		b[2 * i] = (uint8_t)(full[i] >> 8);
		b[2 * i + 1] = (uint8_t)(full[i] & 0xFF);
	}
	return 0;
}

/*
 * The length of the longest start of s of at most max bytes that does not
 * end inside a UTF-8 sequence (so a quoted piece stays UTF-8; found by the
 * ipaddr fuzz target: "%.16s" cut a two-byte character in half).
 */
static size_t
char_prefix(const char *s, size_t max)
{
	size_t n = strnlen(s, max + 1);

	if (n <= max)
		return n;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n--;
	return n;
}

/* Mistakes the grammar would report obscurely: say them plainly. */
static int
check_form(const char *s, char *d, size_t dlen)
{
	const char *pct = strchr(s, '%');

	if (strchr(s, ' ') != NULL)
		return why_fail(d, dlen, "it has a space");
	if (s[0] == '[')
		return why_fail(d, dlen, "it is in brackets; write it without [ and ]");
	if (pct != NULL && strchr(s, ':') != NULL)
		return why_fail(d, dlen, "it has a zone ('%.*s'), which only means "
		    "something on one machine; write the address without it",
		    (int)char_prefix(pct, 16), pct);
	return 0;
}

static int
has_control(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7F)
			return 1;
	return 0;
}

int
ipaddr_parse(const char *s, ipaddr *out, char *why, size_t whylen)
{
	char detail[200], ex[EXCERPT_MAX + 4];
	ipaddr a;
	int rc;

	if (s == NULL || *s == '\0')
		return why_fail(why, whylen, "the address is empty");
	if (has_control(s)) /* not quoted: it would garble the message */
		return why_fail(why, whylen, "the address has a control character");
	memset(&a, 0, sizeof(a));
	rc = check_form(s, detail, sizeof(detail));
	if (rc == 0 && strchr(s, ':') != NULL) {
		a.family = 6;
		rc = parse6(s, a.b, detail, sizeof(detail));
	} else if (rc == 0) {
		a.family = 4;
		rc = parse4(s, a.b, detail, sizeof(detail));
	}
	if (rc < 0)
		return why_fail(why, whylen, "'%s' is not an IP address: %s",
		    why_excerpt(s, EXCERPT_MAX, ex), detail);
	*out = a;
	return 0;
}

/* ---- formatting -------------------------------------------------------- */

static int
is_v4_mapped(const ipaddr *a)
{
	static const uint8_t pfx[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF };

	return a->family == 6 && memcmp(a->b, pfx, sizeof(pfx)) == 0;
}

/* The longest run of two or more zero groups (first if tied); *len 0 if none. */
static void
zero_run(const uint16_t g[8], int *start, int *len)
{
	*start = -1;
	*len = 0;
	for (int i = 0; i < 8;) {
		int j = i;
		while (j < 8 && g[j] == 0)
			j++;
		if (j - i >= 2 && j - i > *len) {
			*start = i;
			*len = j - i;
		}
		i = j > i ? j : i + 1;
	}
}

/*
 * The text is written by hand, not with snprintf: every reported address is
 * formatted, and snprintf made ipaddr_format cost ~2 300 instructions an
 * address (measured with callgrind, bench/cpu/), against ~150 now.
 */

/* v (0..255) in decimal at p; the end. */
static char *
put_dec8(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

/* The dotted quad of b[0..4) at p; the end. */
static char *
put_quad(char *p, const uint8_t *b)
{
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		p = put_dec8(p, b[i]);
	}
	return p;
}

/* v (0..0xffff) in lower-case hex without leading zeros at p; the end. */
static char *
put_hex16(char *p, unsigned v)
{
	static const char hex[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = hex[(v >> shift) & 15];
	return p;
}

/*
 * RFC 5952 section 4: lower case, no leading zeros, "::" for the longest
 * run, at p (room for IPADDR_TEXT_MAX - 1 bytes); the end.
 */
static char *
format6(const ipaddr *a, char *p)
{
	uint16_t g[8];
	int start, len, ngroups = 8;

	for (int i = 0; i < 8; i++)
		g[i] = (uint16_t)(a->b[2 * i] << 8 | a->b[2 * i + 1]);
	if (is_v4_mapped(a))
		ngroups = 6; /* section 5: the last 32 bits in dotted form */
	zero_run(g, &start, &len); /* a mapped address's run ends before ffff */
	for (int i = 0; i < ngroups; i++) {
		if (i == start) {
			*p++ = ':';
			*p++ = ':';
			i += len - 1;
			continue;
		}
		if (i != 0 && i != start + len)
			*p++ = ':';
		p = put_hex16(p, g[i]);
	}
	if (ngroups == 6) {
		if (!(start >= 0 && start + len == 6))
			*p++ = ':';
		p = put_quad(p, a->b + 12);
	}
	return p;
}

void
ipaddr_format(const ipaddr *a, char *out, size_t outlen)
{
	char text[IPADDR_TEXT_MAX], *end = text;
	size_t n;

	if (outlen == 0)
		return;
	if (a->family == 4)
		end = put_quad(text, a->b);
	else if (a->family == 6)
		end = format6(a, text);
	/* as snprintf would: cut to outlen - 1 bytes, always terminated */
	n = (size_t)(end - text);
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, text, n);
	out[n] = '\0';
}

/* ---- prefixes ---------------------------------------------------------- */

static unsigned
family_bits(int family)
{
	return family == 4 ? 32u : 128u;
}

/*
 * 1 if the first len bits of x and y agree.  A byte loop, not memcmp: most
 * calls differ in the first byte, and ipaddr_special() makes ~19 calls an
 * address (measured with callgrind, bench/cpu/: ipaddr_special() took 920
 * instructions an address with memcmp, 510 so).
 */
static int
bits_equal(const uint8_t *x, const uint8_t *y, unsigned len)
{
	unsigned whole = len / 8, rest = len % 8;

	for (unsigned i = 0; i < whole; i++)
		if (x[i] != y[i])
			return 0;
	if (rest == 0)
		return 1;
	uint8_t mask = (uint8_t)(0xFF << (8 - rest));
	return (x[whole] & mask) == (y[whole] & mask);
}

/* Clear the bits of a past len. */
static void
mask_after(ipaddr *a, unsigned len)
{
	unsigned nbytes = a->family == 4 ? 4 : 16;

	for (unsigned i = 0; i < nbytes; i++) {
		unsigned keep = len > i * 8 ? len - i * 8 : 0;
		if (keep < 8)
			a->b[i] &= (uint8_t)(0xFF << (8 - keep));
	}
}

/* The length after '/': decimal, no sign, no leading zero, <= max. */
static int
parse_len(const char *s, unsigned max, unsigned *len)
{
	unsigned v = 0;
	size_t n = 0;

	for (; is_digit(s[n]); n++) {
		if (n == 3)
			return -1;
		v = v * 10 + (unsigned)(s[n] - '0');
	}
	if (n == 0 || s[n] != '\0' || (n > 1 && s[0] == '0') || v > max)
		return -1;
	*len = v;
	return 0;
}

int
ipprefix_parse(const char *s, ipprefix *out, char *why, size_t whylen)
{
	char addr[LIMIT_IP_CHARS + 1], ex[EXCERPT_MAX + 4], text[IPADDR_TEXT_MAX];
	const char *slash = s != NULL ? strchr(s, '/') : NULL;
	size_t alen = slash != NULL ? (size_t)(slash - s) : (s != NULL ? strlen(s) : 0);
	ipprefix p;

	if (alen > LIMIT_IP_CHARS)
		return why_fail(why, whylen, "'%s' is not a prefix: the address is too long",
		    why_excerpt(s, EXCERPT_MAX, ex));
	memcpy(addr, s != NULL ? s : "", alen);
	addr[alen] = '\0';
	if (ipaddr_parse(addr, &p.addr, why, whylen) < 0)
		return -1;
	p.len = family_bits(p.addr.family);
	if (slash != NULL && parse_len(slash + 1, p.len, &p.len) < 0)
		return why_fail(why, whylen, "'%s' is not a prefix: after / comes a "
		    "length from 0 to %u", why_excerpt(s, EXCERPT_MAX, ex), family_bits(p.addr.family));
	ipaddr masked = p.addr;
	mask_after(&masked, p.len);
	if (memcmp(masked.b, p.addr.b, sizeof(masked.b)) != 0) {
		ipaddr_format(&masked, text, sizeof(text));
		return why_fail(why, whylen, "'%s' has bits set after the first %u: "
		    "did you mean %s/%u?", why_excerpt(s, EXCERPT_MAX, ex), p.len, text, p.len);
	}
	*out = p;
	return 0;
}

/* a as IPv4 (itself, or the IPv4 inside a mapped address); 0 if it is neither. */
static int
as_v4(const ipaddr *a, uint8_t out[4])
{
	if (a->family == 4)
		memcpy(out, a->b, 4);
	else if (is_v4_mapped(a))
		memcpy(out, a->b + 12, 4);
	else
		return 0;
	return 1;
}

int
ipprefix_contains(const ipprefix *p, const ipaddr *a)
{
	uint8_t v4[4];

	if (p->addr.family == a->family)
		return bits_equal(p->addr.b, a->b, p->len);
	if (p->addr.family == 4 && as_v4(a, v4))
		return bits_equal(p->addr.b, v4, p->len);
	/* An IPv4 address lies in a prefix of ::ffff:0:0/96 as its mapped form. */
	if (p->addr.family == 6 && p->len >= 96 && is_v4_mapped(&p->addr))
		return bits_equal(p->addr.b + 12, a->b, p->len - 96);
	return 0;
}

/* ---- special-purpose ranges -------------------------------------------- */

/*
 * phrase NULL and embed 0: global (a carve-out of a refused block).
 * embed > 0: judged by the IPv4 address at byte offset embed.
 */
struct special {
	const char *prefix;
	const char *phrase;
	unsigned embed;
};

#define PRIVATE "a private address (RFC 1918)"
#define DOC4 "a documentation address (RFC 5737)"
#define IETF "an IETF protocol assignment (RFC 6890)"

static const struct special specials[] = {
	/* IPv4: IANA registry, then multicast and broadcast. */
	{ "0.0.0.0/8", "a this-network address (RFC 791)", 0 },
	{ "0.0.0.0/32", "the unspecified address", 0 },
	{ "10.0.0.0/8", PRIVATE, 0 },
	{ "100.64.0.0/10", "a shared address (RFC 6598, carrier-grade NAT)", 0 },
	{ "127.0.0.0/8", "a loopback address", 0 },
	{ "169.254.0.0/16", "a link-local address", 0 },
	{ "172.16.0.0/12", PRIVATE, 0 },
	{ "192.0.0.0/24", IETF, 0 },
	{ "192.0.0.9/32", NULL, 0 },  /* PCP anycast, RFC 7723: global */
	{ "192.0.0.10/32", NULL, 0 }, /* TURN anycast, RFC 8155: global */
	{ "192.0.2.0/24", DOC4, 0 },
	{ "192.88.99.0/24", "a reserved address (RFC 7526, the retired 6to4 relay anycast)", 0 },
	{ "192.168.0.0/16", PRIVATE, 0 },
	{ "198.18.0.0/15", "a benchmarking address (RFC 2544)", 0 },
	{ "198.51.100.0/24", DOC4, 0 },
	{ "203.0.113.0/24", DOC4, 0 },
	{ "224.0.0.0/4", "a multicast address", 0 },
	{ "240.0.0.0/4", "a reserved address", 0 },
	{ "255.255.255.255/32", "the broadcast address", 0 },
	/* IPv6: outside 2000::/3 nothing is assigned for global unicast. */
	{ "::/0", "a reserved address", 0 },
	{ "::/128", "the unspecified address", 0 },
	{ "::1/128", "a loopback address", 0 },
	{ "::ffff:0:0/96", NULL, 12 },
	{ "64:ff9b::/96", NULL, 12 },
	{ "64:ff9b:1::/48", "a local-use translation address (RFC 8215)", 0 },
	{ "100::/64", "a discard-only address (RFC 6666)", 0 },
	{ "2000::/3", NULL, 0 },
	{ "2001::/23", "an IETF protocol assignment (RFC 2928)", 0 },
	{ "2001::/32", "a Teredo address (RFC 4380)", 0 },
	{ "2001:1::1/128", NULL, 0 },   /* PCP anycast, RFC 7723 */
	{ "2001:1::2/128", NULL, 0 },   /* TURN anycast, RFC 8155 */
	{ "2001:1::3/128", NULL, 0 },   /* DNS-SD SRP anycast, RFC 9665 */
	{ "2001:2::/48", "a benchmarking address (RFC 5180)", 0 },
	{ "2001:3::/32", NULL, 0 },     /* AMT, RFC 7450 */
	{ "2001:4:112::/48", NULL, 0 }, /* AS112-v6, RFC 7535 */
	{ "2001:20::/28", NULL, 0 },    /* ORCHIDv2, RFC 7343 */
	{ "2001:30::/28", NULL, 0 },    /* DRIP DETs, RFC 9374 */
	{ "2001:db8::/32", "a documentation address (RFC 3849)", 0 },
	{ "2002::/16", NULL, 2 },
	{ "3fff::/20", "a documentation address (RFC 9637)", 0 },
	{ "5f00::/16", "a segment-routing address (RFC 9602)", 0 },
	{ "fc00::/7", "a unique local address (RFC 4193)", 0 },
	{ "fe80::/10", "a link-local address", 0 },
	{ "fec0::/10", "a site-local address (deprecated, RFC 3879)", 0 },
	{ "ff00::/8", "a multicast address", 0 },
};

static ipprefix special_pfx[ARRAY_LEN(specials)];
static pthread_once_t special_once = PTHREAD_ONCE_INIT;

static void
special_init(void)
{
	for (size_t i = 0; i < ARRAY_LEN(specials); i++) {
		int rc = ipprefix_parse(specials[i].prefix, &special_pfx[i], NULL, 0);
		assert(rc == 0);
		if (rc < 0) /* cannot happen; never match rather than match wrongly */
			special_pfx[i].addr.family = 0;
	}
}

const char *
ipaddr_special(const ipaddr *a)
{
	const struct special *best = NULL;
	unsigned best_len = 0;

	(void)pthread_once(&special_once, special_init);
	for (size_t i = 0; i < ARRAY_LEN(specials); i++) {
		const ipprefix *p = &special_pfx[i];
		if (p->addr.family != a->family || !bits_equal(p->addr.b, a->b, p->len))
			continue;
		if (best == NULL || p->len > best_len) {
			best = &specials[i];
			best_len = p->len;
		}
	}
	if (best == NULL || best->embed == 0)
		return best != NULL ? best->phrase : NULL;
	ipaddr v4 = { .family = 4 };
	memcpy(v4.b, a->b + best->embed, 4);
	return ipaddr_special(&v4);
}
