/*
 * openapi_schema.c -- the JSON Schemas (2020-12, as OpenAPI 3.1 uses them)
 * of the v2.0 report and of the API's answers, generated from the field
 * table (core/fields.h) and the taxonomy.
 *
 * What comes from where:
 *   - a property's type, format, maxLength, need, rule and description,
 *     example: its row of the field table;
 *   - enums: the taxonomy (threat types; the union of incident types and of
 *     attack methods the API accepts; severities), aliases and the time-zone
 *     table in the descriptions;
 *   - the per-threat-type rules (which incident types, which attack methods,
 *     which indicator is needed): "if/then" conditionals built from the
 *     taxonomy, the indicator fields found by their kind in the table.
 * Schemas say a little less than the validator where JSON Schema cannot say
 * it (names match in any letter case; "true" as a string is a boolean):
 * the descriptions say it in words.
 */
#include "api/openapi.h"

#include "api/examples.h"

#include <stdlib.h>
#include <string.h>

#include "util/buf.h"
#include "util/xalloc.h"

#define PORT_MIN 1                      /* as validate.c checks ports */
#define PORT_MAX 65535
#define DESCRIPTION_MAX (64u * 1024)

/* ---- one property ------------------------------------------------------- */

/* The first property of kind k in table t (the table names them; the rules here go by kind). */
static const char *
name_of(enum field_table t, enum field_kind k)
{
	size_t n;
	const field_rule *f = fields_table(t, &n);

	for (size_t i = 0; i < n; i++)
		if (f[i].kind == k && f[i].alias_of == NULL)
			return f[i].name;
	return "";
}

static int
is_string_type(const field_rule *f)
{
	return strstr(f->type, "string") != NULL;
}

static void
add_type(cJSON *s, const field_rule *f, int normalized)
{
	if (strcmp(f->type, "string or integer") == 0) {
		if (normalized) {
			openapi_str(s, "type", "integer");
		} else {
			const char *both[] = {"string", "integer"};

			openapi_add(s, "type", openapi_need(cJSON_CreateStringArray(both, 2)));
		}
		return;
	}
	openapi_str(s, "type", f->type);
}

static void
append_aliases(buf *b, const char *const *aliases, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		(void)buf_printf(b, "%s%s", i == 0 ? "" : ", ", aliases[i]);
	if (n > 0)
		(void)buf_printf(b, " (for %s)", name);
}

/* Sentences for taxonomy-valued properties: aliases, portal-only values. */
static void
taxonomy_words(buf *b, const field_rule *f, const taxonomy *tax)
{
	size_t nt = taxonomy_threat_count(tax);

	if (f->kind == FK_THREAT || f->kind == FK_INCIDENT || f->kind == FK_ATTACK || f->kind == FK_SEVERITY)
		(void)buf_puts(b, " Values match in any letter case and are answered in the spelling listed.");
	if (f->kind == FK_THREAT) {
		(void)buf_puts(b, " Also accepted:");
		for (size_t i = 0; i < nt; i++) {
			const tax_threat *t = taxonomy_threat_at(tax, i);

			(void)buf_putc(b, ' ');
			append_aliases(b, t->aliases, t->n_aliases, t->name);
		}
		(void)buf_putc(b, '.');
	}
	if (f->kind != FK_INCIDENT)
		return;
	for (size_t i = 0; i < nt; i++) {
		const tax_threat *t = taxonomy_threat_at(tax, i);

		for (size_t k = 0; k < t->n_incidents; k++) {
			const tax_incident *in = &t->incidents[k];

			if (in->portal_only)
				(void)buf_printf(b, " %s (%s) is reported through the portal only: the API refuses it.",
				    in->name, t->name);
			else if (in->n_aliases > 0) {
				(void)buf_puts(b, " Also accepted: ");
				append_aliases(b, in->aliases, in->n_aliases, in->name);
				(void)buf_printf(b, " under %s.", t->name);
			}
		}
	}
}

