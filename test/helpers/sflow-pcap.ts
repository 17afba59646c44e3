import { writeFileSync } from 'node:fs';
import { parsePacket } from '../../src/capture/link.js';
import { IpProtocol, PacketInfo, Parsed } from '../../src/capture/packet-info.js';
import { readCaptureFile } from '../../src/capture/reader.js';

/** Capture access for the sFlow tests: UDP payloads of a capture, and a writer tshark can read. */
/** The UDP payloads sent to `port` in a capture, read with flowlens's own capture reader. */
export async function udpPayloads(path: string, port = 6343): Promise<Uint8Array[]> {
  const info = new PacketInfo();
  const out: Uint8Array[] = [];
  await readCaptureFile(path, (buf, offset, length, _ms, linkType) => {
    if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok) return;
    if (info.protocol !== IpProtocol.UDP || info.dstPort !== port) return;
    out.push(buf.slice(info.payloadOffset, info.payloadOffset + info.payloadLength));
  });
  return out;
}

/** Writes datagrams as Ethernet/IPv4/UDP frames from 192.0.2.1 to 192.0.2.2 port `port`. */
export function writeUdpPcap(path: string, datagrams: Uint8Array[], port = 6343): void {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  parts.push(header);
  datagrams.forEach((payload, n) => {
    const frame = Buffer.alloc(14 + 20 + 8 + payload.length);
    frame.writeUInt16BE(0x0800, 12);
    frame[6] = 0x02;
    frame[0] = 0x02;
    frame[5] = 1;
    frame.writeUInt8(0x45, 14);
    frame.writeUInt16BE(20 + 8 + payload.length, 16);
    frame.writeUInt8(64, 22);
    frame.writeUInt8(17, 23);
    frame.set([192, 0, 2, 1, 192, 0, 2, 2], 26);
    frame.writeUInt16BE(40000, 34);
    frame.writeUInt16BE(port, 36);
    frame.writeUInt16BE(8 + payload.length, 38);
    frame.set(payload, 42);
    const rec = Buffer.alloc(16);
    rec.writeUInt32LE(1_700_000_000 + n, 0);
    rec.writeUInt32LE(frame.length, 8);
    rec.writeUInt32LE(frame.length, 12);
    parts.push(rec, frame);
  });
  writeFileSync(path, Buffer.concat(parts));
}
