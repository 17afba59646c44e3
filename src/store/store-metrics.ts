import type { Counter } from '../metrics/counter.js';
import type { Histogram } from '../metrics/histogram.js';
import { Registry } from '../metrics/registry.js';
import type { Timer } from '../metrics/timer.js';
import { errorReason } from './error-reason.js';

/**
 * The store's timers, histograms and counters of work done (docs/metrics.md), obtained from the
 * registry once, when the store is created: the write path, WAL, sealer, compaction, rollups and
 * retention update them without a lookup. Counts the store already keeps in its stats objects are
 * exported by ./store-gauges.ts instead.
 */

/** Where an error happened: the `operation` tag of flowlens_store_errors_total. */
export type StoreOperation =
  | 'wal_rotate'
  | 'wal_write'
  | 'wal_fsync'
  | 'wal_delete'
  | 'seal'
  | 'compaction'
  | 'rollup'
  | 'retention';

export type CountError = (operation: StoreOperation, err: unknown) => void;

export interface WalMetrics {
  /** Each fdatasync of a WAL file. */
  readonly fsync: Timer;
  /** Appends (records) per group commit, and the bytes one writev wrote. */
  readonly groupAppends: Histogram;
  readonly groupBytes: Histogram;
  readonly error: CountError;
}

export interface SealMetrics {
  /** Main-thread round trip of a seal (worker included): minute segments and late segments. */
  readonly minute: Timer;
  readonly late: Timer;
  readonly error: CountError;
}

export interface CompactionMetrics {
  readonly merge: Timer;
  readonly hour: Timer;
  readonly inputBytes: Counter;
  readonly outputBytes: Counter;
  readonly rows: Counter;
  /** Parts moved into the new file as stored, and parts decoded and encoded again (late rows, older format). */
  readonly parts: { readonly copied: Counter; readonly encoded: Counter };
}

export interface RollupMetrics {
  readonly hour: Timer;
  readonly day: Timer;
  readonly inputRows: { readonly hour: Counter; readonly day: Counter };
  readonly outputRows: { readonly hour: Counter; readonly day: Counter };
}

export interface RetentionMetrics {
  readonly run: Timer;
  readonly files: Counter;
  readonly bytes: Counter;
}

export class StoreMetrics {
  readonly append: Timer;
  readonly wal: WalMetrics;
  readonly seal: SealMetrics;
  readonly maintenance: Timer;
  readonly compaction: CompactionMetrics;
  readonly rollup: RollupMetrics;
  readonly retention: RetentionMetrics;
  /** Counts an error of `operation`, by reason (./error-reason.ts). Errors are rare: looked up here. */
  readonly error: CountError;
  /** Counts an append rejected to its caller, by reason. */
  readonly rejectedAppend: (err: unknown) => void;

  constructor(readonly registry: Registry) {
    const r = registry;
    this.error = (operation, err) =>
      r
        .counter(
          'flowlens_store_errors_total',
          { operation, reason: errorReason(err) },
          { help: 'Store errors by operation (wal_*, seal, compaction, rollup, retention) and reason' },
        )
        .inc();
    this.rejectedAppend = (err) =>
      r
        .counter(
          'flowlens_store_rejected_appends_total',
          { reason: errorReason(err) },
          { help: 'Appends rejected to their caller (not acknowledged), by reason' },
        )
        .inc();
    this.append = r.timer('flowlens_store_append_seconds', undefined, {
      help: 'From an append call to its acknowledgement (WAL write and fsync, backpressure waits included)',
    });
    this.wal = {
      fsync: r.timer('flowlens_store_wal_fsync_seconds', undefined, { help: 'Each fdatasync of a WAL file' }),
      groupAppends: r.histogram('flowlens_store_wal_group_appends', undefined, {
        help: 'Appends committed together by one group commit (one writev and one fsync)',
      }),
      groupBytes: r.histogram('flowlens_store_wal_group_bytes', undefined, {
        help: 'Bytes written to the WAL by one group commit',
      }),
      error: this.error,
    };
    const sealHelp = {
      help: 'Sealing one open buffer into a segment (kind minute or late), worker included',
    };
    this.seal = {
      minute: r.timer('flowlens_store_seal_seconds', { kind: 'minute' }, sealHelp),
      late: r.timer('flowlens_store_seal_seconds', { kind: 'late' }, sealHelp),
      error: this.error,
    };
    this.maintenance = r.timer('flowlens_store_maintenance_seconds', undefined, {
      help: 'One maintenance pass: compaction then rollups over every tenant',
    });
    const compactHelp = {
      help: 'One compaction rewrite: a minute merged with its late segments, or an hour',
    };
    const partsHelp = {
      help: 'Parts compaction wrote: copied as stored, or decoded and encoded again (late rows, older format)',
    };
    this.compaction = {
      merge: r.timer('flowlens_store_compaction_seconds', { kind: 'merge' }, compactHelp),
      hour: r.timer('flowlens_store_compaction_seconds', { kind: 'hour' }, compactHelp),
      inputBytes: r.counter('flowlens_store_compaction_input_bytes_total', undefined, {
        help: 'Bytes of the segment files compaction replaced',
      }),
      outputBytes: r.counter('flowlens_store_compaction_output_bytes_total', undefined, {
        help: 'Bytes of the segment files compaction wrote',
      }),
      rows: r.counter('flowlens_store_compaction_rows_total', undefined, {
        help: 'Flow rows compaction rewrote',
      }),
      parts: {
        copied: r.counter('flowlens_store_compaction_parts_total', { how: 'copied' }, partsHelp),
        encoded: r.counter('flowlens_store_compaction_parts_total', { how: 'encoded' }, partsHelp),
      },
    };
    const rollupHelp = { help: 'Building one rollup file (resolution hour or day)' };
    const inHelp = { help: 'Rows read to build rollups: flows for hourly, hourly rollup rows for daily' };
    const outHelp = { help: 'Aggregated rows written to rollup files' };
    this.rollup = {
      hour: r.timer('flowlens_store_rollup_seconds', { resolution: 'hour' }, rollupHelp),
      day: r.timer('flowlens_store_rollup_seconds', { resolution: 'day' }, rollupHelp),
      inputRows: {
        hour: r.counter('flowlens_store_rollup_input_rows_total', { resolution: 'hour' }, inHelp),
        day: r.counter('flowlens_store_rollup_input_rows_total', { resolution: 'day' }, inHelp),
      },
      outputRows: {
        hour: r.counter('flowlens_store_rollup_output_rows_total', { resolution: 'hour' }, outHelp),
        day: r.counter('flowlens_store_rollup_output_rows_total', { resolution: 'day' }, outHelp),
      },
    };
    this.retention = {
      run: r.timer('flowlens_store_retention_seconds', undefined, {
        help: 'One retention run over every tenant',
      }),
      files: r.counter('flowlens_store_retention_deleted_files_total', undefined, {
        help: 'Segment files deleted by retention',
      }),
      bytes: r.counter('flowlens_store_retention_deleted_bytes_total', undefined, {
        help: 'Bytes of the segment files deleted by retention',
      }),
    };
  }
}

/** Metrics for code run without a store registry (unit tests, tools): a private, unexported registry. */
export function throwawayStoreMetrics(): StoreMetrics {
  return new StoreMetrics(new Registry());
}
