/*
 * log.h -- the program's two kinds of log lines, both on stderr:
 * messages ("abusedesk: <area>: ...") and one access line per request.
 * Lines are written with one write each, so threads do not interleave them.
 * Nothing here is given a reporter's email or a tracking token: callers
 * pass only what may be logged.
 */
#ifndef ABUSEDESK_LOG_H
#define ABUSEDESK_LOG_H

#include <stdarg.h>
#include <stddef.h>

void log_message(const char *area, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_vmessage(const char *area, const char *fmt, va_list ap);
/* One access line: time, request id, client, method, path (no query), status, bytes, duration. */
void log_access(const char *request_id, const char *client, const char *method, const char *path,
    unsigned status, size_t bytes, double ms, const char *note);

#endif
