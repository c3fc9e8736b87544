// A full disk and a filesystem that turns read-only, for real: the database
// lives on a small tmpfs, or on an ext4 image, mounted inside a private mount
// namespace that only the server sees (unshare -m; the mount vanishes with
// the server).  The test reaches into it through /proc/<pid>/root.
//
//   disk full: fill the tmpfs -> submissions get 503 problem+json saying the
//   report was NOT received, /readyz fails, every acknowledged report is
//   still there; free the space -> the same process takes reports again and
//   /readyz is ready, with no restart.
//
//   read-only: the ext4 filesystem is made to fail as a disk error would
//   (errors=remount-ro and the kernel's trigger_fs_error: the journal aborts,
//   writes fail with EIO, new opens with EROFS) -> 503 and /readyz fails;
//   after e2fsck and a restart nothing acknowledged is lost.  A tmpfs cannot
//   be remounted read-only while the database is open for writing (EBUSY),
//   and a read-only bind mount would not stop writes through the descriptors
//   SQLite holds open, hence ext4.
//
// Needs root (CAP_SYS_ADMIN), unshare and nsenter; the read-only case also loop
// devices, mkfs.ext4 and e2fsck.  Where these are missing the tests skip,
// saying why; as root on Debian (here and in CI) they run.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';

import { assertAccepted, assertProblem } from './lib/expect.mjs';
import { get, postJson } from './lib/http.mjs';
import { ipReport, urlReport } from './lib/reports.mjs';
import { delay, makeTempDir, removeTempDir, startServer } from './lib/server.mjs';

const dirs = [];
after(() => { for (const d of dirs) removeTempDir(d); });
function tempDir() {
  const d = makeTempDir();
  dirs.push(d);
  return d;
}

function sh(cmd, args) {
  return spawnSync(cmd, args, { encoding: 'utf8', timeout: 60_000 });
}

// Why these tests cannot run here, or null.
function namespaceProblem() {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'not root: mounting a tmpfs needs CAP_SYS_ADMIN';
  const r = sh('unshare', ['-m', '--propagation', 'private', 'true']);
  if (r.error) return 'unshare (util-linux) is not installed';
  if (r.status !== 0) return `cannot make a mount namespace: ${r.stderr.trim()}`;
  return null;
}

function ext4Problem() {
  for (const c of ['mkfs.ext4', 'e2fsck', 'losetup']) {
    if (sh('sh', ['-c', `command -v ${c}`]).status !== 0) return `${c} is not installed (e2fsprogs, util-linux)`;
  }
  const r = sh('losetup', ['-f']);
  if (r.status !== 0) return `no free loop device: ${r.stderr.trim()}`;
  return null;
}

let n = 0;
function report() {
  n++;
  return n % 2
    ? ipReport({ reportNotes: `storage ${n}`, ipAddressList: [{ sourceIp: '9.9.9.9' }, { sourceIp: '8.8.4.4', sourcePort: 22 }] })
    : urlReport({ reportNotes: `storage ${n}`, urlList: [{ sourceUrl: `https://phish.example/${n}` }] });
}

async function submitOk(srv, acked, count) {
  for (let i = 0; i < count; i++) acked.push(assertAccepted(await postJson(srv.base, report())));
}

// Every acknowledged report answers its status, with all its indicators.
async function assertAllThere(srv, acked) {
  for (const a of acked) {
    const res = await get(srv.base, a.statusUrl, { 'X-Tracking-Token': a.trackingToken });
    assert.equal(res.status, 200, `acknowledged ${a.caseId}: ${res.text}`);
    assert.equal(res.json.indicatorCount, a.report.ipAddressList ? 3 : 2, `indicators of ${a.caseId}`);
  }
}

// Checked inside the server's namespace: SQLite resolves the /proc/<pid>/root
// link to a path of this namespace, so the database must be named from within.
function integrity(pid, db) {
  const r = sh('nsenter', ['-t', String(pid), '-m', 'sqlite3', db, 'PRAGMA integrity_check; SELECT count(*) FROM reports;']);
  assert.equal(r.status, 0, `sqlite3: ${r.stderr}`);
  const [check, count] = r.stdout.trim().split('\n');
  assert.equal(check, 'ok', 'PRAGMA integrity_check');
  return Number(count);
}

// Post reports until one is refused; the ones accepted meanwhile are kept.
async function submitUntilRefused(srv, acked, what) {
  for (let i = 0; i < 400; i++) {
    const res = await postJson(srv.base, report());
    if (res.status === 200) {
      acked.push(assertAccepted(res));
      continue;
    }
    const body = assertProblem(res, 503);
    assert.match(body.message, /NOT received/, `the 503 says the report was not received: ${res.text}`);
    assert.ok(res.headers['retry-after'], 'a 503 carries Retry-After');
    return body;
  }
  assert.fail(`${what}: 400 reports were still accepted`);
}

// /readyz fails, naming the cause for the operator.
async function assertNotReady(srv, cause) {
  const res = await get(srv.base, '/readyz');
  const body = assertProblem(res, 503);
  assert.ok(res.headers['retry-after'], '/readyz 503 carries Retry-After');
  assert.match(body.message, cause, `/readyz says why: ${res.text}`);
  return body;
}

