// GET /report/developer and the worked examples it shares with the OpenAPI
// document.
//
// - The examples are real: each documented request is sent to the running
//   server, which must answer with the status and the body the page and the
//   document show (but for the members that differ at every request).
// - The page's own clients (curl, Python) run against the server as a
//   developer would paste them.
// - Generated from data: with a taxonomy file that adds incident types and
//   attack methods, the validator, the page and the document all change,
//   with no code change.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';

import {
  DEVELOPER_PATH, documentedExamples, fetchDocument, fetchPage, htmlDecode, ordered, pageStatus, preText, stable,
} from './lib/apidoc.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { get, postJson } from './lib/http.mjs';
import { REPO_ROOT } from './lib/server.mjs';

const FIXTURE = join(REPO_ROOT, 'tests/e2e/fixtures/taxonomy-extended.json');
const srv = serverForFile();
const extended = serverForFile({ args: ['--taxonomy-file', FIXTURE] });
const T = { timeout: 60_000 };

const cryptojacking = {
  reporterName: 'Jane Doe',
  reporterEmail: 'jane.doe@example.com',
  threatType: 'IP Address',
  incidentType: 'Cryptojacking',
  attackMethod: 'Mining Pool Connection',
  sourceIp: '8.8.8.8',
  date: '2021-02-01',
  testSubmission: true,
};

function have(cmd) {
  return spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0;
}

test('developer_page_is_html_with_the_portal_navigation_and_no_inline_script', T, async () => {
  const res = await get(srv.base, DEVELOPER_PATH);
  assert.equal(res.status, 200);
  assert.match(res.headers['content-type'], /^text\/html; charset=utf-8/);
  assert.match(res.headers['content-security-policy'], /script-src 'self'/);
  assert.doesNotMatch(res.headers['content-security-policy'], /unsafe-inline|unsafe-eval/);
  assert.match(res.text, /<a href="\/report\/abuse">Report Abuse<\/a>/);
  assert.match(res.text, /<a href="\/report\/developer" aria-current="page">Abuse API<\/a>/);
  assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)[^>]*>/, 'every script is an external file');
  for (const id of ['quick-start', 'responses', 'validation-errors', 'schema', 'incident-types', 'examples',
    'reference', 'versioning']) {
    assert.match(res.text, new RegExp(`id="${id}"`), `section #${id}`);
  }
  for (const name of ['swagger-ui-bundle.js', 'developer.js', 'swagger-ui.css', 'developer.css']) {
    const file = await get(srv.base, `/static/${name}`);
    assert.equal(file.status, 200, `/static/${name}`);
    assert.ok(file.raw.length > 500, `/static/${name} has content`);
  }
});

test('the_page_schema_table_has_a_row_per_property_of_the_document', T, async () => {
  const [doc, html] = [await fetchDocument(srv.base), await fetchPage(srv.base)];
  const table = html.match(/<table id="schema-report"[\s\S]*?<\/table>/)[0];
  const rows = [...table.matchAll(/<tr data-property="([^"]+)">[\s\S]*?<\/tr>/g)];
  assert.deepEqual(rows.map((r) => r[1]), Object.keys(doc.components.schemas.AbuseReport.properties));
  const email = rows.find((r) => r[1] === 'reporterEmail')[0];
  assert.match(email, /<td>required<\/td>/);
  assert.match(email, /at most 254 characters/);
  assert.match(htmlDecode(html), /A report whose threat type is identified by an IP address/);
});

test('every_documented_example_is_answered_by_the_server_exactly_as_shown', T, async () => {
  const [doc, html] = [await fetchDocument(srv.base), await fetchPage(srv.base)];
  const examples = documentedExamples(doc);
  const ids = examples.map((e) => e.id);
  for (const id of ['phishing-email-test', 'phishing-website-under-ip-address', 'account-compromise-bad-date',
    'phishing-url-test', 'many-ips-test']) {
    assert.ok(ids.includes(id), `example ${id}`);
  }
  for (const ex of examples) {
    // The page shows what the document shows...
    assert.equal(preText(html, `data-example="${ex.id}" data-part="request"`), ordered(ex.request), `page request of ${ex.id}`);
    assert.equal(preText(html, `data-example="${ex.id}" data-part="response"`), ordered(ex.response), `page answer of ${ex.id}`);
    assert.equal(pageStatus(html, ex.id), ex.status, `page status of ${ex.id}`);
    // ...and the server answers that.
    const res = await postJson(srv.base, ex.request);
    assert.equal(res.status, ex.status, `status of ${ex.id}: ${res.text.slice(0, 500)}`);
    assert.match(res.headers['content-type'], ex.status === 200 ? /^application\/json/ : /^application\/problem\+json/);
    assert.equal(ordered(stable(res.json)), ordered(stable(ex.response)), `answer to ${ex.id}`);
  }
  // The announcement's three, as it tells them.
  const by = Object.fromEntries(examples.map((e) => [e.id, e]));
  assert.match(by['phishing-email-test'].response.message, /^Test Successful/);
  assert.deepEqual(by['phishing-website-under-ip-address'].response.allowed, { attackMethod: ['Phishing Email', 'Tech Support Scam'] });
  assert.deepEqual(Object.keys(by['account-compromise-bad-date'].response.errors), ['date']);
  assert.match(by['account-compromise-bad-date'].response.errors.date[0], /yyyy-MM-dd/);
  assert.ok(by['many-ips-test'].response.report.ipAddressList.length >= 4);
  // The status answer the page shows is the document's (which openapi.test.mjs checks against the server).
  const status = doc.paths['/report/v2.0/abuse/{caseId}'].get.responses['200'].content['application/json'].example;
  assert.equal(preText(html, 'id="status-answer"'), ordered(status));
});

