import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '../metrics/registry.js';
import { TenantGauges } from './tenant-gauges.js';

const gauge = (registry: Registry, name: string, tenant: string) =>
  registry
    .families()
    .find((f) => f.name === name)!
    .series.find((s) => s.tags.tenant === tenant) as { value: number } | undefined;

function setup(maxTagValues: number) {
  const open = new Map<string, number>();
  const disk = new Map<string, number>();
  const registry = new Registry({ maxTagValues });
  const gauges = new TenantGauges(registry, {
    open: (t) => ({ openRows: open.get(t) ?? 0, openMinutes: 1, openBytes: 0, walFiles: 0, walBytes: 0 }),
    disk: (t) => ({ files: 0, bytes: disk.get(t) ?? 0, rows: 0 }),
  });
  return { open, disk, registry, gauges };
}

test('each tenant gets its series, read at export time; tracking twice changes nothing', () => {
  const { open, registry, gauges } = setup(100);
  gauges.track('acme');
  gauges.track('acme');
  open.set('acme', 42);
  assert.equal(gauge(registry, 'flowlens_store_open_rows', 'acme')?.value, 42);
  open.set('acme', 7);
  assert.equal(gauge(registry, 'flowlens_store_open_rows', 'acme')?.value, 7);
  assert.equal(registry.families().find((f) => f.name === 'flowlens_store_open_rows')!.series.length, 1);
});

test('past the tag limit, the "other" series sums every tenant without a series of its own', () => {
  const { open, disk, registry, gauges } = setup(2);
  const rows = { a: 1, b: 20, c: 300, d: 4000 };
  for (const [tenant, n] of Object.entries(rows)) {
    open.set(tenant, n);
    disk.set(tenant, n * 10);
    gauges.track(tenant);
  }
  assert.equal(gauge(registry, 'flowlens_store_open_rows', 'a')?.value, 1);
  assert.equal(gauge(registry, 'flowlens_store_open_rows', 'b')?.value, 20);
  assert.equal(gauge(registry, 'flowlens_store_open_rows', 'c'), undefined);
  assert.equal(gauge(registry, 'flowlens_store_open_rows', 'other')?.value, 300 + 4000);
  assert.equal(gauge(registry, 'flowlens_store_segment_bytes', 'other')?.value, 3000 + 40000);
  assert.equal(gauge(registry, 'flowlens_store_open_minutes', 'other')?.value, 2);
});
