import type { Catalog, CatalogFile } from '../catalog/catalog.js';
import { DAY_MS, HOUR_MS } from '../catalog/layout.js';

/**
 * Where rollups of a resolution stop being complete: every hour (day) before the returned time
 * that has flows has an up-to-date rollup, so a query may read rollups for [from, t) and raw
 * minutes for [t, to). Returns 0 when the tenant has no flows.
 */
export function rollupsCompleteUntil(catalog: Catalog, tenant: string, resolution: 'hour' | 'day'): number {
  const width = resolution === 'hour' ? HOUR_MS : DAY_MS;
  const sourceLsn = new Map<number, number>();
  for (const file of catalog.files(tenant, 'flows')) {
    const bucket = file.name.start - (file.name.start % width);
    sourceLsn.set(bucket, Math.max(sourceLsn.get(bucket) ?? 0, file.meta.header.walLsn));
  }
  const rollups = new Map<number, CatalogFile>();
  for (const file of catalog.files(tenant, 'rollup'))
    if (file.name.resolution === resolution) rollups.set(file.name.start, file);
  let until = 0;
  for (const bucket of [...sourceLsn.keys()].sort((a, b) => a - b)) {
    const rollup = rollups.get(bucket);
    if (rollup === undefined || rollup.meta.header.walLsn < sourceLsn.get(bucket)!) return bucket;
    until = bucket + width;
  }
  return until;
}