test('the_page_curl_client_runs_against_this_server', { ...T, skip: !have('curl') && 'no curl' }, async () => {
  const html = await fetchPage(srv.base);
  const script = preText(html, 'id="client-curl"');
  assert.ok(script.includes(`${srv.base}/report/v2.0/abuse`), 'the client calls the address the page was read from');
  const run = spawnSync('sh', ['-c', script], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /"message":"Test Successful/);
  assert.match(run.stdout, /\nHTTP 200\n$/);
});

test('the_page_python_client_runs_against_this_server', { ...T, skip: !have('python3') && 'no python3' }, async () => {
  const html = await fetchPage(srv.base);
  const script = preText(html, 'id="client-python"');
  const ok = spawnSync('python3', ['-'], { input: script, encoding: 'utf8', timeout: 30_000 });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /^200 Test Successful/);
  // The same client with the announcement's example 2 prints the problem and the valid values.
  const wrong = script.replace('"Phishing Email"', '"Phishing Website"');
  const bad = spawnSync('python3', ['-'], { input: wrong, encoding: 'utf8', timeout: 30_000 });
  assert.equal(bad.status, 0, bad.stderr);
  assert.match(bad.stdout, /^400 The report has 1 problem/);
  assert.match(bad.stdout, /valid values: Phishing Email, Tech Support Scam/);
});

test('incident_type_added_to_the_taxonomy_file_is_accepted_documented_and_listed', T, async () => {
  // The built-in taxonomy has no Cryptojacking...
  const before = await postJson(srv.base, cryptojacking);
  assert.equal(before.status, 400);
  assert.ok(before.json.errors.incidentType, 'refused by the default taxonomy');
  // ...the extended file has, and the validator follows.
  const res = await postJson(extended.base, cryptojacking);
  assert.equal(res.status, 200, res.text);
  assert.equal(res.json.report.incidentType, 'Cryptojacking');
  const spam = await postJson(extended.base, { ...cryptojacking, incidentType: 'Spam', attackMethod: 'snowshoe spam' });
  assert.equal(spam.status, 200, `an attack method added to an existing incident type: ${spam.text}`);
  assert.equal(spam.json.report.attackMethod, 'Snowshoe Spam');
  const deepfake = await postJson(extended.base, { ...cryptojacking, threatType: 'URL', incidentType: 'Deepfake',
    attackMethod: undefined, sourceUrl: 'https://fake.example/video' });
  assert.equal(deepfake.status, 400, 'a portal-only incident type is refused by the API');
  // The document.
  const doc = await fetchDocument(extended.base);
  const p = doc.components.schemas.AbuseReport.properties;
  assert.ok(p.incidentType.enum.includes('Cryptojacking'));
  assert.ok(!p.incidentType.enum.includes('Deepfake'), 'portal-only values are not API values');
  assert.ok(p.attackMethod.enum.includes('Mining Pool Connection'));
  assert.ok(p.attackMethod.enum.includes('Snowshoe Spam'));
  const ipRule = doc.components.schemas.AbuseReport.allOf.find((r) => r.if.properties.threatType.const === 'IP Address');
  const cj = ipRule.then.allOf.find((r) => r.if.properties.incidentType.const === 'Cryptojacking');
  assert.deepEqual(cj.then.properties.attackMethod.enum, ['Mining Pool Connection', 'Browser Mining']);
  const plain = await fetchDocument(srv.base);
  assert.ok(!plain.components.schemas.AbuseReport.properties.incidentType.enum.includes('Cryptojacking'));
  // The page.
  const html = await fetchPage(extended.base);
  const row = html.match(/<tr data-incident="Cryptojacking"[\s\S]*?<\/tr>/);
  assert.ok(row, 'the incident-types table lists Cryptojacking');
  assert.match(row[0], /data-portal-only="false"/);
  assert.match(row[0], /<li data-attack="Mining Pool Connection">/);
  assert.match(row[0], /<li data-attack="Browser Mining">/);
  const df = html.match(/<tr data-incident="Deepfake"[\s\S]*?<\/tr>/);
  assert.ok(df, 'portal-only incident types are listed too');
  assert.match(df[0], /data-portal-only="true"[\s\S]*portal only/);
  assert.doesNotMatch(await fetchPage(srv.base), /Cryptojacking/);
});
