import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { JobColumns } from '../../store/backend.js';
import { QueryError } from '../errors.js';
import { dictFormOf, readOptionsOf } from './address-dicts.js';
import { mergePartials } from './collect.js';
import { parseInet } from './inet.js';
import { jobGroupKernel, runJobKernel } from './kernel-entry.js';
import { specFromPlan } from './spec.js';
import { toAddressDicts, withDst } from './test-address-dicts.js';
import { assertFormsMatchReference, referenceResult } from './test-reference.js';
import {
  agg,
  aggCall,
  asc,
  call,
  col,
  desc,
  lit,
  makeJob,
  makePlan,
  prng,
  runPlan,
  sortedRows,
} from './test-support.js';

/**
 * Kernels over address columns in dictionary form (address-dicts.ts): every query must give the
 * brute-force reference's answer over the same rows, whether the jobs hold their address columns
 * as dictionaries, as rows, or some of each — and approx_count_distinct exactly the sketch of the
 * rows form (registers depend only on the set of values added: docs/hll.md).
 */

const rowJobs = [makeJob(1, { rows: 3000 }), makeJob(2, { rows: 2500 }), makeJob(3, { rows: 10 })].map(
  withDst,
);
const dictJobs = rowJobs.map((j, k) => toAddressDicts(j, ['src_addr', 'dst_addr'], 100 + k, k === 1));
const mixedJobs = [dictJobs[0]!, rowJobs[1]!, toAddressDicts(rowJobs[2]!, ['src_addr'], 7)];

const count = aggCall('count', undefined, 'int8');
const inet = (text: string) => lit(parseInet(text), 'cidr');
const src = col('src_addr');
const within = (net: string) => call('contained_by', 'bool', src, inet(net));
const tcp = call('eq', 'bool', col('protocol'), lit(6, 'int2'));

const cases: [string, Parameters<typeof makePlan>[0]][] = [
  [
    'GROUP BY the address: sums, count, avg, min/max, FILTER (per-entry state)',
    {
      groupBy: [src],
      aggregates: [
        aggCall('sum', col('in_bytes'), 'numeric'),
        count,
        aggCall('avg', col('in_pkts'), 'numeric'),
        aggCall('min', col('in_pkts'), 'int8'),
        aggCall('max', col('l4_dst_port'), 'int4'),
        aggCall('sum', col('in_pkts'), 'numeric', tcp),
      ],
    },
  ],
  [
    'GROUP BY the address under WHERE on it and on another column, ORDER BY, LIMIT',
    {
      where: call('and', 'bool', call('or', 'bool', within('10.0.0.0/15'), within('2001::/16')), tcp),
      groupBy: [src],
      aggregates: [aggCall('sum', col('in_bytes'), 'numeric')],
      orderBy: [desc(agg(0, 'numeric')), asc({ kind: 'key', index: 0, type: 'inet' })],
      limit: 5,
    },
  ],
  [
    'GROUP BY the address with aggregates that do not spill, and the address with another key',
    {
      groupBy: [src, col('protocol')],
      aggregates: [
        aggCall('count_distinct', col('http_host'), 'int8'),
        aggCall('count_distinct', col('dst_addr'), 'int8'),
      ],
    },
  ],
  [
    'GROUP BY the address, exact distinct count of the other address',
    { groupBy: [src], aggregates: [aggCall('count_distinct', col('dst_addr'), 'int8'), count] },
  ],
  [
    'no GROUP BY: exact distinct count of addresses, with WHERE and FILTER; min/max of an address',
    {
      where: call('ne', 'bool', col('protocol'), lit(1, 'int2')),
      aggregates: [
        aggCall('count_distinct', src, 'int8'),
        aggCall('count_distinct', src, 'int8', tcp),
        aggCall('count_distinct', col('dst_addr'), 'int8', within('192.0.0.0/8')),
        aggCall('min', src, 'inet'),
        aggCall('max', col('dst_addr'), 'inet'),
      ],
    },
  ],
  [
    'GROUP BY a number: distinct count of an address per group',
    { groupBy: [col('protocol')], aggregates: [aggCall('count_distinct', src, 'int8')] },
  ],
  [
    'address predicates: =, <>, IN, NOT <<, <<=, host() LIKE, both addresses',
    {
      where: call(
        'or',
        'bool',
        call('eq', 'bool', src, inet('10.1.1.3')),
        call('in', 'bool', col('dst_addr'), inet('192.0.1.2'), inet('2001::3'), inet('8.2.1.0')),
        call('and', 'bool', call('not', 'bool', within('10.0.0.0/8')), call('ne', 'bool', src, inet('::'))),
        call('contained_by', 'bool', col('dst_addr'), inet('8.0.0.0/8')),
        call('contained_by_or_eq', 'bool', col('dst_addr'), inet('2001::/120')),
        call('like', 'bool', call('host', 'text', src), lit('192.%.3', 'text')),
        call('like', 'bool', call('host', 'text', col('dst_addr')), lit('2001:%', 'text')),
      ),
      groupBy: [col('protocol')],
      aggregates: [count, aggCall('sum', col('in_bytes'), 'numeric')],
    },
  ],
  [
    'GROUP BY an expression of the address (network of set_masklen)',
    {
      groupBy: [call('network', 'cidr', call('set_masklen', 'inet', src, lit(24, 'int4')))],
      aggregates: [count],
    },
  ],
  [
    'plain rows: addresses out, WHERE on them, ORDER BY an address, LIMIT',
    {
      where: call('or', 'bool', within('10.0.0.0/8'), within('2001::/16')),
      output: [src, col('dst_addr'), col('in_bytes')],
      orderBy: [asc(col('dst_addr')), desc(col('in_bytes')), asc(src)],
      limit: 7,
      aggregate: false,
    },
  ],
];

