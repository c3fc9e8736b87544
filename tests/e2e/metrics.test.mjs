// GET /metrics: Prometheus text for operators.  Counters move with what the
// server did, and nothing personal (emails, tokens, IPs of reporters) shows.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { serverForFile } from './lib/fixture.mjs';
import { get, postJson, mediaType } from './lib/http.mjs';
import { asTest, ipReport } from './lib/reports.mjs';

const srv = serverForFile();

/** Parse "name{labels} value" lines into a map. */
function parse(text) {
  const m = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const i = line.lastIndexOf(' ');
    m.set(line.slice(0, i), Number(line.slice(i + 1)));
  }
  return m;
}

async function scrape() {
  const res = await get(srv.base, '/metrics');
  assert.equal(res.status, 200);
  assert.equal(mediaType(res.headers['content-type']), 'text/plain');
  return { text: res.text, m: parse(res.text) };
}

test('metrics_count_reports_by_outcome_and_requests_by_status', async () => {
  const before = await scrape();
  const stored = await postJson(srv.base, ipReport({ reporterEmail: 'metrics.person@example.com' }));
  assert.equal(stored.status, 200);
  assert.equal((await postJson(srv.base, asTest(ipReport()))).status, 200);
  assert.equal((await postJson(srv.base, ipReport({ sourceIp: '10.0.0.1' }))).status, 400);
  assert.equal((await get(srv.base, '/nowhere')).status, 404);
  const after = await scrape();
  const delta = (k) => (after.m.get(k) ?? 0) - (before.m.get(k) ?? 0);
  assert.equal(delta('abusedesk_reports_total{channel="ReportApi",outcome="stored"}'), 1);
  assert.equal(delta('abusedesk_reports_total{channel="ReportApi",outcome="test"}'), 1);
  assert.equal(delta('abusedesk_reports_total{channel="ReportApi",outcome="invalid"}'), 1);
  assert.ok(delta('abusedesk_http_requests_total{code="200"}') >= 3, 'three 200s (two posts and a scrape)');
  assert.equal(delta('abusedesk_http_requests_total{code="400"}'), 1);
  assert.equal(delta('abusedesk_http_requests_total{code="404"}'), 1);
  const count = after.m.get('abusedesk_http_request_duration_seconds_count');
  assert.equal(after.m.get('abusedesk_http_request_duration_seconds_bucket{le="+Inf"}'), count);
  assert.ok(count >= 5);
  for (const secret of ['metrics.person', stored.json.trackingToken, stored.json.caseId]) {
    assert.ok(!after.text.includes(secret), `metrics must not show ${secret}`);
  }
});

// Regression (found writing a client from the developer page): generic HTTP
// helpers send Content-Type: application/json on every request; a GET with
// no body must not be refused with 415.
test('get_with_stray_json_content_type_is_still_a_get', async () => {
  for (const path of ['/report/v2.0/taxonomy', '/healthz', '/metrics']) {
    const res = await get(srv.base, path, { 'Content-Type': 'application/json' });
    assert.equal(res.status, 200, `${path}: ${res.text.slice(0, 200)}`);
  }
});
