// Slow and greedy clients: a thousand connections sending their requests a
// byte at a time must not keep a well-behaved client from its answer
// within a second; the header deadline cuts a client that dribbles its
// headers or its body; connections are capped per client address and in
// all.  Everything goes to 127.0.0.1 from loopback source addresses
// (127.0.0.2 ... on Linux every 127/8 address is local), is bounded in
// count and in time, and is torn down at the end of each test.

import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';

import { serverForFile } from './lib/fixture.mjs';
import { postJson, request } from './lib/http.mjs';
import { asTest, ipReport } from './lib/reports.mjs';
import { delay } from './lib/server.mjs';

const SLOW_CLIENTS = 1000;
const PER_ADDRESS = 50;               // below the default per-address cap of 64
const DRIBBLE_MS = 500;               // each slow client sends one byte this often
const ANSWER_WITHIN_MS = 1000;

// The header deadline is long here so that the slow clients stay for the
// whole measurement (the worst case); its own test below uses a short one.
const srv = serverForFile({ args: ['--header-timeout', '120', '--idle-timeout', '120'] });
const quick = serverForFile({ args: ['--header-timeout', '2'] });
const capped = serverForFile({ args: ['--max-connections-per-ip', '8', '--max-connections', '24'] });

const SLOW_REQUEST = 'POST /report/v2.0/abuse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n'
  + `X-Padding: ${'p'.repeat(4000)}\r\n\r\n`;

/** Open a connection from localAddress; resolves with the socket once connected (or rejects). */
function connect(port, localAddress, timeoutMs = 10_000) {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host: '127.0.0.1', localAddress });
    const t = setTimeout(() => { s.destroy(); reject(new Error(`connect from ${localAddress} timed out`)); }, timeoutMs);
    s.once('connect', () => { clearTimeout(t); resolve(s); });
    s.once('error', (e) => { clearTimeout(t); reject(e); });
  });
}

/** A slow client: sends text one byte every DRIBBLE_MS, starting after a random delay. */
function dribble(sock, text) {
  const st = { sent: 0, closed: false, timer: null };
  sock.on('close', () => { st.closed = true; clearInterval(st.timer); });
  sock.on('error', () => {});
  sock.on('data', () => {});
  setTimeout(() => {
    st.timer = setInterval(() => {
      if (st.closed || st.sent >= text.length) return;
      sock.write(text[st.sent++]);
    }, DRIBBLE_MS);
  }, Math.floor(Math.random() * DRIBBLE_MS));
  return st;
}

async function timed(fn) {
  const t0 = performance.now();
  const res = await fn();
  return { res, ms: performance.now() - t0 };
}

test('a thousand connections dribbling requests do not keep a normal client from an answer within 1 s', { timeout: 120_000 }, async () => {
  const socks = [];
  const states = [];
  try {
    for (let i = 0; i < SLOW_CLIENTS; i += PER_ADDRESS) {
      const from = `127.0.0.${2 + i / PER_ADDRESS}`;
      const batch = await Promise.all(Array.from({ length: PER_ADDRESS }, () => connect(srv.port, from)));
      for (const s of batch) {
        socks.push(s);
        states.push(dribble(s, SLOW_REQUEST));
      }
    }
    assert.equal(socks.length, SLOW_CLIENTS);
    await delay(2 * DRIBBLE_MS);            // every slow client has started sending
    const times = [];
    for (let i = 0; i < 10; i++) {
      const h = await timed(() => request(srv.base, { path: '/healthz', timeoutMs: 5_000 }));
      assert.equal(h.res.status, 200, 'GET /healthz');
      const p = await timed(() => postJson(srv.base, asTest(ipReport())));
      assert.equal(p.res.status, 200, `POST a test submission: ${p.res.text.slice(0, 300)}`);
      times.push(h.ms, p.ms);
      await delay(200);
    }
    const open = states.filter((s) => !s.closed).length;
    const sorted = [...times].sort((a, b) => a - b);
    console.log(`slowloris: ${open}/${SLOW_CLIENTS} slow connections open; normal answers in ms: `
      + `median ${sorted[sorted.length >> 1].toFixed(1)}, max ${sorted[sorted.length - 1].toFixed(1)}`);
    assert.equal(open, SLOW_CLIENTS, 'the slow connections were all held open during the measurement');
    for (const ms of times) assert.ok(ms < ANSWER_WITHIN_MS, `every normal answer within ${ANSWER_WITHIN_MS} ms; got ${times.map((t) => t.toFixed(0)).join(', ')}`);
  } finally {
    for (const s of socks) s.destroy();
  }
});

