import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { createCollector } from '../src/ingest/collector.js';
import { TemplateStore } from '../src/ingest/netflow/template-store.js';
import { CountingSink } from '../src/ingest/sink.js';
import { udpDatagrams } from './helpers/exporters-pcap.js';
import { flowFixture } from './helpers/paths.js';
import { tempDir, waitFor } from './helpers/peers.js';

const offline = { netflowPort: 0, sflowPort: 0, ipfixTcpPort: 0 };

// A real router's template and data captures (Cisco, NetFlow v9), fed to collectors that share a
// data directory: templates learned before a restart decode data that arrives after it.
test('templates are saved while running and restored at start', async (t) => {
  const file = `${tempDir(t)}/templates.json`;
  const templates = udpDatagrams(flowFixture('netflow-template.pcap'));
  const data = udpDatagrams(flowFixture('netflow-data.pcap'));
  const exporter = templates[0]!.source;

  const first = createCollector(
    { sink: new CountingSink(), log: () => {}, templates: new TemplateStore(file) },
    { ...offline, stateSaveIntervalMs: 20 },
  );
  await first.start();
  t.after(() => first.stop());
  for (const d of templates) first.handlePacket(d.payload, d.source, Date.now());
  await waitFor(() => existsSync(file), 'the template file to be saved by the periodic save');
  await first.stop();
  assert.match(readFileSync(file, 'utf8'), new RegExp(exporter.replaceAll('.', '\\.')));

  const lines: string[] = [];
  const sink = new CountingSink();
  const second = createCollector(
    { sink, log: (l) => lines.push(l), templates: new TemplateStore(file) },
    offline,
  );
  await second.start();
  t.after(() => second.stop());
  assert.ok(
    lines.some((l) => /^restored \d+ templates from /.test(l)),
    lines.join('\n'),
  );
  for (const d of data) second.handlePacket(d.payload, d.source, Date.now());
  await second.flush();
  assert.equal(second.stats().decode.error_template_missing, 0);
  assert.ok(sink.total.flows > 0, 'data decoded with restored templates');

  // The control: without the store the same data waits for its template.
  const cold = createCollector({ sink: new CountingSink(), log: () => {} }, offline);
  for (const d of data) cold.handlePacket(d.payload, d.source, Date.now());
  assert.ok(cold.stats().decode.error_template_missing! > 0);
  assert.equal(cold.stats().decode.flows, 0);
});

test('a corrupt template file is reported, not fatal', async (t) => {
  const dir = tempDir(t);
  const file = `${dir}/templates.json`;
  writeFileSync(file, '{not json');
  const lines: string[] = [];
  const c = createCollector(
    { sink: new CountingSink(), log: (l) => lines.push(l), templates: new TemplateStore(file) },
    offline,
  );
  await c.start();
  await c.stop();
  assert.ok(
    lines.some((l) => /cannot restore templates: .*not valid JSON/.test(l)),
    lines.join('\n'),
  );
});
