import dgram from 'node:dgram';
import { isIP } from 'node:net';
import { isIPv4Mapped } from '../../flow/addr.js';
import { F, type FlowBatch } from '../../flow/batch.js';
import { field, IE } from '../../ingest/export/fields.js';
import { createExportFlow, type ExportFlow } from '../../ingest/export/flow.js';
import { IpfixEncoder } from '../../ingest/export/ipfix.js';
import type { TemplateSpec } from '../../ingest/export/templates.js';

/**
 * `--ipfix HOST:PORT`: the flow records as IPFIX (RFC 7011) over UDP, for any collector (nfcapd,
 * pmacct, GoFlow2, a router-flow flowlens). Only the columns routers export travel — addresses,
 * ports, protocol, flags, counters both ways, interfaces, AS numbers, masks, VLANs, MACs, MPLS,
 * start/end times; the host-agent columns (latencies, retransmits, DNS/HTTP/DHCP/TLS fields) have
 * no standard elements and are not sent. Templates go out with the first message and then every
 * `templateIntervalMs`, as UDP exporters must (a collector may start after us).
 */
export interface IpfixUdpConfig {
  host: string;
  port: number;
  observationDomainId: number;
  /** Largest datagram. */
  maxBytes: number;
  templateIntervalMs: number;
}

export const defaultIpfixUdpConfig: Omit<IpfixUdpConfig, 'host' | 'port'> = {
  observationDomainId: 1,
  maxBytes: 1400,
  templateIntervalMs: 60_000,
};

const common = [
  field(IE.l4SrcPort, 2),
  field(IE.l4DstPort, 2),
  field(IE.protocol, 1),
  field(IE.tcpFlags, 1),
  field(IE.tos, 1),
  field(IE.inBytes, 8),
  field(IE.inPkts, 8),
  field(IE.outBytes, 8),
  field(IE.outPkts, 8),
  field(IE.inputSnmp, 4),
  field(IE.outputSnmp, 4),
  field(IE.srcAs, 4),
  field(IE.dstAs, 4),
  field(IE.srcVlan, 2),
  field(IE.dstVlan, 2),
  field(IE.srcMac, 6),
  field(IE.dstMac, 6),
  field(IE.direction, 1),
  field(IE.ipVersion, 1),
  field(IE.mplsLabel1, 3),
  field(IE.flowStartMilliseconds, 8),
  field(IE.flowEndMilliseconds, 8),
];

export const agentIPv4Template: TemplateSpec = {
  id: 256,
  fields: [
    field(IE.ipv4SrcAddr, 4),
    field(IE.ipv4DstAddr, 4),
    field(IE.ipv4NextHop, 4),
    field(IE.srcMask, 1),
    field(IE.dstMask, 1),
    ...common,
  ],
};

export const agentIPv6Template: TemplateSpec = {
  id: 257,
  fields: [
    field(IE.ipv6SrcAddr, 16),
    field(IE.ipv6DstAddr, 16),
    field(IE.ipv6NextHop, 16),
    field(IE.ipv6SrcMask, 1),
    field(IE.ipv6DstMask, 1),
    ...common,
  ],
};

export interface IpfixUdpStats {
  messages: number;
  records: number;
  bytes: number;
  sendErrors: number;
}

export class IpfixUdpExporter {
  readonly config: IpfixUdpConfig;
  private readonly socket: dgram.Socket;
  private readonly encoder: IpfixEncoder;
  /** Reused flows: the rows of one batch, IPv4 ones first. */
  private flows: ExportFlow[] = [];
  private lastTemplatesMs = Number.NEGATIVE_INFINITY;
  private sending = 0;
  private idle: (() => void) | undefined;
  private readonly s: IpfixUdpStats = { messages: 0, records: 0, bytes: 0, sendErrors: 0 };

  constructor(config: Partial<IpfixUdpConfig> & Pick<IpfixUdpConfig, 'host' | 'port'>) {
    this.config = { ...defaultIpfixUdpConfig, ...config };
    // An IPv6 record with its headers takes 164 bytes: every message must fit at least one.
    if (this.config.maxBytes < 512 || this.config.maxBytes > 65_507)
      throw new Error(`IPFIX maxBytes ${this.config.maxBytes}: expected 512-65507`);
    this.socket = dgram.createSocket(isIP(this.config.host) === 6 ? 'udp6' : 'udp4');
    // A collector that is not there (ICMP port unreachable) is not our failure: count and go on.
    this.socket.on('error', () => this.s.sendErrors++);
    this.encoder = new IpfixEncoder({
      observationDomainId: this.config.observationDomainId,
      templates: [agentIPv4Template, agentIPv6Template],
      optionsTemplates: [],
      maxBytes: this.config.maxBytes,
    });
  }

