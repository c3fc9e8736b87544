// The request shapes real clients send (taxonomy.md §4), each in its own
// test, and the normalized report the server answers with.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertAccepted, assertInstant, assertTestAccepted } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { ABUSE_PATH, formEncode, get, postJson, request, send } from './lib/http.mjs';
import { asTest, ipReport, urlReport, without } from './lib/reports.mjs';

const srv = serverForFile();
const T = { timeout: 30_000 };

// --- §4.1 JSON with Content-Type: application/json --------------------------

test('json_with_application_json_is_stored_and_answered_200', T, async () => {
  const sent = ipReport();
  const res = await send(srv.base, ABUSE_PATH, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(sent),
  });
  const body = assertAccepted(res);
  const r = body.report;
  assert.equal(r.reporterName, sent.reporterName);
  assert.equal(r.reporterEmail, sent.reporterEmail);
  assert.equal(r.threatType, 'IP Address');
  assert.equal(r.incidentType, 'Brute Force');
  assert.equal(r.attackMethod, 'Password Spray');
  assert.equal(r.sourceIp, '8.8.8.8');
  assert.equal(r.date, '2024-01-15');
  assert.equal(r.time, '10:30:00');
  assert.equal(r.timeZone, '+00:00');
  assert.equal(r.incidentTimeSource, 'reported');
  assert.equal(Date.parse(r.incidentTime), Date.parse('2024-01-15T10:30:00Z'));
  assert.equal(body.duplicatesMerged, 0);
});

test('json_to_path_with_empty_query_string_is_accepted', T, async () => {
  const res = await request(srv.base, {
    method: 'POST', path: `${ABUSE_PATH}?`, headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ipReport()),
  });
  assertAccepted(res);
});

test('json_to_path_with_entities_true_query_is_accepted', T, async () => {
  const res = await request(srv.base, {
    method: 'POST', path: `${ABUSE_PATH}?entities=true`, headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ipReport()),
  });
  assertAccepted(res);
});

// --- §4.2 JSON with no Content-Type (Python requests, data=json.dumps(...)) --

test('json_without_content_type_header_is_accepted', T, async () => {
  // node:http sends no Content-Type unless told to.
  const res = await request(srv.base, { method: 'POST', path: ABUSE_PATH, headers: {}, body: JSON.stringify(ipReport()) });
  assertAccepted(res);
});

test('json_without_content_type_sent_by_fetch_as_bytes_is_accepted', T, async () => {
  // fetch sends a Uint8Array body with no Content-Type (a string would get text/plain;charset=UTF-8).
  const res = await send(srv.base, ABUSE_PATH, { method: 'POST', body: new TextEncoder().encode(JSON.stringify(ipReport())) });
  assertAccepted(res);
});

test('json_sent_by_fetch_as_string_with_text_plain_is_accepted', T, async () => {
  const res = await send(srv.base, ABUSE_PATH, { method: 'POST', body: JSON.stringify(asTest(ipReport())) });
  assertTestAccepted(res);
});

// --- §4.3 JSON under a form Content-Type (PowerShell Invoke-RestMethod) -----

test('json_under_form_urlencoded_content_type_is_accepted', T, async () => {
  const res = await request(srv.base, {
    method: 'POST', path: ABUSE_PATH, headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: JSON.stringify(ipReport(), null, 2), // ConvertTo-Json indents
  });
  assertAccepted(res);
});

// --- §4.4 A real form body (Python requests, data=dict) ---------------------

test('form_body_with_testSubmission_False_string_is_stored', T, async () => {
  const fields = {
    reporterName: 'Form Reporter',
    reporterEmail: 'form.reporter@example.com',
    threatType: 'IP Address',
    incidentType: 'Scanning/Scraping',
    attackMethod: 'Port Scan',
    sourceIp: '8.8.4.4',
    sourcePort: '22',
    'ipAddressList[0].sourceIp': '1.1.1.1',
    'ipAddressList[0].destinationPort': '443',
    date: '2024-01-15',
    time: '08:00',
    testSubmission: 'False',
  };
  const res = await send(srv.base, ABUSE_PATH, { method: 'POST', body: new URLSearchParams(fields) });
  const body = assertAccepted(res);
  const r = body.report;
  assert.equal(r.reporterName, 'Form Reporter');
  assert.equal(r.sourceIp, '8.8.4.4');
  assert.equal(r.sourcePort, 22);
  assert.equal(r.time, '08:00:00');
  assert.deepEqual(r.ipAddressList, [{ sourceIp: '1.1.1.1', destinationPort: 443 }]);
});

