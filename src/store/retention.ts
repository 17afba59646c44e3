import { readdir, rmdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { failPointError } from '../metrics/failpoint.js';
import type { Catalog, CatalogFile } from './catalog/catalog.js';
import { DAY_MS } from './catalog/layout.js';
import { removeDurable } from './catalog/segment-io.js';
import { evictReader } from './read/reader-cache.js';
import type { RetentionMetrics } from './store-metrics.js';

export interface RetentionConfig {
  /** Days of data kept per tenant unless `tenants` says otherwise. */
  days: number;
  /** Per-tenant overrides, in days. */
  tenants: Record<string, number>;
  /** How often the store applies retention (0: only when `applyRetention` is called). */
  intervalMs: number;
}

export const defaultRetentionConfig: RetentionConfig = { days: 30, tenants: {}, intervalMs: 10 * 60_000 };

export function retentionDays(config: RetentionConfig, tenant: string): number {
  return config.tenants[tenant] ?? config.days;
}

/**
 * Deletes, for every tenant, the files whose whole time span ended before `now - days`: raw
 * minutes, hourly files and rollups alike, whole buckets at a time (a file is the unit). Deleting
 * a file is atomic, so a crash at any point (fail point `store.retention.delete`) leaves only
 * files that are either kept or still expired, and the next run deletes those. Returns the number
 * of buckets (distinct bucket starts per resolution) removed.
 */
export async function applyRetention(
  catalog: Catalog,
  config: RetentionConfig,
  now: number,
  metrics: RetentionMetrics,
): Promise<number> {
  const t0 = metrics.run.start();
  let buckets = 0;
  for (const tenant of catalog.tenantNames()) {
    const cutoff = now - retentionDays(config, tenant) * DAY_MS;
    const expired: CatalogFile[] = [];
    for (const table of ['flows', 'rollup'] as const) {
      for (const file of catalog.files(tenant, table)) if (file.name.end <= cutoff) expired.push(file);
    }
    const gone = new Set<string>();
    for (const file of expired) {
      const err = failPointError('store.retention.delete');
      if (err !== undefined) throw err;
      catalog.remove(tenant, file.path);
      evictReader(file.path);
      await removeDurable(file.path);
      metrics.files.inc();
      metrics.bytes.inc(file.meta.bytes);
      for (const part of file.meta.parts) gone.add(`${file.meta.header.resolution}:${part.bucket}`);
      await removeEmptyDirs(dirname(file.path), 3);
    }
    buckets += gone.size;
  }
  metrics.run.stop(t0);
  return buckets;
}

/** Removes a now empty day folder and its empty month and year folders. */
async function removeEmptyDirs(dir: string, levels: number): Promise<void> {
  for (let i = 0; i < levels; i++) {
    const entries = await readdir(dir).catch(() => ['?']);
    if (entries.length > 0) return;
    await rmdir(dir).catch(() => undefined);
    dir = dirname(dir);
  }
}
