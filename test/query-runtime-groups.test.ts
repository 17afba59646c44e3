import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { QuerySession } from '../src/query/api.js';
import { createQueryEngine } from '../src/query/engine.js';
import { createQueryRuntime } from '../src/query/runtime/index.js';
import { generateFlows } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

test('whole ten-minute spans run as one task and one memo entry each, with the same answer', async (t) => {
  const store = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  // 40 sealed minutes of 2 devices, two hours ago: 8 whole ten-minute spans.
  const start = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const minutes = Array.from({ length: 40 }, (_, i) => start + i * MINUTE);
  const flows = generateFlows({ seed: 77, rows: 20_000, minutes, devices: [1, 2] });
  await store.append('acme', flows);
  await store.sealNow({ all: true });

  // The answer from the generated rows themselves: per port, count and Σ in_pkts.
  const expected = new Map<number, [number, number]>();
  for (let r = 0; r < flows.length; r++) {
    const port = flows.arrays[flows.index.l4_dst_port]![r]!;
    const acc = expected.get(port) ?? [0, 0];
    acc[0]++;
    acc[1] += flows.arrays[flows.index.in_pkts]![r]!;
    expected.set(port, acc);
  }

  const rt = createQueryRuntime(
    { backend: store },
    {
      queryWorkers: 2,
      memoBytes: 64 << 20,
      queryRate: 100,
      queryBurst: 100,
      maxConcurrentQueries: 4,
      maxRowsScanned: 1e9,
      queryTimeoutMs: 60_000,
    },
  );
  t.after(() => rt.stop());
  const engine = createQueryEngine({ backend: store, executor: rt.executor });
  const session: QuerySession = { user: 'u', tenant: 'acme', settings: new Map() };
  const sql = 'SELECT l4_dst_port, count(*), sum(in_pkts) FROM all_devices GROUP BY 1';
  const answer = (rows: readonly (readonly unknown[])[]) =>
    new Map(rows.map((r) => [Number(r[0]), [Number(r[1]), Number(r[2])] as [number, number]]));

  const first = await engine.run(session, sql);
  assert.deepEqual(answer(first.rows), expected);
  assert.equal(first.stats!.jobs, 80);
  assert.equal(rt.pool.jobsRun, 8, 'one task per device and ten minutes');
  const again = await engine.run(session, sql);
  assert.deepEqual(answer(again.rows), expected);
  assert.equal(again.stats!.memoHits, 80, 'every job, through its group');
  assert.equal(rt.pool.jobsRun, 8, 'no task for the repeat');
  assert.equal(rt.memo.size, 9, 'eight groups, and the combination of the eight');
  // The combination of the 8 hits answers a third run alone.
  const hitsBefore = rt.memo.hits;
  const third = await engine.run(session, sql);
  assert.equal(rt.memo.hits - hitsBefore, 9, 'the eight groups looked up, and their combination found');
  assert.deepEqual(answer(third.rows), expected);
  assert.equal(third.stats!.memoHits, 80);
  assert.equal(rt.memo.size, 9, 'nothing new');
  assert.equal(rt.pool.jobsRun, 8);
});
