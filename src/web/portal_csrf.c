/*
 * portal_csrf.c -- the portal form's anti-forgery token: a signed
 * double-submit token, so the server keeps no per-visitor state.
 *
 * A token is base64url (no padding) of 57 bytes:
 *
 *   version (1) | issued, Unix seconds, big-endian (8) | random nonce (16) |
 *   HMAC-SHA-256 of the first 25 bytes under a per-process secret (32)
 *
 * The form carries it in a hidden field and the reply sets it in a cookie
 * (HttpOnly, SameSite=Strict, Path=/report/abuse).  A submission is taken
 * only when the field and the cookie hold the same token, its signature is
 * ours and it is at most LIMIT_CSRF_SECONDS old.  Another site can make a
 * browser post the form, but SameSite=Strict keeps the cookie out of such a
 * post, and the signature keeps a planted cookie from being any token the
 * attacker invents.  Everything secret is compared in constant time.
 *
 * The secret lives only in this process's memory: after a restart earlier
 * forms are refused once, come back with their entries kept, and go
 * through on the next submit.
 */
#include "web/portal.h"

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#define VERSION 1
#define SIGNED_BYTES 25
#define TOKEN_BYTES (SIGNED_BYTES + crypto_auth_hmacsha256_BYTES)
#define CLOCK_SKEW 300   /* seconds a token may seem to come from the future */

static unsigned char secret[crypto_auth_hmacsha256_KEYBYTES];

void
portal_csrf_init(void)
{
	randombytes_buf(secret, sizeof secret);
}

void
portal_csrf_issue(int64_t now_s, char out[PORTAL_CSRF_TEXT])
{
	unsigned char raw[TOKEN_BYTES];
	uint64_t t = (uint64_t)now_s;

	raw[0] = VERSION;
	for (int i = 0; i < 8; i++)
		raw[1 + i] = (unsigned char)(t >> (56 - 8 * i));
	randombytes_buf(raw + 9, 16);
	crypto_auth_hmacsha256(raw + SIGNED_BYTES, raw, SIGNED_BYTES, secret);
	sodium_bin2base64(out, PORTAL_CSRF_TEXT, raw, sizeof raw,
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

int
portal_csrf_valid(const char *token, int64_t now_s)
{
	unsigned char raw[TOKEN_BYTES];
	size_t n = 0;
	uint64_t t = 0;

	if (token == NULL || strlen(token) >= PORTAL_CSRF_TEXT ||
	    sodium_base642bin(raw, sizeof raw, token, strlen(token), NULL, &n, NULL,
		sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 || n != sizeof raw)
		return -1;
	if (crypto_auth_hmacsha256_verify(raw + SIGNED_BYTES, raw, SIGNED_BYTES, secret) != 0)
		return -1;
	if (raw[0] != VERSION)
		return -1;
	for (int i = 0; i < 8; i++)
		t = t << 8 | raw[1 + i];
	if ((int64_t)t > now_s + CLOCK_SKEW || now_s - (int64_t)t > LIMIT_CSRF_SECONDS)
		return -1;
	return 0;
}

/* The value of cookie name in the request's Cookie header, into out; -1 if absent or too long. */
static int
cookie(const http_request *req, const char *name, char *out, size_t outlen)
{
	const char *h = http_header(req, "Cookie");
	size_t nlen = strlen(name);

	while (h != NULL && *h != '\0') {
		size_t len;

		h += strspn(h, " \t;");
		len = strcspn(h, ";");
		if (len > nlen && h[nlen] == '=' && strncmp(h, name, nlen) == 0) {
			const char *v = h + nlen + 1;
			size_t vlen = len - nlen - 1;

			while (vlen > 0 && (v[vlen - 1] == ' ' || v[vlen - 1] == '\t'))
				vlen--;
			if (vlen >= outlen)
				return -1;
			memcpy(out, v, vlen);
			out[vlen] = '\0';
			return 0;
		}
		h += len;
	}
	return -1;
}

void
portal_csrf_for(http_request *req, int64_t now_s, char out[PORTAL_CSRF_TEXT])
{
	char header[PORTAL_CSRF_TEXT + 128];

	if (cookie(req, PORTAL_CSRF_COOKIE, out, PORTAL_CSRF_TEXT) == 0 &&
	    portal_csrf_valid(out, now_s) == 0)
		return;
	portal_csrf_issue(now_s, out);
	snprintf(header, sizeof header, "%s=%s; Path=%s; Max-Age=%d; HttpOnly; SameSite=Strict",
	    PORTAL_CSRF_COOKIE, out, PORTAL_PATH, LIMIT_CSRF_SECONDS);
	http_add_header(req, "Set-Cookie", header);
}

int
portal_csrf_check(const http_request *req, const char *field, int64_t now_s)
{
	char c[PORTAL_CSRF_TEXT];
	size_t n = field != NULL ? strlen(field) : 0;

	if (n == 0 || cookie(req, PORTAL_CSRF_COOKIE, c, sizeof c) < 0 || strlen(c) != n)
		return -1;
	if (sodium_memcmp(c, field, n) != 0)
		return -1;
	return portal_csrf_valid(field, now_s);
}
