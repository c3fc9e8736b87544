/*
 * portal.c -- the Report Abuse Portal's routes: the form (GET and POST
 * /report/abuse), live validation (POST /report/abuse/validate) and a
 * report's status page (GET /report/abuse/status/{caseId}?token=...).
 *
 * A POST is read into the API's own field shape: multipart/form-data parts
 * (util/multipart.h) are re-encoded as an x-www-form-urlencoded body and
 * given to form_parse(), the parser of the API's form bodies, so the two
 * cannot differ in what a field name means.  The form's own fields are then
 * taken out: the token, the action, the honeypot, and the file part.
 *
 * The action says what the person pressed.  "submit" (or none: the Enter
 * key) files the report (portal_submit.c).  Without JavaScript the other
 * buttons post the form back and get it again, nothing validated or stored:
 * "update" after a new threat or incident type (the lists below it are
 * rebuilt), "add-ip"/"add-url" for another row, "remove-ip-N"/"remove-url-N".
 *
 * The form is pre-filled from the query string the way the operator's own
 * documentation links do: ThreatType, IncidentType, AttackMethod, SourceIp
 * and SourceUrl, names in any letter case.
 */
#include "web/portal.h"
#include "api/answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/verrors.h"
#include "log.h"
#include "util/form.h"
#include "util/jsonbody.h"
#include "util/multipart.h"


/* ---- reading a form ------------------------------------------------------- */

/* Append s[0..n) %-encoded (everything but unreserved characters). */
static int
encode(buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		char e[3] = {'%', hex[c >> 4], hex[c & 15]};

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~') {
			if (buf_putc(b, (char)c) < 0)
				return -1;
		} else if (buf_append(b, e, 3) < 0) {
			return -1;
		}
	}
	return 0;
}

/* Take the file part; -1 (message in why) when it is not the form's file field. */
static int
take_file(portal_input *in, const multipart_part *p, char *why, size_t whylen)
{
	if (p->name_len != strlen(PORTAL_FIELD_FILE) || memcmp(p->name, PORTAL_FIELD_FILE, p->name_len) != 0) {
		snprintf(why, whylen, "the form sent a file as '%.*s'; files go in '" PORTAL_FIELD_FILE "'",
		    (int)(p->name_len < 64 ? p->name_len : 64), p->name);
		return -1;
	}
	if (p->filename_len == 0 && p->data_len == 0)
		return 0;                  /* the file input was left empty */
	in->has_file = 1;
	in->file_name = p->filename;
	in->file_name_len = p->filename_len;
	in->file_type = p->type;
	in->file_type_len = p->type_len;
	in->file_data = p->data;
	in->file_size = p->data_len;
	return 0;
}

/* The parts other than the file, as one urlencoded body in b. */
static int
parts_to_form(portal_input *in, const multipart_part *parts, size_t n, buf *b, char *why, size_t whylen)
{
	for (size_t i = 0; i < n; i++) {
		const multipart_part *p = &parts[i];

		if (p->filename != NULL) {
			if (take_file(in, p, why, whylen) < 0)
				return -1;
			continue;
		}
		if ((b->len > 0 && buf_putc(b, '&') < 0) || encode(b, p->name, p->name_len) < 0 ||
		    buf_putc(b, '=') < 0 || encode(b, p->data, p->data_len) < 0) {
			snprintf(why, whylen, "the form's fields are too large");
			return -1;
		}
	}
	return 0;
}

static int
parse_form_text(const char *text, size_t len, cJSON **out, char *why, size_t whylen)
{
	form_limits fl = {LIMIT_MULTIPART_PARTS, LIMIT_MULTIPART_PARTS, LIMIT_KEY_CHARS * 4};
	form_error fe;

	if (form_parse(text, len, &fl, out, &fe) == 0)
		return 0;
	snprintf(why, whylen, "%s", fe.message);
	return -1;
}

