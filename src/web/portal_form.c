/*
 * portal_form.c -- the Report Abuse Portal's form page (GET /report/abuse,
 * and the same page when a submission comes back with problems).
 *
 * Everything the form offers comes from the taxonomy: threat types, the
 * incident types of the chosen threat type (portal-only ones included, with
 * their portal labels and descriptions), the attack methods of the chosen
 * incident type, severities, time-zone abbreviations.  The server renders
 * the lists for the choices already made, so the page works without
 * JavaScript (an "Update choices" button posts the form back); portal.js
 * rebuilds them in place from GET /report/v2.0/taxonomy.
 *
 * Every value goes through html_escape().  Every control has a label;
 * groups are fieldsets with legends; a field's hint and its errors are tied
 * to it with aria-describedby; errors are summarized at the top with a link
 * to each field, in the API's own words.  A value that is not one of a
 * list's choices (a stale or crafted one) is kept as an extra, selected
 * choice, so the person sees what was sent and the message about it.
 *
 * The first row of reported IPs (or URLs) uses the top-level properties
 * (sourceIp, sourcePort, destinationIp, destinationPort; sourceUrl,
 * destinationUrl), further rows ipAddressList[i] / urlList[i]: a report of
 * one indicator is then the same whether it came through the form or the
 * API.
 */
#include "web/portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/html.h"

#define PATH_MAX_LEN 96

typedef struct form {
	buf *b;
	const app *a;
	const portal_view *v;
	const tax_threat *threat;       /* the chosen threat type, if it is one */
	const tax_incident *incident;   /* the chosen incident type, if it is one of threat's */
} form;

typedef struct fspec {
	const char *path;               /* the field's name */
	const char *label;
	const char *hint;               /* or NULL */
	int required;
} fspec;

/* ---- small pieces ------------------------------------------------------- */

static void
put(form *f, const char *s)
{
	(void)buf_puts(f->b, s);
}

static void
esc(form *f, const char *s)
{
	(void)html_escape(f->b, s);
}

void
portal_field_id(buf *b, const char *path)
{
	int dash = 0;

	(void)buf_puts(b, "f-");
	for (const char *p = path; *p != '\0'; p++) {
		char c = *p;

		if (c == '[' || c == ']' || c == '.') {
			dash = 1;
			continue;
		}
		if (dash)
			(void)buf_putc(b, '-');
		dash = 0;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
			c = '_';
		(void)buf_putc(b, c);
	}
}

/* id="..." style attribute with the field's id and a suffix ("", "-hint", "-error"). */
static void
id_of(form *f, const char *path, const char *suffix)
{
	portal_field_id(f->b, path);
	put(f, suffix);
}

const char *
portal_value(const cJSON *obj, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, name);

	return cJSON_IsString(v) ? v->valuestring : "";
}

static const cJSON *
list_of(const cJSON *fields, int url)
{
	const cJSON *l = cJSON_GetObjectItemCaseSensitive(fields, url ? "urlList" : "ipAddressList");

	return cJSON_IsArray(l) ? l : NULL;
}

size_t
portal_rows(const cJSON *fields, int url)
{
	return 1 + (size_t)cJSON_GetArraySize(list_of(fields, url));
}

static const cJSON *
errors_of(const form *f, const char *path)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(f->v->errors, path);

	return cJSON_IsArray(e) && cJSON_GetArraySize(e) > 0 ? e : NULL;
}

/* ---- fields ------------------------------------------------------------- */

static void
label_of(form *f, const fspec *s)
{
	put(f, "<label for=\"");
	id_of(f, s->path, "\">");
	esc(f, s->label);
	if (s->required)
		put(f, " <span class=\"req\">(required)</span>");
	put(f, "</label>");
}

