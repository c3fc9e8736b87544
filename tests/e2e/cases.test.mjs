// Data-driven cases: each tests/e2e/cases/*.json is one request and what
// must come back.  A regression is a new data file, not new code.
//
// A case file:
// {
//   "name": "post_with_unknown_field_yields_400",       (the test's name)
//   "request": {
//     "method": "POST",                                  (default POST)
//     "path": "/report/v2.0/abuse",                      (default; sent as written)
//     "headers": { "Content-Type": "application/json" }, (default: this header for "body",
//                                                          the form type for "form", none otherwise)
//     one of:
//     "body": { ... },                                   (sent as JSON)
//     "form": { "name": "value" | ["v1", "v2"] },        (sent form-encoded, in order)
//     "rawBody": "text",                                 (sent as UTF-8, as is)
//     "rawBodyBase64": "..."                             (sent as these bytes)
//   },
//   "expect": {
//     "status": 400,
//     "errorKeys": ["tlp"],             (400: exactly these error keys)
//     "errorKeysWithin": ["a", "b"],    (400: a non-empty subset of these)
//     "errorMessagesInclude": { "sourceIp": ["private", "RFC 1918"] }, (case-insensitive)
//     "bodyIncludes": { "allowed": { "attackMethod": ["…"] } },       (deep partial match)
//     "absent": ["report.reporterOrg"],                                (dotted paths that must not exist)
//     "testSubmission": true            (200: answered as a test submission; else as a stored report)
//   }
// }
// Every 4xx is checked to be application/problem+json with its status.

import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';

import { assertAccepted, assertErrorMentions, assertIncludes, assertProblem, assertTestAccepted, has } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { ABUSE_PATH, describe, formEncode, request } from './lib/http.mjs';

const CASES_DIR = new URL('./cases/', import.meta.url);
const files = readdirSync(CASES_DIR).filter((f) => f.endsWith('.json')).sort();

const srv = serverForFile();

function load(file) {
  const c = JSON.parse(readFileSync(new URL(file, CASES_DIR), 'utf8'));
  assert.equal(typeof c.name, 'string', `${file}: "name"`);
  assert.equal(typeof c.request, 'object', `${file}: "request"`);
  assert.equal(typeof c.expect?.status, 'number', `${file}: "expect.status"`);
  const bodies = ['body', 'form', 'rawBody', 'rawBodyBase64'].filter((k) => k in c.request);
  assert.ok(bodies.length <= 1, `${file}: at most one of body, form, rawBody, rawBodyBase64`);
  return c;
}

function toRequest(r) {
  let body;
  let headers = r.headers;
  if ('body' in r) {
    body = JSON.stringify(r.body);
    headers ??= { 'Content-Type': 'application/json' };
  } else if ('form' in r) {
    body = formEncode(r.form);
    headers ??= { 'Content-Type': 'application/x-www-form-urlencoded' };
  } else if ('rawBody' in r) {
    body = r.rawBody;
  } else if ('rawBodyBase64' in r) {
    body = Buffer.from(r.rawBodyBase64, 'base64');
  }
  return { method: r.method ?? 'POST', path: r.path ?? ABUSE_PATH, headers: headers ?? {}, body };
}

function check(res, e) {
  let body;
  if (e.status >= 400) {
    body = assertProblem(res, e.status, {
      keys: e.errorKeys,
      keysWithin: e.errorKeysWithin,
    });
  } else if (e.status === 200 && e.testSubmission) {
    body = assertTestAccepted(res);
  } else if (e.status === 200) {
    body = assertAccepted(res);
  } else {
    assert.equal(res.status, e.status, describe(res));
    body = res.json;
  }
  for (const [key, parts] of Object.entries(e.errorMessagesInclude ?? {})) assertErrorMentions(body, key, ...parts);
  if (e.bodyIncludes) assertIncludes(body, e.bodyIncludes);
  for (const p of e.absent ?? []) assert.ok(!has(body, p), `${p} should be absent; got ${describe(res)}`);
}

assert.ok(files.length > 0, 'no cases found');
for (const file of files) {
  const c = load(file);
  test(c.name, { timeout: 30_000 }, async () => {
    const res = await request(srv.base, toRequest(c.request));
    check(res, c.expect);
  });
}
