/*
 * tests/unit/core/taxonomy.c -- the default taxonomy (data/taxonomy.json, as
 * embedded) against taxonomy.md section 2, the lookups, and data files the
 * loader must refuse with a message naming the place.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "core/taxonomy.h"

extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;

static taxonomy *deflt;

static int
group_setup(void **state)
{
	char err[256];

	(void)state;
	if (taxonomy_parse((const char *)embedded_taxonomy, embedded_taxonomy_len, &deflt, err,
	    sizeof err) < 0) {
		fprintf(stderr, "data/taxonomy.json: %s\n", err);
		return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	(void)state;
	taxonomy_free(deflt);
	return 0;
}

/* taxonomy.md section 2, as data: threat, incident, attack methods (NULL-ended). */
struct expect {
	const char *threat;
	const char *incident;
	const char *attacks[4];
};

static const struct expect section2[] = {
	{ "IP Address", "Brute Force", { "Password Spray", "Dictionary Attack", "Credential Stuffing" } },
	{ "IP Address", "Denial of Service", { "Flooding", "Reflection Attack", "Resource Depletion" } },
	{ "IP Address", "Account Compromise/Unauthorized Access",
	    { "Credential Theft", "Exploitation of a Vulnerability", "Unauthorized Login" } },
	{ "IP Address", "Social Engineering", { "Phishing Email", "Tech Support Scam" } },
	{ "IP Address", "Phishing", { NULL } },
	{ "IP Address", "Malware", { "Command and Control", "Malware Distribution" } },
	{ "IP Address", "Scanning/Scraping", { "Port Scan", "Web Scraping" } },
	{ "IP Address", "Spam", { NULL } },
	{ "IP Address", "Illegal/Violates the rights of others", { NULL } },
	{ "URL", "Phishing", { NULL } },
	{ "URL", "Social Engineering", { "Phishing Website", "Tech Support Scam" } },
	{ "URL", "Malware", { "Malware Distribution", "Command and Control" } },
	{ "URL", "Illegal/Violates the rights of others", { NULL } },
	{ "URL", "Responsible AI", { NULL } },
};

#define N_SECTION2 (sizeof section2 / sizeof section2[0])

static size_t
count_attacks(const struct expect *e)
{
	size_t n = 0;

	while (n < 4 && e->attacks[n] != NULL)
		n++;
	return n;
}

static void
default_has_the_two_threat_types_in_order(void **state)
{
	(void)state;
	assert_int_equal(taxonomy_threat_count(deflt), 2);
	assert_string_equal(taxonomy_threat_at(deflt, 0)->name, "IP Address");
	assert_int_equal(taxonomy_threat_at(deflt, 0)->indicator, TAX_INDICATOR_IP);
	assert_string_equal(taxonomy_threat_at(deflt, 1)->name, "URL");
	assert_int_equal(taxonomy_threat_at(deflt, 1)->indicator, TAX_INDICATOR_URL);
	assert_null(taxonomy_threat_at(deflt, 2));
	assert_int_equal(taxonomy_find_threat(deflt, "IP Address")->n_incidents, 9);
	assert_int_equal(taxonomy_find_threat(deflt, "URL")->n_incidents, 5);
}

static void
every_incident_and_attack_of_section2_is_found(void **state)
{
	(void)state;
	for (size_t i = 0; i < N_SECTION2; i++) {
		const struct expect *e = &section2[i];
		const tax_threat *t = taxonomy_find_threat(deflt, e->threat);
		const tax_incident *inc = taxonomy_find_incident(t, e->incident);

		assert_non_null(inc);
		assert_string_equal(inc->name, e->incident);
		assert_int_equal(inc->n_attacks, count_attacks(e));
		for (size_t k = 0; k < count_attacks(e); k++) {
			const tax_attack *a = taxonomy_find_attack(inc, e->attacks[k]);

			assert_non_null(a);
			assert_ptr_equal(a, &inc->attacks[k]); /* in the listed order */
			assert_string_equal(a->name, e->attacks[k]);
		}
	}
}

/* Listed incidents in file order, so the portal shows them as section 2 does. */
static void
incidents_come_in_the_listed_order(void **state)
{
	size_t k[2] = { 0, 0 };

	(void)state;
	for (size_t i = 0; i < N_SECTION2; i++) {
		size_t ti = strcmp(section2[i].threat, "URL") == 0;
		const tax_threat *t = taxonomy_threat_at(deflt, ti);

		assert_string_equal(t->incidents[k[ti]++].name, section2[i].incident);
	}
}

static bool
listed(const char *threat, const char *incident, const char *attack)
{
	for (size_t i = 0; i < N_SECTION2; i++) {
		if (strcmp(section2[i].threat, threat) != 0 ||
		    strcmp(section2[i].incident, incident) != 0)
			continue;
		if (attack == NULL)
			return true;
		for (size_t k = 0; k < count_attacks(&section2[i]); k++)
			if (strcmp(section2[i].attacks[k], attack) == 0)
				return true;
	}
	return false;
}

