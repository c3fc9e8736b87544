// Rate limiting per client address: a token bucket per address on the
// routes that are not GET/HEAD, answered 429 with Retry-After and the IETF
// RateLimit / RateLimit-Policy fields (draft-ietf-httpapi-ratelimit-headers,
// structured-field form: RateLimit-Policy: "default";q=N;w=60 and
// RateLimit: "default";r=R;t=T); X-Forwarded-For believed only from a
// trusted proxy; loopback clients not limited unless asked.  Requests go
// to 127.0.0.1 from loopback source addresses.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertProblem } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { ABUSE_PATH, postJson, request } from './lib/http.mjs';
import { exchange, simpleRequest } from './lib/raw.mjs';
import { asTest, ipReport } from './lib/reports.mjs';
import { delay } from './lib/server.mjs';

// 60 a minute = one a second, bursts of 3; the proxy at 127.0.0.1 is trusted.
const limited = serverForFile({ args: ['--rate-limit', '60', '--rate-burst', '3', '--rate-limit-loopback', 'on', '--trusted-proxies', '127.0.0.1'] });
const plain = serverForFile();

const POLICY = /^"default";q=(\d+);w=(\d+)$/;
const LIMIT = /^"default";r=(\d+);t=(\d+)$/;
const BODY = JSON.stringify(asTest(ipReport()));

/** POST a test submission over a raw socket from a loopback address, with extra headers. */
async function post(port, from, headers = {}) {
  const r = await exchange(port, simpleRequest('POST', ABUSE_PATH, { headers: { 'Content-Type': 'application/json', ...headers }, body: BODY }),
    { localAddress: from, responses: 1 });
  assert.equal(r.responses.length, 1, `an answer to POST from ${from}`);
  return r.responses[0];
}

function remaining(res) {
  const m = LIMIT.exec(res.headers.ratelimit ?? '');
  assert.ok(m, `RateLimit field in the draft's form; got ${JSON.stringify(res.headers.ratelimit)}`);
  return { r: Number(m[1]), t: Number(m[2]) };
}

test('a client over its burst gets 429 with Retry-After and the RateLimit fields, then recovers', { timeout: 30_000 }, async () => {
  const from = '127.0.0.41';
  const seen = [];
  for (let i = 0; i < 3; i++) {
    const res = await post(limited.port, from);
    assert.equal(res.status, 200, `request ${i + 1} of the burst: ${res.text.slice(0, 200)}`);
    const p = POLICY.exec(res.headers['ratelimit-policy'] ?? '');
    assert.ok(p, `RateLimit-Policy in the draft's form; got ${JSON.stringify(res.headers['ratelimit-policy'])}`);
    assert.deepEqual([Number(p[1]), Number(p[2])], [60, 60], 'q=60 per w=60 seconds');
    seen.push(remaining(res).r);
  }
  assert.deepEqual(seen, [2, 1, 0], 'r counts down the burst');
  const over = await post(limited.port, from);
  assert.equal(over.status, 429, `the fourth at once is refused: ${over.text.slice(0, 200)}`);
  const body = assertProblem({ status: over.status, headers: over.headers, json: JSON.parse(over.text), text: over.text }, 429);
  assert.ok(Array.isArray(body['violated-policies']) && body['violated-policies'].includes('default'), 'violated-policies names the policy');
  const retry = Number(over.headers['retry-after']);
  assert.ok(Number.isInteger(retry) && retry >= 1 && retry <= 2, `Retry-After in seconds (one token a second); got ${over.headers['retry-after']}`);
  const lim = remaining(over);
  assert.equal(lim.r, 0, 'r=0 when refused');
  assert.ok(lim.t <= retry, 'Retry-After is not earlier than the end of the effective window t');
  assert.equal(over.headers['x-content-type-options'], 'nosniff');
  await delay(retry * 1000 + 100);
  const again = await post(limited.port, from);
  assert.equal(again.status, 200, 'served again after Retry-After');
});

