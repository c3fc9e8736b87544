/*
 * log.c -- log lines on stderr (see log.h).  Each line is formatted into a
 * buffer and written with one write(2), so lines from several threads never
 * mix; control characters in logged values are replaced, so a request path
 * cannot forge log lines.
 */
#include "log.h"

#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static void
stamp(char *out, size_t outlen)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900, tm.tm_mon + 1,
	    tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

static void
emit(char *line, size_t len)
{
	for (size_t i = 0; i + 1 < len; i++)
		if ((unsigned char)line[i] < 0x20 || line[i] == 0x7f)
			line[i] = '?';
	(void)!write(STDERR_FILENO, line, len);
}

void
log_vmessage(const char *area, const char *fmt, va_list ap)
{
	char line[1024], ts[64];
	int n;
	size_t len;

	stamp(ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s abusedesk: %s: ", ts, area);
	if (n < 0 || (size_t)n >= sizeof(line))
		return;
	(void)vsnprintf(line + n, sizeof(line) - (size_t)n, fmt, ap);
	len = strlen(line);
	while (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > sizeof(line) - 2)
		len = sizeof(line) - 2;
	line[len++] = '\n';
	emit(line, len);
}

void
log_message(const char *area, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmessage(area, fmt, ap);
	va_end(ap);
}

void
log_access(const char *request_id, const char *client, const char *method, const char *path,
    unsigned status, size_t bytes, double ms, const char *note)
{
	char line[1024], ts[64];
	int n;

	stamp(ts, sizeof(ts));
	n = snprintf(line, sizeof(line), "%s access rid=%s client=%s %s %.512s %u %zuB %.3fms%s%s\n",
	    ts, request_id, client[0] ? client : "-", method, path, status, bytes, ms,
	    note != NULL ? " " : "", note != NULL ? note : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line)) {
		n = sizeof(line) - 1;
		line[n - 1] = '\n';
	}
	emit(line, (size_t)n);
}
