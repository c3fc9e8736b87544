/*
 * tests/unit/core/datetime.c -- dates, times and time zones as taxonomy.md
 * ("Rules: date, time, zone") and the clients in the wild send them, the
 * messages reporters see, and the calendar arithmetic (checked day by day
 * against a counter and against the C library's timegm).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "core/datetime.h"
#include "core/taxonomy.h"
#include "util/utf8.h"

extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;

static taxonomy *deflt;

static int
group_setup(void **state)
{
	char err[256];

	(void)state;
	if (taxonomy_parse((const char *)embedded_taxonomy, embedded_taxonomy_len, &deflt, err,
	    sizeof err) < 0) {
		fprintf(stderr, "data/taxonomy.json: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	taxonomy_free(deflt);
	return 0;
}

/* ---- dates ------------------------------------------------------------ */

static void
real_dates_are_accepted(void **state)
{
	static const struct { const char *s; int y, m, d; } ok[] = {
		{ "2021-01-15", 2021, 1, 15 }, { "2000-02-29", 2000, 2, 29 },
		{ "2024-02-29", 2024, 2, 29 }, { "1900-01-01", 1900, 1, 1 },
		{ "9999-12-31", 9999, 12, 31 }, { "2021-12-31", 2021, 12, 31 },
		{ "2021-04-30", 2021, 4, 30 }, { "2021-02-28", 2021, 2, 28 },
		{ "1900-02-28", 1900, 2, 28 }, { "2400-02-29", 2400, 2, 29 },
		{ "2021-01-31", 2021, 1, 31 }, { "2021-03-31", 2021, 3, 31 },
	};
	char why[256];

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		dt_date d = { 0, 0, 0 };

		if (dt_parse_date(ok[i].s, &d, why, sizeof why) != 0)
			fail_msg("%s refused: %s", ok[i].s, why);
		assert_int_equal(d.year, ok[i].y);
		assert_int_equal(d.month, ok[i].m);
		assert_int_equal(d.day, ok[i].d);
	}
}

struct refused {
	const char *s;
	const char *why;
};

static const struct refused bad_dates[] = {
	{ "2021/01/15", "'2021/01/15' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "15-01-2021", "'15-01-2021' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "2021-1-5", "'2021-1-5' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "2021-01-15x", "'2021-01-15x' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "2021-01-15T10:30:00Z",
	    "'2021-01-15T10:30:00Z' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ " 2021-01-15", "' 2021-01-15' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "2021-01-15 ", "'2021-01-15 ' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "", "'' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "+2021-01-15", "'+2021-01-15' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "20210115", "'20210115' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "2021-0a-15", "'2021-0a-15' is not a date in the format yyyy-MM-dd (for example 2021-01-15)" },
	{ "2021-02-29", "'2021-02-29' is not a date: February 2021 has 28 days" },
	{ "1900-02-29", "'1900-02-29' is not a date: February 1900 has 28 days" },
	{ "2023-02-29", "'2023-02-29' is not a date: February 2023 has 28 days" },
	{ "2024-02-30", "'2024-02-30' is not a date: February 2024 has 29 days" },
	{ "2021-02-30", "'2021-02-30' is not a date: February 2021 has 28 days" },
	{ "2021-04-31", "'2021-04-31' is not a date: April 2021 has 30 days" },
	{ "2021-01-32", "'2021-01-32' is not a date: January 2021 has 31 days" },
	{ "2021-01-00", "'2021-01-00' is not a date: the day must be from 01 to 31" },
	{ "2021-02-00", "'2021-02-00' is not a date: the day must be from 01 to 28" },
	{ "2021-13-01", "'2021-13-01' is not a date: the month must be from 01 to 12" },
	{ "2021-00-10", "'2021-00-10' is not a date: the month must be from 01 to 12" },
	{ "1899-12-31", "'1899-12-31' is out of range: the year must be from 1900 to 9999" },
	{ "0000-01-01", "'0000-01-01' is out of range: the year must be from 1900 to 9999" },
};

