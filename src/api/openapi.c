/*
 * openapi.c -- GET /report/v2.0/openapi.json: the OpenAPI 3.1 document,
 * rendered once at start-up (see openapi.h), and the texts the document
 * shares with the developer page.
 *
 * The document's parts: info (with the versioning policy), the four
 * operations with their parameters and answers, components.schemas
 * (openapi_schema.c), components.responses for the error statuses, and
 * examples: each worked example (api/examples.h) is a request example with
 * the answer under the same key, as Swagger UI pairs them; the error
 * statuses get examples built from this server's own route table and
 * limits.  tests/e2e/openapi.test.mjs validates the document with
 * swagger-parser and Ajv; tests/e2e/developer.test.mjs sends every example
 * to the server.
 */
#include "api/openapi.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "api/examples.h"
#include "util/buf.h"
#include "util/json_pretty.h"

extern const unsigned char embedded_examples[];
extern const size_t embedded_examples_len;

#define DOC_MAX (8u * 1024 * 1024)
#define TEXT_MAX (64u * 1024)

/* ---- texts shared with the page ------------------------------------------ */

static const openapi_status statuses[] = {
	{200, "application/json", "The report is valid. A real report has been written to disk before this "
	    "answer: keep its caseId and trackingToken. A test submission (testSubmission: true) was checked "
	    "and not stored; its message starts with \"Test Successful\"."},
	{400, "application/problem+json", "The report is not valid, or its body cannot be read. errors holds "
	    "every problem, keyed by field path; allowed holds the valid values where a list exists. Fix them "
	    "all and send the report again."},
	{404, "application/problem+json", "Nothing at this path; for the status endpoint, no report with this "
	    "case id and tracking token (the two are not told apart)."},
	{405, "application/problem+json", "This method is not allowed on this path; the Allow header lists "
	    "the methods that are."},
	{413, "application/problem+json", "The body is larger than this server accepts; send the indicators "
	    "in several reports."},
	{415, "application/problem+json", "The body is neither JSON nor application/x-www-form-urlencoded "
	    "(a body starting with { is JSON whatever its Content-Type says)."},
	{429, "application/problem+json", "Too many requests from this client; wait the number of seconds in "
	    "Retry-After before sending again."},
	{500, "application/problem+json", "The server failed; the answer says nothing of its internals. Send "
	    "the report again later and quote instance if it goes on."},
	{503, "application/problem+json", "The server is busy or cannot store just now: the report was NOT "
	    "received. Wait the number of seconds in Retry-After and send it again."},
};

static const char *const rules[] = {
	"threatType decides which incidentType values are valid, and the two together which attackMethod "
	"values are; where an incident type has no attack methods, leave attackMethod out. The table of "
	"reportable incident types lists them all, and GET /report/v2.0/taxonomy gives them as JSON.",
	"A report whose threat type is identified by an IP address (IP Address) needs at least one reported "
	"address: sourceIp, or an item of ipAddressList, every item then with its sourceIp. With none, the "
	"error is keyed sourceIp.",
	"A report whose threat type is identified by a URL (URL) needs at least one URL: sourceUrl, "
	"destinationUrl, or an item of urlList with either. When no sourceUrl is given anywhere, the "
	"destination URLs are the reported ones and the rules of reported URLs apply to them. With no URL, "
	"the error is keyed sourceUrl. ipAddressList items in a URL report are checked, not required.",
	"Reported addresses (sourceIp, the sourceIp of list items, IP hosts of reported URLs) must be public: "
	"private, loopback, link-local, multicast, documentation and other special-purpose ranges are refused, "
	"IPv4-mapped IPv6 included. Destination (victim) addresses need only be valid. Where the operator has "
	"set its scope, reported addresses and hosts outside its networks and domains are refused.",
	"date alone is enough; time or timeZone without date is an error keyed date. timeZone defaults to UTC. "
	"Without date, time and timeZone the incident time is the time the report was received. The incident "
	"may not be more than 24 hours after the time of receipt.",
	"reporterPhone is another name for phoneNumber; if both are given they must be equal. source is "
	"accepted and ignored.",
	"An indicator given twice in one report is kept once; duplicatesMerged in the answer says how many "
	"were merged. Lists have no fixed cap: the body size bounds them.",
	"Every problem is reported at once, keyed by field path (reporterEmail, ipAddressList[3].sourceIp, "
	"body); a property that is not in the schema is reported under its own name.",
	"testSubmission: true checks everything and stores nothing: use it while writing a client.",
};

