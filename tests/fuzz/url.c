/*
 * url.c -- fuzz target: report URLs (url_check(), on libcurl's URL API) and
 * domain names to ASCII (url_domain_to_ascii(), used for email domains and
 * the scope_domains setting).
 *
 * Invariants: an accepted URL has a normalized form and an ASCII host, and
 * the normalized form is itself accepted with the same host (normalizing
 * is idempotent); an IP-literal host is an address of a known family; a
 * refusal says why; an ASCII domain is lower-case ASCII.
 */
#include <string.h>

#include "bounds.h"
#include "core/url.h"
#include "fuzz.h"
#include "util/utf8.h"

static void
check_url(const char *s)
{
	url_info a, b;
	char why[512];

	why[0] = '\0';
	if (url_check(s, &a, why, sizeof(why)) < 0) {
		FUZZ_CHECK(why[0] != '\0' && strnlen(why, sizeof(why)) < sizeof(why));
		if (utf8_valid(s, strlen(s), NULL) == 0)
			FUZZ_CHECK(utf8_valid(why, strlen(why), NULL) == 0);
		return;
	}
	FUZZ_CHECK(a.url != NULL && a.host != NULL);
	FUZZ_CHECK(!a.host_is_ip || a.host_ip.family == 4 || a.host_ip.family == 6);
	for (const char *p = a.host; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p < 0x80);
	if (url_check(a.url, &b, why, sizeof(why)) < 0) {
		fprintf(stderr, "normalized URL %s refused: %s\n", a.url, why);
		FUZZ_CHECK(0);
	}
	FUZZ_CHECK(strcmp(a.host, b.host) == 0 && a.host_is_ip == b.host_is_ip);
	url_info_cleanup(&a);
	url_info_cleanup(&b);
}

static void
check_domain(const char *s)
{
	char *ascii = NULL, why[512];

	if (url_domain_to_ascii(s, &ascii, why, sizeof(why)) < 0) {
		FUZZ_CHECK(ascii == NULL);
		return;
	}
	for (const char *p = ascii; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p < 0x80 && !(*p >= 'A' && *p <= 'Z'));
	free(ascii);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > LIMIT_URL_CHARS * 4 + 16)
		return 0;                  /* longer is refused by length before parsing */
	s = fuzz_cstr(data, size);
	check_url(s);
	if (size <= 1024)
		check_domain(s);
	free(s);
	return 0;
}
