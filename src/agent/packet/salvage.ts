import { IpProtocol, type PacketInfo, Parsed } from '../../capture/packet-info.js';

/**
 * A TCP header cut by the snap length inside its options (`tcpdump -s 64` and the like) still
 * has its ports, sequence numbers, flags and window in its first 20 bytes: the agent counts such
 * a packet in its flow (with no payload, flagged truncated) instead of skipping it. The capture
 * parser reports it as truncated_l4; returns the status to use.
 */
export function salvageCutTcp(buf: Uint8Array, info: PacketInfo, status: number): number {
  if (status !== Parsed.truncatedL4 || info.protocol !== IpProtocol.TCP) return status;
  const o = info.l4Offset;
  if (info.l4End - o < 20 || (buf[o + 12]! >> 4) * 4 < 20) return status;
  info.srcPort = (buf[o]! << 8) | buf[o + 1]!;
  info.dstPort = (buf[o + 2]! << 8) | buf[o + 3]!;
  info.tcpSeq = ((buf[o + 4]! << 24) | (buf[o + 5]! << 16) | (buf[o + 6]! << 8) | buf[o + 7]!) >>> 0;
  info.tcpAck = ((buf[o + 8]! << 24) | (buf[o + 9]! << 16) | (buf[o + 10]! << 8) | buf[o + 11]!) >>> 0;
  info.tcpFlags = buf[o + 13]!;
  info.tcpWindow = (buf[o + 14]! << 8) | buf[o + 15]!;
  info.payloadOffset = info.l4End;
  info.payloadLength = 0;
  info.truncated = true;
  return Parsed.ok;
}
