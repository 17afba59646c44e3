import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { freeUdpPort, tempDir } from './helpers/peers.js';
import { statusWhen } from './helpers/pg-server-process.js';
import { logRecords } from './helpers/server-log.js';
import { cli, startServer } from './helpers/server-process.js';

/**
 * The server's log on a real process (docs/operations.md "Logs"): JSON lines on a piped stderr,
 * text with --log-format text, the level filter, and the per-reason rate limit of error lines
 * with its report at shutdown.
 */

/** A NetFlow v5 header announcing 3 records (24 + 3 × 48 bytes) in 30 bytes: decoded as truncated. */
function truncatedNetflow5(): Buffer {
  const buf = Buffer.alloc(30);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(3, 2);
  return buf;
}

async function sendTruncated(t: { after(fn: () => void): void }, port: number, n: number): Promise<void> {
  const socket = dgram.createSocket('udp4');
  t.after(() => socket.close());
  for (let i = 0; i < n; i++)
    await new Promise<void>((resolve, reject) =>
      socket.send(truncatedNetflow5(), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())),
    );
}

test('JSON lines by default; a burst of one error reason is one line, the rest reported at shutdown', async (t) => {
  const netflowPort = await freeUdpPort();
  const server = await startServer(join(tempDir(t), 'data'), {
    args: ['--listen', '127.0.0.1', '--netflow-port', String(netflowPort), '--fsync', 'never'],
  });
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const burst = 50;
  await sendTruncated(t, netflowPort, burst);
  const status = await statusWhen(
    server.url,
    (s) => s.collector.decode.error_truncated === burst,
    `${burst} truncated datagrams decoded`,
  );
  assert.equal(status.collector.decode.error_truncated, burst);
  assert.equal(await server.stop(), 0, server.stderr()); // and the whole log has been read

  const lines = server.stderr().trimEnd().split('\n');
  const records = logRecords(server.stderr());
  assert.equal(records.length, lines.length, 'every line of the log is a JSON object');
  const ready = records.find((r) => r.msg.startsWith('ready:'));
  assert.ok(ready !== undefined, server.stderr());
  assert.equal(ready.level, 'info');
  assert.equal(ready.service, 'server');
  assert.equal(ready.pid, server.child.pid);
  assert.equal(ready.hostname, hostname());
  assert.match(ready.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

  const truncated = records.filter((r) => r.reason === 'truncated');
  assert.equal(truncated.length, 2, 'the first at once, the rest in one line at shutdown');
  const [first, flushed] = truncated;
  assert.deepEqual(
    [first!.level, first!.component, first!.exporter, first!.suppressed],
    ['error', 'collector', '127.0.0.1', undefined],
  );
  assert.deepEqual(
    [flushed!.level, flushed!.component, flushed!.suppressed],
    ['error', 'collector', burst - 1],
  );
  assert.match(flushed!.msg, new RegExp(`^${burst - 1} more truncated errors since the last line`));
  const stopping = records.findIndex((r) => r.msg === 'SIGTERM: stopping');
  assert.ok(stopping > 0 && records.indexOf(flushed!) > stopping, 'the rest is reported at shutdown');
  assert.ok(
    records.some((r) => r.component === 'store' && r.level === 'info'),
    'the store logs under its component',
  );
});

test('--log-format text writes one readable line per record; --log-level warn drops info', async (t) => {
  const netflowPort = await freeUdpPort();
  const server = await startServer(join(tempDir(t), 'data'), {
    args: [
      '--listen',
      '127.0.0.1',
      '--netflow-port',
      String(netflowPort),
      '--fsync',
      'never',
      '--log-format',
      'text',
      '--log-level',
      'warn',
    ],
  });
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  await sendTruncated(t, netflowPort, 1);
  await statusWhen(server.url, (s) => s.collector.decode.error_truncated === 1, 'the datagram decoded');
  assert.equal(await server.stop(), 0, server.stderr());
  const lines = server.stderr().trimEnd().split('\n');
  assert.deepEqual(logRecords(server.stderr()), [], 'no JSON');
  assert.ok(
    lines.some((l) =>
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z ERROR collector: .* reason=truncated exporter=127\.0\.0\.1$/.test(
        l,
      ),
    ),
    server.stderr(),
  );
  for (const line of lines) assert.match(line, /^\S+Z (ERROR|WARN ) /, 'nothing below warn');
});

test('a bad --log-level or --log-format is refused with exit code 2, naming what is expected', (t) => {
  const data = tempDir(t);
  const level = spawnSync(process.execPath, [cli, 'server', '--data', data, '--log-level', 'loud'], {
    encoding: 'utf8',
  });
  assert.equal(level.status, 2);
  assert.match(level.stderr, /--log-level: expected one of error, warn, info, debug, got "loud"/);
  const format = spawnSync(process.execPath, [cli, 'server', '--data', data, '--log-format', 'xml'], {
    encoding: 'utf8',
  });
  assert.equal(format.status, 2);
  assert.match(format.stderr, /--log-format: expected "json" or "text", got "xml"/);
});
