import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { AggregateCall, Expr } from '../plan/plan.js';
import { parseInet } from './inet.js';
import { referenceResult } from './test-reference.js';
import {
  agg,
  aggCall,
  asc,
  BASE_TIME,
  call,
  col,
  desc,
  key,
  lit,
  makeJob,
  makePlan,
  runPlan,
  sortedRows,
} from './test-support.js';

// Three jobs with different dictionaries (codes of the same string differ between jobs).
const jobs = [makeJob(1, { rows: 3000 }), makeJob(2, { rows: 2500 }), makeJob(3, { rows: 10 })];
const count: AggregateCall = { fn: 'count', arg: undefined, type: 'int8' };
const sum = (arg: Expr, filter?: Expr): AggregateCall => ({ fn: 'sum', arg, filter, type: 'numeric' });
const inet = (text: string) => lit(parseInet(text), 'cidr');
const whenTcp = (value: Expr): Expr =>
  call('case', value.type, call('eq', 'bool', col('protocol'), lit(6, 'int2')), value);
const geoIsUs = call('eq', 'bool', col('src_geo'), lit('US', 'text'));

const cases: [string, Parameters<typeof makePlan>[0]][] = [
  ['group by a u32 column, sum', { groupBy: [col('src_as')], aggregates: [sum(col('in_pkts')), count] }],
  [
    'the seed query shape: time filter, group, order by sum desc, limit',
    {
      where: call('ge', 'bool', col('i_start_time'), lit(BASE_TIME + 60 * 60_000, 'timestamptz')),
      groupBy: [col('src_as')],
      aggregates: [sum(col('in_pkts'))],
      orderBy: [desc(agg(0, 'numeric')), asc(key(0, 'int8'))],
      limit: 3,
    },
  ],
  [
    'group by text (dictionaries differ per job), string predicates',
    {
      where: call(
        'or',
        'bool',
        call('like', 'bool', col('http_host'), lit('%.example.com', 'text')),
        geoIsUs,
      ),
      groupBy: [col('src_geo'), col('http_host')],
      aggregates: [
        count,
        aggCall('min', col('l4_dst_port'), 'int4'),
        aggCall('max', col('in_bytes'), 'int8'),
      ],
    },
  ],
  [
    'group by address, inet containment, IN list',
    {
      where: call(
        'and',
        'bool',
        call(
          'or',
          'bool',
          call('contained_by', 'bool', col('src_addr'), inet('10.0.0.0/15')),
          call('contained_by_or_eq', 'bool', col('src_addr'), inet('2001::/16')),
        ),
        call('in', 'bool', col('protocol'), lit(6, 'int2'), lit(17, 'int2')),
      ),
      groupBy: [col('src_addr')],
      aggregates: [count, sum(col('in_bytes'))],
    },
  ],
  [
    'group by expressions: date_trunc, network(set_masklen), lower(text)',
    {
      groupBy: [
        call('date_trunc', 'timestamptz', lit('hour', 'text'), col('i_start_time')),
        call('network', 'cidr', call('set_masklen', 'inet', col('src_addr'), lit(24, 'int4'))),
        call('lower', 'text', col('src_geo')),
      ],
      aggregates: [count, aggCall('avg', col('in_pkts'), 'numeric')],
    },
  ],
  [
    'no GROUP BY: one group; FILTER; min/max of text and inet',
    {
      aggregates: [
        count,
        sum(col('in_pkts'), geoIsUs),
        { fn: 'count', arg: undefined, filter: geoIsUs, type: 'int8' },
        aggCall('min', col('http_host'), 'text'),
        aggCall('max', col('src_geo'), 'text'),
        aggCall('min', col('src_addr'), 'inet'),
        aggCall('max', col('src_addr'), 'inet'),
      ],
    },
  ],
  [
    'an aggregate over no rows gives one row: count 0, sum NULL',
    {
      where: call('eq', 'bool', col('protocol'), lit(99, 'int2')),
      aggregates: [
        count,
        sum(col('in_pkts')),
        aggCall('max', col('src_geo'), 'text'),
        aggCall('count_distinct', col('src_addr'), 'int8'),
      ],
    },
  ],
  [
    'GROUP BY over no rows gives no rows',
    {
      where: call('eq', 'bool', col('protocol'), lit(99, 'int2')),
      groupBy: [col('src_as')],
      aggregates: [count],
    },
  ],
  [
    'exact count(DISTINCT) of numbers, text and addresses; FILTER that matches nothing in some groups',
    {
      groupBy: [col('protocol')],
      aggregates: [
        aggCall('count_distinct', col('l4_dst_port'), 'int8'),
        aggCall('count_distinct', col('http_host'), 'int8'),
        aggCall('count_distinct', col('src_addr'), 'int8'),
        sum(col('in_pkts'), call('eq', 'bool', col('src_as'), lit(15169, 'int8'))),
      ],
    },
  ],
  [
    'percentile_cont, exact (PostgreSQL interpolation)',
    {
      groupBy: [col('src_geo')],
      aggregates: [
        { fn: 'percentile_cont', arg: col('appl_latency_ms'), fraction: 0.9, type: 'float8' },
        { fn: 'percentile_cont', arg: col('appl_latency_ms'), fraction: 0.5, type: 'float8' },
        { fn: 'percentile_cont', arg: col('l4_dst_port'), fraction: 0, type: 'float8' },
      ],
    },
  ],
  [
    'NULL-able per-row values: CASE without ELSE as aggregate argument and as condition',
    {
      where: call('case', 'bool', call('ne', 'bool', col('protocol'), lit(255, 'int2')), lit(true, 'bool')),
      groupBy: [col('src_geo')],
      aggregates: [
        aggCall('count', whenTcp(lit(1, 'int4')), 'int8'),
        sum(whenTcp(col('in_pkts'))),
        aggCall('count_distinct', whenTcp(col('http_host')), 'int8'),
        aggCall('count_distinct', whenTcp(col('l4_dst_port')), 'int8'),
        aggCall('count_distinct', whenTcp(col('src_addr')), 'int8'),
        aggCall('max', whenTcp(col('http_host')), 'text'),
        aggCall('min', whenTcp(col('src_addr')), 'inet'),
        aggCall('min', whenTcp(col('in_bytes')), 'int8'),
        { fn: 'percentile_cont', arg: whenTcp(col('appl_latency_ms')), fraction: 0.5, type: 'float8' },
      ],
    },
  ],
  [
    'HAVING, ORDER BY with NULLs first/last, OFFSET',
    {
      groupBy: [col('src_as')],
      aggregates: [count, sum(col('in_pkts'), geoIsUs)],
      having: call('gt', 'bool', agg(0, 'int8'), lit(50, 'int8')),
      output: [key(0, 'int8'), agg(1, 'numeric'), call('mul', 'int8', agg(0, 'int8'), lit(2, 'int8'))],
      orderBy: [asc(agg(1, 'numeric')), asc(key(0, 'int8'))],
      offset: 1,
      limit: 4,
    },
  ],
  [
    'ORDER BY text in byte order, inet in PostgreSQL order',
    {
      groupBy: [
        col('src_geo'),
        call('network', 'cidr', call('set_masklen', 'inet', col('src_addr'), lit(8, 'int4'))),
      ],
      aggregates: [count],
      orderBy: [desc(key(0, 'text')), asc(key(1, 'cidr'))],
    },
  ],
];

