// The malformed-request corpus: every tests/e2e/malformed/NNN-name.json is
// one hostile or broken request, sent as raw bytes over a socket, and what
// must come of it.  After each one the server must still answer a health
// check; at the end its stderr must hold no sanitizer report (the suite
// also runs against the ASan+UBSan binary: see the Makefile).
//
// A case file:
// {
//   "name": "json_truncated_inside_a_string",
//   "why": "what it tries",
//   one of
//   "http": { "method", "path", "headers": {...}, "body": BYTES },  (a request line, Host,
//            the headers, Content-Length unless a length or Transfer-Encoding header is
//            given, Connection: close, then the body)
//   "request": BYTES,                                                (sent exactly as given)
//   "halfClose": true,      (end our side after sending: a truncated request ends there)
//   "expect": {
//     "by": "app",            the server answers: status (a number or a list), a problem+json
//                             body (RFC 9457) whose status matches, valid UTF-8, with
//                             X-Content-Type-Options: nosniff and X-Request-Id;
//                             "errorKeys" / "errorKeysWithin" as in tests/e2e/cases;
//                             "then": "close" if the connection must close after it
//     "by": "pipeline",       "responses": the statuses of the answers in order (each 4xx a
//                             problem+json as above); then "then": "close" if the connection
//                             must close without another
//     "server": "small"       (optional) against a server with max_body_bytes = 4 KiB
//   }
// }
// BYTES is a string (sent as UTF-8) or a list of parts: strings, {"hex": "c3 28"},
// {"repeat": "text", "times": N}, {"utf16le": "text"}.

import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { readdirSync, readFileSync } from 'node:fs';

import { serverForFile } from './lib/fixture.mjs';
import { get } from './lib/http.mjs';
import { exchange, simpleRequest } from './lib/raw.mjs';

const DIR = new URL('./malformed/', import.meta.url);
const files = readdirSync(DIR).filter((f) => /^\d{3}-.*\.json$/.test(f)).sort();
const CASE_TIMEOUT_MS = 10_000;

// A short header deadline: a truncated request that is not half-closed is
// answered 408 within CASE_TIMEOUT_MS.
const srv = serverForFile({ args: ['--header-timeout', '3'] });
const small = serverForFile({ args: ['--header-timeout', '3', '--max-body-bytes', '4096'] });

/** BYTES of a case file as a Buffer. */
export function bytesOf(spec) {
  if (spec === undefined || spec === null) return undefined;
  if (typeof spec === 'string') return Buffer.from(spec, 'utf8');
  return Buffer.concat(spec.map((p) => {
    if (typeof p === 'string') return Buffer.from(p, 'utf8');
    if ('hex' in p) return Buffer.from(p.hex.replace(/\s+/g, ''), 'hex');
    if ('repeat' in p) return Buffer.from(p.repeat.repeat(p.times), 'utf8');
    if ('utf16le' in p) return Buffer.from(p.utf16le, 'utf16le');
    throw new Error(`unknown part ${JSON.stringify(p)}`);
  }));
}

function requestBytes(c) {
  if ('request' in c) return bytesOf(c.request);
  const h = c.http;
  return simpleRequest(h.method ?? 'POST', h.path ?? '/report/v2.0/abuse', { headers: h.headers ?? {}, body: bytesOf(h.body) });
}

function statusOk(got, want) {
  return Array.isArray(want) ? want.includes(got) : got === want;
}

function show(r) {
  const first = r.responses[0];
  const what = first ? `HTTP ${first.status} ${first.headers['content-type'] ?? ''} ${first.text.slice(0, 300)}` : 'no answer';
  return `${what}; ${r.responses.length} answer(s), closed=${r.closed}, timedOut=${r.timedOut}`;
}

