/*
 * developer.c -- GET /report/developer: what a developer reads to write a
 * client of the Report Abuse API v2.0.
 *
 * Everything on it is generated, at each request, from the data the
 * validator itself uses: the request schema table from the field table
 * (core/fields.h), the Reportable Incident Types from the taxonomy, the
 * examples from the worked examples the validator answered at start-up
 * (api/examples.h), the statuses, rules and versioning policy from the texts
 * the OpenAPI document shows too (api/openapi.h).  The copy-paste clients
 * (developer_guide.c) send the first example to the address the browser
 * used.  The interactive reference is Swagger UI, embedded at build time
 * and started by /static/developer.js: no inline script.
 */
#include "web/developer.h"

#include <string.h>

#include "api/examples.h"
#include "api/openapi.h"
#include "core/fields.h"
#include "util/html.h"

static const char *const scripts[] = {"swagger-ui-bundle.js", "developer.js", NULL};

void
developer_text(buf *b, const char *open, const char *text, const char *close)
{
	(void)buf_puts(b, open);
	(void)html_escape(b, text);
	(void)buf_puts(b, close);
}

/* ---- the request schema ------------------------------------------------------ */

static void
type_words(buf *b, const field_rule *f)
{
	developer_text(b, "<td class=\"type\"><code>", f->type, "</code>");
	if (f->format != NULL)
		developer_text(b, "<br><span class=\"hint\">format ", f->format, "</span>");
	/* Lengths that matter to a writer; the short fields' bound (64) only stops abuse. */
	if (f->max_chars > 0 && (f->kind == FK_TEXT || f->kind == FK_FREETEXT || f->kind == FK_EMAIL ||
	    f->kind == FK_PHONE || f->kind == FK_URL))
		(void)buf_printf(b, "<br><span class=\"hint\">max. %u chars</span>", f->max_chars);
	(void)buf_puts(b, "</td>");
}

/* Values listed in the rule cell where the list is short; the long ones have their own table. */
static void
value_words(buf *b, const field_rule *f, const taxonomy *tax)
{
	size_t n;

	if (f->kind == FK_THREAT) {
		(void)buf_puts(b, "<br>Values:");
		n = taxonomy_threat_count(tax);
		for (size_t i = 0; i < n; i++)
			developer_text(b, i ? ", <code>" : " <code>", taxonomy_threat_at(tax, i)->name, "</code>");
	} else if (f->kind == FK_SEVERITY) {
		(void)buf_puts(b, "<br>Values:");
		n = taxonomy_severity_count(tax);
		for (size_t i = 0; i < n; i++)
			developer_text(b, i ? ", <code>" : " <code>", taxonomy_severity_at(tax, i), "</code>");
	} else if (f->kind == FK_INCIDENT || f->kind == FK_ATTACK) {
		(void)buf_puts(b, "<br>Values: see <a href=\"#incident-types\">Reportable Incident Types</a>.");
	}
}

static void
field_table(buf *b, enum field_table t, const taxonomy *tax, const char *id, const char *caption)
{
	size_t n;
	const field_rule *f = fields_table(t, &n);

	(void)buf_printf(b, "<div class=\"table-wrap\"><table id=\"%s\" class=\"schema\">", id);
	developer_text(b, "<caption>", caption, "</caption>");
	(void)buf_puts(b, "<thead><tr><th scope=\"col\">Property</th><th scope=\"col\">Type</th>"
	    "<th scope=\"col\">Required</th><th scope=\"col\">Rule</th><th scope=\"col\">Description</th>"
	    "</tr></thead><tbody>");
	for (size_t i = 0; i < n; i++) {
		developer_text(b, "<tr data-property=\"", f[i].name, "\">");
		developer_text(b, "<th scope=\"row\"><code>", f[i].name, "</code></th>");
		type_words(b, &f[i]);
		developer_text(b, "<td>", openapi_need_word(f[i].need), "</td>");
		developer_text(b, "<td>", f[i].rule, "");
		value_words(b, &f[i], tax);
		developer_text(b, "</td><td>", f[i].description, "</td></tr>");
	}
	(void)buf_puts(b, "</tbody></table></div>");
}