test('disk_full_answers_503_and_readyz_fails_and_recovers_when_space_returns', { timeout: 120_000 }, async (t) => {
  const why = namespaceProblem();
  if (why) { t.skip(why); return; }
  const dir = tempDir();
  const wrap = ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
    'mount -t tmpfs -o size=4m,mode=0700 abusedesk-e2e "$0" && exec "$@"', dir];
  const srv = await startServer({ dir, wrap, args: ['--access-log', 'off'] });
  const inside = `/proc/${srv.proc.pid}/root${dir}`;
  const filler = join(inside, 'filler');
  const acked = [];
  try {
    assert.ok(readFileSync(`/proc/${srv.proc.pid}/mounts`, 'utf8').includes(` ${dir} tmpfs `), 'the database is on the tmpfs');
    await submitOk(srv, acked, 20);
    assert.equal((await get(srv.base, '/readyz')).status, 200);

    // Fill the tmpfs to the last byte.
    const fd = openSync(filler, 'w');
    const chunk = Buffer.alloc(64 * 1024, 0x5a);
    try {
      for (;;) writeSync(fd, chunk);
    } catch (e) {
      assert.equal(e.code, 'ENOSPC', `filling the tmpfs: ${e.message}`);
    } finally {
      closeSync(fd);
    }
    const refused = await submitUntilRefused(srv, acked, 'disk full');
    t.diagnostic(`disk full: 503 "${refused.title}": ${refused.message}`);
    assertProblem(await postJson(srv.base, report()), 503);
    const ready = await assertNotReady(srv, /full/);
    t.diagnostic(`disk full: /readyz 503: ${ready.message}; ${acked.length} reports acknowledged before and while filling`);
    assert.match(srv.stderr(), /store: .*full/i, 'the server logged the cause');
    await assertAllThere(srv, acked);       // reads still work

    // Space returns: the same process takes reports again, no restart.
    unlinkSync(filler);
    let res;
    for (let i = 0; i < 50; i++) {
      res = await postJson(srv.base, report());
      if (res.status === 200) break;
      await delay(100);
    }
    acked.push(assertAccepted(res));
    await submitOk(srv, acked, 10);
    assert.equal((await get(srv.base, '/readyz')).status, 200, '/readyz is ready again');
    await assertAllThere(srv, acked);
    assert.ok(integrity(srv.proc.pid, join(dir, 'abusedesk.db')) >= acked.length);
  } finally {
    await srv.stop();
  }
});

test('readonly_filesystem_answers_503_and_readyz_fails_and_loses_nothing', { timeout: 120_000 }, async (t) => {
  const why = namespaceProblem() ?? ext4Problem();
  if (why) { t.skip(why); return; }
  const work = tempDir();
  const mnt = tempDir();
  const img = join(work, 'fs.img');
  writeFileSync(img, '');
  assert.equal(sh('truncate', ['-s', '32M', img]).status, 0);
  const mk = sh('mkfs.ext4', ['-q', '-F', img]);
  assert.equal(mk.status, 0, `mkfs.ext4: ${mk.stderr}`);
  const wrap = (opts) => ['unshare', '-m', '--propagation', 'private', 'sh', '-c',
    `mount -o loop,${opts} "$0" "$1" && shift && exec "$@"`, img, mnt];
  const acked = [];
  let srv = await startServer({ dir: mnt, wrap: wrap('errors=remount-ro'), args: ['--access-log', 'off'] });
  try {
    const line = readFileSync(`/proc/${srv.proc.pid}/mounts`, 'utf8').split('\n').find((l) => l.split(' ')[1] === mnt);
    assert.ok(line, `the ext4 image is mounted at ${mnt}`);
    const dev = line.split(' ')[0].replace('/dev/', '');
    await submitOk(srv, acked, 20);
    assert.equal((await get(srv.base, '/readyz')).status, 200);

    // The filesystem fails as on a disk error and goes read-only.
    const trigger = `/sys/fs/ext4/${dev}/trigger_fs_error`;
    if (!existsSync(trigger)) { t.skip(`this kernel has no ${trigger}`); return; }
    writeFileSync(trigger, '1');
    const refused = await submitUntilRefused(srv, acked, 'read-only');
    t.diagnostic(`read-only: 503 "${refused.title}": ${refused.message}`);
    assertProblem(await postJson(srv.base, report()), 503);
    const ready = await assertNotReady(srv, /read-only/);
    t.diagnostic(`read-only: /readyz 503: ${ready.message}`);
    await assertAllThere(srv, acked);
  } finally {
    await srv.stop();                       // the namespace ends: the filesystem is unmounted
  }
  // The operator repairs the filesystem and restarts: nothing acknowledged is lost.
  const fsck = sh('e2fsck', ['-f', '-y', img]);
  assert.ok([0, 1].includes(fsck.status), `e2fsck: ${fsck.status} ${fsck.stdout} ${fsck.stderr}`);
  srv = await startServer({ dir: mnt, wrap: wrap('rw'), args: ['--access-log', 'off'] });
  try {
    await assertAllThere(srv, acked);
    assert.ok(integrity(srv.proc.pid, join(mnt, 'abusedesk.db')) >= acked.length);
    acked.push(assertAccepted(await postJson(srv.base, report())));
    assert.equal((await get(srv.base, '/readyz')).status, 200);
  } finally {
    await srv.stop();
  }
});
