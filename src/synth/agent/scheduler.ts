import type { RunHandle, TestResult, TestSpec, TestType } from '../contract.js';
import { DueHeap } from '../due-heap.js';
import { failureResult } from './failure-result.js';
import { Lane, laneOf } from './scheduler-lane.js';
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
 * slots (pings: of `pingConcurrency`, a lane of their own) and nothing else; ticks beyond the bound
 * wait in their lane's queue, oldest first. A task's run never
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
  private readonly lanes: Lane[];
  /** While set() adds tasks: they get their first tick once all are added (schedule()). */
  private adding: Task[] | undefined;
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
    this.lanes = [new Lane(config.concurrency), new Lane(config.pingConcurrency ?? config.concurrency)];
  }

  /** The task list becomes `specs`: others are removed, these added or updated. */
  set(specs: readonly TestSpec[]): void {
    const keep = new Set(specs.map((s) => s.id));
    for (const id of [...this.tasks.keys()]) if (!keep.has(id)) this.remove(id);
    // Offsets count from when the last spec is in: adding 10 000 tasks takes a while (0.6 s seen on
    // a loaded machine), and ticks placed from the clock of the first would all be due at once.
    const adding: Task[] = [];
    this.adding = adding;
    try {
      for (const spec of specs) this.upsert(spec);
    } finally {
      this.adding = undefined;
    }
    const now = this.deps.clock.now();
    for (const task of adding) this.place(task, now);
    if (adding.length > 0) this.arm();
  }

  /** Every task's definition. */
  specs(): TestSpec[] {
    return [...this.tasks.values()].map((t) => t.spec);
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
      task.lane = laneOf(spec);
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
      lane: laneOf(spec),
      runLane: 0,
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
    return this.lanes[0]!.queued + this.lanes[1]!.queued;
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
    if (this.adding !== undefined) {
      this.adding.push(task);
      return;
    }
    this.place(task, this.deps.clock.now());
    this.arm();
  }

  /** A new schedule: tick 0 at a random offset within the interval from `now`. */
  private place(task: Task, now: number): void {
    const grain = Math.max(1, this.config.tickGrainMs);
    const offset = Math.floor(this.random() * task.intervalMs);
    task.first = Math.ceil((now + offset) / grain) * grain;
    task.next = 0;
    task.schedule++;
    this.ticks.push(task.first, task, task.schedule);
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
    const lane = this.lanes[task.lane]!;
    if (lane.running < lane.limit) this.start(task, due, now);
    else {
      task.state = 'queued';
      lane.waiting.push({ task, due });
    }
  }

  private start(task: Task, due: number, now: number): void {
    if (now - due > this.config.lateMs) this.stats.lateTicks++;
    const spec = task.spec;
    const run = ++task.run;
    task.state = 'running';
    task.due = due;
    task.handle = undefined;
    task.runLane = task.lane;
    this.runningCount++;
    this.lanes[task.lane]!.running++;
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
    this.lanes[task.runLane]!.running--;
    if (!task.removed && !this.stopping) {
      this.stats.runs++;
      this.deps.onResult(result.time === task.due ? result : { ...result, time: task.due });
    }
    this.drain();
  }

  /** Starts queued ticks while their lanes have free slots. */
  private drain(): void {
    let started = false;
    for (const lane of this.lanes) {
      while (lane.running < lane.limit && lane.queued > 0) {
        const { task, due } = lane.shift();
        if (task.removed || this.stopping) continue;
        this.start(task, due, this.deps.clock.now());
        started = true;
      }
    }
    // Their deadlines may come before the armed timer (not from inside wake(), which arms after).
    if (started && this.timer !== undefined) this.arm();
    if (this.runningCount === 0) this.idle?.();
  }
}
