import { copyIPv4 } from '../../flow/addr.js';
import { F, type FlowBatch } from '../../flow/batch.js';
import type { FlowSampleFields } from './flow-sample-fields.js';

/**
 * Writes parsed flow samples into a flow batch. `bind` fetches the column arrays once per
 * datagram (they are replaced when the batch grows); `write` then costs no lookups.
 */
export class FlowRowWriter {
  private startTime: Float64Array = new Float64Array(0);
  private deviceId: Uint32Array = new Uint32Array(0);
  private deviceName: Uint32Array = new Uint32Array(0);
  private sampleRate: Uint32Array = new Uint32Array(0);
  private flowStart: Float64Array = new Float64Array(0);
  private flowEnd: Float64Array = new Float64Array(0);
  private src: Uint8Array = new Uint8Array(0);
  private dst: Uint8Array = new Uint8Array(0);
  private srcPort: Uint16Array = new Uint16Array(0);
  private dstPort: Uint16Array = new Uint16Array(0);
  private proto: Uint8Array = new Uint8Array(0);
  private flags: Uint8Array = new Uint8Array(0);
  private tos: Uint8Array = new Uint8Array(0);
  private bytes: Float64Array = new Float64Array(0);
  private pkts: Float64Array = new Float64Array(0);
  private inPort: Uint32Array = new Uint32Array(0);
  private outPort: Uint32Array = new Uint32Array(0);
  private vlanIn: Uint16Array = new Uint16Array(0);
  private vlanOut: Uint16Array = new Uint16Array(0);
  private srcAs: Uint32Array = new Uint32Array(0);
  private dstAs: Uint32Array = new Uint32Array(0);
  private srcMask: Uint8Array = new Uint8Array(0);
  private dstMask: Uint8Array = new Uint8Array(0);
  private nextHop: Uint8Array = new Uint8Array(0);
  private bgpNextHop: Uint8Array = new Uint8Array(0);
  private srcMac: Float64Array = new Float64Array(0);
  private dstMac: Float64Array = new Float64Array(0);
  private ipVersion: Uint8Array = new Uint8Array(0);
  private mpls: Uint32Array = new Uint32Array(0);

  private batch: FlowBatch | undefined;

  bind(b: FlowBatch): void {
    b.touchAll(touched);
    const a = b.arrays;
    // The arrays change only when the batch grows (or is another batch).
    if (b === this.batch && a[F.src_addr] === this.src) return;
    this.batch = b;
    this.startTime = a[F.i_start_time] as Float64Array;
    this.deviceId = a[F.i_device_id] as Uint32Array;
    this.deviceName = a[F.i_device_name] as Uint32Array;
    this.sampleRate = a[F.sample_rate] as Uint32Array;
    this.flowStart = a[F.flow_start_time] as Float64Array;
    this.flowEnd = a[F.flow_end_time] as Float64Array;
    this.src = a[F.src_addr] as Uint8Array;
    this.dst = a[F.dst_addr] as Uint8Array;
    this.srcPort = a[F.l4_src_port] as Uint16Array;
    this.dstPort = a[F.l4_dst_port] as Uint16Array;
    this.proto = a[F.protocol] as Uint8Array;
    this.flags = a[F.tcp_flags] as Uint8Array;
    this.tos = a[F.tos] as Uint8Array;
    this.bytes = a[F.in_bytes] as Float64Array;
    this.pkts = a[F.in_pkts] as Float64Array;
    this.inPort = a[F.input_port] as Uint32Array;
    this.outPort = a[F.output_port] as Uint32Array;
    this.vlanIn = a[F.vlan_in] as Uint16Array;
    this.vlanOut = a[F.vlan_out] as Uint16Array;
    this.srcAs = a[F.src_as] as Uint32Array;
    this.dstAs = a[F.dst_as] as Uint32Array;
    this.srcMask = a[F.src_route_length] as Uint8Array;
    this.dstMask = a[F.dst_route_length] as Uint8Array;
    this.nextHop = a[F.ipv4_next_hop] as Uint8Array;
    this.bgpNextHop = a[F.bgp_next_hop] as Uint8Array;
    this.srcMac = a[F.src_eth_mac] as Float64Array;
    this.dstMac = a[F.dst_eth_mac] as Float64Array;
    this.ipVersion = a[F.ip_version] as Uint8Array;
    this.mpls = a[F.mpls_label] as Uint32Array;
  }

