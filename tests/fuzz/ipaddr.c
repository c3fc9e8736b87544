/*
 * ipaddr.c -- fuzz target: IP addresses and prefixes (src/core/ipaddr.c),
 * which take sourceIp/destinationIp of every report and the scope_prefixes
 * and trusted_proxies settings.
 *
 * Invariants: the canonical form of an accepted address parses back to the
 * same address and formats the same way (RFC 5952 is a fixed point); a
 * refusal says why; an accepted prefix has a length within its family and
 * contains its own address; the special-purpose phrase, when there is
 * one, is non-empty.
 */
#include <string.h>

#include "core/ipaddr.h"
#include "fuzz.h"
#include "util/utf8.h"

static void
check_address(const char *s)
{
	ipaddr a, b;
	char why[512], text[IPADDR_TEXT_MAX], again[IPADDR_TEXT_MAX];
	const char *special;

	why[0] = '\0';
	if (ipaddr_parse(s, &a, why, sizeof(why)) < 0) {
		FUZZ_CHECK(why[0] != '\0' && strlen(why) < sizeof(why));
		/* messages quote the value: UTF-8 in (as the body parsers guarantee), UTF-8 out */
		if (utf8_valid(s, strlen(s), NULL) == 0)
			FUZZ_CHECK(utf8_valid(why, strlen(why), NULL) == 0);
		return;
	}
	FUZZ_CHECK(a.family == 4 || a.family == 6);
	ipaddr_format(&a, text, sizeof(text));
	FUZZ_CHECK(ipaddr_parse(text, &b, why, sizeof(why)) == 0);
	FUZZ_CHECK(b.family == a.family && memcmp(a.b, b.b, a.family == 4 ? 4 : 16) == 0);
	ipaddr_format(&b, again, sizeof(again));
	FUZZ_CHECK(strcmp(text, again) == 0);
	special = ipaddr_special(&a);
	FUZZ_CHECK(special == NULL || special[0] != '\0');
}

static void
check_prefix(const char *s)
{
	ipprefix p;
	char why[512];

	why[0] = '\0';
	if (ipprefix_parse(s, &p, why, sizeof(why)) < 0) {
		FUZZ_CHECK(why[0] != '\0');
		return;
	}
	FUZZ_CHECK(p.len <= (p.addr.family == 4 ? 32u : 128u));
	FUZZ_CHECK(ipprefix_contains(&p, &p.addr) == 1);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096)
		return 0;                  /* fields are at most LIMIT_IP_CHARS; longer adds nothing */
	s = fuzz_cstr(data, size);
	check_address(s);
	check_prefix(s);
	free(s);
	return 0;
}
