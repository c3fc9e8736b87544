/*
 * fuzz.h -- what every fuzz target in tests/fuzz shares.
 *
 * A target is one file defining LLVMFuzzerTestOneInput() over one parser of
 * untrusted input.  The same file is linked two ways (meson.build):
 *   - with libFuzzer (-Dfuzz=true, clang, -fsanitize=fuzzer) as fuzz-<name>,
 *     run by `make fuzz` / `make fuzz-smoke` (scripts/fuzz.sh);
 *   - with runner.c (any compiler) as fuzz-run-<name>, which feeds every
 *     file of tests/fuzz/corpus/<name>/ and tests/fuzz/regressions/<name>/
 *     to the same function; `make test` runs it, also under ASan+UBSan, so
 *     a crash once found stays fixed.
 * A target must not leak, must not keep state between inputs (except
 * read-only set-up done once), and must not touch files or the network.
 * Invariants a target checks abort() through FUZZ_CHECK so that both
 * libFuzzer and the runner report them as crashes.
 */
#ifndef ABUSEDESK_FUZZ_H
#define ABUSEDESK_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* An invariant of the code under test; failing it is a finding. */
#define FUZZ_CHECK(cond)                                                              \
	do {                                                                          \
		if (!(cond)) {                                                        \
			fprintf(stderr, "%s:%d: invariant failed: %s\n", __FILE__, __LINE__, #cond); \
			abort();                                                      \
		}                                                                     \
	} while (0)

/* data[0..size) as a NUL-terminated copy (an embedded NUL ends the string early); caller frees. */
static inline char *
fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (s == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

#endif
