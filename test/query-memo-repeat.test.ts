import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import type { QuerySession, Value } from '../src/query/api.js';
import { createQueryEngine } from '../src/query/engine.js';
import { createQueryRuntime } from '../src/query/runtime/index.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { generateFlows } from './helpers/store-flows.js';
import { tempStoreDir, testStore } from './helpers/store-setup.js';

/**
 * Repeats answered by the plan cache, the parse cache and the result memo (a query whose jobs are
 * all memo hits) must still answer for what changed: now(), the tenant, parameters, new devices,
 * new data in a sealed minute. Every expected value is recomputed from the generated rows.
 */

const MINUTE = 60_000;
const HOUR = 3_600_000;
const SQL =
  "SELECT src_as, sum(in_pkts) AS s FROM all_devices WHERE i_start_time >= now() - interval '3 min' GROUP BY src_as ORDER BY s DESC, src_as LIMIT 10";

interface Filter {
  readonly from: number;
  readonly device?: number;
  readonly minPkts?: number;
}

/** The top 10 (src_as, Σ in_pkts) of the rows passing the filter, as text. */
function oracle(batches: readonly FlowBatch[], f: Filter): string[][] {
  const sums = new Map<number, bigint>();
  for (const b of batches) {
    const a = (name: string) => b.arrays[b.index[name as keyof typeof b.index] as number]!;
    const [time, dev, as, pkts] = [a('i_start_time'), a('i_device_id'), a('src_as'), a('in_pkts')];
    for (let row = 0; row < b.length; row++) {
      if (Number(time[row]) < f.from) continue;
      if (f.device !== undefined && Number(dev[row]) !== f.device) continue;
      if (f.minPkts !== undefined && !(Number(pkts[row]) > f.minPkts)) continue;
      const key = Number(as[row]);
      sums.set(key, (sums.get(key) ?? 0n) + BigInt(pkts[row]!));
    }
  }
  return [...sums]
    .sort((x, y) => (x[1] === y[1] ? x[0] - y[0] : x[1] > y[1] ? -1 : 1))
    .slice(0, 10)
    .map(([k, v]) => [String(k), String(v)]);
}

async function setup(t: TestContext) {
  const store: EmbeddedStore = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  const base = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const minutes = Array.from({ length: 12 }, (_, i) => base + i * MINUTE);
  const acme = [generateFlows({ seed: 31, rows: 6000, minutes, devices: [1, 2, 3, 4] })];
  const beta = [generateFlows({ seed: 32, rows: 3000, minutes, devices: [1, 2] })];
  await store.append('acme', acme[0]!);
  await store.append('beta', beta[0]!);
  await store.sealNow({ all: true });
  const runtime = createQueryRuntime(
    { backend: store },
    {
      queryWorkers: 2,
      memoBytes: 64 << 20,
      queryRate: 1e9,
      queryBurst: 1e9,
      maxConcurrentQueries: 100,
      maxRowsScanned: 2e9,
      queryTimeoutMs: 0,
    },
  );
  t.after(() => runtime.stop());
  let now = base + 10 * MINUTE;
  const engine = createQueryEngine({ backend: store, executor: runtime.executor, now: () => now });
  const session = (tenant: string): QuerySession => ({ user: 'u', tenant, settings: new Map() });
  const run = async (tenant: string, sql = SQL, params?: string[]) => {
    const r = await engine.run(session(tenant), sql, { params });
    return { text: r.rows.map((row) => row.map(String)), rows: r.rows, stats: r.stats! };
  };
  return { store, base, acme, beta, run, setNow: (t: number) => (now = t), now: () => now };
}

test('a repeat over sealed minutes comes from the memo and is right; rows handed out can be changed', async (t) => {
  const { acme, run, now } = await setup(t);
  const expected = oracle(acme, { from: now() - 3 * MINUTE });
  assert.equal(expected.length, 10);
  assert.deepEqual((await run('acme')).text, expected);
  for (let i = 0; i < 3; i++) {
    const again = await run('acme');
    assert.deepEqual(again.text, expected);
    assert.equal(again.stats.memoHits, again.stats.jobs, 'every job a memo hit');
    assert.ok(again.stats.jobs > 0);
    // A client changing its rows must not change the next answer.
    const rows = again.rows as Value[][];
    rows[0]![1] = -1;
    rows.pop();
  }
  assert.deepEqual((await run('acme')).text, expected);
});

test('a cached plan never answers for a moved now(), another tenant or other parameters', async (t) => {
  const { acme, beta, run, setNow, now } = await setup(t);
  await run('acme');
  await run('acme');
  setNow(now() - 4 * MINUTE);
  assert.deepEqual((await run('acme')).text, oracle(acme, { from: now() - 3 * MINUTE }), 'window moved back');
  setNow(now() + 90_000);
  assert.deepEqual((await run('acme')).text, oracle(acme, { from: now() - 3 * MINUTE }), 'half-minute edge');
  await run('beta');
  assert.deepEqual((await run('beta')).text, oracle(beta, { from: now() - 3 * MINUTE }), 'other tenant');
  const withParam =
    "SELECT src_as, sum(in_pkts) AS s FROM all_devices WHERE i_start_time >= now() - interval '3 min' AND in_pkts > $1 GROUP BY src_as ORDER BY s DESC, src_as LIMIT 10";
  for (const p of [10, 100_000, 10]) {
    await run('acme', withParam, [String(p)]);
    const got = await run('acme', withParam, [String(p)]);
    assert.deepEqual(got.text, oracle(acme, { from: now() - 3 * MINUTE, minPkts: p }), `in_pkts > ${p}`);
  }
});

test('a device table appearing, and late rows of a sealed minute, are seen by the repeat', async (t) => {
  const { store, base, acme, run, now } = await setup(t);
  const sql = SQL.replace('all_devices', '"router-9"');
  await assert.rejects(run('acme', sql), { code: '42P01' });
  const late = generateFlows({ seed: 33, rows: 500, minutes: [base + 8 * MINUTE], devices: [9, 1] });
  await store.append('acme', late);
  await store.sealNow({ all: true });
  const all = [...acme, late];
  assert.deepEqual((await run('acme', sql)).text, oracle(all, { from: now() - 3 * MINUTE, device: 9 }));
  assert.deepEqual((await run('acme')).text, oracle(all, { from: now() - 3 * MINUTE }), 'late rows counted');
  const more = generateFlows({ seed: 34, rows: 500, minutes: [base + 9 * MINUTE], devices: [1] });
  await store.append('acme', more);
  await store.sealNow({ all: true });
  assert.deepEqual((await run('acme')).text, oracle([...all, more], { from: now() - 3 * MINUTE }));
});
