import { statSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowBatch } from '../../src/flow/batch.js';
import { Registry } from '../../src/metrics/registry.js';
import { createStore, type EmbeddedStore, type StoreConfig } from '../../src/store/store.js';
import { ManualClock } from './manual-clock.js';
import { listTree } from './store-setup.js';

/** A store without timers (the test seals, maintains and applies retention) reporting into its own registry. */
export function instrumentedStore(
  dataDir: string,
  overrides: Partial<StoreConfig> = {},
  registry = new Registry({ clock: new ManualClock() }),
): { store: EmbeddedStore; registry: Registry } {
  const store = createStore(
    { log: () => {}, metrics: registry },
    {
      dataDir,
      maintenanceIntervalMs: 0,
      retention: { days: 30, tenants: {}, intervalMs: 0 },
      ...overrides,
      write: { sealCheckMs: 3_600_000, walRollMs: 3_600_000, ...overrides.write },
    },
  );
  return { store, registry };
}

export interface DiskFile {
  readonly path: string;
  readonly bytes: number;
}

/** Files under DATA/store (optionally of one tenant) whose relative path matches, with their sizes. */
export function filesOnDisk(dataDir: string, match: RegExp, tenant?: string): DiskFile[] {
  const root = tenant === undefined ? join(dataDir, 'store') : join(dataDir, 'store', tenant);
  return listTree(root)
    .filter((path) => match.test(path))
    .map((path) => ({ path, bytes: statSync(join(root, path)).size }));
}

export const bytesOf = (files: readonly DiskFile[]): number => files.reduce((n, f) => n + f.bytes, 0);

/** Segment files (not temporaries, not quarantined). */
export const segmentPattern = /^(?!.*quarantine\/).*\.seg$/;
export const walPattern = /(^|\/)wal\/[^/]+\.wal$/;

/** Rows of a batch whose i_start_time falls in [from, to). */
export function rowsIn(batches: readonly FlowBatch[], from: number, to: number): number {
  let n = 0;
  for (const batch of batches) {
    const time = batch.arrays[batch.index.i_start_time]!;
    for (let row = 0; row < batch.length; row++) if (time[row]! >= from && time[row]! < to) n++;
  }
  return n;
}

/** Distinct minutes (i_start_time rounded down) of the batches' rows. */
export function minutesOf(batches: readonly FlowBatch[]): number {
  const minutes = new Set<number>();
  for (const batch of batches) {
    const time = batch.arrays[batch.index.i_start_time]!;
    for (let row = 0; row < batch.length; row++) minutes.add(time[row]! - (time[row]! % 60_000));
  }
  return minutes.size;
}
