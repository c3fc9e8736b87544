/*
 * datetime.c -- fuzz target: the date, time and timeZone fields
 * (src/core/datetime.c), all three parsers on every input (each is cheap,
 * and a form that one accepts is often the edge of another), time zones
 * with the embedded taxonomy's abbreviation table.
 *
 * Invariants: accepted values are in range; the date formats back to the
 * same text through the epoch arithmetic; a zone offset formats and parses
 * back to itself; a refusal says why, in UTF-8 when the input was UTF-8.
 */
#include <string.h>

#include "check_report.h"
#include "core/datetime.h"
#include "fuzz.h"
#include "util/utf8.h"

static void
check_why(const char *s, const char *why, size_t whylen)
{
	FUZZ_CHECK(why[0] != '\0' && strnlen(why, whylen) < whylen);
	if (utf8_valid(s, strlen(s), NULL) == 0)
		FUZZ_CHECK(utf8_valid(why, strlen(why), NULL) == 0);
}

static void
check_date(const char *s)
{
	dt_date d;
	dt_time midnight = {0, 0, 0, 0};
	char why[256], text[16], iso[32];

	why[0] = '\0';
	if (dt_parse_date(s, &d, why, sizeof(why)) < 0) {
		check_why(s, why, sizeof(why));
		return;
	}
	FUZZ_CHECK(d.year >= 1900 && d.year <= 9999 && d.month >= 1 && d.month <= 12);
	FUZZ_CHECK(d.day >= 1 && d.day <= 31);
	snprintf(text, sizeof(text), "%04d-%02d-%02d", d.year, d.month, d.day);
	dt_format_epoch(dt_to_epoch(&d, &midnight, 0), iso, sizeof(iso));
	FUZZ_CHECK(strncmp(iso, text, 10) == 0 && strcmp(iso + 10, "T00:00:00Z") == 0);
}

static void
check_time(const char *s)
{
	dt_time t;
	char why[256];

	why[0] = '\0';
	if (dt_parse_time(s, &t, why, sizeof(why)) < 0) {
		check_why(s, why, sizeof(why));
		return;
	}
	FUZZ_CHECK(t.hour >= 0 && t.hour <= 23 && t.minute >= 0 && t.minute <= 59);
	FUZZ_CHECK(t.second >= 0 && t.second <= 59);
	FUZZ_CHECK(t.has_seconds || t.second == 0);
}

static void
check_zone(const char *s)
{
	int off = 9999, back = 9999;
	char why[512], text[16];
	int rc;

	why[0] = '\0';
	rc = dt_parse_zone(fuzz_taxonomy(), s, &off, why, sizeof(why));
	if (rc != DT_ZONE_OK) {
		FUZZ_CHECK(rc == DT_ZONE_BAD_FORM || rc == DT_ZONE_OUT_OF_RANGE || rc == DT_ZONE_AMBIGUOUS);
		check_why(s, why, sizeof(why));
		return;
	}
	FUZZ_CHECK(off >= -12 * 60 && off <= 14 * 60);
	dt_format_zone(off, text, sizeof(text));
	FUZZ_CHECK(dt_parse_zone(NULL, text, &back, why, sizeof(why)) == DT_ZONE_OK && back == off);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > 4096)
		return 0;                  /* the fields are at most LIMIT_SHORT_CHARS */
	s = fuzz_cstr(data, size);
	check_date(s);
	check_time(s);
	check_zone(s);
	free(s);
	return 0;
}
