import type { MetricsClock } from './clock.js';
import { Ewma, ewmaAlpha, tickMs } from './ewma.js';
import type { Tags } from './names.js';

/**
 * Events and their rates, as Dropwizard's Meter: a count, the mean rate since creation, and 1-,
 * 5- and 15-minute EWMA rates (events per second). Ticking is lazy: `mark` and every rate read
 * first replay the 5 s ticks that passed since the last one (marks since then belong to the first
 * replayed tick, as in Dropwizard), so an idle meter costs nothing. `mark()` reads the clock and
 * does a few additions; it allocates nothing.
 */
export class Meter {
  readonly kind = 'meter';
  private total = 0;
  private uncounted = 0;
  private readonly startTime: number;
  private lastTick: number;
  private readonly m1 = new Ewma(ewmaAlpha(1));
  private readonly m5 = new Ewma(ewmaAlpha(5));
  private readonly m15 = new Ewma(ewmaAlpha(15));

  constructor(
    readonly name: string,
    readonly tags: Tags,
    private readonly clock: MetricsClock,
  ) {
    this.startTime = clock.now();
    this.lastTick = this.startTime;
  }

  /** Records `n` events (default 1); a negative or NaN `n` is ignored. */
  mark(n = 1): void {
    this.tickIfNecessary();
    if (!(n > 0)) return;
    this.total += n;
    this.uncounted += n;
  }

  get count(): number {
    return this.total;
  }

  /** Events per second since the meter was created. */
  get meanRate(): number {
    if (this.total === 0) return 0;
    const elapsedMs = this.clock.now() - this.startTime;
    return elapsedMs > 0 ? (this.total * 1000) / elapsedMs : 0;
  }

  get m1Rate(): number {
    this.tickIfNecessary();
    return this.m1.rate;
  }

  get m5Rate(): number {
    this.tickIfNecessary();
    return this.m5.rate;
  }

  get m15Rate(): number {
    this.tickIfNecessary();
    return this.m15.rate;
  }

  private tickIfNecessary(): void {
    const now = this.clock.now();
    const age = now - this.lastTick;
    if (!(age > tickMs)) return;
    this.lastTick = now - (age % tickMs);
    const ticks = Math.floor(age / tickMs);
    for (let i = 0; i < ticks; i++) {
      const count = this.uncounted;
      this.uncounted = 0;
      const m1 = this.m1.tick(count);
      const m5 = this.m5.tick(count);
      const m15 = this.m15.tick(count);
      // An idle tick that changed nothing has reached a fixed point (0, or a denormal where
      // alpha·rate rounds away): the remaining idle ticks of a long idle spell would change nothing.
      if (count === 0 && !m1 && !m5 && !m15) break;
    }
  }
}
