import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import type { HttpResult, HttpSpec } from '../src/synth/contract.js';
import { httpProbe } from '../src/synth/probes/http-probe.js';
import { makeCert, slowBody, startTestServers } from './helpers/synth-http-server.js';

const never = new AbortController().signal;

function spec(url: string, extra: Partial<HttpSpec> = {}): HttpSpec {
  return {
    id: 't',
    type: 'http',
    target: URL.canParse(url) ? new URL(url).hostname : url,
    intervalS: 60,
    timeoutMs: 10_000,
    url,
    method: 'GET',
    headers: {},
    ...extra,
  };
}

const phases = (r: HttpResult) => [r.dnsMs, r.connectMs, r.tlsMs, r.ttfbMs, r.transferMs];
const sum = (xs: number[]) => xs.reduce((a, x) => a + (Number.isNaN(x) ? 0 : x), 0);

test('HTTPS with a self-signed certificate: phases by reasoning, status, size, TLS version and expiry', async (t) => {
  const cert = await makeCert(t);
  const servers = await startTestServers(t, cert);
  // Warm-up: the first request of a process compiles Node's TLS and HTTP code on both ends, in
  // this one event loop, which could delay the client's read of the headers (see the transfer bound).
  await httpProbe.run(spec(`https://127.0.0.1:${servers.httpsPort}/status/200`, { ca: cert.cert }), never);
  for (const host of ['127.0.0.1', 'localhost']) {
    const id = `phases-${host}`;
    const r = await httpProbe.run(
      spec(`https://${host}:${servers.httpsPort}/slow?id=${id}`, { ca: cert.cert, bodyMatch: 'wor+ld' }),
      never,
    );
    assert.equal(r.error, '', JSON.stringify(r));
    assert.ok(r.ok && r.bodyMatched);
    assert.equal(r.status, 200);
    assert.equal(r.address, '127.0.0.1');
    assert.equal(r.sizeBytes, Buffer.byteLength(slowBody.join('')));
    assert.equal(r.tlsVersion, 'TLSv1.3'); // both ends are Node 20's OpenSSL 3: 1.3 is negotiated
    assert.equal(r.certExpiry, cert.notAfter, 'notAfter as openssl reads it');
    // A name goes through the lookup; an address literal does not.
    assert.equal(Number.isNaN(r.dnsMs), host === '127.0.0.1');
    for (const [i, v] of phases(r).entries()) if (i > 0) assert.ok(v >= 0, `phase ${i} is ${v}`);
    const s = servers.timings.get(id)!;
    // The server's instants are on the probe's clock (one process, performance.now). The request
    // is written after the handshake, so the ttfb phase starts before `arrived` and ends after
    // `headersAt`: it holds the server's 200 ms wait whole; likewise ttfb + transfer holds
    // [arrived, lastAt].
    assert.ok(s.headersAt - s.arrived >= 199, 'the server did wait');
    assert.ok(r.ttfbMs >= s.headersAt - s.arrived, `ttfb ${r.ttfbMs}`);
    assert.ok(r.ttfbMs + r.transferMs >= s.lastAt - s.arrived);
    // The transfer phase starts when the headers are read, which (an idle loop, loopback) is well
    // under 50 ms after they were written; it ends after the last chunk was written.
    assert.ok(r.transferMs >= s.lastAt - s.headersAt - 50, `transfer ${r.transferMs}`);
    // The phases are disjoint pieces of the run, so the total holds them all.
    assert.ok(r.totalMs >= sum(phases(r)), `total ${r.totalMs} < ${sum(phases(r))}`);
  }
});

test('plain HTTP: no TLS phase, version or expiry; redirects are the result, not followed', async (t) => {
  const servers = await startTestServers(t, await makeCert(t));
  const base = `http://127.0.0.1:${servers.httpPort}`;
  const r = await httpProbe.run(spec(`${base}/slow?id=plain`), never);
  assert.ok(r.ok, r.error);
  assert.ok(Number.isNaN(r.tlsMs) && Number.isNaN(r.certExpiry));
  assert.equal(r.tlsVersion, '');
  assert.ok(r.connectMs >= 0 && r.ttfbMs >= 0 && r.transferMs >= 0);
  const s = servers.timings.get('plain')!;
  assert.ok(r.ttfbMs >= s.headersAt - s.arrived);
  assert.ok(r.totalMs >= sum(phases(r)));

  const redirect = await httpProbe.run(spec(`${base}/redirect`), never);
  assert.deepEqual([redirect.ok, redirect.status, redirect.sizeBytes], [true, 302, 0]);
  const strict = await httpProbe.run(spec(`${base}/redirect`, { expectStatus: 200 }), never);
  assert.deepEqual([strict.ok, strict.error], [false, 'bad_status']);
});

