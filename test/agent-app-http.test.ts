import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, test } from 'node:test';
import { promisify } from 'node:util';
import { defaultHttpDecoderConfig } from '../src/agent/app/http/config.js';
import { createHttpDecoder, type HttpDecoder } from '../src/agent/app/http/decoder.js';
import type { HttpState } from '../src/agent/app/http/state.js';
import { type AppPayload, Dir } from '../src/agent/contract.js';
import { captureLoopback } from './helpers/app-capture.js';
import { decodeCapture, type TestDecoder, type TestFlow } from './helpers/app-decode.js';
import { type OracleHttpFlow, type OracleRequest, tsharkHttp } from './helpers/app-tshark.js';
import { hostCapture, requirePeer, tempDir } from './helpers/peers.js';

const dpkt = '/usr/share/doc/python3-dpkt/examples/data';
const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket';

/** The redaction rule, written again from its definition: after `?`, `k=v` → `k=*`, a bare `v` → `*`. */
function redactReference(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return p === '' ? '' : '*';
      return eq === p.length - 1 ? p : `${p.slice(0, eq)}=*`;
    });
  return `${url.slice(0, q + 1)}${params.join('&')}`;
}

/** What the decoder wrote for a flow, read back as requests and statuses. */
function decoded(flow: TestFlow): OracleHttpFlow {
  const requests: OracleRequest[] = [];
  const statuses: number[] = [];
  let current: { -readonly [K in keyof OracleRequest]: string } | undefined;
  for (const [column, value] of flow.sink.events) {
    if (column === 'http_method') {
      current = { method: String(value), host: '', url: '', userAgent: '', referer: '' };
      requests.push(current);
    } else if (column === 'http_status') {
      if (value !== 0) statuses.push(Number(value));
    } else if (current !== undefined) {
      if (column === 'http_host') current.host = String(value);
      else if (column === 'http_url') current.url = String(value);
      else if (column === 'http_ua') current.userAgent = String(value);
      else if (column === 'http_referer') current.referer = String(value);
    }
  }
  return { requests, statuses };
}

function redacted(flow: OracleHttpFlow): OracleHttpFlow {
  return {
    requests: flow.requests.map((r) => ({
      ...r,
      url: redactReference(r.url),
      referer: redactReference(r.referer),
    })),
    statuses: flow.statuses,
  };
}

/**
 * A record per exchange: the flow is exported before a client payload while no request waits for
 * its response (as if the export interval ended between exchanges).
 */
const betweenExchanges = (state: unknown, p: AppPayload) =>
  p.dir === Dir.FromClient && (state as HttpState).pending === 0;

/**
 * Every request and final status of every flow, with a record per exchange, against tshark's
 * decode; returns the decoder for its counters.
 */
async function assertMatchesTshark(
  file: string,
  ports: number[] = [],
  keepQueryValues = false,
): Promise<HttpDecoder> {
  const decoder = createHttpDecoder({ ...defaultHttpDecoderConfig, keepQueryValues });
  const flows = await decodeCapture(file, [decoder as TestDecoder<unknown>], {
    exportBefore: betweenExchanges,
  });
  const oracle = await tsharkHttp(file, ports);
  const ours = new Map([...flows].map(([key, flow]) => [key, decoded(flow)]));
  for (const [key, flow] of ours)
    if (flow.requests.length === 0 && flow.statuses.length === 0) ours.delete(key);
  const expected = new Map([...oracle].map(([key, flow]) => [key, keepQueryValues ? flow : redacted(flow)]));
  assert.deepEqual([...ours.keys()].sort(), [...expected.keys()].sort(), `${file}: the HTTP flows`);
  for (const [key, flow] of expected) assert.deepEqual(ours.get(key), flow, `${file}: flow ${key}`);
  assert.ok(expected.size > 0, `${file}: tshark finds HTTP`);
  return decoder;
}

function errorTotal(decoder: HttpDecoder): number {
  return Object.values(decoder.errors).reduce((a, b) => a + b, 0);
}

