// Each kind of invalid report: 400 application/problem+json with every
// problem keyed by field path, all problems in one answer.  Reports are sent
// as test submissions, so a server that wrongly accepts one stores nothing.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertErrorMentions, assertProblem, assertTestAccepted, errorText } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { postJson } from './lib/http.mjs';
import { asTest, ipReport, urlReport, utcParts, without } from './lib/reports.mjs';

const srv = serverForFile();
const T = { timeout: 30_000 };

const post = (report) => postJson(srv.base, asTest(report));

test('post_without_any_required_field_reports_all_four_in_one_answer', T, async () => {
  const res = await post(without(ipReport(), 'reporterName', 'reporterEmail', 'threatType', 'incidentType', 'attackMethod'));
  const body = assertProblem(res, 400, { keysInclude: ['reporterName', 'reporterEmail', 'threatType', 'incidentType'] });
  for (const k of ['reporterName', 'reporterEmail', 'threatType', 'incidentType']) assertErrorMentions(body, k, 'required');
});

test('post_with_bad_email_yields_400_keyed_reporterEmail', T, async () => {
  for (const email of ['ada.example.com', 'ada@localhost', 'ada@@example.com', '"ada lovelace"@example.com', `${'a'.repeat(65)}@example.com`]) {
    assertProblem(await post(ipReport({ reporterEmail: email })), 400, { keys: ['reporterEmail'] });
  }
});

test('post_with_blank_name_yields_400_name_is_required', T, async () => {
  const body = assertProblem(await post(ipReport({ reporterName: '   ' })), 400, { keys: ['reporterName'] });
  assertErrorMentions(body, 'reporterName', 'required');
});

test('post_with_unknown_threat_type_yields_400_with_allowed_threat_types', T, async () => {
  const body = assertProblem(await post(ipReport({ threatType: 'Domain', incidentType: 'Phishing', attackMethod: undefined })), 400,
    { keysInclude: ['threatType'], keysWithin: ['threatType', 'incidentType'] });
  assert.deepEqual(body.allowed?.threatType, ['IP Address', 'URL'], `allowed.threatType; got ${JSON.stringify(body.allowed)}`);
});

test('post_with_incident_type_not_under_threat_type_yields_400_keyed_incidentType', T, async () => {
  const body = assertProblem(await post(urlReport({ incidentType: 'Brute Force' })), 400, { keys: ['incidentType'] });
  const allowed = body.allowed?.incidentType;
  assert.ok(Array.isArray(allowed), `allowed.incidentType should list the URL incident types; got ${JSON.stringify(body.allowed)}`);
  for (const n of ['Phishing', 'Social Engineering', 'Malware', 'Illegal/Violates the rights of others']) {
    assert.ok(allowed.includes(n), `allowed.incidentType should include ${n}; got ${JSON.stringify(allowed)}`);
  }
  assert.ok(!allowed.includes('Brute Force'), 'Brute Force is not a URL incident type');
});

test('post_with_responsible_ai_through_api_yields_400_portal_only', T, async () => {
  const body = assertProblem(await post(urlReport({ incidentType: 'Responsible AI' })), 400, { keys: ['incidentType'] });
  assertErrorMentions(body, 'incidentType', 'portal');
});

test('post_with_attack_method_of_another_incident_yields_400_with_allowed_methods', T, async () => {
  const body = assertProblem(await post(ipReport({ attackMethod: 'Flooding' })), 400, { keys: ['attackMethod'] });
  assert.deepEqual(body.allowed?.attackMethod, ['Password Spray', 'Dictionary Attack', 'Credential Stuffing']);
});

test('post_with_attack_method_on_incident_without_methods_yields_400', T, async () => {
  assertProblem(await post(ipReport({ incidentType: 'Spam', attackMethod: 'Port Scan' })), 400, { keys: ['attackMethod'] });
});

test('post_with_time_but_no_date_yields_400_keyed_date', T, async () => {
  assertProblem(await post(ipReport({ date: undefined, time: '10:30', timeZone: undefined })), 400, { keys: ['date'] });
});

test('post_with_time_zone_but_no_date_yields_400_keyed_date', T, async () => {
  assertProblem(await post(ipReport({ date: undefined, time: undefined, timeZone: 'UTC' })), 400, { keys: ['date'] });
});

test('post_with_time_24_00_yields_400_keyed_time', T, async () => {
  assertProblem(await post(ipReport({ time: '24:00' })), 400, { keys: ['time'] });
});

test('post_with_malformed_times_yields_400_keyed_time', T, async () => {
  for (const time of ['10', '10:60', '9:30pm', '10:30:61', '10.30']) {
    assertProblem(await post(ipReport({ time })), 400, { keys: ['time'] });
  }
});

