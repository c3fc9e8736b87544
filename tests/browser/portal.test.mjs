// The Report Abuse Portal in a real browser (Debian's Chromium through
// playwright-core), with JavaScript and without: the dependent lists follow
// the taxonomy, the attack method comes and goes, a report with a file
// reaches its confirmation and the store with the right hash, an invalid one
// comes back with the API's messages beside the fields and the input kept,
// pre-fill, rows, the time zone, keyboard use, 360 px, and the
// announcement's three examples.  No CSP violation or script error may
// happen on any page.
//
// Screenshots (build/test-artifacts/): portal-empty.png, portal-error.png,
// portal-confirmation.png, and the same three at 360 px wide (-360.png).

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, test } from 'node:test';

import { postJson } from '../e2e/lib/http.mjs';
import { reportCount, sql, toJson } from '../e2e/lib/portal.mjs';
import { PAST_DATE } from '../e2e/lib/reports.mjs';
import { startServer } from '../e2e/lib/server.mjs';
import { artifactPath, launchBrowser } from './lib/chromium.mjs';

const T = { timeout: 120_000 };
let srv;
let chromium;
let tax;
const contexts = [];

before(async () => {
  srv = await startServer({ args: ['--operator-name', 'Contoso Cloud', '--vulnerability-url', 'https://contoso.example/security'] });
  chromium = await launchBrowser();
  tax = await (await fetch(`${srv.base}/report/v2.0/taxonomy`)).json();
}, { timeout: 60_000 });

after(async () => {
  for (const c of contexts) await c.close().catch(() => {});
  if (chromium) await chromium.close();
  if (!srv) return;
  const { code, forced } = await srv.stop();
  const sanitizer = srv.stderr().match(/(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/);
  assert.equal(sanitizer, null, `sanitizer report in server stderr: ${sanitizer?.[0]}`);
  assert.ok(!forced && code === 0, `server should exit 0 on SIGTERM; got ${code}`);
}, { timeout: 30_000 });

/** A page in a fresh context; problems collects CSP violations, script errors and console errors. */
async function open({ js = true, width = 1100, timezoneId, query = '' } = {}) {
  const context = await chromium.browser.newContext({ viewport: { width, height: 900 }, javaScriptEnabled: js, timezoneId });
  contexts.push(context);
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
  await page.route('**/favicon.ico', (r) => r.fulfill({ status: 204 }));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective}`));
  });
  await page.goto(`${srv.base}/report/abuse${query}`, { waitUntil: 'load' });
  if (js) await page.waitForFunction(() => !document.querySelector('.nojs'));   // the taxonomy is in
  return { page, problems, context };
}

function clean(problems) {
  assert.deepEqual(problems.filter((p) => !/status of 40[03]/.test(p)), []);
}

/** Press a submit button (or a key) and wait for the page that comes back; returns its status. */
async function press(page, selector, key) {
  const [res] = await Promise.all([
    page.waitForNavigation({ waitUntil: 'load' }),
    key ? page.keyboard.press(key) : page.click(selector),
  ]);
  return res.status();
}

const submit = (page) => press(page, 'button[value="submit"]');
const optionsOf = (page, id) => page.$$eval(`#${id} option`, (os) => os.map((o) => [o.value, o.textContent]));
const EML = Buffer.from('Received: from mx.phish.example\r\nFrom: "Bank" <bank@phish.example>\r\nSubject: Verify\r\n\r\nclick\r\n');
const sha256 = (b) => createHash('sha256').update(b).digest('hex');

async function fillContact(page) {
  await page.fill('#f-reporterName', 'Jane Doe');
  await page.fill('#f-reporterEmail', 'jane.doe@example.com');
  await page.fill('#f-reporterOrg', 'Contoso CERT');
}

async function screenshot(page, name) {
  await page.screenshot({ path: artifactPath(name), fullPage: true });
}

async function noOverflow(page) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(w <= 360, `the page is ${w} px wide at a 360 px viewport`);
}

// --- the lists --------------------------------------------------------------------

