// Crash safety (DESIGN.md section 5): a 200 for a real report means it is on
// disk, and a crash at any moment loses no acknowledged report and leaves no
// half-written one.
//
// Concurrent clients submit real reports (IP and URL reports with lists of
// random length, each marked with a unique note) while the server is killed
// with SIGKILL at random moments, again and again, and restarted on the same
// database.  After every restart, read through the sqlite3 CLI while the
// server runs:
//   - PRAGMA integrity_check is "ok" and PRAGMA foreign_key_check is empty;
//   - every report whose 200 was received is there, its report_json equal to
//     the "report" member of that 200, its n_indicators and its rows in
//     indicators equal to the indicators of that report;
//   - nothing is half-written: every stored report (acknowledged or not: a
//     commit may land just before the kill, its 200 never sent) has exactly
//     as many indicator rows as it says and as its JSON names, is one this
//     test sent, and no indicator row lacks its report;
// and a few acknowledged reports answer GET status with their token.
// Bounded: CRASH_KILLS kills (default 24), about a minute in all.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';
import { join } from 'node:path';

import { postJson, get } from './lib/http.mjs';
import { ipReport, urlReport } from './lib/reports.mjs';
import { delay, makeTempDir, removeTempDir, startServer, withTimeout } from './lib/server.mjs';

const KILLS = Number(process.env.CRASH_KILLS ?? 24);
const CLIENTS = 8;
const MAX_LOAD_MS = 600;   // each life of the server: a random 0..MAX_LOAD_MS of load, then SIGKILL
const RUN = randomBytes(4).toString('hex');

const dirs = [];
after(() => { for (const d of dirs) removeTempDir(d); });

function sqlite(db, sql) {
  const r = spawnSync('sqlite3', ['-json', db, sql], { encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, timeout: 60_000 });
  if (r.error) throw new Error(`sqlite3 CLI: ${r.error.message} (install the sqlite3 package)`);
  assert.equal(r.status, 0, `sqlite3 ${sql}: ${r.stderr}`);
  return r.stdout.trim() === '' ? [] : JSON.parse(r.stdout);
}

function pick(n) {
  return Math.floor(Math.random() * n);
}

// A public address that no validator refuses: 23.0.0.0/8 and 45.0.0.0/8 are ordinary unicast.
function publicIp() {
  return `${pick(2) ? 23 : 45}.${pick(256)}.${pick(256)}.${1 + pick(254)}`;
}

let seq = 0;
function nextReport() {
  const note = `crash ${RUN} #${++seq}`;
  const n = pick(24);
  if (pick(2)) {
    const list = Array.from({ length: n }, () => ({ sourceIp: publicIp(), ...(pick(3) ? {} : { destinationIp: publicIp(), destinationPort: 1 + pick(65535) }) }));
    return ipReport({ reportNotes: note, ...(n ? { ipAddressList: list } : {}) });
  }
  const list = Array.from({ length: n }, (_, i) => ({ sourceUrl: `https://h${pick(1000)}.phish.example/${RUN}/${seq}/${i}` }));
  return urlReport({ reportNotes: note, ...(n ? { urlList: list } : {}) });
}

// The indicators a normalized report names (as src/api/abuse.c stores them).
function indicatorCount(r) {
  let n = 0;
  for (const k of ['sourceIp', 'destinationIp', 'sourceUrl', 'destinationUrl']) if (r[k] !== undefined) n++;
  for (const it of r.ipAddressList ?? []) n += (it.sourceIp !== undefined) + (it.destinationIp !== undefined);
  for (const it of r.urlList ?? []) n += (it.sourceUrl !== undefined) + (it.destinationUrl !== undefined);
  return n;
}

// Submit until told to stop; every complete 200 goes into acked.
async function client(srv, acked, counts, stopping) {
  while (!stopping.now) {
    let res;
    try {
      res = await postJson(srv.base, nextReport());
    } catch {
      counts.failed++;      // the kill cut the connection: not acknowledged
      continue;
    }
    if (res.status === 200 && res.json?.caseId) {
      acked.set(res.json.caseId, { caseId: res.json.caseId, token: res.json.trackingToken, report: res.json.report });
      counts.acked++;
    } else if (res.status === 503) {
      counts.refused++;     // not received, and said so
    } else {
      assert.fail(`unexpected answer to a valid report: ${res.status} ${res.text.slice(0, 300)}`);
    }
  }
}

