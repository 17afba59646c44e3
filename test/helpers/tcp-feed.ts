import { Dir, type TcpMetrics } from '../../src/agent/contract.js';
import { newTcpSegment, segmentOf } from '../../src/agent/tcp/segment.js';
import { createTcpTracker, newTcpMetrics } from '../../src/agent/tcp/tracker.js';
import { addressText } from '../../src/capture/address.js';
import { parsePacket } from '../../src/capture/link.js';
import { IpProtocol, PacketInfo, Parsed } from '../../src/capture/packet-info.js';
import { readCaptureFile } from '../../src/capture/reader.js';

/** One TCP connection's 5-tuple, written the same way by the feed and the tshark oracle. */
export function endpoint(addr: string, port: number | string): string {
  return `[${addr}]:${port}`;
}

/** Both endpoints, sorted: the same key for both directions. */
export function flowKey(a: string, b: string): string {
  return a < b ? `${a} ${b}` : `${b} ${a}`;
}

/**
 * Who opened a connection, by its first packet: the sender of a SYN, the receiver of a SYN/ACK,
 * otherwise the sender of the first packet seen (what a flow table without the handshake guesses).
 */
export function clientOf(flags: number, src: string, dst: string): string {
  return (flags & 0x12) === 0x12 ? dst : src;
}

export interface FedFlow {
  readonly client: string;
  readonly server: string;
  readonly metrics: TcpMetrics;
}

/**
 * Reads a capture through src/capture and feeds every TCP packet to a TCP tracker, with a tiny
 * flow table of its own (5-tuple → slot; the agent's real one is elsewhere). Reads each flow's
 * metrics once at the end.
 */
export async function feedTracker(file: string, capacity = 4096): Promise<Map<string, FedFlow>> {
  const tracker = createTcpTracker(capacity);
  const info = new PacketInfo();
  const seg = newTcpSegment();
  const slots = new Map<string, { slot: number; client: string; server: string }>();
  await readCaptureFile(file, (buf, offset, length, timeMs, linkType) => {
    if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok) return;
    if (info.protocol !== IpProtocol.TCP) return;
    const size = info.ipVersion === 6 ? 16 : 4;
    const src = endpoint(addressText(buf, info.srcAddrOffset, size), info.srcPort);
    const dst = endpoint(addressText(buf, info.dstAddrOffset, size), info.dstPort);
    const key = flowKey(src, dst);
    let flow = slots.get(key);
    if (flow === undefined) {
      if (slots.size >= capacity) throw new Error(`${file}: more than ${capacity} TCP flows`);
      const client = clientOf(info.tcpFlags, src, dst);
      flow = { slot: slots.size, client, server: client === src ? dst : src };
      slots.set(key, flow);
      tracker.open(flow.slot);
    }
    const dir = src === flow.client ? Dir.FromClient : Dir.FromServer;
    if (segmentOf(info, buf, timeMs, dir, seg)) tracker.segment(flow.slot, seg);
  });
  const flows = new Map<string, FedFlow>();
  for (const [key, { slot, client, server }] of slots) {
    const metrics = newTcpMetrics();
    tracker.read(slot, metrics);
    flows.set(key, { client, server, metrics });
  }
  return flows;
}
