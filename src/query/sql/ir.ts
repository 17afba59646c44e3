import type { AggregateFn, CidrValue, ScalarFn } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';

/**
 * The front's own expression tree, between libpg-query's AST and the plan's Expr: typed, folded
 * as it is built, with the byte location of the SQL it came from (for error positions), untyped
 * literals and parameters still waiting for a type, and intervals that keep their calendar months.
 */
export type Ir = IrColumn | IrConst | IrUnknown | IrCall | IrAgg | IrKey;

export interface IrColumn {
  readonly kind: 'column';
  readonly name: string;
  readonly type: SqlType;
  /** The table's name or alias, for error messages ("all_devices.src_as"). */
  readonly qualifier: string;
  readonly loc: number;
}

export interface IrConst {
  readonly kind: 'const';
  readonly type: SqlType;
  readonly value: IrValue;
  readonly loc: number;
}

/** A string literal, NULL or $n whose type comes from where it is used (PostgreSQL's "unknown"). */
export interface IrUnknown {
  readonly kind: 'unknown';
  readonly type: 'unknown';
  /** The literal's text; null for NULL. */
  readonly text: string | null;
  /** The parameter number for $n, 0 for a literal. */
  readonly param: number;
  readonly loc: number;
}

export interface IrCall {
  readonly kind: 'call';
  readonly fn: ScalarFn;
  readonly args: readonly Ir[];
  readonly type: SqlType;
  readonly loc: number;
}

export interface IrAgg {
  readonly kind: 'agg';
  readonly index: number;
  readonly type: SqlType;
  /** False for counts, which are never NULL. */
  readonly nullable: boolean;
  readonly loc: number;
}

export interface IrKey {
  readonly kind: 'key';
  readonly index: number;
  readonly type: SqlType;
  readonly loc: number;
}

/** An interval as PostgreSQL keeps it: months and days apart, so calendar arithmetic works. */
export interface IntervalValue {
  readonly months: number;
  readonly days: number;
  readonly ms: number;
}

export type IrValue = null | boolean | number | string | CidrValue | IntervalValue;

export interface AggSpec {
  readonly fn: AggregateFn;
  readonly arg: Ir | undefined;
  readonly fraction: number | undefined;
  readonly filter: Ir | undefined;
  readonly type: SqlType;
  readonly loc: number;
}

export const constant = (type: SqlType, value: IrValue, loc = -1): IrConst => ({
  kind: 'const',
  type,
  value,
  loc,
});

export const isConst = (e: Ir): e is IrConst => e.kind === 'const';

export const isNullConst = (e: Ir): boolean =>
  (e.kind === 'const' || e.kind === 'unknown') && (e.kind === 'const' ? e.value === null : e.text === null);

/** Structural equality, ignoring locations (to match GROUP BY keys, dedupe aggregates). */
export function sameIr(a: Ir | undefined, b: Ir | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.kind !== b.kind || a.type !== b.type) return false;
  switch (a.kind) {
    case 'column':
      return a.name === (b as IrColumn).name;
    case 'const':
      return sameValue(a.value, (b as IrConst).value);
    case 'unknown':
      return a.text === (b as IrUnknown).text && a.param === (b as IrUnknown).param;
    case 'call': {
      const c = b as IrCall;
      return a.fn === c.fn && a.args.length === c.args.length && a.args.every((x, i) => sameIr(x, c.args[i]));
    }
    case 'agg':
    case 'key':
      return a.index === (b as IrAgg | IrKey).index;
  }
}

function sameValue(a: IrValue, b: IrValue): boolean {
  if (a === b) return true;
  if (typeof a === 'number' && typeof b === 'number') return Number.isNaN(a) && Number.isNaN(b);
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if ('bytes' in a && 'bytes' in b) {
    return a.bits === b.bits && a.v4 === b.v4 && a.bytes.every((x, i) => x === b.bytes[i]);
  }
  if ('months' in a && 'months' in b) return a.months === b.months && a.days === b.days && a.ms === b.ms;
  return false;
}

/** Every node of the tree, parents first. */
export function* walkIr(e: Ir): Generator<Ir> {
  yield e;
  if (e.kind === 'call') for (const a of e.args) yield* walkIr(a);
}
