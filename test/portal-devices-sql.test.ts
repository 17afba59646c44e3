import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deviceRows, deviceSeries } from '../src/portal/devices-shape.js';
import {
  coveredSeconds,
  deviceInterfacesSql,
  deviceSeriesSql,
  deviceTrafficSql,
  storedDevicesSql,
} from '../src/portal/devices-sql.js';
import { num, records } from '../src/portal/pages-cells.js';
import { createQueryEngine } from '../src/query/engine.js';
import { runStatement } from './helpers/portal-sql.js';
import { basic, restDevices, startRestServer } from './helpers/rest-server.js';
import { generateFlows } from './helpers/store-flows.js';

/**
 * The Devices page's statements run by the real engine through POST /api/v1/query over a store of
 * generated flows, shaped as the page shapes them, and checked against sums computed here row by
 * row from the generated batch (BigInt sums: byte counts pass 2^53).
 */

const MIN = 60_000;
const t0 = Date.UTC(2026, 0, 5, 10, 0);
const minutes = [0, 1, 2, 3, 4].map((m) => t0 + m * MIN);

test('device traffic, stored totals, per-minute series and top interfaces match a brute-force sum', async (t) => {
  const server = await startRestServer(t, (store) => createQueryEngine({ backend: store }));
  const batch = generateFlows({ seed: 7, rows: 3000, minutes, devices: [1, 2, 5] });
  await server.store.append('default', batch);
  const col = (name: string) => batch.arrays[batch.index[name as keyof typeof batch.index]]!;
  const [time, device, bytes, pkts, rate, input] = [
    'i_start_time',
    'i_device_id',
    'in_bytes',
    'in_pkts',
    'sample_rate',
    'input_port',
  ].map(col);

  // The window [10:01, 10:04): minutes 10:01, 10:02 and 10:03, long ago.
  const w = { fromMs: t0 + MIN, toMs: t0 + 4 * MIN, live: false };
  const inWindow = (row: number) => time![row]! >= w.fromMs && time![row]! < w.toMs;
  const auth = basic('flowlens', 'flowlens');
  const run = (st: Parameters<typeof runStatement>[2]) => runStatement(server.url, auth, st);

  const seconds = coveredSeconds(w, Date.now());
  assert.equal(seconds, 180);
  // The collector's counters as the page reads them: GET /api/v1/devices (the fixture's edge1, id 1).
  const collector = (await (
    await fetch(`${server.url}/api/v1/devices`, { headers: { authorization: auth } })
  ).json()) as {
    devices: Parameters<typeof deviceRows>[0];
  };
  const rows = deviceRows(
    collector.devices,
    await run(deviceTrafficSql(w)),
    await run(storedDevicesSql),
    seconds,
  );
  for (const id of [1, 2, 5]) {
    let flows = 0;
    let byteSum = 0n;
    let pktSum = 0n;
    let maxRate = 0;
    let stored = 0;
    let last = 0;
    for (let r = 0; r < batch.length; r++) {
      if (device![r] !== id) continue;
      stored++;
      last = Math.max(last, time![r]!);
      if (!inWindow(r)) continue;
      flows++;
      byteSum += BigInt(bytes![r]!);
      pktSum += BigInt(pkts![r]!);
      maxRate = Math.max(maxRate, rate![r]!);
    }
    const row = rows.find((x) => x.id === id);
    assert.ok(row, `device ${id} listed`);
    // The collector's name for a device it knows (edge1), else the stored one.
    assert.equal(row.name, id === 1 ? restDevices[0]!.name : `router-${id}`);
    assert.equal(row.flows, flows);
    assert.equal(row.flowsPerSecond, flows / 180);
    assert.equal(row.bytesPerSecond, Number(byteSum) / 180);
    assert.equal(row.packetsPerSecond, Number(pktSum) / 180);
    assert.equal(row.storedFlows, stored);
    if (id === 1) {
      // Known to the collector (the fixture's edge1, id 1): its counters and sampling rate win.
      assert.deepEqual([row.decodeErrors, row.lostFlows, row.sampleRate], [3, 7, 512]);
    } else {
      assert.equal(row.decodeErrors, null);
      assert.equal(row.sampleRate, maxRate);
      assert.equal(row.lastSeenMs, last, 'the last minute with stored flows');
    }
  }
  // core1 (id 2 of tenant acme in the fixture) is not this user's: device 2 is router-2 of SQL.
  assert.equal(rows.find((r) => r.id === 2)?.address, '');

  // Device 5's traffic per minute, as rates.
  const series = deviceSeries(await run(deviceSeriesSql(5, w, 60)), 60, w, Date.now());
  assert.deepEqual(series.times, [t0 + MIN, t0 + 2 * MIN, t0 + 3 * MIN]);
  series.times.forEach((m, i) => {
    let b = 0n;
    let n = 0;
    for (let r = 0; r < batch.length; r++)
      if (device![r] === 5 && time![r] === m) {
        b += BigInt(bytes![r]!);
        n++;
      }
    assert.equal(series.series[0]!.values[i], Number(b * 8n) / 60, `bits/s at minute ${i}`);
    assert.equal(series.series[2]!.values[i], n / 60, `flows/s at minute ${i}`);
  });

  // Top 10 input interfaces of device 2 by bytes.
  const sums = new Map<number, bigint>();
  for (let r = 0; r < batch.length; r++)
    if (device![r] === 2 && inWindow(r))
      sums.set(input![r]!, (sums.get(input![r]!) ?? 0n) + BigInt(bytes![r]!));
  const expected = [...sums]
    .sort(([ia, a], [ib, b]) => (a === b ? ia - ib : a > b ? -1 : 1))
    .slice(0, 10)
    .map(([iface, b]) => [iface, Number(b)]);
  const top = records(await run(deviceInterfacesSql(2, 'input_port', w))).map((r) => [
    num(r.iface),
    num(r.bytes),
  ]);
  assert.deepEqual(top, expected);
});
