import { flowColumns, rollupColumns } from '../../flow/schema.js';
import type { CatalogFile } from '../catalog/catalog.js';
import { DAY_MS, HOUR_MS, rollupSegmentPath, type SegmentName } from '../catalog/layout.js';
import { groupParts, maxWalLsn, type PartGroup, readGroup, totalRows } from '../compact/gather.js';
import { type RewriteTarget, rewriteSegments } from '../compact/rewrite.js';
import { allRows } from '../compact/to-batch.js';
import type { SegmentPartInput } from '../segment/types.js';
import type { RollupMetrics } from '../store-metrics.js';
import { aggregateRollup, rollupDimensions, rollupMeasures } from './aggregate.js';

export interface RollupConfig {
  /** An hour (day) is rolled up once it ended this long ago and has no open data left. */
  delayMs: number;
}

export const defaultRollupConfig: RollupConfig = { delayMs: 5 * 60_000 };

export interface RollupResult {
  hours: number;
  days: number;
}

/** Whether the write path still holds unsealed rows of a tenant in [from, to). */
export type OpenCheck = (tenant: string, from: number, to: number) => boolean;

const flowSourceColumns = flowColumns.filter(
  (c) => rollupDimensions.includes(c.name) || rollupMeasures.includes(c.name),
);

/**
 * Builds the hourly rollups of every fully sealed hour and the daily rollups of every fully sealed
 * day, and rebuilds them when late rows arrived since: a rollup file's walLsn is the highest walLsn
 * of its sources, and a source with a higher one (a late segment) means the rollup is stale.
 * Compaction keeps walLsns, so it never triggers a rebuild.
 */
export async function buildRollups(
  target: RewriteTarget,
  config: RollupConfig,
  now: number,
  hasOpenData: OpenCheck,
  metrics: RollupMetrics,
): Promise<RollupResult> {
  const result: RollupResult = { hours: 0, days: 0 };
  const flowsByHour = bucketFiles(target.catalog.files(target.tenant, 'flows'), HOUR_MS);
  const rollups = target.catalog.files(target.tenant, 'rollup');
  const hourRollups = bucketFiles(
    rollups.filter((f) => f.name.kind === 'hour'),
    HOUR_MS,
  );
  const staleDays = new Set<number>();
  for (const [hour, sources] of flowsByHour) {
    if (hour + HOUR_MS + config.delayMs > now) {
      staleDays.add(hour - (hour % DAY_MS));
      continue;
    }
    const existing = hourRollups.get(hour) ?? [];
    if (upToDate(existing, sources)) continue;
    if (hasOpenData(target.tenant, hour, hour + HOUR_MS)) {
      staleDays.add(hour - (hour % DAY_MS));
      continue;
    }
    await writeRollup(target, 'hour', hour, sources, existing, metrics);
    result.hours++;
  }
  const current = target.catalog.files(target.tenant, 'rollup');
  const dayRollups = bucketFiles(
    current.filter((f) => f.name.kind === 'day'),
    DAY_MS,
  );
  for (const [day, sources] of bucketFiles(
    current.filter((f) => f.name.kind === 'hour'),
    DAY_MS,
  )) {
    if (staleDays.has(day) || day + DAY_MS + config.delayMs > now) continue;
    const existing = dayRollups.get(day) ?? [];
    if (upToDate(existing, sources)) continue;
    await writeRollup(target, 'day', day, sources, existing, metrics);
    result.days++;
  }
  return result;
}

function upToDate(existing: readonly CatalogFile[], sources: readonly CatalogFile[]): boolean {
  return existing.length === 1 && existing[0]!.meta.header.walLsn >= maxWalLsn(sources);
}

function bucketFiles(files: readonly CatalogFile[], width: number): Map<number, CatalogFile[]> {
  const out = new Map<number, CatalogFile[]>();
  for (const file of files) {
    const bucket = file.name.start - (file.name.start % width);
    const list = out.get(bucket);
    if (list === undefined) out.set(bucket, [file]);
    else list.push(file);
  }
  return out;
}

/** Merges per-(bucket, device) groups into one group per device over the whole rollup bucket. */
function groupByDevice(groups: readonly PartGroup[], bucket: number): PartGroup[] {
  const byDevice = new Map<number, PartGroup>();
  for (const group of groups) {
    let merged = byDevice.get(group.deviceId);
    if (merged === undefined) {
      merged = { bucket, deviceId: group.deviceId, rows: 0, refs: [] };
      byDevice.set(group.deviceId, merged);
    }
    merged.rows += group.rows;
    merged.refs.push(...group.refs);
  }
  return [...byDevice.values()].sort((a, b) => a.deviceId - b.deviceId);
}

async function writeRollup(
  target: RewriteTarget,
  resolution: 'hour' | 'day',
  bucket: number,
  sources: readonly CatalogFile[],
  existing: readonly CatalogFile[],
  metrics: RollupMetrics,
): Promise<void> {
  const walLsn = maxWalLsn(sources);
  const path = rollupSegmentPath(target.dataDir, target.tenant, resolution, bucket, walLsn);
  if (existing.some((f) => f.path === path)) return;
  const schema = resolution === 'hour' ? flowSourceColumns : rollupColumns;
  const parts = (): SegmentPartInput[] =>
    groupByDevice(groupParts(sources), bucket).map((group) => {
      const batch = aggregateRollup(readGroup(target.tenant, group, schema), bucket);
      return { bucket, deviceId: group.deviceId, batch, rows: allRows(batch.length) };
    });
  const width = resolution === 'hour' ? HOUR_MS : DAY_MS;
  const name: SegmentName = {
    table: 'rollup',
    kind: resolution,
    resolution,
    start: bucket,
    end: bucket + width,
  };
  const header = {
    tenant: target.tenant,
    table: 'rollup' as const,
    resolution,
    walLsn,
    createdAt: Date.now(),
  };
  const timer = metrics[resolution];
  const t0 = timer.start();
  const written = await rewriteSegments(
    target,
    [{ path, name, header, schema: rollupColumns, parts }],
    existing,
  );
  timer.stop(t0);
  metrics.inputRows[resolution].inc(totalRows(sources));
  metrics.outputRows[resolution].inc(totalRows(written));
}