static void
impossible_or_misshapen_dates_are_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_dates / sizeof bad_dates[0]; i++) {
		dt_date d = { -1, -1, -1 };
		char why[256];

		if (dt_parse_date(bad_dates[i].s, &d, why, sizeof why) != -1)
			fail_msg("'%s' accepted", bad_dates[i].s);
		if (strcmp(why, bad_dates[i].why) != 0)
			fail_msg("'%s':\n  got      %s\n  expected %s", bad_dates[i].s, why,
			    bad_dates[i].why);
		assert_int_equal(d.year, -1); /* out written only on success */
	}
}

/* Every day of 1900-9999 parses; the day after each month's end does not. */
static void
every_month_end_is_right(void **state)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	(void)state;
	for (int y = 1900; y <= 9999; y++) {
		bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

		for (int m = 1; m <= 12; m++) {
			int last = dim[m - 1] + (m == 2 && leap);
			char s[32];
			dt_date d;

			(void)snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, last);
			assert_int_equal(dt_parse_date(s, &d, NULL, 0), 0);
			(void)snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, last + 1);
			assert_int_equal(dt_parse_date(s, &d, NULL, 0), -1);
		}
	}
}

/* Only ASCII digits: no fullwidth or other Unicode digits. */
static void
non_ascii_digits_are_refused(void **state)
{
	dt_date d;
	char why[256];

	(void)state;
	assert_int_equal(dt_parse_date("\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92\xef\xbc\x91-01-15", &d,
	    why, sizeof why), -1);
	assert_int_equal(utf8_valid(why, strlen(why), NULL), 0);
	assert_int_equal(dt_parse_date(NULL, &d, why, sizeof why), -1);
}

/* ---- times ------------------------------------------------------------ */

static void
times_are_hh_mm_or_hh_mm_ss(void **state)
{
	static const struct { const char *s; int h, m, sec, has; } ok[] = {
		{ "00:00", 0, 0, 0, 0 }, { "23:59", 23, 59, 0, 0 }, { "23:59:59", 23, 59, 59, 1 },
		{ "09:05", 9, 5, 0, 0 }, { "12:30:00", 12, 30, 0, 1 }, { "00:00:00", 0, 0, 0, 1 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
		dt_time t = { -1, -1, -1, -1 };
		char why[256];

		if (dt_parse_time(ok[i].s, &t, why, sizeof why) != 0)
			fail_msg("%s refused: %s", ok[i].s, why);
		assert_int_equal(t.hour, ok[i].h);
		assert_int_equal(t.minute, ok[i].m);
		assert_int_equal(t.second, ok[i].sec);
		assert_int_equal(t.has_seconds, ok[i].has);
	}
}

#define TIME_FORM "the format HH:mm or HH:mm:ss, 24-hour (for example 09:05 or 21:30:15)"

static const struct refused bad_times[] = {
	{ "24:00", "'24:00' is not a time: the hour must be from 00 to 23" },
	{ "24:00:00", "'24:00:00' is not a time: the hour must be from 00 to 23" },
	{ "12:60", "'12:60' is not a time: the minutes must be from 00 to 59" },
	{ "12:59:60", "'12:59:60' is not a time: the seconds must be from 00 to 59" },
	{ "9:05", "'9:05' is not a time in " TIME_FORM },
	{ "09:5", "'09:5' is not a time in " TIME_FORM },
	{ "0905", "'0905' is not a time in " TIME_FORM },
	{ "09:05:", "'09:05:' is not a time in " TIME_FORM },
	{ "09:05:1", "'09:05:1' is not a time in " TIME_FORM },
	{ "09:05 PM", "'09:05 PM' is not a time in " TIME_FORM },
	{ "09:05:00.123", "'09:05:00.123' is not a time in " TIME_FORM },
	{ "09:05Z", "'09:05Z' is not a time in " TIME_FORM },
	{ "09.05", "'09.05' is not a time in " TIME_FORM },
	{ "", "'' is not a time in " TIME_FORM },
};

static void
bad_times_are_refused(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_times / sizeof bad_times[0]; i++) {
		dt_time t = { -1, -1, -1, -1 };
		char why[256];

		if (dt_parse_time(bad_times[i].s, &t, why, sizeof why) != -1)
			fail_msg("'%s' accepted", bad_times[i].s);
		if (strcmp(why, bad_times[i].why) != 0)
			fail_msg("'%s':\n  got      %s\n  expected %s", bad_times[i].s, why,
			    bad_times[i].why);
		assert_int_equal(t.hour, -1);
	}
	assert_int_equal(dt_parse_time(NULL, NULL, NULL, 0), -1);
}

