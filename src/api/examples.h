/*
 * examples.h -- the worked examples of the developer page and the OpenAPI
 * document: requests kept as data (data/examples.json, embedded), each
 * answered once at start-up by the real validator, so what the page shows
 * is what POST /report/v2.0/abuse answers.
 *
 * The data file's format:
 *   { "version": 1,
 *     "examples": [ { "id": "phishing-email-test",    ([a-z0-9-], unique)
 *                     "title": "...", "origin": "...", "description": "...",
 *                     "request": { ...a v2.0 report... } } ] }
 *
 * An answer is built as src/api/abuse.c builds it, members in the same
 * order.  What differs for every request is a fixed placeholder (see the
 * EXAMPLE_* values): a problem's "instance", and a stored report's case id,
 * tracking token, status URL and time of receipt.  A report without a date
 * has its incidentTime set to the time of start-up.
 *
 * Ownership: an examples set owns everything reachable from it; the
 * pointers it hands out are borrowed, valid until examples_free().  Read-
 * only after examples_build(), so any thread may read it.
 */
#ifndef ABUSEDESK_EXAMPLES_H
#define ABUSEDESK_EXAMPLES_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "api/answers.h"
#include "core/validate.h"

#define EXAMPLE_REQUEST_ID "0123456789abcdef"
#define EXAMPLE_CASE_ID "01234567-89ab-7cde-8f01-23456789abcd"
#define EXAMPLE_TOKEN "AbCdEfGhIjKlMnOpQrStUv"
#define EXAMPLE_RECEIVED_AT "2021-01-18T12:00:00.000Z"
/* The problem type of a 400 for an invalid report (as abuse.c answers). */
#define EXAMPLE_PROBLEM_TYPE ANSWERS_INVALID_TYPE

enum example_outcome {
	EXAMPLE_TEST,        /* 200, a valid test submission */
	EXAMPLE_STORED,      /* 200, a valid report, stored */
	EXAMPLE_INVALID,     /* 400 problem+json */
};

typedef struct examples_item {
	const char *id;
	const char *title;
	const char *origin;          /* "Example 1 of the 2021 announcement" */
	const char *description;
	const cJSON *request;        /* the body sent */
	const char *request_text;    /* the body as indented JSON text */
	enum example_outcome outcome;
	unsigned status;             /* 200 or 400 */
	const char *content_type;    /* "application/json" or "application/problem+json" */
	const cJSON *response;       /* the body answered */
	const char *response_text;   /* the answer as indented JSON text */
} examples_item;

typedef struct examples examples;

/*
 * A problem+json body as http_reply_problem() writes it, with the
 * placeholder request id in "instance".  Caller owns it; NULL when memory
 * runs out.
 */
cJSON *examples_problem(unsigned status, const char *title, const char *message);

/*
 * Read the data file and answer every request with ctx (its now, taxonomy,
 * scope and channel).  0 with *out (free with examples_free), or -1 with a
 * message naming what is wrong and where ("examples[2]: missing \"title\"").
 */
int examples_build(const char *text, size_t len, const vcontext *ctx, examples **out,
    char *err, size_t errlen);
void examples_free(examples *ex);

size_t examples_count(const examples *ex);
const examples_item *examples_at(const examples *ex, size_t i);

#endif
