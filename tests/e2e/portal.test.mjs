// The Report Abuse Portal's endpoints end to end, without a browser:
// POST /report/abuse as multipart/form-data written byte for byte (the
// attachment's limits and types, broken bodies, the form token, the
// honeypot, fields over their limits), the no-JavaScript buttons, pre-fill,
// POST /report/abuse/validate, the status page, and the announcement's
// three examples compared with what the API answers.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createHash } from 'node:crypto';

import { serverForFile } from './lib/fixture.mjs';
import { ABUSE_PATH, describe, formEncode, postJson, request } from './lib/http.mjs';
import {
  PORTAL_PATH, confirmation, fieldError, inputValue, multipart, openForm, options, postForm, reportCount,
  selected, sql, summaryItems, textareaValue, toJson,
} from './lib/portal.mjs';
import { PAST_DATE } from './lib/reports.mjs';

const srv = serverForFile({ args: ['--operator-name', 'Contoso <Cloud>'] });
const small = serverForFile({ args: ['--attachment-max-bytes', '64K'] });
const T = { timeout: 30_000 };

const contact = { reporterName: 'Ada Reporter', reporterEmail: 'ada.reporter@example.com' };
const ipFields = {
  ...contact, threatType: 'IP Address', incidentType: 'Brute Force', attackMethod: 'Password Spray',
  date: PAST_DATE, time: '10:30', timeZone: '+01:00', sourceIp: '8.8.8.8', reportNotes: 'Many SSH logins.',
};
const EML = Buffer.from('Received: from mail.example\r\nFrom: bank@phish.example\r\nSubject: Verify now\r\n\r\nClick here\r\n');
const eml = { filename: 'phish.eml', type: 'message/rfc822', data: EML };
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

function assertHtml(res, status) {
  assert.equal(res.status, status, describe(res));
  assert.match(res.headers['content-type'], /^text\/html; charset=utf-8/);
}

// --- the page -------------------------------------------------------------------

test('get_form_carries_token_cookie_and_security_headers', T, async () => {
  const { res, csrf, cookie } = await openForm(srv.base);
  assertHtml(res, 200);
  assert.match(csrf, /^[A-Za-z0-9_-]{76}$/);
  assert.equal(cookie, `abusedesk_csrf=${csrf}`);
  const sc = [].concat(res.headers['set-cookie'])[0];
  for (const attr of ['HttpOnly', 'SameSite=Strict', 'Path=/report/abuse']) assert.ok(sc.includes(attr), sc);
  const csp = res.headers['content-security-policy'];
  assert.match(csp, /script-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline/);
  assert.match(csp, /frame-ancestors 'none'/);
  assert.equal(res.headers['x-frame-options'], 'DENY');
  assert.equal(res.headers['referrer-policy'], 'same-origin');
  assert.doesNotMatch(res.text, /<script>|<script [^>]*>[^<]|\sstyle=|\son[a-z]+=/, 'no inline script, style or handler');
  assert.match(res.text, /<form id="report-form"[^>]* enctype="multipart\/form-data"/);
  assert.match(res.text, /<a href="\/report\/developer">Abuse API<\/a>/);
});

test('get_form_with_a_valid_cookie_reuses_its_token', T, async () => {
  const first = await openForm(srv.base);
  const again = await openForm(srv.base, '', { Cookie: first.cookie });
  assert.equal(again.csrf, first.csrf);
  assert.equal(again.res.headers['set-cookie'], undefined);
});

test('operator_name_is_escaped_in_the_page', T, async () => {
  const { res } = await openForm(srv.base);
  assert.ok(res.text.includes('Contoso &lt;Cloud&gt;'));
  assert.ok(!res.text.includes('Contoso <Cloud>'));
});

test('form_lists_every_threat_type_of_the_taxonomy', T, async () => {
  const tax = (await request(srv.base, { path: '/report/v2.0/taxonomy' })).json;
  const { res } = await openForm(srv.base);
  assert.deepEqual(options(res.text, 'threatType').map((o) => o.value).slice(1), tax.threatTypes.map((t) => t.name));
});