/* ---- zones ------------------------------------------------------------ */

struct zone_case {
	const char *s;
	int rc;
	int off;
};

static const struct zone_case zones_any[] = {
	/* taxonomy.md section 4.5: what real clients send */
	{ "-0000", DT_ZONE_OK, 0 }, { "0000", DT_ZONE_OK, 0 }, { "+0000", DT_ZONE_OK, 0 },
	{ "-0500", DT_ZONE_OK, -300 }, { "UTC", DT_ZONE_OK, 0 }, { "GMT", DT_ZONE_OK, 0 },
	/* every accepted form */
	{ "Z", DT_ZONE_OK, 0 }, { "z", DT_ZONE_OK, 0 }, { "utc", DT_ZONE_OK, 0 },
	{ "Utc", DT_ZONE_OK, 0 }, { "gmt", DT_ZONE_OK, 0 }, { "gMt", DT_ZONE_OK, 0 },
	{ "+00:00", DT_ZONE_OK, 0 }, { "-00:00", DT_ZONE_OK, 0 }, { "+00", DT_ZONE_OK, 0 },
	{ "-00", DT_ZONE_OK, 0 }, { "-05:00", DT_ZONE_OK, -300 }, { "-05", DT_ZONE_OK, -300 },
	{ "+05:30", DT_ZONE_OK, 330 }, { "+0530", DT_ZONE_OK, 330 }, { "0530", DT_ZONE_OK, 330 },
	{ "+0545", DT_ZONE_OK, 345 }, { "-03:30", DT_ZONE_OK, -210 }, { "-0030", DT_ZONE_OK, -30 },
	{ "+14:00", DT_ZONE_OK, 840 }, { "+1400", DT_ZONE_OK, 840 }, { "+14", DT_ZONE_OK, 840 },
	{ "1400", DT_ZONE_OK, 840 }, { "-12:00", DT_ZONE_OK, -720 }, { "-1200", DT_ZONE_OK, -720 },
	{ "-12", DT_ZONE_OK, -720 }, { "+13:45", DT_ZONE_OK, 825 }, { "-11:59", DT_ZONE_OK, -719 },
	/* out of range: well-formed, but past -12:00..+14:00 or minutes over 59 */
	{ "+14:01", DT_ZONE_OUT_OF_RANGE, 0 }, { "+1401", DT_ZONE_OUT_OF_RANGE, 0 },
	{ "-12:01", DT_ZONE_OUT_OF_RANGE, 0 }, { "-13", DT_ZONE_OUT_OF_RANGE, 0 },
	{ "+15", DT_ZONE_OUT_OF_RANGE, 0 }, { "+24", DT_ZONE_OUT_OF_RANGE, 0 },
	{ "+0560", DT_ZONE_OUT_OF_RANGE, 0 }, { "+05:60", DT_ZONE_OUT_OF_RANGE, 0 },
	{ "-0099", DT_ZONE_OUT_OF_RANGE, 0 }, { "+99:99", DT_ZONE_OUT_OF_RANGE, 0 },
	{ "1401", DT_ZONE_OUT_OF_RANGE, 0 }, { "9999", DT_ZONE_OUT_OF_RANGE, 0 },
	/* not any accepted form */
	{ "", DT_ZONE_BAD_FORM, 0 }, { "+5", DT_ZONE_BAD_FORM, 0 }, { "+5:30", DT_ZONE_BAD_FORM, 0 },
	{ "+530", DT_ZONE_BAD_FORM, 0 }, { "05:30", DT_ZONE_BAD_FORM, 0 }, { "05", DT_ZONE_BAD_FORM, 0 },
	{ "5", DT_ZONE_BAD_FORM, 0 }, { "+05:3", DT_ZONE_BAD_FORM, 0 },
	{ "+05:300", DT_ZONE_BAD_FORM, 0 }, { "+053", DT_ZONE_BAD_FORM, 0 },
	{ "+05300", DT_ZONE_BAD_FORM, 0 }, { "++0500", DT_ZONE_BAD_FORM, 0 },
	{ "+-0500", DT_ZONE_BAD_FORM, 0 }, { "UTC+1", DT_ZONE_BAD_FORM, 0 },
	{ "UTC+01:00", DT_ZONE_BAD_FORM, 0 }, { "GMT-5", DT_ZONE_BAD_FORM, 0 },
	{ " UTC", DT_ZONE_BAD_FORM, 0 }, { "UTC ", DT_ZONE_BAD_FORM, 0 },
	{ "+05 30", DT_ZONE_BAD_FORM, 0 }, { "+05.30", DT_ZONE_BAD_FORM, 0 },
	{ "\xe2\x88\x92" "0500", DT_ZONE_BAD_FORM, 0 }, /* U+2212 MINUS SIGN */
	{ "Eastern", DT_ZONE_BAD_FORM, 0 }, { "America/New_York", DT_ZONE_BAD_FORM, 0 },
	{ "Z0", DT_ZONE_BAD_FORM, 0 }, { "0500Z", DT_ZONE_BAD_FORM, 0 }, { "ZZ", DT_ZONE_BAD_FORM, 0 },
	{ "UT", DT_ZONE_BAD_FORM, 0 }, { "+", DT_ZONE_BAD_FORM, 0 }, { "-", DT_ZONE_BAD_FORM, 0 },
};