test('for_every_threat_type_the_incident_list_matches_the_taxonomy', T, async () => {
  const { page, problems } = await open();
  assert.deepEqual((await optionsOf(page, 'f-threatType')).slice(1).map((o) => o[0]), tax.threatTypes.map((t) => t.name));
  for (const t of tax.threatTypes) {
    await page.selectOption('#f-threatType', t.name);
    assert.deepEqual((await optionsOf(page, 'f-incidentType')).slice(1), t.incidentTypes.map((i) => [i.name, i.label ?? i.name]));
    assert.equal(await page.textContent('#f-threatType-desc'), t.description);
    for (const i of t.incidentTypes) {
      await page.selectOption('#f-incidentType', i.name);
      assert.equal(await page.textContent('#f-incidentType-desc'), i.description, `${t.name} / ${i.name}`);
    }
    assert.equal(await page.isVisible(`#${t.indicator === 'ip' ? 'ip' : 'url'}-rows`), true);
    assert.equal(await page.isVisible(`#${t.indicator === 'ip' ? 'url' : 'ip'}-rows`), false);
  }
  const portalOnly = tax.threatTypes.flatMap((t) => t.incidentTypes).filter((i) => i.portalOnly);
  assert.ok(portalOnly.length > 0, 'the taxonomy has portal-only incident types (Responsible AI)');
  clean(problems);
});

test('attack_method_appears_only_with_the_incident_types_that_have_them', T, async () => {
  const { page, problems } = await open();
  for (const t of tax.threatTypes) {
    await page.selectOption('#f-threatType', t.name);
    for (const i of t.incidentTypes) {
      await page.selectOption('#f-incidentType', i.name);
      const visible = await page.isVisible('#f-attackMethod');
      assert.equal(visible, i.attackMethods.length > 0, `${t.name} / ${i.name}`);
      if (visible) {
        assert.deepEqual((await optionsOf(page, 'f-attackMethod')).slice(1), i.attackMethods.map((m) => [m.name, m.name]));
        await page.selectOption('#f-attackMethod', i.attackMethods[0].name);
        assert.equal(await page.textContent('#f-attackMethod-desc'), i.attackMethods[0].description);
      }
    }
  }
  await page.selectOption('#f-threatType', '');
  assert.equal(await page.isVisible('#f-attackMethod'), false);
  assert.deepEqual(await optionsOf(page, 'f-incidentType'), [['', 'Choose a threat type first']]);
  clean(problems);
});

test('without_javascript_update_choices_rebuilds_the_lists_from_the_taxonomy', T, async () => {
  const { page } = await open({ js: false });
  for (const t of tax.threatTypes) {
    await page.selectOption('#f-threatType', t.name);
    assert.equal(await press(page, 'button[value="update"]'), 200);
    assert.deepEqual((await optionsOf(page, 'f-incidentType')).slice(1), t.incidentTypes.map((i) => [i.name, i.label ?? i.name]));
    const withMethods = t.incidentTypes.find((i) => i.attackMethods.length > 0);
    await page.selectOption('#f-incidentType', withMethods.name);
    await press(page, 'button[value="update"]');
    assert.equal(await page.isVisible('#f-attackMethod'), true);
    assert.deepEqual((await optionsOf(page, 'f-attackMethod')).slice(1).map((o) => o[0]), withMethods.attackMethods.map((m) => m.name));
    const without = t.incidentTypes.find((i) => i.attackMethods.length === 0);
    await page.selectOption('#f-incidentType', without.name);
    await press(page, 'button[value="update"]');
    assert.equal(await page.isVisible('#f-attackMethod'), false);
  }
});

// --- a report that goes through -------------------------------------------------------

