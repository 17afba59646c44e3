import { type ColumnBatch, createFlowBatch, type FlowBatch, type NumberArray } from '../../src/flow/batch.js';
import { type ColumnDef, flowColumns, rollupColumns } from '../../src/flow/schema.js';
import { seededUniform } from '../../src/ingest/export/random.js';
import type { JobColumns } from '../../src/store/backend.js';

/** Deterministic flows for store tests: every column type, IPv4 and IPv6, strings, several devices. */

export const prng = seededUniform;

const geos = ['', 'US', 'DE', 'FR', 'JP', 'BR'];
const hosts = ['', 'example.com', 'flowlens.test', 'ünïcødé.example', 'a'.repeat(300)];

export interface FlowSpec {
  readonly seed: number;
  readonly rows: number;
  readonly minutes: readonly number[];
  readonly devices: readonly number[];
}

/** A batch of `rows` flows spread over the given minutes and devices. */
export function generateFlows(spec: FlowSpec): FlowBatch {
  const rnd = prng(spec.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  const batch = createFlowBatch(spec.rows);
  batch.reserve(spec.rows);
  for (let i = 0; i < flowColumns.length; i++) batch.touch(i);
  for (let row = 0; row < spec.rows; row++) {
    const minute = pick(spec.minutes);
    const device = pick(spec.devices);
    for (let c = 0; c < flowColumns.length; c++) {
      const col = flowColumns[c]!;
      const arr = batch.arrays[c]!;
      switch (col.name) {
        case 'i_start_time':
          arr[row] = minute;
          continue;
        case 'i_device_id':
          arr[row] = device;
          continue;
        case 'i_device_name':
          batch.setString('i_device_name', row, `router-${device}`);
          continue;
        case 'ip_version':
          continue;
      }
      fillCell(col, arr, row, rnd, pick, minute);
    }
    const v6 = rnd() < 0.3;
    batch.arrays[batch.index.ip_version]![row] = v6 ? 6 : 4;
    fillAddr(batch.arrays[batch.index.src_addr] as Uint8Array, row, v6, rnd);
    fillAddr(batch.arrays[batch.index.dst_addr] as Uint8Array, row, v6, rnd);
  }
  batch.length = spec.rows;
  fillStrings(batch, spec.seed + 1);
  return batch;
}

function fillCell(
  col: ColumnDef,
  arr: NumberArray,
  row: number,
  rnd: () => number,
  pick: <T>(list: readonly T[]) => T,
  minute: number,
): void {
  const sparse = col.source === 'host' && rnd() < 0.7;
  switch (col.type) {
    case 'u8':
      arr[row] = sparse ? 0 : Math.floor(rnd() * 256);
      return;
    case 'u16':
      arr[row] = sparse ? 0 : rnd() < 0.5 ? pick([53, 80, 443, 22]) : Math.floor(rnd() * 65536);
      return;
    case 'u32':
      arr[row] = sparse ? 0 : rnd() < 0.5 ? pick([0, 1, 15169, 13335, 64512]) : Math.floor(rnd() * 2 ** 32);
      return;
    case 'u64':
      arr[row] = Math.floor(-Math.log(1 - rnd()) * 1500) * pick([1, 1, 1, 1000, 2 ** 20]);
      return;
    case 'time':
      arr[row] = minute - Math.floor(rnd() * 120_000);
      return;
    case 'mac':
      arr[row] = sparse ? 0 : Math.floor(rnd() * 2 ** 48);
      return;
    case 'addr':
      if (!sparse) fillAddr(arr as Uint8Array, row, rnd() < 0.3, rnd);
      return;
    case 'string':
      return;
  }
}

export function fillStrings(batch: FlowBatch, seed: number): void {
  const rnd = prng(seed);
  for (let row = 0; row < batch.length; row++) {
    batch.setString('src_geo', row, geos[Math.floor(rnd() * geos.length)]!);
    batch.setString('dst_geo', row, geos[Math.floor(rnd() * geos.length)]!);
    if (rnd() < 0.4) batch.setString('http_host', row, hosts[Math.floor(rnd() * hosts.length)]!);
    if (rnd() < 0.3) batch.setString('app_protocol', row, rnd() < 0.5 ? 'dns' : 'http');
  }
}

function fillAddr(bytes: Uint8Array, row: number, v6: boolean, rnd: () => number): void {
  const o = row * 16;
  if (v6) {
    bytes[o] = 0x20;
    bytes[o + 1] = 0x01;
    for (let i = 2; i < 16; i++) bytes[o + i] = Math.floor(rnd() * 256);
    return;
  }
  bytes.fill(0, o, o + 10);
  bytes[o + 10] = 0xff;
  bytes[o + 11] = 0xff;
  for (let i = 12; i < 16; i++) bytes[o + i] = Math.floor(rnd() * 256);
}

/** A batch's or a job's rows as canonical text lines (one per row), for multiset comparison. */
export function rowsOfBatch(
  batch: ColumnBatch<string>,
  columns: readonly ColumnDef[] = batch.schema,
): string[] {
  const out: string[] = [];
  for (let row = 0; row < batch.length; row++) {
    out.push(
      columns
        .map((col) => {
          const i = batch.index[col.name]!;
          return cell(col, batch.arrays[i]!, batch.dicts[i]?.values, row);
        })
        .join('|'),
    );
  }
  return out;
}

export function rowsOfJob(job: JobColumns, columns: readonly ColumnDef[]): string[] {
  const out: string[] = [];
  for (let row = 0; row < job.rows; row++) {
    out.push(columns.map((col) => cell(col, job.columns[col.name]!, job.dicts[col.name], row)).join('|'));
  }
  return out;
}

function cell(col: ColumnDef, arr: NumberArray, dict: readonly string[] | undefined, row: number): string {
  if (col.type === 'addr') return Buffer.from(arr.buffer, arr.byteOffset + row * 16, 16).toString('hex');
  if (col.type === 'string') return JSON.stringify(dict?.[arr[row]!] ?? `<bad code ${arr[row]}>`);
  return String(arr[row]);
}

/** Rollup rows computed independently from flow rows: group by the dimensions, sum the measures. */
export function expectedRollup(
  batches: readonly FlowBatch[],
  width: number,
  from: number,
  to: number,
): string[] {
  const dims = rollupColumns.filter((c) => c.rollup === 'dimension' && c.name !== 'i_start_time');
  const measures = rollupColumns.filter((c) => c.rollup === 'measure' && c.name !== 'flow_count');
  const groups = new Map<string, number[]>();
  for (const batch of batches) {
    for (let row = 0; row < batch.length; row++) {
      const t = batch.arrays[batch.index.i_start_time]![row]!;
      if (t < from || t >= to) continue;
      const bucket = t - (t % width);
      const key = [
        String(bucket),
        ...dims.map((col) => {
          const i = batch.index[col.name as keyof typeof batch.index];
          return cell(col, batch.arrays[i]!, batch.dicts[i]?.values, row);
        }),
      ].join('|');
      let sums = groups.get(key);
      if (sums === undefined) {
        sums = new Array(measures.length + 1).fill(0);
        groups.set(key, sums);
      }
      measures.forEach((col, m) => {
        sums![m]! += batch.arrays[batch.index[col.name as keyof typeof batch.index]]![row]!;
      });
      sums[measures.length]!++;
    }
  }
  return [...groups].map(([key, sums]) => `${key}|${sums.join('|')}`).sort();
}

/** The rollup columns in the order expectedRollup prints them. */
export const rollupCompareColumns: readonly ColumnDef[] = [
  rollupColumns.find((c) => c.name === 'i_start_time')!,
  ...rollupColumns.filter((c) => c.rollup === 'dimension' && c.name !== 'i_start_time'),
  ...rollupColumns.filter((c) => c.rollup === 'measure' && c.name !== 'flow_count'),
  rollupColumns.find((c) => c.name === 'flow_count')!,
];
