import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type CollectorDevice, deviceRows, deviceSeries, isActive } from './devices-shape.js';
import { coveredSeconds, deviceSeriesSql } from './devices-sql.js';

const collectorDevice = (over: Partial<CollectorDevice>): CollectorDevice => ({
  id: 1,
  name: 'edge1',
  address: '192.0.2.1',
  sampleRate: 512,
  configuredSampleRate: null,
  packets: 10,
  bytes: 14_000,
  flows: 300,
  decodeErrors: 2,
  templateMisses: 1,
  lostPackets: 4,
  lostFlows: 0,
  lastSeen: '2026-01-05T10:04:30.000Z',
  ...over,
});

const answer = (names: string[], rows: (string | number | null)[][]) => ({
  fields: names.map((name) => ({ name })),
  rows,
});

test('coveredSeconds counts whole received minutes from the first one starting in the window, up to now', () => {
  const t0 = Date.UTC(2026, 0, 5, 10, 0);
  // [10:00, 10:05) with now long after: five whole minutes.
  assert.equal(coveredSeconds({ fromMs: t0, toMs: t0 + 300_000, live: false }, t0 + 3_600_000), 300);
  // From 10:00:20 the 10:00 minute is not selected (its start is before from): 10:01 … now 10:04:30.
  assert.equal(coveredSeconds({ fromMs: t0 + 20_000, toMs: t0 + 270_000, live: true }, t0 + 270_000), 210);
  assert.equal(coveredSeconds({ fromMs: t0 + 20_000, toMs: t0 + 30_000, live: true }, t0 + 30_000), 0);
});

test('deviceRows joins collector counters, window traffic and stored totals by device id', () => {
  const traffic = answer(
    ['id', 'name', 'flows', 'bytes', 'packets', 'sample_rate'],
    [
      [1, 'edge1', 600, '9007199254740993', 1200, 512],
      [7, 'agent-web', 60, 6000, 120, 1],
    ],
  );
  const stored = answer(
    ['id', 'name', 'flows', 'first_seen', 'last_seen'],
    [
      [7, 'agent-web', 9000, '2026-01-05T09:00:00.000Z', '2026-01-05T10:03:00.000Z'],
      [1, 'edge1', 50_000, '2026-01-05T08:00:00.000Z', '2026-01-05T10:04:00.000Z'],
    ],
  );
  const rows = deviceRows(
    [
      collectorDevice({}),
      collectorDevice({ id: 3, name: 'quiet', lastSeen: null, configuredSampleRate: 100 }),
    ],
    traffic,
    stored,
    300,
  );
  assert.deepEqual(
    rows.map((r) => r.name),
    ['edge1', 'agent-web', 'quiet'],
  );
  const [edge, agent, quiet] = rows;
  assert.equal(edge!.flowsPerSecond, 2);
  // A sum past 2^53 comes as a string of digits, read as the nearest double.
  assert.equal(edge!.bytesPerSecond, 2 ** 53 / 300);
  assert.equal(edge!.packetsPerSecond, 4);
  assert.equal(edge!.sampleRate, 512);
  assert.equal(edge!.lastSeenMs, Date.UTC(2026, 0, 5, 10, 4, 30), 'the collector’s last packet wins');
  assert.equal(edge!.storedFlows, 50_000);
  assert.deepEqual(
    [edge!.decodeErrors, edge!.templateMisses, edge!.lostPackets, edge!.lostFlows],
    [2, 1, 4, 0],
  );
  // A host agent's device (not in the collector's list): stored figures, no collector counters.
  assert.equal(agent!.address, '');
  assert.equal(agent!.sampleRate, 1);
  assert.equal(agent!.lastSeenMs, Date.UTC(2026, 0, 5, 10, 3));
  assert.equal(agent!.decodeErrors, null);
  // Known to the collector, nothing stored: zero rates, its configured sampling rate.
  assert.deepEqual(
    [quiet!.flowsPerSecond, quiet!.sampleRate, quiet!.lastSeenMs, quiet!.storedFlows],
    [0, 100, null, 0],
  );
  assert.equal(isActive(edge!, Date.UTC(2026, 0, 5, 10, 6)), true);
  assert.equal(isActive(edge!, Date.UTC(2026, 0, 5, 10, 7)), false);
  assert.equal(isActive(quiet!, Date.UTC(2026, 0, 5, 10, 7)), false);
});

test('deviceSeries: every bucket of the window, empty ones at zero, each over the seconds it covers', () => {
  const t0 = Date.UTC(2026, 0, 5, 10, 0);
  const a = answer(
    ['t', 'flows', 'bytes', 'packets'],
    [
      ['2026-01-05T10:00:00.000Z', 120, 7500, 240],
      ['2026-01-05T10:04:00.000Z', 60, null, 60],
    ],
  );
  // Buckets of 2 min over [10:00:30, now 10:05:00): the 10:00 bucket's flows are those of the
  // 10:01 minute only (60 s), 10:02 had none, the 10:04 bucket is covered up to now (60 s).
  const s = deviceSeries(a, 120, { fromMs: t0 + 30_000, toMs: t0 + 300_000, live: true }, t0 + 300_000);
  assert.deepEqual(s.times, [t0, t0 + 120_000, t0 + 240_000]);
  assert.deepEqual(
    s.series.map((x) => [x.key, x.values]),
    [
      ['bits/s', [1000, 0, 0]],
      ['packets/s', [4, 0, 1]],
      ['flows/s', [2, 0, 1]],
    ],
  );
  // A bucket the window does not cover at all (from 10:00:30 to 10:01:00 of a window ending there).
  const none = deviceSeries(a, 60, { fromMs: t0 + 30_000, toMs: t0 + 60_000, live: false }, t0 + 3_600_000);
  assert.deepEqual(none.series[2]!.values, [null]);
  const w = { fromMs: 0, toMs: 600_000, live: false };
  assert.match(deviceSeriesSql(3, w, 5).sql, /interval '60 seconds'/);
  assert.deepEqual(deviceSeriesSql(3, w, 300).params, [
    '1970-01-01T00:00:00.000Z',
    '1970-01-01T00:10:00.000Z',
    3,
  ]);
});