test('valid_report_with_attachment_reaches_confirmation_and_the_store', T, async () => {
  const { page, problems } = await open();
  await screenshot(page, 'portal-empty.png');
  await fillContact(page);
  await page.check('#f-anonymizeReport');
  await page.selectOption('#f-threatType', 'IP Address');
  await page.selectOption('#f-incidentType', 'Social Engineering');
  await page.selectOption('#f-attackMethod', 'Phishing Email');
  await page.fill('#f-date', '2021-01-15');
  await page.fill('#f-time', '13:45');
  await page.selectOption('#f-timeZone', '-05:00');
  await page.fill('#f-sourceIp', '8.8.8.8');
  await page.fill('#f-sourcePort', '25');
  await page.click('button[value="add-ip"]');
  await page.fill('#f-ipAddressList-0-sourceIp', '8.8.4.4');
  await page.selectOption('#f-severity', 'High');
  await page.fill('#f-reportNotes', 'Phishing mail sent from these addresses.\nHeaders attached.');
  await page.setInputFiles('#f-attachment', { name: 'phish.eml', mimeType: 'message/rfc822', buffer: EML });
  const before = reportCount(srv.database);
  assert.equal(await submit(page), 200);
  assert.equal(await page.textContent('h1'), 'Thank you: your report was received');
  assert.equal(await focusedAfterLoad(page, 'confirmation'), 'confirmation');
  const caseId = await page.textContent('.case-id');
  assert.equal(await page.textContent('code.hash'), sha256(EML));
  assert.match(await page.textContent('dl.summary'), /phish\.eml.*message\/rfc822/s);
  assert.match(await page.textContent('dl.summary'), /8\.8\.8\.8 port 25.*8\.8\.4\.4/s);
  await screenshot(page, 'portal-confirmation.png');
  assert.equal(reportCount(srv.database), before + 1);
  const [row] = sql(srv.database, `SELECT r.anonymize, r.attack_method, a.sha256, a.size, a.file_name FROM reports r
    JOIN attachments a ON a.report_id = r.id WHERE r.case_id = '${caseId}'`);
  assert.deepEqual(row, { anonymize: 1, attack_method: 'Phishing Email', sha256: sha256(EML), size: EML.length, file_name: 'phish.eml' });
  const stored = JSON.parse(sql(srv.database, `SELECT report_json FROM reports WHERE case_id = '${caseId}'`)[0].report_json);
  assert.deepEqual(stored.ipAddressList, [{ sourceIp: '8.8.4.4' }]);
  assert.equal(stored.timeZone, '-05:00');
  await page.click('#status-link');
  await page.waitForLoadState('load');
  assert.equal(await page.textContent('h1'), 'Report status');
  assert.match(await page.textContent('main'), new RegExp(caseId));
  clean(problems);
});

test('without_javascript_a_url_report_with_rows_and_a_file_goes_through', T, async () => {
  const { page } = await open({ js: false });
  await fillContact(page);
  await page.selectOption('#f-threatType', 'URL');
  await press(page, 'button[value="update"]');
  await page.selectOption('#f-incidentType', 'Social Engineering');
  await press(page, 'button[value="update"]');
  await page.selectOption('#f-attackMethod', 'Phishing Website');
  await page.fill('#f-sourceUrl', 'https://login.phish.example/');
  await press(page, 'button[value="add-url"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-urlList-0-sourceUrl');
  await page.fill('#f-urlList-0-sourceUrl', 'https://cdn.phish.example/kit.zip');
  await press(page, 'button[value="add-url"]');
  await page.fill('#f-urlList-1-sourceUrl', 'https://wrong.example/');
  await press(page, 'button[value="remove-url-1"]');
  assert.equal(await page.$('#f-urlList-1-sourceUrl'), null);
  assert.equal(await page.inputValue('#f-urlList-0-sourceUrl'), 'https://cdn.phish.example/kit.zip');
  assert.equal(await page.inputValue('#f-reporterName'), 'Jane Doe');
  await page.setInputFiles('#f-attachment', { name: 'page.png', mimeType: 'image/png', buffer: PNG });
  assert.equal(await submit(page), 200);
  const caseId = await page.textContent('.case-id');
  const [row] = sql(srv.database, `SELECT r.incident_type, r.attack_method, a.media_type, a.sha256 FROM reports r
    JOIN attachments a ON a.report_id = r.id WHERE r.case_id = '${caseId}'`);
  assert.deepEqual(row, { incident_type: 'Social Engineering', attack_method: 'Phishing Website', media_type: 'image/png', sha256: sha256(PNG) });
});

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc000000301010018dd8db40000000049454e44ae426082', 'hex');

// --- a report that comes back ------------------------------------------------------------

const badFields = {
  reporterName: 'Jane Doe', reporterEmail: 'jane@', threatType: 'IP Address', incidentType: 'Brute Force',
  date: '15/01/2021', time: '10:30', sourceIp: '192.168.1.20', reportNotes: 'Kept <as> typed',
};

async function fillBad(page, js) {
  await page.fill('#f-reporterName', badFields.reporterName);
  await page.fill('#f-reporterEmail', badFields.reporterEmail);
  await page.selectOption('#f-threatType', badFields.threatType);
  if (!js) await press(page, 'button[value="update"]');
  await page.selectOption('#f-incidentType', badFields.incidentType);
  await page.fill('#f-date', badFields.date);
  await page.fill('#f-time', badFields.time);
  await page.fill('#f-sourceIp', badFields.sourceIp);
  await page.fill('#f-reportNotes', badFields.reportNotes);
}

