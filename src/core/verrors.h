/*
 * verrors.h -- the validation errors of one report, collected, never the
 * first one alone.
 *
 * Errors are keyed by field path ("sourceIp", "ipAddressList[3].sourceIp",
 * "body"), each path holding one or more plain-language messages, in the
 * order they were found; a path may also carry the list of allowed values.
 * At most LIMIT_ERROR_PATHS distinct paths are kept; further ones are
 * counted, and the summary says how many were left out.
 *
 * Ownership: a verrors owns copies of everything added to it.
 */
#ifndef ABUSEDESK_VERRORS_H
#define ABUSEDESK_VERRORS_H

#include <stdarg.h>
#include <stddef.h>

#include <cjson/cJSON.h>

typedef struct verrors verrors;

verrors *verrors_new(void);
void verrors_free(verrors *e);
/* Add a message to path. */
void verrors_add(verrors *e, const char *path, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same with a va_list. */
void verrors_vadd(verrors *e, const char *path, const char *fmt, va_list ap) __attribute__((format(printf, 3, 0)));
/* Record the allowed values of path (kept once; later calls for the same path are ignored). */
void verrors_allow(verrors *e, const char *path, const char *const *values, size_t n);
/* Distinct paths with errors, dropped ones included. */
size_t verrors_count(const verrors *e);
/* 1 if path has an error already. */
int verrors_has(const verrors *e, const char *path);
/* {"path": ["message", ...], ...}; caller owns it. */
cJSON *verrors_errors_json(const verrors *e);
/* {"path": ["value", ...], ...} or NULL when no path has allowed values; caller owns it. */
cJSON *verrors_allowed_json(const verrors *e);
/*
 * One line for "message", naming each path with its first message:
 * "The report has 2 problems: date: '2021/01/15' is not ...; sourceIp: ..."
 * into out (cut with "..." when longer than outlen).
 */
void verrors_summary(const verrors *e, char *out, size_t outlen);

#endif
