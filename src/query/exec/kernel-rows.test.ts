import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Expr } from '../plan/plan.js';
import { parseInet } from './inet.js';
import { kernelFor } from './kernel-entry.js';
import { specFromPlan } from './spec.js';
import { referenceResult } from './test-reference.js';
import { asc, call, col, desc, lit, makeJob, makePlan, runPlan, sortedRows } from './test-support.js';

const jobs = [makeJob(21, { rows: 2000 }), makeJob(22, { rows: 1500 }), makeJob(23, { rows: 0 })];
const output: Expr[] = [
  col('src_as'),
  col('src_geo'),
  col('src_addr'),
  call('host', 'text', col('src_addr')),
  call('network', 'cidr', call('set_masklen', 'inet', col('src_addr'), lit(20, 'int4'))),
  call('add', 'int8', col('in_pkts'), col('l4_dst_port')),
];

test('plain query: ORDER BY + LIMIT keeps the top rows of each job and merges them', () => {
  const plan = makePlan({
    output,
    where: call('like', 'bool', col('http_host'), lit('%example%', 'text')),
    // Unique order: in_bytes is random per row, the address breaks the rare ties.
    orderBy: [desc(col('in_bytes')), asc(col('src_addr'))],
    limit: 7,
    offset: 3,
  });
  assert.deepEqual(runPlan(plan, jobs), referenceResult(plan, jobs));
});

test('plain query: ORDER BY text (byte order) and inet, no LIMIT', () => {
  const plan = makePlan({
    output: [col('src_geo'), col('src_addr'), col('in_bytes')],
    where: call('contained_by', 'bool', col('src_addr'), lit(parseInet('10.0.0.0/8'), 'cidr')),
    orderBy: [asc(col('src_geo')), desc(col('src_addr')), asc(col('in_bytes'))],
  });
  assert.deepEqual(runPlan(plan, jobs), referenceResult(plan, jobs));
});

test('plain query without ORDER BY: LIMIT rows, each a row that matches', () => {
  const where = call('eq', 'bool', col('src_geo'), lit('DE', 'text'));
  const plan = makePlan({ output, where, limit: 25 });
  const got = sortedRows(runPlan(plan, jobs));
  const all = new Set(sortedRows(referenceResult(makePlan({ output, where }), jobs)));
  assert.equal(got.length, 25);
  for (const row of got) assert.ok(all.has(row), row);
});

test('plain query: every matching row when there is no LIMIT', () => {
  const plan = makePlan({ output, where: call('gt', 'bool', col('in_pkts'), lit(900, 'int8')) });
  assert.deepEqual(sortedRows(runPlan(plan, jobs)), sortedRows(referenceResult(plan, jobs)));
});

test('a job keeps at most offset + limit rows', () => {
  const plan = makePlan({ output, orderBy: [desc(col('in_bytes'))], limit: 5, offset: 2 });
  const spec = specFromPlan(plan, 'minute');
  const partial = kernelFor(spec).run(jobs[0]!);
  assert.equal(partial.kind === 'rows' ? partial.rows.length : -1, 7);
});

test('masklen of set_masklen/network per row reads the prefix length, not an unset temporary', () => {
  // set_masklen(src_addr, 20) has prefix length 20 on every row; network() keeps it.
  const plan = makePlan({
    output: [
      call('masklen', 'int4', call('set_masklen', 'inet', col('src_addr'), lit(20, 'int4'))),
      call(
        'masklen',
        'int4',
        call('network', 'cidr', call('set_masklen', 'inet', col('src_addr'), lit(12, 'int4'))),
      ),
    ],
    limit: 3,
  });
  assert.deepEqual(runPlan(plan, jobs), [
    [20, 12],
    [20, 12],
    [20, 12],
  ]);
});
