/*
 * config.c -- settings, their sources and their checks (see config.h).
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/url.h"
#include "http/http.h"
#include "bounds.h"
#include "util/html.h"
#include "util/xalloc.h"

enum setting_type { ST_STRING, ST_SIZE, ST_UINT, ST_BOOL };

typedef struct setting {
	const char *key;
	enum setting_type type;
	size_t offset;
	unsigned long long min, max;
	const char *defval;
	const char *help;
} setting;

#define OFF(f) offsetof(config, f)

#define CONFIG_LINE_MAX 4094          /* bytes in one line of a config file */
#define CONFIG_FILE_MAX (1u << 20)    /* a config file */

static const setting settings[] = {
	{"listen", ST_STRING, OFF(listen), 0, 0, "127.0.0.1:8080",
	 "address and port to listen on: host:port or [v6]:port; port 0 picks a free one"},
	{"database", ST_STRING, OFF(database), 0, 0, "./var/abusedesk.db",
	 "SQLite database file (created with its directory if missing)"},
	{"taxonomy_file", ST_STRING, OFF(taxonomy_file), 0, 0, "",
	 "a taxonomy data file to use instead of the built-in one (see data/taxonomy.json)"},
	{"operator_name", ST_STRING, OFF(operator_name), 0, 0, "this operator",
	 "the operator's name, used in pages and messages"},
	{"operator_url", ST_STRING, OFF(operator_url), 0, 0, "/",
	 "the operator's home page, linked from the portal"},
	{"scope_prefixes", ST_STRING, OFF(scope_prefixes), 0, 0, "",
	 "the operator's networks (comma-separated prefixes); reported addresses outside them are refused; empty: every global address"},
	{"scope_domains", ST_STRING, OFF(scope_domains), 0, 0, "",
	 "the operator's domains (comma-separated); reported URL hosts outside them are refused; empty: every domain"},
	{"max_body_bytes", ST_SIZE, OFF(max_body_bytes), 1024, 1ull << 30, "16M",
	 "largest request body (K, M, G suffixes: KiB, MiB, GiB)"},
	{"max_inflight_bytes", ST_SIZE, OFF(max_inflight_bytes), 1024, 1ull << 34, "64M",
	 "request body bytes held at once across all connections"},
	{"max_connections", ST_UINT, OFF(max_connections), 1, 1000000, "1024",
	 "open connections at most"},
	{"max_connections_per_ip", ST_UINT, OFF(max_connections_per_ip), 1, 1000000, "64",
	 "open connections from one client address at most"},
	{"idle_timeout", ST_UINT, OFF(idle_timeout), 1, 3600, "15",
	 "seconds a connection may stay idle"},
	{"threads", ST_UINT, OFF(threads), 1, 256, "2",
	 "HTTP worker threads"},
	{"access_log", ST_BOOL, OFF(access_log), 0, 1, "on",
	 "one line per request on stderr (on/off)"},
	{"attachment_max_bytes", ST_SIZE, OFF(attachment_max_bytes), 1024, 1ull << 30, "10M",
	 "largest evidence file the portal takes with a report (K, M, G suffixes)"},
	{"vulnerability_url", ST_STRING, OFF(vulnerability_url), 0, 0, "",
	 "where to report vulnerabilities in the operator's own products, linked from the portal (http(s) or a path); empty: not linked"},
	{"header_timeout", ST_UINT, OFF(header_timeout), 1, 3600, "10",
	 "seconds a client has to send its request line and headers (a body then gets as long again, plus 1 s per KiB)"},
	{"rate_limit", ST_UINT, OFF(rate_limit), 0, 1000000, "60",
	 "requests a minute from one client address to each POST endpoint (429 beyond); 0: no limit"},
	{"rate_burst", ST_UINT, OFF(rate_burst), 1, 1000000, "30",
	 "of those, how many may come at once"},
	{"rate_limit_loopback", ST_BOOL, OFF(rate_limit_loopback), 0, 1, "off",
	 "limit clients on the loopback address too (on/off)"},
	{"trusted_proxies", ST_STRING, OFF(trusted_proxies), 0, 0, "",
	 "proxies (comma-separated prefixes) whose X-Forwarded-For names the client; empty: the peer is the client"},
};

