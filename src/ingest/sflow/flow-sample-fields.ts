import { PacketFields } from './packet-header.js';

/** What one flow sample contributes to its flow row. One instance is reused for every sample. */
export class FlowSampleFields extends PacketFields {
  sequence = 0;
  /** Data source (source id type * 2^32 + index), the key of its sample sequence numbers. */
  sourceKey = 0;
  samplingRate = 0;
  inputPort = 0;
  outputPort = 0;
  /** Bytes of the sampled packet, from the best record that reports it (see frameLengthRank). */
  frameLength = 0;
  /** 3 raw header's frame length, 2 sampled Ethernet's, 1 sampled IP's packet length. */
  frameLengthRank = 0;
  /** Offset of a sampled IPv4/IPv6 record (formats 3, 4), applied if no raw header gave IP. */
  sampledIpOff = 0;
  sampledIpVersion = 0;
  /** VLANs of the extended switch record (1..4095, else 0); they win over the header's tag. */
  switchVlanIn = 0;
  switchVlanOut = 0;
  /** Extended router next hop: offset and length (4 or 16; 0 = none). */
  nextHopOff = 0;
  nextHopLen = 0;
  /** Extended gateway (BGP) next hop: offset and length. */
  bgpNextHopOff = 0;
  bgpNextHopLen = 0;
  srcAs = 0;
  dstAs = 0;
  srcMask = 0;
  dstMask = 0;

  reset(): void {
    this.resetPacket();
    this.sequence = 0;
    this.sourceKey = 0;
    this.samplingRate = 0;
    this.inputPort = 0;
    this.outputPort = 0;
    this.frameLength = 0;
    this.frameLengthRank = 0;
    this.sampledIpOff = 0;
    this.sampledIpVersion = 0;
    this.switchVlanIn = 0;
    this.switchVlanOut = 0;
    this.nextHopOff = 0;
    this.nextHopLen = 0;
    this.bgpNextHopOff = 0;
    this.bgpNextHopLen = 0;
    this.srcAs = 0;
    this.dstAs = 0;
    this.srcMask = 0;
    this.dstMask = 0;
  }
}
