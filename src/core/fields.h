/*
 * fields.h -- the one table of the v2.0 report's properties and their rules.
 *
 * The validator walks it to know what a property is and how to check it;
 * the OpenAPI document and the developer page's schema table are generated
 * from it, so the three cannot disagree.  Taxonomy values are not here:
 * they come from the taxonomy data.
 */
#ifndef ABUSEDESK_FIELDS_H
#define ABUSEDESK_FIELDS_H

#include <stddef.h>

enum field_kind {
	FK_TEXT,        /* single-line text */
	FK_FREETEXT,    /* multi-line text: newlines and tabs allowed */
	FK_EMAIL,
	FK_PHONE,
	FK_BOOL,
	FK_THREAT,      /* taxonomy: threat type */
	FK_INCIDENT,    /* taxonomy: incident type of the threat type */
	FK_ATTACK,      /* taxonomy: attack method of the incident type */
	FK_SEVERITY,
	FK_DATE,
	FK_TIME,
	FK_ZONE,
	FK_IP,
	FK_PORT,
	FK_URL,
	FK_IP_LIST,     /* array of ip items */
	FK_URL_LIST,    /* array of url items */
	FK_IGNORED,     /* accepted and ignored ("source") */
};

enum field_need {
	FN_OPTIONAL,
	FN_REQUIRED,
	FN_CONDITIONAL, /* required by a cross-field rule (see rule text) */
};

typedef struct field_rule {
	const char *name;
	enum field_kind kind;
	enum field_need need;
	unsigned max_chars;      /* 0 = not a string property */
	const char *alias_of;    /* non-NULL: this name is an alias of that property */
	const char *type;        /* JSON type as documented: "string", "boolean", "string or integer", "array" */
	const char *format;      /* OpenAPI format or a short pattern name, or NULL */
	const char *rule;        /* the rule in words, for the docs */
	const char *description; /* what the property is */
	const char *example;     /* an example value as JSON text, or NULL */
} field_rule;

enum field_table { FIELDS_REPORT, FIELDS_IP_ITEM, FIELDS_URL_ITEM };

/*
 * Each table's rules by position: the tables are indexed by these (and the
 * order is theirs), so the validator reads a property's value by constant,
 * not by looking its name up.
 */
enum field_report {
	FR_REPORTER_NAME, FR_REPORTER_EMAIL, FR_REPORTER_ORG, FR_PHONE_NUMBER, FR_REPORTER_PHONE,
	FR_REPORTER_NOTES, FR_ANONYMIZE_REPORT, FR_THREAT_TYPE, FR_INCIDENT_TYPE, FR_ATTACK_METHOD,
	FR_DATE, FR_TIME, FR_TIME_ZONE, FR_SOURCE_IP, FR_SOURCE_PORT, FR_SOURCE_URL,
	FR_DESTINATION_IP, FR_DESTINATION_PORT, FR_DESTINATION_URL, FR_IP_ADDRESS_LIST, FR_URL_LIST,
	FR_REPORT_NOTES, FR_SEVERITY, FR_TEST_SUBMISSION, FR_SOURCE,
	FR_COUNT
};
enum field_ip_item { FI_SOURCE_IP, FI_SOURCE_PORT, FI_DESTINATION_IP, FI_DESTINATION_PORT, FI_COUNT };
enum field_url_item { FU_SOURCE_URL, FU_DESTINATION_URL, FU_COUNT };

/* The rules of a table; borrowed, static. */
const field_rule *fields_table(enum field_table t, size_t *n);
/* The rule named name (exact match), or NULL. */
const field_rule *fields_find(enum field_table t, const char *name);
/* A rule whose name matches ASCII case-insensitively (for "did you mean"), or NULL. */
const field_rule *fields_find_nocase(enum field_table t, const char *name);

#endif
