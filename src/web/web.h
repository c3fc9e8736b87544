/*
 * web.h -- what the HTML pages share: the page frame (head, navigation bar
 * with "Report Abuse", "Abuse API" and the operator's home page, footer),
 * the security headers every page carries, and the embedded static files
 * (CSS, JS) served under /static/.
 *
 * Pages build their HTML into a bounded buf with html_escape() for every
 * value; no inline script or style is ever written, so the
 * Content-Security-Policy can forbid them.
 */
#ifndef ABUSEDESK_WEB_H
#define ABUSEDESK_WEB_H

#include "app.h"
#include "util/buf.h"

enum web_tab { WEB_TAB_NONE, WEB_TAB_PORTAL, WEB_TAB_DEVELOPER };

#define WEB_PAGE_MAX (8u * 1024 * 1024)   /* the largest page we build */

/*
 * Open a page: doctype, head (title, stylesheet, the named scripts from
 * /static/, loaded with defer), the navigation bar and <main>.  scripts is
 * a NULL-terminated list of static file names, or NULL.
 */
void web_page_begin(buf *b, const app *a, const char *title, enum web_tab tab, const char *const *scripts);
/* Close <main>, add the footer, close the page. */
void web_page_end(buf *b, const app *a);
/* Send a page built in b (text/html) with the pages' security headers; b is emptied. */
void web_reply_html(http_request *req, unsigned status, buf *b);
/* The routes of the static files. */
const http_route *web_static_routes(size_t *n);
/* The route of the developer page (GET /report/developer). */
const http_route *web_developer_routes(size_t *n);
/*
 * The Report Abuse Portal: GET/POST /report/abuse, POST /report/abuse/validate,
 * GET /report/abuse/status/{caseId}.  web_portal_init() before serving sizes
 * the form's body limit from cfg (attachment_max_bytes and the form's
 * fields), loads libmagic's database and makes the form tokens' secret;
 * 0, or -1 with a message.  web_portal_cleanup() after serving.
 */
int web_portal_init(const config *cfg, char *err, size_t errlen);
void web_portal_cleanup(void);
const http_route *web_portal_routes(size_t *n);

#endif
