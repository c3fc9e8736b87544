// Durability across a restart: real reports are found again by a server
// started on the same database; test submissions leave nothing behind.

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, test } from 'node:test';

import { assertAccepted, assertProblem, assertTestAccepted } from './lib/expect.mjs';
import { ABUSE_PATH, get, postJson } from './lib/http.mjs';
import { asTest, ipReport, urlReport } from './lib/reports.mjs';
import { makeTempDir, removeTempDir, startServer } from './lib/server.mjs';

const dirs = [];
after(() => { for (const d of dirs) removeTempDir(d); });
function tempDir() {
  const d = makeTempDir();
  dirs.push(d);
  return d;
}

async function withServer(dir, fn) {
  const srv = await startServer({ dir });
  try {
    return await fn(srv);
  } finally {
    await srv.stop();
  }
}

test('reports_are_found_after_a_restart_on_the_same_database', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const made = await withServer(dir, async (srv) => {
    const a = assertAccepted(await postJson(srv.base, ipReport()));
    const b = assertAccepted(await postJson(srv.base, urlReport({ urlList: [{ sourceUrl: 'https://phish.example/two' }] })));
    return [a, b];
  });
  await withServer(dir, async (srv) => {
    for (const m of made) {
      const res = await get(srv.base, m.statusUrl, { 'X-Tracking-Token': m.trackingToken });
      assert.equal(res.status, 200, `after restart ${m.statusUrl}: ${res.text}`);
      assert.equal(res.json.caseId, m.caseId);
      assert.equal(res.json.status, 'received');
      assert.equal(Date.parse(res.json.receivedAt), Date.parse(m.receivedAt));
    }
    const [a, b] = made;
    assert.equal((await get(srv.base, a.statusUrl, { 'X-Tracking-Token': a.trackingToken })).json.indicatorCount, 1);
    assert.equal((await get(srv.base, b.statusUrl, { 'X-Tracking-Token': b.trackingToken })).json.indicatorCount, 2);
    // Still no oracle after the restart.
    assertProblem(await get(srv.base, a.statusUrl, { 'X-Tracking-Token': b.trackingToken }), 404);
    // A new report after the restart gets a new id.
    const c = assertAccepted(await postJson(srv.base, ipReport()));
    assert.ok(!made.some((m) => m.caseId === c.caseId));
  });
});

test('concurrent_reports_are_all_found_after_a_restart', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  const made = await withServer(dir, async (srv) => {
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => postJson(srv.base, ipReport({ reportNotes: `concurrent ${i}` }))));
    return answers.map(assertAccepted);
  });
  assert.equal(new Set(made.map((m) => m.caseId)).size, made.length, 'every case id is unique');
  assert.equal(new Set(made.map((m) => m.trackingToken)).size, made.length, 'every token is unique');
  await withServer(dir, async (srv) => {
    for (const m of made) {
      const res = await get(srv.base, m.statusUrl, { 'X-Tracking-Token': m.trackingToken });
      assert.equal(res.status, 200, `after restart ${m.statusUrl}: ${res.text}`);
    }
  });
});

test('reports_survive_three_restarts', { timeout: 90_000 }, async () => {
  const dir = tempDir();
  const made = [];
  for (let round = 0; round < 3; round++) {
    await withServer(dir, async (srv) => {
      for (const m of made) {
        const res = await get(srv.base, m.statusUrl, { 'X-Tracking-Token': m.trackingToken });
        assert.equal(res.status, 200, `round ${round}: ${m.statusUrl}: ${res.text}`);
      }
      made.push(assertAccepted(await postJson(srv.base, ipReport({ reportNotes: `round ${round}` }))));
    });
  }
  assert.equal(made.length, 3);
});

test('test_submissions_store_nothing_and_no_id_answers_after_restart', { timeout: 60_000 }, async () => {
  const dir = tempDir();
  await withServer(dir, async (srv) => {
    for (let i = 0; i < 3; i++) {
      const body = assertTestAccepted(await postJson(srv.base, asTest(ipReport())));
      assert.ok(!JSON.stringify(body).match(/[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/), 'a test answer carries no case id anywhere');
    }
  });
  await withServer(dir, async (srv) => {
    const h = randomBytes(16).toString('hex');
    const id = `${h.slice(0, 8)}-${h.slice(8, 12)}-7${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20)}`;
    assertProblem(await get(srv.base, `${ABUSE_PATH}/${id}`, { 'X-Tracking-Token': 'x'.repeat(22) }), 404);
  });
});

test('sigterm_stops_the_server_within_5_seconds', { timeout: 30_000 }, async () => {
  const srv = await startServer({ dir: tempDir() });
  let r;
  try {
    assertAccepted(await postJson(srv.base, ipReport()));
  } finally {
    r = await srv.stop();
  }
  assert.equal(r.forced, false, 'the server exits on SIGTERM without SIGKILL');
});