test('prefill_from_query_names_in_any_case_is_canonicalized', T, async () => {
  const url = 'https://phish.example/login?x=<b>';
  const { res } = await openForm(srv.base,
    `?threattype=url&IncidentType=phishing&SOURCEURL=${encodeURIComponent(url)}&sourceIp=8.8.8.8`);
  assert.equal(selected(res.text, 'threatType'), 'URL');
  assert.equal(selected(res.text, 'incidentType'), 'Phishing');
  assert.equal(inputValue(res.text, 'sourceUrl'), url);
  assert.equal(inputValue(res.text, 'sourceIp'), '8.8.8.8');
  assert.ok(!res.text.includes('<b>'), 'the pre-filled value is escaped');
});

test('prefill_attack_method_keeps_only_what_fits', T, async () => {
  const ok = await openForm(srv.base, '?ThreatType=IP%20Address&IncidentType=Social%20Engineering&AttackMethod=phishing%20email');
  assert.equal(selected(ok.res.text, 'attackMethod'), 'Phishing Email');
  const bad = await openForm(srv.base, '?ThreatType=IP%20Address&IncidentType=Social%20Engineering&AttackMethod=Phishing%20Website');
  assert.equal(selected(bad.res.text, 'attackMethod'), '');
  const unknown = await openForm(srv.base, '?ThreatType=Satellite&IncidentType=Phishing');
  assert.equal(selected(unknown.res.text, 'threatType'), '');
});

// --- a valid report with its file ----------------------------------------------

test('valid_report_with_attachment_is_stored_with_its_hash_and_body', T, async () => {
  const session = await openForm(srv.base);
  const before = reportCount(srv.database);
  const fields = [['_csrf', session.csrf], ...Object.entries(ipFields), ['website', ''], ['_action', 'submit']];
  const { body, contentType } = multipart(fields, { file: eml });
  const res = await request(srv.base, { method: 'POST', path: PORTAL_PATH, body,
    headers: { 'Content-Type': contentType, Cookie: session.cookie } });
  assertHtml(res, 200);
  const c = confirmation(res.text);
  assert.match(c.caseId, /^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  assert.equal(c.sha256, sha256(EML));
  assert.ok(res.text.includes('phish.eml'));
  assert.ok(res.text.includes(`${EML.length} bytes`));
  assert.ok(res.text.includes(`${PAST_DATE} 10:30 +01:00 (${PAST_DATE}T09:30:00Z)`), 'the incident time as given and in UTC');
  assert.equal(reportCount(srv.database), before + 1);
  const [row] = sql(srv.database, `SELECT r.channel, r.raw_content_type, hex(r.raw_body) AS raw, a.file_name,
    a.declared_type, a.media_type, a.size, a.sha256, a.raw_offset, hex(a.content) AS content
    FROM attachments a JOIN reports r ON r.id = a.report_id WHERE r.case_id = '${c.caseId}'`);
  assert.equal(row.channel, 'CertPortalV2');
  assert.equal(row.raw_content_type, contentType);
  assert.deepEqual([row.file_name, row.declared_type, row.media_type, row.size, row.sha256],
    ['phish.eml', 'message/rfc822', 'message/rfc822', EML.length, sha256(EML)]);
  // The body as received is raw_body with the file's bytes put back at raw_offset.
  const raw = Buffer.from(row.raw, 'hex');
  const whole = Buffer.concat([raw.subarray(0, row.raw_offset), Buffer.from(row.content, 'hex'), raw.subarray(row.raw_offset)]);
  assert.ok(whole.equals(body), 'raw_body + content at raw_offset is the body as sent');
  // The status link works with its token, and not without.
  const status = await request(srv.base, { path: c.statusLink });
  assertHtml(status, 200);
  assert.ok(status.text.includes(c.caseId) && status.text.includes('received'));
  const other = await request(srv.base, { path: c.statusLink.replace(/token=[^&]+/, 'token=nope') });
  assertHtml(other, 404);
});

test('portal_report_is_the_report_the_api_would_store', T, async () => {
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, ipFields);
  assertHtml(res, 200);
  const { caseId } = confirmation(res.text);
  const stored = JSON.parse(sql(srv.database, `SELECT report_json FROM reports WHERE case_id = '${caseId}'`)[0].report_json);
  const api = await postJson(srv.base, { ...ipFields, testSubmission: true });
  assert.equal(api.status, 200, describe(api));
  const { source: s1, incidentTime: t1, testSubmission: _f, ...fromForm } = stored;
  const { source: s2, incidentTime: t2, testSubmission: _t, ...fromApi } = api.json.report;
  assert.equal(s1, 'CertPortalV2');
  assert.equal(s2, 'ReportApi');
  assert.equal(t1, t2);
  assert.deepEqual(fromForm, fromApi);
});

