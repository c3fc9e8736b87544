/*
 * config.h -- the program's configuration: defaults < config file <
 * environment (ABUSEDESK_*) < command-line flags.
 *
 * One table of settings (config.c) drives all four sources, the checks, and
 * the --help text, so a setting cannot exist in one place and not another.
 * The file format is "key = value" lines; '#' starts a comment.  Parsing
 * reports where a mistake is ("abusedesk.conf:7: unknown setting 'lisen'").
 * check-config runs exactly this code.
 *
 * Ownership: a config owns its strings; config_cleanup frees them.
 */
#ifndef ABUSEDESK_CONFIG_H
#define ABUSEDESK_CONFIG_H

#include <stddef.h>

#include "core/ipaddr.h"

typedef struct config {
	char *listen;
	char *database;
	char *taxonomy_file;          /* "" = the embedded default */
	char *operator_name;
	char *operator_url;
	char *scope_prefixes;         /* as written: "198.51.100.0/24, 2001:db8::/32" */
	char *scope_domains;          /* as written: "example.net, example.org" */
	size_t max_body_bytes;
	size_t max_inflight_bytes;
	unsigned max_connections;
	unsigned max_connections_per_ip;
	unsigned idle_timeout;
	unsigned threads;
	unsigned access_log;          /* 0/1 */
	size_t attachment_max_bytes;  /* the portal's evidence file */
	char *vulnerability_url;      /* where the operator's product vulnerabilities go; "" = not linked */
	unsigned header_timeout;      /* seconds for the request line and headers */
	unsigned rate_limit;          /* requests a minute per client address (not GET/HEAD); 0 = off */
	unsigned rate_burst;
	unsigned rate_limit_loopback; /* 0/1 */
	char *trusted_proxies;        /* as written: "10.0.0.0/8, ::1" */
	/* derived by config_finish */
	ipprefix *prefixes;
	size_t n_prefixes;
	char **domains;               /* ASCII, lower case */
	size_t n_domains;
	ipprefix *proxies;            /* trusted_proxies, parsed */
	size_t n_proxies;
} config;

/* Fill with the defaults. */
void config_init(config *c);
void config_cleanup(config *c);
/* Set key (underscore or dash spelling) to value; 0, or -1 with a message naming the key. */
int config_set(config *c, const char *key, const char *value, char *err, size_t errlen);
/* Read a config file; 0, or -1 with "file:line: ..." in err. */
int config_load_file(config *c, const char *path, char *err, size_t errlen);
/* The same from text[0..len) in memory; name stands for the file in messages. */
int config_load_text(config *c, const char *name, const char *text, size_t len, char *err, size_t errlen);
/* Apply ABUSEDESK_<KEY> variables from envp; 0 or -1. */
int config_load_env(config *c, char *const *envp, char *err, size_t errlen);
/* Check values together and derive the parsed lists; 0 or -1 with a message. */
int config_finish(config *c, char *err, size_t errlen);
/* Print every setting with its default and description (for --help). */
void config_print_help(void);
/* Print the effective configuration as a config file would say it. */
void config_print(const config *c);

#endif
