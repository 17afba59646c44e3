import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { runPeer, tempDir } from './peers.js';

export interface TestCert {
  readonly certFile: string;
  readonly cert: string;
  readonly key: string;
  /** notAfter as openssl reads it back, ms since the epoch. */
  readonly notAfter: number;
}

/** A self-signed EC certificate for 127.0.0.1, ::1 and localhost, made by openssl now. */
export async function makeCert(t: TestContext, days = 45): Promise<TestCert> {
  const dir = tempDir(t, 'flowlens-synth-cert-');
  const certFile = join(dir, 'cert.pem');
  const keyFile = join(dir, 'key.pem');
  await runPeer(t, 'openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    certFile,
    '-days',
    String(days),
    '-subj',
    '/CN=localhost',
    '-addext',
    'subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost',
  ]);
  const end = await runPeer(t, 'openssl', ['x509', '-in', certFile, '-noout', '-enddate'], 30_000, 'stdout');
  const notAfter = Date.parse(end.trim().replace(/^notAfter=/, ''));
  return { certFile, cert: readFileSync(certFile, 'utf8'), key: readFileSync(keyFile, 'utf8'), notAfter };
}

/** What the server saw of one request to /slow, on the clock the probe uses (performance.now). */
export interface SlowTiming {
  /** When the request had arrived whole. */
  readonly arrived: number;
  /** Just after the headers and the first chunk were written. */
  readonly headersAt: number;
  /** Just after the last chunk was written. */
  readonly lastAt: number;
}

export const slowBody = ['hello ', 'world\n'] as const;
export const slowDelays = { headersMs: 200, lastChunkMs: 300 } as const;

/**
 * The routes the probes' tests use:
 *   /slow?id=X   waits 200 ms, writes the headers and 'hello ', waits 300 ms, writes 'world\n';
 *                its timings are kept under X
 *   /status/N    answers status N with a short body
 *   /redirect    302 to /slow
 *   /big         3 MiB of 'a' and then 'NEEDLE' (past the 1 MiB the probe matches against)
 *   /reset       headers and part of a 100-byte body, then the connection is destroyed
 *   /hang        never answers
 */
function handler(timings: Map<string, SlowTiming>) {
  return (req: http.IncomingMessage, res: http.ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const arrived = performance.now();
    if (url.pathname === '/slow') {
      setTimeout(() => {
        res.writeHead(200, { 'content-type': 'text/plain' });
        res.write(slowBody[0]);
        const headersAt = performance.now();
        setTimeout(() => {
          res.end(slowBody[1]);
          timings.set(url.searchParams.get('id') ?? '', { arrived, headersAt, lastAt: performance.now() });
        }, slowDelays.lastChunkMs);
      }, slowDelays.headersMs);
    } else if (url.pathname.startsWith('/status/')) {
      res.writeHead(Number(url.pathname.slice(8)), { 'content-type': 'text/plain' });
      res.end('status body\n');
    } else if (url.pathname === '/redirect') {
      res.writeHead(302, { location: '/slow' });
      res.end();
    } else if (url.pathname === '/big') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(3 * 2 ** 20 + 6) });
      res.write(Buffer.alloc(3 * 2 ** 20, 'a'));
      res.end('NEEDLE');
    } else if (url.pathname === '/reset') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('only part of it', () => res.socket?.destroy());
    } else if (url.pathname !== '/hang') {
      res.writeHead(404);
      res.end();
    }
  };
}

export interface TestServers {
  readonly httpPort: number;
  readonly httpsPort: number;
  readonly timings: Map<string, SlowTiming>;
}

/** An HTTP and an HTTPS server on 127.0.0.1 (ports of the OS's choosing), closed when the test ends. */
export async function startTestServers(t: TestContext, cert: TestCert): Promise<TestServers> {
  const timings = new Map<string, SlowTiming>();
  const plain = http.createServer(handler(timings));
  const secure = https.createServer({ cert: cert.cert, key: cert.key }, handler(timings));
  for (const s of [plain, secure]) {
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    t.after(() => {
      s.closeAllConnections();
      s.close();
    });
  }
  return {
    httpPort: (plain.address() as AddressInfo).port,
    httpsPort: (secure.address() as AddressInfo).port,
    timings,
  };
}