test('urlencoded_post_without_file_is_accepted_too', T, async () => {
  const session = await openForm(srv.base);
  const res = await request(srv.base, { method: 'POST', path: PORTAL_PATH,
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Cookie: session.cookie },
    body: formEncode({ _csrf: session.csrf, ...ipFields, _action: 'submit' }) });
  assertHtml(res, 200);
  assert.ok(confirmation(res.text).caseId);
});

test('file_input_left_empty_is_no_attachment', T, async () => {
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, ipFields, { file: { filename: '', type: 'application/octet-stream', data: '' } });
  assertHtml(res, 200);
  const { caseId } = confirmation(res.text);
  assert.equal(sql(srv.database, `SELECT count(*) AS n FROM attachments a JOIN reports r ON r.id = a.report_id
    WHERE r.case_id = '${caseId}'`)[0].n, 0);
});

test('attachment_kinds_recognized_by_content_are_accepted', T, async () => {
  const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc000000301010018dd8db40000000049454e44ae426082', 'hex');
  const pcap = Buffer.from('d4c3b2a1020004000000000000000000ffff000001000000', 'hex');
  const pcapng = Buffer.from('0a0d0d0a1c0000004d3c2b1a01000000ffffffffffffffff1c000000', 'hex');
  const cases = [
    ['shot.png', png, 'image/png'], ['capture.pcap', pcap, 'application/vnd.tcpdump.pcap'],
    ['capture.pcapng', pcapng, 'application/x-pcapng'], ['auth.log', 'sshd[1]: Failed password for root\n', 'text/plain'],
    ['scan.pdf', '%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n', 'application/pdf'],
  ];
  for (const [filename, data, media] of cases) {
    const session = await openForm(srv.base);
    const res = await postForm(srv.base, session, ipFields, { file: { filename, type: 'application/octet-stream', data } });
    assertHtml(res, 200);
    const { caseId } = confirmation(res.text);
    const [row] = sql(srv.database, `SELECT a.media_type FROM attachments a JOIN reports r ON r.id = a.report_id
      WHERE r.case_id = '${caseId}'`);
    assert.equal(row.media_type, media, filename);
  }
});

// --- the attachment refused ---------------------------------------------------

test('oversized_attachment_yields_400_beside_the_field_and_stores_nothing', T, async () => {
  const session = await openForm(small.base);
  const res = await postForm(small.base, session, ipFields,
    { file: { filename: 'big.log', type: 'text/plain', data: Buffer.alloc(64 * 1024 + 1, 'a') } });
  assertHtml(res, 400);
  assert.deepEqual(fieldError(res.text, 'attachment'), ["'big.log' is 64.0 KiB; a file may be at most 64 KiB"]);
  assert.match(res.text, /aria-describedby="[^"]*f-attachment-error/);
  assert.match(res.text, /Files are not kept when the form comes back/);
  assert.equal(inputValue(res.text, 'reporterName'), 'Ada Reporter');
  assert.equal(reportCount(small.database), 0);
});

test('body_larger_than_file_limit_and_form_yields_413', T, async () => {
  const session = await openForm(small.base);
  const res = await postForm(small.base, session, ipFields,
    { file: { filename: 'huge.log', type: 'text/plain', data: Buffer.alloc(64 * 1024 + 1024 * 1024 + 1, 'a') } });
  assert.equal(res.status, 413, describe(res));
  assert.equal(reportCount(small.database), 0);
});

test('refused_file_type_yields_400_naming_what_it_is', T, async () => {
  const exe = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64), Buffer.from('PE\0\0')]);
  const session = await openForm(srv.base);
  const before = reportCount(srv.database);
  const res = await postForm(srv.base, session, ipFields, { file: { filename: 'invoice.pdf', type: 'application/pdf', data: exe } });
  assertHtml(res, 400);
  const [msg] = fieldError(res.text, 'attachment');
  assert.match(msg, /^'invoice\.pdf' is application\/[\w.-]+ by its content; the portal takes an image/);
  assert.doesNotMatch(msg, /is application\/pdf/);
  assert.equal(reportCount(srv.database), before);
});

test('html_file_named_log_is_refused_by_content', T, async () => {
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, ipFields,
    { file: { filename: 'server.log', type: 'text/plain', data: '<!doctype html><html><script>alert(1)</script></html>' } });
  assertHtml(res, 400);
  assert.match(fieldError(res.text, 'attachment')[0], /is text\/html by its content/);
});

