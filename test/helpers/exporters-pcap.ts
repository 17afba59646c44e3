import { readFileSync, writeFileSync } from 'node:fs';

export interface UdpDatagram {
  /** Source IPv4 address: the exporter. */
  readonly source: string;
  readonly payload: Buffer;
}

/**
 * The UDP payloads of a classic pcap file of IPv4 export traffic (Ethernet, optionally 802.1Q, or
 * Linux cooked capture): enough to replay flow-export captures into the collector.
 */
export function udpDatagrams(file: string): UdpDatagram[] {
  const buf = readFileSync(file);
  const magic = buf.readUInt32LE(0);
  const le = magic === 0xa1b2c3d4 || magic === 0xa1b23c4d;
  const u32 = (o: number) => (le ? buf.readUInt32LE(o) : buf.readUInt32BE(o));
  const linkType = u32(20) & 0xffff;
  const out: UdpDatagram[] = [];
  for (let o = 24; o + 16 <= buf.length; ) {
    const caplen = u32(o + 8);
    const frame = buf.subarray(o + 16, o + 16 + caplen);
    o += 16 + caplen;
    let ip: number;
    let etherType: number;
    if (linkType === 1) {
      ip = 14;
      etherType = frame.readUInt16BE(12);
      while (etherType === 0x8100 || etherType === 0x88a8) {
        etherType = frame.readUInt16BE(ip + 2);
        ip += 4;
      }
    } else if (linkType === 113) {
      ip = 16;
      etherType = frame.readUInt16BE(14);
    } else throw new Error(`${file}: link type ${linkType} not handled by this test helper`);
    if (etherType !== 0x0800 || frame[ip + 9] !== 17) continue;
    const udp = ip + (frame[ip]! & 0x0f) * 4;
    const length = frame.readUInt16BE(udp + 4);
    out.push({
      source: [...frame.subarray(ip + 12, ip + 16)].join('.'),
      payload: frame.subarray(udp + 8, udp + length),
    });
  }
  return out;
}

/**
 * Writes a pcap (Ethernet, IPv4/IPv6, UDP and TCP) of `flows` distinct flows of `packetsPerFlow`
 * packets each, for exporters such as softflowd to turn into a multi-datagram export. Every
 * third flow is IPv6; sizes vary so that byte totals are not trivially proportional.
 */
export function writeFlowsPcap(
  file: string,
  flows: number,
  packetsPerFlow: number,
  startSeconds = 1_700_000_000,
): void {
  const records: Buffer[] = [];
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(1, 20);
  records.push(header);
  for (let p = 0; p < packetsPerFlow; p++) {
    for (let f = 0; f < flows; f++) {
      const frame = packet(f, 40 + ((f * 7 + p * 13) % 200));
      const rec = Buffer.alloc(16);
      const usec = p * flows + f;
      rec.writeUInt32LE(startSeconds + Math.floor(usec / 1_000_000), 0);
      rec.writeUInt32LE(usec % 1_000_000, 4);
      rec.writeUInt32LE(frame.length, 8);
      rec.writeUInt32LE(frame.length, 12);
      records.push(rec, frame);
    }
  }
  writeFileSync(file, Buffer.concat(records));
}

function packet(flow: number, payload: number): Buffer {
  const v6 = flow % 3 === 2;
  const tcp = flow % 2 === 0;
  const l4 = Buffer.alloc((tcp ? 20 : 8) + payload);
  l4.writeUInt16BE(10_000 + (flow % 50_000), 0);
  l4.writeUInt16BE(tcp ? 443 : 53, 2);
  if (tcp) {
    l4[12] = 0x50;
    l4[13] = 0x18; // PSH ACK
  } else l4.writeUInt16BE(l4.length, 4);
  const eth = Buffer.alloc(14);
  eth.writeUInt16BE(v6 ? 0x86dd : 0x0800, 12);
  let ip: Buffer;
  if (v6) {
    ip = Buffer.alloc(40);
    ip.writeUInt32BE(0x60000000, 0);
    ip.writeUInt16BE(l4.length, 4);
    ip[6] = tcp ? 6 : 17;
    ip[7] = 64;
    ip.writeUInt16BE(0x2001, 8);
    ip.writeUInt16BE(0x0db8, 10);
    ip.writeUInt32BE(flow, 20);
    ip.writeUInt16BE(0x2001, 24);
    ip.writeUInt16BE(0x0db8, 26);
    ip[39] = 1;
  } else {
    ip = Buffer.alloc(20);
    ip[0] = 0x45;
    ip.writeUInt16BE(20 + l4.length, 2);
    ip[8] = 64;
    ip[9] = tcp ? 6 : 17;
    ip.writeUInt32BE(0x0a000000 + flow, 12);
    ip.writeUInt32BE(0xc0a80001, 16);
  }
  return Buffer.concat([eth, ip, l4]);
}
