import { readSync } from 'node:fs';
import { BlockDecompressor } from '../encoding/compress.js';
import { crc32c } from '../encoding/crc32c.js';
import { xxh32 } from '../encoding/xxh32.js';
import type { BlockEntry } from './format.js';
import { CorruptSegmentError } from './types.js';

/** Reads exactly `length` bytes at `position`, or fails as truncated. */
export function readExactly(fd: number, into: Uint8Array, length: number, position: number): void {
  let done = 0;
  while (done < length) {
    const n = readSync(fd, into, done, length - done, position + done);
    if (n === 0) throw new Error(`file ends before byte ${position + length}`);
    done += n;
  }
}

/** A scratch buffer at offset 0 of its own ArrayBuffer, so typed-array views of it are aligned. */
function grow(buf: Uint8Array, size: number): Uint8Array {
  return buf.length >= size ? buf : new Uint8Array(new ArrayBuffer(Math.max(size, buf.length * 2)));
}

/**
 * The blocks of one segment file: read (several at once when they lie together), checked against
 * their checksum, and decompressed into reusable memory. Synchronous, for worker threads too.
 */
export class BlockSource {
  private readonly decompressor = new BlockDecompressor();
  private stored: Uint8Array = new Uint8Array(new ArrayBuffer(1 << 16));
  /** Decompressed blocks; several stay valid at once (`raw(…, slot)`), one buffer per slot. */
  private readonly raws: Uint8Array[] = [];
  /** Blocks that do not start 4-aligned in `span` are copied here for the word-wise checksum. */
  private aligned: Uint8Array = new Uint8Array(new ArrayBuffer(1 << 16));
  /** Bytes [spanStart, spanEnd) of the file, read ahead by `prefetch`. */
  private span: Uint8Array = new Uint8Array(new ArrayBuffer(1 << 16));
  private spanStart = 0;
  private spanEnd = 0;

  constructor(
    private readonly path: string,
    private fd: number,
    /** Format version 2 checks blocks with CRC32C, later versions with XXH32. */
    private readonly version: number,
  ) {}

  /**
   * Reads the given blocks with one read when they lie close together (a part's blocks are
   * adjacent), instead of one read per block. Until `release`, `raw` serves them from memory.
   */
  prefetch(blocks: readonly BlockEntry[]): void {
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    let needed = 0;
    for (const block of blocks) {
      start = Math.min(start, block.offset);
      end = Math.max(end, block.offset + block.length);
      needed += block.length;
    }
    this.release();
    if (needed === 0 || end - start > 2 * needed + 65536) return;
    this.span = grow(this.span, end - start);
    try {
      readExactly(this.fd, this.span, end - start, start);
    } catch {
      return; // the per-block reads report it, naming the block
    }
    this.spanStart = start;
    this.spanEnd = end;
  }

  release(): void {
    this.spanStart = 0;
    this.spanEnd = 0;
  }

  /**
   * The block's decompressed bytes, checksum checked, in the buffer of `slot` (valid until the
   * next call with that slot). Throws CorruptSegmentError naming `where`.
   */
  raw(block: BlockEntry, where: string, slot = 0): Uint8Array {
    if (this.fd < 0) throw new Error(`segment ${this.path} is closed`);
    let stored: Uint8Array;
    if (block.offset >= this.spanStart && block.offset + block.length <= this.spanEnd) {
      const at = block.offset - this.spanStart;
      stored = this.span.subarray(at, at + block.length);
    } else {
      this.stored = grow(this.stored, block.length);
      try {
        readExactly(this.fd, this.stored, block.length, block.offset);
      } catch (err) {
        throw new CorruptSegmentError(this.path, `${where}: ${(err as Error).message}`);
      }
      stored = this.stored.subarray(0, block.length);
    }
    if (this.checksum(stored) !== block.crc) {
      throw new CorruptSegmentError(this.path, `${where}: checksum mismatch`);
    }
    const buffer = grow(this.raws[slot] ?? new Uint8Array(new ArrayBuffer(1 << 16)), block.rawLength);
    this.raws[slot] = buffer;
    const raw = buffer.subarray(0, block.rawLength);
    try {
      this.decompressor.decompress(block.codec, stored, raw);
    } catch (err) {
      throw new CorruptSegmentError(this.path, `${where}: ${(err as Error).message}`);
    }
    return raw;
  }

  close(): void {
    this.fd = -1;
  }

  private checksum(stored: Uint8Array): number {
    if (this.version === 2) return crc32c(stored);
    if (stored.byteOffset % 4 === 0) return xxh32(stored);
    this.aligned = grow(this.aligned, stored.length);
    this.aligned.set(stored);
    return xxh32(this.aligned.subarray(0, stored.length));
  }
}