test('empty_file_is_refused', T, async () => {
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, ipFields, { file: { filename: 'empty.txt', type: 'text/plain', data: '' } });
  assertHtml(res, 400);
  assert.deepEqual(fieldError(res.text, 'attachment'), ["'empty.txt' is empty"]);
});

test('file_name_is_sanitized_for_display', T, async () => {
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, ipFields,
    { file: { filename: 'C:\\Users\\ada\\evil\u202Egpj.exe<b>.txt', type: 'text/plain', data: 'log line\n' } });
  assertHtml(res, 200);
  const { caseId } = confirmation(res.text);
  const [row] = sql(srv.database, `SELECT a.file_name FROM attachments a JOIN reports r ON r.id = a.report_id
    WHERE r.case_id = '${caseId}'`);
  assert.equal(row.file_name, 'evilgpj.exe<b>.txt');
  assert.ok(res.text.includes('evilgpj.exe&lt;b&gt;.txt'));
});

test('second_file_part_yields_400_and_stores_nothing', T, async () => {
  const session = await openForm(srv.base);
  const before = reportCount(srv.database);
  const b = 'xyzBOUNDARY';
  const body = `--${b}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${session.csrf}\r\n` +
    `--${b}\r\nContent-Disposition: form-data; name="attachment"; filename="a.txt"\r\n\r\na\r\n` +
    `--${b}\r\nContent-Disposition: form-data; name="attachment"; filename="b.txt"\r\n\r\nb\r\n--${b}--\r\n`;
  const res = await request(srv.base, { method: 'POST', path: PORTAL_PATH, body,
    headers: { 'Content-Type': `multipart/form-data; boundary=${b}`, Cookie: session.cookie } });
  assertHtml(res, 400);
  assert.match(res.text, /The form could not be read: the form holds more than 1 file/);
  assert.equal(reportCount(srv.database), before);
});

// --- broken bodies -------------------------------------------------------------

test('multipart_without_boundary_yields_400_form_unreadable', T, async () => {
  const session = await openForm(srv.base);
  const { body } = multipart([['_csrf', session.csrf], ...Object.entries(ipFields)]);
  const res = await request(srv.base, { method: 'POST', path: PORTAL_PATH, body,
    headers: { 'Content-Type': 'multipart/form-data', Cookie: session.cookie } });
  assertHtml(res, 400);
  assert.match(res.text, /The form could not be read: the Content-Type multipart\/form-data has no boundary parameter/);
  assert.match(res.text, /name="_csrf" value="[A-Za-z0-9_-]{76}"/, 'the page comes back as a usable form');
});

test('multipart_with_another_boundary_or_cut_short_yields_400', T, async () => {
  const session = await openForm(srv.base);
  const { body, contentType } = multipart([['_csrf', session.csrf], ...Object.entries(ipFields)]);
  const h = { Cookie: session.cookie };
  const other = await request(srv.base, { method: 'POST', path: PORTAL_PATH, body,
    headers: { ...h, 'Content-Type': 'multipart/form-data; boundary=somethingelse' } });
  assertHtml(other, 400);
  assert.match(other.text, /does not hold the boundary its Content-Type names/);
  const cut = await request(srv.base, { method: 'POST', path: PORTAL_PATH, body: body.subarray(0, body.length - 30),
    headers: { ...h, 'Content-Type': contentType } });
  assertHtml(cut, 400);
  assert.match(cut.text, /ends before the closing boundary/);
});

test('json_body_to_the_form_yields_415', T, async () => {
  const res = await request(srv.base, { method: 'POST', path: PORTAL_PATH, body: JSON.stringify(ipFields),
    headers: { 'Content-Type': 'application/json' } });
  assert.equal(res.status, 415, describe(res));
});

// --- the token and the honeypot ------------------------------------------------

test('missing_csrf_token_yields_403_with_input_kept_and_nothing_stored', T, async () => {
  const session = await openForm(srv.base);
  const before = reportCount(srv.database);
  const res = await postForm(srv.base, session, ipFields, { csrf: '', file: eml });
  assertHtml(res, 403);
  assert.match(res.text, /The form could not be verified, so the report was not sent/);
  assert.equal(inputValue(res.text, 'reporterEmail'), 'ada.reporter@example.com');
  assert.equal(selected(res.text, 'attackMethod'), 'Password Spray');
  assert.match(res.text, /Files are not kept/);
  assert.equal(reportCount(srv.database), before);
});

