/**
 * percentile_cont state. Exact while a group has at most PERCENTILE_EXACT_LIMIT distinct values: a
 * value → count histogram, answered with PostgreSQL's interpolation. Past the limit the group
 * becomes a DDSketch (Masson et al., VLDB 2019) with 1 % relative accuracy: logarithmic buckets of
 * ratio γ = 1.01/0.99, mergeable by adding bucket counts, whatever the order of merges.
 */
export const PERCENTILE_EXACT_LIMIT = 10_000;
export const SKETCH_RELATIVE_ACCURACY = 0.01;

const GAMMA = (1 + SKETCH_RELATIVE_ACCURACY) / (1 - SKETCH_RELATIVE_ACCURACY);
const LOG_GAMMA = Math.log(GAMMA);

/** A sketch as partials carry it: bucket indexes and counts for positive and negative values. */
export interface PercentileSketchState {
  readonly zero: number;
  readonly posIndex: Int32Array;
  readonly posCount: Float64Array;
  readonly negIndex: Int32Array;
  readonly negCount: Float64Array;
}

function bucketOf(magnitude: number): number {
  return Math.ceil(Math.log(magnitude) / LOG_GAMMA);
}

/** The value a bucket stands for: within SKETCH_RELATIVE_ACCURACY of every value in it. */
function bucketValue(index: number): number {
  return (2 * GAMMA ** index) / (GAMMA + 1);
}

/** One group's percentile state on the coordinator (and in a kernel's emit step). */
export class PercentileAccumulator {
  private exact: Map<number, number> | null = new Map();
  private zero = 0;
  private readonly pos = new Map<number, number>();
  private readonly neg = new Map<number, number>();

  add(value: number, count: number): void {
    if (this.exact !== null) {
      this.exact.set(value, (this.exact.get(value) ?? 0) + count);
      if (this.exact.size > PERCENTILE_EXACT_LIMIT) this.toSketch();
      return;
    }
    this.addToSketch(value, count);
  }

  mergeSketch(s: PercentileSketchState): void {
    this.toSketch();
    this.zero += s.zero;
    for (let i = 0; i < s.posIndex.length; i++) bump(this.pos, s.posIndex[i]!, s.posCount[i]!);
    for (let i = 0; i < s.negIndex.length; i++) bump(this.neg, s.negIndex[i]!, s.negCount[i]!);
  }

  get isExact(): boolean {
    return this.exact !== null;
  }

  toState(): PercentileSketchState {
    this.toSketch();
    const pack = (m: Map<number, number>) => {
      const keys = [...m.keys()].sort((a, b) => a - b);
      return [Int32Array.from(keys), Float64Array.from(keys, (k) => m.get(k)!)] as const;
    };
    const [posIndex, posCount] = pack(this.pos);
    const [negIndex, negCount] = pack(this.neg);
    return { zero: this.zero, posIndex, posCount, negIndex, negCount };
  }

  /** percentile_cont(fraction), or null when no value was added. */
  result(fraction: number): number | null {
    const points = this.sortedPoints();
    let total = 0;
    for (const [, c] of points) total += c;
    if (total === 0) return null;
    const pos = fraction * (total - 1);
    const loRank = Math.floor(pos);
    const hiRank = Math.ceil(pos);
    const lo = valueAtRank(points, loRank);
    if (hiRank === loRank) return lo;
    const hi = valueAtRank(points, hiRank);
    return lo + (pos - loRank) * (hi - lo);
  }

  private sortedPoints(): [number, number][] {
    if (this.exact !== null) return [...this.exact].sort((a, b) => a[0] - b[0]);
    const points: [number, number][] = [];
    for (const [i, c] of this.neg) points.push([-bucketValue(i), c]);
    if (this.zero > 0) points.push([0, this.zero]);
    for (const [i, c] of this.pos) points.push([bucketValue(i), c]);
    return points.sort((a, b) => a[0] - b[0]);
  }

  private toSketch(): void {
    if (this.exact === null) return;
    const exact = this.exact;
    this.exact = null;
    for (const [v, c] of exact) this.addToSketch(v, c);
  }

  private addToSketch(value: number, count: number): void {
    if (value === 0) this.zero += count;
    else if (value > 0) bump(this.pos, bucketOf(value), count);
    else bump(this.neg, bucketOf(-value), count);
  }
}

function bump(m: Map<number, number>, key: number, count: number): void {
  m.set(key, (m.get(key) ?? 0) + count);
}

function valueAtRank(points: readonly [number, number][], rank: number): number {
  let seen = 0;
  for (const [v, c] of points) {
    seen += c;
    if (rank < seen) return v;
  }
  return points[points.length - 1]![0];
}
