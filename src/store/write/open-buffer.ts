import type { NumberArray } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { JobColumns } from '../backend.js';
import type { SegmentPartInput } from '../segment/types.js';
import type { WalFile } from '../wal/wal-file.js';
import { allocate } from './chunk-pool.js';
import { OpenColumns } from './open-columns.js';
import { devicePartRows } from './part-rows.js';

let nextBufferId = 1;

interface DeviceRows {
  rows: Uint32Array;
  count: number;
}

/**
 * The rows of one tenant-minute held in memory until sealed. A minute has one main buffer; rows
 * that arrive once it is being sealed (late flows, or a minute grown past `maxOpenRows`) go to a
 * further buffer sealed as a late segment. Rows are kept in arrival order; a per-device row index
 * is built incrementally when a reader needs it (the sealer groups the rows by device itself).
 */
export class OpenBuffer {
  readonly id = nextBufferId++;
  readonly columns: OpenColumns;
  /** Highest LSN with rows staged in the buffer (durable or not). */
  maxLsn = 0;
  /** Highest LSN whose rows are durable here: the segment's walLsn. */
  durableLsn = 0;
  /** Rows durable in the WAL: what readers and the sealer see. Rows past it await their fsync. */
  durableRows = 0;
  /** The WAL files holding this buffer's rows: released once it is sealed. */
  readonly walFiles = new Set<WalFile>();
  /** Set when sealing starts: later rows of the minute go to a new buffer. */
  frozen = false;
  private readonly devices = new Map<number, DeviceRows>();
  private indexed = 0;

  constructor(
    schema: readonly ColumnDef[],
    readonly minute: number,
    /** True when the minute already has (or will have) a main segment: sealed as a late segment. */
    readonly late: boolean,
    readonly createdAt: number,
    readonly deviceColumn: number,
  ) {
    this.columns = new OpenColumns(schema);
  }

  get rows(): number {
    return this.durableRows;
  }

  /** Rows up to `end` are durable, logged at `lsn` in `file`. */
  commit(end: number, lsn: number, file: WalFile | undefined): void {
    if (end > this.durableRows) this.durableRows = end;
    this.durableLsn = lsn;
    if (file !== undefined && !this.walFiles.has(file)) {
      this.walFiles.add(file);
      file.holders.add(this.id);
    }
  }

  /** Drops rows that did not become durable (their appends were rejected). */
  rollback(): void {
    this.columns.truncate(this.durableRows);
    this.maxLsn = this.durableLsn;
  }

  /** Rows per device id, for the planner. */
  deviceCounts(): Map<number, number> {
    this.index();
    const out = new Map<number, number>();
    for (const [id, d] of this.devices) out.set(id, d.count);
    return out;
  }

  /** The rows of each device, for the segment writer (sorted by device id). */
  parts(): SegmentPartInput[] {
    const batch = this.columns.asBatch();
    batch.length = this.durableRows;
    return devicePartRows(batch.arrays[this.deviceColumn], this.durableRows).map(({ deviceId, rows }) => ({
      bucket: this.minute,
      deviceId,
      batch,
      rows,
    }));
  }

  /** Copies out the named columns of one device's rows (fresh arrays: safe to post to a worker). */
  read(deviceId: number, names: readonly string[]): JobColumns {
    this.index();
    const d = this.devices.get(deviceId);
    const n = d?.count ?? 0;
    const rows = d?.rows ?? new Uint32Array(0);
    const columns: Record<string, NumberArray> = {};
    const dicts: Record<string, readonly string[]> = {};
    const schema = this.columns.schema;
    for (const name of names) {
      const i = schema.findIndex((col) => col.name === name);
      if (i < 0) throw new Error(`unknown column ${name}`);
      const type = schema[i]!.type;
      const out = allocate(type, n);
      if (type === 'addr') for (let r = 0; r < n; r++) this.columns.copyAddr(i, rows[r]!, out, r * 16);
      else for (let r = 0; r < n; r++) out[r] = this.columns.get(i, rows[r]!);
      columns[name] = out;
      if (type === 'string') dicts[name] = [...(this.columns.dicts[i]?.values ?? [''])];
    }
    return { rows: n, columns, dicts };
  }

  /** Extends the per-device row index to the rows appended since the last call. */
  private index(): void {
    const end = this.durableRows;
    if (this.indexed === end) return;
    const columns = this.columns;
    const deviceColumn = this.deviceColumn;
    let lastId = -1;
    let current: DeviceRows | undefined;
    for (let r = this.indexed; r < end; r++) {
      const id = columns.get(deviceColumn, r);
      if (id !== lastId || current === undefined) {
        lastId = id;
        current = this.devices.get(id);
        if (current === undefined) {
          current = { rows: new Uint32Array(1024), count: 0 };
          this.devices.set(id, current);
        }
      }
      if (current.count === current.rows.length) {
        const grown = new Uint32Array(current.rows.length * 2);
        grown.set(current.rows);
        current.rows = grown;
      }
      current.rows[current.count++] = r;
    }
    this.indexed = end;
  }
}
