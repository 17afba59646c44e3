import type { ScanJob, ScanRequest } from '../backend.js';
import type { Catalog } from '../catalog/catalog.js';
import { bucketWidth } from '../catalog/layout.js';
import type { PartMeta, SegmentMeta } from '../segment/types.js';
import { type SealedLocation, type SealedPartRef, sealedDataId } from './location.js';

interface JobDraft {
  readonly bucket: number;
  readonly deviceId: number;
  rows: number;
  readonly parts: SealedPartRef[];
}

/**
 * The sealed jobs of a request: one per (bucket, device), gathering that device's parts of that
 * bucket from every file (main, late, merged, hourly; or rollup files). Parts are skipped when the
 * device is not asked for, the bucket is outside [from, to), or their statistics prove that no row
 * can satisfy every range. Ordered by bucket, then device.
 */
export function planSealedJobs(catalog: Catalog, request: ScanRequest): ScanJob[] {
  const resolution = request.resolution ?? 'minute';
  const width = bucketWidth(resolution);
  const devices = request.devices === undefined ? undefined : new Set(request.devices);
  const drafts = new Map<string, JobDraft>();
  for (const file of catalog.filesFor(request.tenant, resolution, request.from, request.to)) {
    const parts = file.meta.parts;
    const checks = statChecks(file.meta, request);
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (part.rows === 0) continue;
      if (devices !== undefined && !devices.has(part.deviceId)) continue;
      if (part.bucket + width <= request.from || part.bucket >= request.to) continue;
      if (!mayMatch(part, checks)) continue;
      const key = `${part.bucket}:${part.deviceId}`;
      let draft = drafts.get(key);
      if (draft === undefined) {
        draft = { bucket: part.bucket, deviceId: part.deviceId, rows: 0, parts: [] };
        drafts.set(key, draft);
      }
      draft.rows += part.rows;
      draft.parts.push({ path: file.path, part: i, bytes: file.meta.bytes });
    }
  }
  const jobs: ScanJob[] = [];
  for (const draft of drafts.values()) {
    const location: SealedLocation = { kind: 'sealed', parts: draft.parts };
    jobs.push({
      tenant: request.tenant,
      resolution,
      bucket: draft.bucket,
      deviceId: draft.deviceId,
      rows: draft.rows,
      sealed: true,
      dataId: sealedDataId(draft.parts),
      location,
    });
  }
  return jobs.sort((a, b) => a.bucket - b.bucket || a.deviceId - b.deviceId);
}

interface StatCheck {
  /** Index of the column in the file's schema (and in each part's column list). */
  readonly column: number;
  readonly min: number | undefined;
  readonly max: number | undefined;
}

const schemaIndexes = new WeakMap<SegmentMeta, Map<string, number>>();

/** The statistics checks of a request against one file: its time range, then its ranges. */
function statChecks(meta: SegmentMeta, request: ScanRequest): StatCheck[] {
  let index = schemaIndexes.get(meta);
  if (index === undefined) {
    index = new Map(meta.schema.map((col, i) => [col.name, i]));
    schemaIndexes.set(meta, index);
  }
  const checks: StatCheck[] = [];
  const time = index.get('i_start_time');
  // i_start_time in [from, to): as an inclusive range, [from, to - 1 ms].
  if (time !== undefined) checks.push({ column: time, min: request.from, max: request.to - 1 });
  for (const range of request.ranges ?? []) {
    const column = index.get(range.column);
    if (column !== undefined) checks.push({ column, min: range.min, max: range.max });
  }
  return checks;
}

/** False only when statistics prove that no row of the part is in range on every column. */
function mayMatch(part: PartMeta, checks: readonly StatCheck[]): boolean {
  for (const check of checks) {
    const stats = part.columns[check.column]?.stats;
    if (stats === undefined) continue;
    if (check.min !== undefined && stats.max < check.min) return false;
    if (check.max !== undefined && stats.min > check.max) return false;
  }
  return true;
}
