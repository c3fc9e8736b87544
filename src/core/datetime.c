/*
 * datetime.c -- the incident's date, time and time zone (datetime.h), and
 * the calendar arithmetic that turns them into an instant.
 *
 * The parsers are exact: they take the field as the fields layer hands it
 * over (already trimmed) and accept only the forms of taxonomy.md, so that
 * "2021-1-5" or "9:05" is refused with a message saying what is expected
 * rather than guessed at.  Their messages go to reporters verbatim after the
 * field name, so each one quotes the value (shortened, control characters
 * shown as '?') and says which form is accepted.
 *
 * Calendar arithmetic is proleptic Gregorian on days since 1970-01-01, after
 * Howard Hinnant's days_from_civil / civil_from_days; no libc time function
 * is used, so the results depend on neither TZ nor the C library.
 */
#include "datetime.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/taxonomy.h"
#include "util/utf8.h"

#define QUOTE_BYTES 44        /* a quoted value: 40 bytes of it and "..." */
#define YEAR_MIN 1900
#define ZONE_MIN_MINUTES (-12 * 60)
#define ZONE_MAX_MINUTES (14 * 60)

static const char date_form[] = "the format yyyy-MM-dd (for example 2021-01-15)";
static const char time_form[] =
    "the format HH:mm or HH:mm:ss, 24-hour (for example 09:05 or 21:30:15)";
static const char zone_form[] =
    "give the offset from UTC as +HH:MM, +HHMM or +HH, or with a minus sign "
    "(for example -05:00, +0530 or +09), or Z, UTC or GMT";

static const char *const month_names[12] = {
	"January", "February", "March", "April", "May", "June", "July",
	"August", "September", "October", "November", "December",
};

/* ---- messages --------------------------------------------------------- */

/* A message being written into the caller's why buffer; never overflows. */
struct msg {
	char *p;
	size_t cap;
	size_t len;
	bool full;    /* truncated: nothing more is added */
};

static void
msg_init(struct msg *m, char *why, size_t whylen)
{
	m->p = whylen > 0 ? why : NULL;
	m->cap = m->p != NULL ? whylen : 0;
	m->len = 0;
	m->full = m->p == NULL;
	if (m->p != NULL)
		m->p[0] = '\0';
}

