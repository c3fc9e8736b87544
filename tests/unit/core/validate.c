/*
 * tests/unit/core/validate.c -- the whole-report check: what is accepted,
 * how it is normalized, and that every problem is reported at once, keyed
 * by its field path, with the allowed values where a list exists.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/validate.h"
#include "util/buf.h"

extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;

static taxonomy *tax;
/* 2021-02-01T12:00:00Z, the announcement's day */
static const int64_t NOW = 1612180800;

typedef struct result {
	int rc;
	report r;
	verrors *e;
	cJSON *errors;
	cJSON *allowed;
} result;

static void
run_ctx(result *res, const char *json, const vscope *scope, const char *channel)
{
	vcontext ctx = {tax, scope, NOW, channel};
	cJSON *body = cJSON_Parse(json);

	assert_non_null(body);
	res->e = verrors_new();
	res->rc = validate_report(&ctx, body, &res->r, res->e);
	res->errors = verrors_errors_json(res->e);
	res->allowed = verrors_allowed_json(res->e);
	cJSON_Delete(body);
}

static void
run(result *res, const char *json)
{
	run_ctx(res, json, NULL, VALIDATE_CHANNEL_API);
}

static void
done(result *res)
{
	report_cleanup(&res->r);
	verrors_free(res->e);
	cJSON_Delete(res->errors);
	cJSON_Delete(res->allowed);
}

/* The first message for path, or NULL. */
static const char *
msg(const result *res, const char *path)
{
	const cJSON *a = cJSON_GetObjectItemCaseSensitive(res->errors, path);

	return cJSON_IsArray(a) && a->child != NULL ? a->child->valuestring : NULL;
}

static void
assert_error(const result *res, const char *path, const char *contains)
{
	const char *m = msg(res, path);

	if (m == NULL) {
		char *all = cJSON_Print(res->errors);

		print_error("no error for %s; errors: %s\n", path, all);
		free(all);
		fail();
	}
	if (contains != NULL && strstr(m, contains) == NULL) {
		print_error("error for %s is \"%s\", expected it to contain \"%s\"\n", path, m, contains);
		fail();
	}
}

#define BASE "\"reporterName\":\"Jane\",\"reporterEmail\":\"jane@example.org\","
#define IPREP BASE "\"threatType\":\"IP Address\",\"incidentType\":\"Brute Force\","

static void
valid_ip_report_is_normalized(void **state)
{
	result res;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\" ip address \",\"incidentType\":\"brute force\","
	    "\"attackMethod\":\"PASSWORD SPRAY\",\"sourceIp\":\" 2001:4860:0:0::8888 \",\"sourcePort\":\"0443\","
	    "\"destinationPort\":22,\"date\":\"2021-01-31\",\"time\":\"23:30\",\"timeZone\":\"-0500\","
	    "\"anonymizeReport\":\"TRUE\",\"severity\":\"high\",\"source\":\"whatever\"}");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.r.threat_type, "IP Address");
	assert_string_equal(res.r.incident_type, "Brute Force");
	assert_string_equal(res.r.attack_method, "Password Spray");
	assert_string_equal(res.r.source_ip, "2001:4860::8888");
	assert_int_equal(res.r.source_port, 443);
	assert_int_equal(res.r.destination_port, 22);
	assert_int_equal(res.r.anonymize, 1);
	assert_string_equal(res.r.severity, "High");
	assert_string_equal(res.r.channel, "ReportApi");
	/* 2021-01-31 23:30 -05:00 = 2021-02-01 04:30Z */
	assert_int_equal(res.r.incident_epoch, 1612153800);
	assert_int_equal(res.r.incident_time_given, 1);
	done(&res);
}

static void
announcement_example_1_is_a_valid_test(void **state)
{
	result res;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\"IP Address\",\"incidentType\":\"Social Engineering\","
	    "\"attackMethod\":\"Phishing Email\",\"sourceIp\":\"8.8.8.8\",\"date\":\"2021-01-15\","
	    "\"time\":\"10:30:00\",\"timeZone\":\"UTC\",\"testSubmission\":true}");
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.r.test, 1);
	done(&res);
}

