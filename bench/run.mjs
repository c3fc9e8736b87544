#!/usr/bin/env node
// run.mjs -- the benchmark of issue 5, run by `make bench` (not by `make test`).
//
// What it measures, in one run, on 127.0.0.1 only:
//   - requests/s, p50 and p99 latency (wrk, keep-alive, 64 connections) of
//       nginx        a fixed 200 to the same POST: how fast an HTTP/1.1 server
//                    on this machine can answer at all (the reference)
//       test         test submissions: a ~600-byte valid report with
//                    testSubmission: true (full parse + validation, nothing stored)
//       real         the same report for real: every 200 is committed and fsync'd
//     and abusedesk's peak RSS during each of its runs, and its CPU time per
//     request split by thread (HTTP loops, store writer, store sync), which
//     shows what bounds durable throughput;
//   - the time to accept one report with 100 000 IPs in ipAddressList, and one
//     with 10 000 URLs in urlList (durable 200, new connection each);
//   - the database size per stored report.
//
// Why it is shaped so: these machines are shared and noisy, so absolute
// numbers mean little.  The three targets are run one after the other in a
// round (the order rotated each round) for several rounds, each abusedesk run
// on a fresh process and, for real submissions, a fresh database; the table
// gives medians, and the ratio to nginx is taken within each round (the pair
// ran under the same noise) and its median reported.
//
// Settings (environment): BENCH_ROUNDS (5), BENCH_SECONDS (10 per run),
// BENCH_CONNECTIONS (64), BENCH_SERVER_THREADS (abusedesk's `threads`, its
// default when unset), BENCH_STRICT=1 (exit 1 when a target is missed),
// BENCH_BIN (measure this binary instead of building build-release).
// The results are printed and saved in build/bench/results.{txt,json}.
//
// The binary is a release build in build-release (-O3; asserts stay on: they
// cost little, and a release build without them would not compile where a
// parameter is used only in an assert).  Needs wrk, nginx and sqlite3
// (scripts/deps.sh bench), meson, ninja, node.

import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, readdirSync, fdatasyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD = join(ROOT, 'build-release');
const BIN = process.env.BENCH_BIN ? resolve(process.env.BENCH_BIN) : join(BUILD, 'abusedesk');
const OUT = join(ROOT, 'build', 'bench');
const LUA = join(ROOT, 'bench', 'post.lua');
const ABUSE_PATH = '/report/v2.0/abuse';

const ROUNDS = intEnv('BENCH_ROUNDS', 5, 1, 50);
const SECONDS = intEnv('BENCH_SECONDS', 10, 1, 120);
const CONNECTIONS = intEnv('BENCH_CONNECTIONS', 64, 1, 1000);
const SERVER_THREADS = process.env.BENCH_SERVER_THREADS;
const WRK_THREADS = 2;
const BIG_REPEATS = 3;
const RSS_SAMPLE_MS = 100;
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

// The targets of issue 5 (this 2-core machine, as ratios within one run).
const TARGET = { testRatio: 0.6, realRatio: 0.3, p99Ms: 10, rssMiB: 24, bigIpMs: 1000 };

function intEnv(name, dflt, min, max) {
  const v = process.env[name];
  if (v === undefined || v === '') return dflt;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name}=${v}: want an integer in ${min}..${max}`);
  return n;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function need(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} is not installed (scripts/deps.sh bench installs it)`);
  return r.stdout.trim();
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
}

/* ---- the bodies -------------------------------------------------------- */

// A ~600-byte report that takes every validator: names, email, taxonomy,
// date/time/zone, IPs with ports, a list, notes.
function smallReport(test) {
  const r = {
    reporterName: 'Ada Reporter',
    reporterEmail: 'ada.reporter@example.com',
    reporterOrg: 'Example Networks',
    threatType: 'IP Address',
    incidentType: 'Brute Force',
    attackMethod: 'Password Spray',
    date: '2024-01-15',
    time: '10:30:00',
    timeZone: 'UTC',
    sourceIp: '8.8.8.8',
    sourcePort: 22,
    destinationIp: '1.1.1.1',
    destinationPort: 443,
    ipAddressList: [{ sourceIp: '9.9.9.9', sourcePort: 2222 }, { sourceIp: '8.8.4.4' }],
    reportNotes: 'Repeated SSH logins against our bastion host from the addresses listed, about 400 attempts a minute for an hour, user names from a common list.',
  };
  if (test) r.testSubmission = true;
  return JSON.stringify(r);
}

