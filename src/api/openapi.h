/*
 * openapi.h -- the OpenAPI 3.1 document of the Report Abuse API v2.0
 * (GET /report/v2.0/openapi.json), generated once at start-up from the
 * same sources the validator reads: the field table (core/fields.h), the
 * taxonomy data and the worked examples (api/examples.h), which the
 * validator itself answered.  Nothing in it is written twice, so it cannot
 * disagree with the validator.
 *
 * The texts the developer page shows beside the document (the statuses,
 * the cross-field rules, the versioning policy) live here too, so the page
 * and the document say the same words.
 *
 * Ownership: openapi_init() fills a->examples and a->openapi_json, which
 * openapi_cleanup() frees; the rest returns static or borrowed data.
 */
#ifndef ABUSEDESK_OPENAPI_H
#define ABUSEDESK_OPENAPI_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "app.h"
#include "core/fields.h"

#define OPENAPI_VERSION "3.1.0"
#define OPENAPI_API_VERSION "2.0"
#define OPENAPI_PATH "/report/v2.0/openapi.json"

/*
 * Answer the worked examples and render the document into a (a->examples,
 * a->openapi_json, a->openapi_json_len).  Needs a->cfg, a->tax and
 * a->scope.  0, or -1 with a message in err.
 */
int openapi_init(app *a, char *err, size_t errlen);
/* Free what openapi_init() made.  Safe on a partly or never built app. */
void openapi_cleanup(app *a);

/* One HTTP status the API answers, for the document and the page. */
typedef struct openapi_status {
	unsigned code;
	const char *type;            /* the body's media type */
	const char *when;            /* when it is answered and what to do */
} openapi_status;

const openapi_status *openapi_statuses(size_t *n);

/* The rules that tie fields together, in words (Markdown-free sentences). */
const char *const *openapi_rules(size_t *n);

/* The versioning and deprecation policy, as paragraphs. */
const char *const *openapi_versioning(size_t *n);

/*
 * "required", "optional" or "conditional" for a field's need, as the
 * page's table and the document's descriptions say it.
 */
const char *openapi_need_word(enum field_need need);

/*
 * The names of the API-reportable incident types (portal-only ones left
 * out) over every threat type, once each, in taxonomy order; and the same
 * for attack methods.  Caller owns the array (cJSON_Delete).
 */
cJSON *openapi_incident_enum(const taxonomy *tax);
cJSON *openapi_attack_enum(const taxonomy *tax);

/*
 * What GET /report/v2.0/abuse/{caseId} answers for the stored worked
 * example (placeholders for its case id and times), or NULL when the
 * examples hold no stored report.  Caller owns it.
 */
cJSON *openapi_status_example(const struct examples *ex);

/* ---- between openapi.c and openapi_schema.c ---------------------------- */

/* components.schemas: the request, its items, the answers.  Caller owns it. */
cJSON *openapi_schemas(const taxonomy *tax);

/*
 * The document's building blocks abort with a log line when memory runs
 * out (start-up only; see xalloc.h for the policy).
 */
cJSON *openapi_need(cJSON *v);
cJSON *openapi_obj(cJSON *parent, const char *name);
cJSON *openapi_arr(cJSON *parent, const char *name);
void openapi_str(cJSON *parent, const char *name, const char *value);
void openapi_add(cJSON *parent, const char *name, cJSON *item);
/* {"$ref": "#/components/<kind>/<name>"} */
cJSON *openapi_ref(const char *kind, const char *name);

#endif
