import type { ScanChunk, ScanRequest, StringMatch } from '../store/table/index.js';
import type { QueryStats, Value } from './api.js';
import { QueryError, SqlState } from './errors.js';
import { ResultCollector } from './exec/collect.js';
import { runJobKernel } from './exec/kernel-entry.js';
import { specFromPlan } from './exec/spec.js';
import type { Expr, QueryPlan } from './plan/plan.js';
import { conjuncts } from './sql/ranges.js';
import type { SqlType } from './sql-types.js';

/** Where a table-store table's rows come from (src/store/table): the `metrics` and `synth_*` tables. */
export interface TableSource {
  scan(request: ScanRequest): AsyncIterable<ScanChunk>;
}

/** A table that is not there (not opened, or no table store): it has no rows. */
export const emptyTable: TableSource = {
  async *scan() {},
};

export interface TableQueryOptions {
  /** The table's name, for errors. */
  readonly table: string;
  readonly signal: AbortSignal | undefined;
  /** Rows a query may decode (selected or not) before it is refused with 53400. */
  readonly maxRowsScanned: number;
  /** Rows handed to the kernel at once (memory held per step). */
  readonly chunkRows?: number | undefined;
  /** Matches every row must pass besides the WHERE's (the tenant's rows only). */
  readonly match?: readonly StringMatch[] | undefined;
}

/**
 * A query over a table of the table store, on the coordinator: the rows of the plan's `time`
 * range (and of the text values its WHERE pins down) are read chunk by chunk and each chunk runs
 * through the same kernel the flow jobs use, its partial merged like a job's. A plain LIMIT stops
 * reading once it has its rows.
 */
export async function runTableQuery(
  plan: QueryPlan,
  types: readonly SqlType[],
  source: TableSource,
  options: TableQueryOptions,
): Promise<{ rows: Value[][]; stats: Omit<QueryStats, 'elapsedMs'> }> {
  const spec = specFromPlan(plan, 'minute');
  const collector = new ResultCollector(plan, spec);
  let scanned = 0;
  let chunks = 0;
  const latest = latestRows(plan);
  let kept = 0;
  const request: ScanRequest = {
    from: plan.from,
    to: plan.to,
    columns: spec.columns,
    match: [...stringMatches(plan.where), ...(options.match ?? [])],
    chunkRows: options.chunkRows,
    signal: options.signal,
    newestFirst: latest !== undefined,
  };
  for await (const { chunk, scanned: n } of source.scan(request)) {
    scanned += n;
    if (scanned > options.maxRowsScanned) {
      throw new QueryError(
        SqlState.configurationLimitExceeded,
        `query would scan more than ${options.maxRowsScanned} rows of the ${options.table} table`,
        {
          hint: "narrow the time range (WHERE time >= now() - interval '1 hour') or pick rows by a text column",
        },
      );
    }
    chunks++;
    if (chunk.rows > 0) {
      const partial = runJobKernel(spec, chunk);
      collector.add(partial);
      if (latest !== undefined) kept += (partial as { rows?: readonly unknown[] }).rows?.length ?? 0;
    }
    if (collector.full || (latest !== undefined && kept >= latest)) break;
  }
  options.signal?.throwIfAborted();
  const rows = collector.finish(types);
  return { rows, stats: { jobs: chunks, memoHits: 0, rowsScanned: scanned, resolution: 'none' } };
}

/**
 * For `… ORDER BY time DESC [, …] LIMIT n [OFFSET m]` without aggregates: the n + m rows it keeps.
 * Read newest hour first, once that many rows passed the WHERE, older hours hold only rows that
 * sort after them.
 */
function latestRows(plan: QueryPlan): number | undefined {
  const first = plan.orderBy[0];
  if (plan.aggregate || plan.limit === undefined || first === undefined || !first.descending)
    return undefined;
  if (first.expr.kind !== 'column' || first.expr.name !== 'time') return undefined;
  return plan.offset + plan.limit;
}

/**
 * The text columns the WHERE clause pins to constants (`name = 'x'`, `field IN ('p50', 'p99')`,
 * top-level AND only), so that the scan skips other rows before the kernel sees them. Only
 * narrows: the kernel still applies the whole WHERE.
 */
export function stringMatches(where: Expr | undefined): StringMatch[] {
  if (where === undefined) return [];
  const byColumn = new Map<string, Set<string>>();
  for (const c of conjuncts(where)) {
    if (c.kind !== 'call' || (c.fn !== 'eq' && c.fn !== 'in')) continue;
    let [column, ...values] = c.args;
    if (c.fn === 'eq' && column?.kind === 'const') [column, values] = [values[0], [column]];
    if (column?.kind !== 'column' || column.type !== 'text') continue;
    if (!values.every((v) => v.kind === 'const' && typeof v.value === 'string')) continue;
    const wanted = new Set(values.map((v) => (v as { value: string }).value));
    const before = byColumn.get(column.name);
    byColumn.set(
      column.name,
      before === undefined ? wanted : new Set([...before].filter((v) => wanted.has(v))),
    );
  }
  return [...byColumn].map(([column, values]) => ({ column, values: [...values] }));
}
