import type { ErrorSite } from './errors.js';
import { type AggSpec, sameIr } from './ir.js';
import type { Params } from './params.js';
import type { Scope } from './scope.js';

/** What analysing an expression needs to know about where it is. */
export interface ExprContext {
  readonly site: ErrorSite;
  readonly scope: Scope;
  readonly params: Params;
  readonly now: number;
  /** Where aggregate calls are collected; undefined where they are not allowed. */
  readonly aggregates: AggregateList | undefined;
  /** The clause, for messages: "aggregate functions are not allowed in WHERE". */
  readonly clause: string;
  /** Inside an aggregate's arguments (aggregates do not nest). */
  readonly insideAggregate: boolean;
}

/** The aggregate calls of a statement; the same call written twice is computed once. */
export class AggregateList {
  readonly specs: AggSpec[] = [];

  add(spec: AggSpec): number {
    const i = this.specs.findIndex(
      (s) =>
        s.fn === spec.fn &&
        s.fraction === spec.fraction &&
        sameIr(s.arg, spec.arg) &&
        sameIr(s.filter, spec.filter),
    );
    if (i >= 0) return i;
    this.specs.push(spec);
    return this.specs.length - 1;
  }
}