#define N_SETTINGS (sizeof(settings) / sizeof(settings[0]))

static const setting *
find(const char *key)
{
	char norm[64];
	size_t i;

	for (i = 0; key[i] != '\0' && i + 1 < sizeof(norm); i++)
		norm[i] = key[i] == '-' ? '_' : (char)tolower((unsigned char)key[i]);
	norm[i] = '\0';
	for (size_t k = 0; k < N_SETTINGS; k++)
		if (strcmp(settings[k].key, norm) == 0)
			return &settings[k];
	return NULL;
}

/* "16M" -> 16777216; -1 when not a size. */
static int
parse_size(const char *s, unsigned long long *out)
{
	unsigned long long v = 0, mul = 1;
	const char *p = s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (; isdigit((unsigned char)*p); p++) {
		if (v > (1ull << 50))
			return -1;
		v = v * 10 + (unsigned)(*p - '0');
	}
	if (*p == 'K' || *p == 'k')
		mul = 1ull << 10, p++;
	else if (*p == 'M' || *p == 'm')
		mul = 1ull << 20, p++;
	else if (*p == 'G' || *p == 'g')
		mul = 1ull << 30, p++;
	if (*p == 'i' && mul > 1)
		p++;
	if ((*p == 'B' || *p == 'b') && mul > 1)
		p++;
	if (*p != '\0')
		return -1;
	*out = v * mul;
	return 0;
}

