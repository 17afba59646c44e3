import assert from 'node:assert/strict';
import { addressText } from '../../src/capture/address.js';
import { parsePacket } from '../../src/capture/link.js';
import { PacketInfo, packetSkipReasons } from '../../src/capture/packet-info.js';
import { type CaptureReaderConfig, type CaptureSummary, readCaptureFile } from '../../src/capture/reader.js';
import { epochTextToMs, tsharkFrames } from './capture-tools.js';

/** What the reader and the packet parser made of one packet. */
export interface SeenPacket {
  readonly ms: number;
  readonly capLen: number;
  readonly origLen: number;
  readonly linkType: number;
  readonly status: string;
  readonly src: string;
  readonly dst: string;
  readonly protocol: number;
  readonly srcPort: number;
  readonly dstPort: number;
}

export async function readAndParse(
  file: string,
  config?: CaptureReaderConfig,
): Promise<{ packets: SeenPacket[]; summary: CaptureSummary }> {
  const info = new PacketInfo();
  const packets: SeenPacket[] = [];
  const summary = await readCaptureFile(
    file,
    (buf, offset, length, ms, linkType, origLen) => {
      const status = parsePacket(buf, offset, length, linkType, info);
      const size = info.ipVersion === 6 ? 16 : 4;
      packets.push({
        ms,
        capLen: length,
        origLen,
        linkType,
        status: packetSkipReasons[status]!,
        src: info.ipVersion === 0 ? '' : addressText(buf, info.srcAddrOffset, size),
        dst: info.ipVersion === 0 ? '' : addressText(buf, info.dstAddrOffset, size),
        protocol: info.protocol,
        srcPort: info.srcPort,
        dstPort: info.dstPort,
      });
    },
    config,
  );
  return { packets, summary };
}

/**
 * Checks every packet against tshark's decode of the same file: count, time, lengths, outer IP
 * addresses, and UDP/TCP ports where the packet has a transport header.
 */
export async function assertMatchesTshark(file: string, packets: readonly SeenPacket[]): Promise<void> {
  const frames = await tsharkFrames(file);
  assert.equal(packets.length, frames.length, `${file}: packet count`);
  frames.forEach((f, i) => {
    const p = packets[i]!;
    const where = `${file} packet ${i + 1}`;
    assert.ok(Math.abs(p.ms - epochTextToMs(f.timeEpoch)) < 1e-3, `${where}: time ${p.ms} vs ${f.timeEpoch}`);
    assert.equal(p.capLen, f.capLen, `${where}: captured length`);
    assert.equal(p.origLen, f.len, `${where}: original length`);
    assert.equal(p.src, f.src, `${where}: source address (${p.status})`);
    assert.equal(p.dst, f.dst, `${where}: destination address`);
    if (p.status !== 'ok') {
      // Only fragments and non-IP packets are expected to stop early in these captures.
      assert.ok(
        p.status === 'ip_fragment' || (p.status === 'not_ip' && f.src === ''),
        `${where}: ${p.status}`,
      );
      return;
    }
    if (p.protocol === 17) {
      assert.equal(String(p.srcPort), f.udpSrcPort, `${where}: UDP source port`);
      assert.equal(String(p.dstPort), f.udpDstPort, `${where}: UDP destination port`);
    } else if (p.protocol === 6) {
      assert.equal(String(p.srcPort), f.tcpSrcPort, `${where}: TCP source port`);
      assert.equal(String(p.dstPort), f.tcpDstPort, `${where}: TCP destination port`);
    } else if (f.protocol !== '') {
      assert.equal(String(p.protocol), f.protocol, `${where}: IP protocol`);
    }
  });
}
