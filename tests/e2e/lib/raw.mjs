// Raw HTTP/1.1 over a plain socket, for the tests that send what no HTTP
// client library would: malformed request lines and headers, bad chunked
// encoding, NUL bytes, pipelined garbage, a byte at a time.
//
// exchange() writes the bytes, optionally half-closes, and reads until the
// server closes the connection, the expected number of responses has
// arrived, or the time is up.  Responses are parsed as the server sends
// them (status line, headers, Content-Length body; a HEAD answer has none).
// Every wait is bounded; sockets go to 127.0.0.1 (or another loopback
// address with localAddress) only.

import net from 'node:net';

/** Parse complete responses from buf; returns { responses, rest }. */
export function parseResponses(buf, { headOnly = [] } = {}) {
  const responses = [];
  let off = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', off, 'latin1');
    if (end < 0) break;
    const head = buf.subarray(off, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})(?: (.*))?$/.exec(head[0]);
    if (!m) return { responses, rest: buf.subarray(off), garbage: true };
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      if (i <= 0) continue;
      const k = line.slice(0, i).trim().toLowerCase();
      const v = line.slice(i + 1).trim();
      headers[k] = k in headers ? `${headers[k]}, ${v}` : v;
    }
    const len = headOnly[responses.length] ? 0 : Number(headers['content-length'] ?? 0);
    if (buf.length < end + 4 + len) break;
    const body = buf.subarray(end + 4, end + 4 + len);
    responses.push({ status: Number(m[1]), reason: m[2] ?? '', headers, body, text: body.toString('utf8') });
    off = end + 4 + len;
  }
  return { responses, rest: buf.subarray(off), garbage: false };
}

/**
 * Send bytes (Buffer, or an array of Buffers written one after another)
 * to 127.0.0.1:port.
 *   halfClose:  end our side after writing (a truncated request then ends)
 *   responses:  stop once this many complete responses have arrived
 *   timeoutMs:  give up waiting (resolves with timedOut: true)
 *   localAddress: a loopback source address (127.0.0.2, ...)
 *   headOnly:   per response index, true when it answers a HEAD (no body)
 * Resolves { responses, closed, timedOut, raw, garbage, error }.
 */
export function exchange(port, bytes, { halfClose = false, responses: want = Infinity, timeoutMs = 10_000, localAddress, headOnly = [] } = {}) {
  return new Promise((resolve) => {
    const chunks = [];
    let done = false;
    let closed = false;
    let error;
    const sock = net.connect({ port, host: '127.0.0.1', localAddress });
    const finish = (timedOut) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      const raw = Buffer.concat(chunks);
      const parsed = parseResponses(raw, { headOnly });
      sock.destroy();
      resolve({ responses: parsed.responses, garbage: parsed.garbage, closed, timedOut, raw, error });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    sock.on('connect', () => {
      const list = Array.isArray(bytes) ? bytes : [bytes];
      for (const b of list) sock.write(b);
      if (halfClose) sock.end();
    });
    sock.on('data', (d) => {
      chunks.push(d);
      if (want !== Infinity && parseResponses(Buffer.concat(chunks), { headOnly }).responses.length >= want) finish(false);
    });
    sock.on('error', (e) => { error = e.code ?? e.message; });
    sock.on('close', () => { closed = true; finish(false); });
  });
}

/** "GET /healthz" as a complete request (Connection: close), as a Buffer. */
export function simpleRequest(method, path, { headers = {}, body } = {}) {
  const b = body === undefined ? undefined : Buffer.from(body);
  let s = `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n`;
  for (const [k, v] of Object.entries(headers)) s += `${k}: ${v}\r\n`;
  if (b !== undefined && !Object.keys(headers).some((k) => /^(content-length|transfer-encoding)$/i.test(k))) {
    s += `Content-Length: ${b.length}\r\n`;
  }
  if (!Object.keys(headers).some((k) => /^connection$/i.test(k))) s += 'Connection: close\r\n';
  return Buffer.concat([Buffer.from(`${s}\r\n`, 'latin1'), b ?? Buffer.alloc(0)]);
}
