import type { MetricsClock } from './clock.js';
import type { RandomSource } from './random.js';
import { defaultReservoirSize, type Reservoir } from './reservoir.js';
import { WeightedSnapshot } from './snapshot.js';

/** Dropwizard's default: heavily biased toward the last 5 minutes of samples. */
export const defaultDecayAlpha = 0.015;
/** The landmark moves (weights are rescaled) at most this often. */
export const rescaleIntervalMs = 3_600_000;

/**
 * Dropwizard's ExponentiallyDecayingReservoir: Cormode et al.'s forward-decaying priority sample.
 * A value recorded t seconds after the landmark gets weight exp(alpha·t) and priority
 * weight / u (u uniform in [0, 1)); the `capacity` highest priorities are kept, so recent values
 * dominate. Times are whole seconds of the clock, as Dropwizard's. Weights grow with time, so at
 * the first update or read an hour or more after the last rescale the landmark moves to now and
 * every weight and priority is multiplied by exp(−alpha·Δ); samples whose weight underflows to 0
 * are dropped, and all of them when the factor itself is 0 (after ~14 idle hours).
 *
 * The samples sit in a min-heap on priority in typed arrays: an update is O(log n) and allocates
 * nothing (Dropwizard uses a skip list keyed by priority).
 */
export class DecayingReservoir implements Reservoir {
  private readonly priorities: Float64Array;
  private readonly values: Float64Array;
  private readonly weights: Float64Array;
  private n = 0;
  /** The landmark, in whole seconds. */
  private startTime: number;
  private nextScaleTime: number;

  constructor(
    private readonly clock: MetricsClock,
    private readonly random: RandomSource,
    readonly capacity = defaultReservoirSize,
    readonly alpha = defaultDecayAlpha,
  ) {
    this.priorities = new Float64Array(capacity);
    this.values = new Float64Array(capacity);
    this.weights = new Float64Array(capacity);
    const now = clock.now();
    this.startTime = Math.floor(now / 1000);
    this.nextScaleTime = now + rescaleIntervalMs;
  }

  get size(): number {
    return this.n;
  }

  update(value: number): void {
    const now = this.clock.now();
    if (now >= this.nextScaleTime) this.rescale(now);
    const weight = Math.exp(this.alpha * (Math.floor(now / 1000) - this.startTime));
    const priority = weight / this.random.next();
    if (this.n < this.capacity) {
      const i = this.n++;
      this.set(i, priority, value, weight);
      this.siftUp(i);
    } else if (this.priorities[0]! < priority) {
      this.set(0, priority, value, weight);
      this.siftDown(0);
    }
  }

  snapshot(): WeightedSnapshot {
    const now = this.clock.now();
    if (now >= this.nextScaleTime) this.rescale(now);
    return new WeightedSnapshot(this.values, this.weights, this.n);
  }

  private rescale(now: number): void {
    this.nextScaleTime = now + rescaleIntervalMs;
    const oldStartTime = this.startTime;
    this.startTime = Math.floor(now / 1000);
    const factor = Math.exp(-this.alpha * (this.startTime - oldStartTime));
    if (factor === 0) {
      this.n = 0;
      return;
    }
    let kept = 0;
    for (let i = 0; i < this.n; i++) {
      const weight = this.weights[i]! * factor;
      if (weight === 0) continue;
      this.set(kept++, this.priorities[i]! * factor, this.values[i]!, weight);
    }
    this.n = kept;
    // Scaling by one factor keeps the heap order, but dropping samples may not.
    for (let i = (kept >>> 1) - 1; i >= 0; i--) this.siftDown(i);
  }

  private set(i: number, priority: number, value: number, weight: number): void {
    this.priorities[i] = priority;
    this.values[i] = value;
    this.weights[i] = weight;
  }

  private move(from: number, to: number): void {
    this.set(to, this.priorities[from]!, this.values[from]!, this.weights[from]!);
  }

  private siftUp(i: number): void {
    const p = this.priorities[i]!;
    const v = this.values[i]!;
    const w = this.weights[i]!;
    while (i > 0) {
      const parent = (i - 1) >>> 1;
      if (this.priorities[parent]! <= p) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, p, v, w);
  }

  private siftDown(i: number): void {
    const p = this.priorities[i]!;
    const v = this.values[i]!;
    const w = this.weights[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= this.n) break;
      const right = left + 1;
      const child = right < this.n && this.priorities[right]! < this.priorities[left]! ? right : left;
      if (this.priorities[child]! >= p) break;
      this.move(child, i);
      i = child;
    }
    this.set(i, p, v, w);
  }
}
