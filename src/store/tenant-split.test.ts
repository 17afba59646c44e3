import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch, F } from '../flow/batch.js';
import { TenantSplitter } from './tenant-split.js';

/** Devices whose ids collide in the splitter's 1024-slot cache, interleaved row by row. */
const devices = [1, 1025, 2049, 7, 3_000_000_001, 12];
const tenantOf = (id: number) => (id === 12 ? undefined : id % 2 === 1 ? `odd${id % 3}` : 'even');

function batch(rows: number) {
  const b = createFlowBatch(rows);
  const dev = b.col('i_device_id');
  const bytes = b.col('in_bytes');
  const src = b.col('src_addr');
  for (let r = 0; r < rows; r++) {
    dev[r] = devices[(r * 7) % devices.length]!;
    bytes[r] = r;
    src[r * 16 + 15] = r & 255;
    b.setString('src_geo', r, `g${r % 5}`);
  }
  b.length = rows;
  return b;
}

test('TenantSplitter: every row goes to its tenant, in order, whole; colliding device ids resolve apart', () => {
  const flows = batch(3000);
  const splitter = new TenantSplitter(tenantOf);
  const count = splitter.resolve(flows);
  // Brute force: the tenant of each row straight from tenantOf, rows kept in batch order.
  const want = new Map<string, number[]>();
  for (let r = 0; r < flows.length; r++) {
    const tenant = tenantOf(flows.arrays[F.i_device_id]![r]!) ?? 'default';
    want.set(tenant, [...(want.get(tenant) ?? []), r]);
  }
  assert.equal(count, want.size);
  const parts = splitter.split(flows, () => createFlowBatch(16));
  assert.deepEqual([...parts.keys()].sort(), [...want.keys()].sort());
  for (const [tenant, rows] of want) {
    const part = parts.get(tenant)!;
    assert.equal(part.length, rows.length);
    rows.forEach((r, i) => {
      assert.equal(part.arrays[F.in_bytes]![i], r);
      assert.equal(part.arrays[F.i_device_id]![i], flows.arrays[F.i_device_id]![r]);
      assert.equal(part.arrays[F.src_addr]![i * 16 + 15], r & 255);
      assert.equal(part.getString('src_geo', i), `g${r % 5}`);
    });
  }
});

test('TenantSplitter: a one-tenant batch is recognised without copying; the next batch sees registry changes', () => {
  let tenant = 'acme';
  const splitter = new TenantSplitter(() => tenant);
  assert.equal(splitter.resolve(batch(100)), 1);
  assert.deepEqual(splitter.tenants, ['acme']);
  tenant = 'globex';
  assert.equal(splitter.resolve(batch(100)), 1);
  assert.deepEqual(splitter.tenants, ['globex'], 'the device cache lasts one batch');
});
