/*
 * report.c -- the normalized report and its JSON form (see report.h).
 */
#include "core/report.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
report_init(report *r)
{
	memset(r, 0, sizeof(*r));
}

void
report_cleanup(report *r)
{
	if (r == NULL)
		return;
	free(r->reporter_name);
	free(r->reporter_email);
	free(r->reporter_org);
	free(r->phone_number);
	free(r->reporter_notes);
	free(r->source_ip);
	free(r->destination_ip);
	free(r->source_url);
	free(r->source_host);
	free(r->destination_url);
	free(r->destination_host);
	for (size_t i = 0; i < r->n_ips; i++) {
		free(r->ips[i].source_ip);
		free(r->ips[i].destination_ip);
	}
	free(r->ips);
	for (size_t i = 0; i < r->n_urls; i++) {
		free(r->urls[i].source_url);
		free(r->urls[i].source_host);
		free(r->urls[i].destination_url);
		free(r->urls[i].destination_host);
	}
	free(r->urls);
	free(r->report_notes);
	memset(r, 0, sizeof(*r));
}

/* Add a string property when s is set; 0, or -1 on allocation failure. */
static int
add_str(cJSON *o, const char *name, const char *s)
{
	if (s == NULL)
		return 0;
	return cJSON_AddStringToObject(o, name, s) != NULL ? 0 : -1;
}

static int
add_port(cJSON *o, const char *name, int port)
{
	if (port == 0)
		return 0;
	return cJSON_AddNumberToObject(o, name, port) != NULL ? 0 : -1;
}

static int
add_when(cJSON *o, const report *r)
{
	char text[40];
	int rc = 0;

	if (r->has_date) {
		snprintf(text, sizeof(text), "%04d-%02d-%02d", r->date.year, r->date.month, r->date.day);
		rc |= add_str(o, "date", text);
	}
	if (r->has_time) {
		snprintf(text, sizeof(text), "%02d:%02d:%02d", r->time.hour, r->time.minute, r->time.second);
		rc |= add_str(o, "time", text);
	}
	if (r->has_date) {
		dt_format_zone(r->zone_minutes, text, sizeof(text));
		rc |= add_str(o, "timeZone", text);
	}
	return rc;
}

static cJSON *
ip_list(const report *r)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a != NULL && i < r->n_ips; i++) {
		const report_ip_item *it = &r->ips[i];
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || !cJSON_AddItemToArray(a, o) ||
		    add_str(o, "sourceIp", it->source_ip) < 0 ||
		    add_port(o, "sourcePort", it->source_port) < 0 ||
		    add_str(o, "destinationIp", it->destination_ip) < 0 ||
		    add_port(o, "destinationPort", it->destination_port) < 0) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static cJSON *
url_list(const report *r)
{
	cJSON *a = cJSON_CreateArray();

	for (size_t i = 0; a != NULL && i < r->n_urls; i++) {
		const report_url_item *it = &r->urls[i];
		cJSON *o = cJSON_CreateObject();

		if (o == NULL || !cJSON_AddItemToArray(a, o) ||
		    add_str(o, "sourceUrl", it->source_url) < 0 ||
		    add_str(o, "destinationUrl", it->destination_url) < 0) {
			cJSON_Delete(a);
			return NULL;
		}
	}
	return a;
}

static int
add_lists(cJSON *o, const report *r)
{
	cJSON *a;

	if (r->n_ips > 0) {
		if ((a = ip_list(r)) == NULL)
			return -1;
		cJSON_AddItemToObject(o, "ipAddressList", a);
	}
	if (r->n_urls > 0) {
		if ((a = url_list(r)) == NULL)
			return -1;
		cJSON_AddItemToObject(o, "urlList", a);
	}
	return 0;
}

cJSON *
report_to_json(const report *r)
{
	cJSON *o = cJSON_CreateObject();
	char when[32];
	int rc = 0;

	if (o == NULL)
		return NULL;
	rc |= add_str(o, "reporterName", r->reporter_name);
	rc |= add_str(o, "reporterEmail", r->reporter_email);
	rc |= add_str(o, "reporterOrg", r->reporter_org);
	rc |= add_str(o, "phoneNumber", r->phone_number);
	rc |= add_str(o, "reporterNotes", r->reporter_notes);
	rc |= cJSON_AddBoolToObject(o, "anonymizeReport", r->anonymize) ? 0 : -1;
	rc |= add_str(o, "threatType", r->threat_type);
	rc |= add_str(o, "incidentType", r->incident_type);
	rc |= add_str(o, "attackMethod", r->attack_method);
	rc |= add_when(o, r);
	rc |= add_str(o, "sourceIp", r->source_ip);
	rc |= add_port(o, "sourcePort", r->source_port);
	rc |= add_str(o, "sourceUrl", r->source_url);
	rc |= add_str(o, "destinationIp", r->destination_ip);
	rc |= add_port(o, "destinationPort", r->destination_port);
	rc |= add_str(o, "destinationUrl", r->destination_url);
	rc |= add_lists(o, r);
	rc |= add_str(o, "reportNotes", r->report_notes);
	rc |= add_str(o, "severity", r->severity);
	rc |= cJSON_AddBoolToObject(o, "testSubmission", r->test) ? 0 : -1;
	rc |= add_str(o, "source", r->channel);
	dt_format_epoch(r->incident_epoch, when, sizeof(when));
	rc |= add_str(o, "incidentTime", when);
	rc |= add_str(o, "incidentTimeSource", r->incident_time_given ? "reported" : "received");
	if (rc != 0) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}
