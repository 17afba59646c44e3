import type { Tags } from './names.js';

/** A count that only goes up (exported as `<name>_total`). `inc()` is one addition. */
export class Counter {
  readonly kind = 'counter';
  private value = 0;

  constructor(
    readonly name: string,
    readonly tags: Tags,
  ) {}

  /** Adds `n` (default 1); a negative or NaN `n` is ignored, so the count never goes down. */
  inc(n = 1): void {
    if (n > 0) this.value += n;
  }

  get count(): number {
    return this.value;
  }
}

/**
 * A count kept elsewhere (a component's stats object), read when exported and exposed as a
 * counter. Like FunctionGauge: a throwing function reads as NaN; registering again replaces it.
 */
export class FunctionCounter {
  readonly kind = 'counterFn';

  constructor(
    readonly name: string,
    readonly tags: Tags,
    private fn: () => number,
  ) {}

  replace(fn: () => number): void {
    this.fn = fn;
  }

  get count(): number {
    try {
      const v = this.fn();
      return typeof v === 'number' ? v : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }
}
