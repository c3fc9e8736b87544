// Regression: SIGTERM while a report is being committed used to abort the
// process (libmicrohttpd refuses to stop with a suspended connection), so a
// committed report could go unacknowledged and be sent twice.  Now the
// server stops taking requests, answers the ones in hand, and exits 0.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';

import { postJson } from './lib/http.mjs';
import { ipReport } from './lib/reports.mjs';
import { delay, startServer } from './lib/server.mjs';

test('sigterm_while_a_report_is_being_committed_acknowledges_it_then_exits_0', async () => {
  const srv = await startServer();
  // Hold the database's write lock for 1.5 s so the report waits in the store.
  const lock = spawn('sqlite3', [srv.database, 'BEGIN EXCLUSIVE;', '.shell sleep 1.5', 'COMMIT;'], { stdio: 'ignore' });
  const locked = new Promise((res) => lock.once('exit', res));
  try {
    await delay(300);
    const pending = postJson(srv.base, ipReport());
    await delay(300);
    srv.proc.kill('SIGTERM');
    const res = await pending;
    assert.equal(res.status, 200, `the report in hand is acknowledged: ${res.text.slice(0, 300)}`);
    const { code, signal, forced } = await srv.stop();
    assert.ok(!forced && code === 0, `exit 0 after SIGTERM; got code ${code}, signal ${signal}\n${srv.stderr().slice(-2000)}`);
    assert.doesNotMatch(srv.stderr(), /Fatal error|suspended connections/);
  } finally {
    await locked;
    await srv.stop();
  }
});
