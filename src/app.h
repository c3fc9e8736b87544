/*
 * app.h -- what handlers share: the configuration, the taxonomy, the store
 * and the operator's scope.  Built once by main.c before serving; read-only
 * afterwards, so handlers on any thread may use it without locks.
 */
#ifndef ABUSEDESK_APP_H
#define ABUSEDESK_APP_H

#include <stddef.h>

#include "config.h"
#include "core/taxonomy.h"
#include "core/validate.h"
#include "http/http.h"
#include "store/store.h"

typedef struct app {
	const config *cfg;
	taxonomy *tax;
	store *st;
	vscope scope;
	char *taxonomy_json;          /* GET /report/v2.0/taxonomy, rendered once */
	size_t taxonomy_json_len;
	char *openapi_json;           /* GET /report/v2.0/openapi.json, rendered once (api/openapi.h) */
	size_t openapi_json_len;
	struct examples *examples;    /* the developer page's worked examples (api/examples.h) */
} app;

/* Each API file declares its routes; main.c puts the tables together. */
const http_route *api_abuse_routes(size_t *n);
const http_route *api_taxonomy_routes(size_t *n);
const http_route *api_health_routes(size_t *n);
const http_route *api_openapi_routes(size_t *n);

#endif
