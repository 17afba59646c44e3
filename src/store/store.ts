import { mkdir } from 'node:fs/promises';
import type { FlowBatch } from '../flow/batch.js';
import type { Logger } from '../log/logger.js';
import { RateLimitedErrorLog } from '../log/rate-limited.js';
import { type LogTarget, loggerOf, stderrLines } from '../log/sink.js';
import { Registry } from '../metrics/registry.js';
import type {
  DeviceSummary,
  JobColumns,
  ReadOptions,
  ScanJob,
  ScanRequest,
  StorageBackend,
} from './backend.js';
import { Catalog } from './catalog/catalog.js';
import { parseSegmentName } from './catalog/layout.js';
import { isCorruption, quarantineFile } from './catalog/quarantine.js';
import { scanDataDir } from './catalog/scan.js';
import { readSegmentMeta } from './catalog/segment-io.js';
import { type CompactionConfig, defaultCompactionConfig } from './compact/compactor.js';
import { deviceSummaries } from './devices.js';
import { acquireStoreLock } from './lock.js';
import { Maintenance, type MaintenanceStats } from './maintenance.js';
import { StaleJobError } from './read/errors.js';
import { isSealedLocation } from './read/location.js';
import { planSealedJobs } from './read/plan.js';
import { readSealedJob } from './read/read-sealed.js';
import { evictReader } from './read/reader-cache.js';
import { defaultRetentionConfig, type RetentionConfig } from './retention.js';
import { defaultRollupConfig, type RollupConfig } from './rollup/builder.js';
import { rollupsCompleteUntil } from './rollup/coverage.js';
import { writeSegment } from './segment/index.js';
import type { SegmentMeta } from './segment/types.js';
import { registerStoreGauges } from './store-gauges.js';
import { StoreMetrics } from './store-metrics.js';
import { TenantGauges } from './tenant-gauges.js';
import { storeDir } from './write/layout.js';
import type { OpenLocation } from './write/read-open.js';
import type { ReplayProgress } from './write/recovery.js';
import type { SealedSegment } from './write/sealer.js';
import type { WriteStats } from './write/stats.js';
import { createWritePath, type WritePath, type WritePathConfig } from './write/write-path.js';

/**
 * The embedded store: the StorageBackend the query engine uses on one machine. It wires the write
 * path (WAL → open minutes → sealed segments, src/store/write) to the catalog of what is on disk
 * (src/store/catalog), serves jobs over both, and runs compaction, rollups and retention in the
 * background. Layout and guarantees: docs/store.md.
 */

export interface StoreConfig {
  dataDir: string;
  write: Partial<Omit<WritePathConfig, 'dataDir'>>;
  compaction: CompactionConfig;
  rollup: RollupConfig;
  retention: RetentionConfig;
  /** How often compaction and rollups run; 0 turns the timer off (call `maintain`). */
  maintenanceIntervalMs: number;
}

export const defaultStoreConfig: Omit<StoreConfig, 'dataDir'> = {
  write: {},
  compaction: defaultCompactionConfig,
  rollup: defaultRollupConfig,
  retention: defaultRetentionConfig,
  maintenanceIntervalMs: 60_000,
};

export interface StoreDeps {
  log?: LogTarget;
  now?: () => number;
  onReplayProgress?: (progress: ReplayProgress) => void;
  /** Where the store's metrics go (flowlens_store_*); absent: a private registry nobody exports. */
  metrics?: Registry;
}

export interface StoreStats {
  readonly tenants: number;
  readonly files: number;
  readonly bytes: number;
  readonly rows: number;
  readonly quarantined: number;
  readonly staleReads: number;
  readonly maintenance: MaintenanceStats;
  readonly write: WriteStats;
}

export function createStore(
  deps: StoreDeps,
  config: Partial<StoreConfig> & { dataDir: string },
): EmbeddedStore {
  return new EmbeddedStore(deps, { ...defaultStoreConfig, ...config });
}

export class EmbeddedStore implements StorageBackend {
  readonly kind = 'embedded';
  readonly catalog = new Catalog();
  readonly writePath: WritePath;
  private readonly maintenance: Maintenance;
  private readonly log: Logger;
  private readonly errorLog: RateLimitedErrorLog;
  private readonly now: () => number;
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly deviceNames = new Map<string, Map<number, string>>();
  private readonly tenantGauges: TenantGauges;
  private quarantined = 0;
  private staleReads = 0;
  private running = false;
  private releaseLock: (() => Promise<void>) | undefined;

