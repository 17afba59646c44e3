import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobColumns } from '../../store/backend.js';
import { QueryError } from '../errors.js';
import { readOptionsOf } from './address-dicts.js';
import { mergePartials } from './collect.js';
import { jobGroupKernel } from './kernel-entry.js';
import { codedFormOf, indexGroupKey, keyedFormOf } from './keyed-columns.js';
import type { GroupsPartial, Partial } from './partial.js';
import { specFromPlan } from './spec.js';
import { toAddressDicts, withDst } from './test-address-dicts.js';
import { asOfAddress, toCoded, toKeyed } from './test-keyed.js';
import { assertFormsMatchReference, referenceResult } from './test-reference.js';
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
 * Kernels over numeric columns in keyed form (keyed-columns.ts): every query must give the
 * brute-force reference's answer over the same rows, whether the jobs hold src_as keyed by their
 * address dictionary, keyed by a table of their own, either coded into its distinct values, as
 * rows, or some jobs each way.
 */

const rowJobs = [makeJob(21, { rows: 3000 }), makeJob(22, { rows: 2500 }), makeJob(23, { rows: 10 })]
  .map(withDst)
  .map((j) => asOfAddress(j));
const byDict = rowJobs.map((j, k) =>
  toKeyed(toAddressDicts(j, ['src_addr', 'dst_addr'], 200 + k), ['src_as'], k),
);
const ownTable = rowJobs.map((j, k) => toKeyed(j, ['src_as'], 40 + k));
const mixed = [byDict[0]!, rowJobs[1]!, toAddressDicts(ownTable[2]!, ['src_addr'], 5)];
// Tables coded into their distinct values (the store's form of an AS table), beside the others.
const coded = [toCoded(byDict[0]!, 1), toCoded(ownTable[1]!, 2), byDict[2]!];

const count = aggCall('count', undefined, 'int8');
const as = col('src_as');
const tcp = call('eq', 'bool', col('protocol'), lit(6, 'int2'));
const asIn = call('in', 'bool', as, ...[15169, 13335, 4_200_000_000, 104, 105].map((v) => lit(v, 'int8')));

const cases: [string, Parameters<typeof makePlan>[0]][] = [
  [
    'GROUP BY src_as: sums, count, avg, min/max, FILTER (spilling aggregates)',
    {
      groupBy: [as],
      aggregates: [
        aggCall('sum', col('in_bytes'), 'numeric'),
        count,
        aggCall('avg', col('in_pkts'), 'numeric'),
        aggCall('min', col('in_pkts'), 'int8'),
        aggCall('max', col('l4_dst_port'), 'int4'),
        aggCall('sum', col('in_pkts'), 'numeric', tcp),
      ],
      orderBy: [desc(agg(0, 'numeric'))],
      limit: 4,
    },
  ],
  [
    'GROUP BY src_as with aggregates that do not spill',
    {
      groupBy: [as],
      aggregates: [
        aggCall('count_distinct', col('l4_dst_port'), 'int8'),
        aggCall('count_distinct', col('src_addr'), 'int8', tcp),
        aggCall('min', col('src_geo'), 'text'),
      ],
    },
  ],
  [
    'WHERE src_as IN (…) (per index), sums, min, max and avg of src_as, GROUP BY protocol',
    {
      where: call('and', 'bool', asIn, call('ne', 'bool', col('protocol'), lit(1, 'int2'))),
      groupBy: [col('protocol')],
      aggregates: [
        aggCall('sum', col('in_bytes'), 'numeric'),
        aggCall('sum', as, 'numeric'),
        aggCall('min', as, 'int8'),
        aggCall('max', as, 'int8'),
        aggCall('avg', as, 'numeric', call('not', 'bool', asIn)),
      ],
    },
  ],
  [
    'WHERE on plain comparisons of src_as, GROUP BY an expression of src_as',
    {
      where: call(
        'or',
        'bool',
        call('eq', 'bool', as, lit(15169, 'int8')),
        call('gt', 'bool', as, lit(100, 'int8')),
      ),
      groupBy: [call('div', 'int8', as, lit(1000, 'int8'))],
      aggregates: [count, aggCall('sum', col('in_pkts'), 'numeric')],
      orderBy: [asc(key(0, 'int8'))],
    },
  ],
  [
    'GROUP BY src_as and another key; distinct counts of src_as',
    {
      groupBy: [as, col('protocol')],
      aggregates: [count, aggCall('count_distinct', as, 'int8', tcp)],
    },
  ],
  [
    'no GROUP BY: distinct count of src_as, sums',
    {
      aggregates: [aggCall('count_distinct', as, 'int8'), aggCall('sum', as, 'numeric'), count],
    },
  ],
];

const forms: [string, JobColumns[]][] = [
  ['keyed by the address dictionary', byDict],
  ['keyed by its own table', ownTable],
  ['mixed', mixed],
  ['coded tables, mixed with a plain one', coded],
];

for (const [name, parts] of cases) {
  test(`keyed columns: ${name}`, () => assertFormsMatchReference(makePlan(parts), rowJobs, forms));
}

