/*
 * page.c -- the frame around every HTML page and the headers pages carry
 * (see web.h).  The navigation matches the announcement's portal: the
 * operator's home page, "Report Abuse" (the form) and "Abuse API" (the
 * developer page).
 */
#include "web/web.h"

#include <stdlib.h>
#include <string.h>

#include "util/html.h"

/* Scripts and styles only from this origin, never inline; no framing; forms post here only. */
#define CSP "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " \
	"connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

static void
nav_link(buf *b, const char *href, const char *label, int current)
{
	(void)buf_puts(b, "<li><a href=\"");
	(void)html_escape(b, href);
	(void)buf_puts(b, current ? "\" aria-current=\"page\">" : "\">");
	(void)html_escape(b, label);
	(void)buf_puts(b, "</a></li>");
}

void
web_page_begin(buf *b, const app *a, const char *title, enum web_tab tab, const char *const *scripts)
{
	const char *home = html_safe_url(a->cfg->operator_url) ? a->cfg->operator_url : "/";

	(void)buf_puts(b, "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
	    "<meta name=\"referrer\" content=\"same-origin\">"
	    "<link rel=\"icon\" href=\"data:,\"><title>");
	(void)html_escape(b, title);
	(void)buf_puts(b, " — ");
	(void)html_escape(b, a->cfg->operator_name);
	(void)buf_puts(b, "</title><link rel=\"stylesheet\" href=\"/static/style.css\">");
	for (size_t i = 0; scripts != NULL && scripts[i] != NULL; i++) {
		(void)buf_puts(b, "<script defer src=\"/static/");
		(void)html_escape(b, scripts[i]);
		(void)buf_puts(b, "\"></script>");
	}
	(void)buf_puts(b, "</head><body><a class=\"skip\" href=\"#main\">Skip to content</a>"
	    "<header class=\"topbar\"><nav aria-label=\"Main\"><span class=\"brand\">");
	(void)html_escape(b, a->cfg->operator_name);
	(void)buf_puts(b, "</span><ul>");
	nav_link(b, home, "Home", 0);
	nav_link(b, "/report/abuse", "Report Abuse", tab == WEB_TAB_PORTAL);
	nav_link(b, "/report/developer", "Abuse API", tab == WEB_TAB_DEVELOPER);
	(void)buf_puts(b, "</ul></nav></header><main id=\"main\" tabindex=\"-1\">");
}

void
web_page_end(buf *b, const app *a)
{
	(void)buf_puts(b, "</main><footer class=\"footer\"><p>");
	(void)html_escape(b, a->cfg->operator_name);
	(void)buf_puts(b, " · abuse reporting powered by abusedesk</p></footer></body></html>\n");
}

void
web_reply_html(http_request *req, unsigned status, buf *b)
{
	size_t len;
	char *html = buf_detach(b, &len);

	http_add_header(req, "Content-Security-Policy", CSP);
	http_add_header(req, "X-Frame-Options", "DENY");
	http_add_header(req, "Referrer-Policy", "same-origin");
	http_reply_bytes(req, status, "text/html; charset=utf-8", html, len, 0);
	free(html);
}
