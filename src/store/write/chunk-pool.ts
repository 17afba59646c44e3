import { allocateColumn, type NumberArray } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';

/** Rows per chunk (a power of two: row r is in chunk r >>> CHUNK_SHIFT at r & CHUNK_MASK). */
export const CHUNK_SHIFT = 16;
export const CHUNK_ROWS = 1 << CHUNK_SHIFT;
export const CHUNK_MASK = CHUNK_ROWS - 1;

export { allocateColumn as allocate };

const bytesPerCell: Record<ColumnType, number> = {
  u8: 1,
  u16: 2,
  u32: 4,
  string: 4,
  addr: 16,
  u64: 8,
  time: 8,
  mac: 8,
};

/** Like `allocate`, over a SharedArrayBuffer (posted to the seal worker without a copy). */
export function allocateShared(type: ColumnType, rows: number): NumberArray {
  const buffer = new SharedArrayBuffer(rows * bytesPerCell[type]);
  switch (type) {
    case 'u8':
    case 'addr':
      return new Uint8Array(buffer);
    case 'u16':
      return new Uint16Array(buffer);
    case 'u32':
    case 'string':
      return new Uint32Array(buffer);
    default:
      return new Float64Array(buffer);
  }
}

/**
 * Column chunks for open buffers, kept after a buffer is sealed for the next one (up to
 * `maxBytes`), so steady ingest does not keep asking the OS for fresh, page-faulting memory.
 * Chunks come back as they were left, not cleared (OpenColumns writes every row it exposes):
 * zeroing them cost the main thread ~40 ns per row sealed.
 */
export class ChunkPool {
  private readonly free = new Map<ColumnType, NumberArray[]>();
  private bytes = 0;

  constructor(private readonly maxBytes: number) {}

  take(type: ColumnType): NumberArray {
    const chunk = this.free.get(type)?.pop();
    if (chunk === undefined) return allocateShared(type, CHUNK_ROWS);
    this.bytes -= chunk.byteLength;
    return chunk;
  }

  give(type: ColumnType, chunk: NumberArray): void {
    if (this.bytes + chunk.byteLength > this.maxBytes) return;
    let list = this.free.get(type);
    if (list === undefined) {
      list = [];
      this.free.set(type, list);
    }
    list.push(chunk);
    this.bytes += chunk.byteLength;
  }

  pooledBytes(): number {
    return this.bytes;
  }
}

export const chunkPool = new ChunkPool(256 * 1024 * 1024);