static void
announcement_example_2_names_valid_attack_methods(void **state)
{
	result res;
	const cJSON *a;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\"IP Address\",\"incidentType\":\"Social Engineering\","
	    "\"attackMethod\":\"Phishing Website\",\"sourceIp\":\"8.8.8.8\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "attackMethod", "'Phishing Email' or 'Tech Support Scam'");
	a = cJSON_GetObjectItemCaseSensitive(res.allowed, "attackMethod");
	assert_int_equal(cJSON_GetArraySize(a), 2);
	assert_string_equal(cJSON_GetArrayItem(a, 0)->valuestring, "Phishing Email");
	assert_int_equal(verrors_count(res.e), 1);
	done(&res);
}

static void
announcement_example_3_refuses_the_date_format(void **state)
{
	result res;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\"IP Address\",\"incidentType\":\"Account Compromise/Unauthorized Access\","
	    "\"sourceIp\":\"8.8.8.8\",\"date\":\"2021/01/15\",\"time\":\"10:30\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "date", "yyyy-MM-dd");
	assert_int_equal(verrors_count(res.e), 1);
	done(&res);
}

static void
every_problem_is_reported_at_once(void **state)
{
	result res;

	(void)state;
	run(&res, "{\"reporterName\":\"   \",\"reporterEmail\":\"not-an-email\",\"threatType\":\"Bogus\","
	    "\"incidentType\":\"Spam\",\"sourcePort\":\"70000\",\"time\":\"25:00\",\"tlp\":\"AMBER\","
	    "\"anonymizeReport\":\"yes\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "reporterName", "required");
	assert_error(&res, "reporterEmail", NULL);
	assert_error(&res, "threatType", "'Bogus' is not a threat type");
	assert_error(&res, "sourcePort", "1 to 65535");
	assert_error(&res, "date", "date is required");
	assert_error(&res, "tlp", "not a property");
	assert_error(&res, "anonymizeReport", "true or false");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(res.allowed, "threatType"));
	assert_null(res.r.reporter_name);     /* nothing half-filled on failure */
	done(&res);
}

static void
required_fields_missing_are_listed(void **state)
{
	result res;

	(void)state;
	run(&res, "{}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "reporterName", "required");
	assert_error(&res, "reporterEmail", "required");
	assert_error(&res, "threatType", "required");
	assert_error(&res, "incidentType", "required");
	done(&res);
}

static void
responsible_ai_is_portal_only(void **state)
{
	result res;
	static const char body[] = "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Responsible AI\","
	    "\"sourceUrl\":\"https://bad.example/x\"}";

	(void)state;
	run(&res, body);
	assert_int_equal(res.rc, -1);
	assert_error(&res, "incidentType", "Portal only");
	done(&res);
	run_ctx(&res, body, NULL, VALIDATE_CHANNEL_PORTAL);
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.r.incident_type, "Responsible AI");
	done(&res);
}

static void
illegal_alias_is_canonicalized(void **state)
{
	result res;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"illegal\",\"sourceUrl\":\"http://x.example/\"}");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.r.incident_type, "Illegal/Violates the rights of others");
	done(&res);
}

static void
attack_method_on_incident_without_methods_is_refused(void **state)
{
	result res;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\"IP Address\",\"incidentType\":\"Spam\",\"attackMethod\":\"Flooding\","
	    "\"sourceIp\":\"8.8.8.8\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "attackMethod", "no attack methods");
	done(&res);
}

static void
unknown_property_suggests_the_right_case(void **state)
{
	result res;

	(void)state;
	run(&res, "{" IPREP "\"sourceIP\":\"8.8.8.8\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "sourceIP", "did you mean 'sourceIp'");
	assert_error(&res, "sourceIp", "at least one reported IP");
	done(&res);
}

static void
phone_alias_must_agree(void **state)
{
	result res;

	(void)state;
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"reporterPhone\":\"+1 555 0100\"}");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.r.phone_number, "+1 555 0100");
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"reporterPhone\":\"+1 555 0100\",\"phoneNumber\":\"+1 555 0199\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "reporterPhone", "differ");
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"phoneNumber\":\"call me\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "phoneNumber", "digits");
	done(&res);
}

