/*
 * examples.c -- the worked examples, answered by the real validator at
 * start-up (see examples.h for the data file's format).
 *
 * Why not write the answers in the data file too: they would drift from
 * the server the first time a message is reworded or the taxonomy is
 * edited.  Computed here, the page and the OpenAPI document show what this
 * server, with this taxonomy and this scope, answers; the e2e test
 * tests/e2e/developer.test.mjs posts every request to the running server
 * and compares, which keeps the answer builders below true to abuse.c and
 * http/reply.c.
 */
#include "api/examples.h"
#include "api/answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bounds.h"
#include "core/report.h"
#include "core/verrors.h"
#include "util/buf.h"
#include "util/json_pretty.h"
#include "util/xalloc.h"

#define EXAMPLES_MAX 64                 /* examples in the data file */
#define EXAMPLE_TEXT_MAX (1u << 20)     /* one example's indented text */

typedef struct slot {
	examples_item pub;
	cJSON *request;                 /* owned copy */
	cJSON *response;
	char *request_text;
	char *response_text;
} slot;

struct examples {
	cJSON *doc;                     /* the parsed data file: ids and titles point into it */
	slot *v;
	size_t n;
};

/* ---- answers, as abuse.c and http/reply.c build them ------------------- */

cJSON *
examples_problem(unsigned status, const char *title, const char *message)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "type", "about:blank");
	cJSON_AddStringToObject(o, "title", title);
	cJSON_AddNumberToObject(o, "status", status);
	cJSON_AddStringToObject(o, "message", message);
	cJSON_AddStringToObject(o, "detail", message);
	cJSON_AddStringToObject(o, "instance", "urn:abusedesk:request:" EXAMPLE_REQUEST_ID);
	return o;
}

/* The 400 as http_reply_problem merges it: base members, then the answer's (type replaced in place). */
static cJSON *
answer_invalid(const verrors *e)
{
	char line[ANSWERS_LINE_MAX];
	cJSON *extra = answers_invalid(e, line);
	cJSON *o = examples_problem(400, ANSWERS_INVALID_TITLE, line);

	while (extra != NULL && extra->child != NULL) {
		cJSON *it = cJSON_DetachItemViaPointer(extra, extra->child);
		char key[64];

		snprintf(key, sizeof(key), "%s", it->string);
		if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
			cJSON_ReplaceItemInObjectCaseSensitive(o, key, it);
		else
			cJSON_AddItemToObject(o, key, it);
	}
	cJSON_Delete(extra);
	return o;
}

/* Answer s->request with the validator; 0, or -1 when memory ran out. */
static int
answer(slot *s, const vcontext *ctx)
{
	verrors *e = verrors_new();
	report r;

	if (validate_report(ctx, s->request, &r, e) < 0) {
		s->pub.outcome = EXAMPLE_INVALID;
		s->pub.status = 400;
		s->pub.content_type = "application/problem+json";
		s->response = answer_invalid(e);
	} else {
		s->pub.outcome = r.test ? EXAMPLE_TEST : EXAMPLE_STORED;
		s->pub.status = 200;
		s->pub.content_type = "application/json";
		s->response = r.test ? answers_test(&r) :
		    answers_stored(EXAMPLE_CASE_ID, EXAMPLE_TOKEN, EXAMPLE_RECEIVED_AT, &r);
		report_cleanup(&r);
	}
	verrors_free(e);
	return s->response != NULL ? 0 : -1;
}

/* ---- reading the data file ---------------------------------------------- */

static char *
pretty(const cJSON *v)
{
	buf b;

	buf_init(&b, EXAMPLE_TEXT_MAX);
	if (json_pretty(&b, v) < 0) {
		buf_cleanup(&b);
		return NULL;
	}
	return buf_detach(&b, NULL);
}

