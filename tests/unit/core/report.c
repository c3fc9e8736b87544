/*
 * tests/unit/core/report.c -- src/core/report.c: the report's JSON text is
 * the same, byte for byte, as the cJSON tree it used to be built as and
 * printed from (the reference below is that code), with every optional
 * member present or absent, both lists, and strings that need escapes;
 * report_to_json() reads the same text back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/report.h"

/* ---- the reference: the former cJSON builder --------------------------- */

static void
ref_str(cJSON *o, const char *name, const char *s)
{
	if (s != NULL)
		cJSON_AddStringToObject(o, name, s);
}

static void
ref_port(cJSON *o, const char *name, int port)
{
	if (port != 0)
		cJSON_AddNumberToObject(o, name, port);
}

static void
ref_lists(cJSON *o, const report *r)
{
	if (r->n_ips > 0) {
		cJSON *a = cJSON_AddArrayToObject(o, "ipAddressList");

		for (size_t i = 0; i < r->n_ips; i++) {
			cJSON *it = cJSON_CreateObject();

			ref_str(it, "sourceIp", r->ips[i].source_ip);
			ref_port(it, "sourcePort", r->ips[i].source_port);
			ref_str(it, "destinationIp", r->ips[i].destination_ip);
			ref_port(it, "destinationPort", r->ips[i].destination_port);
			cJSON_AddItemToArray(a, it);
		}
	}
	if (r->n_urls > 0) {
		cJSON *a = cJSON_AddArrayToObject(o, "urlList");

		for (size_t i = 0; i < r->n_urls; i++) {
			cJSON *it = cJSON_CreateObject();

			ref_str(it, "sourceUrl", r->urls[i].source_url);
			ref_str(it, "destinationUrl", r->urls[i].destination_url);
			cJSON_AddItemToArray(a, it);
		}
	}
}

static char *
reference_text(const report *r)
{
	cJSON *o = cJSON_CreateObject();
	char text[40], *out;

	ref_str(o, "reporterName", r->reporter_name);
	ref_str(o, "reporterEmail", r->reporter_email);
	ref_str(o, "reporterOrg", r->reporter_org);
	ref_str(o, "phoneNumber", r->phone_number);
	ref_str(o, "reporterNotes", r->reporter_notes);
	cJSON_AddBoolToObject(o, "anonymizeReport", r->anonymize);
	ref_str(o, "threatType", r->threat_type);
	ref_str(o, "incidentType", r->incident_type);
	ref_str(o, "attackMethod", r->attack_method);
	if (r->has_date) {
		snprintf(text, sizeof(text), "%04d-%02d-%02d", r->date.year, r->date.month, r->date.day);
		ref_str(o, "date", text);
	}
	if (r->has_time) {
		snprintf(text, sizeof(text), "%02d:%02d:%02d", r->time.hour, r->time.minute, r->time.second);
		ref_str(o, "time", text);
	}
	if (r->has_date) {
		dt_format_zone(r->zone_minutes, text, sizeof(text));
		ref_str(o, "timeZone", text);
	}
	ref_str(o, "sourceIp", r->source_ip);
	ref_port(o, "sourcePort", r->source_port);
	ref_str(o, "sourceUrl", r->source_url);
	ref_str(o, "destinationIp", r->destination_ip);
	ref_port(o, "destinationPort", r->destination_port);
	ref_str(o, "destinationUrl", r->destination_url);
	ref_lists(o, r);
	ref_str(o, "reportNotes", r->report_notes);
	ref_str(o, "severity", r->severity);
	cJSON_AddBoolToObject(o, "testSubmission", r->test);
	ref_str(o, "source", r->channel);
	dt_format_epoch(r->incident_epoch, text, sizeof(text));
	ref_str(o, "incidentTime", text);
	ref_str(o, "incidentTimeSource", r->incident_time_given ? "reported" : "received");
	out = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	return out;
}

/* ---- the checks ---------------------------------------------------------- */

static void
assert_same_text(const report *r)
{
	char *want = reference_text(r), *back;
	cJSON *tree = report_to_json(r);
	jsonw w;
	buf b;

	buf_init(&b, REPORT_TEXT_MAX);
	jsonw_init(&w, &b);
	report_write_json(r, &w, NULL);
	assert_int_equal(jsonw_finish(&w), 0);
	assert_string_equal(buf_str(&b), want);
	assert_non_null(tree);
	back = cJSON_PrintUnformatted(tree);
	assert_string_equal(back, want);
	free(back);
	cJSON_Delete(tree);
	buf_cleanup(&b);
	free(want);
}

static void
a_minimal_report_is_written_as_before(void **state)
{
	report r;

	(void)state;
	report_init(&r);
	r.reporter_name = "Ada";
	r.reporter_email = "ada@example.com";
	r.threat_type = "IP Address";
	r.incident_type = "Brute Force";
	r.source_ip = "8.8.8.8";
	r.channel = "ReportApi";
	r.incident_epoch = 1610706600;
	assert_same_text(&r);
}

static void
a_full_report_with_lists_and_escapes_is_written_as_before(void **state)
{
	report_ip_item ips[] = {
		{ "9.9.9.9", 2222, NULL, 0 }, { "2001:4860::8888", 0, "1.1.1.1", 443 },
		{ NULL, 0, "8.8.4.4", 65535 },
	};
	report_url_item urls[] = {
		{ "https://phish.example/a?q=\"x\"", "phish.example", NULL, NULL },
		{ NULL, NULL, "http://victim.example/\\path", "victim.example" },
	};
	report r;

	(void)state;
	report_init(&r);
	r.reporter_name = "Zoë \"the analyst\" \\ O'Brien";
	r.reporter_email = "zoe@xn--bcher-kva.example";
	r.reporter_org = "Ünïcode Org \xF0\x9F\x98\x80";
	r.phone_number = "+1 (425) 555-0100";
	r.reporter_notes = "line one\nline two\twith tab\x01\x1f\x7f end";
	r.anonymize = 1;
	r.threat_type = "URL";
	r.incident_type = "Phishing";
	r.attack_method = "Phishing Email";
	r.has_date = r.has_time = r.has_zone = 1;
	r.date = (dt_date){ 2024, 2, 29 };
	r.time = (dt_time){ 23, 59, 7, 1 };
	r.zone_minutes = -210;
	r.incident_epoch = 1709263747;
	r.incident_time_given = 1;
	r.source_ip = "2001:db8::1";
	r.source_port = 1;
	r.source_url = "https://a.example/";
	r.destination_ip = "::ffff:1.2.3.4";
	r.destination_port = 65535;
	r.destination_url = "ftp://b.example/x";
	r.ips = ips;
	r.n_ips = sizeof ips / sizeof ips[0];
	r.urls = urls;
	r.n_urls = sizeof urls / sizeof urls[0];
	r.report_notes = "</script> & \u2028 \"quoted\"";
	r.severity = "High";
	r.test = 1;
	r.channel = "CertPortalV2";
	assert_same_text(&r);
}

/* A date without a time still has its zone; epoch before 1970 too. */
static void
a_date_without_time_is_written_as_before(void **state)
{
	report r;

	(void)state;
	report_init(&r);
	r.reporter_name = "B";
	r.has_date = 1;
	r.date = (dt_date){ 1969, 12, 31 };
	r.zone_minutes = 840;
	r.incident_epoch = -50400;
	r.incident_time_given = 1;
	assert_same_text(&r);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_minimal_report_is_written_as_before),
		cmocka_unit_test(a_full_report_with_lists_and_escapes_is_written_as_before),
		cmocka_unit_test(a_date_without_time_is_written_as_before),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
