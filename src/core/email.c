/*
 * email.c -- reporter email addresses (see email.h).
 *
 * The rule is taxonomy.md's "Values: Email", narrower than RFC 5322 on
 * purpose: an address the desk can write back to and a person can read.
 *   local part  an ASCII dot-atom: RFC 5322 atext (letters, digits and
 *               !#$%&'*+-/=?^_`{|}~) in dot-separated runs, no quoted
 *               forms, at most LIMIT_EMAIL_LOCAL_CHARS characters;
 *   domain      a host name (no IP literal, no bare IP) with at least one
 *               dot; internationalized names are converted to ASCII
 *               (punycode) by url_domain_to_ascii(); then every label is
 *               1-63 letters, digits and hyphens, not starting or ending
 *               with a hyphen, and the last label is not all digits;
 *   length      at most LIMIT_EMAIL_CHARS characters as given, and in the
 *               normalized (ASCII) form too, which is what mail carries.
 * Normalized form: the local part as given (it is case-sensitive by the
 * RFC), '@', the domain in lower-case ASCII.
 *
 * Checks run from the shape of the whole to the details, so the message
 * names the first thing a person would fix.  Reasons start with the
 * address quoted (shortened to 80 bytes); one with control characters is
 * never quoted.
 */
#include "email.h"

#include "ipaddr.h"
#include "bounds.h"
#include "util/why.h"
#include "url.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXCERPT_MAX 80 /* bytes of the input quoted in a message */
#define LABEL_MAX 63
#define EXAMPLE "an address looks like name@example.com"
#define ATEXT_SPECIALS "!#$%&'*+-/=?^_`{|}~"

static int
is_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The UTF-8 character at s (well-formed text) as its own string. */
static const char *
one_char(const char *s, char out[5])
{
	size_t n = 1;

	while (n < 4 && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	memcpy(out, s, n);
	out[n] = '\0';
	return out;
}

/* Text-level problems: encoding, control characters, spaces, length. */
static int
check_text(const char *s, const char *ex, char *why, size_t whylen)
{
	size_t n = strlen(s), chars;

	if (n == 0)
		return why_fail(why, whylen, "the address is empty");
	if (utf8_valid(s, n, NULL) < 0)
		return why_fail(why, whylen, "the address is not valid UTF-8 text");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7F || (c == 0xC2 && (unsigned char)s[i + 1] <= 0x9F))
			return why_fail(why, whylen, "the address has a control character");
	}
	if (s[0] == '"')
		return why_fail(why, whylen, "'%s' has quotes before the @, which are not "
		    "accepted: " EXAMPLE, ex);
	if (strchr(s, ' ') != NULL)
		return why_fail(why, whylen, "'%s' has a space: " EXAMPLE, ex);
	chars = utf8_count(s, n);
	if (chars > LIMIT_EMAIL_CHARS)
		return why_fail(why, whylen, "'%s' is %zu characters long: an address "
		    "has at most %u", ex, chars, LIMIT_EMAIL_CHARS);
	return 0;
}

/* The part before '@', s[0..n): a dot-atom of at most 64 characters. */
static int
check_local(const char *s, size_t n, const char *ex, char *why, size_t whylen)
{
	char c5[5];

	if (n == 0)
		return why_fail(why, whylen, "'%s' has nothing before the @: " EXAMPLE, ex);
	size_t chars = utf8_count(s, n); /* non-ASCII is refused below, but count it right */
	if (chars > LIMIT_EMAIL_LOCAL_CHARS)
		return why_fail(why, whylen, "'%s' has %zu characters before the @: at "
		    "most %u are allowed", ex, chars, LIMIT_EMAIL_LOCAL_CHARS);
	if (s[0] == '.')
		return why_fail(why, whylen, "'%s' starts with a dot", ex);
	if (s[n - 1] == '.')
		return why_fail(why, whylen, "'%s' has a dot just before the @", ex);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.' && s[i + 1] == '.')
			return why_fail(why, whylen, "'%s' has two dots in a row before the @", ex);
		if (s[i] == '.' || is_alnum(s[i]) || strchr(ATEXT_SPECIALS, s[i]) != NULL)
			continue;
		return why_fail(why, whylen, "'%s' has '%s' before the @, which is not "
		    "allowed there: use letters a-z, digits, dots and %s",
		    ex, one_char(s + i, c5), ATEXT_SPECIALS);
	}
	return 0;
}

/*
 * Could d be an IP address?  Only hex digits, dots and colons can make one;
 * asking ipaddr_parse() about every domain cost ~1 250 instructions an
 * address, spent building the message of a failure nobody reads (measured
 * with callgrind, bench/cpu/).
 */
static int
may_be_ip(const char *d)
{
	return d[strspn(d, "0123456789abcdefABCDEF.:")] == '\0';
}

