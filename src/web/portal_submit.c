/*
 * portal_submit.c -- a report filed through the portal's form, and the
 * pages that follow: the confirmation and the status page.
 *
 * In order: the form's token must match its cookie (else 403 and the form
 * back with everything kept); a filled-in honeypot gets a page that looks
 * like a confirmation and nothing is stored (a bot learns nothing; the
 * event is logged); then the report is checked by validate_report() with
 * the portal's channel -- the API's rules and words -- and the attachment
 * by portal_attach.c, every problem at once (400 and the form back); then
 * the report, its indicators and its attachment are committed in one
 * transaction and the confirmation is sent once they are on disk, as the
 * API's 200 is.
 *
 * The stored raw_body is the multipart body as received with the file's
 * bytes cut out (they are in the attachment row, whose raw_offset says
 * where they were), so an evidence file is not kept twice.
 */
#include "web/portal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/datetime.h"
#include "core/verrors.h"
#include "ids.h"
#include "intake.h"
#include "metrics.h"
#include "log.h"
#include "util/html.h"
#include "util/xalloc.h"

typedef struct psub {
	http_request *req;
	app *a;
	cJSON *fields;              /* the form's values, for the form page if storing fails */
	report r;
	intake in;
	portal_attachment att;
	int has_att;
	char *raw;                  /* the body without the file's bytes, or NULL */
	store_attachment sa;
	buf page;                   /* the confirmation, made before the store has the report */
	char csrf[PORTAL_CSRF_TEXT];
} psub;

static void
psub_free(void *arg)
{
	psub *s = arg;

	intake_cleanup(&s->in);
	report_cleanup(&s->r);
	cJSON_Delete(s->fields);
	free(s->raw);
	buf_cleanup(&s->page);
	free(s);
}

/* The form again, with the values sent, errors and a notice. */
static void
form_again(psub *s, unsigned status, const cJSON *errors, const char *notice)
{
	portal_view v = {s->fields, errors, notice, s->csrf, s->has_att, NULL};   /* a file sent must be chosen again */
	portal_csrf_for(s->req, http_received_ms(s->req) / 1000, s->csrf);
	portal_reply_form(s->req, s->a, status, &v);
}

/* ---- pages ---------------------------------------------------------------- */

static void
put(buf *b, const char *s)
{
	(void)buf_puts(b, s);
}

static void
item(buf *b, const char *term, const char *value)
{
	if (value == NULL || value[0] == '\0')
		return;
	put(b, "<dt>");
	(void)html_escape(b, term);
	put(b, "</dt><dd>");
	(void)html_escape(b, value);
	put(b, "</dd>");
}

static void
ip_line(buf *b, const char *src, int sport, const char *dst, int dport)
{
	put(b, "<li>");
	(void)html_escape(b, src != NULL ? src : "(none)");
	if (sport > 0)
		(void)buf_printf(b, " port %d", sport);
	if (dst != NULL || dport > 0) {
		put(b, " \xe2\x86\x92 ");
		(void)html_escape(b, dst != NULL ? dst : "(any)");
		if (dport > 0)
			(void)buf_printf(b, " port %d", dport);
	}
	put(b, "</li>");
}

static void
url_line(buf *b, const char *src, const char *dst)
{
	put(b, "<li>");
	(void)html_escape(b, src != NULL ? src : "(none)");
	if (dst != NULL) {
		put(b, " \xe2\x86\x92 ");
		(void)html_escape(b, dst);
	}
	put(b, "</li>");
}

static void
indicators(buf *b, const report *r)
{
	if (r->source_ip != NULL || r->destination_ip != NULL || r->n_ips > 0) {
		put(b, "<dt>Reported IP addresses</dt><dd><ul class=\"plain\">");
		if (r->source_ip != NULL || r->destination_ip != NULL)
			ip_line(b, r->source_ip, r->source_port, r->destination_ip, r->destination_port);
		for (size_t i = 0; i < r->n_ips; i++)
			ip_line(b, r->ips[i].source_ip, r->ips[i].source_port, r->ips[i].destination_ip,
			    r->ips[i].destination_port);
		put(b, "</ul></dd>");
	}
	if (r->source_url != NULL || r->destination_url != NULL || r->n_urls > 0) {
		put(b, "<dt>Reported URLs</dt><dd><ul class=\"plain\">");
		if (r->source_url != NULL || r->destination_url != NULL)
			url_line(b, r->source_url, r->destination_url);
		for (size_t i = 0; i < r->n_urls; i++)
			url_line(b, r->urls[i].source_url, r->urls[i].destination_url);
		put(b, "</ul></dd>");
	}
}