test('the limit is per address: another address is not affected', { timeout: 30_000 }, async () => {
  for (let i = 0; i < 4; i++) await post(limited.port, '127.0.0.42');
  assert.equal((await post(limited.port, '127.0.0.42')).status, 429);
  assert.equal((await post(limited.port, '127.0.0.43')).status, 200, 'a second address has its own bucket');
});

test('each route has its own bucket: the portal\'s checks do not use up the submission\'s', { timeout: 30_000 }, async (t) => {
  const from = '127.0.0.47';
  const validate = (await exchange(limited.port, simpleRequest('POST', '/report/abuse/validate', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'reporterName=A' }), { localAddress: from, responses: 1 })).responses[0];
  if (validate.status === 404) { t.skip('no portal in this build'); return; }
  for (let i = 0; i < 3; i++) {
    await exchange(limited.port, simpleRequest('POST', '/report/abuse/validate', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'reporterName=A' }), { localAddress: from, responses: 1 });
  }
  const over = (await exchange(limited.port, simpleRequest('POST', '/report/abuse/validate', { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'reporterName=A' }), { localAddress: from, responses: 1 })).responses[0];
  assert.equal(over.status, 429, 'the checks have their own limit');
  assert.equal((await post(limited.port, from)).status, 200, 'the report itself still goes through');
});

test('reads and health checks are not limited', { timeout: 30_000 }, async () => {
  for (let i = 0; i < 5; i++) await post(limited.port, '127.0.0.44');
  for (let i = 0; i < 20; i++) {
    const r = await exchange(limited.port, simpleRequest('GET', i % 2 ? '/healthz' : '/report/v2.0/taxonomy'), { localAddress: '127.0.0.44', responses: 1 });
    assert.equal(r.responses[0]?.status, 200, 'GET answered while POSTs are refused');
    assert.equal(r.responses[0].headers.ratelimit, undefined, 'no RateLimit field on an unlimited route');
  }
});

test('a refusal comes before the body is read', { timeout: 30_000 }, async () => {
  for (let i = 0; i < 5; i++) await post(limited.port, '127.0.0.45');
  const head = `POST ${ABUSE_PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n`;
  const r = await exchange(limited.port, Buffer.from(head), { localAddress: '127.0.0.45', responses: 1, timeoutMs: 5_000 });
  assert.equal(r.responses[0]?.status, 429, 'answered 429 with no body sent');
});

test('X-Forwarded-For names the client only when the peer is a trusted proxy', { timeout: 30_000 }, async () => {
  // From the trusted proxy (127.0.0.1): each forwarded client has its own bucket.
  for (let i = 0; i < 3; i++) assert.equal((await post(limited.port, '127.0.0.1', { 'X-Forwarded-For': '8.8.4.4' })).status, 200);
  assert.equal((await post(limited.port, '127.0.0.1', { 'X-Forwarded-For': '8.8.4.4' })).status, 429, '8.8.4.4 is over its burst');
  assert.equal((await post(limited.port, '127.0.0.1', { 'X-Forwarded-For': '9.9.9.9, 8.8.8.8' })).status, 200,
    'the rightmost untrusted entry (8.8.8.8) is the client, not the spoofable leftmost');
  assert.equal((await post(limited.port, '127.0.0.1', { 'X-Forwarded-For': '8.8.4.4, 127.0.0.1' })).status, 429,
    'trusted proxies in the chain are skipped');
  // From an untrusted peer, the header is ignored: changing it does not reset the bucket.
  for (let i = 0; i < 3; i++) await post(limited.port, '127.0.0.46', { 'X-Forwarded-For': `1.1.1.${i}` });
  assert.equal((await post(limited.port, '127.0.0.46', { 'X-Forwarded-For': '1.0.0.1' })).status, 429,
    'an untrusted peer cannot pick its own address');
});

test('loopback clients are not limited by default', { timeout: 60_000 }, async () => {
  for (let i = 0; i < 40; i++) {
    const res = await postJson(plain.base, asTest(ipReport()));
    assert.equal(res.status, 200, `request ${i + 1} from 127.0.0.1`);
    assert.equal(res.headers.ratelimit, undefined, 'no RateLimit field for an unlimited client');
  }
  const res = await request(plain.base, { path: '/healthz' });
  assert.equal(res.status, 200);
});
