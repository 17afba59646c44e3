/**
 * Builds sFlow v5 datagrams and the packets inside them, byte by byte, for tests of cases the real
 * captures lack (QinQ, IPv6 extension headers, fragments, counter samples, malformed lengths).
 * Every builder returns plain bytes; XDR pads opaque data to 4 bytes.
 */
import { type Bytes, concat, ip4, ip6, mac, padded, u32, u64 } from './sflow-craft-bytes.js';

export * from './sflow-craft-bytes.js';
export * from './sflow-craft-packets.js';

/** An sFlow address: type 1 + 4 bytes, or type 2 + 16 bytes. */
export function address(text: string): Uint8Array {
  return text.includes(':') ? concat(u32(2), ip6(text)) : concat(u32(1), ip4(text));
}

export interface DatagramOptions {
  agent?: string;
  subAgent?: number;
  sequence?: number;
  uptime?: number;
  /** Defaults to the number of samples given. */
  numSamples?: number;
}

export function datagram(samples: Uint8Array[], o: DatagramOptions = {}): Uint8Array {
  return concat(
    u32(5),
    address(o.agent ?? '192.0.2.10'),
    u32(o.subAgent ?? 0, o.sequence ?? 1, o.uptime ?? 1000, o.numSamples ?? samples.length),
    ...samples,
  );
}

/** A tagged, length-prefixed structure (sample or record): enterprise << 12 | format. */
export function tagged(format: number, body: Uint8Array, enterprise = 0): Uint8Array {
  return concat(u32(((enterprise << 12) | format) >>> 0, body.length), body);
}

export interface FlowSampleOptions {
  sequence?: number;
  sourceClass?: number;
  sourceIndex?: number;
  rate?: number;
  pool?: number;
  drops?: number;
  /** Compact: format in the top 2 bits. Expanded: [format, value]. */
  input?: number;
  output?: number;
  inputFormat?: number;
  outputFormat?: number;
}

export function flowSample(records: Uint8Array[], o: FlowSampleOptions = {}): Uint8Array {
  return tagged(
    1,
    concat(
      u32(
        o.sequence ?? 1,
        ((o.sourceClass ?? 0) << 24) | (o.sourceIndex ?? 3),
        o.rate ?? 100,
        o.pool ?? 1000,
        o.drops ?? 0,
        o.input ?? 3,
        o.output ?? 4,
        records.length,
      ),
      ...records,
    ),
  );
}

export function expandedFlowSample(records: Uint8Array[], o: FlowSampleOptions = {}): Uint8Array {
  return tagged(
    3,
    concat(
      u32(
        o.sequence ?? 1,
        o.sourceClass ?? 0,
        o.sourceIndex ?? 3,
        o.rate ?? 100,
        o.pool ?? 1000,
        o.drops ?? 0,
        o.inputFormat ?? 0,
        o.input ?? 3,
        o.outputFormat ?? 0,
        o.output ?? 4,
        records.length,
      ),
      ...records,
    ),
  );
}

export function rawHeader(header: Bytes, frameLength: number, protocol = 1, stripped = 4): Uint8Array {
  return tagged(1, concat(u32(protocol, frameLength, stripped, header.length), padded(header)));
}

export function sampledEthernet(length: number, src: string, dst: string, type = 0x0800): Uint8Array {
  return tagged(2, concat(u32(length), padded(mac(src)), padded(mac(dst)), u32(type)));
}

export function sampledIPv4(o: {
  length: number;
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags?: number;
  tos?: number;
}): Uint8Array {
  return tagged(
    3,
    concat(u32(o.length, o.proto), ip4(o.src), ip4(o.dst), u32(o.sport, o.dport, o.flags ?? 0, o.tos ?? 0)),
  );
}

export function sampledIPv6(o: {
  length: number;
  proto: number;
  src: string;
  dst: string;
  sport: number;
  dport: number;
  flags?: number;
  tos?: number;
}): Uint8Array {
  return tagged(
    4,
    concat(u32(o.length, o.proto), ip6(o.src), ip6(o.dst), u32(o.sport, o.dport, o.flags ?? 0, o.tos ?? 0)),
  );
}

export function extendedSwitch(srcVlan: number, dstVlan: number): Uint8Array {
  return tagged(1001, u32(srcVlan, 0, dstVlan, 0));
}

export function extendedRouter(nextHop: string, srcMask: number, dstMask: number): Uint8Array {
  return tagged(1002, concat(address(nextHop), u32(srcMask, dstMask)));
}

export function extendedGateway(o: {
  nextHop: string;
  as: number;
  srcAs: number;
  peerAs: number;
  path: number[][];
  communities?: number[];
}): Uint8Array {
  const segments = o.path.map((seg) => u32(2, seg.length, ...seg));
  const communities = o.communities ?? [];
  return tagged(
    1003,
    concat(
      address(o.nextHop),
      u32(o.as, o.srcAs, o.peerAs, o.path.length),
      ...segments,
      u32(communities.length, ...communities, 100),
    ),
  );
}

export interface InterfaceCounters {
  ifIndex: number;
  ifType?: number;
  speed?: number;
  direction?: number;
  status?: number;
  inOctets?: number;
  inUcast?: number;
  inMcast?: number;
  inBcast?: number;
  inDiscards?: number;
  inErrors?: number;
  inUnknown?: number;
  outOctets?: number;
  outUcast?: number;
  outMcast?: number;
  outBcast?: number;
  outDiscards?: number;
  outErrors?: number;
  promiscuous?: number;
}

export function genericInterfaceCounters(c: InterfaceCounters): Uint8Array {
  return tagged(
    1,
    concat(
      u32(c.ifIndex, c.ifType ?? 6),
      u64(c.speed ?? 1e9),
      u32(c.direction ?? 1, c.status ?? 3),
      u64(c.inOctets ?? 0),
      u32(
        c.inUcast ?? 0,
        c.inMcast ?? 0,
        c.inBcast ?? 0,
        c.inDiscards ?? 0,
        c.inErrors ?? 0,
        c.inUnknown ?? 0,
      ),
      u64(c.outOctets ?? 0),
      u32(
        c.outUcast ?? 0,
        c.outMcast ?? 0,
        c.outBcast ?? 0,
        c.outDiscards ?? 0,
        c.outErrors ?? 0,
        c.promiscuous ?? 0,
      ),
    ),
  );
}

export function counterSample(
  records: Uint8Array[],
  sequence = 1,
  sourceIndex = 3,
  expanded = false,
): Uint8Array {
  const source = expanded ? u32(0, sourceIndex) : u32(sourceIndex);
  return tagged(expanded ? 4 : 2, concat(u32(sequence), source, u32(records.length), ...records));
}
