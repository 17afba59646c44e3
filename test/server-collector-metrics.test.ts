import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { writeFlowsPcap } from './helpers/exporters-pcap.js';
import { catalogueMarkdown, catalogueRows } from './helpers/metrics-catalogue.js';
import { repoRoot } from './helpers/paths.js';
import { freeUdpPort, runPeer, tempDir } from './helpers/peers.js';
import { PrometheusSamples } from './helpers/prometheus-samples.js';
import { postFlows, type ServerProcess, startServer } from './helpers/server-process.js';

/**
 * A real `flowlens server` fed by softflowd (NetFlow v9 over UDP from 127.0.0.1) and by the HTTP
 * ingest API; GET /metrics must count exactly the datagrams and records softflowd says it sent,
 * and the requests and rows the test posted.
 */

async function scrape(server: ServerProcess): Promise<PrometheusSamples> {
  const res = await fetch(`${server.url}/metrics`);
  assert.equal(res.status, 200);
  return new PrometheusSamples(await res.text());
}

test('GET /metrics of a running server counts the packets softflowd sent, per device', async (t) => {
  const dir = tempDir(t);
  const netflowPort = await freeUdpPort();
  const server = await startServer(join(dir, 'data'), {
    args: ['--listen', '127.0.0.1', '--netflow-port', String(netflowPort)],
  });
  t.after(() => server.stop());
  await server.ready();

  const device = { device: '127.0.0.1', tenant: 'default' };
  let m = await scrape(server);
  assert.equal(m.has('flowlens_collector_device_packets_total', device), false, 'no packet yet');
  assert.equal(m.get('flowlens_collector_listener_messages_total', { listener: 'netflow' }), 0);

  const pcap = join(dir, 'flows.pcap');
  writeFlowsPcap(pcap, 500, 3);
  const out = await runPeer(t, 'softflowd', ['-d', '-r', pcap, '-n', `127.0.0.1:${netflowPort}`, '-v', '9']);
  const exported = /Flows exported: \d+ \((\d+) records\) in (\d+) packets \(0 failures\)/.exec(out);
  assert.ok(exported, `softflowd did not report a clean export:\n${out}`);
  const records = Number(exported[1]);
  const packets = Number(exported[2]);
  assert.ok(packets > 1, `${packets} datagrams`);

  const deadline = Date.now() + 15_000;
  for (;;) {
    m = await scrape(server);
    if (m.has('flowlens_collector_device_packets_total', device)) {
      const seen = m.get('flowlens_collector_device_packets_total', device);
      if (seen >= packets) break;
    }
    if (Date.now() > deadline)
      throw new Error(`the server did not count ${packets} packets:\n${server.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  assert.equal(m.get('flowlens_collector_device_packets_total', device), packets, 'datagrams softflowd sent');
  assert.equal(m.get('flowlens_collector_listener_messages_total', { listener: 'netflow' }), packets);
  assert.equal(m.get('flowlens_collector_device_flows_total', device), records, 'records softflowd sent');
  assert.equal(m.get('flowlens_collector_flows_total'), records);
  assert.equal(m.get('flowlens_collector_device_decode_errors_total', device), 0);
  assert.equal(m.get('flowlens_collector_device_lost_packets_total', device), 0);
  assert.equal(m.get('flowlens_collector_socket_dropped_datagrams_total', { listener: 'netflow' }), 0);
  assert.equal(m.get('flowlens_collector_known_devices'), 1);
  assert.ok(m.help.get('flowlens_collector_device_packets_total')!.length > 0);

  // HTTP ingest: one request of 3 rows, one refused for a bad row.
  const rows = [0, 1, 2].map((i) =>
    JSON.stringify({ i_device_id: 9, src_addr: `10.0.0.${i}`, in_bytes: 100 }),
  );
  assert.equal((await postFlows(server.url, 'acme', rows)).status, 200);
  assert.equal((await postFlows(server.url, 'acme', ['{"in_bytes": "many"}'])).status, 400);
  m = await scrape(server);
  assert.equal(m.get('flowlens_ingest_http_requests_total'), 2);
  assert.equal(m.get('flowlens_ingest_http_rows_total'), 3);
  assert.equal(m.get('flowlens_ingest_http_rejected_requests_total', { reason: 'bad_row' }), 1);
  assert.equal(m.get('flowlens_ingest_http_rejected_requests_total', { reason: 'other' }), 0);

  // Every family this server exports (flows, devices, queries aside) is in the catalogue, with help.
  const families = catalogueRows(await (await fetch(`${server.url}/metrics`)).text());
  const doc = readFileSync(join(repoRoot, 'docs/metrics-catalogue.md'), 'utf8');
  const missing = families.filter((r) => !doc.includes(`| \`${r.name}\` |`));
  assert.deepEqual(missing, [], `add to docs/metrics-catalogue.md:\n${catalogueMarkdown(missing)}`);
  assert.deepEqual(
    families.filter((r) => r.help === '').map((r) => r.name),
    [],
    'every metric has help text',
  );
});
