/**
 * Cardinality estimators: Ertl's improved raw estimator for dense registers ("New cardinality
 * estimation algorithms for HyperLogLog sketches", 2017, algorithm 6) and linear counting for
 * the sparse representation.
 */

const ALPHA_INFINITY = 1 / (2 * Math.LN2);

/** σ(x) = x + Σ_{k≥1} x^(2^k) · 2^(k-1); corrects for empty registers. */
function sigma(x: number): number {
  if (x === 1) return Number.POSITIVE_INFINITY;
  let y = 1;
  let z = x;
  let previous: number;
  do {
    x *= x;
    previous = z;
    z += x * y;
    y += y;
  } while (z !== previous);
  return z;
}

/** τ(x) = (1 - x - Σ_{k≥1} (1 - x^(2^-k))² · 2^-k) / 3; corrects for saturated registers. */
function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let y = 1;
  let z = 1 - x;
  let previous: number;
  do {
    x = Math.sqrt(x);
    previous = z;
    y *= 0.5;
    z -= (1 - x) ** 2 * y;
  } while (z !== previous);
  return z / 3;
}

/** Estimate from dense registers of precision p holding ranks 0..65-p. */
export function estimateDense(registers: Uint8Array, precision: number): number {
  const m = registers.length;
  const q = 64 - precision;
  const histogram = new Float64Array(q + 2);
  for (let i = 0; i < m; i++) histogram[registers[i]!]!++;
  if (histogram[0] === m) return 0;
  let z = m * tau(1 - histogram[q + 1]! / m);
  for (let k = q; k >= 1; k--) z = 0.5 * (z + histogram[k]!);
  z += m * sigma(histogram[0]! / m);
  return (ALPHA_INFINITY * m * m) / z;
}

/** Linear counting: expected distinct values that occupy `occupied` of `m` buckets. */
export function linearCount(m: number, occupied: number): number {
  return m * Math.log(m / (m - occupied));
}
