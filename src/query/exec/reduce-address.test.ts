import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobColumns } from '../../store/backend.js';
import type { AggregateCall } from '../plan/plan.js';
import { ResultCollector } from './collect.js';
import { jobGroupKernel } from './kernel-entry.js';
import type { GroupsPartial } from './partial.js';
import { type ReduceTask, reducePartitions } from './reduce.js';
import { specFromPlan } from './spec.js';
import { toAddressDicts } from './test-address-dicts.js';
import { referenceResult } from './test-reference.js';
import { agg, asc, col, desc, key, makeJob, makePlan, prng, sortedRows } from './test-support.js';

/**
 * GROUP BY an address column through the workers' merge (reduce.ts): the fused merge of
 * four-word keys with one count or sum (merge-fused.ts) and every group of a midway merge written
 * back out by partition (reduce-all.ts) must give exactly the reference answer (test-reference.ts,
 * a row-by-row evaluation of the plan), with sums past 2^52 (high words) too.
 */

/** `rows` flows over `pool` addresses (a fifth IPv6), so that the partials hold thousands of groups. */
function addressJob(seed: number, rows: number, pool: number, hugeBytes?: number): JobColumns {
  const job = makeJob(seed, { rows, hugeBytes });
  const rnd = prng(seed * 31);
  const addr = job.columns.src_addr as Uint8Array;
  addr.fill(0);
  for (let i = 0; i < rows; i++) {
    const a = Math.floor(rnd() * pool);
    const o = i * 16;
    if (a % 5 === 0) {
      addr[o] = 0x20;
      addr[o + 1] = 0x01;
      addr[o + 13] = a >>> 16;
      addr[o + 14] = (a >>> 8) & 0xff;
      addr[o + 15] = a & 0xff;
    } else {
      addr[o + 10] = 0xff;
      addr[o + 11] = 0xff;
      addr[o + 12] = 10;
      addr[o + 13] = a >>> 16;
      addr[o + 14] = (a >>> 8) & 0xff;
      addr[o + 15] = a & 0xff;
    }
  }
  return job;
}

const sum: AggregateCall = { fn: 'sum', arg: col('in_bytes'), type: 'numeric' };
const count: AggregateCall = { fn: 'count', arg: undefined, type: 'int8' };

/** As the engine with workers: every partial held back, a midway reduce after `midway` units, a final one. */
async function reduced(plan: ReturnType<typeof makePlan>, units: readonly JobColumns[][], midway: number) {
  const spec = specFromPlan(plan, 'minute');
  const collector = new ResultCollector(plan, spec);
  assert.ok(collector.holdForReduce());
  let midwayGroups = 0;
  const run = (final: boolean) => async (tasks: readonly ReduceTask[]) => {
    const out = tasks.map((t) => structuredClone(reducePartitions(spec, structuredClone(t))));
    if (!final) for (const r of out as GroupsPartial[]) midwayGroups += r.kind === 'groups' ? r.groups : 0;
    return out;
  };
  let running: Promise<void> | undefined;
  units.forEach((list, i) => {
    collector.add(structuredClone(jobGroupKernel.run(spec, list)));
    if (i + 1 === midway) running = collector.reduce(run(false), false);
  });
  await running;
  await collector.reduce(run(true), true);
  return { midwayGroups, rows: collector.finish(plan.output.map((o) => o.expr.type)) };
}

const pool = 30_000;
const jobs = [1, 2, 3, 4].map((s) => addressJob(s, 20_000, pool));

for (const aggregate of [sum, count]) {
  test(`GROUP BY address, ${aggregate.fn}: a midway and a final reduce give the reference`, async () => {
    const plan = makePlan({ groupBy: [col('src_addr')], aggregates: [aggregate] });
    const { rows, midwayGroups } = await reduced(plan, [[jobs[0]!], [jobs[1]!], [jobs[2]!, jobs[3]!]], 2);
    // The midway merge returned every group of the first two jobs, each key once.
    const firstTwo = new Set(
      referenceResult(makePlan({ groupBy: [col('src_addr')], aggregates: [count] }), jobs.slice(0, 2)).map(
        (r) => String(r[0]),
      ),
    );
    assert.equal(midwayGroups, firstTwo.size);
    assert.deepEqual(sortedRows(rows), sortedRows(referenceResult(plan, jobs)));
  });
}

test('GROUP BY address, sums past 2^52: the high words survive the fused merge and the midway write-out', async () => {
  const huge = [5, 6, 7].map((s) => addressJob(s, 12_000, 3_000, 50));
  const plan = makePlan({
    groupBy: [col('src_addr')],
    aggregates: [sum],
    orderBy: [desc(agg(0, 'numeric')), asc(key(0, 'inet'))],
    limit: 20,
  });
  const { rows } = await reduced(plan, [[huge[0]!], [huge[1]!], [huge[2]!]], 2);
  assert.ok(
    rows.some((r) => typeof r[1] === 'bigint' || Number(r[1]) > 2 ** 53),
    'some sum past 2^53',
  );
  assert.deepEqual(rows, referenceResult(plan, huge));
});

test('address dictionaries (the dense kernel, a spill run per job) through a midway and a final reduce', async () => {
  const plan = makePlan({ groupBy: [col('src_addr')], aggregates: [sum] });
  const dicts = jobs.map((j, i) => toAddressDicts(j, ['src_addr'], i + 1));
  const { rows } = await reduced(plan, [[dicts[0]!], [dicts[1]!, dicts[2]!], [dicts[3]!]], 1);
  assert.deepEqual(sortedRows(rows), sortedRows(referenceResult(plan, jobs)));
});
