// seeds.mjs -- (re)write the seed corpora tests/fuzz/corpus/<target>/seed-*
// from the project's test cases, so that the fuzzers start from inputs the
// tests already know matter:
//   - the string literals of the unit tests of each parser (tests/unit/...),
//   - the request bodies of the end-to-end cases (tests/e2e/cases/*.json)
//     and the field values inside them,
//   - the data file data/taxonomy.json.
// Files are named by a hash of their content, so running this twice changes
// nothing.  Inputs found by fuzzing (other names) are left alone.
//
//   node tests/fuzz/seeds.mjs

import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const MAX_SEED = 64 * 1024;

/** C string literals of a source file, unescaped into Buffers (format strings and file names left out). */
function cLiterals(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out = [];
  for (const m of text.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)) {
    const raw = m[1];
    if (/%[-.*0-9]*[sdzuxl]/.test(raw) || /\.(h|c|json)$/.test(raw)) continue;
    const bytes = [];
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c !== '\\') { bytes.push(...Buffer.from(c, 'utf8')); continue; }
      const n = raw[++i];
      const simple = { n: 10, r: 13, t: 9, '\\': 92, '"': 34, "'": 39, '0': 0, a: 7, b: 8, f: 12, v: 11 };
      if (n === 'x') {
        const h = /^[0-9a-fA-F]{1,2}/.exec(raw.slice(i + 1))[0];
        bytes.push(parseInt(h, 16));
        i += h.length;
      } else if (/[0-7]/.test(n) && /^[0-7]{1,3}/.test(raw.slice(i))) {
        const o = /^[0-7]{1,3}/.exec(raw.slice(i))[0];
        bytes.push(parseInt(o, 8) & 255);
        i += o.length - 1;
      } else {
        bytes.push(simple[n] ?? n.charCodeAt(0));
      }
    }
    out.push(Buffer.from(bytes));
  }
  return out;
}

/** The e2e cases: { body: Buffer, form: bool, values: [strings] }. */
function e2eCases() {
  const dir = join(ROOT, 'tests/e2e/cases');
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => {
    const r = JSON.parse(readFileSync(join(dir, f), 'utf8')).request;
    const values = [];
    const walk = (v, k) => {
      if (typeof v === 'string') values.push([k, v]);
      else if (v && typeof v === 'object') for (const [kk, vv] of Object.entries(v)) walk(vv, Array.isArray(v) ? k : kk);
    };
    let body;
    let form = false;
    if ('body' in r) { body = Buffer.from(JSON.stringify(r.body)); walk(r.body, ''); }
    else if ('form' in r) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(r.form)) for (const one of [v].flat()) p.append(k, String(one));
      body = Buffer.from(p.toString());
      form = true;
      walk(r.form, '');
    } else if ('rawBody' in r) body = Buffer.from(r.rawBody);
    else if ('rawBodyBase64' in r) body = Buffer.from(r.rawBodyBase64, 'base64');
    return { body, form, values };
  });
}

function fieldValues(cases, re) {
  return cases.flatMap((c) => c.values.filter(([k]) => re.test(k.replace(/\[\d+\]\./, ''))).map(([, v]) => Buffer.from(v)));
}

function write(target, inputs) {
  const dir = join(ROOT, 'tests/fuzz/corpus', target);
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if (f.startsWith('seed-')) rmSync(join(dir, f));
  const seen = new Set();
  for (const b of inputs) {
    if (!b || b.length === 0 || b.length > MAX_SEED) continue;
    const h = createHash('sha1').update(b).digest('hex').slice(0, 16);
    if (seen.has(h)) continue;
    seen.add(h);
    writeFileSync(join(dir, `seed-${h}`), b);
  }
  console.log(`${target}: ${seen.size} seeds`);
}

const cases = e2eCases();
const jsonish = (bs) => bs.filter((b) => /^\s*[[{]/.test(b.toString('latin1')));

write('json_report', [...cases.filter((c) => !c.form && c.body).map((c) => c.body), ...jsonish(cLiterals('tests/unit/util/jsonbody.c')), ...jsonish(cLiterals('tests/unit/core/validate.c'))]);
write('form', [...cases.filter((c) => c.form).map((c) => c.body), ...cLiterals('tests/unit/util/form.c').filter((b) => b.includes('='))]);
write('ipaddr', [...cLiterals('tests/unit/core/ipaddr.c'), ...fieldValues(cases, /Ip$/)]);
write('datetime', [...cLiterals('tests/unit/core/datetime.c'), ...fieldValues(cases, /^(date|time|timeZone)$/)]);
write('url', [...cLiterals('tests/unit/core/url.c'), ...fieldValues(cases, /Url$/)]);
write('email', [...cLiterals('tests/unit/core/email.c'), ...fieldValues(cases, /Email$/)]);
write('config', [...cLiterals('tests/unit/config.c').filter((b) => b.includes('=')),
  Buffer.from('# all settings\nlisten = [::1]:0\ndatabase = "/tmp/x.db"\nmax_body_bytes = 1M\nmax-inflight-bytes = 2GiB\n'
    + 'scope_prefixes = 8.8.0.0/16, 2001:4860::/32\nscope_domains = .Example.NET, bücher.example\nthreads = 4\naccess_log = off\n'
    + 'rate_limit = 30\nrate_burst = 10\nrate_limit_loopback = on\ntrusted_proxies = 10.0.0.0/8, ::1\nheader_timeout = 5\n')]);
write('taxonomy', [readFileSync(join(ROOT, 'data/taxonomy.json')), ...jsonish(cLiterals('tests/unit/core/taxonomy.c'))]);
if (existsSync(join(ROOT, 'src/util/multipart.c')) && existsSync(join(ROOT, 'tests/fuzz/multipart.c'))) {
  write('multipart', multipartSeeds('tests/unit/util/multipart.c'));
}

/*
 * The multipart target takes "Content-Type\nbody".  The unit test writes
 * its bodies as runs of literals around a boundary macro B: join each run,
 * put the boundary in, and give it the Content-Type that names it; its
 * Content-Type literals go in with an empty body.
 */
function multipartSeeds(file) {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const b = /#define\s+B\s+"([^"]*)"/.exec(text)?.[1] ?? 'xyz';
  const lit = String.raw`"(?:[^"\\\n]|\\.)*"`;
  const run = new RegExp(String.raw`(?:${lit}|\bB\b)(?:\s*(?:${lit}|\bB\b))*`, 'g');
  const unescape = (t) => JSON.parse(`"${t.replace(/\\x([0-9a-fA-F]{2})/g, '\\u00$1').replace(/\\0(?![0-9])/g, '\\u0000')}"`);
  const out = [];
  for (const m of text.matchAll(run)) {
    const joined = [...m[0].matchAll(new RegExp(String.raw`${lit}|\bB\b`, 'g'))]
      .map((x) => (x[0] === 'B' ? b : unescape(x[0].slice(1, -1)))).join('');
    if (/^multipart\//i.test(joined)) out.push(Buffer.from(`${joined}\n`, 'latin1'));
    else if (joined.includes(`--${b}`)) out.push(Buffer.from(`multipart/form-data; boundary=${b}\n${joined}`, 'latin1'));
  }
  return out;
}
