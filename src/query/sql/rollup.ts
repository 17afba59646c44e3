import { rollupColumns } from '../../flow/schema.js';
import type { AggregateCall, Expr, QueryPlan } from '../plan/plan.js';
import { conjuncts, timeColumn } from './ranges.js';

/**
 * Whether the hourly/daily rollups can answer the query (plan.ts, rollupEligible). A rollup row
 * holds one combination of dimensions with its measures summed over the hour or day, so:
 *   - every column read is a rollup column;
 *   - measures appear only as sum(measure); dimensions anywhere (keys, filters, min/max, distinct
 *     counts), i_start_time excepted;
 *   - i_start_time appears only in top-level range conjuncts of WHERE (column op constant) and in
 *     date_trunc of an hour or more / time_bucket of whole hours;
 *   - the query aggregates (a plain row listing reads flows, not sums).
 * min/max of a measure is not eligible although plan.ts lists it: the maximum of hourly sums is not
 * the maximum of the flows.
 */

const dimensions = new Set(rollupColumns.filter((c) => c.rollup === 'dimension').map((c) => c.name));
const measures = new Set(rollupColumns.filter((c) => c.rollup === 'measure').map((c) => c.name));
const coarseUnits = new Set(['hour', 'day', 'week', 'month', 'year']);
const hourMs = 3_600_000;

type Plan = Pick<QueryPlan, 'source' | 'aggregate' | 'where' | 'groupBy' | 'aggregates'>;

export function isRollupEligible(plan: Plan): boolean {
  if (plan.source.kind !== 'flows' || !plan.aggregate) return false;
  for (const c of plan.where === undefined ? [] : conjuncts(plan.where)) {
    if (!isTimeRange(c) && !dimensionsOnly(c)) return false;
  }
  return plan.groupBy.every(dimensionsOnly) && plan.aggregates.every(eligibleAggregate);
}

function eligibleAggregate(a: AggregateCall): boolean {
  if (a.filter !== undefined && !dimensionsOnly(a.filter)) return false;
  switch (a.fn) {
    case 'count':
      return a.arg === undefined;
    case 'sum':
      return a.arg?.kind === 'column' && measures.has(a.arg.name);
    case 'min':
    case 'max':
    case 'count_distinct':
    case 'approx_count_distinct':
      return (
        a.arg !== undefined &&
        a.arg.kind === 'column' &&
        a.arg.name !== timeColumn &&
        dimensions.has(a.arg.name)
      );
    default:
      return false;
  }
}

function isTimeRange(e: Expr): boolean {
  if (e.kind !== 'call' || !['eq', 'lt', 'le', 'gt', 'ge'].includes(e.fn)) return false;
  const [a, b] = e.args;
  const isTime = (x: Expr | undefined) => x?.kind === 'column' && x.name === timeColumn;
  return (isTime(a) && b?.kind === 'const') || (isTime(b) && a?.kind === 'const');
}

/** Reads only dimensions (i_start_time only through coarse buckets), never a measure. */
function dimensionsOnly(e: Expr): boolean {
  switch (e.kind) {
    case 'column':
      return e.name !== timeColumn && dimensions.has(e.name);
    case 'const':
      return true;
    case 'call': {
      const [first, second] = e.args;
      if (second?.kind === 'column' && second.name === timeColumn && first?.kind === 'const') {
        if (e.fn === 'date_trunc') return coarseUnits.has(String(first.value));
        if (e.fn === 'time_bucket') return typeof first.value === 'number' && first.value % hourMs === 0;
      }
      return e.args.every(dimensionsOnly);
    }
    default:
      return false;
  }
}