/* Every (incident, attack) of section 2 tried under every threat and incident. */
static void
nothing_is_found_where_section2_does_not_list_it(void **state)
{
	static const char *const threats[] = { "IP Address", "URL" };

	(void)state;
	for (size_t ti = 0; ti < 2; ti++) {
		const tax_threat *t = taxonomy_find_threat(deflt, threats[ti]);

		for (size_t i = 0; i < N_SECTION2; i++) {
			const tax_incident *inc = taxonomy_find_incident(t, section2[i].incident);

			assert_true((inc != NULL) == listed(threats[ti], section2[i].incident, NULL));
			for (size_t j = 0; inc != NULL && j < N_SECTION2; j++) {
				for (size_t k = 0; k < count_attacks(&section2[j]); k++) {
					const char *a = section2[j].attacks[k];

					assert_true((taxonomy_find_attack(inc, a) != NULL) ==
					    listed(threats[ti], inc->name, a));
				}
			}
		}
	}
}

static void
phishing_website_is_only_under_url_social_engineering(void **state)
{
	const tax_threat *ip = taxonomy_find_threat(deflt, "IP Address");
	const tax_threat *url = taxonomy_find_threat(deflt, "URL");

	(void)state;
	assert_null(taxonomy_find_attack(taxonomy_find_incident(ip, "Social Engineering"),
	    "Phishing Website"));
	assert_non_null(taxonomy_find_attack(taxonomy_find_incident(url, "Social Engineering"),
	    "Phishing Website"));
	assert_null(taxonomy_find_attack(taxonomy_find_incident(url, "Social Engineering"),
	    "Phishing Email"));
	assert_null(taxonomy_find_attack(taxonomy_find_incident(url, "Phishing"),
	    "Phishing Website"));
	assert_null(taxonomy_find_incident(url, "Brute Force"));
	assert_null(taxonomy_find_incident(url, "Spam"));
	assert_null(taxonomy_find_incident(ip, "Responsible AI"));
}

static void
lookups_trim_and_ignore_ascii_case(void **state)
{
	const tax_threat *t;
	const tax_incident *inc;

	(void)state;
	t = taxonomy_find_threat(deflt, "  ip address\t");
	assert_non_null(t);
	assert_string_equal(t->name, "IP Address");
	assert_ptr_equal(taxonomy_find_threat(deflt, "\r\nurl \v\f"), taxonomy_threat_at(deflt, 1));
	inc = taxonomy_find_incident(t, " BRUTE force ");
	assert_non_null(inc);
	assert_string_equal(inc->name, "Brute Force");
	assert_string_equal(taxonomy_find_attack(inc, "\tpassword SPRAY\n")->name, "Password Spray");
	assert_non_null(taxonomy_find_incident(t, "account compromise/unauthorized access"));
	/* whitespace inside a name is not folded, nor is non-ASCII whitespace trimmed */
	assert_null(taxonomy_find_incident(t, "Brute  Force"));
	assert_null(taxonomy_find_threat(deflt, "\xc2\xa0URL"));
	assert_null(taxonomy_find_threat(deflt, "UR"));
	assert_null(taxonomy_find_threat(deflt, "URLs"));
	assert_null(taxonomy_find_threat(deflt, ""));
	assert_null(taxonomy_find_threat(deflt, "   "));
	assert_null(taxonomy_find_incident(t, "Brute"));
}

static void
threat_aliases_are_accepted(void **state)
{
	static const char *const ip[] = { "IP", "ip", "IPAddress", "ipaddress", "IP_ADDRESS", " Ip " };
	static const char *const url[] = { "URI", "website", "Url" };

	(void)state;
	for (size_t i = 0; i < sizeof ip / sizeof ip[0]; i++)
		assert_string_equal(taxonomy_find_threat(deflt, ip[i])->name, "IP Address");
	for (size_t i = 0; i < sizeof url / sizeof url[0]; i++)
		assert_string_equal(taxonomy_find_threat(deflt, url[i])->name, "URL");
	assert_null(taxonomy_find_threat(deflt, "IP-Address "));
}

static void
illegal_is_the_label_and_an_alias_under_both_threats(void **state)
{
	(void)state;
	for (size_t i = 0; i < taxonomy_threat_count(deflt); i++) {
		const tax_threat *t = taxonomy_threat_at(deflt, i);
		const tax_incident *inc = taxonomy_find_incident(t, "Illegal");

		assert_non_null(inc);
		assert_string_equal(inc->name, "Illegal/Violates the rights of others");
		assert_string_equal(inc->label, "Illegal");
		assert_ptr_equal(taxonomy_find_incident(t, " illegal "), inc);
		assert_ptr_equal(taxonomy_find_incident(t, "ILLEGAL/VIOLATES THE RIGHTS OF OTHERS"), inc);
		assert_int_equal(inc->n_aliases, 1);
		assert_string_equal(inc->aliases[0], "Illegal");
	}
}