/* The field's wrapper, label, hint and errors; the control follows. */
static void
field_open(form *f, const fspec *s, const char *cls, int hidden)
{
	const cJSON *e = errors_of(f, s->path), *m;

	(void)buf_printf(f->b, "<div class=\"field%s%s\"%s>", cls ? cls : "", e ? " invalid" : "",
	    hidden ? " hidden" : "");
	label_of(f, s);
	if (s->hint != NULL) {
		put(f, "<span class=\"hint\" id=\"");
		id_of(f, s->path, "-hint\">");
		esc(f, s->hint);
		put(f, "</span>");
	}
	if (e == NULL)
		return;
	put(f, "<p class=\"field-error\" id=\"");
	id_of(f, s->path, "-error\">");
	cJSON_ArrayForEach(m, e) {
		put(f, m != e->child ? "<br>" : "<span class=\"visually-hidden\">Error: </span>");
		esc(f, cJSON_IsString(m) ? m->valuestring : "");
	}
	put(f, "</p>");
}

/* The attributes every control has: id, name, describedby, invalid, required, autofocus. */
static void
control_attrs(form *f, const fspec *s, const char *more_described)
{
	int err = errors_of(f, s->path) != NULL;

	put(f, " id=\"");
	id_of(f, s->path, "\" name=\"");
	esc(f, s->path);
	put(f, "\"");
	if (s->hint != NULL || err || more_described != NULL) {
		put(f, " aria-describedby=\"");
		if (s->hint != NULL)
			id_of(f, s->path, "-hint");
		if (more_described != NULL)
			(void)buf_printf(f->b, "%s%s", s->hint != NULL ? " " : "", more_described);
		if (err) {
			put(f, s->hint != NULL || more_described != NULL ? " " : "");
			id_of(f, s->path, "-error");
		}
		put(f, "\"");
	}
	if (err)
		put(f, " aria-invalid=\"true\"");
	if (s->required)
		put(f, " aria-required=\"true\"");
	if (f->v->focus != NULL && strcmp(f->v->focus, s->path) == 0)
		put(f, " autofocus");
}

static void
text_field(form *f, const fspec *s, const char *type, const char *attrs, const char *value)
{
	field_open(f, s, NULL, 0);
	(void)buf_printf(f->b, "<input type=\"%s\"", type);
	control_attrs(f, s, NULL);
	if (attrs != NULL)
		(void)buf_printf(f->b, " %s", attrs);
	put(f, " value=\"");
	esc(f, value);
	put(f, "\"></div>");
}

static void
textarea_field(form *f, const fspec *s, unsigned rows, const char *value)
{
	field_open(f, s, NULL, 0);
	(void)buf_printf(f->b, "<textarea rows=\"%u\"", rows);
	control_attrs(f, s, NULL);
	put(f, ">");
	esc(f, value);
	put(f, "</textarea></div>");
}

static void
option(form *f, const char *value, const char *label, int selected)
{
	put(f, "<option value=\"");
	esc(f, value);
	put(f, selected ? "\" selected>" : "\">");
	esc(f, label);
	put(f, "</option>");
}

/* A value that is not among the choices: kept, selected, and marked. */
static void
kept_option(form *f, const char *value, int matched)
{
	char label[LIMIT_TAXON_CHARS * 4 + 64];

	if (matched || value[0] == '\0')
		return;
	snprintf(label, sizeof label, "%.*s (not a choice here)", LIMIT_TAXON_CHARS * 2, value);
	option(f, value, label, 1);
}

/* ---- the taxonomy choices ----------------------------------------------- */

static void
describe(form *f, const char *path, const char *text)
{
	put(f, "<p class=\"desc\" id=\"");
	id_of(f, path, "-desc\" aria-live=\"polite\">");
	esc(f, text != NULL ? text : "");
	put(f, "</p>");
}

static void
threat_field(form *f)
{
	static const fspec s = {"threatType", "Threat type",
	    "What you report: an IP address the abuse came from, or a URL.", 1};
	const char *v = portal_value(f->v->fields, "threatType");

	field_open(f, &s, NULL, 0);
	put(f, "<div class=\"with-button\"><select");
	control_attrs(f, &s, "f-threatType-desc");
	put(f, ">");
	option(f, "", "Choose a threat type", f->threat == NULL && v[0] == '\0');
	for (size_t i = 0; i < taxonomy_threat_count(f->a->tax); i++) {
		const tax_threat *t = taxonomy_threat_at(f->a->tax, i);

		option(f, t->name, t->name, t == f->threat);
	}
	kept_option(f, v, f->threat != NULL);
	put(f, "</select><button type=\"submit\" name=\"" PORTAL_FIELD_ACTION "\" value=\"update\""
	    " class=\"secondary nojs\">Update choices</button></div>");
	describe(f, "threatType", f->threat != NULL ? f->threat->description : NULL);
	put(f, "</div>");
}