static void
special_purpose_source_is_refused_destination_is_not(void **state)
{
	result res;

	(void)state;
	run(&res, "{" IPREP "\"sourceIp\":\"10.1.2.3\",\"destinationIp\":\"192.168.1.1\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "sourceIp", "10.1.2.3 is a private address (RFC 1918)");
	assert_null(msg(&res, "destinationIp"));
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"::ffff:127.0.0.1\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "sourceIp", "loopback");
	done(&res);
}

static void
list_errors_are_keyed_by_path(void **state)
{
	result res;

	(void)state;
	run(&res, "{" IPREP "\"ipAddressList\":[{\"sourceIp\":\"8.8.8.8\"},{\"sourcePort\":80},"
	    "{\"sourceIp\":\"1.2.3.04\"},{\"sourceIp\":\"8.8.4.4\",\"destinationPort\":\"0\"},{\"bogus\":1},"
	    "\"notanobject\"]}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "ipAddressList[1].sourceIp", "needs its sourceIp");
	assert_error(&res, "ipAddressList[2].sourceIp", NULL);
	assert_error(&res, "ipAddressList[3].destinationPort", "port");
	assert_error(&res, "ipAddressList[4].bogus", "not a property of an ipAddressList item");
	assert_error(&res, "ipAddressList[5]", "must be an object");
	assert_null(msg(&res, "ipAddressList[0].sourceIp"));
	done(&res);
}

static void
duplicates_in_lists_are_merged(void **state)
{
	result res;

	(void)state;
	run(&res, "{" IPREP "\"ipAddressList\":[{\"sourceIp\":\"8.8.8.8\"},{\"sourceIp\":\" 8.8.8.8\"},"
	    "{\"sourceIp\":\"8.8.8.8\",\"sourcePort\":1},{\"sourceIp\":\"2001:4860::8888\"},"
	    "{\"sourceIp\":\"2001:4860:0::8888\"}]}");
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.r.n_ips, 3);
	assert_int_equal(res.r.duplicates_merged, 2);
	done(&res);
}

/*
 * Regression: items differing only in destinationPort all fell in one bucket
 * of the old fixed hash (18 s for 65 535 of them).  The sort-based merge must
 * keep every distinct item, drop later duplicates, and keep the order sent.
 */
static void
items_differing_only_in_port_are_distinct_and_order_is_kept(void **state)
{
	result res;
	buf b;

	(void)state;
	buf_init(&b, 1u << 20);
	(void)buf_puts(&b, "{" IPREP "\"ipAddressList\":[");
	for (int d = 3000; d >= 1; d--)
		(void)buf_printf(&b, "{\"sourceIp\":\"8.8.4.4\",\"destinationIp\":\"1.1.1.1\",\"destinationPort\":%d},", d);
	(void)buf_puts(&b, "{\"sourceIp\":\"8.8.4.4\",\"destinationIp\":\"1.1.1.1\",\"destinationPort\":7},"
	    "{\"sourceIp\":\"8.8.4.4\",\"destinationIp\":\"1.1.1.1\",\"destinationPort\":3000}]}");
	run(&res, buf_str(&b));
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.r.n_ips, 3000);
	assert_int_equal(res.r.duplicates_merged, 2);
	for (size_t i = 0; i < res.r.n_ips; i++)
		assert_int_equal(res.r.ips[i].destination_port, 3000 - (int)i);
	done(&res);
	buf_cleanup(&b);
}

static void
url_report_with_destination_only_treats_it_as_the_indicator(void **state)
{
	result res;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Phishing\","
	    "\"urlList\":[{\"destinationUrl\":\"https://Phish.Example/login\"}]}");
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.r.n_urls, 1);
	assert_non_null(res.r.urls[0].destination_host);
	assert_string_equal(res.r.urls[0].destination_host, "phish.example");
	done(&res);
	/* as the indicator, a special-purpose host is refused... */
	run(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Phishing\",\"destinationUrl\":\"http://10.0.0.1/\"}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "destinationUrl", "private");
	done(&res);
	/* ...but beside a source URL it is only the victim side */
	run(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Phishing\",\"sourceUrl\":\"http://evil.example/\","
	    "\"destinationUrl\":\"http://10.0.0.1/\"}");
	assert_int_equal(res.rc, 0);
	done(&res);
}

