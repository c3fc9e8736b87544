/*
 * datetime.h -- the incident's date, time and time zone.  Pure: the time of
 * receipt is always passed in, never read from a clock.
 *
 * Forms (taxonomy.md, "Rules: date, time, zone"):
 *   date      yyyy-MM-dd, a real calendar date (proleptic Gregorian, year 1900-9999)
 *   time      HH:mm or HH:mm:ss, 24-hour
 *   timeZone  ±HHMM, ±HH:MM, ±HH, HHMM (means +), Z, UTC, GMT (any case),
 *             or an abbreviation from the taxonomy's table; offsets -12:00..+14:00,
 *             minutes 00-59; -0000 means UTC.  Normalized as ±HH:MM.
 */
#ifndef ABUSEDESK_DATETIME_H
#define ABUSEDESK_DATETIME_H

#include <stddef.h>
#include <stdint.h>

struct taxonomy;

typedef struct dt_date { int year, month, day; } dt_date;
typedef struct dt_time { int hour, minute, second; int has_seconds; } dt_time;

/* 0, or -1 with a reason in why ("2021-02-30 is not a date: February 2021 has 28 days"). */
int dt_parse_date(const char *s, dt_date *out, char *why, size_t whylen);
/* 0, or -1 with a reason in why. */
int dt_parse_time(const char *s, dt_time *out, char *why, size_t whylen);

enum dt_zone_result {
	DT_ZONE_OK = 0,
	DT_ZONE_BAD_FORM = -1,     /* not any accepted form */
	DT_ZONE_OUT_OF_RANGE = -2, /* well-formed offset outside -12:00..+14:00 or minutes > 59 */
	DT_ZONE_AMBIGUOUS = -3,    /* an abbreviation the taxonomy lists as ambiguous (IST, BST...) */
};
/*
 * Parse a time zone; abbreviations are looked up in tax (may be NULL: then
 * only numeric forms, Z, UTC and GMT are known).  On DT_ZONE_OK,
 * *offset_minutes is east of UTC.  why gets a reason on failure.
 */
int dt_parse_zone(const struct taxonomy *tax, const char *s, int *offset_minutes,
    char *why, size_t whylen);
/* "+05:30", "-08:00", "+00:00" into out (at least 7 bytes). */
void dt_format_zone(int offset_minutes, char *out, size_t outlen);
/* "2021-01-15" (yyyy-MM-dd) into out (at least 11 bytes). */
void dt_format_date(const dt_date *d, char *out, size_t outlen);
/* "09:05:00" (HH:mm:ss, seconds always) into out (at least 9 bytes). */
void dt_format_time(const dt_time *t, char *out, size_t outlen);
/* Days since 1970-01-01 of a (valid) date; may be negative. */
int64_t dt_days_from_civil(int year, int month, int day);
/* Seconds since the epoch (UTC) of date + time - offset. */
int64_t dt_to_epoch(const dt_date *d, const dt_time *t, int offset_minutes);
/* UTC RFC 3339 text "2021-01-15T10:30:00Z" of epoch seconds into out (>= 21 bytes). */
void dt_format_epoch(int64_t epoch, char *out, size_t outlen);

#endif
