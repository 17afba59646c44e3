import { QueryError, SqlState } from '../errors.js';
import type { CallExpr, Expr } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import type { RowCodegen } from './row-codegen.js';
import { truncWidth } from './time-fns.js';
import { integerOutOfRange, integerRanges } from './values.js';

/**
 * The operator forms of RowCodegen (row-codegen.ts): comparisons, IN lists, CASE, date_trunc,
 * numeric casts and integer range checks, as JS source over one row.
 */

const numberTypes = new Set<SqlType>([
  'int2',
  'int4',
  'int8',
  'numeric',
  'float8',
  'timestamptz',
  'interval',
  'macaddr',
]);
export const integerTypes = new Set<SqlType>(['int2', 'int4', 'int8']);

export function isNumberType(t: SqlType): boolean {
  return numberTypes.has(t);
}

/** An integer result outside its type's range raises 22003, as PostgreSQL's operators do. */
export function inRange(rc: RowCodegen, code: string, type: SqlType): string {
  const range = integerRanges[type];
  if (range === undefined) return code;
  const t = rc.b.temp();
  const fail = rc.b.konst(integerOutOfRange);
  return `((${t} = ${code}) >= ${rc.b.num(range[0])} && ${t} <= ${rc.b.num(range[1])} ? ${t} : ${fail}(${JSON.stringify(range[2])}))`;
}

export function compare(rc: RowCodegen, e: CallExpr, row: string): string {
  const [x, y] = e.args as [Expr, Expr];
  const op = { eq: '===', ne: '!==', lt: '<', le: '<=', gt: '>', ge: '>=' }[e.fn as 'eq'];
  const t = x.type;
  if (t === 'text') {
    if (e.fn === 'eq' || e.fn === 'ne') return `(${rc.str(x, row)} ${op} ${rc.str(y, row)})`;
    return `(rt.compareText(${rc.str(x, row)}, ${rc.str(y, row)}) ${op} 0)`;
  }
  if (t === 'inet' || t === 'cidr') {
    const p = rc.inet(x, row);
    const q = rc.inet(y, row);
    return `(rt.cmpInet(${p.arr}, ${p.off}, ${p.bits}, ${q.arr}, ${q.off}, ${q.bits}) ${op} 0)`;
  }
  if (t === 'bool') return `(${rc.bool(x, row)} ${op} ${rc.bool(y, row)})`;
  return `(${rc.num(x, row)} ${op} ${rc.num(y, row)})`;
}

export function inList(rc: RowCodegen, e: CallExpr, row: string): string {
  const [x, ...list] = e.args;
  const values = list
    .filter((v) => v.kind === 'const' && v.value !== null)
    .map((v) => (v as { value: unknown }).value);
  if (values.length !== list.length || !(isNumberType(x!.type) || x!.type === 'text')) {
    return `(${rc.fallback(e, row)} === true)`;
  }
  const probe = x!.type === 'text' ? rc.str(x!, row) : rc.num(x!, row);
  if (values.length <= 4 && x!.type !== 'text') {
    const t = rc.b.temp();
    return `((${t} = ${probe}) === ${values.map((v) => rc.b.num(Number(v))).join(` || ${t} === `)})`;
  }
  return `${rc.b.konst(new Set(values))}.has(${probe})`;
}

export function caseOf(rc: RowCodegen, e: CallExpr, row: string, value: (x: Expr) => string): string {
  const a = e.args;
  let out = '';
  let i = 0;
  for (; i + 1 < a.length; i += 2) out += `${rc.bool(a[i]!, row)} ? ${value(a[i + 1]!)} : `;
  if (i >= a.length)
    throw new QueryError(SqlState.featureNotSupported, 'CASE without ELSE in a per-row expression');
  return `(${out}${value(a[i]!)})`;
}

export function dateTrunc(rc: RowCodegen, e: CallExpr, row: string): string {
  const unitExpr = e.args[0]!;
  const unit = unitExpr.kind === 'const' ? String(unitExpr.value).toLowerCase() : '';
  const t = rc.num(e.args[1]!, row);
  const width = truncWidth(unit);
  if (width !== undefined && unit !== 'week') return `(Math.floor(${t} / ${width}) * ${width})`;
  if (unit === '') return rc.fallback(e, row);
  return `rt.dateTrunc(${JSON.stringify(unit)}, ${t})`;
}

export function castToNumber(rc: RowCodegen, e: CallExpr, row: string): string {
  const from = e.args[0]!;
  if (isNumberType(from.type)) {
    const v = rc.num(from, row);
    if (integerTypes.has(e.type) && !integerTypes.has(from.type)) {
      return from.type === 'float8' ? `rt.rint(${v})` : `rt.roundAway(${v})`;
    }
    return v;
  }
  if (from.type === 'bool') return `(${rc.bool(from, row)} ? 1 : 0)`;
  return `rt.cast(${rc.any(from, row)}, ${JSON.stringify(from.type)}, ${JSON.stringify(e.type)})`;
}

export function firstNonNull(e: CallExpr): Expr {
  return e.args.find((a) => !(a.kind === 'const' && a.value === null)) ?? e.args[0]!;
}