static int
id_ok(const char *id)
{
	if (id[0] == '\0')
		return 0;
	for (const char *p = id; *p != '\0'; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-'))
			return 0;
	return 1;
}

/* The string member name of item, or NULL with a message. */
static const char *
member(const cJSON *item, const char *name, size_t i, char *err, size_t errlen)
{
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(item, name);

	if (!cJSON_IsString(m) || m->valuestring[0] == '\0') {
		snprintf(err, errlen, "examples[%zu]: missing \"%s\" (a non-empty string)", i, name);
		return NULL;
	}
	return m->valuestring;
}

static int
read_one(const examples *ex, const cJSON *item, size_t i, slot *s, char *err, size_t errlen)
{
	const cJSON *req = cJSON_GetObjectItemCaseSensitive(item, "request");

	if ((s->pub.id = member(item, "id", i, err, errlen)) == NULL ||
	    (s->pub.title = member(item, "title", i, err, errlen)) == NULL ||
	    (s->pub.origin = member(item, "origin", i, err, errlen)) == NULL ||
	    (s->pub.description = member(item, "description", i, err, errlen)) == NULL)
		return -1;
	if (!id_ok(s->pub.id)) {
		snprintf(err, errlen, "examples[%zu]: id \"%s\" may hold only a-z, 0-9 and -", i, s->pub.id);
		return -1;
	}
	for (size_t k = 0; k < i; k++)
		if (strcmp(ex->v[k].pub.id, s->pub.id) == 0) {
			snprintf(err, errlen, "examples[%zu]: id \"%s\" is used twice", i, s->pub.id);
			return -1;
		}
	if (!cJSON_IsObject(req)) {
		snprintf(err, errlen, "examples[%zu]: missing \"request\" (an object)", i);
		return -1;
	}
	s->request = cJSON_Duplicate(req, 1);
	return s->request != NULL ? 0 : -1;
}

static int
finish_one(slot *s, const vcontext *ctx, size_t i, char *err, size_t errlen)
{
	if (answer(s, ctx) < 0 || (s->request_text = pretty(s->request)) == NULL ||
	    (s->response_text = pretty(s->response)) == NULL) {
		snprintf(err, errlen, "examples[%zu]: out of memory", i);
		return -1;
	}
	s->pub.request = s->request;
	s->pub.response = s->response;
	s->pub.request_text = s->request_text;
	s->pub.response_text = s->response_text;
	return 0;
}

int
examples_build(const char *text, size_t len, const vcontext *ctx, examples **out,
    char *err, size_t errlen)
{
	examples *ex = xcalloc(1, sizeof(*ex));
	const cJSON *list;
	int n;

	ex->doc = cJSON_ParseWithLength(text, len);
	list = cJSON_GetObjectItemCaseSensitive(ex->doc, "examples");
	if (!cJSON_IsArray(list) || (n = cJSON_GetArraySize(list)) < 1 || n > EXAMPLES_MAX) {
		snprintf(err, errlen, "not JSON, or no \"examples\" array of 1 to %d items", EXAMPLES_MAX);
		goto fail;
	}
	ex->v = xcalloc((size_t)n, sizeof(slot));
	for (const cJSON *it = list->child; it != NULL; it = it->next, ex->n++) {
		if (read_one(ex, it, ex->n, &ex->v[ex->n], err, errlen) < 0 ||
		    finish_one(&ex->v[ex->n], ctx, ex->n, err, errlen) < 0) {
			ex->n++;
			goto fail;
		}
	}
	*out = ex;
	return 0;
fail:
	examples_free(ex);
	return -1;
}

void
examples_free(examples *ex)
{
	if (ex == NULL)
		return;
	for (size_t i = 0; i < ex->n; i++) {
		cJSON_Delete(ex->v[i].request);
		cJSON_Delete(ex->v[i].response);
		free(ex->v[i].request_text);
		free(ex->v[i].response_text);
	}
	free(ex->v);
	cJSON_Delete(ex->doc);
	free(ex);
}

size_t
examples_count(const examples *ex)
{
	return ex->n;
}

const examples_item *
examples_at(const examples *ex, size_t i)
{
	return i < ex->n ? &ex->v[i].pub : NULL;
}
