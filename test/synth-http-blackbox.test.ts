import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { HttpResult, HttpSpec, TcpSpec } from '../src/synth/contract.js';
import { httpProbe } from '../src/synth/probes/http-probe.js';
import { tcpProbe } from '../src/synth/probes/tcp-probe.js';
import { startBlackbox } from './helpers/blackbox.js';
import type { PrometheusSamples } from './helpers/prometheus-samples.js';
import { makeCert, slowDelays, startTestServers } from './helpers/synth-http-server.js';

const never = new AbortController().signal;

/**
 * Phases of the two clients differ by what is not scripted: a few syscalls, loopback delivery and
 * the handshake's crypto, each a few milliseconds at most (measured: within 2 ms of each other).
 * 50 ms leaves room for a loaded two-core machine and is a quarter of the smallest scripted delay
 * (200 ms), so a phase counted in the wrong bucket by either side fails.
 */
const toleranceMs = 50;

test('HTTPS phases, status, size, certificate expiry and TLS version agree with blackbox_exporter', async (t) => {
  const cert = await makeCert(t);
  const servers = await startTestServers(t, cert);
  const http = {
    preferred_ip_protocol: 'ip4',
    tls_config: { ca_file: cert.certFile },
    follow_redirects: false,
  };
  const bb = await startBlackbox(t, {
    https_slow: {
      prober: 'http',
      timeout: '5s',
      http: { ...http, fail_if_body_not_matches_regexp: ['wor+ld'] },
    },
    https_nope: {
      prober: 'http',
      timeout: '5s',
      http: { ...http, fail_if_body_not_matches_regexp: ['^nope'] },
    },
    https_any: { prober: 'http', timeout: '5s', http },
    tcp: { prober: 'tcp', timeout: '5s', tcp: { preferred_ip_protocol: 'ip4' } },
  });
  const base = `https://127.0.0.1:${servers.httpsPort}`;
  const spec = (url: string, extra: Partial<HttpSpec> = {}): HttpSpec => ({
    id: 't',
    type: 'http',
    target: '127.0.0.1',
    intervalS: 60,
    timeoutMs: 5000,
    url,
    method: 'GET',
    headers: {},
    ca: cert.cert,
    ...extra,
  });

  // One warm-up run each (the first request of a process loads and compiles Node's TLS and HTTP
  // client code, and the first request the in-process server accepts does the same on its side),
  // then three runs each. Load on the machine only ever adds to a phase, so the smallest of three
  // is each tool's closest estimate of the path's own cost.
  await httpProbe.run(spec(`${base}/slow?id=warm`), never);
  await bb.probe('https_slow', `${base}/slow?id=warm-bb`);
  const ourRuns: HttpResult[] = [];
  const theirRuns: PrometheusSamples[] = [];
  for (let i = 0; i < 3; i++) {
    ourRuns.push(await httpProbe.run(spec(`${base}/slow?id=ours${i}`, { bodyMatch: 'wor+ld' }), never));
    theirRuns.push(await bb.probe('https_slow', `${base}/slow?id=theirs${i}`));
  }
  for (const [i, ours] of ourRuns.entries()) {
    const theirs = theirRuns[i]!;
    assert.ok(ours.ok, ours.error);
    assert.equal(theirs.get('probe_success'), 1);
    assert.equal(ours.status, theirs.get('probe_http_status_code'));
    assert.equal(ours.sizeBytes, theirs.get('probe_http_uncompressed_body_length'));
    assert.equal(ours.certExpiry / 1000, theirs.get('probe_ssl_earliest_cert_expiry'));
    assert.equal(ours.certExpiry, cert.notAfter);
    assert.equal(
      theirs.get('probe_tls_version_info', { version: ours.tlsVersion.replace('TLSv', 'TLS ') }),
      1,
    );
  }

  // blackbox's phases: resolve, connect, tls, processing (request written → first response
  // byte) and transfer (→ last byte); ours: dns, connect, tls, ttfb (handshake done → response
  // headers, the request's write included) and transfer.
  const min = (xs: number[]) => Math.min(...xs);
  const phase = (name: string) =>
    min(theirRuns.map((b) => b.get('probe_http_duration_seconds', { phase: name }) * 1000));
  const pairs = [
    ['connect', min(ourRuns.map((r) => r.connectMs)), phase('connect')],
    ['tls', min(ourRuns.map((r) => r.tlsMs)), phase('tls')],
    ['ttfb/processing', min(ourRuns.map((r) => r.ttfbMs)), phase('processing')],
    ['transfer', min(ourRuns.map((r) => r.transferMs)), phase('transfer')],
  ] as const;
  t.diagnostic(
    pairs.map(([name, a, b]) => `${name}: ours ${a.toFixed(3)} ms, blackbox ${b.toFixed(3)} ms`).join('; '),
  );
  for (const [name, a, b] of pairs)
    assert.ok(
      Math.abs(a - b) <= toleranceMs,
      `${name}: ours ${a.toFixed(3)} ms, blackbox ${b.toFixed(3)} ms`,
    );
  // Both saw the server's scripted waits (each on its own requests; the server timed them all).
  for (let i = 0; i < 3; i++) {
    const theirs = theirRuns[i]!;
    for (const [id, ttfb, transfer] of [
      [`ours${i}`, ourRuns[i]!.ttfbMs, ourRuns[i]!.transferMs],
      [
        `theirs${i}`,
        theirs.get('probe_http_duration_seconds', { phase: 'processing' }) * 1000,
        theirs.get('probe_http_duration_seconds', { phase: 'transfer' }) * 1000,
      ],
    ] as const) {
      const s = servers.timings.get(id)!;
      assert.ok(ttfb >= s.headersAt - s.arrived - 1, `${id}: ttfb ${ttfb}`);
      assert.ok(transfer >= slowDelays.lastChunkMs - toleranceMs, `${id}: transfer ${transfer}`);
    }
  }

  // Verdicts on the same URLs: body mismatch and bad status fail on both sides, the rest pass.
  const verdicts = [
    [spec(`${base}/slow?id=a`, { bodyMatch: '^nope' }), 'https_nope', `${base}/slow?id=b`],
    [spec(`${base}/status/404`), 'https_any', `${base}/status/404`],
    [spec(`${base}/status/204`), 'https_any', `${base}/status/204`],
    [spec(`${base}/big`), 'https_any', `${base}/big`],
  ] as const;
  for (const [s, module, url] of verdicts) {
    const r = await httpProbe.run(s, never);
    const b = await bb.probe(module, url);
    assert.equal(r.ok ? 1 : 0, b.get('probe_success'), `${url}: ours ${r.error || 'ok'}`);
    assert.equal(r.status, b.get('probe_http_status_code'), url);
    assert.equal(r.sizeBytes, b.get('probe_http_uncompressed_body_length'), url);
  }

  // TCP connect to an open and a closed port.
  const tcp = (port: number): TcpSpec => ({
    id: 't',
    type: 'tcp',
    target: '127.0.0.1',
    intervalS: 60,
    timeoutMs: 5000,
    port,
  });
  for (const port of [servers.httpPort, 1]) {
    const r = await tcpProbe.run(tcp(port), never);
    const b = await bb.probe('tcp', `127.0.0.1:${port}`);
    assert.equal(r.ok ? 1 : 0, b.get('probe_success'), `tcp ${port}: ${r.error}`);
  }
  await bb.stop();
});
