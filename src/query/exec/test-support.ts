import { seededUniform } from '../../ingest/export/random.js';
import type { JobColumns } from '../../store/backend.js';
import type {
  AggregateCall,
  CallExpr,
  ConstValue,
  Expr,
  OrderKey,
  QueryPlan,
  ScalarFn,
} from '../plan/plan.js';
import type { SqlType } from '../sql-types.js';
import { mergePartials } from './collect.js';
import { runJobKernel } from './kernel-entry.js';
import { specFromPlan } from './spec.js';

/**
 * Test support for the executor: random jobs (typed arrays and per-job dictionaries, as the store
 * returns them) and plan builders. The reference evaluator lives in test-reference.ts.
 */

export const prng = seededUniform;

export const testColumnTypes: Record<string, SqlType> = {
  i_start_time: 'timestamptz',
  src_as: 'int8',
  protocol: 'int2',
  l4_dst_port: 'int4',
  in_bytes: 'int8',
  in_pkts: 'int8',
  appl_latency_ms: 'int8',
  src_addr: 'inet',
  dst_addr: 'inet',
  src_geo: 'text',
  http_host: 'text',
  flow_count: 'int8',
};

const geos = ['US', 'DE', 'FR', 'JP', '', 'BR', 'ÜS', '\u{1F600}x', '\uE000y'];
const hosts = ['example.com', 'a.example.com', 'flowlens.test', '', 'b.example.org', 'x_y.example.com'];
export const BASE_TIME = Date.UTC(2026, 0, 5, 10, 0);

export interface JobOptions {
  readonly rows: number;
  /** in_bytes near 2^hugeBytes (so sums pass 2^53) instead of below 10^6. */
  readonly hugeBytes?: number;
  /** Distinct appl_latency_ms values (default 50). */
  readonly latencies?: number;
}

/** A job's columns with a dictionary per job: different order and unused entries per seed. */
export function makeJob(seed: number, options: JobOptions): JobColumns {
  const rnd = prng(seed);
  const n = options.rows;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const dict = (values: readonly string[]) => {
    const shuffled = [...values].sort(() => rnd() - 0.5);
    return ['', `unused-${seed}`, ...shuffled.filter((v) => v !== '')];
  };
  const geoDict = dict(geos);
  const hostDict = dict(hosts);
  const cols = {
    i_start_time: new Float64Array(n),
    src_as: new Uint32Array(n),
    protocol: new Uint8Array(n),
    l4_dst_port: new Uint16Array(n),
    in_bytes: new Float64Array(n),
    in_pkts: new Float64Array(n),
    appl_latency_ms: new Uint32Array(n),
    src_addr: new Uint8Array(n * 16),
    src_geo: new Uint32Array(n),
    http_host: new Uint32Array(n),
    flow_count: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    cols.i_start_time[i] = BASE_TIME + Math.floor(rnd() * 180) * 60_000;
    cols.src_as[i] = pick([0, 1, 15169, 13335, 64512, 4_200_000_000, 2 ** 32 - 1, Math.floor(rnd() * 40)]);
    cols.protocol[i] = pick([6, 17, 1, 255]);
    cols.l4_dst_port[i] = pick([53, 80, 443, 65535, Math.floor(rnd() * 65536)]);
    cols.in_bytes[i] =
      options.hugeBytes !== undefined
        ? 2 ** options.hugeBytes + Math.floor(rnd() * 2 ** 40)
        : Math.floor(rnd() * 1e6);
    cols.in_pkts[i] = Math.floor(rnd() * 1000);
    cols.appl_latency_ms[i] = Math.floor(rnd() * (options.latencies ?? 50));
    cols.flow_count[i] = 1 + Math.floor(rnd() * 3);
    const o = i * 16;
    if (rnd() < 0.3) {
      cols.src_addr[o] = 0x20;
      cols.src_addr[o + 1] = 0x01;
      cols.src_addr[o + 15] = Math.floor(rnd() * 4);
      cols.src_addr[o + 7] = Math.floor(rnd() * 2);
    } else if (rnd() < 0.95) {
      cols.src_addr[o + 10] = 0xff;
      cols.src_addr[o + 11] = 0xff;
      cols.src_addr[o + 12] = pick([10, 192, 8]);
      cols.src_addr[o + 13] = Math.floor(rnd() * 3);
      cols.src_addr[o + 14] = Math.floor(rnd() * 2);
      cols.src_addr[o + 15] = Math.floor(rnd() * 4);
    }
    cols.src_geo[i] = geoDict.indexOf(pick(geos));
    cols.http_host[i] = hostDict.indexOf(pick(hosts));
  }
  return { rows: n, columns: cols, dicts: { src_geo: geoDict, http_host: hostDict } };
}