/* The incident types of the chosen threat type with their descriptions (for reading without JS too). */
static void
incident_list(form *f)
{
	put(f, "<details class=\"about\" id=\"incident-about\"");
	put(f, f->threat == NULL ? " hidden>" : ">");
	put(f, "<summary>What the incident types mean</summary><dl>");
	for (size_t i = 0; f->threat != NULL && i < f->threat->n_incidents; i++) {
		const tax_incident *inc = &f->threat->incidents[i];

		put(f, "<dt>");
		esc(f, inc->label);
		put(f, "</dt><dd>");
		esc(f, inc->description);
		put(f, "</dd>");
	}
	put(f, "</dl></details>");
}

static void
incident_field(form *f)
{
	static const fspec s = {"incidentType", "Incident type", NULL, 1};
	const char *v = portal_value(f->v->fields, "incidentType");

	field_open(f, &s, NULL, 0);
	put(f, "<select");
	control_attrs(f, &s, "f-incidentType-desc");
	put(f, ">");
	option(f, "", f->threat != NULL ? "Choose an incident type" : "Choose a threat type first",
	    f->incident == NULL && v[0] == '\0');
	for (size_t i = 0; f->threat != NULL && i < f->threat->n_incidents; i++) {
		const tax_incident *inc = &f->threat->incidents[i];

		option(f, inc->name, inc->label, inc == f->incident);
	}
	kept_option(f, v, f->incident != NULL);
	put(f, "</select>");
	describe(f, "incidentType", f->incident != NULL ? f->incident->description : NULL);
	incident_list(f);
	put(f, "</div>");
}

static void
attack_field(form *f)
{
	static const fspec s = {"attackMethod", "Attack method",
	    "How it was done, if you know. Optional.", 0};
	const char *v = portal_value(f->v->fields, "attackMethod");
	const tax_attack *chosen = f->incident != NULL && v[0] != '\0' ? taxonomy_find_attack(f->incident, v) : NULL;
	int has = f->incident != NULL && f->incident->n_attacks > 0;

	field_open(f, &s, " attack", !has && v[0] == '\0');
	put(f, "<select");
	control_attrs(f, &s, "f-attackMethod-desc");
	put(f, ">");
	option(f, "", "Not specified", chosen == NULL && v[0] == '\0');
	for (size_t i = 0; has && i < f->incident->n_attacks; i++)
		option(f, f->incident->attacks[i].name, f->incident->attacks[i].name,
		    &f->incident->attacks[i] == chosen);
	kept_option(f, v, chosen != NULL);
	put(f, "</select>");
	describe(f, "attackMethod", chosen != NULL ? chosen->description : NULL);
	put(f, "</div>");
}

static void
severity_field(form *f)
{
	static const fspec s = {"severity", "Severity", "How serious you judge it. Optional.", 0};
	const char *v = portal_value(f->v->fields, "severity");
	const char *chosen = v[0] != '\0' ? taxonomy_find_severity(f->a->tax, v) : NULL;

	field_open(f, &s, NULL, 0);
	put(f, "<select");
	control_attrs(f, &s, NULL);
	put(f, ">");
	option(f, "", "Not specified", chosen == NULL && v[0] == '\0');
	for (size_t i = 0; i < taxonomy_severity_count(f->a->tax); i++) {
		const char *sev = taxonomy_severity_at(f->a->tax, i);

		option(f, sev, sev, chosen != NULL && strcmp(chosen, sev) == 0);
	}
	kept_option(f, v, chosen != NULL);
	put(f, "</select></div>");
}

/* ---- when --------------------------------------------------------------- */

static void
offset_text(int minutes, int with_utc, char *out, size_t outlen)
{
	int a = minutes < 0 ? -minutes : minutes;

	snprintf(out, outlen, "%s%s%02d:%02d", with_utc ? "UTC" : "",
	    minutes < 0 ? (with_utc ? "\xe2\x88\x92" : "-") : "+", a / 60, a % 60);
}

