import type { ColumnBatch } from '../../flow/batch.js';
import { type ColumnDef, flowColumns } from '../../flow/schema.js';
import { RateLimitedErrorLog } from '../../log/rate-limited.js';
import { stderrLines } from '../../log/sink.js';
import type { JobColumns, ScanJob } from '../backend.js';
import { type StoreMetrics, throwawayStoreMetrics } from '../store-metrics.js';
import { encodeRecord } from '../wal/record.js';
import { batchSource } from '../wal/source.js';
import { newWalStats, type WalStats } from '../wal/stats.js';
import type { WalWriter } from '../wal/wal-writer.js';
import { isDiskFull, StoreError, toStoreError } from './errors.js';
import { openJobsOf, readOpenBuffers } from './read-open.js';
import { type RecoveredTenant, type ReplayProgress, recoverWal } from './recovery.js';
import type { SealReport } from './seal-loop.js';
import { SealScheduler } from './seal-scheduler.js';
import { SealWorker } from './seal-worker.js';
import { collectStats, newWriteStats, type TenantTotals, tenantTotals, type WriteStats } from './stats.js';
import { type Staged, TenantState } from './tenant-state.js';
import { newTenantWal } from './tenant-wal.js';
import { defaultWritePathConfig, type WritePathConfig } from './write-config.js';
import type { WritePathDeps } from './write-deps.js';

/**
 * The store's write path: WAL (group commit) → open minutes in memory → sealed segments.
 *
 *   DATA/store/<tenant>/wal/<startLsn>.wal                 the tenant's WAL (src/store/wal)
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hhmm>.seg        a sealed minute, one part per device
 *   DATA/store/<tenant>/<yyyy>/<mm>/<dd>/<hhmm>.late-<lsn>.seg   late rows of that minute
 *   (tenant names %-encoded; full list of names, with compaction's, in ./layout.ts)
 *
 *   append(tenant, batch)  logs the rows with group commit and, as soon as their group's WAL write
 *                          is issued, copies them into the open buffer of their minute (staged,
 *                          unseen by readers) while the write and fsync are in flight; once the
 *                          record is durable under the fsync policy the rows become visible and
 *                          the promise resolves: that is the acknowledgement. A failed write
 *                          rejects it and every append queued behind it, and their staged rows
 *                          are dropped. While more than `maxSealBacklogRows` rows wait to be
 *                          sealed, an append first waits for sealing to catch up (backpressure).
 *   openJobs / readOpen    the rows still in memory, for the read path (sealed: false jobs).
 *   sealing                each minute is sealed `graceMs` after it ends (late flows wait that
 *                          long) into <hhmm>.seg; rows arriving after that go to a late buffer
 *                          sealed `lateDelayMs` later into <hhmm>.late-<lsn>.seg; a buffer reaching
 *                          `maxOpenRows` is sealed at once. The timer (`sealCheckMs`) and every
 *                          append that finds a chunk's worth of rows due start or wake a seal
 *                          round. Each segment header carries walLsn, the LSN up to which the
 *                          minute's rows are in it. A WAL file holding no unsealed rows is deleted.
 *   start()                replays the WAL: rows not covered by a segment (coveredLsn) go back
 *                          into open buffers; a torn tail is cut off. Progress via onProgress.
 *
 * Errors carry stable codes (./errors.ts: store_disk_full, store_write_failed, store_stopped),
 * are counted in stats() and logged through a rate limiter. Fail points: store.wal.append,
 * store.wal.fsync, store.wal.rotate, store.wal.delete, store.seal.write, store.seal.rename,
 * store.seal.after. Everything runs on the main event loop but the segment writer, which runs in
 * `sealWorkers` worker threads under `sealInWorker`, one minute each at a time (fail points and
 * the crash-safety order stay here).
 */

export { defaultWritePathConfig, type WritePathConfig } from './write-config.js';
export type { WritePathDeps } from './write-deps.js';

export function createWritePath(
  deps: WritePathDeps,
  config: Partial<WritePathConfig> & { dataDir: string },
): WritePath {
  return new WritePath(deps, { ...defaultWritePathConfig, ...config });
}

