/*
 * jsonbody.h -- turning an untrusted JSON body into a cJSON tree, strictly.
 *
 * cJSON does not check UTF-8, nor duplicate keys, nor control characters in
 * strings, and recurses to depth 1000.  jsonbody_parse() checks all of that
 * once, before anything trusts the body: a leading UTF-8 byte-order mark and
 * whitespace are skipped; the text must be well-formed UTF-8; nesting at
 * most max_depth; each object at most max_props properties, each name at
 * most LIMIT_KEY_CHARS; no raw control characters inside strings; no lone
 * surrogate escapes; no duplicate names in one object (compared after
 * unescaping); nothing but whitespace after the value.
 */
#ifndef ABUSEDESK_JSONBODY_H
#define ABUSEDESK_JSONBODY_H

#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct jsonbody_limits {
	size_t max_depth;
	size_t max_props;
} jsonbody_limits;

enum jsonbody_error_kind {
	JSONBODY_OK = 0,
	JSONBODY_EMPTY,        /* nothing but whitespace */
	JSONBODY_UTF8,         /* not UTF-8; offset set */
	JSONBODY_SYNTAX,       /* not JSON; offset set (control characters and lone surrogates too) */
	JSONBODY_DEPTH,        /* nested deeper than max_depth; offset set */
	JSONBODY_PROPS,        /* an object with more than max_props properties; path set */
	JSONBODY_KEY_LENGTH,   /* a property name too long; path set */
	JSONBODY_DUPLICATE,    /* a name twice in one object; path set (e.g. "ipAddressList[2].sourceIp") */
	JSONBODY_NOMEM,
};

typedef struct jsonbody_error {
	enum jsonbody_error_kind kind;
	size_t offset;         /* byte offset into the body as given */
	char path[256];        /* field path, for PROPS / KEY_LENGTH / DUPLICATE */
	char message[256];     /* plain-language message for the reporter */
} jsonbody_error;

/*
 * Parse body[0..len).  0 with *out (caller frees with cJSON_Delete), or -1
 * with err filled and nothing allocated.
 */
int jsonbody_parse(const char *body, size_t len, const jsonbody_limits *lim,
    cJSON **out, jsonbody_error *err);
/* 1 if the body, after a BOM and whitespace, starts with '{' (is JSON whatever its Content-Type says). */
int jsonbody_looks_like_json(const char *body, size_t len);

#endif