/* Abbreviations from the taxonomy, then every quarter-hour offset the API accepts. */
static int
zone_options(form *f, const char *v)
{
	char value[32], label[80];
	int matched = 0, off;

	put(f, "<optgroup label=\"Abbreviations\">");
	for (size_t i = 0; i < taxonomy_zone_count(f->a->tax); i++) {
		const char *abbr = taxonomy_zone_at(f->a->tax, i, &off);
		char ot[32];
		int sel = strcasecmp(abbr, v) == 0;

		offset_text(off, 1, ot, sizeof ot);
		snprintf(label, sizeof label, "%s (%s)", abbr, ot);
		option(f, abbr, label, sel);
		matched |= sel;
	}
	put(f, "</optgroup><optgroup label=\"UTC offsets\">");
	for (int m = -12 * 60; m <= 14 * 60; m += 15) {
		int sel;

		offset_text(m, 0, value, sizeof value);
		offset_text(m, 1, label, sizeof label);
		sel = strcmp(value, v) == 0;
		option(f, value, label, sel);
		matched |= sel;
	}
	put(f, "</optgroup>");
	return matched;
}

static void
zone_field(form *f)
{
	static const fspec s = {"timeZone", "Time zone",
	    "The zone of the date and time above. Your browser's zone is chosen for you when it can be.", 0};
	const char *v = portal_value(f->v->fields, "timeZone");
	int matched;

	field_open(f, &s, NULL, 0);
	put(f, "<select");
	control_attrs(f, &s, NULL);
	put(f, ">");
	option(f, "", "Not given (UTC)", v[0] == '\0');
	matched = zone_options(f, v);
	kept_option(f, v, matched);
	put(f, "</select></div>");
}

static void
when_fields(form *f)
{
	static const fspec date = {"date", "Date", "yyyy-MM-dd, for example 2021-01-15", 0};
	static const fspec time = {"time", "Time", "HH:mm or HH:mm:ss, 24-hour, for example 13:45", 0};
	const cJSON *x = f->v->fields;

	put(f, "<fieldset class=\"inner\"><legend>When it happened</legend>"
	    "<p class=\"hint\">Leave these empty if you do not know: the time the report is received is used instead.</p>"
	    "<div class=\"grid when\">");
	text_field(f, &date, "text", "inputmode=\"numeric\" autocomplete=\"off\" placeholder=\"yyyy-MM-dd\"",
	    portal_value(x, "date"));
	text_field(f, &time, "text", "inputmode=\"numeric\" autocomplete=\"off\" placeholder=\"HH:mm\"",
	    portal_value(x, "time"));
	zone_field(f);
	put(f, "</div></fieldset>");
}

/* ---- reported IPs and URLs ---------------------------------------------- */

/* The path of a row's field: row 0 is top-level, row k is list item k-1; SIZE_MAX is the template. */
static void
row_path(char *out, int url, size_t k, const char *field)
{
	const char *list = url ? "urlList" : "ipAddressList";

	if (k == 0)
		snprintf(out, PATH_MAX_LEN, "%s", field);
	else if (k == (size_t)-1)
		snprintf(out, PATH_MAX_LEN, "%s[__i__].%s", list, field);
	else
		snprintf(out, PATH_MAX_LEN, "%s[%zu].%s", list, k - 1, field);
}

static void
row_field(form *f, int url, size_t k, const cJSON *item, const char *field, const char *type)
{
	char path[PATH_MAX_LEN];
	int main_field = strcmp(field, url ? "sourceUrl" : "sourceIp") == 0;
	fspec s = {path, portal_row_label(field), NULL, 0};
	const char *attrs = strstr(field, "Port") != NULL ?
	    "inputmode=\"numeric\" autocomplete=\"off\"" : "autocomplete=\"off\" spellcheck=\"false\"";

	row_path(path, url, k, field);
	if (main_field && !url)
		s.hint = "IPv4 or IPv6: the address the abuse came from";
	else if (main_field)
		s.hint = "The address of the page or file, starting with http:// or https://";
	text_field(f, &s, type, attrs, k == 0 ? portal_value(f->v->fields, field) : portal_value(item, field));
}

