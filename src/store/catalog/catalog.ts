import type { Resolution } from '../backend.js';
import type { SegmentMeta, SegmentTable } from '../segment/types.js';
import { bucketStart, HOUR_MS, type SegmentName } from './layout.js';

/** One segment file known to the catalog: its path, what its name says, and its metadata. */
export interface CatalogFile {
  readonly path: string;
  readonly tenant: string;
  readonly name: SegmentName;
  readonly meta: SegmentMeta;
}

/** The files of one tenant, kept sorted by start time per table for range lookups. */
class TenantFiles {
  readonly byPath = new Map<string, CatalogFile>();
  private sorted: { flows: CatalogFile[]; rollup: CatalogFile[] } | undefined;

  list(table: SegmentTable): CatalogFile[] {
    if (this.sorted === undefined) {
      const flows: CatalogFile[] = [];
      const rollup: CatalogFile[] = [];
      for (const file of this.byPath.values()) (file.name.table === 'flows' ? flows : rollup).push(file);
      const order = (a: CatalogFile, b: CatalogFile) =>
        a.name.start - b.name.start || (a.path < b.path ? -1 : 1);
      this.sorted = { flows: flows.sort(order), rollup: rollup.sort(order) };
    }
    return this.sorted[table];
  }

  changed(): void {
    this.sorted = undefined;
  }
}

/**
 * What is on disk: for every tenant, the sealed segment files with their per-part statistics. Built
 * at start by scanning the data directory (catalog/scan.ts), then kept current by the write path
 * (sealed minutes, late segments), compaction, rollups, retention and quarantine. Lookups are by
 * tenant, table and time range; nothing here does I/O.
 */
export class Catalog {
  private readonly tenants = new Map<string, TenantFiles>();
  /** Bumped on every change, so callers can cache derived views. */
  version = 0;

  tenantNames(): string[] {
    return [...this.tenants.keys()].sort();
  }

  add(file: CatalogFile): void {
    let files = this.tenants.get(file.tenant);
    if (files === undefined) {
      files = new TenantFiles();
      this.tenants.set(file.tenant, files);
    }
    files.byPath.set(file.path, file);
    files.changed();
    this.version++;
  }

  /** Removes a file; returns it, or undefined when it was not known. */
  remove(tenant: string, path: string): CatalogFile | undefined {
    const files = this.tenants.get(tenant);
    const file = files?.byPath.get(path);
    if (files === undefined || file === undefined) return undefined;
    files.byPath.delete(path);
    files.changed();
    this.version++;
    return file;
  }

  /** Replaces `inputs` by `outputs` in one step (compaction), so no lookup sees both or neither. */
  replace(tenant: string, inputs: readonly string[], outputs: readonly CatalogFile[]): void {
    const files = this.tenants.get(tenant);
    if (files !== undefined) for (const path of inputs) files.byPath.delete(path);
    for (const file of outputs) this.add(file);
    files?.changed();
    this.version++;
  }

  get(tenant: string, path: string): CatalogFile | undefined {
    return this.tenants.get(tenant)?.byPath.get(path);
  }

  /** Every file of a tenant's table, sorted by start time. */
  files(tenant: string, table: SegmentTable): readonly CatalogFile[] {
    return this.tenants.get(tenant)?.list(table) ?? [];
  }

  /** The files of a table whose time span intersects [from, to), sorted by start time. */
  overlapping(tenant: string, table: SegmentTable, from: number, to: number): CatalogFile[] {
    const list = this.files(tenant, table);
    // A file spans at most a day: start the scan a day before `from`.
    let lo = 0;
    let hi = list.length;
    const earliest = from - 86_400_000;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (list[mid]!.name.start < earliest) lo = mid + 1;
      else hi = mid;
    }
    const out: CatalogFile[] = [];
    for (let i = lo; i < list.length; i++) {
      const file = list[i]!;
      if (file.name.start >= to) break;
      if (file.name.end > from) out.push(file);
    }
    return out;
  }

  /** Flows files (or rollup files of a resolution) whose span intersects [from, to). */
  filesFor(tenant: string, resolution: Resolution, from: number, to: number): CatalogFile[] {
    if (resolution === 'minute') return this.overlapping(tenant, 'flows', from, to);
    return this.overlapping(tenant, 'rollup', from, to).filter((f) => f.name.resolution === resolution);
  }

  /**
   * The highest WAL sequence number whose rows for `minute` are in sealed files: WAL replay skips
   * rows of that minute from records at or below it. Hourly files count for every minute of their
   * hour (compaction runs only after a flush of the write path, see compact/hourly.ts).
   */
  coveredLsn(tenant: string, minute: number): number {
    const hour = bucketStart(minute, 'hour');
    let lsn = 0;
    for (const file of this.overlapping(tenant, 'flows', minute, minute + 1)) {
      const covers = file.name.kind === 'hour' ? file.name.start === hour : file.name.start === minute;
      if (covers && file.meta.header.walLsn > lsn) lsn = file.meta.header.walLsn;
    }
    return lsn;
  }

  /** The highest walLsn of any segment of a tenant: the write path never assigns LSNs below it. */
  maxWalLsn(tenant: string): number {
    let lsn = 0;
    for (const file of this.files(tenant, 'flows'))
      if (file.meta.header.walLsn > lsn) lsn = file.meta.header.walLsn;
    return lsn;
  }

  /** Totals for `store inspect` and metrics. */
  totals(tenant: string): { files: number; bytes: number; rows: number } {
    let files = 0;
    let bytes = 0;
    let rows = 0;
    for (const table of ['flows', 'rollup'] as const) {
      for (const file of this.files(tenant, table)) {
        files++;
        bytes += file.meta.bytes;
        if (table === 'flows') for (const part of file.meta.parts) rows += part.rows;
      }
    }
    return { files, bytes, rows };
  }
}

/** The hour that a file's parts belong to, for grouping minute files into hourly compaction. */
export function hourOf(file: CatalogFile): number {
  return file.name.start - (file.name.start % HOUR_MS);
}
