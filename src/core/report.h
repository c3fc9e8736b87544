/*
 * report.h -- a v2.0 abuse report, as normalized by the validator.
 *
 * Every string is trimmed and in its canonical form: IPs as ipaddr_format
 * gives them, URLs as url_check gives them, the email's domain in ASCII,
 * taxonomy names in their canonical spelling.  Ports are 0 when absent.
 *
 * Ownership: a report owns its strings (free with report_cleanup), except
 * threat_type, incident_type, attack_method, severity and channel, which
 * are borrowed from the taxonomy / static storage and stay valid as long as
 * the taxonomy the report was validated against.
 */
#ifndef ABUSEDESK_REPORT_H
#define ABUSEDESK_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/datetime.h"
#include "util/jsonw.h"

/*
 * Room for a report's JSON text.  No cap of its own: the text is bounded by
 * the body it was validated from (the body limit, each value's length).
 */
#define REPORT_TEXT_MAX (SIZE_MAX / 2)

typedef struct report_ip_item {
	char *source_ip;
	int source_port;
	char *destination_ip;
	int destination_port;
} report_ip_item;

typedef struct report_url_item {
	char *source_url;
	char *source_host;        /* ASCII host of source_url */
	char *destination_url;
	char *destination_host;
} report_url_item;

typedef struct report {
	char *reporter_name;
	char *reporter_email;
	char *reporter_org;
	char *phone_number;
	char *reporter_notes;
	int anonymize;

	const char *threat_type;
	const char *incident_type;
	const char *attack_method;    /* NULL when none */
	int indicator;                /* enum tax_indicator of the threat type */
	const char *severity;         /* NULL when not given */

	int has_date, has_time, has_zone;
	dt_date date;
	dt_time time;
	int zone_minutes;
	int64_t incident_epoch;       /* seconds; the time received when no date was given */
	int incident_time_given;

	char *source_ip;
	int source_port;
	char *destination_ip;
	int destination_port;
	char *source_url, *source_host;
	char *destination_url, *destination_host;

	report_ip_item *ips;
	size_t n_ips;
	report_url_item *urls;
	size_t n_urls;

	char *report_notes;
	int test;
	const char *channel;          /* "ReportApi" or "CertPortalV2" */
	size_t duplicates_merged;
} report;

void report_init(report *r);
void report_cleanup(report *r);
/*
 * Write the normalized report as a JSON object to w, as the member key
 * (NULL: the top-level value or an array's).  Properties come in the order
 * of the field table, absent optional ones left out, plus "incidentTime"
 * (RFC 3339 UTC) and "incidentTimeSource" ("reported" or "received").
 * Failures are w's (sticky; see jsonw.h).
 */
void report_write_json(const report *r, jsonw *w, const char *key);
/* The report as that JSON text (NUL-terminated, *len set if len); NULL on failure.  Caller frees. */
char *report_json_text(const report *r, size_t *len);
/*
 * The same as a cJSON tree (read back from that text, so the two agree).
 * NULL on allocation failure; caller owns the result.
 */
cJSON *report_to_json(const report *r);

#endif
