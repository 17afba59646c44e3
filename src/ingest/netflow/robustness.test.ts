import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { capturePayloads, Harness } from '../../../test/helpers/netflow-packets.js';
import { flowFixture } from '../../../test/helpers/paths.js';
import { seededUniform as random } from '../export/random.js';

const fixtures = [
  'netflow-data+templates.pcap',
  'netflow-options-template.pcap',
  'netflow-options-data.pcap',
  'netflow-template.pcap',
  'netflow-data.pcap',
  'netflow-ipfixprobe-templates.pcap',
  'netflow-ipfixprobe-data.pcap',
  'netflow-mpls.pcap',
  'netflow-physicalinterfaces.pcap',
  'netflow-multiplesamplingrates-template.pcap',
  'netflow-multiplesamplingrates-data.pcap',
  'softflowd-nf9.pcap',
  'softflowd-nf10.pcap',
];

describe('NetFlow v9 / IPFIX robustness', () => {
  it('never throws on mutated and truncated real packets, and keeps the batch consistent', async () => {
    const packets: Uint8Array[] = [];
    for (const f of fixtures) packets.push(...(await capturePayloads(flowFixture(f))));
    const next = random(42);
    const h = new Harness();
    let appended = 0;
    for (let i = 0; i < 20_000; i++) {
      const original = packets[Math.floor(next() * packets.length)]!;
      const packet = original.slice(0, next() < 0.2 ? Math.floor(next() * original.length) : original.length);
      const edits = Math.floor(next() * 4);
      for (let e = 0; e < edits && packet.length > 0; e++)
        packet[Math.floor(next() * packet.length)] = Math.floor(next() * 256);
      appended += h.decode(packet);
      if (h.flows.length > 50_000) {
        assert.equal(h.flows.length, appended);
        h.flows.clear();
        appended = 0;
      }
    }
    assert.equal(h.flows.length, appended);
    assert.ok(h.stats.totalErrors() > 0, 'the mutations were noticed');
    assert.ok(h.exporter.stats.flows > 0, 'good records kept flowing');
  });
});