/* As given ("2021-01-15 13:45 -05:00") and in UTC, or the time received. */
static void
when(buf *b, const report *r)
{
	char utc[40], zone[16], clock[16] = "", line[160];

	dt_format_epoch(r->incident_epoch, utc, sizeof utc);
	dt_format_zone(r->zone_minutes, zone, sizeof zone);
	if (r->has_time)
		snprintf(clock, sizeof clock, r->time.has_seconds ? " %02d:%02d:%02d" : " %02d:%02d",
		    r->time.hour % 100, r->time.minute % 100, r->time.second % 100);
	if (!r->incident_time_given)
		snprintf(line, sizeof line, "Not given: the time received, %s", utc);
	else
		snprintf(line, sizeof line, "%04d-%02d-%02d%s %s (%s)", r->date.year % 10000, r->date.month % 100,
		    r->date.day % 100, clock, zone, utc);
	item(b, "When it happened", line);
}

static void
attachment(buf *b, const portal_attachment *att)
{
	char size[32];

	portal_size_text(att->size, size, sizeof size);
	put(b, "<dt>Evidence file</dt><dd><span class=\"file-name\">");
	(void)html_escape(b, att->name);
	(void)buf_printf(b, "</span>, %s", size);
	if (att->size >= 1024)
		(void)buf_printf(b, " (%zu bytes)", att->size);
	put(b, ", ");
	(void)html_escape(b, att->media);
	put(b, "<br>SHA-256 <code class=\"hash\">");
	(void)html_escape(b, att->sha256);
	put(b, "</code></dd>");
}

/* What was received, from the report as normalized. */
static void
received(buf *b, const psub *s)
{
	const report *r = &s->r;
	char merged[80];

	put(b, "<section class=\"card\"><h2>What we received</h2><dl class=\"summary\">");
	item(b, "Name", r->reporter_name);
	item(b, "Email", r->reporter_email);
	item(b, "Organization", r->reporter_org);
	item(b, "Phone number", r->phone_number);
	item(b, "Notes about you", r->reporter_notes);
	item(b, "Your identity", r->anonymize ? "Never passed on to the party reported" :
	    "May be passed on to the party reported");
	item(b, "Threat type", r->threat_type);
	item(b, "Incident type", r->incident_type);
	item(b, "Attack method", r->attack_method);
	when(b, r);
	indicators(b, r);
	if (r->duplicates_merged > 0) {
		snprintf(merged, sizeof merged, "%zu repeated indicator%s merged", r->duplicates_merged,
		    r->duplicates_merged == 1 ? " was" : "s were");
		item(b, "Repeats", merged);
	}
	item(b, "Severity", r->severity);
	if (r->report_notes != NULL) {
		put(b, "<dt>Description</dt><dd class=\"pre\">");
		(void)html_escape(b, r->report_notes);
		put(b, "</dd>");
	}
	if (s->has_att)
		attachment(b, &s->att);
	put(b, "</dl></section>");
}

/* The confirmation page; with fake set, for a bot: the same look, nothing real in it. */
static void
confirmation(buf *b, const psub *s, int fake)
{
	web_page_begin(b, s->a, "Report received", WEB_TAB_PORTAL, NULL);
	put(b, "<div class=\"success\" id=\"confirmation\" tabindex=\"-1\" autofocus>"
	    "<h1>Thank you: your report was received</h1><p>Your case id is <strong class=\"case-id\">");
	(void)html_escape(b, s->in.case_id);
	put(b, "</strong>. Quote it when you write to the abuse desk about this report.</p></div>"
	    "<section class=\"card\"><h2>Follow your report</h2><p>This private link shows your report's status."
	    " Keep it: it holds your tracking token, which is shown only this once and cannot be recovered.</p>"
	    "<p class=\"status-link\"><a id=\"status-link\" href=\"" PORTAL_STATUS_PATH);
	(void)html_escape(b, s->in.case_id);
	put(b, "?token=");
	(void)html_escape(b, s->in.token);
	put(b, "\">" PORTAL_STATUS_PATH);
	(void)html_escape(b, s->in.case_id);
	put(b, "?token=");
	(void)html_escape(b, s->in.token);
	put(b, "</a></p></section>");
	if (!fake)
		received(b, s);
	put(b, "<section class=\"card\"><h2>What happens next</h2><p>The abuse desk of ");
	(void)html_escape(b, s->a->cfg->operator_name);
	put(b, " reviews every report and acts on what it finds. It may write to you at the email you gave"
	    " if it needs more.</p></section><p class=\"actions\"><a class=\"button secondary\" href=\""
	    PORTAL_PATH "\">Report something else</a></p>");
	web_page_end(b, s->a);
}

