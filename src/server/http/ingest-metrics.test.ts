import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PrometheusSamples } from '../../../test/helpers/prometheus-samples.js';
import { prometheusText } from '../../metrics/prometheus.js';
import { Registry } from '../../metrics/registry.js';
import { newIngestStats } from './ingest.js';
import { ingestRejectReasons, instrumentIngest } from './ingest-metrics.js';

test('ingest stats are read at export; unlisted error codes are counted as other', () => {
  const registry = new Registry();
  const stats = newIngestStats();
  instrumentIngest(registry, stats);
  stats.requests = 9;
  stats.rows = 120;
  stats.bytes = 4567;
  stats.errors.bad_row = 2;
  stats.errors.store_disk_full = 1;
  stats.errors.some_future_code = 3;
  stats.errors.another_one = 1;
  const m = new PrometheusSamples(prometheusText(registry));
  assert.equal(m.get('flowlens_ingest_http_requests_total'), 9);
  assert.equal(m.get('flowlens_ingest_http_rows_total'), 120);
  assert.equal(m.get('flowlens_ingest_http_body_bytes_total'), 4567);
  const expected: Record<string, number> = { bad_row: 2, store_disk_full: 1 };
  for (const reason of ingestRejectReasons)
    assert.equal(
      m.get('flowlens_ingest_http_rejected_requests_total', { reason }),
      expected[reason] ?? 0,
      reason,
    );
  assert.equal(m.get('flowlens_ingest_http_rejected_requests_total', { reason: 'other' }), 3 + 1);
  for (const f of registry.families()) assert.notEqual(f.help, '', f.name);
});
