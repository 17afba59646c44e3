import {
  checkFailPointName,
  type FailTask,
  formatTask,
  parseFailActions,
  parseFailPointSpec,
} from './failpoint-parse.js';

/**
 * Fail points for fault injection, in the style of TiKV's fail-rs. Code marks a spot with
 * `failPoint('store.wal.fsync')` (or `await failPointAsync(...)` where the caller may wait);
 * tests and operators switch points on by name:
 *
 *   FLOWLENS_FAILPOINTS="store.wal.fsync=return(ENOSPC);store.seal.rename=50%2*kill"   (read at start)
 *   configureFailPoints(spec) / setFailPoint(name, actions) / clearFailPoints()         (at run time)
 *   PUT/DELETE /debug/failpoints/<name>, GET /debug/failpoints                          (admin HTTP API)
 *
 * An action list is `task->task->…`; each task is `[P%][N*]kind[(arg)]` with kinds `off`,
 * `return(value)`, `sleep(ms)`, `pause`, `panic(msg)`, `print(msg)`, `kill`. On each evaluation
 * the first task whose probability draw succeeds and whose count is not used up fires; a failed
 * draw moves on to the next task (fail-rs semantics). When no point is configured the cost of a
 * fail point is one boolean check.
 *
 * Sync and async call sites differ on waiting, because a Node thread that blocks runs nothing
 * else. `sleep(ms)` blocks the calling thread at a sync site (Atomics.wait: the event loop stalls,
 * as a slow synchronous call would stall it) and awaits a timer at an async one. `pause` waits at
 * an async site until the point is switched off or changed; at a sync site it does not block —
 * the admin API that would release it runs on the very thread that would be blocked — and prints
 * one warning instead.
 */

export { type FailKind, FailPointSyntaxError, type FailTask, parseFailActions } from './failpoint-parse.js';

export class FailPointPanic extends Error {
  readonly code = 'fail_point_panic';
  constructor(
    readonly point: string,
    message: string,
  ) {
    super(`fail point ${point} panicked: ${message}`);
  }
}

interface Point {
  readonly tasks: FailTask[];
  /** Evaluations that fired a task. */
  hits: number;
  warnedSyncPause: boolean;
}

const points = new Map<string, Point>();
const pauses = new Map<string, (() => void)[]>();
/** The one check on the hot path. */
let enabled = false;
let random: () => number = Math.random;
let print: (line: string) => void = (line) => process.stderr.write(`${line}\n`);
let blockThread: (ms: number) => void = (ms) =>
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Sets (or with `off` / an empty string, removes) one fail point; a pause on it is released. */
export function setFailPoint(name: string, actions: string): void {
  checkFailPointName(name);
  setTasks(name, actions.trim() === '' ? [] : parseFailActions(actions));
}

function setTasks(name: string, tasks: FailTask[]): void {
  if (tasks.length === 0 || (tasks.length === 1 && tasks[0]!.kind === 'off')) points.delete(name);
  else points.set(name, { tasks, hits: 0, warnedSyncPause: false });
  releasePaused(name);
  enabled = points.size > 0;
}

/** Removes one fail point; true if it was set. */
export function removeFailPoint(name: string): boolean {
  const had = points.has(name);
  setFailPoint(name, 'off');
  return had;
}

/** Applies `name=actions;name2=actions` (the whole spec is parsed before anything changes). */
export function configureFailPoints(spec: string): void {
  const parsed = parseFailPointSpec(spec);
  for (const [name, tasks] of parsed) setTasks(name, tasks);
}

export function clearFailPoints(): void {
  const names = [...points.keys()];
  points.clear();
  enabled = false;
  for (const name of names) releasePaused(name);
}

/** True when any point is set (what the fast path checks). */
export function failPointsEnabled(): boolean {
  return enabled;
}

/** The configured points and their remaining action lists. */
export function listFailPoints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, point] of points) out[name] = point.tasks.map(formatTask).join('->');
  return out;
}

export interface FailPointInfo {
  readonly name: string;
  readonly actions: string;
  /** Evaluations that fired a task since it was set. */
  readonly hits: number;
  /** Callers waiting on a `pause` now. */
  readonly paused: number;
}

