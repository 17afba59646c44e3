import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverCompactions } from '../compact/intent.js';
import { decodeTenant, storeDir } from '../write/layout.js';
import type { Catalog } from './catalog.js';
import { parseDayDir, parseSegmentName } from './layout.js';
import { isCorruption } from './quarantine.js';
import { readSegmentMeta } from './segment-io.js';

export interface ScanReport {
  readonly tenants: number;
  readonly files: number;
  /** Segments that failed to open; the caller quarantines them. */
  readonly corrupt: readonly { tenant: string; path: string; error: Error }[];
  /** Leftover temporary files removed (counted, with readOnly). */
  readonly removedTemp: number;
  /** Half-done rewrites (compaction, rollups) finished or rolled back. */
  readonly recoveredCompactions: number;
}

/**
 * Rebuilds the catalog from the data directory: for each tenant, first finishes or rolls back the
 * rewrites a crash interrupted, then removes leftover temporary segment files, then opens every
 * segment and records its metadata. Runs at start, before the write path replays its WAL.
 * `readOnly` (for `store inspect`) changes nothing on disk: temporary files are only counted.
 */
export async function scanDataDir(
  dataDir: string,
  catalog: Catalog,
  options: { readOnly?: boolean } = {},
): Promise<ScanReport> {
  const corrupt: { tenant: string; path: string; error: Error }[] = [];
  let tenants = 0;
  let files = 0;
  let removedTemp = 0;
  let recoveredCompactions = 0;
  for (const dirName of await listDirs(storeDir(dataDir))) {
    const tenant = safeDecode(dirName);
    if (tenant === undefined) continue;
    tenants++;
    const root = join(storeDir(dataDir), dirName);
    if (options.readOnly !== true) recoveredCompactions += await recoverCompactions(root);
    for (const yyyy of await listDirs(root)) {
      if (!/^\d{4}$/.test(yyyy)) continue;
      for (const mm of await listDirs(join(root, yyyy))) {
        for (const dd of await listDirs(join(root, yyyy, mm))) {
          const day = parseDayDir(yyyy, mm, dd);
          if (day === undefined) continue;
          const dir = join(root, yyyy, mm, dd);
          for (const entry of await readdir(dir)) {
            const path = join(dir, entry);
            if (entry.endsWith('.tmp') || entry.includes('.tmp-')) {
              if (options.readOnly !== true) await rm(path, { force: true });
              removedTemp++;
              continue;
            }
            const name = parseSegmentName(day, entry);
            if (name === undefined) continue;
            try {
              catalog.add({ path, tenant, name, meta: readSegmentMeta(path) });
              files++;
            } catch (err) {
              if (!isCorruption(err)) throw err;
              corrupt.push({ tenant, path, error: err as Error });
            }
          }
        }
      }
    }
  }
  return { tenants, files, corrupt, removedTemp, recoveredCompactions };
}

function safeDecode(dirName: string): string | undefined {
  try {
    return decodeTenant(dirName);
  } catch {
    return undefined;
  }
}

export async function listDirs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter((e) => e.isDirectory())
      .map((e) => e.name)
      .sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
}
