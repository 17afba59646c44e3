import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { capturePayloads, Harness } from '../../../test/helpers/netflow-packets.js';
import { flowFixture } from '../../../test/helpers/paths.js';
import { ExporterState } from '../exporter.js';
import { loadTemplates, saveTemplates, TemplateStore } from './template-store.js';

const learnFrom = ['netflow-options-template.pcap', 'netflow-options-data.pcap', 'netflow-template.pcap'];
const dataFile = 'netflow-data.pcap';

async function payloads(files: string[]): Promise<Uint8Array[]> {
  const all: Uint8Array[] = [];
  for (const f of files) all.push(...(await capturePayloads(flowFixture(f))));
  return all;
}

const rows = (h: Harness) => Array.from({ length: h.flows.length }, (_, i) => h.row(i));

describe('template store', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowlens-templates-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('restores templates and sampling rates so data decodes after a restart', async () => {
    const file = join(dir, 'templates.json');
    const before = new Harness();
    for (const p of await payloads(learnFrom)) before.decode(p);
    await saveTemplates(file, [before.exporter]);
    assert.deepEqual(await readdir(dir), ['templates.json'], 'no temporary file left');

    const data = await payloads([dataFile]);
    const reference = new Harness(undefined, before.exporter);
    for (const p of data) reference.decode(p);

    const restarted = new Map<string, ExporterState>();
    const getExporter = (address: string) => {
      const e = new ExporterState(address, { id: 7, name: 'router', tenant: 't' });
      restarted.set(address, e);
      return e;
    };
    assert.equal(await loadTemplates(file, getExporter), 2);
    const after = new Harness(undefined, restarted.get('192.0.2.1'));
    for (const p of data) after.decode(p);
    assert.ok(after.flows.length > 0);
    assert.equal(after.stats.count('template_missing'), 0);
    assert.deepEqual(rows(after), rows(reference));
    assert.equal(after.row(0).sample_rate, 30000);
  });

  it('reports a missing file as nothing restored and a corrupt one clearly', async () => {
    const get = (a: string) => new ExporterState(a, { id: 1, name: a, tenant: 't' });
    assert.equal(await loadTemplates(join(dir, 'absent.json'), get), 0);
    const corrupt = join(dir, 'corrupt.json');
    await writeFile(corrupt, '{"format":1,"exporters":[');
    await assert.rejects(loadTemplates(corrupt, get), /not valid JSON/);
  });

  it('saves only when templates changed since the last save or load', async () => {
    const store = new TemplateStore(join(dir, 'store.json'));
    const h = new Harness();
    assert.equal(await store.saveIfChanged([h.exporter]), false);
    for (const p of await payloads(['netflow-template.pcap'])) h.decode(p);
    assert.equal(await store.saveIfChanged([h.exporter]), true);
    assert.equal(await store.saveIfChanged([h.exporter]), false);
    for (const p of await payloads(['netflow-template.pcap'])) h.decode(p);
    assert.equal(await store.saveIfChanged([h.exporter]), false, 'a resent template is no change');

    const reloaded = new TemplateStore(store.file);
    const fresh: ExporterState[] = [];
    const n = await reloaded.load((a) => {
      const e = new ExporterState(a, { id: 2, name: a, tenant: 't' });
      fresh.push(e);
      return e;
    });
    assert.equal(n, 1);
    assert.equal(await reloaded.saveIfChanged(fresh), false, 'just loaded');
  });
});