test('csrf_token_without_its_cookie_or_forged_yields_403', T, async () => {
  const session = await openForm(srv.base);
  const before = reportCount(srv.database);
  const noCookie = await postForm(srv.base, { csrf: session.csrf }, ipFields, { headers: { Cookie: '' } });
  assertHtml(noCookie, 403);
  const otherServer = await openForm(small.base);
  const foreign = await postForm(srv.base, otherServer, ipFields);
  assertHtml(foreign, 403);
  const mismatch = await postForm(srv.base, session, ipFields, { csrf: otherServer.csrf });
  assertHtml(mismatch, 403);
  const flipped = session.csrf.slice(0, -2) + (session.csrf.endsWith('AA') ? 'BA' : 'AA');
  const tampered = await postForm(srv.base, { csrf: flipped, cookie: `abusedesk_csrf=${flipped}` }, ipFields);
  assertHtml(tampered, 403);
  assert.equal(reportCount(srv.database), before);
});

test('honeypot_filled_looks_like_success_and_stores_nothing', T, async () => {
  const session = await openForm(srv.base);
  const before = reportCount(srv.database);
  const { body, contentType } = multipart([['_csrf', session.csrf], ...Object.entries(ipFields),
    ['website', 'http://cheap-pills.example'], ['_action', 'submit']], { file: eml });
  const res = await request(srv.base, { method: 'POST', path: PORTAL_PATH, body,
    headers: { 'Content-Type': contentType, Cookie: session.cookie } });
  assertHtml(res, 200);
  assert.match(res.text, /Thank you: your report was received/);
  assert.match(confirmation(res.text).caseId, /^[0-9a-f-]{36}$/);
  assert.equal(reportCount(srv.database), before);
  await srv.waitForStderr((s) => /honeypot field was filled in; nothing stored/.test(s), 5000);
  const status = await request(srv.base, { path: confirmation(res.text).statusLink });
  assert.equal(status.status, 404);
});

// --- fields over their limits and other mistakes ------------------------------

test('fields_over_their_limits_yield_400_beside_each_field_with_input_kept', T, async () => {
  const session = await openForm(srv.base);
  const notes = 'n'.repeat(10001), name = 'é'.repeat(201);
  const res = await postForm(srv.base, session, { ...ipFields, reportNotes: notes, reporterName: name });
  assertHtml(res, 400);
  assert.deepEqual(fieldError(res.text, 'reportNotes'), ['reportNotes is 10001 characters long; at most 10000 are allowed']);
  assert.deepEqual(fieldError(res.text, 'reporterName'), ['reporterName is 201 characters long; at most 200 are allowed']);
  assert.equal(textareaValue(res.text, 'reportNotes'), notes);
  assert.equal(inputValue(res.text, 'reporterName'), name);
});

test('field_over_the_multipart_bound_yields_400_form_unreadable', T, async () => {
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, { ...ipFields, reportNotes: 'x'.repeat(70 * 1024) });
  assertHtml(res, 400);
  assert.match(res.text, /The form could not be read: the field &#39;reportNotes&#39; is larger than 65536 bytes/);
});

test('invalid_report_shows_the_api_messages_beside_the_fields', T, async () => {
  const fields = { reporterName: '  ', reporterEmail: 'ada@', threatType: 'IP Address', incidentType: 'Spam',
    date: '2021/01/15', time: '25:00', sourceIp: '10.1.2.3', sourcePort: '0',
    'ipAddressList[0].sourceIp': '999.1.1.1', 'ipAddressList[0].destinationPort': 'abc' };
  const api = await postJson(srv.base, { ...toJson(fields), testSubmission: true });
  assert.equal(api.status, 400, describe(api));
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, fields);
  assertHtml(res, 400);
  const keys = Object.keys(api.json.errors);
  assert.ok(keys.length >= 7, JSON.stringify(api.json.errors));
  for (const key of keys) {
    assert.deepEqual(fieldError(res.text, key), api.json.errors[key], `messages beside ${key}`);
    assert.match(res.text, new RegExp(`<a href="#f-${key.replace(/[[\].]+/g, '-')}">`), `summary links to ${key}`);
  }
  assert.equal(summaryItems(res.text).length, Object.values(api.json.errors).flat().length);
  assert.match(res.text, /The report has \d+ problems/);
  assert.match(res.text, /id="error-summary" tabindex="-1" autofocus/);
  assert.equal(inputValue(res.text, 'ipAddressList[0].destinationPort'), 'abc');
  assert.equal(inputValue(res.text, 'date'), '2021/01/15');
});

