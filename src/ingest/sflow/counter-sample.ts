import { IC } from '../../flow/batch.js';
import type { DecodeTarget, PacketContext } from '../context.js';
import type { DecodeErrorReason } from '../stats.js';

const GENERIC_INTERFACE = 1;
const GENERIC_INTERFACE_LENGTH = 88;

/**
 * Decodes a counter sample (format 2, compact; format 4, expanded) whose body is `[off, end)`:
 * each generic interface counters record becomes one row of `out.counters`; other records are
 * skipped by their length. On error the sample's rows are rolled back and the reason returned.
 */
export function decodeCounterSample(
  dv: DataView,
  off: number,
  end: number,
  expanded: boolean,
  ctx: PacketContext,
  out: DecodeTarget,
): DecodeErrorReason | undefined {
  const header = expanded ? 16 : 12;
  if (off + header > end) return 'bad_sample';
  const numRecords = dv.getUint32(off + header - 4);
  off += header;
  const b = out.counters;
  const firstRow = b.length;
  for (let r = 0; r < numRecords; r++) {
    if (off + 8 > end) return rollback(out, firstRow, 'bad_length');
    const tag = dv.getUint32(off);
    const length = dv.getUint32(off + 4);
    const body = off + 8;
    if (length > end - body) return rollback(out, firstRow, 'bad_length');
    if (tag === GENERIC_INTERFACE) {
      if (length < GENERIC_INTERFACE_LENGTH) return rollback(out, firstRow, 'bad_sample');
      writeInterfaceCounters(dv, body, ctx, out);
    }
    off = body + length;
  }
  ctx.stats.counterRecords += b.length - firstRow;
  return undefined;
}

function rollback(out: DecodeTarget, row: number, reason: DecodeErrorReason): DecodeErrorReason {
  out.counters.truncate(row);
  return reason;
}

/** struct if_counters (sFlow v5, counter record format 1): 88 bytes. */
function writeInterfaceCounters(dv: DataView, o: number, ctx: PacketContext, out: DecodeTarget): void {
  const b = out.counters;
  b.reserve(1);
  b.touchAll(touched);
  const a = b.arrays;
  const row = b.length;
  const device = ctx.exporter.device;
  a[IC.i_start_time]![row] = ctx.minute;
  a[IC.i_device_id]![row] = device.id;
  a[IC.i_device_name]![row] = b.dicts[IC.i_device_name]!.code(device.name);
  a[IC.if_index]![row] = dv.getUint32(o);
  a[IC.if_type]![row] = dv.getUint32(o + 4);
  a[IC.if_speed]![row] = u64(dv, o + 8);
  a[IC.if_direction]![row] = Math.min(dv.getUint32(o + 16), 255);
  a[IC.if_status]![row] = dv.getUint32(o + 20) & 0xff;
  a[IC.if_in_octets]![row] = u64(dv, o + 24);
  a[IC.if_in_ucast_pkts]![row] = dv.getUint32(o + 32);
  a[IC.if_in_mcast_pkts]![row] = dv.getUint32(o + 36);
  a[IC.if_in_bcast_pkts]![row] = dv.getUint32(o + 40);
  a[IC.if_in_discards]![row] = dv.getUint32(o + 44);
  a[IC.if_in_errors]![row] = dv.getUint32(o + 48);
  a[IC.if_in_unknown_protos]![row] = dv.getUint32(o + 52);
  a[IC.if_out_octets]![row] = u64(dv, o + 56);
  a[IC.if_out_ucast_pkts]![row] = dv.getUint32(o + 64);
  a[IC.if_out_mcast_pkts]![row] = dv.getUint32(o + 68);
  a[IC.if_out_bcast_pkts]![row] = dv.getUint32(o + 72);
  a[IC.if_out_discards]![row] = dv.getUint32(o + 76);
  a[IC.if_out_errors]![row] = dv.getUint32(o + 80);
  a[IC.if_promiscuous]![row] = dv.getUint32(o + 84) === 1 ? 1 : 0;
  b.length = row + 1;
}

/** A 64-bit counter as a double: exact up to 2^53. */
function u64(dv: DataView, o: number): number {
  return dv.getUint32(o) * 0x1_0000_0000 + dv.getUint32(o + 4);
}

const touched = Object.values(IC);