// 100 000 distinct global unicast addresses (23.0.0.0 onwards, step 37).
function bigIpReport() {
  const list = [];
  for (let i = 0; i < 100_000; i++) {
    const n = 23 * 2 ** 24 + i * 37;
    list.push({ sourceIp: [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.') });
  }
  return JSON.stringify({
    reporterName: 'Ada Reporter', reporterEmail: 'ada.reporter@example.com',
    threatType: 'IP Address', incidentType: 'Brute Force', attackMethod: 'Password Spray',
    date: '2024-01-15', time: '10:30:00', timeZone: 'UTC',
    ipAddressList: list, reportNotes: 'A password spray from a large botnet.',
  });
}

function bigUrlReport() {
  const list = [];
  for (let i = 0; i < 10_000; i++) list.push({ sourceUrl: `https://phish-${i}.example/login/${i}?session=${i * 7}` });
  return JSON.stringify({
    reporterName: 'Ada Reporter', reporterEmail: 'ada.reporter@example.com',
    threatType: 'URL', incidentType: 'Phishing', date: '2024-01-15',
    urlList: list, reportNotes: 'A phishing kit on many hosts.',
  });
}

/* ---- processes --------------------------------------------------------- */

function freePort() {
  return new Promise((res, rej) => {
    const s = net.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => res(p)); });
  });
}

function waitExit(proc, ms) {
  if (proc.exitCode !== null || proc.signalCode !== null) return Promise.resolve(true);
  return new Promise((res) => {
    const t = setTimeout(() => res(false), ms);
    proc.once('exit', () => { clearTimeout(t); res(true); });
  });
}

async function stop(proc, signal = 'SIGTERM') {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  proc.kill(signal);
  if (!(await waitExit(proc, 15_000))) {
    proc.kill('SIGKILL');
    await waitExit(proc, 5_000);
  }
}

const live = new Set();
process.on('exit', () => { for (const p of live) { try { p.kill('SIGKILL'); } catch { /* gone */ } } });

async function startAbusedesk(database) {
  const args = ['serve', '--listen', '127.0.0.1:0', '--database', database, '--access-log', 'off'];
  if (SERVER_THREADS) args.push('--threads', SERVER_THREADS);
  const proc = spawn(BIN, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  let err = '';
  proc.stderr.setEncoding('utf8');
  const port = await new Promise((res, rej) => {
    const t = setTimeout(() => rej(new Error(`abusedesk did not start:\n${err}`)), 10_000);
    proc.stderr.on('data', (d) => {
      err += d;
      const m = err.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(t); res(Number(m[1])); }
    });
    proc.once('exit', () => { clearTimeout(t); rej(new Error(`abusedesk exited:\n${err}`)); });
  });
  return { proc, port, url: `http://127.0.0.1:${port}${ABUSE_PATH}`, stderr: () => err };
}

