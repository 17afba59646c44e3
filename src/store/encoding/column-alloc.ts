import type { NumberArray } from '../../flow/batch.js';
import { bytesPerRow } from '../../flow/column-types.js';
import type { ColumnType } from '../../flow/schema.js';

/**
 * Where decoded columns go. A decoder writes every element of the array it is given, so arrays
 * need not be zeroed. `allocate(name, type, rows)` returns an array for `rows` rows of `type`
 * (Uint8/16/32 for u8/u16/u32 and string codes, Float64 for u64/time/mac, 16 bytes per row for
 * addresses), starting 8-aligned in its buffer.
 */
export type ColumnAllocator = (name: string, type: ColumnType, rows: number) => NumberArray;

/** An array of `type` over `rows` rows of `buffer` from byte `offset` (a multiple of 8). */
export function columnView(
  type: ColumnType,
  buffer: ArrayBufferLike,
  offset: number,
  rows: number,
): NumberArray {
  switch (type) {
    case 'u8':
      return new Uint8Array(buffer, offset, rows);
    case 'u16':
      return new Uint16Array(buffer, offset, rows);
    case 'u32':
    case 'string':
      return new Uint32Array(buffer, offset, rows);
    case 'addr':
      return new Uint8Array(buffer, offset, rows * 16);
    default:
      return new Float64Array(buffer, offset, rows);
  }
}

/** A fresh array that is not zeroed (Buffer.allocUnsafeSlow): for decoders, which write every element. */
export const allocateUninitialized: ColumnAllocator = (_name, type, rows) =>
  columnView(type, Buffer.allocUnsafeSlow(Math.max(8, rows * bytesPerRow(type))).buffer, 0, rows);

/**
 * Memory for decoded columns reused from one read to the next: a query worker that consumes a
 * job's columns before it reads the next job passes one of these to `readSealedJob` or
 * `SegmentReader.readPart`, and decoding then allocates nothing once the buffers have grown to
 * the largest job. Fresh memory costs more than the allocation: every new page of a
 * multi-megabyte output is a page fault, and the garbage collector has to release it again.
 *
 * Arrays handed out are valid until the next read that uses the same ReadBuffers.
 */
export class ReadBuffers {
  private readonly buffers = new Map<string, ArrayBuffer>();

  readonly allocate: ColumnAllocator = (name, type, rows) => {
    const bytes = rows * bytesPerRow(type);
    let buffer = this.buffers.get(name);
    if (buffer === undefined || buffer.byteLength < bytes) {
      const size = Math.max(bytes, Math.ceil((buffer?.byteLength ?? 0) * 1.5), 1024);
      buffer = Buffer.allocUnsafeSlow(size).buffer as ArrayBuffer;
      this.buffers.set(name, buffer);
    }
    return columnView(type, buffer, 0, rows);
  };

  /** Bytes held, for a worker's memory accounting. */
  get bytes(): number {
    let total = 0;
    for (const buffer of this.buffers.values()) total += buffer.byteLength;
    return total;
  }
}

/**
 * Allocation names of an address column's dictionary form (`ReadOptions.addressDicts`): the
 * rows' indexes, and the entries (`entriesName('')`: the part's dictionary shared by src_addr
 * and dst_addr). A NUL never occurs in a column name.
 */
export const indexesName = (column: string): string => `${column}\u0000indexes`;
export const entriesName = (column: string): string => `${column}\u0000entries`;
/** Allocation name of a keyed column's table (`ReadOptions.keyed`). */
export const tableName = (column: string): string => `${column}\u0000table`;
/**
 * Whether an allocation is a part's own (dictionary entries, keyed tables) rather than rows of
 * the part: a job of several parts does not lay these end to end.
 */
export const isPartOwnName = (name: string): boolean =>
  name.endsWith('\u0000entries') || name.endsWith('\u0000table');
