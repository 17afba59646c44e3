import type { Value } from '../api.js';
import type { QueryPlan } from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { finishGroups, finishRows, GroupEnv, orderAndPage } from './finalize.js';
import { evalExpr } from './interpret.js';
import type { JobSpec } from './job-contract.js';
import { GroupMerger } from './merge-groups.js';
import type { Partial, RowsPartial } from './partial.js';
import { type ReduceTask, reduceTasks } from './reduce.js';
import { spillable } from './spillable.js';
import { topGroupIds } from './top-groups.js';
import { type IValue, toValue } from './values.js';

/**
 * Merges a query's partials as they arrive (mergePartials' incremental form) and produces the
 * result rows. Plain queries keep at most offset + limit rows (the top ones under ORDER BY).
 */
export class ResultCollector {
  private readonly merger: GroupMerger | undefined;
  private rows: (readonly IValue[])[] = [];
  private readonly keep: number | undefined;

  constructor(
    private readonly plan: QueryPlan,
    private readonly spec: JobSpec,
  ) {
    this.merger = plan.aggregate ? new GroupMerger(spec) : undefined;
    this.keep = plan.limit === undefined ? undefined : plan.offset + plan.limit;
  }

  add(partial: unknown): void {
    const p = partial as Partial;
    if (p.kind === 'groups') {
      this.merger!.add(p);
      return;
    }
    if (p.kind === 'parts') {
      for (const part of p.partials) this.merger!.add(part);
      return;
    }
    this.addRows(p);
  }

  /** True when a plain query without ORDER BY has all the rows it can return. */
  get full(): boolean {
    return (
      this.merger === undefined &&
      this.plan.orderBy.length === 0 &&
      this.keep !== undefined &&
      this.rows.length >= this.keep
    );
  }

  /** Merges the partials held back for a partition-wise merge (finish does it too). */
  flush(): void {
    this.merger?.flush();
  }

  /**
   * Whether the partials of this query can be merged on the workers (reduce.ts): those of many
   * groups are in shared memory and ordered by hash partition, the others can be put so. If so,
   * the coordinator now holds every partial back (so that the workers see every entry of a key);
   * the caller merges them with `reduce` (midway, to bound memory, and at the end) or `flush`.
   */
  holdForReduce(): boolean {
    if (this.merger === undefined || !spillable(this.spec)) return false;
    this.merger.holdEverything();
    return true;
  }

  /** Groups held back for a partition-wise merge. */
  get pendingGroups(): number {
    return this.merger?.pendingCount ?? 0;
  }

  /**
   * Merges the partials held back on the workers (`run` posts the reduce tasks): `final` — no
   * partial comes after — lets each task keep only its top groups when ORDER BY … LIMIT allows.
   * Partials arriving meanwhile are held back for the next reduce or `flush`.
   */
  async reduce(run: (tasks: readonly ReduceTask[]) => Promise<unknown[]>, final: boolean): Promise<void> {
    const merger = this.merger;
    if (merger === undefined) return;
    const plan = this.plan;
    const top = final && plan.limit !== undefined && plan.orderBy.length > 0 ? plan : undefined;
    const pending = merger.takePending();
    const tasks = pending.length === 0 ? undefined : reduceTasks(pending, top);
    if (tasks === undefined) {
      for (const p of pending) merger.add(p);
      return;
    }
    const results = await run(tasks);
    for (const r of results) this.add(r);
  }

  finish(types: readonly SqlType[]): Value[][] {
    this.merger?.flush();
    if (this.merger !== undefined)
      return this.topGroups(this.merger, types) ?? finishGroups(this.plan, this.merger, types);
    return finishRows(this.plan, this.rows, types);
  }

  /** ORDER BY … LIMIT of many groups by numeric keys: only the page's groups are evaluated. */
  private topGroups(merger: GroupMerger, types: readonly SqlType[]): Value[][] | undefined {
    const plan = this.plan;
    const env = new GroupEnv(merger, plan);
    const having = plan.having;
    const passes =
      having === undefined ? undefined : (g: number) => evalExpr(having, env.at(g, false)) === true;
    const ids = topGroupIds(plan, merger, passes);
    if (ids === undefined) return undefined;
    return ids.map((g) => {
      env.at(g, false);
      return plan.output.map((o, i) => toValue(evalExpr(o.expr, env), types[i] ?? o.expr.type));
    });
  }

  private addRows(p: RowsPartial): void {
    for (const row of p.rows) this.rows.push(row);
    const keep = this.keep;
    if (keep === undefined) return;
    if (this.plan.orderBy.length === 0) {
      if (this.rows.length > keep) this.rows.length = keep;
      return;
    }
    if (this.rows.length > 2 * keep + 1024) {
      const width = this.plan.output.length;
      this.rows = orderAndPage({ ...this.plan, offset: 0, limit: keep }, this.rows, (r) => r.slice(width));
    }
  }
}

/** Merges finished partials of one query into result rows (the one-shot form of ResultCollector). */
export function mergePartials(
  plan: QueryPlan,
  spec: JobSpec,
  partials: readonly unknown[],
  types: readonly SqlType[],
): Value[][] {
  const collector = new ResultCollector(plan, spec);
  for (const p of partials) collector.add(p);
  return collector.finish(types);
}
