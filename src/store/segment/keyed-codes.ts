import { unpack } from '../encoding/bitpack.js';
import { type ByteReader, DecodeError } from '../encoding/byte-io.js';
import { nestedValues, readWidth, readWords } from '../encoding/int-decode.js';
import { BITS, INT_DICT, SHUFFLED, widthBits } from '../encoding/int-format.js';

/**
 * A keyed table stored as an integer dictionary (INT_DICT: each entry a code into the part's
 * distinct values — an AS number table has ~2 600 values for ~39 000 addresses): the entries'
 * codes into `codes` (one per entry) and the distinct values returned, without looking every
 * entry up. Undefined, the reader left where it was, for any other form (the caller decodes
 * values). Throws DecodeError on a code outside the values.
 */
export function decodeTableCodes(r: ByteReader, codes: Uint32Array): Float64Array | undefined {
  const start = r.pos;
  const t = codes.length;
  if (r.u8() !== INT_DICT) {
    r.pos = start;
    return undefined;
  }
  const width = readWidth(r, [1, 2, 4]);
  if (width & SHUFFLED) {
    r.pos = start;
    return undefined;
  }
  const values = nestedValues(r, r.count(1));
  let top: number;
  if (width & BITS) {
    const bits = widthBits(width);
    top = unpack('index', bits, readWords(r, t, bits), codes, 0);
  } else top = copyCodes(r.bytes, r.take(t * width), width, codes);
  if (top >= values.length) throw new DecodeError(`dictionary index ${top} of ${values.length}`);
  return values;
}

/** Copies little-endian integers of `width` bytes at `at` into `out`; returns the largest. */
function copyCodes(bytes: Uint8Array, at: number, width: number, out: Uint32Array): number {
  const n = out.length;
  const offset = bytes.byteOffset + at;
  if (width === 1) return copyLargest(bytes.subarray(at, at + n), out);
  if (width !== 2 && width !== 4) throw new DecodeError(`bad width ${width}`);
  const aligned = offset % width === 0;
  const buffer = aligned ? bytes.buffer : bytes.slice(at, at + n * width).buffer;
  const start = aligned ? offset : 0;
  return copyLargest(
    width === 2 ? new Uint16Array(buffer, start, n) : new Uint32Array(buffer, start, n),
    out,
  );
}

function copyLargest(from: Uint8Array | Uint16Array | Uint32Array, out: Uint32Array): number {
  let top = 0;
  for (let i = 0; i < out.length; i++) {
    const c = from[i]!;
    out[i] = c;
    if (c > top) top = c;
  }
  return top;
}
