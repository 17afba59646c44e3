import type { Value } from '../api.js';
import type { QueryPlan } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { type EvalEnv, evalExpr } from './interpret.js';
import type { GroupMerger } from './merge-groups.js';
import { compareForOrder, type IValue, toValue } from './values.js';

/**
 * The coordinator's last steps: HAVING, ORDER BY (PostgreSQL's ordering), OFFSET/LIMIT and the
 * output expressions, interpreted once per group (aggregates) or per kept row (plain queries).
 */

/** The interpreter's view of one merged group (its keys and aggregates). */
export class GroupEnv implements EvalEnv {
  g = 0;
  empty = false;
  private readonly keys = new Map<number, IValue>();
  private readonly aggs = new Map<number, IValue>();
  constructor(
    private readonly merger: GroupMerger,
    private readonly plan: Pick<QueryPlan, 'aggregates'>,
  ) {}
  at(g: number, empty: boolean): this {
    this.g = g;
    this.empty = empty;
    this.keys.clear();
    this.aggs.clear();
    return this;
  }
  column(name: string): IValue {
    throw new Error(`column ${name} in a per-group expression`);
  }
  key(index: number): IValue {
    let v = this.keys.get(index);
    if (v === undefined) {
      v = this.merger.keyValue(this.g, index);
      this.keys.set(index, v);
    }
    return v;
  }
  agg(index: number): IValue {
    let v = this.aggs.get(index);
    if (v === undefined) {
      v = this.merger.aggValue(this.g, index, this.plan.aggregates[index]!.fraction, this.empty);
      this.aggs.set(index, v);
    }
    return v;
  }
}

/** Result rows of an aggregate query from its merged groups. */
export function finishGroups(plan: QueryPlan, merger: GroupMerger, types: readonly SqlType[]): Value[][] {
  // An aggregate without GROUP BY over no rows still gives one row (count 0, sum NULL).
  const empty = merger.groups === 0 && plan.groupBy.length === 0;
  const count = empty ? 1 : merger.groups;
  const env = new GroupEnv(merger, plan);
  const kept: { g: number; order: IValue[] }[] = [];
  for (let g = 0; g < count; g++) {
    env.at(g, empty);
    if (plan.having !== undefined && evalExpr(plan.having, env) !== true) continue;
    kept.push({ g, order: plan.orderBy.map((k) => evalExpr(k.expr, env)) });
  }
  const page = orderAndPage(plan, kept, (r) => r.order);
  return page.map(({ g }) => {
    env.at(g, empty);
    return plan.output.map((o, i) => toValue(evalExpr(o.expr, env), types[i] ?? o.expr.type));
  });
}

/** Result rows of a plain query from its jobs' rows ([outputs…, order values…]). */
export function finishRows(
  plan: QueryPlan,
  rows: readonly (readonly IValue[])[],
  types: readonly SqlType[],
): Value[][] {
  const width = plan.output.length;
  const page = orderAndPage(plan, rows, (r) => r.slice(width));
  return page.map((r) => plan.output.map((o, i) => toValue(r[i]!, types[i] ?? o.expr.type)));
}

export function orderAndPage<T>(
  plan: QueryPlan,
  items: readonly T[],
  order: (item: T) => readonly IValue[],
): T[] {
  let sorted = items as T[];
  if (plan.orderBy.length > 0) {
    const keys = plan.orderBy;
    const withKeys = items.map((item) => ({ item, k: order(item) }));
    withKeys.sort((a, b) => {
      for (let i = 0; i < keys.length; i++) {
        const c = compareForOrder(a.k[i]!, b.k[i]!, keys[i]!.descending, keys[i]!.nullsFirst);
        if (c !== 0) return c;
      }
      return 0;
    });
    sorted = withKeys.map((x) => x.item);
  }
  const end = plan.limit === undefined ? undefined : plan.offset + plan.limit;
  return sorted.slice(plan.offset, end);
}