test('IPv6: a URL with [::1], and family 6 / 4 against an address literal', async (t) => {
  const server = http.createServer((req, res) => res.end(`host ${req.headers.host}`));
  await new Promise<void>((resolve) => server.listen(0, '::1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const r = await httpProbe.run(
    spec(`http://[::1]:${port}/`, { family: 6, bodyMatch: `^host \\[::1\\]:${port}$` }),
    never,
  );
  assert.deepEqual([r.ok, r.error, r.address, r.bodyMatched], [true, '', '::1', true]);
  assert.equal((await httpProbe.run(spec(`http://[::1]:${port}/`, { family: 4 }), never)).error, 'bad_spec');
});

test('error codes: bad status, body mismatch, untrusted certificate, refused, reset, timeout, bad spec', async (t) => {
  const cert = await makeCert(t);
  const servers = await startTestServers(t, cert);
  const plain = `http://127.0.0.1:${servers.httpPort}`;
  const secure = `https://127.0.0.1:${servers.httpsPort}`;
  const run = (url: string, extra: Partial<HttpSpec> = {}) => httpProbe.run(spec(url, extra), never);

  const notFound = await run(`${plain}/status/404`);
  assert.deepEqual([notFound.ok, notFound.error, notFound.status], [false, 'bad_status', 404]);
  const expected = await run(`${plain}/status/404`, { expectStatus: 404 });
  assert.deepEqual([expected.ok, expected.error], [true, '']);
  const mismatch = await run(`${plain}/status/200`, { bodyMatch: '^nope' });
  assert.deepEqual([mismatch.ok, mismatch.error, mismatch.bodyMatched], [false, 'body_mismatch', false]);

  // The needle lies past the first MiB: it is not searched, but every byte is counted.
  const big = await run(`${plain}/big`, { bodyMatch: 'NEEDLE' });
  assert.deepEqual([big.error, big.sizeBytes], ['body_mismatch', 3 * 2 ** 20 + 6]);
  assert.equal((await run(`${plain}/big`, { bodyMatch: '^a+$' })).error, '');

  const untrusted = await run(`${secure}/status/200`);
  assert.equal(untrusted.error, 'tls_failed');
  assert.ok(untrusted.connectMs >= 0 && Number.isNaN(untrusted.tlsMs));
  const insecure = await run(`${secure}/status/200`, { insecure: true });
  assert.deepEqual([insecure.ok, insecure.certExpiry], [true, cert.notAfter]);
  // TLS spoken to a plain HTTP server.
  assert.equal((await run(`https://127.0.0.1:${servers.httpPort}/`)).error, 'tls_failed');

  // A port nothing listens on: the HTTPS server's port once it is closed is not certain to stay
  // free, so ask the kernel for port 1 (reserved, unused here).
  assert.equal((await run('http://127.0.0.1:1/')).error, 'refused');
  const reset = await run(`${plain}/reset`);
  assert.equal(reset.error, 'reset');
  assert.equal(reset.status, 200, 'the headers had arrived');

  const hang = await run(`${plain}/hang`, { timeoutMs: 300 });
  assert.deepEqual([hang.ok, hang.error, hang.status], [false, 'timeout', 0]);
  assert.ok(hang.totalMs >= 299 && Number.isNaN(hang.ttfbMs));

  const stop = new AbortController();
  const aborted = httpProbe.run(spec(`${plain}/hang`), stop.signal);
  stop.abort();
  assert.equal((await aborted).error, 'aborted');

  for (const bad of [
    spec('ftp://127.0.0.1/'),
    spec('notaurl'),
    spec(`${plain}/`, { bodyMatch: '(' }),
    spec(`${plain}/`, { headers: { 'x-bad': 'a\nb' } }),
    spec(`${plain}/`, { method: 'GE T' }),
  ]) {
    const r = await httpProbe.run(bad, never);
    assert.deepEqual([r.ok, r.error], [false, 'bad_spec'], bad.url);
  }
});