static void
zone_words(buf *b, const taxonomy *tax)
{
	size_t n = taxonomy_zone_count(tax);

	(void)buf_puts(b, " Abbreviations accepted:");
	for (size_t i = 0; i < n; i++) {
		int off;
		const char *abbr = taxonomy_zone_at(tax, i, &off);

		(void)buf_printf(b, "%s %s (%c%02d:%02d)", i == 0 ? "" : ",", abbr, off < 0 ? '-' : '+',
		    abs(off) / 60, abs(off) % 60);
	}
	(void)buf_puts(b, "; other abbreviations are refused as ambiguous or unknown.");
}

static void
add_description(cJSON *s, const field_rule *f, const taxonomy *tax)
{
	buf b;
	char *text;

	buf_init(&b, DESCRIPTION_MAX);
	(void)buf_printf(&b, "%s Rule (%s): %s.", f->description, openapi_need_word(f->need), f->rule);
	taxonomy_words(&b, f, tax);
	if (f->kind == FK_ZONE)
		zone_words(&b, tax);
	text = buf_detach(&b, NULL);
	openapi_str(s, "description", text != NULL ? text : f->description);
	free(text);
}

static cJSON *
taxonomy_enum(const field_rule *f, const taxonomy *tax)
{
	size_t n;
	cJSON *a;

	switch (f->kind) {
	case FK_THREAT:
		a = openapi_need(cJSON_CreateArray());
		n = taxonomy_threat_count(tax);
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, openapi_need(cJSON_CreateString(taxonomy_threat_at(tax, i)->name)));
		return a;
	case FK_INCIDENT:
		return openapi_incident_enum(tax);
	case FK_ATTACK:
		return openapi_attack_enum(tax);
	case FK_SEVERITY:
		a = openapi_need(cJSON_CreateArray());
		n = taxonomy_severity_count(tax);
		for (size_t i = 0; i < n; i++)
			cJSON_AddItemToArray(a, openapi_need(cJSON_CreateString(taxonomy_severity_at(tax, i))));
		return a;
	default:
		return NULL;
	}
}

/* The schema of one request property (normalized: as the answer's report has it). */
static cJSON *
property(const field_rule *f, const taxonomy *tax, int normalized)
{
	cJSON *s = openapi_need(cJSON_CreateObject());
	cJSON *e = taxonomy_enum(f, tax);

	if (f->kind == FK_IP_LIST || f->kind == FK_URL_LIST) {
		openapi_str(s, "type", "array");
		openapi_add(s, "items", openapi_ref("schemas", f->kind == FK_IP_LIST ? "IpAddressItem" : "UrlItem"));
	} else {
		add_type(s, f, normalized);
	}
	if (f->format != NULL)
		openapi_str(s, "format", f->format);
	if (f->max_chars > 0 && is_string_type(f) && !(normalized && f->kind == FK_PORT))
		openapi_add(s, "maxLength", openapi_need(cJSON_CreateNumber(f->max_chars)));
	if (f->kind == FK_PORT) {
		openapi_add(s, "minimum", openapi_need(cJSON_CreateNumber(PORT_MIN)));
		openapi_add(s, "maximum", openapi_need(cJSON_CreateNumber(PORT_MAX)));
	}
	if (e != NULL)
		openapi_add(s, "enum", e);
	if (normalized) {
		openapi_str(s, "description", f->description);
		return s;
	}
	if (f->kind == FK_BOOL)
		openapi_add(s, "default", openapi_need(cJSON_CreateFalse()));
	add_description(s, f, tax);
	if (f->example != NULL) {
		cJSON *ex = cJSON_Parse(f->example);

		if (ex != NULL)
			openapi_add(openapi_arr(s, "examples"), NULL, ex);
	}
	return s;
}

/* ---- the request --------------------------------------------------------- */

static cJSON *
properties(enum field_table t, const taxonomy *tax, int normalized, cJSON **required)
{
	size_t n;
	const field_rule *f = fields_table(t, &n);
	cJSON *props = openapi_need(cJSON_CreateObject());

	*required = openapi_need(cJSON_CreateArray());
	for (size_t i = 0; i < n; i++) {
		if (normalized && f[i].alias_of != NULL)
			continue;
		openapi_add(props, f[i].name, property(&f[i], tax, normalized));
		if (f[i].need == FN_REQUIRED)
			openapi_add(*required, NULL, openapi_need(cJSON_CreateString(f[i].name)));
	}
	return props;
}

