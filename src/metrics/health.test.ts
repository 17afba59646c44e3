import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { test } from 'node:test';
import { createHealthMonitor, type HealthComponent, type HealthStatus, worst } from './health.js';
import { duration } from './health-text.js';

const build = { version: '1.0.0', commit: 'c0ffee', buildTime: '2024-01-01T00:00:00.000Z' };

function fixed(name: string, status: HealthStatus, reasons: string[] = []): HealthComponent {
  return { name, check: () => ({ name, status, reasons, values: { n: 1 } }) };
}

test('the report: the worst component status; a component whose check throws is BAD', () => {
  let now = 1_000_000;
  const monitor = createHealthMonitor({
    name: 'flowlens test',
    build,
    now: () => now,
    components: [
      fixed('a', 'GOOD'),
      fixed('b', 'WARN', ['slow']),
      {
        name: 'c',
        check: () => {
          throw new Error('no stats');
        },
      },
    ],
  });
  now += 65_000;
  const report = monitor.report();
  assert.equal(report.status, 'BAD');
  assert.deepEqual(
    report.components.map((c) => [c.name, c.status, c.reasons]),
    [
      ['a', 'GOOD', []],
      ['b', 'WARN', ['slow']],
      ['c', 'BAD', ['its health check failed: no stats']],
    ],
  );
  assert.equal(report.checkedAt, new Date(now).toISOString());
  // The process, checked against what the system itself says.
  assert.equal(report.process.pid, process.pid);
  assert.equal(report.process.kernel, execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim());
  assert.equal(report.process.os, execFileSync('uname', ['-s'], { encoding: 'utf8' }).trim());
  assert.equal(report.process.node, process.version);
  assert.equal(report.process.commit, 'c0ffee');
  assert.ok(report.process.uptimeSeconds >= 65, 'process uptime, not the monitor’s');
});

test('worst: BAD over WARN over GOOD', () => {
  assert.equal(worst([]), 'GOOD');
  assert.equal(worst(['GOOD', 'WARN', 'GOOD']), 'WARN');
  assert.equal(worst(['WARN', 'BAD', 'GOOD']), 'BAD');
});

test('start samples at once and on a timer; stop ends the timer', async () => {
  let checks = 0;
  const monitor = createHealthMonitor(
    {
      name: 'x',
      build,
      components: [
        {
          name: 'counting',
          check: () => {
            checks++;
            return { name: 'counting', status: 'GOOD', reasons: [], values: {} };
          },
        },
      ],
    },
    { sampleMs: 5 },
  );
  monitor.start();
  assert.equal(checks, 1, 'the first sample is taken at start');
  while (checks < 3) await new Promise((resolve) => setTimeout(resolve, 5));
  monitor.stop();
  const after = checks;
  await new Promise((resolve) => setTimeout(resolve, 30));
  assert.equal(checks, after);
});

test('durations as the health socket prints them', () => {
  assert.equal(duration(7), '7s');
  assert.equal(duration(245), '4m05s');
  assert.equal(duration(3723), '1h02m03s');
  assert.equal(duration(3 * 86_400 + 4 * 3600 + 5 * 60 + 6), '3d04h05m06s');
});
