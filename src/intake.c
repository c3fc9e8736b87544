/*
 * intake.c -- a validated report made ready for the store (see intake.h).
 */
#include "intake.h"

#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

static void
add(intake *in, enum store_kind k, enum store_role role, const char *v, int port, const char *host, long item)
{
	if (v != NULL)
		in->ind[in->n_ind++] = (store_indicator){k, role, v, port, host, item};
}

/* Every IP and URL of the report as a row: top-level ones with item -1, list items with their index. */
static void
collect_indicators(intake *in, const report *r)
{
	in->ind = xcalloc(4 + 2 * r->n_ips + 2 * r->n_urls, sizeof(store_indicator));
	add(in, STORE_KIND_IP, STORE_ROLE_SOURCE, r->source_ip, r->source_port, NULL, -1);
	add(in, STORE_KIND_IP, STORE_ROLE_DESTINATION, r->destination_ip, r->destination_port, NULL, -1);
	add(in, STORE_KIND_URL, STORE_ROLE_SOURCE, r->source_url, 0, r->source_host, -1);
	add(in, STORE_KIND_URL, STORE_ROLE_DESTINATION, r->destination_url, 0, r->destination_host, -1);
	for (size_t i = 0; i < r->n_ips; i++) {
		add(in, STORE_KIND_IP, STORE_ROLE_SOURCE, r->ips[i].source_ip, r->ips[i].source_port, NULL, (long)i);
		add(in, STORE_KIND_IP, STORE_ROLE_DESTINATION, r->ips[i].destination_ip,
		    r->ips[i].destination_port, NULL, (long)i);
	}
	for (size_t i = 0; i < r->n_urls; i++) {
		add(in, STORE_KIND_URL, STORE_ROLE_SOURCE, r->urls[i].source_url, 0, r->urls[i].source_host, (long)i);
		add(in, STORE_KIND_URL, STORE_ROLE_DESTINATION, r->urls[i].destination_url, 0,
		    r->urls[i].destination_host, (long)i);
	}
}

int
intake_prepare(intake *in, const report *r, int64_t received_ms)
{
	store_report *sr = &in->sr;

	memset(in, 0, sizeof(*in));
	in->report_text = report_json_text(r, NULL);   /* written directly: no cJSON tree */
	if (in->report_text == NULL)
		return -1;
	ids_uuid7(received_ms, in->case_id);
	ids_token(in->token, in->hash);
	collect_indicators(in, r);
	sr->case_id = in->case_id;
	sr->token_hash = in->hash;
	sr->received_ms = received_ms;
	sr->channel = r->channel;
	sr->threat_type = r->threat_type;
	sr->incident_type = r->incident_type;
	sr->attack_method = r->attack_method;
	sr->reporter_email = r->reporter_email;
	sr->reporter_name = r->reporter_name;
	sr->anonymize = r->anonymize;
	sr->incident_epoch = r->incident_epoch;
	sr->incident_time_given = r->incident_time_given;
	sr->report_json = in->report_text;
	sr->indicators = in->ind;
	sr->n_indicators = in->n_ind;
	return 0;
}

void
intake_cleanup(intake *in)
{
	if (in == NULL)
		return;
	free(in->report_text);
	free(in->ind);
	memset(in, 0, sizeof(*in));
}
