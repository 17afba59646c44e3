import { QueryError, SqlState } from '../../errors.js';
import type { CVal } from '../catalog/catalog.js';
import { type PgType, pgType } from '../pg-types.js';
import { arithmetic, arithmeticOps } from './arithmetic.js';
import { baseName, type Node } from './ast.js';
import { evaluate, typeOf } from './expr.js';
import type { EvalContext, Scope } from './scope.js';
import { compare, equals, likeRegExp, posixRegExp } from './values.js';

/** SQL operators (A_Expr): comparisons, IN / ANY / ALL, IS DISTINCT FROM, LIKE, regular expressions, ||, arithmetic. */

const bool = pgType('bool');
const text = pgType('text');

const comparisons: Record<string, (c: number) => boolean> = {
  '=': (c) => c === 0,
  '<>': (c) => c !== 0,
  '!=': (c) => c !== 0,
  '<': (c) => c < 0,
  '>': (c) => c > 0,
  '<=': (c) => c <= 0,
  '>=': (c) => c >= 0,
};

/** Each arithmetic node's result type, resolved once (it depends on the statement, not the row). */
const resultTypes = new WeakMap<Node, PgType>();

export function operator(n: Node, scope: Scope, ctx: EvalContext): CVal {
  const op = baseName(n.name);
  switch (n.kind as string) {
    case 'AEXPR_OP': {
      const left = n.lexpr === undefined ? 0 : evaluate(n.lexpr, scope, ctx);
      const right = evaluate(n.rexpr, scope, ctx);
      if (!arithmeticOps.has(op)) return binary(op, left, right);
      if (left === null || right === null) return null;
      if (n.lexpr === undefined && op === '+') return right;
      let type = resultTypes.get(n);
      if (type === undefined) {
        type = operatorType(n, scope, ctx);
        resultTypes.set(n, type);
      }
      return arithmetic(op, left, right, type);
    }
    case 'AEXPR_IN': {
      const left = evaluate(n.lexpr, scope, ctx);
      const list = (n.rexpr.List?.items ?? n.rexpr) as Node[];
      const found = anyOf(
        left,
        list.map((e) => evaluate(e, scope, ctx)),
        '=',
      );
      return op === '<>' ? (found === null ? null : !found) : found;
    }
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL': {
      const left = evaluate(n.lexpr, scope, ctx);
      const right = evaluate(n.rexpr, scope, ctx);
      if (right === null) return null;
      const items = right as CVal[];
      if (n.kind === 'AEXPR_OP_ANY') return anyOf(left, items, op);
      const anyFalse = anyOf(left, items, negate(op));
      return anyFalse === null ? null : !anyFalse;
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT': {
      const a = evaluate(n.lexpr, scope, ctx);
      const b = evaluate(n.rexpr, scope, ctx);
      const same = a === null || b === null ? a === b : compare(a, b) === 0;
      return n.kind === 'AEXPR_DISTINCT' ? !same : same;
    }
    case 'AEXPR_NULLIF': {
      const a = evaluate(n.lexpr, scope, ctx);
      return equals(a, evaluate(n.rexpr, scope, ctx)) === true ? null : a;
    }
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
      return binary(op, evaluate(n.lexpr, scope, ctx), evaluate(n.rexpr, scope, ctx));
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN': {
      const v = evaluate(n.lexpr, scope, ctx);
      const [lo, hi] = (n.rexpr.List.items as Node[]).map((e) => evaluate(e, scope, ctx));
      if (v === null || lo === null || hi === null) return null;
      const inside = compare(v, lo!) >= 0 && compare(v, hi!) <= 0;
      return n.kind === 'AEXPR_BETWEEN' ? inside : !inside;
    }
    default:
      throw new QueryError(
        SqlState.featureNotSupported,
        `operator ${op} (${n.kind}) is not supported in catalog queries`,
      );
  }
}

export function negate(op: string): string {
  return { '=': '<>', '<>': '=', '!=': '=', '<': '>=', '>': '<=', '<=': '>', '>=': '<' }[op] ?? op;
}

export function anyOf(left: CVal, items: readonly CVal[], op: string): boolean | null {
  let sawNull = false;
  for (const item of items) {
    const r = binary(op, left, item);
    if (r === true) return true;
    if (r === null) sawNull = true;
  }
  return sawNull ? null : false;
}

function binary(op: string, a: CVal, b: CVal): CVal {
  if (op === '||') {
    if (Array.isArray(a) || Array.isArray(b)) {
      if (a === null) return b;
      if (b === null) return a;
      return [...(Array.isArray(a) ? a : [a]), ...(Array.isArray(b) ? b : [b])];
    }
    return a === null || b === null ? null : `${stringOf(a)}${stringOf(b)}`;
  }
  if (a === null || b === null) return null;
  const cmp = comparisons[op];
  if (cmp !== undefined) return cmp(compare(a, b));
  switch (op) {
    case '~':
    case '~*':
      return posixRegExp(String(b), op === '~*').test(String(a));
    case '!~':
    case '!~*':
      return !posixRegExp(String(b), op === '!~*').test(String(a));
    case '~~':
    case '~~*':
      return likeRegExp(String(b), op === '~~*').test(String(a));
    case '!~~':
    case '!~~*':
      return !likeRegExp(String(b), op === '!~~*').test(String(a));
    default:
      throw new QueryError(SqlState.undefinedFunction, `operator does not exist: ${op}`);
  }
}

function stringOf(v: Exclude<CVal, null>): string {
  return typeof v === 'boolean' ? (v ? 'true' : 'false') : String(v);
}

export function operatorType(n: Node, scope: Scope, ctx: EvalContext): PgType {
  const op = baseName(n.name);
  if (n.kind !== 'AEXPR_OP' && n.kind !== 'AEXPR_NULLIF') return bool;
  if (n.kind === 'AEXPR_NULLIF') return typeOf(n.lexpr, scope, ctx);
  if (op === '||') {
    const l = n.lexpr ? typeOf(n.lexpr, scope, ctx) : text;
    const r = typeOf(n.rexpr, scope, ctx);
    return l.elem !== undefined ? l : r.elem !== undefined ? r : text;
  }
  if (!['+', '-', '*', '/', '%'].includes(op)) return bool;
  const r = typeOf(n.rexpr, scope, ctx);
  if (n.lexpr === undefined) return r;
  const l = typeOf(n.lexpr, scope, ctx);
  const rank = ['unknown', 'int2', 'int4', 'oid', 'int8', 'numeric', 'float4', 'float8'];
  const pick = rank.indexOf(l.typname) >= rank.indexOf(r.typname) ? l : r;
  return pick.typname === 'unknown' || pick.typname === 'oid' ? pgType('int4') : pick;
}
