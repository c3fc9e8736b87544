// GET /report/v2.0/abuse/{caseId}: the reporter's view of a case, with the
// tracking token.  Every failure is the same 404, so the endpoint tells
// nobody whether a case exists (no oracle).

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';

import { assertAccepted, assertInstant, assertProblem } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { ABUSE_PATH, get, postJson } from './lib/http.mjs';
import { ipReport, urlReport } from './lib/reports.mjs';

const srv = serverForFile();
const T = { timeout: 30_000 };

const STATUS_KEYS = ['caseId', 'status', 'receivedAt', 'updatedAt', 'threatType', 'incidentType', 'attackMethod', 'indicatorCount'];

/** A syntactically valid UUIDv7 that no server issued. */
function freshUuidV7() {
  const b = randomBytes(16);
  const ms = BigInt(Date.now());
  for (let i = 0; i < 6; i++) b[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  b[6] = (b[6] & 0x0f) | 0x70;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

async function submit(report) {
  return assertAccepted(await postJson(srv.base, report));
}

/** The 404 body without the members that may differ per request. */
function comparable(res) {
  const body = assertProblem(res, 404);
  const o = { ...body };
  for (const k of ['instance', 'requestId', 'request_id', 'traceId']) delete o[k];
  return o;
}

test('status_with_token_header_yields_200_with_case_summary', T, async () => {
  const sent = ipReport({ ipAddressList: [{ sourceIp: '1.1.1.1' }, { sourceIp: '1.0.0.1', sourcePort: 53 }] });
  const made = await submit(sent);
  const res = await get(srv.base, made.statusUrl, { 'X-Tracking-Token': made.trackingToken });
  assert.equal(res.status, 200, res.text);
  assert.equal(res.headers['content-type']?.split(';')[0].trim(), 'application/json');
  const s = res.json;
  assert.deepEqual(Object.keys(s).sort(), [...STATUS_KEYS].sort(), `status members; got ${res.text}`);
  assert.equal(s.caseId, made.caseId);
  assert.equal(s.status, 'received');
  assert.equal(Date.parse(s.receivedAt), Date.parse(made.receivedAt));
  assertInstant(s.receivedAt, 'receivedAt');
  assert.ok(assertInstant(s.updatedAt, 'updatedAt') >= Date.parse(s.receivedAt) - 1000);
  assert.equal(s.threatType, 'IP Address');
  assert.equal(s.incidentType, 'Brute Force');
  assert.equal(s.attackMethod, 'Password Spray');
  assert.equal(s.indicatorCount, 3);
  assert.ok(!res.text.includes(sent.reporterEmail), 'the status answer does not carry the reporter\'s email');
});

test('status_with_token_query_parameter_yields_the_same_200', T, async () => {
  const made = await submit(ipReport());
  const a = await get(srv.base, made.statusUrl, { 'X-Tracking-Token': made.trackingToken });
  const b = await get(srv.base, `${made.statusUrl}?token=${encodeURIComponent(made.trackingToken)}`);
  assert.equal(a.status, 200, a.text);
  assert.equal(b.status, 200, b.text);
  assert.deepEqual(b.json, a.json);
});

test('status_of_case_without_attack_method_omits_it', T, async () => {
  const made = await submit(urlReport());
  const res = await get(srv.base, made.statusUrl, { 'X-Tracking-Token': made.trackingToken });
  assert.equal(res.status, 200, res.text);
  assert.ok(!('attackMethod' in res.json), `no attackMethod was given; got ${res.text}`);
  assert.equal(res.json.threatType, 'URL');
  assert.equal(res.json.incidentType, 'Phishing');
  assert.equal(res.json.indicatorCount, 1);
});

test('status_wrong_token_no_token_unknown_id_malformed_id_all_yield_identical_404', T, async () => {
  const made = await submit(ipReport());
  const other = await submit(ipReport({ sourceIp: '1.1.1.1' }));
  const attempts = {
    wrongToken: await get(srv.base, made.statusUrl, { 'X-Tracking-Token': 'A'.repeat(made.trackingToken.length) }),
    otherCasesToken: await get(srv.base, made.statusUrl, { 'X-Tracking-Token': other.trackingToken }),
    wrongTokenInQuery: await get(srv.base, `${made.statusUrl}?token=${'b'.repeat(made.trackingToken.length)}`),
    emptyToken: await get(srv.base, `${made.statusUrl}?token=`),
    noToken: await get(srv.base, made.statusUrl),
    unknownId: await get(srv.base, `${ABUSE_PATH}/${freshUuidV7()}`, { 'X-Tracking-Token': made.trackingToken }),
    unknownIdNoToken: await get(srv.base, `${ABUSE_PATH}/${freshUuidV7()}`),
    malformedId: await get(srv.base, `${ABUSE_PATH}/not-a-case-id`, { 'X-Tracking-Token': made.trackingToken }),
    upperCaseId: await get(srv.base, `${ABUSE_PATH}/${made.caseId.toUpperCase()}x`, { 'X-Tracking-Token': made.trackingToken }),
  };
  const reference = comparable(attempts.noToken);
  for (const [name, res] of Object.entries(attempts)) {
    assert.deepEqual(comparable(res), reference, `${name}: the 404 must not differ from the others`);
    assert.equal(res.headers['content-type'], attempts.noToken.headers['content-type'], `${name}: Content-Type`);
    assert.ok(!('caseId' in res.json) && !('status' in res.json && typeof res.json.status === 'string'), `${name}: no case data in a 404`);
  }
  // The right token still works after the failures.
  const ok = await get(srv.base, made.statusUrl, { 'X-Tracking-Token': made.trackingToken });
  assert.equal(ok.status, 200, ok.text);
});

test('tokens_are_unique_per_case', T, async () => {
  const a = await submit(ipReport());
  const b = await submit(ipReport());
  assert.notEqual(a.caseId, b.caseId);
  assert.notEqual(a.trackingToken, b.trackingToken);
  assert.ok(a.caseId.slice(0, 13) <= b.caseId.slice(0, 13), 'UUIDv7 ids are time-ordered');
});
