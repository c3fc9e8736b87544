/*
 * assets.c -- the static files of the pages (CSS, JS), embedded at build
 * time from web/ (tools/embed.c), served under /static/<name>.
 *
 * To add a file: put it in web/, add it to the embedded_web target in
 * meson.build and to the table below.
 */
#include "web/web.h"

#include <string.h>

extern const unsigned char web_style_css[];
extern const size_t web_style_css_len;
extern const unsigned char web_developer_js[], web_developer_css[];
extern const size_t web_developer_js_len, web_developer_css_len;
/* Swagger UI, from the swagger-ui-dist npm package (package-lock.json), for the developer page. */
extern const unsigned char web_swagger_ui_bundle_js[], web_swagger_ui_css[];
extern const size_t web_swagger_ui_bundle_js_len, web_swagger_ui_css_len;
extern const unsigned char web_portal_js[];
extern const size_t web_portal_js_len;

typedef struct asset {
	const char *name;
	const unsigned char *data;
	const size_t *len;
	const char *type;
} asset;

static const asset assets[] = {
	{"style.css", web_style_css, &web_style_css_len, "text/css; charset=utf-8"},
	{"developer.js", web_developer_js, &web_developer_js_len, "text/javascript; charset=utf-8"},
	{"developer.css", web_developer_css, &web_developer_css_len, "text/css; charset=utf-8"},
	{"swagger-ui-bundle.js", web_swagger_ui_bundle_js, &web_swagger_ui_bundle_js_len, "text/javascript; charset=utf-8"},
	{"swagger-ui.css", web_swagger_ui_css, &web_swagger_ui_css_len, "text/css; charset=utf-8"},
	{"portal.js", web_portal_js, &web_portal_js_len, "text/javascript; charset=utf-8"},
};

static void
get_static(http_request *req)
{
	const char *name = http_path_rest(req);

	for (size_t i = 0; i < sizeof(assets) / sizeof(assets[0]); i++) {
		if (strcmp(assets[i].name, name) != 0)
			continue;
		http_add_header(req, "Cache-Control", "public, max-age=300");
		http_reply_bytes(req, 200, assets[i].type, assets[i].data, *assets[i].len, 1);
		return;
	}
	http_reply_problem(req, 404, "Not found", "There is no such file.", NULL);
}

static const http_route routes[] = {
	{"GET", "/static/", 1, get_static, 0, 0, NULL},
};

const http_route *
web_static_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
