import type { Tags } from './names.js';

/** A value that is set: a queue depth, a size. */
export class Gauge {
  readonly kind = 'gauge';
  private current = 0;

  constructor(
    readonly name: string,
    readonly tags: Tags,
  ) {}

  set(value: number): void {
    this.current = value;
  }

  inc(n = 1): void {
    this.current += n;
  }

  dec(n = 1): void {
    this.current -= n;
  }

  get value(): number {
    return this.current;
  }
}

/**
 * A gauge read from a function when exported (bytes on disk, open files). A function that throws
 * or returns a non-number reads as NaN: one broken gauge never breaks an export.
 */
export class FunctionGauge {
  readonly kind = 'gaugeFn';

  constructor(
    readonly name: string,
    readonly tags: Tags,
    private fn: () => number,
  ) {}

  /** Registering the same name and tags again replaces the function (a component restarted). */
  replace(fn: () => number): void {
    this.fn = fn;
  }

  get value(): number {
    try {
      const v = this.fn();
      return typeof v === 'number' ? v : Number.NaN;
    } catch {
      return Number.NaN;
    }
  }
}
