/*
 * portal_attach.c -- the evidence file a person may give with a report:
 * its size, its type as recognized from its content, its SHA-256, and its
 * name made safe to show.
 *
 * Types are recognized by libmagic (the database of file(1)), never from
 * the name or the declared Content-Type, which are kept only as the
 * reporter's claim.  The allow-list is what an abuse desk can use as
 * evidence and its analysts can open with little risk: images, PDF, plain
 * text and logs, e-mail messages, packet captures and zip archives.
 * libmagic names no MIME type for pcapng, so for a file it calls
 * application/octet-stream its description is asked for as well.
 *
 * A magic_t is not thread-safe: there is one, with its database loaded
 * once at start-up, and a mutex around its use; only the first
 * LIMIT_SNIFF_BYTES of a file are shown to it (measured, libmagic 5.44:
 * text/plain from the first 256 KiB of a 10 MiB log in 2-7 ms; a PDF or
 * random bytes in under 0.1 ms).  Compressed contents and
 * OLE (CDF) documents are not looked into: nothing on the allow-list needs
 * it, and those are where libmagic's parsers have had their bugs.
 */
#include "web/portal.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <magic.h>
#include <sodium.h>

#include "util/utf8.h"

#define MAGIC_FLAGS (MAGIC_ERROR | MAGIC_NO_CHECK_COMPRESS | MAGIC_NO_CHECK_CDF | MAGIC_NO_CHECK_ELF)

static const char *const allowed[] = {
	"image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp", "image/tiff",
	"application/pdf", "text/plain", "message/rfc822",
	"application/vnd.tcpdump.pcap", "application/x-pcapng", "application/zip",
};

static magic_t cookie;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;

int
portal_attach_init(char *err, size_t errlen)
{
	size_t max = LIMIT_SNIFF_BYTES;

	if (cookie != NULL)
		return 0;
	cookie = magic_open(MAGIC_FLAGS | MAGIC_MIME_TYPE);
	if (cookie == NULL) {
		snprintf(err, errlen, "libmagic: cannot start");
		return -1;
	}
	if (magic_load(cookie, NULL) != 0) {
		snprintf(err, errlen, "libmagic: cannot load its database: %s",
		    magic_error(cookie) != NULL ? magic_error(cookie) : "unknown error");
		portal_attach_cleanup();
		return -1;
	}
	(void)magic_setparam(cookie, MAGIC_PARAM_BYTES_MAX, &max);
	return 0;
}

void
portal_attach_cleanup(void)
{
	if (cookie != NULL)
		magic_close(cookie);
	cookie = NULL;
}

const char *
portal_attach_kinds(void)
{
	return "an image (PNG, JPEG, GIF, WebP, BMP, TIFF), a PDF, plain text or a log, "
	    "an e-mail message (.eml), a packet capture (.pcap, .pcapng) or a .zip archive";
}

const char *
portal_attach_accept(void)
{
	return "image/*,.pdf,.txt,.log,.eml,.pcap,.pcapng,.cap,.zip,text/plain,message/rfc822,application/pdf,application/zip";
}

void
portal_size_text(size_t bytes, char *out, size_t outlen)
{
	static const char *const unit[] = {"KiB", "MiB", "GiB"};
	double v = (double)bytes;
	int u = -1;

	if (bytes < 1024) {
		snprintf(out, outlen, "%zu byte%s", bytes, bytes == 1 ? "" : "s");
		return;
	}
	while (v >= 1024 && u < 2) {
		v /= 1024;
		u++;
	}
	if (v == (double)(long)v)
		snprintf(out, outlen, "%ld %s", (long)v, unit[u]);
	else
		snprintf(out, outlen, "%.1f %s", v, unit[u]);
}

/* The media type of data by its content, into out; -1 if libmagic fails. */
static int
sniff(const char *data, size_t size, char *out, size_t outlen)
{
	size_t n = size < LIMIT_SNIFF_BYTES ? size : LIMIT_SNIFF_BYTES;
	const char *t;
	int rc = -1;

	pthread_mutex_lock(&mu);
	t = cookie != NULL ? magic_buffer(cookie, data, n) : NULL;
	if (t != NULL && strcmp(t, "application/octet-stream") == 0 &&
	    magic_setflags(cookie, MAGIC_FLAGS) == 0) {
		const char *d = magic_buffer(cookie, data, n);

		if (d != NULL && strncmp(d, "pcapng capture file", 19) == 0)
			t = "application/x-pcapng";
		else
			t = "application/octet-stream";
		(void)magic_setflags(cookie, MAGIC_FLAGS | MAGIC_MIME_TYPE);
	}
	if (t != NULL && (size_t)snprintf(out, outlen, "%s", t) < outlen)
		rc = 0;
	pthread_mutex_unlock(&mu);
	return rc;
}

