import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAddr } from '../src/flow/addr.js';
import type { QuerySession } from '../src/query/api.js';
import { createQueryEngine } from '../src/query/engine.js';
import { createQueryRuntime } from '../src/query/runtime/index.js';
import { generateFlows, prng } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;

/**
 * Many groups merged on the worker threads (src/query/exec/reduce.ts, engine-reduce.ts): with the
 * thresholds lowered, a GROUP BY src_addr over spilling kernel states is merged by partition on
 * the workers (midway and at the end), only each partition's top groups coming back under a
 * LIMIT. The answers must equal sums computed from the generated rows.
 */
test('many groups are merged on the workers and give the rows’ own sums', async (t) => {
  const store = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  const start = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const minutes = Array.from({ length: 30 }, (_, i) => start + i * MINUTE);
  const flows = generateFlows({ seed: 5, rows: 90_000, minutes, devices: [1, 2] });
  // src_addr from a pool of 30 000 addresses (a fifth IPv6), so that keys repeat across jobs.
  const addr = flows.arrays[flows.index.src_addr] as Uint8Array;
  const bytes = flows.arrays[flows.index.in_bytes]!;
  const rnd = prng(9);
  addr.fill(0);
  for (let r = 0; r < flows.length; r++) {
    const id = Math.floor(rnd() * 30_000);
    const o = r * 16;
    if (id % 5 === 0) {
      addr[o] = 0x20;
      addr[o + 1] = 0x01;
    } else {
      addr[o + 10] = 0xff;
      addr[o + 11] = 0xff;
      addr[o + 12] = 10;
    }
    addr[o + 14] = id >>> 8;
    addr[o + 15] = id & 0xff;
    addr[o + 13] = id >>> 16;
  }
  await store.append('acme', flows);
  await store.sealNow({ all: true });

  // The oracle: per address, Σ in_bytes and the row count, from the generated rows.
  const expected = new Map<string, [number, number]>();
  for (let r = 0; r < flows.length; r++) {
    const key = formatAddr(addr, r * 16);
    const acc = expected.get(key) ?? [0, 0];
    acc[0] += bytes[r]!;
    acc[1]++;
    expected.set(key, acc);
  }

  const rt = createQueryRuntime(
    { backend: store },
    {
      queryWorkers: 2,
      memoBytes: 256 << 20,
      queryRate: 100,
      queryBurst: 100,
      maxConcurrentQueries: 4,
      maxRowsScanned: 1e9,
      queryTimeoutMs: 60_000,
    },
  );
  t.after(() => rt.stop());
  const engine = createQueryEngine({
    backend: store,
    executor: rt.executor,
    reduceThresholds: { final: 1000, midway: 20_000 },
  });
  const session: QuerySession = { user: 'u', tenant: 'acme', settings: new Map() };
  const asMap = (rows: readonly (readonly unknown[])[]) =>
    new Map(rows.map((r) => [String(r[0]), [Number(r[1]), Number(r[2])] as [number, number]]));

  const before = rt.pool.jobsRun;
  const all = await engine.run(
    session,
    'SELECT src_addr, sum(in_bytes), count(*) FROM all_devices GROUP BY 1',
  );
  assert.deepEqual(asMap(all.rows), expected);
  // 2 devices × 3 ten-minute spans of minutes: 6 tasks; the rest are reduce tasks.
  assert.ok(rt.pool.jobsRun - before > 6, `${rt.pool.jobsRun - before} tasks`);

  const sums = [...expected.values()].map(([s]) => s).sort((a, b) => b - a);
  const top =
    'SELECT src_addr, sum(in_bytes) AS bytes, count(*) FROM all_devices GROUP BY src_addr ORDER BY bytes DESC';
  for (const run of ['cold', 'memo']) {
    const page = await engine.run(session, `${top} LIMIT 10`);
    assert.deepEqual(
      page.rows.map((r) => Number(r[1])),
      sums.slice(0, 10),
      run,
    );
    for (const r of page.rows) assert.deepEqual(expected.get(String(r[0])), [Number(r[1]), Number(r[2])]);
  }
  const offset = await engine.run(session, `${top} LIMIT 5 OFFSET 20`);
  assert.deepEqual(
    offset.rows.map((r) => Number(r[1])),
    sums.slice(20, 25),
  );
  const counts = [...expected.values()]
    .filter(([, c]) => c > 3)
    .map(([s]) => s)
    .sort((a, b) => b - a);
  const having = await engine.run(
    session,
    'SELECT src_addr, sum(in_bytes) AS bytes FROM all_devices GROUP BY src_addr HAVING count(*) > 3 ORDER BY 2 DESC LIMIT 8',
  );
  assert.deepEqual(
    having.rows.map((r) => Number(r[1])),
    counts.slice(0, 8),
  );
});
