/*
 * reply.c -- what handlers read of a request and how they answer it.
 *
 * Every reply gets the headers every response must carry
 * (X-Content-Type-Options: nosniff, X-Request-Id, Cache-Control: no-store
 * unless the handler set its own) and errors are problem+json (RFC 9457)
 * with the request id in "instance" so a reporter can quote it.
 */
#include "http/internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "log.h"
#include "util/pct.h"
#include "util/xalloc.h"

const char *
http_method(const http_request *req)
{
	return req->method;
}

const char *
http_path(const http_request *req)
{
	return req->path;
}

const char *
http_path_rest(const http_request *req)
{
	return req->rest != NULL ? req->rest : "";
}

const char *
http_header(const http_request *req, const char *name)
{
	return http_head_field(&req->h, name);
}

/*
 * The first query argument called name (case-insensitive, as the
 * clients in the wild were served before), decoded; borrowed until the
 * request completes.  A NUL decoded from %00 ends the value there.
 */
const char *
http_query(const http_request *req, const char *name)
{
	http_request *r = (http_request *)(uintptr_t)req;   /* the cache of decoded values */
	size_t name_len = strlen(name);

	for (const char *p = req->query; p != NULL && *p != '\0';) {
		size_t n = strcspn(p, "&"), k = strcspn(p, "=&");
		char *key = pct_decode(p, k, 1);
		int match = strlen(key) == name_len && strcasecmp(key, name) == 0;

		free(key);
		if (match && r->n_decoded < LIMIT_QUERY_VALUES) {
			char **d = xrealloc(r->decoded, (r->n_decoded + 1) * sizeof(*d));

			r->decoded = d;
			d[r->n_decoded] = k < n ? pct_decode(p + k + 1, n - k - 1, 1) : pct_decode("", 0, 1);
			return d[r->n_decoded++];
		}
		p += n;
		p += *p == '&';
	}
	return NULL;
}

const char *
http_body(const http_request *req, size_t *len)
{
	if (len != NULL)
		*len = req->body.len;
	return buf_str(&req->body);
}

enum http_body_type
http_body_type(const http_request *req)
{
	return req->body_type;
}

const char *
http_content_type(const http_request *req)
{
	return req->content_type;
}

const char *
http_request_id(const http_request *req)
{
	return req->request_id;
}

int64_t
http_received_ms(const http_request *req)
{
	return req->start_ms;
}

const char *
http_client_ip(const http_request *req)
{
	return req->client_ip;
}

void
http_on_complete(http_request *req, void (*fn)(void *), void *arg)
{
	req->on_complete = fn;
	req->on_complete_arg = arg;
}

void
http_add_header(http_request *req, const char *name, const char *value)
{
	if (req->n_hdrs >= LIMIT_REPLY_HEADERS) {
		log_message("http", "reply header %s dropped: more than %u", name, LIMIT_REPLY_HEADERS);
		return;
	}
	req->hdr_names[req->n_hdrs] = xstrdup(name);
	req->hdr_values[req->n_hdrs] = xstrdup(value);
	req->n_hdrs++;
}

static int
has_header(const http_request *req, const char *name)
{
	for (size_t i = 0; i < req->n_hdrs; i++)
		if (strcasecmp(req->hdr_names[i], name) == 0)
			return 1;
	return 0;
}

static void
free_headers(http_request *req)
{
	for (size_t i = 0; i < req->n_hdrs; i++) {
		free(req->hdr_names[i]);
		free(req->hdr_values[i]);
	}
	req->n_hdrs = 0;
}

void
request_reply_discard(http_request *req)
{
	if (!req->reply_static)
		free(req->reply_body);
	req->reply_body = NULL;
	req->reply_len = 0;
	buf_cleanup(&req->reply_head);
	free_headers(req);
	for (size_t i = 0; i < req->n_decoded; i++)
		free(req->decoded[i]);
	free(req->decoded);
	req->decoded = NULL;
	req->n_decoded = 0;
}

/* A header line for the reply, unless it would break the response (CR, LF). */
static void
put_header(http_request *req, const char *name, const char *value)
{
	if (strpbrk(name, "\r\n:") != NULL || strpbrk(value, "\r\n") != NULL)
		return;
	(void)buf_puts(&req->reply_head, name);
	(void)buf_puts(&req->reply_head, ": ");
	(void)buf_puts(&req->reply_head, value);
	(void)buf_puts(&req->reply_head, "\r\n");
}

