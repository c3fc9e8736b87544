/*
 * url.c -- checking and normalizing reported URLs, on libcurl's URL API
 * (see url.h).
 *
 * Why curl_url(): it is the parser the project already links, it is pure
 * (no resolving, no connecting) and thread-safe, and it reads hosts the
 * way a client would (http://2130706433/ is 127.0.0.1, http://%65x.com/
 * is ex.com), which is what matters when judging where a URL leads.  What
 * curl accepts but a reporter should hear about is checked here first, so
 * that every refusal has a reason in plain words:
 *   text       valid UTF-8, at most LIMIT_URL_CHARS code points, no
 *              control characters (C0, DEL, C1), no spaces;
 *   scheme     http, https or ftp, followed by exactly "//" (curl would
 *              take "http:/x" and "http:///x" as host "x");
 *   host       present; after curl, letters, digits, '-', '_' and dots
 *              with no empty label, not ending in an all-digit label
 *              ("256.1.1.1" is neither an address nor a name); IPv6
 *              without a zone id; port 1-65535.
 * The path is kept as given (CURLU_PATH_AS_IS): the URL is evidence.
 *
 * IDN: libcurl 7.88 converts hosts with idn2_lookup_ul(), which reads the
 * host in the locale's charset; in the "C" locale every non-ASCII host
 * then fails (curl issue #10984, fixed in 8.1 by using UTF-8).  So the
 * conversion runs with a C.UTF-8 LC_CTYPE for this thread only
 * (uselocale), which changes nothing for other threads.
 *
 * Out of memory inside curl is handled as xalloc does: log and abort.
 * Reasons start with the URL quoted (shortened to 80 bytes), shown after
 * the field name; a URL with control characters is never quoted.
 */
#include "url.h"

#include "bounds.h"
#include "util/why.h"
#include "util/utf8.h"
#include "util/xalloc.h"

#include <curl/curl.h>
#include <locale.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define EXCERPT_MAX 80  /* bytes of the input quoted in a message */
#define DOMAIN_MAX 253  /* RFC 1035: the longest name, in ASCII, without the root dot */
#define LABEL_MAX 63
#define SCHEMES "http://, https:// or ftp://"

/* ---- messages ---------------------------------------------------------- */

static void
out_of_memory(void)
{
	fputs("abusedesk: out of memory in the URL parser\n", stderr);
	abort();
}

/* ---- text -------------------------------------------------------------- */

/* The first control character (C0, DEL, C1) in s, or -1. */
static long
control_char(const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	for (size_t i = 0; s[i] != '\0'; i++) {
		if (s[i] < 0x20 || s[i] == 0x7F)
			return s[i];
		if (s[i] == 0xC2 && s[i + 1] >= 0x80 && s[i + 1] <= 0x9F)
			return s[i + 1];
	}
	return -1;
}

/* Where the authority ends: the first '/', '?' or '#' after "//", or the end. */
static size_t
authority_end(const char *s)
{
	const char *p = strstr(s, "//");

	if (p == NULL)
		return 0;
	return (size_t)(p + 2 - s) + strcspn(p + 2, "/?#");
}

/* UTF-8, length, control characters, spaces. */
static int
check_text(const char *s, char *why, size_t whylen)
{
	char ex[EXCERPT_MAX + 4];
	size_t n = strlen(s), chars;
	long cc;

	if (n == 0)
		return why_fail(why, whylen, "the URL is empty");
	if (utf8_valid(s, n, NULL) < 0)
		return why_fail(why, whylen, "the URL is not valid UTF-8 text");
	chars = utf8_count(s, n);
	if (chars > LIMIT_URL_CHARS)
		return why_fail(why, whylen, "the URL is %zu characters long: at most %u "
		    "are accepted", chars, LIMIT_URL_CHARS);
	if ((cc = control_char(s)) >= 0)
		return why_fail(why, whylen, "the URL has a control character (U+%04lX): "
		    "a URL is one line of visible characters", cc);
	const char *sp = strchr(s, ' ');
	if (sp != NULL && (size_t)(sp - s) < authority_end(s))
		return why_fail(why, whylen, "'%s' has a space in its host name",
		    why_excerpt(s, EXCERPT_MAX, ex));
	if (sp != NULL)
		return why_fail(why, whylen, "'%s' has a space: encode spaces as %%20",
		    why_excerpt(s, EXCERPT_MAX, ex));
	return 0;
}

