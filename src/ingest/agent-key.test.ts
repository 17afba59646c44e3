import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mergeConfig, parseConfigFile } from '../server/config.js';
import { DeviceRegistry } from './devices.js';
import { DecodeStats } from './stats.js';

test('agents are devices of the registry: ids shared with exporters, tenant and name from the key', () => {
  const registry = new DeviceRegistry(
    { autoRegister: true, devices: [{ address: '192.0.2.1', id: 5 }] },
    new DecodeStats(),
  );
  const router = registry.exporter('192.0.2.9')!;
  const agent = registry.agent('acme', 'web-1')!;
  const other = registry.agent('default', 'web-1')!;
  assert.deepEqual(
    [router.device, agent.device, other.device].map((d) => [d.id, d.name, d.tenant]),
    [
      [6, '192.0.2.9', 'default'],
      [7, 'web-1', 'acme'],
      [8, 'web-1', 'default'],
    ],
  );
  assert.equal(registry.agent('acme', 'web-1'), agent, 'the same device next time');

  // Remembered across restarts with the id, tenant and name it had.
  const again = new DeviceRegistry({ autoRegister: true, devices: [] }, new DecodeStats());
  assert.equal(again.restore(registry.rememberedDevices()), 3);
  assert.deepEqual(again.agent('acme', 'web-1')!.device, agent.device);
  assert.equal(again.exporter('192.0.2.10')!.device.id, 9);
});

test('a configured agent:NAME pins its id in its tenant; with autoRegister off, others are refused', () => {
  const stats = new DecodeStats();
  const registry = new DeviceRegistry(
    { autoRegister: false, devices: [{ address: 'agent:db-1', tenant: 'acme', id: 42, sampleRate: 1 }] },
    stats,
  );
  assert.deepEqual(registry.agent('acme', 'db-1')!.device, {
    id: 42,
    name: 'db-1',
    tenant: 'acme',
    sampleRate: 1,
  });
  assert.equal(registry.agent('default', 'db-1'), undefined, 'another tenant has no such agent');
  assert.equal(registry.agent('acme', 'db-2'), undefined);
});

test('the config file takes agent:NAME devices, one per name and tenant', () => {
  const devices = [
    { address: 'agent:web-1', tenant: 'acme', id: 100 },
    { address: 'agent:web-1', tenant: 'default', id: 101 },
    { address: '192.0.2.1' },
  ];
  const config = mergeConfig(parseConfigFile(JSON.stringify({ devices, data: '/tmp/d' }), 'c.json'), {});
  assert.deepEqual(
    config.devices.map((d) => d.address),
    ['agent:web-1', 'agent:web-1', '192.0.2.1'],
  );
  const twice = JSON.stringify({ devices: [devices[0], { ...devices[0], id: 102 }] });
  assert.throws(() => parseConfigFile(twice, 'c.json'), /duplicate address/);
  const bad = JSON.stringify({ devices: [{ address: 'agent:no spaces' }] });
  assert.throws(() => parseConfigFile(bad, 'c.json'), /agent:NAME/);
});
