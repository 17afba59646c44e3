import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ManualClock } from '../../test/helpers/manual-clock.js';
import { seededUniform as seeded } from '../ingest/export/random.js';
import { DecayingReservoir, defaultDecayAlpha } from './decaying-reservoir.js';
import { randomSource, XorShift128 } from './random.js';
import { UniformReservoir } from './uniform-reservoir.js';

function shuffled(n: number, random: () => number): number[] {
  const out = Array.from({ length: n }, (_, i) => i + 1);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function close(actual: number, want: number, what: string, tolerance = 1e-9): void {
  assert.ok(
    Math.abs(actual - want) <= tolerance * Math.max(1, Math.abs(want)),
    `${what}: ${actual} vs ${want}`,
  );
}

test('uniform snapshot of 1..100: quantiles interpolate at q·(n + 1), sample standard deviation', () => {
  const reservoir = new UniformReservoir(randomSource(seeded(1)));
  for (const v of shuffled(100, seeded(2))) reservoir.update(v);
  const s = reservoir.snapshot();
  // Sorted values v[i] = i + 1. q = 0.5: pos 50.5 → v[49] + 0.5·(v[50] − v[49]) = 50.5.
  close(s.quantile(0.5), 50.5, 'p50');
  close(s.quantile(0.75), 75.75, 'p75'); // pos 75.75
  close(s.quantile(0.99), 99.99, 'p99'); // pos 99.99
  assert.equal(s.quantile(0.999), 100); // pos 100.899: past the last index → the maximum
  assert.equal(s.quantile(0), 1);
  assert.equal(s.min, 1);
  assert.equal(s.max, 100);
  close(s.mean, 50.5, 'mean');
  // The sample variance of 1..n is n(n + 1)/12.
  close(s.stddev, Math.sqrt((100 * 101) / 12), 'stddev');
});

test('uniform reservoir past its capacity: Algorithm R replaces slot floor(u·c) when it is below the capacity', () => {
  // u just below 1: floor(u·c) = c − 1 ≥ capacity for every c past it, so nothing is replaced.
  const keeps = new UniformReservoir(
    randomSource(() => 0.999_999_999),
    10,
  );
  for (let v = 1; v <= 1000; v++) keeps.update(v);
  assert.equal(keeps.size, 10);
  assert.equal(keeps.snapshot().max, 10);
  // u = 0: slot 0 is replaced by every value past the capacity, so it ends with the last one.
  const replaces = new UniformReservoir(
    randomSource(() => 0),
    10,
  );
  for (let v = 1; v <= 1000; v++) replaces.update(v);
  const s = replaces.snapshot();
  assert.equal(s.max, 1000);
  assert.equal(s.min, 2, 'slots 1..9 keep 2..10; slot 0 lost 1');
});

test('decaying reservoir, samples at one instant: quantile q is the value at floor(q·n) + 1', () => {
  // Equal weights 1/n; cumulative weight before the i-th smallest (0-based) is i/n, and the
  // quantile is the last value whose cumulative weight is ≤ q: index floor(q·n), value
  // floor(q·n) + 1 when q·n is not an integer. n = 1027 keeps every q·n clear of integers.
  const n = 1027;
  const reservoir = new DecayingReservoir(new ManualClock(), randomSource(seeded(3)));
  for (const v of shuffled(n, seeded(4))) reservoir.update(v);
  const s = reservoir.snapshot();
  assert.equal(s.size, n);
  for (const q of [0.5, 0.75, 0.95, 0.99, 0.999])
    assert.equal(s.quantile(q), Math.floor(q * n) + 1, `q ${q}`);
  assert.equal(s.quantile(0.5), 514);
  assert.equal(s.quantile(0.999), 1026);
  assert.equal(s.min, 1);
  assert.equal(s.max, n);
  close(s.mean, (n + 1) / 2, 'weighted mean');
  // The population variance of 1..n is (n² − 1)/12.
  close(s.stddev, Math.sqrt((n * n - 1) / 12), 'weighted stddev');
});

test('decaying reservoir over capacity keeps the highest priorities weight/u', () => {
  const capacity = 1028;
  const us: number[] = [];
  const random = seeded(5);
  const recording = () => {
    const u = random();
    us.push(u);
    return u;
  };
  const reservoir = new DecayingReservoir(new ManualClock(), randomSource(recording));
  for (let v = 0; v < 3 * capacity; v++) reservoir.update(v);
  // Brute force: all weights are 1, so priority 1/u; keep the capacity smallest u.
  const kept = us
    .map((u, v) => ({ u, v }))
    .sort((a, b) => a.u - b.u)
    .slice(0, capacity)
    .map((x) => x.v)
    .sort((a, b) => a - b);
  const s = reservoir.snapshot();
  assert.equal(s.size, capacity);
  assert.equal(s.min, kept[0]);
  assert.equal(s.max, kept[capacity - 1]);
  close(s.mean, kept.reduce((a, b) => a + b, 0) / capacity, 'mean of the kept values');
});

test('decaying reservoir weights samples by exp(0.015·t): value 10 at 0 s, value 20 at 100 s', () => {
  const clock = new ManualClock();
  const reservoir = new DecayingReservoir(clock, randomSource(seeded(6)));
  reservoir.update(10);
  clock.advance(100_000);
  reservoir.update(20);
  // Weights 1 and e^1.5 = 4.4817; normalized p10 = 1/(1 + e^1.5) = 0.18243, p20 = 0.81757.
  const p10 = 1 / (1 + Math.exp(1.5));
  const p20 = 1 - p10;
  const s = reservoir.snapshot();
  assert.equal(s.quantile(0.1), 10, 'below 0.18243 the smaller value');
  assert.equal(s.quantile(0.5), 20);
  assert.equal(s.quantile(0.99), 20);
  close(s.mean, 10 * p10 + 20 * p20, 'mean 18.176');
  close(s.stddev, 10 * Math.sqrt(p10 * p20), 'stddev 3.862');
});

test('decaying reservoir after an hour: the landmark moves to now, weights relative to now are kept', () => {
  const clock = new ManualClock();
  const reservoir = new DecayingReservoir(clock, randomSource(seeded(7)));
  reservoir.update(1); // t = 0
  clock.advance(1_800_000);
  reservoir.update(2); // t = 1800 s
  clock.advance(1_800_000);
  reservoir.update(3); // t = 3600 s: rescales first (landmark 3600 s), then adds weight e^0 = 1
  // Relative to now the weights are e^(−0.015·3600) = e^−54, e^−27 and 1.
  const w = [Math.exp(-54), Math.exp(-27), 1];
  const total = w[0]! + w[1]! + w[2]!;
  close(reservoir.snapshot().mean, (1 * w[0]! + 2 * w[1]! + 3 * w[2]!) / total, 'mean', 1e-15);
  assert.equal(reservoir.size, 3);
});

test('decaying reservoir over a day of clock time: rescaled hourly, the numbers match weights relative to now', () => {
  // Without rescaling, a weight e^(0.015·t) overflows to Infinity after 13.1 hours (e^709.8) and
  // every statistic turns NaN. Samples: the hour index every 10 minutes for 24 hours, then a
  // burst of 1000 + i at one per second over the last 100 seconds (244 samples: all kept).
  const clock = new ManualClock();
  const start = clock.now();
  const reservoir = new DecayingReservoir(clock, randomSource(seeded(8)));
  const samples: { t: number; v: number }[] = [];
  const record = (v: number) => {
    samples.push({ t: Math.floor((clock.now() - start) / 1000), v });
    reservoir.update(v);
  };
  for (let k = 0; k < 144; k++) {
    record(Math.floor(k / 6));
    clock.advance(600_000);
  }
  for (let i = 0; i < 100; i++) {
    record(1000 + i);
    clock.advance(1000);
  }
  const now = Math.floor((clock.now() - start) / 1000);
  // The oracle: weights exp(α·(t − now)), never large; those that underflow to 0 are gone.
  const weighted = samples
    .map((s) => ({ v: s.v, w: Math.exp(defaultDecayAlpha * (s.t - now)) }))
    .filter((s) => s.w > 0)
    .sort((a, b) => a.v - b.v);
  const total = weighted.reduce((a, s) => a + s.w, 0);
  const quantile = (q: number) => {
    let cumulative = 0;
    let value = weighted[0]!.v;
    for (const s of weighted) {
      if (cumulative > q) break;
      value = s.v;
      cumulative += s.w / total;
    }
    return value;
  };
  const s = reservoir.snapshot();
  assert.ok(Number.isFinite(s.mean), `mean ${s.mean}`);
  close(s.mean, weighted.reduce((a, x) => a + x.v * x.w, 0) / total, 'mean');
  for (const q of [0.05, 0.5, 0.75, 0.95, 0.99, 0.999]) assert.equal(s.quantile(q), quantile(q), `q ${q}`);
  assert.ok(s.quantile(0.5) > 1050, 'the median is in the recent burst');
});

test('decaying reservoir idle for 14 hours forgets everything (the rescale factor underflows to 0)', () => {
  const clock = new ManualClock();
  const reservoir = new DecayingReservoir(clock, randomSource(seeded(9)));
  for (let v = 1; v <= 10; v++) reservoir.update(v);
  // exp(−0.015 · 50,400 s) = e^−756 = 0 in doubles (the smallest is ~e^−745).
  clock.advance(14 * 3_600_000);
  const s = reservoir.snapshot();
  assert.equal(s.size, 0);
  assert.equal(s.quantile(0.5), 0);
  reservoir.update(42);
  assert.equal(reservoir.snapshot().quantile(0.99), 42);
});

test('xorshift128: uniform in [0, 1): 100,000 draws fall evenly in 10 bins (chi-squared)', () => {
  const random = new XorShift128(seeded(10));
  const bins = new Array(10).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const u = random.next();
    assert.ok(u >= 0 && u < 1);
    bins[Math.floor(u * 10)]++;
  }
  // 9 degrees of freedom: chi-squared above 27.88 has probability 0.001 for a uniform source.
  const chi2 = bins.reduce((a, n) => a + (n - 10_000) ** 2 / 10_000, 0);
  assert.ok(chi2 < 27.88, `chi-squared ${chi2}`);
});
