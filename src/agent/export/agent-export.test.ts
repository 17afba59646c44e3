import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { randomFlowBatch } from '../../../test/helpers/flow-batches.js';
import { PrometheusSamples } from '../../../test/helpers/prometheus-samples.js';
import { prometheusText } from '../../metrics/prometheus.js';
import { Registry } from '../../metrics/registry.js';
import { createAgentExport } from './agent-export.js';
import { decodeFlowBatch } from './batch-decode.js';
import { instrumentSender } from './sender-metrics.js';

test('the agent flags: nothing to export, bad values, and one login at a time', () => {
  assert.equal(createAgentExport({}), undefined);
  assert.throws(
    () => createAgentExport({ server: 'http://127.0.0.1:1', 'max-spool-mb': '-3' }),
    /max-spool-mb/,
  );
  assert.throws(() => createAgentExport({ server: 'ftp://x' }), /http/);
  assert.throws(
    () => createAgentExport({ server: 'http://127.0.0.1:1', user: 'u' }, { FLOWLENS_TOKEN: 't' }),
    /one way to log in/,
  );
  assert.throws(() => createAgentExport({ ipfix: 'nowhere' }), /HOST:PORT/);
});

test('--server and --ipfix together: each batch goes to both; the sender counts in a registry', async (t) => {
  const bodies: { auth: string | undefined; body: Buffer }[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      bodies.push({ auth: req.headers.authorization, body: Buffer.concat(chunks) });
      res.end('{"rows":1}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const udp = dgram.createSocket('udp4');
  const datagrams: Buffer[] = [];
  udp.on('message', (m) => datagrams.push(m));
  await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
  t.after(() => udp.close());

  const exp = createAgentExport(
    {
      server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
      device: 'db-7',
      ipfix: `127.0.0.1:${udp.address().port}`,
    },
    { FLOWLENS_TOKEN: 'tok' },
    { log: () => {} },
  )!;
  const registry = new Registry();
  instrumentSender(registry, exp.sender!);
  const batch = randomFlowBatch(9, 30);
  exp.send(batch);
  assert.equal(await exp.flush(10_000), true);
  await exp.close();
  assert.equal(bodies.length, 1);
  assert.equal(bodies[0]!.auth, 'Bearer tok');
  assert.equal(decodeFlowBatch(bodies[0]!.body).batch.length, 30);
  await new Promise<void>((resolve) =>
    datagrams.length > 0 ? resolve() : udp.once('message', () => resolve()),
  );
  assert.equal(datagrams[0]!.readUInt16BE(0), 10, 'an IPFIX message');
  const m = new PrometheusSamples(prometheusText(registry));
  assert.equal(m.get('flowlens_agent_export_sent_rows_total'), 30);
  assert.equal(m.get('flowlens_agent_export_queued_rows'), 0);
  assert.equal(m.get('flowlens_agent_export_failed_requests_total', { reason: 'connect' }), 0);
});
