// One server per test file: started before the file's first test, stopped
// (and its temporary database removed) after the last.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';

import { startServer } from './server.mjs';

/**
 * Register before/after hooks and return an object that, once the tests
 * run, holds the server (base, port, stderr(), …; see startServer).
 */
export function serverForFile(opts = {}) {
  const srv = {};
  before(async () => {
    Object.assign(srv, await startServer(opts));
  }, { timeout: 20_000 });
  after(async () => {
    if (!srv.stop) return;
    const { code, signal, forced } = await srv.stop();
    // A clean shutdown on SIGTERM, and nothing from the sanitizers (the suite
    // also runs against the ASan+UBSan build): a leak or a UB report fails here.
    const sanitizer = srv.stderr().match(/(ERROR: (Address|Leak)Sanitizer|runtime error:)[^\n]*/);
    assert.equal(sanitizer, null, `sanitizer report in server stderr: ${sanitizer?.[0]}\n${srv.stderr().slice(-3000)}`);
    assert.ok(!forced && code === 0, `server should exit 0 on SIGTERM; got code ${code}, signal ${signal}`);
  }, { timeout: 20_000 });
  return srv;
}
