import { SqlState } from '../errors.js';
import type { AggregateFn } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { type Fields, nodeBody } from './ast.js';
import { mayBeNull } from './build.js';
import { requireBool, resolveUnknown, settle, tryCoerce } from './coerce.js';
import type { ExprContext } from './context.js';
import { typeDisplayName } from './errors.js';
import type { Analyze } from './expr.js';
import { constant, type Ir, isConst } from './ir.js';
import { isNumber } from './types.js';

/** Aggregate calls: count, sum, min, max, avg, count(DISTINCT), approx_count_distinct, percentile_cont. */

const aggregateNames = new Set([
  'count',
  'sum',
  'min',
  'max',
  'avg',
  'approx_count_distinct',
  'percentile_cont',
]);

/** PostgreSQL aggregates flowlens does not compute. */
const unsupportedAggregates = new Set([
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'variance',
  'var_pop',
  'var_samp',
  'string_agg',
  'array_agg',
  'json_agg',
  'jsonb_agg',
  'json_object_agg',
  'bool_and',
  'bool_or',
  'every',
  'bit_and',
  'bit_or',
  'mode',
  'percentile_disc',
  'corr',
  'covar_pop',
  'covar_samp',
  'regr_slope',
  'row_number',
  'rank',
  'dense_rank',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'ntile',
]);

export function isAggregateName(fname: readonly string[]): boolean {
  const name = fname[fname.length - 1]!;
  const schemaOk = fname.length === 1 || fname[0] === 'pg_catalog';
  return schemaOk && (aggregateNames.has(name) || unsupportedAggregates.has(name));
}

export function analyzeAggregate(
  fname: readonly string[],
  body: Fields,
  sub: Analyze,
  cx: ExprContext,
  loc: number,
): Ir {
  const name = fname[fname.length - 1]!;
  if (unsupportedAggregates.has(name)) {
    throw cx.site.at(SqlState.featureNotSupported, `aggregate function ${name} is not supported`, loc);
  }
  if (cx.insideAggregate) {
    throw cx.site.at(SqlState.groupingError, 'aggregate function calls cannot be nested', loc);
  }
  const list = cx.aggregates;
  if (list === undefined) {
    throw cx.site.at(SqlState.groupingError, `aggregate functions are not allowed in ${cx.clause}`, loc);
  }
  const inner: ExprContext = {
    ...cx,
    insideAggregate: true,
    aggregates: undefined,
    clause: 'aggregate arguments',
  };
  const argNodes = (body.args as unknown[] | undefined) ?? [];
  const args = argNodes.map((a) => sub(a, inner));
  const filter =
    body.agg_filter === undefined ? undefined : requireBool(sub(body.agg_filter, inner), inner, 'FILTER');
  const distinct = body.agg_distinct === true;
  const wrongArgs = () =>
    cx.site.at(
      SqlState.datatypeMismatch,
      `function ${name}(${args.map((a) => typeDisplayName[a.type]).join(', ')}) does not exist`,
      loc,
      'No function matches the given name and argument types.',
    );
  if (name === 'percentile_cont') return percentile(body, args, filter, sub, inner, cx, loc);
  if (body.agg_within_group === true) {
    throw cx.site.at(
      SqlState.datatypeMismatch,
      `${name} is not an ordered-set aggregate, so it cannot have WITHIN GROUP`,
      loc,
    );
  }
  if (body.agg_star === true) {
    if (name !== 'count') throw wrongArgs();
    return add(cx, 'count', undefined, filter, 'int8', loc);
  }
  if (args.length !== 1) throw wrongArgs();
  const arg = settle(args[0]!, inner);
  switch (name) {
    case 'count':
      if (distinct) return add(cx, 'count_distinct', arg, filter, 'int8', loc);
      // count(x) of a never-NULL x counts rows, exactly as count(*) does.
      return mayBeNull(arg)
        ? add(cx, 'count', arg, filter, 'int8', loc)
        : add(cx, 'count', undefined, filter, 'int8', loc);
    case 'approx_count_distinct':
      return add(cx, 'approx_count_distinct', arg, filter, 'int8', loc);
    case 'min':
    case 'max':
      if (arg.type === 'bool') throw wrongArgs();
      return add(cx, name, arg, filter, arg.type, loc);
    case 'sum':
    case 'avg': {
      if (arg.kind === 'unknown' || (!isNumber(arg.type) && arg.type !== 'interval')) throw wrongArgs();
      if (arg.type === 'interval' && name === 'sum') {
        throw cx.site.at(SqlState.featureNotSupported, 'sum of intervals is not supported', loc);
      }
      if (distinct)
        throw cx.site.at(SqlState.featureNotSupported, `${name}(DISTINCT …) is not supported`, loc);
      return add(cx, name, arg, filter, name === 'sum' ? sumType(arg.type) : avgType(arg.type), loc);
    }
    default:
      throw wrongArgs();
  }
}

/** sum(int2/int4) is bigint, sum(int8) numeric (exact past 2^63), sum(float8) double precision. */
function sumType(t: SqlType): SqlType {
  if (t === 'int2' || t === 'int4') return 'int8';
  if (t === 'float8') return 'float8';
  return 'numeric';
}

function avgType(t: SqlType): SqlType {
  return t === 'float8' ? 'float8' : 'numeric';
}

function add(
  cx: ExprContext,
  fn: AggregateFn,
  arg: Ir | undefined,
  filter: Ir | undefined,
  type: SqlType,
  loc: number,
  fraction?: number,
): Ir {
  const index = cx.aggregates!.add({ fn, arg, filter, fraction, type, loc });
  const nullable = fn !== 'count' && fn !== 'count_distinct' && fn !== 'approx_count_distinct';
  return { kind: 'agg', index, type, nullable, loc };
}

function percentile(
  body: Fields,
  args: Ir[],
  filter: Ir | undefined,
  sub: Analyze,
  inner: ExprContext,
  cx: ExprContext,
  loc: number,
): Ir {
  const order = (body.agg_order as unknown[] | undefined) ?? [];
  if (body.agg_within_group !== true || order.length !== 1 || args.length !== 1) {
    throw cx.site.at(
      SqlState.datatypeMismatch,
      'percentile_cont needs one fraction and WITHIN GROUP (ORDER BY one expression)',
      loc,
    );
  }
  const fraction = tryCoerce(args[0]!, 'float8', inner);
  if (fraction === undefined || !isConst(fraction)) {
    throw cx.site.at(
      SqlState.featureNotSupported,
      "percentile_cont's fraction must be a constant",
      args[0]!.loc,
    );
  }
  const p = fraction.value as number | null;
  if (p !== null && !(p >= 0 && p <= 1)) {
    throw cx.site.at(
      SqlState.numericValueOutOfRange,
      `percentile value ${p} is not between 0 and 1`,
      args[0]!.loc,
    );
  }
  const sortBy = nodeBody(order[0]);
  let value = sub(sortBy.node, inner);
  if (value.kind === 'unknown') value = resolveUnknown(value, 'float8', inner);
  if (!isNumber(value.type)) {
    throw cx.site.at(
      SqlState.datatypeMismatch,
      `function percentile_cont(double precision ORDER BY ${typeDisplayName[value.type]}) does not exist`,
      loc,
    );
  }
  // The fraction counts from the other end when the group is ordered descending.
  if (p === null) return constant('float8', null, loc);
  const descending = sortBy.sortby_dir === 'SORTBY_DESC';
  return add(cx, 'percentile_cont', value, filter, 'float8', loc, descending ? 1 - p : p);
}
