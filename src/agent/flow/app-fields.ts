import type { FlowBatch } from '../../flow/batch.js';
import { type ColumnType, flowColumns } from '../../flow/schema.js';
import type { AppFieldSink } from '../contract.js';

type FieldValue = string | number | Uint8Array;

/** The host-agent columns a decoder may write, by name: index and type. */
const hostColumns = new Map<string, { index: number; type: ColumnType }>(
  flowColumns.flatMap((col, index) => (col.source === 'host' ? [[col.name, { index, type: col.type }]] : [])),
);

const maxOf: Partial<Record<ColumnType, number>> = {
  u8: 0xff,
  u16: 0xffff,
  u32: 0xffff_ffff,
  u64: Number.MAX_SAFE_INTEGER,
  mac: 2 ** 48 - 1,
};

/**
 * Application fields waiting for their flow's next record, per flow slot. Only flows whose
 * decoder found something hold a map; values are what the decoders copied out (strings) or small
 * copies (addresses). `slot` is the flow the decoder currently writes for.
 */
export class AppFields implements AppFieldSink {
  slot = 0;
  /** Fields refused: not a host-agent column, wrong type, or out of range. */
  errors = 0;
  private readonly pending: (Map<number, FieldValue> | undefined)[];

  constructor(capacity: number) {
    this.pending = new Array<Map<number, FieldValue> | undefined>(capacity);
  }

  setString(column: string, value: string): void {
    const col = hostColumns.get(column);
    if (col === undefined || col.type !== 'string') this.errors++;
    else this.put(col.index, value);
  }

  setNumber(column: string, value: number): void {
    const col = hostColumns.get(column);
    const max = col === undefined ? undefined : maxOf[col.type];
    if (col === undefined || max === undefined || !Number.isInteger(value) || value < 0 || value > max)
      this.errors++;
    else this.put(col.index, value);
  }

  setAddress(column: string, buf: Uint8Array, offset: number, length: 4 | 16): void {
    const col = hostColumns.get(column);
    if (col === undefined || col.type !== 'addr' || offset < 0 || offset + length > buf.length) {
      this.errors++;
      return;
    }
    const addr = new Uint8Array(16);
    if (length === 4) {
      addr[10] = addr[11] = 0xff;
      addr.set(buf.subarray(offset, offset + 4), 12);
    } else addr.set(buf.subarray(offset, offset + 16));
    this.put(col.index, addr);
  }

  /** Whether the slot's next record has `column` (an index into the flow schema) set. */
  has(slot: number, column: number): boolean {
    return this.pending[slot]?.has(column) ?? false;
  }

  hasAny(slot: number): boolean {
    return (this.pending[slot]?.size ?? 0) > 0;
  }

  /** Writes the slot's fields into row `row` of `batch` and forgets them. */
  write(slot: number, batch: FlowBatch, row: number): void {
    const fields = this.pending[slot];
    if (fields === undefined || fields.size === 0) return;
    for (const [i, value] of fields) {
      batch.touch(i);
      const arr = batch.arrays[i]!;
      if (typeof value === 'string') arr[row] = batch.dicts[i]!.code(value);
      else if (typeof value === 'number') arr[row] = value;
      else (arr as Uint8Array).set(value, row * 16);
    }
    fields.clear();
  }

  /** Forgets the slot's fields (its flow is gone). */
  drop(slot: number): void {
    this.pending[slot]?.clear();
  }

  private put(column: number, value: FieldValue): void {
    let fields = this.pending[this.slot];
    if (fields === undefined) {
      fields = new Map();
      this.pending[this.slot] = fields;
    }
    fields.set(column, value);
  }
}
