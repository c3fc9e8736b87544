/*
 * email.c -- fuzz target: the reporterEmail field (src/core/email.c).
 *
 * Invariants: an accepted address normalizes to local@domain with exactly
 * one '@', a domain in lower-case ASCII with a dot, at most
 * LIMIT_EMAIL_CHARS in all, and normalizing again gives the same text; a
 * refusal says why, in UTF-8 when the input was UTF-8.
 */
#include <string.h>

#include "bounds.h"
#include "core/email.h"
#include "fuzz.h"
#include "util/utf8.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *norm = NULL, *again = NULL, why[512];
	const char *at;

	if (size > 4096)
		return 0;
	s = fuzz_cstr(data, size);
	why[0] = '\0';
	if (email_check(s, &norm, why, sizeof(why)) < 0) {
		FUZZ_CHECK(norm == NULL && why[0] != '\0');
		if (utf8_valid(s, strlen(s), NULL) == 0)
			FUZZ_CHECK(utf8_valid(why, strlen(why), NULL) == 0);
		free(s);
		return 0;
	}
	at = strchr(norm, '@');
	FUZZ_CHECK(at != NULL && strchr(at + 1, '@') == NULL && strchr(at, '.') != NULL);
	for (const char *p = at; *p != '\0'; p++)
		FUZZ_CHECK((unsigned char)*p < 0x80 && !(*p >= 'A' && *p <= 'Z'));
	FUZZ_CHECK(strlen(norm) <= LIMIT_EMAIL_CHARS);
	FUZZ_CHECK(email_check(norm, &again, why, sizeof(why)) == 0 && strcmp(norm, again) == 0);
	free(again);
	free(norm);
	free(s);
	return 0;
}