test('form_body_with_url_list_item_paths_is_accepted', T, async () => {
  const body = formEncode({
    reporterName: 'Form Reporter',
    reporterEmail: 'form.reporter@example.com',
    threatType: 'URL',
    incidentType: 'Phishing',
    'urlList[0].sourceUrl': 'https://phish.example/a',
    'urlList[1].destinationUrl': 'https://phish.example/b',
    testSubmission: 'true',
  });
  const res = await request(srv.base, {
    method: 'POST', path: ABUSE_PATH, headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=UTF-8' }, body,
  });
  const r = assertTestAccepted(res).report;
  assert.deepEqual(r.urlList, [{ sourceUrl: 'https://phish.example/a' }, { destinationUrl: 'https://phish.example/b' }]);
});

// --- §4.5 time as HH:mm; the timeZone spellings clients send -----------------

test('time_as_hh_mm_is_normalized_to_hh_mm_ss', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ time: '10:30', timeZone: undefined })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.time, '10:30:00');
  assert.equal(r.incidentTimeSource, 'reported');
  assert.equal(Date.parse(r.incidentTime), Date.parse('2024-01-15T10:30:00Z'), 'timeZone defaults to UTC');
});

for (const [spelling, normalized] of [
  ['-0000', '+00:00'], ['0000', '+00:00'], ['+0000', '+00:00'],
  ['-0500', '-05:00'], ['UTC', '+00:00'], ['GMT', '+00:00'],
]) {
  test(`timezone_spelled_${spelling}_is_accepted_as_${normalized}`, T, async () => {
    const res = await postJson(srv.base, asTest(ipReport({ time: '10:30', timeZone: spelling })));
    const r = assertTestAccepted(res).report;
    assert.equal(r.timeZone, normalized);
    const offsetMin = normalized === '-05:00' ? -300 : 0;
    assert.equal(Date.parse(r.incidentTime), Date.parse('2024-01-15T10:30:00Z') - offsetMin * 60_000,
      `incidentTime for 10:30 at ${spelling}, got ${r.incidentTime}`);
  });
}

// --- §4.6 strings for a boolean and a port -----------------------------------

test('anonymize_report_string_true_and_destination_port_string_443_are_typed', T, async () => {
  const res = await postJson(srv.base, ipReport({ anonymizeReport: 'true', destinationIp: '10.0.0.5', destinationPort: '443' }));
  const r = assertAccepted(res).report;
  assert.equal(r.anonymizeReport, true);
  assert.equal(r.destinationPort, 443);
  assert.equal(r.destinationIp, '10.0.0.5');
});

test('test_submission_as_string_TRUE_is_a_test', T, async () => {
  assertTestAccepted(await postJson(srv.base, { ...ipReport(), testSubmission: 'TRUE' }));
  assertTestAccepted(await postJson(srv.base, { ...ipReport(), testSubmission: 'true' }));
});

// --- §4.7 Content-Type spelling ----------------------------------------------

test('mixed_case_content_type_header_name_and_value_are_accepted', T, async () => {
  const res = await request(srv.base, {
    method: 'POST', path: ABUSE_PATH, headers: { 'Content-type': 'Application/JSON' }, body: JSON.stringify(ipReport()),
  });
  assertAccepted(res);
});

test('content_type_with_charset_parameter_is_accepted', T, async () => {
  const res = await request(srv.base, {
    method: 'POST', path: ABUSE_PATH, headers: { 'Content-Type': 'application/json; charset=utf-8' }, body: JSON.stringify(ipReport()),
  });
  assertAccepted(res);
});

// --- §4.8 the URL only as a destination --------------------------------------

async function indicatorCount(body) {
  const res = await get(srv.base, body.statusUrl, { 'X-Tracking-Token': body.trackingToken });
  assert.equal(res.status, 200, `status lookup of ${body.statusUrl}: ${res.status} ${res.text}`);
  return res.json.indicatorCount;
}