static cJSON *
required_one(const char *name)
{
	cJSON *o = openapi_need(cJSON_CreateObject());

	openapi_add(openapi_arr(o, "required"), NULL, openapi_need(cJSON_CreateString(name)));
	return o;
}

/* {"properties": {name: {"const": value}}, "required": [name]} */
static cJSON *
when_equals(const char *name, const char *value)
{
	cJSON *o = required_one(name);

	openapi_str(openapi_obj(openapi_obj(o, "properties"), name), "const", value);
	return o;
}

/* The indicator a threat type needs: any one of the fields of that kind. */
static cJSON *
indicator_any(enum tax_indicator ind)
{
	size_t n;
	const field_rule *f = fields_table(FIELDS_REPORT, &n);
	cJSON *any = openapi_need(cJSON_CreateArray());

	for (size_t i = 0; i < n; i++) {
		int ip = (f[i].kind == FK_IP && f[i].need == FN_CONDITIONAL) || f[i].kind == FK_IP_LIST;
		int url = f[i].kind == FK_URL || f[i].kind == FK_URL_LIST;
		cJSON *one;

		if (!(ind == TAX_INDICATOR_IP ? ip : url))
			continue;
		one = required_one(f[i].name);
		if (f[i].kind == FK_IP_LIST || f[i].kind == FK_URL_LIST) {
			cJSON *list = openapi_obj(openapi_obj(one, "properties"), f[i].name);

			openapi_str(list, "type", "array");
			openapi_add(list, "minItems", openapi_need(cJSON_CreateNumber(1)));
		}
		openapi_add(any, NULL, one);
	}
	return any;
}

static cJSON *
incident_rule(const tax_incident *in)
{
	cJSON *o = openapi_need(cJSON_CreateObject());
	cJSON *attack;

	const char *am = name_of(FIELDS_REPORT, FK_ATTACK);

	openapi_add(o, "if", when_equals(name_of(FIELDS_REPORT, FK_INCIDENT), in->name));
	attack = openapi_obj(openapi_obj(o, "then"), "properties");
	if (in->n_attacks == 0) {
		openapi_add(attack, am, openapi_need(cJSON_CreateFalse()));
		return o;
	}
	attack = openapi_arr(openapi_obj(attack, am), "enum");
	for (size_t i = 0; i < in->n_attacks; i++)
		openapi_add(attack, NULL, openapi_need(cJSON_CreateString(in->attacks[i].name)));
	return o;
}

/* if threatType is t: its incident types, their attack methods, its indicator. */
static cJSON *
threat_rule(const tax_threat *t)
{
	cJSON *o = openapi_need(cJSON_CreateObject());
	cJSON *then, *inc, *all;
	const char *ip_item = name_of(FIELDS_IP_ITEM, FK_IP);

	openapi_add(o, "if", when_equals(name_of(FIELDS_REPORT, FK_THREAT), t->name));
	then = openapi_obj(o, "then");
	inc = openapi_arr(openapi_obj(openapi_obj(then, "properties"), name_of(FIELDS_REPORT, FK_INCIDENT)), "enum");
	all = openapi_arr(then, "allOf");
	for (size_t i = 0; i < t->n_incidents; i++) {
		if (t->incidents[i].portal_only)
			continue;
		openapi_add(inc, NULL, openapi_need(cJSON_CreateString(t->incidents[i].name)));
		openapi_add(all, NULL, incident_rule(&t->incidents[i]));
	}
	openapi_add(then, "anyOf", indicator_any(t->indicator));
	if (t->indicator == TAX_INDICATOR_IP) {
		cJSON *list = openapi_obj(openapi_obj(then, "properties"), name_of(FIELDS_REPORT, FK_IP_LIST));
		cJSON *item;

		openapi_str(list, "type", "array");
		item = openapi_obj(list, "items");
		openapi_str(item, "type", "object");
		openapi_add(item, "required", openapi_need(cJSON_CreateStringArray(&ip_item, 1)));
	}
	return o;
}

/* Fields that need another one: "time" and "timeZone" need "date". */
static cJSON *
dependent_required(void)
{
	size_t n;
	const field_rule *f = fields_table(FIELDS_REPORT, &n);
	cJSON *o = openapi_need(cJSON_CreateObject());
	const char *date = name_of(FIELDS_REPORT, FK_DATE);

	for (size_t i = 0; i < n; i++)
		if (f[i].kind == FK_TIME || f[i].kind == FK_ZONE)
			openapi_add(o, f[i].name, openapi_need(cJSON_CreateStringArray(&date, 1)));
	return o;
}