static const char *const versioning[] = {
	"The version is in the path: /report/v2.0/. Within v2.0 changes are additive only: new optional "
	"properties, new incident types and attack methods in the taxonomy, new members in answers. A client "
	"should ignore answer members it does not know, and take valid values from GET /report/v2.0/taxonomy "
	"or the developer page rather than hard-coding them.",
	"A change that could break a working client (a property removed or renamed, a rule made stricter, "
	"another status for the same request) comes as a new version under a new path, served side by side "
	"with the old one. A taxonomy value is not removed without notice either.",
	"An old version is announced before it goes. Every answer it gives then carries a Deprecation header "
	"(RFC 9745, the time it was deprecated, as in Deprecation: @1767225600), a Sunset header (RFC 8594, "
	"the time after which it may stop answering, as in Sunset: Thu, 01 Apr 2027 00:00:00 GMT) and a Link "
	"header to the migration notes (rel=\"deprecation\"). The sunset is at least 30 days after the "
	"announcement, which is also made on the developer page; watch for these headers in your client's logs.",
};

const openapi_status *
openapi_statuses(size_t *n)
{
	*n = sizeof(statuses) / sizeof(statuses[0]);
	return statuses;
}

const char *const *
openapi_rules(size_t *n)
{
	*n = sizeof(rules) / sizeof(rules[0]);
	return rules;
}

const char *const *
openapi_versioning(size_t *n)
{
	*n = sizeof(versioning) / sizeof(versioning[0]);
	return versioning;
}

const char *
openapi_need_word(enum field_need need)
{
	return need == FN_REQUIRED ? "required" : need == FN_CONDITIONAL ? "conditional" : "optional";
}

/* ---- building blocks -------------------------------------------------------- */

cJSON *
openapi_need(cJSON *v)
{
	if (v == NULL) {
		fprintf(stderr, "abusedesk: out of memory building the OpenAPI document\n");
		abort();
	}
	return v;
}

void
openapi_add(cJSON *parent, const char *name, cJSON *item)
{
	int ok = cJSON_IsArray(parent) ? cJSON_AddItemToArray(parent, item) :
	    cJSON_AddItemToObject(parent, name, item);

	if (!ok)
		(void)openapi_need(NULL);
}

cJSON *
openapi_obj(cJSON *parent, const char *name)
{
	cJSON *o = cJSON_GetObjectItemCaseSensitive(parent, name);

	return o != NULL ? o : openapi_need(cJSON_AddObjectToObject(parent, name));
}

cJSON *
openapi_arr(cJSON *parent, const char *name)
{
	cJSON *a = cJSON_GetObjectItemCaseSensitive(parent, name);

	return a != NULL ? a : openapi_need(cJSON_AddArrayToObject(parent, name));
}

void
openapi_str(cJSON *parent, const char *name, const char *value)
{
	(void)openapi_need(cJSON_AddStringToObject(parent, name, value));
}

cJSON *
openapi_ref(const char *kind, const char *name)
{
	cJSON *o = openapi_need(cJSON_CreateObject());
	char ref[200];

	snprintf(ref, sizeof(ref), "#/components/%s/%s", kind, name);
	openapi_str(o, "$ref", ref);
	return o;
}

/* Add name to a, unless a holds it already. */
static void
add_once(cJSON *a, const char *name)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, a)
		if (strcmp(it->valuestring, name) == 0)
			return;
	openapi_add(a, NULL, openapi_need(cJSON_CreateString(name)));
}

