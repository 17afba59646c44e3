import { SqlState } from '../errors.js';
import type { AggregateCall, Expr, OrderKey, OutputColumn, QueryPlan } from '../plan/plan.js';
import { type Fields, nodeBody, nodeType } from './ast.js';
import { call } from './build.js';
import { requireBool } from './coerce.js';
import { AggregateList, type ExprContext } from './context.js';
import { ErrorSite } from './errors.js';
import { analyzeExpr } from './expr.js';
import { resolveFrom } from './from.js';
import { perGroup } from './grouping.js';
import type { PlanContext, PlannedSelect } from './index.js';
import { type AggSpec, type Ir, sameIr } from './ir.js';
import { limitValue } from './limit.js';
import { lower } from './lower.js';
import { requireNotNull, split, whenTrue } from './nulls.js';
import { Params } from './params.js';
import { deriveRanges, type TimeColumn } from './ranges.js';
import { isRollupEligible } from './rollup.js';
import { checkSelectClauses, unsupportedStatement } from './statement.js';
import { analyzeTargets, groupItem, orderItem, type Target } from './targets.js';

/** The metrics table's `time`: whole milliseconds (src/metrics/metrics-table-writer.ts). */
/** Every table-store table SQL reads has its time in `time` (ms). */
const tableTime: TimeColumn = { column: 'time', stepMs: 1 };

interface OrderIr {
  readonly expr: Ir;
  readonly descending: boolean;
  readonly nullsFirst: boolean;
}

/** SELECT → QueryPlan: analysis of every clause, then grouping, NULL elimination and lowering. */
export function planSelectStatement(stmt: unknown, context: PlanContext): PlannedSelect {
  const site = new ErrorSite(context.sql);
  const type = nodeType(stmt);
  if (type !== 'SelectStmt') throw unsupportedStatement(type, site);
  const s: Fields = nodeBody(stmt);
  checkSelectClauses(s, site);
  const params = new Params(context.params, context.paramTypes, context.now);
  const { scope, source } = resolveFrom(s.fromClause, context.tables, site);
  const aggregates = new AggregateList();
  const cx = (clause: string, allowAggregates: boolean): ExprContext => ({
    site,
    scope,
    params,
    now: context.now,
    aggregates: allowAggregates ? aggregates : undefined,
    clause,
    insideAggregate: false,
  });

  const targets = analyzeTargets(s.targetList, cx('SELECT', true));
  const whereCx = cx('WHERE', false);
  const where =
    s.whereClause === undefined
      ? undefined
      : requireBool(analyzeExpr(s.whereClause, whereCx), whereCx, 'WHERE');
  const { keys, grouped } = groupKeys(s.groupClause, targets, cx('GROUP BY', false));
  const havingCx = cx('HAVING', true);
  const having =
    s.havingClause === undefined
      ? undefined
      : requireBool(analyzeExpr(s.havingClause, havingCx), havingCx, 'HAVING');
  const order = orderKeys(s.sortClause, targets, cx('ORDER BY', true));
  const limitCx = cx('LIMIT', false);
  const limit = limitValue(s.limitCount, 'LIMIT', limitCx);
  const offset = limitValue(s.limitOffset, 'OFFSET', limitCx) ?? 0;

  const distinct = Array.isArray(s.distinctClause);
  let aggregate = grouped || aggregates.specs.length > 0 || having !== undefined;
  if (distinct) {
    if (aggregate) {
      throw site.atKeyword(
        SqlState.featureNotSupported,
        'SELECT DISTINCT with aggregates is not supported',
        'distinct',
      );
    }
    for (const t of targets) if (!keys.some((k) => sameIr(k, t.expr))) keys.push(t.expr);
    aggregate = true;
  }

  const filter = where === undefined ? undefined : whenTrue(where);
  const plan = {
    source,
    where:
      filter === undefined || (filter.kind === 'const' && filter.value === true) ? undefined : lower(filter),
    aggregate,
    groupBy: aggregate ? keys.map((k) => lower(requireNotNull(k, site, 'a GROUP BY expression'))) : [],
    aggregates: aggregates.specs.map(lowerAggregate),
    output: outputs(targets, aggregate, keys, site, distinct),
    having: having === undefined ? undefined : lower(perGroup(having, keys, site, false)),
    orderBy: order.map((o) => orderKey(o, aggregate, keys, site, distinct)),
    limit,
    offset,
  };
  const ranges =
    source.kind === 'flows'
      ? deriveRanges(plan.where)
      : source.kind === 'table'
        ? { ...deriveRanges(plan.where, tableTime), ranges: [] }
        : { from: Number.NEGATIVE_INFINITY, to: Number.POSITIVE_INFINITY, ranges: [] };
  const columns = readColumns(plan, scope.table?.columns.map((c) => c.name) ?? []);
  const full: QueryPlan = { ...plan, ...ranges, columns, rollupEligible: isRollupEligible(plan) };
  return {
    plan: full,
    fields: full.output.map((o) => ({ name: o.name, type: o.expr.type })),
    paramTypes: params.finalTypes(),
  };
}

