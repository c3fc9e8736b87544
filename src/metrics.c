/*
 * metrics.c -- operator counters in the Prometheus text exposition format
 * (version 0.0.4), see metrics.h.
 *
 * Fixed arrays of atomics: a status code maps to one of a few known slots
 * (others count as "other"), latency to fixed histogram buckets, so the
 * memory is constant whatever clients send.
 */
#include "metrics.h"

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/validate.h"
#include "util/buf.h"

static const unsigned statuses[] = {200, 204, 304, 400, 403, 404, 405, 413, 415, 429, 500, 503};
#define N_STATUS (sizeof(statuses) / sizeof(statuses[0]))
static const double buckets_s[] = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5};
#define N_BUCKET (sizeof(buckets_s) / sizeof(buckets_s[0]))
static const char *const channels[] = {VALIDATE_CHANNEL_API, VALIDATE_CHANNEL_PORTAL};
#define N_CHANNEL (sizeof(channels) / sizeof(channels[0]))
static const char *const outcome_names[METRICS_OUTCOMES] = {"stored", "test", "invalid", "not_stored"};

static atomic_ulong by_status[N_STATUS + 1];      /* last: other */
static atomic_ulong latency_le[N_BUCKET + 1];     /* last: +Inf */
static atomic_ulong latency_sum_us;
static atomic_ulong reports[N_CHANNEL][METRICS_OUTCOMES];
static time_t started;

void
metrics_init(void)
{
	started = time(NULL);
}

void
metrics_http(unsigned status, double ms)
{
	size_t i;

	for (i = 0; i < N_STATUS && statuses[i] != status; i++)
		;
	atomic_fetch_add_explicit(&by_status[i], 1, memory_order_relaxed);
	for (i = 0; i < N_BUCKET && ms / 1000.0 > buckets_s[i]; i++)
		;
	atomic_fetch_add_explicit(&latency_le[i], 1, memory_order_relaxed);
	atomic_fetch_add_explicit(&latency_sum_us, (unsigned long)(ms * 1000.0), memory_order_relaxed);
}

void
metrics_report(const char *channel, enum metrics_outcome outcome)
{
	size_t c = strcmp(channel, channels[1]) == 0 ? 1 : 0;

	atomic_fetch_add_explicit(&reports[c][outcome], 1, memory_order_relaxed);
}

static unsigned long
get(atomic_ulong *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void
render_http(buf *b)
{
	unsigned long cumulative = 0, total = 0;

	(void)buf_puts(b, "# HELP abusedesk_http_requests_total HTTP requests answered, by status code.\n"
	    "# TYPE abusedesk_http_requests_total counter\n");
	for (size_t i = 0; i <= N_STATUS; i++) {
		char code[16];

		snprintf(code, sizeof(code), i < N_STATUS ? "%u" : "other", i < N_STATUS ? statuses[i] : 0);
		(void)buf_printf(b, "abusedesk_http_requests_total{code=\"%s\"} %lu\n", code, get(&by_status[i]));
	}
	(void)buf_puts(b, "# HELP abusedesk_http_request_duration_seconds Time from request start to completion.\n"
	    "# TYPE abusedesk_http_request_duration_seconds histogram\n");
	for (size_t i = 0; i <= N_BUCKET; i++) {
		cumulative += get(&latency_le[i]);
		if (i < N_BUCKET)
			(void)buf_printf(b, "abusedesk_http_request_duration_seconds_bucket{le=\"%g\"} %lu\n",
			    buckets_s[i], cumulative);
	}
	total = cumulative;
	(void)buf_printf(b, "abusedesk_http_request_duration_seconds_bucket{le=\"+Inf\"} %lu\n"
	    "abusedesk_http_request_duration_seconds_sum %.6f\n"
	    "abusedesk_http_request_duration_seconds_count %lu\n",
	    total, (double)get(&latency_sum_us) / 1e6, total);
}

static void
render_reports(buf *b)
{
	(void)buf_puts(b, "# HELP abusedesk_reports_total Reports by channel and outcome.\n"
	    "# TYPE abusedesk_reports_total counter\n");
	for (size_t c = 0; c < N_CHANNEL; c++)
		for (size_t o = 0; o < METRICS_OUTCOMES; o++)
			(void)buf_printf(b, "abusedesk_reports_total{channel=\"%s\",outcome=\"%s\"} %lu\n",
			    channels[c], outcome_names[o], get(&reports[c][o]));
	(void)buf_printf(b, "# HELP abusedesk_start_time_seconds When the process started (Unix time).\n"
	    "# TYPE abusedesk_start_time_seconds gauge\nabusedesk_start_time_seconds %lld\n", (long long)started);
}

static void
get_metrics(http_request *req)
{
	buf b;
	size_t len;
	char *text;

	buf_init(&b, 64 * 1024);
	render_http(&b);
	render_reports(&b);
	text = buf_detach(&b, &len);
	http_reply_bytes(req, 200, "text/plain; version=0.0.4; charset=utf-8", text, len, 0);
	free(text);
}

static const http_route routes[] = {
	{"GET", "/metrics", 0, get_metrics, 0, 0, NULL},
};

const http_route *
metrics_routes(size_t *n)
{
	*n = sizeof(routes) / sizeof(routes[0]);
	return routes;
}
