import { Random as FastRandom } from '../src/ingest/export/random.js';

export { FastRandom };

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
