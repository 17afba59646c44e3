import type { NumberArray } from '../../flow/batch.js';
import { bitsFor, type PackedOutput, packedWords, unpack } from './bitpack.js';
import { type ByteReader, DecodeError } from './byte-io.js';
import {
  BITS,
  INT_CONST,
  INT_DELTA,
  INT_DICT,
  INT_FOR,
  INT_RAW,
  INT_SDICT,
  MONOTONE,
  SHUFFLED,
  widthBits,
} from './int-format.js';
import { addBase, lookup, lookupInto, undelta } from './int-kernels.js';
import { decodePatched, INT_PATCHED } from './int-patched.js';
import { lookupPlanesInto, planesInto, undeltaPlanesInto } from './int-planes.js';
import { decodeSparse, INT_SPARSE } from './int-sparse.js';

type UintView = Uint8Array | Uint16Array | Uint32Array;

/** Reassembles values stored as byte planes (see SHUFFLED). */
function fromPlanes(bytes: Uint8Array, at: number, n: number, width: number): UintView {
  if (width === 2) {
    const out = new Uint16Array(n);
    for (let i = 0; i < n; i++) out[i] = bytes[at + i]! | (bytes[at + n + i]! << 8);
    return out;
  }
  const out = new Uint32Array(n);
  const n2 = 2 * n;
  const n3 = 3 * n;
  for (let i = 0; i < n; i++) {
    out[i] =
      bytes[at + i]! | (bytes[at + n + i]! << 8) | (bytes[at + n2 + i]! << 16) | (bytes[at + n3 + i]! << 24);
  }
  return out;
}

/** Reads `n` values of `width` bytes (| SHUFFLED) at the reader's position through an aligned typed-array view. */
function readPayload(r: ByteReader, n: number, widthByte: number): UintView {
  const width = widthByte & ~SHUFFLED;
  const at = r.take(n * width);
  if (widthByte !== width) return fromPlanes(r.bytes, at, n, width);
  const offset = r.bytes.byteOffset + at;
  let buf = r.bytes.buffer;
  let start = offset;
  if (offset % width !== 0) {
    buf = r.bytes.slice(at, at + n * width).buffer;
    start = 0;
  }
  if (width === 1) return new Uint8Array(buf, start, n);
  if (width === 2) return new Uint16Array(buf, start, n);
  if (width === 4) return new Uint32Array(buf, start, n);
  throw new DecodeError(`bad width ${width}`);
}

/** The width byte: one of `allowed`, 2 or 4 with the SHUFFLED flag, or BITS with 1 to 32 bits. */
export function readWidth(r: ByteReader, allowed: readonly number[]): number {
  const width = r.u8();
  if ((width & (BITS | SHUFFLED)) === BITS) return width;
  if (!allowed.includes(width) && width !== (2 | SHUFFLED) && width !== (4 | SHUFFLED)) {
    throw new DecodeError(`bad width ${width}`);
  }
  return width;
}

/** The bit-packed words of n values at the reader's position (after padding to 4), as a word view. */
export function readWords(r: ByteReader, n: number, bits: number): Uint32Array {
  r.align(4);
  const count = packedWords(n, bits);
  const at = r.take(count * 4);
  const offset = r.bytes.byteOffset + at;
  if (offset % 4 === 0) return new Uint32Array(r.bytes.buffer, offset, count);
  return new Uint32Array(r.bytes.slice(at, at + count * 4).buffer);
}

/** Dictionaries padded to 2^bits entries (zeroes after the d values), one per output type. */
const padded = {
  f64: new Float64Array(0),
  u32: new Uint32Array(0),
  u16: new Uint16Array(0),
  u8: new Uint8Array(0),
};

/**
 * The dictionary as the output's array type, padded with zeroes to 2^bits entries, so that the
 * lookup loop needs no bounds test: the writer uses exactly bitsFor(d - 1) bits, and an index
 * past d (possible only in a damaged block that passed its checksum) reads as 0.
 */
