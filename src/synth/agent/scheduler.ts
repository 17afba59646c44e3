import type { RunHandle, TestResult, TestSpec, TestType } from '../contract.js';
import { DueHeap } from './due-heap.js';
import { failureResult } from './failure-result.js';
import {
  defaultSchedulerConfig,
  type SchedulerConfig,
  type SchedulerDeps,
  type SchedulerStats,
  type Task,
} from './scheduler-types.js';

export { defaultSchedulerConfig, type SchedulerConfig, type SchedulerDeps, type SchedulerStats };

/** Deadline entries' tags: run × 2 + phase. */
const abortPhase = 0;
const giveUpPhase = 1;

/**
 * Runs each task on its own interval (docs/synth.md "Scheduler"): a random start offset within
 * the interval, then tick k at first + k × interval — computed, never measured from a run's end,
 * so nothing drifts. Runs are not awaited by the scheduler: a slow run holds one of `concurrency`
 * slots and nothing else; ticks beyond the bound wait in a queue, oldest first. A task's run never
 * overlaps its previous one (the tick is counted as an overrun). One timer, for the earliest tick
 * or run deadline (both in heaps); a probe with a fast path (`deps.start`) costs no promise,
 * AbortController or timer per run.
 */
export class Scheduler {
  readonly stats: SchedulerStats = {
    ticks: 0,
    runs: 0,
    lateTicks: 0,
    missedTicks: 0,
    overrunTicks: 0,
    stuckRuns: 0,
    failedRuns: 0,
  };
  private readonly tasks = new Map<string, Task>();
  private readonly ticks = new DueHeap<Task>();
  private readonly deadlines = new DueHeap<Task>();
  private waiting: { task: Task; due: number }[] = [];
  private waitingHead = 0;
  private timer: { at: number; cancel: () => void } | undefined;
  private runningCount = 0;
  private stopping = false;
  private idle: (() => void) | undefined;
  private readonly random: () => number;
  private readonly wake = (): void => {
    this.timer = undefined;
    const now = this.deps.clock.now();
    while (this.liveDeadline() && this.deadlines.topAt <= now) {
      const task = this.deadlines.topItem;
      const tag = this.deadlines.topTag;
      this.deadlines.pop();
      this.deadline(task, tag, now);
    }
    while (this.liveTick() && this.ticks.topAt <= now) {
      const task = this.ticks.topItem;
      this.ticks.pop();
      this.tick(task, now);
    }
    this.arm();
  };

  constructor(
    private readonly deps: SchedulerDeps,
    readonly config: SchedulerConfig = defaultSchedulerConfig,
  ) {
    this.random = deps.random ?? Math.random;
  }

  /** The task list becomes `specs`: others are removed, these added or updated. */
  set(specs: readonly TestSpec[]): void {
    const keep = new Set(specs.map((s) => s.id));
    for (const id of [...this.tasks.keys()]) if (!keep.has(id)) this.remove(id);
    for (const spec of specs) this.upsert(spec);
  }

  /**
   * Adds a task, or updates one: a new interval starts a new schedule (a new offset); otherwise the
   * ticks go on as they were, later runs with the new definition.
   */
  upsert(spec: TestSpec): void {
    if (this.stopping) return;
    const intervalMs = Math.max(1, Math.round(spec.intervalS * 1000));
    const task = this.tasks.get(spec.id);
    if (task !== undefined) {
      task.spec = spec;
      if (task.intervalMs === intervalMs) return;
      task.intervalMs = intervalMs;
      this.schedule(task);
      return;
    }
    const added: Task = {
      spec,
      intervalMs,
      first: 0,
      next: 0,
      schedule: 0,
      state: 'idle',
      removed: false,
      run: 0,
      due: 0,
      handle: undefined,
    };
    this.tasks.set(spec.id, added);
    this.schedule(added);
  }

  /** Removes a task; its running run is aborted and its result dropped. */
  remove(id: string): void {
    const task = this.tasks.get(id);
    if (task === undefined) return;
    this.tasks.delete(id);
    task.removed = true;
    task.schedule++;
    task.handle?.abort();
    this.arm();
  }

  get size(): number {
    return this.tasks.size;
  }

  get running(): number {
    return this.runningCount;
  }

  get queued(): number {
    return this.waiting.length - this.waitingHead;
  }

  /** Tasks per type. */
  byType(): Partial<Record<TestType, number>> {
    const out: Partial<Record<TestType, number>> = {};
    for (const t of this.tasks.values()) out[t.spec.type] = (out[t.spec.type] ?? 0) + 1;
    return out;
  }

