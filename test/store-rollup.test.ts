import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import type { Resolution } from '../src/store/backend.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { expectedRollup, generateFlows, rollupCompareColumns, rowsOfJob } from './helpers/store-flows.js';
import { listTree, tempStoreDir, testStore } from './helpers/store-setup.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const DAY = 86_400_000;

async function rollupRows(
  store: EmbeddedStore,
  resolution: Resolution,
  from: number,
  to: number,
): Promise<string[]> {
  const out: string[] = [];
  for (const job of await store.jobs({ tenant: 'acme', from, to, resolution })) {
    const data = await store.read(
      job,
      rollupCompareColumns.map((c) => c.name),
    );
    out.push(...rowsOfJob(data, rollupCompareColumns));
  }
  return out.sort();
}

test('rollups are rebuilt when late rows arrive for their hour and day', async (t) => {
  const dir = tempStoreDir(t);
  const store = testStore(dir);
  await store.start();
  t.after(() => store.stop());
  const day = Math.floor((Date.now() - 3 * DAY) / DAY) * DAY;
  const batches: FlowBatch[] = [];
  const add = async (seed: number, minutes: number[]) => {
    const batch = generateFlows({ seed, rows: 400, minutes, devices: [1, 2] });
    batches.push(batch);
    await store.append('acme', batch);
    await store.sealNow({ all: true });
  };
  await add(1, [day + MINUTE, day + 2 * HOUR + 3 * MINUTE, day + 23 * HOUR + 59 * MINUTE]);
  await store.maintain();
  assert.deepEqual(
    await rollupRows(store, 'hour', day, day + DAY),
    expectedRollup(batches, HOUR, day, day + DAY),
  );
  assert.deepEqual(
    await rollupRows(store, 'day', day, day + DAY),
    expectedRollup(batches, DAY, day, day + DAY),
  );

  await add(2, [day + 2 * HOUR + 10 * MINUTE]);
  await store.maintain();
  assert.deepEqual(
    await rollupRows(store, 'hour', day, day + DAY),
    expectedRollup(batches, HOUR, day, day + DAY),
  );
  assert.deepEqual(
    await rollupRows(store, 'day', day, day + DAY),
    expectedRollup(batches, DAY, day, day + DAY),
  );

  const files = listTree(dir).filter((f) => f.endsWith('.seg'));
  assert.deepEqual(
    files
      .filter((f) => f.includes('rollup'))
      .map((f) => f.replace(/-[0-9a-f]{16}\.seg$/, '').replace(/^.*\//, '')),
    ['rollup-00.hour', 'rollup-02.hour', 'rollup-23.hour', 'rollup.day'],
    'one rollup file per hour with data and one per day, stale ones replaced',
  );
  assert.equal(files.filter((f) => /\/\d\d\.hour-/.test(f)).length, 3, 'one flows file per hour');
  assert.equal(await store.rollupsCompleteUntil('acme', 'hour'), day + DAY);
  assert.equal(await store.rollupsCompleteUntil('acme', 'day'), day + DAY);
});

test('an hour still receiving rows (open data) is not rolled up yet', async (t) => {
  const dir = tempStoreDir(t);
  const store = testStore(dir);
  await store.start();
  t.after(() => store.stop());
  const hour = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  await store.append('acme', generateFlows({ seed: 1, rows: 100, minutes: [hour + MINUTE], devices: [1] }));
  await store.maintain();
  assert.deepEqual(await store.jobs({ tenant: 'acme', from: hour, to: hour + HOUR, resolution: 'hour' }), []);
  assert.equal(await store.rollupsCompleteUntil('acme', 'hour'), 0);
  await store.sealNow({ all: true });
  await store.maintain();
  assert.equal(
    (await store.jobs({ tenant: 'acme', from: hour, to: hour + HOUR, resolution: 'hour' })).length,
    1,
  );
});
