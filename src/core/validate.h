/*
 * validate.h -- the whole-report check: a body (already parsed into cJSON,
 * from JSON or form fields) in, a normalized report or every problem out.
 *
 * Pure: the time of receipt, the taxonomy and the operator's scope are
 * passed in.  The rules are those of taxonomy.md §1; the property table is
 * fields.h; the taxonomy is the data file.  Every problem is collected,
 * keyed by field path, never only the first.
 */
#ifndef ABUSEDESK_VALIDATE_H
#define ABUSEDESK_VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "core/ipaddr.h"
#include "core/report.h"
#include "core/taxonomy.h"
#include "core/verrors.h"

#define VALIDATE_CHANNEL_API "ReportApi"
#define VALIDATE_CHANNEL_PORTAL "CertPortalV2"

/*
 * The operator's scope: what is "ours".  An empty list means "everything"
 * (every global unicast address; every domain).  Domains are ASCII, lower
 * case; a domain matches itself and its subdomains.
 */
typedef struct vscope {
	const ipprefix *prefixes;
	size_t n_prefixes;
	const char *const *domains;
	size_t n_domains;
	const char *operator_name;    /* for messages; NULL = "this operator" */
} vscope;

typedef struct vcontext {
	const taxonomy *tax;
	const vscope *scope;          /* NULL: everything */
	int64_t now;                  /* time of receipt, epoch seconds */
	const char *channel;          /* VALIDATE_CHANNEL_API or _PORTAL */
} vcontext;

/*
 * Check body against every rule.  0: valid, *out filled (report_cleanup it).
 * -1: invalid, errs holds every problem and *out is left empty.
 */
int validate_report(const vcontext *ctx, const cJSON *body, report *out, verrors *errs);

/*
 * 1 if the parsed body asks for a test submission ("testSubmission" true or
 * a string "true" in any case), so callers can answer a test without
 * storing even when it is invalid.  0 otherwise.
 */
int validate_is_test(const cJSON *body);

#endif
