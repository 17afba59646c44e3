import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobColumns } from '../../store/backend.js';
import type { AggregateCall } from '../plan/plan.js';
import { ResultCollector } from './collect.js';
import { PARTITIONS } from './group-table.js';
import { jobGroupKernel, runJobKernel } from './kernel-entry.js';
import type { GroupsPartial, PartsPartial } from './partial.js';
import { type ReduceTask, reducePartitions, reduceTasks } from './reduce.js';
import { specFromPlan } from './spec.js';
import { referenceResult } from './test-reference.js';
import { agg, asc, call, col, desc, key, lit, makeJob, makePlan, prng, sortedRows } from './test-support.js';

/**
 * The workers' share of the merge (reduce.ts): reduce tasks over partition ranges of spilled
 * partials, each returning its partitions' groups (or only their top ones under ORDER BY … LIMIT),
 * must add up to exactly the reference answer.
 */

function wide(seed: number, rows: number, pool: number): JobColumns {
  const job = makeJob(seed, { rows });
  const rnd = prng(seed * 13);
  const as = job.columns.src_as as Uint32Array;
  for (let i = 0; i < rows; i++) as[i] = Math.floor(rnd() * pool) * 7919;
  return job;
}

const jobs = [
  wide(1, 25_000, 40_000),
  wide(2, 25_000, 40_000),
  wide(3, 25_000, 40_000),
  wide(4, 300, 40_000),
];
const sum: AggregateCall = { fn: 'sum', arg: col('in_bytes'), type: 'numeric' };
const count: AggregateCall = { fn: 'count', arg: undefined, type: 'int8' };

/**
 * The plan answered as the engine does with workers: every partial held back by the collector,
 * then merged by reduce tasks (run here, on copies as a worker would get them) — `midway` after
 * the first `midway` parts as well — then finished by the coordinator.
 */
async function reduced(plan: ReturnType<typeof makePlan>, parts: readonly JobColumns[][], midway = 0) {
  const spec = specFromPlan(plan, 'minute');
  const collector = new ResultCollector(plan, spec);
  assert.ok(collector.holdForReduce());
  const results: unknown[] = [];
  const run = async (tasks: readonly ReduceTask[]) => {
    assert.equal(tasks[0]!.from, 0);
    assert.equal(tasks.at(-1)!.to, PARTITIONS);
    for (let i = 1; i < tasks.length; i++) assert.equal(tasks[i]!.from, tasks[i - 1]!.to, 'ranges tile');
    const out = tasks.map((t) => structuredClone(reducePartitions(spec, structuredClone(t))));
    results.push(...out);
    return out;
  };
  let running: Promise<void> | undefined;
  parts.forEach((list, i) => {
    collector.add(structuredClone(jobGroupKernel.run(spec, list)));
    if (i + 1 === midway) running = collector.reduce(run, false);
  });
  await running;
  await collector.reduce(run, true);
  return { results, rows: collector.finish(plan.output.map((o) => o.expr.type)) };
}

test('every group: the reduce tasks add up to the reference', async () => {
  const plan = makePlan({ groupBy: [col('src_as')], aggregates: [sum, count] });
  const { rows } = await reduced(plan, [
    [jobs[0]!, jobs[1]!],
    [jobs[2]!, jobs[3]!],
  ]);
  assert.deepEqual(sortedRows(rows), sortedRows(referenceResult(plan, jobs)));
});

test('ORDER BY … LIMIT: only each partition’s top groups come back, and the page is exact', async () => {
  const plan = makePlan({
    groupBy: [col('src_as')],
    aggregates: [sum, count],
    orderBy: [desc(agg(0, 'numeric')), asc(key(0, 'int8'))],
    limit: 10,
  });
  const { results, rows } = await reduced(plan, [[jobs[0]!], [jobs[1]!], [jobs[2]!, jobs[3]!]], 1);
  let returned = 0;
  // The final merge's answers (the midway merge returns every group of its partials).
  for (const r of results as (PartsPartial | GroupsPartial)[])
    if (r.kind === 'parts') for (const p of r.partials) returned += p.groups;
  assert.ok(returned <= PARTITIONS * 10, `${returned} groups came back`);
  assert.deepEqual(rows, referenceResult(plan, jobs));
});

test('HAVING and OFFSET with the top groups of each partition', async () => {
  const plan = makePlan({
    groupBy: [col('src_as')],
    aggregates: [sum, count],
    having: call('gt', 'bool', agg(1, 'int8'), lit(1, 'int8')),
    orderBy: [desc(agg(1, 'int8')), desc(agg(0, 'numeric')), asc(key(0, 'int8'))],
    limit: 7,
    offset: 5,
  });
  const { rows } = await reduced(plan, [[jobs[0]!, jobs[1]!, jobs[2]!], [jobs[3]!]]);
  assert.deepEqual(rows, referenceResult(plan, jobs));
});

test('partials not in shared memory are left to the coordinator', () => {
  const plan = makePlan({ groupBy: [col('src_as')], aggregates: [sum] });
  const spec = specFromPlan(plan, 'minute');
  const spilled = runJobKernel(spec, jobs[0]!) as PartsPartial;
  const partial = spilled.partials[0]!;
  const copy = (a: Int32Array | Float64Array | Uint32Array) => a.slice();
  const plain: GroupsPartial = {
    ...partial,
    keys: copy(partial.keys) as Int32Array,
    aggs: partial.aggs.map((a) => (a.kind === 'sum' ? { ...a, lo: copy(a.lo) as Float64Array } : a)),
  };
  assert.ok(reduceTasks([partial], undefined) !== undefined);
  assert.equal(reduceTasks([partial, plain], undefined), undefined);
});

test('a key also in partials of few groups is merged whole before its partition’s top is taken', async () => {
  // One key of the wide jobs gets most of its bytes from a small job (a partial not by partition).
  const as = jobs[0]!.columns.src_as as Uint32Array;
  const small = makeJob(9, { rows: 300 });
  (small.columns.src_as as Uint32Array).fill(as[0]!);
  (small.columns.in_bytes as Float64Array).fill(1e6);
  const plan = makePlan({
    groupBy: [col('src_as')],
    aggregates: [sum, count],
    orderBy: [desc(agg(0, 'numeric')), asc(key(0, 'int8'))],
    limit: 3,
  });
  const all = [...jobs, small];
  const { rows } = await reduced(plan, [[small], [jobs[0]!, jobs[1]!], [jobs[2]!], [jobs[3]!]], 2);
  assert.equal(String(rows[0]![0]), String(as[0]));
  assert.deepEqual(rows, referenceResult(plan, all));
});