static void
only_responsible_ai_is_portal_only(void **state)
{
	(void)state;
	for (size_t i = 0; i < taxonomy_threat_count(deflt); i++) {
		const tax_threat *t = taxonomy_threat_at(deflt, i);

		for (size_t j = 0; j < t->n_incidents; j++) {
			bool rai = strcmp(t->name, "URL") == 0 &&
			    strcmp(t->incidents[j].name, "Responsible AI") == 0;

			assert_int_equal(t->incidents[j].portal_only, rai);
		}
	}
}

/* Every entry is described; labels default to the name. */
static void
everything_has_a_description_and_a_label(void **state)
{
	(void)state;
	for (size_t i = 0; i < taxonomy_threat_count(deflt); i++) {
		const tax_threat *t = taxonomy_threat_at(deflt, i);

		assert_true(strlen(t->description) > 20);
		for (size_t j = 0; j < t->n_incidents; j++) {
			const tax_incident *inc = &t->incidents[j];

			assert_true(strlen(inc->description) > 20);
			assert_non_null(inc->label);
			if (strcmp(inc->label, "Illegal") != 0)
				assert_string_equal(inc->label, inc->name);
			for (size_t k = 0; k < inc->n_attacks; k++)
				assert_true(strlen(inc->attacks[k].description) > 20);
		}
	}
}

static void
severities_are_high_medium_low(void **state)
{
	(void)state;
	assert_int_equal(taxonomy_severity_count(deflt), 3);
	assert_string_equal(taxonomy_severity_at(deflt, 0), "High");
	assert_string_equal(taxonomy_severity_at(deflt, 1), "Medium");
	assert_string_equal(taxonomy_severity_at(deflt, 2), "Low");
	assert_null(taxonomy_severity_at(deflt, 3));
	assert_string_equal(taxonomy_find_severity(deflt, "high"), "High");
	assert_string_equal(taxonomy_find_severity(deflt, " MEDIUM\t"), "Medium");
	assert_string_equal(taxonomy_find_severity(deflt, "lOw"), "Low");
	assert_null(taxonomy_find_severity(deflt, "Critical"));
	assert_null(taxonomy_find_severity(deflt, ""));
	assert_null(taxonomy_find_severity(deflt, NULL));
}

static void
zone_table_is_the_one_of_taxonomy_md(void **state)
{
	static const struct { const char *abbr; int off; } table[] = {
		{ "PST", -480 }, { "PDT", -420 }, { "MST", -420 }, { "MDT", -360 },
		{ "CST", -360 }, { "CDT", -300 }, { "EST", -300 }, { "EDT", -240 },
		{ "CET", 60 }, { "CEST", 120 }, { "JST", 540 },
	};
	int off;

	(void)state;
	assert_int_equal(taxonomy_zone_count(deflt), 11);
	for (size_t i = 0; i < 11; i++) {
		off = 9999;
		assert_string_equal(taxonomy_zone_at(deflt, i, &off), table[i].abbr);
		assert_int_equal(off, table[i].off);
		off = 9999;
		assert_int_equal(taxonomy_find_zone(deflt, table[i].abbr, &off), TAX_ZONE_FOUND);
		assert_int_equal(off, table[i].off);
	}
	assert_null(taxonomy_zone_at(deflt, 11, &off));
	assert_int_equal(taxonomy_find_zone(deflt, "pst", &off), TAX_ZONE_FOUND);
	assert_int_equal(off, -480);
	assert_int_equal(taxonomy_find_zone(deflt, " Cest ", &off), TAX_ZONE_FOUND);
	assert_int_equal(off, 120);
}

static void
ambiguous_zones_are_told_apart_from_unknown_ones(void **state)
{
	static const char *const ambiguous[] = { "IST", "ist", "BST", "AST", "SST", "GST", "ET" };
	int off = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof ambiguous / sizeof ambiguous[0]; i++)
		assert_int_equal(taxonomy_find_zone(deflt, ambiguous[i], &off), TAX_ZONE_AMBIGUOUS);
	assert_int_equal(taxonomy_find_zone(deflt, "XYZ", &off), TAX_ZONE_UNKNOWN);
	assert_int_equal(taxonomy_find_zone(deflt, "", &off), TAX_ZONE_UNKNOWN);
	assert_int_equal(taxonomy_find_zone(deflt, "UTC", &off), TAX_ZONE_UNKNOWN); /* built in, not table */
	assert_int_equal(off, 12345); /* untouched unless found */
	assert_int_equal(taxonomy_find_zone(NULL, "PST", &off), TAX_ZONE_UNKNOWN);
	assert_int_equal(taxonomy_find_zone(deflt, NULL, &off), TAX_ZONE_UNKNOWN);
	assert_int_equal(taxonomy_find_zone(deflt, "PST", NULL), TAX_ZONE_FOUND);
}