/* ---- scheme ------------------------------------------------------------ */

static int
is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Length of an RFC 3986 scheme followed by ':' at s, or 0. */
static size_t
scheme_len(const char *s)
{
	size_t n = 0;

	if (!is_alpha(s[0]))
		return 0;
	while (is_alpha(s[n]) || is_digit(s[n]) || s[n] == '+' || s[n] == '-' || s[n] == '.')
		n++;
	return s[n] == ':' ? n : 0;
}

/* http, https or ftp, then exactly "//" and something that is not '/'. */
static int
check_scheme(const char *s, char *why, size_t whylen)
{
	static const char *const allowed[] = { "http", "https", "ftp" };
	char ex[EXCERPT_MAX + 4];
	size_t n = scheme_len(s);

	/* "example.com:8080/x" and "localhost:80" are hosts, not schemes. */
	if (n == 0 || memchr(s, '.', n) != NULL || is_digit(s[n + 1]))
		return why_fail(why, whylen, "'%s' has no scheme: a URL must start with "
		    SCHEMES, why_excerpt(s, EXCERPT_MAX, ex));
	for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++) {
		if (strlen(allowed[i]) != n || strncasecmp(s, allowed[i], n) != 0)
			continue;
		if (strncmp(s + n + 1, "//", 2) != 0)
			return why_fail(why, whylen, "'%s' needs two slashes after '%.*s:', "
			    "like %s://example.com/", why_excerpt(s, EXCERPT_MAX, ex), (int)n, s, allowed[i]);
		if (s[n + 3] == '/' || s[n + 3] == '\0')
			return why_fail(why, whylen, "'%s' has no host: a URL names a host "
			    "after %s://, like %s://example.com/", why_excerpt(s, EXCERPT_MAX, ex),
			    allowed[i], allowed[i]);
		return 0;
	}
	return why_fail(why, whylen, "'%s' has the scheme '%.*s': only URLs starting "
	    "with " SCHEMES " can be reported", why_excerpt(s, EXCERPT_MAX, ex), n > 20 ? 20 : (int)n, s);
}

/* ---- curl -------------------------------------------------------------- */

/* A plain reason for what curl_url_set() refused. */
static int
curl_reason(CURLUcode rc, const char *s, char *why, size_t whylen)
{
	char ex[EXCERPT_MAX + 4];
	const char *e = why_excerpt(s, EXCERPT_MAX, ex);

	switch (rc) {
	case CURLUE_OUT_OF_MEMORY:
		out_of_memory();
		return -1;
	case CURLUE_NO_HOST:
		return why_fail(why, whylen, "'%s' has no host: a URL names a host, "
		    "like http://example.com/", e);
	case CURLUE_BAD_HOSTNAME:
	case CURLUE_LACKS_IDN:
		return why_fail(why, whylen, "'%s' has a host name that is not valid", e);
	case CURLUE_BAD_IPV6:
		return why_fail(why, whylen, "'%s' has an IPv6 address in brackets that "
		    "is not valid", e);
	case CURLUE_BAD_PORT_NUMBER:
		return why_fail(why, whylen, "'%s' has a port that is not valid: a port "
		    "is a number from 1 to 65535", e);
	case CURLUE_BAD_LOGIN:
	case CURLUE_BAD_USER:
	case CURLUE_BAD_PASSWORD:
		return why_fail(why, whylen, "'%s' has a user name or password (before "
		    "the @) that is not valid", e);
	case CURLUE_BAD_PATH:
	case CURLUE_BAD_QUERY:
	case CURLUE_BAD_FRAGMENT:
		return why_fail(why, whylen, "'%s' has characters after the host that "
		    "are not allowed in a URL: encode them with %%", e);
	default:
		return why_fail(why, whylen, "'%s' is not a well-formed URL", e);
	}
}

static pthread_once_t utf8_once = PTHREAD_ONCE_INIT;
static locale_t utf8_locale;

