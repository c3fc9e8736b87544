// Bodies and the HTTP edge: strict JSON (duplicate keys, UTF-8, nesting),
// the byte-order mark, the body limit (413), media types (415), unknown
// paths (404) and wrong methods (405 with Allow).  Every error is problem+json.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { allowSet, assertAccepted, assertProblem, assertTestAccepted } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { ABUSE_PATH, formEncode, postJson, request } from './lib/http.mjs';
import { asTest, ipReport } from './lib/reports.mjs';

const srv = serverForFile();
const small = serverForFile({ args: ['--max-body-bytes', '4096'] });
const T = { timeout: 30_000 };

const JSON_CT = { 'Content-Type': 'application/json' };
const post = (server, body, headers = JSON_CT) => request(server.base, { method: 'POST', path: ABUSE_PATH, headers, body });

/** A valid test report's JSON text, with the keys in order and without the braces. */
function innerJson(report = asTest(ipReport())) {
  return JSON.stringify(report).slice(1, -1);
}

/** A valid test report of exactly n bytes (padding reportNotes). */
function reportOfBytes(n) {
  const base = asTest(ipReport({ reportNotes: '' }));
  const len = Buffer.byteLength(JSON.stringify(base));
  assert.ok(n >= len, `cannot make a report of ${n} bytes`);
  const text = JSON.stringify({ ...base, reportNotes: 'x'.repeat(n - len) });
  assert.equal(Buffer.byteLength(text), n);
  return text;
}

// --- strict JSON ---------------------------------------------------------------

test('json_with_duplicate_key_yields_400_keyed_by_the_property', T, async () => {
  const res = await post(srv, `{"reporterName":"Ada","reporterName":"Eve",${innerJson()}}`.replace(/"reporterName":"Ada Reporter",/, ''));
  assertProblem(res, 400, { keys: ['reporterName'] });
});

test('json_with_duplicate_key_after_unescaping_yields_400', T, async () => {
  const inner = innerJson(asTest(ipReport({ sourceIp: undefined })));
  const res = await post(srv, `{"sourceIp":"8.8.8.8","source\\u0049p":"1.1.1.1",${inner}}`);
  assertProblem(res, 400, { keys: ['sourceIp'] });
});

test('json_with_duplicate_key_in_list_item_yields_400_keyed_by_its_path', T, async () => {
  const res = await post(srv, `{${innerJson()},"ipAddressList":[{"sourceIp":"1.1.1.1"},{"sourceIp":"1.0.0.1","sourceIp":"8.8.4.4"}]}`);
  assertProblem(res, 400, { keys: ['ipAddressList[1].sourceIp'] });
});

test('json_with_invalid_utf8_yields_400_keyed_body', T, async () => {
  for (const bad of [[0xc3, 0x28], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xff], [0xe2, 0x82]]) {
    const text = `{${innerJson()},"reporterOrg":"X"}`;
    const at = text.indexOf('"X"') + 1;
    const body = Buffer.concat([Buffer.from(text.slice(0, at)), Buffer.from(bad), Buffer.from(text.slice(at + 1))]);
    assertProblem(await post(srv, body), 400, { keys: ['body'] });
  }
});

test('json_with_lone_surrogate_escape_yields_400', T, async () => {
  const res = await post(srv, `{${innerJson(asTest(ipReport({ reporterName: undefined })))},"reporterName":"Ada \\ud800"}`);
  assertProblem(res, 400, { keysWithin: ['body', 'reporterName'] });
});

test('json_with_raw_control_character_in_string_yields_400_keyed_body', T, async () => {
  const res = await post(srv, `{${innerJson(asTest(ipReport({ reportNotes: undefined })))},"reportNotes":"a\u0001b"}`);
  assertProblem(res, 400, { keysWithin: ['body', 'reportNotes'] });
});

test('json_nested_too_deep_yields_400', T, async () => {
  const res = await post(srv, `{${innerJson()},"reporterNotes":${'['.repeat(200)}${']'.repeat(200)}}`);
  assertProblem(res, 400);
});

