import type { NumberArray } from '../../flow/batch.js';
import type { ColumnDef } from '../../flow/schema.js';
import type { JobColumns, ScanJob } from '../backend.js';
import type { OpenBuffer } from './open-buffer.js';

/** Where an open job's rows are (ScanJob.location of jobs from openJobs). */
export interface OpenLocation {
  readonly kind: 'open';
  readonly minute: number;
}

/** One job per (minute, device) with rows in memory, in minute then device order. */
export function openJobsOf(
  tenant: string,
  minutes: ReadonlyMap<number, readonly OpenBuffer[]>,
  from: number,
  to: number,
  devices: readonly number[] | undefined,
): ScanJob[] {
  const wanted = devices === undefined ? undefined : new Set(devices);
  const jobs: ScanJob[] = [];
  const sorted = [...minutes.keys()].filter((m) => m + 60_000 > from && m < to).sort((a, b) => a - b);
  for (const minute of sorted) {
    const counts = new Map<number, number>();
    for (const buffer of minutes.get(minute)!) {
      for (const [id, n] of buffer.deviceCounts()) counts.set(id, (counts.get(id) ?? 0) + n);
    }
    const location: OpenLocation = { kind: 'open', minute };
    for (const id of [...counts.keys()].sort((a, b) => a - b)) {
      if (wanted !== undefined && !wanted.has(id)) continue;
      const rows = counts.get(id)!;
      if (rows === 0) continue;
      jobs.push({
        tenant,
        resolution: 'minute',
        bucket: minute,
        deviceId: id,
        rows,
        sealed: false,
        dataId: undefined,
        location,
      });
    }
  }
  return jobs;
}

/** The rows of one device across a minute's buffers; string codes merged into one dictionary. */
export function readOpenBuffers(
  schema: readonly ColumnDef[],
  buffers: readonly OpenBuffer[],
  deviceId: number,
  names: readonly string[],
): JobColumns {
  const parts = buffers.map((buffer) => buffer.read(deviceId, names)).filter((part) => part.rows > 0);
  if (parts.length === 1) return parts[0]!;
  if (parts.length === 0) return emptyColumns(schema, names);
  const rows = parts.reduce((n, part) => n + part.rows, 0);
  const columns: Record<string, NumberArray> = {};
  const dicts: Record<string, readonly string[]> = {};
  for (const name of names) {
    const type = schema.find((col) => col.name === name)?.type;
    if (type === undefined) throw new Error(`unknown column ${name}`);
    const width = type === 'addr' ? 16 : 1;
    const first = parts[0]!.columns[name]!;
    const out = new (first.constructor as new (length: number) => NumberArray)(rows * width);
    if (type !== 'string') {
      let at = 0;
      for (const part of parts) {
        out.set(part.columns[name]! as never, at * width);
        at += part.rows;
      }
      columns[name] = out;
      continue;
    }
    const values: string[] = [''];
    const index = new Map<string, number>([['', 0]]);
    let at = 0;
    for (const part of parts) {
      const remap = part.dicts[name]!.map((value) => {
        let code = index.get(value);
        if (code === undefined) {
          code = values.length;
          values.push(value);
          index.set(value, code);
        }
        return code;
      });
      const codes = part.columns[name]!;
      for (let r = 0; r < part.rows; r++) out[at + r] = remap[codes[r]!]!;
      at += part.rows;
    }
    columns[name] = out;
    dicts[name] = values;
  }
  return { rows, columns, dicts };
}

function emptyColumns(schema: readonly ColumnDef[], names: readonly string[]): JobColumns {
  const columns: Record<string, NumberArray> = {};
  const dicts: Record<string, readonly string[]> = {};
  for (const name of names) {
    const type = schema.find((col) => col.name === name)?.type;
    if (type === undefined) throw new Error(`unknown column ${name}`);
    columns[name] =
      type === 'u8' || type === 'addr'
        ? new Uint8Array(0)
        : type === 'u16'
          ? new Uint16Array(0)
          : type === 'u32' || type === 'string'
            ? new Uint32Array(0)
            : new Float64Array(0);
    if (type === 'string') dicts[name] = [''];
  }
  return { rows: 0, columns, dicts };
}
