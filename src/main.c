/*
 * main.c -- the abusedesk command: configuration, then one of
 *   serve          run the service (the default)
 *   check-config   validate the configuration and say what is wrong
 * Start-up order: configuration, taxonomy, store (opened and migrated),
 * routes, HTTP.  Shut-down on SIGINT/SIGTERM: stop HTTP (no new reports),
 * then close the store, which commits everything already acknowledged.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "api/openapi.h"
#include "app.h"
#include "config.h"
#include "ids.h"
#include "log.h"
#include "metrics.h"
#include "util/buf.h"
#include "util/xalloc.h"
#include "web/web.h"

extern char **environ;
extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;

#define MAX_ROUTES 32

static void
usage(void)
{
	printf("usage: abusedesk [serve|check-config] [--config FILE] [--SETTING VALUE ...]\n"
	    "\n"
	    "abusedesk takes in abuse reports about an operator's networks and services\n"
	    "through the Report Abuse API v2.0 (POST /report/v2.0/abuse).\n"
	    "\n"
	    "Commands:\n"
	    "  serve          run the service (default)\n"
	    "  check-config   check the configuration, print it, exit 0 if it is valid\n"
	    "\n"
	    "Configuration: defaults < config file (--config FILE or ABUSEDESK_CONFIG) <\n"
	    "environment (ABUSEDESK_<SETTING>) < flags (--setting value or --setting=value).\n"
	    "Config file lines are 'setting = value'; '#' starts a comment.\n\n");
	config_print_help();
	printf("\nOther flags: --help, --version\n");
}

/* Find --config/-c (flag or ABUSEDESK_CONFIG); NULL if none. */
static const char *
config_path(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "--config") == 0 || strcmp(argv[i], "-c") == 0) && i + 1 < argc)
			return argv[i + 1];
		if (strncmp(argv[i], "--config=", 9) == 0)
			return argv[i] + 9;
	}
	return getenv("ABUSEDESK_CONFIG");
}

/* Apply flags; the command word is returned through *cmd.  0, 1 (exit 0: help shown) or -1. */
static int
apply_flags(config *c, int argc, char **argv, const char **cmd, char *err, size_t errlen)
{
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		char key[64];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			usage();
			return 1;
		}
		if (strcmp(a, "--version") == 0) {
			printf("abusedesk %s\n", ABUSEDESK_VERSION);
			return 1;
		}
		if (strncmp(a, "--", 2) != 0) {
			if (strcmp(a, "serve") != 0 && strcmp(a, "check-config") != 0) {
				snprintf(err, errlen, "unknown command '%s' (try --help)", a);
				return -1;
			}
			*cmd = a;
			continue;
		}
		if (strcmp(a, "--config") == 0 || strcmp(a, "-c") == 0) {
			i++;
			continue;
		}
		if (strncmp(a, "--config=", 9) == 0)
			continue;
		eq = strchr(a, '=');
		snprintf(key, sizeof(key), "%.*s", (int)(eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2)), a + 2);
		if (eq == NULL && i + 1 >= argc) {
			snprintf(err, errlen, "--%s needs a value", key);
			return -1;
		}
		if (config_set(c, key, eq != NULL ? eq + 1 : argv[++i], err, errlen) < 0)
			return -1;
	}
	return 0;
}

static int
load_config(config *c, int argc, char **argv, const char **cmd)
{
	const char *file = config_path(argc, argv);
	char err[1024];
	int rc;

	config_init(c);
	if (file != NULL && config_load_file(c, file, err, sizeof(err)) < 0)
		goto fail;
	if (config_load_env(c, environ, err, sizeof(err)) < 0)
		goto fail;
	rc = apply_flags(c, argc, argv, cmd, err, sizeof(err));
	if (rc != 0)
		return rc == 1 ? 1 : (fprintf(stderr, "abusedesk: %s\n", err), -1);
	if (config_finish(c, err, sizeof(err)) < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "abusedesk: configuration: %s\n", err);
	return -1;
}

static int
load_taxonomy(const config *c, taxonomy **out)
{
	char err[512];
	char *text = NULL;
	size_t len = 0;
	int rc;

	if (c->taxonomy_file[0] != '\0') {
		FILE *f = fopen(c->taxonomy_file, "re");
		buf b;
		char chunk[8192];
		size_t n;

		if (f == NULL) {
			fprintf(stderr, "abusedesk: taxonomy_file %s: cannot open\n", c->taxonomy_file);
			return -1;
		}
		buf_init(&b, 16u << 20);
		while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
			if (buf_append(&b, chunk, n) < 0)
				break;
		fclose(f);
		text = buf_detach(&b, &len);
	}
	rc = text != NULL ? taxonomy_parse(text, len, out, err, sizeof(err)) :
	    taxonomy_parse((const char *)embedded_taxonomy, embedded_taxonomy_len, out, err, sizeof(err));
	free(text);
	if (rc < 0)
		fprintf(stderr, "abusedesk: taxonomy %s: %s\n",
		    c->taxonomy_file[0] != '\0' ? c->taxonomy_file : "(built in)", err);
	return rc;
}