test('the jobs hold src_as in the forms the cases mean; specs ask for integer columns keyed', () => {
  assert.deepEqual(
    [...byDict, ...ownTable, ...mixed].map((j) => keyedFormOf(j, ['src_as']).length),
    [1, 1, 1, 1, 1, 1, 1, 0, 1],
  );
  const spec = specFromPlan(
    makePlan({ groupBy: [as], aggregates: [aggCall('sum', col('in_bytes'), 'numeric')] }),
    'minute',
  );
  assert.deepEqual(readOptionsOf(spec).keyed, ['src_as']);
  assert.equal(readOptionsOf(spec).keyedCodes, true);
  assert.deepEqual(
    coded.map((j) => codedFormOf(j, ['src_as']).length),
    [1, 1, 0],
  );
  // Coded tables of a few values are grouped by code.
  assert.deepEqual(
    coded.map((j) => indexGroupKey(spec, j, ['src_as'])),
    ['src_as', 'src_as', undefined],
  );
  // Tables of a few entries for thousands of rows are grouped by index; the 10-row job's by value.
  assert.deepEqual(
    byDict.map((j) => indexGroupKey(spec, j, ['src_as'])),
    ['src_as', 'src_as', undefined],
  );
  const rows = specFromPlan(makePlan({ output: [as], aggregate: false }), 'minute');
  assert.equal(readOptionsOf(rows).keyed, undefined);
});

test('approx_count_distinct of a keyed column is the rows form sketch', () => {
  for (const parts of [
    { aggregates: [aggCall('approx_count_distinct', as, 'int8')] },
    { groupBy: [col('protocol')], aggregates: [aggCall('approx_count_distinct', as, 'int8', tcp)] },
  ]) {
    const plan = makePlan(parts);
    const rowsForm = sortedRows(runPlan(plan, rowJobs));
    for (const [form, jobs] of forms) assert.deepEqual(sortedRows(runPlan(plan, jobs)), rowsForm, form);
  }
});

test('GROUP BY a keyed column of more groups than a spilling table holds, several jobs into one state', () => {
  // Job 0: 90 000 rows over 10 000 AS numbers (grouped by table index, its table spilling mid-job);
  // job 1: 20 000 rows over 30 000 (grouped by value); job 2 as rows.
  const rows = [0, 1, 2].map((s) => {
    const job = makeJob(70 + s, { rows: s === 0 ? 90_000 : 20_000, hugeBytes: s === 1 ? 52 : undefined });
    const rnd = prng(s + 5);
    const pool = s === 0 ? 10_000 : 30_000;
    const as = Uint32Array.from({ length: job.rows }, () => Math.floor(rnd() * pool));
    return { ...job, columns: { ...job.columns, src_as: as } };
  });
  const jobs = rows.map((j, s) => (s === 2 ? j : toKeyed(j, ['src_as'], s)));
  jobs[0] = toCoded(jobs[0]!, 9);
  const plan = makePlan({
    groupBy: [as],
    aggregates: [aggCall('sum', col('in_bytes'), 'numeric'), count],
    orderBy: [desc(agg(0, 'numeric')), asc(key(0, 'int8'))],
    limit: 30,
  });
  const spec = specFromPlan(plan, 'minute');
  assert.deepEqual(
    jobs.map((j) => indexGroupKey(spec, j, ['src_as'])),
    ['src_as', undefined, undefined],
  );
  const types = plan.output.map((o) => o.expr.type);
  const want = referenceResult(plan, rows);
  assert.deepEqual(runPlan(plan, jobs), want, 'a partial per job');
  const partial = structuredClone(jobGroupKernel.run(spec, jobs));
  assert.deepEqual(mergePartials(plan, spec, [partial], types), want, 'one state for all');
  // Groups of the coded job (dense runs) carry the hash a one-word key has in every kernel table
  // (group-table.ts hashSource: the key times the golden ratio), so hash partitions agree.
  const runs =
    (partial as Partial).kind === 'parts' ? (partial as { partials: GroupsPartial[] }).partials : [];
  assert.ok(runs.length > 1);
  for (const run of runs)
    for (let g = 0; g < run.groups; g++)
      assert.equal(run.hashes![g], Math.imul(run.keys[g]!, -1640531535) | 0);
});

test('a per-index condition raises its error only where a row reaches it', () => {
  // 100 / (src_as + -15169) divides by zero for AS 15169; behind protocol = 99 no row reaches it.
  const failing = call(
    'in',
    'bool',
    call('div', 'int8', lit(100, 'int8'), call('add', 'int8', as, lit(-15169, 'int8'))),
    lit(0, 'int8'),
    lit(1, 'int8'),
  );
  const unreached = makePlan({
    where: call('and', 'bool', call('eq', 'bool', col('protocol'), lit(99, 'int2')), failing),
    aggregates: [count],
  });
  assert.deepEqual(runPlan(unreached, byDict), referenceResult(unreached, rowJobs));
  const reached = makePlan({ where: failing, aggregates: [count] });
  assert.throws(
    () => runPlan(reached, ownTable),
    (err: unknown) => err instanceof QueryError && err.code === '22012',
  );
});