static void
schema_section(buf *b, const app *a)
{
	size_t n;
	const char *const *rules = openapi_rules(&n);

	(void)buf_puts(b, "<section id=\"schema\" aria-labelledby=\"schema-h\"><h2 id=\"schema-h\">Request "
	    "schema</h2><p>One flat JSON object (or the same fields form-encoded). A property that is not "
	    "listed makes the report invalid. Strings are trimmed; an empty string or <code>null</code> in an "
	    "optional property counts as absent; lengths count characters, not bytes.</p>");
	field_table(b, FIELDS_REPORT, a->tax, "schema-report", "Properties of a report");
	field_table(b, FIELDS_IP_ITEM, a->tax, "schema-ip-item", "Properties of an ipAddressList item");
	field_table(b, FIELDS_URL_ITEM, a->tax, "schema-url-item", "Properties of a urlList item");
	(void)buf_puts(b, "<h3 id=\"rules\">Rules that tie properties together</h3><ul class=\"rules\">");
	for (size_t i = 0; i < n; i++)
		developer_text(b, "<li>", rules[i], "</li>");
	(void)buf_puts(b, "</ul></section>");
}

/* ---- reportable incident types ------------------------------------------------ */

static void
attack_cell(buf *b, const tax_incident *in)
{
	if (in->n_attacks == 0) {
		(void)buf_puts(b, "<td class=\"none\">none: leave <code>attackMethod</code> out</td>");
		return;
	}
	(void)buf_puts(b, "<td><ul class=\"methods\">");
	for (size_t i = 0; i < in->n_attacks; i++) {
		developer_text(b, "<li data-attack=\"", in->attacks[i].name, "\">");
		developer_text(b, "<strong>", in->attacks[i].name, "</strong>: ");
		developer_text(b, "", in->attacks[i].description, "</li>");
	}
	(void)buf_puts(b, "</ul></td>");
}

static void
incident_row(buf *b, const tax_incident *in)
{
	developer_text(b, "<tr data-incident=\"", in->name, "\"");
	(void)buf_printf(b, " data-portal-only=\"%s\">", in->portal_only ? "true" : "false");
	developer_text(b, "<th scope=\"row\">", in->name, "");
	if (in->portal_only)
		(void)buf_puts(b, " <span class=\"tag portal-only\">portal only</span>");
	if (strcmp(in->label, in->name) != 0)
		developer_text(b, "<br><span class=\"hint\">portal label: ", in->label, "</span>");
	for (size_t i = 0; i < in->n_aliases; i++)
		developer_text(b, "<br><span class=\"hint\">also accepted: ", in->aliases[i], "</span>");
	developer_text(b, "</th><td>", in->description, "");
	if (in->portal_only)
		(void)buf_puts(b, " <em>Report it through the <a href=\"/report/abuse\">portal</a>: the API refuses "
		    "it.</em>");
	(void)buf_puts(b, "</td>");
	attack_cell(b, in);
	(void)buf_puts(b, "</tr>");
}

static void
incident_section(buf *b, const app *a)
{
	size_t n = taxonomy_threat_count(a->tax);

	(void)buf_puts(b, "<section id=\"incident-types\" aria-labelledby=\"incident-types-h\"><h2 "
	    "id=\"incident-types-h\">Reportable Incident Types</h2><p>Each threat type has its own incident "
	    "types, and each incident type its own attack methods, or none. Send the names as written here "
	    "(any letter case is accepted). <a href=\"/report/v2.0/taxonomy\">GET /report/v2.0/taxonomy</a> "
	    "gives the same as JSON.</p>");
	for (size_t i = 0; i < n; i++) {
		const tax_threat *t = taxonomy_threat_at(a->tax, i);

		developer_text(b, "<h3 class=\"threat\" data-threat=\"", t->name, "\">");
		developer_text(b, "Threat type <code>", t->name, "</code></h3>");
		developer_text(b, "<p>", t->description, "");
		(void)buf_puts(b, t->indicator == TAX_INDICATOR_IP ?
		    " The indicator is an IP address: <code>sourceIp</code> or <code>ipAddressList</code>.</p>" :
		    " The indicator is a URL: <code>sourceUrl</code>, <code>destinationUrl</code> or "
		    "<code>urlList</code>.</p>");
		developer_text(b, "<div class=\"table-wrap\"><table class=\"incidents\" data-threat=\"", t->name, "\">");
		developer_text(b, "<caption>Incident types of ", t->name, "</caption>");
		(void)buf_puts(b, "<thead><tr><th scope=\"col\">Incident type</th><th scope=\"col\">Description</th>"
		    "<th scope=\"col\">Attack methods</th></tr></thead><tbody>");
		for (size_t k = 0; k < t->n_incidents; k++)
			incident_row(b, &t->incidents[k]);
		(void)buf_puts(b, "</tbody></table></div>");
	}
	(void)buf_puts(b, "</section>");
}