test('post_with_impossible_calendar_date_yields_400_keyed_date', T, async () => {
  for (const date of ['2023-02-29', '2024-13-01', '2024-04-31', '15-01-2024', '2024-1-5']) {
    assertProblem(await post(ipReport({ date })), 400, { keys: ['date'] });
  }
});

test('post_with_unknown_time_zone_yields_400_keyed_timeZone', T, async () => {
  for (const timeZone of ['XYZ', '+15:00', '-13:00', '+05:60', 'UTC+5', '+5:00']) {
    assertProblem(await post(ipReport({ timeZone })), 400, { keys: ['timeZone'] });
  }
});

test('post_with_ambiguous_time_zone_IST_yields_400_listing_accepted_forms', T, async () => {
  const body = assertProblem(await post(ipReport({ timeZone: 'IST' })), 400, { keys: ['timeZone'] });
  const t = errorText(body, 'timeZone');
  assert.ok(/UTC|[+±]HH/.test(t), `the message lists the accepted forms; got ${t}`);
});

test('post_with_table_time_zone_abbreviations_is_accepted', T, async () => {
  for (const [abbr, off] of [['PST', '-08:00'], ['pdt', '-07:00'], ['CST', '-06:00'], ['EDT', '-04:00'], ['CEST', '+02:00'], ['JST', '+09:00'], ['Z', '+00:00'], ['+05:30', '+05:30'], ['+14', '+14:00'], ['-12:00', '-12:00']]) {
    const r = assertTestAccepted(await post(ipReport({ timeZone: abbr }))).report;
    assert.equal(r.timeZone, off, `timeZone ${abbr}`);
  }
});

test('post_with_incident_more_than_24_hours_in_the_future_yields_400', T, async () => {
  const body = assertProblem(await post(ipReport(utcParts(Date.now() + 26 * 3600_000))), 400, { keysWithin: ['date', 'time', 'timeZone'] });
  assert.ok(Object.keys(body.errors).length > 0);
});

test('post_with_incident_23_hours_in_the_future_is_accepted', T, async () => {
  assertTestAccepted(await post(ipReport(utcParts(Date.now() + 23 * 3600_000))));
});

test('post_with_private_source_ip_yields_400_naming_private_and_rfc1918', T, async () => {
  const body = assertProblem(await post(ipReport({ sourceIp: '10.1.2.3' })), 400, { keys: ['sourceIp'] });
  assertErrorMentions(body, 'sourceIp', '10.1.2.3', 'private', 'RFC 1918');
});

test('post_with_loopback_source_ip_yields_400_naming_loopback', T, async () => {
  for (const ip of ['127.0.0.1', '::1']) {
    const body = assertProblem(await post(ipReport({ sourceIp: ip })), 400, { keys: ['sourceIp'] });
    assertErrorMentions(body, 'sourceIp', 'loopback');
  }
});

test('post_with_documentation_range_source_ip_yields_400_naming_documentation', T, async () => {
  for (const ip of ['192.0.2.1', '198.51.100.7', '203.0.113.9', '2001:db8::1']) {
    const body = assertProblem(await post(ipReport({ sourceIp: ip })), 400, { keys: ['sourceIp'] });
    assertErrorMentions(body, 'sourceIp', 'documentation');
  }
});

test('post_with_other_special_purpose_source_ips_yields_400', T, async () => {
  for (const ip of ['169.254.1.1', '224.0.0.1', '0.0.0.0', '255.255.255.255', '240.0.0.1', 'fc00::1', 'fe80::1', 'ff02::1', '::', '::ffff:10.1.2.3', '::ffff:127.0.0.1']) {
    assertProblem(await post(ipReport({ sourceIp: ip })), 400, { keys: ['sourceIp'] });
  }
});

test('post_with_private_source_ip_in_list_yields_400_keyed_by_list_path', T, async () => {
  assertProblem(await post(ipReport({ ipAddressList: [{ sourceIp: '1.1.1.1' }, { sourceIp: '192.168.0.1' }] })), 400,
    { keys: ['ipAddressList[1].sourceIp'] });
});

test('post_with_destination_private_ip_is_accepted', T, async () => {
  assertTestAccepted(await post(ipReport({ destinationIp: '10.1.2.3', destinationPort: 22 })));
});

test('post_with_port_out_of_range_or_not_a_number_yields_400', T, async () => {
  for (const [field, value] of [['sourcePort', 0], ['sourcePort', 65536], ['destinationPort', 'abc'], ['destinationPort', '-1'], ['sourcePort', 443.5], ['sourcePort', '0x50'], ['sourcePort', true]]) {
    assertProblem(await post(ipReport({ [field]: value })), 400, { keys: [field] });
  }
});

