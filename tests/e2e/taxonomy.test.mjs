// GET /report/v2.0/taxonomy against taxonomy.md §2, and the health checks.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { assertJson } from './lib/expect.mjs';
import { serverForFile } from './lib/fixture.mjs';
import { get } from './lib/http.mjs';

const srv = serverForFile();
const T = { timeout: 30_000 };

// taxonomy.md §2, in order: incident type → attack methods.
const EXPECTED = {
  'IP Address': [
    ['Brute Force', ['Password Spray', 'Dictionary Attack', 'Credential Stuffing']],
    ['Denial of Service', ['Flooding', 'Reflection Attack', 'Resource Depletion']],
    ['Account Compromise/Unauthorized Access', ['Credential Theft', 'Exploitation of a Vulnerability', 'Unauthorized Login']],
    ['Social Engineering', ['Phishing Email', 'Tech Support Scam']],
    ['Phishing', []],
    ['Malware', ['Command and Control', 'Malware Distribution']],
    ['Scanning/Scraping', ['Port Scan', 'Web Scraping']],
    ['Spam', []],
    ['Illegal/Violates the rights of others', []],
  ],
  URL: [
    ['Phishing', []],
    ['Social Engineering', ['Phishing Website', 'Tech Support Scam']],
    ['Malware', ['Malware Distribution', 'Command and Control']],
    ['Illegal/Violates the rights of others', []],
    ['Responsible AI', []],
  ],
};

const ZONES = {
  PST: '-08:00', PDT: '-07:00', MST: '-07:00', MDT: '-06:00', CST: '-06:00', CDT: '-05:00',
  EST: '-05:00', EDT: '-04:00', CET: '+01:00', CEST: '+02:00', JST: '+09:00',
};

async function taxonomy() {
  const res = await get(srv.base, '/report/v2.0/taxonomy');
  assert.equal(res.status, 200, res.text);
  return assertJson(res);
}

const nonEmpty = (v, what) => assert.ok(typeof v === 'string' && v.trim().length > 0, `${what} should be a non-empty string, got ${JSON.stringify(v)}`);

test('taxonomy_lists_threat_incident_and_attack_names_in_order', T, async () => {
  const t = await taxonomy();
  assert.ok(Array.isArray(t.threatTypes), 'threatTypes is an array');
  assert.deepEqual(t.threatTypes.map((x) => x.name), Object.keys(EXPECTED));
  for (const threat of t.threatTypes) {
    const want = EXPECTED[threat.name];
    assert.ok(Array.isArray(threat.incidentTypes), `${threat.name}.incidentTypes is an array`);
    assert.deepEqual(threat.incidentTypes.map((i) => i.name), want.map(([n]) => n), `${threat.name} incident types`);
    threat.incidentTypes.forEach((inc, i) => {
      assert.ok(Array.isArray(inc.attackMethods), `${threat.name}/${inc.name}.attackMethods is an array`);
      assert.deepEqual(inc.attackMethods.map((a) => a.name), want[i][1], `${threat.name}/${inc.name} attack methods`);
    });
  }
});

test('taxonomy_entries_carry_descriptions_labels_and_flags', T, async () => {
  const t = await taxonomy();
  const indicators = new Set();
  for (const threat of t.threatTypes) {
    nonEmpty(threat.description, `${threat.name}.description`);
    nonEmpty(threat.indicator, `${threat.name}.indicator`);
    indicators.add(threat.indicator);
    for (const inc of threat.incidentTypes) {
      nonEmpty(inc.description, `${threat.name}/${inc.name}.description`);
      nonEmpty(inc.label, `${threat.name}/${inc.name}.label`);
      assert.equal(typeof inc.portalOnly, 'boolean', `${threat.name}/${inc.name}.portalOnly is a boolean`);
      for (const a of inc.attackMethods) nonEmpty(a.description, `${threat.name}/${inc.name}/${a.name}.description`);
    }
  }
  assert.equal(indicators.size, 2, 'IP Address and URL have different indicators');
  assert.match(t.threatTypes[0].indicator, /ip/i);
  assert.match(t.threatTypes[1].indicator, /url/i);
});

test('taxonomy_marks_responsible_ai_portal_only_and_nothing_else', T, async () => {
  const t = await taxonomy();
  for (const threat of t.threatTypes) {
    for (const inc of threat.incidentTypes) {
      assert.equal(inc.portalOnly, inc.name === 'Responsible AI', `${threat.name}/${inc.name}.portalOnly`);
    }
  }
});

test('taxonomy_labels_illegal_with_its_portal_label', T, async () => {
  const t = await taxonomy();
  for (const threat of t.threatTypes) {
    for (const inc of threat.incidentTypes) {
      const want = inc.name === 'Illegal/Violates the rights of others' ? 'Illegal' : inc.name;
      assert.equal(inc.label, want, `${threat.name}/${inc.name}.label`);
    }
  }
});

test('taxonomy_lists_severities_high_medium_low', T, async () => {
  assert.deepEqual((await taxonomy()).severities, ['High', 'Medium', 'Low']);
});

test('taxonomy_lists_the_fixed_time_zone_table_without_ambiguous_ones', T, async () => {
  const z = (await taxonomy()).timeZones;
  assert.ok(z && typeof z === 'object' && !Array.isArray(z), 'timeZones is an object');
  for (const [abbr, off] of Object.entries(ZONES)) {
    const v = z[abbr];
    const minutes = (off[0] === '-' ? -1 : 1) * (Number(off.slice(1, 3)) * 60 + Number(off.slice(4, 6)));
    assert.ok(v === off || v === minutes, `timeZones.${abbr} should be ${off}, got ${JSON.stringify(v)}`);
  }
  for (const amb of ['IST', 'BST']) assert.ok(!(amb in z), `${amb} is ambiguous and not in the table`);
});

test('healthz_yields_200_status_ok', T, async () => {
  const res = await get(srv.base, '/healthz');
  assert.equal(res.status, 200);
  assert.deepEqual(assertJson(res), { status: 'ok' });
});

test('readyz_yields_200_status_ready', T, async () => {
  const res = await get(srv.base, '/readyz');
  assert.equal(res.status, 200);
  assert.deepEqual(assertJson(res), { status: 'ready' });
});