async function startNginx(dir, answer) {
  const port = await freePort();
  const conf = join(dir, 'nginx.conf');
  // return's text is an nginx string: no quote, backslash or variable in it.
  const text = /['\\$]/.test(answer) ? '{"code":"OK"}' : answer;
  writeFileSync(conf, [
    'worker_processes 2;',
    'daemon off;',
    'master_process on;',
    `pid ${join(dir, 'nginx.pid')};`,
    `error_log ${join(dir, 'nginx-error.log')} warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  access_log off;',
    '  keepalive_requests 10000000;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((n) => `  ${n}_temp_path ${join(dir, `ngx-${n}`)};`),
    '  server {',
    `    listen 127.0.0.1:${port};`,
    `    location / { default_type application/json; return 200 '${text}'; }`,
    '  }',
    '}',
    '',
  ].join('\n'));
  const proc = spawn(need('nginx'), ['-p', dir, '-c', conf, '-e', join(dir, 'nginx-error.log')], { stdio: ['ignore', 'ignore', 'pipe'] });
  live.add(proc);
  proc.once('exit', () => live.delete(proc));
  for (let i = 0; i < 100; i++) {
    if (proc.exitCode !== null) break;
    try {
      const r = await post(`http://127.0.0.1:${port}${ABUSE_PATH}`, smallReport(true));
      if (r.status === 200) return { proc, port, url: `http://127.0.0.1:${port}${ABUSE_PATH}`, bytes: text.length };
    } catch { /* not yet */ }
    await sleep(100);
  }
  await stop(proc);
  throw new Error(`nginx did not start: ${existsSync(join(dir, 'nginx-error.log')) ? readFileSync(join(dir, 'nginx-error.log'), 'utf8') : ''}`);
}

function post(url, body, timeoutMs = 60_000) {
  return new Promise((res, rej) => {
    const t0 = process.hrtime.bigint();
    const req = http.request(url, { method: 'POST', agent: false, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) } }, (r) => {
      const parts = [];
      r.on('data', (d) => parts.push(d));
      r.on('end', () => res({ status: r.statusCode, text: Buffer.concat(parts).toString('utf8'), ms: Number(process.hrtime.bigint() - t0) / 1e6 }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', rej);
    req.end(body);
  });
}

function rssKiB(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = (k) => Number((s.match(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm')) || [])[1]);
    return { rss: m('VmRSS'), hwm: m('VmHWM') };
  } catch { return { rss: NaN, hwm: NaN }; }
}

// CPU seconds used so far by these processes (all their threads).
function cpuSeconds(pids) {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
      ticks += Number(v[11]) + Number(v[12]);   // utime, stime
    } catch { /* gone */ }
  }
  return ticks / CLK_TCK;
}

// CPU seconds of a process's threads, summed by thread name (abusedesk: its
// HTTP loops and main thread are "abusedesk", the store's "store-writer"
// and "store-sync"): where a request's CPU goes, read off /proc.
function cpuByThread(pid) {
  const out = {};
  let tids = [];
  try { tids = readdirSync(`/proc/${pid}/task`); } catch { return out; }
  for (const tid of tids) {
    try {
      const f = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const name = f.slice(f.indexOf('(') + 1, f.lastIndexOf(')'));
      const v = f.slice(f.lastIndexOf(')') + 2).split(' ');
      out[name] = (out[name] ?? 0) + (Number(v[11]) + Number(v[12])) / CLK_TCK;
    } catch { /* gone */ }
  }
  return out;
}

// A process and its children (nginx: the master and its workers).
function withChildren(pid) {
  try {
    return [pid, ...readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number)];
  } catch { return [pid]; }
}

// The disk's fdatasync latency now: 4 KiB appended and synced, for about a second.
function fsyncLatencyMs(dir) {
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(4096, 1);
  const ms = [];
  const end = Date.now() + 1000;
  try {
    while (Date.now() < end && ms.length < 2000) {
      writeSync(fd, page);
      const t0 = process.hrtime.bigint();
      fdatasyncSync(fd);
      ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
  return median(ms);
}

/* ---- wrk --------------------------------------------------------------- */

function toMs(v, unit) {
  const n = Number(v);
  return unit === 'us' ? n / 1000 : unit === 'ms' ? n : unit === 's' ? n * 1000 : unit === 'm' ? n * 60000 : NaN;
}

function parseWrk(out) {
  const num = (re) => { const m = out.match(re); return m ? Number(m[1]) : NaN; };
  const lat = (p) => { const m = out.match(new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s|m)\\s*$`, 'm')); return m ? toMs(m[1], m[2]) : NaN; };
  const se = out.match(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  return {
    rps: num(/Requests\/sec:\s+([\d.]+)/),
    requests: num(/(\d+) requests in/),
    p50: lat(50),
    p99: lat(99),
    non2xx: num(/Non-2xx or 3xx responses: (\d+)/) || 0,
    socketErrors: se ? se.slice(1).reduce((a, b) => a + Number(b), 0) : 0,
  };
}

// pid: abusedesk's (RSS sampled); cpuPids: whose CPU time to count.
async function wrk(url, bodyFile, pid, cpuPids = pid ? [pid] : []) {
  const cpu0 = cpuSeconds(cpuPids);
  const threads0 = pid ? cpuByThread(pid) : {};
  const args = [`-t${WRK_THREADS}`, `-c${CONNECTIONS}`, `-d${SECONDS}s`, '--latency', '-s', LUA, url, '--', bodyFile];
  const proc = spawn(need('wrk'), args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  let out = '';
  proc.stdout.setEncoding('utf8');
  proc.stdout.on('data', (d) => { out += d; });
  proc.stderr.on('data', (d) => { out += d; });
  let peak = 0;
  const timer = pid ? setInterval(() => { const r = rssKiB(pid); if (r.rss > peak) peak = r.rss; }, RSS_SAMPLE_MS) : null;
  const ok = await waitExit(proc, (SECONDS + 30) * 1000);
  if (timer) clearInterval(timer);
  live.delete(proc);
  if (!ok) { proc.kill('SIGKILL'); throw new Error('wrk did not finish'); }
  const r = parseWrk(out);
  if (!Number.isFinite(r.rps)) throw new Error(`cannot read wrk's output:\n${out}`);
  r.cpuUsPerReq = ((cpuSeconds(cpuPids) - cpu0) * 1e6) / r.requests;
  if (pid) {
    const t1 = cpuByThread(pid);
    r.threadUsPerReq = Object.fromEntries(Object.keys(t1).map((k) => [k, ((t1[k] - (threads0[k] ?? 0)) * 1e6) / r.requests]));
  }
  if (pid) {
    const h = rssKiB(pid);
    r.rssMiB = Math.max(peak, Number.isFinite(h.hwm) ? h.hwm : 0) / 1024;
  }
  return r;
}

/* ---- the measurements -------------------------------------------------- */

function sqlite(db, sql) {
  const r = spawnSync(need('sqlite3'), ['-readonly', db, sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`sqlite3 ${db}: ${r.stderr}`);
  return r.stdout.trim().split('\n');
}

// Bytes of used pages per stored report, after a clean stop (WAL checkpointed).
function dbBytesPerReport(db) {
  const [count, pages, free, size] = sqlite(db, 'SELECT count(*) FROM reports; PRAGMA page_count; PRAGMA freelist_count; PRAGMA page_size;').map(Number);
  return { reports: count, bytesPerReport: count > 0 ? ((pages - free) * size) / count : NaN, fileBytes: statSync(db).size };
}

async function abusedeskRun(dir, kind, round, files) {
  const db = join(dir, `${kind}-${round}.db`);
  const srv = await startAbusedesk(db);
  let r;
  try {
    r = await wrk(srv.url, kind === 'test' ? files.test : files.real, srv.proc.pid);
  } finally {
    await stop(srv.proc);
  }
  if (kind === 'real') Object.assign(r, dbBytesPerReport(db));
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  return r;
}

async function bigReports(dir, files) {
  const db = join(dir, 'big.db');
  const srv = await startAbusedesk(db);
  const res = { ip: [], url: [] };
  try {
    for (let i = 0; i < BIG_REPEATS; i++) {
      for (const [k, f] of [['ip', files.bigIp], ['url', files.bigUrl]]) {
        const r = await post(srv.url, readFileSync(f, 'utf8'));
        if (r.status !== 200) throw new Error(`big ${k} report: HTTP ${r.status}: ${r.text.slice(0, 500)}`);
        res[k].push(r.ms);
      }
    }
    res.rssMiB = rssKiB(srv.proc.pid).hwm / 1024;
  } finally {
    await stop(srv.proc);
    rmSync(dir + '/big.db', { force: true });
  }
  return res;
}

/* ---- the table --------------------------------------------------------- */

const f0 = (x) => (Number.isFinite(x) ? Math.round(x).toString() : '-');
const f2 = (x) => (Number.isFinite(x) ? x.toFixed(2) : '-');
const f1 = (x) => (Number.isFinite(x) ? x.toFixed(1) : '-');
const verdict = (ok) => (ok ? 'met' : 'MISSED');

function report(rounds, big, meta) {
  const by = (k) => rounds.map((r) => r[k]);
  const med = (k, f) => median(by(k).map(f));
  const ratio = (k) => median(rounds.map((r) => r[k].rps / r.nginx.rps));
  const rows = [
    ['nginx (fixed 200)', 'nginx'],
    ['test submissions', 'test'],
    ['real submissions', 'real'],
  ];
  const lines = [];
  const L = (s = '') => lines.push(s);
  L(`abusedesk bench, ${meta.when}`);
  L(`${ROUNDS} rounds x ${SECONDS} s per target, wrk ${WRK_THREADS} threads, ${CONNECTIONS} keep-alive connections, 127.0.0.1;`);
  L(`${meta.cpus} CPUs, load average before: ${meta.load}; nginx answers ${meta.nginxBytes} bytes (the size of abusedesk's test answer)`);
  L();
  L('per round (req/s):');
  rounds.forEach((r, i) => L(`  round ${i + 1} [${r.order.join(' ')}]: nginx ${f0(r.nginx.rps)}  test ${f0(r.test.rps)}  real ${f0(r.real.rps)}  -> ${f2(r.test.rps / r.nginx.rps)}x / ${f2(r.real.rps / r.nginx.rps)}x`));
  L();
  L('medians                   req/s    p50 ms    p99 ms   peak RSS MiB   ratio to nginx   server CPU us/req');
  for (const [name, k] of rows) {
    const rss = k === 'nginx' ? '-' : f2(med(k, (x) => x.rssMiB));
    L(`  ${name.padEnd(20)} ${f0(med(k, (x) => x.rps)).padStart(8)} ${f2(med(k, (x) => x.p50)).padStart(9)} ${f2(med(k, (x) => x.p99)).padStart(9)} ${rss.padStart(14)} ${(k === 'nginx' ? '1.00' : f2(ratio(k))).padStart(16)} ${f0(med(k, (x) => x.cpuUsPerReq)).padStart(19)}`);
  }
  L(`  (server CPU: user+system time of the server's processes per request; less noisy than req/s on a shared machine)`);
  for (const k of ['test', 'real']) {
    const names = [...new Set(by(k).flatMap((x) => Object.keys(x.threadUsPerReq ?? {})))].sort();
    const parts = names.map((n) => `${n === 'abusedesk' ? 'HTTP loops' : n} ${f1(median(by(k).map((x) => x.threadUsPerReq?.[n] ?? 0)))}`);
    L(`  ${k} submissions, server CPU us/req by thread: ${parts.join(', ')}`);
  }
  L(`  fdatasync of 4 KiB on this disk, median: ${f2(meta.fsyncBeforeMs)} ms before the rounds, ${f2(meta.fsyncAfterMs)} ms after`);
  const errs = rounds.reduce((a, r) => a + r.test.non2xx + r.real.non2xx + r.test.socketErrors + r.real.socketErrors, 0);
  L(`  non-2xx answers and socket errors over all abusedesk runs: ${errs}`);
  const real = by('real');
  const bpr = median(real.map((x) => x.bytesPerReport));
  L();
  L(`accepting one report (durable 200, new connection, median of ${BIG_REPEATS}):`);
  L(`  100 000 IPs in ipAddressList  ${f0(median(big.ip)).padStart(6)} ms   (runs: ${big.ip.map(f0).join(', ')})`);
  L(`  10 000 URLs in urlList        ${f0(median(big.url)).padStart(6)} ms   (runs: ${big.url.map(f0).join(', ')})`);
  L(`  peak RSS of that server: ${f2(big.rssMiB)} MiB`);
  L();
  L(`database: ${f0(bpr)} bytes per stored report (the ~600-byte report, 4 indicators; ${f0(median(real.map((x) => x.reports)))} reports per run)`);
  const maxRss = Math.max(...by('test').map((x) => x.rssMiB), ...by('real').map((x) => x.rssMiB));
  const p99 = Math.max(med('test', (x) => x.p99), med('real', (x) => x.p99));
  const targets = [
    [`test submissions >= ${TARGET.testRatio}x nginx`, f2(ratio('test')) + 'x', ratio('test') >= TARGET.testRatio],
    [`real submissions >= ${TARGET.realRatio}x nginx`, f2(ratio('real')) + 'x', ratio('real') >= TARGET.realRatio],
    [`p99 <= ${TARGET.p99Ms} ms (test and real)`, f2(p99) + ' ms', p99 <= TARGET.p99Ms],
    [`RSS under load <= ${TARGET.rssMiB} MiB (largest peak)`, f2(maxRss) + ' MiB', maxRss <= TARGET.rssMiB],
    [`100 000-IP report accepted <= ${TARGET.bigIpMs} ms`, f0(median(big.ip)) + ' ms', median(big.ip) <= TARGET.bigIpMs],
  ];
  L();
  L('targets:');
  for (const [what, got, ok] of targets) L(`  ${verdict(ok).padEnd(7)} ${what.padEnd(44)} ${got}`);
  return { text: lines.join('\n') + '\n', missed: targets.filter((t) => !t[2]).length, summary: { targets: targets.map(([what, got, ok]) => ({ what, got, ok })), bytesPerReport: bpr } };
}

/* ---- main -------------------------------------------------------------- */

async function main() {
  for (const c of ['wrk', 'nginx', 'sqlite3', 'meson', 'ninja']) need(c);
  if (!process.env.BENCH_BIN) {
    if (!existsSync(join(BUILD, 'build.ninja'))) run('meson', ['setup', BUILD, '--buildtype=release'], { cwd: ROOT });
    run('ninja', ['-C', BUILD, 'abusedesk'], { cwd: ROOT });
  }
  mkdirSync(OUT, { recursive: true });
  const dir = mkdtempSync(join(tmpdir(), 'abusedesk-bench-'));
  let nginx;
  try {
    const files = { test: join(dir, 'test.json'), real: join(dir, 'real.json'), bigIp: join(dir, 'big-ip.json'), bigUrl: join(dir, 'big-url.json') };
    writeFileSync(files.test, smallReport(true));
    writeFileSync(files.real, smallReport(false));
    writeFileSync(files.bigIp, bigIpReport());
    writeFileSync(files.bigUrl, bigUrlReport());
    // nginx answers with as many bytes as abusedesk's test answer.
    const probe = await startAbusedesk(join(dir, 'probe.db'));
    const answer = await post(probe.url, smallReport(true));
    await stop(probe.proc);
    if (answer.status !== 200) throw new Error(`the bench report is not valid: ${answer.text}`);
    nginx = await startNginx(dir, answer.text);
    const meta = {
      when: new Date().toISOString(),
      cpus: (await import('node:os')).cpus().length,
      load: readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' '),
      nginxBytes: nginx.bytes,
    };
    meta.fsyncBeforeMs = fsyncLatencyMs(dir);
    console.log(`bench: ${ROUNDS} rounds x 3 targets x ${SECONDS} s; test body ${statSync(files.test).size} bytes; fdatasync ${f2(meta.fsyncBeforeMs)} ms`);
    const rounds = [];
    const kinds = ['nginx', 'test', 'real'];
    for (let i = 0; i < ROUNDS; i++) {
      const order = kinds.map((_, j) => kinds[(i + j) % kinds.length]);
      const r = { order };
      for (const k of order) {
        r[k] = k === 'nginx' ? await wrk(nginx.url, files.test, null, withChildren(nginx.proc.pid)) : await abusedeskRun(dir, k, i, files);
        console.log(`  round ${i + 1} ${k.padEnd(5)} ${f0(r[k].rps).padStart(7)} req/s  p50 ${f2(r[k].p50)} ms  p99 ${f2(r[k].p99)} ms  CPU ${f0(r[k].cpuUsPerReq)} us/req` +
          (r[k].rssMiB ? `  RSS ${f2(r[k].rssMiB)} MiB` : '') + (r[k].non2xx || r[k].socketErrors ? `  non-2xx ${r[k].non2xx} socket errors ${r[k].socketErrors}` : ''));
      }
      rounds.push(r);
    }
    await stop(nginx.proc, 'SIGQUIT');
    meta.fsyncAfterMs = fsyncLatencyMs(dir);
    console.log('  big reports...');
    const big = await bigReports(dir, files);
    const out = report(rounds, big, meta);
    writeFileSync(join(OUT, 'results.txt'), out.text);
    writeFileSync(join(OUT, 'results.json'), JSON.stringify({ meta, rounds, big, ...out.summary }, null, 2) + '\n');
    console.log('\n' + out.text);
    console.log(`saved in ${join(OUT, 'results.txt')} and results.json`);
    if (out.missed > 0 && process.env.BENCH_STRICT === '1') process.exitCode = 1;
  } finally {
    if (nginx) await stop(nginx.proc, 'SIGQUIT');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`bench: ${e.message}`);
  process.exit(2);
});
