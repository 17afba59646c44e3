import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnType } from '../../flow/schema.js';
import { walDir } from '../write/layout.js';
import type { Catalog } from './catalog.js';
import { quarantineDir } from './layout.js';

/** Bytes per row of a column decoded in memory: the "raw" side of the compression ratio. */
const rawWidth: Record<ColumnType, number> = {
  u8: 1,
  u16: 2,
  u32: 4,
  u64: 8,
  time: 8,
  addr: 16,
  mac: 8,
  string: 4,
};

export interface ColumnUsage {
  readonly name: string;
  readonly bytes: number;
  readonly rawBytes: number;
}

export interface DeviceUsage {
  readonly id: number;
  readonly rows: number;
  readonly minutes: number;
  readonly firstMinute: number;
  readonly lastMinute: number;
}

export interface TenantUsage {
  readonly tenant: string;
  readonly devices: DeviceUsage[];
  readonly minutes: number;
  readonly firstMinute: number | undefined;
  readonly lastMinute: number | undefined;
  readonly rows: number;
  /** Bytes of the flows files on disk and the same columns decoded, and their ratio. */
  readonly bytes: number;
  readonly rawBytes: number;
  readonly compressionRatio: number;
  readonly bytesPerFlow: number;
  readonly columns: ColumnUsage[];
  /** Files by kind: main, late, merged, hour (flows), rollup-hour, rollup-day. */
  readonly files: Record<string, number>;
  readonly rollupRows: { hour: number; day: number };
  readonly quarantined: string[];
  readonly walFiles: number;
  readonly walBytes: number;
}

/** What `flowlens store inspect` prints for each tenant, computed from the catalog and a few stats. */
export async function tenantUsage(dataDir: string, catalog: Catalog, tenant: string): Promise<TenantUsage> {
  const devices = new Map<number, { rows: number; minutes: Set<number> }>();
  const minutes = new Set<number>();
  const columns = new Map<string, { bytes: number; rawBytes: number }>();
  const files: Record<string, number> = {};
  let rows = 0;
  let bytes = 0;
  for (const file of catalog.files(tenant, 'flows')) {
    files[file.name.kind] = (files[file.name.kind] ?? 0) + 1;
    bytes += file.meta.bytes;
    const types = new Map(file.meta.schema.map((c) => [c.name, c.type]));
    for (const part of file.meta.parts) {
      rows += part.rows;
      minutes.add(part.bucket);
      let device = devices.get(part.deviceId);
      if (device === undefined) {
        device = { rows: 0, minutes: new Set() };
        devices.set(part.deviceId, device);
      }
      device.rows += part.rows;
      device.minutes.add(part.bucket);
      for (const col of part.columns) {
        let usage = columns.get(col.name);
        if (usage === undefined) {
          usage = { bytes: 0, rawBytes: 0 };
          columns.set(col.name, usage);
        }
        usage.bytes += col.bytes;
        usage.rawBytes += part.rows * rawWidth[types.get(col.name) ?? 'u32'];
      }
      // Part-level blocks (format version 4) hold column data too: listed as their own lines.
      for (const [name, bytes] of [
        ['(repeat map)', part.partBlocks.repeats],
        ['(shared address dictionary)', part.partBlocks.addresses],
      ] as const) {
        if (bytes === 0) continue;
        const usage = columns.get(name) ?? { bytes: 0, rawBytes: 0 };
        usage.bytes += bytes;
        columns.set(name, usage);
      }
    }
  }
  const rollupRows = { hour: 0, day: 0 };
  for (const file of catalog.files(tenant, 'rollup')) {
    const kind = `rollup-${file.name.kind}`;
    files[kind] = (files[kind] ?? 0) + 1;
    for (const part of file.meta.parts) rollupRows[file.name.kind === 'day' ? 'day' : 'hour'] += part.rows;
  }
  let rawBytes = 0;
  for (const usage of columns.values()) rawBytes += usage.rawBytes;
  const sortedMinutes = [...minutes].sort((a, b) => a - b);
  const wal = await dirUsage(walDir(dataDir, tenant));
  return {
    tenant,
    devices: [...devices]
      .sort((a, b) => a[0] - b[0])
      .map(([id, d]) => {
        const m = [...d.minutes];
        return {
          id,
          rows: d.rows,
          minutes: m.length,
          firstMinute: Math.min(...m),
          lastMinute: Math.max(...m),
        };
      }),
    minutes: minutes.size,
    firstMinute: sortedMinutes[0],
    lastMinute: sortedMinutes.at(-1),
    rows,
    bytes,
    rawBytes,
    compressionRatio: bytes === 0 ? 0 : rawBytes / bytes,
    bytesPerFlow: rows === 0 ? 0 : bytes / rows,
    columns: [...columns]
      .map(([name, u]) => ({ name, bytes: u.bytes, rawBytes: u.rawBytes }))
      .sort((a, b) => b.bytes - a.bytes),
    files,
    rollupRows,
    quarantined: (await listFiles(quarantineDir(dataDir, tenant))).map((f) =>
      join(quarantineDir(dataDir, tenant), f),
    ),
    walFiles: wal.files,
    walBytes: wal.bytes,
  };
}

async function listFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).sort();
  } catch {
    return [];
  }
}

async function dirUsage(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const name of await listFiles(dir)) {
    const s = await stat(join(dir, name)).catch(() => undefined);
    if (s === undefined || !s.isFile()) continue;
    files++;
    bytes += s.size;
  }
  return { files, bytes };
}
