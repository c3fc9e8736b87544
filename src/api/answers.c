/*
 * answers.c -- the API's answer bodies (see answers.h).  Member order is
 * part of the contract: clients and the documented examples see the same.
 */
#include "api/answers.h"

#include <stdio.h>

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

cJSON *
answers_test(const report *r)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "code", "OK");
	cJSON_AddStringToObject(o, "message", "Test Successful: the report is valid. It was not stored.");
	cJSON_AddBoolToObject(o, "testSubmission", 1);
	cJSON_AddNumberToObject(o, "duplicatesMerged", (double)r->duplicates_merged);
	cJSON_AddItemToObject(o, "report", report_to_json(r));
	return o;
}

cJSON *
answers_stored(const char *case_id, const char *token, const char *received_at,
    size_t duplicates_merged, cJSON *report_json)
{
	cJSON *o = cJSON_CreateObject();
	char url[96];

	snprintf(url, sizeof(url), "/report/v2.0/abuse/%s", case_id);
	cJSON_AddStringToObject(o, "code", "OK");
	cJSON_AddStringToObject(o, "message", case_id);
	cJSON_AddStringToObject(o, "caseId", case_id);
	cJSON_AddStringToObject(o, "trackingToken", token);
	cJSON_AddStringToObject(o, "statusUrl", url);
	cJSON_AddStringToObject(o, "receivedAt", received_at);
	cJSON_AddNumberToObject(o, "duplicatesMerged", (double)duplicates_merged);
	cJSON_AddItemToObject(o, "report", report_json);
	return o;
}