  /**
   * Stops ticking, aborts the runs in flight (their results are dropped) and resolves once they
   * ended, or after graceMs.
   */
  stop(): Promise<void> {
    this.stopping = true;
    this.timer?.cancel();
    this.timer = undefined;
    for (const t of this.tasks.values()) t.handle?.abort();
    if (this.runningCount === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const cancel = this.deps.clock.setTimer(this.config.graceMs, () => resolve());
      this.idle = () => {
        cancel();
        resolve();
      };
    });
  }

  private schedule(task: Task): void {
    const grain = Math.max(1, this.config.tickGrainMs);
    const offset = Math.floor(this.random() * task.intervalMs);
    task.first = Math.ceil((this.deps.clock.now() + offset) / grain) * grain;
    task.next = 0;
    task.schedule++;
    this.ticks.push(task.first, task, task.schedule);
    this.arm();
  }

  /** Whether the heap's top is a live tick (void ones are dropped on the way). */
  private liveTick(): boolean {
    const h = this.ticks;
    while (h.size > 0 && h.topTag !== h.topItem.schedule) h.pop();
    return h.size > 0;
  }

  private liveDeadline(): boolean {
    const h = this.deadlines;
    while (h.size > 0) {
      const task = h.topItem;
      if (task.state === 'running' && Math.floor(h.topTag / 2) === task.run) return true;
      h.pop();
    }
    return false;
  }

  /** One timer, at the earliest tick or deadline. */
  private arm(): void {
    const tick = this.liveTick() ? this.ticks.topAt : Number.POSITIVE_INFINITY;
    const deadline = this.liveDeadline() ? this.deadlines.topAt : Number.POSITIVE_INFINITY;
    const at = Math.min(tick, deadline);
    if (at === Number.POSITIVE_INFINITY || this.stopping) {
      this.timer?.cancel();
      this.timer = undefined;
      return;
    }
    if (this.timer !== undefined && this.timer.at <= at) return;
    this.timer?.cancel();
    this.timer = { at, cancel: this.deps.clock.setTimer(Math.max(0, at - this.deps.clock.now()), this.wake) };
  }

  private tick(task: Task, now: number): void {
    let k = task.next;
    // Woken after later ticks were due (a blocked event loop, a suspended host): only the latest runs.
    const latest = Math.floor((now - task.first) / task.intervalMs);
    if (latest > k) {
      this.stats.missedTicks += latest - k;
      k = latest;
    }
    const due = task.first + k * task.intervalMs;
    task.next = k + 1;
    this.ticks.push(task.first + task.next * task.intervalMs, task, task.schedule);
    this.stats.ticks++;
    if (task.state !== 'idle') {
      this.stats.overrunTicks++;
      return;
    }
    if (this.runningCount < this.config.concurrency) this.start(task, due, now);
    else {
      task.state = 'queued';
      this.waiting.push({ task, due });
    }
  }

  private start(task: Task, due: number, now: number): void {
    if (now - due > this.config.lateMs) this.stats.lateTicks++;
    const spec = task.spec;
    const run = ++task.run;
    task.state = 'running';
    task.due = due;
    task.handle = undefined;
    this.runningCount++;
    // Aborted this long after its start, then given up a grace later (deadline()).
    this.deadlines.push(now + spec.timeoutMs + this.config.graceMs, task, run * 2 + abortPhase);
    const done = (result: TestResult) => this.finish(task, run, result);
    let handle: RunHandle | undefined;
    try {
      handle = this.deps.start?.(spec, due, done) ?? this.startPromise(spec, due, done);
    } catch {
      this.stats.failedRuns++;
      done(failureResult(spec, due, 'failed'));
    }
    if (task.run === run && task.state === 'running') task.handle = handle;
  }

  /** A run through `deps.run`: a promise and an AbortController of its own. */
  private startPromise(spec: TestSpec, due: number, done: (result: TestResult) => void): RunHandle {
    const abort = new AbortController();
    let running: Promise<TestResult>;
    try {
      running = this.deps.run(spec, abort.signal);
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(done, () => {
      this.stats.failedRuns++;
      done(failureResult(spec, due, 'failed'));
    });
    return { abort: () => abort.abort(new Error('run stopped')) };
  }

  private deadline(task: Task, tag: number, now: number): void {
    const run = Math.floor(tag / 2);
    if (tag - run * 2 === abortPhase) {
      this.deadlines.push(now + this.config.graceMs, task, run * 2 + giveUpPhase);
      task.handle?.abort();
      return;
    }
    this.stats.stuckRuns++;
    this.finish(task, run, failureResult(task.spec, task.due, 'timeout'));
  }

  /** A run ended (or was given up): its slot is freed, its result delivered with its tick's time. */
  private finish(task: Task, run: number, result: TestResult): void {
    if (task.run !== run || task.state !== 'running') return;
    task.state = 'idle';
    task.handle = undefined;
    this.runningCount--;
    if (!task.removed && !this.stopping) {
      this.stats.runs++;
      this.deps.onResult(result.time === task.due ? result : { ...result, time: task.due });
    }
    this.drain();
  }

  /** Starts queued ticks while slots are free. */
  private drain(): void {
    let started = false;
    while (this.runningCount < this.config.concurrency && this.waitingHead < this.waiting.length) {
      const { task, due } = this.waiting[this.waitingHead++]!;
      if (task.removed || this.stopping) continue;
      this.start(task, due, this.deps.clock.now());
      started = true;
    }
    // Their deadlines may come before the armed timer (not from inside wake(), which arms after).
    if (started && this.timer !== undefined) this.arm();
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
    if (this.runningCount === 0) this.idle?.();
  }
}