cJSON *
openapi_incident_enum(const taxonomy *tax)
{
	cJSON *a = openapi_need(cJSON_CreateArray());
	size_t n = taxonomy_threat_count(tax);

	for (size_t i = 0; i < n; i++) {
		const tax_threat *t = taxonomy_threat_at(tax, i);

		for (size_t k = 0; k < t->n_incidents; k++)
			if (!t->incidents[k].portal_only)
				add_once(a, t->incidents[k].name);
	}
	return a;
}

cJSON *
openapi_attack_enum(const taxonomy *tax)
{
	cJSON *a = openapi_need(cJSON_CreateArray());
	size_t n = taxonomy_threat_count(tax);

	for (size_t i = 0; i < n; i++) {
		const tax_threat *t = taxonomy_threat_at(tax, i);

		for (size_t k = 0; k < t->n_incidents; k++)
			for (size_t m = 0; !t->incidents[k].portal_only && m < t->incidents[k].n_attacks; m++)
				add_once(a, t->incidents[k].attacks[m].name);
	}
	return a;
}

/* ---- answers ------------------------------------------------------------------ */

static cJSON *
header_ref(cJSON *response, const char *name)
{
	cJSON *h = openapi_obj(response, "headers");

	openapi_add(h, name, openapi_ref("headers", name));
	return response;
}

/* {"summary", "description", "value"} from an example (value copied). */
static cJSON *
example_object(const char *summary, const char *description, const cJSON *value)
{
	cJSON *o = openapi_need(cJSON_CreateObject());

	openapi_str(o, "summary", summary);
	if (description != NULL)
		openapi_str(o, "description", description);
	openapi_add(o, "value", openapi_need(cJSON_Duplicate(value, 1)));
	return o;
}

/* The worked examples answered with status, keyed by id (as the request examples are). */
static cJSON *
answer_examples(const examples *ex, unsigned status)
{
	cJSON *o = openapi_need(cJSON_CreateObject());

	for (size_t i = 0; i < examples_count(ex); i++) {
		const examples_item *e = examples_at(ex, i);

		if (e->status == status)
			openapi_add(o, e->id, example_object(e->title, e->outcome == EXAMPLE_STORED ?
			    "caseId, message, trackingToken, statusUrl and receivedAt are placeholders: they differ "
			    "for every report." : NULL, e->response));
	}
	return o;
}

static cJSON *
content(cJSON *response, const char *type, cJSON *schema)
{
	cJSON *m = openapi_obj(openapi_obj(response, "content"), type);

	openapi_add(m, "schema", schema);
	return m;
}

static const char *
status_words(unsigned code)
{
	size_t n;
	const openapi_status *s = openapi_statuses(&n);

	for (size_t i = 0; i < n; i++)
		if (s[i].code == code)
			return s[i].when;
	return "";
}

/* A problem+json answer; example (taken) may be NULL. */
static cJSON *
problem_response(unsigned code, cJSON *sample)
{
	cJSON *r = openapi_need(cJSON_CreateObject());
	cJSON *m;

	openapi_str(r, "description", status_words(code));
	header_ref(r, "X-Request-Id");
	if (code == 405)
		header_ref(r, "Allow");
	if (code == 429 || code == 503)
		header_ref(r, "Retry-After");
	m = content(r, "application/problem+json", openapi_ref("schemas", "Problem"));
	if (sample != NULL)
		openapi_add(m, "example", sample);
	return r;
}

/* The methods of the API's routes at path, as route.c lists them in Allow. */
static void
allow_text(const char *path, buf *b)
{
	size_t n;
	const http_route *r = api_abuse_routes(&n);
	int any = 0;

	for (size_t i = 0; i < n; i++) {
		if (r[i].prefix || strcmp(r[i].path, path) != 0)
			continue;
		(void)buf_printf(b, "%s%s", any ? ", " : "", r[i].method);
		if (strcmp(r[i].method, "GET") == 0)
			(void)buf_puts(b, ", HEAD");
		any = 1;
	}
}