/* A multipart body into in; -1 with a message for the top of the page. */
static int
read_multipart(http_request *req, portal_input *in, char *why, size_t whylen)
{
	static const multipart_limits ml = {LIMIT_MULTIPART_PARTS, LIMIT_MULTIPART_HEADER,
	    LIMIT_MULTIPART_FIELD, LIMIT_PORTAL_FORM_BYTES, 1};
	multipart_part *parts = calloc(LIMIT_MULTIPART_PARTS, sizeof *parts);
	char boundary[MULTIPART_BOUNDARY_MAX + 1];
	multipart_error me;
	size_t len, n = 0;
	const char *body = http_body(req, &len);
	buf b;
	int rc = -1;

	buf_init(&b, 3 * LIMIT_PORTAL_FORM_BYTES);
	if (parts == NULL) {
		snprintf(why, whylen, "the server is short of memory; try again shortly");
	} else if (multipart_boundary(http_content_type(req), boundary, sizeof boundary, &me) < 0 ||
	    multipart_parse(body, len, boundary, &ml, parts, &n, &me) < 0) {
		snprintf(why, whylen, "%s", me.message);
	} else if (parts_to_form(in, parts, n, &b, why, whylen) == 0) {
		rc = parse_form_text(buf_str(&b), b.len, &in->fields, why, whylen);
	}
	buf_cleanup(&b);
	free(parts);
	return rc;
}

/* Take a string field of the form's own out of fields into out ("" when absent). */
static void
take_control(cJSON *fields, const char *name, char *out, size_t outlen)
{
	cJSON *v = cJSON_DetachItemFromObjectCaseSensitive(fields, name);

	out[0] = '\0';
	if (cJSON_IsString(v))
		snprintf(out, outlen, "%s", v->valuestring);
	cJSON_Delete(v);
}

/* The request's body into in: 0, or -1 with why. */
static int
read_input(http_request *req, portal_input *in, char *why, size_t whylen)
{
	char honey[64];
	int rc;

	memset(in, 0, sizeof *in);
	if (http_body_type(req) == HTTP_BODY_MULTIPART) {
		rc = read_multipart(req, in, why, whylen);
	} else {
		size_t len;
		const char *body = http_body(req, &len);

		rc = parse_form_text(body, len, &in->fields, why, whylen);
	}
	if (rc < 0)
		return -1;
	take_control(in->fields, PORTAL_FIELD_CSRF, in->csrf, sizeof in->csrf);
	take_control(in->fields, PORTAL_FIELD_ACTION, in->action, sizeof in->action);
	take_control(in->fields, PORTAL_FIELD_HONEYPOT, honey, sizeof honey);
	in->honeypot = honey[strspn(honey, " \t\r\n")] != '\0';
	return 0;
}

/* ---- choices, rows and pre-fill --------------------------------------------- */

static void
set_value(cJSON *fields, const char *name, const char *value)
{
	cJSON_DeleteItemFromObjectCaseSensitive(fields, name);
	if (value != NULL)
		(void)cJSON_AddStringToObject(fields, name, value);
}

/* Keep threatType, incidentType and attackMethod only where they fit together, in canonical spelling. */
static void
fit_choices(const app *a, cJSON *fields)
{
	const tax_threat *t = taxonomy_find_threat(a->tax, portal_value(fields, "threatType"));
	const tax_incident *i = t != NULL ? taxonomy_find_incident(t, portal_value(fields, "incidentType")) : NULL;
	const tax_attack *m = i != NULL ? taxonomy_find_attack(i, portal_value(fields, "attackMethod")) : NULL;

	set_value(fields, "threatType", t != NULL ? t->name : NULL);
	set_value(fields, "incidentType", i != NULL ? i->name : NULL);
	set_value(fields, "attackMethod", m != NULL ? m->name : NULL);
}

