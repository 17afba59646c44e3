import { rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ColumnBatch, createFlowBatch, type FlowBatch } from '../src/flow/batch.js';
import { flowColumns } from '../src/flow/schema.js';
import { defaultRetentionConfig } from '../src/store/retention.js';
import { createStore } from '../src/store/store.js';
import { processCpuMs, threadCpuMs } from '../src/store/write/thread-cpu.js';
import { DataSet } from './store-data.js';
import { round, TENANT } from './store-ingest.js';

/**
 * A focused ingest benchmark for the store's write path: the data set (bench/store-data.ts) is
 * generated first, into compact copies of its batches (only the columns the generator wrote), so
 * the timed loop is the store alone — appends with one fsync per batch, one append in flight, the
 * store's clock following the flows so minutes seal after their grace period as they would live.
 * Reports wall time and CPU time per flow: the main thread (appends), the seal workers (as they
 * report it) and the whole process (seal workers, libuv pool doing the WAL write and fsync, GC
 * threads); `all.sealed_flows_per_sec` counts until every flow is in a segment. Prints one JSON
 * object.
 *
 *   node dist/bench/store-ingest-cpu.js --flows 4000000 [--batch 32768] [--dir D] [--fsync always|never]
 *     [--seal-workers 2]
 */
const { values } = parseArgs({
  options: {
    flows: { type: 'string', default: '4000000' },
    batch: { type: 'string', default: '32768' },
    rate: { type: 'string', default: '10000' },
    dir: { type: 'string' },
    fsync: { type: 'string', default: 'always' },
    'seal-workers': { type: 'string', default: '2' },
  },
});

/** A batch holding only the written columns of `from` (the others stay 16-row zero arrays). */
function compactCopy(from: FlowBatch): FlowBatch {
  const touched = (from as unknown as { touched: Uint8Array }).touched;
  const copy = new ColumnBatch(flowColumns, 16) as FlowBatch;
  for (let i = 0; i < flowColumns.length; i++) {
    if (touched[i] !== 1) continue;
    const width = flowColumns[i]!.type === 'addr' ? 16 : 1;
    copy.arrays[i] = from.arrays[i]!.slice(0, from.length * width);
    const dict = from.dicts[i];
    if (dict !== undefined) for (const v of dict.values.slice(1)) copy.dicts[i]!.code(v);
    copy.touch(i);
  }
  copy.length = from.length;
  copy.capacity = from.length;
  return copy;
}

async function main() {
  const flows = Number(values.flows);
  const batchRows = Number(values.batch);
  const data = new DataSet({ flows, flowsPerSec: Number(values.rate) });
  const batches: { batch: FlowBatch; now: number }[] = [];
  const scratch = createFlowBatch(batchRows);
  const g0 = performance.now();
  while (!data.done) {
    data.fill(scratch, batchRows);
    batches.push({ batch: compactCopy(scratch), now: data.receiveTime(data.produced - 1) });
  }
  const generateMs = performance.now() - g0;
  const dir = values.dir ?? join(tmpdir(), `flowlens-ingest-cpu-${process.pid}`);
  rmSync(dir, { recursive: true, force: true });
  const clock = { now: data.config.startMs };
  const store = createStore(
    { now: () => clock.now, log: (line) => process.stderr.write(`${line}\n`) },
    {
      dataDir: dir,
      maintenanceIntervalMs: 0,
      retention: { ...defaultRetentionConfig, intervalMs: 0 },
      write: {
        fsync: values.fsync === 'never' ? { mode: 'never' } : { mode: 'always' },
        sealWorkers: Number(values['seal-workers']),
      },
    },
  );
  await store.start();
  const load0 = loadavg()[0]!;
  const t0 = performance.now();
  const main0 = threadCpuMs();
  const proc0 = processCpuMs();
  for (const { batch, now } of batches) {
    clock.now = now;
    await store.append(TENANT, batch);
  }
  const wall = performance.now() - t0;
  const mainMs = threadCpuMs() - main0;
  const procMs = processCpuMs() - proc0;
  const during = store.stats().write;
  const s0 = performance.now();
  const sealProc0 = processCpuMs();
  await store.sealNow({ all: true });
  const finalSeal = performance.now() - s0;
  const finalSealCpu = processCpuMs() - sealProc0;
  const w = store.stats().write;
  await store.stop();
  rmSync(dir, { recursive: true, force: true });
  const us = (ms: number) => round((ms * 1000) / flows, 3);
  const result = {
    flows,
    batch_rows: batchRows,
    generate_seconds: round(generateMs / 1000),
    load_average_1m: [round(load0, 2), round(loadavg()[0]!, 2)],
    ingest: {
      wall_seconds: round(wall / 1000),
      flows_per_sec: Math.round((flows / wall) * 1000),
      main_thread_cpu_us_per_flow: us(mainMs),
      other_threads_cpu_us_per_flow: us(procMs - mainMs),
      process_cpu_us_per_flow: us(procMs),
      sealed_rows_during: during.sealedRows,
      seal_workers_cpu_us_per_flow: us(during.sealCpuMs),
      backpressure_waits: during.backpressureWaits,
      wal_bytes_per_flow: round(w.wal.bytes / flows, 1),
      fsyncs: w.wal.fsyncs,
      fsync_ms_per_batch: round(w.wal.fsyncMs / Math.max(1, w.wal.fsyncs), 2),
    },
    final_seal: {
      seconds: round(finalSeal / 1000),
      process_cpu_us_per_flow: us(finalSealCpu),
      seal_workers_cpu_us_per_flow: us(w.sealCpuMs - during.sealCpuMs),
    },
    all: {
      process_cpu_us_per_flow: us(procMs + finalSealCpu),
      seal_workers_cpu_us_per_flow: us(w.sealCpuMs),
      segments: w.segments,
      sealed_flows_per_sec: Math.round((flows / (wall + finalSeal)) * 1000),
    },
  };
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err.stack ?? err.message}\n`);
  process.exit(1);
});