export const col = (name: string): Expr => ({ kind: 'column', name, type: testColumnTypes[name]! });
export const lit = (value: ConstValue, type: SqlType): Expr => ({ kind: 'const', type, value });
export const call = (fn: ScalarFn, type: SqlType, ...args: Expr[]): CallExpr => ({
  kind: 'call',
  fn,
  type,
  args,
});
export const key = (index: number, type: SqlType): Expr => ({ kind: 'key', index, type });
export const agg = (index: number, type: SqlType): Expr => ({ kind: 'agg', index, type });
/** An aggregate call of a plan: `fn(arg) [FILTER (WHERE filter)]`; `arg` undefined for count(*). */
export const aggCall = (
  fn: AggregateCall['fn'],
  arg: Expr | undefined,
  type: AggregateCall['type'],
  filter?: Expr,
): AggregateCall => (filter === undefined ? { fn, arg, type } : { fn, arg, type, filter });

function columnsOf(e: Expr | undefined, out: Set<string>): void {
  if (e === undefined) return;
  if (e.kind === 'column') out.add(e.name);
  if (e.kind === 'call') for (const a of e.args) columnsOf(a, out);
}

export interface PlanParts {
  readonly where?: Expr;
  readonly groupBy?: readonly Expr[];
  readonly aggregates?: readonly AggregateCall[];
  /** Defaults: the keys, then the aggregates (aggregate queries). */
  readonly output?: readonly Expr[];
  readonly having?: Expr;
  readonly orderBy?: readonly OrderKey[];
  readonly limit?: number;
  readonly offset?: number;
  readonly aggregate?: boolean;
  readonly rollupEligible?: boolean;
}

/** A complete QueryPlan over flows from its parts; `columns` collected from the per-row expressions. */
export function makePlan(parts: PlanParts): QueryPlan {
  const groupBy = parts.groupBy ?? [];
  const aggregates = parts.aggregates ?? [];
  const aggregate = parts.aggregate ?? (groupBy.length > 0 || aggregates.length > 0);
  const output =
    parts.output ??
    (aggregate
      ? [...groupBy.map((k, i) => key(i, k.type)), ...aggregates.map((a, j) => agg(j, a.type))]
      : []);
  const cols = new Set<string>();
  columnsOf(parts.where, cols);
  for (const k of groupBy) columnsOf(k, cols);
  for (const a of aggregates) {
    columnsOf(a.arg, cols);
    columnsOf(a.filter, cols);
  }
  if (!aggregate) {
    for (const o of output) columnsOf(o, cols);
    for (const o of parts.orderBy ?? []) columnsOf(o.expr, cols);
  }
  return {
    source: { kind: 'flows', devices: undefined },
    from: Number.NEGATIVE_INFINITY,
    to: Number.POSITIVE_INFINITY,
    ranges: [],
    where: parts.where,
    aggregate,
    groupBy,
    aggregates,
    output: output.map((expr, i) => ({ name: `c${i}`, expr })),
    having: parts.having,
    orderBy: parts.orderBy ?? [],
    limit: parts.limit,
    offset: parts.offset ?? 0,
    columns: [...cols],
    rollupEligible: parts.rollupEligible ?? false,
  };
}

export const asc = (expr: Expr): OrderKey => ({ expr, descending: false, nullsFirst: false });
export const desc = (expr: Expr): OrderKey => ({ expr, descending: true, nullsFirst: true });

/** Runs a plan the way the engine does: one kernel run per job, partials cloned as a worker posts them, merged. */
export function runPlan(plan: QueryPlan, jobs: readonly JobColumns[]): unknown[][] {
  const spec = specFromPlan(plan, 'minute');
  const partials = jobs.map((job) => structuredClone(runJobKernel(spec, job)));
  return mergePartials(
    plan,
    spec,
    partials,
    plan.output.map((o) => o.expr.type),
  );
}

/** Rows in a canonical order (for results whose order SQL leaves open). */
export function sortedRows(rows: readonly unknown[][]): string[] {
  return rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))).sort();
}