static void
utf8_locale_init(void)
{
	utf8_locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", (locale_t)0);
}

static int
is_ascii(const char *s)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= 0x80)
			return 0;
	return 1;
}

/* A part of h as a string of ours (NULL if absent). */
static char *
get_part(CURLU *h, CURLUPart what, unsigned flags)
{
	char *part = NULL, *copy = NULL;
	CURLUcode rc = curl_url_get(h, what, &part, flags);

	if (rc == CURLUE_OUT_OF_MEMORY && !(flags & CURLU_PUNYCODE))
		out_of_memory();
	if (rc == CURLUE_OK)
		copy = xstrdup(part);
	/*
	 * When the IDN conversion fails, curl (7.88 to 8.x at least) returns
	 * the error with *part still holding its copy of the host: free it,
	 * or every bad IDN host in a report leaks a little.
	 */
	if (part != NULL)
		curl_free(part);
	return copy;
}

/* The host in ASCII (punycode for IDN), as curl reads it; NULL if it cannot. */
static char *
ascii_host(CURLU *h)
{
	char *raw = get_part(h, CURLUPART_HOST, 0);
	char *host = NULL;

	if (raw == NULL || is_ascii(raw))
		return raw;
	free(raw);
	(void)pthread_once(&utf8_once, utf8_locale_init);
	locale_t old = utf8_locale != (locale_t)0 ? uselocale(utf8_locale) : (locale_t)0;
	host = get_part(h, CURLUPART_HOST, CURLU_PUNYCODE);
	if (old != (locale_t)0)
		(void)uselocale(old);
	return host;
}

/* ---- host -------------------------------------------------------------- */

static void
lower_ascii(char *s)
{
	for (; *s != '\0'; s++)
		if (*s >= 'A' && *s <= 'Z')
			*s = (char)(*s - 'A' + 'a');
}

/*
 * A DNS-like name: labels of [a-z0-9_-] 1-63 long, at most 253 in all, one
 * root dot allowed, the last label not all digits.  '_' because real hosts
 * have it; curl has already refused what no resolver would take.
 */
static int
hostname_ok(const char *host)
{
	size_t n = strlen(host), label = 0;
	int digits_only = 1;

	if (n > 0 && host[n - 1] == '.')
		n--;
	if (n == 0 || n > DOMAIN_MAX)
		return 0;
	for (size_t i = 0; i <= n; i++) {
		char c = i < n ? host[i] : '.';
		if (c == '.') {
			if (label == 0 || label > LABEL_MAX)
				return 0;
			if (i < n)
				digits_only = 1;
			label = 0;
			continue;
		}
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_')
			return 0;
		if (!is_digit(c))
			digits_only = 0;
		label++;
	}
	return !digits_only;
}

/*
 * Fill info's host fields from curl's (ASCII) host; -1 with why.  The host
 * of info is lower case, IP literals in canonical form without brackets,
 * names without the root dot, so scope checks compare like with like.
 */
static int
set_host(url_info *info, char *host, const char *s, char *why, size_t whylen)
{
	char ex[EXCERPT_MAX + 4], text[IPADDR_TEXT_MAX], sub[256];
	size_t n = strlen(host);

	lower_ascii(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host[n - 1] = '\0';
		if (ipaddr_parse(host + 1, &info->host_ip, sub, sizeof(sub)) < 0)
			return why_fail(why, whylen, "'%s' has an IPv6 address that is not "
			    "valid: %s", why_excerpt(s, EXCERPT_MAX, ex), sub);
		info->host_is_ip = 1;
	} else if (ipaddr_parse(host, &info->host_ip, NULL, 0) == 0) {
		info->host_is_ip = 1;
	} else if (!hostname_ok(host)) {
		return why_fail(why, whylen, "'%s' has a host that is neither a domain "
		    "name nor an IP address", why_excerpt(s, EXCERPT_MAX, ex));
	}
	if (info->host_is_ip) {
		ipaddr_format(&info->host_ip, text, sizeof(text));
		info->host = xstrdup(text);
	} else {
		if (host[n - 1] == '.') /* the root: "example.com." is example.com */
			host[n - 1] = '\0';
		info->host = xstrdup(host);
	}
	return 0;
}

