// The Report Abuse Portal from the outside: opening the form (its token and
// cookie), multipart/form-data bodies written byte for byte, reading fields
// and messages back out of the HTML, and looking into the database with the
// sqlite3 command (as an analyst would).  Used by tests/e2e/portal.test.mjs
// and tests/browser/portal.test.mjs.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { request } from './http.mjs';

export const PORTAL_PATH = '/report/abuse';

/** GET the form: { res, csrf, cookie } (cookie as "name=value" for a Cookie header). */
export async function openForm(base, query = '', headers = {}) {
  const res = await request(base, { path: PORTAL_PATH + query, headers });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
  const sc = res.headers['set-cookie'];
  const cookie = sc ? [].concat(sc)[0].split(';')[0] : undefined;
  return { res, csrf, cookie };
}

/**
 * A multipart/form-data body: fields are [name, value] pairs in order; file
 * is { field = 'attachment', filename, type, data } or undefined.
 */
export function multipart(fields, { file, boundary = `----abusedesk${randomBytes(8).toString('hex')}` } = {}) {
  const parts = [];
  for (const [name, value] of fields) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n`));
    parts.push(Buffer.from(String(value), 'utf8'), Buffer.from('\r\n'));
  }
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? 'attachment'}"; ` +
      `filename="${file.filename}"\r\nContent-Type: ${file.type ?? 'application/octet-stream'}\r\n\r\n`));
    parts.push(Buffer.from(file.data), Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** Form fields (list paths like "urlList[1].sourceUrl") as the JSON body the API takes. */
export function toJson(fields) {
  const out = {};
  for (const [k, v] of pairs(fields)) {
    const m = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(k);
    if (!m) { out[k] = v; continue; }
    const list = (out[m[1]] ??= []);
    while (list.length <= +m[2]) list.push({});
    list[+m[2]][m[3]] = v;
  }
  return out;
}

/** Fields of an object as pairs; arrays of pairs pass through. */
export function pairs(fields) {
  return Array.isArray(fields) ? fields : Object.entries(fields);
}

/**
 * POST the form as a browser would: the session's token and cookie, the
 * fields, the file, the submit button.
 */
export function postForm(base, session, fields, { file, action = 'submit', headers = {}, csrf } = {}) {
  const all = [['_csrf', csrf ?? session.csrf], ...pairs(fields), ['website', '']];
  if (action !== undefined) all.push(['_action', action]);
  const { body, contentType } = multipart(all, { file });
  const h = { 'Content-Type': contentType, ...headers };
  if (session.cookie && !('Cookie' in h)) h.Cookie = session.cookie;
  return request(base, { method: 'POST', path: PORTAL_PATH, headers: h, body });
}

// --- reading the HTML ---------------------------------------------------------

export function decode(s) {
  return s.replace(/<[^>]*>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** "ipAddressList[0].sourceIp" -> "f-ipAddressList-0-sourceIp", as the server makes ids. */
export function fieldId(path) {
  return 'f-' + path.replace(/[^A-Za-z0-9_[\].]/g, '_').replace(/[[\].]+/g, '-').replace(/-$/, '');
}

/** The messages shown beside a field (without the hidden "Error: "), or undefined. */
export function fieldError(html, path) {
  const m = new RegExp(`<p class="field-error" id="${fieldId(path)}-error">(.*?)</p>`).exec(html);
  if (!m) return undefined;
  return m[1].replace(/<span class="visually-hidden">Error: <\/span>/, '').split('<br>').map(decode);
}

/** The value attribute of the input with the field's id. */
export function inputValue(html, path) {
  const tag = new RegExp(`<input[^>]* id="${fieldId(path)}"[^>]*>`).exec(html)?.[0];
  if (!tag) return undefined;
  const v = / value="([^"]*)"/.exec(tag);
  return v ? decode(v[1]) : '';
}

export function textareaValue(html, path) {
  const m = new RegExp(`<textarea[^>]* id="${fieldId(path)}"[^>]*>([\\s\\S]*?)</textarea>`).exec(html);
  return m ? decode(m[1]) : undefined;
}

/** The options of a select: [{ value, label, selected }]. */
export function options(html, path) {
  const m = new RegExp(`<select[^>]* id="${fieldId(path)}"[^>]*>([\\s\\S]*?)</select>`).exec(html);
  if (!m) return undefined;
  return [...m[1].matchAll(/<option value="([^"]*)"( selected)?>([^<]*)<\/option>/g)]
    .map((o) => ({ value: decode(o[1]), label: decode(o[3]), selected: Boolean(o[2]) }));
}

export function selected(html, path) {
  return options(html, path)?.find((o) => o.selected)?.value;
}

/** The items of the error summary, as text. */
export function summaryItems(html) {
  const m = /<div class="error-summary"[\s\S]*?<ul>([\s\S]*?)<\/ul>/.exec(html);
  return m ? [...m[1].matchAll(/<li>([\s\S]*?)<\/li>/g)].map((x) => decode(x[1])) : [];
}

/** The case id and the status link of a confirmation page. */
export function confirmation(html) {
  return {
    caseId: /class="case-id">([^<]+)</.exec(html)?.[1],
    statusLink: decode(/id="status-link" href="([^"]+)"/.exec(html)?.[1] ?? ''),
    sha256: /<code class="hash">([0-9a-f]{64})<\/code>/.exec(html)?.[1],
  };
}

// --- the database -------------------------------------------------------------

/** Rows of a query on the server's database, through the sqlite3 command (-json). */
export function sql(database, query) {
  const out = execFileSync('sqlite3', ['-json', '-readonly', database, query], { encoding: 'utf8' });
  return out.trim() === '' ? [] : JSON.parse(out);
}

export function reportCount(database) {
  return sql(database, 'SELECT count(*) AS n FROM reports')[0].n;
}
