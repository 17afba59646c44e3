import zstd from 'zstd-napi/binding.js';
import { ByteWriter } from '../encoding/byte-io.js';
import { BlockCompressor } from '../encoding/compress.js';
import { CODEC_ZSTD_FILE_DICT, HEADER_BYTES, writeHeader } from './block-format.js';
import type { TableColumnKind, TableRows, TableSchema } from './schema.js';

/**
 * The payload of a block (before compression), column after column:
 *
 *   name (varint length + UTF-8), kind u8 (0 time, 1 f64, 2 string), encoding u8,
 *   data length u32, padding to 8 bytes, data:
 *     time, encoding 0: float64 per row
 *     time, encoding 1: the first value as float64, then each row's difference from the one
 *                       before as a zigzag varint (every value a whole number: milliseconds)
 *     f64,  encoding 0: float64 per row
 *     string, encoding 0: dictionary (varint count, then the strings; code 0 is '' and not
 *                       stored), padding to 4 bytes, a u32 code per row
 *
 * Columns carry their names and kinds, so a reader of a later schema finds what it knows.
 */
export const kindCodes: Readonly<Record<TableColumnKind, number>> = { time: 0, f64: 1, string: 2 };
export const TIME_RAW = 0;
export const TIME_DELTA = 1;

/** Past 2^52 a difference of whole numbers may not survive the zigzag arithmetic in float64. */
const MAX_DELTA = 2 ** 51;

/** Encodes blocks with reused buffers: one per table writer. */
export class BlockEncoder {
  private readonly raw = new ByteWriter(1 << 16);
  private readonly out = new ByteWriter(1 << 16);
  private readonly compressor = new BlockCompressor(3);
  private readonly cctx = new zstd.CCtx();
  private dictOut = new Uint8Array(0);

  constructor(private readonly schema: TableSchema) {}

  /**
   * One block of the rows at `pick` (row indexes into `rows`), header included, compressed
   * against `dictionary` (the raw payload of its file's first block) when given. The returned
   * bytes are a view valid until the next call.
   */
  encode(rows: TableRows, pick: readonly number[], dictionary?: Uint8Array): Uint8Array {
    const raw = this.raw;
    raw.reset();
    let minTime = Number.POSITIVE_INFINITY;
    let maxTime = Number.NEGATIVE_INFINITY;
    const times = rows.columns[this.schema.timeColumn] as ArrayLike<number>;
    for (const i of pick) {
      const t = times[i]!;
      if (t < minTime) minTime = t;
      if (t > maxTime) maxTime = t;
    }
    for (const column of this.schema.columns) {
      raw.string(column.name);
      raw.u8(kindCodes[column.kind]);
      const values = rows.columns[column.name]!;
      const encodingAt = raw.reserve(1);
      const lengthAt = raw.reserve(4);
      raw.align(8);
      const start = raw.length;
      let encoding = 0;
      if (column.kind === 'string') writeStrings(raw, values as readonly string[], pick);
      else if (column.kind === 'time' && wholeDeltas(values as ArrayLike<number>, pick)) {
        encoding = TIME_DELTA;
        writeDeltas(raw, values as ArrayLike<number>, pick);
      } else for (const i of pick) raw.f64((values as ArrayLike<number>)[i]!);
      raw.bytes[encodingAt] = encoding;
      raw.view.setUint32(lengthAt, raw.length - start, true);
    }
    const payload = raw.view8();
    const { codec, stored } =
      dictionary === undefined ? this.compressor.compress(payload) : this.compressWith(payload, dictionary);
    const out = this.out;
    out.reset();
    const at = out.reserve(HEADER_BYTES + stored.length);
    out.bytes.set(stored, at + HEADER_BYTES);
    writeHeader(
      out.bytes.subarray(at, at + HEADER_BYTES),
      {
        codec,
        rows: pick.length,
        columns: this.schema.columns.length,
        rawLength: payload.length,
        storedLength: stored.length,
        minTime,
        maxTime,
      },
      stored,
    );
    return out.view8();
  }

  /** A copy of the last block's raw payload: the dictionary of its file when it was the first. */
  lastPayload(): Uint8Array {
    return this.raw.view8().slice();
  }

  private compressWith(payload: Uint8Array, dictionary: Uint8Array): { codec: number; stored: Uint8Array } {
    const bound = zstd.compressBound(payload.length);
    if (this.dictOut.length < bound) this.dictOut = new Uint8Array(bound);
    const size = this.cctx.compressUsingDict(this.dictOut, payload, dictionary, 3);
    return { codec: CODEC_ZSTD_FILE_DICT, stored: this.dictOut.subarray(0, size) };
  }
}

function wholeDeltas(values: ArrayLike<number>, pick: readonly number[]): boolean {
  let prev = values[pick[0]!]!;
  for (const i of pick) {
    const v = values[i]!;
    if (!Number.isInteger(v) || Math.abs(v - prev) > MAX_DELTA) return false;
    prev = v;
  }
  return true;
}

function writeDeltas(w: ByteWriter, values: ArrayLike<number>, pick: readonly number[]): void {
  let prev = values[pick[0]!]!;
  w.f64(prev);
  for (let k = 1; k < pick.length; k++) {
    const v = values[pick[k]!]!;
    const d = v - prev;
    w.varint(d >= 0 ? 2 * d : -2 * d - 1);
    prev = v;
  }
}

function writeStrings(w: ByteWriter, values: readonly string[], pick: readonly number[]): void {
  const codes = new Map<string, number>([['', 0]]);
  const dict: string[] = [];
  const rowCodes = new Uint32Array(pick.length);
  pick.forEach((i, k) => {
    const s = values[i]!;
    let code = codes.get(s);
    if (code === undefined) {
      code = codes.size;
      codes.set(s, code);
      dict.push(s);
    }
    rowCodes[k] = code;
  });
  w.varint(dict.length);
  for (const s of dict) w.string(s);
  w.align(4);
  w.raw(new Uint8Array(rowCodes.buffer));
}