/* 405, 413 and 415 as this server answers them for POST path. */
static cJSON *
post_error(unsigned code, const app *a, const char *path)
{
	size_t n;
	const http_route *r = api_abuse_routes(&n), *post = NULL;
	char msg[400];
	buf allow;

	for (size_t i = 0; i < n; i++)
		if (!r[i].prefix && strcmp(r[i].path, path) == 0 && strcmp(r[i].method, "POST") == 0)
			post = &r[i];
	if (code == 413) {
		snprintf(msg, sizeof(msg), "The request body is larger than %zu bytes, the most this endpoint accepts.",
		    post != NULL && post->max_body ? post->max_body : a->cfg->max_body_bytes);
		return problem_response(413, openapi_need(examples_problem(413, "Request body too large", msg)));
	}
	if (code == 415) {
		snprintf(msg, sizeof(msg), "This endpoint accepts %s.",
		    post != NULL && post->accept_text != NULL ? post->accept_text : "no request body");
		return problem_response(415, openapi_need(examples_problem(415, "Unsupported media type", msg)));
	}
	buf_init(&allow, 256);
	allow_text(path, &allow);
	snprintf(msg, sizeof(msg), "GET is not allowed here; allowed: %s.", buf_str(&allow));
	buf_cleanup(&allow);
	return problem_response(405, openapi_need(examples_problem(405, "Method not allowed", msg)));
}

static cJSON *
request_body(const examples *ex)
{
	cJSON *rb = openapi_need(cJSON_CreateObject());
	cJSON *m, *exs;
	char desc[1200];

	openapi_str(rb, "description", "The report: JSON (a body starting with { is read as JSON whatever its "
	    "Content-Type says, so clients that send JSON without a Content-Type or under a form Content-Type "
	    "work too), or application/x-www-form-urlencoded fields. The query string is ignored.");
	openapi_add(rb, "required", openapi_need(cJSON_CreateTrue()));
	m = content(rb, "application/json", openapi_ref("schemas", "AbuseReport"));
	exs = openapi_obj(m, "examples");
	for (size_t i = 0; i < examples_count(ex); i++) {
		const examples_item *e = examples_at(ex, i);

		snprintf(desc, sizeof(desc), "%s. %s", e->origin, e->description);
		openapi_add(exs, e->id, example_object(e->title, desc, e->request));
	}
	content(rb, "application/x-www-form-urlencoded", openapi_ref("schemas", "AbuseReportForm"));
	return rb;
}

static cJSON *
post_abuse(const app *a, const examples *ex)
{
	cJSON *op = openapi_need(cJSON_CreateObject());
	cJSON *res, *r, *one;

	openapi_add(op, "tags", openapi_need(cJSON_CreateStringArray((const char *[]){"Reports"}, 1)));
	openapi_str(op, "operationId", "submitReport");
	openapi_str(op, "summary", "Report abuse");
	openapi_str(op, "description", "Send one report. Every problem is answered at once (400). With "
	    "testSubmission: true the report is checked and not stored: the examples here all use it except "
	    "\"A real report\". A 200 for a real report means it is on disk.");
	openapi_add(op, "requestBody", request_body(ex));
	res = openapi_obj(op, "responses");
	r = header_ref(openapi_obj(res, "200"), "X-Request-Id");
	openapi_str(r, "description", status_words(200));
	one = openapi_arr(openapi_obj(content(r, "application/json", openapi_need(cJSON_CreateObject())),
	    "schema"), "oneOf");
	openapi_add(one, NULL, openapi_ref("schemas", "ReportAccepted"));
	openapi_add(one, NULL, openapi_ref("schemas", "TestAccepted"));
	openapi_add(openapi_obj(openapi_obj(r, "content"), "application/json"), "examples", answer_examples(ex, 200));
	r = header_ref(openapi_obj(res, "400"), "X-Request-Id");
	openapi_str(r, "description", status_words(400));
	openapi_add(content(r, "application/problem+json", openapi_ref("schemas", "ValidationProblem")),
	    "examples", answer_examples(ex, 400));
	openapi_add(res, "405", post_error(405, a, "/report/v2.0/abuse"));
	openapi_add(res, "413", post_error(413, a, "/report/v2.0/abuse"));
	openapi_add(res, "415", post_error(415, a, "/report/v2.0/abuse"));
	openapi_add(res, "429", openapi_ref("responses", "TooManyRequests"));
	openapi_add(res, "500", openapi_ref("responses", "InternalError"));
	openapi_add(res, "503", openapi_ref("responses", "Unavailable"));
	return op;
}

