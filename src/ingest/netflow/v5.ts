import { copyIPv4 } from '../../flow/addr.js';
import { F } from '../../flow/batch.js';
import type { DecodeTarget, PacketContext } from '../context.js';

const HEADER = 24;
const RECORD = 48;

/**
 * NetFlow v5: a 24-byte header then `count` fixed 48-byte records. Uptime-relative times become
 * absolute using the header's export time; the sampling interval (low 14 bits of the header's
 * last field) scales the counters unless the device's configured rate overrides it.
 */
export function decodeNetflow5(buf: Uint8Array, ctx: PacketContext, out: DecodeTarget): number {
  if (buf.length < HEADER) {
    ctx.stats.error('truncated', 'netflow v5 header');
    return 0;
  }
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const count = dv.getUint16(2);
  const uptime = dv.getUint32(4);
  const exportMs = dv.getUint32(8) * 1000 + Math.floor(dv.getUint32(12) / 1e6);
  const sequence = dv.getUint32(16);
  const engine = dv.getUint16(20);
  const interval = dv.getUint16(22) & 0x3fff;
  let records = count;
  if (count === 0 || count > 30 || HEADER + count * RECORD > buf.length) {
    ctx.stats.error(
      HEADER + count * RECORD > buf.length ? 'truncated' : 'bad_length',
      `netflow v5 count ${count}`,
    );
    // Keep the whole records that are there: an exporter's length bug must not lose good flows.
    records = Math.min(count, Math.floor((buf.length - HEADER) / RECORD));
    if (records <= 0) return 0;
  }
  const exporter = ctx.exporter;
  const domain = exporter.domain(5, engine);
  exporter.stats.lostFlows += domain.sequence.observe(sequence, count);
  const rate = exporter.device.sampleRate ?? (interval === 0 ? 1 : interval);
  exporter.stats.sampleRate = rate;

  const b = out.flows;
  b.reserve(records);
  b.touchAll(touched);
  const a = b.arrays;
  const startTime = a[F.i_start_time] as Float64Array;
  const deviceId = a[F.i_device_id] as Uint32Array;
  const deviceName = a[F.i_device_name] as Uint32Array;
  const sampleRate = a[F.sample_rate] as Uint32Array;
  const flowStart = a[F.flow_start_time] as Float64Array;
  const flowEnd = a[F.flow_end_time] as Float64Array;
  const src = a[F.src_addr] as Uint8Array;
  const dst = a[F.dst_addr] as Uint8Array;
  const nextHop = a[F.ipv4_next_hop] as Uint8Array;
  const inPort = a[F.input_port] as Uint32Array;
  const outPort = a[F.output_port] as Uint32Array;
  const pkts = a[F.in_pkts] as Float64Array;
  const bytes = a[F.in_bytes] as Float64Array;
  const srcPort = a[F.l4_src_port] as Uint16Array;
  const dstPort = a[F.l4_dst_port] as Uint16Array;
  const flags = a[F.tcp_flags] as Uint8Array;
  const proto = a[F.protocol] as Uint8Array;
  const tos = a[F.tos] as Uint8Array;
  const srcAs = a[F.src_as] as Uint32Array;
  const dstAs = a[F.dst_as] as Uint32Array;
  const srcMask = a[F.src_route_length] as Uint8Array;
  const dstMask = a[F.dst_route_length] as Uint8Array;
  const ipVersion = a[F.ip_version] as Uint8Array;
  const nameCode = b.dicts[F.i_device_name]!.code(exporter.device.name);
  const base = exportMs - uptime;

  let row = b.length;
  for (let i = 0, o = HEADER; i < records; i++, o += RECORD, row++) {
    startTime[row] = ctx.minute;
    deviceId[row] = exporter.device.id;
    deviceName[row] = nameCode;
    sampleRate[row] = rate;
    copyIPv4(src, row, buf, o);
    copyIPv4(dst, row, buf, o + 4);
    copyIPv4(nextHop, row, buf, o + 8);
    inPort[row] = dv.getUint16(o + 12);
    outPort[row] = dv.getUint16(o + 14);
    pkts[row] = dv.getUint32(o + 16) * rate;
    bytes[row] = dv.getUint32(o + 20) * rate;
    flowStart[row] = base + dv.getUint32(o + 24);
    flowEnd[row] = base + dv.getUint32(o + 28);
    srcPort[row] = dv.getUint16(o + 32);
    dstPort[row] = dv.getUint16(o + 34);
    flags[row] = buf[o + 37]!;
    proto[row] = buf[o + 38]!;
    tos[row] = buf[o + 39]!;
    srcAs[row] = dv.getUint16(o + 40);
    dstAs[row] = dv.getUint16(o + 42);
    srcMask[row] = buf[o + 44]!;
    dstMask[row] = buf[o + 45]!;
    ipVersion[row] = 4;
  }
  b.length = row;
  exporter.stats.flows += records;
  return records;
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
  F.ipv4_next_hop,
  F.input_port,
  F.output_port,
  F.in_pkts,
  F.in_bytes,
  F.l4_src_port,
  F.l4_dst_port,
  F.tcp_flags,
  F.protocol,
  F.tos,
  F.src_as,
  F.dst_as,
  F.src_route_length,
  F.dst_route_length,
  F.ip_version,
];
