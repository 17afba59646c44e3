/**
 * Drives application decoders packet by packet over a capture, as the flow table would: a tiny
 * flow map (5-tuple; client: a SYN's sender, else the side with the higher port, else the first
 * sender), one decoder state per flow, and a sink that records what each packet's payload made the
 * decoder write.
 */

import { type AppDecoder, type AppFieldSink, type AppPayload, Dir } from '../../src/agent/contract.js';
import { addressText } from '../../src/capture/address.js';
import { parsePacket } from '../../src/capture/link.js';
import { IpProtocol, PacketInfo, Parsed } from '../../src/capture/packet-info.js';
import { readCaptureFile } from '../../src/capture/reader.js';

export type FieldValue = string | number;

/** Records the fields written while one payload was decoded; addresses as text. */
export class RecordingSink implements AppFieldSink {
  fields = new Map<string, FieldValue>();
  setString(column: string, value: string): void {
    this.fields.set(column, value);
  }
  setNumber(column: string, value: number): void {
    this.fields.set(column, value);
  }
  setAddress(column: string, buf: Uint8Array, offset: number, length: 4 | 16): void {
    this.fields.set(column, addressText(buf, offset, length));
  }
}

/** A decoder with the export hook flowlens' DNS and DHCP decoders have. */
type Decoder = AppDecoder<unknown> & { exported?(state: unknown): void };

interface Flow {
  readonly decoder: Decoder;
  readonly state: unknown;
  readonly client: string;
}

export interface DecodedPacket {
  /** 1-based packet number (tshark's frame number when the capture has only packets). */
  readonly packet: number;
  readonly fields: ReadonlyMap<string, FieldValue>;
}

export interface HarnessOptions {
  /** Call the decoder's `exported` after every packet, as if each packet ended a record. */
  readonly exportEachPacket: boolean;
}

/** Every packet of `file` with a payload for one of `decoders`, and what the decoder wrote for it. */
export async function decodeCapture(
  file: string,
  decoders: readonly Decoder[],
  options: HarnessOptions,
): Promise<DecodedPacket[]> {
  const info = new PacketInfo();
  const flows = new Map<string, Flow>();
  const out: DecodedPacket[] = [];
  const payload: AppPayload = {
    buf: new Uint8Array(0),
    start: 0,
    end: 0,
    wireLength: 0,
    timeMs: 0,
    dir: Dir.FromClient,
    transport: 'udp',
    seq: 0,
  };
  let packet = 0;
  await readCaptureFile(file, (buf, offset, length, ms, linkType) => {
    packet++;
    if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok) return;
    const transport =
      info.protocol === IpProtocol.UDP ? 'udp' : info.protocol === IpProtocol.TCP ? 'tcp' : undefined;
    if (transport === undefined) return;
    const size = info.ipVersion === 6 ? 16 : 4;
    const src = `${addressText(buf, info.srcAddrOffset, size)}:${info.srcPort}`;
    const dst = `${addressText(buf, info.dstAddrOffset, size)}:${info.dstPort}`;
    const key = `${transport} ${[src, dst].sort().join(' ')}`;
    let flow = flows.get(key);
    if (flow === undefined) {
      const syn = transport === 'tcp' && (info.tcpFlags & 0x12) === 0x02;
      const srcIsClient = syn || (info.srcPort !== info.dstPort ? info.srcPort > info.dstPort : true);
      const clientPort = srcIsClient ? info.srcPort : info.dstPort;
      const serverPort = srcIsClient ? info.dstPort : info.srcPort;
      const decoder = decoders.find((d) => d.matchesPorts(clientPort, serverPort, transport));
      if (decoder === undefined) return;
      flow = { decoder, state: decoder.newState(), client: srcIsClient ? src : dst };
      flows.set(key, flow);
    }
    const wire = payloadWireLength(buf, info);
    if (wire <= 0) return;
    payload.buf = buf;
    payload.start = info.payloadOffset;
    payload.end = info.payloadOffset + info.payloadLength;
    payload.wireLength = wire;
    payload.timeMs = ms;
    payload.dir = src === flow.client ? Dir.FromClient : Dir.FromServer;
    payload.transport = transport;
    payload.seq = info.tcpSeq;
    const sink = new RecordingSink();
    flow.decoder.payload(flow.state, payload, sink);
    if (options.exportEachPacket) flow.decoder.exported?.(flow.state);
    out.push({ packet, fields: sink.fields });
  });
  return out;
}

/** The transport payload's length as sent, from the UDP length or the IP length (not the capture). */
function payloadWireLength(buf: Uint8Array, info: PacketInfo): number {
  if (info.protocol === IpProtocol.UDP) {
    const udpLength = (buf[info.l4Offset + 4]! << 8) | buf[info.l4Offset + 5]!;
    return udpLength === 0 ? info.payloadLength : udpLength - 8;
  }
  const ipLength =
    info.ipVersion === 4
      ? (buf[info.ipOffset + 2]! << 8) | buf[info.ipOffset + 3]!
      : 40 + ((buf[info.ipOffset + 4]! << 8) | buf[info.ipOffset + 5]!);
  return ipLength - (info.payloadOffset - info.ipOffset);
}
