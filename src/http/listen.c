/*
 * listen.c -- parsing the listen address ("127.0.0.1:8080", "[::1]:8080",
 * "localhost:0").  Only numeric addresses and "localhost" are taken, so
 * start-up never waits on a resolver.
 */
#include "http/internal.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
parse_port(const char *s, unsigned short *port)
{
	unsigned long v = 0;

	if (*s == '\0' || strlen(s) > 5)
		return -1;
	for (const char *p = s; *p != '\0'; p++) {
		if (*p < '0' || *p > '9')
			return -1;
		v = v * 10 + (unsigned long)(*p - '0');
	}
	if (v > 65535)
		return -1;
	*port = (unsigned short)v;
	return 0;
}

int
listen_parse(const char *s, struct sockaddr_storage *ss, char *err, size_t errlen)
{
	char host[64];
	const char *colon = strrchr(s, ':');
	unsigned short port;
	size_t hl;

	memset(ss, 0, sizeof(*ss));
	if (colon == NULL || parse_port(colon + 1, &port) < 0) {
		snprintf(err, errlen, "listen address '%s' must be host:port (e.g. 127.0.0.1:8080 or [::1]:8080)", s);
		return -1;
	}
	hl = (size_t)(colon - s);
	if (hl >= sizeof(host))
		goto bad;
	memcpy(host, s, hl);
	host[hl] = '\0';
	if (hl >= 2 && host[0] == '[' && host[hl - 1] == ']') {
		struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

		host[hl - 1] = '\0';
		if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
			goto bad;
		a6->sin6_family = AF_INET6;
		a6->sin6_port = htons(port);
		return 0;
	}
	{
		struct sockaddr_in *a4 = (struct sockaddr_in *)ss;

		if (strcmp(host, "localhost") == 0 || hl == 0)
			snprintf(host, sizeof(host), "%s", hl == 0 ? "0.0.0.0" : "127.0.0.1");
		if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
			goto bad;
		a4->sin_family = AF_INET;
		a4->sin_port = htons(port);
	}
	return 0;
bad:
	snprintf(err, errlen, "listen address '%s': the host must be an IPv4 address, [IPv6] or localhost", s);
	return -1;
}

int
http_listen_check(const char *s, char *err, size_t errlen)
{
	struct sockaddr_storage ss;

	return listen_parse(s, &ss, err, errlen);
}
