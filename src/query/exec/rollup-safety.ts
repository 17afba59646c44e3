import { rollupColumns } from '../../flow/schema.js';
import type { Expr, QueryPlan } from '../plan/plan.js';
import { truncWidth } from './time-fns.js';

/**
 * When reading an hourly or daily rollup row gives the same answer as reading the minutes it sums.
 * A rollup row stands for flow_count flows with the same dimensions in one bucket, its
 * i_start_time the bucket's start and its measures summed. So a width is safe when: the plan is
 * rollupEligible; measures appear only as bare sum/avg arguments; dimensions only where a
 * per-row value works (keys, filters, min/max/distinct); and i_start_time only through
 * date_trunc/time_bucket at a multiple of the width, or in WHERE comparisons with constants
 * (`TimeAtom`s) — a bucket whose interior a comparison splits is read from finer data instead.
 */
export interface TimeAtom {
  readonly op: 'lt' | 'le' | 'gt' | 'ge' | 'eq';
  readonly value: number;
}

export interface RollupSafety {
  readonly hour: boolean;
  readonly day: boolean;
  readonly atoms: readonly TimeAtom[];
}

const HOUR = 3_600_000;
const DAY = 86_400_000;
const TIME = 'i_start_time';
const roles = new Map(rollupColumns.map((c) => [c.name, c.rollup]));
const flip = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq', ne: 'eq' } as const;

export function rollupSafety(plan: QueryPlan): RollupSafety {
  const none = { hour: false, day: false, atoms: [] };
  if (!plan.rollupEligible || !plan.aggregate || plan.source.kind !== 'flows') return none;
  if (plan.columns.some((c) => !roles.has(c))) return none;
  const widths: number[] = [];
  const atoms: TimeAtom[] = [];
  const perRow = (e: Expr | undefined, where: boolean): boolean =>
    e === undefined || dimensionOnly(e, widths, where ? atoms : undefined);
  if (!perRow(plan.where, true) || !plan.groupBy.every((k) => perRow(k, false))) return none;
  for (const a of plan.aggregates) {
    if (!perRow(a.filter, true)) return none;
    if (a.fn === 'percentile_cont') return none;
    const arg = a.arg;
    if (arg === undefined) continue;
    const measure = arg.kind === 'column' && roles.get(arg.name) === 'measure' && arg.name !== 'flow_count';
    if (a.fn === 'sum' || a.fn === 'avg') {
      if (!measure) return none;
    } else if (!perRow(arg, false)) return none;
  }
  const fits = (w: number) => widths.every((x) => x % w === 0);
  return { hour: fits(HOUR), day: fits(DAY), atoms };
}

/**
 * True when `e` reads no measure, and i_start_time only bucketed (widths collected) or, when
 * `atoms` is given (WHERE), compared with constants (atoms collected).
 */
function dimensionOnly(e: Expr, widths: number[], atoms: TimeAtom[] | undefined): boolean {
  if (e.kind === 'column') return e.name !== TIME && roles.get(e.name) === 'dimension';
  if (e.kind !== 'call') return true;
  const [a, b] = e.args;
  if ((e.fn === 'date_trunc' || e.fn === 'time_bucket') && isTime(b)) {
    const width = bucketWidth(e);
    if (width === undefined) return false;
    widths.push(width);
    return true;
  }
  if (atoms !== undefined && e.fn in flip && e.args.length === 2) {
    const atom = timeAtom(e.fn as keyof typeof flip, a!, b!);
    if (atom !== undefined) {
      atoms.push(atom);
      return true;
    }
  }
  if (atoms !== undefined && e.fn === 'in' && isTime(a)) {
    const rest = e.args.slice(1);
    if (!rest.every((x) => x.kind === 'const' && typeof x.value === 'number')) return false;
    for (const x of rest) atoms.push({ op: 'eq', value: (x as { value: number }).value });
    return true;
  }
  return e.args.every((x) => dimensionOnly(x, widths, atoms));
}

function isTime(e: Expr | undefined): boolean {
  return e?.kind === 'column' && e.name === TIME;
}

/** The width of date_trunc(unit, t) / time_bucket(w, t) in ms (month and longer: a day's multiple). */
function bucketWidth(e: Expr & { kind: 'call' }): number | undefined {
  const first = e.args[0]!;
  if (first.kind !== 'const') return undefined;
  if (e.fn === 'time_bucket')
    return typeof first.value === 'number' && first.value > 0 ? first.value : undefined;
  const unit = String(first.value).toLowerCase();
  if (unit === 'month' || unit === 'quarter' || unit === 'year') return DAY;
  return truncWidth(unit);
}

function timeAtom(fn: keyof typeof flip, a: Expr, b: Expr): TimeAtom | undefined {
  const op = fn === 'ne' ? 'eq' : fn;
  if (isTime(a) && b.kind === 'const' && typeof b.value === 'number') return { op, value: b.value };
  if (isTime(b) && a.kind === 'const' && typeof a.value === 'number') return { op: flip[fn], value: a.value };
  return undefined;
}

/** True when some atom is not constant over the bucket [start, start + width). */
export function splitsBucket(atoms: readonly TimeAtom[], start: number, width: number): boolean {
  const end = start + width;
  for (const { op, value: c } of atoms) {
    if (op === 'lt' || op === 'ge' ? start < c && c < end : start <= c && c < end) return true;
  }
  return false;
}
