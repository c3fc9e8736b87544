/*
 * form.h -- application/x-www-form-urlencoded bodies into the same cJSON
 * shape a JSON body has, so one validator serves both.
 *
 * Names are field paths: "reporterName", "ipAddressList[0].sourceIp",
 * "urlList[3].destinationUrl".  Values stay strings (the validator accepts
 * string booleans and ports).  '+' is a space; %XX is decoded; the decoded
 * names and values must be UTF-8.  A list index must be a plain decimal
 * number below max_items; gaps in indices become empty objects (the validator
 * then reports the missing fields).  A name given twice is an error keyed by
 * that name.  At most max_fields pairs.  Empty pairs ("a=1&&b=2") are skipped.
 */
#ifndef ABUSEDESK_FORM_H
#define ABUSEDESK_FORM_H

#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct form_limits {
	size_t max_fields;     /* pairs in one body */
	size_t max_items;      /* list index bound */
	size_t max_name;       /* bytes in one decoded name */
} form_limits;

enum form_error_kind {
	FORM_OK = 0,
	FORM_ENCODING,        /* bad %-escape or not UTF-8; key names the field (or "body") */
	FORM_NAME,            /* a name that is not a valid path; key = the name */
	FORM_DUPLICATE,       /* a name given twice; key = the name */
	FORM_TOO_MANY,        /* more than max_fields pairs, or an index too large; key = "body" or the name */
	FORM_NOMEM,
};

typedef struct form_error {
	enum form_error_kind kind;
	char key[256];        /* the field path the problem belongs to */
	char message[256];    /* plain-language message */
} form_error;

/* Parse; 0 with *out (caller cJSON_Delete()s), or -1 with err filled. */
int form_parse(const char *body, size_t len, const form_limits *lim, cJSON **out, form_error *err);
/*
 * Decode one %-encoded component into out (NUL-terminated, at most outlen-1
 * bytes).  plus_is_space for form bodies and query strings.  0, or -1 when
 * an escape is bad or the result does not fit.
 */
int form_decode(const char *s, size_t n, int plus_is_space, char *out, size_t outlen, size_t *outlen_used);

#endif
