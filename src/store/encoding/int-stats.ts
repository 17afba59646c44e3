/** What the integer encoder learns of a block before choosing its encoding. */

export interface IntBlockInfo {
  readonly kind: number;
  readonly min: number;
  readonly max: number;
}

/** What the encoder needs to know of a block first: a caller that copies the values can compute it in the same pass. */
export interface BlockStats {
  min: number;
  max: number;
  /** Largest |v[i] - v[i-1]|. */
  maxAbsDelta: number;
  /** Every value is an integer. */
  integral: boolean;
}
type Stats = BlockStats;

/** Min, max, largest step between neighbours, and whether every value is an integer. */
export function stats(values: Float64Array, n: number): Stats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let integral = true;
  let maxAbsDelta = 0;
  let prev = n > 0 ? values[0]! : 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    if (Math.floor(v) !== v) integral = false;
    const d = Math.abs(v - prev);
    if (d > maxAbsDelta) maxAbsDelta = d;
    prev = v;
  }
  return { min, max, maxAbsDelta, integral };
}

/** `stats` for values known to be unsigned 32-bit integers: no fraction test. */
export function intStats(values: Float64Array, n: number): Stats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let maxAbsDelta = 0;
  let prev = n > 0 ? values[0]! : 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
    const d = v > prev ? v - prev : prev - v;
    if (d > maxAbsDelta) maxAbsDelta = d;
    prev = v;
  }
  return { min, max, maxAbsDelta, integral: true };
}