/* "add-ip": one more row, if the form has room; *focus names its first field. */
static void
add_row(cJSON *fields, int url, char *focus, size_t focuslen)
{
	const char *name = url ? "urlList" : "ipAddressList";
	cJSON *list = cJSON_GetObjectItemCaseSensitive(fields, name);

	if (!cJSON_IsArray(list)) {
		cJSON_DeleteItemFromObjectCaseSensitive(fields, name);
		list = cJSON_AddArrayToObject(fields, name);
	}
	if (list == NULL || portal_rows(fields, url) >= LIMIT_PORTAL_ROWS)
		return;
	(void)cJSON_AddItemToArray(list, cJSON_CreateObject());
	snprintf(focus, focuslen, "%s[%d].%s", name, cJSON_GetArraySize(list) - 1, url ? "sourceUrl" : "sourceIp");
}

static void
remove_row(cJSON *fields, int url, const char *index)
{
	cJSON *list = cJSON_GetObjectItemCaseSensitive(fields, url ? "urlList" : "ipAddressList");
	size_t i = 0, n = strspn(index, "0123456789");

	if (n == 0 || n > 4 || index[n] != '\0' || !cJSON_IsArray(list))
		return;
	for (size_t k = 0; k < n; k++)
		i = i * 10 + (size_t)(index[k] - '0');
	if (i < (size_t)cJSON_GetArraySize(list))
		cJSON_DeleteItemFromArray(list, (int)i);
}

/* The no-JavaScript buttons: change the form and show it again. */
static void
act(http_request *req, app *a, portal_input *in)
{
	char csrf[PORTAL_CSRF_TEXT], focus[96] = "";
	portal_view v = {in->fields, NULL, NULL, csrf, in->has_file, NULL};

	if (strcmp(in->action, "add-ip") == 0 || strcmp(in->action, "add-url") == 0)
		add_row(in->fields, in->action[4] == 'u', focus, sizeof focus);
	else if (strncmp(in->action, "remove-ip-", 10) == 0)
		remove_row(in->fields, 0, in->action + 10);
	else if (strncmp(in->action, "remove-url-", 11) == 0)
		remove_row(in->fields, 1, in->action + 11);
	else
		fit_choices(a, in->fields);
	v.focus = focus[0] != '\0' ? focus : NULL;
	portal_csrf_for(req, http_received_ms(req) / 1000, csrf);
	portal_reply_form(req, a, 200, &v);
}

/* ?ThreatType=URL&IncidentType=Phishing&SourceUrl=... (names in any case: http_query looks them up so). */
static cJSON *
prefill(http_request *req, const app *a)
{
	static const char *const names[] = {"threatType", "incidentType", "attackMethod", "sourceIp", "sourceUrl"};
	cJSON *fields = cJSON_CreateObject();

	for (size_t i = 0; fields != NULL && i < sizeof names / sizeof names[0]; i++) {
		const char *v = http_query(req, names[i]);

		if (v != NULL && v[0] != '\0' && strlen(v) <= LIMIT_URL_CHARS * 4)
			(void)cJSON_AddStringToObject(fields, names[i], v);
	}
	if (fields != NULL)
		fit_choices(a, fields);
	return fields;
}

/* ---- handlers ---------------------------------------------------------------- */

static void
get_form(http_request *req)
{
	app *a = http_app(req);
	char csrf[PORTAL_CSRF_TEXT];
	cJSON *fields = prefill(req, a);
	portal_view v = {fields, NULL, NULL, csrf, 0, NULL};

	portal_csrf_for(req, http_received_ms(req) / 1000, csrf);
	portal_reply_form(req, a, 200, &v);
	cJSON_Delete(fields);
}

static void
post_form(http_request *req)
{
	app *a = http_app(req);
	char why[400], csrf[PORTAL_CSRF_TEXT];
	portal_input in;

	if (read_input(req, &in, why, sizeof why) < 0) {
		char notice[512];
		portal_view v = {NULL, NULL, notice, csrf, 0, NULL};

		snprintf(notice, sizeof notice, "The form could not be read: %s.", why);
		portal_csrf_for(req, http_received_ms(req) / 1000, csrf);
		portal_reply_form(req, a, 400, &v);
		return;
	}
	if (in.action[0] == '\0' || strcmp(in.action, "submit") == 0) {
		portal_submit(req, a, &in);
		return;
	}
	act(req, a, &in);
	cJSON_Delete(in.fields);
}

