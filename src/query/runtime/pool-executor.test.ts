import assert from 'node:assert/strict';
import { type TestContext, test } from 'node:test';
import { ManualClock } from '../../../test/helpers/manual-clock.js';
import {
  type TestPartial,
  runJobKernel as testKernel,
  testKernelModule,
  testSpec,
} from '../../../test/helpers/test-kernel.js';
import type { JobColumns, ScanJob, StorageBackend } from '../../store/backend.js';
import { QueryError } from '../errors.js';
import type { JobPartial } from '../exec/job-contract.js';
import type { JobTask } from './job-task.js';
import { JobMemo } from './memo.js';
import { PoolExecutor } from './pool-executor.js';
import { QueryLimits } from './query-limits.js';
import { WorkerPool } from './worker-pool.js';

/** A backend whose jobs hold `rows` values bucket, bucket + 1, … in column `v`, read on this thread. */
class FakeBackend implements Pick<StorageBackend, 'read'> {
  readonly reads: JobColumns[] = [];
  async read(job: ScanJob, columns: readonly string[]): Promise<JobColumns> {
    const out: Record<string, Float64Array> = {};
    for (const name of columns) out[name] = Float64Array.from({ length: job.rows }, (_, i) => job.bucket + i);
    const read = { rows: job.rows, columns: out, dicts: {} };
    this.reads.push(read);
    return read;
  }
}

function job(bucket: number, rows: number, dataId?: string): ScanJob {
  return {
    tenant: 't',
    resolution: 'minute',
    bucket,
    deviceId: 1,
    rows,
    sealed: false,
    dataId,
    location: {},
  };
}

/** Σ (bucket + i) for i < rows, by the arithmetic series formula. */
const expectedSum = (bucket: number, rows: number) => rows * bucket + (rows * (rows - 1)) / 2;

function setup(t: TestContext, options: { mainThreadRows?: number; size?: number } = {}) {
  const pool = new WorkerPool<JobTask, JobPartial>({
    script: new URL('./job-worker.js', import.meta.url),
    size: options.size ?? 1,
    workerData: { kernelModule: testKernelModule },
  });
  t.after(() => pool.stop());
  const backend = new FakeBackend();
  const memo = new JobMemo(1 << 20);
  const executor = new PoolExecutor({
    backend: backend as unknown as StorageBackend,
    pool,
    memo,
    runKernel: testKernel,
    mainThreadRows: options.mainThreadRows,
  });
  return { pool, backend, memo, executor };
}

async function collect(executor: PoolExecutor, jobs: ScanJob[], spec = testSpec('sum-v', ['v'])) {
  const got = new Map<number, number>();
  const stats = await executor.execute(spec, jobs, {
    tenant: 't',
    onPartial: (partial, j) => {
      assert.equal(got.has(j.bucket), false, 'one partial per job');
      got.set(j.bucket, (partial as TestPartial).sums[0]!);
    },
  });
  return { got, stats };
}

test('open jobs: small ones run on the main thread, larger ones are posted with their columns moved', async (t) => {
  const { pool, backend, executor } = setup(t, { mainThreadRows: 100 });
  const jobs = [job(0, 50), job(1000, 500), job(2000, 100), job(3000, 1000)];
  const { got, stats } = await collect(executor, jobs);
  for (const j of jobs) assert.equal(got.get(j.bucket), expectedSum(j.bucket, j.rows));
  assert.deepEqual(stats, { jobs: 4, memoHits: 0, rowsScanned: 1650 });
  assert.equal(pool.jobsRun, 2, 'the two jobs over 100 rows');
  const detached = backend.reads.map((r) => r.columns.v!.byteLength === 0);
  assert.deepEqual(
    detached,
    backend.reads.map((r) => r.rows > 100),
  );
});