static cJSON *
rules_description(const char *lead)
{
	size_t n;
	const char *const *rules = openapi_rules(&n);
	buf b;
	char *text;
	cJSON *s;

	buf_init(&b, DESCRIPTION_MAX);
	(void)buf_printf(&b, "%s\n\nRules that tie properties together:\n", lead);
	for (size_t i = 0; i < n; i++)
		(void)buf_printf(&b, "\n- %s", rules[i]);
	text = buf_detach(&b, NULL);
	s = openapi_need(cJSON_CreateString(text != NULL ? text : lead));
	free(text);
	return s;
}

static cJSON *
report_schema(const taxonomy *tax)
{
	cJSON *s = openapi_need(cJSON_CreateObject());
	cJSON *required, *all;
	size_t nt = taxonomy_threat_count(tax);

	openapi_str(s, "title", "A v2.0 abuse report");
	openapi_add(s, "description", rules_description("One flat JSON object. A property that is not listed "
	    "makes the report invalid (400, keyed by its name). Strings are trimmed; an empty string or null "
	    "in an optional property counts as absent."));
	openapi_str(s, "type", "object");
	openapi_add(s, "properties", properties(FIELDS_REPORT, tax, 0, &required));
	openapi_add(s, "required", required);
	openapi_add(s, "additionalProperties", openapi_need(cJSON_CreateFalse()));
	openapi_add(s, "dependentRequired", dependent_required());
	all = openapi_arr(s, "allOf");
	for (size_t i = 0; i < nt; i++)
		openapi_add(all, NULL, threat_rule(taxonomy_threat_at(tax, i)));
	return s;
}

static cJSON *
item_schema(enum field_table t, const taxonomy *tax, const char *title, const char *lead)
{
	cJSON *s = openapi_need(cJSON_CreateObject());
	cJSON *required;

	openapi_str(s, "title", title);
	openapi_str(s, "description", lead);
	openapi_str(s, "type", "object");
	openapi_add(s, "properties", properties(t, tax, 0, &required));
	cJSON_Delete(required);
	openapi_add(s, "additionalProperties", openapi_need(cJSON_CreateFalse()));
	if (t == FIELDS_URL_ITEM) {
		cJSON *any = openapi_arr(s, "anyOf");
		size_t n;
		const field_rule *f = fields_table(t, &n);

		for (size_t i = 0; i < n; i++)
			openapi_add(any, NULL, required_one(f[i].name));
	}
	return s;
}

/* The same report as application/x-www-form-urlencoded fields: every value a string. */
static cJSON *
form_schema(const taxonomy *tax)
{
	size_t n;
	const field_rule *f = fields_table(FIELDS_REPORT, &n);
	cJSON *s = openapi_need(cJSON_CreateObject());
	cJSON *props, *pat, *required = openapi_need(cJSON_CreateArray());

	openapi_str(s, "title", "A v2.0 abuse report as form fields");
	openapi_str(s, "description", "The properties of AbuseReport as flat form fields, with the same rules. "
	    "Booleans are the words true or false; list items are named by their path, "
	    "ipAddressList[0].sourceIp=8.8.8.8&urlList[1].destinationUrl=...; a field name given twice is an error.");
	openapi_str(s, "type", "object");
	props = openapi_obj(s, "properties");
	for (size_t i = 0; i < n; i++) {
		cJSON *p;

		if (f[i].kind == FK_IP_LIST || f[i].kind == FK_URL_LIST)
			continue;
		p = property(&f[i], tax, 0);
		cJSON_ReplaceItemInObjectCaseSensitive(p, "type", openapi_need(cJSON_CreateString("string")));
		cJSON_DeleteItemFromObjectCaseSensitive(p, "default");
		cJSON_DeleteItemFromObjectCaseSensitive(p, "examples");
		cJSON_DeleteItemFromObjectCaseSensitive(p, "minimum");
		cJSON_DeleteItemFromObjectCaseSensitive(p, "maximum");
		openapi_add(props, f[i].name, p);
		if (f[i].need == FN_REQUIRED)
			openapi_add(required, NULL, openapi_need(cJSON_CreateString(f[i].name)));
	}
	openapi_add(s, "required", required);
	pat = openapi_obj(s, "patternProperties");
	openapi_str(openapi_obj(pat, "^ipAddressList\\[[0-9]+\\]\\.(sourceIp|sourcePort|destinationIp|destinationPort)$"),
	    "type", "string");
	openapi_str(openapi_obj(pat, "^urlList\\[[0-9]+\\]\\.(sourceUrl|destinationUrl)$"), "type", "string");
	openapi_add(s, "additionalProperties", openapi_need(cJSON_CreateFalse()));
	return s;
}

