/**
 * Application messages for the agent benchmark's capture: HTTP/1.1 requests and response heads,
 * TLS ClientHello/ServerHello records, DNS queries and answers, DHCP messages. Built as real
 * protocol bytes (the agent's decoders parse them as they would a real capture).
 */

const ascii = (s: string): Buffer => Buffer.from(s, 'latin1');

export const userAgents = [
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148',
  'curl/7.88.1',
  'python-requests/2.31.0',
  'Go-http-client/1.1',
  'okhttp/4.12.0',
  'kube-probe/1.29',
];

const paths = [
  '/api/v1/items/',
  '/api/v2/users/',
  '/static/js/app.',
  '/images/thumb/',
  '/search',
  '/health',
  '/metrics',
  '/login',
];

/** An HTTP/1.1 request (head and, for POST, a small JSON body). */
export function httpRequest(host: string, i: number, method: string, ua: string, referer: boolean): Buffer {
  const p = paths[i % paths.length]!;
  const query = i % 3 === 0 ? `?id=${i * 7919}&page=${i % 17}&sort=desc` : '';
  const body = method === 'POST' ? `{"id":${i},"name":"item-${i}","tags":["a","b"],"qty":${i % 9}}` : '';
  const head =
    `${method} ${p}${i}${query} HTTP/1.1\r\nHost: ${host}\r\nUser-Agent: ${ua}\r\n` +
    'Accept: application/json, text/plain, */*\r\nAccept-Encoding: gzip, deflate, br\r\n' +
    'Accept-Language: en-US,en;q=0.9\r\n' +
    (referer ? `Referer: https://${host}/app/view/${i % 97}?tab=2\r\n` : '') +
    (body ? `Content-Type: application/json\r\nContent-Length: ${body.length}\r\n` : '') +
    'Connection: keep-alive\r\n\r\n';
  return ascii(head + body);
}

const reasons: Record<number, string> = {
  200: 'OK',
  204: 'No Content',
  301: 'Moved Permanently',
  304: 'Not Modified',
  404: 'Not Found',
  500: 'Internal Server Error',
};

/**
 * An HTTP/1.1 response head for a body of `bodyLength` bytes; chunked: the head and the whole
 * small body in chunks, terminator included.
 */
export function httpResponse(status: number, bodyLength: number, chunked: boolean): Buffer {
  const head =
    `HTTP/1.1 ${status} ${reasons[status] ?? 'OK'}\r\nServer: nginx/1.22.1\r\n` +
    'Date: Sat, 21 Nov 2026 14:00:00 GMT\r\nContent-Type: application/json\r\n' +
    'Cache-Control: no-cache\r\nX-Request-Id: 3f1c9a7e-55aa-4b7e-9f0d-2c2b1e0d9a11\r\n' +
    (chunked ? 'Transfer-Encoding: chunked\r\n' : `Content-Length: ${bodyLength}\r\n`) +
    'Connection: keep-alive\r\n\r\n';
  if (chunked) {
    const half = bodyLength >> 1;
    const rest = bodyLength - half;
    return ascii(
      `${head}${half.toString(16)}\r\n${'x'.repeat(half)}\r\n${rest.toString(16)}\r\n${'y'.repeat(rest)}\r\n0\r\n\r\n`,
    );
  }
  return ascii(head);
}

/** Length on the wire of a response built by httpResponse (chunked framing included). */
export function httpResponseLength(r: Buffer, status: number, bodyLength: number, chunked: boolean): number {
  if (chunked) return r.length;
  return r.length + (status === 204 || status === 304 ? 0 : bodyLength);
}

function u16(n: number): number[] {
  return [(n >> 8) & 0xff, n & 0xff];
}

function ext(type: number, body: number[]): number[] {
  return [...u16(type), ...u16(body.length), ...body];
}

/** A TLS 1.3-capable ClientHello record with SNI (about 500 bytes, as browsers pad theirs). */
export function clientHello(serverName: string, seed: number): Buffer {
  const name = [...ascii(serverName)];
  const random = Array.from({ length: 32 }, (_, i) => (seed * 31 + i * 17) & 0xff);
  const suites = [0x1301, 0x1302, 0x1303, 0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc013, 0xc014];
  const exts = [
    ...ext(0, [...u16(name.length + 3), 0, ...u16(name.length), ...name]),
    ...ext(23, []),
    ...ext(65281, [0]),
    ...ext(10, [0, 8, 0, 0x1d, 0, 0x17, 0, 0x18, 0, 0x19]),
    ...ext(11, [1, 0]),
    ...ext(16, [0, 12, 2, ...ascii('h2'), 8, ...ascii('http/1.1')]),
    ...ext(13, [0, 8, 4, 3, 8, 4, 4, 1, 5, 3]),
    ...ext(51, [0, 38, 0, 0x1d, 0, 32, ...random]),
    ...ext(45, [1, 1]),
    ...ext(43, [4, 3, 4, 3, 3]),
  ];
  const body = [
    3,
    3,
    ...random,
    32,
    ...random,
    ...u16(suites.length * 2),
    ...suites.flatMap(u16),
    1,
    0,
    ...u16(0),
  ];
  const padding = Math.max(0, 508 - 4 - body.length - exts.length - 4);
  const allExts = [...exts, ...ext(21, new Array(padding).fill(0))];
  body.splice(body.length - 2, 2, ...u16(allExts.length));
  body.push(...allExts);
  const hs = [1, 0, ...u16(body.length), ...body];
  return Buffer.from([22, 3, 1, ...u16(hs.length), ...hs]);
}

