import assert from 'node:assert/strict';
import { test } from 'node:test';
import { flowColumns } from '../flow/schema.js';
import { dimensionOf, dimensions } from './explorer-dimensions.js';
import { metrics } from './explorer-metrics.js';

test('the dimensions come from the schema: the keys users group by, not measures or times', () => {
  const names = new Set(dimensions.map((d) => d.name));
  for (const name of ['src_as', 'dst_as', 'src_addr', 'dst_addr', 'l4_src_port', 'l4_dst_port', 'protocol']) {
    assert.ok(names.has(name), name);
  }
  for (const name of [
    'i_device_name',
    'input_port',
    'output_port',
    'src_geo',
    'dst_geo',
    'app_protocol',
    'http_host',
    'dns_query',
    'tls_server_name',
  ]) {
    assert.ok(names.has(name), name);
  }
  for (const name of ['i_start_time', 'in_bytes', 'in_pkts', 'appl_latency_ms', 'retransmitted_in_pkts']) {
    assert.ok(!names.has(name), name);
  }
  // Every schema column is either a dimension or something the reason above leaves out.
  for (const col of flowColumns) {
    const measure =
      col.type === 'time' || col.type === 'u64' || (col.source === 'host' && col.type === 'u32');
    assert.equal(names.has(col.name), !measure, col.name);
  }
  assert.equal(dimensionOf('src_addr')?.kind, 'address');
  assert.equal(dimensionOf('src_geo')?.kind, 'text');
  assert.equal(dimensionOf('protocol')?.kind, 'number');
});

test('latency percentiles exist for every host-agent latency column', () => {
  const latency = flowColumns.filter((c) => c.name.endsWith('_latency_ms')).map((c) => c.name);
  assert.equal(latency.length, 3);
  for (const col of latency)
    for (const p of [50, 95, 99])
      assert.ok(
        metrics.some((m) => m.id === `p${p}_${col}`),
        `p${p} ${col}`,
      );
});