/* The report as the answer carries it: normalized, with the time of the incident. */
static cJSON *
normalized_schema(const taxonomy *tax)
{
	static const char *const always[] = {"anonymizeReport", "testSubmission", "source", "incidentTime",
	    "incidentTimeSource"};
	cJSON *s = openapi_need(cJSON_CreateObject());
	cJSON *props, *required, *p;

	openapi_str(s, "title", "The report as normalized and kept");
	openapi_str(s, "description", "The request's properties after normalization: trimmed, taxonomy names in "
	    "their canonical spelling, IPs and URLs in canonical form, ports as numbers, the time zone as "
	    "±HH:MM, time as HH:mm:ss, phone aliases merged, duplicate list items merged; absent optional "
	    "properties are left out.");
	openapi_str(s, "type", "object");
	props = properties(FIELDS_REPORT, tax, 1, &required);
	for (size_t i = 0; i < sizeof(always) / sizeof(always[0]); i++)
		openapi_add(required, NULL, openapi_need(cJSON_CreateString(always[i])));
	p = openapi_obj(props, "incidentTime");
	openapi_str(p, "type", "string");
	openapi_str(p, "format", "date-time");
	openapi_str(p, "description", "The incident's time in UTC (RFC 3339): from date, time and timeZone, "
	    "or the time the report was received when no date was given.");
	p = openapi_obj(props, "incidentTimeSource");
	openapi_str(p, "type", "string");
	openapi_add(p, "enum", openapi_need(cJSON_CreateStringArray((const char *[]){"reported", "received"}, 2)));
	openapi_str(p, "description", "reported: incidentTime comes from the report's date; received: no date was given.");
	openapi_add(s, "properties", props);
	openapi_add(s, "required", required);
	return s;
}

/* ---- the answers ----------------------------------------------------------- */

static void
prop(cJSON *props, const char *name, const char *type, const char *format, const char *description)
{
	cJSON *p = openapi_obj(props, name);

	openapi_str(p, "type", type);
	if (format != NULL)
		openapi_str(p, "format", format);
	openapi_str(p, "description", description);
}

static cJSON *
object_schema(const char *title, const char *description, cJSON **props, const char *const *required, size_t nreq)
{
	cJSON *s = openapi_need(cJSON_CreateObject());

	openapi_str(s, "title", title);
	openapi_str(s, "description", description);
	openapi_str(s, "type", "object");
	*props = openapi_obj(s, "properties");
	if (nreq > 0)
		openapi_add(s, "required", openapi_need(cJSON_CreateStringArray(required, (int)nreq)));
	return s;
}

static cJSON *
test_accepted_schema(void)
{
	static const char *const req[] = {"code", "message", "testSubmission", "duplicatesMerged", "report"};
	cJSON *props, *s = object_schema("Test Successful", "A valid test submission: checked, not stored.",
	    &props, req, 5);

	openapi_str(openapi_obj(props, "code"), "const", "OK");
	prop(props, "message", "string", NULL, "Starts with \"Test Successful\".");
	openapi_add(openapi_obj(props, "testSubmission"), "const", openapi_need(cJSON_CreateTrue()));
	prop(props, "duplicatesMerged", "integer", NULL, "How many duplicate list items were merged.");
	openapi_add(props, "report", openapi_ref("schemas", "NormalizedReport"));
	return s;
}

