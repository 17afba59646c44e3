import zstd from 'zstd-napi/binding.js';
import { ByteReader, DecodeError } from '../encoding/byte-io.js';
import { BlockDecompressor } from '../encoding/compress.js';
import { TIME_DELTA } from './block-encode.js';
import { type BlockHeader, blockChecksum, CODEC_ZSTD_FILE_DICT, HEADER_BYTES } from './block-format.js';

interface ColumnEntry {
  readonly kind: number;
  readonly encoding: number;
  readonly start: number;
  readonly length: number;
}

/**
 * Decodes one block at a time (block-encode.ts) into views of reused buffers, valid until the
 * next `load`. Every inconsistency throws DecodeError.
 */
export class BlockDecoder {
  private readonly decompressor = new BlockDecompressor();
  private readonly dctx = new zstd.DCtx();
  private buffer = new Uint8Array(0);
  private raw = new Uint8Array(0);
  private readonly directory = new Map<string, ColumnEntry>();
  /** Per delta-coded time column, the buffer its values are decoded into. */
  private readonly timeBuffers = new Map<string, Float64Array>();
  /** What was decoded of the loaded block, so that selection and output decode a column once. */
  private readonly decoded = new Map<string, Float64Array | { dict: string[]; codes: Uint32Array }>();
  rows = 0;

  /**
   * Checks the block's checksum, decompresses its payload and reads its column directory. A
   * codec-2 block needs `dictionary`: the payload of its file's block at offset 0.
   */
  load(header: BlockHeader, bytes: Uint8Array, headerAt: number, dictionary?: Uint8Array): void {
    const start = headerAt + HEADER_BYTES;
    const end = start + header.storedLength;
    if (end > bytes.length) throw new DecodeError('block cut short');
    if (blockChecksum(bytes, headerAt, bytes, start, end) !== header.checksum)
      throw new DecodeError('checksum mismatch');
    if (this.buffer.length < header.rawLength)
      this.buffer = new Uint8Array(Math.max(header.rawLength, this.buffer.length * 2));
    this.raw = this.buffer.subarray(0, header.rawLength);
    const stored = bytes.subarray(start, end);
    if (header.codec !== CODEC_ZSTD_FILE_DICT) this.decompressor.decompress(header.codec, stored, this.raw);
    else {
      if (dictionary === undefined)
        throw new DecodeError("the file's first block, its dictionary, is unreadable");
      let size: number;
      try {
        size = this.dctx.decompressUsingDict(this.raw, stored, dictionary);
      } catch (err) {
        throw new DecodeError(`zstd: ${(err as Error).message}`);
      }
      if (size !== header.rawLength)
        throw new DecodeError(`zstd gave ${size} bytes, expected ${header.rawLength}`);
    }
    this.rows = header.rows;
    this.directory.clear();
    this.decoded.clear();
    const r = new ByteReader(this.raw);
    for (let c = 0; c < header.columns; c++) {
      const name = r.string();
      const kind = r.u8();
      const encoding = r.u8();
      const length = r.u32();
      r.align(8);
      this.directory.set(name, { kind, encoding, start: r.take(length), length });
    }
    r.done();
  }

  /** The loaded block's raw payload (a view, valid until the next load). */
  payload(): Uint8Array {
    return this.raw;
  }

  has(name: string, kind: number): boolean {
    return this.directory.get(name)?.kind === kind;
  }

  /** A time column (kind 0). */
  time(name: string): Float64Array {
    const done = this.decoded.get(name);
    if (done instanceof Float64Array) return done;
    const e = this.entry(name, 0);
    const out = e.encoding === TIME_DELTA ? this.deltas(name, e) : this.f64View(e);
    this.decoded.set(name, out);
    return out;
  }

  private deltas(name: string, e: ColumnEntry): Float64Array {
    let out = this.timeBuffers.get(name);
    if (out === undefined || out.length < this.rows) {
      out = new Float64Array(Math.max(this.rows, 2 * (out?.length ?? 0)));
      this.timeBuffers.set(name, out);
    }
    const r = new ByteReader(this.raw, e.start, e.start + e.length);
    if (this.rows > 0) {
      let v = r.f64();
      out[0] = v;
      for (let i = 1; i < this.rows; i++) {
        const z = r.varint();
        v += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
        out[i] = v;
      }
    }
    r.done();
    return out.subarray(0, this.rows);
  }

  /** An f64 column (kind 1). */
  f64(name: string): Float64Array {
    return this.f64View(this.entry(name, 1));
  }

  /** A string column (kind 2): its dictionary ('' at code 0) and a code per row. */
  strings(name: string): { dict: string[]; codes: Uint32Array } {
    const done = this.decoded.get(name);
    if (done !== undefined && !(done instanceof Float64Array)) return done;
    const e = this.entry(name, 2);
    const r = new ByteReader(this.raw, e.start, e.start + e.length);
    const n = r.count(1);
    const dict = [''];
    for (let i = 0; i < n; i++) dict.push(r.string());
    r.align(4);
    const at = r.take(this.rows * 4);
    r.done();
    const codes = new Uint32Array(this.raw.buffer, this.raw.byteOffset + at, this.rows);
    const out = { dict, codes };
    this.decoded.set(name, out);
    return out;
  }

  private entry(name: string, kind: number): ColumnEntry {
    const e = this.directory.get(name);
    if (e === undefined || e.kind !== kind) throw new DecodeError(`no column ${name} of kind ${kind}`);
    return e;
  }

  private f64View(e: ColumnEntry): Float64Array {
    if (e.length !== this.rows * 8) throw new DecodeError('float column of the wrong length');
    return new Float64Array(this.raw.buffer, this.raw.byteOffset + e.start, this.rows);
  }
}
