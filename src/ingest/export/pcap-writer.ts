import { setIPv4 } from './flow.js';
import { writeEthernet, writeIPv4Header } from './headers.js';

export interface UdpEndpoints {
  /** IPv4 addresses as dotted quads. */
  srcAddr: string;
  dstAddr: string;
  srcPort: number;
  dstPort: number;
}

const GLOBAL_HEADER = 24;
const RECORD_HEADER = 16;
const FRAME_HEADERS = 14 + 20 + 8;

/**
 * A minimal classic-pcap writer (microsecond timestamps, Ethernet link type) that wraps export
 * datagrams in Ethernet/IPv4/UDP, so that tshark or any capture tool can read what the encoders
 * built. Collects records in memory; `toBuffer()` returns the file.
 */
export class PcapWriter {
  private readonly chunks: Buffer[] = [];
  private ipId = 0;

  constructor() {
    const h = Buffer.alloc(GLOBAL_HEADER);
    h.writeUInt32LE(0xa1b2c3d4, 0);
    h.writeUInt16LE(2, 4);
    h.writeUInt16LE(4, 6);
    h.writeUInt32LE(0, 8); // thiszone
    h.writeUInt32LE(0, 12); // sigfigs
    h.writeUInt32LE(65535, 16); // snaplen
    h.writeUInt32LE(1, 20); // LINKTYPE_ETHERNET
    this.chunks.push(h);
  }

  /** Appends one UDP datagram carrying `payload`, captured at `timeMs`. */
  addUdp(payload: Uint8Array, ep: UdpEndpoints, timeMs: number): void {
    const frameLength = FRAME_HEADERS + payload.length;
    const rec = Buffer.alloc(RECORD_HEADER + frameLength);
    rec.writeUInt32LE(Math.floor(timeMs / 1000), 0);
    rec.writeUInt32LE(Math.round((timeMs % 1000) * 1000), 4);
    rec.writeUInt32LE(frameLength, 8);
    rec.writeUInt32LE(frameLength, 12);
    let o = writeEthernet(rec, RECORD_HEADER, 0x02_00_00_00_00_02, 0x02_00_00_00_00_01, 0x0800, 0);
    o = writeIPv4Header(rec, o, 0, 20 + 8 + payload.length, 17, v4(ep.srcAddr), v4(ep.dstAddr), this.ipId++);
    rec.writeUInt16BE(ep.srcPort, o);
    rec.writeUInt16BE(ep.dstPort, o + 2);
    rec.writeUInt16BE(8 + payload.length, o + 4);
    rec.writeUInt16BE(0, o + 6); // no checksum (allowed for UDP over IPv4)
    rec.set(payload, o + 8);
    this.chunks.push(rec);
  }

  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function v4(text: string): Uint8Array {
  const parts = text.split('.').map(Number);
  const out = new Uint8Array(16);
  setIPv4(out, ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0);
  return out;
}