static cJSON *
accepted_schema(void)
{
	static const char *const req[] = {"code", "message", "caseId", "trackingToken", "statusUrl",
	    "receivedAt", "duplicatesMerged", "report"};
	cJSON *props, *s = object_schema("Report received", "A valid report, committed to disk before this "
	    "answer was sent.", &props, req, 8);

	openapi_str(openapi_obj(props, "code"), "const", "OK");
	prop(props, "message", "string", "uuid", "The case id (as older clients read it).");
	prop(props, "caseId", "string", "uuid", "The case id: a UUID, version 7 (time-ordered).");
	prop(props, "trackingToken", "string", NULL, "128 random bits, base64url. Given only in this answer "
	    "(the server keeps only a hash): keep it to read the report's status.");
	prop(props, "statusUrl", "string", "uri-reference", "Where to read the status: GET it with the "
	    "tracking token in the X-Tracking-Token header.");
	prop(props, "receivedAt", "string", "date-time", "When the report was received (UTC).");
	prop(props, "duplicatesMerged", "integer", NULL, "How many duplicate list items were merged.");
	openapi_add(props, "report", openapi_ref("schemas", "NormalizedReport"));
	return s;
}

static cJSON *
problem_schema(void)
{
	static const char *const req[] = {"type", "title", "status", "message"};
	cJSON *props, *s = object_schema("Problem", "An error answer (RFC 9457 problem details).", &props, req, 4);

	prop(props, "type", "string", "uri-reference", "What kind of problem: about:blank, or a link to its "
	    "explanation on the developer page.");
	prop(props, "title", "string", NULL, "A short summary of the kind of problem.");
	prop(props, "status", "integer", NULL, "The HTTP status.");
	prop(props, "message", "string", NULL, "One line saying what is wrong.");
	prop(props, "detail", "string", NULL, "The same as message (RFC 9457's name for it).");
	prop(props, "instance", "string", "uri", "urn:abusedesk:request:<X-Request-Id>: quote it when asking "
	    "the operator about this request.");
	return s;
}

static cJSON *
validation_problem_schema(void)
{
	static const char *const req[] = {"errors"};
	cJSON *props, *s = object_schema("Invalid report", "Every problem of the report at once, keyed by "
	    "field path (sourceIp, ipAddressList[3].sourceIp, urlList[0].destinationUrl, or body when the body "
	    "itself cannot be read).", &props, req, 1);
	cJSON *e, *a, *all = openapi_arr(s, "allOf");

	openapi_add(all, NULL, openapi_ref("schemas", "Problem"));
	openapi_str(openapi_obj(props, "type"), "const", EXAMPLE_PROBLEM_TYPE);
	e = openapi_obj(props, "errors");
	openapi_str(e, "type", "object");
	openapi_str(e, "description", "Field path -> plain-language messages, in the order found.");
	a = openapi_obj(e, "additionalProperties");
	openapi_str(a, "type", "array");
	openapi_add(a, "minItems", openapi_need(cJSON_CreateNumber(1)));
	openapi_str(openapi_obj(a, "items"), "type", "string");
	e = openapi_obj(props, "allowed");
	openapi_str(e, "type", "object");
	openapi_str(e, "description", "Field path -> the values or forms that would have been valid there, "
	    "where such a list exists (threatType, incidentType, attackMethod, severity, timeZone).");
	openapi_str(openapi_obj(openapi_obj(e, "additionalProperties"), "items"), "type", "string");
	openapi_str(cJSON_GetObjectItemCaseSensitive(e, "additionalProperties"), "type", "array");
	return s;
}

static cJSON *
status_schema(void)
{
	static const char *const req[] = {"caseId", "status", "receivedAt", "updatedAt", "threatType",
	    "incidentType", "indicatorCount"};
	cJSON *props, *s = object_schema("Report status", "What the holder of a report's tracking token may "
	    "read about it.", &props, req, 7);

	prop(props, "caseId", "string", "uuid", "The case id.");
	prop(props, "status", "string", NULL, "received, and later the operator's own steps (triaged, closed...).");
	prop(props, "receivedAt", "string", "date-time", "When the report was received (UTC).");
	prop(props, "updatedAt", "string", "date-time", "When the status last changed (UTC).");
	prop(props, "threatType", "string", NULL, "As reported.");
	prop(props, "incidentType", "string", NULL, "As reported.");
	prop(props, "attackMethod", "string", NULL, "As reported, when given.");
	prop(props, "indicatorCount", "integer", NULL, "How many IPs and URLs the report holds.");
	return s;
}

