/*
 * taxonomy.h -- threat types, their incident types, their attack methods,
 * and the tables that go with them (time-zone abbreviations, severities),
 * loaded from the one data file (data/taxonomy.json, embedded at build time,
 * or an operator's own file).  Pure: parses text it is given.
 *
 * The data file's format:
 *   {
 *     "version": 1,
 *     "threatTypes": [
 *       { "name": "IP Address", "indicator": "ip" | "url",
 *         "description": "...", "aliases": ["IP", ...],          (aliases optional)
 *         "incidentTypes": [
 *           { "name": "Brute Force", "description": "...",
 *             "label": "Illegal",            (optional: the portal's shorter label)
 *             "aliases": ["Illegal"],        (optional: other accepted spellings)
 *             "portalOnly": false,           (optional, default false)
 *             "attackMethods": [ { "name": "Password Spray", "description": "..." } ] } ] } ],
 *     "severities": ["High", "Medium", "Low"],
 *     "timeZones": { "PST": "-08:00", ... },
 *     "ambiguousTimeZones": ["IST", "BST", ...]
 *   }
 * Names must be unique (case-insensitively, aliases included) within their
 * list; a file that breaks a rule is refused with a message saying where.
 *
 * Ownership: a taxonomy owns everything reachable from it; the pointers the
 * lookups return are borrowed, valid until taxonomy_free().  A taxonomy is
 * read-only after taxonomy_parse() and may be shared between threads.
 */
#ifndef ABUSEDESK_TAXONOMY_H
#define ABUSEDESK_TAXONOMY_H

#include <stdbool.h>
#include <stddef.h>

#include <cjson/cJSON.h>

enum tax_indicator { TAX_INDICATOR_IP = 1, TAX_INDICATOR_URL = 2 };

typedef struct tax_attack {
	const char *name;
	const char *description;
} tax_attack;

typedef struct tax_incident {
	const char *name;
	const char *description;
	const char *label;            /* portal label; equals name when not given */
	const char *const *aliases;
	size_t n_aliases;
	bool portal_only;
	const tax_attack *attacks;
	size_t n_attacks;
} tax_incident;

typedef struct tax_threat {
	const char *name;
	const char *description;
	enum tax_indicator indicator;
	const char *const *aliases;
	size_t n_aliases;
	const tax_incident *incidents;
	size_t n_incidents;
} tax_threat;

typedef struct taxonomy taxonomy;

/*
 * Parse a data file.  0 with *out (free with taxonomy_free), or -1 with a
 * message naming what is wrong and where in err ("threatTypes[1].incidentTypes[3]:
 * missing \"name\"").
 */
int taxonomy_parse(const char *text, size_t len, taxonomy **out, char *err, size_t errlen);
void taxonomy_free(taxonomy *tax);

size_t taxonomy_threat_count(const taxonomy *tax);
const tax_threat *taxonomy_threat_at(const taxonomy *tax, size_t i);

/* Lookups: trimmed, ASCII case-insensitive, names and aliases.  NULL if none. */
const tax_threat *taxonomy_find_threat(const taxonomy *tax, const char *name);
const tax_incident *taxonomy_find_incident(const tax_threat *threat, const char *name);
const tax_attack *taxonomy_find_attack(const tax_incident *incident, const char *name);
/* Canonical severity spelling, or NULL. */
const char *taxonomy_find_severity(const taxonomy *tax, const char *name);
size_t taxonomy_severity_count(const taxonomy *tax);
const char *taxonomy_severity_at(const taxonomy *tax, size_t i);

/* Time-zone abbreviations (ASCII case-insensitive). */
enum tax_zone_result { TAX_ZONE_FOUND = 0, TAX_ZONE_UNKNOWN = -1, TAX_ZONE_AMBIGUOUS = -2 };
int taxonomy_find_zone(const taxonomy *tax, const char *abbr, int *offset_minutes);
/* The table's abbreviations, for messages listing accepted forms. */
size_t taxonomy_zone_count(const taxonomy *tax);
const char *taxonomy_zone_at(const taxonomy *tax, size_t i, int *offset_minutes);

/*
 * The taxonomy as JSON for GET /report/v2.0/taxonomy and the pages:
 * { "threatTypes": [ { "name", "description", "indicator",
 *   "incidentTypes": [ { "name", "label", "description", "portalOnly",
 *   "attackMethods": [ { "name", "description" } ] } ] } ],
 *   "severities": [...], "timeZones": {...} }.  Caller owns the result.
 */
cJSON *taxonomy_to_json(const taxonomy *tax);

#endif
