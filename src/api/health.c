/*
 * health.c -- GET /healthz (the process answers) and GET /readyz (the
 * store can commit a write now: a full disk or a read-only database makes
 * the service unready, so a load balancer stops sending reports it could
 * not keep).
 */
#include "app.h"

static void
healthz(http_request *req)
{
	static const char ok[] = "{\"status\":\"ok\"}";

	http_reply_bytes(req, 200, "application/json", ok, sizeof(ok) - 1, 1);
}

static void
readyz(http_request *req)
{
	static const char ready[] = "{\"status\":\"ready\"}";
	app *a = http_app(req);
	int rc = store_ready(a->st);

	if (rc == STORE_OK) {
		http_reply_bytes(req, 200, "application/json", ready, sizeof(ready) - 1, 1);
		return;
	}
	http_add_header(req, "Retry-After", "5");
	http_reply_problem(req, 503, "Not ready", store_strerror(rc), NULL);
}

static const http_route routes[] = {
	{"GET", "/healthz", 0, healthz, 0, 0, NULL},
	{"GET", "/readyz", 0, readyz, 0, 0, NULL},
};

const http_route *
api_health_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
