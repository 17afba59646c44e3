import { IpProtocol, type PacketInfo } from '../../capture/packet-info.js';
import { Dir, type TcpSegment } from '../contract.js';
import { tcpWindowScale } from './options.js';

const SYN = 2;

/** A reusable TcpSegment with every field zero (windowScale -1). */
export function newTcpSegment(): TcpSegment {
  return {
    timeMs: 0,
    dir: Dir.FromClient,
    seq: 0,
    ack: 0,
    flags: 0,
    window: 0,
    windowScale: -1,
    payloadLength: 0,
  };
}

/**
 * Fills `out` from a TCP packet that `parsePacket` parsed into `info` (it must have returned ok with
 * protocol TCP). The payload length is the one the IP header announces (what was sent), so a
 * segment cut by the snap length keeps its real length, as Wireshark's `tcp.len`; when the IP
 * length field is 0 (segmentation offload on the capturing host) the captured length is all there
 * is. Returns false, leaving `out` alone, for a packet that is not TCP.
 */
export function segmentOf(
  info: PacketInfo,
  buf: Uint8Array,
  timeMs: number,
  dir: Dir,
  out: TcpSegment,
): boolean {
  if (info.protocol !== IpProtocol.TCP || info.payloadOffset === 0) return false;
  out.timeMs = timeMs;
  out.dir = dir;
  out.seq = info.tcpSeq;
  out.ack = info.tcpAck;
  out.flags = info.tcpFlags;
  out.window = info.tcpWindow;
  out.windowScale = info.tcpFlags & SYN ? tcpWindowScale(buf, info.l4Offset, info.payloadOffset) : -1;
  out.payloadLength = wirePayloadLength(info, buf);
  return true;
}

function wirePayloadLength(info: PacketInfo, buf: Uint8Array): number {
  const ip = info.ipOffset;
  let wireEnd: number;
  if (info.ipVersion === 4) {
    const total = (buf[ip + 2]! << 8) | buf[ip + 3]!;
    if (total === 0) return info.payloadLength;
    wireEnd = ip + total;
  } else {
    const payload = (buf[ip + 4]! << 8) | buf[ip + 5]!;
    if (payload === 0) return info.payloadLength;
    wireEnd = ip + 40 + payload;
  }
  return Math.max(info.payloadLength, wireEnd - info.payloadOffset);
}