static int
parse_bool(const char *s, unsigned long long *out)
{
	static const char *const yes[] = {"1", "on", "true", "yes"}, *const no[] = {"0", "off", "false", "no"};

	for (size_t i = 0; i < 4; i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return -1;
}

static int
apply(config *c, const setting *st, const char *value, char *err, size_t errlen)
{
	char *base = (char *)c;
	unsigned long long v = 0;
	int rc;

	if (st->type == ST_STRING) {
		char **slot = (char **)(void *)(base + st->offset);

		free(*slot);
		*slot = xstrdup(value);
		return 0;
	}
	rc = st->type == ST_BOOL ? parse_bool(value, &v) :
	    st->type == ST_SIZE ? parse_size(value, &v) : parse_size(value, &v);
	if (rc < 0 || (st->type == ST_UINT && strpbrk(value, "KkMmGgiBb") != NULL)) {
		snprintf(err, errlen, "%s: '%s' is not %s", st->key, value,
		    st->type == ST_BOOL ? "on or off" : st->type == ST_SIZE ? "a size (e.g. 16M)" : "a whole number");
		return -1;
	}
	if (st->type != ST_BOOL && (v < st->min || v > st->max)) {
		snprintf(err, errlen, "%s: %llu is outside %llu..%llu", st->key, v, st->min, st->max);
		return -1;
	}
	if (st->type == ST_SIZE)
		*(size_t *)(void *)(base + st->offset) = (size_t)v;
	else
		*(unsigned *)(void *)(base + st->offset) = (unsigned)v;
	return 0;
}

int
config_set(config *c, const char *key, const char *value, char *err, size_t errlen)
{
	const setting *st = find(key);

	if (st == NULL) {
		snprintf(err, errlen, "unknown setting '%s' (abusedesk --help lists them)", key);
		return -1;
	}
	return apply(c, st, value, err, errlen);
}

void
config_init(config *c)
{
	char err[256];

	memset(c, 0, sizeof(*c));
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (apply(c, &settings[i], settings[i].defval, err, sizeof(err)) < 0)
			abort();             /* a bad default is a programming error */
}

void
config_cleanup(config *c)
{
	for (size_t i = 0; i < N_SETTINGS; i++)
		if (settings[i].type == ST_STRING)
			free(*(char **)(void *)((char *)c + settings[i].offset));
	free(c->prefixes);
	free(c->proxies);
	for (size_t i = 0; i < c->n_domains; i++)
		free(c->domains[i]);
	free(c->domains);
	memset(c, 0, sizeof(*c));
}

static char *
trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* One "key = value" line; 0, or -1 with the reason in err. */
static int
file_line(config *c, char *line, char *err, size_t errlen)
{
	char *eq, *key, *value, *hash = strchr(line, '#');

	if (hash != NULL)
		*hash = '\0';
	key = trim(line);
	if (*key == '\0')
		return 0;
	eq = strchr(key, '=');
	if (eq == NULL) {
		snprintf(err, errlen, "expected 'key = value'");
		return -1;
	}
	*eq = '\0';
	key = trim(key);
	value = trim(eq + 1);
	if (strlen(value) >= 2 && value[0] == '"' && value[strlen(value) - 1] == '"') {
		value[strlen(value) - 1] = '\0';
		value++;
	}
	return config_set(c, key, value, err, errlen);
}

/*
 * The file format from memory: "name" only names the source in messages.
 * Lines end at '\n' (a '\r' before it is whitespace); a NUL byte or a line
 * longer than CONFIG_LINE_MAX is an error, not silently cut.
 */
int
config_load_text(config *c, const char *name, const char *text, size_t len, char *err, size_t errlen)
{
	char line[CONFIG_LINE_MAX + 1], why[512];
	unsigned lineno = 0;
	size_t pos = 0;

	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl != NULL ? (size_t)(nl - (text + pos)) : len - pos;

		lineno++;
		if (n > CONFIG_LINE_MAX) {
			snprintf(err, errlen, "%s:%u: line too long", name, lineno);
			return -1;
		}
		if (memchr(text + pos, '\0', n) != NULL) {
			snprintf(err, errlen, "%s:%u: NUL byte in line", name, lineno);
			return -1;
		}
		memcpy(line, text + pos, n);
		line[n] = '\0';
		pos += n + (nl != NULL);
		if (file_line(c, line, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s:%u: %s", name, lineno, why);
			return -1;
		}
	}
	return 0;
}

int
config_load_file(config *c, const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "re");
	char *text = xmalloc(CONFIG_FILE_MAX + 1);
	size_t len;
	int rc = -1;

	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(text);
		return -1;
	}
	len = fread(text, 1, CONFIG_FILE_MAX + 1, f);
	if (ferror(f))
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	else if (len > CONFIG_FILE_MAX)
		snprintf(err, errlen, "%s: larger than %u bytes", path, CONFIG_FILE_MAX);
	else
		rc = config_load_text(c, path, text, len, err, errlen);
	fclose(f);
	free(text);
	return rc;
}

int
config_load_env(config *c, char *const *envp, char *err, size_t errlen)
{
	static const char prefix[] = "ABUSEDESK_";

	for (; envp != NULL && *envp != NULL; envp++) {
		const char *eq = strchr(*envp, '=');
		char key[64], why[512];
		size_t n;

		if (strncmp(*envp, prefix, sizeof(prefix) - 1) != 0 || eq == NULL)
			continue;
		n = (size_t)(eq - *envp) - (sizeof(prefix) - 1);
		if (n == 0 || n >= sizeof(key))
			continue;
		memcpy(key, *envp + sizeof(prefix) - 1, n);
		key[n] = '\0';
		if (strcmp(key, "CONFIG") == 0 || strcmp(key, "BIN") == 0)
			continue;            /* the config file's path and test helpers are not settings */
		if (config_set(c, key, eq + 1, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "environment ABUSEDESK_%s: %s", key, why);
			return -1;
		}
	}
	return 0;
}

