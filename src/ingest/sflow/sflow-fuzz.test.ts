import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { flowFixture, repoRoot } from '../../../test/helpers/paths.js';
import { craftedSflowDatagrams } from '../../../test/helpers/sflow-crafted-capture.js';
import { udpPayloads } from '../../../test/helpers/sflow-pcap.js';
import { createFlowBatch, createInterfaceCounterBatch, F, IC } from '../../flow/batch.js';
import { seededUniform as prng } from '../export/random.js';
import { ExporterState } from '../exporter.js';
import { DecodeStats } from '../stats.js';
import { decodeSflow } from './sflow.js';

test('mutated real and crafted datagrams never throw and leave only whole rows', async () => {
  const names = readdirSync(`${repoRoot}src/ingest/testdata`).filter((f) => f.startsWith('sflow-'));
  const seeds = [...craftedSflowDatagrams()];
  for (const name of names) seeds.push(...(await udpPayloads(flowFixture(name))));
  const random = prng(42);
  const stats = new DecodeStats();
  const exporter = new ExporterState('192.0.2.1', { id: 1, name: 'fuzz', tenant: 't' });
  const ctx = { exporter, receivedAt: 0, minute: 0, stats };
  const out = { flows: createFlowBatch(64), counters: createInterfaceCounterBatch(64) };
  let decoded = 0;
  for (let i = 0; i < 20_000; i++) {
    const seed = seeds[i % seeds.length]!;
    const buf = Uint8Array.from(seed.subarray(0, Math.floor(random() * (seed.length + 1))));
    const flips = 1 + Math.floor(random() * 4);
    for (let k = 0; k < flips && buf.length > 0; k++) {
      const at = Math.floor(random() * buf.length);
      // Half of the mutations write values that make lengths and counts absurd.
      buf[at] = random() < 0.5 ? 0xff : Math.floor(random() * 256);
    }
    const before = out.flows.length;
    const n = decodeSflow(buf, ctx, out);
    assert.equal(out.flows.length, before + n, `mutation ${i}`);
    decoded += n;
    if (out.flows.length > 10_000) out.flows.clear();
    if (out.counters.length > 10_000) out.counters.clear();
  }
  assert.ok(decoded > 0, 'some mutated datagrams still decode');
  assert.ok(stats.totalErrors() > 0, 'errors are counted');
  // Every row written is whole: it has the device id that every row gets.
  const ids = out.flows.arrays[F.i_device_id]!;
  for (let r = 0; r < out.flows.length; r++) assert.equal(ids[r], 1);
  for (let r = out.flows.length; r < ids.length; r++) assert.equal(ids[r], 0);
  const counterIds = out.counters.arrays[IC.i_device_id]!;
  for (let r = 0; r < out.counters.length; r++) assert.equal(counterIds[r], 1);
});