/* ---- the steps -------------------------------------------------------------- */

/* A filled honeypot: look like a success, store nothing, say so in the log only. */
static void
fool_bot(psub *s)
{
	ids_uuid7(http_received_ms(s->req), s->in.case_id);
	ids_token(s->in.token, s->in.hash);
	log_message("portal", "request %s: the honeypot field was filled in; nothing stored",
	    http_request_id(s->req));
	confirmation(&s->page, s, 1);
	web_reply_html(s->req, 200, &s->page);
}

static void
test_page(psub *s)
{
	web_page_begin(&s->page, s->a, "Test successful", WEB_TAB_PORTAL, NULL);
	put(&s->page, "<div class=\"success\" id=\"confirmation\" tabindex=\"-1\" autofocus><h1>Test successful</h1>"
	    "<p>The report is valid. It was a test submission, so it was not stored.</p></div>");
	web_page_end(&s->page, s->a);
	web_reply_html(s->req, 200, &s->page);
	metrics_report(VALIDATE_CHANNEL_PORTAL, METRICS_TEST);
}

/* The report and its file against every rule: 0 valid; -1 after the form went back with the problems. */
static int
check(psub *s, const portal_input *in)
{
	vcontext ctx = {s->a->tax, &s->a->scope, http_received_ms(s->req) / 1000, VALIDATE_CHANNEL_PORTAL};
	verrors *e = verrors_new();
	char msg[700];
	int bad = validate_report(&ctx, s->fields, &s->r, e) < 0;
	cJSON *errors;

	if (in->has_file && portal_attach_check(in, s->a->cfg->attachment_max_bytes, &s->att, msg, sizeof msg) < 0) {
		verrors_add(e, PORTAL_FIELD_FILE, "%s", msg);
		report_cleanup(&s->r);
		bad = 1;
	}
	if (bad) {
		metrics_report(VALIDATE_CHANNEL_PORTAL, METRICS_INVALID);
		errors = verrors_errors_json(e);
		form_again(s, 400, errors, NULL);
		cJSON_Delete(errors);
	}
	verrors_free(e);
	return bad ? -1 : 0;
}

/* raw_body, and the attachment row: the file's bytes are cut out of the body and kept once. */
static void
fill_raw(psub *s, const portal_input *in)
{
	size_t len, off;
	const char *body = http_body(s->req, &len);

	s->in.sr.raw_content_type = http_content_type(s->req);
	s->in.sr.raw_body = body;
	s->in.sr.raw_len = len;
	if (!s->has_att)
		return;
	off = (size_t)(in->file_data - body);
	s->raw = xmalloc(len - in->file_size + 1);
	memcpy(s->raw, body, off);
	memcpy(s->raw + off, body + off + in->file_size, len - off - in->file_size);
	s->in.sr.raw_body = s->raw;
	s->in.sr.raw_len = len - in->file_size;
	s->sa = (store_attachment){s->att.name, s->att.declared[0] != '\0' ? s->att.declared : NULL,
	    s->att.media, s->att.data, s->att.size, s->att.sha256, (long)off};
	s->in.sr.attachment = &s->sa;
}

static void
not_stored(psub *s, const char *why)
{
	http_add_header(s->req, "Retry-After", "5");
	form_again(s, 503, NULL, why);
}