/* The domain as given: not empty, not an IP, dots in place, ASCII characters allowed. */
static int
check_domain_form(const char *d, const char *ex, char *why, size_t whylen)
{
	ipaddr ip;
	size_t n = strlen(d);

	if (n == 0)
		return why_fail(why, whylen, "'%s' has nothing after the @: " EXAMPLE, ex);
	if (d[0] == '[' || (may_be_ip(d) && ipaddr_parse(d, &ip, NULL, 0) == 0))
		return why_fail(why, whylen, "'%s' has an IP address after the @: use a "
		    "domain name, like name@example.com", ex);
	if (d[0] == '.')
		return why_fail(why, whylen, "'%s' has a dot just after the @", ex);
	if (d[n - 1] == '.')
		return why_fail(why, whylen, "'%s' ends with a dot", ex);
	if (strstr(d, "..") != NULL)
		return why_fail(why, whylen, "'%s' has two dots in a row in its domain", ex);
	for (; *d != '\0'; d++)
		if ((unsigned char)*d < 0x80 && !is_alnum(*d) && *d != '-' && *d != '.')
			return why_fail(why, whylen, "'%s' has '%c' in its domain: a domain "
			    "has letters, digits, hyphens and dots", ex, *d);
	return 0;
}

/* One label of the ASCII domain, a[0..n). */
static int
check_label(const char *a, size_t n, int last, const char *ex, char *why, size_t whylen)
{
	int digits_only = 1;

	if (n == 0)
		return why_fail(why, whylen, "'%s' has an empty part in its domain", ex);
	if (n > LABEL_MAX)
		return why_fail(why, whylen, "'%s' has a part of its domain longer than "
		    "%d characters", ex, LABEL_MAX);
	if (a[0] == '-' || a[n - 1] == '-')
		return why_fail(why, whylen, "'%s' has a part of its domain that starts or "
		    "ends with a hyphen ('%.*s')", ex, (int)n, a);
	for (size_t i = 0; i < n; i++) {
		if (!is_alnum(a[i]) && a[i] != '-')
			return why_fail(why, whylen, "'%s' has '%c' in its domain: a domain "
			    "has letters, digits, hyphens and dots", ex, a[i]);
		if (a[i] < '0' || a[i] > '9')
			digits_only = 0;
	}
	if (last && digits_only)
		return why_fail(why, whylen, "'%s' has a domain ending in a number ('%.*s'): "
		    "a domain ends in a name, like .com or .org", ex, (int)n, a);
	return 0;
}

/* The ASCII domain: at least two labels, each well-formed. */
static int
check_domain_ascii(const char *a, const char *ex, char *why, size_t whylen)
{
	const char *dot = strchr(a, '.');

	if (dot == NULL)
		return why_fail(why, whylen, "'%s' has no dot in its domain: " EXAMPLE, ex);
	for (const char *p = a;; p = dot + 1) {
		dot = strchr(p, '.');
		size_t n = dot != NULL ? (size_t)(dot - p) : strlen(p);
		if (check_label(p, n, dot == NULL, ex, why, whylen) < 0)
			return -1;
		if (dot == NULL)
			return 0;
	}
}

int
email_check(const char *s, char **normalized, char *why, size_t whylen)
{
	char exbuf[EXCERPT_MAX + 4];
	const char *ex, *at;
	char *ascii = NULL;
	size_t local_len, total;
	int rc = -1;

	if (s == NULL || *s == '\0')
		return why_fail(why, whylen, "the address is empty");
	ex = why_excerpt(s, EXCERPT_MAX, exbuf);
	if (check_text(s, ex, why, whylen) < 0)
		return -1;
	if ((at = strchr(s, '@')) == NULL)
		return why_fail(why, whylen, "'%s' has no @: " EXAMPLE, ex);
	local_len = (size_t)(at - s);
	if (strchr(at + 1, '@') != NULL)
		return why_fail(why, whylen, "'%s' has more than one @: " EXAMPLE, ex);
	if (check_local(s, local_len, ex, why, whylen) < 0 ||
	    check_domain_form(at + 1, ex, why, whylen) < 0)
		return -1;
	/* the ASCII characters are checked: only an IDN can fail here */
	if (url_domain_to_ascii(at + 1, &ascii, NULL, 0) < 0)
		return why_fail(why, whylen, "'%s' has an international domain name that "
		    "is not valid", ex);
	if (check_domain_ascii(ascii, ex, why, whylen) < 0)
		goto out;
	total = local_len + 1 + strlen(ascii);
	if (total > LIMIT_EMAIL_CHARS) {
		(void)why_fail(why, whylen, "'%s' is %zu characters long with its domain in "
		    "ASCII form: an address has at most %u", ex, total, LIMIT_EMAIL_CHARS);
		goto out;
	}
	*normalized = xmalloc(total + 1);
	memcpy(*normalized, s, local_len + 1);        /* the local part and its @ */
	memcpy(*normalized + local_len + 1, ascii, total - local_len);  /* and the NUL */
	rc = 0;
out:
	free(ascii);
	return rc;
}
