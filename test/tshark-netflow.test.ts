import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ExportDecoder } from '../src/capture/export-decoder.js';
import { parsePacket } from '../src/capture/link.js';
import { PacketInfo, Parsed } from '../src/capture/packet-info.js';
import { readCaptureFile } from '../src/capture/reader.js';
import { createFlowBatch, createInterfaceCounterBatch, type FlowBatch } from '../src/flow/batch.js';
import { DecodeStats } from '../src/ingest/stats.js';
import { type ExpectedFlow, tsharkFlows } from './helpers/netflow-tshark.js';
import { flowFixture } from './helpers/paths.js';

/** Capture groups fed in order (templates before data), as a collector would have received them. */
const groups: string[][] = [
  ['netflow-data+templates.pcap'],
  ['netflow-template.pcap', 'netflow-data.pcap'],
  [
    'netflow-options-template.pcap',
    'netflow-options-data.pcap',
    'netflow-template.pcap',
    'netflow-data.pcap',
  ],
  ['netflow-samplingrate-template.pcap', 'netflow-samplingrate-data.pcap'],
  [
    'netflow-multiplesamplingrates-options-template.pcap',
    'netflow-multiplesamplingrates-options-data.pcap',
    'netflow-multiplesamplingrates-template.pcap',
    'netflow-multiplesamplingrates-data.pcap',
  ],
  ['netflow-datalink-template.pcap', 'netflow-datalink-data.pcap'],
  [
    'netflow-ethernet-over-mpls-with-control-word-template.pcap',
    'netflow-ethernet-over-mpls-with-control-word-data.pcap',
  ],
  ['netflow-icmp-template.pcap', 'netflow-icmp-data.pcap'],
  ['netflow-ipfix-srv6-template.pcap', 'netflow-ipfix-srv6-data.pcap'],
  ['netflow-ipfixprobe-templates.pcap', 'netflow-ipfixprobe-data.pcap'],
  ['netflow-juniper-cpid-template.pcap', 'netflow-juniper-cpid-data.pcap'],
  ['netflow-mpls.pcap'],
  ['netflow-nat.pcap'],
  ['netflow-physicalinterfaces.pcap'],
  ['softflowd-nf9.pcap'],
  ['softflowd-nf10.pcap'],
  ['pmacctd-v9-ipfix-sflow.pcap'],
];

/** Decodes the NetFlow v9 / IPFIX packets of the captures (sFlow packets are left out). */
async function ourFlows(files: string[]): Promise<{ batch: FlowBatch; stats: DecodeStats }> {
  const batch = createFlowBatch();
  const stats = new DecodeStats();
  const decoder = new ExportDecoder(
    { flows: batch, counters: createInterfaceCounterBatch() },
    stats,
    () => {},
    { port: undefined, tenant: 'test' },
  );
  const info = new PacketInfo();
  for (const file of files)
    await readCaptureFile(flowFixture(file), (buf, offset, length, ts, linkType) => {
      if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok) return;
      const version = (buf[info.payloadOffset]! << 8) | buf[info.payloadOffset + 1]!;
      if (version === 9 || version === 10) decoder.handlePacket(buf, offset, length, ts, linkType);
    });
  return { batch, stats };
}

const timeColumns = new Set(['flow_start_time', 'flow_end_time']);

function ourValue(batch: FlowBatch, row: number, column: string): string | number {
  if (timeColumns.has(column)) return batch.arrays[batch.index[column as 'flow_start_time']]![row]!;
  const v = batch.rowObject(row)[column]!;
  return v === '0.0.0.0' || v === '::' ? '' : v;
}

function compare(batch: FlowBatch, expected: ExpectedFlow[]): void {
  for (let row = 0; row < expected.length; row++) {
    for (const [column, want] of Object.entries(expected[row]!)) {
      const got = ourValue(batch, row, column);
      const where = `flow ${row + 1}, ${column}`;
      if (timeColumns.has(column))
        assert.ok(Math.abs((got as number) - (want as number)) < 1, `${where}: ${got} vs ${want}`);
      else assert.equal(got, want, where);
    }
  }
}

describe('NetFlow v9 / IPFIX decoders agree with tshark', () => {
  for (const files of groups) {
    it(files.join(' + '), async () => {
      const [expected, ours] = await Promise.all([tsharkFlows(files.map(flowFixture)), ourFlows(files)]);
      assert.ok(expected.length > 0, 'tshark decoded no flows');
      assert.equal(ours.batch.length, expected.length, 'number of flows');
      compare(ours.batch, expected);
      assert.equal(ours.stats.count('bad_template'), 0, 'bad templates');
      assert.equal(ours.stats.count('truncated'), 0, 'truncated sets');
    });
  }
});
