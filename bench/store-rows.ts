import { F, type FlowBatch } from '../src/flow/batch.js';

/**
 * Row writing for the benchmark data set (store-data.ts): the columns it fills, resolved to typed
 * arrays once per batch, and addresses written whole (all 16 bytes, since batch rows are reused).
 */

/** The columns the data set writes (every other column stays zero). */
export const writtenColumnNames = [
  'i_start_time',
  'i_device_id',
  'i_device_name',
  'sample_rate',
  'flow_start_time',
  'flow_end_time',
  'src_addr',
  'dst_addr',
  'l4_src_port',
  'l4_dst_port',
  'protocol',
  'tcp_flags',
  'tos',
  'in_bytes',
  'in_pkts',
  'input_port',
  'output_port',
  'src_as',
  'dst_as',
  'src_route_length',
  'dst_route_length',
  'ipv4_next_hop',
  'ip_version',
] as const;
export const writtenColumns = writtenColumnNames.map((name) => F[name]);

export type Columns = ReturnType<typeof columns>;

/** The written columns as typed fields, so the hot loop does monomorphic loads. */
export function columns(batch: FlowBatch) {
  const a = batch.arrays;
  const u8 = (i: number) => a[i] as Uint8Array;
  const u16 = (i: number) => a[i] as Uint16Array;
  const u32 = (i: number) => a[i] as Uint32Array;
  const f64 = (i: number) => a[i] as Float64Array;
  return {
    i_start_time: f64(F.i_start_time),
    i_device_id: u32(F.i_device_id),
    i_device_name: u32(F.i_device_name),
    sample_rate: u32(F.sample_rate),
    flow_start_time: f64(F.flow_start_time),
    flow_end_time: f64(F.flow_end_time),
    src_addr: u8(F.src_addr),
    dst_addr: u8(F.dst_addr),
    l4_src_port: u16(F.l4_src_port),
    l4_dst_port: u16(F.l4_dst_port),
    protocol: u8(F.protocol),
    tcp_flags: u8(F.tcp_flags),
    tos: u8(F.tos),
    in_bytes: f64(F.in_bytes),
    in_pkts: f64(F.in_pkts),
    input_port: u32(F.input_port),
    output_port: u32(F.output_port),
    src_as: u32(F.src_as),
    dst_as: u32(F.dst_as),
    src_route_length: u8(F.src_route_length),
    dst_route_length: u8(F.dst_route_length),
    ipv4_next_hop: u8(F.ipv4_next_hop),
    ip_version: u8(F.ip_version),
  };
}

export function hostMask(len: number): number {
  return len >= 32 ? 0 : (0xffffffff >>> len) >>> 0;
}

/** Writes an IPv4 address in IPv4-mapped form, all 16 bytes (rows are reused). */
export function write4(col: Uint8Array, row: number, v4: number): void {
  write16(col, row, 0, 0, 0xffff, v4);
}

/** Writes an address given as four big-endian 32-bit words. */
export function write16(col: Uint8Array, row: number, w0: number, w1: number, w2: number, w3: number): void {
  const o = row * 16;
  col[o] = w0 >>> 24;
  col[o + 1] = w0 >>> 16;
  col[o + 2] = w0 >>> 8;
  col[o + 3] = w0;
  col[o + 4] = w1 >>> 24;
  col[o + 5] = w1 >>> 16;
  col[o + 6] = w1 >>> 8;
  col[o + 7] = w1;
  col[o + 8] = w2 >>> 24;
  col[o + 9] = w2 >>> 16;
  col[o + 10] = w2 >>> 8;
  col[o + 11] = w2;
  col[o + 12] = w3 >>> 24;
  col[o + 13] = w3 >>> 16;
  col[o + 14] = w3 >>> 8;
  col[o + 15] = w3;
}
