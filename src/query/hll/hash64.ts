/**
 * 64-bit hashes for HyperLogLog, computed on two 32-bit halves (no BigInt, no allocation).
 *
 * The core is SplitMix64: `hash64(k) = mix13(k * G + G)` with G = 0x9e3779b97f4a7c15 and
 * Stafford's "Mix13" finaliser, i.e. hash64(k) is the (k+1)-th output of SplitMix64 seeded with 0.
 * That generator passes BigCrush on exactly the sequential inputs (counters, ports, IPv4
 * addresses) that defeat weak hashes. Wider inputs are folded in 64-bit lanes: h = hash64(h ^ lane).
 *
 * Every function writes the result to `out` as out[0] = high 32 bits, out[1] = low 32 bits.
 * Input words may be given signed or unsigned; only their 32 bits matter.
 */

/**
 * Two-word output of a hash: [high 32 bits, low 32 bits] as int32, so that passing the words on
 * stays within V8's small integers (a uint32 ≥ 2^31 would be boxed at every call).
 */
export type Hash64 = Int32Array;

export function newHash64(): Hash64 {
  return new Int32Array(2);
}

const GAMMA_HI = 0x9e3779b9;
const GAMMA_LO = 0x7f4a7c15;
const MIX1_HI = 0xbf58476d;
const MIX1_LO = 0x1ce4e5b9;
const MIX2_HI = 0x94d049bb;
const MIX2_LO = 0x133111eb;
const TWO_POW_32 = 4294967296;
const FLOAT_SEED_HI = 0x5bd1e995;
const STRING_SEED = 0x2545f491;

/** High 32 bits (as int32) of the 64-bit product of two 32-bit words read as unsigned. */
function mulHigh32(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) | 0;
}

/** SplitMix64 of the 64-bit key (hi, lo), written to out. Allocation-free. */
export function hash64(hi: number, lo: number, out: Hash64): void {
  // k = k * G + G (mod 2^64)
  let l = Math.imul(lo, GAMMA_LO) >>> 0;
  let h = (mulHigh32(lo, GAMMA_LO) + Math.imul(hi, GAMMA_LO) + Math.imul(lo, GAMMA_HI)) >>> 0;
  const sum = l + GAMMA_LO;
  h = (h + GAMMA_HI + (sum > 0xffffffff ? 1 : 0)) >>> 0;
  l = sum >>> 0;
  // k ^= k >>> 30; k *= MIX1
  l = (l ^ ((l >>> 30) | (h << 2))) >>> 0;
  h = (h ^ (h >>> 30)) >>> 0;
  let nh = (mulHigh32(l, MIX1_LO) + Math.imul(h, MIX1_LO) + Math.imul(l, MIX1_HI)) >>> 0;
  l = Math.imul(l, MIX1_LO) >>> 0;
  h = nh;
  // k ^= k >>> 27; k *= MIX2
  l = (l ^ ((l >>> 27) | (h << 5))) >>> 0;
  h = (h ^ (h >>> 27)) >>> 0;
  nh = (mulHigh32(l, MIX2_LO) + Math.imul(h, MIX2_LO) + Math.imul(l, MIX2_HI)) >>> 0;
  l = Math.imul(l, MIX2_LO) >>> 0;
  h = nh;
  // k ^= k >>> 31
  out[1] = l ^ ((l >>> 31) | (h << 1));
  out[0] = h ^ (h >>> 31);
}

const floatView = new Float64Array(1);
const floatWords = new Int32Array(floatView.buffer);
const HI_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;

/**
 * Hash of a number. Non-negative integers up to 2^53 hash as the 64-bit integer they are (so a
 * port read from a Uint16Array and from a Float64Array hash alike); any other value hashes its
 * float64 bits under a different seed (-0 counts as 0).
 */
export function hashNumber(x: number, out: Hash64): void {
  if (x >= 0 && x <= Number.MAX_SAFE_INTEGER && Math.floor(x) === x) {
    hash64((x / TWO_POW_32) | 0, x | 0, out);
    return;
  }
  floatView[0] = x;
  hash64(floatWords[HI_WORD]! ^ FLOAT_SEED_HI, floatWords[1 - HI_WORD]!, out);
}

function bigEndian32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!;
}

function littleEndian32(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24);
}

/** Hash of the 16-byte address at bytes[offset .. offset + 16) (read in place). */
export function hashAddress(bytes: Uint8Array, offset: number, out: Hash64): void {
  hashAddressWords(
    littleEndian32(bytes, offset),
    littleEndian32(bytes, offset + 4),
    littleEndian32(bytes, offset + 8),
    littleEndian32(bytes, offset + 12),
    out,
  );
}

const M1 = 0xcc9e2d51;
const M2 = 0x1b873593;
export const LANE_A = 0x2545f491;
const LANE_B = 0x9e3779b9;

/** murmur3's fmix32. */
function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Hash of an address given as its four little-endian 32-bit words (what an Int32Array view of
 * the address bytes reads on a little-endian machine) — the form kernels hash an address column
 * in, a few Math.imul per address. Two murmur3 lanes with different seeds, fed the same mixed
 * words (the second lane rotated), each finished by fmix32.
 */
