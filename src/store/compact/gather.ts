import type { ColumnDef } from '../../flow/schema.js';
import type { JobColumns, ScanJob } from '../backend.js';
import type { CatalogFile } from '../catalog/catalog.js';
import type { SealedLocation, SealedPartRef } from '../read/location.js';
import { readSealedJob } from '../read/read-sealed.js';

/** The parts of one (bucket, device) across several files, in file order. */
export interface PartGroup {
  readonly bucket: number;
  readonly deviceId: number;
  rows: number;
  readonly refs: SealedPartRef[];
}

/** Groups the parts of `files` by (bucket, device), sorted by bucket then device. */
export function groupParts(files: readonly CatalogFile[]): PartGroup[] {
  const groups = new Map<string, PartGroup>();
  for (const file of files) {
    const parts = file.meta.parts;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (part.rows === 0) continue;
      const key = `${part.bucket}:${part.deviceId}`;
      let group = groups.get(key);
      if (group === undefined) {
        group = { bucket: part.bucket, deviceId: part.deviceId, rows: 0, refs: [] };
        groups.set(key, group);
      }
      group.rows += part.rows;
      group.refs.push({ path: file.path, part: i, bytes: file.meta.bytes });
    }
  }
  return [...groups.values()].sort((a, b) => a.bucket - b.bucket || a.deviceId - b.deviceId);
}

/** Reads every column of `schema` of a group (its parts concatenated). */
export function readGroup(tenant: string, group: PartGroup, schema: readonly ColumnDef[]): JobColumns {
  const location: SealedLocation = { kind: 'sealed', parts: group.refs };
  const job: ScanJob = {
    tenant,
    resolution: 'minute',
    bucket: group.bucket,
    deviceId: group.deviceId,
    rows: group.rows,
    sealed: true,
    dataId: undefined,
    location,
  };
  return readSealedJob(
    job,
    schema.map((c) => c.name),
  );
}

export function maxWalLsn(files: readonly CatalogFile[]): number {
  let lsn = 0;
  for (const file of files) if (file.meta.header.walLsn > lsn) lsn = file.meta.header.walLsn;
  return lsn;
}

export function totalRows(files: readonly CatalogFile[]): number {
  let rows = 0;
  for (const file of files) for (const part of file.meta.parts) rows += part.rows;
  return rows;
}