export class WritePath {
  readonly schema: readonly ColumnDef[];
  private readonly tenantStates = new Map<string, TenantState>();
  private readonly counters: WriteStats = newWriteStats();
  private readonly walStats = newWalStats();
  private readonly errorLog: RateLimitedErrorLog;
  private readonly now: () => number;
  private readonly coveredLsn: (tenant: string, minute: number) => number;
  private timer: NodeJS.Timeout | undefined;
  private readonly scheduler: SealScheduler;
  private state: 'new' | 'running' | 'stopped' = 'new';
  private readonly timeColumn: number;
  private readonly deviceColumn: number;
  private readonly sealWorkers: SealWorker[];
  private readonly metrics: StoreMetrics;

  constructor(
    private readonly deps: WritePathDeps,
    readonly config: WritePathConfig,
  ) {
    this.schema = deps.schema ?? flowColumns;
    this.now = deps.now ?? Date.now;
    this.coveredLsn = deps.coveredLsn ?? (() => 0);
    this.errorLog = new RateLimitedErrorLog(deps.log ?? stderrLines, undefined, this.now);
    this.timeColumn = this.schema.findIndex((col) => col.name === 'i_start_time');
    this.deviceColumn = this.schema.findIndex((col) => col.name === 'i_device_id');
    this.sealWorkers = config.sealInWorker
      ? Array.from({ length: Math.max(1, config.sealWorkers) }, () => new SealWorker())
      : [];
    this.metrics = deps.metrics ?? throwawayStoreMetrics();
    this.scheduler = new SealScheduler({
      config,
      seal: {
        dataDir: config.dataDir,
        schema: this.schema,
        writeSegment: deps.writeSegment,
        now: this.now,
        workers: this.sealWorkers,
      },
      states: { [Symbol.iterator]: () => this.tenantStates.values() },
      counters: this.counters,
      metrics: this.metrics.seal,
      now: this.now,
      isRunning: () => this.state === 'running',
      onSegment: (segment) => this.deps.onSegment?.(segment),
      fail: (err) => this.fail(toStoreError(err, 'seal')),
    });
  }

  /** Replays the WAL, then starts the seal timer. */
  async start(): Promise<ReplayProgress> {
    const { tenants, progress } = await recoverWal({
      dataDir: this.config.dataDir,
      schema: this.schema,
      state: (tenant) => this.tenant(tenant),
      coveredLsn: this.coveredLsn,
      onProgress: (progress) => {
        this.counters.replay = progress;
        this.deps.onProgress?.(progress);
      },
      progressIntervalMs: this.config.progressIntervalMs,
    });
    this.counters.replay = progress;
    for (const recovered of tenants) await this.openWal(recovered);
    this.state = 'running';
    this.scheduler.schedule();
    this.timer = setInterval(() => this.scheduler.schedule(), this.config.sealCheckMs);
    this.timer.unref();
    return progress;
  }

  /** Waits for appends in flight, seals (sealOnStop) and closes the WAL files. */
  async stop(): Promise<void> {
    if (this.state !== 'running') return;
    this.state = 'stopped';
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.flush();
    if (this.config.sealOnStop) await this.sealNow({ all: true });
    await this.scheduler.idle();
    for (const state of this.tenantStates.values()) await state.wal?.close();
    for (const worker of this.sealWorkers) await worker.close();
    this.errorLog.flush();
  }

  /** Logs and applies a batch (rows 0..length); resolves once durable under the fsync policy. */
  async append(tenant: string, batch: ColumnBatch<string>): Promise<void> {
    if (this.state !== 'running')
      throw this.rejected(new StoreError('store_stopped', 'the store is not running'));
    if (batch.length === 0) return;
    const t0 = this.metrics.append.start();
    if (this.scheduler.beforeAppend()) {
      await this.scheduler.backpressure();
      if (this.state !== 'running')
        throw this.rejected(new StoreError('store_stopped', 'the store is not running'));
    }
    const state = this.tenant(tenant);
    const wal = state.wal ?? this.newWal(state);
    const source = batchSource(batch);
    let staged: Staged | undefined;
    try {
      let recordLsn = 0;
      await wal.append(
        batch.length,
        (lsn) => {
          recordLsn = lsn;
          return encodeRecord(this.schema, source, lsn);
        },
        (lsn, file) => state.commit(staged!, lsn, file),
        () => {
          staged = state.stage(source, recordLsn);
        },
      );
      this.counters.appendedRows += batch.length;
      this.metrics.append.stop(t0);
    } catch (err) {
      throw this.rejected(this.fail(toStoreError(err, `append for tenant ${tenant}`)));
    }
  }

