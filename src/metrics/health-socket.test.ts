import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { freeTcpPort } from '../../test/helpers/peers.js';
import type { HealthReport } from './health.js';
import { createHealthSocket } from './health-socket.js';

const report: HealthReport = {
  status: 'WARN',
  checkedAt: '2024-01-01T00:00:00.000Z',
  process: {
    name: 'flowlens test',
    version: '1.0.0',
    commit: 'c0ffee',
    buildTime: '2024-01-01T00:00:00.000Z',
    node: 'v20.0.0',
    os: 'Linux',
    kernel: '6.1.0',
    arch: 'x64',
    hostname: 'box',
    pid: 42,
    startedAt: '2023-12-31T23:00:00.000Z',
    uptimeSeconds: 3600,
    memory: { rssBytes: 100 * 1048576, heapUsedBytes: 10 * 1048576, heapTotalBytes: 20 * 1048576 },
  },
  components: [
    { name: 'store', status: 'GOOD', reasons: [], values: { wal_bytes: 10, rows_per_s: 2.5 } },
    { name: 'collector', status: 'WARN', reasons: ['7 drops', 'lost flows'], values: { packets_per_s: 3 } },
  ],
};

/** Connects, sends nothing, reads until the server closes. */
function read(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let text = '';
    socket.on('data', (chunk) => {
      text += chunk.toString();
    });
    socket.on('end', () => resolve(text));
    socket.on('error', reject);
  });
}

test('a connection gets the report at once and is closed; port 0 disables the socket', async (t) => {
  const disabled = createHealthSocket({ report: () => report, log: () => {} }, { port: 0 });
  await disabled.start();
  assert.equal(disabled.describe(), undefined);
  const port = await freeTcpPort();
  const health = createHealthSocket({ report: () => report, log: () => {} }, { port, listen: '127.0.0.1' });
  await health.start();
  t.after(() => health.stop());
  assert.equal(health.describe(), `health 127.0.0.1:${port}`);
  const text = await read(port);
  assert.equal(
    text,
    [
      'flowlens test',
      'version:  1.0.0',
      'commit:   c0ffee (built 2024-01-01T00:00:00.000Z)',
      'node:     v20.0.0',
      'os:       Linux 6.1.0 x64, host box',
      'pid:      42',
      'uptime:   1h00m00s, since 2023-12-31T23:00:00.000Z',
      'memory:   rss 100.0 MiB, heap 10.0 of 20.0 MiB',
      'status:   WARN',
      'store       GOOD  wal_bytes=10 rows_per_s=2.5',
      'collector   WARN  packets_per_s=3',
      '  ! 7 drops',
      '  ! lost flows',
      '',
    ].join('\n'),
  );
});

test('a report that fails still answers BAD, and is logged', async (t) => {
  const port = await freeTcpPort();
  const lines: string[] = [];
  const health = createHealthSocket(
    {
      report: () => {
        throw new Error('stats unavailable');
      },
      log: (line) => lines.push(line),
    },
    { port },
  );
  await health.start();
  t.after(() => health.stop());
  assert.equal(await read(port), 'status:   BAD\nerror:    the health report failed: stats unavailable\n');
  assert.deepEqual(lines, ['health socket: cannot build the report: stats unavailable']);
});
