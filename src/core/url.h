/*
 * url.h -- checking and normalizing URLs of reports, on libcurl's URL API
 * (curl_url), which is a pure parser: nothing here resolves or connects.
 *
 * Accepted: absolute http, https and ftp URLs with a host; IDN hosts (kept
 * as given in the URL, and also given in ASCII/punycode form for indexing);
 * at most LIMIT_URL_CHARS characters.  Refused with a reason: no scheme,
 * another scheme, no host, spaces or control characters, malformed ports,
 * user info that hides the host is allowed (phishing uses it) but reported
 * as the host that follows it.
 */
#ifndef ABUSEDESK_URL_H
#define ABUSEDESK_URL_H

#include <stddef.h>

#include "ipaddr.h"

typedef struct url_info {
	char *url;          /* normalized URL (scheme and host lower case); caller frees */
	char *host;         /* host in ASCII form (punycode for IDN, no brackets for IPv6); caller frees */
	int host_is_ip;     /* 1 if the host is an IP literal; then host_ip is set */
	ipaddr host_ip;
} url_info;

/*
 * Check and normalize s.  0 on success with *out filled (free with
 * url_info_cleanup); -1 with a plain-language reason in why
 * ("the URL has no scheme: it must start with http://, https:// or ftp://").
 */
int url_check(const char *s, url_info *out, char *why, size_t whylen);
/* Free what url_check put in info; NULL ok. */
void url_info_cleanup(url_info *info);
/*
 * The ASCII (punycode) form of a domain name, e.g. for an email domain:
 * 0 with *ascii (caller frees), or -1 with why.  Lower-cased.
 */
int url_domain_to_ascii(const char *domain, char **ascii, char *why, size_t whylen);

#endif
