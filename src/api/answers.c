/*
 * answers.c -- the API's answer bodies (see answers.h).  Member order is
 * part of the contract: clients and the documented examples see the same.
 *
 * The 200s are written as text (util/jsonw.h): that is what the API sends,
 * and the tree forms are read back from it, so the developer page's
 * examples show the very bytes.  Measured with callgrind (bench/cpu/):
 * building the test submission's 200 as a cJSON tree and printing it took
 * 59 000 instructions of the request's 178 000.
 */
#include "api/answers.h"

#include <stdio.h>
#include <stdlib.h>

#include "util/jsonw.h"

#define TEST_MESSAGE "Test Successful: the report is valid. It was not stored."

cJSON *
answers_invalid(const verrors *e, char *line)
{
	cJSON *extra = cJSON_CreateObject();
	cJSON *allowed = verrors_allowed_json(e);

	verrors_summary(e, line, ANSWERS_LINE_MAX);
	cJSON_AddStringToObject(extra, "type", ANSWERS_INVALID_TYPE);
	cJSON_AddItemToObject(extra, "errors", verrors_errors_json(e));
	if (allowed != NULL)
		cJSON_AddItemToObject(extra, "allowed", allowed);
	return extra;
}

/* The tree of an answer's text, or NULL when writing or reading it failed. */
static cJSON *
tree_of(buf *b, int rc)
{
	cJSON *o = rc == 0 ? cJSON_ParseWithLength(b->ptr, b->len) : NULL;

	buf_cleanup(b);
	return o;
}

int
answers_test_text(const report *r, buf *out)
{
	jsonw w;

	jsonw_init(&w, out);
	jsonw_object_begin(&w, NULL);
	jsonw_string(&w, "code", "OK");
	jsonw_string(&w, "message", TEST_MESSAGE);
	jsonw_bool(&w, "testSubmission", 1);
	jsonw_int(&w, "duplicatesMerged", (long long)r->duplicates_merged);
	report_write_json(r, &w, "report");
	jsonw_object_end(&w);
	return jsonw_finish(&w);
}

cJSON *
answers_test(const report *r)
{
	buf b;

	buf_init(&b, REPORT_TEXT_MAX);
	return tree_of(&b, answers_test_text(r, &b));
}

int
answers_stored_text(const char *case_id, const char *token, const char *received_at,
    size_t duplicates_merged, const char *report_json, buf *out)
{
	char url[96];
	jsonw w;

	snprintf(url, sizeof(url), "/report/v2.0/abuse/%s", case_id);
	jsonw_init(&w, out);
	jsonw_object_begin(&w, NULL);
	jsonw_string(&w, "code", "OK");
	jsonw_string(&w, "message", case_id);
	jsonw_string(&w, "caseId", case_id);
	jsonw_string(&w, "trackingToken", token);
	jsonw_string(&w, "statusUrl", url);
	jsonw_string(&w, "receivedAt", received_at);
	jsonw_int(&w, "duplicatesMerged", (long long)duplicates_merged);
	jsonw_raw(&w, "report", report_json);
	jsonw_object_end(&w);
	return jsonw_finish(&w);
}

cJSON *
answers_stored(const char *case_id, const char *token, const char *received_at, const report *r)
{
	char *text = report_json_text(r, NULL);
	buf b;
	int rc;

	buf_init(&b, REPORT_TEXT_MAX);
	rc = text != NULL ? answers_stored_text(case_id, token, received_at, r->duplicates_merged, text, &b) : -1;
	free(text);
	return tree_of(&b, rc);
}