/** The GROUP BY keys; `grouped` when there is a GROUP BY at all (even of constants, or ()). */
function groupKeys(
  list: unknown,
  targets: readonly Target[],
  cx: ExprContext,
): { keys: Ir[]; grouped: boolean } {
  const keys: Ir[] = [];
  const items = (list as unknown[] | undefined) ?? [];
  for (const item of items) {
    if (nodeType(item) === 'GroupingSet') {
      const set = nodeBody(item);
      if (set.kind === 'GROUPING_SET_EMPTY') continue;
      throw cx.site.at(
        SqlState.featureNotSupported,
        'GROUPING SETS, ROLLUP and CUBE are not supported',
        set.location as number,
      );
    }
    const key = groupItem(item, targets, cx);
    // A constant key is kept: over no rows it gives no group, where GROUP BY () gives one.
    if (!keys.some((k) => sameIr(k, key))) keys.push(key);
  }
  return { keys, grouped: items.length > 0 };
}

function orderKeys(list: unknown, targets: readonly Target[], cx: ExprContext): OrderIr[] {
  return ((list as unknown[] | undefined) ?? []).map((item) => {
    const sb = nodeBody(item);
    if (sb.sortby_dir === 'SORTBY_USING') {
      throw cx.site.at(
        SqlState.featureNotSupported,
        'ORDER BY … USING is not supported',
        sb.location as number,
      );
    }
    const descending = sb.sortby_dir === 'SORTBY_DESC';
    const nulls = sb.sortby_nulls;
    const nullsFirst =
      nulls === 'SORTBY_NULLS_FIRST' ? true : nulls === 'SORTBY_NULLS_LAST' ? false : descending;
    return { expr: orderItem(sb.node, targets, cx), descending, nullsFirst };
  });
}

function outputs(
  targets: readonly Target[],
  aggregate: boolean,
  keys: readonly Ir[],
  site: ErrorSite,
  distinct: boolean,
): OutputColumn[] {
  return targets.map((t) => ({
    name: t.name,
    expr: lower(
      aggregate
        ? perGroup(t.expr, keys, site, distinct)
        : requireNotNull(t.expr, site, 'a select-list value'),
    ),
  }));
}

function orderKey(
  o: OrderIr,
  aggregate: boolean,
  keys: readonly Ir[],
  site: ErrorSite,
  distinct: boolean,
): OrderKey {
  const expr = aggregate
    ? perGroup(o.expr, keys, site, distinct)
    : requireNotNull(o.expr, site, 'an ORDER BY value');
  return { expr: lower(expr), descending: o.descending, nullsFirst: o.nullsFirst };
}

/** An aggregate's argument and filter, NULL-free: a possibly-NULL argument filters its NULLs out. */
function lowerAggregate(spec: AggSpec): AggregateCall {
  let filter = spec.filter === undefined ? undefined : whenTrue(spec.filter);
  let arg = spec.arg;
  if (arg !== undefined) {
    const parts = split(arg);
    arg = parts.value;
    if (!(parts.isNull.kind === 'const' && parts.isNull.value === false)) {
      const notNull = call('not', [parts.isNull], 'bool');
      filter = filter === undefined ? notNull : call('and', [filter, notNull], 'bool');
    }
  }
  const keepFilter = filter !== undefined && !(filter.kind === 'const' && filter.value === true);
  // Once its NULLs are filtered out, count(x) counts rows.
  if (spec.fn === 'count') arg = undefined;
  return {
    fn: spec.fn,
    arg: arg === undefined ? undefined : lower(arg),
    ...(spec.fraction === undefined ? {} : { fraction: spec.fraction }),
    ...(keepFilter ? { filter: lower(filter!) } : {}),
    type: spec.type,
  };
}

type PlanParts = Pick<QueryPlan, 'where' | 'aggregate' | 'groupBy' | 'aggregates' | 'output' | 'orderBy'>;

/** Every stored column the per-row expressions read, in table order. */
function readColumns(plan: PlanParts, tableOrder: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (e: Expr | undefined): void => {
    if (e === undefined) return;
    if (e.kind === 'column') seen.add(e.name);
    else if (e.kind === 'call') e.args.forEach(visit);
  };
  visit(plan.where);
  plan.groupBy.forEach(visit);
  for (const a of plan.aggregates) {
    visit(a.arg);
    visit(a.filter);
  }
  if (!plan.aggregate) {
    for (const o of plan.output) visit(o.expr);
    for (const o of plan.orderBy) visit(o.expr);
  }
  return tableOrder.filter((name) => seen.has(name));
}
