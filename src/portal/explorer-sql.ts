import { filterSql } from './explorer-filters.js';
import { sqlLiteral, timeLiteral } from './explorer-literals.js';
import { type Metric, metricOf } from './explorer-metrics.js';
import { coveredSeconds, resolveRange, type Window } from './explorer-range.js';
import type { ExplorerState } from './explorer-state.js';

/**
 * The SQL behind an Explorer view, shown on the page as it is sent:
 * - `table`: the groups of the dimensions by the metric over the whole range, largest first (the
 *   table; its first `top` rows are the chart's series);
 * - `total`: the metric over every group (the table's totals row);
 * - `series(keys)`: the metric per time bucket for those groups (the chart);
 * - `bucketTotals`: the metric per bucket over every group, for additive metrics (the chart's
 *   "other" series is it minus the drawn ones).
 */

export type KeyCell = string | number | boolean | null;

export interface ExplorerQueries {
  readonly window: Window;
  readonly metric: Metric;
  readonly table: string;
  readonly total: string;
  readonly bucketTotals: string | undefined;
  series(keys: readonly (readonly KeyCell[])[]): string;
}

/** Rows the table query returns at most (paged in the page). */
export const tableLimit = 1000;

export function buildQueries(state: ExplorerState, now: number): ExplorerQueries {
  const window = resolveRange(state.range, now);
  const metric = metricOf(state.metric)!;
  const dims = state.dimensions;
  const where = conditions(state, metric, window);
  const whole = `${metric.sql(coveredSeconds(window))} AS ${metric.alias}`;
  const perBucket = `${metric.sql(window.stepSeconds)} AS ${metric.alias}`;
  const bucket = `time_bucket('${window.stepSeconds} seconds', i_start_time) AS bucket`;
  const positions = (n: number) => Array.from({ length: n }, (_, i) => i + 1).join(', ');
  const order = [`${metric.alias} DESC NULLS LAST`, ...dims].join(', ');
  return {
    window,
    metric,
    table: statement(
      `SELECT ${[...dims, whole].join(', ')}`,
      where,
      `GROUP BY ${dims.join(', ')}`,
      `ORDER BY ${order}`,
      `LIMIT ${tableLimit}`,
    ),
    total: statement(`SELECT ${whole}`, where),
    bucketTotals: metric.additive
      ? statement(`SELECT ${bucket}, ${perBucket}`, where, 'GROUP BY 1', 'ORDER BY 1')
      : undefined,
    series: (keys) =>
      statement(
        `SELECT ${[bucket, ...dims, perBucket].join(', ')}`,
        [...where, keyCondition(dims, keys)],
        `GROUP BY ${positions(dims.length + 1)}`,
        'ORDER BY 1',
      ),
  };
}

function conditions(state: ExplorerState, metric: Metric, w: Window): string[] {
  return [
    `i_start_time >= ${timeLiteral(w.from)}`,
    `i_start_time < ${timeLiteral(w.to)}`,
    ...(metric.where === undefined ? [] : [metric.where]),
    ...state.filters.map(filterSql),
  ];
}

/** The rows of these groups: `d IN (…)` for one dimension, else one AND per group, ORed. */
function keyCondition(dims: readonly string[], keys: readonly (readonly KeyCell[])[]): string {
  if (keys.length === 0) return 'false';
  const lit = (d: number, v: KeyCell) => sqlLiteral(dims[d]!, v === null ? '' : v);
  if (dims.length === 1) return `${dims[0]} IN (${keys.map((k) => lit(0, k[0]!)).join(', ')})`;
  const groups = keys.map((k) => `(${dims.map((d, i) => `${d} = ${lit(i, k[i]!)}`).join(' AND ')})`);
  return `(${groups.join(' OR ')})`;
}

function statement(select: string, where: readonly string[], ...rest: string[]): string {
  const lines = [select, 'FROM all_devices'];
  if (where.length > 0) lines.push(`WHERE ${where.join('\n  AND ')}`);
  return [...lines, ...rest].join('\n');
}