static void
url_report_needs_a_url(void **state)
{
	result res;

	(void)state;
	run(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Phishing\",\"urlList\":[{}],"
	    "\"ipAddressList\":[{\"destinationIp\":\"10.0.0.1\"}]}");
	assert_int_equal(res.rc, -1);
	assert_error(&res, "urlList[0].sourceUrl", "sourceUrl or a destinationUrl");
	assert_null(msg(&res, "ipAddressList[0].sourceIp"));   /* auxiliary in a URL report */
	done(&res);
	run(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Phishing\"}");
	assert_error(&res, "sourceUrl", "at least one URL");
	done(&res);
}

static void
operator_scope_is_enforced(void **state)
{
	result res;
	ipprefix p;
	char why[128];
	const char *domains[] = {"example.net"};
	vscope scope = {&p, 1, domains, 1, "Example Hosting"};

	(void)state;
	assert_int_equal(ipprefix_parse("8.8.0.0/16", &p, why, sizeof(why)), 0);
	run_ctx(&res, "{" IPREP "\"sourceIp\":\"1.1.1.1\"}", &scope, VALIDATE_CHANNEL_API);
	assert_int_equal(res.rc, -1);
	assert_error(&res, "sourceIp", "not in Example Hosting's networks");
	done(&res);
	run_ctx(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\"}", &scope, VALIDATE_CHANNEL_API);
	assert_int_equal(res.rc, 0);
	done(&res);
	run_ctx(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Phishing\",\"sourceUrl\":\"http://a.b.example.net/\"}",
	    &scope, VALIDATE_CHANNEL_API);
	assert_int_equal(res.rc, 0);
	done(&res);
	run_ctx(&res, "{" BASE "\"threatType\":\"URL\",\"incidentType\":\"Phishing\",\"sourceUrl\":\"http://badexample.net/\"}",
	    &scope, VALIDATE_CHANNEL_API);
	assert_int_equal(res.rc, -1);
	assert_error(&res, "sourceUrl", "not in Example Hosting's domains");
	done(&res);
}

static void
time_rules(void **state)
{
	result res;

	(void)state;
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"timeZone\":\"UTC\"}");
	assert_error(&res, "date", "date is required when timeZone is given");
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"date\":\"2021-02-02\",\"time\":\"12:00:01\"}");
	assert_error(&res, "date", "more than 24 hours");
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"date\":\"2021-02-02\",\"time\":\"12:00\"}");
	assert_int_equal(res.rc, 0);            /* exactly 24 hours is allowed */
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"date\":\"2021-01-01\",\"timeZone\":\"IST\"}");
	assert_error(&res, "timeZone", NULL);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(res.allowed, "timeZone"));
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\"}");
	assert_int_equal(res.rc, 0);
	assert_int_equal(res.r.incident_time_given, 0);
	assert_int_equal(res.r.incident_epoch, NOW);
	done(&res);
}

static void
types_lengths_and_control_characters(void **state)
{
	result res;
	char big[2400];
	size_t k = 0;

	(void)state;
	run(&res, "{" IPREP "\"sourceIp\":8,\"reporterOrg\":[],\"testSubmission\":1}");
	assert_error(&res, "sourceIp", "must be a string");
	assert_error(&res, "reporterOrg", "must be a string");
	assert_error(&res, "testSubmission", "true or false");
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"reporterOrg\":\"A\\u0007B\",\"reportNotes\":\"line1\\r\\nline2\\tx\"}");
	assert_error(&res, "reporterOrg", "single line");
	assert_null(msg(&res, "reportNotes"));
	done(&res);
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"reportNotes\":\"a\\r\\nb\\rc\"}");
	assert_int_equal(res.rc, 0);
	assert_string_equal(res.r.report_notes, "a\nb\nc");
	done(&res);
	/* 200 two-byte characters are 200 characters: allowed; 201 are not */
	k += (size_t)snprintf(big, sizeof(big), "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"reporterOrg\":\"");
	for (int i = 0; i < 200; i++) {
		big[k++] = (char)0xc3;
		big[k++] = (char)0xa9;
	}
	snprintf(big + k, sizeof(big) - k, "\"}");
	run(&res, big);
	assert_int_equal(res.rc, 0);
	done(&res);
	snprintf(big + k, sizeof(big) - k, "x\"}");
	run(&res, big);
	assert_error(&res, "reporterOrg", "201 characters");
	done(&res);
}

