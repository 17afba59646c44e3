import type { FsyncPolicy } from '../wal/wal-file.js';

/** The write path's settings (./write-path.ts); the store passes its `write` section. */
export interface WritePathConfig {
  dataDir: string;
  fsync: FsyncPolicy;
  walMaxFileBytes: number;
  walRollMs: number;
  /** How long after a minute ends its late flows are still awaited before it is sealed. */
  graceMs: number;
  /** A late buffer collects rows this long before it is sealed as a late segment. */
  lateDelayMs: number;
  /** How often the seal timer looks for minutes to seal. */
  sealCheckMs: number;
  /** A buffer of this many rows is sealed at once (bounds memory per open minute). */
  maxOpenRows: number;
  /**
   * Backpressure: while more rows than this wait in buffers due for sealing (the sealer is behind),
   * an append first waits for a seal round, so memory stays bounded when ingest outruns sealing.
   */
  maxSealBacklogRows: number;
  /** Replay progress is reported at most this often. */
  progressIntervalMs: number;
  /** Seal every open minute at stop() (else the WAL is replayed at the next start). */
  sealOnStop: boolean;
  /**
   * Run the segment writer in a worker thread (./seal-worker.ts) rather than `deps.writeSegment`
   * on the main thread, so appends never wait behind a seal. The store turns it on.
   */
  sealInWorker: boolean;
  /**
   * Seal worker threads under `sealInWorker` (else: seals in flight on the main thread): buffers
   * due together (a backlog, several tenants, a minute above `maxOpenRows`) are sealed in
   * parallel, one per worker; each minute's segments are still renamed into place in order.
   */
  sealWorkers: number;
}

export const defaultWritePathConfig: Omit<WritePathConfig, 'dataDir'> = {
  fsync: { mode: 'always' },
  walMaxFileBytes: 64 * 1024 * 1024,
  walRollMs: 60_000,
  graceMs: 90_000,
  lateDelayMs: 10_000,
  sealCheckMs: 5_000,
  maxOpenRows: 2_000_000,
  maxSealBacklogRows: 8_000_000,
  progressIntervalMs: 1_000,
  sealOnStop: true,
  sealInWorker: false,
  sealWorkers: 2,
};
