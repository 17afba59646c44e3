import { readMac } from '../../flow/addr.js';
import type { FlowSampleFields } from './flow-sample-fields.js';
import { parseEthernet, parseIPv4, parseIPv6 } from './packet-header.js';

const RAW_HEADER = 1;
const SAMPLED_ETHERNET = 2;
const SAMPLED_IPV4 = 3;
const SAMPLED_IPV6 = 4;
const EXTENDED_SWITCH = 1001;
const EXTENDED_ROUTER = 1002;
const EXTENDED_GATEWAY = 1003;

/**
 * Parses one standard (enterprise 0) flow record, `buf[off..end)`, into `f`. Returns false when
 * the record is too short for what it announces. Unknown formats are skipped (true).
 */
export function parseFlowRecord(
  format: number,
  dv: DataView,
  buf: Uint8Array,
  off: number,
  end: number,
  f: FlowSampleFields,
): boolean {
  switch (format) {
    case RAW_HEADER:
      return parseRawHeaderRecord(dv, buf, off, end, f);
    case SAMPLED_ETHERNET:
      if (off + 24 > end) return false;
      if (f.frameLengthRank < 2) setFrameLength(f, dv.getUint32(off), 2);
      // XDR pads each 6-byte MAC to 8 bytes.
      if (f.srcMac === 0 && f.dstMac === 0) {
        f.srcMac = readMac(buf, off + 4);
        f.dstMac = readMac(buf, off + 12);
      }
      return true;
    case SAMPLED_IPV4:
    case SAMPLED_IPV6: {
      const v6 = format === SAMPLED_IPV6;
      if (off + (v6 ? 56 : 32) > end) return false;
      if (f.frameLengthRank < 1) setFrameLength(f, dv.getUint32(off), 1);
      f.sampledIpOff = off;
      f.sampledIpVersion = v6 ? 6 : 4;
      return true;
    }
    case EXTENDED_SWITCH:
      if (off + 16 > end) return false;
      f.switchVlanIn = vlanOf(dv.getUint32(off));
      f.switchVlanOut = vlanOf(dv.getUint32(off + 8));
      return true;
    case EXTENDED_ROUTER: {
      const alen = addressLength(dv, off, end);
      if (alen < 0 || off + 4 + alen + 8 > end) return false;
      f.nextHopOff = off + 4;
      f.nextHopLen = alen;
      f.srcMask = Math.min(dv.getUint32(off + 4 + alen), 128);
      f.dstMask = Math.min(dv.getUint32(off + 8 + alen), 128);
      return true;
    }
    case EXTENDED_GATEWAY:
      return parseExtendedGateway(dv, off, end, f);
    default:
      return true;
  }
}

function parseRawHeaderRecord(
  dv: DataView,
  buf: Uint8Array,
  off: number,
  end: number,
  f: FlowSampleFields,
): boolean {
  if (off + 16 > end) return false;
  const protocol = dv.getUint32(off);
  const headerLength = dv.getUint32(off + 12);
  const start = off + 16;
  if (headerLength > end - start) return false;
  setFrameLength(f, dv.getUint32(off + 4), 3);
  const stop = start + headerLength;
  switch (protocol) {
    case 1: // Ethernet
      parseEthernet(buf, start, stop, f);
      break;
    case 11: // IPv4
      parseIPv4(buf, start, stop, f);
      break;
    case 12: // IPv6
      parseIPv6(buf, start, stop, f);
      break;
  }
  return true;
}

/**
 * Extended gateway: BGP next hop, the router's own AS, the source AS, the source peer AS, the
 * destination AS path (segments), communities and local preference.
 *
 * src_as / dst_as: tshark shows the raw fields (as, srcAS, and each dstAS path segment). A source
 * AS of 0 and an empty destination path both mean "this router's own AS" (the route is local),
 * so, as Akvorado (outlet/flow/decoder/sflow/decode.go) and GoFlow2 (producer_sf.go) do, src_as is
 * the source AS or else the router's AS, and dst_as is the last AS of the destination path (the
 * origin AS) or else the router's AS. Without this, every flow to or from the operator's own
 * prefixes would show AS 0 in a "top AS" query.
 */
function parseExtendedGateway(dv: DataView, off: number, end: number, f: FlowSampleFields): boolean {
  const alen = addressLength(dv, off, end);
  if (alen < 0) return false;
  let o = off + 4 + alen;
  if (o + 16 > end) return false;
  const nextHopOff = off + 4;
  const routerAs = dv.getUint32(o);
  const srcAs = dv.getUint32(o + 4);
  const segments = dv.getUint32(o + 12);
  o += 16;
  let lastAs = 0;
  // A segment takes at least 8 bytes, which bounds absurd counts.
  if (segments > (end - o) / 8) return false;
  for (let s = 0; s < segments; s++) {
    if (o + 8 > end) return false;
    const count = dv.getUint32(o + 4);
    o += 8;
    if (count > (end - o) / 4) return false;
    if (count > 0) lastAs = dv.getUint32(o + (count - 1) * 4);
    o += count * 4;
  }
  // Communities, then the local preference.
  if (o + 4 > end) return false;
  const communities = dv.getUint32(o);
  if (communities > (end - o - 4) / 4) return false;
  f.bgpNextHopOff = nextHopOff;
  f.bgpNextHopLen = alen;
  f.srcAs = srcAs !== 0 ? srcAs : routerAs;
  f.dstAs = lastAs !== 0 ? lastAs : routerAs;
  return true;
}

/** An sFlow address: type 1 IPv4 (4 bytes), 2 IPv6 (16), 0 unknown (no bytes); -1 if bad. */
function addressLength(dv: DataView, off: number, end: number): number {
  if (off + 4 > end) return -1;
  switch (dv.getUint32(off)) {
    case 0:
      return 0;
    case 1:
      return off + 8 <= end ? 4 : -1;
    case 2:
      return off + 20 <= end ? 16 : -1;
    default:
      return -1;
  }
}

/** sFlow reports 0xFFFFFFFF (or any out-of-range value) for "no VLAN". */
function vlanOf(v: number): number {
  return v > 0 && v < 4096 ? v : 0;
}

function setFrameLength(f: FlowSampleFields, length: number, rank: number): void {
  f.frameLength = length;
  f.frameLengthRank = rank;
}
