import { randomBytes } from 'node:crypto';
import { crc32 } from 'node:zlib';
import zstd from 'zstd-napi/binding.js';
import type { FlowBatch, NumberArray } from '../../flow/batch.js';
import { ByteWriter } from '../../store/encoding/byte-io.js';
import { FLAG_ZSTD, HEADER_BYTES, MAGIC, rowWidth, typeCodes, VERSION } from './batch-format.js';

export interface EncodeOptions {
  /** The sender's session: 16 hex digits (newSessionId()); all zeroes when absent (no de-duplication). */
  session?: string;
  /** The batch's sequence number within the session (1, 2, …; at most 2^53). */
  seq?: number;
  /** Encode rows [from, to) only; default every row. */
  from?: number;
  to?: number;
  /** Written for rows whose i_start_time is 0 (the minute the rows were handed over), when set. */
  startTime?: number;
  /** zstd level; 0 stores the payload uncompressed. Default 1 (docs/agent-export.md: level 3 saves 4% for half the speed). */
  level?: number;
}

/** 8 random bytes as 16 hex digits: a sender session id. */
export function newSessionId(): string {
  return randomBytes(8).toString('hex');
}

const utf8 = new TextEncoder();

/**
 * Encodes FlowBatch rows into the flowlens batch format (batch-format.ts). The payload buffer and
 * zstd context are reused between calls; the returned body is a new Buffer the caller keeps.
 * Columns that are zero on every encoded row are left out.
 */
export class FlowBatchEncoder {
  private readonly payload = new ByteWriter(1 << 16);
  private readonly cctx = new zstd.CCtx();
  private compressed = new Uint8Array(0);
  /** Old dictionary code → code in the encoded dictionary + 1 (0: not used yet). */
  private remap = new Uint32Array(256);

  encode(batch: FlowBatch, options: EncodeOptions = {}): Buffer {
    const from = options.from ?? 0;
    const to = options.to ?? batch.length;
    if (!(from >= 0 && from <= to && to <= batch.length))
      throw new RangeError(`rows [${from}, ${to}) of ${batch.length}`);
    const rows = to - from;
    const w = this.payload;
    w.reset();
    const countAt = w.reserve(2);
    let columns = 0;
    for (let i = 0; i < batch.schema.length; i++) {
      const col = batch.schema[i]!;
      const arr = batch.arrays[i]!;
      const fill = col.name === 'i_start_time' ? options.startTime : undefined;
      const width = rowWidth(col.type);
      const per = col.type === 'addr' ? 16 : 1;
      if (fill === undefined && allZero(arr, from * per, to * per)) continue;
      if (fill !== undefined && rows === 0) continue;
      columns++;
      const name = utf8.encode(col.name);
      w.u8(name.length);
      w.raw(name);
      w.u8(typeCodes[col.type]);
      if (col.type === 'string') {
        this.stringColumn(arr as Uint32Array, batch.dicts[i]!.values, from, to);
        continue;
      }
      w.u8(0);
      w.reserve(2);
      w.u32(rows * width);
      const at = w.reserve(rows * width);
      w.bytes.set(new Uint8Array(arr.buffer, arr.byteOffset + from * width, rows * width), at);
      if (fill !== undefined)
        for (let r = 0; r < rows; r++)
          if (w.view.getFloat64(at + r * 8, true) === 0) w.view.setFloat64(at + r * 8, fill, true);
    }
    w.view.setUint16(countAt, columns, true);
    return this.frame(w.view8(), rows, options);
  }

  private stringColumn(codes: Uint32Array, values: readonly string[], from: number, to: number): void {
    const w = this.payload;
    if (this.remap.length < values.length) this.remap = new Uint32Array(values.length * 2);
    const remap = this.remap;
    remap.fill(0, 0, values.length);
    // The encoded dictionary holds only the values the rows use, '' first.
    const used: number[] = [0];
    remap[0] = 1;
    for (let r = from; r < to; r++) {
      const c = codes[r]!;
      if (remap[c] === 0) remap[c] = used.push(c);
    }
    const codeWidth = used.length <= 0x100 ? 1 : used.length <= 0x1_0000 ? 2 : 4;
    w.u8(codeWidth);
    w.reserve(2);
    const lengthAt = w.reserve(4);
    const start = w.length;
    w.u32(used.length);
    // Lengths, then the UTF-8 bytes written in place (no copy per value).
    let total = 0;
    for (const c of used) {
      const n = Buffer.byteLength(values[c]!, 'utf8');
      w.u32(n);
      total += n;
    }
    let o = w.reserve(total);
    const bytes = Buffer.from(w.bytes.buffer, w.bytes.byteOffset, w.bytes.length);
    for (const c of used) o += bytes.write(values[c]!, o, 'utf8');
    const at = w.reserve((to - from) * codeWidth);
    for (let r = from; r < to; r++) {
      const code = remap[codes[r]!]! - 1;
      const o = at + (r - from) * codeWidth;
      if (codeWidth === 1) w.bytes[o] = code;
      else if (codeWidth === 2) w.view.setUint16(o, code, true);
      else w.view.setUint32(o, code, true);
    }
    w.view.setUint32(lengthAt, w.length - start, true);
  }

  private frame(raw: Uint8Array, rows: number, options: EncodeOptions): Buffer {
    const level = options.level ?? 1;
    let stored = raw;
    let flags = 0;
    if (level > 0) {
      const bound = zstd.compressBound(raw.length);
      if (this.compressed.length < bound) this.compressed = new Uint8Array(bound);
      stored = this.compressed.subarray(0, this.cctx.compress(this.compressed, raw, level));
      flags = FLAG_ZSTD;
    }
    const out = Buffer.allocUnsafe(HEADER_BYTES + stored.length);
    out.writeUInt32LE(MAGIC, 0);
    out.writeUInt16LE(VERSION, 4);
    out.writeUInt16LE(flags, 6);
    out.writeUInt32LE(HEADER_BYTES, 8);
    const session = options.session ?? '0000000000000000';
    if (!/^[0-9a-f]{16}$/i.test(session)) throw new RangeError(`session ${session}: expected 16 hex digits`);
    out.write(session, 16, 8, 'hex');
    const seq = options.seq ?? 0;
    if (!Number.isSafeInteger(seq) || seq < 0) throw new RangeError(`sequence number ${seq}`);
    out.writeUInt32LE(seq % 0x1_0000_0000, 24);
    out.writeUInt32LE(Math.floor(seq / 0x1_0000_0000), 28);
    out.writeUInt32LE(rows, 32);
    out.writeUInt32LE(raw.length, 36);
    out.writeUInt32LE(stored.length, 40);
    out.writeUInt32LE(0, 44);
    out.set(stored, HEADER_BYTES);
    out.writeUInt32LE(crc32(raw, crc32(out.subarray(16, HEADER_BYTES))), 12);
    return out;
  }
}

function allZero(arr: NumberArray, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (arr[i] !== 0) return false;
  return true;
}

const shared = new FlowBatchEncoder();

/** Encodes with a shared encoder (see FlowBatchEncoder). */
export function encodeFlowBatch(batch: FlowBatch, options: EncodeOptions = {}): Buffer {
  return shared.encode(batch, options);
}