/**
 * The element that has the focus once autofocus has run: autofocus is applied at the
 * page's next rendering opportunity, not at load, so wait (bounded) before reading it.
 */
async function focusedAfterLoad(page, id) {
  await page.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 5_000 }).catch(() => {});
  return page.evaluate(() => document.activeElement.id);
}

async function assertComesBack(page, api) {
  assert.equal(await focusedAfterLoad(page, 'error-summary'), 'error-summary');
  for (const [key, msgs] of Object.entries(api.json.errors)) {
    const id = `f-${key}`;
    assert.equal((await page.textContent(`#${id}-error`)).replace(/^Error: /, ''), msgs.join(''), key);
    assert.equal(await page.getAttribute(`#${id}`, 'aria-invalid'), 'true');
    assert.ok((await page.getAttribute(`#${id}`, 'aria-describedby')).split(' ').includes(`${id}-error`));
    assert.equal(await page.locator(`#error-summary a[href="#${id}"]`).count(), msgs.length);
  }
  assert.equal(await page.inputValue('#f-reporterEmail'), badFields.reporterEmail);
  assert.equal(await page.inputValue('#f-date'), badFields.date);
  assert.equal(await page.inputValue('#f-reportNotes'), badFields.reportNotes);
  assert.equal(await page.inputValue('#f-incidentType'), badFields.incidentType);
}

test('invalid_report_comes_back_with_the_api_messages_beside_the_fields', T, async () => {
  const api = await postJson(srv.base, { ...badFields, testSubmission: true });
  assert.deepEqual(Object.keys(api.json.errors).sort(), ['date', 'reporterEmail', 'sourceIp']);
  const { page, problems } = await open();
  await fillBad(page, true);
  await page.setInputFiles('#f-attachment', { name: 'mail.eml', mimeType: 'message/rfc822', buffer: EML });
  const before = reportCount(srv.database);
  assert.equal(await submit(page), 400);
  await assertComesBack(page, api);
  assert.match(await page.textContent('#f-attachment-note'), /choose your file again/);
  await screenshot(page, 'portal-error.png');
  // Following a summary link puts the focus in the field.
  await page.click('#error-summary a[href="#f-sourceIp"]');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-sourceIp');
  // Fixing a field clears its message as you type.
  await page.fill('#f-sourceIp', '8.8.8.8');
  await page.waitForSelector('#f-sourceIp-error', { state: 'detached' });
  assert.equal(await page.getAttribute('#f-sourceIp', 'aria-invalid'), null);
  assert.equal(reportCount(srv.database), before);
  clean(problems);
});

test('without_javascript_an_invalid_report_comes_back_the_same_way', T, async () => {
  const api = await postJson(srv.base, { ...badFields, testSubmission: true });
  const { page } = await open({ js: false });
  await fillBad(page, false);
  assert.equal(await submit(page), 400);
  await assertComesBack(page, api);
});

test('fields_are_checked_as_you_go_with_the_servers_words', T, async () => {
  const { page, problems } = await open();
  const api = await postJson(srv.base, { reporterEmail: 'jane@example', testSubmission: true });
  await page.fill('#f-reporterEmail', 'jane@example');
  await page.press('#f-reporterEmail', 'Tab');
  await page.waitForSelector('#f-reporterEmail-error');
  assert.equal((await page.textContent('#f-reporterEmail-error')).replace(/^Error: /, ''), api.json.errors.reporterEmail.join(''));
  assert.equal(await page.$('#f-reporterName-error'), null, 'untouched fields are left alone');
  await page.fill('#f-reporterEmail', 'jane@example.com');
  await page.waitForSelector('#f-reporterEmail-error', { state: 'detached' });
  await page.selectOption('#f-threatType', 'IP Address');
  await page.fill('#f-sourceIp', '10.0.0.1');
  await page.press('#f-sourceIp', 'Tab');
  await page.waitForSelector('#f-sourceIp-error');
  assert.match(await page.textContent('#f-sourceIp-error'), /10\.0\.0\.1 is a private address/);
  assert.equal(reportCount(srv.database) >= 0, true);
  clean(problems);
});

