// Assertions on the shapes of the API's answers (see taxonomy.md §3 and the
// e2e contract): accepted reports, accepted test submissions, and problem+json
// errors.  Each returns the parsed body so a test can check more.

import assert from 'node:assert/strict';

import { ABUSE_PATH, describe, mediaType } from './http.mjs';

export const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
export const RFC3339_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|\+00:00)$/;

/** The body must be JSON of the given media type. */
export function assertJson(res, type = 'application/json') {
  assert.equal(mediaType(res.headers['content-type']), type, `Content-Type should be ${type}; got ${describe(res)}`);
  assert.notEqual(res.json, undefined, `body should be JSON; got ${describe(res)}`);
  return res.json;
}

/** An RFC 3339 UTC instant; returns its time in ms. */
export function assertInstant(value, what) {
  assert.equal(typeof value, 'string', `${what} should be a string, got ${JSON.stringify(value)}`);
  assert.match(value, RFC3339_UTC, `${what} should be an RFC 3339 UTC instant, got ${value}`);
  const t = Date.parse(value);
  assert.ok(Number.isFinite(t), `${what} should parse as a time, got ${value}`);
  return t;
}

/** The parts common to accepted reports and test submissions. */
function assertReportMember(body, res) {
  assert.equal(typeof body.report, 'object', `answer should carry the normalized report; got ${describe(res)}`);
  assert.ok(body.report !== null && !Array.isArray(body.report), 'report should be an object');
  const r = body.report;
  assert.equal(r.source, 'ReportApi', 'report.source is set by the server to "ReportApi"');
  assertInstant(r.incidentTime, 'report.incidentTime');
  assert.ok(['reported', 'received'].includes(r.incidentTimeSource),
    `report.incidentTimeSource should be "reported" or "received", got ${JSON.stringify(r.incidentTimeSource)}`);
  assert.ok(!('reporterPhone' in r), 'the alias reporterPhone is normalized to phoneNumber');
  return r;
}

/**
 * A stored report: 200 application/json {code:"OK", message:caseId, caseId (UUIDv7),
 * trackingToken, statusUrl, receivedAt, duplicatesMerged, report}.
 */
export function assertAccepted(res) {
  assert.equal(res.status, 200, `expected 200 for a valid report; got ${describe(res)}`);
  const body = assertJson(res);
  assert.equal(body.code, 'OK', 'code');
  assert.equal(typeof body.caseId, 'string', `caseId should be a string; got ${describe(res)}`);
  assert.match(body.caseId, UUID_V7, 'caseId should be a lowercase UUIDv7');
  assert.equal(body.message, body.caseId, 'message is the case id');
  assert.equal(typeof body.trackingToken, 'string', 'trackingToken should be a string');
  assert.ok(body.trackingToken.length >= 16, 'trackingToken should carry at least 128 bits');
  assert.equal(body.statusUrl, `${ABUSE_PATH}/${body.caseId}`, 'statusUrl');
  const received = assertInstant(body.receivedAt, 'receivedAt');
  assert.ok(Math.abs(received - Date.now()) < 5 * 60_000, `receivedAt ${body.receivedAt} should be now`);
  // A v7 UUID starts with its 48-bit Unix time in ms.
  const idMs = parseInt(body.caseId.replace(/-/g, '').slice(0, 12), 16);
  assert.ok(Math.abs(idMs - Date.now()) < 5 * 60_000, `caseId's timestamp ${new Date(idMs).toISOString()} should be now`);
  assert.ok(Number.isInteger(body.duplicatesMerged) && body.duplicatesMerged >= 0,
    `duplicatesMerged should be a non-negative integer, got ${JSON.stringify(body.duplicatesMerged)}`);
  assert.notEqual(body.testSubmission, true, 'a real report is not marked as a test');
  assertReportMember(body, res);
  return body;
}

/** A test submission: 200 {code:"OK", message:"Test Successful…", testSubmission:true, report}, no case. */
export function assertTestAccepted(res) {
  assert.equal(res.status, 200, `expected 200 for a valid test submission; got ${describe(res)}`);
  const body = assertJson(res);
  assert.equal(body.code, 'OK', 'code');
  assert.equal(typeof body.message, 'string', 'message');
  assert.ok(body.message.startsWith('Test Successful'), `message should start with "Test Successful", got ${JSON.stringify(body.message)}`);
  assert.equal(body.testSubmission, true, 'testSubmission: true');
  for (const k of ['caseId', 'trackingToken', 'statusUrl']) {
    assert.ok(!(k in body), `a test submission stores nothing, so it has no ${k}; got ${describe(res)}`);
  }
  assertReportMember(body, res);
  return body;
}