test('markup_in_values_is_escaped_when_the_form_comes_back', T, async () => {
  const session = await openForm(srv.base);
  const evil = '"><script>alert(1)</script>';
  const res = await postForm(srv.base, session, { ...ipFields, reporterName: evil, reporterOrg: evil,
    reportNotes: `</textarea>${evil}`, sourceUrl: `javascript:${evil}`, threatType: evil });
  assertHtml(res, 400);
  assert.ok(!res.text.includes('<script>alert(1)'), 'no live markup from the values');
  assert.equal(inputValue(res.text, 'reporterOrg'), evil);
  assert.equal(selected(res.text, 'threatType'), evil);
});

test('unknown_field_is_reported_in_the_summary', T, async () => {
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, { ...ipFields, tlp: 'AMBER' });
  assertHtml(res, 400);
  assert.ok(summaryItems(res.text).includes("tlp: 'tlp' is not a property of a v2.0 report"), summaryItems(res.text).join('\n'));
});

// --- the buttons that work without JavaScript ----------------------------------

test('update_choices_rebuilds_the_lists_and_stores_nothing', T, async () => {
  const session = await openForm(srv.base);
  const before = reportCount(srv.database);
  const res = await postForm(srv.base, session, { ...contact, threatType: 'URL', incidentType: 'Brute Force',
    attackMethod: 'Password Spray' }, { action: 'update' });
  assertHtml(res, 200);
  assert.equal(selected(res.text, 'threatType'), 'URL');
  assert.equal(selected(res.text, 'incidentType'), '', 'Brute Force is not a URL incident type');
  const tax = (await request(srv.base, { path: '/report/v2.0/taxonomy' })).json;
  const url = tax.threatTypes.find((t) => t.name === 'URL');
  assert.deepEqual(options(res.text, 'incidentType').slice(1).map((o) => [o.value, o.label]),
    url.incidentTypes.map((i) => [i.name, i.label ?? i.name]));
  assert.equal(summaryItems(res.text).length, 0);
  assert.equal(inputValue(res.text, 'reporterName'), 'Ada Reporter');
  const next = await postForm(srv.base, session, { threatType: 'URL', incidentType: 'Social Engineering' }, { action: 'update' });
  assert.deepEqual(options(next.text, 'attackMethod').slice(1).map((o) => o.value), ['Phishing Website', 'Tech Support Scam']);
  assert.equal(reportCount(srv.database), before);
});

test('add_and_remove_row_buttons_change_the_rows', T, async () => {
  const session = await openForm(srv.base);
  const added = await postForm(srv.base, session, { ...ipFields, 'ipAddressList[0].sourceIp': '1.1.1.1' }, { action: 'add-ip' });
  assertHtml(added, 200);
  assert.equal(inputValue(added.text, 'ipAddressList[0].sourceIp'), '1.1.1.1');
  assert.equal(inputValue(added.text, 'ipAddressList[1].sourceIp'), '');
  assert.match(added.text, /id="f-ipAddressList-1-sourceIp"[^>]* autofocus/);
  const removed = await postForm(srv.base, session, { ...ipFields, 'ipAddressList[0].sourceIp': '1.1.1.1',
    'ipAddressList[1].sourceIp': '9.9.9.9' }, { action: 'remove-ip-0' });
  assert.equal(inputValue(removed.text, 'ipAddressList[0].sourceIp'), '9.9.9.9');
  assert.equal(inputValue(removed.text, 'ipAddressList[1].sourceIp'), undefined);
  const full = Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`ipAddressList[${i}].sourceIp`, `8.8.4.${i + 1}`]));
  const atMax = await postForm(srv.base, session, { ...ipFields, ...full }, { action: 'add-ip' });
  assert.equal(inputValue(atMax.text, 'ipAddressList[9].sourceIp'), undefined, 'ten rows at most');
  assert.match(atMax.text, /value="add-ip" class="secondary add" hidden/);
});

// --- live validation ---------------------------------------------------------------

