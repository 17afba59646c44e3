/** The scheduler's configuration, dependencies, counters and per-task state (scheduler.ts). */
import type { TimerClock } from '../../metrics/clock.js';
import type { RunHandle, TestResult, TestSpec } from '../contract.js';

export interface SchedulerConfig {
  /**
   * Runs at once of the tests that hold sockets of their own (HTTP, DNS, TCP, traceroute); ticks
   * past it wait their turn, oldest first.
   */
  readonly concurrency: number;
  /**
   * Ping runs at once (default: `concurrency`). A ping holds no socket of its own, only a slot of
   * the shared ICMP engine's probe table, which has its own bound (busy past it); it is counted
   * apart so that slow or dead targets cannot hold every slot: pings in flight = pings per second ×
   * how long each waits (the RTT, or the timeout for a dead target), and a bound below that makes
   * every tick late.
   */
  readonly pingConcurrency?: number;
  /** A run that starts more than this after its tick is counted late. */
  readonly lateMs: number;
  /**
   * A run still going this long after its test's timeoutMs is aborted; twice this long after, it
   * is given up: recorded as error 'timeout', its slot freed (counted as stuck).
   */
  readonly graceMs: number;
  /**
   * Ticks fall on multiples of this many ms (of the clock), so that one wake of the event loop
   * starts every run due in it: thousands of tasks wake it at most 1000 / tickGrainMs times a second.
   */
  readonly tickGrainMs: number;
}

export const defaultSchedulerConfig: SchedulerConfig = {
  concurrency: 500,
  pingConcurrency: 20_000,
  lateMs: 1_000,
  graceMs: 2_000,
  tickGrainMs: 10,
};

export interface SchedulerDeps {
  readonly clock: TimerClock;
  /** Uniform in [0, 1): each task's start offset within its interval. */
  readonly random?: () => number;
  /** Runs a test once (a probe never rejects; a rejection is recorded as error 'failed'). */
  readonly run: (spec: TestSpec, signal: AbortSignal) => Promise<TestResult>;
  /**
   * The fast path, tried first (Probe.start): starts a run that calls `done` once with a result
   * whose time is `time`, or returns undefined when the spec's type has no such path (`run` then).
   */
  readonly start?: (
    spec: TestSpec,
    time: number,
    done: (result: TestResult) => void,
  ) => RunHandle | undefined;
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

export interface Task {
  spec: TestSpec;
  intervalMs: number;
  /** When tick 0 is due: tick k is due at first + k × interval, whenever runs end. */
  first: number;
  /** The index of the next tick. */
  next: number;
  /** Bumped by a new schedule or a removal: tick entries of an older one are void. */
  schedule: number;
  state: 'idle' | 'queued' | 'running';
  /** Its lane (Scheduler: 0 socket-holding tests, 1 pings): whose bound and queue it takes. */
  lane: number;
  /** The lane its current run was counted in (the spec's type may change while it runs). */
  runLane: number;
  removed: boolean;
  /** The number of the task's latest run: a callback of an earlier (given-up) run is void. */
  run: number;
  /** The latest run's tick, and its handle while it runs. */
  due: number;
  handle: RunHandle | undefined;
}
