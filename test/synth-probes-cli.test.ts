import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { message, ptr, rr } from './helpers/dns-craft.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));

/** Runs `flowlens synth run …` (asynchronously: the servers it talks to live in this process). */
function synth(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, 'synth', 'run', ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

test('flowlens synth run http|dns|tcp: JSON result objects, curl/dig-like text, exit codes', async (t) => {
  const web = http.createServer((req, res) => {
    res.writeHead(req.url === '/missing' ? 404 : 200, { 'content-type': 'text/plain' });
    res.end('hello from flowlens\n');
  });
  await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
  t.after(() => web.close());
  const webPort = (web.address() as AddressInfo).port;

  // A DNS server that answers every query with one A record (192.0.2.7, TTL 30).
  const dns = dgram.createSocket('udp4');
  dns.on('message', (q, from) => {
    let end = 12;
    while (q[end] !== 0) end += q[end]! + 1;
    const question = [...q.subarray(12, end + 5)];
    const a = message({
      id: q.readUInt16BE(0),
      response: true,
      questions: [question],
      answers: [rr(ptr(12), 1, [192, 0, 2, 7], 30)],
    });
    dns.send(Buffer.from(a), from.port, from.address);
  });
  await new Promise<void>((resolve) => dns.bind(0, '127.0.0.1', resolve));
  t.after(() => dns.close());
  const dnsPort = dns.address().port;

  const url = `http://127.0.0.1:${webPort}/`;
  const json = await synth(['http', url, '--match', 'hello', '-H', 'X-Test: 1', '--format', 'json']);
  assert.equal(json.code, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.deepEqual([r.type, r.ok, r.status, r.sizeBytes, r.bodyMatched], ['http', true, 200, 20, true]);
  assert.equal(r.tlsMs, null, 'NaN (no TLS) is null in JSON');

  const text = await synth(['http', `127.0.0.1:${webPort}/missing`]);
  assert.equal(text.code, 1);
  assert.match(
    text.stdout,
    /^GET http:\/\/127\.0\.0\.1:\d+\/missing \(127\.0\.0\.1\)\n {2}status 404, 20 bytes\n/,
  );
  assert.match(text.stdout, /\n {2}ttfb: +\d+\.\d{3} ms {2}\(at \d+\.\d{3}\)\n/);
  assert.match(text.stdout, /failed: bad_status\n$/);

  const answer = await synth(['dns', '127.0.0.1', '-p', String(dnsPort), '--name', 'www.flows.test']);
  assert.equal(answer.code, 0, answer.stderr);
  assert.match(answer.stdout, /;; ->>HEADER<<- status: NOERROR, ANSWER: 1\n/);
  assert.match(answer.stdout, /\n;; ANSWER SECTION:\nwww\.flows\.test\.\t30\tIN\tA\t192\.0\.2\.7\n/);
  const answerJson = JSON.parse(
    (await synth(['dns', '127.0.0.1', '-p', String(dnsPort), '-n', 'x.test', '-f', 'json'])).stdout,
  );
  assert.deepEqual(answerJson.answers, ['x.test. 30 IN A 192.0.2.7']);

  const open = await synth(['tcp', '127.0.0.1', '--port', String(webPort)]);
  assert.equal(open.code, 0);
  assert.match(open.stdout, /^connected to 127\.0\.0\.1:\d+ in \d+\.\d{3} ms\n$/);
  const closed = await synth(['tcp', '127.0.0.1', '--port', '1', '--format', 'json']);
  assert.equal(closed.code, 1);
  assert.deepEqual([JSON.parse(closed.stdout).error], ['refused']);

  for (const bad of [
    ['dns', '127.0.0.1'],
    ['tcp', '127.0.0.1'],
    ['http', 'ftp://x/'],
    ['dns', '127.0.0.1', '-n', 'a', '-t', 'NOPE'],
  ]) {
    const usage = await synth(bad);
    assert.equal(usage.code, 2, bad.join(' '));
    assert.match(usage.stderr, /^flowlens synth: /);
  }
});