test('oversized_file_is_refused_in_the_page_before_it_is_sent', T, async () => {
  const { page, problems } = await open();
  const max = Number(await page.getAttribute('#f-attachment', 'data-max-bytes'));
  await page.setInputFiles('#f-attachment', { name: 'huge.log', mimeType: 'text/plain', buffer: Buffer.alloc(max + 1, 'a') });
  assert.match(await page.textContent('#f-attachment-error'), /larger than 10 MiB/);
  let posted = false;
  page.on('request', (r) => { if (r.method() === 'POST' && r.url().endsWith('/report/abuse')) posted = true; });
  await page.click('button[value="submit"]');
  await page.waitForTimeout(300);
  assert.equal(posted, false);
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-attachment');
  clean(problems);
});

// --- pre-fill, rows, time zone ------------------------------------------------------------

test('prefill_from_the_query_string_with_and_without_javascript', T, async () => {
  for (const js of [true, false]) {
    const { page, problems } = await open({ js,
      query: '?ThreatType=URL&IncidentType=Phishing&SourceUrl=https%3A%2F%2Fphish.example%2Flogin' });
    assert.equal(await page.inputValue('#f-threatType'), 'URL');
    assert.equal(await page.inputValue('#f-incidentType'), 'Phishing');
    assert.equal(await page.inputValue('#f-sourceUrl'), 'https://phish.example/login');
    assert.equal(await page.isVisible('#url-rows'), true);
    assert.equal(await page.isVisible('#ip-rows'), false);
    assert.equal(await page.isVisible('#f-attackMethod'), false);
    clean(problems);
  }
  const { page } = await open({ query: '?threattype=ip%20address&sourceip=8.8.8.8&incidenttype=brute%20force&attackmethod=password%20spray' });
  assert.equal(await page.inputValue('#f-sourceIp'), '8.8.8.8');
  assert.equal(await page.inputValue('#f-attackMethod'), 'Password Spray');
});

test('rows_are_added_and_removed_in_the_page_up_to_ten', T, async () => {
  const { page, problems } = await open();
  await page.selectOption('#f-threatType', 'IP Address');
  for (let i = 0; i < 9; i++) await page.click('button[value="add-ip"]');
  assert.equal(await page.locator('#ip-rows > fieldset.row').count(), 10);
  assert.equal(await page.isVisible('button[value="add-ip"]'), false);
  for (let i = 0; i < 9; i++) await page.fill(`#f-ipAddressList-${i}-sourceIp`, `8.8.4.${i + 1}`);
  await page.click('button[value="remove-ip-3"]');
  assert.equal(await page.locator('#ip-rows > fieldset.row').count(), 9);
  assert.equal(await page.inputValue('#f-ipAddressList-3-sourceIp'), '8.8.4.5');
  assert.equal(await page.textContent('#ip-rows > fieldset.row:nth-of-type(5) legend'), 'IP address 5');
  assert.equal(await page.getAttribute('#ip-rows > fieldset.row:nth-of-type(5) button.remove', 'value'), 'remove-ip-3');
  assert.equal(await page.isVisible('button[value="add-ip"]'), true);
  assert.equal(await page.getAttribute('label[for="f-ipAddressList-7-sourceIp"]', 'for'), 'f-ipAddressList-7-sourceIp');
  await fillContact(page);
  await page.selectOption('#f-incidentType', 'Spam');
  await page.fill('#f-sourceIp', '8.8.8.8');
  assert.equal(await submit(page), 200);
  const caseId = await page.textContent('.case-id');
  const stored = JSON.parse(sql(srv.database, `SELECT report_json FROM reports WHERE case_id = '${caseId}'`)[0].report_json);
  assert.deepEqual(stored.ipAddressList.map((x) => x.sourceIp), ['8.8.4.1', '8.8.4.2', '8.8.4.3', '8.8.4.5', '8.8.4.6', '8.8.4.7', '8.8.4.8', '8.8.4.9']);
  clean(problems);
});