/* ---- examples ----------------------------------------------------------------- */

static void
example_article(buf *b, const examples_item *e)
{
	developer_text(b, "<article class=\"example\" id=\"example-", e->id, "\">");
	developer_text(b, "<h3>", e->title, "</h3>");
	developer_text(b, "<p class=\"origin\">", e->origin, "</p>");
	developer_text(b, "<p>", e->description, "</p>");
	(void)buf_puts(b, "<h4>Request</h4><p class=\"http-line\"><code>POST /report/v2.0/abuse</code> "
	    "<code>Content-Type: application/json</code></p>");
	developer_text(b, "<pre class=\"copy\" data-example=\"", e->id, "\" data-part=\"request\"><code>");
	developer_text(b, "", e->request_text, "</code></pre>");
	(void)buf_printf(b, "<h4>Response</h4><p class=\"http-line\"><code data-status=\"%u\">%u %s</code> "
	    "<code>Content-Type: %s</code></p>", e->status, e->status, e->status == 200 ? "OK" : "Bad Request",
	    e->content_type);
	developer_text(b, "<pre data-example=\"", e->id, "\" data-part=\"response\"><code>");
	developer_text(b, "", e->response_text, "</code></pre></article>");
}

static void
examples_section(buf *b, const app *a)
{
	(void)buf_puts(b, "<section id=\"examples\" aria-labelledby=\"examples-h\"><h2 id=\"examples-h\">Examples"
	    "</h2><p>Each request below was answered by this server's validator when it started, and the "
	    "answer is shown exactly, but for what differs at every request: <code>instance</code> carries the "
	    "request's own id, and a stored report gets its own case id, tracking token and time of receipt. "
	    "Reported addresses are public ones because documentation ranges (192.0.2.0/24 and the like) are "
	    "refused as sources of abuse; the examples accuse nobody.</p>");
	for (size_t i = 0; i < examples_count(a->examples); i++)
		example_article(b, examples_at(a->examples, i));
	(void)buf_puts(b, "</section>");
}

/* ---- the page ----------------------------------------------------------------- */

static void
contents(buf *b)
{
	static const char *const items[][2] = {
		{"quick-start", "Calling the API"}, {"responses", "Responses"}, {"schema", "Request schema"},
		{"incident-types", "Reportable Incident Types"}, {"examples", "Examples"},
		{"reference", "Interactive reference"}, {"versioning", "Versioning and deprecation"},
	};

	(void)buf_puts(b, "<nav class=\"toc card\" aria-label=\"Contents\"><h2>Contents</h2><ol>");
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		developer_text(b, "<li><a href=\"#", items[i][0], "\">");
		developer_text(b, "", items[i][1], "</a></li>");
	}
	(void)buf_puts(b, "</ol></nav>");
}

static void
get_developer(http_request *req)
{
	app *a = http_app(req);
	char base[DEVELOPER_BASE_MAX];
	buf b;

	developer_base_url(req, a, base, sizeof(base));
	buf_init(&b, WEB_PAGE_MAX);
	web_page_begin(&b, a, "Report Abuse API", WEB_TAB_DEVELOPER, scripts);
	(void)buf_puts(&b, "<link rel=\"stylesheet\" href=\"/static/developer.css\">");
	(void)buf_puts(&b, "<h1>Report Abuse API <span class=\"version\">v2.0</span></h1>");
	developer_text(&b, "<p class=\"lead\">Send reports of abuse coming from the networks and services of ",
	    a->cfg->operator_name, " from your own tools: IP addresses and URLs, what happened and when. Every "
	    "problem of a report is answered at once, field by field, with the values that would be valid. Set "
	    "<code>testSubmission</code> to <code>true</code> while you try: the report is checked and not "
	    "stored.</p>");
	contents(&b);
	developer_quick_start(&b, a, base);
	developer_responses(&b);
	schema_section(&b, a);
	incident_section(&b, a);
	examples_section(&b, a);
	developer_reference(&b);
	developer_versioning(&b);
	web_page_end(&b, a);
	web_reply_html(req, 200, &b);
	buf_cleanup(&b);
}

static const http_route routes[] = {
	{"GET", "/report/developer", 0, get_developer, 0, 0, NULL},
};

const http_route *
web_developer_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
