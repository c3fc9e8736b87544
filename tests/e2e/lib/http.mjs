// HTTP requests for the end-to-end tests.
//
// request() uses node:http so that the bytes on the wire are exactly what a
// test says: no Content-Type unless given (fetch adds text/plain;charset=UTF-8
// to string bodies), header names in the case given, the path as written
// (fetch drops an empty "?").  Each request has its own connection and a
// bounded time.  send() is the same through fetch, for the tests that want
// to behave like a browser or a fetch-based client.

import http from 'node:http';

export const REQUEST_TIMEOUT_MS = 60_000;
export const ABUSE_PATH = '/report/v2.0/abuse';

/**
 * A response: { status, headers (lower-case names), raw (Buffer), text, json (or undefined) }.
 * headers values for repeated names are joined as node does.
 */
function makeResponse(status, headers, raw) {
  const text = raw.toString('utf8');
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status, headers, raw, text, json };
}

/**
 * Send one request.
 *   base:    'http://127.0.0.1:<port>'
 *   method:  default GET
 *   path:    sent as written
 *   headers: sent as given (names keep their case); Content-Length is added for a body
 *            unless the headers name Content-Length or Transfer-Encoding
 *   body:    string (UTF-8), Buffer or Uint8Array, or undefined
 *   chunks:  instead of body, an array of Buffers/strings sent with chunked encoding
 *   expectContinue: send "Expect: 100-continue" and the body only when the server
 *            says continue (as curl does for large bodies); an early answer wins
 */
export function request(base, { method = 'GET', path = '/', headers = {}, body, chunks, expectContinue = false, timeoutMs = REQUEST_TIMEOUT_MS } = {}) {
  const url = new URL(base);
  const payload = body === undefined ? undefined : (typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body));
  const hdrs = { ...headers };
  const names = Object.keys(hdrs).map((k) => k.toLowerCase());
  if (payload !== undefined && !names.includes('content-length') && !names.includes('transfer-encoding')) {
    hdrs['Content-Length'] = String(payload.length);
  }
  if (chunks && !names.includes('transfer-encoding')) hdrs['Transfer-Encoding'] = 'chunked';
  if (expectContinue && !names.includes('expect')) hdrs.Expect = '100-continue';
  return new Promise((resolve, reject) => {
    let settled = false;
    let status;
    let resHeaders;
    const parts = [];
    const done = (err) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      // A server may answer (413, say) and close before the whole body is sent:
      // what it answered counts, the broken pipe does not.
      if (status !== undefined) resolve(makeResponse(status, resHeaders, Buffer.concat(parts)));
      else reject(err);
      setImmediate(() => req.destroy());
    };
    const req = http.request({
      host: url.hostname,
      port: url.port,
      method,
      path,
      headers: hdrs,
      agent: false,
      setHost: true,
    }, (res) => {
      status = res.statusCode;
      resHeaders = res.headers;
      res.on('data', (d) => parts.push(d));
      res.on('end', () => done());
      res.on('error', (e) => done(e));
      res.on('close', () => done(new Error('connection closed')));
    });
    const timer = setTimeout(() => req.destroy(new Error(`${method} ${path}: no complete answer within ${timeoutMs} ms`)), timeoutMs);
    req.on('error', (e) => { setTimeout(() => done(e), 50); });
    const writeBody = () => {
      if (chunks) {
        for (const c of chunks) req.write(c);
        req.end();
      } else {
        req.end(payload);
      }
    };
    if (expectContinue) {
      req.flushHeaders();
      req.on('continue', writeBody);
    } else {
      writeBody();
    }
  });
}

/** POST a value as JSON with Content-Type: application/json (or the given headers). */
export function postJson(base, value, { path = ABUSE_PATH, headers = { 'Content-Type': 'application/json' } } = {}) {
  return request(base, { method: 'POST', path, headers, body: JSON.stringify(value) });
}

/** GET a path. */
export function get(base, path, headers = {}) {
  return request(base, { method: 'GET', path, headers });
}

/** The same through fetch: { status, headers (lower-case object), raw, text, json }. */
export async function send(base, path, init = {}) {
  const res = await fetch(base + path, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  const raw = Buffer.from(await res.arrayBuffer());
  const headers = {};
  res.headers.forEach((v, k) => { headers[k] = v; });
  return makeResponse(res.status, headers, raw);
}

/** Form-encode fields: { name: value | [values] } in the given order. */
export function formEncode(fields) {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) {
    for (const one of Array.isArray(v) ? v : [v]) p.append(k, String(one));
  }
  return p.toString();
}

/** The media type of a Content-Type value, lower case, without parameters. */
export function mediaType(contentType) {
  return String(contentType ?? '').split(';')[0].trim().toLowerCase();
}

/** A short description of a response for assertion messages. */
export function describe(res) {
  const ct = res.headers['content-type'];
  const t = res.text.length > 1500 ? res.text.slice(0, 1500) + '…' : res.text;
  return `HTTP ${res.status} (${ct ?? 'no Content-Type'}): ${t}`;
}
