/*
 * taxonomy.c -- fuzz target: the taxonomy data file (taxonomy_parse()),
 * which an operator may replace with taxonomy_file.  Not client input, but
 * a parser of a file format, and a bad file must be refused with a message
 * rather than crash the service at start.
 *
 * Invariants: a refusal has a message; an accepted taxonomy answers every
 * lookup of its own names, and renders to JSON that prints as UTF-8.
 */
#include <string.h>

#include "check_report.h"
#include "core/taxonomy.h"
#include "fuzz.h"

static void
check_lookups(const taxonomy *tax)
{
	for (size_t i = 0; i < taxonomy_threat_count(tax); i++) {
		const tax_threat *t = taxonomy_threat_at(tax, i);

		FUZZ_CHECK(taxonomy_find_threat(tax, t->name) == t);
		for (size_t k = 0; k < t->n_incidents; k++) {
			const tax_incident *inc = &t->incidents[k];

			FUZZ_CHECK(taxonomy_find_incident(t, inc->name) == inc);
			for (size_t m = 0; m < inc->n_attacks; m++)
				FUZZ_CHECK(taxonomy_find_attack(inc, inc->attacks[m].name) == &inc->attacks[m]);
		}
	}
	for (size_t i = 0; i < taxonomy_severity_count(tax); i++)
		FUZZ_CHECK(taxonomy_find_severity(tax, taxonomy_severity_at(tax, i)) != NULL);
	for (size_t i = 0; i < taxonomy_zone_count(tax); i++) {
		int off;
		const char *z = taxonomy_zone_at(tax, i, &off);

		FUZZ_CHECK(z != NULL && taxonomy_find_zone(tax, z, &off) == TAX_ZONE_FOUND);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	taxonomy *tax = NULL;
	char err[512];
	cJSON *j;

	err[0] = '\0';
	if (taxonomy_parse((const char *)data, size, &tax, err, sizeof(err)) < 0) {
		FUZZ_CHECK(tax == NULL && err[0] != '\0' && strnlen(err, sizeof(err)) < sizeof(err));
		return 0;
	}
	check_lookups(tax);
	j = taxonomy_to_json(tax);
	fuzz_check_printed(j);
	cJSON_Delete(j);
	taxonomy_free(tax);
	return 0;
}
