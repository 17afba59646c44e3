import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { createStore, type EmbeddedStore, type StoreConfig } from '../../src/store/store.js';

/** A store for tests: no timers (seal, maintain and retention are called by the test), quiet log. */
export function testStore(
  dataDir: string,
  overrides: Partial<StoreConfig> = {},
  log: string[] = [],
): EmbeddedStore {
  return createStore(
    { log: (line) => log.push(line) },
    {
      dataDir,
      maintenanceIntervalMs: 0,
      retention: { days: 30, tenants: {}, intervalMs: 0 },
      ...overrides,
      write: { sealCheckMs: 3_600_000, ...overrides.write },
    },
  );
}

export function tempStoreDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-store-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every file under a folder, relative paths, sorted. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else out.push(path);
    }
  };
  walk('');
  return out.sort();
}