static void
null_and_empty_optional_fields_are_absent(void **state)
{
	result res;

	(void)state;
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"attackMethod\":null,\"reporterOrg\":\"\",\"severity\":\"  \","
	    "\"date\":null,\"ipAddressList\":null}");
	assert_int_equal(res.rc, 0);
	assert_null(res.r.attack_method);
	assert_null(res.r.reporter_org);
	done(&res);
}

static void
test_flag_is_read_before_validation(void **state)
{
	cJSON *b = cJSON_Parse("{\"testSubmission\":\" True \"}");

	(void)state;
	assert_int_equal(validate_is_test(b), 1);
	cJSON_Delete(b);
	b = cJSON_Parse("{\"testSubmission\":\"False\"}");
	assert_int_equal(validate_is_test(b), 0);
	cJSON_Delete(b);
}

static void
report_json_has_canonical_values(void **state)
{
	result res;
	cJSON *j;
	char *text;

	(void)state;
	run(&res, "{" IPREP "\"sourceIp\":\"8.8.8.8\",\"destinationPort\":\"443\",\"date\":\"2021-01-15\","
	    "\"time\":\"10:30\",\"timeZone\":\"-0000\",\"reporterPhone\":\"555-0100\"}");
	assert_int_equal(res.rc, 0);
	j = report_to_json(&res.r);
	text = cJSON_PrintUnformatted(j);
	assert_non_null(strstr(text, "\"destinationPort\":443"));
	assert_non_null(strstr(text, "\"time\":\"10:30:00\""));
	assert_non_null(strstr(text, "\"timeZone\":\"+00:00\""));
	assert_non_null(strstr(text, "\"phoneNumber\":\"555-0100\""));
	assert_non_null(strstr(text, "\"incidentTime\":\"2021-01-15T10:30:00Z\""));
	assert_non_null(strstr(text, "\"incidentTimeSource\":\"reported\""));
	assert_non_null(strstr(text, "\"source\":\"ReportApi\""));
	assert_null(strstr(text, "reporterPhone"));
	free(text);
	cJSON_Delete(j);
	done(&res);
}

static int
setup(void **state)
{
	char err[256];

	(void)state;
	if (taxonomy_parse((const char *)embedded_taxonomy, embedded_taxonomy_len, &tax, err, sizeof(err)) < 0) {
		fprintf(stderr, "taxonomy: %s\n", err);
		return -1;
	}
	return 0;
}

static int
teardown(void **state)
{
	(void)state;
	taxonomy_free(tax);
	return 0;
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(valid_ip_report_is_normalized),
		cmocka_unit_test(announcement_example_1_is_a_valid_test),
		cmocka_unit_test(announcement_example_2_names_valid_attack_methods),
		cmocka_unit_test(announcement_example_3_refuses_the_date_format),
		cmocka_unit_test(every_problem_is_reported_at_once),
		cmocka_unit_test(required_fields_missing_are_listed),
		cmocka_unit_test(responsible_ai_is_portal_only),
		cmocka_unit_test(illegal_alias_is_canonicalized),
		cmocka_unit_test(attack_method_on_incident_without_methods_is_refused),
		cmocka_unit_test(unknown_property_suggests_the_right_case),
		cmocka_unit_test(phone_alias_must_agree),
		cmocka_unit_test(special_purpose_source_is_refused_destination_is_not),
		cmocka_unit_test(list_errors_are_keyed_by_path),
		cmocka_unit_test(duplicates_in_lists_are_merged),
		cmocka_unit_test(items_differing_only_in_port_are_distinct_and_order_is_kept),
		cmocka_unit_test(url_report_with_destination_only_treats_it_as_the_indicator),
		cmocka_unit_test(url_report_needs_a_url),
		cmocka_unit_test(operator_scope_is_enforced),
		cmocka_unit_test(time_rules),
		cmocka_unit_test(types_lengths_and_control_characters),
		cmocka_unit_test(null_and_empty_optional_fields_are_absent),
		cmocka_unit_test(test_flag_is_read_before_validation),
		cmocka_unit_test(report_json_has_canonical_values),
	};

	return cmocka_run_group_tests_name("core/validate", tests, setup, teardown);
}
