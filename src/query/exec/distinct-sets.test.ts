import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AddressSet, JobColumns } from '../../store/backend.js';
import { HyperLogLog } from '../hll/index.js';
import { readOptionsOf } from './address-dicts.js';
import { specFromPlan } from './spec.js';
import { toAddressDicts, withDst } from './test-address-dicts.js';
import { aggCall, col, makeJob, makePlan, prng, runPlan } from './test-support.js';

/**
 * approx_count_distinct and count(DISTINCT) over address columns in distinct form
 * (distinct-sets.ts): each job's
 * sets as a store hands them over (shuffled, `entries` longer than `size`), alone or beside
 * columns in dictionary or rows form, must give exactly the sketch of the set of every row's
 * value — built here straight from the rows, value by value (registers depend only on the set
 * of values added: docs/hll.md) and the size of that set — and that is what the rows form gives.
 */

const rowJobs = [makeJob(11, { rows: 3000 }), makeJob(12, { rows: 2500 }), makeJob(13, { rows: 10 })].map(
  withDst,
);
const names = ['src_addr', 'dst_addr'];
const hexOf = (bytes: Uint8Array, i: number) =>
  Buffer.from(bytes.subarray(i * 16, i * 16 + 16)).toString('hex');

/** The job with `asSets` in distinct form, built from its rows: each value once, in random order. */
function toSets(job: JobColumns, asSets: readonly string[], seed: number): JobColumns {
  const rnd = prng(seed);
  const columns = { ...job.columns };
  const distinct: Record<string, AddressSet> = {};
  for (const name of asSets) {
    const rows = job.columns[name] as Uint8Array;
    const values = [...new Set(Array.from({ length: job.rows }, (_, i) => hexOf(rows, i)))].sort(
      () => rnd() - 0.5,
    );
    const entries = new Uint8Array((values.length + 2) * 16).fill(0xee);
    values.forEach((hex, e) => {
      entries.set(Buffer.from(hex, 'hex'), e * 16);
    });
    distinct[name] = { entries, size: values.length };
    delete columns[name];
  }
  return { ...job, columns, distinct };
}

/**
 * The brute-force answer: per column the sketch of the set of every job's row values, then per
 * column the size of that set.
 */
function reference(jobs: readonly JobColumns[]): number[] {
  const sets = names.map((name) => {
    const values = new Set<string>();
    for (const job of jobs) {
      const rows = job.columns[name] as Uint8Array;
      for (let i = 0; i < job.rows; i++) values.add(hexOf(rows, i));
    }
    return values;
  });
  const sketches = sets.map((values) => {
    const sketch = new HyperLogLog();
    for (const hex of values) sketch.addAddress(Buffer.from(hex, 'hex'), 0);
    return Math.round(sketch.estimate());
  });
  return [...sketches, ...sets.map((values) => values.size)];
}

const plan = makePlan({
  aggregates: [
    ...names.map((n) => aggCall('approx_count_distinct', col(n), 'int8')),
    ...names.map((n) => aggCall('count_distinct', col(n), 'int8')),
  ],
});

test('a spec of column sketches asks for the distinct form of its address columns', () => {
  assert.deepEqual(readOptionsOf(specFromPlan(plan, 'minute')).distinct, names);
  const filtered = makePlan({
    aggregates: [aggCall('approx_count_distinct', col('src_addr'), 'int8')],
    where: {
      kind: 'call',
      fn: 'eq',
      type: 'bool',
      args: [col('protocol'), { kind: 'const', type: 'int2', value: 6 }],
    },
  });
  assert.equal(readOptionsOf(specFromPlan(filtered, 'minute')).distinct, undefined, 'WHERE: rows count');
  const grouped = makePlan({
    groupBy: [col('protocol')],
    aggregates: [aggCall('approx_count_distinct', col('src_addr'), 'int8')],
  });
  assert.equal(readOptionsOf(specFromPlan(grouped, 'minute')).distinct, undefined, 'GROUP BY: rows count');
});

test('approx_count_distinct and count(DISTINCT) over distinct, dictionary and rows forms = the oracle', () => {
  const want = reference(rowJobs);
  const forms: [string, JobColumns[]][] = [
    ['rows', rowJobs],
    ['sets', rowJobs.map((j, k) => toSets(j, names, 20 + k))],
    [
      'a set beside a dictionary and beside rows',
      rowJobs.map((j, k) =>
        toSets(
          k === 0 ? toAddressDicts({ ...j, columns: { ...j.columns } }, ['dst_addr'], 30, false) : j,
          ['src_addr'],
          40 + k,
        ),
      ),
    ],
    ['some jobs as sets, others as rows', rowJobs.map((j, k) => (k === 1 ? toSets(j, names, 50) : j))],
  ];
  for (const [what, jobs] of forms) {
    assert.deepEqual(runPlan(plan, jobs)[0]!.map(Number), want, what);
  }
});
