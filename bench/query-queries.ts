/**
 * The queries of `bench:query`, written once per system over the same data: flowlens's SQL (the
 * seed query as Kentik documents it), ClickHouse 18.16's dialect and DuckDB's. Times bound the
 * range explicitly so every system reads the same rows: [from, to) in ms, minute-aligned.
 */
export interface BenchQuery {
  readonly name: string;
  readonly flowlens: string;
  readonly clickhouse: string;
  readonly duckdb: string;
  /** Rows are compared across systems only when the answer is exact. */
  readonly exact: boolean;
  /** How the first output column is written by each system: an AS number, or an address. */
  readonly key: 'number' | 'address';
}

const utc = (ms: number) => new Date(ms).toISOString().slice(0, 19).replace('T', ' ');

function seed(name: string, from: number, to: number): BenchQuery {
  return {
    name,
    flowlens:
      'SELECT src_as, sum(in_pkts) as f_sum_in_pkts FROM all_devices ' +
      `WHERE i_start_time >= '${utc(from)}+00' AND i_start_time < '${utc(to)}+00' ` +
      'GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10',
    clickhouse:
      'SELECT src_as, sum(in_pkts) AS f_sum_in_pkts FROM flows ' +
      `WHERE i_start_time >= toDateTime(${from / 1000}) AND i_start_time < toDateTime(${to / 1000}) ` +
      'GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10',
    duckdb:
      'SELECT src_as, sum(in_pkts) AS f_sum_in_pkts FROM flows ' +
      `WHERE i_start_time >= TIMESTAMP '${utc(from)}' AND i_start_time < TIMESTAMP '${utc(to)}' ` +
      'GROUP BY src_as ORDER BY f_sum_in_pkts DESC LIMIT 10',
    exact: true,
    key: 'number',
  };
}

export function benchQueries(from: number, to: number): BenchQuery[] {
  const minutes = Math.round((to - from) / 60_000);
  const windowStart = from + Math.floor(minutes * 0.5) * 60_000;
  const windowEnd = windowStart + Math.max(1, Math.round(minutes * 0.05)) * 60_000;
  return [
    seed('seed_query_whole_set', from, to),
    {
      name: 'top10_src_addr_by_in_bytes',
      flowlens:
        'SELECT src_addr, sum(in_bytes) AS bytes FROM all_devices GROUP BY src_addr ORDER BY bytes DESC LIMIT 10',
      // FixedString(16) comes back as hex (the grouping is on the 16 bytes themselves).
      clickhouse:
        'SELECT hex(src_addr), sum(in_bytes) AS bytes FROM flows GROUP BY src_addr ORDER BY bytes DESC LIMIT 10',
      duckdb:
        'SELECT src_addr, sum(in_bytes) AS bytes FROM flows GROUP BY src_addr ORDER BY bytes DESC LIMIT 10',
      exact: true,
      key: 'address',
    },
    {
      name: 'approx_count_distinct_src_addr',
      flowlens: 'SELECT approx_count_distinct(src_addr) FROM all_devices',
      clickhouse: 'SELECT uniq(src_addr) FROM flows',
      duckdb: 'SELECT approx_count_distinct(src_addr) FROM flows',
      exact: false,
      key: 'number',
    },
    seed('seed_query_5pct_window', windowStart, windowEnd),
  ];
}
