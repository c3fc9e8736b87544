/*
 * portal_summary.c -- the error summary at the top of the portal's form:
 * every problem, in the API's words, each prefixed with the label of its
 * field and linked to it ("Date: '2021/01/15' is not a date in the format
 * yyyy-MM-dd ...").  A problem whose key is no field of the form (an
 * unknown property a crafted post sent) is listed by its key, unlinked.
 *
 * The labels are the form's; the first row of IPs or URLs is the top-level
 * properties, row k+2 is ipAddressList[k] / urlList[k] (see portal_form.c).
 */
#include "web/portal.h"

#include <stdio.h>
#include <string.h>

#include "util/html.h"

static const struct { const char *name, *label; } labels[] = {
	{"reporterName", "Name"}, {"reporterEmail", "Email"}, {"reporterOrg", "Organization"},
	{"phoneNumber", "Phone number"}, {"reporterNotes", "Notes about you"},
	{"anonymizeReport", "Do not share my identity"}, {"threatType", "Threat type"},
	{"incidentType", "Incident type"}, {"attackMethod", "Attack method"}, {"date", "Date"},
	{"time", "Time"}, {"timeZone", "Time zone"}, {"severity", "Severity"},
	{"reportNotes", "Description"}, {PORTAL_FIELD_FILE, "Evidence file"},
};

/* The fields of a row: the IP ones (first four), then the URL ones. */
static const struct { const char *name, *label; } row_labels[] = {
	{"sourceIp", "Source IP address"}, {"sourcePort", "Source port"},
	{"destinationIp", "Destination IP address"}, {"destinationPort", "Destination port"},
	{"sourceUrl", "Reported URL"}, {"destinationUrl", "Destination URL"},
};
#define IP_ROW_FIELDS 4

const char *
portal_row_label(const char *field)
{
	for (size_t i = 0; i < sizeof row_labels / sizeof row_labels[0]; i++)
		if (strcmp(row_labels[i].name, field) == 0)
			return row_labels[i].label;
	return field;
}

/* "ipAddressList[3].sourceIp": 1 with the row (5, counting the top-level one as 1) and the field. */
static int
list_path(const char *path, const char **field, size_t *row, int *url)
{
	const char *p;
	size_t i = 0;

	*url = strncmp(path, "urlList[", 8) == 0;
	if (!*url && strncmp(path, "ipAddressList[", 14) != 0)
		return 0;
	p = path + (*url ? 8 : 14);
	if (*p < '0' || *p > '9')
		return 0;
	for (; *p >= '0' && *p <= '9' && i < 100000; p++)
		i = i * 10 + (size_t)(*p - '0');
	if (p[0] != ']' || p[1] != '.')
		return 0;
	*field = p + 2;
	*row = i + 2;
	return 1;
}

/* The label of the field an error key belongs to, into out; 0 when the form has no such field. */
static int
field_label(const portal_view *v, const char *path, char *out, size_t outlen)
{
	const char *field = path;
	size_t r = 1;
	int url = strcmp(path, "sourceUrl") == 0 || strcmp(path, "destinationUrl") == 0;

	for (size_t i = 0; i < sizeof labels / sizeof labels[0]; i++)
		if (strcmp(labels[i].name, path) == 0)
			return snprintf(out, outlen, "%s", labels[i].label) > 0;
	if (list_path(path, &field, &r, &url) && r > portal_rows(v->fields, url))
		return 0;
	for (size_t i = 0; i < sizeof row_labels / sizeof row_labels[0]; i++)
		if (strcmp(row_labels[i].name, field) == 0 && url == (i >= IP_ROW_FIELDS))
			return snprintf(out, outlen, "%s %zu, %s", url ? "URL" : "IP address", r,
			    row_labels[i].label) > 0;
	return 0;
}

static void
item(buf *b, const portal_view *v, const char *path, const char *msg)
{
	char label[128];
	int linked = field_label(v, path, label, sizeof label);

	(void)buf_puts(b, "<li>");
	if (linked) {
		(void)buf_puts(b, "<a href=\"#");
		portal_field_id(b, path);
		(void)buf_puts(b, "\">");
	}
	(void)html_escape(b, linked ? label : path);
	(void)buf_puts(b, ": ");
	(void)html_escape(b, msg);
	(void)buf_puts(b, linked ? "</a></li>" : "</li>");
}

void
portal_summary(buf *b, const portal_view *v)
{
	int n = cJSON_GetArraySize(v->errors);
	const cJSON *e, *m;

	if (n == 0 && v->notice == NULL)
		return;
	(void)buf_puts(b, "<div class=\"error-summary\" id=\"error-summary\" tabindex=\"-1\" autofocus"
	    " aria-labelledby=\"error-summary-title\"><h2 id=\"error-summary-title\">");
	if (n > 0)
		(void)buf_printf(b, "The report has %d problem%s", n, n == 1 ? "" : "s");
	else
		(void)buf_puts(b, "The report was not sent");
	(void)buf_puts(b, "</h2>");
	if (v->notice != NULL) {
		(void)buf_puts(b, "<p>");
		(void)html_escape(b, v->notice);
		(void)buf_puts(b, "</p>");
	}
	(void)buf_puts(b, "<ul>");
	cJSON_ArrayForEach(e, v->errors)
		cJSON_ArrayForEach(m, e)
			item(b, v, e->string, cJSON_IsString(m) ? m->valuestring : "");
	(void)buf_puts(b, "</ul></div>");
}