/* Zone id, port 0: what curl takes but a reported URL cannot have. */
static int
check_parts(CURLU *h, const char *s, char *why, size_t whylen)
{
	char ex[EXCERPT_MAX + 4];
	char *zone = get_part(h, CURLUPART_ZONEID, 0);
	char *port = get_part(h, CURLUPART_PORT, 0);
	int rc = 0;

	if (zone != NULL)
		rc = why_fail(why, whylen, "'%s' has a zone id in its IPv6 address, which "
		    "only means something on one machine", why_excerpt(s, EXCERPT_MAX, ex));
	else if (port != NULL && strcmp(port, "0") == 0)
		rc = why_fail(why, whylen, "'%s' has port 0: a port is a number from 1 "
		    "to 65535", why_excerpt(s, EXCERPT_MAX, ex));
	free(zone);
	free(port);
	return rc;
}

/*
 * The host inside the URL itself: ASCII names lower-cased (curl keeps their
 * case), IPv6 literals in RFC 5952 form; IDN hosts stay as given.
 */
static void
normalize_url_host(CURLU *h, const url_info *info)
{
	char *raw = get_part(h, CURLUPART_HOST, 0);
	char text[IPADDR_TEXT_MAX + 2];
	CURLUcode rc = CURLUE_OK;

	if (info->host_is_ip && info->host_ip.family == 6) {
		(void)snprintf(text, sizeof(text), "[%s]", info->host);
		rc = curl_url_set(h, CURLUPART_HOST, text, 0);
	} else if (raw != NULL && is_ascii(raw)) {
		lower_ascii(raw);
		rc = curl_url_set(h, CURLUPART_HOST, raw, 0);
	}
	if (rc == CURLUE_OUT_OF_MEMORY)
		out_of_memory();
	free(raw);
}

/* ---- the API ----------------------------------------------------------- */

/* One pass: s checked, its host judged and the URL written in full. */
static int
check_once(const char *s, url_info *out, char *why, size_t whylen)
{
	url_info info = { .url = NULL, .host = NULL, .host_is_ip = 0 };
	char ex[EXCERPT_MAX + 4];
	char *host = NULL;
	CURLU *h = NULL;
	int rc = -1;

	if (s == NULL)
		return why_fail(why, whylen, "the URL is empty");
	if (check_text(s, why, whylen) < 0 || check_scheme(s, why, whylen) < 0)
		return -1;
	if ((h = curl_url()) == NULL)
		out_of_memory();
	CURLUcode cu = curl_url_set(h, CURLUPART_URL, s, CURLU_PATH_AS_IS);
	if (cu != CURLUE_OK) {
		(void)curl_reason(cu, s, why, whylen);
		goto out;
	}
	if (check_parts(h, s, why, whylen) < 0)
		goto out;
	if ((host = ascii_host(h)) == NULL) {
		(void)why_fail(why, whylen, "'%s' has an international host name that "
		    "cannot be converted to ASCII", why_excerpt(s, EXCERPT_MAX, ex));
		goto out;
	}
	if (set_host(&info, host, s, why, whylen) < 0)
		goto out;
	normalize_url_host(h, &info);
	if ((info.url = get_part(h, CURLUPART_URL, 0)) == NULL) {
		(void)why_fail(why, whylen, "'%s' is not a well-formed URL", why_excerpt(s, EXCERPT_MAX, ex));
		goto out;
	}
	/*
	 * What is kept is the URL written in full, which can be longer than
	 * what was sent ("http://a.example?q" gains a '/', an international
	 * host its ASCII form): it is held to the same limit (found by the
	 * url fuzz target: 8 192 characters that became 8 193).
	 */
	if (utf8_count(info.url, strlen(info.url)) > LIMIT_URL_CHARS) {
		(void)why_fail(why, whylen, "'%s' is longer than %u characters once written in full "
		    "(with its path and its host in ASCII)", why_excerpt(s, EXCERPT_MAX, ex), LIMIT_URL_CHARS);
		goto out;
	}
	*out = info;
	info = (url_info){ .url = NULL, .host = NULL };
	rc = 0;
out:
	url_info_cleanup(&info);
	free(host);
	curl_url_cleanup(h);
	return rc;
}