static size_t
build_routes(http_route *out)
{
	const http_route *(*const tables[])(size_t *) = {api_abuse_routes, api_taxonomy_routes, api_health_routes,
	    web_static_routes, api_openapi_routes, web_developer_routes, web_portal_routes, metrics_routes};
	size_t n = 0;

	for (size_t t = 0; t < sizeof(tables) / sizeof(tables[0]); t++) {
		size_t k;
		const http_route *r = tables[t](&k);

		for (size_t i = 0; i < k && n < MAX_ROUTES; i++)
			out[n++] = r[i];
	}
	return n;
}

static int
wait_for_signal(void)
{
	sigset_t set;
	int sig = 0;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigwait(&set, &sig) != 0)
		return -1;
	return sig;
}

static int
serve(const config *c, app *a)
{
	http_route routes[MAX_ROUTES];
	size_t n = build_routes(routes);
	http_options ho = {c->listen, c->threads, c->max_connections, c->max_connections_per_ip,
	    c->idle_timeout, c->max_body_bytes, c->max_inflight_bytes, (int)c->access_log,
	    c->header_timeout, c->rate_limit, c->rate_burst, (int)c->rate_limit_loopback,
	    c->proxies, c->n_proxies};
	http_server *srv;
	char err[512];
	int sig;

	if (http_server_start(&ho, routes, n, a, &srv, err, sizeof(err)) < 0) {
		log_message("http", "%s", err);
		return -1;
	}
	{
		int hl = (int)(strrchr(c->listen, ':') - c->listen);

		log_message("http", "listening on http://%.*s:%u", hl > 0 ? hl : 7,
		    hl > 0 ? c->listen : "0.0.0.0", http_server_port(srv));
	}
	sig = wait_for_signal();
	log_message("main", "signal %d: stopping", sig);
	http_server_stop(srv);
	return 0;
}

static int
open_app(const config *c, app *a)
{
	char err[512];
	cJSON *tj;

	memset(a, 0, sizeof(*a));
	a->cfg = c;
	if (load_taxonomy(c, &a->tax) < 0)
		return -1;
	tj = taxonomy_to_json(a->tax);
	a->taxonomy_json = tj != NULL ? cJSON_PrintUnformatted(tj) : NULL;
	cJSON_Delete(tj);
	if (a->taxonomy_json == NULL)
		return -1;
	a->taxonomy_json_len = strlen(a->taxonomy_json);
	a->scope = (vscope){c->prefixes, c->n_prefixes, (const char *const *)c->domains, c->n_domains, c->operator_name};
	if (openapi_init(a, err, sizeof(err)) < 0) {
		fprintf(stderr, "abusedesk: developer documents: %s\n", err);
		return -1;
	}
	if (web_portal_init(c, err, sizeof(err)) < 0) {
		fprintf(stderr, "abusedesk: portal: %s\n", err);
		return -1;
	}
	if (store_open(c->database, NULL, &a->st, err, sizeof(err)) != STORE_OK) {
		fprintf(stderr, "abusedesk: database %s: %s\n", c->database, err);
		return -1;
	}
	return 0;
}

static void
close_app(app *a)
{
	store_close(a->st);
	web_portal_cleanup();
	openapi_cleanup(a);
	free(a->taxonomy_json);
	taxonomy_free(a->tax);
}

int
main(int argc, char **argv)
{
	const char *cmd = "serve";
	config c;
	app a;
	sigset_t set;
	int rc;

	rc = load_config(&c, argc, argv, &cmd);
	if (rc != 0) {
		config_cleanup(&c);
		return rc > 0 ? 0 : 2;
	}
	if (strcmp(cmd, "check-config") == 0) {
		taxonomy *tax = NULL;

		rc = load_taxonomy(&c, &tax);
		taxonomy_free(tax);
		if (rc == 0) {
			config_print(&c);
			printf("# configuration is valid\n");
		}
		config_cleanup(&c);
		return rc == 0 ? 0 : 2;
	}
	/* Signals are taken by sigwait in the main thread only; threads inherit the mask. */
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);
	metrics_init();
	if (ids_init() < 0 || curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "abusedesk: cannot initialize libraries\n");
		return 1;
	}
	rc = open_app(&c, &a) == 0 && serve(&c, &a) == 0 ? 0 : 1;
	close_app(&a);
	curl_global_cleanup();
	config_cleanup(&c);
	return rc;
}