static const struct zone_case zones_table[] = {
	{ "PST", DT_ZONE_OK, -480 }, { "pst", DT_ZONE_OK, -480 }, { "PDT", DT_ZONE_OK, -420 },
	{ "MST", DT_ZONE_OK, -420 }, { "MDT", DT_ZONE_OK, -360 }, { "CST", DT_ZONE_OK, -360 },
	{ "cdt", DT_ZONE_OK, -300 }, { "EST", DT_ZONE_OK, -300 }, { "EDT", DT_ZONE_OK, -240 },
	{ "CET", DT_ZONE_OK, 60 }, { "CEST", DT_ZONE_OK, 120 }, { "JST", DT_ZONE_OK, 540 },
	{ "IST", DT_ZONE_AMBIGUOUS, 0 }, { "ist", DT_ZONE_AMBIGUOUS, 0 },
	{ "BST", DT_ZONE_AMBIGUOUS, 0 }, { "AST", DT_ZONE_AMBIGUOUS, 0 },
	{ "XYZ", DT_ZONE_BAD_FORM, 0 }, { " PST", DT_ZONE_BAD_FORM, 0 },
	{ "PST8PDT", DT_ZONE_BAD_FORM, 0 },
};

/* Without a taxonomy abbreviations are unknown: neither found nor ambiguous. */
static const struct zone_case zones_no_table[] = {
	{ "PST", DT_ZONE_BAD_FORM, 0 }, { "IST", DT_ZONE_BAD_FORM, 0 }, { "UTC", DT_ZONE_OK, 0 },
};

