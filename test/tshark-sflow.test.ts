import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { ExportDecoder } from '../src/capture/export-decoder.js';
import { readCaptureFile } from '../src/capture/reader.js';
import { createFlowBatch, createInterfaceCounterBatch } from '../src/flow/batch.js';
import type { DecodeTarget } from '../src/ingest/context.js';
import { DecodeStats } from '../src/ingest/stats.js';
import { flowFixture, repoRoot } from './helpers/paths.js';
import { craftedSflowDatagrams } from './helpers/sflow-crafted-capture.js';
import { writeUdpPcap } from './helpers/sflow-pcap.js';
import { type Expected, tsharkSflow } from './helpers/sflow-tshark.js';

/** Decodes the sFlow datagrams of a capture as `flowlens decode` does (capture reader, dispatch). */
async function decodeCapture(path: string, port: number): Promise<{ out: DecodeTarget; stats: DecodeStats }> {
  const out = { flows: createFlowBatch(), counters: createInterfaceCounterBatch() };
  const stats = new DecodeStats();
  const decoder = new ExportDecoder(out, stats, () => {}, { port, tenant: 'default' });
  await readCaptureFile(path, decoder.handlePacket);
  return { out, stats };
}

function project(row: Record<string, string | number>, like: Expected): Expected {
  return Object.fromEntries(Object.keys(like).map((k) => [k, row[k] ?? '(missing)']));
}

/** Compares our rows with tshark's, sample by sample and field by field. */
async function compareWithTshark(path: string, expectCounters: boolean, port = SFLOW_PORT): Promise<void> {
  const expected = tsharkSflow(path, port);
  const { out, stats } = await decodeCapture(path, port);
  assert.ok(expected.flows.length > 0, 'tshark decoded flow samples');
  assert.equal(out.flows.length, expected.flows.length, 'one flow row per flow sample');
  expected.flows.forEach((want, row) => {
    assert.deepEqual(project(out.flows.rowObject(row), want), want, `flow sample ${row}`);
  });
  if (expectCounters) assert.ok(expected.counters.length > 0, 'tshark decoded counter samples');
  assert.equal(
    out.counters.length,
    expected.counters.length,
    'one row per generic interface counters record',
  );
  expected.counters.forEach((want, row) => {
    assert.deepEqual(project(out.counters.rowObject(row), want), want, `interface counters ${row}`);
  });
  assert.equal(stats.counterRecords, expected.counters.length);
  assert.equal(stats.totalErrors(), 0, JSON.stringify(stats.snapshot()));
}

const SFLOW_PORT = 6343;
const testdata = `${repoRoot}src/ingest/testdata`;
const fixtures = [
  ...readdirSync(testdata).filter((f) => f.startsWith('sflow-') && f.endsWith('.pcap')),
  'pmacctd-v9-ipfix-sflow.pcap',
];

describe('sFlow decoder agrees with tshark', () => {
  test('the fixtures are there', () => {
    assert.ok(fixtures.length >= 12, `found ${fixtures.join(', ')}`);
  });
  for (const name of fixtures) {
    test(name, () => compareWithTshark(flowFixture(name), false));
  }
  // pmacctd's sfprobe (see src/ingest/sflow/testdata/SOURCES.md): empty counter samples between
  // flow samples of raw IPv4 headers, sent to a port tshark must be told about.
  test('pmacctd-sfprobe-counters.pcap', () =>
    compareWithTshark(`${repoRoot}src/ingest/sflow/testdata/pmacctd-sfprobe-counters.pcap`, false, 16343));

  const dir = mkdtempSync(join(tmpdir(), 'flowlens-sflow-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  test('crafted datagrams: counters, QinQ, MPLS, IPv6 extension headers, sampled IP, interface formats', () => {
    const path = join(dir, 'crafted.pcap');
    writeUdpPcap(path, craftedSflowDatagrams(), SFLOW_PORT);
    return compareWithTshark(path, true);
  });
});
