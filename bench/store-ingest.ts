import { createFlowBatch, F, type FlowBatch } from '../src/flow/batch.js';
import type { EmbeddedStore } from '../src/store/store.js';
import { processCpuMs, threadCpuMs } from '../src/store/write/thread-cpu.js';
import type { DataSet } from './store-data.js';

/**
 * The ingest phase: the data set appended batch by batch, `inFlight` appends in flight (1: each
 * batch waits for its own fsync under the default policy; the collector allows 4), the store's
 * clock following the flows' receive time so each minute seals 90 s (the grace period) after it
 * ends, as it would live. Generating a batch is timed apart and left out of the store's figure.
 * CPU time is measured per thread: the main thread (generator apart), the seal workers, the rest.
 */
export interface VirtualClock {
  now: number;
}

export interface IngestResult {
  flows: number;
  batch_rows: number;
  /**
   * Flows over the time the store took in the ingest loop (wall time minus data generation): WAL
   * append with one fsync per batch, copy into the open minutes, and the sealing of the minutes
   * that passed their grace period meanwhile.
   */
  flows_per_sec: number;
  /** Flows over everything: ingest loop plus the final seal (every flow in a segment). */
  sealed_flows_per_sec: number;
  store_seconds: number;
  generate_seconds: number;
  wall_seconds: number;
  /**
   * Wall time of the seals the store's timer ran during ingest (minutes past their grace period).
   * It overlaps with appends waiting for their fsync, so it is not a share of store_seconds.
   */
  seal_seconds_during_ingest: number;
  /** Sealing the minutes still open at the end (`sealNow({ all: true })`). */
  final_seal_seconds: number;
  segments: number;
  late_segments: number;
  /** fsync_seconds: wall time of the WAL's fsyncs, overlapping with sealing as well. */
  wal: {
    records: number;
    bytes: number;
    bytes_per_flow: number;
    fsyncs: number;
    fsync_seconds: number;
    groups: number;
  };
  peak_rss_bytes: number;
  /** Appends in flight (1: each batch waits for its fsync before the next is generated). */
  in_flight: number;
  /**
   * CPU time per flow, µs: the main thread's store work (appends: WAL encoding, copies, acks;
   * generator left out), the seal workers (encode, compress, write; every flow once, the final
   * seal included), the other threads (libuv's pool doing the WAL writes and fsyncs, GC), their
   * sum, and the flows per second two fully used cores would give at that cost.
   */
  cpu: {
    generator_us_per_flow: number;
    main_thread_store_us_per_flow: number;
    seal_workers_us_per_flow: number;
    other_threads_us_per_flow: number;
    store_us_per_flow: number;
    two_cores_flows_per_sec: number;
  };
  /** Sum of in_bytes over the generated flows, to check what the scan and ClickHouse read back. */
  in_bytes_sum: number;
}

export const TENANT = 'bench';

export async function ingest(
  store: EmbeddedStore,
  data: DataSet,
  clock: VirtualClock,
  batchRows: number,
  progress: (flows: number) => void,
  inFlight = 1,
): Promise<IngestResult> {
  const spare: FlowBatch[] = Array.from({ length: inFlight }, () => createFlowBatch(batchRows));
  const pending: Promise<FlowBatch>[] = [];
  let generate = 0;
  let generateCpu = 0;
  let inBytesSum = 0;
  let peakRss = 0;
  let lastReport = performance.now();
  const started = performance.now();
  const main0 = threadCpuMs();
  const proc0 = processCpuMs();
  while (!data.done) {
    const batch = spare.pop() ?? (await pending.shift()!);
    const inBytes = batch.arrays[F.in_bytes] as Float64Array;
    const t = performance.now();
    const c = threadCpuMs();
    const n = data.fill(batch, batchRows);
    for (let r = 0; r < n; r++) inBytesSum += inBytes[r]!;
    clock.now = data.receiveTime(data.produced - 1);
    generateCpu += threadCpuMs() - c;
    generate += performance.now() - t;
    pending.push(store.append(TENANT, batch).then(() => batch));
    if (pending.length >= inFlight) spare.push(await pending.shift()!);
    const now = performance.now();
    if (now - lastReport > 10_000) {
      lastReport = now;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      progress(data.produced);
    }
  }
  await Promise.all(pending);
  const wall = performance.now() - started;
  const sealDuring = store.stats().write.sealMs;
  const sealStart = performance.now();
  await store.sealNow({ all: true });
  const finalSeal = performance.now() - sealStart;
  const mainCpu = threadCpuMs() - main0;
  const procCpu = processCpuMs() - proc0;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const w = store.stats().write;
  const storeMs = wall - generate;
  const perFlow = (ms: number) => round((ms * 1000) / data.produced);
  const storeCpu = procCpu - generateCpu;
  return {
    flows: data.produced,
    batch_rows: batchRows,
    flows_per_sec: Math.round((data.produced / storeMs) * 1000),
    sealed_flows_per_sec: Math.round((data.produced / (storeMs + finalSeal)) * 1000),
    store_seconds: round(storeMs / 1000),
    generate_seconds: round(generate / 1000),
    wall_seconds: round(wall / 1000),
    seal_seconds_during_ingest: round(sealDuring / 1000),
    final_seal_seconds: round(finalSeal / 1000),
    segments: w.segments,
    late_segments: w.lateSegments,
    wal: {
      records: w.wal.records,
      bytes: w.wal.bytes,
      bytes_per_flow: round(w.wal.bytes / data.produced, 1),
      fsyncs: w.wal.fsyncs,
      fsync_seconds: round(w.wal.fsyncMs / 1000),
      groups: w.wal.groups,
    },
    peak_rss_bytes: peakRss,
    in_bytes_sum: inBytesSum,
    in_flight: inFlight,
    cpu: {
      generator_us_per_flow: perFlow(generateCpu),
      main_thread_store_us_per_flow: perFlow(mainCpu - generateCpu),
      seal_workers_us_per_flow: perFlow(w.sealCpuMs),
      other_threads_us_per_flow: perFlow(procCpu - mainCpu - w.sealCpuMs),
      store_us_per_flow: perFlow(storeCpu),
      two_cores_flows_per_sec: Math.round((2 * data.produced) / (storeCpu / 1000)),
    },
  };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
