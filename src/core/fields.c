/*
 * fields.c -- the table of v2.0 report properties (see fields.h).
 *
 * Order matters: it is the order of the normalized report, of the OpenAPI
 * properties and of the developer page's table.  Lengths are from
 * taxonomy.md and bounds.h.
 */
#include "core/fields.h"

#include <string.h>
#include <strings.h>

#include "bounds.h"

#define STR "string"

static const field_rule report_fields[FR_COUNT] = {
	[FR_REPORTER_NAME] = {"reporterName", FK_TEXT, FN_REQUIRED, LIMIT_NAME_CHARS, NULL, STR, NULL,
	 "required; not blank; at most 200 characters",
	 "The name of the person or team reporting.", "\"Jane Analyst\""},
	[FR_REPORTER_EMAIL] = {"reporterEmail", FK_EMAIL, FN_REQUIRED, LIMIT_EMAIL_CHARS, NULL, STR, "email",
	 "required; local@domain.tld, ASCII local part of at most 64 characters, internationalized domains allowed; at most 254 characters",
	 "Where the abuse desk can reach the reporter.", "\"jane@example.org\""},
	[FR_REPORTER_ORG] = {"reporterOrg", FK_TEXT, FN_OPTIONAL, LIMIT_ORG_CHARS, NULL, STR, NULL,
	 "optional; at most 200 characters",
	 "The reporter's organization.", "\"Example CERT\""},
	[FR_PHONE_NUMBER] = {"phoneNumber", FK_PHONE, FN_OPTIONAL, LIMIT_PHONE_CHARS, NULL, STR, NULL,
	 "optional; digits, spaces and + - ( ) . only; at most 40 characters",
	 "A phone number for the reporter.", "\"+1 425 555 0100\""},
	[FR_REPORTER_PHONE] = {"reporterPhone", FK_PHONE, FN_OPTIONAL, LIMIT_PHONE_CHARS, "phoneNumber", STR, NULL,
	 "alias of phoneNumber; if both are given they must be equal",
	 "Another name for phoneNumber, as older clients send it.", NULL},
	[FR_REPORTER_NOTES] = {"reporterNotes", FK_FREETEXT, FN_OPTIONAL, LIMIT_REPORTER_NOTES_CHARS, NULL, STR, NULL,
	 "optional; at most 2 000 characters; newlines and tabs allowed",
	 "Notes about the reporter (not about the incident).", NULL},
	[FR_ANONYMIZE_REPORT] = {"anonymizeReport", FK_BOOL, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, "boolean", NULL,
	 "optional, default false; true/false, or the strings \"true\"/\"false\" in any letter case",
	 "When true, the reporter's identity is never passed on to the accused party.", "false"},
	[FR_THREAT_TYPE] = {"threatType", FK_THREAT, FN_REQUIRED, LIMIT_TAXON_CHARS, NULL, STR, NULL,
	 "required; one of the taxonomy's threat types (any letter case)",
	 "What kind of indicator is reported: an IP address or a URL.", "\"IP Address\""},
	[FR_INCIDENT_TYPE] = {"incidentType", FK_INCIDENT, FN_REQUIRED, LIMIT_TAXON_CHARS, NULL, STR, NULL,
	 "required; one of the incident types of the threat type",
	 "What happened.", "\"Social Engineering\""},
	[FR_ATTACK_METHOD] = {"attackMethod", FK_ATTACK, FN_OPTIONAL, LIMIT_TAXON_CHARS, NULL, STR, NULL,
	 "optional; when given, one of the attack methods of the threat type and incident type",
	 "How it was done, where the incident type distinguishes methods.", "\"Phishing Email\""},
	[FR_DATE] = {"date", FK_DATE, FN_CONDITIONAL, LIMIT_SHORT_CHARS, NULL, STR, "date",
	 "yyyy-MM-dd, a real calendar date; required when time or timeZone is given; the incident may not be more than 24 hours after receipt",
	 "The date of the incident. Without date, time and timeZone the incident time is the time received.", "\"2021-01-15\""},
	[FR_TIME] = {"time", FK_TIME, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, STR, NULL,
	 "HH:mm or HH:mm:ss, 24-hour; needs date",
	 "The time of the incident.", "\"14:30\""},
	[FR_TIME_ZONE] = {"timeZone", FK_ZONE, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, STR, NULL,
	 "±HHMM, ±HH:MM, ±HH, HHMM (means +), Z, UTC, GMT, or an abbreviation of the taxonomy's table; -12:00 to +14:00; default UTC; needs date",
	 "The time zone of date and time.", "\"-0500\""},
	[FR_SOURCE_IP] = {"sourceIp", FK_IP, FN_CONDITIONAL, LIMIT_IP_CHARS, NULL, STR, "ip",
	 "IPv4 dotted quad without leading zeros, or IPv6; a globally routable address (not private, loopback, documentation...); an IP Address report needs sourceIp or an ipAddressList item",
	 "The reported (abusing) address.", "\"8.8.8.8\""},
	[FR_SOURCE_PORT] = {"sourcePort", FK_PORT, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, "string or integer", NULL,
	 "1 to 65535", "The port the abuse came from.", "4444"},
	[FR_SOURCE_URL] = {"sourceUrl", FK_URL, FN_CONDITIONAL, LIMIT_URL_CHARS, NULL, STR, "uri",
	 "absolute http, https or ftp URL with a host; at most 8 192 characters; a URL report needs sourceUrl, destinationUrl or a urlList item",
	 "The reported URL.", "\"https://phish.example/login\""},
	[FR_DESTINATION_IP] = {"destinationIp", FK_IP, FN_OPTIONAL, LIMIT_IP_CHARS, NULL, STR, "ip",
	 "IPv4 or IPv6 (any valid address)", "The victim's address.", NULL},
	[FR_DESTINATION_PORT] = {"destinationPort", FK_PORT, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, "string or integer", NULL,
	 "1 to 65535", "The victim's port.", "\"443\""},
	[FR_DESTINATION_URL] = {"destinationUrl", FK_URL, FN_OPTIONAL, LIMIT_URL_CHARS, NULL, STR, "uri",
	 "absolute http, https or ftp URL; in a URL report without any sourceUrl it is the reported URL and the rules of reported URLs apply",
	 "The victim side URL (or the reported URL, see the rule).", NULL},
	[FR_IP_ADDRESS_LIST] = {"ipAddressList", FK_IP_LIST, FN_OPTIONAL, 0, NULL, "array", NULL,
	 "items {sourceIp, sourcePort, destinationIp, destinationPort}; in an IP Address report every item needs sourceIp; no fixed cap (bounded by the body size); duplicates are merged",
	 "Several IP indicators in one report.", NULL},
	[FR_URL_LIST] = {"urlList", FK_URL_LIST, FN_OPTIONAL, 0, NULL, "array", NULL,
	 "items {sourceUrl, destinationUrl}, each with at least one of the two; no fixed cap; duplicates are merged",
	 "Several URL indicators in one report.", NULL},
	[FR_REPORT_NOTES] = {"reportNotes", FK_FREETEXT, FN_OPTIONAL, LIMIT_REPORT_NOTES_CHARS, NULL, STR, NULL,
	 "optional; at most 10 000 characters; newlines and tabs allowed",
	 "A free-text description of the incident.", NULL},
	[FR_SEVERITY] = {"severity", FK_SEVERITY, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, STR, NULL,
	 "optional; one of the taxonomy's severities (any letter case)",
	 "How severe the reporter judges the incident.", "\"High\""},
	[FR_TEST_SUBMISSION] = {"testSubmission", FK_BOOL, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, "boolean", NULL,
	 "optional, default false; true validates everything, stores nothing, and answers \"Test Successful\"",
	 "Try the API without filing a report.", "true"},
	[FR_SOURCE] = {"source", FK_IGNORED, FN_OPTIONAL, LIMIT_SOURCE_CHARS, NULL, STR, NULL,
	 "accepted and ignored; the server sets it from the channel (ReportApi or CertPortalV2)",
	 "The channel the report came through.", NULL},
};