static int
is_allowed(const char *media)
{
	for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++)
		if (strcasecmp(media, allowed[i]) == 0)
			return 1;
	return 0;
}

/* Characters a shown name must not hold: controls, and the invisible and bidirectional ones. */
static int
hidden_char(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x200b && cp <= 0x200f) ||
	    (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0xfeff;
}

/* The code point of the UTF-8 sequence at s[0..len) (len 1-4, already valid). */
static unsigned
code_point(const unsigned char *s, size_t len)
{
	static const unsigned char mask[] = {0, 0x7f, 0x1f, 0x0f, 0x07};
	unsigned cp = s[0] & mask[len];

	for (size_t i = 1; i < len; i++)
		cp = cp << 6 | (s[i] & 0x3f);
	return cp;
}

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t
sequence(const char *s, size_t n)
{
	unsigned char c = (unsigned char)s[0];
	size_t len = c < 0x80 ? 1 : c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 0;

	if (len == 0 || len > n || utf8_valid(s, len, NULL) != 0)
		return 0;
	return len;
}

/* The last path segment of name, without controls, invisible or bidi characters, invalid UTF-8 as '?'. */
static void
clean_name(const char *name, size_t n, char *out, size_t outlen)
{
	size_t o = 0, chars = 0, start = 0;

	for (size_t i = 0; i < n; i++)
		if (name[i] == '/' || name[i] == '\\')
			start = i + 1;
	for (size_t i = start; i < n && chars < LIMIT_FILE_NAME_CHARS;) {
		size_t len = sequence(name + i, n - i);
		const char *src = len > 0 ? name + i : "?";
		size_t slen = len > 0 ? len : 1;

		i += slen;
		if (len > 0 && hidden_char(code_point((const unsigned char *)src, len)))
			continue;
		if (o + slen >= outlen)
			break;
		memcpy(out + o, src, slen);
		o += slen;
		chars++;
	}
	while (o > 0 && out[o - 1] == ' ')
		o--;
	out[o] = '\0';
	if (strspn(out, " .") == o)
		snprintf(out, outlen, "attachment");
}

/* The declared Content-Type, printable ASCII only, into out ("" when none). */
static void
clean_type(const char *t, size_t n, char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; t != NULL && i < n && o + 1 < outlen; i++)
		if (t[i] >= 0x20 && t[i] < 0x7f)
			out[o++] = t[i];
	out[o] = '\0';
}

int
portal_attach_check(const portal_input *in, size_t max, portal_attachment *out,
    char *msg, size_t msglen)
{
	unsigned char hash[crypto_hash_sha256_BYTES];
	char have[32], limit[32];

	memset(out, 0, sizeof *out);
	clean_name(in->file_name, in->file_name_len, out->name, sizeof out->name);
	clean_type(in->file_type, in->file_type_len, out->declared, sizeof out->declared);
	if (in->file_size > max) {
		portal_size_text(in->file_size, have, sizeof have);
		portal_size_text(max, limit, sizeof limit);
		snprintf(msg, msglen, "'%s' is %s; a file may be at most %s", out->name, have, limit);
		return -1;
	}
	if (in->file_size == 0) {
		snprintf(msg, msglen, "'%s' is empty", out->name);
		return -1;
	}
	if (sniff(in->file_data, in->file_size, out->media, sizeof out->media) < 0) {
		snprintf(msg, msglen, "'%s' could not be checked just now; try again shortly", out->name);
		return -1;
	}
	if (!is_allowed(out->media)) {
		snprintf(msg, msglen, "'%s' is %s by its content; the portal takes %s",
		    out->name, out->media, portal_attach_kinds());
		return -1;
	}
	crypto_hash_sha256(hash, (const unsigned char *)in->file_data, in->file_size);
	sodium_bin2hex(out->sha256, sizeof out->sha256, hash, sizeof hash);
	out->data = in->file_data;
	out->size = in->file_size;
	return 0;
}
