import { writeFileSync } from 'node:fs';
import { Dir, type TcpSegment } from '../../src/agent/contract.js';
import { LinkType } from '../../src/capture/linktype.js';
import { ipv4 } from './capture-craft.js';
import { type TestPacket, writePcap } from './capture-writer.js';

const CLIENT = { addr: '192.0.2.1', port: 40000 };
const SERVER = { addr: '198.51.100.2', port: 80 };
/** Scenario time 0 (ms) in the capture: 2023-11-14T22:13:20Z. */
const BASE_MICROS = 1_700_000_000_000_000n;

function tcpHeader(s: TcpSegment, srcPort: number, dstPort: number): number[] {
  const options = s.flags & 0x02 && s.windowScale >= 0 ? [1, 3, 3, s.windowScale] : [];
  const h = new Uint8Array(20 + options.length + s.payloadLength);
  const v = new DataView(h.buffer);
  v.setUint16(0, srcPort);
  v.setUint16(2, dstPort);
  v.setUint32(4, s.seq >>> 0);
  v.setUint32(8, s.ack >>> 0);
  h[12] = ((20 + options.length) / 4) << 4;
  h[13] = s.flags;
  v.setUint16(14, s.window);
  h.set(options, 20);
  h.fill(0x61, 20 + options.length);
  return [...h];
}

/** Writes a hand-built conversation as a raw-IPv4 pcap (client 192.0.2.1:40000, server 198.51.100.2:80). */
export function writeScenarioPcap(file: string, segments: readonly TcpSegment[]): void {
  const packets: TestPacket[] = segments.map((s) => {
    const [from, to] = s.dir === Dir.FromClient ? [CLIENT, SERVER] : [SERVER, CLIENT];
    const data = Uint8Array.from(
      ipv4({ protocol: 6, src: from.addr, dst: to.addr }, tcpHeader(s, from.port, to.port)),
    );
    return {
      micros: BASE_MICROS + BigInt(Math.round(s.timeMs * 1000)),
      data,
      originalLength: data.length,
      linkType: LinkType.RAW,
    };
  });
  writeFileSync(file, writePcap(packets, LinkType.RAW));
}