/* The API's 400 for a report that is not valid, word for word. */
static void
reply_invalid(http_request *req, const verrors *e)
{
	char line[ANSWERS_LINE_MAX];
	cJSON *extra = answers_invalid(e, line);

	http_reply_problem(req, 400, ANSWERS_INVALID_TITLE, line, extra);
}

static cJSON *
validate_body(http_request *req)
{
	size_t len;
	const char *body = http_body(req, &len);
	jsonbody_limits jl = {LIMIT_JSON_DEPTH, LIMIT_JSON_PROPS};
	jsonbody_error je;
	char why[400];
	portal_input in;
	cJSON *out = NULL;

	if (http_body_type(req) == HTTP_BODY_JSON) {
		if (jsonbody_parse(body, len, &jl, &out, &je) == 0)
			return out;
		snprintf(why, sizeof why, "%s", je.message);
	} else if (read_input(req, &in, why, sizeof why) == 0) {
		return in.fields;
	}
	http_reply_problem(req, 400, "The form could not be read", why, NULL);
	return NULL;
}

/* POST /report/abuse/validate: the form's fields checked as a submission would be; nothing stored. */
static void
post_validate(http_request *req)
{
	app *a = http_app(req);
	vcontext ctx = {a->tax, &a->scope, http_received_ms(req) / 1000, VALIDATE_CHANNEL_PORTAL};
	cJSON *body = validate_body(req), *o;
	verrors *e;
	report r;

	if (body == NULL)
		return;
	e = verrors_new();
	if (validate_report(&ctx, body, &r, e) < 0) {
		reply_invalid(req, e);
	} else {
		o = cJSON_CreateObject();
		cJSON_AddStringToObject(o, "code", "OK");
		cJSON_AddStringToObject(o, "message", "The report is valid. It was not stored.");
		cJSON_AddItemToObject(o, "report", report_to_json(&r));
		http_reply_json(req, 200, o);
		report_cleanup(&r);
	}
	verrors_free(e);
	cJSON_Delete(body);
}

/* ---- routes ------------------------------------------------------------------- */

static http_route routes[] = {
	{"GET", PORTAL_PATH, 0, get_form, 0, 0, NULL},
	{"POST", PORTAL_PATH, 0, post_form, 0, HTTP_BODY_MULTIPART | HTTP_BODY_FORM,
	 "multipart/form-data or application/x-www-form-urlencoded"},
	{"POST", PORTAL_VALIDATE_PATH, 0, post_validate, LIMIT_PORTAL_FORM_BYTES,
	 HTTP_BODY_FORM | HTTP_BODY_JSON, "application/x-www-form-urlencoded or application/json"},
	{"GET", PORTAL_STATUS_PATH, 1, portal_status_page, 0, 0, NULL},
};

/*
 * The form's body limit: the largest file and the fields beside it, but
 * never more than the server may hold in flight at once (a body past that
 * could only ever be answered 503).
 */
int
web_portal_init(const config *cfg, char *err, size_t errlen)
{
	size_t want = cfg->attachment_max_bytes + LIMIT_PORTAL_FORM_BYTES;

	routes[1].max_body = want <= cfg->max_inflight_bytes ? want : cfg->max_inflight_bytes;
	if (want > cfg->max_inflight_bytes)
		log_message("portal", "max_inflight_bytes (%zu) is less than attachment_max_bytes and 1M for"
		    " the form's fields: form bodies over %zu bytes are refused", cfg->max_inflight_bytes,
		    cfg->max_inflight_bytes);
	portal_csrf_init();
	return portal_attach_init(err, errlen);
}

void
web_portal_cleanup(void)
{
	portal_attach_cleanup();
}

const http_route *
web_portal_routes(size_t *n)
{
	*n = sizeof routes / sizeof routes[0];
	return routes;
}
