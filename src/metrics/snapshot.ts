/**
 * A reservoir's samples at one moment, with Dropwizard's statistics over them: WeightedSnapshot
 * for the exponentially decaying reservoir, UniformSnapshot for the uniform one. Built when an
 * exporter reads a histogram, never on the hot path.
 */
export interface Snapshot {
  readonly size: number;
  /** The value at quantile q in [0, 1]; 0 for an empty snapshot. */
  quantile(q: number): number;
  readonly min: number;
  readonly max: number;
  readonly mean: number;
  readonly stddev: number;
}

/** The quantiles every exporter reports, with their Prometheus label and OpenTSDB suffix. */
export const reportedQuantiles = [
  { q: 0.5, label: '0.5', suffix: 'p50' },
  { q: 0.75, label: '0.75', suffix: 'p75' },
  { q: 0.95, label: '0.95', suffix: 'p95' },
  { q: 0.99, label: '0.99', suffix: 'p99' },
  { q: 0.999, label: '0.999', suffix: 'p999' },
] as const;

function checkQuantile(q: number): void {
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile ${q} is not in [0, 1]`);
}

/**
 * Samples with weights (com.codahale.metrics.WeightedSnapshot): sorted by value, each weight
 * normalized by their sum; quantile q is the value of the last sample whose cumulative weight
 * before it is at most q. Mean and standard deviation are weighted (population) ones.
 */
export class WeightedSnapshot implements Snapshot {
  private readonly values: Float64Array;
  private readonly normWeights: Float64Array;
  /** quantiles[i]: the summed normalized weight of the samples before i. */
  private readonly quantiles: Float64Array;

  constructor(values: ArrayLike<number>, weights: ArrayLike<number>, size: number) {
    const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => values[a]! - values[b]!);
    this.values = new Float64Array(size);
    this.normWeights = new Float64Array(size);
    this.quantiles = new Float64Array(size);
    let sumWeight = 0;
    for (let i = 0; i < size; i++) sumWeight += weights[i]!;
    for (let i = 0; i < size; i++) {
      this.values[i] = values[order[i]!]!;
      this.normWeights[i] = sumWeight !== 0 ? weights[order[i]!]! / sumWeight : 0;
    }
    for (let i = 1; i < size; i++) this.quantiles[i] = this.quantiles[i - 1]! + this.normWeights[i - 1]!;
  }

  get size(): number {
    return this.values.length;
  }

  quantile(q: number): number {
    checkQuantile(q);
    const n = this.values.length;
    if (n === 0) return 0;
    // The last i with quantiles[i] <= q (Arrays.binarySearch's hit, or its insertion point − 1).
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.quantiles[mid]! <= q) lo = mid;
      else hi = mid - 1;
    }
    return this.values[lo]!;
  }

  get min(): number {
    return this.values.length === 0 ? 0 : this.values[0]!;
  }

  get max(): number {
    return this.values.length === 0 ? 0 : this.values[this.values.length - 1]!;
  }

  get mean(): number {
    let sum = 0;
    for (let i = 0; i < this.values.length; i++) sum += this.values[i]! * this.normWeights[i]!;
    return sum;
  }

  get stddev(): number {
    if (this.values.length <= 1) return 0;
    const mean = this.mean;
    let variance = 0;
    for (let i = 0; i < this.values.length; i++) {
      const diff = this.values[i]! - mean;
      variance += this.normWeights[i]! * diff * diff;
    }
    return Math.sqrt(variance);
  }
}

/**
 * Equally weighted samples (com.codahale.metrics.UniformSnapshot): quantiles interpolate between
 * neighbours at position q·(n + 1); the standard deviation is the sample one (n − 1).
 */
export class UniformSnapshot implements Snapshot {
  private readonly values: Float64Array;

  constructor(values: ArrayLike<number>, size: number) {
    this.values = Float64Array.from({ length: size }, (_, i) => values[i]!).sort();
  }

  get size(): number {
    return this.values.length;
  }

  quantile(q: number): number {
    checkQuantile(q);
    const n = this.values.length;
    if (n === 0) return 0;
    const pos = q * (n + 1);
    const index = Math.floor(pos);
    if (index < 1) return this.values[0]!;
    if (index >= n) return this.values[n - 1]!;
    const lower = this.values[index - 1]!;
    const upper = this.values[index]!;
    return lower + (pos - index) * (upper - lower);
  }

  get min(): number {
    return this.values.length === 0 ? 0 : this.values[0]!;
  }

  get max(): number {
    return this.values.length === 0 ? 0 : this.values[this.values.length - 1]!;
  }

  get mean(): number {
    if (this.values.length === 0) return 0;
    let sum = 0;
    for (const v of this.values) sum += v;
    return sum / this.values.length;
  }

  get stddev(): number {
    const n = this.values.length;
    if (n <= 1) return 0;
    const mean = this.mean;
    let sum = 0;
    for (const v of this.values) sum += (v - mean) * (v - mean);
    return Math.sqrt(sum / (n - 1));
  }
}
