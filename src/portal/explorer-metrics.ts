import { flowColumns } from '../flow/schema.js';

/**
 * What the Explorer measures. Rates divide a sum by the seconds it covers; unique addresses use
 * HyperLogLog (approx_count_distinct, ~1 % error); latency percentiles read the host agent's
 * `*_latency_ms` columns, rows without a measurement (0) left out.
 */

export interface Metric {
  readonly id: string;
  readonly label: string;
  /** Output column name in the SQL. */
  readonly alias: string;
  /** The aggregate over `seconds` of traffic. */
  readonly sql: (seconds: number) => string;
  /** A condition every row must meet (the latency ones skip rows without a measurement). */
  readonly where?: string;
  /** Values of disjoint groups add up (so an "other" series can be computed). */
  readonly additive: boolean;
  readonly unit: 'bit/s' | 'packet/s' | 'flow/s' | 'addresses' | 'ms';
}

const rate = (id: string, label: string, alias: string, expr: string, unit: Metric['unit']): Metric => ({
  id,
  label,
  alias,
  // A numeric divisor: count(*) is a bigint, and bigint / integer truncates, as in PostgreSQL.
  sql: (seconds) => `${expr} / ${seconds}.0`,
  additive: true,
  unit,
});

const latencyColumns = flowColumns.filter((c) => c.source === 'host' && c.name.endsWith('_latency_ms'));

export const metrics: readonly Metric[] = [
  rate('bps', 'Bits/s', 'bits_per_s', 'sum(in_bytes) * 8', 'bit/s'),
  rate('pps', 'Packets/s', 'packets_per_s', 'sum(in_pkts)', 'packet/s'),
  rate('fps', 'Flows/s', 'flows_per_s', 'count(*)', 'flow/s'),
  {
    id: 'src_addrs',
    label: 'Unique source addresses',
    alias: 'src_addrs',
    sql: () => 'approx_count_distinct(src_addr)',
    additive: false,
    unit: 'addresses',
  },
  {
    id: 'dst_addrs',
    label: 'Unique destination addresses',
    alias: 'dst_addrs',
    sql: () => 'approx_count_distinct(dst_addr)',
    additive: false,
    unit: 'addresses',
  },
  ...latencyColumns.flatMap((col) =>
    [50, 95, 99].map(
      (p): Metric => ({
        id: `p${p}_${col.name}`,
        label: `p${p} ${col.name.replace(/_ms$/, '').replace(/_/g, ' ')} (ms)`,
        alias: `p${p}_${col.name}`,
        sql: () => `percentile_cont(${p / 100}) WITHIN GROUP (ORDER BY ${col.name})`,
        where: `${col.name} > 0`,
        additive: false,
        unit: 'ms',
      }),
    ),
  ),
];

const byId = new Map(metrics.map((m) => [m.id, m]));

export function metricOf(id: string): Metric | undefined {
  return byId.get(id);
}
