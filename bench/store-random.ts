/**
 * mulberry32, as `Random` in src/ingest/export/random.ts (same sequence for the same seed), but
 * with its state kept as a signed 32-bit integer: V8 then keeps it unboxed, and a draw costs a
 * third of the time. The data set makes ~25 draws per flow, so this decides its speed.
 */
export class FastRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed | 0;
  }

  u32(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A uniform float in [0, 1). */
  next(): number {
    return this.u32() / 0x1_0000_0000;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An exponentially distributed value with the given mean. */
  exponential(mean: number): number {
    return -Math.log(1 - this.next()) * mean;
  }
}

/**
 * Zipf-distributed ranks 0..n-1 (rank 0 most frequent) with exponent `s`, drawn in O(1) with
 * Vose's alias method: one uniform draw picks a column and, by its fractional part, the column's
 * own rank or its alias. The binary-search Zipf of the flow generator costs 15 steps for 30 000
 * prefixes; this keeps the data set generator well ahead of the store it feeds.
 */
export class AliasZipf {
  private readonly prob: Float64Array;
  private readonly alias: Uint32Array;

  constructor(
    readonly n: number,
    s: number,
  ) {
    const p = new Float64Array(n);
    let sum = 0;
    for (let k = 0; k < n; k++) {
      p[k] = 1 / (k + 1) ** s;
      sum += p[k]!;
    }
    for (let k = 0; k < n; k++) p[k] = (p[k]! * n) / sum;
    this.prob = new Float64Array(n);
    this.alias = new Uint32Array(n);
    const small: number[] = [];
    const large: number[] = [];
    for (let k = 0; k < n; k++) (p[k]! < 1 ? small : large).push(k);
    while (small.length > 0 && large.length > 0) {
      const l = small.pop()!;
      const g = large.pop()!;
      this.prob[l] = p[l]!;
      this.alias[l] = g;
      p[g] = p[g]! + p[l]! - 1;
      (p[g]! < 1 ? small : large).push(g);
    }
    for (const k of large) this.prob[k] = 1;
    for (const k of small) this.prob[k] = 1;
  }

  draw(rng: FastRandom): number {
    const x = rng.next() * this.n;
    const k = Math.floor(x);
    return x - k < this.prob[k]! ? k : this.alias[k]!;
  }
}
