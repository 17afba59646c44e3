/**
 * One timer for any number of deadlines: a binary min-heap in typed arrays (no allocation per
 * entry once grown) and a single setTimeout armed for the earliest deadline. Entries cannot be
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
  private at = new Float64Array(256);
  private args = new Float64Array(256);
  private targets: (TimerTarget | undefined)[] = new Array(256);
  private n = 0;
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
    return this.n;
  }

  /** Calls `target.onTimer(arg)` at `atMs` (on the clock given to the constructor). */
  add(atMs: number, target: TimerTarget, arg: number): void {
    if (this.n === this.at.length) this.grow();
    let i = this.n++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.at[parent]! <= atMs) break;
      this.move(parent, i);
      i = parent;
    }
    this.set(i, atMs, target, arg);
    if (atMs < this.armedAt) this.arm();
  }

  /** Fires every entry due at `now`, earliest first (also what the internal timer calls). */
  runDue(now: number): void {
    while (this.n > 0 && this.at[0]! <= now) {
      const target = this.targets[0]!;
      const arg = this.args[0]!;
      this.pop();
      target.onTimer(arg);
    }
  }

  /** Stops the timer; entries left are dropped. */
  close(): void {
    this.closed = true;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.targets.fill(undefined);
    this.n = 0;
  }

  private arm(): void {
    // Thousands of answered probes a second would otherwise each wake the event loop for nothing.
    while (this.n > 0 && this.targets[0]!.isStale?.(this.args[0]!) === true) this.pop();
    if (this.closed || this.n === 0) return;
    const head = this.at[0]!;
    if (this.timer !== undefined) {
      if (this.armedAt <= head) return;
      clearTimeout(this.timer);
    }
    this.armedAt = head;
    this.timer = setTimeout(this.fire, Math.max(0, head - this.now()));
  }

  private pop(): void {
    const last = --this.n;
    const atMs = this.at[last]!;
    const target = this.targets[last];
    const arg = this.args[last]!;
    this.targets[last] = undefined;
    if (last === 0) return;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.at[child + 1]! < this.at[child]!) child++;
      if (this.at[child]! >= atMs) break;
      this.move(child, i);
      i = child;
    }
    this.set(i, atMs, target!, arg);
  }

  private move(from: number, to: number): void {
    this.at[to] = this.at[from]!;
    this.args[to] = this.args[from]!;
    this.targets[to] = this.targets[from];
  }

  private set(i: number, atMs: number, target: TimerTarget, arg: number): void {
    this.at[i] = atMs;
    this.args[i] = arg;
    this.targets[i] = target;
  }

  private grow(): void {
    const size = this.at.length * 2;
    const at = new Float64Array(size);
    at.set(this.at);
    const args = new Float64Array(size);
    args.set(this.args);
    this.at = at;
    this.args = args;
    this.targets.length = size;
  }
}