static void msg_add(struct msg *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void
msg_add(struct msg *m, const char *fmt, ...)
{
	va_list ap;
	int r;

	if (m->full)
		return;
	va_start(ap, fmt);
	r = vsnprintf(m->p + m->len, m->cap - m->len, fmt, ap);
	va_end(ap);
	if (r < 0)
		return;
	if ((size_t)r >= m->cap - m->len) {
		m->full = true;
		m->len = m->cap - 1;
		utf8_truncate(m->p);               /* m->p[m->len] is snprintf's NUL */
		m->len = strlen(m->p);
	} else {
		m->len += (size_t)r;
	}
}

/*
 * s as it may be shown back: at most 40 bytes cut on a UTF-8 boundary,
 * then "...", with control characters as '?' so a message stays one line.
 */
static void
quote(const char *s, char out[QUOTE_BYTES])
{
	size_t n = strlen(s), cut = n > QUOTE_BYTES - 4 ? QUOTE_BYTES - 4 : n, i;

	while (cut > 0 && cut < n && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	for (i = 0; i < cut; i++) {
		unsigned char c = (unsigned char)s[i];

		out[i] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	if (cut < n)
		memcpy(out + i, "...", 4);
	else
		out[i] = '\0';
}

/* ---- digits and the calendar ------------------------------------------ */

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* The n digits at s as a number; the caller has checked they are digits. */
static int
digits(const char *s, size_t n)
{
	int v = 0;

	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

/* Does s match pat, where '9' in pat stands for any ASCII digit? */
static bool
shaped(const char *s, const char *pat)
{
	for (; *pat != '\0'; s++, pat++) {
		if (*pat == '9' ? !is_digit(*s) : *s != *pat)
			return false;
	}
	return *s == '\0';
}

static bool
is_leap(int y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int
days_in_month(int y, int m)
{
	static const int days[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return m == 2 && is_leap(y) ? 29 : days[m - 1];
}

int64_t
dt_days_from_civil(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;                                  /* [0, 399] */
	int64_t doy = (153 * (month > 2 ? month - 3 : month + 9) + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;          /* [0, 146096] */

	return era * 146097 + doe - 719468;
}

static void
civil_from_days(int64_t z, int64_t *year, int *month, int *day)
{
	int64_t era, doe, yoe, doy, mp;

	z += 719468;
	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*day = (int)(doy - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = yoe + era * 400 + (*month <= 2);
}

/* ---- date and time ---------------------------------------------------- */

int
dt_parse_date(const char *s, dt_date *out, char *why, size_t whylen)
{
	struct msg m;
	char q[QUOTE_BYTES];
	int y, mo, d;

	msg_init(&m, why, whylen);
	quote(s != NULL ? s : "", q);
	if (s == NULL || !shaped(s, "9999-99-99")) {
		msg_add(&m, "'%s' is not a date in %s", q, date_form);
		return -1;
	}
	y = digits(s, 4);
	mo = digits(s + 5, 2);
	d = digits(s + 8, 2);
	if (y < YEAR_MIN) {
		msg_add(&m, "'%s' is out of range: the year must be from %d to 9999", q, YEAR_MIN);
		return -1;
	}
	if (mo < 1 || mo > 12) {
		msg_add(&m, "'%s' is not a date: the month must be from 01 to 12", q);
		return -1;
	}
	if (d < 1) {
		msg_add(&m, "'%s' is not a date: the day must be from 01 to %d", q,
		    days_in_month(y, mo));
		return -1;
	}
	if (d > days_in_month(y, mo)) {
		msg_add(&m, "'%s' is not a date: %s %d has %d days", q, month_names[mo - 1], y,
		    days_in_month(y, mo));
		return -1;
	}
	*out = (dt_date){ y, mo, d };
	return 0;
}

int
dt_parse_time(const char *s, dt_time *out, char *why, size_t whylen)
{
	struct msg m;
	char q[QUOTE_BYTES];
	bool secs;
	int h, mi, se;

	msg_init(&m, why, whylen);
	quote(s != NULL ? s : "", q);
	secs = s != NULL && shaped(s, "99:99:99");
	if (s == NULL || (!secs && !shaped(s, "99:99"))) {
		msg_add(&m, "'%s' is not a time in %s", q, time_form);
		return -1;
	}
	h = digits(s, 2);
	mi = digits(s + 3, 2);
	se = secs ? digits(s + 6, 2) : 0;
	if (h > 23) {
		msg_add(&m, "'%s' is not a time: the hour must be from 00 to 23", q);
		return -1;
	}
	if (mi > 59 || se > 59) {
		msg_add(&m, "'%s' is not a time: the %s must be from 00 to 59", q,
		    mi > 59 ? "minutes" : "seconds");
		return -1;
	}
	*out = (dt_time){ h, mi, se, secs };
	return 0;
}

/* ---- time zone -------------------------------------------------------- */

/*
 * The numeric forms: ±HHMM, ±HH:MM, ±HH, HHMM.  0 with sign, hours and
 * minutes (not yet range-checked), or -1 if s is none of them.
 */
static int
zone_numeric(const char *s, int *sign, int *h, int *m)
{
	const char *r = s;

	*sign = 1;
	if (*s == '+' || *s == '-') {
		*sign = *s == '-' ? -1 : 1;
		r = s + 1;
		if (shaped(r, "99")) {
			*h = digits(r, 2);
			*m = 0;
			return 0;
		}
		if (shaped(r, "99:99")) {
			*h = digits(r, 2);
			*m = digits(r + 3, 2);
			return 0;
		}
	}
	if (!shaped(r, "9999"))
		return -1;
	*h = digits(r, 2);
	*m = digits(r + 2, 2);
	return 0;
}

static bool
all_letters(const char *s)
{
	if (*s == '\0')
		return false;
	for (; *s != '\0'; s++)
		if (!((*s >= 'A' && *s <= 'Z') || (*s >= 'a' && *s <= 'z')))
			return false;
	return true;
}

/* Is s the lower-case word w, ignoring ASCII case? */
static bool
same_letters(const char *s, const char *w)
{
	for (; *w != '\0'; s++, w++)
		if (*s == '\0' || (*s >= 'A' && *s <= 'Z' ? *s - 'A' + 'a' : *s) != *w)
			return false;
	return *s == '\0';
}

/* ", or one of: PST, PDT, ..." from the table, when there is one. */
static void
add_abbreviations(struct msg *m, const struct taxonomy *tax)
{
	size_t n = taxonomy_zone_count(tax);

	for (size_t i = 0; i < n; i++)
		msg_add(m, "%s%s", i == 0 ? ", or one of: " : ", ", taxonomy_zone_at(tax, i, NULL));
}

static int
zone_fail(struct msg *m, const struct taxonomy *tax, const char *q, int rc)
{
	if (rc == DT_ZONE_AMBIGUOUS)
		msg_add(m, "'%s' is ambiguous: it can mean more than one offset from UTC; %s", q,
		    zone_form);
	else
		msg_add(m, "'%s' is not a time zone; %s", q, zone_form);
	add_abbreviations(m, tax);
	return rc;
}

int
dt_parse_zone(const struct taxonomy *tax, const char *s, int *offset_minutes,
    char *why, size_t whylen)
{
	struct msg m;
	char q[QUOTE_BYTES];
	int sign, h, mi, total;

	msg_init(&m, why, whylen);
	quote(s != NULL ? s : "", q);
	if (s == NULL)
		return zone_fail(&m, tax, q, DT_ZONE_BAD_FORM);
	if (same_letters(s, "z") || same_letters(s, "utc") || same_letters(s, "gmt")) {
		*offset_minutes = 0;
		return DT_ZONE_OK;
	}
	if (all_letters(s)) {
		int rc = taxonomy_find_zone(tax, s, &total);

		if (rc == TAX_ZONE_FOUND) {
			*offset_minutes = total;
			return DT_ZONE_OK;
		}
		return zone_fail(&m, tax, q, rc == TAX_ZONE_AMBIGUOUS ? DT_ZONE_AMBIGUOUS
		    : DT_ZONE_BAD_FORM);
	}
	if (zone_numeric(s, &sign, &h, &mi) < 0)
		return zone_fail(&m, tax, q, DT_ZONE_BAD_FORM);
	total = sign * (h * 60 + mi);
	if (mi > 59) {
		msg_add(&m, "'%s' is not a valid offset: the minutes must be from 00 to 59", q);
		return DT_ZONE_OUT_OF_RANGE;
	}
	if (total < ZONE_MIN_MINUTES || total > ZONE_MAX_MINUTES) {
		msg_add(&m, "'%s' is out of range: offsets from UTC go from -12:00 to +14:00", q);
		return DT_ZONE_OUT_OF_RANGE;
	}
	*offset_minutes = total;
	return DT_ZONE_OK;
}

/*
 * The formatters below write their fixed-width text by hand: they run for
 * every report answered, and snprintf cost ~1 500 instructions a call
 * (measured with callgrind, bench/cpu/).  Values outside the fixed widths
 * (never from a valid report) still go through snprintf, so the text is the
 * same as "%02d"'s in every case.
 */

/* v (0..99) as two digits at p. */
static char *
put2(char *p, int v)
{
	p[0] = (char)('0' + v / 10);
	p[1] = (char)('0' + v % 10);
	return p + 2;
}

/* v (0..9999) as four digits at p. */
static char *
put4(char *p, int64_t v)
{
	p = put2(p, (int)(v / 100));
	return put2(p, (int)(v % 100));
}

static int
two_digits(int v)
{
	return v >= 0 && v <= 99;
}

/* text[0..n) into out[outlen] as snprintf would: cut short, always terminated. */
static void
copy_out(const char *text, size_t n, char *out, size_t outlen)
{
	if (n >= outlen)
		n = outlen - 1;
	memcpy(out, text, n);
	out[n] = '\0';
}

void
dt_format_zone(int offset_minutes, char *out, size_t outlen)
{
	int64_t a = offset_minutes < 0 ? -(int64_t)offset_minutes : offset_minutes;
	char text[8];

	if (outlen == 0)
		return;
	if (a / 60 > 99) {
		(void)snprintf(out, outlen, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+',
		    (int)(a / 60), (int)(a % 60));
		return;
	}
	text[0] = offset_minutes < 0 ? '-' : '+';
	put2(text + 1, (int)(a / 60));
	text[3] = ':';
	put2(text + 4, (int)(a % 60));
	copy_out(text, 6, out, outlen);
}

void
dt_format_date(const dt_date *d, char *out, size_t outlen)
{
	char text[16], *p = text;

	if (outlen == 0)
		return;
	if (d->year < 0 || d->year > 9999 || !two_digits(d->month) || !two_digits(d->day)) {
		(void)snprintf(out, outlen, "%04d-%02d-%02d", d->year, d->month, d->day);
		return;
	}
	p = put4(p, d->year);
	*p++ = '-';
	p = put2(p, d->month);
	*p++ = '-';
	p = put2(p, d->day);
	copy_out(text, (size_t)(p - text), out, outlen);
}

void
dt_format_time(const dt_time *t, char *out, size_t outlen)
{
	char text[16], *p = text;

	if (outlen == 0)
		return;
	if (!two_digits(t->hour) || !two_digits(t->minute) || !two_digits(t->second)) {
		(void)snprintf(out, outlen, "%02d:%02d:%02d", t->hour, t->minute, t->second);
		return;
	}
	p = put2(p, t->hour);
	*p++ = ':';
	p = put2(p, t->minute);
	*p++ = ':';
	p = put2(p, t->second);
	copy_out(text, (size_t)(p - text), out, outlen);
}

/* ---- instants --------------------------------------------------------- */

/* A missing time (t == NULL: date only) counts as midnight. */
int64_t
dt_to_epoch(const dt_date *d, const dt_time *t, int offset_minutes)
{
	int64_t secs = dt_days_from_civil(d->year, d->month, d->day) * 86400;

	if (t != NULL)
		secs += (int64_t)t->hour * 3600 + t->minute * 60 + t->second;
	return secs - (int64_t)offset_minutes * 60;
}

void
dt_format_epoch(int64_t epoch, char *out, size_t outlen)
{
	int64_t days = epoch / 86400, secs = epoch % 86400, year;
	int month, day;
	char text[24], *p = text;

	if (outlen == 0)
		return;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	civil_from_days(days, &year, &month, &day);
	if (year < 0 || year > 9999) {
		(void)snprintf(out, outlen, "%04lld-%02d-%02dT%02d:%02d:%02dZ", (long long)year, month,
		    day, (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
		return;
	}
	p = put4(p, year);
	*p++ = '-';
	p = put2(p, month);
	*p++ = '-';
	p = put2(p, day);
	*p++ = 'T';
	p = put2(p, (int)(secs / 3600));
	*p++ = ':';
	p = put2(p, (int)(secs / 60 % 60));
	*p++ = ':';
	p = put2(p, (int)(secs % 60));
	*p++ = 'Z';
	copy_out(text, (size_t)(p - text), out, outlen);
}