export function hashAddressWords(w0: number, w1: number, w2: number, w3: number, out: Hash64): void {
  let a = LANE_A;
  let b = LANE_B;
  let k = Math.imul(w0, M1);
  k = Math.imul((k << 15) | (k >>> 17), M2);
  a = (Math.imul(rotl13(a ^ k), 5) + 0xe6546b64) | 0;
  b = (Math.imul(rotl13(b ^ ((k << 7) | (k >>> 25))), 5) + 0x561ccd1b) | 0;
  k = Math.imul(w1, M1);
  k = Math.imul((k << 15) | (k >>> 17), M2);
  a = (Math.imul(rotl13(a ^ k), 5) + 0xe6546b64) | 0;
  b = (Math.imul(rotl13(b ^ ((k << 7) | (k >>> 25))), 5) + 0x561ccd1b) | 0;
  k = Math.imul(w2, M1);
  k = Math.imul((k << 15) | (k >>> 17), M2);
  a = (Math.imul(rotl13(a ^ k), 5) + 0xe6546b64) | 0;
  b = (Math.imul(rotl13(b ^ ((k << 7) | (k >>> 25))), 5) + 0x561ccd1b) | 0;
  k = Math.imul(w3, M1);
  k = Math.imul((k << 15) | (k >>> 17), M2);
  a = (Math.imul(rotl13(a ^ k), 5) + 0xe6546b64) | 0;
  b = (Math.imul(rotl13(b ^ ((k << 7) | (k >>> 25))), 5) + 0x561ccd1b) | 0;
  a = fmix32(a ^ 16);
  b = fmix32(b ^ 16 ^ a);
  out[0] = a;
  out[1] = b;
}

/** The first lane's state after one address word (murmur3's body step). */
export function laneStep(a: number, word: number): number {
  let k = Math.imul(word, M1);
  k = Math.imul((k << 15) | (k >>> 17), M2);
  return (Math.imul(rotl13(a ^ k), 5) + 0xe6546b64) | 0;
}

/** The third word of an IPv4-mapped address (::ffff:a.b.c.d) read as a little-endian int32. */
export const MAPPED_WORD = -65536;
/** The first lane's state after the three leading words of every IPv4-mapped address. */
export const MAPPED_LANE = laneStep(laneStep(laneStep(LANE_A, 0), 0), MAPPED_WORD);

/**
 * The high word of `hashAddressWords` as JS statements for generated kernels (no call, no output
 * array): over the word expressions `w`, declaring it as `let ${a}` (and temporaries `${k}`,
 * `${a}0`…`${a}3`). An IPv4-mapped address starts from the lane's state after its constant
 * leading words. The low word is needed only for the rare ranks past the high word (call
 * hashAddressWords then).
 */
export function hashAddressHighSource(w: readonly string[], a: string, k: string): string {
  const x = w.map((_, i) => `${a}${i}`);
  const step = (word: string) =>
    `${k} = Math.imul(${word}, ${M1 | 0}); ${k} = Math.imul((${k} << 15) | (${k} >>> 17), ${M2}); ` +
    `${a} ^= ${k}; ${a} = (${a} << 13) | (${a} >>> 19); ${a} = (Math.imul(${a}, 5) + ${0xe6546b64}) | 0;`;
  return [
    `const ${w.map((word, i) => `${x[i]} = ${word}`).join(', ')}; let ${a}, ${k};`,
    `if ((${x[0]} | ${x[1]}) === 0 && ${x[2]} === ${MAPPED_WORD}) ${a} = ${MAPPED_LANE};`,
    `else { ${a} = ${LANE_A}; ${step(x[0]!)} ${step(x[1]!)} ${step(x[2]!)} }`,
    step(x[3]!),
    `${a} ^= 16; ${a} = Math.imul(${a} ^ (${a} >>> 16), ${0x85ebca6b | 0});`,
    `${a} = Math.imul(${a} ^ (${a} >>> 13), ${0xc2b2ae35 | 0}); ${a} ^= ${a} >>> 16;`,
  ].join(' ');
}

/** The high word of `hashAddressWords` (its first lane), as hashAddressHighSource computes it. */
export function hashAddressHigh(w0: number, w1: number, w2: number, w3: number): number {
  let a =
    (w0 | w1) === 0 && w2 === MAPPED_WORD ? MAPPED_LANE : laneStep(laneStep(laneStep(LANE_A, w0), w1), w2);
  a = laneStep(a, w3) ^ 16;
  return fmix32(a);
}

function rotl13(x: number): number {
  return (x << 13) | (x >>> 19);
}

/** Hash of a string's UTF-16 code units, four per 64-bit lane, length mixed in first. */
export function hashString(s: string, out: Hash64): void {
  const n = s.length;
  hash64(STRING_SEED, n, out);
  for (let i = 0; i < n; i += 4) {
    const hi = (s.charCodeAt(i) << 16) | (i + 1 < n ? s.charCodeAt(i + 1) : 0);
    const lo = (i + 2 < n ? s.charCodeAt(i + 2) << 16 : 0) | (i + 3 < n ? s.charCodeAt(i + 3) : 0);
    hash64(out[0]! ^ hi, out[1]! ^ lo, out);
  }
}

/** Hash of bytes[start .. end), eight bytes per lane, length mixed in first. */
export function hashBytes(bytes: Uint8Array, start: number, end: number, out: Hash64): void {
  hash64(~STRING_SEED, end - start, out);
  let i = start;
  for (; i + 8 <= end; i += 8) {
    hash64(out[0]! ^ bigEndian32(bytes, i), out[1]! ^ bigEndian32(bytes, i + 4), out);
  }
  if (i < end) {
    let hi = 0;
    let lo = 0;
    for (let j = 0; j < 8; j++) {
      const b = i + j < end ? bytes[i + j]! : 0;
      if (j < 4) hi = (hi << 8) | b;
      else lo = (lo << 8) | b;
    }
    hash64(out[0]! ^ hi, out[1]! ^ lo, out);
  }
}
