import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobColumns } from '../../store/backend.js';
import { HyperLogLog } from '../hll/index.js';
import type { AggregateCall, Expr } from '../plan/plan.js';
import { mergePartials } from './collect.js';
import { PARTITION_MIN_GROUPS } from './group-table.js';
import { combinePartials, jobGroupKernel, runJobKernel } from './kernel-entry.js';
import type { GroupsPartial, Partial, PartsPartial } from './partial.js';
import { specFromPlan } from './spec.js';
import { referenceResult } from './test-reference.js';
import {
  agg,
  aggCall,
  asc,
  call,
  col,
  desc,
  key,
  lit,
  makeJob,
  makePlan,
  prng,
  runPlan,
  sortedRows,
} from './test-support.js';

/**
 * High-cardinality groups: partials of more than PARTITION_MIN_GROUPS groups go out in hash order
 * and are merged partition by partition, and ORDER BY … LIMIT over many groups selects the page
 * without evaluating every group. Both must give exactly the brute-force reference's answer.
 */

/** makeJob's columns with src_addr drawn from `pool` addresses (IPv4 and IPv6), shared by all jobs. */
function wideJob(seed: number, rows: number, pool: number): JobColumns {
  const job = makeJob(seed, { rows });
  const rnd = prng(seed * 7919);
  const addr = job.columns.src_addr as Uint8Array;
  addr.fill(0);
  for (let i = 0; i < rows; i++) {
    const id = Math.floor(rnd() * pool);
    const o = i * 16;
    if (id % 5 === 0) {
      addr[o] = 0x20;
      addr[o + 1] = 0x01;
      addr[o + 8] = id >>> 16;
      addr[o + 15] = id & 0xff;
      addr[o + 14] = (id >>> 8) & 0xff;
    } else {
      addr[o + 10] = 0xff;
      addr[o + 11] = 0xff;
      addr[o + 12] = 10;
      addr[o + 13] = (id >>> 16) & 0xff;
      addr[o + 14] = (id >>> 8) & 0xff;
      addr[o + 15] = id & 0xff;
    }
  }
  return job;
}

const jobs = [wideJob(1, 20_000, 40_000), wideJob(2, 15_000, 40_000), wideJob(3, 30, 40_000)];
const count: AggregateCall = { fn: 'count', arg: undefined, type: 'int8' };
const sum = (arg: Expr): AggregateCall => ({ fn: 'sum', arg, type: 'numeric' });
const bySrc = [col('src_addr')];
const aggregates = [
  sum(col('in_bytes')),
  count,
  aggCall('max', col('in_pkts'), 'int8'),
  aggCall('avg', col('in_pkts'), 'numeric'),
];

test('the jobs give partials in hash order with partition bounds', () => {
  const spec = specFromPlan(makePlan({ groupBy: bySrc, aggregates }), 'minute');
  // Spilled runs: each in hash order (spill.test.ts checks the order in detail).
  const partial = runJobKernel(spec, jobs[0]!) as Partial;
  const runs = partial.kind === 'parts' ? partial.partials : [partial as GroupsPartial];
  let groups = 0;
  for (const run of runs) {
    assert.ok(run.parts !== undefined);
    assert.equal(run.parts[run.parts.length - 1], run.groups);
    for (let p = 1; p < run.parts.length; p++) assert.ok(run.parts[p]! >= run.parts[p - 1]!);
    groups += run.groups;
  }
  assert.ok(groups > PARTITION_MIN_GROUPS, `${groups} groups`);
});

test('many groups merged partition by partition equal the reference (every group)', () => {
  const plan = makePlan({ groupBy: bySrc, aggregates });
  assert.deepEqual(sortedRows(runPlan(plan, jobs)), sortedRows(referenceResult(plan, jobs)));
});

test('ORDER BY an aggregate DESC LIMIT over many groups: the same page as the reference', () => {
  const plan = makePlan({ groupBy: bySrc, aggregates, orderBy: [desc(agg(0, 'numeric'))], limit: 10 });
  assert.deepEqual(runPlan(plan, jobs), referenceResult(plan, jobs));
});

test('several sort keys, OFFSET and HAVING over many groups', () => {
  const plan = makePlan({
    groupBy: [col('l4_dst_port'), col('protocol')],
    aggregates: [count, sum(col('in_pkts'))],
    having: call('gt', 'bool', agg(0, 'int8'), lit(1, 'int8')),
    orderBy: [asc(key(1, 'int2')), desc(agg(0, 'int8')), desc(agg(1, 'numeric')), asc(key(0, 'int4'))],
    limit: 25,
    offset: 7,
  });
  assert.deepEqual(runPlan(plan, jobs), referenceResult(plan, jobs));
});

