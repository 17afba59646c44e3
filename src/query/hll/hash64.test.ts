import assert from 'node:assert/strict';
import { test } from 'node:test';
import { hash64, hashAddress, hashBytes, hashNumber, hashString, newHash64 } from './hash64.js';
import { ipv4Column } from './test-values.js';

const MASK64 = (1n << 64n) - 1n;

function splitMix64Reference(key: bigint): bigint {
  let z = (key * 0x9e3779b97f4a7c15n + 0x9e3779b97f4a7c15n) & MASK64;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}

function asBigInt(out: Int32Array): bigint {
  return (BigInt(out[0]! >>> 0) << 32n) | BigInt(out[1]! >>> 0);
}

function xorshiftRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state >>> 0;
  };
}

test('hash64 is SplitMix64 (known first outputs and a BigInt reference)', () => {
  const out = newHash64();
  hash64(0, 0, out);
  assert.equal(asBigInt(out), 0xe220a8397b1dcdafn);
  hash64(0, 1, out);
  assert.equal(asBigInt(out), 0x6e789e6aa1b965f4n);
  const random = xorshiftRandom(7);
  for (let i = 0; i < 2000; i++) {
    const hi = random();
    const lo = random();
    hash64(hi, lo, out);
    assert.equal(asBigInt(out), splitMix64Reference((BigInt(hi) << 32n) | BigInt(lo)));
  }
});

test('hashNumber: integers hash as 64-bit keys, other numbers differ from them', () => {
  const a = newHash64();
  const b = newHash64();
  hashNumber(2 ** 53 - 1, a);
  assert.equal(asBigInt(a), splitMix64Reference(2n ** 53n - 1n));
  hashNumber(0, a);
  hashNumber(-0, b);
  assert.deepEqual(a, b);
  const seen = new Set<bigint>();
  for (const x of [0, 1, 0.5, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 5e-324, 2 ** 60]) {
    hashNumber(x, a);
    seen.add(asBigInt(a));
  }
  assert.equal(seen.size, 9);
});

/** Probability that flipping each input bit flips each output bit must be close to 1/2. */
function assertAvalanche(inputBits: number, hashWithFlip: (flipBit: number, out: Int32Array) => void): void {
  const samples = 2000;
  const base = newHash64();
  const flipped = newHash64();
  const flips = new Uint32Array(inputBits * 64);
  for (let s = 0; s < samples; s++) {
    hashWithFlip(-1, base);
    for (let bit = 0; bit < inputBits; bit++) {
      hashWithFlip(bit, flipped);
      const dh = base[0]! ^ flipped[0]!;
      const dl = base[1]! ^ flipped[1]!;
      for (let o = 0; o < 32; o++) {
        flips[bit * 64 + o] += (dh >>> (31 - o)) & 1;
        flips[bit * 64 + 32 + o] += (dl >>> (31 - o)) & 1;
      }
    }
    hashWithFlip(-2, base); // advance to the next random input
  }
  let worst = 0;
  for (const count of flips) worst = Math.max(worst, Math.abs(count / samples - 0.5));
  assert.ok(worst < 0.06, `worst avalanche bias ${worst}`);
}

test('avalanche: numbers (53 input bits) and addresses (128 input bits)', () => {
  const random = xorshiftRandom(11);
  let x = 0;
  assertAvalanche(53, (bit, out) => {
    if (bit === -2) x = (random() % 2097152) * 4294967296 + random();
    else hashNumber(bit < 0 ? x : flipBit(x, bit), out);
  });
  const address = new Uint8Array(16);
  const copy = new Uint8Array(16);
  assertAvalanche(128, (bit, out) => {
    if (bit === -2) for (let i = 0; i < 16; i++) address[i] = random() & 0xff;
    else {
      copy.set(address);
      if (bit >= 0) copy[bit >>> 3] ^= 1 << (bit & 7);
      hashAddress(copy, 0, out);
    }
  });
});

/** x with one bit of its 53-bit integer value flipped. */
function flipBit(x: number, bit: number): number {
  const high = Math.floor(x / 4294967296);
  const low = x % 4294967296;
  if (bit < 32) return high * 4294967296 + ((low ^ (1 << bit)) >>> 0);
  return (high ^ (1 << (bit - 32))) * 4294967296 + low;
}

/** Chi-square of register indexes and the rank histogram of a stream of hashes at p = 14. */
function assertUniform(count: number, hashRow: (row: number, out: Int32Array) => void): void {
  const p = 14;
  const buckets = new Float64Array(1 << p);
  const ranks = new Float64Array(64);
  const out = newHash64();
  for (let row = 0; row < count; row++) {
    hashRow(row, out);
    buckets[out[0]! >>> (32 - p)]!++;
    const rest = out[0]! << p;
    ranks[rest !== 0 ? Math.clz32(rest) + 1 : 33 - p + Math.clz32(out[1]!)]!++;
  }
  const expected = count / buckets.length;
  let chiSquare = 0;
  for (const observed of buckets) chiSquare += (observed - expected) ** 2 / expected;
  const df = buckets.length - 1;
  assert.ok(Math.abs(chiSquare - df) < 6 * Math.sqrt(2 * df), `register chi-square ${chiSquare} (df ${df})`);
  for (let k = 1; k <= 12; k++) {
    const mean = count * 2 ** -k;
    const sd = Math.sqrt(mean * (1 - 2 ** -k));
    assert.ok(Math.abs(ranks[k]! - mean) < 6 * sd, `rank ${k}: ${ranks[k]} vs ${mean}`);
  }
}

test('uniform registers and ranks on sequential inputs: IPv4 addresses, ports, counters', () => {
  const addresses = ipv4Column(0x0a000000, 1 << 20);
  assertUniform(1 << 20, (row, out) => hashAddress(addresses, row * 16, out));
  assertUniform(1 << 16, (row, out) => hashNumber(row, out));
  assertUniform(1 << 20, (row, out) => hashNumber(1_000_000_000 + row, out));
  assertUniform(1 << 18, (row, out) => hashString(`host-${row}`, out));
});

test('hashString distinguishes lengths, padding and near-identical strings', () => {
  const out = newHash64();
  const seen = new Set<bigint>();
  const inputs = ['', '\0', '\0\0', 'a', 'a\0', 'abcd', 'abcde', 'abcd\0', 'héllo', '😀'];
  for (let i = 0; i < 100_000; i++) inputs.push(`10.0.${i >>> 8}.${i & 255}`);
  for (const s of inputs) {
    hashString(s, out);
    seen.add(asBigInt(out));
  }
  assert.equal(seen.size, new Set(inputs).size);
});

test('hashBytes distinguishes lengths, trailing zeros and offsets into a larger buffer', () => {
  const out = newHash64();
  const buffer = new Uint8Array(64);
  const seen = new Set<bigint>();
  for (let length = 0; length <= 20; length++) {
    hashBytes(buffer, 0, length, out);
    seen.add(asBigInt(out));
  }
  for (let i = 0; i < 64; i++) buffer[i] = i;
  for (let start = 0; start < 20; start++) {
    hashBytes(buffer, start, start + 17, out);
    seen.add(asBigInt(out));
  }
  assert.equal(seen.size, 41);
  const copy = newHash64();
  hashBytes(buffer.slice(3, 20), 0, 17, copy);
  hashBytes(buffer, 3, 20, out);
  assert.deepEqual(copy, out);
});