  constructor(
    deps: StoreDeps,
    readonly config: StoreConfig,
  ) {
    this.now = deps.now ?? Date.now;
    this.log = loggerOf(deps.log ?? stderrLines);
    this.errorLog = new RateLimitedErrorLog(this.log, undefined, this.now);
    const registry = deps.metrics ?? new Registry();
    const metrics = new StoreMetrics(registry);
    this.tenantGauges = new TenantGauges(registry, {
      open: (tenant) => this.writePath.tenantTotals(tenant),
      disk: (tenant) => this.catalog.totals(tenant),
    });
    this.writePath = createWritePath(
      {
        writeSegment,
        coveredLsn: (tenant, minute) => this.catalog.coveredLsn(tenant, minute),
        lsnFloor: (tenant) => this.catalog.maxWalLsn(tenant),
        onSegment: (segment) => this.addSealed(segment),
        log: this.log,
        now: this.now,
        onProgress: deps.onReplayProgress ?? ((p) => this.logReplay(p)),
        metrics,
        onTenant: (tenant) => this.tenantGauges.track(tenant),
      },
      { sealInWorker: true, ...config.write, dataDir: config.dataDir },
    );
    this.maintenance = new Maintenance({
      dataDir: config.dataDir,
      catalog: this.catalog,
      compaction: config.compaction,
      rollup: config.rollup,
      retention: config.retention,
      hasOpenRows: (tenant, from, to) => this.writePath.openJobs(tenant, from, to).length > 0,
      quarantine: (tenant, path, err) => this.quarantine(tenant, path, err),
      errorLog: this.errorLog,
      metrics,
    });
    registerStoreGauges(registry, {
      write: this.writePath.liveCounters,
      wal: this.writePath.liveWalStats,
      maintenance: this.maintenance.stats,
      tenants: () => this.catalog.tenantNames().length,
      quarantined: () => this.quarantined,
      staleReads: () => this.staleReads,
      sealBacklogRows: () => this.writePath.sealBacklogRows(),
    });
  }

  /**
   * Takes the data directory's lock (./lock.ts: one process per store; a stale lock of a dead
   * process is taken over), rebuilds the catalog (quarantining corrupt segments), replays the WAL,
   * starts the timers. Rejects with code store_locked while another process holds the store.
   */
  async start(): Promise<void> {
    await mkdir(storeDir(this.config.dataDir), { recursive: true });
    const lock = await acquireStoreLock(this.config.dataDir);
    if (lock.replaced !== undefined)
      this.log.warn(`took over the lock of process ${lock.replaced.pid}, which is gone`, {
        reason: 'stale_lock',
        lock_pid: lock.replaced.pid,
      });
    try {
      await this.open();
    } catch (err) {
      await lock.release();
      throw err;
    }
    this.releaseLock = lock.release;
    this.running = true;
    this.every(this.config.maintenanceIntervalMs, () => this.maintain());
    this.every(this.config.retention.intervalMs, () => this.applyRetention(this.now()));
  }

  private async open(): Promise<void> {
    const report = await scanDataDir(this.config.dataDir, this.catalog);
    for (const tenant of this.catalog.tenantNames()) this.tenantGauges.track(tenant);
    for (const bad of report.corrupt) await this.quarantine(bad.tenant, bad.path, bad.error);
    this.log.info(
      `${report.files} segments of ${report.tenants} tenants` +
        (report.recoveredCompactions > 0
          ? `, ${report.recoveredCompactions} interrupted compactions completed`
          : '') +
        (report.removedTemp > 0 ? `, ${report.removedTemp} temporary files removed` : ''),
    );
    await this.writePath.start();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.maintenance.idle();
    await this.writePath.stop();
    this.errorLog.flush();
    await this.releaseLock?.();
    this.releaseLock = undefined;
  }

  append(tenant: string, flows: FlowBatch): Promise<void> {
    return this.writePath.append(tenant, flows);
  }

  async tenants(): Promise<string[]> {
    return [...new Set([...this.catalog.tenantNames(), ...this.writePath.tenants()])].sort();
  }

  async devices(tenant: string): Promise<DeviceSummary[]> {
    const open = this.writePath.openJobs(tenant, -Infinity, Infinity);
    return deviceSummaries(this.catalog, tenant, open, this.namesOf(tenant), (job) =>
      this.read(job, ['i_device_name']),
    );
  }

  async jobs(request: ScanRequest): Promise<ScanJob[]> {
    if (!(request.from <= request.to))
      throw new RangeError(`bad time range [${request.from}, ${request.to})`);
    const sealed = planSealedJobs(this.catalog, request);
    if ((request.resolution ?? 'minute') !== 'minute') return sealed;
    const open = this.writePath.openJobs(request.tenant, request.from, request.to, request.devices);
    if (open.length === 0) return sealed;
    return [...sealed, ...open].sort(
      (a, b) => a.bucket - b.bucket || a.deviceId - b.deviceId || Number(b.sealed) - Number(a.sealed),
    );
  }