test('validate_endpoint_answers_as_the_api_does_and_stores_nothing', T, async () => {
  const fields = { ...ipFields, attackMethod: 'Phishing Website', sourceIp: '192.168.1.1', _csrf: 'x', website: '' };
  const before = reportCount(srv.database);
  const v = await request(srv.base, { method: 'POST', path: '/report/abuse/validate',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(fields) });
  const { _csrf, website, ...apiFields } = fields;
  const api = await postJson(srv.base, { ...apiFields, testSubmission: true });
  assert.equal(v.status, 400, describe(v));
  assert.equal(v.headers['content-type'], 'application/problem+json');
  assert.deepEqual(v.json.errors, api.json.errors);
  assert.deepEqual(v.json.allowed, api.json.allowed);
  assert.equal(v.json.message, api.json.message);
  const ok = await request(srv.base, { method: 'POST', path: '/report/abuse/validate',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: formEncode(ipFields) });
  assert.equal(ok.status, 200, describe(ok));
  assert.equal(ok.json.report.source, 'CertPortalV2');
  assert.equal(reportCount(srv.database), before);
});

test('responsible_ai_is_taken_by_the_portal_and_refused_by_the_api', T, async () => {
  const fields = { ...contact, threatType: 'URL', incidentType: 'Responsible AI', sourceUrl: 'https://chat.example/share/1' };
  const api = await postJson(srv.base, { ...fields, testSubmission: true });
  assert.equal(api.status, 400, describe(api));
  assert.ok(api.json.errors.incidentType);
  const v = await request(srv.base, { method: 'POST', path: '/report/abuse/validate',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fields) });
  assert.equal(v.status, 200, describe(v));
  const session = await openForm(srv.base);
  const res = await postForm(srv.base, session, fields);
  assertHtml(res, 200);
  assert.match(res.text, /Responsible AI/);
});

// --- the announcement's three examples, through the form and through the API -------

const reporter = { reporterName: 'Jane Doe', reporterEmail: 'jane.doe@example.com', reporterOrg: 'Contoso' };
const examples = [
  ['example_1_social_engineering_phishing_email_from_ip_is_received', {
    ...reporter, threatType: 'IP Address', incidentType: 'Social Engineering', attackMethod: 'Phishing Email',
    sourceIp: '8.8.8.8', date: '2021-01-15', time: '13:45:00', timeZone: '-05:00',
    reportNotes: 'Phishing emails sent from this address to our users.' }],
  ['example_2_phishing_website_under_ip_address_comes_back_with_the_api_message_on_attackMethod', {
    ...reporter, threatType: 'IP Address', incidentType: 'Social Engineering', attackMethod: 'Phishing Website',
    sourceIp: '8.8.8.8', date: '2021-01-15' }],
  ['example_3_account_compromise_with_date_in_slashes_comes_back_with_the_api_message_on_date', {
    ...reporter, threatType: 'IP Address', incidentType: 'Account Compromise/Unauthorized Access',
    attackMethod: 'Unauthorized Login', sourceIp: '1.1.1.1', date: '2021/01/15', time: '09:10', timeZone: 'UTC' }],
];

for (const [name, fields] of examples) {
  test(name, T, async () => {
    const api = await postJson(srv.base, { ...fields, testSubmission: true });
    const session = await openForm(srv.base);
    const res = await postForm(srv.base, session, fields);
    if (api.status === 200) {
      assertHtml(res, 200);
      assert.match(res.text, /Thank you: your report was received/);
      assert.ok(res.text.includes(fields.attackMethod));
      return;
    }
    assert.equal(api.status, 400, describe(api));
    assertHtml(res, 400);
    const [key] = Object.keys(api.json.errors);
    assert.deepEqual(Object.keys(api.json.errors), [key]);
    assert.deepEqual(fieldError(res.text, key), api.json.errors[key]);
    assert.equal(selected(res.text, 'attackMethod'), fields.attackMethod, 'the choice sent is kept');
  });
}

test('status_page_without_token_or_with_bad_id_is_404', T, async () => {
  for (const path of ['/report/abuse/status/not-a-uuid?token=x', '/report/abuse/status/01900000-0000-7000-8000-000000000000']) {
    const res = await request(srv.base, { path });
    assertHtml(res, 404);
    assert.match(res.text, /No such report/);
  }
  const api = await request(srv.base, { path: ABUSE_PATH + '/01900000-0000-7000-8000-000000000000?token=x' });
  assert.equal(api.status, 404);
});
