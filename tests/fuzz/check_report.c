/*
 * check_report.c -- the shared second half of the json_report and form
 * targets (see check_report.h).  The time of receipt is fixed so that a
 * reproducer behaves the same on every run.
 */
#include "check_report.h"

#include <stdlib.h>
#include <string.h>

#include "core/report.h"
#include "core/taxonomy.h"
#include "core/validate.h"
#include "core/verrors.h"
#include "fuzz.h"
#include "util/utf8.h"

extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;

#define FUZZ_NOW 1717243200    /* 2024-06-01T12:00:00Z */

static taxonomy *tax;

const struct taxonomy *
fuzz_taxonomy(void)
{
	char err[512];

	if (tax == NULL &&
	    taxonomy_parse((const char *)embedded_taxonomy, embedded_taxonomy_len, &tax, err, sizeof(err)) < 0) {
		fprintf(stderr, "fuzz: embedded taxonomy: %s\n", err);
		abort();
	}
	return tax;
}

void
fuzz_check_printed(const cJSON *item)
{
	char *text;

	if (item == NULL)
		return;
	text = cJSON_PrintUnformatted(item);
	FUZZ_CHECK(text != NULL);
	FUZZ_CHECK(utf8_valid(text, strlen(text), NULL) == 0);
	cJSON_free(text);
}

void
fuzz_check_message(const char *s, size_t n)
{
	size_t len = strnlen(s, n);

	FUZZ_CHECK(len < n);
	FUZZ_CHECK(utf8_valid(s, len, NULL) == 0);
}

static void
check_invalid(verrors *e)
{
	char line[512];
	cJSON *errors = verrors_errors_json(e), *allowed = verrors_allowed_json(e);

	FUZZ_CHECK(verrors_count(e) > 0);
	FUZZ_CHECK(cJSON_IsObject(errors) && cJSON_GetArraySize(errors) > 0);
	fuzz_check_printed(errors);
	fuzz_check_printed(allowed);
	cJSON_Delete(errors);
	cJSON_Delete(allowed);
	verrors_summary(e, line, sizeof(line));
	fuzz_check_message(line, sizeof(line));
}

void
fuzz_check_report(const cJSON *body, unsigned variant)
{
	static const char *const domains[] = {"example.net", "xn--bcher-kva.example"};
	ipprefix prefixes[2];
	vscope scope = {prefixes, 2, domains, 2, "Fuzz Networks"};
	vcontext ctx = {fuzz_taxonomy(), (variant & 1) ? &scope : NULL, FUZZ_NOW,
	    (variant & 2) ? VALIDATE_CHANNEL_PORTAL : VALIDATE_CHANNEL_API};
	verrors *e = verrors_new();
	report r;
	char why[128];

	FUZZ_CHECK(ipprefix_parse("8.8.0.0/16", &prefixes[0], why, sizeof(why)) == 0);
	FUZZ_CHECK(ipprefix_parse("2001:4860::/32", &prefixes[1], why, sizeof(why)) == 0);
	(void)validate_is_test(body);
	if (validate_report(&ctx, body, &r, e) == 0) {
		cJSON *out = report_to_json(&r);

		FUZZ_CHECK(verrors_count(e) == 0);
		FUZZ_CHECK(out != NULL);
		fuzz_check_printed(out);
		cJSON_Delete(out);
		report_cleanup(&r);
	} else {
		check_invalid(e);
	}
	verrors_free(e);
}