function verify(db, acked) {
  assert.deepEqual(sqlite(db, 'PRAGMA integrity_check'), [{ integrity_check: 'ok' }], 'PRAGMA integrity_check');
  assert.deepEqual(sqlite(db, 'PRAGMA foreign_key_check'), [], 'PRAGMA foreign_key_check');
  const orphans = sqlite(db, 'SELECT count(*) AS n FROM indicators WHERE report_id NOT IN (SELECT id FROM reports)');
  assert.equal(orphans[0].n, 0, 'indicator rows without their report');
  const rows = sqlite(db, 'SELECT case_id, report_json, n_indicators,'
    + ' (SELECT count(*) FROM indicators i WHERE i.report_id = r.id) AS rows FROM reports r');
  const stored = new Map();
  for (const row of rows) {
    const r = JSON.parse(row.report_json);
    assert.ok(String(r.reportNotes).startsWith(`crash ${RUN} #`), `a stored report this test did not send: ${row.case_id}`);
    assert.equal(row.rows, row.n_indicators, `report ${row.case_id}: ${row.rows} indicator rows, n_indicators says ${row.n_indicators}`);
    assert.equal(row.n_indicators, indicatorCount(r), `report ${row.case_id}: n_indicators ${row.n_indicators}, its JSON names ${indicatorCount(r)}`);
    stored.set(row.case_id, { json: r, rows: row.rows });
  }
  for (const a of acked.values()) {
    const s = stored.get(a.caseId);
    assert.ok(s, `acknowledged report ${a.caseId} is missing after a crash`);
    assert.deepEqual(s.json, a.report, `acknowledged report ${a.caseId}: stored JSON differs from the 200's report`);
    assert.equal(s.rows, indicatorCount(a.report), `acknowledged report ${a.caseId}: indicator rows`);
  }
  return rows.length;
}

test('sigkill_at_random_moments_loses_no_acknowledged_report_and_leaves_none_half_written', { timeout: 240_000 }, async (t) => {
  const dir = makeTempDir();
  dirs.push(dir);
  const db = join(dir, 'abusedesk.db');
  const acked = new Map();
  const counts = { acked: 0, failed: 0, refused: 0, kills: 0, stored: 0 };
  const t0 = Date.now();
  let srv = await startServer({ dir, args: ['--access-log', 'off'] });
  try {
    for (let k = 0; k < KILLS; k++) {
      const stopping = { now: false };
      const clients = Array.from({ length: CLIENTS }, () => client(srv, acked, counts, stopping));
      await delay(pick(MAX_LOAD_MS + 1));
      srv.proc.kill('SIGKILL');
      const exit = await withTimeout(new Promise((res) => srv.proc.once('exit', (code, signal) => res({ code, signal }))), 10_000)
        ?? (srv.proc.signalCode ? { signal: srv.proc.signalCode } : undefined);
      assert.equal(exit?.signal, 'SIGKILL', 'the server died of the SIGKILL');
      counts.kills++;
      stopping.now = true;
      await Promise.all(clients);
      srv = await startServer({ dir, args: ['--access-log', 'off'] });
      counts.stored = verify(db, acked);
    }
    // The reports are also there for their reporters, through the API.
    const sample = [...acked.values()].sort(() => Math.random() - 0.5).slice(0, 20);
    for (const a of sample) {
      const res = await get(srv.base, `/report/v2.0/abuse/${a.caseId}`, { 'X-Tracking-Token': a.token });
      assert.equal(res.status, 200, `GET status of ${a.caseId} after the crashes: ${res.text}`);
      assert.equal(res.json.indicatorCount, indicatorCount(a.report), `indicatorCount of ${a.caseId}`);
    }
  } finally {
    await srv.stop();
  }
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  t.diagnostic(`${counts.kills} SIGKILLs in ${secs} s; ${counts.acked} reports acknowledged and verified present and intact;`
    + ` ${counts.stored} stored in all; ${counts.failed} requests cut by a kill, ${counts.refused} refused with 503`);
  assert.ok(counts.kills >= Math.min(KILLS, 20), 'at least 20 kills');
  assert.ok(counts.acked >= KILLS, `reports were acknowledged between the kills (${counts.acked})`);
});