static void
check_zones(const taxonomy *tax, const struct zone_case *c, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		int off = 12345;
		char why[512] = "";
		int rc = dt_parse_zone(tax, c[i].s, &off, why, sizeof why);

		if (rc != c[i].rc)
			fail_msg("'%s': rc %d, expected %d (%s)", c[i].s, rc, c[i].rc, why);
		if (rc == DT_ZONE_OK) {
			assert_int_equal(off, c[i].off);
			assert_string_equal(why, "");
		} else {
			assert_int_equal(off, 12345); /* written only on success */
			assert_true(strlen(why) > 10);
			assert_int_equal(utf8_valid(why, strlen(why), NULL), 0);
		}
	}
}

static void
every_zone_form_is_parsed_with_or_without_taxonomy(void **state)
{
	(void)state;
	check_zones(NULL, zones_any, sizeof zones_any / sizeof zones_any[0]);
	check_zones(deflt, zones_any, sizeof zones_any / sizeof zones_any[0]);
}

static void
abbreviations_come_from_the_taxonomy(void **state)
{
	(void)state;
	check_zones(deflt, zones_table, sizeof zones_table / sizeof zones_table[0]);
	check_zones(NULL, zones_no_table, sizeof zones_no_table / sizeof zones_no_table[0]);
}

#define ZONE_FORM "give the offset from UTC as +HH:MM, +HHMM or +HH, or with a minus sign " \
	"(for example -05:00, +0530 or +09), or Z, UTC or GMT"
#define TABLE ", or one of: PST, PDT, MST, MDT, CST, CDT, EST, EDT, CET, CEST, JST"

static void
zone_messages_list_the_accepted_forms(void **state)
{
	char why[512];
	int off;

	(void)state;
	assert_int_equal(dt_parse_zone(deflt, "Eastern", &off, why, sizeof why), DT_ZONE_BAD_FORM);
	assert_string_equal(why, "'Eastern' is not a time zone; " ZONE_FORM TABLE);
	assert_int_equal(dt_parse_zone(NULL, "Eastern", &off, why, sizeof why), DT_ZONE_BAD_FORM);
	assert_string_equal(why, "'Eastern' is not a time zone; " ZONE_FORM);
	assert_int_equal(dt_parse_zone(deflt, "ist", &off, why, sizeof why), DT_ZONE_AMBIGUOUS);
	assert_string_equal(why, "'ist' is ambiguous: it can mean more than one offset from UTC; "
	    ZONE_FORM TABLE);
	assert_int_equal(dt_parse_zone(deflt, "+14:01", &off, why, sizeof why),
	    DT_ZONE_OUT_OF_RANGE);
	assert_string_equal(why, "'+14:01' is out of range: offsets from UTC go from -12:00 to +14:00");
	assert_int_equal(dt_parse_zone(deflt, "-13", &off, why, sizeof why), DT_ZONE_OUT_OF_RANGE);
	assert_string_equal(why, "'-13' is out of range: offsets from UTC go from -12:00 to +14:00");
	assert_int_equal(dt_parse_zone(deflt, "+0560", &off, why, sizeof why), DT_ZONE_OUT_OF_RANGE);
	assert_string_equal(why, "'+0560' is not a valid offset: the minutes must be from 00 to 59");
	assert_int_equal(dt_parse_zone(NULL, NULL, &off, why, sizeof why), DT_ZONE_BAD_FORM);
	assert_string_equal(why, "'' is not a time zone; " ZONE_FORM);
}

/* Long values are shortened and control characters hidden, so a message stays one short line. */
static void
quoted_values_are_shortened_and_made_printable(void **state)
{
	char why[512];
	dt_date d;
	int off;

	(void)state;
	assert_int_equal(dt_parse_date("2021-01-15\r\nX-Injected: yes", &d, why, sizeof why), -1);
	assert_string_equal(why, "'2021-01-15??X-Injected: yes' is not a date in the format "
	    "yyyy-MM-dd (for example 2021-01-15)");
	assert_int_equal(dt_parse_zone(NULL, "aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd-tail", &off,
	    why, sizeof why), DT_ZONE_BAD_FORM);
	assert_string_equal(why, "'aaaaaaaaaabbbbbbbbbbccccccccccdddddddddd...' is not a time zone; "
	    ZONE_FORM);
	/* a cut never splits a UTF-8 sequence: 39 bytes of 'a' then a 3-byte character */
	assert_int_equal(dt_parse_zone(NULL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\xe2\x82\xac!",
	    &off, why, sizeof why), DT_ZONE_BAD_FORM);
	assert_int_equal(strncmp(why, "'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa...'", 44), 0);
}

