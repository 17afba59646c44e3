/** The grammar of fail point actions (fail-rs's): `[P%][N*]kind[(arg)]`, chained with `->`. */

export type FailKind = 'off' | 'return' | 'sleep' | 'pause' | 'panic' | 'print' | 'kill';

export interface FailTask {
  readonly kind: FailKind;
  /** Probability in [0, 1]. */
  readonly probability: number;
  /** Remaining firings; Infinity without a count prefix. */
  remaining: number;
  readonly arg: string | undefined;
}

/** A malformed action list or spec; `code` is stable for the admin API. */
export class FailPointSyntaxError extends Error {
  readonly code = 'bad_fail_point';
}

export const failActionsHelp =
  'expected off, return[(value)], sleep(ms), pause, panic[(message)], print[(message)] or kill, ' +
  'each with an optional probability and count prefix (10%3*return(x)), chained with -> (a->b)';

const taskPattern = /^(?:(\d+(?:\.\d+)?)%)?(?:(\d+)\*)?([a-z]+)(?:\((.*)\))?$/s;
const kinds = new Set<string>(['off', 'return', 'sleep', 'pause', 'panic', 'print', 'kill']);
const noArgument = new Set<string>(['off', 'pause', 'kill']);

/** Parses an action list such as `10%3*return(x)->sleep(5)`. Throws FailPointSyntaxError. */
export function parseFailActions(actions: string): FailTask[] {
  return splitChain(actions).map((text) => parseTask(text, actions));
}

function parseTask(raw: string, whole: string): FailTask {
  const text = raw.trim();
  const bad = (why: string) =>
    new FailPointSyntaxError(
      `bad fail point action "${text}"${text === whole.trim() ? '' : ` in "${whole.trim()}"`}: ${why}`,
    );
  if (text === '') throw bad(`empty action; ${failActionsHelp}`);
  const m = taskPattern.exec(text);
  if (m === null) {
    if (text.includes('(') && !text.endsWith(')'))
      throw bad('unbalanced parenthesis: the argument must end with ")"');
    throw bad(failActionsHelp);
  }
  const kind = m[3]!;
  if (!kinds.has(kind)) throw bad(`unknown action "${kind}"; ${failActionsHelp}`);
  const probability = m[1] === undefined ? 1 : Number(m[1]) / 100;
  if (probability > 1) throw bad(`probability ${m[1]}% is over 100%`);
  const arg = m[4];
  if (noArgument.has(kind) && arg !== undefined) throw bad(`${kind} takes no argument`);
  if (kind === 'sleep' && !/^\d+$/.test(arg ?? '')) throw bad('sleep needs milliseconds, as in sleep(100)');
  return {
    kind: kind as FailKind,
    probability,
    remaining: m[2] === undefined ? Infinity : Number(m[2]),
    arg,
  };
}

/** Splits on `->` outside parentheses, so that `print(a->b)` stays one task. */
function splitChain(actions: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < actions.length; i++) {
    const c = actions[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === '-' && depth === 0 && actions[i + 1] === '>') {
      parts.push(actions.slice(start, i));
      start = i + 2;
      i++;
    }
  }
  parts.push(actions.slice(start));
  return parts;
}

/** Parses `name=actions;name2=actions` into pairs (nothing applied). */
export function parseFailPointSpec(spec: string): [string, FailTask[]][] {
  const out: [string, FailTask[]][] = [];
  for (const part of spec.split(';')) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) throw new FailPointSyntaxError(`bad fail point "${part.trim()}": expected name=actions`);
    const name = part.slice(0, eq).trim();
    checkFailPointName(name);
    out.push([name, parseFailActions(part.slice(eq + 1))]);
  }
  return out;
}

const namePattern = /^[A-Za-z0-9_.:-]{1,128}$/;

export function checkFailPointName(name: string): void {
  if (!namePattern.test(name))
    throw new FailPointSyntaxError(
      `bad fail point name "${name}": use 1-128 letters, digits and . _ : - (as in store.wal.fsync)`,
    );
}

export function formatTask(task: FailTask): string {
  const p = task.probability < 1 ? `${+(task.probability * 100).toFixed(6)}%` : '';
  const n = task.remaining === Infinity ? '' : `${task.remaining}*`;
  return `${p}${n}${task.kind}${task.arg === undefined ? '' : `(${task.arg})`}`;
}