/* Set the reply from data (malloc'd and taken, or static). */
static void
set_reply(http_request *req, unsigned status, const char *ctype, void *data, size_t len, int is_static)
{
	if (req->status != 0) {                /* a second reply is a programming error; keep the first */
		if (!is_static)
			free(data);
		return;
	}
	buf_init(&req->reply_head, LIMIT_HEADER_BYTES);
	put_header(req, "Content-Type", ctype);
	put_header(req, "X-Content-Type-Options", "nosniff");
	put_header(req, "X-Request-Id", req->request_id);
	if (!has_header(req, "Cache-Control"))
		put_header(req, "Cache-Control", "no-store");
	for (size_t i = 0; i < req->n_hdrs; i++) {
		/* the server writes Connection itself: here it only asks for the close */
		if (strcasecmp(req->hdr_names[i], "Connection") == 0)
			req->close_after |= strcasecmp(req->hdr_values[i], "close") == 0;
		else
			put_header(req, req->hdr_names[i], req->hdr_values[i]);
	}
	free_headers(req);
	req->reply_body = data;
	req->reply_static = is_static;
	req->reply_len = len;
	req->status = status;
}

const char *
reply_reason(unsigned status)
{
	static const struct { unsigned status; const char *reason; } reasons[] = {
		{100, "Continue"}, {200, "OK"}, {201, "Created"}, {202, "Accepted"}, {204, "No Content"},
		{301, "Moved Permanently"}, {302, "Found"}, {303, "See Other"}, {304, "Not Modified"},
		{307, "Temporary Redirect"}, {308, "Permanent Redirect"},
		{400, "Bad Request"}, {401, "Unauthorized"}, {403, "Forbidden"}, {404, "Not Found"},
		{405, "Method Not Allowed"}, {406, "Not Acceptable"}, {408, "Request Timeout"},
		{409, "Conflict"}, {410, "Gone"}, {411, "Length Required"}, {413, "Content Too Large"},
		{414, "URI Too Long"}, {415, "Unsupported Media Type"}, {417, "Expectation Failed"},
		{422, "Unprocessable Content"}, {429, "Too Many Requests"},
		{431, "Request Header Fields Too Large"}, {500, "Internal Server Error"},
		{501, "Not Implemented"}, {503, "Service Unavailable"}, {505, "HTTP Version Not Supported"},
	};

	for (size_t i = 0; i < sizeof(reasons) / sizeof(reasons[0]); i++)
		if (reasons[i].status == status)
			return reasons[i].reason;
	return status < 300 ? "OK" : status < 400 ? "Redirect" : status < 500 ? "Client Error" : "Server Error";
}

void
http_reply_bytes(http_request *req, unsigned status, const char *content_type,
    const void *data, size_t len, int static_data)
{
	void *p;

	if (static_data) {
		set_reply(req, status, content_type, (void *)(uintptr_t)data, len, 1);
		return;
	}
	p = xmalloc(len ? len : 1);
	if (len > 0)
		memcpy(p, data, len);
	set_reply(req, status, content_type, p, len, 0);
}

static void
reply_printed(http_request *req, unsigned status, const char *ctype, cJSON *body)
{
	char *text = body != NULL ? cJSON_PrintUnformatted(body) : NULL;

	cJSON_Delete(body);
	if (text == NULL) {
		static const char oom[] = "{\"title\":\"Internal error\",\"status\":500}";

		set_reply(req, 500, "application/problem+json", (void *)(uintptr_t)oom, sizeof(oom) - 1, 1);
		return;
	}
	set_reply(req, status, ctype, text, strlen(text), 0);
}

void
http_reply_json(http_request *req, unsigned status, cJSON *body)
{
	reply_printed(req, status, "application/json", body);
}

void
http_reply_problem(http_request *req, unsigned status, const char *title,
    const char *message, cJSON *extra)
{
	cJSON *p = cJSON_CreateObject();
	char instance[64];

	snprintf(instance, sizeof(instance), "urn:abusedesk:request:%s", req->request_id);
	if (p != NULL) {
		cJSON_AddStringToObject(p, "type", "about:blank");
		cJSON_AddStringToObject(p, "title", title);
		cJSON_AddNumberToObject(p, "status", status);
		cJSON_AddStringToObject(p, "message", message);
		cJSON_AddStringToObject(p, "detail", message);
		cJSON_AddStringToObject(p, "instance", instance);
		while (extra != NULL && extra->child != NULL) {
			cJSON *it = cJSON_DetachItemViaPointer(extra, extra->child);
			char key[64];

			/* cJSON frees the item's old name before copying the new one: pass a copy */
			snprintf(key, sizeof(key), "%s", it->string);
			if (cJSON_GetObjectItemCaseSensitive(p, key) != NULL)
				cJSON_ReplaceItemInObjectCaseSensitive(p, key, it);
			else
				cJSON_AddItemToObject(p, key, it);
		}
	}
	cJSON_Delete(extra);
	reply_printed(req, status, "application/problem+json", p);
}
