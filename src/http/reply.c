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

#include <microhttpd.h>

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
	return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

const char *
http_query(const http_request *req, const char *name)
{
	return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
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
	if (req->n_hdrs >= LIMIT_REPLY_HEADERS)
		return;
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
	if (req->response != NULL)
		MHD_destroy_response(req->response);
	req->response = NULL;
	free_headers(req);
}

/* Make the MHD response from data (malloc'd and taken, or static). */
static void
set_reply(http_request *req, unsigned status, const char *ctype, void *data, size_t len, int is_static)
{
	struct MHD_Response *r;

	if (req->response != NULL) {           /* a second reply is a programming error; keep the first */
		if (!is_static)
			free(data);
		return;
	}
	r = MHD_create_response_from_buffer(len, data, is_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
	if (r == NULL) {
		if (!is_static)
			free(data);
		abort();                          /* MHD only fails here when out of memory */
	}
	(void)MHD_add_response_header(r, "Content-Type", ctype);
	(void)MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	(void)MHD_add_response_header(r, "X-Request-Id", req->request_id);
	if (!has_header(req, "Cache-Control"))
		(void)MHD_add_response_header(r, "Cache-Control", "no-store");
	for (size_t i = 0; i < req->n_hdrs; i++)
		(void)MHD_add_response_header(r, req->hdr_names[i], req->hdr_values[i]);
	free_headers(req);
	req->response = r;
	req->status = status;
	req->reply_bytes = len;
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