/* why may be NULL or short; a truncated message is still a C string of valid UTF-8. */
static void
short_why_buffers_are_safe(void **state)
{
	char why[16];
	dt_date d;
	dt_time t;
	int off;

	(void)state;
	assert_int_equal(dt_parse_date("2021/01/15", &d, NULL, 0), -1);
	assert_int_equal(dt_parse_time("25:00", &t, NULL, 0), -1);
	assert_int_equal(dt_parse_zone(deflt, "IST", &off, NULL, 0), DT_ZONE_AMBIGUOUS);
	memset(why, 'x', sizeof why);
	assert_int_equal(dt_parse_date("2021/01/15", &d, why, sizeof why), -1);
	assert_string_equal(why, "'2021/01/15' is");
	for (size_t n = 1; n <= sizeof why; n++) {
		assert_int_equal(dt_parse_zone(deflt, "\xe2\x82\xac\xe2\x82\xac\xe2\x82\xac", &off, why,
		    n), DT_ZONE_BAD_FORM);
		assert_true(strlen(why) < n);
		assert_int_equal(utf8_valid(why, strlen(why), NULL), 0);
	}
	memset(why, 'x', sizeof why);
	assert_int_equal(dt_parse_zone(deflt, "IST", &off, why, 1), DT_ZONE_AMBIGUOUS);
	assert_int_equal(why[0], '\0');
	assert_int_equal(why[1], 'x');
}

/* ---- formatting and arithmetic ---------------------------------------- */

static void
zones_format_as_plus_or_minus_hh_mm(void **state)
{
	static const struct { int off; const char *s; } c[] = {
		{ 0, "+00:00" }, { 330, "+05:30" }, { -480, "-08:00" }, { 840, "+14:00" },
		{ -720, "-12:00" }, { -30, "-00:30" }, { 345, "+05:45" }, { 60, "+01:00" },
	};
	char out[8];

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		dt_format_zone(c[i].off, out, 7);
		assert_string_equal(out, c[i].s);
	}
	dt_format_zone(330, out, 4);
	assert_string_equal(out, "+05");
	dt_format_zone(330, out, 0); /* nothing written, no crash */
}

/* A parsed zone formats back to its normalized form. */
static void
parsed_zones_normalize(void **state)
{
	static const struct { const char *in, *out; } c[] = {
		{ "-0000", "+00:00" }, { "0000", "+00:00" }, { "Z", "+00:00" }, { "gmt", "+00:00" },
		{ "-0500", "-05:00" }, { "+0530", "+05:30" }, { "-03", "-03:00" }, { "PST", "-08:00" },
		{ "cest", "+02:00" }, { "-0030", "-00:30" },
	};
	char out[8];
	int off;

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		assert_int_equal(dt_parse_zone(deflt, c[i].in, &off, NULL, 0), DT_ZONE_OK);
		dt_format_zone(off, out, sizeof out);
		assert_string_equal(out, c[i].out);
	}
}

static void
days_from_civil_known_values(void **state)
{
	(void)state;
	assert_int_equal(dt_days_from_civil(1970, 1, 1), 0);
	assert_int_equal(dt_days_from_civil(1970, 1, 2), 1);
	assert_int_equal(dt_days_from_civil(1969, 12, 31), -1);
	assert_int_equal(dt_days_from_civil(2000, 3, 1), 11017);
	assert_int_equal(dt_days_from_civil(1900, 1, 1), -25567);
	assert_int_equal(dt_days_from_civil(9999, 12, 31), 2932896);
	assert_int_equal(dt_days_from_civil(2021, 1, 15), 18642);
}