  /**
   * One row per flow sample: one sampled packet stands for `rate` packets. The sample carries no
   * time of its own, so flow_start_time and flow_end_time are the time the datagram was received
   * (agents export within about a second of sampling).
   */
  write(
    row: number,
    buf: Uint8Array,
    f: FlowSampleFields,
    rate: number,
    minute: number,
    receivedAt: number,
    deviceId: number,
    deviceName: number,
  ): void {
    this.startTime[row] = minute;
    this.deviceId[row] = deviceId;
    this.deviceName[row] = deviceName;
    this.sampleRate[row] = rate;
    this.flowStart[row] = receivedAt;
    this.flowEnd[row] = receivedAt;
    this.pkts[row] = rate;
    this.bytes[row] = f.frameLength * rate;
    this.inPort[row] = f.inputPort;
    this.outPort[row] = f.outputPort;
    this.srcMac[row] = f.srcMac;
    this.dstMac[row] = f.dstMac;
    if (f.ipVersion === 4) {
      copyIPv4(this.src, row, buf, f.srcAddrOff);
      copyIPv4(this.dst, row, buf, f.dstAddrOff);
    } else if (f.ipVersion === 6) {
      copy16(this.src, row, buf, f.srcAddrOff);
      copy16(this.dst, row, buf, f.dstAddrOff);
    }
    this.ipVersion[row] = f.ipVersion;
    this.proto[row] = f.protocol;
    this.srcPort[row] = f.srcPort;
    this.dstPort[row] = f.dstPort;
    this.flags[row] = f.tcpFlags;
    // Cells past the batch's length are zero: columns that are usually unset are written only
    // when set, which spares the stores (and their cache lines) on the hot path.
    if (f.tos !== 0) this.tos[row] = f.tos;
    const vlanIn = f.switchVlanIn !== 0 ? f.switchVlanIn : f.vlan;
    if (vlanIn !== 0) this.vlanIn[row] = vlanIn;
    if (f.switchVlanOut !== 0) this.vlanOut[row] = f.switchVlanOut;
    if (f.mplsLabel !== 0) this.mpls[row] = f.mplsLabel;
    if (f.srcAs !== 0) this.srcAs[row] = f.srcAs;
    if (f.dstAs !== 0) this.dstAs[row] = f.dstAs;
    if (f.srcMask !== 0) this.srcMask[row] = f.srcMask;
    if (f.dstMask !== 0) this.dstMask[row] = f.dstMask;
    copyNextHop(this.nextHop, row, buf, f.nextHopOff, f.nextHopLen);
    copyNextHop(this.bgpNextHop, row, buf, f.bgpNextHopOff, f.bgpNextHopLen);
  }
}

/** An all-zero next hop (0.0.0.0, ::) means "none": the cell stays zero. */
function copyNextHop(col: Uint8Array, row: number, buf: Uint8Array, off: number, len: number): void {
  if (len === 4) {
    if ((buf[off]! | buf[off + 1]! | buf[off + 2]! | buf[off + 3]!) !== 0) copyIPv4(col, row, buf, off);
  } else if (len === 16) {
    for (let i = 0; i < 16; i++) {
      if (buf[off + i] !== 0) {
        copy16(col, row, buf, off);
        return;
      }
    }
  }
}

/** Copies an IPv6 address byte by byte: `subarray` on a Node Buffer would allocate. */
function copy16(col: Uint8Array, row: number, buf: Uint8Array, off: number): void {
  const o = row * 16;
  for (let i = 0; i < 16; i++) col[o + i] = buf[off + i]!;
}

const touched = [
  F.i_start_time,
  F.i_device_id,
  F.i_device_name,
  F.sample_rate,
  F.flow_start_time,
  F.flow_end_time,
  F.src_addr,
  F.dst_addr,
  F.l4_src_port,
  F.l4_dst_port,
  F.protocol,
  F.tcp_flags,
  F.tos,
  F.in_bytes,
  F.in_pkts,
  F.input_port,
  F.output_port,
  F.vlan_in,
  F.vlan_out,
  F.src_as,
  F.dst_as,
  F.src_route_length,
  F.dst_route_length,
  F.ipv4_next_hop,
  F.bgp_next_hop,
  F.src_eth_mac,
  F.dst_eth_mac,
  F.ip_version,
  F.mpls_label,
];