test('memo: a repeated query over data with a dataId reads nothing and posts nothing', async (t) => {
  const { pool, backend, memo, executor } = setup(t, { mainThreadRows: 0 });
  const jobs = [job(0, 10, 'd0'), job(100, 20, 'd1'), job(200, 30, undefined)];
  const first = await collect(executor, jobs);
  assert.equal(backend.reads.length, 3);
  assert.equal(pool.jobsRun, 3);
  assert.equal(memo.size, 2, 'only jobs with a dataId are memoized');
  const second = await collect(executor, jobs);
  assert.deepEqual(second.got, first.got);
  assert.deepEqual(second.stats, { jobs: 3, memoHits: 2, rowsScanned: 30 });
  assert.equal(backend.reads.length, 4, 'only the job without a dataId was read again');
  assert.equal(pool.jobsRun, 4);
  const other = await collect(executor, jobs, testSpec('sum-v-other', ['v']));
  assert.equal(other.stats.memoHits, 0, 'another spec key is another memo entry');
  assert.deepEqual([memo.hits, memo.misses], [2, 4]);
});

test('aborting mid-query rejects with 57014 at once and delivers nothing after', async (t) => {
  const { pool, executor } = setup(t, { mainThreadRows: 0 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  t.after(() => {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  });
  const controller = new AbortController();
  let delivered = 0;
  const jobs = Array.from({ length: 20 }, (_, i) => job(i * 100, 10));
  const running = executor.execute(testSpec('gated', ['v'], { gate }), jobs, {
    tenant: 't',
    signal: controller.signal,
    onPartial: () => delivered++,
  });
  // The fake reads resolve in microtasks: by the next turn every job was read and submitted.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pool.busyWorkers, 1);
  assert.equal(pool.queueDepth, 19);
  controller.abort();
  await assert.rejects(running, { code: '57014', message: 'canceling statement due to user request' });
  assert.equal(pool.queueDepth, 0, 'the queued jobs were dropped');
  Atomics.store(gate, 0, 1);
  Atomics.notify(gate, 0);
  const after = await collect(executor, [job(0, 3)]);
  assert.equal(after.got.get(0), expectedSum(0, 3));
  assert.equal(delivered, 0);
  assert.equal(pool.jobsRun, 2, 'the gated job and the later query’s job; the 19 dropped never ran');
});

test('a statement timeout from QueryLimits stops a running query with its own message', async (t) => {
  const { pool, executor } = setup(t, { mainThreadRows: 0 });
  const gate = new Int32Array(new SharedArrayBuffer(4));
  t.after(() => {
    Atomics.store(gate, 0, 1);
    Atomics.notify(gate, 0);
  });
  const clock = new ManualClock();
  const limits = new QueryLimits(
    { queryRate: 10, queryBurst: 10, maxConcurrentQueries: 4, maxRowsScanned: 1e9, queryTimeoutMs: 60_000 },
    clock,
  );
  const client = new AbortController();
  const query = limits.signalFor(client.signal, 2_000);
  const running = executor.execute(testSpec('gated', ['v'], { gate }), [job(0, 5), job(1, 5)], {
    tenant: 't',
    signal: query.signal,
    onPartial: () => assert.fail('no partial'),
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(pool.busyWorkers, 1);
  clock.advance(2_000);
  await assert.rejects(running, { code: '57014', message: 'canceling statement due to statement timeout' });
  query.dispose();
  assert.equal(pool.queueDepth, 0);
});

test('an already aborted signal reads and runs nothing', async (t) => {
  const { backend, executor } = setup(t);
  await assert.rejects(
    executor.execute(testSpec('s', ['v']), [job(0, 1)], {
      tenant: 't',
      signal: AbortSignal.abort(),
      onPartial: () => assert.fail('no partial'),
    }),
    { code: '57014' },
  );
  assert.equal(backend.reads.length, 0);
});

test('a kernel error in a worker fails the query and drops its other jobs', async (t) => {
  const { pool, executor } = setup(t, { mainThreadRows: 0 });
  const jobs = Array.from({ length: 5 }, (_, i) => job(i, 10));
  await assert.rejects(
    executor.execute(testSpec('bad', ['v'], { fail: 'kernel says no' }), jobs, {
      tenant: 't',
      onPartial: () => assert.fail('no partial'),
    }),
    { message: 'kernel says no' },
  );
  assert.equal(pool.jobsRun, 1);
  assert.equal(pool.queueDepth, 0);
});

test('an onPartial that throws fails the query with its error', async (t) => {
  const { executor } = setup(t);
  const boom = new QueryError('22003', 'sum out of range');
  await assert.rejects(
    executor.execute(testSpec('s', ['v']), [job(0, 1), job(1, 1)], {
      tenant: 't',
      onPartial: () => {
        throw boom;
      },
    }),
    (err) => err === boom,
  );
});
