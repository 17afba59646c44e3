import type { ConstExpr, Expr } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';

/**
 * What the WHERE clause says about i_start_time (the buckets to read) and about other numeric
 * columns (to skip parts by their statistics), from its top-level AND-ed comparisons with
 * constants. Only narrows: the filter itself still holds every predicate.
 */

export interface ColumnRange {
  readonly column: string;
  readonly min?: number;
  readonly max?: number;
}

export interface Ranges {
  readonly from: number;
  readonly to: number;
  readonly ranges: ColumnRange[];
}

export const timeColumn = 'i_start_time';
const minuteMs = 60_000;

/** Inclusive bounds per column. */
type Bounds = Map<string, { min: number; max: number; type: SqlType }>;

/** A table's time column and the step its values are multiples of (ms). */
export interface TimeColumn {
  readonly column: string;
  readonly stepMs: number;
}

/** Flow rows: i_start_time holds minute starts. */
export const flowTime: TimeColumn = { column: timeColumn, stepMs: minuteMs };

export function deriveRanges(where: Expr | undefined, time: TimeColumn = flowTime): Ranges {
  const bounds: Bounds = new Map();
  if (where !== undefined) {
    if (where.kind === 'const') return { from: 0, to: 0, ranges: [] }; // FALSE or NULL: no row passes
    for (const c of conjuncts(where)) collect(c, bounds);
  }
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.POSITIVE_INFINITY;
  const ranges: ColumnRange[] = [];
  for (const [column, b] of bounds) {
    if (column === time.column) {
      // Times are multiples of the step (i_start_time: minute starts): v ≥ x ⇔ v ≥ ceil(x);
      // v ≤ x ⇔ v < floor(x) + step.
      const step = time.stepMs;
      if (b.min > Number.NEGATIVE_INFINITY) from = Math.ceil(b.min / step) * step;
      if (b.max < Number.POSITIVE_INFINITY) to = Math.floor(b.max / step) * step + step;
      if (to < from) to = from;
      continue;
    }
    const range: { column: string; min?: number; max?: number } = { column };
    if (b.min > Number.NEGATIVE_INFINITY) range.min = b.min;
    if (b.max < Number.POSITIVE_INFINITY) range.max = b.max;
    ranges.push(range);
  }
  return { from, to, ranges };
}

export function conjuncts(e: Expr): Expr[] {
  return e.kind === 'call' && e.fn === 'and' ? e.args.flatMap(conjuncts) : [e];
}

const flipped: Readonly<Record<string, string>> = { lt: 'gt', le: 'ge', gt: 'lt', ge: 'le', eq: 'eq' };

function collect(e: Expr, bounds: Bounds): void {
  if (e.kind !== 'call') return;
  if (e.fn === 'in') {
    const [col, ...items] = e.args;
    if (col?.kind !== 'column' || !items.every(isNumberConst)) return;
    const values = items.map((i) => (i as ConstExpr).value as number);
    narrow(bounds, col.name, col.type, Math.min(...values), Math.max(...values));
    return;
  }
  const op = flipped[e.fn];
  if (op === undefined || e.args.length !== 2) return;
  let [a, b] = e.args as [Expr, Expr];
  let fn = e.fn;
  if (a.kind !== 'column') {
    [a, b] = [b, a];
    fn = op as typeof fn;
  }
  if (a.kind !== 'column' || !isNumberConst(b) || !hasOrderedNumbers(a.type)) return;
  const x = b.value as number;
  // Stored values are integers (times whole milliseconds): v > 1.5 means v ≥ 2.
  const lo = (strict: boolean) => (strict ? Math.floor(x) + 1 : Math.ceil(x));
  const hi = (strict: boolean) => (strict ? Math.ceil(x) - 1 : Math.floor(x));
  switch (fn) {
    case 'eq':
      narrow(bounds, a.name, a.type, lo(false), hi(false));
      break;
    case 'gt':
      narrow(bounds, a.name, a.type, lo(true), Number.POSITIVE_INFINITY);
      break;
    case 'ge':
      narrow(bounds, a.name, a.type, lo(false), Number.POSITIVE_INFINITY);
      break;
    case 'lt':
      narrow(bounds, a.name, a.type, Number.NEGATIVE_INFINITY, hi(true));
      break;
    case 'le':
      narrow(bounds, a.name, a.type, Number.NEGATIVE_INFINITY, hi(false));
      break;
  }
}

function isNumberConst(e: Expr | undefined): e is ConstExpr {
  return e?.kind === 'const' && typeof e.value === 'number' && !Number.isNaN(e.value);
}

function hasOrderedNumbers(type: SqlType): boolean {
  return type === 'int2' || type === 'int4' || type === 'int8' || type === 'timestamptz';
}

function narrow(bounds: Bounds, column: string, type: SqlType, min: number, max: number): void {
  const b = bounds.get(column);
  if (b === undefined) bounds.set(column, { min, max, type });
  else {
    b.min = Math.max(b.min, min);
    b.max = Math.min(b.max, max);
  }
}
