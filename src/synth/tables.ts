import type { Field } from '../query/api.js';
import type { SqlType } from '../query/sql-types.js';
import type { TableColumnKind, TableSchema } from '../store/table/index.js';
import type { TestResult, TestSpec, TestType, TraceHop } from './contract.js';

/**
 * The SQL tables of synthetic results (docs/synth.md "Tables"): one table-store table per test
 * type, `synth_ping`, `synth_trace` (one row per hop), `synth_http`, `synth_dns`, `synth_tcp`.
 * Every row carries the tenant of its test (a tenant's SQL sees only its rows), the test, the agent
 * that ran it, the target and address, `ok` (1/0) and the error code, then the numbers of its
 * type. A few columns come from the test's definition at the time the results arrive (a DNS
 * test's name and record type, an HTTP test's URL and method, a TCP test's port). `_batch`, kept
 * out of SQL, names the agent's batch a row came in (src/synth/server/results-store.ts).
 */

/** Where a row's values come from: the result, one of its hops (trace), and what the server knows. */
export interface RowContext {
  readonly tenant: string;
  readonly agent: string;
  readonly batch: string;
  /** The test's definition when the results arrived (undefined: deleted meanwhile). */
  readonly spec: TestSpec | undefined;
}

interface Column<R> {
  readonly name: string;
  readonly kind: TableColumnKind;
  readonly sql: SqlType | undefined;
  /** The value of row `hop` (trace: the hop's index; otherwise 0). */
  readonly of: (r: R, cx: RowContext, hop: number) => number | string;
}

export interface SynthTable {
  readonly type: TestType;
  readonly schema: TableSchema;
  /** The columns SQL sees (all but `_batch`), in order. */
  readonly fields: readonly Field[];
  /** Rows a result becomes: 1, or a trace's hop count (at least 1). */
  rowsOf(result: TestResult): number;
  /** The value of `column` in row `row` of `result`. */
  value(column: string, result: TestResult, cx: RowContext, row: number): number | string;
}

export const BATCH_COLUMN = '_batch';

const text = <R>(name: string, of: Column<R>['of']): Column<R> => ({ name, kind: 'string', sql: 'text', of });
const float = <R>(name: string, of: (r: R) => number): Column<R> => ({
  name,
  kind: 'f64',
  sql: 'float8',
  of,
});
const int = <R>(name: string, of: (r: R, cx: RowContext, hop: number) => number, sql: SqlType = 'int8') =>
  ({ name, kind: 'f64', sql, of }) as Column<R>;
const flag = <R>(name: string, of: (r: R) => boolean): Column<R> =>
  int<R>(name, (r) => (of(r) ? 1 : 0), 'int2');

function common<R extends TestResult>(): Column<R>[] {
  return [
    { name: 'time', kind: 'time', sql: 'timestamptz', of: (r) => r.time },
    text('tenant', (_r, cx) => cx.tenant),
    text('test_id', (r) => r.testId),
    text('agent', (_r, cx) => cx.agent),
    text('target', (r) => r.target),
    text('address', (r) => r.address),
    flag('ok', (r) => r.ok),
    text('error', (r) => r.error),
  ];
}

const specOf = <T extends TestSpec['type']>(cx: RowContext, type: T) =>
  cx.spec?.type === type ? (cx.spec as Extract<TestSpec, { type: T }>) : undefined;

type Of<T extends TestType> = Extract<TestResult, { type: T }>;

const ping: Column<Of<'ping'>>[] = [
  int('sent', (r) => r.sent),
  int('received', (r) => r.received),
  float('loss_pct', (r) => r.lossPct),
  float('rtt_min_ms', (r) => r.rttMinMs),
  float('rtt_avg_ms', (r) => r.rttAvgMs),
  float('rtt_max_ms', (r) => r.rttMaxMs),
  float('rtt_stddev_ms', (r) => r.rttStddevMs),
  float('jitter_ms', (r) => r.jitterMs),
];

const hopOf = (r: Of<'trace'>, hop: number): TraceHop | undefined => r.hops[hop];
const answered = (h: TraceHop | undefined) =>
  (h?.probes ?? []).filter((p) => p.address !== '' && Number.isFinite(p.rttMs));
const rtts = (h: TraceHop | undefined) => answered(h).map((p) => p.rttMs);

