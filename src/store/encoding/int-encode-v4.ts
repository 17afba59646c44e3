import { bitsFor } from './bitpack.js';
import type { ByteWriter } from './byte-io.js';
import type { IntEncoder } from './int-encode.js';
import { bitsWidth, INT_DELTA, INT_FOR } from './int-format.js';
import { INT_PATCHED, patchedWidth } from './int-patched.js';
import { bitPayload } from './int-payload.js';
import { INT_SPARSE, writeSparseHead } from './int-sparse.js';
import type { IntBlockInfo } from './int-stats.js';

/**
 * The integer encodings of format version 4 that the encoder picks before the byte-width ones:
 * bit-packed blocks (`IntEncoder.packBits`: FOR, monotone or zigzag DELTA, a sorted dictionary,
 * PATCHED) and SPARSE. Functions over an IntEncoder, whose scratch and nested encoder they use.
 */

/** Whether values[0..n) never decrease. */
function isMonotone(values: Float64Array, n: number): boolean {
  for (let i = 1; i < n; i++) if (values[i]! < values[i - 1]!) return false;
  return true;
}

/**
 * Bit mode: FOR, DELTA or a sorted dictionary, whichever needs the fewest payload bits (the
 * dictionary's own values estimated at a few bits more than their average gap).
 */
export function bitsBlock(
  enc: IntEncoder,
  values: Float64Array,
  n: number,
  range: { min: number; max: number },
  maxAbsDelta: number,
  out: ByteWriter,
): IntBlockInfo {
  const { min, max } = range;
  const forBits = bitsFor(max - min);
  const monotone = maxAbsDelta < 0x8000_0000 && isMonotone(values, n);
  const deltaBits = maxAbsDelta < 0x8000_0000 ? bitsFor(monotone ? maxAbsDelta : maxAbsDelta * 2) : 64;
  const best = Math.min(forBits, deltaBits);
  if (best >= 4) {
    // A dictionary must save at least two bits a row: at most 2^(best - 2) distinct values.
    const limit = Math.min(65536, n >> 1, 2 ** (best - 2));
    if (enc.distinct.count(values, n, limit, range)) {
      const d = enc.distinct.size;
      const dictBits = n * bitsFor(d - 1) + d * (bitsFor((max - min) / d) + 2);
      if (dictBits < n * best) return enc.sortedDictionary(values, n, min, max, out);
    }
  }
  const codes = enc.codeScratch(n);
  if (deltaBits < forBits) {
    out.u8(INT_DELTA);
    out.u8(bitsWidth(deltaBits, monotone));
    out.align(8);
    out.f64(values[0]!);
    codes[0] = 0;
    for (let i = 1; i < n; i++) {
      const d = values[i]! - values[i - 1]!;
      codes[i] = monotone ? d : d >= 0 ? 2 * d : -2 * d - 1;
    }
    enc.tailAt = bitPayload(out, codes, n, deltaBits);
    return { kind: INT_DELTA, min, max };
  }
  const bits = forBits > 8 ? patchedWidth(values, n, min, forBits) : forBits;
  if (bits < forBits) return patched(enc, values, n, range, bits, out);
  out.u8(INT_FOR);
  out.u8(bitsWidth(forBits));
  out.align(8);
  out.f64(min);
  for (let i = 0; i < n; i++) codes[i] = values[i]! - min;
  enc.tailAt = bitPayload(out, codes, n, forBits);
  return { kind: INT_FOR, min, max };
}

/** PATCHED (int-patched.ts): low `bits` of every value, the few higher ones patched. */
function patched(
  enc: IntEncoder,
  values: Float64Array,
  n: number,
  range: { min: number; max: number },
  bits: number,
  out: ByteWriter,
): IntBlockInfo {
  const { min, max } = range;
  const scale = 2 ** bits;
  let m = 0;
  for (let i = 0; i < n; i++) if (values[i]! - min >= scale) m++;
  const [gaps, highs] = enc.pairScratch(m);
  const codes = enc.codeScratch(n);
  let k = 0;
  let last = -1;
  for (let i = 0; i < n; i++) {
    const v = values[i]! - min;
    const high = Math.floor(v / scale);
    codes[i] = v - high * scale;
    if (high === 0) continue;
    gaps[k] = i - last - 1;
    highs[k++] = high;
    last = i;
  }
  out.u8(INT_PATCHED);
  out.u8(bitsWidth(bits));
  out.align(8);
  out.f64(min);
  out.varint(m);
  const nested = enc.nestedEncoder();
  nested.encode(gaps, m, out, true);
  nested.encode(highs, m, out, true);
  enc.tailAt = bitPayload(out, codes, n, bits);
  return { kind: INT_PATCHED, min, max };
}

/** SPARSE: the common value, then the other rows' gaps and values as nested blocks. */
export function sparseBlock(
  enc: IntEncoder,
  values: Float64Array,
  n: number,
  range: { min: number; max: number },
  common: number,
  m: number,
  out: ByteWriter,
): IntBlockInfo {
  const { min, max } = range;
  const [gaps, exceptions] = enc.pairScratch(m);
  writeSparseHead(values, n, common, m, out, gaps, exceptions);
  const nested = enc.nestedEncoder();
  nested.packBits = enc.packBits;
  nested.shuffle = enc.shuffle;
  nested.encode(gaps, m, out, true);
  nested.tailAt = -1;
  nested.encode(exceptions, m, out, true);
  enc.tailAt = nested.tailAt;
  nested.packBits = false;
  nested.shuffle = false;
  return { kind: INT_SPARSE, min, max };
}
