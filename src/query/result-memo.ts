import type { Value } from './api.js';
import { canonical } from './exec/spec.js';
import type { QueryPlan } from './plan/plan.js';
import type { SqlType } from './sql-types.js';

/** Finishes kept per first partial: a partial answers few distinct finishes (dashboards repeat one). */
const PER_PARTIAL = 8;
/** The most partials a query's answer is remembered for (their merge is what it spares). */
export const RESULT_MEMO_PARTIALS = 8;

interface Entry {
  readonly partials: readonly unknown[];
  readonly rows: readonly Value[][];
}

/**
 * The finished rows of queries whose jobs were all memo hits, delivered as a few partials (the
 * memo's combination of the hits, or up to RESULT_MEMO_PARTIALS hits): memoized partials are
 * immutable and stand for exactly their data under their spec, so the same partials (the same
 * objects, in the same order) finished the same way (select list, HAVING, ORDER BY,
 * LIMIT/OFFSET, types: `finishKey`) give the same rows, and a repeat skips the merge and sort.
 * Held weakly by the first partial: once the memo evicts it, its rows go too.
 */
export class ResultMemo {
  hits = 0;
  private readonly rows = new WeakMap<object, Map<string, Entry>>();

  get(partials: readonly unknown[], key: string): Value[][] | undefined {
    const first = partials[0];
    if (typeof first !== 'object' || first === null) return undefined;
    const entry = this.rows.get(first)?.get(key);
    if (entry === undefined || !sameList(entry.partials, partials)) return undefined;
    this.hits++;
    return entry.rows.map((r) => r.slice());
  }

  /** Keeps a copy of `rows` (the caller's rows go to the client, which may change them). */
  set(partials: readonly unknown[], key: string, rows: readonly Value[][]): void {
    const first = partials[0];
    if (typeof first !== 'object' || first === null) return;
    let byKey = this.rows.get(first);
    if (byKey === undefined) {
      byKey = new Map();
      this.rows.set(first, byKey);
    }
    if (byKey.size >= PER_PARTIAL) byKey.delete(byKey.keys().next().value as string);
    byKey.set(key, { partials: [...partials], rows: rows.map((r) => r.slice()) });
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const finishKeys = new WeakMap<QueryPlan, Map<string, string>>();

/** What turns a query's merged partial into its rows, as text (once per plan and types). */
export function finishKey(plan: QueryPlan, types: readonly SqlType[]): string {
  const typeKey = types.join(',');
  let byTypes = finishKeys.get(plan);
  if (byTypes === undefined) {
    byTypes = new Map();
    finishKeys.set(plan, byTypes);
  }
  let key = byTypes.get(typeKey);
  if (key === undefined) {
    const { aggregate, groupBy, aggregates, output, having, orderBy, limit, offset } = plan;
    key = `${typeKey}|${canonical({ aggregate, groupBy, aggregates, output, having, orderBy, limit, offset })}`;
    byTypes.set(typeKey, key);
  }
  return key;
}