for (const [name, parts] of cases) {
  test(`address dictionaries: ${name}`, () => {
    assertFormsMatchReference(makePlan(parts), rowJobs, [
      ['dict', dictJobs],
      ['mixed', mixedJobs],
    ]);
  });
}

test('the jobs hold their addresses in the forms the cases mean', () => {
  const names = ['dst_addr', 'src_addr'];
  assert.deepEqual(
    [...dictJobs, ...mixedJobs].map((j) => dictFormOf(j, names)),
    ['dict', 'dict', 'dict', 'dict', 'rows', 'mixed'],
  );
  const spec = specFromPlan(
    makePlan({ groupBy: [src], aggregates: [aggCall('count_distinct', col('dst_addr'), 'int8')] }),
    'minute',
  );
  assert.deepEqual(readOptionsOf(spec).addressDicts, names);
  const plain = specFromPlan(makePlan({ groupBy: [col('protocol')], aggregates: [count] }), 'minute');
  assert.equal(readOptionsOf(plain).addressDicts, undefined);
});

test('approx_count_distinct over dictionaries is the rows form sketch, and near the exact count', () => {
  for (const parts of [
    { aggregates: [aggCall('approx_count_distinct', src, 'int8')] },
    {
      aggregates: [
        aggCall('approx_count_distinct', src, 'int8'),
        aggCall('approx_count_distinct', col('dst_addr'), 'int8', tcp),
      ],
    },
    { where: within('10.0.0.0/8'), aggregates: [aggCall('approx_count_distinct', src, 'int8')] },
    { groupBy: [col('protocol')], aggregates: [aggCall('approx_count_distinct', src, 'int8')] },
    { groupBy: [src], aggregates: [aggCall('approx_count_distinct', col('dst_addr'), 'int8')] },
  ]) {
    const plan = makePlan(parts);
    const exact = makePlan({
      ...parts,
      aggregates: parts.aggregates.map((a) => ({ ...a, fn: 'count_distinct' as const })),
    });
    const rowsForm = sortedRows(runPlan(plan, rowJobs));
    assert.deepEqual(sortedRows(runPlan(plan, dictJobs)), rowsForm, JSON.stringify(parts));
    assert.deepEqual(sortedRows(runPlan(plan, mixedJobs)), rowsForm);
    const want = sortedRows(referenceResult(exact, rowJobs)).map((r) => JSON.parse(r) as unknown[]);
    const got = rowsForm.map((r) => JSON.parse(r) as unknown[]);
    assert.equal(got.length, want.length);
    got.forEach((row, i) => {
      row.forEach((v, k) => {
        const exactValue = want[i]![k];
        if (typeof v !== 'number') assert.deepEqual(v, exactValue);
        else
          assert.ok(
            Math.abs(v - Number(exactValue)) <= Math.max(1, Number(exactValue) * 0.02),
            `${v} vs ${exactValue}`,
          );
      });
    });
  }
});

