// Reading the developer documents (GET /report/v2.0/openapi.json and
// GET /report/developer) in tests: the worked examples they show, the
// parts of the page, and what differs between two answers to one request.

import assert from 'node:assert/strict';

import { get } from './http.mjs';

export const OPENAPI_PATH = '/report/v2.0/openapi.json';
export const DEVELOPER_PATH = '/report/developer';
export const ABUSE = '/report/v2.0/abuse';

/** The OpenAPI document of a running server, parsed. */
export async function fetchDocument(base) {
  const res = await get(base, OPENAPI_PATH);
  assert.equal(res.status, 200, `GET ${OPENAPI_PATH}: ${res.status} ${res.text.slice(0, 300)}`);
  assert.notEqual(res.json, undefined, 'the OpenAPI document is JSON');
  return res.json;
}

/** The developer page's HTML. */
export async function fetchPage(base) {
  const res = await get(base, DEVELOPER_PATH);
  assert.equal(res.status, 200, `GET ${DEVELOPER_PATH}: ${res.status}`);
  return res.text;
}

/**
 * The worked examples of the document: [{ id, summary, request, status, response }],
 * in document order.  Each request example of POST /report/v2.0/abuse has the
 * answer under the same key in the 200 or the 400 response.
 */
export function documentedExamples(doc) {
  const post = doc.paths[ABUSE].post;
  const requests = post.requestBody.content['application/json'].examples;
  const answers = {
    200: post.responses['200'].content['application/json'].examples,
    400: post.responses['400'].content['application/problem+json'].examples,
  };
  return Object.entries(requests).map(([id, ex]) => {
    const status = id in answers[200] ? 200 : id in answers[400] ? 400 : undefined;
    assert.ok(status, `request example ${id} has an answer under the same key in 200 or 400`);
    return { id, summary: ex.summary, request: ex.value, status, response: answers[status][id].value };
  });
}

/** Decode the entities html_escape() writes. */
export function htmlDecode(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The text of <pre ...attr...><code>TEXT</code></pre> on the page, decoded; undefined if absent. */
export function preText(html, attrs) {
  const esc = attrs.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const m = html.match(new RegExp(`<pre[^>]*${esc}[^>]*><code>([\\s\\S]*?)</code></pre>`));
  return m ? htmlDecode(m[1]) : undefined;
}

/** The status the page shows for an example's answer. */
export function pageStatus(html, id) {
  const m = html.match(new RegExp(`id="example-${id}"[\\s\\S]*?<code data-status="(\\d+)"`));
  return m ? Number(m[1]) : undefined;
}

/**
 * An answer without the members that differ at every request: instance;
 * for a stored report caseId, message, trackingToken, statusUrl, receivedAt;
 * and report.incidentTime when the report had no date (it is then the time
 * of receipt).
 */
export function stable(body) {
  const b = structuredClone(body);
  delete b.instance;
  if (typeof b.caseId === 'string') {
    for (const k of ['caseId', 'message', 'trackingToken', 'statusUrl', 'receivedAt']) delete b[k];
  }
  if (b.report && b.report.incidentTimeSource === 'received') delete b.report.incidentTime;
  return b;
}

/** Members in order, as JSON.stringify writes them: equal texts mean equal members in the same order. */
export function ordered(value) {
  return JSON.stringify(value, null, 2);
}