test('url_report_with_url_only_in_destination_url_is_accepted_as_indicator', T, async () => {
  const sent = urlReport({ sourceUrl: undefined, destinationUrl: 'https://phish.example/only-destination' });
  const body = assertAccepted(await postJson(srv.base, sent));
  assert.equal(body.report.destinationUrl, 'https://phish.example/only-destination');
  assert.ok(!('sourceUrl' in body.report), 'no sourceUrl was sent');
  assert.equal(await indicatorCount(body), 1, 'the destination URL is the indicator');
});

test('url_report_with_urls_only_in_url_list_destination_urls_is_accepted', T, async () => {
  const sent = urlReport({
    sourceUrl: undefined,
    urlList: [{ destinationUrl: 'https://phish.example/one' }, { destinationUrl: 'https://phish.example/two' }],
  });
  const body = assertAccepted(await postJson(srv.base, sent));
  assert.deepEqual(body.report.urlList, sent.urlList);
  assert.equal(await indicatorCount(body), 2, 'each destination URL is an indicator');
});

// --- the normalized report ----------------------------------------------------

test('taxonomy_names_and_severity_are_stored_in_canonical_spelling', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({
    threatType: '  ip address ', incidentType: 'BRUTE FORCE', attackMethod: 'password spray', severity: 'high',
  })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.threatType, 'IP Address');
  assert.equal(r.incidentType, 'Brute Force');
  assert.equal(r.attackMethod, 'Password Spray');
  assert.equal(r.severity, 'High');
});

test('portal_label_illegal_is_an_alias_of_the_incident_type', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ incidentType: 'Illegal', attackMethod: undefined })));
  assert.equal(assertTestAccepted(res).report.incidentType, 'Illegal/Violates the rights of others');
});

test('surrounding_whitespace_is_trimmed_from_every_string', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({
    reporterName: '  Ada Reporter \t', reporterEmail: ' ada.reporter@example.com ', reporterOrg: ' Example Org ',
    sourceIp: ' 8.8.8.8 ', date: ' 2024-01-15 ', time: ' 10:30 ', timeZone: ' utc ',
  })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.reporterName, 'Ada Reporter');
  assert.equal(r.reporterEmail, 'ada.reporter@example.com');
  assert.equal(r.reporterOrg, 'Example Org');
  assert.equal(r.sourceIp, '8.8.8.8');
  assert.equal(r.date, '2024-01-15');
  assert.equal(r.time, '10:30:00');
  assert.equal(r.timeZone, '+00:00');
});

test('ipv6_addresses_are_stored_in_rfc5952_form', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({
    sourceIp: '2001:4860:4860:0000:0000:0000:0000:8888',
    destinationIp: 'FE80:0:0:0:0:0:0:1',
    ipAddressList: [{ sourceIp: '2606:4700:4700:0:0:0:0:1111' }],
  })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.sourceIp, '2001:4860:4860::8888');
  assert.equal(r.destinationIp, 'fe80::1');
  assert.equal(r.ipAddressList[0].sourceIp, '2606:4700:4700::1111');
});

test('url_scheme_and_host_are_lower_cased_path_kept', T, async () => {
  const res = await postJson(srv.base, asTest(urlReport({ sourceUrl: 'HTTPS://Phish.EXAMPLE/Login?Next=A' })));
  assert.equal(assertTestAccepted(res).report.sourceUrl, 'https://phish.example/Login?Next=A');
});

test('ports_sent_as_strings_or_integers_are_integers', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({
    sourcePort: '8080', destinationPort: 22,
    ipAddressList: [{ sourceIp: '1.1.1.1', sourcePort: ' 53 ', destinationPort: '853' }],
  })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.sourcePort, 8080);
  assert.equal(r.destinationPort, 22);
  assert.deepEqual(r.ipAddressList, [{ sourceIp: '1.1.1.1', sourcePort: 53, destinationPort: 853 }]);
});

test('booleans_are_json_booleans_in_the_report', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ anonymizeReport: 'FALSE' })));
  assert.equal(assertTestAccepted(res).report.anonymizeReport, false);
});

test('reporter_phone_alias_is_stored_as_phone_number', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ reporterPhone: '+1 (425) 555-0100' })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.phoneNumber, '+1 (425) 555-0100');
});

test('reporter_phone_equal_to_phone_number_is_accepted', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ reporterPhone: '+1 425 555 0100', phoneNumber: '+1 425 555 0100' })));
  assert.equal(assertTestAccepted(res).report.phoneNumber, '+1 425 555 0100');
});

test('source_sent_by_client_is_ignored_and_set_to_ReportApi', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ source: 'CertPortalV2' })));
  assert.equal(assertTestAccepted(res).report.source, 'ReportApi');
});