  /**
   * Open minutes return address and keyed columns as rows whatever `options` asks (see
   * read-open.ts); sealed jobs as `readSealedJob` does.
   */
  async read(job: ScanJob, columns: readonly string[], options?: ReadOptions): Promise<JobColumns> {
    if (isSealedLocation(job.location)) {
      try {
        return readSealedJob(job, columns, undefined, options);
      } catch (err) {
        await this.reportReadError(job.tenant, err);
        throw err;
      }
    }
    const location = job.location as OpenLocation;
    const now = this.writePath.openJobs(job.tenant, location.minute, location.minute + 1, [job.deviceId]);
    // Sealed since planning: its rows are in a segment now, which this job does not name.
    if ((now[0]?.rows ?? 0) < job.rows) {
      this.staleReads++;
      throw new StaleJobError(`open minute ${new Date(location.minute).toISOString()}`);
    }
    return this.writePath.readOpen(job.tenant, location.minute, job.deviceId, columns);
  }

  /**
   * For reads done elsewhere (worker threads calling readSealedJob): a CorruptSegmentError is
   * quarantined here, on the main thread; a StaleJobError is counted.
   */
  async reportReadError(tenant: string, err: unknown): Promise<void> {
    if ((err as { code?: unknown }).code === 'stale_job') this.staleReads++;
    if (isCorruption(err) && typeof (err as { path?: unknown }).path === 'string') {
      await this.quarantine(tenant, (err as { path: string }).path, err as Error);
    }
  }

  applyRetention(now: number): Promise<number> {
    return this.maintenance.retention(now);
  }

  /**
   * Rollups of `resolution` are complete before the returned time (see rollup/coverage.ts): the
   * query planner reads rollups up to it and raw minutes after it.
   */
  async rollupsCompleteUntil(tenant: string, resolution: 'hour' | 'day'): Promise<number> {
    return rollupsCompleteUntil(this.catalog, tenant, resolution);
  }

  /** Runs compaction and rollups once (the timer calls it every maintenanceIntervalMs). */
  maintain(now = this.now()): Promise<void> {
    return this.maintenance.compactAndRollUp(now);
  }

  /** Seals open minutes now (`all`: every one, regardless of the grace period). For tests and tools. */
  async sealNow(options: { all?: boolean } = {}): Promise<void> {
    const report = await this.writePath.sealNow(options);
    if (report.errors.length > 0) throw report.errors[0];
  }

  stats(): StoreStats {
    let files = 0;
    let bytes = 0;
    let rows = 0;
    const tenants = this.catalog.tenantNames();
    for (const tenant of tenants) {
      const t = this.catalog.totals(tenant);
      files += t.files;
      bytes += t.bytes;
      rows += t.rows;
    }
    return {
      tenants: tenants.length,
      files,
      bytes,
      rows,
      quarantined: this.quarantined,
      staleReads: this.staleReads,
      maintenance: { ...this.maintenance.stats },
      write: this.writePath.stats(),
    };
  }

  private addSealed(segment: SealedSegment): void {
    const slash = segment.path.lastIndexOf('/');
    const day = segment.minute - (segment.minute % 86_400_000);
    const name = parseSegmentName(day, segment.path.slice(slash + 1));
    if (name === undefined) throw new Error(`sealed segment with an unexpected name: ${segment.path}`);
    const meta = (segment.meta as SegmentMeta | undefined) ?? readSegmentMeta(segment.path);
    this.catalog.add({ path: segment.path, tenant: segment.tenant, name, meta });
  }

  private async quarantine(tenant: string, path: string, err: Error): Promise<void> {
    this.catalog.remove(tenant, path);
    evictReader(path);
    try {
      const target = await quarantineFile(this.config.dataDir, tenant, path);
      this.quarantined++;
      this.errorLog.error('corrupt_segment', `${err.message}; moved to ${target}, the rest stays queryable`);
    } catch (moveErr) {
      if ((moveErr as NodeJS.ErrnoException).code === 'ENOENT') return;
      this.errorLog.error(
        'corrupt_segment',
        `${err.message}; could not quarantine: ${(moveErr as Error).message}`,
      );
    }
  }

  private logReplay(p: ReplayProgress): void {
    if (p.filesTotal === 0) return;
    const state = p.done ? 'done' : `${p.percent.toFixed(0)}%`;
    this.log.info(
      `WAL replay ${state}: ${p.files}/${p.filesTotal} files, ${p.rowsReplayed} rows replayed, ` +
        `${p.rowsSkipped} already sealed, ${p.tornRecords} torn records, ${(p.elapsedMs / 1000).toFixed(1)} s`,
    );
  }

  private namesOf(tenant: string): Map<number, string> {
    let names = this.deviceNames.get(tenant);
    if (names === undefined) {
      names = new Map();
      this.deviceNames.set(tenant, names);
    }
    return names;
  }

  private every(ms: number, task: () => Promise<unknown>): void {
    if (ms <= 0) return;
    const timer = setInterval(() => {
      task().catch((err: Error) => this.errorLog.error('store_maintenance', err.message));
    }, ms);
    timer.unref();
    this.timers.push(timer);
  }
}

export { isStaleJobError, StaleJobError } from './read/errors.js';
export { readSealedJob } from './read/read-sealed.js';