/** Every configured point with its hits and paused callers (admin API, health report). */
export function describeFailPoints(): FailPointInfo[] {
  return [...points].map(([name, point]) => ({
    name,
    actions: point.tasks.map(formatTask).join('->'),
    hits: point.hits,
    paused: pauses.get(name)?.length ?? 0,
  }));
}

/** For tests: a deterministic random source, a place for `print` lines, a stand-in for blocking. */
export function setFailPointHooks(hooks: {
  random?: () => number;
  print?: (line: string) => void;
  blockThread?: (ms: number) => void;
}): void {
  if (hooks.random !== undefined) random = hooks.random;
  if (hooks.print !== undefined) print = hooks.print;
  if (hooks.blockThread !== undefined) blockThread = hooks.blockThread;
}

/**
 * Evaluates a fail point at a synchronous call site. Returns the value of a `return` action (''
 * without an argument), else undefined. `panic` throws, `kill` ends the process with SIGKILL,
 * `print` prints, `sleep` blocks this thread, `pause` does not block (see the module comment).
 */
export function failPoint(name: string): string | undefined {
  if (!enabled) return undefined;
  const found = pick(name);
  if (found === undefined) return undefined;
  const [point, task] = found;
  if (task.kind === 'sleep') blockThread(Number(task.arg));
  else if (task.kind === 'pause' && !point.warnedSyncPause) {
    point.warnedSyncPause = true;
    print(
      `fail point ${name}: pause at a synchronous call site does not block (nothing could release ` +
        'this thread); use failPointAsync there',
    );
  }
  return fire(name, task);
}

/** Like failPoint, but `sleep(ms)` awaits a timer and `pause` waits until the point changes. */
export async function failPointAsync(name: string): Promise<string | undefined> {
  if (!enabled) return undefined;
  const found = pick(name);
  if (found === undefined) return undefined;
  const task = found[1];
  if (task.kind === 'sleep') {
    await new Promise((resolve) => setTimeout(resolve, Number(task.arg)));
    return undefined;
  }
  if (task.kind === 'pause') {
    await new Promise<void>((resolve) => {
      const list = pauses.get(name) ?? [];
      list.push(resolve);
      pauses.set(name, list);
    });
    return undefined;
  }
  return fire(name, task);
}

/**
 * A fail point that simulates an I/O error: `return(ENOSPC)` yields an Error with code ENOSPC
 * (`return` without a value: EIO), to be thrown by the caller in place of the real call's error.
 */
export function failPointError(name: string): NodeJS.ErrnoException | undefined {
  if (!enabled) return undefined;
  return errorFor(name, failPoint(name));
}

/** failPointError that also honours `sleep` and `pause` by waiting asynchronously. */
export async function failPointErrorAsync(name: string): Promise<NodeJS.ErrnoException | undefined> {
  if (!enabled) return undefined;
  return errorFor(name, await failPointAsync(name));
}

function errorFor(name: string, value: string | undefined): NodeJS.ErrnoException | undefined {
  if (value === undefined) return undefined;
  const code = value === '' ? 'EIO' : value;
  return Object.assign(new Error(`${code}: injected by fail point ${name}`), { code });
}

function pick(name: string): [Point, FailTask] | undefined {
  const point = points.get(name);
  if (point === undefined) return undefined;
  for (const task of point.tasks) {
    if (task.probability < 1 && random() >= task.probability) continue;
    if (task.remaining <= 0) continue;
    task.remaining--;
    point.hits++;
    return [point, task];
  }
  return undefined;
}

function fire(name: string, task: FailTask): string | undefined {
  switch (task.kind) {
    case 'return':
      return task.arg ?? '';
    case 'panic':
      throw new FailPointPanic(name, task.arg ?? '');
    case 'print':
      print(`fail point ${name}: ${task.arg ?? ''}`);
      return undefined;
    case 'kill':
      process.kill(process.pid, 'SIGKILL');
      return undefined;
    default:
      return undefined;
  }
}

function releasePaused(name: string): void {
  const waiting = pauses.get(name);
  if (waiting === undefined) return;
  pauses.delete(name);
  for (const resolve of waiting) resolve();
}

const fromEnv = process.env.FLOWLENS_FAILPOINTS;
if (fromEnv !== undefined && fromEnv !== '') {
  try {
    configureFailPoints(fromEnv);
  } catch (err) {
    // A test or an operator asked for faults that cannot be set: running without them would lie.
    process.stderr.write(`flowlens: FLOWLENS_FAILPOINTS: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
