/*
 * config.c -- fuzz target: the configuration file (config_load_text(), the
 * code config_load_file() and check-config run) and the checks of
 * config_finish() that parse values further (listen address, prefixes,
 * domains).  Environment and flags go through the same config_set().
 *
 * Invariants: a refusal says "name:line: why" or names the setting; a
 * configuration that passes config_finish() has a listen address and a
 * database path; nothing leaks through config_cleanup().
 */
#include <string.h>

#include "config.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	config c;
	char err[1024];

	if (size > 64 * 1024)
		return 0;
	config_init(&c);
	err[0] = '\0';
	if (config_load_text(&c, "fuzz.conf", (const char *)data, size, err, sizeof(err)) < 0) {
		FUZZ_CHECK(strncmp(err, "fuzz.conf:", 10) == 0);
	} else if (config_finish(&c, err, sizeof(err)) < 0) {
		FUZZ_CHECK(err[0] != '\0');
	} else {
		FUZZ_CHECK(c.listen != NULL && c.database != NULL && c.database[0] != '\0');
		FUZZ_CHECK(c.n_prefixes == 0 || c.prefixes != NULL);
	}
	config_cleanup(&c);
	return 0;
}
