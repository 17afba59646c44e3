import {
  type ExportFlow,
  type InterfaceCounters,
  IpfixEncoder,
  Netflow5Encoder,
  Netflow9Encoder,
  SflowEncoder,
} from '../../src/ingest/export/index.js';
import { BOOT, NOW, testFlows } from './capture.js';

/** The packets each encoder test sends, built once and shared by the tshark and decoder checks. */
const { v4, v6 } = testFlows(42);

export { v4, v6 };

const scratch = Buffer.alloc(65536);
const copy = (len: number) => Buffer.from(scratch.subarray(0, len));

export function buildV5() {
  const enc = new Netflow5Encoder({ bootMs: BOOT, samplingInterval: 100, samplingMode: 1, engineId: 3 });
  const packets = [
    copy(enc.encode(scratch, v4, 0, 30, NOW)),
    copy(enc.encode(scratch, v4, 30, 30, NOW + 1000)),
  ];
  return { enc, packets, flows: v4 };
}

/** Packet 0: templates, options template, sampling 1:100, 10 IPv4 records; then IPv4 data; then IPv6. */
export function buildV9() {
  const enc = new Netflow9Encoder({ sourceId: 77, bootMs: BOOT });
  const packets: Buffer[] = [];
  const counts = [14];
  enc.start(scratch, NOW);
  enc.addTemplates();
  enc.addOptionsTemplates();
  enc.addSampling(100);
  enc.addData(256, v4, 0, 10);
  packets.push(copy(enc.finish()));
  let sent = 10;
  while (sent < v4.length) {
    enc.start(scratch, NOW + 1000);
    const n = enc.addData(256, v4, sent, v4.length - sent);
    sent += n;
    counts.push(n);
    packets.push(copy(enc.finish()));
  }
  enc.start(scratch, NOW + 2000);
  counts.push(enc.addData(257, v6, 0, 8));
  packets.push(copy(enc.finish()));
  return { enc, packets, counts, v4: v4, v6: v6.slice(0, 8) };
}

/** Message 0: templates, options, sampling 1:1000, 20 IPv4 records; 1: IPv4; 2: IPv6 + withdrawal. */
export function buildIpfix() {
  const enc = new IpfixEncoder({ observationDomainId: 5 });
  const packets: Buffer[] = [];
  enc.start(scratch, NOW);
  enc.addTemplates();
  enc.addOptionsTemplates();
  enc.addSampling(1000);
  enc.addData(256, v4, 0, 20);
  packets.push(copy(enc.finish()));
  enc.start(scratch, NOW);
  const n = enc.addData(256, v4, 20, 40);
  packets.push(copy(enc.finish()));
  enc.start(scratch, NOW);
  enc.addData(257, v6, 0, 6);
  enc.addWithdrawals([257]);
  packets.push(copy(enc.finish()));
  return { enc, packets, second: n, v4: v4.slice(0, 20 + n), v6: v6.slice(0, 6) };
}

export const counters: InterfaceCounters = {
  ifIndex: 7,
  ifType: 6,
  ifSpeed: 10e9,
  ifDirection: 1,
  ifStatus: 3,
  inOctets: 2 ** 40 + 5,
  inUcastPkts: 1000,
  inMulticastPkts: 20,
  inBroadcastPkts: 3,
  inDiscards: 4,
  inErrors: 5,
  inUnknownProtos: 6,
  outOctets: 2 ** 35,
  outUcastPkts: 900,
  outMulticastPkts: 8,
  outBroadcastPkts: 9,
  outDiscards: 10,
  outErrors: 11,
  promiscuous: 2,
};

/**
 * Compact flow samples (rate 512, sub-agent 3) over several datagrams, then a counter sample, then
 * one expanded flow sample (rate 2048) from another sub-agent.
 */
export function buildSflow() {
  const packets: Buffer[] = [];
  const sampled: ExportFlow[] = [];
  const enc = new SflowEncoder({ bootMs: BOOT, samplingRate: 512, subAgentId: 3 });
  const flows = [...v4.slice(0, 12), ...v6.slice(0, 4)];
  let i = 0;
  while (i < flows.length) {
    enc.start(scratch, NOW + packets.length);
    while (i < flows.length && enc.addFlowSample(flows[i]!)) sampled.push(flows[i++]!);
    packets.push(copy(enc.finish()));
  }
  enc.start(scratch, NOW);
  enc.addCounterSample(counters);
  packets.push(copy(enc.finish()));
  const expanded = new SflowEncoder({ bootMs: BOOT, samplingRate: 2048, expanded: true, subAgentId: 4 });
  expanded.start(scratch, NOW);
  expanded.addFlowSample(v4[20]!);
  packets.push(copy(expanded.finish()));
  return { packets, sampled, expandedFlow: v4[20]! };
}
