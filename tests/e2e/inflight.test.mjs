// The server-wide budget of body bytes being received at once (DESIGN §6:
// memory stays bounded when several large bodies arrive together).  A body
// that would take the server past max_inflight_bytes is answered 503 with
// Retry-After; once the others are done, the same body is accepted.  One
// client address may hold only its share of the budget (a quarter, or one
// whole body if that is more), so that a client trickling several bodies
// cannot take it all.  Clients come from several 127/8 addresses (all local
// on Linux).

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { serverForFile } from './lib/fixture.mjs';
import { ipReport, asTest } from './lib/reports.mjs';

const srv = serverForFile({ args: ['--max-body-bytes', '600K', '--max-inflight-bytes', '1M'] });
// Behind a trusted proxy every client arrives from the proxy's address: the
// share belongs to the client X-Forwarded-For names.
const proxied = serverForFile({ args: ['--max-body-bytes', '600K', '--max-inflight-bytes', '2M',
  '--trusted-proxies', '127.0.0.7/32'] });

/** A body of about `size` bytes: a valid test report padded with notes. */
function bigBody(size) {
  const base = asTest(ipReport({ reportNotes: '' }));
  const pad = size - JSON.stringify(base).length;
  return Buffer.from(JSON.stringify({ ...base, reportNotes: 'x'.repeat(Math.max(0, Math.min(pad, 9000)))
    , reporterNotes: undefined }) + ' '.repeat(Math.max(0, pad - 9000)));
}

/** Open a raw connection and send headers plus `first` bytes of body; resolves with the socket. */
function startUpload(port, body, first, localAddress = '127.0.0.1', extra = '') {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress }, () => {
      s.write(`POST /report/v2.0/abuse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n${extra}` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n`);
      s.write(body.subarray(0, first));
      resolve(s);
    });
    s.on('error', reject);
    s.setTimeout(20_000, () => s.destroy(new Error('timeout')));
  });
}

/** Send the rest and read the whole answer; resolves with { status, text }. */
function finish(s, body, first) {
  return new Promise((resolve, reject) => {
    let data = '';
    s.setEncoding('utf8');
    s.on('data', (d) => { data += d; });
    s.on('end', () => resolve({ status: Number(data.split(' ')[1]), text: data }));
    s.on('error', reject);
    if (!s.destroyed && !s.writableEnded) s.end(body.subarray(first));
  });
}

test('a_body_past_the_inflight_budget_yields_503_then_is_accepted_when_space_returns', async () => {
  const body = bigBody(500 * 1024);
  const half = 450 * 1024;
  // Two uploads of ~450 KiB each hold ~900 KiB of the 1 MiB budget...
  const a = await startUpload(srv.port, body, half, '127.0.0.2');
  const b = await startUpload(srv.port, body, half, '127.0.0.3');
  await new Promise((r) => setTimeout(r, 300));
  // ...so a third cannot be taken in whole.
  const c = await startUpload(srv.port, body, body.length, '127.0.0.4');
  const third = await finish(c, body, body.length);
  assert.equal(third.status, 503, `third upload should be refused while the budget is taken:\n${third.text.slice(0, 400)}`);
  assert.match(third.text, /Retry-After: \d+/i);
  assert.match(third.text, /application\/problem\+json/);
  assert.match(third.text, /The server is receiving too much data at once/);
  const [ra, rb] = await Promise.all([finish(a, body, half), finish(b, body, half)]);
  assert.equal(ra.status, 200, ra.text.slice(0, 400));
  assert.equal(rb.status, 200, rb.text.slice(0, 400));
  // The budget is given back: the same body now goes through.
  const d = await startUpload(srv.port, body, body.length);
  const again = await finish(d, body, body.length);
  assert.equal(again.status, 200, again.text.slice(0, 400));
});

test('one_address_holds_only_its_share_of_the_inflight_budget', async () => {
  const body = bigBody(500 * 1024);
  const half = 450 * 1024;
  // The share here is one whole body plus a step (600 KiB + 64 KiB): a
  // second 450 KiB upload from the same address goes past it...
  const a = await startUpload(srv.port, body, half, '127.0.0.5');
  await new Promise((r) => setTimeout(r, 200));
  const b = await startUpload(srv.port, body, half, '127.0.0.5');
  await new Promise((r) => setTimeout(r, 200));
  const second = await finish(b, body, half);
  assert.equal(second.status, 503, `the same address's second upload is refused:\n${second.text.slice(0, 400)}`);
  assert.match(second.text, /This address is sending too much data at once/);
  assert.match(second.text, /Retry-After: \d+/i);
  // ...while another address is still served, and the first upload completes.
  const c = await startUpload(srv.port, body, body.length, '127.0.0.6');
  const other = await finish(c, body, body.length);
  assert.equal(other.status, 200, other.text.slice(0, 400));
  const first = await finish(a, body, half);
  assert.equal(first.status, 200, first.text.slice(0, 400));
  // The share is given back once the body is in.
  const d = await startUpload(srv.port, body, body.length, '127.0.0.5');
  const again = await finish(d, body, body.length);
  assert.equal(again.status, 200, again.text.slice(0, 400));
});

test('behind_a_trusted_proxy_the_share_is_the_forwarded_clients', async () => {
  const body = bigBody(500 * 1024);
  const half = 450 * 1024;
  const via = (client) => `X-Forwarded-For: ${client}\r\n`;
  // Two clients through the same proxy each hold an upload: neither is the other's.
  const a = await startUpload(proxied.port, body, half, '127.0.0.7', via('203.0.113.5'));
  await new Promise((r) => setTimeout(r, 200));
  const b = await startUpload(proxied.port, body, half, '127.0.0.7', via('198.51.100.7'));
  await new Promise((r) => setTimeout(r, 200));
  // The same forwarded client twice is one client: its second upload passes its share.
  const c = await startUpload(proxied.port, body, half, '127.0.0.7', via('203.0.113.5'));
  const third = await finish(c, body, half);
  assert.equal(third.status, 503, third.text.slice(0, 400));
  assert.match(third.text, /This address is sending too much data at once/);
  const [ra, rb] = await Promise.all([finish(a, body, half), finish(b, body, half)]);
  assert.equal(ra.status, 200, ra.text.slice(0, 400));
  assert.equal(rb.status, 200, rb.text.slice(0, 400));
});