static void
to_epoch_known_values(void **state)
{
	static const struct {
		dt_date d;
		dt_time t;
		int off;
		int64_t epoch;
	} c[] = {
		{ { 1970, 1, 1 }, { 0, 0, 0, 0 }, 0, 0 },
		{ { 2021, 1, 15 }, { 10, 30, 0, 0 }, 0, 1610706600 },
		{ { 2021, 1, 15 }, { 2, 30, 0, 0 }, -480, 1610706600 },      /* PST */
		{ { 2021, 1, 15 }, { 16, 0, 0, 0 }, 330, 1610706600 },       /* +05:30 */
		{ { 2021, 1, 16 }, { 0, 30, 0, 0 }, 840, 1610706600 },       /* +14:00, next day */
		{ { 2021, 1, 14 }, { 22, 30, 0, 0 }, -720, 1610706600 },     /* -12:00, day before */
		{ { 1970, 1, 1 }, { 0, 0, 0, 0 }, 60, -3600 },
		{ { 2000, 2, 29 }, { 12, 0, 0, 1 }, 0, 951825600 },
		{ { 1900, 1, 1 }, { 0, 0, 0, 0 }, 0, -2208988800LL },
		{ { 9999, 12, 31 }, { 23, 59, 59, 1 }, 0, 253402300799LL },
		{ { 2038, 1, 19 }, { 3, 14, 8, 1 }, 0, 2147483648LL },
		{ { 2024, 2, 29 }, { 23, 59, 59, 1 }, -240, 1709265599 },   /* EDT: 2024-03-01T03:59:59Z */
	};

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++)
		assert_int_equal(dt_to_epoch(&c[i].d, &c[i].t, c[i].off), c[i].epoch);
	/* date only: midnight */
	assert_int_equal(dt_to_epoch(&c[1].d, NULL, 0), 1610668800);
}

static void
format_epoch_known_values(void **state)
{
	static const struct { int64_t e; const char *s; } c[] = {
		{ 0, "1970-01-01T00:00:00Z" },
		{ 1610706600, "2021-01-15T10:30:00Z" },
		{ -1, "1969-12-31T23:59:59Z" },
		{ -86400, "1969-12-31T00:00:00Z" },
		{ -86401, "1969-12-30T23:59:59Z" },
		{ -2208988800LL, "1900-01-01T00:00:00Z" },
		{ 253402300799LL, "9999-12-31T23:59:59Z" },
		{ 951825600, "2000-02-29T12:00:00Z" },
		{ 951868800, "2000-03-01T00:00:00Z" },
		{ 1709265599, "2024-03-01T03:59:59Z" },
	};
	char out[21];

	(void)state;
	for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
		dt_format_epoch(c[i].e, out, sizeof out);
		assert_string_equal(out, c[i].s);
	}
	dt_format_epoch(0, out, 11);
	assert_string_equal(out, "1970-01-01");
	dt_format_epoch(INT64_MIN, out, sizeof out); /* nonsense, but no crash or overflow */
	dt_format_epoch(INT64_MAX, out, sizeof out);
}

/* The hand-written formatters give what "%04d-%02d-%02d" and "%02d:%02d:%02d" give, cut short alike. */
static void
format_date_and_time_match_printf(void **state)
{
	static const dt_date d[] = {
		{ 2021, 1, 15 }, { 1900, 12, 31 }, { 9999, 9, 9 }, { 5, 1, 1 }, { 0, 0, 0 },
		{ 10000, 1, 1 }, { -1, 1, 1 }, { 2021, 100, 7 }, { 2021, 1, -3 },
	};
	static const dt_time t[] = {
		{ 0, 0, 0, 0 }, { 9, 5, 0, 0 }, { 23, 59, 59, 1 }, { 100, 0, 0, 0 }, { 1, -1, 0, 0 },
	};
	char got[32], want[32];

	(void)state;
	for (size_t i = 0; i < sizeof d / sizeof d[0]; i++) {
		for (size_t cut = 1; cut <= sizeof got; cut++) {
			dt_format_date(&d[i], got, cut);
			(void)snprintf(want, cut, "%04d-%02d-%02d", d[i].year, d[i].month, d[i].day);
			assert_string_equal(got, want);
		}
	}
	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
		for (size_t cut = 1; cut <= sizeof got; cut++) {
			dt_format_time(&t[i], got, cut);
			(void)snprintf(want, cut, "%02d:%02d:%02d", t[i].hour, t[i].minute, t[i].second);
			assert_string_equal(got, want);
		}
	}
	dt_format_date(&d[0], got, 0); /* nothing written, no crash */
	dt_format_time(&t[0], got, 0);
}

