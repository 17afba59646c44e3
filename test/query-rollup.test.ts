import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { rollupColumns } from '../src/flow/schema.js';
import { createQueryEngine } from '../src/query/engine.js';
import { cell, exact, groupSums, session } from './helpers/query-oracle.js';
import { generateFlows } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

const MINUTE = 60_000;
const HOUR = 3_600_000;
const DAY = 86_400_000;

/** Few distinct dimension values, so that a rollup row sums many flows (flow_count > 1). */
function coarsen(batch: FlowBatch): FlowBatch {
  const keep = new Set(['i_start_time', 'i_device_id', 'i_device_name', 'protocol', 'src_geo']);
  for (const col of rollupColumns) {
    if (col.rollup !== 'dimension' || keep.has(col.name)) continue;
    const arr = batch.arrays[batch.index[col.name as keyof FlowBatch['index']]]!;
    for (let row = 0; row < batch.length; row++)
      arr[row] = col.name === 'src_as' ? [15169, 13335, 64512][row % 3]! : 0;
  }
  const protocol = batch.arrays[batch.index.protocol]!;
  for (let row = 0; row < batch.length; row++) protocol[row] = protocol[row]! % 3;
  return batch;
}

const sorted = (rows: readonly (readonly unknown[])[]) =>
  rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
const iso = (t: number) => `timestamptz '${new Date(t).toISOString()}'`;

test('hourly and daily rollups give the same answers as the minutes they sum', async (t) => {
  const store = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  const engine = createQueryEngine({ backend: store });
  const day = Math.floor((Date.now() - 4 * DAY) / DAY) * DAY;
  const minutes = [1, 63, 125, 130, 600, 1439, 1445, 1500, 1501, 1620].map((m) => day + m * MINUTE);
  const batches: FlowBatch[] = [];
  for (let seed = 1; seed <= 2; seed++) {
    const batch = coarsen(generateFlows({ seed, rows: 2000, minutes, devices: [1, 2] }));
    batches.push(batch);
    await store.append('acme', batch);
  }
  await store.sealNow({ all: true });

  const from = day + 2 * HOUR + 7 * MINUTE; // mid-hour: minutes, then full hours, then a full day
  const to = day + DAY + 26 * HOUR + 1; // past the data
  const queries = {
    all: 'SELECT src_as, sum(in_pkts), count(*), sum(in_bytes) FROM all_devices GROUP BY src_as',
    ranged: `SELECT src_as, sum(in_pkts), count(*) FROM all_devices WHERE i_start_time >= ${iso(from)} AND i_start_time < ${iso(to)} GROUP BY src_as`,
    hourly: `SELECT date_trunc('hour', i_start_time) AS h, count(*), count(DISTINCT src_geo), min(protocol) FROM all_devices GROUP BY 1`,
  };
  const run = async (sql: string) => {
    const result = await engine.run(session(), sql);
    return { rows: sorted(result.rows), resolution: result.stats?.resolution };
  };

  // Before maintenance there are no rollups: everything comes from minutes.
  const before: Record<string, string[]> = {};
  for (const [name, sql] of Object.entries(queries)) {
    const r = await run(sql);
    assert.equal(r.resolution, 'minute', name);
    before[name] = r.rows;
  }

  const expectAll = [...groupSums(batches, 'src_as', 'in_pkts')].map(([asn, g]) => {
    const bytes = groupSums(batches, 'src_as', 'in_bytes').get(asn)!;
    return [asn, exact(g.sum), g.count, exact(bytes.sum)];
  });
  const inRange = (b: FlowBatch, r: number) =>
    cell(b, r, 'i_start_time') >= from && cell(b, r, 'i_start_time') < to;
  const expectRanged = [...groupSums(batches, 'src_as', 'in_pkts', inRange)].map(([asn, g]) => [
    asn,
    exact(g.sum),
    g.count,
  ]);
  assert.deepEqual(before.ranged, sorted(expectRanged));
  const approx = (rows: string[]) =>
    rows.map((r) => (JSON.parse(r) as number[]).map((v) => Math.round(v * 1e6) / 1e6));
  assert.deepEqual(approx(before.all!), approx(sorted(expectAll)));

  await store.maintain();
  const rollupJobs = await store.jobs({ tenant: 'acme', from: day, to: day + DAY, resolution: 'day' });
  const rollupRows = rollupJobs.reduce((n, j) => n + j.rows, 0);
  assert.ok(rollupRows > 0 && rollupRows < 1000, `rollup rows sum several flows (${rollupRows} rows)`);
  assert.ok((await store.rollupsCompleteUntil('acme', 'day')) >= day + DAY, 'the first day is rolled up');
  const used: Record<string, string | undefined> = {};
  for (const [name, sql] of Object.entries(queries)) {
    const r = await run(sql);
    used[name] = r.resolution;
    assert.deepEqual(r.rows, before[name], `${name}: rollups answer as the minutes do`);
  }
  assert.equal(used.all, 'day');
  assert.equal(
    used.ranged,
    'day',
    'full days from daily rollups, full hours from hourly ones, the rest from minutes',
  );
  assert.equal(used.hourly, 'hour', 'grouping by hour cannot use daily rollups');

  // min of a measure is not answerable from rollups (they hold sums): the minutes are read.
  const min = await engine.run(session(), 'SELECT min(in_bytes), count(*) FROM all_devices');
  assert.equal(min.stats?.resolution, 'minute');
  let least = Number.POSITIVE_INFINITY;
  for (const b of batches) for (let r = 0; r < b.length; r++) least = Math.min(least, cell(b, r, 'in_bytes'));
  assert.deepEqual(min.rows, [[least, 4000]]);
});