function paddedDict(dict: Float64Array, bits: number, out: PackedOutput): PackedOutput {
  if (bits !== bitsFor(dict.length - 1))
    throw new DecodeError(`${bits}-bit indexes for ${dict.length} values`);
  const size = 2 ** bits;
  const kind =
    out instanceof Float64Array
      ? 'f64'
      : out instanceof Uint32Array
        ? 'u32'
        : out instanceof Uint16Array
          ? 'u16'
          : 'u8';
  let table: PackedOutput = padded[kind];
  if (table.length < size) {
    table = new (table.constructor as Float64ArrayConstructor)(Math.max(size, 256)) as PackedOutput;
    (padded as Record<string, PackedOutput>)[kind] = table;
  }
  table.set(dict);
  table.fill(0, dict.length, size);
  return table.subarray(0, size);
}

/** Decodes a bit-packed payload of `kind` (FOR, DELTA, DICT, SDICT) after its width byte. */
function decodeBits(r: ByteReader, kind: number, width: number, out: NumberArray): void {
  const n = out.length;
  const bits = widthBits(width);
  if (width & MONOTONE && kind !== INT_DELTA) throw new DecodeError(`bad width ${width}`);
  if (kind === INT_FOR || kind === INT_DELTA) {
    r.align(8);
    const arg = r.f64();
    const op = kind === INT_FOR ? 'for' : width & MONOTONE ? 'sum' : 'delta';
    unpack(op, bits, readWords(r, n, bits), out, arg);
    return;
  }
  const dict = nestedValues(r, r.count(1));
  unpack('dict', bits, readWords(r, n, bits), out, paddedDict(dict, bits, out));
}

/**
 * The `d` values of a dictionary, stored as a nested integer block (CONST, FOR or DELTA: never a
 * dictionary again, so nesting is one level deep), then padding to 4.
 */
export function nestedValues(r: ByteReader, d: number): Float64Array {
  const kind = r.u8();
  if (kind !== INT_CONST && kind !== INT_FOR && kind !== INT_DELTA)
    throw new DecodeError('bad dictionary block');
  r.pos--;
  const dict = new Float64Array(d);
  decodeInts(r, dict);
  r.align(4);
  if (d === 0) throw new DecodeError('empty dictionary');
  return dict;
}

/** Decodes an integer block of `out.length` values (see int-format.ts) into `out`, writing every element. */
export function decodeInts(r: ByteReader, out: NumberArray): void {
  const n = out.length;
  const kind = r.u8();
  switch (kind) {
    case INT_CONST: {
      // Always fill: `out` may come uninitialised (see decodeColumn).
      out.fill(r.f64());
      return;
    }
    case INT_FOR: {
      const width = readWidth(r, [1, 2, 4, 8]);
      if (width & BITS) {
        decodeBits(r, kind, width, out);
        return;
      }
      r.align(8);
      const base = r.f64();
      if (width !== 8) {
        if (width & SHUFFLED) {
          // Planes of 2 or 4 bytes (times, counters) go straight into the output, base added.
          const bytes = width & ~SHUFFLED;
          const at = r.take(n * bytes);
          if (planesInto(r.bytes, at, bytes, out, base)) return;
          out.set(fromPlanes(r.bytes, at, n, bytes));
          addBase(out, base);
          return;
        }
        out.set(readPayload(r, n, width));
        addBase(out, base);
        return;
      }
      const lo = readPayload(r, n, 4);
      const hi = readPayload(r, n, 4);
      for (let i = 0; i < n; i++) out[i] = base + lo[i]! + hi[i]! * 0x1_0000_0000;
      return;
    }
    case INT_DELTA: {
      const width = readWidth(r, [1, 2, 4]);
      if (width & BITS) {
        decodeBits(r, kind, width, out);
        return;
      }
      r.align(8);
      const first = r.f64();
      if (width & SHUFFLED && out instanceof Float64Array) {
        const bytes = width & ~SHUFFLED;
        undeltaPlanesInto(r.bytes, r.take(n * bytes), bytes, out, first);
        return;
      }
      const deltas = readPayload(r, n, width);
      if (out instanceof Float64Array || out.BYTES_PER_ELEMENT >= (width & ~SHUFFLED)) {
        out.set(deltas);
        undelta(out, first);
        return;
      }
      // Deltas of a narrow column can be wider than its values (0 → 255 → 0 needs 9 bits).
      const wide = Uint32Array.from(deltas);
      undelta(wide, first);
      out.set(wide);
      return;
    }
    case INT_DICT: {
      const width = readWidth(r, [1, 2, 4]);
      if (width & BITS) {
        decodeBits(r, kind, width, out);
        return;
      }
      const d = r.count(1);
      const dict = nestedValues(r, d);
      if (width & SHUFFLED) {
        const bytes = width & ~SHUFFLED;
        const from = r.take(n * bytes);
        const bad = lookupPlanesInto(r.bytes, from, bytes, out, dict);
        if (bad > 0) throw new DecodeError(`dictionary index ${bad - 1} of ${d}`);
        if (bad === 0) return;
        out.set(fromPlanes(r.bytes, from, n, bytes));
        lookup(out, dict);
        return;
      }
      lookupInto(readPayload(r, n, width), out, dict);
      return;
    }
    case INT_SDICT: {
      const width = readWidth(r, [1, 2]);
      if (width & BITS) {
        decodeBits(r, kind, width, out);
        return;
      }
      if (width & SHUFFLED) throw new DecodeError(`bad width ${width}`);
      const dict = nestedValues(r, r.count(1));
      lookupInto(readPayload(r, n, width), out, dict);
      return;
    }
    case INT_SPARSE:
      decodeSparse(r, out, decodeInts);
      return;
    case INT_PATCHED: {
      const width = r.u8();
      if ((width & ~31) !== BITS) throw new DecodeError(`bad width ${width}`);
      decodePatched(r, width, out, decodeInts);
      return;
    }
    case INT_RAW: {
      r.align(8);
      const at = r.take(n * 8);
      out.set(new Float64Array(r.bytes.slice(at, at + n * 8).buffer));
      return;
    }
    default:
      throw new DecodeError(`unknown integer encoding ${kind}`);
  }
}