test('absent_and_empty_optional_fields_are_omitted_from_the_report', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ reporterOrg: '', phoneNumber: null, severity: '   ', attackMethod: undefined })));
  const r = assertTestAccepted(res).report;
  for (const k of ['reporterOrg', 'phoneNumber', 'severity', 'attackMethod', 'reporterNotes', 'destinationIp', 'sourceUrl', 'urlList']) {
    assert.ok(!(k in r), `${k} should be omitted, got ${JSON.stringify(r[k])}`);
  }
});

test('absent_optional_booleans_are_given_their_defaults_in_the_report', T, async () => {
  // Booleans are always stated in the normalized report, so the desk sees how
  // an absent anonymizeReport was taken (false), not a missing value.
  const sent = ipReport();
  delete sent.anonymizeReport;
  delete sent.testSubmission;
  const res = await postJson(srv.base, sent);
  const r = assertAccepted(res).report;
  assert.equal(r.anonymizeReport, false, 'anonymizeReport defaults to false');
  assert.equal(r.testSubmission, false, 'testSubmission defaults to false');
});

test('report_without_date_uses_time_received', T, async () => {
  const before = Date.now();
  const res = await postJson(srv.base, asTest(without(ipReport(), 'date', 'time', 'timeZone')));
  const r = assertTestAccepted(res).report;
  assert.equal(r.incidentTimeSource, 'received');
  const t = assertInstant(r.incidentTime, 'incidentTime');
  assert.ok(t >= before - 5_000 && t <= Date.now() + 5_000, `incidentTime ${r.incidentTime} should be the time received`);
  assert.ok(!('date' in r) && !('time' in r), 'date and time were not sent');
});

test('report_with_date_only_is_reported_time', T, async () => {
  const res = await postJson(srv.base, asTest(without(ipReport(), 'time', 'timeZone')));
  const r = assertTestAccepted(res).report;
  assert.equal(r.date, '2024-01-15');
  assert.equal(r.incidentTimeSource, 'reported');
  const t = Date.parse(r.incidentTime);
  assert.ok(t >= Date.parse('2024-01-14T00:00:00Z') && t < Date.parse('2024-01-16T00:00:00Z'), `incidentTime ${r.incidentTime} on the reported date`);
});

test('reporter_email_with_internationalized_domain_is_stored_in_ascii_form', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ reporterEmail: 'ada@bücher.example' })));
  assert.equal(assertTestAccepted(res).report.reporterEmail, 'ada@xn--bcher-kva.example');
});

test('lengths_count_code_points_so_200_e_acute_name_is_accepted', T, async () => {
  const name = 'é'.repeat(200); // 400 bytes in UTF-8
  const res = await postJson(srv.base, asTest(ipReport({ reporterName: name })));
  assert.equal(assertTestAccepted(res).report.reporterName, name);
});

test('free_text_notes_keep_newlines_and_tabs', T, async () => {
  const notes = 'line one\n\tline two\n\nline three';
  const res = await postJson(srv.base, asTest(ipReport({ reportNotes: notes, reporterNotes: 'on call\tweekdays' })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.reportNotes, notes);
  assert.equal(r.reporterNotes, 'on call\tweekdays');
});

test('destination_private_ip_is_accepted', T, async () => {
  const res = await postJson(srv.base, asTest(ipReport({ destinationIp: '10.1.2.3', ipAddressList: [{ sourceIp: '1.1.1.1', destinationIp: '192.168.1.10' }] })));
  const r = assertTestAccepted(res).report;
  assert.equal(r.destinationIp, '10.1.2.3');
  assert.equal(r.ipAddressList[0].destinationIp, '192.168.1.10');
});

test('ftp_url_is_accepted', T, async () => {
  const res = await postJson(srv.base, asTest(urlReport({ incidentType: 'Malware', attackMethod: 'Malware Distribution', sourceUrl: 'ftp://files.example/payload.exe' })));
  assert.equal(assertTestAccepted(res).report.sourceUrl, 'ftp://files.example/payload.exe');
});

test('url_report_may_carry_auxiliary_ip_list_items_without_source_ip', T, async () => {
  const res = await postJson(srv.base, asTest(urlReport({ ipAddressList: [{ destinationIp: '8.8.8.8' }] })));
  assertTestAccepted(res);
});
