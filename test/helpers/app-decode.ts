import { type AppDecoder, type AppFieldSink, type AppPayload, Dir } from '../../src/agent/contract.js';
import { addressText } from '../../src/capture/address.js';
import { parsePacket } from '../../src/capture/link.js';
import { IpProtocol, PacketInfo, Parsed } from '../../src/capture/packet-info.js';
import { readCaptureFile } from '../../src/capture/reader.js';

/** A decoder as the tests drive it: the contract, plus content detection and the export hook. */
export interface TestDecoder<S> extends AppDecoder<S> {
  matchesContent(p: AppPayload): boolean;
  exported(state: S): void;
}

/** One field a decoder wrote, in order. */
export type FieldEvent = readonly [column: string, value: string | number];

/** A sink that records every field written. */
export class RecordingSink implements AppFieldSink {
  readonly events: FieldEvent[] = [];
  setString(column: string, value: string): void {
    this.events.push([column, value]);
  }
  setNumber(column: string, value: number): void {
    this.events.push([column, value]);
  }
  setAddress(column: string): void {
    this.events.push([column, 'address']);
  }
}

/** A TCP flow the tiny flow map followed. `key` names both endpoints, lower first (tshark-independent). */
export interface TestFlow {
  readonly key: string;
  readonly client: string;
  readonly server: string;
  readonly sink: RecordingSink;
  /** The decoder's state, once a decoder took the flow. */
  state: unknown;
  decoder: TestDecoder<unknown> | undefined;
  /** Set until the client's first payload decides the decoder by content. */
  undecided: boolean;
}

export interface DecodeOptions {
  /** Whether to call `exported` on the flow's state before handing it this payload (default: never). */
  readonly exportBefore?: (state: unknown, p: AppPayload) => boolean;
}

/** `addr:port` pairs as one key, lower endpoint first (the same key tshark's rows are given). */
export function flowKey(a: string, pa: number, b: string, pb: number): string {
  const x = `${a} ${pa}`;
  const y = `${b} ${pb}`;
  return x < y ? `${x} | ${y}` : `${y} | ${x}`;
}

/**
 * Reads a capture and hands each TCP payload to a decoder, as the agent's flow table would: the
 * client is the SYN's sender (else the side with the higher port), the decoder the first that
 * matches the ports, else the first that matches the client's first payload.
 */
export async function decodeCapture(
  file: string,
  decoders: readonly TestDecoder<unknown>[],
  options: DecodeOptions = {},
): Promise<Map<string, TestFlow>> {
  const info = new PacketInfo();
  const flows = new Map<string, TestFlow>();
  const p: AppPayload = {
    buf: new Uint8Array(0),
    start: 0,
    end: 0,
    wireLength: 0,
    timeMs: 0,
    dir: Dir.FromClient,
    transport: 'tcp',
    seq: 0,
  };
  await readCaptureFile(file, (buf, offset, length, ms, linkType) => {
    if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok || info.protocol !== IpProtocol.TCP)
      return;
    const size = info.ipVersion === 6 ? 16 : 4;
    const src = addressText(buf, info.srcAddrOffset, size);
    const dst = addressText(buf, info.dstAddrOffset, size);
    const key = flowKey(src, info.srcPort, dst, info.dstPort);
    let flow = flows.get(key);
    const srcText = `${src} ${info.srcPort}`;
    const dstText = `${dst} ${info.dstPort}`;
    if (flow === undefined) {
      const syn = (info.tcpFlags & 0x02) !== 0;
      const ack = (info.tcpFlags & 0x10) !== 0;
      const srcIsClient = syn ? !ack : info.srcPort > info.dstPort;
      const client = srcIsClient ? srcText : dstText;
      const server = srcIsClient ? dstText : srcText;
      const cp = srcIsClient ? info.srcPort : info.dstPort;
      const sp = srcIsClient ? info.dstPort : info.srcPort;
      const decoder = decoders.find((d) => d.matchesPorts(cp, sp, 'tcp'));
      flow = {
        key,
        client,
        server,
        sink: new RecordingSink(),
        state: decoder?.newState(),
        decoder,
        undecided: decoder === undefined,
      };
      flows.set(key, flow);
    }
    const ipLength = ipWireLength(buf, info, offset, length);
    const wire = Math.max(0, ipLength - (info.payloadOffset - info.ipOffset));
    if (wire === 0) return;
    p.buf = buf;
    p.start = info.payloadOffset;
    p.end = info.payloadOffset + info.payloadLength;
    p.wireLength = wire;
    p.timeMs = ms;
    p.dir = srcText === flow.client ? Dir.FromClient : Dir.FromServer;
    p.seq = info.tcpSeq;
    if (flow.undecided && p.dir === Dir.FromClient) {
      flow.undecided = false;
      flow.decoder = decoders.find((d) => d.matchesContent(p));
      flow.state = flow.decoder?.newState();
    }
    if (flow.decoder === undefined) return;
    if (options.exportBefore?.(flow.state, p)) flow.decoder.exported(flow.state);
    flow.decoder.payload(flow.state, p, flow.sink);
  });
  return flows;
}

/** The IP packet's length as sent, from its header (the captured length when the field is 0). */
function ipWireLength(buf: Uint8Array, info: PacketInfo, offset: number, length: number): number {
  const o = info.ipOffset;
  if (info.ipVersion === 4) {
    const total = (buf[o + 2]! << 8) | buf[o + 3]!;
    return total === 0 ? offset + length - o : total;
  }
  const payload = (buf[o + 4]! << 8) | buf[o + 5]!;
  return payload === 0 ? offset + length - o : payload + 40;
}
