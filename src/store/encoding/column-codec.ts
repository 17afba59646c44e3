import { allocateColumn, type NumberArray, type StringDict } from '../../flow/batch.js';
import type { ColumnType } from '../../flow/schema.js';
import { addrKindNames, decodeAddrs, encodeAddrs } from './addr-codec.js';
import { ByteReader, type ByteWriter, DecodeError } from './byte-io.js';
import { allocateUninitialized } from './column-alloc.js';
import { decodeInts } from './int-decode.js';
import { type BlockStats, IntEncoder } from './int-encode.js';
import { intKindNames } from './int-format.js';
import { decodeStrings, encodeStrings } from './string-codec.js';

/**
 * One column of one part, encoded by its physical type: numbers (u8 … u64, time, mac) as an
 * integer block, addresses as an address block, strings as dictionary + integer block of codes.
 * The returned encoding id (integer kind, 0x10 | address kind, or 0x20 | code kind) is recorded
 * in the segment footer for `store inspect`.
 */
export interface EncodedStats {
  readonly encoding: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

export const ENCODING_ADDR = 0x10;
export const ENCODING_STRING = 0x20;
/** A number column stored as its difference to another column of the part (see `encodeRelative`). */
export const ENCODING_RELATIVE = 0x30;

export function encodingName(encoding: number): string {
  if (encoding >= 0x30) return `ref+${intKindNames[encoding - 0x30] ?? '?'}`;
  if (encoding >= 0x20) return `dict+${intKindNames[encoding - 0x20] ?? '?'}`;
  if (encoding >= 0x10) return `addr-${addrKindNames[encoding - 0x10] ?? '?'}`;
  return intKindNames[encoding] ?? '?';
}

/**
 * The stats of the last gather (min, max, largest step, integral), computed while copying the
 * rows into the encoder's scratch, so that the integer encoder skips its own pass over them.
 */
const gathered: BlockStats = { min: 0, max: 0, maxAbsDelta: 0, integral: true };

function gatherF64(array: Float64Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let step = 0;
  let integral = true;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) integral = false;
    const d = Math.abs(v - prev);
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, integral);
}
function gatherU32(array: Uint32Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let step = 0;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, true);
}
function gatherU16(array: Uint16Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = 0xffff;
  let max = 0;
  let step = 0;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, true);
}
function gatherU8(array: Uint8Array, rows: Uint32Array, out: Float64Array): void {
  const n = rows.length;
  let min = 0xff;
  let max = 0;
  let step = 0;
  let prev = n > 0 ? array[rows[0]!]! : 0;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    out[i] = v;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > step) step = d;
    prev = v;
  }
  setGathered(min, max, step, true);
}

function setGathered(min: number, max: number, maxAbsDelta: number, integral: boolean): void {
  gathered.min = min;
  gathered.max = max;
  gathered.maxAbsDelta = maxAbsDelta;
  gathered.integral = integral;
}

/** Copies the rows' values in row order; one loop per array type keeps each loop monomorphic. */
function gather(array: NumberArray, rows: Uint32Array, out: Float64Array): void {
  if (array instanceof Float64Array) gatherF64(array, rows, out);
  else if (array instanceof Uint32Array) gatherU32(array, rows, out);
  else if (array instanceof Uint16Array) gatherU16(array, rows, out);
  else gatherU8(array, rows, out);
}

/** Encodes columns; reuses its scratch space across calls. */
export class ColumnEncoder {
  private readonly ints = new IntEncoder();
  private scratch = new Float64Array(1024);