test('post_with_boolean_yes_or_1_yields_400', T, async () => {
  for (const v of ['yes', '1', 1, 'on']) {
    assertProblem(await post(ipReport({ anonymizeReport: v })), 400, { keys: ['anonymizeReport'] });
  }
  assertProblem(await postJson(srv.base, { ...ipReport(), testSubmission: 'yes' }), 400, { keys: ['testSubmission'] });
});

test('post_with_ipv4_leading_zeros_yields_400', T, async () => {
  for (const ip of ['008.008.008.008', '8.8.8.08', '01.1.1.1']) {
    assertProblem(await post(ipReport({ sourceIp: ip })), 400, { keys: ['sourceIp'] });
  }
});

test('post_with_malformed_ips_yields_400', T, async () => {
  for (const ip of ['8.8.8', '256.1.1.1', '8.8.8.8.8', 'not-an-ip', '2001:4860::8888::1', '8.8.8.8/32']) {
    assertProblem(await post(ipReport({ sourceIp: ip })), 400, { keys: ['sourceIp'] });
  }
  assertProblem(await post(ipReport({ destinationIp: '999.1.1.1' })), 400, { keys: ['destinationIp'] });
});

test('post_with_url_without_scheme_yields_400_keyed_sourceUrl', T, async () => {
  assertProblem(await post(urlReport({ sourceUrl: 'phish.example/login' })), 400, { keys: ['sourceUrl'] });
});

test('post_with_javascript_or_other_scheme_url_yields_400', T, async () => {
  for (const u of ['javascript:alert(1)', 'data:text/html,<b>x</b>', 'file:///etc/passwd', 'mailto:a@example.com', 'http:///no-host']) {
    assertProblem(await post(urlReport({ sourceUrl: u })), 400, { keys: ['sourceUrl'] });
  }
});

test('post_with_reported_url_on_private_ip_host_yields_400', T, async () => {
  assertProblem(await post(urlReport({ sourceUrl: 'http://10.0.0.1/login' })), 400, { keys: ['sourceUrl'] });
  assertProblem(await post(urlReport({ sourceUrl: 'http://[::1]:8080/' })), 400, { keys: ['sourceUrl'] });
});

test('post_with_only_destination_url_on_private_host_yields_400_since_it_is_the_indicator', T, async () => {
  assertProblem(await post(urlReport({ sourceUrl: undefined, destinationUrl: 'http://192.168.1.1/admin' })), 400, { keys: ['destinationUrl'] });
});

test('post_with_unknown_property_tlp_yields_400_keyed_tlp', T, async () => {
  const body = assertProblem(await post(ipReport({ tlp: 'AMBER' })), 400, { keys: ['tlp'] });
  assertErrorMentions(body, 'tlp', 'tlp');
});

test('post_with_several_unknown_properties_keys_each_by_its_name', T, async () => {
  assertProblem(await post(ipReport({ TLP: 'RED', reporterInfo: { reporterEmail: 'x@example.com' }, threats: [] })), 400,
    { keys: ['TLP', 'reporterInfo', 'threats'] });
});

test('post_with_unknown_property_in_list_item_yields_400_keyed_by_its_path', T, async () => {
  assertProblem(await post(ipReport({ ipAddressList: [{ sourceIp: '1.1.1.1', protocol: 'tcp' }] })), 400,
    { keys: ['ipAddressList[0].protocol'] });
});

test('post_with_reporter_phone_and_different_phone_number_yields_400', T, async () => {
  assertProblem(await post(ipReport({ reporterPhone: '+1 425 555 0100', phoneNumber: '+1 425 555 0199' })), 400,
    { keysWithin: ['phoneNumber', 'reporterPhone'] });
});

test('post_with_phone_number_with_letters_yields_400', T, async () => {
  assertProblem(await post(ipReport({ phoneNumber: 'call me maybe' })), 400, { keys: ['phoneNumber'] });
});

test('post_with_many_errors_reports_them_all_with_list_paths', T, async () => {
  const res = await post(urlReport({
    reporterEmail: 'not-an-email',
    incidentType: 'Social Engineering',
    attackMethod: 'Phishing Email', // IP Address only
    date: '2021-13-01',
    sourceUrl: 'https://phish.example/ok',
    urlList: [{ sourceUrl: 'javascript:alert(1)' }, { destinationUrl: 'https://phish.example/fine' }, { sourceUrl: 'https://phish.example/x', destinationUrl: 'nope' }],
    ipAddressList: [{ destinationIp: '8.8.8.8' }, { sourceIp: '300.1.1.1' }],
    severity: 'Critical',
  }));
  const body = assertProblem(res, 400, {
    keys: ['reporterEmail', 'attackMethod', 'date', 'urlList[0].sourceUrl', 'urlList[2].destinationUrl', 'ipAddressList[1].sourceIp', 'severity'],
  });
  assert.deepEqual(body.allowed?.severity, ['High', 'Medium', 'Low']);
  assert.deepEqual(body.allowed?.attackMethod, ['Phishing Website', 'Tech Support Scam']);
});

