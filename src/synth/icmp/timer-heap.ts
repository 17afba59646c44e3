import { DueHeap } from '../due-heap.js';

/**
 * One timer for any number of deadlines: a DueHeap (typed arrays, no allocation per entry once
 * grown) and a single setTimeout armed for the earliest deadline. Entries cannot be
 * cancelled; a target ignores an `arg` that no longer means anything to it (the probe table does
 * that with a generation number in the arg), which keeps add() and the firing loop O(log n).
 */

export interface TimerTarget {
  onTimer(arg: number): void;
  /**
   * Whether `onTimer(arg)` would do nothing (a probe answered before its timeout): such entries
   * are dropped when they reach the top instead of arming the timer for them.
   */
  isStale?(arg: number): boolean;
}

export type Clock = () => number;
export const monotonicMs: Clock = () => performance.now();

export class TimerHeap {
  private readonly heap = new DueHeap<TimerTarget>();
  private timer: NodeJS.Timeout | undefined;
  private armedAt = Number.POSITIVE_INFINITY;
  private closed = false;
  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    this.runDue(this.now());
    this.arm();
  };

  constructor(private readonly now: Clock = monotonicMs) {}

  get size(): number {
    return this.heap.size;
  }

  /** Calls `target.onTimer(arg)` at `atMs` (on the clock given to the constructor). */
  add(atMs: number, target: TimerTarget, arg: number): void {
    this.heap.push(atMs, target, arg);
    if (atMs < this.armedAt) this.arm();
  }

  /** Fires every entry due at `now`, earliest first (also what the internal timer calls). */
  runDue(now: number): void {
    const h = this.heap;
    while (h.size > 0 && h.topAt <= now) {
      const target = h.topItem;
      const arg = h.topTag;
      h.pop();
      target.onTimer(arg);
    }
  }

  /** Stops the timer; entries left are dropped. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.heap.clear();
  }

  private arm(): void {
    const h = this.heap;
    // Thousands of answered probes a second would otherwise each wake the event loop for nothing.
    while (h.size > 0 && h.topItem.isStale?.(h.topTag) === true) h.pop();
    if (this.closed || h.size === 0) return;
    const head = h.topAt;
    if (this.timer !== undefined) {
      if (this.armedAt <= head) return;
      clearTimeout(this.timer);
    }
    this.armedAt = head;
    this.timer = setTimeout(this.fire, Math.max(0, head - this.now()));
  }
}