/* On the store's sync thread, once the report is committed and on disk (or not). */
static void
stored(void *arg, int rc)
{
	psub *s = arg;

	metrics_report(VALIDATE_CHANNEL_PORTAL, rc == STORE_OK ? METRICS_STORED : METRICS_NOT_STORED);
	if (rc == STORE_OK)
		web_reply_html(s->req, 200, &s->page);
	else
		not_stored(s, "The report could not be stored just now and was NOT received."
		    " Your entries are below: submit them again in a moment.");
	http_resume(s->req);
}

static void
store_it(psub *s, const portal_input *in)
{
	int rc;

	if (intake_prepare(&s->in, &s->r, http_received_ms(s->req)) < 0) {
		not_stored(s, "The server is short of memory: the report was NOT received. Submit it again in a moment.");
		return;
	}
	fill_raw(s, in);
	confirmation(&s->page, s, 0);
	http_suspend(s->req);
	rc = store_submit(s->a->st, &s->in.sr, stored, s);
	if (rc != STORE_OK) {
		metrics_report(VALIDATE_CHANNEL_PORTAL, METRICS_NOT_STORED);
		not_stored(s, rc == STORE_BUSY ? "Too many reports are waiting to be stored: the report was NOT received."
		    " Submit it again in a moment." : "The service is shutting down: the report was NOT received."
		    " Submit it again in a moment.");
		http_resume(s->req);
	}
}

void
portal_submit(http_request *req, app *a, portal_input *in)
{
	psub *s = xcalloc(1, sizeof *s);

	s->req = req;
	s->a = a;
	s->fields = in->fields;
	in->fields = NULL;
	buf_init(&s->page, WEB_PAGE_MAX);
	http_on_complete(req, psub_free, s);
	s->has_att = in->has_file;
	if (portal_csrf_check(req, in->csrf, http_received_ms(req) / 1000) < 0) {
		form_again(s, 403, NULL, "The form could not be verified, so the report was not sent. This happens"
		    " when the page was open for more than a day, after the service restarted, or when cookies are"
		    " blocked for this site. Your entries are below: check them and submit again.");
		return;
	}
	if (in->honeypot) {
		fool_bot(s);
		return;
	}
	if (check(s, in) < 0)
		return;
	if (s->r.test)
		test_page(s);
	else
		store_it(s, in);
}

/* ---- the status page ---------------------------------------------------------- */

static void
format_ms(int64_t ms, char *out, size_t outlen)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;

	gmtime_r(&t, &tm);
	if (strftime(out, outlen, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		out[0] = '\0';
}

static void
status_found(buf *b, const store_status *st)
{
	char when[40], n[24];

	put(b, "<h1>Report status</h1><section class=\"card\"><dl class=\"summary\">");
	item(b, "Case id", st->case_id);
	item(b, "Status", st->status);
	format_ms(st->received_ms, when, sizeof when);
	item(b, "Received", when);
	format_ms(st->updated_ms, when, sizeof when);
	item(b, "Last updated", when);
	item(b, "Threat type", st->threat_type);
	item(b, "Incident type", st->incident_type);
	item(b, "Attack method", st->attack_method);
	snprintf(n, sizeof n, "%zu", st->n_indicators);
	item(b, "Indicators", n);
	put(b, "</dl></section>");
}

void
portal_status_page(http_request *req)
{
	app *a = http_app(req);
	const char *id = http_path_rest(req), *token = http_query(req, "token");
	uint8_t hash[IDS_HASH_BYTES];
	store_status st;
	int rc = STORE_NOTFOUND;
	buf b;

	if (token != NULL && ids_uuid_valid(id)) {
		ids_token_hash(token, hash);
		rc = store_get_status(a->st, id, hash, &st);
	}
	buf_init(&b, WEB_PAGE_MAX);
	web_page_begin(&b, a, "Report status", WEB_TAB_PORTAL, NULL);
	if (rc == STORE_OK)
		status_found(&b, &st);
	else if (rc == STORE_NOTFOUND)
		put(&b, "<h1>No such report</h1><p>There is no report with this case id and tracking token."
		    " Check that you copied the whole link.</p>");
	else
		put(&b, "<h1>Try again shortly</h1><p>The report store cannot be read just now.</p>");
	web_page_end(&b, a);
	if (rc < 0)
		http_add_header(req, "Retry-After", "5");
	web_reply_html(req, rc == STORE_OK ? 200 : rc == STORE_NOTFOUND ? 404 : 503, &b);
	buf_cleanup(&b);
}