test('a client dribbling its headers is cut at the header deadline', { timeout: 30_000 }, async () => {
  const s = await connect(quick.port, '127.0.0.2');
  const st = dribble(s, SLOW_REQUEST);
  const t0 = Date.now();
  while (!st.closed && Date.now() - t0 < 10_000) await delay(50);
  const ms = Date.now() - t0;
  s.destroy();
  assert.ok(st.closed, 'the server closed the connection');
  assert.ok(ms >= 1500 && ms < 4000, `closed about 2 s after connecting (header_timeout 2); took ${ms} ms with ${st.sent} bytes sent`);
});

test('a client dribbling its body is cut when it falls below the minimum rate', { timeout: 30_000 }, async () => {
  const s = await connect(quick.port, '127.0.0.3');
  let closed = false;
  s.on('close', () => { closed = true; });
  s.on('error', () => {});
  s.write('POST /report/v2.0/abuse HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n');
  const t0 = Date.now();
  const timer = setInterval(() => { if (!closed) s.write('{'); }, 200);
  while (!closed && Date.now() - t0 < 15_000) await delay(50);
  clearInterval(timer);
  const ms = Date.now() - t0;
  s.destroy();
  assert.ok(closed, 'the server closed the connection');
  assert.ok(ms < 5000, `closed within a few seconds of the headers (grace 2 s, then 1 KiB/s); took ${ms} ms`);
});

test('a connection with its headers in time is not cut while it waits for nothing', { timeout: 30_000 }, async () => {
  const res = await request(quick.base, { path: '/healthz' });
  assert.equal(res.status, 200);
  const t = await timed(() => postJson(quick.base, asTest(ipReport())));
  assert.equal(t.res.status, 200);
});

/** Send a GET on an open socket; resolves with the status, or 0 if the server closes without an answer. */
function getOn(sock, timeoutMs = 5_000) {
  return new Promise((resolve) => {
    let buf = '';
    const t = setTimeout(() => resolve(-1), timeoutMs);
    sock.on('data', (d) => {
      buf += d.toString('latin1');
      const m = /^HTTP\/1\.1 (\d{3})/.exec(buf);
      if (m) { clearTimeout(t); resolve(Number(m[1])); }
    });
    sock.on('close', () => { clearTimeout(t); resolve(0); });
    sock.on('error', () => {});
    sock.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
  });
}

test('connections are capped per client address, and other addresses still get in', { timeout: 30_000 }, async () => {
  const held = [];
  try {
    for (let i = 0; i < 8; i++) held.push(await connect(capped.port, '127.0.0.10'));
    await delay(200);
    const extra = await connect(capped.port, '127.0.0.10').catch(() => null);
    const status = extra ? await getOn(extra) : 0;
    extra?.destroy();
    // refused at once: a 503 problem if it arrives before our GET, else a closed connection
    assert.ok([503, 0, -1].includes(status), `a 9th connection from one address is refused; got ${status}`);
    const other = await connect(capped.port, '127.0.0.11');
    assert.equal(await getOn(other), 200, 'another address is served');
    other.destroy();
  } finally {
    for (const s of held) s.destroy();
  }
  await delay(300);
  const again = await connect(capped.port, '127.0.0.10');
  assert.equal(await getOn(again), 200, 'the address is served again once its connections close');
  again.destroy();
});

test('connections are capped in all, and served again once some close', { timeout: 30_000 }, async () => {
  const held = [];
  let refusedEarly = 0;
  // The test before closed its connections just now: let the server see those
  // closes, or some of these 24 would be refused in their place.
  await delay(500);
  try {
    for (let a = 0; a < 3; a++) {
      for (let i = 0; i < 8; i++) {
        const s = await connect(capped.port, `127.0.0.${20 + a}`);
        s.on('close', () => { refusedEarly++; });
        s.on('error', () => {});
        held.push(s);
      }
    }
    await delay(300);
    assert.equal(refusedEarly, 0, 'the 24 connections up to the cap are all kept open');
    const extra = await connect(capped.port, '127.0.0.30').catch(() => null);
    const status = extra ? await getOn(extra, 2_000) : 0;
    extra?.destroy();
    assert.ok([503, 0, -1].includes(status), `connection 25 is refused while 24 are open; got ${status}`);
  } finally {
    for (const s of held) { s.removeAllListeners('close'); s.destroy(); }
  }
  await delay(500);
  const again = await connect(capped.port, '127.0.0.31');
  assert.equal(await getOn(again), 200, 'served again once connections close');
  again.destroy();
});
