// Headers on every response, and the access log: one line per request with
// method, path (without the query string), status, bytes, duration and the
// request id, never the reporter's email or a tracking token.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertAccepted } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { ABUSE_PATH, formEncode, get, postJson, request } from './lib/http.mjs';
import { asTest, ipReport, uniqueEmail } from './lib/reports.mjs';

const srv = serverForFile();
const small = serverForFile({ args: ['--max-body-bytes', '1024'] });
const T = { timeout: 30_000 };
const JSON_CT = { 'Content-Type': 'application/json' };

/** Every kind of answer the server gives, with the request that caused it. */
async function everyKindOfAnswer(email) {
  const real = await postJson(srv.base, ipReport({ reporterEmail: email }));
  const made = assertAccepted(real);
  const token = made.trackingToken;
  const calls = [
    ['POST', ABUSE_PATH, real],
    ['POST', ABUSE_PATH, await postJson(srv.base, asTest(ipReport({ reporterEmail: email })))],
    ['POST', ABUSE_PATH, await postJson(srv.base, asTest(ipReport({ reporterEmail: email, sourceIp: '10.0.0.1' })))],
    ['POST', ABUSE_PATH, await postJson(srv.base, asTest(ipReport({ reporterEmail: `${email}@bad` })))],
    ['POST', ABUSE_PATH, await request(srv.base, { method: 'POST', path: ABUSE_PATH, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(asTest(ipReport({ reporterEmail: email }))) })],
    ['POST', ABUSE_PATH, await request(srv.base, { method: 'POST', path: `${ABUSE_PATH}?reporterEmail=${encodeURIComponent(email)}`, headers: JSON_CT, body: JSON.stringify(asTest(ipReport({ reporterEmail: email }))) })],
    ['POST', ABUSE_PATH, await request(srv.base, { method: 'POST', path: ABUSE_PATH, headers: {}, body: 'plain words' })],
    ['POST', ABUSE_PATH, await request(srv.base, { method: 'POST', path: ABUSE_PATH, headers: JSON_CT, body: '{"a":1,"a":2}' })],
    ['GET', made.statusUrl, await get(srv.base, made.statusUrl, { 'X-Tracking-Token': token })],
    ['GET', made.statusUrl, await get(srv.base, `${made.statusUrl}?token=${encodeURIComponent(token)}`)],
    ['GET', made.statusUrl, await get(srv.base, `${made.statusUrl}?token=${encodeURIComponent(token)}x`)],
    ['GET', made.statusUrl, await get(srv.base, made.statusUrl)],
    ['GET', ABUSE_PATH, await get(srv.base, ABUSE_PATH)],
    ['PUT', '/healthz', await request(srv.base, { method: 'PUT', path: '/healthz', headers: JSON_CT, body: '{}' })],
    ['GET', '/healthz', await get(srv.base, '/healthz')],
    ['HEAD', '/healthz', await request(srv.base, { method: 'HEAD', path: '/healthz' })],
    ['GET', '/readyz', await get(srv.base, '/readyz')],
    ['GET', '/report/v2.0/taxonomy', await get(srv.base, '/report/v2.0/taxonomy')],
    ['GET', '/no/such/path', await get(srv.base, '/no/such/path')],
  ];
  return { calls, token, made };
}

test('every_response_carries_nosniff_and_a_unique_request_id', T, async () => {
  const { calls } = await everyKindOfAnswer(uniqueEmail());
  const ids = new Set();
  for (const [method, path, res] of calls) {
    const what = `${method} ${path} → ${res.status}`;
    assert.equal(res.headers['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options`);
    const id = res.headers['x-request-id'];
    assert.ok(typeof id === 'string' && id.length > 0, `${what}: X-Request-Id`);
    assert.ok(!ids.has(id), `${what}: X-Request-Id ${id} is unique`);
    ids.add(id);
  }
  const tooBig = await request(small.base, { method: 'POST', path: ABUSE_PATH, headers: JSON_CT, body: `{"reportNotes":"${'z'.repeat(2000)}"}` });
  assert.equal(tooBig.status, 413);
  assert.equal(tooBig.headers['x-content-type-options'], 'nosniff', '413: X-Content-Type-Options');
  assert.ok(tooBig.headers['x-request-id'], '413: X-Request-Id');
});

test('access_log_has_one_line_per_request_with_method_path_status_and_request_id', T, async () => {
  const { calls } = await everyKindOfAnswer(uniqueEmail());
  const ids = calls.map(([, , res]) => res.headers['x-request-id']);
  await srv.waitForStderr((s) => ids.every((id) => s.includes(id)), 5_000)
    .catch(() => assert.fail(`every request id should appear in the access log; stderr:\n${srv.stderr().slice(-3000)}`));
  const lines = srv.stderr().split('\n');
  for (const [method, path, res] of calls) {
    const id = res.headers['x-request-id'];
    const mine = lines.filter((l) => l.includes(id));
    assert.equal(mine.length, 1, `one access line for request ${id}; got ${JSON.stringify(mine)}`);
    const line = mine[0];
    assert.ok(line.includes(method), `access line names the method ${method}: ${line}`);
    assert.ok(line.includes(path), `access line names the path ${path}: ${line}`);
    assert.ok(new RegExp(`(^|\\D)${res.status}(\\D|$)`).test(line), `access line names the status ${res.status}: ${line}`);
    assert.ok(!line.includes('?'), `access line has no query string: ${line}`);
    const len = res.headers['content-length'];
    if (method !== 'HEAD' && len !== undefined) {
      assert.ok(new RegExp(`(^|\\D)${len}(\\D|$)`).test(line), `access line names the ${len} bytes sent: ${line}`);
    }
  }
});

test('access_log_never_contains_the_reporter_email_or_a_tracking_token', T, async () => {
  const email = uniqueEmail();
  const { calls, token } = await everyKindOfAnswer(email);
  const ids = calls.map(([, , res]) => res.headers['x-request-id']);
  await srv.waitForStderr((s) => ids.every((id) => s.includes(id)), 5_000).catch(() => {});
  const log = srv.stderr() + srv.stdout();
  const local = email.split('@')[0];
  for (const secret of [email, encodeURIComponent(email), local, token, encodeURIComponent(token)]) {
    assert.ok(!log.includes(secret), `the server's output must not contain ${secret}`);
  }
});
