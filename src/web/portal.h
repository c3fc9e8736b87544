/*
 * portal.h -- what the files of the Report Abuse Portal share.  Not a
 * public contract: web.h declares the portal's routes and set-up.
 *
 *   portal.c          routes; reading a request into the API's field shape;
 *                     the no-JavaScript actions; pre-fill; the validate endpoint
 *   portal_form.c     the form page
 *   portal_summary.c  the form's error summary and its labels
 *   portal_submit.c   a submission: token, honeypot, validation, attachment,
 *                     store; the confirmation and status pages
 *   portal_csrf.c     the form's anti-forgery token
 *   portal_attach.c   evidence files: size, type by content (libmagic), SHA-256
 *
 * The form's field names are the API's property names and paths
 * (reporterName, ipAddressList[0].sourceIp), so a form body becomes the
 * same cJSON object a JSON body would, and validate_report() checks both
 * with the same words.  The form's own fields start with '_' (_csrf,
 * _action) or are the honeypot; they are taken out before validation.
 *
 * Ownership: a portal_view borrows everything it points to.
 */
#ifndef ABUSEDESK_PORTAL_H
#define ABUSEDESK_PORTAL_H

#include <stddef.h>
#include <stdint.h>

#include <cjson/cJSON.h>

#include "bounds.h"
#include "core/report.h"
#include "util/buf.h"
#include "web/web.h"

#define PORTAL_PATH            "/report/abuse"
#define PORTAL_VALIDATE_PATH   "/report/abuse/validate"
#define PORTAL_STATUS_PATH     "/report/abuse/status/"
#define PORTAL_FIELD_CSRF      "_csrf"
#define PORTAL_FIELD_ACTION    "_action"
#define PORTAL_FIELD_HONEYPOT  "website"   /* a name bots like to fill */
#define PORTAL_FIELD_FILE      "attachment"
#define PORTAL_CSRF_COOKIE     "abusedesk_csrf"
#define PORTAL_CSRF_TEXT       80          /* a token's text with its NUL */

/* What the form page shows. */
typedef struct portal_view {
	const cJSON *fields;      /* the values, API-shaped (strings); NULL: an empty form */
	const cJSON *errors;      /* {"path": ["message", ...]} as the API gives them, or NULL */
	const char *notice;       /* a problem not tied to a field, shown at the top, or NULL */
	const char *csrf;         /* the token for the hidden field */
	int file_lost;            /* a file was sent and must be chosen again */
	const char *focus;        /* the path of a field to focus (a row just added), or NULL */
} portal_view;

/* ---- portal_form.c ---- */

/* The whole form page into b (begin to end of the page frame). */
void portal_form_page(buf *b, const app *a, const portal_view *v);
/* "ipAddressList[0].sourceIp" -> "f-ipAddressList-0-sourceIp": the id of a field's control. */
void portal_field_id(buf *b, const char *path);
/* Rows the form shows for an indicator kind: 1 + the items of its list. */
size_t portal_rows(const cJSON *fields, int url);
/* The value of a top-level field as text ("" when absent or not a string); borrowed. */
const char *portal_value(const cJSON *obj, const char *name);

/* ---- portal_summary.c ---- */

/* The error summary (v->errors and v->notice) into b; nothing when there is no problem. */
void portal_summary(buf *b, const portal_view *v);
/* The label of a row's field ("sourceIp" -> "Source IP address"); static. */
const char *portal_row_label(const char *field);

/* ---- portal_submit.c ---- */

/* A form read from a request (see portal.c). */
typedef struct portal_input {
	cJSON *fields;            /* API-shaped values, the form's own fields taken out */
	char csrf[PORTAL_CSRF_TEXT];
	char action[32];
	int honeypot;             /* the hidden field was filled in */
	int has_file;             /* a file part with a name and bytes */
	const char *file_name;    /* slices of the request body */
	size_t file_name_len;
	const char *file_type;
	size_t file_type_len;
	const char *file_data;
	size_t file_size;
} portal_input;

/* Handle a submission (in->fields is taken over); answers the request. */
void portal_submit(http_request *req, app *a, portal_input *in);
/* The status page of GET /report/abuse/status/{caseId}?token=... */
void portal_status_page(http_request *req);
/* Reply with the form page. */
void portal_reply_form(http_request *req, const app *a, unsigned status, const portal_view *v);

/* ---- portal_csrf.c ---- */

/* Make the per-process secret (once, before serving). */
void portal_csrf_init(void);
/*
 * The token for a form sent in reply to req: the request's cookie token if
 * it is still good, else a new one set in a cookie on the reply.  Into out.
 */
void portal_csrf_for(http_request *req, int64_t now_s, char out[PORTAL_CSRF_TEXT]);
/* 0 when field is a good token equal to the request's cookie token; -1 otherwise. */
int portal_csrf_check(const http_request *req, const char *field, int64_t now_s);
/* A new token issued at now_s into out. */
void portal_csrf_issue(int64_t now_s, char out[PORTAL_CSRF_TEXT]);
/* 0 when token is well-formed, signed by this process and at most LIMIT_CSRF_SECONDS old. */
int portal_csrf_valid(const char *token, int64_t now_s);

/* ---- portal_attach.c ---- */

typedef struct portal_attachment {
	char name[LIMIT_FILE_NAME_CHARS * 4 + 1];   /* sanitized for display */
	char declared[128];        /* the Content-Type the client sent; "" when none */
	char media[128];           /* recognized from the content */
	char sha256[65];
	const char *data;          /* borrowed from the request body */
	size_t size;
} portal_attachment;

/* Load libmagic's default database (once, before serving); 0, or -1 with a message. */
int portal_attach_init(char *err, size_t errlen);
void portal_attach_cleanup(void);
/*
 * Check the file of in against max bytes and the allow-list, and describe
 * it into out.  0; -1 refused, with a message for the field in msg.
 */
int portal_attach_check(const portal_input *in, size_t max, portal_attachment *out,
    char *msg, size_t msglen);
/* "10 MiB", "1.5 KiB", "312 bytes" into out. */
void portal_size_text(size_t bytes, char *out, size_t outlen);
/* The allow-list in words, for hints and messages; static. */
const char *portal_attach_kinds(void);
/* The allow-list as an accept="" attribute value (extensions and types); static. */
const char *portal_attach_accept(void);

#endif