static void
null_arguments_find_nothing(void **state)
{
	(void)state;
	assert_null(taxonomy_find_threat(NULL, "URL"));
	assert_null(taxonomy_find_threat(deflt, NULL));
	assert_null(taxonomy_find_incident(NULL, "Spam"));
	assert_null(taxonomy_find_incident(taxonomy_threat_at(deflt, 0), NULL));
	assert_null(taxonomy_find_attack(NULL, "Flooding"));
	assert_int_equal(taxonomy_threat_count(NULL), 0);
	assert_null(taxonomy_threat_at(NULL, 0));
	assert_int_equal(taxonomy_severity_count(NULL), 0);
	assert_int_equal(taxonomy_zone_count(NULL), 0);
	assert_null(taxonomy_to_json(NULL));
	taxonomy_free(NULL);
}

static const cJSON *
member(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	assert_non_null(v);
	return v;
}

static void
check_incident_json(const cJSON *ji, const tax_incident *inc)
{
	const cJSON *am = member(ji, "attackMethods");

	assert_int_equal(cJSON_GetArraySize(ji), 5);
	assert_string_equal(member(ji, "name")->valuestring, inc->name);
	assert_string_equal(member(ji, "label")->valuestring, inc->label);
	assert_string_equal(member(ji, "description")->valuestring, inc->description);
	assert_true(cJSON_IsBool(member(ji, "portalOnly")));
	assert_int_equal(cJSON_IsTrue(member(ji, "portalOnly")), inc->portal_only);
	assert_true(cJSON_IsArray(am));
	assert_int_equal(cJSON_GetArraySize(am), inc->n_attacks);
	for (size_t k = 0; k < inc->n_attacks; k++) {
		const cJSON *ja = cJSON_GetArrayItem(am, (int)k);

		assert_int_equal(cJSON_GetArraySize(ja), 2);
		assert_string_equal(member(ja, "name")->valuestring, inc->attacks[k].name);
		assert_string_equal(member(ja, "description")->valuestring,
		    inc->attacks[k].description);
	}
}

static void
to_json_has_the_documented_shape(void **state)
{
	cJSON *j = taxonomy_to_json(deflt);
	const cJSON *tt, *sev, *tz;

	(void)state;
	assert_non_null(j);
	assert_int_equal(cJSON_GetArraySize(j), 3);
	tt = member(j, "threatTypes");
	assert_int_equal(cJSON_GetArraySize(tt), 2);
	for (size_t i = 0; i < 2; i++) {
		const cJSON *jt = cJSON_GetArrayItem(tt, (int)i);
		const tax_threat *t = taxonomy_threat_at(deflt, i);
		const cJSON *it = member(jt, "incidentTypes");

		assert_int_equal(cJSON_GetArraySize(jt), 4);
		assert_string_equal(member(jt, "name")->valuestring, t->name);
		assert_string_equal(member(jt, "description")->valuestring, t->description);
		assert_string_equal(member(jt, "indicator")->valuestring, i == 0 ? "ip" : "url");
		assert_int_equal(cJSON_GetArraySize(it), t->n_incidents);
		for (size_t k = 0; k < t->n_incidents; k++)
			check_incident_json(cJSON_GetArrayItem(it, (int)k), &t->incidents[k]);
	}
	sev = member(j, "severities");
	assert_int_equal(cJSON_GetArraySize(sev), 3);
	assert_string_equal(cJSON_GetArrayItem(sev, 0)->valuestring, "High");
	tz = member(j, "timeZones");
	assert_true(cJSON_IsObject(tz));
	assert_int_equal(cJSON_GetArraySize(tz), 11);
	assert_string_equal(member(tz, "PST")->valuestring, "-08:00");
	assert_string_equal(member(tz, "CET")->valuestring, "+01:00");
	assert_string_equal(member(tz, "JST")->valuestring, "+09:00");
	assert_string_equal(member(cJSON_GetArrayItem(cJSON_GetObjectItem(
	    cJSON_GetArrayItem(tt, 1), "incidentTypes"), 3), "label")->valuestring, "Illegal");
	cJSON_Delete(j);
}

/* ---- data files ------------------------------------------------------- */

/* JSON written with ' for " so the cases stay readable. */
static void
dq(const char *in, char *out, size_t outlen)
{
	size_t i;

	for (i = 0; in[i] != '\0' && i + 1 < outlen; i++)
		out[i] = in[i] == '\'' ? '"' : in[i];
	out[i] = '\0';
	assert_int_equal(in[i], '\0');
}

static int
parse_q(const char *q, taxonomy **out, char *err, size_t errlen)
{
	char text[2048];

	dq(q, text, sizeof text);
	return taxonomy_parse(text, strlen(text), out, err, errlen);
}

#define T_INC "{'name':'Spam','description':'d'}"
#define T_THREAT "{'name':'IP Address','indicator':'ip','description':'d','incidentTypes':[" T_INC "]}"
#define T_TAIL "'severities':['High']"

