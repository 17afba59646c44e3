/** Block sizes are 16 << class bytes. */
const MIN_SHIFT = 4;
const CLASSES = 28;
const NONE = -1;

/** The block class that holds `length` bytes (16 bytes and less: class 0). */
export function blockClass(length: number): number {
  return length <= 16 ? 0 : 32 - Math.clz32(length - 1) - MIN_SHIFT;
}

/**
 * The bytes of text fields waiting for their flow's record, in one growing buffer: blocks of
 * 16 << class bytes, a freed block going back to its class's list (the link kept in its first
 * four bytes) for the next text of that class. Values held until a record is written (often a
 * minute) are bytes here rather than strings on V8's heap, which each young-generation GC would
 * copy until they were promoted.
 */
export class TextArena {
  bytes: Uint8Array;
  private top = 0;
  private readonly free = new Int32Array(CLASSES).fill(NONE);

  constructor(initialBytes = 1 << 16) {
    this.bytes = new Uint8Array(Math.max(64, initialBytes));
  }

  /** Bytes taken by blocks, in use or free. */
  get size(): number {
    return this.top;
  }

  /** A copy of `buf[start..end)` (not empty); returns its offset in `bytes`. */
  store(buf: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const c = blockClass(length);
    let at = this.free[c]!;
    if (at !== NONE) this.free[c] = this.link(at);
    else {
      const size = 16 << c;
      if (this.top + size > this.bytes.length) this.grow(this.top + size);
      at = this.top;
      this.top += size;
    }
    const bytes = this.bytes;
    if (length <= 32) for (let i = 0; i < length; i++) bytes[at + i] = buf[start + i]!;
    else bytes.set(buf.subarray(start, end), at);
    return at;
  }

  /** Gives back the block at `at` that holds `length` bytes. */
  release(at: number, length: number): void {
    const c = blockClass(length);
    const b = this.bytes;
    const next = this.free[c]!;
    b[at] = next >>> 24;
    b[at + 1] = next >>> 16;
    b[at + 2] = next >>> 8;
    b[at + 3] = next;
    this.free[c] = at;
  }

  private link(at: number): number {
    const b = this.bytes;
    return (b[at]! << 24) | (b[at + 1]! << 16) | (b[at + 2]! << 8) | b[at + 3]!;
  }

  private grow(need: number): void {
    let size = this.bytes.length * 2;
    while (size < need) size *= 2;
    const grown = new Uint8Array(size);
    grown.set(this.bytes.subarray(0, this.top));
    this.bytes = grown;
  }
}
