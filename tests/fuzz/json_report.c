/*
 * json_report.c -- fuzz target: a JSON report body, as POST
 * /report/v2.0/abuse takes it: jsonbody_parse() with the server's limits,
 * then the whole-report check (check_report.c).
 *
 * Invariants beyond "no crash, no leak, no undefined behaviour":
 *   - a refusal has a kind, a NUL-terminated UTF-8 message and path
 *     (they go into the problem answer), and an offset inside the body;
 *   - what it accepts, printed back by cJSON, it accepts again and prints
 *     the same way (the gate never refuses well-formed JSON that cJSON
 *     itself writes: escapes, UTF-8, numbers).
 */
#include <string.h>

#include <cjson/cJSON.h>

#include "bounds.h"
#include "check_report.h"
#include "fuzz.h"
#include "util/jsonbody.h"

/* Print, parse again, print again: the same text both times. */
static void
round_trip(const cJSON *body, const jsonbody_limits *lim)
{
	char *once = cJSON_PrintUnformatted(body), *twice;
	cJSON *again = NULL;
	jsonbody_error err;

	FUZZ_CHECK(once != NULL);
	if (jsonbody_parse(once, strlen(once), lim, &again, &err) < 0) {
		fprintf(stderr, "re-parse of %s failed: %s\n", once, err.message);
		FUZZ_CHECK(0);
	}
	twice = cJSON_PrintUnformatted(again);
	FUZZ_CHECK(twice != NULL && strcmp(once, twice) == 0);
	cJSON_free(once);
	cJSON_free(twice);
	cJSON_Delete(again);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	jsonbody_limits lim = {LIMIT_JSON_DEPTH, LIMIT_JSON_PROPS};
	jsonbody_error err;
	cJSON *body = NULL;

	memset(&err, 0, sizeof(err));
	if (jsonbody_parse((const char *)data, size, &lim, &body, &err) < 0) {
		FUZZ_CHECK(body == NULL);
		FUZZ_CHECK(err.kind != JSONBODY_OK && err.kind != JSONBODY_NOMEM);
		FUZZ_CHECK(err.offset <= size);
		fuzz_check_message(err.message, sizeof(err.message));
		fuzz_check_message(err.path, sizeof(err.path));
		FUZZ_CHECK(err.message[0] != '\0');
		return 0;
	}
	FUZZ_CHECK(body != NULL);
	round_trip(body, &lim);
	fuzz_check_report(body, (unsigned)(size & 3));
	cJSON_Delete(body);
	return 0;
}
