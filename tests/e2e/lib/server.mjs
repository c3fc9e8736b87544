// Starting and stopping the real abusedesk binary for end-to-end tests.
//
// Each test file starts its own server on 127.0.0.1:0 (an ephemeral port)
// with a fresh database in a temporary directory, reads the port from the
// "listening on http://127.0.0.1:<port>" line on stderr, and stops it with
// SIGTERM (then SIGKILL after 5 s).  Every wait here is bounded.
//
// The binary is $ABUSEDESK_BIN, or build/abusedesk; a relative path is taken
// from the repository root, which is also the server's working directory.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const BIN = (() => {
  const b = process.env.ABUSEDESK_BIN ?? 'build/abusedesk';
  return isAbsolute(b) ? b : resolve(REPO_ROOT, b);
})();

export const START_TIMEOUT_MS = 10_000;
export const STOP_TIMEOUT_MS = 5_000;

const live = new Set();
// Never leave a server behind, even if the test process dies on an error.
process.on('exit', () => {
  for (const p of live) {
    try { p.kill('SIGKILL'); } catch { /* already gone */ }
  }
});

/** A fresh temporary directory for a database. */
export function makeTempDir() {
  return mkdtempSync(join(tmpdir(), 'abusedesk-e2e-'));
}

export function removeTempDir(dir) {
  if (dir) rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}

// The server reads ABUSEDESK_* from its environment; keep tests hermetic.
function childEnv() {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!k.startsWith('ABUSEDESK_')) env[k] = v;
  }
  return env;
}

/**
 * Start a server.
 *   dir:  directory for the database (default: a new temporary one, removed by stop())
 *   args: extra command-line arguments (e.g. ['--max-body-bytes', '4096'])
 *   wrap: a command the server is run under, the binary and its arguments
 *         appended (e.g. ['unshare', '-m', 'sh', '-c', '... exec "$@"', 'sh']);
 *         it must exec the server so that proc.pid is the server's
 * Returns { base, port, dir, database, proc, stderr(), stdout(), waitForStderr(pred, ms), stop() }.
 */
export async function startServer({ dir, args = [], wrap = [] } = {}) {
  const ownDir = !dir;
  const workDir = dir ?? makeTempDir();
  const database = join(workDir, 'abusedesk.db');
  if (!existsSync(BIN)) {
    if (ownDir) removeTempDir(workDir);
    throw new Error(`abusedesk binary not found at ${BIN} (build it, or set ABUSEDESK_BIN)`);
  }
  const argv = ['serve', '--listen', '127.0.0.1:0', '--database', database, ...args];
  const [cmd, ...cmdArgs] = [...wrap, BIN, ...argv];
  const proc = spawn(cmd, cmdArgs, { cwd: REPO_ROOT, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(proc);
  // A server left running by a failed test must not keep the test process
  // alive; the 'exit' handler above kills it.
  proc.unref();
  proc.stderr.unref?.();
  proc.stdout.unref?.();
  let err = '';
  let out = '';
  const waiters = new Set();
  const exited = new Promise((res) => {
    proc.once('exit', (code, signal) => { live.delete(proc); res({ code, signal }); });
  });
  proc.stderr.setEncoding('utf8');
  proc.stdout.setEncoding('utf8');
  proc.stderr.on('data', (d) => { err += d; for (const w of waiters) w(); });
  proc.stdout.on('data', (d) => { out += d; });

  const waitForStderr = (pred, ms) => new Promise((res, rej) => {
    const check = () => {
      const v = pred(err);
      if (v) { cleanup(); res(v); return true; }
      return false;
    };
    const timer = setTimeout(() => { cleanup(); rej(new Error(`timed out after ${ms} ms waiting on stderr; stderr so far:\n${err.slice(-4000)}`)); }, ms);
    // 'close' comes after the pipes are drained, so nothing written is missed.
    const onClose = () => { if (!check()) { cleanup(); rej(new Error(`abusedesk exited (code ${proc.exitCode}, signal ${proc.signalCode}); stderr:\n${err.slice(-4000)}`)); } };
    const cleanup = () => { clearTimeout(timer); waiters.delete(check); proc.off('close', onClose); };
    if (check()) return;
    if (proc.exitCode !== null || proc.signalCode !== null) { onClose(); return; }
    waiters.add(check);
    proc.once('close', onClose);
  });

  const stop = async () => {
    let forced = false;
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGTERM');
      const t = await withTimeout(exited, STOP_TIMEOUT_MS);
      if (t === undefined) {
        forced = true;
        proc.kill('SIGKILL');
        await withTimeout(exited, STOP_TIMEOUT_MS);
      }
    }
    const r = (await withTimeout(exited, 100)) ?? { code: proc.exitCode, signal: proc.signalCode };
    if (ownDir) removeTempDir(workDir);
    return { ...r, forced };
  };

  let port;
  try {
    const m = await new Promise((res, rej) => {
      proc.once('error', (e) => rej(new Error(`cannot start ${BIN}: ${e.message}`)));
      waitForStderr((s) => s.match(/listening on http:\/\/127\.0\.0\.1:(\d+)/), START_TIMEOUT_MS).then(res, rej);
    });
    port = Number(m[1]);
    if (!(port > 0 && port < 65536)) throw new Error(`server announced port ${m[1]}, not a real port`);
  } catch (e) {
    await stop();
    throw e;
  }
  return {
    base: `http://127.0.0.1:${port}`,
    port,
    dir: workDir,
    database,
    proc,
    stderr: () => err,
    stdout: () => out,
    waitForStderr,
    stop,
  };
}

/** The promise's value, or undefined if it does not settle within ms (the timer is cleared either way). */
export async function withTimeout(promise, ms) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((res) => { timer = setTimeout(res, ms, undefined); })]);
  } finally {
    clearTimeout(timer);
  }
}

export function delay(ms) {
  return new Promise((res) => setTimeout(res, ms));
}
