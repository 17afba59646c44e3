import type { ColumnDef } from '../../flow/schema.js';
import type { LogTarget } from '../../log/sink.js';
import type { StoreMetrics } from '../store-metrics.js';
import type { ReplayProgress } from './recovery.js';
import type { SealedSegment, WriteSegmentFn } from './sealer.js';

/** What the write path is given by the store: the segment writer, the catalog's answers, logging. */
export interface WritePathDeps {
  writeSegment: WriteSegmentFn;
  /** Highest walLsn among a minute's segments on disk (0 if none): from the catalog. */
  coveredLsn?: (tenant: string, minute: number) => number;
  /** Highest walLsn of any segment of the tenant, so LSNs never go back should the WAL folder be lost. */
  lsnFloor?: (tenant: string) => number;
  /** A new segment, for the catalog: called in the same tick the rows leave memory. */
  onSegment?: (segment: SealedSegment) => void;
  onProgress?: (progress: ReplayProgress) => void;
  log?: LogTarget;
  now?: () => number;
  schema?: readonly ColumnDef[];
  /** Timers and error counters (absent: a throwaway registry's). */
  metrics?: StoreMetrics;
  /** A tenant's state was created (first append or replay): the store registers its gauges. */
  onTenant?: (tenant: string) => void;
}