/* Zones and instants past the fixed widths still print as "%02d" would. */
static void
format_out_of_range_values_like_printf(void **state)
{
	char out[40];

	(void)state;
	dt_format_zone(100 * 60 + 5, out, sizeof out);
	assert_string_equal(out, "+100:05");
	dt_format_zone(-(123 * 60), out, sizeof out);
	assert_string_equal(out, "-123:00");
	dt_format_epoch(253402300800LL, out, sizeof out);   /* 10000-01-01 */
	assert_string_equal(out, "10000-01-01T00:00:00Z");
	dt_format_epoch(1610706600, out, 5);
	assert_string_equal(out, "2021");
}

/*
 * Day by day over 1900-9999: consecutive day numbers, the same as timegm,
 * and dt_format_epoch gives the date back.
 */
static void
calendar_agrees_with_a_counter_and_timegm(void **state)
{
	int64_t expect = dt_days_from_civil(1900, 1, 1);

	(void)state;
	for (int y = 1900; y <= 9999; y++) {
		for (int m = 1; m <= 12; m++) {
			for (int d = 1; d <= 31; d++) {
				char s[32], out[32];
				dt_date date;

				(void)snprintf(s, sizeof s, "%04d-%02d-%02d", y, m, d);
				if (dt_parse_date(s, &date, NULL, 0) < 0)
					continue;
				assert_int_equal(dt_days_from_civil(y, m, d), expect);
				if (d == 1 || (y >= 1960 && y <= 2100)) {
					struct tm tm = { .tm_year = y - 1900, .tm_mon = m - 1, .tm_mday = d };

					assert_int_equal((int64_t)timegm(&tm), expect * 86400);
				}
				dt_format_epoch(expect * 86400 + 86399, out, sizeof out);
				assert_int_equal(strncmp(out, s, 10), 0);
				assert_string_equal(out + 10, "T23:59:59Z");
				expect++;
			}
		}
	}
	assert_int_equal(expect, dt_days_from_civil(10000, 1, 1));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(real_dates_are_accepted),
		cmocka_unit_test(impossible_or_misshapen_dates_are_refused),
		cmocka_unit_test(every_month_end_is_right),
		cmocka_unit_test(non_ascii_digits_are_refused),
		cmocka_unit_test(times_are_hh_mm_or_hh_mm_ss),
		cmocka_unit_test(bad_times_are_refused),
		cmocka_unit_test(every_zone_form_is_parsed_with_or_without_taxonomy),
		cmocka_unit_test(abbreviations_come_from_the_taxonomy),
		cmocka_unit_test(zone_messages_list_the_accepted_forms),
		cmocka_unit_test(quoted_values_are_shortened_and_made_printable),
		cmocka_unit_test(short_why_buffers_are_safe),
		cmocka_unit_test(zones_format_as_plus_or_minus_hh_mm),
		cmocka_unit_test(parsed_zones_normalize),
		cmocka_unit_test(days_from_civil_known_values),
		cmocka_unit_test(to_epoch_known_values),
		cmocka_unit_test(format_epoch_known_values),
		cmocka_unit_test(format_date_and_time_match_printf),
		cmocka_unit_test(format_out_of_range_values_like_printf),
		cmocka_unit_test(calendar_agrees_with_a_counter_and_timegm),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
