// Regression (review finding): the body deadline was an average since the
// request's start, so a client could send a burst, then a byte now and then,
// and hold its share of the in-flight body budget for a long time (2 MiB
// bought ~2 000 s).  Now every header_timeout window must bring at least
// half of LIMIT_BODY_MIN_RATE's worth, whatever came before.

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { serverForFile } from './lib/fixture.mjs';

const srv = serverForFile({ args: ['--header-timeout', '2'] });

test('a_burst_then_a_trickle_is_cut_within_a_window', async () => {
  const started = Date.now();
  const closedAfter = await new Promise((resolve, reject) => {
    const s = net.connect(srv.port, '127.0.0.1', () => {
      s.write('POST /report/v2.0/abuse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 4000000\r\n\r\n');
      s.write('{' + ' '.repeat(512 * 1024));          // a burst of 512 KiB...
      const timer = setInterval(() => { if (!s.destroyed) s.write(' '); }, 1000);  // ...then a byte a second
      s.on('close', () => { clearInterval(timer); resolve(Date.now() - started); });
    });
    s.on('error', () => {});
    setTimeout(() => { s.destroy(); reject(new Error('still open after 20 s: the trickle holds the connection')); }, 20_000);
  });
  // The window is 2 s (1 KiB needed in it): cut a little after 2 s, not after ~500 s.
  assert.ok(closedAfter < 8_000, `cut after ${closedAfter} ms`);
  const health = await fetch(`${srv.base}/healthz`);
  assert.equal(health.status, 200);
});
