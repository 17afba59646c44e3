import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobColumns } from '../../store/backend.js';
import type { AggregateCall } from '../plan/plan.js';
import { mergePartials } from './collect.js';
import { hashWords, PARTITIONS } from './group-table.js';
import { jobGroupKernel, runJobKernel } from './kernel-entry.js';
import { keyLayout } from './key-layout.js';
import type { GroupsPartial, Partial } from './partial.js';
import { specFromPlan } from './spec.js';
import { SPILL_GROUPS } from './spillable.js';
import { referenceResult } from './test-reference.js';
import { agg, aggCall, call, col, desc, lit, makeJob, makePlan, prng, sortedRows } from './test-support.js';

/**
 * Spilling kernel states (spillable.ts, spill.ts): a table that reaches SPILL_GROUPS groups moves
 * them out (one run by hash partition) and goes on empty; the state comes out as its runs. Merged,
 * they must give exactly the brute-force reference's answer.
 */

/** makeJob's columns with `pool` distinct src_addr and src_as values; `runs`: each repeated in a row. */
function manyKeys(seed: number, rows: number, pool: number, runs = 1): JobColumns {
  const job = makeJob(seed, { rows });
  const rnd = prng(seed * 31);
  const addr = job.columns.src_addr as Uint8Array;
  const as = job.columns.src_as as Uint32Array;
  addr.fill(0);
  let id = 0;
  for (let i = 0; i < rows; i++) {
    if (i % runs === 0) id = Math.floor(rnd() * pool);
    const o = i * 16;
    if (id % 7 === 0) {
      addr[o] = 0x20;
      addr[o + 1] = 0x01;
      addr[o + 9] = id >>> 16;
    } else {
      addr[o + 10] = 0xff;
      addr[o + 11] = 0xff;
      addr[o + 13] = id >>> 16;
    }
    addr[o + 14] = (id >>> 8) & 0xff;
    addr[o + 15] = id & 0xff;
    as[i] = (id * 2654435761) >>> 0;
  }
  return job;
}

const small = call('lt', 'bool', col('in_pkts'), lit(500, 'int8'));
const aggregates: AggregateCall[] = [
  aggCall('sum', col('in_bytes'), 'numeric'),
  aggCall('count', undefined, 'int8'),
  aggCall('min', col('in_pkts'), 'int8'),
  aggCall('max', col('in_pkts'), 'int8'),
  aggCall('avg', col('in_pkts'), 'numeric'),
  { fn: 'sum', arg: col('in_pkts'), type: 'numeric', filter: small },
];
const jobs = [manyKeys(1, 30_000, 60_000), manyKeys(2, 30_000, 60_000, 3), manyKeys(3, 500, 60_000)];

/** The runs of a spilled partial (a single run comes out as itself). */
function runsOf(partial: unknown): GroupsPartial[] {
  const p = partial as Partial;
  if (p.kind === 'parts') return [...p.partials];
  assert.equal(p.kind, 'groups');
  return [p as GroupsPartial];
}

/** Each run in hash-partition order, with its bounds and key hashes, in shared memory. */
function checkOrder(partial: unknown, width: number): number {
  let entries = 0;
  for (const p of runsOf(partial)) {
    const parts = p.parts;
    const hashes = p.hashes;
    assert.ok(parts !== undefined && hashes !== undefined, 'partition bounds and key hashes');
    assert.equal(parts.length, PARTITIONS + 1);
    assert.equal(parts[PARTITIONS], p.groups);
    for (let part = 0; part < PARTITIONS; part++) {
      for (let g: number = parts[part]!; g < parts[part + 1]!; g++) {
        const hash: number = hashWords(p.keys, g * width, width, 0) | 0;
        assert.equal(hashes[g], hash);
        assert.equal(hash >>> 24, part);
      }
    }
    assert.ok(p.keys.buffer instanceof SharedArrayBuffer, 'in shared memory');
    entries += p.groups;
  }
  return entries;
}

test('a job with more groups than SPILL_GROUPS spills and merges to the reference (4-word keys)', () => {
  const plan = makePlan({ groupBy: [col('src_addr')], aggregates });
  const spec = specFromPlan(plan, 'minute');
  const partial = runJobKernel(spec, jobs[0]!);
  const reference = referenceResult(plan, [jobs[0]!]);
  assert.ok(reference.length > 2 * SPILL_GROUPS, `${reference.length} keys`);
  assert.ok(checkOrder(partial, 4) > reference.length, 'a key spilled more than once');
  const types = plan.output.map((o) => o.expr.type);
  assert.deepEqual(sortedRows(mergePartials(plan, spec, [partial], types)), sortedRows(reference));
});

test('several jobs into one spilling state (runs of a key in a row, one- and two-word keys, WHERE)', () => {
  const where = call('gt', 'bool', col('in_bytes'), lit(1000, 'int8'));
  for (const groupBy of [
    [col('src_as')],
    [col('src_addr')],
    [col('src_as'), col('protocol')],
    [col('in_bytes')],
  ]) {
    const plan = makePlan({ groupBy, aggregates, where });
    const spec = specFromPlan(plan, 'minute');
    const types = plan.output.map((o) => o.expr.type);
    const partial = jobGroupKernel.run(spec, jobs);
    checkOrder(partial, keyLayout(spec.groupBy, spec.physical).width);
    assert.deepEqual(
      sortedRows(mergePartials(plan, spec, [partial], types)),
      sortedRows(referenceResult(plan, jobs)),
      JSON.stringify(groupBy),
    );
  }
});

test('sums past 2^53 carry through spills exactly', () => {
  const huge = [0, 1].map((s) => {
    const job = manyKeys(40 + s, 20_000, 30_000, 2);
    const big = makeJob(40 + s, { rows: 20_000, hugeBytes: 52 });
    return { ...job, columns: { ...job.columns, in_bytes: big.columns.in_bytes! } };
  });
  const plan = makePlan({
    groupBy: [col('src_as')],
    aggregates: [aggCall('sum', col('in_bytes'), 'numeric'), aggCall('count', undefined, 'int8')],
    orderBy: [desc(agg(0, 'numeric'))],
    limit: 20,
  });
  const spec = specFromPlan(plan, 'minute');
  const partial = jobGroupKernel.run(spec, huge);
  const carried = runsOf(partial).filter((p) => (p.aggs[0] as { hi: Float64Array | null }).hi !== null);
  assert.ok(carried.length > 0, 'high words carried');
  const types = plan.output.map((o) => o.expr.type);
  assert.deepEqual(mergePartials(plan, spec, [partial], types), referenceResult(plan, huge));
});

test('a state that never spilled but holds many groups also comes out by partition', () => {
  const plan = makePlan({ groupBy: [col('src_addr')], aggregates: [aggCall('count', undefined, 'int8')] });
  const spec = specFromPlan(plan, 'minute');
  const job = manyKeys(7, 20_000, 6000);
  const partial = runJobKernel(spec, job);
  const reference = referenceResult(plan, [job]);
  assert.ok(reference.length > 4096 && reference.length < SPILL_GROUPS);
  assert.equal(runsOf(partial).length, 1, 'one run: the table');
  assert.equal(checkOrder(partial, 4), reference.length, 'each key once');
});