describe('HTTP decoder against tshark on real captures', () => {
  for (const file of [
    hostCapture('loopback-http-dns-icmp.pcap'), // curl against python's http.server, port 18080 (content detection)
    `${dpkt}/http.pcap`, // a browser, with query strings and referers
    `${dpkt}/nb6-http.pcap`, // curl over IPv4 and IPv6
    `${gopacket}/pcap/test_ethernet.pcap`,
    `${gopacket}/pcap/test_loopback.pcap`, // Chrome: three requests on one keep-alive flow
  ]) {
    test(file.split('/').pop()!, async () => {
      const decoder = await assertMatchesTshark(file);
      assert.equal(errorTotal(decoder), 0, JSON.stringify(decoder.errors));
    });
  }

  test('query values kept when configured', async () => {
    await assertMatchesTshark(`${dpkt}/http.pcap`, [], true);
  });

  test('HTTP inside TLS is not seen (gopacket test301: a capture with its TLS keys)', async () => {
    const file = `${gopacket}/pcapgo/tests/le/test301.pcapng`;
    const decoder = createHttpDecoder();
    const flows = await decodeCapture(file, [decoder as TestDecoder<unknown>]);
    assert.equal([...flows.values()].filter((f) => f.decoder !== undefined).length, 0);
    assert.equal((await tsharkHttp(file)).size, 0);
  });

  test('a keep-alive flow: the record carries the first request and its status, the rest are counted', async () => {
    const file = `${gopacket}/pcap/test_loopback.pcap`;
    const decoder = createHttpDecoder();
    const flows = await decodeCapture(file, [decoder as TestDecoder<unknown>]);
    const oracle = redacted([...(await tsharkHttp(file)).values()][0]!);
    const ours = [...flows.values()].map(decoded).filter((f) => f.requests.length > 0);
    assert.equal(ours.length, 1);
    assert.deepEqual(ours[0], { requests: [oracle.requests[0]], statuses: [oracle.statuses[0]] });
    assert.equal(decoder.counts.requests, oracle.requests.length);
    assert.equal(decoder.counts.responses, oracle.statuses.length);
    assert.equal(decoder.counts.unreported_requests, oracle.requests.length - 1);
  });
});

const run = promisify(execFile);

/** A node HTTP server with responses of every framing: length, chunked, empty, HEAD, 304, close-delimited. */
function startServer(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    req.resume();
    req.on('end', () => {
      if (path === '/chunked') {
        res.write('x'.repeat(5000));
        res.write('y'.repeat(70_000));
        res.end('z');
      } else if (path === '/empty') {
        res.writeHead(204).end();
      } else if (path === '/cached') {
        res.writeHead(304).end();
      } else if (path === '/big') {
        res.writeHead(200, { 'content-length': 1_000_000 }).end(Buffer.alloc(1_000_000, 0x61));
      } else if (path === '/missing') {
        res.writeHead(404, { 'content-length': 9 }).end('not found');
      } else {
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 2 }).end('ok');
      }
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

describe('HTTP decoder against tshark on curl traffic captured at test time', () => {
  test('queries, headers, bodies, keep-alive, HEAD, chunked both ways, 100-continue, 204, 304', async (t) => {
    const server = await startServer();
    t.after(() => server.close());
    const port = (server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}`;
    const body = `${tempDir(t)}/body`;
    writeFileSync(body, 'b'.repeat(200_000));
    // Every URL's body to /dev/null (curl's -o applies to one URL).
    const curl = (options: string[], urls: string[]) =>
      run(requirePeer('curl'), ['-s', ...options, ...urls.flatMap((url) => ['-o', '/dev/null', url])]);
    const file = await captureLoopback(t, `tcp port ${port}`, async () => {
      // One connection, several requests (curl reuses it), with query strings and headers.
      await curl(
        ['-A', 'flowlens-test/1.0 (agent)', '-e', `${base}/from?session=abc&page=2`],
        [
          `${base}/search?q=secret+value&lang=en&flag`,
          `${base}/chunked?token=xyz`,
          `${base}/empty`,
          `${base}/cached?`,
          `${base}/big`,
          `${base}/missing?a=&b=1`,
        ],
      );
      await curl(['-I'], [`${base}/head?x=1`]);
      await curl(
        ['-H', 'Host: example.test:8080', '-H', 'Expect: 100-continue', '--data-binary', `@${body}`],
        [`${base}/upload?id=7`],
      );
      await curl(
        ['-H', 'Transfer-Encoding: chunked', '--data-binary', `@${body}`],
        [`${base}/chunked-upload`],
      );
      await curl(['-H', 'User-Agent:'], [`${base}/no-agent`]);
    });
    const decoder = await assertMatchesTshark(file, [port]);
    assert.equal(errorTotal(decoder), 0, JSON.stringify(decoder.errors));
    await assertMatchesTshark(file, [port], true);
  });
});
