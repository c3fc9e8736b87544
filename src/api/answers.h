/*
 * answers.h -- the bodies of the Report Abuse API's answers to a report,
 * built in one place: the API (abuse.c), the portal's live validation
 * (web/portal.c) and the documented examples (examples.c) all use these,
 * so what the developer page shows cannot drift from what is answered.
 *
 * Ownership: the functions returning cJSON return a new object the caller
 * owns (NULL when out of memory); the _text ones append to the caller's
 * buffer.
 */
#ifndef ABUSEDESK_ANSWERS_H
#define ABUSEDESK_ANSWERS_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "core/report.h"
#include "core/verrors.h"
#include "util/buf.h"

/* The problem type and title of a 400 for a report that is not valid. */
#define ANSWERS_INVALID_TYPE "/report/developer#validation-errors"
#define ANSWERS_INVALID_TITLE "The report is not valid"
/* Room for the one-line message of a 400. */
#define ANSWERS_LINE_MAX 2048

/*
 * The members a 400 adds to the problem body ("type", "errors", "allowed"),
 * and its one-line message into line[ANSWERS_LINE_MAX].
 */
cJSON *answers_invalid(const verrors *e, char *line);
/* The 200 of a valid test submission, as text appended to out: 0, or -1 when past out's maximum. */
int answers_test_text(const report *r, buf *out);
/* The same as a tree. */
cJSON *answers_test(const report *r);
/*
 * The 200 of a stored report as text appended to out, report_json being the
 * normalized report's JSON text (report_write_json()): 0, or -1 as above.
 */
int answers_stored_text(const char *case_id, const char *token, const char *received_at,
    size_t duplicates_merged, const char *report_json, buf *out);
/* The same as a tree, for the report r. */
cJSON *answers_stored(const char *case_id, const char *token, const char *received_at, const report *r);

#endif
