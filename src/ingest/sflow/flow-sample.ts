import type { DecodeErrorReason } from '../stats.js';
import { parseFlowRecord } from './flow-record.js';
import type { FlowSampleFields } from './flow-sample-fields.js';

const COMPACT_HEADER = 32;
const EXPANDED_HEADER = 44;

/** ifIndex 0x3FFFFFFF: "the packet was sent to / came from an internal process of the device". */
const INTERFACE_LOCAL = 0x3fffffff;

/**
 * Parses a flow sample (format 1, compact; format 3, expanded) whose body is `buf[off..end)` into
 * `f`. Returns the reason when the sample cannot be used, else undefined. Only reads; the caller
 * writes the row, so a sample rejected halfway leaves nothing behind.
 */
export function parseFlowSample(
  dv: DataView,
  buf: Uint8Array,
  off: number,
  end: number,
  expanded: boolean,
  f: FlowSampleFields,
): DecodeErrorReason | undefined {
  f.reset();
  let numRecords: number;
  if (expanded) {
    if (off + EXPANDED_HEADER > end) return 'bad_sample';
    f.sequence = dv.getUint32(off);
    f.sourceKey = dv.getUint32(off + 4) * 0x1_0000_0000 + dv.getUint32(off + 8);
    f.samplingRate = dv.getUint32(off + 12);
    f.inputPort = ifIndexOf(dv.getUint32(off + 24), dv.getUint32(off + 28));
    f.outputPort = ifIndexOf(dv.getUint32(off + 32), dv.getUint32(off + 36));
    numRecords = dv.getUint32(off + 40);
    off += EXPANDED_HEADER;
  } else {
    if (off + COMPACT_HEADER > end) return 'bad_sample';
    f.sequence = dv.getUint32(off);
    // Compact source id: class in the top 8 bits, index in the low 24; keyed like the expanded one.
    const source = dv.getUint32(off + 4);
    f.sourceKey = (source >>> 24) * 0x1_0000_0000 + (source & 0xffffff);
    f.samplingRate = dv.getUint32(off + 8);
    // Compact interfaces: format in the top 2 bits (0 ifIndex, 1 discarded, 2 multiple), value below.
    const input = dv.getUint32(off + 20);
    const output = dv.getUint32(off + 24);
    f.inputPort = ifIndexOf(input >>> 30, input & 0x3fffffff);
    f.outputPort = ifIndexOf(output >>> 30, output & 0x3fffffff);
    numRecords = dv.getUint32(off + 28);
    off += COMPACT_HEADER;
  }
  // Each record takes at least 8 bytes: this also bounds absurd counts.
  for (let r = 0; r < numRecords; r++) {
    if (off + 8 > end) return 'bad_length';
    const tag = dv.getUint32(off);
    const length = dv.getUint32(off + 4);
    const body = off + 8;
    if (length > end - body) return 'bad_length';
    // Records of other enterprises are skipped by their length.
    if (tag >>> 12 === 0 && !parseFlowRecord(tag & 0xfff, dv, buf, body, body + length, f))
      return 'bad_sample';
    off = body + length;
  }
  applySampledIp(dv, f);
  return undefined;
}

/** Only a plain ifIndex is an interface; discarded (1) and multiple (2) outputs have none. */
function ifIndexOf(format: number, value: number): number {
  return format === 0 && value !== INTERFACE_LOCAL ? value : 0;
}

/**
 * The sampled IPv4/IPv6 records (formats 3, 4) stand in for the raw header's IP fields only when
 * no IP header could be parsed from a raw header record, whichever came first.
 */
function applySampledIp(dv: DataView, f: FlowSampleFields): void {
  const o = f.sampledIpOff;
  if (o === 0 || f.ipVersion !== 0) return;
  const v6 = f.sampledIpVersion === 6;
  const alen = v6 ? 16 : 4;
  f.ipVersion = f.sampledIpVersion;
  f.protocol = dv.getUint32(o + 4) & 0xff;
  f.srcAddrOff = o + 8;
  f.dstAddrOff = o + 8 + alen;
  const p = o + 8 + 2 * alen;
  f.srcPort = dv.getUint32(p) & 0xffff;
  f.dstPort = dv.getUint32(p + 4) & 0xffff;
  f.tcpFlags = dv.getUint32(p + 8) & 0xff;
  f.tos = dv.getUint32(p + 12) & 0xff;
}
