/*
 * abuse.c -- the Report Abuse API v2.0: POST /report/v2.0/abuse takes a
 * report, GET /report/v2.0/abuse/{caseId} tells its status to whoever holds
 * its tracking token.
 *
 * POST is thin: body -> cJSON (strict JSON, or form fields into the same
 * shape) -> validate (core) -> store -> answer.  A test submission is
 * answered as soon as it is valid and never reaches the store.  A real one
 * suspends the request until the store has committed and fsync'd
 * it (store.h): the 200 is sent only then, so an acknowledged report is a
 * kept report.
 */
#include "app.h"
#include "api/answers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/verrors.h"
#include "ids.h"
#include "intake.h"
#include "metrics.h"
#include "bounds.h"
#include "util/buf.h"
#include "util/form.h"
#include "util/jsonbody.h"
#include "util/xalloc.h"


typedef struct submission {
	http_request *req;
	app *a;
	report r;
	intake in;
	char *ok_text;          /* the 200 answer, made before the store has the report */
	size_t ok_len;
} submission;

static void
format_ms(int64_t ms, char *out, size_t outlen)
{
	time_t s = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&s, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, (int)(ms % 1000));
}

static void
reply_busy(http_request *req)
{
	http_reply_problem(req, 503, "Server busy", "The server is short of memory; try again shortly.", NULL);
}

/* A 400 whose errors object has one path and message. */
static void
reply_body_error(http_request *req, const char *path, const char *message)
{
	cJSON *extra = cJSON_CreateObject();
	cJSON *errors = cJSON_AddObjectToObject(extra, "errors");
	const char *msgs[1] = {message};
	char line[800];

	cJSON_AddItemToObject(errors, path, cJSON_CreateStringArray(msgs, 1));
	cJSON_AddStringToObject(extra, "type", ANSWERS_INVALID_TYPE);
	snprintf(line, sizeof(line), "The report has 1 problem: %s: %s.", path, message);
	http_reply_problem(req, 400, ANSWERS_INVALID_TITLE, line, extra);
}

/* Parse the body into a cJSON object; NULL after replying with the problem. */
static cJSON *
parse_body(http_request *req)
{
	size_t len;
	const char *body = http_body(req, &len);
	cJSON *out = NULL;

	if (http_body_type(req) == HTTP_BODY_FORM) {
		form_limits fl = {len / 2 + 1, len / 8 + 1, LIMIT_KEY_CHARS * 4};
		form_error fe;

		if (form_parse(body, len, &fl, &out, &fe) < 0) {
			reply_body_error(req, fe.key[0] ? fe.key : "body", fe.message);
			return NULL;
		}
		return out;
	}
	{
		jsonbody_limits jl = {LIMIT_JSON_DEPTH, LIMIT_JSON_PROPS};
		jsonbody_error je;

		if (jsonbody_parse(body, len, &jl, &out, &je) < 0) {
			if (je.kind == JSONBODY_NOMEM) {
				reply_busy(req);
				return NULL;
			}
			reply_body_error(req, je.path[0] ? je.path : "body", je.message);
			return NULL;
		}
	}
	return out;
}

static void
reply_invalid(http_request *req, verrors *e)
{
	char line[ANSWERS_LINE_MAX];
	cJSON *extra = answers_invalid(e, line);

	http_reply_problem(req, 400, ANSWERS_INVALID_TITLE, line, extra);
}

/* The 200 is written as text (answers.c), never built as a cJSON tree. */
static void
reply_test(http_request *req, const report *r)
{
	buf b;

	buf_init(&b, REPORT_TEXT_MAX);
	if (answers_test_text(r, &b) < 0)
		reply_busy(req);
	else
		http_reply_bytes(req, 200, "application/json", b.ptr, b.len, 0);
	buf_cleanup(&b);
}

static void
submission_free(void *arg)
{
	submission *s = arg;

	intake_cleanup(&s->in);
	report_cleanup(&s->r);
	free(s->ok_text);
	free(s);
}

/*
 * The 200 answer, made before the report is handed to the store: everything
 * in it is known by then, and the store's thread, which sends it, then only
 * copies bytes (measured: printing it there took 12% of the writer's time).
 */
static int
make_ok_text(submission *s)
{
	char when[64];
	buf b;

	format_ms(s->in.sr.received_ms, when, sizeof(when));
	buf_init(&b, REPORT_TEXT_MAX);
	if (answers_stored_text(s->in.case_id, s->in.token, when, s->r.duplicates_merged,
	    s->in.report_text, &b) < 0) {
		buf_cleanup(&b);
		return -1;
	}
	s->ok_text = buf_detach(&b, &s->ok_len);
	return 0;
}

