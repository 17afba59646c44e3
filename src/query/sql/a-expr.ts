import { SqlState } from '../errors.js';
import { type Fields, names, nodeBody, nodeType } from './ast.js';
import { call } from './build.js';
import { commonType, resolveUnknown, tryCoerce } from './coerce.js';
import type { ExprContext } from './context.js';
import type { Analyze } from './expr.js';
import { constant, type Ir, isConst } from './ir.js';
import {
  binaryOperator,
  isKnownBinaryOperator,
  noOperator,
  unaryOperator,
  unifyForComparison,
} from './operators.js';

/** Past this many items an IN list is refused (54001). */
export const maxInListItems = 100_000;

/** A_Expr: operators, IN, BETWEEN, LIKE, NULLIF, IS DISTINCT FROM. */
export function analyzeAExpr(body: Fields, sub: Analyze, cx: ExprContext, loc: number): Ir {
  const op = names(body.name)[0] ?? '';
  switch (body.kind) {
    case 'AEXPR_OP': {
      if (!isKnownBinaryOperator(op)) {
        throw cx.site.at(SqlState.featureNotSupported, `operator ${op} is not supported`, loc);
      }
      if (body.lexpr === undefined) return unaryOperator(op, sub(body.rexpr), loc, cx);
      return binaryOperator(op, sub(body.lexpr), sub(body.rexpr), loc, cx);
    }
    case 'AEXPR_IN':
      return inList(body, op === '<>', sub, cx, loc);
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
      return like(body, body.kind === 'AEXPR_ILIKE', op.startsWith('!'), sub, cx, loc);
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN':
    case 'AEXPR_BETWEEN_SYM':
    case 'AEXPR_NOT_BETWEEN_SYM':
      return between(body, String(body.kind), sub, cx, loc);
    case 'AEXPR_NULLIF': {
      const l = sub(body.lexpr);
      const r = sub(body.rexpr);
      const pair = unifyForComparison(l, r, cx);
      if (pair === undefined) throw noOperator('=', l, r, loc, cx);
      return call('nullif', pair, pair[0].type, loc);
    }
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT':
      return distinctFrom(body, body.kind === 'AEXPR_DISTINCT', sub, cx, loc);
    case 'AEXPR_OP_ANY':
    case 'AEXPR_OP_ALL':
      throw cx.site.at(SqlState.featureNotSupported, 'ANY/ALL (array) comparisons are not supported', loc);
    case 'AEXPR_SIMILAR':
      throw cx.site.at(SqlState.featureNotSupported, 'SIMILAR TO is not supported', loc);
    default:
      throw cx.site.at(SqlState.featureNotSupported, `operator ${op} is not supported`, loc);
  }
}

function inList(body: Fields, negated: boolean, sub: Analyze, cx: ExprContext, loc: number): Ir {
  const rexpr = body.rexpr;
  const itemsNodes = nodeType(rexpr) === 'List' ? ((nodeBody(rexpr).items as unknown[]) ?? []) : [rexpr];
  if (itemsNodes.length > maxInListItems) {
    throw cx.site.at(
      SqlState.statementTooComplex,
      `IN list has ${itemsNodes.length} items; at most ${maxInListItems} are supported`,
      loc,
    );
  }
  let lhs = sub(body.lexpr);
  const items = itemsNodes.map((n) => sub(n));
  const type = commonType([lhs, ...items], cx, 'IN');
  if (lhs.kind === 'unknown') lhs = resolveUnknown(lhs, type, cx);
  const typed = items.map((item) => {
    const pair = unifyForComparison(lhs, item.kind === 'unknown' ? resolveUnknown(item, type, cx) : item, cx);
    if (pair === undefined) throw noOperator('=', lhs, item, loc, cx);
    return pair;
  });
  let result: Ir;
  if (typed.every(([, item]) => isConst(item))) {
    result = call('in', [lhs, ...typed.map(([, item]) => item)], 'bool', loc);
  } else {
    result = call(
      'or',
      typed.map((pair) => call('eq', pair, 'bool', loc)),
      'bool',
      loc,
    );
  }
  return negated ? call('not', [result], 'bool', loc) : result;
}

function like(
  body: Fields,
  ilike: boolean,
  negated: boolean,
  sub: Analyze,
  cx: ExprContext,
  loc: number,
): Ir {
  const opName = `${negated ? '!' : ''}~~${ilike ? '*' : ''}`;
  const l = sub(body.lexpr);
  if (nodeType(body.rexpr) === 'FuncCall') {
    throw cx.site.at(SqlState.featureNotSupported, 'LIKE … ESCAPE is not supported (backslash escapes)', loc);
  }
  const r = sub(body.rexpr);
  const text = tryCoerce(l, 'text', cx);
  const pattern = tryCoerce(r, 'text', cx);
  if (text === undefined || pattern === undefined || (l.type !== 'text' && l.type !== 'unknown')) {
    throw noOperator(opName, l, r, loc, cx);
  }
  if (!isConst(pattern)) {
    throw cx.site.at(SqlState.featureNotSupported, 'LIKE patterns must be constants', pattern.loc);
  }
  const result = call(ilike ? 'ilike' : 'like', [text, pattern], 'bool', loc);
  return negated ? call('not', [result], 'bool', loc) : result;
}

function between(body: Fields, kind: string, sub: Analyze, cx: ExprContext, loc: number): Ir {
  const [lowNode, highNode] = nodeBody(body.rexpr).items as unknown[];
  const x = sub(body.lexpr);
  const low = sub(lowNode);
  const high = sub(highNode);
  const inside = (a: Ir, b: Ir) =>
    call('and', [binaryOperator('>=', x, a, loc, cx), binaryOperator('<=', x, b, loc, cx)], 'bool', loc);
  let result =
    kind === 'AEXPR_BETWEEN_SYM' || kind === 'AEXPR_NOT_BETWEEN_SYM'
      ? call('or', [inside(low, high), inside(high, low)], 'bool', loc)
      : inside(low, high);
  if (kind.startsWith('AEXPR_NOT')) result = call('not', [result], 'bool', loc);
  return result;
}

/** a IS DISTINCT FROM b: NULLs compare as values (a plain <> when neither side can be NULL). */
function distinctFrom(body: Fields, distinct: boolean, sub: Analyze, cx: ExprContext, loc: number): Ir {
  const l = sub(body.lexpr);
  const r = sub(body.rexpr);
  const pair = unifyForComparison(l, r, cx);
  if (pair === undefined) throw noOperator('=', l, r, loc, cx);
  const [a, b] = pair;
  const aNull = call('is_null', [a], 'bool', loc);
  const bNull = call('is_null', [b], 'bool', loc);
  const differ = call(
    'case',
    [
      aNull,
      call('not', [bNull], 'bool', loc),
      bNull,
      constant('bool', true),
      // Both sides are known here; coalesce tells mayBeNull so (the whole test is never NULL).
      call('coalesce', [call('ne', [a, b], 'bool', loc), constant('bool', false)], 'bool', loc),
    ],
    'bool',
    loc,
  );
  return distinct ? differ : call('not', [differ], 'bool', loc);
}
