/*
 * metrics.h -- counters for operators, served as Prometheus text at
 * GET /metrics: requests by status and their latency, reports by channel
 * and outcome.  Updated with relaxed atomics from any thread; no locks on
 * the request path.  Nothing personal is ever a label.
 */
#ifndef ABUSEDESK_METRICS_H
#define ABUSEDESK_METRICS_H

#include <stddef.h>

#include "http/http.h"

enum metrics_outcome {
	METRICS_STORED,       /* acknowledged: committed and on disk */
	METRICS_TEST,         /* valid test submission, not stored */
	METRICS_INVALID,      /* refused with validation errors */
	METRICS_NOT_STORED,   /* valid but the store could not take it (503) */
	METRICS_OUTCOMES
};

/* Record the start time (for the uptime gauge). */
void metrics_init(void);
/* One finished HTTP request. */
void metrics_http(unsigned status, double ms);
/* One report through a channel ("ReportApi" or "CertPortalV2"). */
void metrics_report(const char *channel, enum metrics_outcome outcome);
/* The /metrics route. */
const http_route *metrics_routes(size_t *n);

#endif