static void
a_minimal_file_is_accepted(void **state)
{
	taxonomy *tax = NULL;
	char err[256];
	const tax_incident *inc;

	(void)state;
	assert_int_equal(parse_q("{'version':1,'threatTypes':[" T_THREAT "]," T_TAIL "}", &tax,
	    err, sizeof err), 0);
	assert_int_equal(taxonomy_threat_count(tax), 1);
	assert_int_equal(taxonomy_zone_count(tax), 0);
	inc = taxonomy_find_incident(taxonomy_find_threat(tax, "ip address"), "spam");
	assert_non_null(inc);
	assert_string_equal(inc->label, "Spam");
	assert_int_equal(inc->n_attacks, 0);
	assert_false(inc->portal_only);
	assert_int_equal(taxonomy_find_zone(tax, "PST", NULL), TAX_ZONE_UNKNOWN);
	taxonomy_free(tax);
}

/* The extremes of the range load; "-00:00" is shown as "+00:00". */
static void
an_operator_zone_table_is_loaded_and_normalized(void **state)
{
	taxonomy *tax = NULL;
	char err[256];
	cJSON *j;
	int off = 0;

	(void)state;
	assert_int_equal(parse_q("{'version':1,'threatTypes':[" T_THREAT "]," T_TAIL ","
	    "'timeZones':{'WET':'-00:00','LINT':'+14:00','BIT':'-12:00','NPT':'+05:45'},"
	    "'ambiguousTimeZones':['IST']}", &tax, err, sizeof err), 0);
	assert_int_equal(taxonomy_zone_count(tax), 4);
	assert_int_equal(taxonomy_find_zone(tax, "lint", &off), TAX_ZONE_FOUND);
	assert_int_equal(off, 840);
	assert_int_equal(taxonomy_find_zone(tax, "BIT", &off), TAX_ZONE_FOUND);
	assert_int_equal(off, -720);
	assert_int_equal(taxonomy_find_zone(tax, "IST", &off), TAX_ZONE_AMBIGUOUS);
	assert_int_equal(taxonomy_find_zone(tax, "PST", &off), TAX_ZONE_UNKNOWN);
	j = taxonomy_to_json(tax);
	assert_string_equal(member(member(j, "timeZones"), "WET")->valuestring, "+00:00");
	assert_string_equal(member(member(j, "timeZones"), "NPT")->valuestring, "+05:45");
	cJSON_Delete(j);
	taxonomy_free(tax);
}

/* A byte-order mark and surrounding whitespace are fine; the text need not end in NUL. */
static void
a_bom_and_an_unterminated_buffer_are_accepted(void **state)
{
	char text[1024];
	taxonomy *tax = NULL;
	size_t n;

	(void)state;
	memcpy(text, "\xEF\xBB\xBF \n", 5);
	dq("{'version':1,'threatTypes':[" T_THREAT "]," T_TAIL "}\n", text + 5, sizeof text - 5);
	n = strlen(text);
	text[n] = 'x'; /* garbage past len must not be read */
	assert_int_equal(taxonomy_parse(text, n, &tax, NULL, 0), 0);
	taxonomy_free(tax);
}

struct bad {
	const char *json;
	const char *message;
};

#define WITH_THREATS(t) "{'version':1,'threatTypes':[" t "]," T_TAIL "}"
#define WITH_INCS(i) WITH_THREATS("{'name':'IP Address','indicator':'ip','description':'d'," \
	"'incidentTypes':[" i "]}")
#define WITH_ROOT(r) "{'version':1,'threatTypes':[" T_THREAT "]," T_TAIL "," r "}"

