import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ScanJob } from '../../store/backend.js';
import { specsForJobs } from './job-specs.js';
import { call, col, lit, makePlan } from './test-support.js';

const M = 60_000;
const job = (bucket: number): ScanJob => ({
  tenant: 't',
  resolution: 'minute',
  bucket,
  deviceId: 1,
  rows: 1,
  sealed: true,
  dataId: String(bucket),
  location: undefined,
});
const jobs = [0, 1, 2, 3, 4, 5].map((m) => job(m * M));
const tcp = call('eq', 'bool', col('protocol'), lit(6, 'int2'));
const window = (from: number, to: number) =>
  makePlan({
    where: call(
      'and',
      'bool',
      call('ge', 'bool', col('i_start_time'), lit(from, 'timestamptz')),
      call('and', 'bool', tcp, call('gt', 'bool', lit(to, 'timestamptz'), col('i_start_time'))),
    ),
    aggregates: [{ fn: 'count', arg: undefined, type: 'int8' }],
  });

test('time conjuncts true for a whole job are dropped, false ones drop the job', () => {
  // i_start_time >= 1.5 min AND protocol = 6 AND 4 min > i_start_time
  const out = specsForJobs(window(1.5 * M, 4 * M), 'minute', jobs);
  const where = new Map(out.map((s) => [s.jobs.map((j) => j.bucket / M).join(','), s.spec.where]));
  assert.deepEqual([...where.keys()].sort(), ['1', '2,3'], 'minutes 0, 4 and 5 are not run');
  assert.deepEqual(where.get('2,3'), tcp, 'inside the window only protocol = 6 is left');
  assert.deepEqual(
    where.get('1'),
    call('and', 'bool', call('ge', 'bool', col('i_start_time'), lit(1.5 * M, 'timestamptz')), tcp),
  );
});

test('jobs strictly inside the window get the same spec whatever the window (memo-friendly)', () => {
  const a = specsForJobs(window(0.5 * M, 100 * M), 'minute', jobs);
  const b = specsForJobs(window(0.7 * M, 200 * M), 'minute', jobs);
  const inner = (out: typeof a) => out.find((s) => s.jobs.some((j) => j.bucket === 3 * M))!.spec;
  assert.equal(inner(a).key, inner(b).key);
  assert.deepEqual(inner(a).where, tcp);
});