const trace: Column<Of<'trace'>>[] = [
  text('protocol', (r) => r.protocol),
  flag('reached', (r) => r.reached),
  int('hops', (r) => r.hops.length),
  int('ttl', (r, _cx, hop) => hopOf(r, hop)?.ttl ?? 0, 'int2'),
  text('hop_address', (r, _cx, hop) => mostCommon(answered(hopOf(r, hop)).map((p) => p.address))),
  text('hop_addresses', (r, _cx, hop) =>
    [...new Set(answered(hopOf(r, hop)).map((p) => p.address))].join(' '),
  ),
  int('probes', (r, _cx, hop) => hopOf(r, hop)?.probes.length ?? 0),
  int('received', (r, _cx, hop) => answered(hopOf(r, hop)).length),
  { name: 'loss_pct', kind: 'f64', sql: 'float8', of: (r, _cx, hop) => hopOf(r, hop)?.lossPct ?? Number.NaN },
  { name: 'rtt_min_ms', kind: 'f64', sql: 'float8', of: (r, _cx, hop) => minOf(rtts(hopOf(r, hop))) },
  { name: 'rtt_avg_ms', kind: 'f64', sql: 'float8', of: (r, _cx, hop) => avgOf(rtts(hopOf(r, hop))) },
  { name: 'rtt_max_ms', kind: 'f64', sql: 'float8', of: (r, _cx, hop) => maxOf(rtts(hopOf(r, hop))) },
];

const http: Column<Of<'http'>>[] = [
  text('url', (_r, cx) => specOf(cx, 'http')?.url ?? ''),
  text('method', (_r, cx) => specOf(cx, 'http')?.method ?? ''),
  int('status', (r) => r.status),
  int('size_bytes', (r) => r.sizeBytes),
  float('dns_ms', (r) => r.dnsMs),
  float('connect_ms', (r) => r.connectMs),
  float('tls_ms', (r) => r.tlsMs),
  float('ttfb_ms', (r) => r.ttfbMs),
  float('transfer_ms', (r) => r.transferMs),
  float('total_ms', (r) => r.totalMs),
  text('tls_version', (r) => r.tlsVersion),
  // No certificate (plain http): the epoch, as a timestamp cannot be NaN.
  int('cert_expiry', (r) => (Number.isFinite(r.certExpiry) ? r.certExpiry : 0), 'timestamptz'),
  flag('body_matched', (r) => r.bodyMatched),
];

const dns: Column<Of<'dns'>>[] = [
  text('query_name', (_r, cx) => specOf(cx, 'dns')?.name ?? ''),
  text('record_type', (_r, cx) => specOf(cx, 'dns')?.recordType ?? ''),
  text('rcode', (r) => r.rcode),
  text('answers', (r) => r.answers.join(' ')),
  float('latency_ms', (r) => r.latencyMs),
];

const tcp: Column<Of<'tcp'>>[] = [
  int('port', (_r, cx) => specOf(cx, 'tcp')?.port ?? 0, 'int4'),
  float('latency_ms', (r) => r.latencyMs),
];

function table<T extends TestType>(type: T, own: Column<Of<T>>[]): SynthTable {
  const columns = [...common<Of<T>>(), ...own];
  const byName = new Map(columns.map((c) => [c.name, c]));
  const batch: Column<Of<T>> = {
    name: BATCH_COLUMN,
    kind: 'string',
    sql: undefined,
    of: (_r, cx) => cx.batch,
  };
  byName.set(BATCH_COLUMN, batch);
  return {
    type,
    schema: {
      name: `synth_${type}`,
      timeColumn: 'time',
      columns: [...columns, batch].map((c) => ({ name: c.name, kind: c.kind })),
    },
    fields: columns.map((c) => ({ name: c.name, type: c.sql! })),
    rowsOf: (r) => (r.type === 'trace' ? Math.max(1, r.hops.length) : 1),
    value(column, result, cx, row) {
      const c = byName.get(column);
      if (c === undefined) throw new Error(`synth_${type} has no column ${column}`);
      return c.of(result as Of<T>, cx, row);
    },
  };
}

/** The table of each test type. */
export const synthTables: Readonly<Record<TestType, SynthTable>> = {
  ping: table('ping', ping),
  trace: table('trace', trace),
  http: table('http', http),
  dns: table('dns', dns),
  tcp: table('tcp', tcp),
};

function mostCommon(values: readonly string[]): string {
  const counts = new Map<string, number>();
  let best = '';
  let bestCount = 0;
  for (const v of values) {
    const n = (counts.get(v) ?? 0) + 1;
    counts.set(v, n);
    if (n > bestCount) [best, bestCount] = [v, n];
  }
  return best;
}

const minOf = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : Math.min(...xs));
const maxOf = (xs: readonly number[]) => (xs.length === 0 ? Number.NaN : Math.max(...xs));
const avgOf = (xs: readonly number[]) =>
  xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length;