static cJSON *
parameter(const char *name, const char *in, int required, const char *format, const char *description)
{
	cJSON *p = openapi_need(cJSON_CreateObject());
	cJSON *s;

	openapi_str(p, "name", name);
	openapi_str(p, "in", in);
	openapi_add(p, "required", openapi_need(cJSON_CreateBool(required)));
	openapi_str(p, "description", description);
	s = openapi_obj(p, "schema");
	openapi_str(s, "type", "string");
	if (format != NULL)
		openapi_str(s, "format", format);
	return p;
}

/* Indicators a report holds, as abuse.c counts them for the store: each IP and URL, both sides. */
static int
indicator_count(const cJSON *r)
{
	static const char *const sides[] = {"sourceIp", "destinationIp", "sourceUrl", "destinationUrl"};
	const cJSON *item;
	int n = 0;

	for (size_t i = 0; i < 4; i++)
		n += cJSON_GetObjectItemCaseSensitive(r, sides[i]) != NULL;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(r, "ipAddressList"))
		for (size_t i = 0; i < 4; i++)
			n += cJSON_GetObjectItemCaseSensitive(item, sides[i]) != NULL;
	cJSON_ArrayForEach(item, cJSON_GetObjectItemCaseSensitive(r, "urlList"))
		for (size_t i = 0; i < 4; i++)
			n += cJSON_GetObjectItemCaseSensitive(item, sides[i]) != NULL;
	return n;
}

/* The status a stored example would show: its taxonomy names and count of indicators. */
cJSON *
openapi_status_example(const examples *ex)
{
	for (size_t i = 0; i < examples_count(ex); i++) {
		const examples_item *e = examples_at(ex, i);
		const cJSON *r = cJSON_GetObjectItemCaseSensitive(e->response, "report");
		cJSON *o;

		if (e->outcome != EXAMPLE_STORED || r == NULL)
			continue;
		o = openapi_need(cJSON_CreateObject());
		openapi_str(o, "caseId", EXAMPLE_CASE_ID);
		openapi_str(o, "status", "received");
		openapi_str(o, "receivedAt", EXAMPLE_RECEIVED_AT);
		openapi_str(o, "updatedAt", EXAMPLE_RECEIVED_AT);
		for (const char *const *k = (const char *const[]){"threatType", "incidentType", "attackMethod", NULL};
		    *k != NULL; k++)
			if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(r, *k)))
				openapi_str(o, *k, cJSON_GetObjectItemCaseSensitive(r, *k)->valuestring);
		openapi_add(o, "indicatorCount", openapi_need(cJSON_CreateNumber(indicator_count(r))));
		return o;
	}
	return NULL;
}

static cJSON *
get_status(const examples *ex)
{
	cJSON *op = openapi_need(cJSON_CreateObject());
	cJSON *ps, *res, *r, *m, *sample = openapi_status_example(ex);

	openapi_add(op, "tags", openapi_need(cJSON_CreateStringArray((const char *[]){"Reports"}, 1)));
	openapi_str(op, "operationId", "getReportStatus");
	openapi_str(op, "summary", "Read a report's status");
	openapi_str(op, "description", "Give the tracking token the report's 200 answer carried, in the "
	    "X-Tracking-Token header (or the token query parameter). A wrong token and an unknown case id get "
	    "the same 404.");
	ps = openapi_arr(op, "parameters");
	openapi_add(ps, NULL, parameter("caseId", "path", 1, "uuid", "The case id of the report's 200 answer."));
	openapi_add(ps, NULL, parameter("X-Tracking-Token", "header", 0, NULL, "The tracking token of the "
	    "report's 200 answer."));
	openapi_add(ps, NULL, parameter("token", "query", 0, NULL, "The tracking token, for clients that "
	    "cannot set a header."));
	res = openapi_obj(op, "responses");
	r = header_ref(openapi_obj(res, "200"), "X-Request-Id");
	openapi_str(r, "description", "The report's status.");
	m = content(r, "application/json", openapi_ref("schemas", "ReportStatus"));
	if (sample != NULL)
		openapi_add(m, "example", sample);
	openapi_add(res, "404", problem_response(404, openapi_need(examples_problem(404, "Not found",
	    "There is no report with this case id and tracking token."))));
	openapi_add(res, "503", openapi_ref("responses", "Unavailable"));
	return op;
}