/* A comma-separated list of prefixes (the setting key for messages) into *out, *n. */
static int
prefix_list(const char *key, const char *text, ipprefix **out, size_t *n, char *err, size_t errlen)
{
	char *copy = xstrdup(text), *save = NULL, why[256];

	for (char *tok = strtok_r(copy, ", \t", &save); tok != NULL; tok = strtok_r(NULL, ", \t", &save)) {
		*out = xrealloc(*out, (*n + 1) * sizeof(ipprefix));
		if (ipprefix_parse(tok, &(*out)[*n], why, sizeof(why)) < 0) {
			snprintf(err, errlen, "%s: '%s': %s", key, tok, why);
			free(copy);
			return -1;
		}
		(*n)++;
	}
	free(copy);
	return 0;
}

static int
finish_prefixes(config *c, char *err, size_t errlen)
{
	if (prefix_list("scope_prefixes", c->scope_prefixes, &c->prefixes, &c->n_prefixes, err, errlen) < 0)
		return -1;
	return prefix_list("trusted_proxies", c->trusted_proxies, &c->proxies, &c->n_proxies, err, errlen);
}

static int
finish_domains(config *c, char *err, size_t errlen)
{
	char *copy = xstrdup(c->scope_domains), *save = NULL, why[256];

	for (char *tok = strtok_r(copy, ", \t", &save); tok != NULL; tok = strtok_r(NULL, ", \t", &save)) {
		char *ascii;

		if (*tok == '.')
			tok++;
		if (url_domain_to_ascii(tok, &ascii, why, sizeof(why)) < 0) {
			snprintf(err, errlen, "scope_domains: '%s': %s", tok, why);
			free(copy);
			return -1;
		}
		c->domains = xrealloc(c->domains, (c->n_domains + 1) * sizeof(char *));
		c->domains[c->n_domains++] = ascii;
	}
	free(copy);
	return 0;
}

int
config_finish(config *c, char *err, size_t errlen)
{
	if (http_listen_check(c->listen, err, errlen) < 0)
		return -1;
	if (c->database[0] == '\0') {
		snprintf(err, errlen, "database: a file path is required");
		return -1;
	}
	if (c->max_inflight_bytes < c->max_body_bytes) {
		snprintf(err, errlen, "max_inflight_bytes (%zu) must be at least max_body_bytes (%zu)",
		    c->max_inflight_bytes, c->max_body_bytes);
		return -1;
	}
	if (c->vulnerability_url[0] != '\0' && !html_safe_url(c->vulnerability_url)) {
		snprintf(err, errlen, "vulnerability_url: '%s' is not an http(s) URL or a path", c->vulnerability_url);
		return -1;
	}
	if (finish_prefixes(c, err, errlen) < 0 || finish_domains(c, err, errlen) < 0)
		return -1;
	return 0;
}

void
config_print_help(void)
{
	printf("Settings (config file key / environment variable / flag), with defaults:\n");
	for (size_t i = 0; i < N_SETTINGS; i++) {
		char env[64], flag[64];
		size_t k;

		for (k = 0; settings[i].key[k] != '\0' && k + 1 < sizeof(env); k++) {
			env[k] = (char)toupper((unsigned char)settings[i].key[k]);
			flag[k] = settings[i].key[k] == '_' ? '-' : settings[i].key[k];
		}
		env[k] = flag[k] = '\0';
		printf("  %-22s ABUSEDESK_%-22s --%s\n      %s (default: \"%s\")\n",
		    settings[i].key, env, flag, settings[i].help, settings[i].defval);
	}
}

void
config_print(const config *c)
{
	const char *base = (const char *)c;

	for (size_t i = 0; i < N_SETTINGS; i++) {
		const setting *st = &settings[i];

		if (st->type == ST_STRING)
			printf("%s = \"%s\"\n", st->key, *(char *const *)(const void *)(base + st->offset));
		else if (st->type == ST_SIZE)
			printf("%s = %zu\n", st->key, *(const size_t *)(const void *)(base + st->offset));
		else if (st->type == ST_BOOL)
			printf("%s = %s\n", st->key, *(const unsigned *)(const void *)(base + st->offset) ? "on" : "off");
		else
			printf("%s = %u\n", st->key, *(const unsigned *)(const void *)(base + st->offset));
	}
}