static const struct bad bad_files[] = {
	{ "", "the file is empty" },
	{ " \n", "not valid JSON (line 1, column 2)" },
	{ "{'version':1,\n 'threatTypes': [,]}", "not valid JSON (line 2, column 18)" },
	{ WITH_THREATS(T_THREAT) " {}", "unexpected text after the JSON value (line 1, column 162)" },
	{ "[]", "the taxonomy must be a JSON object" },
	{ "{'threatTypes':[]}", "missing \"version\" (this format is version 1)" },
	{ "{'version':2}", "version: must be 1 (the only version of this format)" },
	{ "{'version':'1'}", "version: must be 1 (the only version of this format)" },
	{ "{'version':1," T_TAIL "}", "missing \"threatTypes\"" },
	{ "{'version':1,'threatTypes':{}}", "threatTypes: must be an array" },
	{ "{'version':1,'threatTypes':[]}", "threatTypes: must list at least one threat type" },
	{ "{'version':1,'threatType':[]}", "unknown property \"threatType\"" },
	{ "{'version':1,'version':1}", "\"version\" appears twice" },
	{ WITH_THREATS("[]"), "threatTypes[0]: must be an object" },
	{ WITH_THREATS("{'indicator':'ip','description':'d','incidentTypes':[" T_INC "]}"),
	    "threatTypes[0]: missing \"name\"" },
	{ WITH_THREATS("{'name':'IP Address','indicator':'domain','description':'d',"
	    "'incidentTypes':[" T_INC "]}"),
	    "threatTypes[0].indicator: must be \"ip\" or \"url\", not \"domain\"" },
	{ WITH_THREATS("{'name':'IP Address','description':'d','incidentTypes':[" T_INC "]}"),
	    "threatTypes[0]: missing \"indicator\"" },
	{ WITH_THREATS("{'name':'IP Address','indicator':'ip','incidentTypes':[" T_INC "]}"),
	    "threatTypes[0]: missing \"description\"" },
	{ WITH_THREATS("{'name':'IP Address','indicator':'ip','description':'d','incidentTypes':[]}"),
	    "threatTypes[0].incidentTypes: must list at least one incident type" },
	{ WITH_THREATS("{'name':'IP Address','indicator':'ip','description':'d'}"),
	    "threatTypes[0]: missing \"incidentTypes\"" },
	{ WITH_THREATS("{'name':'IP Address','indicator':'ip','description':'d','Aliases':[],"
	    "'incidentTypes':[" T_INC "]}"), "threatTypes[0]: unknown property \"Aliases\"" },
	{ WITH_THREATS(T_THREAT ",{'name':'url','indicator':'url','description':'d',"
	    "'incidentTypes':[" T_INC "]}," T_THREAT),
	    "threatTypes[2].name: \"IP Address\" clashes with \"IP Address\" (names and aliases "
	    "must be unique, ignoring case)" },
	{ WITH_THREATS(T_THREAT ",{'name':'URL','aliases':['ip ADDRESS'],'indicator':'url',"
	    "'description':'d','incidentTypes':[" T_INC "]}"),
	    "threatTypes[1].aliases[0]: \"ip ADDRESS\" clashes with \"IP Address\" (names and "
	    "aliases must be unique, ignoring case)" },
	{ WITH_THREATS("{'name':'IP Address','aliases':['IP','ip'],'indicator':'ip',"
	    "'description':'d','incidentTypes':[" T_INC "]}"),
	    "threatTypes[0].aliases[1]: \"ip\" clashes with \"IP\" (names and aliases must be "
	    "unique, ignoring case)" },
	{ WITH_THREATS("{'name':' IP Address','indicator':'ip','description':'d',"
	    "'incidentTypes':[" T_INC "]}"),
	    "threatTypes[0].name: must not start or end with spaces" },
	{ WITH_THREATS("{'name':'','indicator':'ip','description':'d','incidentTypes':[" T_INC "]}"),
	    "threatTypes[0].name: must not be empty" },
	{ WITH_THREATS("{'name':7,'indicator':'ip','description':'d','incidentTypes':[" T_INC "]}"),
	    "threatTypes[0].name: must be a string" },
	{ WITH_THREATS("{'name':'A\\tB','indicator':'ip','description':'d','incidentTypes':[" T_INC
	    "]}"), "threatTypes[0].name: must not contain control characters" },
	{ WITH_THREATS("{'name':'IP','indicator':'ip','description':'d','aliases':'IPv4',"
	    "'incidentTypes':[" T_INC "]}"), "threatTypes[0].aliases: must be an array" },
	{ WITH_THREATS("{'name':'IP','indicator':'ip','description':'d','aliases':[''],"
	    "'incidentTypes':[" T_INC "]}"), "threatTypes[0].aliases[0]: must not be empty" },
	{ WITH_INCS(T_INC ",{'name':'Phishing','description':'d'}, {'name':'Malware',"
	    "'description':'d'},{'description':'d'}"),
	    "threatTypes[0].incidentTypes[3]: missing \"name\"" },
	{ WITH_INCS(T_INC ",{'name':'SPAM','description':'d'}"),
	    "threatTypes[0].incidentTypes[1].name: \"SPAM\" clashes with \"Spam\" (names and "
	    "aliases must be unique, ignoring case)" },
	{ WITH_INCS(T_INC ",{'name':'Junk','aliases':['spam'],'description':'d'}"),
	    "threatTypes[0].incidentTypes[1].aliases[0]: \"spam\" clashes with \"Spam\" (names "
	    "and aliases must be unique, ignoring case)" },
	{ WITH_INCS(T_INC ",{'name':'Junk','label':'Spam','description':'d'}"),
	    "threatTypes[0].incidentTypes[1]: its label \"Spam\" clashes with \"Spam\" (labels "
	    "must tell incident types apart)" },
	{ WITH_INCS(T_INC ",{'name':'Junk','label':'X','description':'d'},"
	    "{'name':'Other','label':'x','description':'d'}"),
	    "threatTypes[0].incidentTypes[2]: its label \"x\" clashes with \"Junk\" (labels "
	    "must tell incident types apart)" },
	{ WITH_INCS("{'name':'Spam'}"), "threatTypes[0].incidentTypes[0]: missing \"description\"" },
	{ WITH_INCS("{'name':'Spam','description':''}"),
	    "threatTypes[0].incidentTypes[0].description: must not be empty" },
	{ WITH_INCS("{'name':'Spam','description':'d','portalOnly':'yes'}"),
	    "threatTypes[0].incidentTypes[0].portalOnly: must be true or false" },
	{ WITH_INCS("{'name':'Spam','description':'d','attackMethod':[]}"),
	    "threatTypes[0].incidentTypes[0]: unknown property \"attackMethod\"" },
	{ WITH_INCS("{'name':'Spam','description':'d','label':''}"),
	    "threatTypes[0].incidentTypes[0].label: must not be empty" },
	{ WITH_INCS("{'name':'Spam','description':'d','attackMethods':{}}"),
	    "threatTypes[0].incidentTypes[0].attackMethods: must be an array" },
	{ WITH_INCS("{'name':'Spam','description':'d','attackMethods':[{'name':'A',"
	    "'description':'d'},{'description':'d'}]}"),
	    "threatTypes[0].incidentTypes[0].attackMethods[1]: missing \"name\"" },
	{ WITH_INCS("{'name':'Spam','description':'d','attackMethods':[{'name':'Bulk Mail',"
	    "'description':'d'},{'name':'bulk mail','description':'d'}]}"),
	    "threatTypes[0].incidentTypes[0].attackMethods[1].name: \"bulk mail\" clashes with "
	    "\"Bulk Mail\" (names and aliases must be unique, ignoring case)" },
	{ WITH_INCS("{'name':'Spam','description':'d','attackMethods':[{'name':'A',"
	    "'description':'d','aliases':['B']}]}"),
	    "threatTypes[0].incidentTypes[0].attackMethods[0]: unknown property \"aliases\"" },
	{ WITH_INCS("{'name':'Spam','description':'d','attackMethods':['A']}"),
	    "threatTypes[0].incidentTypes[0].attackMethods[0]: must be an object" },
	{ "{'version':1,'threatTypes':[" T_THREAT "]}", "missing \"severities\"" },
	{ "{'version':1,'threatTypes':[" T_THREAT "],'severities':[]}",
	    "severities: must list at least one severity" },
	{ "{'version':1,'threatTypes':[" T_THREAT "],'severities':['High','high']}",
	    "severities[1]: \"high\" repeats \"High\" (severities must be unique, ignoring case)" },
	{ WITH_ROOT("'timeZones':[]"), "timeZones: must be an object" },
	{ WITH_ROOT("'timeZones':{'PST':'-8:00'}"),
	    "timeZones.PST: must be an offset from \"-12:00\" to \"+14:00\" written +HH:MM or -HH:MM" },
	{ WITH_ROOT("'timeZones':{'XST':'+14:01'}"),
	    "timeZones.XST: must be an offset from \"-12:00\" to \"+14:00\" written +HH:MM or -HH:MM" },
	{ WITH_ROOT("'timeZones':{'XST':'-12:01'}"),
	    "timeZones.XST: must be an offset from \"-12:00\" to \"+14:00\" written +HH:MM or -HH:MM" },
	{ WITH_ROOT("'timeZones':{'XST':'+05:60'}"),
	    "timeZones.XST: must be an offset from \"-12:00\" to \"+14:00\" written +HH:MM or -HH:MM" },
	{ WITH_ROOT("'timeZones':{'XST':'0500'}"),
	    "timeZones.XST: must be an offset from \"-12:00\" to \"+14:00\" written +HH:MM or -HH:MM" },
	{ WITH_ROOT("'timeZones':{'XST':-300}"),
	    "timeZones.XST: must be an offset from \"-12:00\" to \"+14:00\" written +HH:MM or -HH:MM" },
	{ WITH_ROOT("'timeZones':{'UTC+1':'+01:00'}"),
	    "timeZones.UTC+1: \"UTC+1\" must be letters only (A-Z)" },
	{ WITH_ROOT("'timeZones':{'Utc':'+01:00'}"),
	    "timeZones.Utc: \"Utc\" is built in and cannot be redefined" },
	{ WITH_ROOT("'timeZones':{'PST':'-08:00','pst':'-08:00'}"),
	    "timeZones.pst: \"pst\" is listed twice (ignoring case)" },
	{ WITH_ROOT("'timeZones':{'PST':'-08:00'},'ambiguousTimeZones':['IST','Pst']"),
	    "ambiguousTimeZones[1]: \"Pst\" is already listed in timeZones or ambiguousTimeZones" },
	{ WITH_ROOT("'ambiguousTimeZones':['IST','BST','ist']"),
	    "ambiguousTimeZones[2]: \"ist\" is already listed in timeZones or ambiguousTimeZones" },
	{ WITH_ROOT("'ambiguousTimeZones':['I S T']"),
	    "ambiguousTimeZones[0]: \"I S T\" must be letters only (A-Z)" },
	{ WITH_ROOT("'ambiguousTimeZones':'IST'"), "ambiguousTimeZones: must be an array" },
	{ WITH_ROOT("'ambiguousTimeZones':['GMT']"),
	    "ambiguousTimeZones[0]: \"GMT\" is built in and cannot be redefined" },
};

