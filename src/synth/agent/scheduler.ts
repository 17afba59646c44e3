import type { TimerClock } from '../../metrics/clock.js';
import type { TestResult, TestSpec, TestType } from '../contract.js';
import { failureResult } from './failure-result.js';
import { TickHeap } from './tick-heap.js';

export interface SchedulerConfig {
  /** Runs at once; ticks past it wait their turn, oldest first. */
  readonly concurrency: number;
  /** A run that starts more than this after its tick is counted late. */
  readonly lateMs: number;
  /**
   * A run still going this long after its test's timeoutMs is aborted; twice this long after, it
   * is given up: recorded as error 'timeout', its slot freed (counted as stuck).
   */
  readonly graceMs: number;
}

export const defaultSchedulerConfig: SchedulerConfig = { concurrency: 500, lateMs: 1_000, graceMs: 2_000 };

export interface SchedulerDeps {
  readonly clock: TimerClock;
  /** Uniform in [0, 1): each task's start offset within its interval. */
  readonly random?: () => number;
  /** Runs a test once (a probe never rejects; a rejection is recorded as error 'failed'). */
  readonly run: (spec: TestSpec, signal: AbortSignal) => Promise<TestResult>;
  /** Each finished run's result, its `time` the tick's (the scheduled start). */
  readonly onResult: (result: TestResult) => void;
}

export interface SchedulerStats {
  /** Ticks that came due. */
  ticks: number;
  /** Runs finished (results delivered). */
  runs: number;
  /** Runs that started more than lateMs after their tick (waiting for a slot, or a late timer). */
  lateTicks: number;
  /** Ticks passed over because the scheduler woke after a later tick of the task was due. */
  missedTicks: number;
  /** Ticks passed over because the task's previous run had not finished (a run never overlaps itself). */
  overrunTicks: number;
  /** Runs given up after their deadline and grace. */
  stuckRuns: number;
  /** Runs whose runner threw. */
  failedRuns: number;
}

interface Task {
  spec: TestSpec;
  intervalMs: number;
  /** When tick 0 is due: tick k is due at first + k × interval, whenever runs end. */
  first: number;
  /** The index of the next tick. */
  next: number;
  state: 'idle' | 'queued' | 'running';
  removed: boolean;
  abort: AbortController | undefined;
}

/**
 * Runs each task on its own interval (docs/synth.md "Scheduler"): a random start offset within
 * the interval, then tick k at first + k × interval — computed, never measured from a run's end,
 * so nothing drifts. Runs are not awaited by the scheduler: a slow run holds one of `concurrency`
 * slots and nothing else; ticks beyond the bound wait in a queue, oldest first. A task's run never
 * overlaps its previous one (the tick is counted as an overrun). One timer, for the earliest tick.
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
  private readonly heap = new TickHeap<Task>();
  private waiting: { task: Task; due: number }[] = [];
  private waitingHead = 0;
  private timer: { at: number; cancel: () => void } | undefined;
  private runningCount = 0;
  private stopping = false;
  private idle: (() => void) | undefined;
  private readonly random: () => number;

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
      state: 'idle',
      removed: false,
      abort: undefined,
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
    this.heap.forget(task);
    task.abort?.abort(new Error('task removed'));
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
    for (const t of this.tasks.values()) t.abort?.abort(new Error('agent stopping'));
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
    task.first = this.deps.clock.now() + Math.floor(this.random() * task.intervalMs);
    task.next = 0;
    this.heap.push(task.first, task);
    this.arm();
  }

  /** One timer, at the earliest tick. */
  private arm(): void {
    const due = this.heap.peek();
    if (due === undefined || this.stopping) {
      this.timer?.cancel();
      this.timer = undefined;
      return;
    }
    if (this.timer !== undefined && this.timer.at <= due) return;
    this.timer?.cancel();
    const at = due;
    this.timer = {
      at,
      cancel: this.deps.clock.setTimer(Math.max(0, at - this.deps.clock.now()), () => this.wake()),
    };
  }

  private wake(): void {
    this.timer = undefined;
    const now = this.deps.clock.now();
    for (;;) {
      const due = this.heap.peek();
      if (due === undefined || due > now) break;
      this.tick(this.heap.pop()!, now);
    }
    this.arm();
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
    this.heap.push(task.first + task.next * task.intervalMs, task);
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
    const abort = new AbortController();
    task.state = 'running';
    task.abort = abort;
    this.runningCount++;
    let settled = false;
    const { clock } = this.deps;
    // One timer per run (thousands of runs a second): the abort, which then arms the give-up.
    let cancelTimer = clock.setTimer(spec.timeoutMs + this.config.graceMs, () => {
      cancelTimer = clock.setTimer(this.config.graceMs, () => {
        this.stats.stuckRuns++;
        finish(failureResult(spec, due, 'timeout'));
      });
      abort.abort(new Error('run past its deadline'));
    });
    const finish = (result: TestResult) => {
      if (settled) return;
      settled = true;
      cancelTimer();
      this.runningCount--;
      if (task.abort === abort) {
        task.state = 'idle';
        task.abort = undefined;
      }
      if (!task.removed && !this.stopping) {
        this.stats.runs++;
        this.deps.onResult(result.time === due ? result : { ...result, time: due });
      }
      this.drain();
    };
    let running: Promise<TestResult>;
    try {
      running = this.deps.run(spec, abort.signal);
    } catch (err) {
      running = Promise.reject(err);
    }
    running.then(finish, () => {
      this.stats.failedRuns++;
      finish(failureResult(spec, due, 'failed'));
    });
  }

  /** Starts queued ticks while slots are free. */
  private drain(): void {
    while (this.runningCount < this.config.concurrency && this.waitingHead < this.waiting.length) {
      const { task, due } = this.waiting[this.waitingHead++]!;
      if (task.removed || this.stopping) continue;
      this.start(task, due, this.deps.clock.now());
    }
    if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
      this.waiting = this.waiting.slice(this.waitingHead);
      this.waitingHead = 0;
    }
    if (this.runningCount === 0) this.idle?.();
  }
}