test('time_zone_is_the_browsers_and_is_not_sent_without_a_date', T, async () => {
  const { page, problems } = await open({ timezoneId: 'America/New_York' });
  await page.fill('#f-date', '2021-01-15');
  assert.equal(await page.inputValue('#f-timeZone'), '-05:00');
  await page.fill('#f-date', '2021-07-15');
  await page.press('#f-date', 'Tab');
  assert.equal(await page.inputValue('#f-timeZone'), '-04:00', 'daylight saving time on the incident date');
  await page.fill('#f-date', '');
  await fillContact(page);
  await page.selectOption('#f-threatType', 'IP Address');
  await page.selectOption('#f-incidentType', 'Spam');
  await page.fill('#f-sourceIp', '8.8.8.8');
  assert.equal(await submit(page), 200, 'a preselected zone alone is not an error');
  const caseId = await page.textContent('.case-id');
  const stored = JSON.parse(sql(srv.database, `SELECT report_json FROM reports WHERE case_id = '${caseId}'`)[0].report_json);
  assert.equal(stored.timeZone, undefined);
  assert.equal(stored.incidentTimeSource, 'received');
  clean(problems);
});

// --- accessibility and small screens ---------------------------------------------------------

test('every_control_is_labelled_and_the_form_works_by_keyboard', T, async () => {
  const { page, problems } = await open();
  const unlabelled = await page.$$eval('input:not([type=hidden]), select, textarea',
    (els) => els.filter((e) => e.labels.length === 0 || !e.labels[0].textContent.trim()).map((e) => e.id || e.name));
  assert.deepEqual(unlabelled, []);
  assert.equal(await page.$$eval('fieldset', (fs) => fs.filter((f) => !f.querySelector(':scope > legend')).length), 0);
  const order = [];
  await page.focus('#f-reporterName');
  for (let i = 0; i < 40; i++) {
    order.push(await page.evaluate(() => document.activeElement.id || document.activeElement.value));
    await page.keyboard.press('Tab');
  }
  for (const id of ['f-reporterEmail', 'f-anonymizeReport', 'f-threatType', 'f-incidentType', 'f-date', 'f-timeZone',
    'f-sourceIp', 'add-ip', 'f-severity', 'f-reportNotes', 'f-attachment', 'submit']) assert.ok(order.includes(id), `${id} in ${order}`);
  assert.ok(!order.includes('f-website'), 'the honeypot is not in the tab order');
  // Submit an empty form with the keyboard: the summary takes the focus, a link leads to its field.
  await page.focus('button[value="submit"]');
  assert.equal(await press(page, null, 'Enter'), 400);
  assert.equal(await focusedAfterLoad(page, 'error-summary'), 'error-summary');
  await page.keyboard.press('Tab');
  assert.equal(await page.evaluate(() => document.activeElement.getAttribute('href')), '#f-reporterName');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'f-reporterName');
  clean(problems);
});

test('pages_fit_a_360_px_screen', T, async () => {
  const { page, problems } = await open({ width: 360 });
  await noOverflow(page);
  await screenshot(page, 'portal-empty-360.png');
  await fillBad(page, true);
  await submit(page);
  await noOverflow(page);
  await screenshot(page, 'portal-error-360.png');
  await page.fill('#f-reporterEmail', 'jane@example.com');
  await page.fill('#f-date', '2021-01-15');
  await page.fill('#f-sourceIp', '8.8.8.8');
  await page.setInputFiles('#f-attachment', { name: 'a-rather-long-evidence-file-name-from-the-mail-client.eml', mimeType: 'message/rfc822', buffer: EML });
  assert.equal(await submit(page), 200);
  await noOverflow(page);
  await screenshot(page, 'portal-confirmation-360.png');
  clean(problems);
});

// --- the announcement's three examples ----------------------------------------------------------

const reporter = { reporterName: 'Jane Doe', reporterEmail: 'jane.doe@example.com', reporterOrg: 'Contoso' };

test('example_1_phishing_email_from_an_ip_is_received_as_the_api_takes_it', T, async () => {
  const fields = { ...reporter, threatType: 'IP Address', incidentType: 'Social Engineering', attackMethod: 'Phishing Email',
    sourceIp: '8.8.8.8', date: '2021-01-15', time: '13:45:00', timeZone: '-05:00' };
  const api = await postJson(srv.base, { ...fields, testSubmission: true });
  assert.equal(api.status, 200);
  const { page, problems } = await open();
  await fillContact(page);
  await page.fill('#f-reporterOrg', 'Contoso');
  await page.selectOption('#f-threatType', 'IP Address');
  await page.selectOption('#f-incidentType', 'Social Engineering');
  await page.selectOption('#f-attackMethod', 'Phishing Email');
  await page.fill('#f-date', fields.date);
  await page.fill('#f-time', fields.time);
  await page.selectOption('#f-timeZone', fields.timeZone);
  await page.fill('#f-sourceIp', fields.sourceIp);
  assert.equal(await submit(page), 200);
  const caseId = await page.textContent('.case-id');
  const stored = JSON.parse(sql(srv.database, `SELECT report_json FROM reports WHERE case_id = '${caseId}'`)[0].report_json);
  assert.equal(stored.incidentTime, api.json.report.incidentTime);
  assert.equal(stored.attackMethod, 'Phishing Email');
  clean(problems);
});

