/*
 * intake.h -- a validated report made ready for the store: a new case id,
 * a tracking token (only its hash is stored), the normalized JSON text and
 * the indicator rows.  The API and the portal both take reports in through
 * here, so a report is stored the same way whichever door it came in by.
 *
 * Ownership: the intake owns the JSON text and the indicator array; the
 * strings of the indicators and of in->sr are borrowed from the report,
 * which must outlive the intake (and stay put until the store's callback).
 */
#ifndef ABUSEDESK_INTAKE_H
#define ABUSEDESK_INTAKE_H

#include <stddef.h>
#include <stdint.h>

#include "core/report.h"
#include "ids.h"
#include "store/store.h"

typedef struct intake {
	char case_id[IDS_UUID_TEXT];
	char token[IDS_TOKEN_TEXT];
	uint8_t hash[IDS_HASH_BYTES];
	char *report_text;
	store_indicator *ind;
	size_t n_ind;
	store_report sr;          /* ready for store_submit; raw body and attachment are the caller's */
} intake;

/*
 * Prepare r, received at received_ms, for the store: 0, or -1 when out of
 * memory (nothing to clean up then).  The caller sets in->sr.raw_* (and an
 * attachment) before submitting.
 */
int intake_prepare(intake *in, const report *r, int64_t received_ms);
/* Free what intake_prepare allocated; a zeroed or failed intake is fine. */
void intake_cleanup(intake *in);

#endif
