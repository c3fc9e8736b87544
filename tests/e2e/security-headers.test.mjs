// Security headers on every response of every route.  The routes are read
// from the route tables themselves (every `http_route routes[]` in src/,
// path macros resolved from the #defines), so a route added later is
// checked without touching this file; pages found that way are crawled for
// the /static/ files they load, which gives the prefix routes real paths.
//
// Every answer: X-Content-Type-Options: nosniff, an X-Request-Id, a
// Cache-Control.  Every 4xx/5xx: application/problem+json, except on the
// pages people use with a browser (the portal; not the API under
// /report/v2.0/, the health checks, /metrics or /static/), which may answer with an
// HTML page that then carries the page headers below.
// Every HTML page:
// a Content-Security-Policy that forbids framing (frame-ancestors) or an
// X-Frame-Options, and a Referrer-Policy.  Each route is asked with its own
// method (GET also as HEAD; POST with an empty JSON object, a form and no
// body) and with a method it does not take (405).

import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import { serverForFile } from './lib/fixture.mjs';
import { request } from './lib/http.mjs';
import { REPO_ROOT } from './lib/server.mjs';

const srv = serverForFile();

function sources(dir, out = []) {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (/\.[ch]$/.test(f)) out.push(readFileSync(p, 'utf8'));
  }
  return out;
}

/** { method, path, prefix } of every route table entry in src/. */
export function declaredRoutes() {
  const texts = sources(join(REPO_ROOT, 'src'));
  const macros = {};
  for (const t of texts) {
    for (const m of t.matchAll(/^#define\s+([A-Z_][A-Z0-9_]*)\s+"([^"]*)"\s*$/gm)) macros[m[1]] = m[2];
  }
  const routes = [];
  for (const t of texts) {
    for (const table of t.matchAll(/http_route\s+\w+\[\]\s*=\s*\{([\s\S]*?)\n\};/g)) {
      for (const e of table[1].matchAll(/\{\s*"([A-Z]+)"\s*,\s*(?:"([^"]*)"|([A-Z_][A-Z0-9_]*))\s*,\s*([01])\s*,/g)) {
        const path = e[2] ?? macros[e[3]];
        assert.ok(path, `route path macro ${e[3]} is #defined somewhere in src/`);
        routes.push({ method: e[1], path, prefix: e[4] === '1' });
      }
    }
  }
  return routes;
}

const SAMPLE_SUFFIX = 'no-such-thing';

function checkHeaders(what, res, htmlErrorsAllowed = false) {
  const h = res.headers;
  assert.equal(h['x-content-type-options'], 'nosniff', `${what}: X-Content-Type-Options: nosniff`);
  assert.ok(typeof h['x-request-id'] === 'string' && h['x-request-id'].length >= 8, `${what}: X-Request-Id`);
  assert.ok(h['cache-control'], `${what}: Cache-Control`);
  const type = String(h['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (res.status >= 400 && !(htmlErrorsAllowed && type === 'text/html')) {
    assert.equal(type, 'application/problem+json', `${what}: an error is problem+json`);
  }
  if (type === 'text/html') {
    const csp = h['content-security-policy'] ?? '';
    assert.ok(csp.includes("default-src") || csp.includes('script-src'), `${what}: a Content-Security-Policy; got ${JSON.stringify(csp)}`);
    assert.ok(/frame-ancestors\s+('none'|'self')/.test(csp) || /^(DENY|SAMEORIGIN)$/i.test(h['x-frame-options'] ?? ''),
      `${what}: framing forbidden (frame-ancestors or X-Frame-Options)`);
    assert.ok(h['referrer-policy'], `${what}: Referrer-Policy`);
    assert.ok(!/'unsafe-inline'|'unsafe-eval'/.test(csp.replace(/style-src[^;]*/, '')), `${what}: no unsafe-inline/unsafe-eval scripts in the CSP: ${csp}`);
  }
}

/** Same-origin paths a page loads or links to. */
function linked(html) {
  return [...html.matchAll(/\b(?:href|src)="(\/[^"#?]*)/g)].map((m) => m[1]);
}

test('the route tables declare the routes this test expects at least', () => {
  const got = new Set(declaredRoutes().map((r) => `${r.method} ${r.path}`));
  for (const want of ['POST /report/v2.0/abuse', 'GET /report/v2.0/abuse/', 'GET /report/v2.0/taxonomy', 'GET /healthz', 'GET /readyz', 'GET /static/']) {
    assert.ok(got.has(want), `${want} among the declared routes: ${[...got].join(', ')}`);
  }
});

test('every response of every route carries the security headers', { timeout: 120_000 }, async () => {
  const routes = declaredRoutes();
  const paths = new Map();                      // path -> method list (for the prefix samples)
  const asked = [];
  const ask = async (method, path, opts = {}) => {
    const res = await request(srv.base, { method, path, ...opts });
    checkHeaders(`${method} ${path} -> ${res.status}`, res, !machinePath(path));
    asked.push(`${method} ${path} ${res.status}`);
    return res;
  };
  const samples = new Set();
  const machinePath = (p) => p.startsWith('/report/v2.0/') || p.startsWith('/static/') || ['/healthz', '/readyz', '/metrics'].includes(p);
  for (const r of routes) {
    const path = r.prefix ? r.path + SAMPLE_SUFFIX : r.path;
    paths.set(path, r);
    if (r.method === 'GET') {
      const res = await ask('GET', path);
      await ask('HEAD', path);
      if (String(res.headers['content-type']).startsWith('text/html')) {
        for (const l of linked(res.text)) samples.add(l);
      }
    } else {
      await ask(r.method, path, { headers: { 'Content-Type': 'application/json' }, body: '{}' });
      await ask(r.method, path, { headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'a=1' });
      await ask(r.method, path, {});
    }
    const other = await ask('DELETE', path);
    assert.equal(other.status, 405, `DELETE ${path} is not a route: 405`);
    assert.ok(other.headers.allow, `DELETE ${path}: 405 with Allow`);
  }
  // Prefix routes with real names: the files and pages the pages link to.
  for (const l of samples) {
    if ([...paths.values()].some((r) => r.prefix && l.startsWith(r.path)) || paths.has(l)) await ask('GET', l);
  }
  await ask('GET', '/no/such/path');
  await ask('POST', '/no/such/path', { body: 'x' });
  console.log(`security headers checked on ${asked.length} answers over ${routes.length} routes`);
  assert.ok(asked.length >= routes.length * 3, 'every route was asked');
});