static cJSON *
get_document(const char *id, const char *summary, const char *description, cJSON *schema, cJSON *sample)
{
	cJSON *op = openapi_need(cJSON_CreateObject());
	cJSON *r, *m;

	openapi_add(op, "tags", openapi_need(cJSON_CreateStringArray((const char *[]){"Documents"}, 1)));
	openapi_str(op, "operationId", id);
	openapi_str(op, "summary", summary);
	openapi_str(op, "description", description);
	r = header_ref(openapi_obj(openapi_obj(op, "responses"), "200"), "X-Request-Id");
	openapi_str(r, "description", summary);
	m = content(r, "application/json", schema);
	if (sample != NULL)
		openapi_add(m, "example", sample);
	return op;
}

/* ---- the document ------------------------------------------------------------- */

static void
header(cJSON *headers, const char *name, const char *type, const char *description)
{
	cJSON *h = openapi_obj(headers, name);

	openapi_str(h, "description", description);
	openapi_str(openapi_obj(h, "schema"), "type", type);
}

static cJSON *
components(const taxonomy *tax)
{
	cJSON *c = openapi_need(cJSON_CreateObject());
	cJSON *h, *r;

	openapi_add(c, "schemas", openapi_schemas(tax));
	r = openapi_obj(c, "responses");
	openapi_add(r, "TooManyRequests", problem_response(429, NULL));
	openapi_add(r, "InternalError", problem_response(500, NULL));
	openapi_add(r, "Unavailable", problem_response(503, NULL));
	h = openapi_obj(c, "headers");
	header(h, "X-Request-Id", "string", "This request's id; the same as in a problem's instance. Quote it "
	    "when asking the operator about a request.");
	header(h, "Retry-After", "integer", "Seconds to wait before sending again.");
	header(h, "Allow", "string", "The methods this path allows.");
	header(h, "Deprecation", "string", "RFC 9745: present once this version is deprecated, with the time "
	    "it was (@epoch-seconds). See the versioning policy.");
	header(h, "Sunset", "string", "RFC 8594: the HTTP date after which this version may stop answering.");
	return c;
}

static cJSON *
info(const app *a)
{
	cJSON *i = openapi_need(cJSON_CreateObject());
	size_t n;
	const char *const *v = openapi_versioning(&n);
	buf b;
	char *text;

	buf_init(&b, TEXT_MAX);
	openapi_str(i, "title", "Report Abuse API");
	(void)buf_printf(&b, "Report abuse coming from the networks and services of %s.", a->cfg->operator_name);
	openapi_str(i, "summary", buf_str(&b));
	buf_reset(&b);
	(void)buf_puts(&b, "Send abuse reports about IP addresses and URLs: threat type, incident type, attack "
	    "method, when it happened, the indicators. Every problem of a report is answered at once, keyed "
	    "by field path. Set testSubmission to true while you try: the report is checked and not stored.\n\n"
	    "The developer page, /report/developer, has the same content with examples in curl, PowerShell "
	    "and Python and the table of reportable incident types.\n\n## Versioning and deprecation\n");
	for (size_t k = 0; k < n; k++)
		(void)buf_printf(&b, "\n%s\n", v[k]);
	text = buf_detach(&b, NULL);
	openapi_str(i, "description", text != NULL ? text : "");
	free(text);
	openapi_str(i, "version", OPENAPI_API_VERSION);
	return i;
}