test('post_ip_report_without_any_ip_yields_400_keyed_sourceIp', T, async () => {
  assertProblem(await post(ipReport({ sourceIp: undefined })), 400, { keys: ['sourceIp'] });
  assertProblem(await post(ipReport({ sourceIp: '' })), 400, { keys: ['sourceIp'] });
});

test('post_ip_report_list_item_without_source_ip_yields_400_keyed_by_item', T, async () => {
  assertProblem(await post(ipReport({ ipAddressList: [{ sourceIp: '1.1.1.1' }, { destinationIp: '8.8.8.8', destinationPort: 25 }] })), 400,
    { keys: ['ipAddressList[1].sourceIp'] });
});

test('post_ip_report_with_only_list_ips_is_accepted', T, async () => {
  assertTestAccepted(await post(ipReport({ sourceIp: undefined, ipAddressList: [{ sourceIp: '1.1.1.1' }] })));
});

test('post_url_report_without_any_url_yields_400_keyed_sourceUrl', T, async () => {
  assertProblem(await post(urlReport({ sourceUrl: undefined })), 400, { keys: ['sourceUrl'] });
});

test('post_with_reporter_name_over_200_characters_yields_400', T, async () => {
  assertProblem(await post(ipReport({ reporterName: 'a'.repeat(201) })), 400, { keys: ['reporterName'] });
  assertProblem(await post(ipReport({ reporterName: 'é'.repeat(201) })), 400, { keys: ['reporterName'] });
});

test('post_with_reporter_name_of_200_two_byte_characters_is_accepted', T, async () => {
  assertTestAccepted(await post(ipReport({ reporterName: 'é'.repeat(200) })));
  assertTestAccepted(await post(ipReport({ reporterName: '😀'.repeat(200) })));
});

test('post_with_fields_over_their_lengths_yields_400', T, async () => {
  const res = await post(ipReport({
    reporterOrg: 'o'.repeat(201),
    phoneNumber: '1'.repeat(41),
    reporterNotes: 'n'.repeat(2001),
    reportNotes: 'r'.repeat(10001),
  }));
  assertProblem(res, 400, { keys: ['reporterOrg', 'phoneNumber', 'reporterNotes', 'reportNotes'] });
  assertProblem(await post(urlReport({ sourceUrl: `https://phish.example/${'p'.repeat(8192)}` })), 400, { keys: ['sourceUrl'] });
  assertProblem(await post(ipReport({ reporterEmail: `ada@${'d'.repeat(60)}.${'e'.repeat(60)}.${'f'.repeat(60)}.${'g'.repeat(60)}.example` })), 400, { keys: ['reporterEmail'] });
});

test('post_with_fields_at_their_lengths_is_accepted', T, async () => {
  assertTestAccepted(await post(ipReport({
    reporterName: 'n'.repeat(200), reporterOrg: 'o'.repeat(200), phoneNumber: '1'.repeat(40),
    reporterNotes: 'x'.repeat(2000), reportNotes: 'y'.repeat(10000),
  })));
});

test('post_with_control_characters_in_single_line_fields_yields_400', T, async () => {
  const res = await post(ipReport({ reporterName: 'Ada\u0007Reporter', reporterOrg: 'Line\nBreak', reportNotes: 'bell\u0007' }));
  assertProblem(res, 400, { keys: ['reporterName', 'reporterOrg', 'reportNotes'] });
});

test('post_with_null_in_required_field_says_required', T, async () => {
  const body = assertProblem(await post(ipReport({ reporterEmail: null })), 400, { keys: ['reporterEmail'] });
  assertErrorMentions(body, 'reporterEmail', 'required');
});

test('post_with_wrong_json_types_yields_400_keyed_by_field', T, async () => {
  assertProblem(await post(ipReport({ reporterName: ['Ada'], sourceIp: 8 })), 400, { keys: ['reporterName', 'sourceIp'] });
  assertProblem(await post(ipReport({ ipAddressList: { sourceIp: '1.1.1.1' } })), 400, { keys: ['ipAddressList'] });
  assertProblem(await post(ipReport({ ipAddressList: ['1.1.1.1'] })), 400, { keysWithin: ['ipAddressList', 'ipAddressList[0]', 'ipAddressList[0].sourceIp'] });
});

test('invalid_test_submission_is_still_validated', T, async () => {
  assertProblem(await postJson(srv.base, { ...ipReport({ sourceIp: '10.0.0.1' }), testSubmission: true }), 400, { keys: ['sourceIp'] });
});