/** Jobs of `pool` distinct source addresses (more than a spilling table holds). */
function manySources(seed: number, rows: number, pool: number): JobColumns {
  const job = makeJob(seed, { rows });
  const rnd = prng(seed * 17);
  const addr = job.columns.src_addr as Uint8Array;
  addr.fill(0);
  for (let i = 0; i < rows; i++) {
    const id = Math.floor(rnd() * pool);
    addr[i * 16 + 10] = 0xff;
    addr[i * 16 + 11] = 0xff;
    addr[i * 16 + 13] = id >>> 16;
    addr[i * 16 + 14] = (id >>> 8) & 0xff;
    addr[i * 16 + 15] = id & 0xff;
  }
  return job;
}

test('several jobs of either form into one kernel state (spilled rows and per-entry runs), sums past 2^53', () => {
  const rows = [0, 1, 2, 3].map((s) => {
    const job = manySources(60 + s, 20_000, 30_000);
    if (s !== 2) return job;
    const big = makeJob(60 + s, { rows: 20_000, hugeBytes: 52 });
    return { ...job, columns: { ...job.columns, in_bytes: big.columns.in_bytes! } };
  });
  const jobs = rows.map((j, s) => (s % 2 === 0 ? toAddressDicts(j, ['src_addr'], s) : j));
  for (const parts of [
    { groupBy: [src], aggregates: [aggCall('sum', col('in_bytes'), 'numeric'), count] },
    { groupBy: [src], aggregates: [aggCall('approx_count_distinct', col('l4_dst_port'), 'int8')] },
  ]) {
    const plan = makePlan({
      ...parts,
      orderBy: [desc(agg(0, 'numeric')), asc({ kind: 'key', index: 0, type: 'inet' })],
      limit: 30,
    });
    const spec = specFromPlan(plan, 'minute');
    const types = plan.output.map((o) => o.expr.type);
    const partial = structuredClone(jobGroupKernel.run(spec, jobs));
    const want =
      plan.aggregates[0]!.fn === 'sum'
        ? referenceResult(plan, rows)
        : mergePartials(
            plan,
            spec,
            rows.map((j) => structuredClone(runJobKernel(spec, j))),
            types,
          );
    assert.deepEqual(mergePartials(plan, spec, [partial], types), want);
  }
});

test('a kernel that throws in a job leaves nothing behind for the next job', () => {
  // in_bytes / (protocol - 6) divides by zero on a TCP row: the per-entry state is then half-built.
  const plan = makePlan({
    groupBy: [src],
    aggregates: [
      aggCall(
        'sum',
        call('div', 'int8', col('in_bytes'), call('add', 'int8', col('protocol'), lit(-6, 'int8'))),
        'numeric',
      ),
    ],
  });
  const spec = specFromPlan(plan, 'minute');
  assert.throws(
    () => runJobKernel(spec, dictJobs[0]!),
    (err: unknown) => err instanceof QueryError && err.code === '22012',
  );
  const noTcp = makeJob(4, { rows: 2000 });
  (noTcp.columns.protocol as Uint8Array).forEach((p, i, a) => {
    if (p === 6) a[i] = 17;
  });
  const job = withDst(noTcp);
  const got = runPlan(plan, [toAddressDicts(job, ['src_addr', 'dst_addr'], 9)]);
  assert.deepEqual(sortedRows(got), sortedRows(referenceResult(plan, [job])));
});

test('a per-entry condition raises its error only where a row reaches it', () => {
  // set_masklen(src_addr, 40) fails for IPv4 addresses; behind protocol = 99 no row reaches it.
  const failing = call(
    'contained_by',
    'bool',
    call('set_masklen', 'inet', src, lit(40, 'int4')),
    inet('::/0'),
  );
  const unreached = makePlan({
    where: call('and', 'bool', call('eq', 'bool', col('protocol'), lit(99, 'int2')), failing),
    aggregates: [count],
  });
  assert.deepEqual(runPlan(unreached, dictJobs), referenceResult(unreached, rowJobs));
  const reached = makePlan({ where: failing, aggregates: [count] });
  assert.throws(
    () => runPlan(reached, dictJobs),
    (err: unknown) => err instanceof QueryError && err.code === '22023',
  );
});
