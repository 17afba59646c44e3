/** Uniform numbers in [0, 1) for the reservoirs. */
export interface RandomSource {
  next(): number;
}

/**
 * Marsaglia's xorshift128 with its state in an Int32Array: `next()` allocates nothing once
 * inlined (Math.random returns a fresh heap number on every call in V8). 32 bits of
 * randomness per draw, plenty for reservoir sampling. Seeded from Math.random.
 */
export class XorShift128 implements RandomSource {
  private readonly s = new Int32Array(4);

  constructor(seed: () => number = Math.random) {
    for (let i = 0; i < 4; i++) this.s[i] = Math.floor(seed() * 0x1_0000_0000) | 0;
    if ((this.s[0]! | this.s[1]! | this.s[2]! | this.s[3]!) === 0) this.s[0] = 1;
  }

  next(): number {
    const s = this.s;
    let t = s[3]!;
    const first = s[0]!;
    s[3] = s[2]!;
    s[2] = s[1]!;
    s[1] = first;
    t ^= t << 11;
    t ^= t >>> 8;
    s[0] = t ^ first ^ (first >>> 19);
    return (s[0]! >>> 0) / 0x1_0000_0000;
  }
}

/** A plain function as a source (tests pass fixed or seeded sequences). */
export function randomSource(fn: () => number): RandomSource {
  return { next: fn };
}