/**
 * Decodes an integer block of dictionary indexes into `out` like `decodeInts` and returns the
 * largest (0 for none), for the caller to check against its dictionary. The writer's forms of
 * address indexes (bit-packed FOR: unsorted; DELTA of bytes: sorted) keep the largest while
 * decoding, instead of a pass of their own over the indexes (~3 ns a row on this machine).
 */
export function decodeIndexInts(r: ByteReader, out: Uint32Array): number {
  const packed = bitPackedFor(r);
  if (packed !== undefined) {
    const bits = packed.bits;
    return unpack('index', bits, readWords(r, out.length, bits), out, packed.base);
  }
  const kind = r.bytes[r.pos];
  const width = r.bytes[r.pos + 1] ?? 0;
  if (kind === INT_DELTA && width === 1) {
    r.pos += 2;
    r.align(8);
    const first = r.f64();
    return undeltaBytesMax(r.bytes, r.take(out.length), out, first);
  }
  decodeInts(r, out);
  return largest(out);
}

/**
 * The header of a plain bit-packed FOR block (the writer's form of unsorted dictionary indexes),
 * read past: its bit width and base, the words next. Undefined, with nothing read, for any other
 * form.
 */
export function bitPackedFor(r: ByteReader): { bits: number; base: number } | undefined {
  const width = r.bytes[r.pos + 1] ?? 0;
  if (r.bytes[r.pos] !== INT_FOR || (width & (BITS | MONOTONE | SHUFFLED)) !== BITS) return undefined;
  r.pos += 2;
  r.align(8);
  return { bits: widthBits(width), base: r.f64() };
}

/** The largest of `values` (0 for none): dictionary indexes or codes, to check against their dictionary. */
export function largest(values: Uint32Array): number {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  return max;
}

/** Zigzag byte deltas summed into `out` (as `undelta` does), returning the largest value stored. */
function undeltaBytesMax(b: Uint8Array, at: number, out: Uint32Array, first: number): number {
  let acc = first;
  let max = 0;
  for (let i = 0; i < out.length; i++) {
    const zz = b[at + i]!;
    acc += (zz >>> 1) ^ -(zz & 1);
    const v = acc >>> 0;
    out[i] = v;
    if (v > max) max = v;
  }
  return max;
}
