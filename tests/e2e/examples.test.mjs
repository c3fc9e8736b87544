// The three examples of the 2021 announcement of the Report Abuse API v2.0
// (shared/seed/report-abuse-portal-and-api-2021.md, "Examples").

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertErrorMentions, assertProblem, assertTestAccepted } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { postJson } from './lib/http.mjs';

const srv = serverForFile();
const T = { timeout: 30_000 };

const reporter = {
  reporterName: 'Jane Doe',
  reporterEmail: 'jane.doe@example.com',
  reporterOrg: 'Contoso',
};

test('example_1_social_engineering_phishing_email_from_ip_test_submission_is_successful', T, async () => {
  const res = await postJson(srv.base, {
    ...reporter,
    threatType: 'IP Address',
    incidentType: 'Social Engineering',
    attackMethod: 'Phishing Email',
    sourceIp: '8.8.8.8',
    date: '2021-01-15',
    time: '13:45:00',
    timeZone: '-0500',
    reportNotes: 'Phishing emails sent from this address to our users.',
    testSubmission: true,
  });
  const body = assertTestAccepted(res);
  assert.equal(body.report.attackMethod, 'Phishing Email');
  assert.equal(body.report.incidentType, 'Social Engineering');
});

test('example_2_phishing_website_under_ip_address_yields_400_keyed_attackMethod_with_allowed_values', T, async () => {
  const res = await postJson(srv.base, {
    ...reporter,
    threatType: 'IP Address',
    incidentType: 'Social Engineering',
    attackMethod: 'Phishing Website',
    sourceIp: '8.8.8.8',
    date: '2021-01-15',
    testSubmission: true,
  });
  const body = assertProblem(res, 400, { keys: ['attackMethod'] });
  assert.deepEqual(body.allowed?.attackMethod, ['Phishing Email', 'Tech Support Scam'],
    `allowed.attackMethod in taxonomy order; got ${JSON.stringify(body.allowed)}`);
  assertErrorMentions(body, 'attackMethod', 'Phishing Email', 'Tech Support Scam');
});

test('example_2_one_line_message_names_the_allowed_attack_methods', T, async () => {
  // Clients that read only `message` (taxonomy.md §3) must learn what to send instead.
  const res = await postJson(srv.base, {
    ...reporter,
    threatType: 'IP Address',
    incidentType: 'Social Engineering',
    attackMethod: 'Phishing Website',
    sourceIp: '8.8.8.8',
    testSubmission: true,
  });
  const body = assertProblem(res, 400, { keys: ['attackMethod'] });
  for (const m of ['Phishing Email', 'Tech Support Scam']) {
    assert.ok(body.message.includes(m), `message should name ${m}; got ${JSON.stringify(body.message)}`);
  }
});

test('example_3_account_compromise_with_date_2021_01_15_slashes_yields_400_keyed_date_naming_yyyy_MM_dd', T, async () => {
  const res = await postJson(srv.base, {
    ...reporter,
    threatType: 'IP Address',
    incidentType: 'Account Compromise/Unauthorized Access',
    attackMethod: 'Unauthorized Login',
    sourceIp: '1.1.1.1',
    date: '2021/01/15',
    time: '09:10',
    timeZone: 'UTC',
    testSubmission: true,
  });
  const body = assertProblem(res, 400, { keys: ['date'] });
  assertErrorMentions(body, 'date', 'yyyy-MM-dd');
});

test('example_3_one_line_message_says_yyyy_MM_dd', T, async () => {
  const res = await postJson(srv.base, {
    ...reporter,
    threatType: 'IP Address',
    incidentType: 'Account Compromise/Unauthorized Access',
    sourceIp: '1.1.1.1',
    date: '2021/01/15',
    testSubmission: true,
  });
  const body = assertProblem(res, 400, { keys: ['date'] });
  assert.ok(body.message.includes('yyyy-MM-dd'), `message should say yyyy-MM-dd; got ${JSON.stringify(body.message)}`);
});