for (const [name, parts] of cases) {
  test(`aggregate kernel: ${name}`, () => {
    const plan = makePlan(parts);
    const got = runPlan(plan, jobs);
    const want = referenceResult(plan, jobs);
    if (plan.orderBy.length > 0) assert.deepEqual(got, want);
    else assert.deepEqual(sortedRows(got), sortedRows(want));
    assert.ok(want.length > 0 || name.includes('no rows'), 'the case selects something');
  });
}

test('sums stay exact past 2^53 (numeric as bigint), in one job and across jobs', () => {
  // Values near 2^52 overflow within a job; many small jobs of values near 2^50 overflow only when merged.
  const huge = [makeJob(7, { rows: 4000, hugeBytes: 52 }), makeJob(8, { rows: 3000, hugeBytes: 52 })];
  for (let seed = 20; seed < 60; seed++) huge.push(makeJob(seed, { rows: 3, hugeBytes: 50 }));
  const plan = makePlan({
    groupBy: [col('protocol')],
    aggregates: [sum(col('in_bytes')), aggCall('avg', col('in_bytes'), 'numeric')],
  });
  const got = runPlan(plan, huge);
  assert.deepEqual(sortedRows(got), sortedRows(referenceResult(plan, huge)));
  assert.ok(
    got.every((r) => typeof r[1] === 'bigint'),
    'sums of ~2^52 values are past 2^53',
  );
});

test('approx_count_distinct is within 2 % of the exact count', () => {
  const plan = makePlan({
    groupBy: [col('protocol')],
    aggregates: [
      aggCall('approx_count_distinct', col('l4_dst_port'), 'int8'),
      aggCall('approx_count_distinct', col('src_addr'), 'int8'),
      aggCall('approx_count_distinct', col('http_host'), 'int8'),
    ],
  });
  const got = sortedRows(runPlan(plan, jobs)).map((r) => JSON.parse(r) as number[]);
  const want = sortedRows(referenceResult(plan, jobs)).map((r) => JSON.parse(r) as number[]);
  assert.equal(got.length, want.length);
  got.forEach((row, i) => {
    for (let j = 1; j < row.length; j++) {
      const exact = want[i]![j]!;
      assert.ok(
        Math.abs(row[j]! - exact) <= Math.max(1, exact * 0.02),
        `estimate ${row[j]} vs exact ${exact}`,
      );
    }
  });
});

test('percentile_cont past the exact limit: a 1 % relative-accuracy sketch', () => {
  // 60 000 distinct latencies in one group: the histogram turns into a DDSketch.
  const wide = [
    makeJob(11, { rows: 40_000, latencies: 1_000_000 }),
    makeJob(12, { rows: 40_000, latencies: 1_000_000 }),
  ];
  const plan = makePlan({
    aggregates: [0.5, 0.9, 0.99].map((fraction) => ({
      fn: 'percentile_cont' as const,
      arg: col('appl_latency_ms'),
      fraction,
      type: 'float8' as const,
    })),
  });
  const [got] = runPlan(plan, wide) as number[][];
  const [want] = referenceResult(plan, wide) as number[][];
  got!.forEach((v, i) => {
    assert.ok(Math.abs(v - want![i]!) <= want![i]! * 0.0101, `p: ${v} vs ${want![i]}`);
  });
});