static void
row(form *f, int url, size_t k, const cJSON *item)
{
	const char *noun = url ? "URL" : "IP address";
	int tpl = k == (size_t)-1;

	if (tpl)
		(void)buf_printf(f->b, "<fieldset class=\"row\"><legend>%s __n__</legend><div class=\"grid\">", noun);
	else
		(void)buf_printf(f->b, "<fieldset class=\"row\"><legend>%s %zu</legend><div class=\"grid\">", noun, k + 1);
	row_field(f, url, k, item, url ? "sourceUrl" : "sourceIp", url ? "url" : "text");
	if (!url)
		row_field(f, url, k, item, "sourcePort", "text");
	row_field(f, url, k, item, url ? "destinationUrl" : "destinationIp", url ? "url" : "text");
	if (!url)
		row_field(f, url, k, item, "destinationPort", "text");
	put(f, "</div>");
	if (tpl)
		(void)buf_printf(f->b, "<button type=\"submit\" name=\"" PORTAL_FIELD_ACTION "\" value=\"remove-%s-__i__\""
		    " class=\"link remove\">Remove %s __n__</button>", url ? "url" : "ip", noun);
	else if (k > 0)
		(void)buf_printf(f->b, "<button type=\"submit\" name=\"" PORTAL_FIELD_ACTION "\" value=\"remove-%s-%zu\""
		    " class=\"link remove\">Remove %s %zu</button>", url ? "url" : "ip", k - 1, noun, k + 1);
	put(f, "</fieldset>");
}

/* Does any value or error belong to the section (so it must show whatever the threat type)? */
static int
section_used(const form *f, int url)
{
	static const char *const ip[] = {"sourceIp", "sourcePort", "destinationIp", "destinationPort"};
	static const char *const urls[] = {"sourceUrl", "destinationUrl"};
	const char *list = url ? "urlList" : "ipAddressList";
	const cJSON *e;

	if (list_of(f->v->fields, url) != NULL)
		return 1;
	for (size_t i = 0; i < (url ? 2u : 4u); i++)
		if (portal_value(f->v->fields, url ? urls[i] : ip[i])[0] != '\0' ||
		    errors_of(f, url ? urls[i] : ip[i]) != NULL)
			return 1;
	cJSON_ArrayForEach(e, f->v->errors)
		if (strncmp(e->string, list, strlen(list)) == 0)
			return 1;
	return 0;
}

static void
indicator_section(form *f, int url)
{
	const cJSON *list = list_of(f->v->fields, url), *item;
	size_t rows = portal_rows(f->v->fields, url), k = 1;
	int wanted = (int)(url ? TAX_INDICATOR_URL : TAX_INDICATOR_IP);
	int show = f->threat == NULL || (int)f->threat->indicator == wanted || section_used(f, url);

	(void)buf_printf(f->b, "<fieldset class=\"indicators\" id=\"%s-rows\" data-indicator=\"%s\""
	    " data-max=\"%u\"%s><legend>Reported %s</legend><p class=\"hint\">%s</p>",
	    url ? "url" : "ip", url ? "url" : "ip", LIMIT_PORTAL_ROWS, show ? "" : " hidden",
	    url ? "URLs" : "IP addresses", url ?
	    "The URLs of the phishing page, malware or content you report (up to 10). Add the URL it led to, if any." :
	    "The addresses the abuse came from (up to 10), with the port and the address it targeted if you have them.");
	row(f, url, 0, NULL);
	cJSON_ArrayForEach(item, list)
		row(f, url, k++, item);
	(void)buf_printf(f->b, "<div class=\"actions\"><button type=\"submit\" name=\"" PORTAL_FIELD_ACTION
	    "\" value=\"add-%s\" class=\"secondary add\"%s>Add another %s</button></div></fieldset>",
	    url ? "url" : "ip", rows >= LIMIT_PORTAL_ROWS ? " hidden" : "", url ? "URL" : "IP address");
}

/* ---- the attachment ----------------------------------------------------- */

