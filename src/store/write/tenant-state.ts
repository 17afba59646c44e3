import type { ColumnDef } from '../../flow/schema.js';
import type { RowSource } from '../wal/record.js';
import type { WalFile } from '../wal/wal-file.js';
import type { WalWriter } from '../wal/wal-writer.js';
import { OpenBuffer } from './open-buffer.js';

const MINUTE = 60_000;

/** The buffers a record's rows were copied into, and each one's row count after the copy. */
export interface Staged {
  readonly buffers: OpenBuffer[];
  readonly ends: number[];
  rows: number;
}
/** Minutes sealed in this process are remembered this long; older ones are asked of the catalog. */
const SEALED_MEMORY_MS = 6 * 3600_000;

export interface TenantOptions {
  readonly schema: readonly ColumnDef[];
  readonly timeColumn: number;
  readonly deviceColumn: number;
  /** A buffer this large is sealed early (bounds memory); later rows go to a further buffer. */
  readonly maxOpenRows: number;
  /** The highest walLsn among the minute's segments on disk, 0 if it has none. */
  readonly coveredLsn: (tenant: string, minute: number) => number;
  readonly now: () => number;
  /** Called when a buffer filled up and should be sealed soon. */
  readonly onFull: () => void;
}

/** A tenant's WAL and open buffers, by minute (each minute's buffers in the order they are sealed). */
export class TenantState {
  readonly minutes = new Map<number, OpenBuffer[]>();
  private readonly sealed = new Map<number, number>();

  constructor(
    readonly tenant: string,
    public wal: WalWriter | undefined,
    private readonly options: TenantOptions,
  ) {}

  /**
   * Copies the rows of a record into the open buffers of their minutes (a batch may span minutes:
   * each run of rows of one minute is copied as a range), before the record is durable: right
   * after its group's WAL write is issued, so the copy overlaps the write and fsync. Returns what
   * `commit` needs. `skip` leaves out minutes (replay: those a segment already covers).
   */
  stage(source: RowSource, lsn: number, skip?: (minute: number) => boolean): Staged {
    const time = source.arrays[this.options.timeColumn];
    const n = source.length;
    const staged: Staged = { buffers: [], ends: [], rows: 0 };
    let start = 0;
    while (start < n) {
      const minute = time === undefined ? 0 : Math.floor(time[start]! / MINUTE) * MINUTE;
      let end = start + 1;
      if (time === undefined) end = n;
      else while (end < n && time[end]! >= minute && time[end]! < minute + MINUTE) end++;
      if (skip === undefined || !skip(minute)) {
        const buffer = this.bufferFor(minute);
        buffer.columns.appendRange(source, start, end);
        buffer.maxLsn = lsn;
        const at = staged.buffers.indexOf(buffer);
        if (at < 0) {
          staged.buffers.push(buffer);
          staged.ends.push(buffer.columns.length);
        } else staged.ends[at] = buffer.columns.length;
        if (buffer.columns.length >= this.options.maxOpenRows) {
          buffer.frozen = true;
          this.options.onFull();
        }
        staged.rows += end - start;
      }
      start = end;
    }
    return staged;
  }

  /** The staged rows are durable (in LSN order): readers and the sealer may see them. */
  commit(staged: Staged, lsn: number, file: WalFile | undefined): void {
    for (let i = 0; i < staged.buffers.length; i++) staged.buffers[i]!.commit(staged.ends[i]!, lsn, file);
  }

  /** A WAL write failed and every append not yet durable was rejected: drop their rows. */
  rollback(): void {
    for (const buffer of this.buffers()) {
      buffer.rollback();
      if (buffer.columns.length === 0 && !buffer.frozen) {
        this.remove(buffer);
        buffer.columns.release();
      }
    }
  }

  /** The buffer taking new rows of a minute. */
  bufferFor(minute: number): OpenBuffer {
    let list = this.minutes.get(minute);
    const last = list?.at(-1);
    if (last !== undefined && !last.frozen) return last;
    const late =
      last !== undefined || this.sealed.has(minute) || this.options.coveredLsn(this.tenant, minute) > 0;
    const buffer = new OpenBuffer(
      this.options.schema,
      minute,
      late,
      this.options.now(),
      this.options.deviceColumn,
    );
    if (list === undefined) {
      list = [];
      this.minutes.set(minute, list);
    }
    list.push(buffer);
    return buffer;
  }

  /** Drops a sealed buffer (the first of its minute) and remembers that the minute has a segment. */
  dropSealed(buffer: OpenBuffer): void {
    this.remove(buffer);
    const now = this.options.now();
    this.sealed.set(buffer.minute, now);
    for (const [minute, at] of this.sealed) if (now - at > SEALED_MEMORY_MS) this.sealed.delete(minute);
  }

  remove(buffer: OpenBuffer): void {
    const list = this.minutes.get(buffer.minute);
    if (list === undefined) return;
    const at = list.indexOf(buffer);
    if (at >= 0) list.splice(at, 1);
    if (list.length === 0) this.minutes.delete(buffer.minute);
  }

  buffers(): OpenBuffer[] {
    const out: OpenBuffer[] = [];
    for (const list of this.minutes.values()) out.push(...list);
    return out;
  }
}