/* Runs on the store's sync thread once the report is committed and on disk (or not). */
static void
stored(void *arg, int rc)
{
	submission *s = arg;

	metrics_report(VALIDATE_CHANNEL_API, rc == STORE_OK ? METRICS_STORED : METRICS_NOT_STORED);
	if (rc != STORE_OK) {
		http_add_header(s->req, "Retry-After", "5");
		http_reply_problem(s->req, 503, "Report not stored",
		    "The report could not be stored just now and was NOT received; send it again shortly.", NULL);
		http_resume(s->req);
		return;
	}
	http_reply_bytes(s->req, 200, "application/json", s->ok_text, s->ok_len, 0);
	http_resume(s->req);
}

/* Hand a valid report to the store; the reply comes from stored(). */
static void
submit(http_request *req, app *a, submission *s)
{
	int rc;

	if (intake_prepare(&s->in, &s->r, http_received_ms(req)) < 0 || make_ok_text(s) < 0) {
		reply_busy(req);
		return;
	}
	s->in.sr.raw_body = http_body(req, &s->in.sr.raw_len);
	s->in.sr.raw_content_type = http_content_type(req);
	http_suspend(req);
	rc = store_submit(a->st, &s->in.sr, stored, s);
	if (rc != STORE_OK) {
		metrics_report(VALIDATE_CHANNEL_API, METRICS_NOT_STORED);
		http_add_header(req, "Retry-After", "2");
		http_reply_problem(req, 503, "Server busy", rc == STORE_BUSY ?
		    "Too many reports are waiting to be stored; the report was NOT received. Send it again shortly." :
		    "The service is shutting down; the report was NOT received. Send it again shortly.", NULL);
		http_resume(req);
	}
}

static void
post_abuse(http_request *req)
{
	app *a = http_app(req);
	vcontext ctx = {a->tax, &a->scope, http_received_ms(req) / 1000, VALIDATE_CHANNEL_API};
	submission *s;
	verrors *e;
	cJSON *body = parse_body(req);

	if (body == NULL)
		return;
	s = xcalloc(1, sizeof(*s));
	s->req = req;
	s->a = a;
	http_on_complete(req, submission_free, s);
	e = verrors_new();
	if (validate_report(&ctx, body, &s->r, e) < 0) {
		metrics_report(VALIDATE_CHANNEL_API, METRICS_INVALID);
		reply_invalid(req, e);
	} else if (s->r.test) {
		metrics_report(VALIDATE_CHANNEL_API, METRICS_TEST);
		reply_test(req, &s->r);
	} else {
		submit(req, a, s);
	}
	verrors_free(e);
	cJSON_Delete(body);
}

/* Every "not yours or not there" answer is this same 404. */
static void
reply_no_case(http_request *req)
{
	http_reply_problem(req, 404, "Not found",
	    "There is no report with this case id and tracking token.", NULL);
}

static void
get_status(http_request *req)
{
	app *a = http_app(req);
	const char *id = http_path_rest(req);
	const char *token = http_header(req, "X-Tracking-Token");
	uint8_t hash[IDS_HASH_BYTES];
	store_status st;
	char when[64];
	cJSON *o;
	int rc;

	if (token == NULL)
		token = http_query(req, "token");
	if (token == NULL || !ids_uuid_valid(id)) {
		reply_no_case(req);
		return;
	}
	ids_token_hash(token, hash);
	rc = store_get_status(a->st, id, hash, &st);
	if (rc == STORE_NOTFOUND) {
		reply_no_case(req);
		return;
	}
	if (rc != STORE_OK) {
		http_add_header(req, "Retry-After", "5");
		http_reply_problem(req, 503, "Unavailable", "The report store cannot be read just now.", NULL);
		return;
	}
	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "caseId", st.case_id);
	cJSON_AddStringToObject(o, "status", st.status);
	format_ms(st.received_ms, when, sizeof(when));
	cJSON_AddStringToObject(o, "receivedAt", when);
	format_ms(st.updated_ms, when, sizeof(when));
	cJSON_AddStringToObject(o, "updatedAt", when);
	cJSON_AddStringToObject(o, "threatType", st.threat_type);
	cJSON_AddStringToObject(o, "incidentType", st.incident_type);
	if (st.attack_method[0] != '\0')
		cJSON_AddStringToObject(o, "attackMethod", st.attack_method);
	cJSON_AddNumberToObject(o, "indicatorCount", (double)st.n_indicators);
	http_reply_json(req, 200, o);
}

static const http_route routes[] = {
	{"POST", "/report/v2.0/abuse", 0, post_abuse, 0, HTTP_BODY_JSON | HTTP_BODY_FORM,
	 "application/json or application/x-www-form-urlencoded"},
	{"GET", "/report/v2.0/abuse/", 1, get_status, 0, 0, NULL},
};

const http_route *
api_abuse_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