static cJSON *
named_list(const char *title, cJSON *item_props, const char *const *req, size_t nreq)
{
	cJSON *s = openapi_need(cJSON_CreateObject());
	cJSON *items;

	openapi_str(s, "type", "array");
	items = openapi_obj(s, "items");
	openapi_str(items, "title", title);
	openapi_str(items, "type", "object");
	openapi_add(items, "properties", item_props);
	openapi_add(items, "required", openapi_need(cJSON_CreateStringArray(req, (int)nreq)));
	return s;
}

static cJSON *
taxonomy_schema(void)
{
	static const char *const req[] = {"threatTypes", "severities", "timeZones"};
	static const char *const nd[] = {"name", "description"};
	static const char *const inc_req[] = {"name", "label", "description", "portalOnly", "attackMethods"};
	static const char *const thr_req[] = {"name", "description", "indicator", "incidentTypes"};
	cJSON *props, *s = object_schema("Taxonomy", "Threat types, their incident types and attack methods, "
	    "severities and time-zone abbreviations: what the validator accepts.", &props, req, 3);
	cJSON *ap = openapi_need(cJSON_CreateObject()), *ip = openapi_need(cJSON_CreateObject());
	cJSON *tp = openapi_need(cJSON_CreateObject());

	prop(ap, "name", "string", NULL, "The attack method.");
	prop(ap, "description", "string", NULL, "What it is and what helps the operator.");
	prop(ip, "name", "string", NULL, "The incident type, as the API takes it.");
	prop(ip, "label", "string", NULL, "The portal's shorter label.");
	prop(ip, "description", "string", NULL, "What it is and what helps the operator.");
	prop(ip, "portalOnly", "boolean", NULL, "true: reported through the portal only; the API refuses it.");
	openapi_add(ip, "attackMethods", named_list("Attack method", ap, nd, 2));
	prop(tp, "name", "string", NULL, "The threat type.");
	prop(tp, "description", "string", NULL, "What it covers.");
	prop(tp, "indicator", "string", NULL, "What identifies the abuser: ip (sourceIp, ipAddressList) or "
	    "url (sourceUrl, destinationUrl, urlList).");
	openapi_add(cJSON_GetObjectItemCaseSensitive(tp, "indicator"), "enum",
	    openapi_need(cJSON_CreateStringArray((const char *[]){"ip", "url"}, 2)));
	openapi_add(tp, "incidentTypes", named_list("Incident type", ip, inc_req, 5));
	openapi_add(props, "threatTypes", named_list("Threat type", tp, thr_req, 4));
	openapi_str(openapi_obj(openapi_obj(props, "severities"), "items"), "type", "string");
	openapi_str(cJSON_GetObjectItemCaseSensitive(props, "severities"), "type", "array");
	openapi_str(openapi_obj(props, "timeZones"), "type", "object");
	openapi_str(openapi_obj(cJSON_GetObjectItemCaseSensitive(props, "timeZones"), "additionalProperties"),
	    "type", "string");
	return s;
}

cJSON *
openapi_schemas(const taxonomy *tax)
{
	cJSON *s = openapi_need(cJSON_CreateObject());

	openapi_add(s, "AbuseReport", report_schema(tax));
	openapi_add(s, "IpAddressItem", item_schema(FIELDS_IP_ITEM, tax, "An item of ipAddressList",
	    "One IP indicator. In an IP Address report every item needs sourceIp."));
	openapi_add(s, "UrlItem", item_schema(FIELDS_URL_ITEM, tax, "An item of urlList",
	    "One URL indicator: sourceUrl, destinationUrl or both."));
	openapi_add(s, "AbuseReportForm", form_schema(tax));
	openapi_add(s, "NormalizedReport", normalized_schema(tax));
	openapi_add(s, "TestAccepted", test_accepted_schema());
	openapi_add(s, "ReportAccepted", accepted_schema());
	openapi_add(s, "Problem", problem_schema());
	openapi_add(s, "ValidationProblem", validation_problem_schema());
	openapi_add(s, "ReportStatus", status_schema());
	openapi_add(s, "Taxonomy", taxonomy_schema());
	return s;
}