static cJSON *
tags(void)
{
	static const char *const t[][2] = {
		{"Reports", "Submitting reports and following them up."},
		{"Documents", "The taxonomy and this document, for clients that build forms or code."},
	};
	cJSON *a = openapi_need(cJSON_CreateArray());

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		cJSON *o = openapi_need(cJSON_CreateObject());

		openapi_str(o, "name", t[i][0]);
		openapi_str(o, "description", t[i][1]);
		openapi_add(a, NULL, o);
	}
	return a;
}

static cJSON *
document(const app *a, const examples *ex)
{
	cJSON *d = openapi_need(cJSON_CreateObject());
	cJSON *paths, *docs, *self;
	cJSON *tax = openapi_need(taxonomy_to_json(a->tax));

	openapi_str(d, "openapi", OPENAPI_VERSION);
	openapi_add(d, "info", info(a));
	docs = openapi_obj(d, "externalDocs");
	openapi_str(docs, "description", "The developer page");
	openapi_str(docs, "url", "/report/developer");
	openapi_add(d, "tags", tags());
	paths = openapi_obj(d, "paths");
	openapi_add(openapi_obj(paths, "/report/v2.0/abuse"), "post", post_abuse(a, ex));
	openapi_add(openapi_obj(paths, "/report/v2.0/abuse/{caseId}"), "get", get_status(ex));
	openapi_add(openapi_obj(paths, "/report/v2.0/taxonomy"), "get", get_document("getTaxonomy",
	    "The taxonomy", "Threat types, incident types, attack methods with their descriptions, "
	    "severities and time-zone abbreviations: the values the validator accepts.",
	    openapi_ref("schemas", "Taxonomy"), tax));
	self = openapi_need(cJSON_CreateObject());
	openapi_str(self, "type", "object");
	openapi_str(self, "description", "An OpenAPI 3.1 document.");
	openapi_add(openapi_obj(paths, OPENAPI_PATH), "get", get_document("getOpenApi", "This document",
	    "The OpenAPI 3.1 document of this API, generated from the same field rules and taxonomy as the "
	    "validator.", self, NULL));
	openapi_add(d, "components", components(a->tax));
	return d;
}

int
openapi_init(app *a, char *err, size_t errlen)
{
	vcontext ctx = {a->tax, &a->scope, (int64_t)time(NULL), VALIDATE_CHANNEL_API};
	cJSON *d;
	buf b;

	if (examples_build((const char *)embedded_examples, embedded_examples_len, &ctx, &a->examples,
	    err, errlen) < 0)
		return -1;
	d = document(a, a->examples);
	buf_init(&b, DOC_MAX);
	if (json_pretty(&b, d) < 0 || buf_putc(&b, '\n') < 0) {
		snprintf(err, errlen, "the OpenAPI document is larger than %u bytes", DOC_MAX);
		buf_cleanup(&b);
		cJSON_Delete(d);
		return -1;
	}
	cJSON_Delete(d);
	a->openapi_json = buf_detach(&b, &a->openapi_json_len);
	return 0;
}

void
openapi_cleanup(app *a)
{
	examples_free(a->examples);
	a->examples = NULL;
	free(a->openapi_json);
	a->openapi_json = NULL;
	a->openapi_json_len = 0;
}

static void
get_openapi(http_request *req)
{
	app *a = http_app(req);

	http_add_header(req, "Cache-Control", "public, max-age=300");
	/* A public document: tools such as online editors may fetch it from other origins. */
	http_add_header(req, "Access-Control-Allow-Origin", "*");
	http_reply_bytes(req, 200, "application/json", a->openapi_json, a->openapi_json_len, 1);
}

static const http_route routes[] = {
	{"GET", OPENAPI_PATH, 0, get_openapi, 0, 0, NULL},
};

const http_route *
api_openapi_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
