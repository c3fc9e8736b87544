/*
 * taxonomy_api.c -- GET /report/v2.0/taxonomy: the taxonomy as JSON, for
 * the portal's dependent lists and for clients that build their own forms.
 * Rendered once at start-up (app.taxonomy_json) since it never changes
 * while the process runs.
 */
#include "app.h"

static void
get_taxonomy(http_request *req)
{
	app *a = http_app(req);

	http_add_header(req, "Cache-Control", "public, max-age=300");
	http_reply_bytes(req, 200, "application/json", a->taxonomy_json, a->taxonomy_json_len, 1);
}

static const http_route routes[] = {
	{"GET", "/report/v2.0/taxonomy", 0, get_taxonomy, 0, 0, NULL},
};

const http_route *
api_taxonomy_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