static void
bad_files_are_refused_with_the_place(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof bad_files / sizeof bad_files[0]; i++) {
		taxonomy *tax = (taxonomy *)&tax; /* a sentinel that must stay untouched */
		char err[512];

		if (parse_q(bad_files[i].json, &tax, err, sizeof err) == 0)
			fail_msg("case %zu accepted: %s", i, bad_files[i].json);
		if (strcmp(err, bad_files[i].message) != 0)
			fail_msg("case %zu:\n  got      %s\n  expected %s", i, err, bad_files[i].message);
		assert_ptr_equal(tax, (taxonomy *)&tax);
	}
}

static void
invalid_utf8_is_refused_with_its_place(void **state)
{
	char text[512], err[256];
	taxonomy *tax = NULL;
	char *p;

	(void)state;
	dq(WITH_THREATS("{'name':'IP \xff','indicator':'ip','description':'d','incidentTypes':["
	    T_INC "]}"), text, sizeof text);
	assert_int_equal(taxonomy_parse(text, strlen(text), &tax, err, sizeof err), -1);
	assert_string_equal(err, "not valid UTF-8 (line 1, column 41)");
	p = strchr(text, '\xff');
	assert_non_null(p);
	*p = '\0'; /* a NUL would cut a name short without a word */
	assert_int_equal(taxonomy_parse(text, strlen(text) + 1 + strlen(p + 1), &tax, err,
	    sizeof err), -1);
	assert_string_equal(err, "a NUL byte (line 1, column 41)");
	assert_null(tax);
}