test('json_object_with_too_many_properties_yields_400', T, async () => {
  const extra = Array.from({ length: 1000 }, (_, i) => `"p${i}":1`).join(',');
  assertProblem(await post(srv, `{${innerJson()},${extra}}`), 400);
});

test('body_starting_with_brace_but_not_json_yields_400_keyed_body', T, async () => {
  for (const headers of [JSON_CT, {}, { 'Content-Type': 'text/plain' }, { 'Content-Type': 'application/x-www-form-urlencoded' }]) {
    assertProblem(await post(srv, '{"reporterName": "Ada", oops', headers), 400, { keys: ['body'] });
  }
});

test('json_with_trailing_garbage_yields_400_keyed_body', T, async () => {
  assertProblem(await post(srv, `${JSON.stringify(asTest(ipReport()))} {}`), 400, { keys: ['body'] });
});

test('json_body_that_is_not_an_object_yields_400_keyed_body', T, async () => {
  for (const body of ['[]', '"report"', '42', 'null']) {
    assertProblem(await post(srv, body), 400, { keys: ['body'] });
  }
});

test('empty_json_body_yields_400', T, async () => {
  assertProblem(await post(srv, ''), 400, { keysWithin: ['body'] });
});

test('json_with_utf8_byte_order_mark_is_accepted', T, async () => {
  const bom = Buffer.from([0xef, 0xbb, 0xbf]);
  const json = Buffer.from(JSON.stringify(asTest(ipReport())));
  assertTestAccepted(await post(srv, Buffer.concat([bom, json])));
  assertTestAccepted(await post(srv, Buffer.concat([bom, Buffer.from(' \r\n\t'), json]), {}));
});

test('json_with_leading_whitespace_and_no_content_type_is_json', T, async () => {
  assertTestAccepted(await post(srv, `\n\n   ${JSON.stringify(asTest(ipReport()))}\n`, {}));
});

// --- body limit -------------------------------------------------------------------

test('body_over_max_body_bytes_yields_413', T, async () => {
  const res = await post(small, reportOfBytes(5000));
  assertProblem(res, 413);
});

test('body_at_max_body_bytes_is_accepted', T, async () => {
  assertTestAccepted(await post(small, reportOfBytes(4096)));
});

test('body_one_byte_over_max_body_bytes_yields_413', T, async () => {
  assertProblem(await post(small, reportOfBytes(4097)), 413);
});

test('chunked_body_over_max_body_bytes_yields_413', T, async () => {
  const text = reportOfBytes(9000);
  const chunks = [];
  for (let i = 0; i < text.length; i += 1000) chunks.push(Buffer.from(text.slice(i, i + 1000)));
  const res = await request(small.base, { method: 'POST', path: ABUSE_PATH, headers: JSON_CT, chunks });
  assertProblem(res, 413);
});

test('form_body_over_max_body_bytes_yields_413', T, async () => {
  const body = formEncode({ ...asTest(ipReport()), reportNotes: 'y'.repeat(5000) });
  assertProblem(await post(small, body, { 'Content-Type': 'application/x-www-form-urlencoded' }), 413);
});

test('body_over_default_16_mib_limit_yields_413', { timeout: 60_000 }, async () => {
  const body = Buffer.alloc(16 * 1024 * 1024 + 1, 0x20);
  body[0] = 0x7b; // '{'
  const res = await request(srv.base, { method: 'POST', path: ABUSE_PATH, headers: JSON_CT, body, expectContinue: true });
  assertProblem(res, 413);
});

test('server_still_answers_after_413', T, async () => {
  await post(small, reportOfBytes(8000));
  assertTestAccepted(await post(small, reportOfBytes(1000)));
});

// --- media types -------------------------------------------------------------------

test('no_content_type_and_body_not_json_yields_415_naming_accepted_types', T, async () => {
  const res = await post(srv, 'hello, this is not json', {});
  const body = assertProblem(res, 415);
  const all = JSON.stringify(body);
  assert.ok(all.includes('application/json') && all.includes('application/x-www-form-urlencoded'),
    `a 415 names the accepted types; got ${all}`);
});