  /** Sends the batch's rows as IPFIX messages (the batch may be reused when this returns). */
  send(batch: FlowBatch, nowMs = Date.now()): void {
    const v4 = this.fill(batch);
    const out = Buffer.alloc(this.config.maxBytes);
    let next4 = 0;
    let next6 = v4;
    while (
      next4 < v4 ||
      next6 < batch.length ||
      nowMs - this.lastTemplatesMs >= this.config.templateIntervalMs
    ) {
      this.encoder.start(out, nowMs);
      if (nowMs - this.lastTemplatesMs >= this.config.templateIntervalMs) {
        this.encoder.addTemplates();
        this.lastTemplatesMs = nowMs;
      }
      if (next4 < v4) next4 += this.encoder.addData(agentIPv4Template.id, this.flows, next4, v4 - next4);
      if (next6 < batch.length)
        next6 += this.encoder.addData(agentIPv6Template.id, this.flows, next6, batch.length - next6);
      const length = this.encoder.finish();
      this.s.messages++;
      this.s.bytes += length;
      this.sending++;
      this.socket.send(Buffer.from(out.subarray(0, length)), this.config.port, this.config.host, (err) => {
        if (err) this.s.sendErrors++;
        if (--this.sending === 0) this.idle?.();
      });
    }
    this.s.records += batch.length;
  }

  stats(): IpfixUdpStats {
    return { ...this.s };
  }

  /** Waits for the datagrams handed to the socket, then closes it. */
  async close(): Promise<void> {
    if (this.sending > 0)
      await new Promise<void>((resolve) => {
        this.idle = resolve;
      });
    await new Promise<void>((resolve) => this.socket.close(() => resolve()));
  }

  /** Fills the reused flows from the batch, IPv4 rows first; returns how many are IPv4. */
  private fill(batch: FlowBatch): number {
    while (this.flows.length < batch.length) this.flows.push(createExportFlow());
    const src = batch.arrays[F.src_addr] as Uint8Array;
    let v4 = 0;
    for (let r = 0; r < batch.length; r++) if (isIPv4Mapped(src, r * 16)) v4++;
    let i4 = 0;
    let i6 = v4;
    for (let r = 0; r < batch.length; r++)
      toExportFlow(batch, r, this.flows[isIPv4Mapped(src, r * 16) ? i4++ : i6++]!);
    return v4;
  }
}

function toExportFlow(b: FlowBatch, r: number, f: ExportFlow): void {
  const a = b.arrays;
  const addr = (col: number, out: Uint8Array) =>
    out.set((a[col] as Uint8Array).subarray(r * 16, r * 16 + 16));
  addr(F.src_addr, f.srcAddr);
  addr(F.dst_addr, f.dstAddr);
  addr(F.ipv4_next_hop, f.nextHop);
  addr(F.bgp_next_hop, f.bgpNextHop);
  f.ipVersion = a[F.ip_version]![r]! || (isIPv4Mapped(a[F.src_addr] as Uint8Array, r * 16) ? 4 : 6);
  f.srcPort = a[F.l4_src_port]![r]!;
  f.dstPort = a[F.l4_dst_port]![r]!;
  f.protocol = a[F.protocol]![r]!;
  f.tcpFlags = a[F.tcp_flags]![r]!;
  f.tos = a[F.tos]![r]!;
  f.bytes = a[F.in_bytes]![r]!;
  f.packets = a[F.in_pkts]![r]!;
  f.outBytes = a[F.out_bytes]![r]!;
  f.outPackets = a[F.out_pkts]![r]!;
  f.inputIf = a[F.input_port]![r]!;
  f.outputIf = a[F.output_port]![r]!;
  f.srcAs = a[F.src_as]![r]!;
  f.dstAs = a[F.dst_as]![r]!;
  f.srcMask = a[F.src_route_length]![r]!;
  f.dstMask = a[F.dst_route_length]![r]!;
  f.vlanIn = a[F.vlan_in]![r]!;
  f.vlanOut = a[F.vlan_out]![r]!;
  f.srcMac = a[F.src_eth_mac]![r]!;
  f.dstMac = a[F.dst_eth_mac]![r]!;
  f.direction = a[F.direction]![r]!;
  f.mplsLabel = a[F.mpls_label]![r]!;
  f.startMs = a[F.flow_start_time]![r]!;
  f.endMs = a[F.flow_end_time]![r]!;
}

export function createIpfixUdpExporter(
  config: Partial<IpfixUdpConfig> & Pick<IpfixUdpConfig, 'host' | 'port'>,
): IpfixUdpExporter {
  return new IpfixUdpExporter(config);
}

/** `HOST:PORT` or `[V6]:PORT` of `--ipfix`. */
export function parseIpfixTarget(text: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(text);
  const port = Number(m?.[3]);
  if (m === null || port < 1 || port > 65535)
    throw new Error(`--ipfix ${text}: expected HOST:PORT (an IPv6 address in brackets: [::1]:4739)`);
  return { host: (m[1] ?? m[2])!, port };
}