static void
names_longer_than_the_client_limit_are_refused(void **state)
{
	char name[256], json[1024], err[256];
	taxonomy *tax = NULL;

	(void)state;
	memset(name, 'a', 201);
	name[201] = '\0';
	(void)snprintf(json, sizeof json, "{'version':1,'threatTypes':[{'name':'%s','indicator':"
	    "'ip','description':'d','incidentTypes':[" T_INC "]}]," T_TAIL "}", name);
	assert_int_equal(parse_q(json, &tax, err, sizeof err), -1);
	assert_string_equal(err, "threatTypes[0].name: is longer than 200 characters");
	name[200] = '\0';
	(void)snprintf(json, sizeof json, "{'version':1,'threatTypes':[{'name':'%s','indicator':"
	    "'ip','description':'d','incidentTypes':[" T_INC "]}]," T_TAIL "}", name);
	assert_int_equal(parse_q(json, &tax, err, sizeof err), 0);
	taxonomy_free(tax);
}

/* A short err buffer gets a truncated message, still a C string; NULL err is fine. */
static void
short_or_missing_error_buffers_are_safe(void **state)
{
	char err[8];
	taxonomy *tax = NULL;

	(void)state;
	memset(err, 'x', sizeof err);
	assert_int_equal(parse_q("{'version':2}", &tax, err, sizeof err), -1);
	assert_string_equal(err, "version");
	assert_int_equal(parse_q("{'version':1,'threatTypes':[[]]}", &tax, err, 3), -1);
	assert_string_equal(err, "th");
	assert_int_equal(parse_q("{'version':2}", &tax, NULL, 0), -1);
	assert_int_equal(taxonomy_parse(NULL, 0, &tax, err, sizeof err), -1);
	assert_null(tax);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(default_has_the_two_threat_types_in_order),
		cmocka_unit_test(every_incident_and_attack_of_section2_is_found),
		cmocka_unit_test(incidents_come_in_the_listed_order),
		cmocka_unit_test(nothing_is_found_where_section2_does_not_list_it),
		cmocka_unit_test(phishing_website_is_only_under_url_social_engineering),
		cmocka_unit_test(lookups_trim_and_ignore_ascii_case),
		cmocka_unit_test(threat_aliases_are_accepted),
		cmocka_unit_test(illegal_is_the_label_and_an_alias_under_both_threats),
		cmocka_unit_test(only_responsible_ai_is_portal_only),
		cmocka_unit_test(everything_has_a_description_and_a_label),
		cmocka_unit_test(severities_are_high_medium_low),
		cmocka_unit_test(zone_table_is_the_one_of_taxonomy_md),
		cmocka_unit_test(ambiguous_zones_are_told_apart_from_unknown_ones),
		cmocka_unit_test(null_arguments_find_nothing),
		cmocka_unit_test(to_json_has_the_documented_shape),
		cmocka_unit_test(a_minimal_file_is_accepted),
		cmocka_unit_test(an_operator_zone_table_is_loaded_and_normalized),
		cmocka_unit_test(a_bom_and_an_unterminated_buffer_are_accepted),
		cmocka_unit_test(bad_files_are_refused_with_the_place),
		cmocka_unit_test(invalid_utf8_is_refused_with_its_place),
		cmocka_unit_test(names_longer_than_the_client_limit_are_refused),
		cmocka_unit_test(short_or_missing_error_buffers_are_safe),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
