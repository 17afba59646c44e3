import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import type { NumberArray } from '../../flow/batch.js';
import type { JobColumns } from '../backend.js';
import { allocateUninitialized, type ColumnAllocator } from '../encoding/column-alloc.js';
import {
  applyReference,
  type DecodedColumn,
  decodeColumn,
  ENCODING_RELATIVE,
} from '../encoding/column-codec.js';
import { BlockDecompressor } from '../encoding/compress.js';
import { crc32c } from '../encoding/crc32c.js';
import { xxh32 } from '../encoding/xxh32.js';
import {
  type BlockEntry,
  decodeFooter,
  FILE_MAGIC,
  FORMAT_VERSION,
  type Footer,
  HEADER_SIZE,
  OLDEST_READABLE_VERSION,
  TRAILER_MAGIC,
  TRAILER_SIZE,
} from './format.js';
import { describeColumn, knownColumn } from './known-columns.js';
import { segmentMeta } from './meta.js';
import { CorruptSegmentError, type SegmentMeta, type SegmentReader } from './types.js';

/** Footers and blocks above this are treated as corruption rather than allocated. */
const MAX_BLOCK = 1 << 30;

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Reads exactly `length` bytes at `position`, or fails as truncated. */
function readExactly(fd: number, into: Uint8Array, length: number, position: number): void {
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

class FileSegmentReader implements SegmentReader {
  readonly meta: SegmentMeta;
  private readonly columnIndex = new Map<string, number>();
  private readonly decompressor = new BlockDecompressor();
  private stored: Uint8Array = new Uint8Array(new ArrayBuffer(1 << 16));
  private raw: Uint8Array = new Uint8Array(new ArrayBuffer(1 << 16));
  /** Blocks that do not start 4-aligned in `span` are copied here for the word-wise checksum. */
  private aligned: Uint8Array = new Uint8Array(new ArrayBuffer(1 << 16));
  /** Decoded columns a read needs but was not asked for (the reference of a relative column). */
  private readonly scratch = new Map<number, NumberArray>();
  /** Bytes [spanStart, spanEnd) of the file, read ahead by `prefetch` for the current readPart. */
  private span: Uint8Array = new Uint8Array(new ArrayBuffer(1 << 16));
  private spanStart = 0;
  private spanEnd = 0;
  private fd: number;

  constructor(
    readonly path: string,
    fd: number,
    private readonly footer: Footer,
    size: number,
    /** Format version 2 checks blocks with CRC32C, version 3 with XXH32. */
    private readonly version: number,
  ) {
    this.fd = fd;
    this.meta = segmentMeta(footer, size);
    for (const [i, col] of footer.schema.entries()) this.columnIndex.set(col.name, i);
  }

  readPart(part: number, columns: readonly string[], allocate?: ColumnAllocator): JobColumns {
    const entry = this.footer.parts[part];
    if (entry === undefined) throw new RangeError(`segment ${this.path} has no part ${part}`);
    const out: Record<string, NumberArray> = {};
    const dicts: Record<string, readonly string[]> = {};
    const decoded = new Map<number, DecodedColumn>();
    const alloc = allocate ?? allocateUninitialized;
    const wanted = new Set(columns);
    this.prefetch(entry.blocks, columns);
    for (const name of columns) {
      const c = this.columnIndex.get(name);
      if (c === undefined) {
        const col = knownColumn(name);
        if (col === undefined) throw new Error(`unknown column ${name}`);
        const zero = alloc(name, col.type, entry.rows);
        zero.fill(0);
        out[name] = zero;
        if (col.type === 'string') dicts[name] = [''];
        continue;
      }
      const column = this.column(part, c, decoded, (i) => {
        const col = this.footer.schema[i]!;
        return wanted.has(col.name) ? alloc(col.name, col.type, entry.rows) : this.scratchFor(i, entry.rows);
      });
      out[name] = column.array;
      if (column.dict !== undefined) dicts[name] = column.dict;
    }
    this.spanEnd = this.spanStart;
    return { rows: entry.rows, columns: out, dicts };
  }

  /** Reader-owned memory for a column decoded only as another column's reference. */
  private scratchFor(c: number, rows: number): NumberArray {
    const type = this.footer.schema[c]!.type;
    let array = this.scratch.get(c);
    if (array === undefined || array.length < rows * (type === 'addr' ? 16 : 1)) {
      array = allocateUninitialized('', type, rows);
      this.scratch.set(c, array);
    }
    return array.subarray(0, rows * (type === 'addr' ? 16 : 1));
  }

  /**
   * Reads the requested blocks of a part with one read when they lie close together (a part's
   * blocks are adjacent in schema order), instead of one read per column.
   */
  private prefetch(blocks: readonly BlockEntry[], columns: readonly string[]): void {
    let start = Number.POSITIVE_INFINITY;
    let end = 0;
    let needed = 0;
    for (const name of columns) {
      const block = blocks[this.columnIndex.get(name) ?? -1];
      if (block === undefined) continue;
      start = Math.min(start, block.offset);
      end = Math.max(end, block.offset + block.length);
      needed += block.length;
    }
    this.spanStart = 0;
    this.spanEnd = 0;
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

  /** Decodes column `c` of a part, and the column it is stored relative to, if any (once per call). */
  private column(
    part: number,
    c: number,
    decoded: Map<number, DecodedColumn>,
    target: (c: number) => NumberArray,
  ): DecodedColumn {
    const done = decoded.get(c);
    if (done !== undefined) return done;
    const entry = this.footer.parts[part]!;
    const where = `part ${part} column ${this.footer.schema[c]!.name}`;
    const column = this.decodeBlock(entry.blocks[c]!, c, entry.rows, where, target(c));
    decoded.set(c, column);
    const ref = column.reference;
    if (ref === undefined) return column;
    const refBlock = entry.blocks[ref];
    if (refBlock === undefined || ref === c || refBlock.encoding >= ENCODING_RELATIVE) {
      throw new CorruptSegmentError(this.path, `${where}: bad reference column ${ref}`);
    }
    const reference = this.column(part, ref, decoded, target);
    if (reference.array.length !== column.array.length || !(reference.array instanceof Float64Array)) {
      throw new CorruptSegmentError(
        this.path,
        `${where}: reference column ${ref} is not a time or u64 column`,
      );
    }
    applyReference(column.array, reference.array);
    return column;
  }

  /** Reads and checks every block of every part; throws CorruptSegmentError at the first bad one. */
  verify(): void {
    this.footer.parts.forEach((entry, p) => {
      const decoded = new Map<number, DecodedColumn>();
      const target = (c: number) => this.scratchFor(c, entry.rows);
      for (let c = 0; c < entry.blocks.length; c++) this.column(p, c, decoded, target);
    });
  }

  close(): void {
    if (this.fd < 0) return;
    closeSync(this.fd);
    this.fd = -1;
  }

  private decodeBlock(
    block: BlockEntry,
    column: number,
    rows: number,
    where: string,
    target: NumberArray,
  ): DecodedColumn {
    if (this.fd < 0) throw new Error(`segment ${this.path} is closed`);
    this.raw = grow(this.raw, block.rawLength);
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
    try {
      const raw = this.raw.subarray(0, block.rawLength);
      this.decompressor.decompress(block.codec, stored, raw);
      return decodeColumn(this.footer.schema[column]!.type, block.encoding, raw, rows, target);
    } catch (err) {
      throw new CorruptSegmentError(this.path, `${where}: ${(err as Error).message}`);
    }
  }

  private checksum(stored: Uint8Array): number {
    if (this.version === 2) return crc32c(stored);
    if (stored.byteOffset % 4 === 0) return xxh32(stored);
    this.aligned = grow(this.aligned, stored.length);
    this.aligned.set(stored);
    return xxh32(this.aligned.subarray(0, stored.length));
  }
}

function readFooter(fd: number, size: number): { footer: Footer; version: number } {
  if (size < HEADER_SIZE + TRAILER_SIZE) throw new Error(`file of ${size} bytes is too short`);
  const trailer = new Uint8Array(TRAILER_SIZE);
  readExactly(fd, trailer, TRAILER_SIZE, size - TRAILER_SIZE);
  if (!sameBytes(trailer.subarray(28), TRAILER_MAGIC)) throw new Error('no trailer magic (truncated file?)');
  const view = new DataView(trailer.buffer);
  if (view.getUint32(24, true) !== crc32c(trailer, 0, 24)) throw new Error('trailer checksum mismatch');
  const footerOffset = view.getUint32(0, true) + view.getUint32(4, true) * 0x1_0000_0000;
  const footerLength = view.getUint32(8, true);
  const footerRawLength = view.getUint32(12, true);
  if (footerOffset < HEADER_SIZE || footerOffset + footerLength + TRAILER_SIZE !== size) {
    throw new Error('footer position does not match the file size');
  }
  if (footerRawLength > MAX_BLOCK) throw new Error('footer too large');
  const stored = new Uint8Array(footerLength);
  readExactly(fd, stored, footerLength, footerOffset);
  if (crc32c(stored) !== view.getUint32(16, true)) throw new Error('footer checksum mismatch');
  const raw = new Uint8Array(footerRawLength);
  new BlockDecompressor().decompress(trailer[20]!, stored, raw);
  const footer = decodeFooter(raw, describeColumn);

  const head = new Uint8Array(HEADER_SIZE);
  readExactly(fd, head, HEADER_SIZE, 0);
  if (!sameBytes(head.subarray(0, 8), FILE_MAGIC)) throw new Error('not a segment file (bad magic)');
  const version = new DataView(head.buffer).getUint16(8, true);
  if (version < OLDEST_READABLE_VERSION || version > FORMAT_VERSION) {
    throw new Error(`unsupported format version ${version}`);
  }
  if (crc32c(head) !== footer.headerCrc) throw new Error('header checksum mismatch');
  checkLayout(footer, footerOffset);
  return { footer, version };
}

/** Blocks must tile the bytes between header and footer in write order, and sizes must be sane. */
function checkLayout(footer: Footer, footerOffset: number): void {
  let expected = HEADER_SIZE;
  for (const part of footer.parts) {
    if (part.rows > 0xffffffff) throw new Error(`part of ${part.rows} rows`);
    for (const block of part.blocks) {
      if (block.offset !== expected) throw new Error(`block at ${block.offset}, expected ${expected}`);
      if (block.rawLength > MAX_BLOCK) throw new Error('block too large');
      expected += block.length;
    }
  }
  if (expected !== footerOffset) throw new Error('blocks do not end where the footer starts');
}

/**
 * Opens a segment with synchronous I/O (works in worker threads). Reads the trailer, footer and
 * header and checks their checksums and layout; blocks are checked as they are read.
 */
export function openSegment(path: string): FileSegmentReader {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const { footer, version } = readFooter(fd, size);
    return new FileSegmentReader(path, fd, footer, size, version);
  } catch (err) {
    closeSync(fd);
    if (err instanceof CorruptSegmentError) throw err;
    throw new CorruptSegmentError(path, (err as Error).message);
  }
}

export type { FileSegmentReader };