test('example_2_phishing_website_under_ip_address_gets_the_api_message', T, async () => {
  const fields = { ...reporter, threatType: 'IP Address', incidentType: 'Social Engineering', attackMethod: 'Phishing Website',
    sourceIp: '8.8.8.8', date: '2021-01-15' };
  const api = await postJson(srv.base, { ...fields, testSubmission: true });
  assert.deepEqual(Object.keys(api.json.errors), ['attackMethod']);
  // Without JavaScript a person can choose it under URL, then switch the threat type back and submit.
  const { page } = await open({ js: false });
  await fillContact(page);
  await page.selectOption('#f-threatType', 'IP Address');
  await press(page, 'button[value="update"]');
  await page.fill('#f-date', fields.date);
  await page.fill('#f-sourceIp', fields.sourceIp);
  await page.selectOption('#f-threatType', 'URL');
  await press(page, 'button[value="update"]');
  await page.selectOption('#f-incidentType', 'Social Engineering');
  await press(page, 'button[value="update"]');
  await page.selectOption('#f-attackMethod', 'Phishing Website');
  assert.equal(await page.isVisible('#f-sourceIp'), true, 'the IP rows stay while they hold a value');
  await page.selectOption('#f-threatType', 'IP Address');
  assert.equal(await submit(page), 400);
  assert.equal((await page.textContent('#f-attackMethod-error')).replace(/^Error: /, ''), api.json.errors.attackMethod.join(''));
  assert.equal(await page.inputValue('#f-attackMethod'), 'Phishing Website');
  // With JavaScript the same link shows the message as soon as the page is there.
  const js = await open({ query: '?ThreatType=IP%20Address&IncidentType=Social%20Engineering' });
  assert.deepEqual((await optionsOf(js.page, 'f-attackMethod')).slice(1).map((o) => o[0]), ['Phishing Email', 'Tech Support Scam'],
    'with JavaScript the invalid choice is never offered');
  clean(js.problems);
});

test('example_3_account_compromise_with_a_wrong_date_format_gets_the_api_message', T, async () => {
  const fields = { ...reporter, threatType: 'IP Address', incidentType: 'Account Compromise/Unauthorized Access',
    attackMethod: 'Unauthorized Login', sourceIp: '1.1.1.1', date: '2021/01/15', time: '09:10', timeZone: 'UTC' };
  const api = await postJson(srv.base, { ...toJson(fields), testSubmission: true });
  assert.deepEqual(Object.keys(api.json.errors), ['date']);
  const { page, problems } = await open();
  await fillContact(page);
  await page.selectOption('#f-threatType', 'IP Address');
  await page.selectOption('#f-incidentType', 'Account Compromise/Unauthorized Access');
  await page.selectOption('#f-attackMethod', 'Unauthorized Login');
  await page.fill('#f-date', fields.date);
  await page.fill('#f-time', fields.time);
  await page.selectOption('#f-timeZone', '+00:00');
  await page.fill('#f-sourceIp', fields.sourceIp);
  await page.press('#f-sourceIp', 'Tab');
  const before = reportCount(srv.database);
  assert.equal(await submit(page), 400);
  assert.equal((await page.textContent('#f-date-error')).replace(/^Error: /, ''), api.json.errors.date.join(''));
  assert.match(api.json.errors.date.join(''), /yyyy-MM-dd/);
  assert.equal(reportCount(srv.database), before);
  clean(problems);
});

test('without_javascript_the_page_still_offers_everything_and_needs_no_script', T, async () => {
  const { page } = await open({ js: false, query: `?ThreatType=IP%20Address&IncidentType=Brute%20Force&SourceIp=8.8.8.8` });
  assert.equal(await page.isVisible('button[value="update"]'), true);
  await fillContact(page);
  await page.fill('#f-date', PAST_DATE);
  await page.selectOption('#f-attackMethod', 'Credential Stuffing');
  assert.equal(await submit(page), 200);
  assert.match(await page.textContent('h1'), /Thank you/);
});
