import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tempDir } from './helpers/peers.js';
import { PrometheusSamples } from './helpers/prometheus-samples.js';
import { postFlows, startServer } from './helpers/server-process.js';

test('flowlens server exposes the store metrics at GET /metrics: rows the test posted, per tenant', async (t) => {
  const data = `${tempDir(t)}/data`;
  const server = await startServer(data, { args: ['--retention-days', '36500'] });
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const minute = Date.UTC(2024, 0, 2, 3, 4);
  const lines = (n: number, device: number) =>
    Array.from({ length: n }, (_, i) =>
      JSON.stringify({
        i_start_time: new Date(minute + (i % 3) * 60_000).toISOString(),
        src_addr: `10.0.0.${i % 250}`,
        in_bytes: i + 1,
        i_device_id: device,
        i_device_name: `r${device}`,
      }),
    );
  assert.equal((await postFlows(server.url, 'acme', lines(120, 1))).status, 200);
  assert.equal((await postFlows(server.url, 'acme', lines(30, 2))).status, 200);
  assert.equal((await postFlows(server.url, 'default', lines(7, 3))).status, 200);

  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  const text = await res.text();
  const s = new PrometheusSamples(text);
  assert.equal(s.get('flowlens_store_appended_rows_total'), 157);
  assert.equal(s.get('flowlens_store_wal_records_total'), 3, 'one WAL record per request');
  assert.equal(s.get('flowlens_store_append_seconds_count'), 3);
  // The seal timer may seal these (old) minutes at any moment, but a seal moves rows from memory
  // to the catalog in one tick, and one scrape reads every gauge in one tick.
  for (const [tenant, rows] of [
    ['acme', 150],
    ['default', 7],
  ] as const)
    assert.equal(
      s.get('flowlens_store_open_rows', { tenant }) + s.get('flowlens_store_segment_rows', { tenant }),
      rows,
      tenant,
    );
  assert.ok(s.get('flowlens_store_wal_written_bytes_total') > 0);
  assert.equal(s.help.get('flowlens_store_wal_fsync_seconds'), 'Each fdatasync of a WAL file');
  assert.equal(await server.stop(), 0, server.stderr());
});
