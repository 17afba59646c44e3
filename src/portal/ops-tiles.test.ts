import assert from 'node:assert/strict';
import { test } from 'node:test';
import { opsData } from './ops-shape.js';
import { opsTiles } from './ops-tiles.js';

const T = (s: number) => new Date(Date.UTC(2026, 0, 5, 10) + s * 1000).toISOString();
const fields = ['t', 'name', 'field', 'tags', 'max', 'avg'].map((name) => ({ name }));

test('opsTiles: latest rates and gauges, totals over the range, the memo hit rate of all lookups', () => {
  const row = (s: number, name: string, value: number, tags = '', field = '') => [
    T(s),
    name,
    field,
    tags,
    value,
    value,
  ];
  const data = opsData({
    fields,
    rows: [
      row(0, 'flowlens_collector_flows_total', 1000, '', 'count'),
      row(10, 'flowlens_collector_flows_total', 3000, '', 'count'),
      row(0, 'flowlens_ingest_http_rows_total', 0),
      row(10, 'flowlens_ingest_http_rows_total', 50),
      row(0, 'flowlens_collector_decode_errors_total', 1, 'reason=truncated'),
      row(10, 'flowlens_collector_decode_errors_total', 4, 'reason=truncated'),
      row(10, 'flowlens_collector_decode_errors_total', 2, 'reason=bad_version'),
      row(0, 'flowlens_query_statement_seconds', 0.25, 'outcome=ok', 'p99'),
      row(10, 'flowlens_query_statement_seconds', 0.125, 'outcome=ok', 'p99'),
      row(10, 'flowlens_query_statement_seconds', 9, 'outcome=error', 'p99'),
      row(0, 'flowlens_query_memo_hits_total', 10),
      row(10, 'flowlens_query_memo_hits_total', 40),
      row(0, 'flowlens_query_memo_misses_total', 5),
      row(10, 'flowlens_query_memo_misses_total', 15),
      row(10, 'flowlens_store_wal_disk_bytes', 100, 'tenant=a'),
      row(10, 'flowlens_store_wal_disk_bytes', 20, 'tenant=b'),
      row(10, 'flowlens_store_segment_bytes', 1000, 'tenant=a'),
      row(10, 'flowlens_metrics_table_disk_bytes', 7),
      row(10, 'flowlens_host_datadir_available_bytes', 5e9),
    ],
  });
  assert.deepEqual(opsTiles(data), {
    // (3000 − 1000) / 10 s decoded + 50 / 10 s over HTTP.
    ingestPerSecond: 205,
    // truncated +3; bad_version appeared at 10 s with 2, a first value: no increase known.
    decodeErrors: 3,
    queryP99Ms: 125,
    // 30 hits of 40 lookups.
    memoHitPct: 75,
    walBytes: 120,
    dataBytes: 1127,
    availableBytes: 5e9,
  });
  assert.deepEqual(opsTiles(opsData({ fields, rows: [] })), {
    ingestPerSecond: null,
    decodeErrors: null,
    queryP99Ms: null,
    memoHitPct: null,
    walBytes: null,
    dataBytes: null,
    availableBytes: null,
  });
});