test('no_content_type_and_form_looking_body_yields_415', T, async () => {
  assertProblem(await post(srv, formEncode(asTest(ipReport())), {}), 415);
});

test('text_plain_body_not_json_yields_415', T, async () => {
  assertProblem(await post(srv, 'hello', { 'Content-Type': 'text/plain' }), 415);
  assertProblem(await post(srv, 'hello', { 'Content-Type': 'text/plain;charset=UTF-8' }), 415);
});

test('xml_body_yields_415', T, async () => {
  assertProblem(await post(srv, '<report><reporterName>Ada</reporterName></report>', { 'Content-Type': 'application/xml' }), 415);
});

test('form_body_with_repeated_field_yields_400_keyed_by_name', T, async () => {
  const body = `${formEncode(asTest(ipReport()))}&${formEncode({ reporterName: 'Eve' })}`;
  assertProblem(await post(srv, body, { 'Content-Type': 'application/x-www-form-urlencoded' }), 400, { keys: ['reporterName'] });
});

test('form_body_with_invalid_list_item_yields_400_keyed_by_list_path', T, async () => {
  const body = formEncode({ ...asTest(ipReport()), 'ipAddressList[0].sourceIp': '1.1.1.1', 'ipAddressList[1].sourceIp': '10.9.8.7' });
  assertProblem(await post(srv, body, { 'Content-Type': 'application/x-www-form-urlencoded' }), 400, { keys: ['ipAddressList[1].sourceIp'] });
});

test('form_body_with_unknown_field_yields_400_keyed_by_name', T, async () => {
  const body = formEncode({ ...asTest(ipReport()), tlp: 'GREEN' });
  assertProblem(await post(srv, body, { 'Content-Type': 'application/x-www-form-urlencoded' }), 400, { keys: ['tlp'] });
});

// --- paths and methods ----------------------------------------------------------

test('unknown_path_yields_404_problem_json', T, async () => {
  for (const [method, path] of [['GET', '/nope'], ['GET', '/report/v2.0/'], ['POST', '/report/v2.0/abuses'], ['POST', '/report/v1.0/abuse'], ['GET', '/report/v2.0/taxonomy/extra']]) {
    const res = await request(srv.base, { method, path, headers: method === 'POST' ? JSON_CT : {}, body: method === 'POST' ? '{}' : undefined });
    assertProblem(res, 404);
  }
});

test('get_on_abuse_endpoint_yields_405_allow_post', T, async () => {
  const res = await request(srv.base, { method: 'GET', path: ABUSE_PATH });
  assertProblem(res, 405);
  assert.deepEqual(allowSet(res), ['POST']);
});

test('put_on_healthz_yields_405_allow_get_head', T, async () => {
  const res = await request(srv.base, { method: 'PUT', path: '/healthz', headers: JSON_CT, body: '{}' });
  assertProblem(res, 405);
  assert.deepEqual(allowSet(res), ['GET', 'HEAD']);
});

test('post_on_taxonomy_yields_405_allowing_get', T, async () => {
  const res = await request(srv.base, { method: 'POST', path: '/report/v2.0/taxonomy', headers: JSON_CT, body: '{}' });
  assertProblem(res, 405);
  assert.ok(allowSet(res).includes('GET'));
});

test('delete_on_abuse_endpoint_yields_405_allow_post', T, async () => {
  const res = await request(srv.base, { method: 'DELETE', path: ABUSE_PATH });
  assertProblem(res, 405);
  assert.deepEqual(allowSet(res), ['POST']);
});

test('head_on_healthz_yields_200_without_body', T, async () => {
  const res = await request(srv.base, { method: 'HEAD', path: '/healthz' });
  assert.equal(res.status, 200);
  assert.equal(res.raw.length, 0);
});

test('valid_report_after_many_bad_bodies_is_still_accepted', T, async () => {
  assertAccepted(await postJson(srv.base, ipReport()));
});