static void
file_field(form *f)
{
	char limit[32], hint[400];
	fspec s = {PORTAL_FIELD_FILE, "Evidence file", hint, 0};

	portal_size_text(f->a->cfg->attachment_max_bytes, limit, sizeof limit);
	snprintf(hint, sizeof hint, "Optional. One file of at most %s: %s.", limit, portal_attach_kinds());
	field_open(f, &s, NULL, 0);
	if (f->v->file_lost)
		put(f, "<p class=\"field-note\" id=\"f-attachment-note\">Files are not kept when the form comes back:"
		    " choose your file again.</p>");
	put(f, "<input type=\"file\"");
	control_attrs(f, &s, f->v->file_lost ? "f-attachment-note" : NULL);
	(void)buf_printf(f->b, " accept=\"%s\" data-max-bytes=\"%zu\" data-too-large=\"", portal_attach_accept(),
	    f->a->cfg->attachment_max_bytes);
	(void)buf_printf(f->b, "The file is larger than %s, the most the portal takes.", limit);
	put(f, "\"></div>");
}

/* ---- the sections ------------------------------------------------------- */

static void
anonymize_field(form *f)
{
	static const fspec s = {"anonymizeReport", "Do not share my identity with the party I report",
	    "Your name, email, organization and phone number are then never passed on to the accused party.", 0};
	const cJSON *e = errors_of(f, s.path), *m;

	(void)buf_printf(f->b, "<div class=\"field check-field%s\"><div class=\"check\"><input type=\"checkbox\" value=\"true\"",
	    e ? " invalid" : "");
	control_attrs(f, &s, NULL);
	if (strcasecmp(portal_value(f->v->fields, s.path), "true") == 0)
		put(f, " checked");
	put(f, ">");
	label_of(f, &s);
	put(f, "</div><span class=\"hint\" id=\"f-anonymizeReport-hint\">");
	esc(f, s.hint);
	put(f, "</span>");
	if (e != NULL) {
		put(f, "<p class=\"field-error\" id=\"f-anonymizeReport-error\"><span class=\"visually-hidden\">Error: </span>");
		cJSON_ArrayForEach(m, e)
			esc(f, cJSON_IsString(m) ? m->valuestring : "");
		put(f, "</p>");
	}
	put(f, "</div>");
}

static void
contact_section(form *f)
{
	static const fspec name = {"reporterName", "Name", NULL, 1};
	static const fspec email = {"reporterEmail", "Email", "The abuse desk writes to you here about your report.", 1};
	static const fspec org = {"reporterOrg", "Organization", "Optional.", 0};
	static const fspec phone = {"phoneNumber", "Phone number", "Optional. Digits, spaces and + - ( ) .", 0};
	static const fspec notes = {"reporterNotes", "Notes about you",
	    "About you, not the incident: your role, or how best to reach you. Optional.", 0};
	const cJSON *x = f->v->fields;

	put(f, "<fieldset class=\"section\" id=\"contact\"><legend>Contact information</legend><div class=\"grid\">");
	text_field(f, &name, "text", "autocomplete=\"name\"", portal_value(x, name.path));
	text_field(f, &email, "email", "autocomplete=\"email\" spellcheck=\"false\"", portal_value(x, email.path));
	text_field(f, &org, "text", "autocomplete=\"organization\"", portal_value(x, org.path));
	text_field(f, &phone, "tel", "autocomplete=\"tel\"", portal_value(x, phone.path));
	put(f, "</div>");
	textarea_field(f, &notes, 3, portal_value(x, notes.path));
	anonymize_field(f);
	put(f, "</fieldset>");
}

static void
details_section(form *f)
{
	static const fspec notes = {"reportNotes", "Description",
	    "What happened and how you noticed. Log lines, message headers and anything else that helps. Optional.", 0};

	put(f, "<fieldset class=\"section\" id=\"details\"><legend>Report details</legend>");
	threat_field(f);
	incident_field(f);
	attack_field(f);
	when_fields(f);
	indicator_section(f, 0);
	indicator_section(f, 1);
	severity_field(f);
	textarea_field(f, &notes, 8, portal_value(f->v->fields, notes.path));
	file_field(f);
	put(f, "</fieldset>");
}

/* ---- the page ----------------------------------------------------------- */

