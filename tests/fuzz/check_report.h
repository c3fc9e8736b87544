/*
 * check_report.h -- what the json_report and form targets do once a body
 * has been parsed: run the whole-report check against the embedded
 * taxonomy and render every answer the API would send, checking that each
 * is well-formed UTF-8 (cJSON prints string bytes as they are, so a bad
 * byte here would be a broken answer on the wire).
 */
#ifndef ABUSEDESK_FUZZ_CHECK_REPORT_H
#define ABUSEDESK_FUZZ_CHECK_REPORT_H

#include <cjson/cJSON.h>

/* The taxonomy, parsed once from the embedded data file (aborts if it does not parse). */
const struct taxonomy *fuzz_taxonomy(void);
/*
 * validate_report() on body.  variant picks the context deterministically
 * from the input: bit 0 an operator scope (prefixes and domains) instead of
 * "everything", bit 1 the portal channel instead of the API's.
 */
void fuzz_check_report(const cJSON *body, unsigned variant);
/* Print item and check the text is UTF-8; NULL item is fine (nothing to print). */
void fuzz_check_printed(const cJSON *item);
/* A problem message or path (NUL-terminated within n bytes, UTF-8). */
void fuzz_check_message(const char *s, size_t n);

#endif
