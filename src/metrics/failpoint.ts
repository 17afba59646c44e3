/**
 * Fail points for fault injection, in the style of TiKV's fail-rs. Code marks a spot with
 * `failPoint('store.wal.fsync')` (or `await failPointAsync(...)` where sleeping or pausing is
 * allowed); tests and operators switch points on by name:
 *
 *   FLOWLENS_FAILPOINTS="store.wal.fsync=return(ENOSPC);store.seal.rename=50%2*kill"   (read at start)
 *   configureFailPoints(spec) / setFailPoint(name, actions) / clearFailPoints()         (at run time)
 *
 * An action list is `task->task->…`; each task is `[P%][N*]kind[(arg)]` with kinds `off`,
 * `return(value)`, `sleep(ms)`, `pause`, `panic(msg)`, `print(msg)`, `kill`. On each evaluation
 * the first task whose count is not used up and whose probability draw succeeds fires (fail-rs
 * semantics). When no point is configured the cost of a fail point is one boolean check.
 */

export type FailKind = 'off' | 'return' | 'sleep' | 'pause' | 'panic' | 'print' | 'kill';

export interface FailTask {
  readonly kind: FailKind;
  /** Probability in [0, 1]. */
  readonly probability: number;
  /** Remaining firings; Infinity without a count prefix. */
  remaining: number;
  readonly arg: string | undefined;
}

export class FailPointPanic extends Error {
  readonly code = 'fail_point_panic';
  constructor(
    readonly point: string,
    message: string,
  ) {
    super(`fail point ${point} panicked: ${message}`);
  }
}

const points = new Map<string, FailTask[]>();
const pauses = new Map<string, (() => void)[]>();
/** The one check on the hot path. */
let enabled = false;
let random: () => number = Math.random;
let print: (line: string) => void = (line) => process.stderr.write(`${line}\n`);

const taskPattern = /^(?:(\d+(?:\.\d+)?)%)?(?:(\d+)\*)?([a-z]+)(?:\((.*)\))?$/s;
const kinds = new Set<string>(['off', 'return', 'sleep', 'pause', 'panic', 'print', 'kill']);

/** Parses an action list such as `10%3*return(x)->sleep(5)`. Throws on a malformed one. */
export function parseFailActions(actions: string): FailTask[] {
  return actions.split('->').map((text) => {
    const m = taskPattern.exec(text.trim());
    if (m === null || !kinds.has(m[3]!)) throw new Error(`bad fail point action "${text}"`);
    const probability = m[1] === undefined ? 1 : Number(m[1]) / 100;
    if (probability > 1) throw new Error(`bad fail point probability in "${text}"`);
    const kind = m[3] as FailKind;
    const arg = m[4];
    if (kind === 'sleep' && !/^\d+$/.test(arg ?? '')) throw new Error(`sleep needs milliseconds: "${text}"`);
    return { kind, probability, remaining: m[2] === undefined ? Infinity : Number(m[2]), arg };
  });
}

/** Sets (or with `off` / an empty string, removes) one fail point. */
export function setFailPoint(name: string, actions: string): void {
  const tasks = actions.trim() === '' ? [] : parseFailActions(actions);
  if (tasks.length === 0 || (tasks.length === 1 && tasks[0]!.kind === 'off')) points.delete(name);
  else points.set(name, tasks);
  releasePaused(name);
  enabled = points.size > 0;
}

/** Applies `name=actions;name2=actions` (whole spec parsed before anything changes). */
export function configureFailPoints(spec: string): void {
  const parsed: [string, string][] = [];
  for (const part of spec.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new Error(`bad fail point "${part}": expected name=actions`);
    const name = part.slice(0, eq).trim();
    const actions = part.slice(eq + 1);
    parseFailActions(actions);
    parsed.push([name, actions]);
  }
  for (const [name, actions] of parsed) setFailPoint(name, actions);
}

export function clearFailPoints(): void {
  const names = [...points.keys()];
  points.clear();
  enabled = false;
  for (const name of names) releasePaused(name);
}

/** The configured points and their remaining action lists (for an admin API or a health page). */
export function listFailPoints(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, tasks] of points) out[name] = tasks.map(formatTask).join('->');
  return out;
}

/** For tests: a deterministic random source and a place for `print` lines. */
export function setFailPointHooks(hooks: { random?: () => number; print?: (line: string) => void }): void {
  if (hooks.random !== undefined) random = hooks.random;
  if (hooks.print !== undefined) print = hooks.print;
}

/**
 * Evaluates a fail point. Returns the value of a `return` action ('' without an argument), else
 * undefined. `panic` throws, `kill` ends the process with SIGKILL, `print` prints. `sleep` and
 * `pause` do nothing here (a synchronous wait would block the event loop): use failPointAsync.
 */
export function failPoint(name: string): string | undefined {
  if (!enabled) return undefined;
  const task = pick(name);
  return task === undefined ? undefined : fire(name, task);
}

/** Like failPoint, and also sleeps for `sleep(ms)` and waits on `pause` until the point changes. */
export async function failPointAsync(name: string): Promise<string | undefined> {
  if (!enabled) return undefined;
  const task = pick(name);
  if (task === undefined) return undefined;
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

/** failPointError that also honours `sleep` and `pause`. */
export async function failPointErrorAsync(name: string): Promise<NodeJS.ErrnoException | undefined> {
  if (!enabled) return undefined;
  return errorFor(name, await failPointAsync(name));
}

function errorFor(name: string, value: string | undefined): NodeJS.ErrnoException | undefined {
  if (value === undefined) return undefined;
  const code = value === '' ? 'EIO' : value;
  return Object.assign(new Error(`${code}: injected by fail point ${name}`), { code });
}

function pick(name: string): FailTask | undefined {
  const tasks = points.get(name);
  if (tasks === undefined) return undefined;
  for (const task of tasks) {
    if (task.remaining <= 0) continue;
    if (task.probability < 1 && random() >= task.probability) return undefined;
    task.remaining--;
    return task;
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

function formatTask(task: FailTask): string {
  const p = task.probability < 1 ? `${task.probability * 100}%` : '';
  const n = task.remaining === Infinity ? '' : `${task.remaining}*`;
  return `${p}${n}${task.kind}${task.arg === undefined ? '' : `(${task.arg})`}`;
}

const fromEnv = process.env.FLOWLENS_FAILPOINTS;
if (fromEnv !== undefined && fromEnv !== '') configureFailPoints(fromEnv);
