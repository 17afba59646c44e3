import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DeviceRegistry } from './devices.js';
import { DecodeStats } from './stats.js';

test('configured devices keep their id, name, tenant and sampling override', () => {
  const stats = new DecodeStats();
  const registry = new DeviceRegistry(
    {
      autoRegister: true,
      devices: [
        { address: '192.0.2.1', id: 10, name: 'edge1', tenant: 'acme', sampleRate: 512 },
        { address: '2001:db8::1' },
      ],
    },
    stats,
  );
  assert.deepEqual(registry.exporter('192.0.2.1')!.device, {
    id: 10,
    name: 'edge1',
    tenant: 'acme',
    sampleRate: 512,
  });
  const v6 = registry.exporter('2001:db8::1')!.device;
  assert.equal(v6.id, 11, 'ids are allocated after the highest configured one');
  assert.equal(v6.name, '2001:db8::1');
  assert.equal(v6.tenant, 'default');
  assert.equal(v6.sampleRate, undefined);
});

test('unknown exporters are auto-registered once, one state per address', () => {
  const registry = new DeviceRegistry(
    { autoRegister: true, devices: [{ address: '192.0.2.1', id: 5 }] },
    new DecodeStats(),
  );
  const a = registry.exporter('198.51.100.7')!;
  assert.deepEqual(a.device, { id: 6, name: '198.51.100.7', tenant: 'default', sampleRate: undefined });
  assert.equal(registry.exporter('198.51.100.7'), a);
  assert.equal(registry.exporter('::ffff:198.51.100.7'), a, 'IPv4-mapped addresses are the same exporter');
  assert.equal(registry.exporter('198.51.100.8')!.device.id, 7);
  assert.equal(registry.all().length, 3);
});

test('with auto-registration off, unknown exporters are refused and counted', () => {
  const stats = new DecodeStats();
  const logged: string[] = [];
  stats.onError = (reason, detail) => logged.push(`${reason} ${detail}`);
  const registry = new DeviceRegistry({ autoRegister: false, devices: [{ address: '192.0.2.1' }] }, stats);
  assert.ok(registry.exporter('192.0.2.1'));
  assert.ok(registry.exporter('::ffff:192.0.2.1'));
  assert.equal(registry.exporter('203.0.113.9'), undefined);
  assert.equal(registry.exporter('203.0.113.9'), undefined);
  assert.equal(stats.count('unknown_exporter'), 2);
  assert.deepEqual([...registry.refusedPackets()], [['203.0.113.9', 2]]);
  assert.match(logged[0]!, /^unknown_exporter .*203\.0\.113\.9/);
  assert.equal(registry.all().length, 1);
});

test('auto-registered devices are remembered and restored with their ids', () => {
  const first = new DeviceRegistry(
    { autoRegister: true, devices: [{ address: '192.0.2.1', id: 1 }] },
    new DecodeStats(),
  );
  first.exporter('198.51.100.7');
  first.exporter('198.51.100.8');
  assert.deepEqual(first.rememberedDevices(), [
    { address: '198.51.100.7', id: 2 },
    { address: '198.51.100.8', id: 3 },
  ]);
  // After a restart the traffic arrives in another order; ids stay.
  const second = new DeviceRegistry(
    { autoRegister: true, devices: [{ address: '192.0.2.1', id: 1 }] },
    new DecodeStats(),
  );
  assert.equal(second.restore([...first.rememberedDevices(), { address: '192.0.2.1', id: 9 }]), 2);
  assert.equal(second.exporter('198.51.100.8')!.device.id, 3);
  assert.equal(second.exporter('192.0.2.1')!.device.id, 1, 'configuration wins over memory');
  assert.equal(second.exporter('203.0.113.1')!.device.id, 4, 'new ids continue after remembered ones');
  const refusing = new DeviceRegistry({ autoRegister: false, devices: [] }, new DecodeStats());
  assert.equal(refusing.restore(first.rememberedDevices()), 0);
});
