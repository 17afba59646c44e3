import { SqlState } from '../errors.js';
import { analyzeAExpr } from './a-expr.js';
import { analyzeAggregate, isAggregateName } from './aggregates.js';
import { type Fields, location, names, nodeBody, nodeType } from './ast.js';
import { call } from './build.js';
import { castTo, coerceAll, commonType, requireBool, resolveUnknown, settle } from './coerce.js';
import type { ExprContext } from './context.js';
import { analyzeFunction } from './functions.js';
import { constant, type Ir } from './ir.js';
import { maxNesting, tooDeepMessage } from './nesting.js';
import { unifyForComparison } from './operators.js';
import { resolveTypeName } from './typenames.js';
import { isOrderable } from './types.js';

/** Analyses one sub-expression, one level deeper (optionally in another context). */
export type Analyze = (node: unknown, cx?: ExprContext) => Ir;

/** Turns an expression node of libpg-query's AST into folded, typed IR. */
export function analyzeExpr(node: unknown, cx: ExprContext, depth = 0): Ir {
  const loc = location(node);
  // Past maxNesting an expression is refused (54001) rather than risk the stack.
  if (depth > maxNesting) {
    throw cx.site.at(SqlState.statementTooComplex, tooDeepMessage, loc);
  }
  const sub: Analyze = (n, c) => analyzeExpr(n, c ?? cx, depth + 1);
  const body: Fields = nodeBody(node);
  const type = nodeType(node);
  switch (type) {
    case 'ColumnRef':
      return columnRef(body, cx, loc);
    case 'A_Const':
      return literal(body, cx, loc);
    case 'ParamRef':
      return cx.params.ref(Number(body.number), loc);
    case 'TypeCast': {
      const target = resolveTypeName(body.typeName as Fields, cx.site, location({ TypeName: body.typeName }));
      const arg = sub(body.arg);
      const castLoc = typeof body.location === 'number' && body.location >= 0 ? body.location : arg.loc;
      const cast = castTo(arg, target.type, cx, castLoc, {
        typmod: target.typmod,
        withoutZone: target.withoutZone,
      });
      // date: the day's midnight (UTC), still as a timestamptz.
      return target.date ? call('date_trunc', [constant('text', 'day'), cast], 'timestamptz', castLoc) : cast;
    }
    case 'A_Expr':
      return analyzeAExpr(body, sub, cx, loc);
    case 'BoolExpr':
      return boolExpr(body, sub, cx, loc);
    case 'NullTest': {
      const arg = settle(sub(body.arg), cx);
      return call(body.nulltesttype === 'IS_NOT_NULL' ? 'is_not_null' : 'is_null', [arg], 'bool', loc);
    }
    case 'BooleanTest':
      return booleanTest(body, sub, cx, loc);
    case 'FuncCall': {
      const fname = names(body.funcname);
      if (body.over !== undefined) {
        throw cx.site.at(SqlState.featureNotSupported, 'window functions are not supported', loc);
      }
      if (isAggregateName(fname)) return analyzeAggregate(fname, body, sub, cx, loc);
      return analyzeFunction(fname, body, sub, cx, loc);
    }
    case 'SQLValueFunction':
      return sqlValueFunction(String(body.op), cx, loc);
    case 'CaseExpr':
      return caseExpr(body, sub, cx, loc);
    case 'CoalesceExpr':
      return variadic('coalesce', 'COALESCE', body.args, sub, cx, loc);
    case 'MinMaxExpr': {
      const greatest = body.op === 'IS_GREATEST';
      return variadic(
        greatest ? 'greatest' : 'least',
        greatest ? 'GREATEST' : 'LEAST',
        body.args,
        sub,
        cx,
        loc,
      );
    }
    case 'SubLink':
      throw cx.site.at(SqlState.featureNotSupported, 'subqueries are not supported', loc);
    case 'CollateClause':
      throw cx.site.at(
        SqlState.featureNotSupported,
        'COLLATE is not supported (text compares in byte order)',
        loc,
      );
    case 'A_ArrayExpr':
    case 'A_Indirection':
      throw cx.site.at(SqlState.featureNotSupported, 'arrays are not supported', loc);
    case 'RowExpr':
      throw cx.site.at(SqlState.featureNotSupported, 'row constructors are not supported', loc);
    case 'GroupingFunc':
      throw cx.site.at(SqlState.featureNotSupported, 'GROUPING() is not supported', loc);
    default:
      throw cx.site.at(SqlState.featureNotSupported, `${describeNode(type)} is not supported`, loc);
  }
}

function describeNode(type: string): string {
  return type === '' ? 'this expression' : `expression ${type}`;
}

function columnRef(body: Fields, cx: ExprContext, loc: number): Ir {
  const parts = names(body.fields);
  const name = parts[parts.length - 1]!;
  if (name === '*') {
    throw cx.site.at(SqlState.featureNotSupported, '* is only supported as a whole select-list item', loc);
  }
  if (parts.length === 1) return cx.scope.column(name, loc);
  return cx.scope.qualified(parts.slice(0, -1), name, loc);
}

