/*
 * route.c -- finding the route of a request, and the answers given when
 * there is none: 404 for an unknown path, 405 with Allow for a known path
 * and another method.  The route table itself is declared by the program
 * (main.c); this file only reads it.
 */
#include "http/internal.h"

#include <stdio.h>
#include <string.h>

#include "util/buf.h"

static int
path_matches(const http_route *r, const char *path, const char **rest)
{
	size_t n = strlen(r->path);

	if (r->prefix) {
		if (strncmp(path, r->path, n) != 0 || path[n] == '\0' || strchr(path + n, '/') != NULL)
			return 0;
		*rest = path + n;
		return 1;
	}
	return strcmp(path, r->path) == 0;
}

const http_route *
route_find(const http_route *routes, size_t n, const char *path, const char *method, const char **rest)
{
	const char *r = NULL;  /* exact routes leave it unset */

	for (size_t i = 0; i < n; i++)
		if (path_matches(&routes[i], path, &r) && strcmp(routes[i].method, method) == 0) {
			*rest = r;
			return &routes[i];
		}
	return NULL;
}

void
route_reply_unrouted(http_request *req, const http_route *routes, size_t n)
{
	const char *rest;
	buf allow;
	int any = 0;

	buf_init(&allow, 256);
	for (size_t i = 0; i < n; i++) {
		if (!path_matches(&routes[i], req->path, &rest))
			continue;
		(void)buf_printf(&allow, "%s%s", any ? ", " : "", routes[i].method);
		if (strcmp(routes[i].method, "GET") == 0)
			(void)buf_puts(&allow, ", HEAD");
		any = 1;
	}
	if (!any) {
		http_reply_problem(req, 404, "Not found", "There is nothing at this path.", NULL);
	} else {
		char msg[320];

		snprintf(msg, sizeof(msg), "%s is not allowed here; allowed: %s.", req->method, buf_str(&allow));
		http_add_header(req, "Allow", buf_str(&allow));
		http_reply_problem(req, 405, "Method not allowed", msg, NULL);
	}
	buf_cleanup(&allow);
}