/**
 * A problem+json answer (RFC 9457) with the given status.
 *   keys:        the exact set of error keys (400)
 *   keysInclude: keys that must be among them
 *   keysWithin:  the error keys must be a non-empty subset of these
 */
export function assertProblem(res, status, { keys, keysInclude, keysWithin } = {}) {
  assert.equal(res.status, status, `expected ${status}; got ${describe(res)}`);
  const body = assertJson(res, 'application/problem+json');
  assert.equal(body.status, status, 'problem.status');
  assert.equal(typeof body.type, 'string', 'problem.type');
  assert.ok(typeof body.title === 'string' && body.title.length > 0, 'problem.title');
  assert.ok(typeof body.message === 'string' && body.message.length > 0, `problem.message should be a non-empty string; got ${describe(res)}`);
  assert.ok(!/[\r\n]/.test(body.message), `problem.message is one line, got ${JSON.stringify(body.message)}`);
  if (status === 400) {
    assert.equal(typeof body.errors, 'object', `a 400 carries errors; got ${describe(res)}`);
    assert.ok(body.errors !== null && !Array.isArray(body.errors), 'errors is an object keyed by field path');
    const got = Object.keys(body.errors);
    assert.ok(got.length > 0, 'errors is not empty');
    for (const k of got) {
      const v = body.errors[k];
      assert.ok(Array.isArray(v) && v.length > 0, `errors[${k}] should be a non-empty array`);
      for (const m of v) assert.ok(typeof m === 'string' && m.length > 0, `errors[${k}] holds plain-language strings`);
    }
    if (body.allowed !== undefined) {
      assert.equal(typeof body.allowed, 'object', 'allowed is an object');
      for (const [k, v] of Object.entries(body.allowed)) {
        assert.ok(Array.isArray(v), `allowed[${k}] is an array`);
      }
    }
    if (keys) assert.deepEqual([...got].sort(), [...keys].sort(), `error keys; got ${describe(res)}`);
    if (keysInclude) {
      for (const k of keysInclude) assert.ok(got.includes(k), `errors should include ${k}; got ${describe(res)}`);
    }
    if (keysWithin) {
      for (const k of got) assert.ok(keysWithin.includes(k), `unexpected error key ${k} (expected among ${keysWithin.join(', ')}); got ${describe(res)}`);
    }
  }
  return body;
}

/** All messages under one error key, joined by " | ". */
export function errorText(body, key) {
  const v = body?.errors?.[key];
  assert.ok(Array.isArray(v), `errors should have ${key}; got ${JSON.stringify(body)}`);
  return v.join(' | ');
}

/** Every substring must occur (case-insensitively) in the messages under key. */
export function assertErrorMentions(body, key, ...parts) {
  const t = errorText(body, key).toLowerCase();
  for (const p of parts) {
    assert.ok(t.includes(p.toLowerCase()), `errors.${key} should mention "${p}"; got ${JSON.stringify(body.errors[key])}`);
  }
}

/** The values of an Allow header as a sorted list. */
export function allowSet(res) {
  const a = res.headers.allow;
  assert.ok(typeof a === 'string' && a.length > 0, `expected an Allow header; got headers ${JSON.stringify(res.headers)}`);
  return a.split(',').map((s) => s.trim().toUpperCase()).filter(Boolean).sort();
}

/** Recursively: every member of expected is in actual (arrays and scalars compared whole). */
export function assertIncludes(actual, expected, path = 'body') {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object' && !Array.isArray(actual),
      `${path} should be an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) assertIncludes(actual[k], v, `${path}.${k}`);
  } else {
    assert.deepEqual(actual, expected, `${path}`);
  }
}

/** The value at a dotted path ("report.ipAddressList.0.sourceIp"), or undefined. */
export function at(obj, dotted) {
  let o = obj;
  for (const p of dotted.split('.')) {
    if (o === null || typeof o !== 'object' || !(p in o)) return undefined;
    o = o[p];
  }
  return o;
}

/** True if the dotted path exists. */
export function has(obj, dotted) {
  const parts = dotted.split('.');
  const last = parts.pop();
  const parent = parts.length ? at(obj, parts.join('.')) : obj;
  return parent !== null && typeof parent === 'object' && last in parent;
}
