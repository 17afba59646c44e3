import type { RandomSource } from './random.js';
import { defaultReservoirSize, type Reservoir } from './reservoir.js';
import { UniformSnapshot } from './snapshot.js';

/**
 * A uniform random sample of every value ever recorded (Vitter's Algorithm R, as Dropwizard's
 * UniformReservoir): the first `capacity` values are kept; the c-th value after them replaces a
 * random slot with probability capacity / c. For distributions that do not drift.
 */
export class UniformReservoir implements Reservoir {
  private readonly values: Float64Array;
  private count = 0;

  constructor(
    private readonly random: RandomSource,
    readonly capacity = defaultReservoirSize,
  ) {
    this.values = new Float64Array(capacity);
  }

  update(value: number): void {
    const c = ++this.count;
    if (c <= this.capacity) this.values[c - 1] = value;
    else {
      const r = Math.floor(this.random.next() * c);
      if (r < this.capacity) this.values[r] = value;
    }
  }

  get size(): number {
    return Math.min(this.count, this.capacity);
  }

  snapshot(): UniformSnapshot {
    return new UniformSnapshot(this.values, this.size);
  }
}