/*
 * The URL written in full is checked again until it stays the same: curl
 * reads some hosts differently once written ("ftp://0x%42889" has the host
 * "0xB889", a name, which written out is read as the IPv4 number
 * 0.0.184.137; found by the url fuzz target).  What is kept is the form a
 * client would read, judged as such; three passes settle every case seen.
 */
int
url_check(const char *s, url_info *out, char *why, size_t whylen)
{
	url_info cur, next;
	char ex[EXCERPT_MAX + 4];

	if (check_once(s, &cur, why, whylen) < 0)
		return -1;
	if (strcmp(cur.url, s) == 0) {
		*out = cur;                    /* already as written: a pass more would read the same bytes */
		return 0;
	}
	for (int pass = 0; pass < 3; pass++) {
		if (check_once(cur.url, &next, why, whylen) < 0) {
			url_info_cleanup(&cur);
			return -1;
		}
		if (strcmp(next.url, cur.url) == 0 && strcmp(next.host, cur.host) == 0 &&
		    next.host_is_ip == cur.host_is_ip) {
			url_info_cleanup(&next);
			*out = cur;
			return 0;
		}
		url_info_cleanup(&cur);
		cur = next;
	}
	url_info_cleanup(&cur);
	return why_fail(why, whylen, "'%s' does not settle on one form when written out",
	    why_excerpt(s, EXCERPT_MAX, ex));
}

void
url_info_cleanup(url_info *info)
{
	if (info == NULL)
		return;
	free(info->url);
	free(info->host);
	info->url = NULL;
	info->host = NULL;
}

/* letters, digits, hyphens, dots; anything else (':', '/', '@', '[', '%', '_'...) is refused. */
static int
domain_chars_ok(const char *s)
{
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		if (c < 0x80 && !is_alpha((char)c) && !is_digit((char)c) && c != '-' && c != '.')
			return 0;
	}
	return 1;
}

/* An IDN through curl: "http://<domain>/", host with CURLU_PUNYCODE. */
static char *
idn_to_ascii(const char *domain)
{
	size_t n = strlen(domain) + sizeof("http:///");
	char *u = xmalloc(n), *ascii = NULL;
	CURLU *h = curl_url();

	if (h == NULL)
		out_of_memory();
	(void)snprintf(u, n, "http://%s/", domain);
	if (curl_url_set(h, CURLUPART_URL, u, 0) == CURLUE_OK)
		ascii = ascii_host(h);
	curl_url_cleanup(h);
	free(u);
	return ascii;
}

int
url_domain_to_ascii(const char *domain, char **ascii, char *why, size_t whylen)
{
	char ex[EXCERPT_MAX + 4];
	size_t n = domain != NULL ? strlen(domain) : 0;
	char *a;

	if (n == 0)
		return why_fail(why, whylen, "the domain is empty");
	if (n > 4 * DOMAIN_MAX || utf8_valid(domain, n, NULL) < 0 || control_char(domain) >= 0)
		return why_fail(why, whylen, "the domain is not a domain name");
	if (!domain_chars_ok(domain))
		return why_fail(why, whylen, "'%s' is not a domain name: a domain has "
		    "letters, digits, hyphens and dots", why_excerpt(domain, EXCERPT_MAX, ex));
	a = is_ascii(domain) ? xstrdup(domain) : idn_to_ascii(domain);
	if (a == NULL || !domain_chars_ok(a)) {
		free(a);
		return why_fail(why, whylen, "'%s' is not a valid international domain "
		    "name", why_excerpt(domain, EXCERPT_MAX, ex));
	}
	if (strlen(a) > DOMAIN_MAX) {
		free(a);
		return why_fail(why, whylen, "'%s' is too long: a domain name has at most "
		    "%d characters in its ASCII form", why_excerpt(domain, EXCERPT_MAX, ex), DOMAIN_MAX);
	}
	lower_ascii(a);
	*ascii = a;
	return 0;
}
