import { readdirSync } from 'node:fs';
import { parsePacket } from '../../src/capture/link.js';
import { IpProtocol, PacketInfo, Parsed } from '../../src/capture/packet-info.js';
import { CaptureReader } from '../../src/capture/reader.js';
import { FileSource } from '../../src/capture/source.js';
import {
  createExportFlow,
  createFlows,
  FlowGenerator,
  IpfixEncoder,
  Netflow5Encoder,
  Netflow9Encoder,
  SflowEncoder,
} from '../../src/ingest/export/index.js';
import { flowFixture } from '../helpers/paths.js';

/** Export datagrams of one exporter, in the order an exporter sends them (templates first). */
export interface Family {
  readonly name: string;
  readonly packets: Uint8Array[];
}

/** The order of a fixture within its family: templates, options, then data. */
function rank(file: string): number {
  if (/options-template/.test(file)) return 1;
  if (/templates?\.pcap$/.test(file)) return 0;
  if (/options-data/.test(file)) return 2;
  return 3;
}

/** UDP payloads of a capture, copied out of the reader's buffer. */
async function udpPayloads(path: string): Promise<Uint8Array[]> {
  const out: Uint8Array[] = [];
  const info = new PacketInfo();
  const source = await FileSource.open(path);
  try {
    await new CaptureReader(source).read((buf, offset, length, _ts, linkType) => {
      if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok) return;
      if (info.protocol !== IpProtocol.UDP || info.payloadLength === 0) return;
      out.push(buf.slice(info.payloadOffset, info.payloadOffset + info.payloadLength));
    });
  } finally {
    await source.close();
  }
  return out;
}

/**
 * The real captures of src/ingest/testdata grouped by exporter (a template capture with its data
 * capture), plus packets from the flowlens encoders (v5, v9 with options, IPFIX with variable
 * length fields, sFlow with counters).
 */
export async function loadCorpus(): Promise<Family[]> {
  const dir = flowFixture('');
  const files = readdirSync(dir).filter((f) => f.endsWith('.pcap'));
  const groups = new Map<string, string[]>();
  for (const f of files) {
    const key = f.replace(/-(options-)?(data|templates?)\.pcap$/, '').replace(/\.pcap$/, '');
    groups.set(key, [...(groups.get(key) ?? []), f]);
  }
  const families: Family[] = [];
  for (const [name, members] of [...groups].sort()) {
    members.sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
    const packets: Uint8Array[] = [];
    for (const m of members) packets.push(...(await udpPayloads(dir + m)));
    if (packets.length > 0) families.push({ name, packets });
  }
  families.push(...encodedFamilies());
  return families;
}

function encodedFamilies(): Family[] {
  const now = Date.UTC(2026, 0, 1);
  const flows = createFlows(120, createExportFlow);
  new FlowGenerator({ seed: 3, ipv6Fraction: 0.3 }).fill(flows, now);
  const v4 = flows.filter((f) => f.ipVersion === 4);
  const v6 = flows.filter((f) => f.ipVersion === 6);
  const buf = Buffer.alloc(2048);
  const take = (len: number) => Uint8Array.from(buf.subarray(0, len));
  const v5 = new Netflow5Encoder({ samplingInterval: 10, bootMs: now - 60_000 });
  const nf9 = new Netflow9Encoder({ bootMs: now - 60_000, sourceId: 1 });
  const nf9Packets: Uint8Array[] = [];
  for (let i = 0; i < 4; i++) {
    nf9.start(buf, now);
    if (i === 0) {
      nf9.addTemplates();
      nf9.addOptionsTemplates();
      nf9.addSampling(64);
    }
    nf9.addData(256, v4, i * 10, 10);
    nf9.addData(257, v6, i * 5, 5);
    nf9Packets.push(take(nf9.finish()));
  }
  const ipfix = new IpfixEncoder({ observationDomainId: 2 });
  const ipfixPackets: Uint8Array[] = [];
  for (let i = 0; i < 4; i++) {
    ipfix.start(buf, now);
    if (i === 0) {
      ipfix.addTemplates();
      ipfix.addOptionsTemplates();
      ipfix.addSampling(128);
    }
    ipfix.addData(256, v4, i * 10, 10);
    ipfix.addData(257, v6, i * 5, 5);
    ipfixPackets.push(take(ipfix.finish()));
  }
  const sflow = new SflowEncoder({ bootMs: now - 60_000 });
  const sflowPackets: Uint8Array[] = [];
  for (let i = 0; i < 4; i++) {
    sflow.start(buf, now);
    for (let k = 0; k < 3; k++) sflow.addFlowSample(flows[i * 3 + k]!);
    sflow.addCounterSample({
      ...{ ifIndex: i + 1, ifType: 6, ifSpeed: 1e9, ifDirection: 1, ifStatus: 3 },
      ...{ inOctets: 1e6, inUcastPkts: 1e3, inMulticastPkts: 1, inBroadcastPkts: 1, inDiscards: 0 },
      ...{ inErrors: 0, inUnknownProtos: 0, outOctets: 2e6, outUcastPkts: 2e3, outMulticastPkts: 0 },
      ...{ outBroadcastPkts: 0, outDiscards: 0, outErrors: 0, promiscuous: 0 },
    });
    sflowPackets.push(take(sflow.finish()));
  }
  return [
    { name: 'encoded-v5', packets: [0, 30, 60].map((s) => take(v5.encode(buf, v4, s % v4.length, 30, now))) },
    { name: 'encoded-v9', packets: nf9Packets },
    { name: 'encoded-ipfix', packets: ipfixPackets },
    { name: 'encoded-sflow', packets: sflowPackets },
  ];
}
