import { createFlowBatch, F } from '../src/flow/batch.js';
import type { EmbeddedStore } from '../src/store/store.js';
import type { DataSet } from './store-data.js';

/**
 * The ingest phase: the data set appended batch by batch, one append in flight (each batch waits
 * for its own fsync under the default policy), the store's clock following the flows' receive
 * time so each minute seals 90 s (the grace period) after it ends, as it would live. Generating a
 * batch is timed apart and left out of the store's figure.
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
): Promise<IngestResult> {
  const batch = createFlowBatch(batchRows);
  const inBytes = batch.arrays[F.in_bytes] as Float64Array;
  let generate = 0;
  let inBytesSum = 0;
  let peakRss = 0;
  let lastReport = performance.now();
  const started = performance.now();
  while (!data.done) {
    const t = performance.now();
    const n = data.fill(batch, batchRows);
    for (let r = 0; r < n; r++) inBytesSum += inBytes[r]!;
    clock.now = data.receiveTime(data.produced - 1);
    generate += performance.now() - t;
    await store.append(TENANT, batch);
    const now = performance.now();
    if (now - lastReport > 10_000) {
      lastReport = now;
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
      progress(data.produced);
    }
  }
  const wall = performance.now() - started;
  const sealDuring = store.stats().write.sealMs;
  const sealStart = performance.now();
  await store.sealNow({ all: true });
  const finalSeal = performance.now() - sealStart;
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const w = store.stats().write;
  const storeMs = wall - generate;
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
  };
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