static const field_rule ip_item_fields[FI_COUNT] = {
	[FI_SOURCE_IP] = {"sourceIp", FK_IP, FN_CONDITIONAL, LIMIT_IP_CHARS, NULL, STR, "ip",
	 "required in IP Address reports; as the top-level sourceIp", "A reported address.", "\"8.8.4.4\""},
	[FI_SOURCE_PORT] = {"sourcePort", FK_PORT, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, "string or integer", NULL,
	 "1 to 65535", "Its port.", NULL},
	[FI_DESTINATION_IP] = {"destinationIp", FK_IP, FN_OPTIONAL, LIMIT_IP_CHARS, NULL, STR, "ip",
	 "IPv4 or IPv6", "The victim's address.", NULL},
	[FI_DESTINATION_PORT] = {"destinationPort", FK_PORT, FN_OPTIONAL, LIMIT_SHORT_CHARS, NULL, "string or integer", NULL,
	 "1 to 65535", "The victim's port.", NULL},
};

static const field_rule url_item_fields[FU_COUNT] = {
	[FU_SOURCE_URL] = {"sourceUrl", FK_URL, FN_CONDITIONAL, LIMIT_URL_CHARS, NULL, STR, "uri",
	 "sourceUrl or destinationUrl is required", "A reported URL.", "\"https://phish.example/a\""},
	[FU_DESTINATION_URL] = {"destinationUrl", FK_URL, FN_CONDITIONAL, LIMIT_URL_CHARS, NULL, STR, "uri",
	 "as the top-level destinationUrl", "The victim side URL.", NULL},
};

const field_rule *
fields_table(enum field_table t, size_t *n)
{
	switch (t) {
	case FIELDS_IP_ITEM:
		*n = sizeof(ip_item_fields) / sizeof(ip_item_fields[0]);
		return ip_item_fields;
	case FIELDS_URL_ITEM:
		*n = sizeof(url_item_fields) / sizeof(url_item_fields[0]);
		return url_item_fields;
	case FIELDS_REPORT:
	default:
		*n = sizeof(report_fields) / sizeof(report_fields[0]);
		return report_fields;
	}
}

/*
 * Every property of every body is looked up here.  Comparing the first
 * byte before calling strcmp skips most of the table cheaply (measured with
 * callgrind, bench/cpu/: 440 instructions a lookup with strcmp alone, 200
 * with the test); a hash would save little more on 25 names.
 */
const field_rule *
fields_find(enum field_table t, const char *name)
{
	size_t n;
	const field_rule *r = fields_table(t, &n);

	for (size_t i = 0; i < n; i++)
		if (r[i].name[0] == name[0] && strcmp(r[i].name, name) == 0)
			return &r[i];
	return NULL;
}

const field_rule *
fields_find_nocase(enum field_table t, const char *name)
{
	size_t n;
	const field_rule *r = fields_table(t, &n);

	for (size_t i = 0; i < n; i++)
		if (strcasecmp(r[i].name, name) == 0)
			return &r[i];
	return NULL;
}
