/*
 * tests/unit/api/examples.c -- src/api/examples.c: the worked examples of
 * the developer page are answered by the validator in-process, with the
 * placeholders where an answer differs at every request; the data file is
 * checked and its mistakes named.  (tests/e2e/developer.test.mjs checks the
 * same answers against the running server.)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "api/examples.h"

extern const unsigned char embedded_taxonomy[];
extern const size_t embedded_taxonomy_len;
extern const unsigned char embedded_examples[];
extern const size_t embedded_examples_len;

static taxonomy *tax;
static const int64_t NOW = 1612180800;    /* 2021-02-01T12:00:00Z */

static int
setup(void **state)
{
	char err[256];

	(void)state;
	return taxonomy_parse((const char *)embedded_taxonomy, embedded_taxonomy_len, &tax, err, sizeof(err));
}

static int
teardown(void **state)
{
	(void)state;
	taxonomy_free(tax);
	return 0;
}

static int
build(const char *text, examples **out, char *err, size_t errlen)
{
	vcontext ctx = {tax, NULL, NOW, VALIDATE_CHANNEL_API};

	return examples_build(text, strlen(text), &ctx, out, err, errlen);
}

static const examples_item *
find(const examples *ex, const char *id)
{
	for (size_t i = 0; i < examples_count(ex); i++)
		if (strcmp(examples_at(ex, i)->id, id) == 0)
			return examples_at(ex, i);
	fail_msg("no example %s", id);
	abort();        /* not reached: fail_msg does not return (the compiler cannot tell) */
}

static const char *
str(const cJSON *o, const char *name)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	assert_true(cJSON_IsString(v));
	return v->valuestring;
}

static void
the_shipped_examples_are_answered_as_the_announcement_tells(void **state)
{
	vcontext ctx = {tax, NULL, NOW, VALIDATE_CHANNEL_API};
	examples *ex = NULL;
	const examples_item *e;
	char err[256];

	(void)state;
	assert_int_equal(examples_build((const char *)embedded_examples, embedded_examples_len, &ctx, &ex,
	    err, sizeof(err)), 0);
	e = find(ex, "phishing-email-test");
	assert_int_equal(e->status, 200);
	assert_int_equal(e->outcome, EXAMPLE_TEST);
	assert_true(strncmp(str(e->response, "message"), "Test Successful", 15) == 0);
	e = find(ex, "phishing-website-under-ip-address");
	assert_int_equal(e->status, 400);
	assert_string_equal(e->content_type, "application/problem+json");
	assert_string_equal(str(e->response, "type"), EXAMPLE_PROBLEM_TYPE);
	assert_non_null(cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(e->response, "allowed"),
	    "attackMethod"));
	e = find(ex, "account-compromise-bad-date");
	assert_int_equal(e->status, 400);
	assert_non_null(strstr(e->response_text, "yyyy-MM-dd"));
	e = find(ex, "real-report");
	assert_int_equal(e->outcome, EXAMPLE_STORED);
	assert_string_equal(str(e->response, "caseId"), EXAMPLE_CASE_ID);
	assert_string_equal(str(e->response, "statusUrl"), "/report/v2.0/abuse/" EXAMPLE_CASE_ID);
	assert_non_null(strstr(e->request_text, "\n  \"reporterName\": \"Jane Doe\",\n"));
	examples_free(ex);
}

static void
a_problem_body_has_the_members_in_the_server_order(void **state)
{
	cJSON *p = examples_problem(415, "Unsupported media type", "This endpoint accepts nothing.");
	static const char *const order[] = {"type", "title", "status", "message", "detail", "instance"};
	const cJSON *it = p->child;

	(void)state;
	for (size_t i = 0; i < 6; i++, it = it->next)
		assert_string_equal(it->string, order[i]);
	assert_string_equal(str(p, "instance"), "urn:abusedesk:request:" EXAMPLE_REQUEST_ID);
	cJSON_Delete(p);
}

static void
mistakes_in_the_data_file_are_named(void **state)
{
	static const char *const cases[][2] = {
		{"[]", "no \"examples\" array"},
		{"{\"examples\":[]}", "no \"examples\" array"},
		{"{\"examples\":[{\"id\":\"a\",\"origin\":\"o\",\"description\":\"d\",\"request\":{}}]}",
		 "examples[0]: missing \"title\""},
		{"{\"examples\":[{\"id\":\"A b\",\"title\":\"t\",\"origin\":\"o\",\"description\":\"d\",\"request\":{}}]}",
		 "may hold only a-z, 0-9 and -"},
		{"{\"examples\":[{\"id\":\"a\",\"title\":\"t\",\"origin\":\"o\",\"description\":\"d\",\"request\":{}},"
		 "{\"id\":\"a\",\"title\":\"t\",\"origin\":\"o\",\"description\":\"d\",\"request\":{}}]}",
		 "examples[1]: id \"a\" is used twice"},
		{"{\"examples\":[{\"id\":\"a\",\"title\":\"t\",\"origin\":\"o\",\"description\":\"d\",\"request\":[]}]}",
		 "examples[0]: missing \"request\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		examples *ex = NULL;
		char err[256] = "";

		assert_int_equal(build(cases[i][0], &ex, err, sizeof(err)), -1);
		assert_null(ex);
		if (strstr(err, cases[i][1]) == NULL)
			fail_msg("case %zu: '%s' should mention '%s'", i, err, cases[i][1]);
	}
}

static void
an_empty_request_is_answered_with_every_required_field(void **state)
{
	examples *ex = NULL;
	char err[256];
	const cJSON *errors;

	(void)state;
	assert_int_equal(build("{\"examples\":[{\"id\":\"empty\",\"title\":\"t\",\"origin\":\"o\","
	    "\"description\":\"d\",\"request\":{}}]}", &ex, err, sizeof(err)), 0);
	assert_int_equal(examples_count(ex), 1);
	assert_int_equal(examples_at(ex, 0)->status, 400);
	errors = cJSON_GetObjectItemCaseSensitive(examples_at(ex, 0)->response, "errors");
	assert_non_null(cJSON_GetObjectItemCaseSensitive(errors, "reporterName"));
	assert_non_null(cJSON_GetObjectItemCaseSensitive(errors, "threatType"));
	assert_null(examples_at(ex, 1));
	examples_free(ex);
	examples_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(the_shipped_examples_are_answered_as_the_announcement_tells),
		cmocka_unit_test(a_problem_body_has_the_members_in_the_server_order),
		cmocka_unit_test(mistakes_in_the_data_file_are_named),
		cmocka_unit_test(an_empty_request_is_answered_with_every_required_field),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