test('sums past 2^53 in many groups still order exactly (bigint values)', () => {
  const huge = [makeJob(31, { rows: 9000, hugeBytes: 52 }), makeJob(32, { rows: 9000, hugeBytes: 52 })];
  const plan = makePlan({
    groupBy: [col('l4_dst_port')],
    aggregates: [sum(col('in_bytes'))],
    orderBy: [desc(agg(0, 'numeric'))],
    limit: 5,
  });
  assert.deepEqual(runPlan(plan, huge), referenceResult(plan, huge));
});

test('approx_count_distinct of many addresses: the very sketch HyperLogLog.addAddress builds', () => {
  // Dense sketches are updated inline by the kernel; the result must equal the estimate of one
  // sketch fed every address through the library's own hashing, and be within 2 % of the truth.
  const plan = makePlan({ aggregates: [aggCall('approx_count_distinct', col('src_addr'), 'int8')] });
  const sketch = new HyperLogLog();
  const exact = new Set<string>();
  for (const job of jobs) {
    const addr = job.columns.src_addr as Uint8Array;
    sketch.addAddresses(addr, 0, job.rows);
    for (let i = 0; i < job.rows; i++) exact.add(addr.subarray(i * 16, i * 16 + 16).join('.'));
  }
  const [[got]] = runPlan(plan, jobs) as number[][];
  assert.equal(got, Math.round(sketch.estimate()));
  assert.ok(Math.abs(got! - exact.size) <= exact.size * 0.02, `${got} vs ${exact.size}`);
});

test('a worker running several jobs into one partial (group kernel) gives the reference answer', () => {
  const plan = makePlan({ groupBy: bySrc, aggregates });
  const spec = specFromPlan(plan, 'minute');
  const types = plan.output.map((o) => o.expr.type);
  const combined = structuredClone(jobGroupKernel.run(spec, jobs)) as Partial;
  const runs = combined.kind === 'parts' ? combined.partials : [combined as GroupsPartial];
  assert.ok(
    runs.every((r) => r.parts !== undefined),
    'many groups: hash-ordered runs of one state',
  );
  assert.deepEqual(
    sortedRows(mergePartials(plan, spec, [combined], types)),
    sortedRows(referenceResult(plan, jobs)),
  );
  // Jobs of ~38 000 groups each: the state's table spills whenever it holds SPILL_GROUPS groups,
  // and the spill runs come out (a key once per run it was in).
  const big = [wideJob(41, 40_000, 400_000), wideJob(42, 40_000, 400_000), wideJob(43, 40_000, 400_000)];
  const one = structuredClone(jobGroupKernel.run(spec, big)) as Partial;
  assert.equal(one.kind, 'parts');
  let entries = 0;
  for (const run of (one as PartsPartial).partials) entries += run.groups;
  const reference = referenceResult(plan, big);
  assert.ok(entries > reference.length, `${entries} entries for ${reference.length} keys`);
  assert.deepEqual(sortedRows(mergePartials(plan, spec, [one], types)), sortedRows(reference));
  // A spec that cannot spill (approx_count_distinct per group) is still cut into parts.
  const sketches = makePlan({
    groupBy: bySrc,
    aggregates: [aggCall('approx_count_distinct', col('l4_dst_port'), 'int8')],
  });
  const sketchSpec = specFromPlan(sketches, 'minute');
  const parts = structuredClone(jobGroupKernel.run(sketchSpec, big)) as {
    kind: string;
    partials?: unknown[];
  };
  assert.equal(parts.kind, 'parts');
  assert.equal(parts.partials!.length, 3);
  assert.deepEqual(
    sortedRows(
      mergePartials(
        sketches,
        sketchSpec,
        [parts],
        sketches.output.map((o) => o.expr.type),
      ),
    ),
    sortedRows(referenceResult(sketches, big)),
  );
});

test('partials combined into one (a repeated query’s memo hits) merge to the same answer', () => {
  const cases = [
    makePlan({ groupBy: bySrc, aggregates: [...aggregates, aggCall('min', col('in_pkts'), 'int8')] }),
    makePlan({
      groupBy: [col('protocol')],
      aggregates: [aggCall('approx_count_distinct', col('src_addr'), 'int8')],
    }),
    makePlan({
      aggregates: [count, sum(col('in_bytes')), aggCall('approx_count_distinct', col('src_addr'), 'int8')],
    }),
  ];
  for (const plan of cases) {
    const spec = specFromPlan(plan, 'minute');
    const types = plan.output.map((o) => o.expr.type);
    const partials = jobs.map((job) => structuredClone(runJobKernel(spec, job)));
    const combined = structuredClone(combinePartials(spec, partials));
    assert.ok(combined !== undefined);
    assert.deepEqual(
      sortedRows(mergePartials(plan, spec, [combined], types)),
      sortedRows(mergePartials(plan, spec, partials, types)),
    );
  }
  const textKey = specFromPlan(makePlan({ groupBy: [col('src_geo')], aggregates: [count] }), 'minute');
  assert.equal(combinePartials(textKey, [runJobKernel(textKey, jobs[0]!)]), undefined, 'text keys');
});