static void
intro(form *f)
{
	const config *c = f->a->cfg;

	put(f, "<h1>Report abuse</h1><p class=\"lead\">Tell ");
	esc(f, c->operator_name);
	put(f, " about abuse coming from its networks and services: attacks, scans, spam, phishing,"
	    " malware, scams, or illegal content it hosts.</p><div class=\"cards\">"
	    "<section class=\"card\"><h2>What belongs here</h2><ul>"
	    "<li>Malicious traffic from an IP address of ");
	esc(f, c->operator_name);
	put(f, ": attacks, brute force, scans, spam.</li><li>A URL it hosts that serves phishing,"
	    " malware, scams or content that breaks the law.</li><li>Misuse of its services of the kinds listed"
	    " under Incident type below.</li></ul></section>"
	    "<section class=\"card\"><h2>What does not</h2><ul><li>Security vulnerabilities in ");
	esc(f, c->operator_name);
	put(f, "'s own products and services: ");
	if (c->vulnerability_url[0] != '\0') {
		put(f, "report them <a href=\"");
		esc(f, c->vulnerability_url);
		put(f, "\">through its vulnerability reporting page</a>.");
	} else {
		put(f, "report them through its vulnerability reporting process, not here.");
	}
	put(f, "</li><li>Questions about your own account or a bill: ask its support.</li>"
	    "<li>Emergencies: if someone is in danger, call your local emergency number.</li></ul></section>"
	    "<section class=\"card\"><h2>What happens next</h2><p>You get a case id and a private link to follow"
	    " your report. The abuse desk reviews every report and may write to you at the email you give."
	    " If you ask, your identity is never passed on to the party you report.</p></section></div>"
	    "<p class=\"hint\">Fields marked (required) must be filled in. To send many reports from your own"
	    " tools, use the <a href=\"/report/developer\">Abuse API</a>.</p>");
}

static void
form_open(form *f)
{
	put(f, "<form id=\"report-form\" class=\"report\" method=\"post\" action=\"" PORTAL_PATH "\""
	    " enctype=\"multipart/form-data\" novalidate data-validate=\"" PORTAL_VALIDATE_PATH "\""
	    " data-taxonomy=\"/report/v2.0/taxonomy\"><input type=\"hidden\" name=\"" PORTAL_FIELD_CSRF "\" value=\"");
	esc(f, f->v->csrf);
	put(f, "\"><div class=\"hp\" aria-hidden=\"true\"><label for=\"f-" PORTAL_FIELD_HONEYPOT "\">Leave this"
	    " field empty</label><input type=\"text\" id=\"f-" PORTAL_FIELD_HONEYPOT "\" name=\"" PORTAL_FIELD_HONEYPOT "\""
	    " tabindex=\"-1\" autocomplete=\"off\" value=\"\"></div>");
}

void
portal_form_page(buf *b, const app *a, const portal_view *v)
{
	static const char *const scripts[] = {"portal.js", NULL};
	form f = {b, a, v, NULL, NULL};
	const char *t = portal_value(v->fields, "threatType"), *i = portal_value(v->fields, "incidentType");

	f.threat = t[0] != '\0' ? taxonomy_find_threat(a->tax, t) : NULL;
	f.incident = f.threat != NULL && i[0] != '\0' ? taxonomy_find_incident(f.threat, i) : NULL;
	web_page_begin(b, a, "Report abuse", WEB_TAB_PORTAL, scripts);
	intro(&f);
	portal_summary(b, v);
	form_open(&f);
	contact_section(&f);
	details_section(&f);
	put(&f, "<div class=\"actions submit\"><button type=\"submit\" name=\"" PORTAL_FIELD_ACTION "\""
	    " value=\"submit\" class=\"primary\">Submit report</button></div></form>"
	    "<template id=\"tpl-ip-row\">");
	row(&f, 0, (size_t)-1, NULL);
	put(&f, "</template><template id=\"tpl-url-row\">");
	row(&f, 1, (size_t)-1, NULL);
	put(&f, "</template>");
	web_page_end(b, a);
}

void
portal_reply_form(http_request *req, const app *a, unsigned status, const portal_view *v)
{
	buf b;

	buf_init(&b, WEB_PAGE_MAX);
	portal_form_page(&b, a, v);
	web_reply_html(req, status, &b);
	buf_cleanup(&b);
}