  /** Makes everything appended so far durable (fsyncs under relaxed policies). */
  async flush(): Promise<void> {
    for (const state of this.tenantStates.values()) await state.wal?.flush();
  }

  tenants(): string[] {
    return [...this.tenantStates.keys()].sort();
  }

  /** The jobs over rows still in memory (sealed: false) for a tenant and time range. */
  openJobs(tenant: string, from: number, to: number, devices?: readonly number[]): ScanJob[] {
    const state = this.tenantStates.get(tenant);
    return state === undefined ? [] : openJobsOf(tenant, state.minutes, from, to, devices);
  }

  /** Reads the named columns of a device's rows in memory for a minute (fresh arrays). */
  readOpen(tenant: string, minute: number, deviceId: number, columns: readonly string[]): JobColumns {
    const buffers = this.tenantStates.get(tenant)?.minutes.get(minute) ?? [];
    return readOpenBuffers(this.schema, buffers, deviceId, columns);
  }

  /**
   * Seals what is due now (or, with `all`, every open buffer: tests and shutdown). Seals run one
   * at a time; each minute's buffers in order, so a late segment never overtakes its minute.
   */
  sealNow(options: { all?: boolean } = {}): Promise<SealReport> {
    return this.scheduler.sealNow(options.all === true);
  }

  /** Counters, and gauges of open buffers and WAL files (flowlens_store_* metrics). */
  stats(): WriteStats {
    const stats = collectStats(this.counters, this.walStats, this.tenantStates.values());
    for (const worker of this.sealWorkers) stats.sealCpuMs += worker.cpuMs;
    return stats;
  }

  /** The live counters (not a copy: read by the metrics exporters without allocating). */
  get liveCounters(): Readonly<WriteStats> {
    return this.counters;
  }

  get liveWalStats(): Readonly<WalStats> {
    return this.walStats;
  }

  /** A tenant's rows still in memory, and its WAL files. */
  tenantTotals(tenant: string): TenantTotals {
    return tenantTotals(this.tenantStates.get(tenant));
  }

  /** Rows in buffers due for sealing (backpressure sets in above maxSealBacklogRows). */
  sealBacklogRows(): number {
    return this.scheduler.backlogRows();
  }

  private rejected(err: StoreError): StoreError {
    this.metrics.rejectedAppend(err);
    return err;
  }

  private fail(err: StoreError): StoreError {
    if (isDiskFull(err)) this.counters.diskFull++;
    else this.counters.writeErrors++;
    this.errorLog.error(err.code, err.message);
    return err;
  }

  private tenant(tenant: string): TenantState {
    let state = this.tenantStates.get(tenant);
    if (state === undefined) {
      state = new TenantState(tenant, undefined, {
        schema: this.schema,
        timeColumn: this.timeColumn,
        deviceColumn: this.deviceColumn,
        maxOpenRows: this.config.maxOpenRows,
        coveredLsn: this.coveredLsn,
        now: this.now,
        // During replay full buffers wait: they are sealed right after start.
        onFull: () => {
          if (this.state === 'running') this.scheduler.schedule();
        },
      });
      this.tenantStates.set(tenant, state);
      this.deps.onTenant?.(tenant);
    }
    return state;
  }

  private newWal(state: TenantState, nextLsn = 1): WalWriter {
    const floor = (this.deps.lsnFloor?.(state.tenant) ?? 0) + 1;
    state.wal = newTenantWal(state, this.config, Math.max(nextLsn, floor), {
      stats: this.walStats,
      now: this.now,
      fail: (err) => this.fail(toStoreError(err, `WAL fsync for tenant ${state.tenant}`)),
      metrics: this.metrics.wal,
    });
    return state.wal;
  }

  private async openWal(recovered: RecoveredTenant): Promise<void> {
    const state = this.tenant(recovered.tenant);
    const wal = this.newWal(state, recovered.nextLsn);
    wal.files.adopt(recovered.files);
    try {
      await wal.open();
    } catch (err) {
      // Disk full at start: the next append tries again; old files stay (they carry the LSN).
      this.metrics.error('wal_rotate', err);
      this.fail(toStoreError(err, `opening the WAL of tenant ${recovered.tenant}`));
      return;
    }
    await wal.files.dropUnheld();
  }
}
