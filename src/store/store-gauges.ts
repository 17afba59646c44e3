import type { Registry } from '../metrics/registry.js';
import type { MaintenanceStats } from './maintenance.js';
import type { WalStats } from './wal/stats.js';
import type { WriteStats } from './write/stats.js';

/** The store's live stats objects (read at export time, never copied) and a few readings. */
export interface StoreGaugeSource {
  readonly write: Readonly<WriteStats>;
  readonly wal: Readonly<WalStats>;
  readonly maintenance: Readonly<MaintenanceStats>;
  readonly tenants: () => number;
  readonly quarantined: () => number;
  readonly staleReads: () => number;
  readonly sealBacklogRows: () => number;
}

/**
 * Exports the counts the store keeps anyway (write path, WAL, maintenance, replay) as counterFns
 * and gaugeFns: nothing is added to the hot path, the registry reads them when it exports.
 */
export function registerStoreGauges(registry: Registry, s: StoreGaugeSource): void {
  const counter = (name: string, help: string, fn: () => number, tags?: Record<string, string>) =>
    registry.counterFn(name, fn, tags, { help });
  const gauge = (name: string, help: string, fn: () => number) =>
    registry.gaugeFn(name, fn, undefined, { help });
  const w = s.write;
  const wal = s.wal;
  const m = s.maintenance;

  counter('flowlens_store_appended_rows_total', 'Rows appended and acknowledged', () => w.appendedRows);
  counter(
    'flowlens_store_backpressure_waits_total',
    'Appends that first waited for a seal round (the seal backlog was over maxSealBacklogRows)',
    () => w.backpressureWaits,
  );
  gauge('flowlens_store_seal_backlog_rows', 'Rows in open buffers due for sealing', s.sealBacklogRows);

  counter('flowlens_store_wal_written_bytes_total', 'Bytes written to the WAL', () => wal.bytes);
  counter(
    'flowlens_store_wal_records_total',
    'Records written to the WAL (one per append)',
    () => wal.records,
  );
  counter('flowlens_store_wal_rows_total', 'Rows written to the WAL', () => wal.rows);
  counter('flowlens_store_wal_created_files_total', 'WAL files created', () => wal.filesCreated);
  counter(
    'flowlens_store_wal_deleted_files_total',
    'WAL files deleted once every row in them was sealed',
    () => wal.filesDeleted,
  );

  const sealedHelp =
    'Segments sealed from open buffers: kind minute (a minute) or late (rows after its seal)';
  counter('flowlens_store_sealed_segments_total', sealedHelp, () => w.segments, { kind: 'minute' });
  counter('flowlens_store_sealed_segments_total', sealedHelp, () => w.lateSegments, { kind: 'late' });
  counter('flowlens_store_sealed_rows_total', 'Rows sealed into segments', () => w.sealedRows);
  counter('flowlens_store_sealed_bytes_total', 'Bytes of the segment files sealed', () => w.sealedBytes);

  counter(
    'flowlens_store_quarantined_segments_total',
    'Segments that failed their checksum, moved to quarantine/',
    s.quarantined,
  );
  counter(
    'flowlens_store_stale_reads_total',
    'Jobs whose data was sealed, compacted or deleted after planning (the query is planned again)',
    s.staleReads,
  );
  gauge('flowlens_store_catalog_tenants', 'Tenants with segments on disk', s.tenants);

  counter(
    'flowlens_store_maintenance_runs_total',
    'Maintenance passes (compaction, then rollups)',
    () => m.runs,
  );
  counter(
    'flowlens_store_compaction_input_files_total',
    'Segment files replaced by compaction',
    () => m.filesReplaced,
  );
  counter(
    'flowlens_store_compaction_skipped_minutes_total',
    'Minute merges skipped because the minute is over maxRowsPerFile (left to the hourly compaction)',
    () => m.skippedTooLarge,
  );
  counter(
    'flowlens_store_retention_deleted_buckets_total',
    'Buckets (minutes, hours, days) deleted by retention',
    () => m.retentionBuckets,
  );

  counter(
    'flowlens_store_replay_rows_total',
    'Rows put back into open buffers by the WAL replay at start',
    () => w.replay?.rowsReplayed ?? 0,
  );
  counter(
    'flowlens_store_replay_skipped_rows_total',
    'Rows of the WAL replay already in segments (sealed before the restart)',
    () => w.replay?.rowsSkipped ?? 0,
  );
  counter(
    'flowlens_store_replay_torn_records_total',
    'WAL files whose end was cut off at a torn or unreadable record during the replay',
    () => w.replay?.tornRecords ?? 0,
  );
  counter(
    'flowlens_store_replay_torn_bytes_total',
    'Bytes cut off WAL files at torn records during the replay',
    () => w.replay?.tornBytes ?? 0,
  );
  gauge('flowlens_store_replay_seconds', 'How long the WAL replay at start took (so far)', () =>
    w.replay === undefined ? 0 : w.replay.elapsedMs / 1000,
  );
  gauge('flowlens_store_replay_progress_ratio', 'WAL replay progress, 0 to 1 (1 when done)', () =>
    w.replay === undefined ? 0 : w.replay.done ? 1 : w.replay.percent / 100,
  );
}
