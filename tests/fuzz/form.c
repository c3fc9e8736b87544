/*
 * form.c -- fuzz target: an application/x-www-form-urlencoded report body,
 * as POST /report/v2.0/abuse takes it: form_parse() with the limits the
 * API handler uses (src/api/abuse.c), or tight ones for one input in
 * eight so the "too many" paths are reached, then the whole-report check
 * (check_report.c).  form_decode() is fuzzed on the same bytes.
 *
 * Invariants: a refusal has a kind and a NUL-terminated UTF-8 key and
 * message; a success is a JSON object; form_decode() never writes more
 * than it is given room for and never lengthens its input.
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "bounds.h"
#include "check_report.h"
#include "fuzz.h"
#include "util/form.h"

static void
check_decode(const char *s, size_t n, int plus)
{
	char out[64];
	size_t used = 0;

	memset(out, 'x', sizeof(out));
	if (form_decode(s, n, plus, out, sizeof(out), &used) == 0) {
		FUZZ_CHECK(used < sizeof(out) && out[used] == '\0');
		FUZZ_CHECK(used <= n);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *body = (const char *)data;
	form_limits lim = {size / 2 + 1, size / 8 + 1, LIMIT_KEY_CHARS * 4};
	form_error err;
	cJSON *out = NULL;

	check_decode(body, size, 1);
	check_decode(body, size, 0);
	if ((size & 7) == 7)
		lim = (form_limits){4, 3, 24};
	memset(&err, 0, sizeof(err));
	if (form_parse(body, size, &lim, &out, &err) < 0) {
		FUZZ_CHECK(out == NULL);
		FUZZ_CHECK(err.kind != FORM_OK && err.kind != FORM_NOMEM);
		fuzz_check_message(err.key, sizeof(err.key));
		fuzz_check_message(err.message, sizeof(err.message));
		FUZZ_CHECK(err.message[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(cJSON_IsObject(out));
	fuzz_check_printed(out);
	fuzz_check_report(out, (unsigned)(size & 3));
	cJSON_Delete(out);
	return 0;
}
