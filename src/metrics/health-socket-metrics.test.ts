import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { test } from 'node:test';
import { metricValue } from '../../test/helpers/metric-read.js';
import { freeTcpPort } from '../../test/helpers/peers.js';
import type { HealthReport } from './health.js';
import { createHealthSocket } from './health-socket.js';
import { Registry } from './registry.js';

const report: HealthReport = {
  status: 'GOOD',
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
    memory: { rssBytes: 1, heapUsedBytes: 1, heapTotalBytes: 1 },
  },
  components: [],
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

test('the health socket counts the connections it served and the reports it could not build', async (t) => {
  const registry = new Registry();
  let fail = false;
  const build = () => {
    if (fail) throw new Error('component exploded');
    return report;
  };
  const port = await freeTcpPort();
  const health = createHealthSocket(
    { report: build, log: () => {}, metrics: registry },
    { port, listen: '127.0.0.1' },
  );
  await health.start();
  t.after(() => health.stop());
  const served = () => metricValue(registry, 'flowlens_health_socket_connections_total');
  const failed = () => metricValue(registry, 'flowlens_health_socket_report_errors_total');
  assert.equal(served(), 0);
  // Three readers, then one whose report fails: the server counts each before it answers.
  for (let i = 1; i <= 3; i++) {
    assert.match(await read(port), /^flowlens test\n/);
    assert.equal(served(), i);
  }
  assert.equal(failed(), 0);
  fail = true;
  assert.match(await read(port), /the health report failed: component exploded/);
  assert.equal(served(), 4);
  assert.equal(failed(), 1);
});
