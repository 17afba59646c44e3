import { ColumnBatch, type NumberArray, StringDict } from '../../flow/batch.js';
import type { ColumnDef, ColumnType } from '../../flow/schema.js';
import type { RowSource } from '../wal/record.js';
import { allocate, CHUNK_MASK, CHUNK_ROWS, CHUNK_SHIFT, chunkPool } from './chunk-pool.js';

const sharedZeros = new Map<ColumnType, NumberArray>();

/** A read-only all-zero array of at least `rows` rows (shared: never write to it). */
export function zeroColumn(type: ColumnType, rows: number): NumberArray {
  const width = type === 'addr' ? 16 : 1;
  let zeros = sharedZeros.get(type);
  if (zeros === undefined || zeros.length < rows * width) {
    zeros = allocate(type, Math.max(rows, 4096));
    sharedZeros.set(type, zeros);
  }
  return zeros;
}

/**
 * The rows of an open minute, column by column, in fixed-size chunks: appends copy typed-array
 * ranges into them (nothing is allocated per row, nothing is re-copied as the buffer grows), a
 * column gets chunks only once some row has a value in it (router flows leave the ~35 host-agent
 * columns empty), and chunks go back to a pool when the buffer is sealed, so a steady ingest
 * reuses the same memory minute after minute. Rows stay in arrival order: grouping them per
 * device is left to the sealer (off the main thread), which measured cheaper than grouping on
 * append (docs/store.md, "Write-path speed").
 */
export class OpenColumns {
  readonly chunks: (NumberArray[] | undefined)[];
  readonly dicts: (StringDict | undefined)[];
  length = 0;

  constructor(readonly schema: readonly ColumnDef[]) {
    this.chunks = new Array(schema.length).fill(undefined);
    this.dicts = new Array(schema.length).fill(undefined);
  }

  /**
   * Appends rows start..end of `source`; strings are re-coded into this buffer's dictionaries.
   * Chunks come from the pool as they were left (not cleared): every row below `length` of a
   * column with chunks is written here, copied or zero-filled when the batch lacks the column.
   */
  appendRange(source: RowSource, start: number, end: number): void {
    if (end <= start) return;
    const base = this.length;
    for (let i = 0; i < this.schema.length; i++) {
      const src = source.arrays[i];
      if (src === undefined) {
        if (this.chunks[i] !== undefined) this.zero(i, base, base + end - start);
        continue;
      }
      const type = this.schema[i]!.type;
      const chunks = this.column(i);
      let remap: Uint32Array | undefined;
      if (type === 'string') {
        const values = source.dicts[i] ?? [''];
        const dict = this.dicts[i]!;
        remap = new Uint32Array(Math.max(1, values.length));
        for (let k = 1; k < values.length; k++) remap[k] = dict.code(values[k]!);
      }
      const width = type === 'addr' ? 16 : 1;
      let at = base;
      let from = start;
      while (from < end) {
        const c = at >>> CHUNK_SHIFT;
        const offset = at & CHUNK_MASK;
        const take = Math.min(end - from, CHUNK_ROWS - offset);
        while (chunks.length <= c) chunks.push(chunkPool.take(type));
        const dst = chunks[c]!;
        if (remap !== undefined) {
          for (let r = 0; r < take; r++) dst[offset + r] = remap[src[from + r]!]!;
        } else {
          dst.set(src.subarray(from * width, (from + take) * width) as never, offset * width);
        }
        at += take;
        from += take;
      }
    }
    this.length += end - start;
  }

  /** Zero-fills rows from..to of column i (taking chunks as needed). */
  private zero(i: number, from: number, to: number): void {
    const chunks = this.chunks[i]!;
    const type = this.schema[i]!.type;
    const width = type === 'addr' ? 16 : 1;
    for (let at = from; at < to; ) {
      const c = at >>> CHUNK_SHIFT;
      const offset = at & CHUNK_MASK;
      const take = Math.min(to - at, CHUNK_ROWS - offset);
      while (chunks.length <= c) chunks.push(chunkPool.take(type));
      chunks[c]!.fill(0, offset * width, (offset + take) * width);
      at += take;
    }
  }

  /** The value of a non-address column at a row. */
  get(column: number, row: number): number {
    const chunk = this.chunks[column]?.[row >>> CHUNK_SHIFT];
    return chunk === undefined ? 0 : chunk[row & CHUNK_MASK]!;
  }

  /** Copies one address (16 bytes) of a row into `out` at `at`. */
  copyAddr(column: number, row: number, out: NumberArray, at: number): void {
    const chunk = this.chunks[column]?.[row >>> CHUNK_SHIFT];
    if (chunk === undefined) return;
    const from = (row & CHUNK_MASK) * 16;
    for (let k = 0; k < 16; k++) out[at + k] = chunk[from + k]!;
  }

  /** Drops rows from `rows` on (rejected appends); later appends write those rows again. */
  truncate(rows: number): void {
    if (rows < this.length) this.length = rows;
  }

  /** Bytes held in memory (a gauge). */
  bytes(): number {
    let bytes = 0;
    for (const chunks of this.chunks) for (const chunk of chunks ?? []) bytes += chunk.byteLength;
    return bytes;
  }

  /**
   * The rows as a ColumnBatch for the segment writer: each written column copied into one array
   * (a single chunk is used as is); columns never written share read-only zero arrays.
   */
  asBatch(): ColumnBatch<string> {
    const n = this.length;
    const batch = new ColumnBatch<string>(this.schema, 16);
    for (let i = 0; i < this.schema.length; i++) {
      const type = this.schema[i]!.type;
      const chunks = this.chunks[i];
      if (chunks === undefined) batch.arrays[i] = zeroColumn(type, n);
      else if (n <= CHUNK_ROWS) batch.arrays[i] = chunks[0]!.subarray(0, n * (type === 'addr' ? 16 : 1));
      else {
        const width = type === 'addr' ? 16 : 1;
        const out = allocate(type, n);
        chunks.forEach((chunk, c) => {
          const rows = Math.min(CHUNK_ROWS, n - c * CHUNK_ROWS);
          if (rows > 0) out.set(chunk.subarray(0, rows * width) as never, c * CHUNK_ROWS * width);
        });
        batch.arrays[i] = out;
      }
      const dict = this.dicts[i];
      if (dict !== undefined) batch.dicts[i] = dict;
    }
    batch.capacity = Math.max(n, 16);
    batch.length = n;
    return batch;
  }

  /** Returns the chunks to the pool (the buffer is sealed and dropped). */
  release(): void {
    for (let i = 0; i < this.chunks.length; i++) {
      const chunks = this.chunks[i];
      if (chunks === undefined) continue;
      for (const chunk of chunks) chunkPool.give(this.schema[i]!.type, chunk);
      this.chunks[i] = undefined;
    }
    this.length = 0;
  }

  /** The chunks of column i, created (rows so far zero-filled) on its first value. */
  private column(i: number): NumberArray[] {
    let chunks = this.chunks[i];
    if (chunks === undefined) {
      chunks = [];
      this.chunks[i] = chunks;
      if (this.schema[i]!.type === 'string') this.dicts[i] = new StringDict();
      if (this.length > 0) this.zero(i, 0, this.length);
    }
    return chunks;
  }
}
