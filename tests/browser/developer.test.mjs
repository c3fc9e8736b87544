// The developer page in a real browser (Debian's Chromium through
// playwright-core): it renders with the portal's navigation, the
// Reportable Incident Types table lists exactly what the taxonomy holds,
// and the interactive reference (Swagger UI, embedded at build time) sends
// the prefilled test submission to this server and shows 200 -- all under
// the page's Content-Security-Policy, with no violation reported.
// A full-page screenshot goes to build/test-artifacts/developer.png.

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startServer } from '../e2e/lib/server.mjs';
import { artifactPath, launchBrowser } from './lib/chromium.mjs';

const T = { timeout: 120_000 };
let srv;
let chromium;
let page;
const problems = [];   // CSP violations, page errors, console errors
const posts = [];      // requests the reference sent

before(async () => {
  srv = await startServer();
  chromium = await launchBrowser();
  const context = await chromium.browser.newContext({ viewport: { width: 1280, height: 900 } });
  page = await context.newPage();
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console ${m.type()}: ${m.text()}`);
  });
  page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
  page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()} for ${r.url()}`); });
  // The site has no favicon (no page links one); keep the browser's automatic request out of the errors.
  await page.route('**/favicon.ico', (r) => r.fulfill({ status: 204 }));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI}`);
    });
  });
  await page.goto(`${srv.base}/report/developer`, { waitUntil: 'load' });
}, { timeout: 60_000 });

after(async () => {
  if (chromium) await chromium.close();
  if (srv) await srv.stop();
}, { timeout: 30_000 });

test('developer_page_renders_with_the_portal_navigation', T, async () => {
  assert.match(await page.title(), /Report Abuse API/);
  assert.match(await page.locator('main h1').first().innerText(), /Report Abuse API/);
  const current = page.locator('header nav a[aria-current="page"]');
  assert.equal(await current.innerText(), 'Abuse API');
  assert.equal(await page.locator('header nav a[href="/report/abuse"]').innerText(), 'Report Abuse');
  const sections = await page.locator('main > section > h2').allInnerTexts();
  assert.deepEqual(sections, ['Calling the API', 'Responses', 'Request schema', 'Reportable Incident Types',
    'Examples', 'Interactive reference', 'Versioning and deprecation']);
  assert.ok(await page.locator('#client-curl').isVisible());
  assert.ok(await page.locator('#client-powershell').isVisible());
  assert.ok(await page.locator('#client-python').isVisible());
});

test('incident_types_table_lists_exactly_what_the_taxonomy_holds', T, async () => {
  const tax = await (await fetch(`${srv.base}/report/v2.0/taxonomy`)).json();
  const shown = await page.locator('table.incidents').evaluateAll((tables) => tables.map((t) => ({
    threat: t.dataset.threat,
    incidents: [...t.querySelectorAll('tbody tr')].map((tr) => ({
      name: tr.dataset.incident,
      heading: tr.querySelector('th').innerText,
      description: tr.querySelectorAll('td')[0].innerText,
      portalOnly: tr.dataset.portalOnly === 'true',
      marked: /portal only/i.test(tr.querySelector('th').innerText),
      attacks: [...tr.querySelectorAll('li[data-attack]')].map((li) => li.dataset.attack),
      attackText: tr.querySelectorAll('td')[1].innerText,
    })),
  })));
  assert.deepEqual(shown.map((t) => t.threat), tax.threatTypes.map((t) => t.name), 'one table per threat type, in order');
  for (const [i, t] of tax.threatTypes.entries()) {
    const rows = shown[i].incidents;
    assert.deepEqual(rows.map((r) => r.name), t.incidentTypes.map((x) => x.name), `incident types of ${t.name}`);
    for (const [k, inc] of t.incidentTypes.entries()) {
      const r = rows[k];
      assert.ok(r.heading.startsWith(inc.name), `${inc.name} is shown by name`);
      assert.ok(r.description.startsWith(inc.description), `${inc.name}: its description`);
      assert.equal(r.portalOnly, inc.portalOnly, `${inc.name}: portal only`);
      assert.equal(r.marked, inc.portalOnly, `${inc.name}: marked portal only when it is`);
      assert.deepEqual(r.attacks, inc.attackMethods.map((a) => a.name), `attack methods of ${inc.name} under ${t.name}`);
      for (const a of inc.attackMethods) assert.ok(r.attackText.includes(a.description), `description of ${a.name}`);
      if (inc.attackMethods.length === 0) assert.match(r.attackText, /^none/);
    }
  }
});

test('interactive_reference_sends_the_prefilled_test_submission_and_shows_200', T, async () => {
  const op = page.locator('#swagger-ui .opblock-post').first();
  await op.waitFor({ state: 'visible', timeout: 30_000 });
  assert.match(await op.locator('.opblock-summary-path').innerText(), /\/report\/v2\.0\/abuse/);
  await op.locator('.opblock-summary').click();
  const body = op.locator('.body-param textarea');
  await body.waitFor({ state: 'visible', timeout: 15_000 });
  const sent = JSON.parse(await body.inputValue());
  assert.equal(sent.testSubmission, true, 'the prefilled example is a test submission');
  await op.locator('button.execute').click();
  const status = op.locator('.live-responses-table .response .response-col_status').first();
  await status.waitFor({ state: 'visible', timeout: 30_000 });
  assert.equal((await status.innerText()).trim(), '200');
  const answer = await op.locator('.live-responses-table .response-col_description pre').first().innerText();
  assert.match(answer, /Test Successful/);
  assert.ok(posts.some((u) => u === `${srv.base}/report/v2.0/abuse`), `the reference posted to this server: ${posts}`);
  await page.screenshot({ path: artifactPath('developer.png'), fullPage: true });
  await op.screenshot({ path: artifactPath('developer-reference.png') });
});

test('no_csp_violation_or_script_error_on_the_page', T, async () => {
  assert.deepEqual(problems, []);
});