/**
 * The server's first flight's start: ServerHello (TLS 1.3 with supported_versions and key_share,
 * or TLS 1.2), then ChangeCipherSpec for 1.3.
 */
export function serverHello(tls13: boolean, cipher: number, seed: number): Buffer {
  const random = Array.from({ length: 32 }, (_, i) => (seed * 13 + i * 29) & 0xff);
  const exts = tls13
    ? [...ext(43, [3, 4]), ...ext(51, [0, 0x1d, 0, 32, ...random])]
    : [...ext(65281, [0]), ...ext(11, [1, 0]), ...ext(23, [])];
  const body = [3, 3, ...random, 32, ...random, ...u16(cipher), 0, ...u16(exts.length), ...exts];
  const hs = [2, 0, ...u16(body.length), ...body];
  const rec = [22, 3, 3, ...u16(hs.length), ...hs];
  if (tls13) rec.push(20, 3, 3, 0, 1, 1);
  return Buffer.from(rec);
}

/** A TLS application-data record header (the rest of a data segment is ciphertext). */
export const appDataRecord = Buffer.from([23, 3, 3, 0x40, 0x00]);

function dnsName(name: string): number[] {
  const out: number[] = [];
  for (const label of name.split('.')) out.push(label.length, ...ascii(label));
  out.push(0);
  return out;
}

/** A DNS query (recursion desired) for `name`, type `qtype`. */
export function dnsQuery(id: number, name: string, qtype: number): Buffer {
  return Buffer.from([...u16(id), 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, ...dnsName(name), ...u16(qtype), 0, 1]);
}

/**
 * Its answer: NXDOMAIN (rcode 3) with no records, or `answers` records (A or AAAA, the first a
 * CNAME when `cname`), owner names compressed to the question.
 */
export function dnsResponse(
  id: number,
  name: string,
  qtype: number,
  rcode: number,
  answers: number,
  cname: boolean,
  seed: number,
): Buffer {
  const q = [...dnsName(name), ...u16(qtype), 0, 1];
  const rr: number[] = [];
  let count = rcode === 0 ? answers : 0;
  let owner = 12;
  if (count > 0 && cname) {
    const target = [3, ...ascii('cdn'), 0xc0, 12];
    rr.push(0xc0, 12, 0, 5, 0, 1, 0, 0, 0x0e, 0x10, ...u16(target.length), ...target);
    owner = 12 + q.length + 12;
    count++;
  }
  for (let k = rcode === 0 ? 0 : answers; k < answers; k++) {
    const data =
      qtype === 28
        ? [0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (seed >> 8) & 0xff, (seed + k) & 0xff]
        : [93, (seed >> 16) & 0xff, (seed >> 8) & 0xff, (seed + k) & 0xff];
    rr.push(0xc0, owner, ...u16(qtype), 0, 1, 0, 0, 1, 0x2c, ...u16(data.length), ...data);
  }
  return Buffer.from([...u16(id), 0x81, 0x80 | rcode, 0, 1, ...u16(count), 0, 0, 0, 0, ...q, ...rr]);
}

/** A DHCP message (op 1 from the client, 2 from the server) of type `type` (1 Discover … 5 ACK). */
export function dhcpMessage(op: number, type: number, xid: number, mac: number, yiaddr: number): Buffer {
  const b = Buffer.alloc(300);
  b[0] = op;
  b[1] = 1;
  b[2] = 6;
  b.writeUInt32BE(xid >>> 0, 4);
  b.writeUInt32BE(yiaddr >>> 0, 16);
  b.writeUInt16BE(Math.floor(mac / 2 ** 32), 28);
  b.writeUInt32BE(mac >>> 0, 30);
  b.writeUInt32BE(0x63825363, 236);
  const opts = [53, 1, type];
  if (op === 2) opts.push(51, 4, 0, 1, 0x51, 0x80, 54, 4, 10, 0, 0, 1, 1, 4, 255, 255, 255, 0);
  else opts.push(12, 8, ...ascii('worker-7'), 55, 3, 1, 3, 6);
  opts.push(255);
  b.set(opts, 240);
  return b;
}