function assertProblemAnswer(res, want, c, r) {
  assert.ok(statusOk(res.status, want.status), `${c.name}: status ${JSON.stringify(want.status)} expected; got ${show(r)}`);
  assert.equal(res.headers['content-type']?.split(';')[0].trim(), 'application/problem+json', `${c.name}: problem+json; got ${show(r)}`);
  assert.equal(res.headers['x-content-type-options'], 'nosniff', `${c.name}: nosniff`);
  assert.ok(res.headers['x-request-id'], `${c.name}: X-Request-Id`);
  const text = new TextDecoder('utf-8', { fatal: true }).decode(res.body);
  const body = JSON.parse(text);
  assert.equal(body.status, res.status, `${c.name}: problem.status`);
  assert.ok(typeof body.title === 'string' && body.title.length > 0, `${c.name}: problem.title`);
  if (want.errorKeys) assert.deepEqual(Object.keys(body.errors ?? {}).sort(), [...want.errorKeys].sort(), `${c.name}: error keys; got ${text}`);
  if (want.errorKeysWithin) {
    const keys = Object.keys(body.errors ?? {});
    assert.ok(keys.length > 0 && keys.every((k) => want.errorKeysWithin.includes(k)), `${c.name}: error keys within ${want.errorKeysWithin}; got ${text}`);
  }
}

/** How many answers to wait for: Infinity means "until the server closes". */
function answersToWait(want) {
  if (want.by === 'app') return want.then === 'close' ? Infinity : 1;
  if (want.by === 'pipeline' && want.then !== 'close') return want.responses.length;
  return Infinity;
}

async function check(c, port) {
  const want = c.expect;
  const r = await exchange(port, requestBytes(c), { halfClose: !!c.halfClose, timeoutMs: CASE_TIMEOUT_MS, responses: answersToWait(want) });
  assert.ok(!r.timedOut, `${c.name}: the server neither answered nor closed within ${CASE_TIMEOUT_MS} ms; ${show(r)}`);
  switch (want.by) {
    case 'app':
      assert.equal(r.responses.length, 1, `${c.name}: one answer expected; got ${show(r)}`);
      assertProblemAnswer(r.responses[0], want, c, r);
      if (want.then === 'close') assert.ok(r.closed, `${c.name}: the connection is closed after the answer`);
      break;
    case 'pipeline': {
      assert.deepEqual(r.responses.map((x) => x.status), want.responses, `${c.name}: statuses in order; got ${show(r)}`);
      if (want.then === 'close') assert.ok(r.closed, `${c.name}: closed after the answers`);
      r.responses.forEach((res) => {
        if (res.status >= 400) assertProblemAnswer(res, { status: res.status }, c, r);
      });
      break;
    }
    default:
      assert.fail(`${c.name}: unknown expect.by ${want.by}`);
  }
}

test('the malformed corpus has at least 100 cases with unique names', () => {
  assert.ok(files.length >= 100, `${files.length} cases`);
  const names = files.map((f) => JSON.parse(readFileSync(new URL(f, DIR), 'utf8')).name);
  assert.equal(new Set(names).size, names.length, 'names are unique');
});

for (const f of files) {
  const c = JSON.parse(readFileSync(new URL(f, DIR), 'utf8'));
  test(`${f.slice(0, 3)} ${c.name}: ${c.expect.by === 'app' ? c.expect.status : c.expect.by}, then the server still serves`, { timeout: 30_000 }, async () => {
    const s = c.expect.server === 'small' ? small : srv;
    await check(c, s.port);
    const health = await get(s.base, '/healthz');
    assert.equal(health.status, 200, `after ${c.name}: /healthz answers 200; got ${health.status}`);
  });
}

// serverForFile's hooks stop the servers first: their stderr is complete here.
after(() => {
  for (const [what, s] of [['server', srv], ['small server', small]]) {
    const err = s.stderr?.() ?? '';
    assert.doesNotMatch(err, /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:/, `${what}: sanitizer report in stderr:\n${err.slice(-4000)}`);
  }
});