function literal(body: Fields, cx: ExprContext, loc: number): Ir {
  if (body.isnull === true) return { kind: 'unknown', type: 'unknown', text: null, param: 0, loc };
  if (body.ival !== undefined) return constant('int4', ((body.ival as { ival?: number }).ival ?? 0) + 0, loc);
  if (body.boolval !== undefined)
    return constant('bool', (body.boolval as { boolval?: boolean }).boolval === true, loc);
  if (body.sval !== undefined) {
    return {
      kind: 'unknown',
      type: 'unknown',
      text: (body.sval as { sval?: string }).sval ?? '',
      param: 0,
      loc,
    };
  }
  if (body.fval !== undefined) {
    const text = (body.fval as { fval?: string }).fval ?? '0';
    const value = Number(text);
    // An integer too large for int4 is int8 when it fits, as PostgreSQL types it (by its text:
    // 2^63 rounds to the same double as 2^63 - 1).
    const integral = /^-?\d+$/.test(text) && BigInt(text) >= -(2n ** 63n) && BigInt(text) < 2n ** 63n;
    return constant(integral ? 'int8' : 'numeric', value, loc);
  }
  throw cx.site.at(SqlState.featureNotSupported, 'bit string literals are not supported', loc);
}

const boolOps: Readonly<Record<string, ['and' | 'or' | 'not', string]>> = {
  AND_EXPR: ['and', 'AND'],
  OR_EXPR: ['or', 'OR'],
  NOT_EXPR: ['not', 'NOT'],
};

function boolExpr(body: Fields, sub: Analyze, cx: ExprContext, loc: number): Ir {
  const [fn, word] = boolOps[String(body.boolop)]!;
  const args = (body.args as unknown[]).map((a) => requireBool(sub(a), cx, word));
  return call(fn, args, 'bool', loc);
}

function booleanTest(body: Fields, sub: Analyze, cx: ExprContext, loc: number): Ir {
  const e = requireBool(sub(body.arg), cx, 'IS TRUE');
  const isNull = call('is_null', [e], 'bool', loc);
  const known = (value: Ir) => call('coalesce', [value, constant('bool', false)], 'bool', loc);
  switch (body.booltesttype) {
    case 'IS_TRUE':
      return known(e);
    case 'IS_NOT_TRUE':
      return call('not', [known(e)], 'bool', loc);
    case 'IS_FALSE':
      return known(call('not', [e], 'bool', loc));
    case 'IS_NOT_FALSE':
      return call('not', [known(call('not', [e], 'bool', loc))], 'bool', loc);
    case 'IS_UNKNOWN':
      return isNull;
    default:
      return call('not', [isNull], 'bool', loc);
  }
}

function sqlValueFunction(op: string, cx: ExprContext, loc: number): Ir {
  if (op.startsWith('SVFOP_CURRENT_TIMESTAMP') || op.startsWith('SVFOP_LOCALTIMESTAMP')) {
    return constant('timestamptz', cx.now, loc);
  }
  const name = op.replace('SVFOP_', '').replace(/_N$/, '');
  throw cx.site.at(SqlState.featureNotSupported, `${name} is not supported`, loc);
}

function caseExpr(body: Fields, sub: Analyze, cx: ExprContext, loc: number): Ir {
  const subject = body.arg === undefined ? undefined : sub(body.arg);
  const whens = (body.args as unknown[]).map((w) => nodeBody(w));
  const conditions = whens.map((w) => {
    const value = sub(w.expr);
    if (subject === undefined) return requireBool(value, cx, 'CASE/WHEN');
    const pair = unifyForComparison(subject, value, cx);
    if (pair === undefined) {
      throw cx.site.at(SqlState.datatypeMismatch, 'CASE/WHEN types cannot be compared', value.loc);
    }
    return call('eq', pair, 'bool', value.loc);
  });
  const results = whens.map((w) => sub(w.result));
  const otherwise = body.defresult === undefined ? undefined : sub(body.defresult);
  const all = otherwise === undefined ? results : [...results, otherwise];
  const type = commonType(all, cx, 'CASE');
  const coerced = coerceAll(all, type, cx);
  const args: Ir[] = [];
  for (let i = 0; i < conditions.length; i++) args.push(conditions[i]!, coerced[i]!);
  args.push(otherwise === undefined ? constant(type, null, loc) : coerced[coerced.length - 1]!);
  return call('case', args, type, loc);
}

function variadic(
  fn: 'coalesce' | 'greatest' | 'least',
  word: string,
  list: unknown,
  sub: Analyze,
  cx: ExprContext,
  loc: number,
): Ir {
  const args = (list as unknown[]).map((a) => sub(a));
  const type = commonType(args, cx, word);
  if (fn !== 'coalesce' && !isOrderable(type)) {
    throw cx.site.at(SqlState.datatypeMismatch, `${word} cannot compare type ${type}`, loc);
  }
  const coerced = coerceAll(args, type, cx).map((a) =>
    a.kind === 'unknown' ? resolveUnknown(a, type, cx) : a,
  );
  return call(fn, coerced, type, loc);
}
