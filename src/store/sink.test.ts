import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createFlowBatch, type FlowBatch } from '../flow/batch.js';
import { appendRowObject } from '../flow/row-object.js';
import { registryTenants, StoreSink } from './sink.js';

function batchOf(rows: Record<string, unknown>[]): FlowBatch {
  const batch = createFlowBatch(4);
  for (const row of rows) appendRowObject(batch, row);
  return batch;
}

test('StoreSink: one append per tenant, rows copied whole; a one-tenant batch goes as is', async () => {
  const appended: [string, string[]][] = [];
  const sink = new StoreSink(
    {
      append: async (tenant, flows) => {
        appended.push([
          tenant,
          Array.from({ length: flows.length }, (_, r) => JSON.stringify(flows.rowObject(r))),
        ]);
      },
      flush: async () => {},
    },
    (id) => (id === 1 ? 'acme' : id === 2 ? 'globex' : undefined),
  );
  const rows = [
    { i_device_id: 1, i_device_name: 'a', src_addr: '192.0.2.1', in_bytes: 10 },
    { i_device_id: 2, i_device_name: 'b', src_addr: '2001:db8::1', in_bytes: 20 },
    { i_device_id: 1, i_device_name: 'a', dst_addr: '198.51.100.1', in_bytes: 30 },
    { i_device_id: 9, in_bytes: 40 },
  ];
  const mixed = batchOf(rows);
  await sink.write(mixed);
  const expected = (indexes: number[]) =>
    indexes.map((i) => JSON.stringify(batchOf([rows[i]!]).rowObject(0)));
  assert.deepEqual(appended.sort(), [
    ['acme', expected([0, 2])],
    ['default', expected([3])],
    ['globex', expected([1])],
  ]);
  appended.length = 0;
  const single = batchOf([rows[0]!, rows[2]!]);
  await sink.write(single);
  assert.deepEqual(appended, [['acme', expected([0, 2])]]);
  assert.equal(sink.stats.storedFlows, 6);
});

test('StoreSink: failed appends are counted per code and rethrown', async () => {
  const sink = new StoreSink(
    {
      append: async () => {
        throw Object.assign(new Error('full'), { code: 'store_disk_full' });
      },
      flush: async () => {},
    },
    () => 'acme',
  );
  await assert.rejects(sink.write(batchOf([{ in_bytes: 1 }, { in_bytes: 2 }])), /full/);
  assert.deepEqual(sink.stats.errors, { store_disk_full: 1 });
  assert.equal(sink.stats.lostFlows, 2);
});

test('registryTenants: configured devices at once, auto-registered ones when the registry grows', () => {
  const devices = [{ device: { id: 1, tenant: 'acme' } }];
  const registry = { all: () => devices, autoRegisteredVersion: 0 };
  const tenantOf = registryTenants(registry);
  assert.equal(tenantOf(1), 'acme');
  assert.equal(tenantOf(2), undefined);
  devices.push({ device: { id: 2, tenant: 'default' } });
  registry.autoRegisteredVersion = 1;
  assert.equal(tenantOf(2), 'default');
});
