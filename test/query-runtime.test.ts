import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type TestContext, test } from 'node:test';
import type { FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import type { JobPartial } from '../src/query/exec/job-contract.js';
import { createQueryRuntime } from '../src/query/runtime/index.js';
import type { JobTask } from '../src/query/runtime/job-task.js';
import { JobMemo } from '../src/query/runtime/memo.js';
import { PoolExecutor } from '../src/query/runtime/pool-executor.js';
import { WorkerPool } from '../src/query/runtime/worker-pool.js';
import type { JobColumns, ScanJob, StorageBackend } from '../src/store/backend.js';
import { StaleJobError } from '../src/store/read/errors.js';
import { CorruptSegmentError } from '../src/store/segment/types.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { ManualClock } from './helpers/manual-clock.js';
import { generateFlows } from './helpers/store-flows.js';
import { listTree, tempStoreDir, testStore } from './helpers/store-setup.js';
import {
  type TestPartial,
  runJobKernel as testKernel,
  testKernelModule,
  testSpec,
} from './helpers/test-kernel.js';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const spec = testSpec('sum(in_bytes),sum(length(src_geo))', ['in_bytes', 'src_geo']);

/** Per (minute, device), straight from the generated rows: row count, Σ in_bytes, Σ length(src_geo). */
function oracle(batches: readonly FlowBatch[]): Map<string, [number, number, number]> {
  const out = new Map<string, [number, number, number]>();
  for (const b of batches) {
    const geo = b.index.src_geo;
    for (let row = 0; row < b.length; row++) {
      const key = `${b.arrays[b.index.i_start_time]![row]}/${b.arrays[b.index.i_device_id]![row]}`;
      const acc = out.get(key) ?? [0, 0, 0];
      acc[0]++;
      acc[1] += b.arrays[b.index.in_bytes]![row]!;
      acc[2] += b.dicts[geo]!.values[b.arrays[geo]![row]!]!.length;
      out.set(key, acc);
    }
  }
  return out;
}

/** The store with its reads on the main thread recorded. */
function spied(store: EmbeddedStore): { backend: StorageBackend; reads: JobColumns[] } {
  const reads: JobColumns[] = [];
  const backend = new Proxy(store, {
    get(target, prop) {
      if (prop === 'read') {
        return async (job: ScanJob, columns: readonly string[]) => {
          const read = await target.read(job, columns);
          reads.push(read);
          return read;
        };
      }
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return { backend, reads };
}

function runtime(t: TestContext, backend: StorageBackend, mainThreadRows?: number) {
  const pool = new WorkerPool<JobTask, JobPartial>({
    script: new URL('../src/query/runtime/job-worker.js', import.meta.url),
    size: 2,
    workerData: { kernelModule: testKernelModule },
  });
  t.after(() => pool.stop());
  const memo = new JobMemo(64 << 20);
  const executor = new PoolExecutor({ backend, pool, memo, runKernel: testKernel, mainThreadRows });
  return { pool, memo, executor };
}

async function run(executor: PoolExecutor, jobs: readonly ScanJob[], withSpec = spec) {
  const got = new Map<string, [number, number, number]>();
  const stats = await executor.execute(withSpec, jobs, {
    tenant: 'acme',
    onPartial: (partial, job) => {
      const p = partial as TestPartial;
      got.set(`${job.bucket}/${job.deviceId}`, [p.rows, p.sums[0]!, p.sums[1]!]);
    },
  });
  return { got, stats };
}

async function startedStore(t: TestContext, dir = tempStoreDir(t)): Promise<EmbeddedStore> {
  const store = testStore(dir);
  await store.start();
  t.after(() => store.stop());
  return store;
}

test('sealed jobs are read and run in the job workers; a repeat comes from the memo alone', async (t) => {
  const store = await startedStore(t);
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const minutes = [base, base + MINUTE, base + 2 * MINUTE];
  const flows = generateFlows({ seed: 11, rows: 3000, minutes, devices: [1, 2, 3] });
  await store.append('acme', flows);
  await store.sealNow({ all: true });
  const { backend, reads } = spied(store);
  const { pool, executor } = runtime(t, backend);
  const jobs = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  assert.equal(jobs.length, 9);
  assert.ok(jobs.every((j) => j.sealed && j.dataId !== undefined));
  const first = await run(executor, jobs);
  assert.deepEqual(first.got, oracle([flows]));
  assert.deepEqual(first.stats, { jobs: 9, memoHits: 0, rowsScanned: 3000 });
  assert.equal(reads.length, 0, 'sealed jobs are read in the workers');
  assert.equal(pool.jobsRun, 9);
  const second = await run(executor, jobs);
  assert.deepEqual(second.got, first.got);
  assert.deepEqual(second.stats, { jobs: 9, memoHits: 9, rowsScanned: 0 });
  assert.equal(pool.jobsRun, 9, 'nothing posted to a worker');
});

test('createQueryRuntime wires pool (one worker per core for 0), memo, executor and limits', async (t) => {
  const store = await startedStore(t);
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const flows = generateFlows({ seed: 12, rows: 400, minutes: [base], devices: [1, 2] });
  await store.append('acme', flows);
  await store.sealNow({ all: true });
  const rt = createQueryRuntime(
    // A clock that stands still: the bucket cannot refill however slowly the machine runs.
    { backend: store, kernel: { module: testKernelModule, run: testKernel }, clock: new ManualClock() },
    {
      queryWorkers: 0,
      memoBytes: 1 << 20,
      queryRate: 5,
      queryBurst: 1,
      maxConcurrentQueries: 2,
      maxRowsScanned: 1000,
      queryTimeoutMs: 1000,
    },
  );
  t.after(() => rt.stop());
  assert.equal(rt.pool.size, availableParallelism());
  const jobs = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  const release = rt.limits.admit('acme');
  rt.limits.checkRows(
    'acme',
    jobs.reduce((n, j) => n + j.rows, 0),
  );
  assert.deepEqual((await run(rt.executor, jobs)).got, oracle([flows]));
  release();
  assert.equal(rt.memo.size, 2);
  assert.throws(() => rt.limits.admit('acme'), { code: '53400' }, 'burst of 1 used up');
});

test('a repeated query of 600 sealed jobs is answered from the memo (time reported)', async (t) => {
  const store = await startedStore(t);
  const base = Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR;
  const minutes = Array.from({ length: 30 }, (_, i) => base + i * MINUTE);
  const devices = Array.from({ length: 20 }, (_, i) => i + 1);
  const flows = generateFlows({ seed: 5, rows: 12_000, minutes, devices });
  await store.append('acme', flows);
  await store.sealNow({ all: true });
  const { pool, memo, executor } = runtime(t, store);
  const jobs = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  assert.equal(jobs.length, 600);
  const first = await run(executor, jobs);
  assert.deepEqual(first.got, oracle([flows]));
  const times: number[] = [];
  for (let i = 0; i < 50; i++) {
    const start = performance.now();
    const again = await run(executor, jobs);
    times.push(performance.now() - start);
    assert.equal(again.stats.memoHits, 600);
  }
  assert.equal(pool.jobsRun, 600);
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.floor(q * (times.length - 1))]!.toFixed(3);
  t.diagnostic(
    `600 memoized jobs: median ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms, memo ${memo.bytes} bytes`,
  );
});

test('open jobs are read on the main thread and posted with their columns moved; sealed ones memoized', async (t) => {
  const store = await startedStore(t);
  const sealedMinute = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const sealedFlows = generateFlows({ seed: 21, rows: 800, minutes: [sealedMinute], devices: [1, 2] });
  await store.append('acme', sealedFlows);
  await store.sealNow({ all: true });
  const openMinute = Math.floor(Date.now() / MINUTE) * MINUTE - 10 * MINUTE;
  const openFlows = generateFlows({ seed: 22, rows: 700, minutes: [openMinute], devices: [1, 2] });
  await store.append('acme', openFlows);
  const { backend, reads } = spied(store);
  const { pool, executor } = runtime(t, backend, 0);
  const jobs = await store.jobs({ tenant: 'acme', from: sealedMinute, to: openMinute + MINUTE });
  assert.deepEqual(
    jobs.map((j) => j.sealed),
    [true, true, false, false],
  );
  const first = await run(executor, jobs);
  assert.deepEqual(first.got, oracle([sealedFlows, openFlows]));
  assert.equal(reads.length, 2, 'the two open jobs');
  for (const read of reads) {
    assert.equal(read.columns.in_bytes!.byteLength, 0, 'moved to the worker, not copied');
  }
  assert.equal(pool.jobsRun, 4);
  const second = await run(executor, jobs);
  assert.deepEqual(second.got, first.got);
  assert.equal(second.stats.memoHits, 2);
  assert.equal(pool.jobsRun, 6, 'only the open jobs ran again');
});

test('a job planned before compaction fails with StaleJobError from the worker; planning again works', async (t) => {
  const store = await startedStore(t);
  const base = Math.floor((Date.now() - 4 * HOUR) / HOUR) * HOUR;
  const minutes = [base, base + MINUTE, base + 2 * MINUTE];
  const flows = generateFlows({ seed: 31, rows: 1500, minutes, devices: [1, 2] });
  await store.append('acme', flows);
  await store.sealNow({ all: true });
  const { executor } = runtime(t, store);
  const before = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  await store.maintain();
  const staleBefore = store.stats().staleReads;
  await assert.rejects(run(executor, before), (err: unknown) => {
    assert.ok(err instanceof StaleJobError, String(err));
    assert.equal(err.code, 'stale_job');
    assert.match(err.path, /\.seg$/);
    return true;
  });
  assert.ok(store.stats().staleReads > staleBefore, 'reported to the store');
  const after = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  assert.deepEqual((await run(executor, after)).got, oracle([flows]));
});

test('a corrupt segment read in a worker comes back as CorruptSegmentError and is quarantined', async (t) => {
  const dir = tempStoreDir(t);
  const base = Math.floor((Date.now() - HOUR) / HOUR) * HOUR;
  const minutes = [base, base + MINUTE];
  const writer = testStore(dir);
  await writer.start();
  await writer.append('acme', generateFlows({ seed: 41, rows: 600, minutes, devices: [1] }));
  await writer.sealNow({ all: true });
  await writer.stop();
  const segments = listTree(dir).filter((f) => f.endsWith('.seg'));
  assert.equal(segments.length, 2);
  const bad = join(dir, segments[1]!);
  const bytes = readFileSync(bad);
  bytes[20] = bytes[20]! ^ 0x5a; // inside the first column block of the first part
  writeFileSync(bad, bytes);
  const store = await startedStore(t, dir);
  const { executor } = runtime(t, store);
  const jobs = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  // Every column: the flipped byte is in the first column's block.
  const everything = testSpec(
    'all',
    flowColumns.map((c) => c.name),
  );
  await assert.rejects(run(executor, jobs, everything), (err: unknown) => {
    assert.ok(err instanceof CorruptSegmentError, String(err));
    assert.equal(err.path, bad);
    return true;
  });
  assert.equal(store.stats().quarantined, 1);
  const replanned = await store.jobs({ tenant: 'acme', from: base, to: base + HOUR });
  assert.equal(replanned.length, 1, 'the quarantined minute is gone from the plan');
  assert.equal((await run(executor, replanned, everything)).got.size, 1);
});
