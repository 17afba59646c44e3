import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { freeTcpPort } from '../../../test/helpers/peers.js';
import { createHttpServer } from '../http.js';
import { portalMount } from './portal.js';
import { pickEncoding } from './portal-files.js';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

async function serve(t: TestContext, dir: string): Promise<number> {
  const port = await freeTcpPort();
  const http = createHttpServer(
    { routes: [], mounts: [portalMount(dir)], log: () => {} },
    { port, listen: '127.0.0.1' },
  );
  await http.start();
  t.after(() => http.stop(100));
  return port;
}

test('the portal: files, index.html for deep links, cache headers, compression, API paths left alone', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-portal-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const index = '<!doctype html><title>flowlens</title><script src="/assets/app-1a2b.js"></script>';
  const script = `console.log(${JSON.stringify('x'.repeat(5000))});`;
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), index);
  writeFileSync(join(dir, 'assets', 'app-1a2b.js'), script);
  writeFileSync(join(dir, '..', 'secret-portal-test.txt'), 'outside');
  t.after(() => rmSync(join(dir, '..', 'secret-portal-test.txt'), { force: true }));
  const port = await serve(t, dir);

  for (const path of ['/', '/query', '/devices/Core%20Router', '/index.html']) {
    const r = await get(port, path);
    assert.equal(r.status, 200, path);
    assert.equal(r.body.toString(), index, path);
    assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(r.headers['cache-control'], 'no-cache', 'the page is revalidated: new builds show at once');
  }
  const plain = await get(port, '/assets/app-1a2b.js');
  assert.equal(plain.body.toString(), script);
  assert.equal(plain.headers['content-encoding'], undefined, 'no Accept-Encoding, no compression');
  assert.match(String(plain.headers['cache-control']), /max-age=31536000, immutable/);
  const gz = await get(port, '/assets/app-1a2b.js', { 'accept-encoding': 'gzip' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.equal(gunzipSync(gz.body).toString(), script);
  assert.ok(gz.body.length < script.length / 10, `${gz.body.length} bytes gzip'd`);
  const br = await get(port, '/assets/app-1a2b.js', { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(brotliDecompressSync(br.body).toString(), script);
  assert.equal(br.headers.vary, 'accept-encoding');
  const head = await get(port, '/assets/app-1a2b.js', {}, 'HEAD');
  assert.equal(head.status, 200);
  assert.equal(head.body.length, 0);
  assert.equal(head.headers['content-length'], String(script.length));

  // Missing assets are 404 (not index.html, which a browser would run as a script); so are API paths.
  assert.equal((await get(port, '/assets/gone-0000.js')).status, 404);
  for (const path of ['/api/v1/nothing', '/metrics']) {
    const r = await get(port, path);
    assert.equal(r.status, 404, path);
    assert.equal(JSON.parse(r.body.toString()).error.code, 'not_found');
  }
  assert.equal((await get(port, '/', {}, 'POST')).status, 405);
  // Nothing outside the directory, however the path is spelled.
  for (const path of [
    '/../secret-portal-test.txt',
    '/%2e%2e/secret-portal-test.txt',
    '/assets/..%2f..%2fsecret-portal-test.txt',
  ]) {
    const r = await get(port, path);
    assert.notEqual(r.body.toString(), 'outside', path);
  }
  assert.equal((await get(port, '/%E0%A4%A')).status, 400);
});

test('the portal before it is built: a clear 404 saying how to build it', async (t) => {
  const port = await serve(t, join(tmpdir(), 'flowlens-no-such-portal-dir'));
  const r = await get(port, '/');
  assert.equal(r.status, 404);
  const error = JSON.parse(r.body.toString()).error;
  assert.equal(error.code, 'portal_not_built');
  assert.match(error.message, /npm run build/);
});

test('pickEncoding prefers brotli, honours q=0 and *', () => {
  assert.equal(pickEncoding(undefined), undefined);
  assert.equal(pickEncoding('gzip'), 'gzip');
  assert.equal(pickEncoding('gzip, br'), 'br');
  assert.equal(pickEncoding('br;q=0, gzip;q=0.5'), 'gzip');
  assert.equal(pickEncoding('*'), 'br');
  assert.equal(pickEncoding('*, br;q=0'), 'gzip');
  assert.equal(pickEncoding('identity'), undefined);
});