  encode(
    type: ColumnType,
    array: NumberArray,
    dict: StringDict | undefined,
    rows: Uint32Array,
    out: ByteWriter,
  ): EncodedStats {
    const n = rows.length;
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, this.scratch.length * 2));
    const scratch = this.scratch;
    if (type === 'addr') {
      const kind = encodeAddrs(array as Uint8Array, rows, scratch, this.ints, out);
      return { encoding: ENCODING_ADDR | kind, min: undefined, max: undefined };
    }
    if (type === 'string') {
      const values = dict?.values ?? [''];
      const kind = encodeStrings(array as Uint32Array, values, rows, scratch, this.ints, out);
      return { encoding: ENCODING_STRING | kind, min: undefined, max: undefined };
    }
    gather(array, rows, scratch);
    return this.numbers(scratch, n, out, array instanceof Float64Array);
  }

  /**
   * Encodes plain numbers (no row indirection), not as byte planes: used for durations, mostly
   * zero, where planes measured worse. Returns the integer encoding kind.
   */
  encodeNumbers(values: Float64Array, n: number, out: ByteWriter): number {
    return this.ints.encode(values, n, out).kind;
  }

  private numbers(scratch: Float64Array, n: number, out: ByteWriter, wide: boolean): EncodedStats {
    // Byte planes for times and counters only (see IntEncoder.shuffle).
    this.ints.shuffle = wide;
    const info = this.ints.encode(scratch, n, out, !wide, n > 0 ? gathered : undefined);
    this.ints.shuffle = false;
    return n === 0
      ? { encoding: info.kind, min: undefined, max: undefined }
      : { encoding: info.kind, min: info.min, max: info.max };
  }
}

/**
 * Encodes a time or u64 column as `reference - value` per row (flow_start_time against
 * flow_end_time: the flow's duration, zero for most sampled flows): varint index of the reference
 * column in the schema, then an integer block of the differences.
 */
export function encodeRelative(
  encoder: ColumnEncoder,
  array: Float64Array,
  reference: Float64Array,
  referenceIndex: number,
  rows: Uint32Array,
  out: ByteWriter,
): EncodedStats {
  const n = rows.length;
  const diffs = new Float64Array(n);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    const v = array[rows[i]!]!;
    if (v < min) min = v;
    if (v > max) max = v;
    diffs[i] = reference[rows[i]!]! - v;
  }
  out.varint(referenceIndex);
  const kind = encoder.encodeNumbers(diffs, n, out);
  return n === 0
    ? { encoding: ENCODING_RELATIVE | kind, min: undefined, max: undefined }
    : { encoding: ENCODING_RELATIVE | kind, min, max };
}

/** Turns the differences decoded by `decodeColumn` into values: value = reference - difference. */
export function applyReference(diffs: NumberArray, reference: NumberArray): void {
  const out = diffs as Float64Array;
  const ref = reference as Float64Array;
  for (let i = 0; i < out.length; i++) out[i] = ref[i]! - out[i]!;
}

export { allocateColumn };

export interface DecodedColumn {
  readonly array: NumberArray;
  readonly dict: string[] | undefined;
  /** For a relative column: the schema index of its reference; `array` holds differences until `applyReference`. */
  readonly reference: number | undefined;
}

/**
 * Decodes the raw (decompressed) block of one column of `rows` rows into `array` (of `type`, for
 * `rows` rows; by default a fresh one). Every decoder writes every element, so `array` need not
 * be zeroed.
 */
export function decodeColumn(
  type: ColumnType,
  encoding: number,
  raw: Uint8Array,
  rows: number,
  array: NumberArray = allocateUninitialized('', type, rows),
): DecodedColumn {
  const r = new ByteReader(raw);
  let dict: string[] | undefined;
  let reference: number | undefined;
  if (encoding >= ENCODING_RELATIVE) {
    if (!(array instanceof Float64Array)) throw new DecodeError(`relative encoding for a ${type} column`);
    reference = r.varint();
    decodeInts(r, array);
  } else if (type === 'addr') decodeAddrs(r, array as Uint8Array);
  else if (type === 'string') dict = decodeStrings(r, array as Uint32Array);
  else decodeInts(r, array);
  if (r.pos !== raw.length) throw new DecodeError(`${raw.length - r.pos} bytes left after the column`);
  return { array, dict, reference };
}
