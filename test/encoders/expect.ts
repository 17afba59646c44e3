import assert from 'node:assert/strict';
import type { ExportFlow } from '../../src/ingest/export/index.js';
import { addrText } from './capture.js';
import { all } from './tshark.js';

/** How the encoder tests compare tshark's decode with the flows that were encoded. */
export function expectValues(
  actual: readonly (string | number)[],
  expected: readonly (number | string)[],
  what: string,
): void {
  assert.equal(
    actual.length,
    expected.length,
    `${what}: ${actual.length} values, expected ${expected.length}`,
  );
  expected.forEach((e, i) => {
    const a = actual[i]!;
    if (typeof e === 'number') assert.equal(Number(a), e, `${what}[${i}]: tshark ${a}, encoded ${e}`);
    else assert.equal(a, e, `${what}[${i}]`);
  });
}

export const pick = (flows: readonly ExportFlow[], fn: (f: ExportFlow) => number | string) => flows.map(fn);

export function commonFields(flows: readonly ExportFlow[], got: Map<string, string[][]>, v6: boolean): void {
  const sfx = v6 ? 'v6' : '';
  expectValues(
    all(got, `cflow.srcaddr${sfx}`),
    pick(flows, (f) => addrText(f.srcAddr)),
    'srcaddr',
  );
  expectValues(
    all(got, `cflow.dstaddr${sfx}`),
    pick(flows, (f) => addrText(f.dstAddr)),
    'dstaddr',
  );
  expectValues(
    all(got, `cflow.nexthop${sfx}`),
    pick(flows, (f) => addrText(f.nextHop)),
    'nexthop',
  );
  expectValues(
    all(got, 'cflow.inputint'),
    pick(flows, (f) => f.inputIf),
    'inputint',
  );
  expectValues(
    all(got, 'cflow.outputint'),
    pick(flows, (f) => f.outputIf),
    'outputint',
  );
  expectValues(
    all(got, 'cflow.packets'),
    pick(flows, (f) => f.packets),
    'packets',
  );
  expectValues(
    all(got, 'cflow.octets'),
    pick(flows, (f) => f.bytes),
    'octets',
  );
  expectValues(
    all(got, 'cflow.srcport'),
    pick(flows, (f) => f.srcPort),
    'srcport',
  );
  expectValues(
    all(got, 'cflow.dstport'),
    pick(flows, (f) => f.dstPort),
    'dstport',
  );
  expectValues(
    all(got, 'cflow.protocol'),
    pick(flows, (f) => f.protocol),
    'protocol',
  );
  expectValues(
    all(got, 'cflow.tcpflags'),
    pick(flows, (f) => f.tcpFlags),
    'tcpflags',
  );
  expectValues(
    all(got, 'cflow.tos'),
    pick(flows, (f) => f.tos),
    'tos',
  );
  expectValues(
    all(got, `cflow.srcmask${sfx}`),
    pick(flows, (f) => f.srcMask),
    'srcmask',
  );
  expectValues(
    all(got, `cflow.dstmask${sfx}`),
    pick(flows, (f) => f.dstMask),
    'dstmask',
  );
}

export const flowFields = (v6: boolean) =>
  [
    'srcaddr',
    'dstaddr',
    'nexthop',
    'srcmask',
    'dstmask',
    'inputint',
    'outputint',
    'packets',
    'octets',
    'srcport',
    'dstport',
    'protocol',
    'tcpflags',
    'tos',
    'srcas',
    'dstas',
    'timestart',
    'timeend',
    'abstimestart',
    'abstimeend',
    'sequence',
    'count',
    'source_id',
    'od_id',
    'sysuptime',
    'samplerate',
    'sampling_interval',
    'sampling_algorithm',
    'sampling_packet_interval',
    'sampling_packet_space',
    'vlanid',
    'post_vlanid',
    'direction',
    'appl_name',
    'ip_version',
  ].map((f) => `cflow.${f}${v6 && /^(srcaddr|dstaddr|nexthop|srcmask|dstmask)$/.test(f) ? 'v6' : ''}`);

export const sflowFields = [
  'sflow_245.sequence_number',
  'sflow_245.sub_agent_id',
  'sflow_245.numsamples',
  'sflow.flow_sample.sampling_rate',
  'sflow.flow_sample.input_interface',
  'sflow.flow_sample.input_interface_value',
  'sflow.flow_sample.output_interface_value',
  'sflow_245.header.frame_length',
  'sflow_245.vlan.in',
  'sflow_245.vlan.out',
  'sflow_245.srcAS',
  'sflow_245.dstAS',
  'sflow_245.nexthop.src_mask',
  'sflow_245.nexthop.dst_mask',
  'sflow_245.ifindex',
  'sflow_245.ifspeed',
  'sflow_245.ifinoct',
  'sflow_245.ifoutoct',
  'sflow_245.ifouterr',
  'ip.src',
  'ipv6.src',
  'tcp.srcport',
  'tcp.dstport',
  'tcp.flags',
];
