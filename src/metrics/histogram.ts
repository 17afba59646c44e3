import type { Tags } from './names.js';
import type { Reservoir } from './reservoir.js';
import type { Snapshot } from './snapshot.js';

/**
 * The distribution of a value (sizes, latencies): a count and sum of everything recorded, and a
 * reservoir of samples for min, max, mean, standard deviation and quantiles (exponentially
 * decaying by default: the last ~5 minutes; or uniform over all time).
 */
export class Histogram {
  readonly kind = 'histogram';
  private total = 0;
  private summed = 0;

  constructor(
    readonly name: string,
    readonly tags: Tags,
    private readonly reservoir: Reservoir,
  ) {}

  /** Records one value; NaN and ±Infinity are ignored. */
  update(value: number): void {
    if (!Number.isFinite(value)) return;
    this.total++;
    this.summed += value;
    this.reservoir.update(value);
  }

  get count(): number {
    return this.total;
  }

  /** The sum of every value recorded (not only the reservoir's). */
  get sum(): number {
    return this.summed;
  }

  snapshot(): Snapshot {
    return this.reservoir.snapshot();
  }
}
