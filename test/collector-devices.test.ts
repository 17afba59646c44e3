import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { createCollector } from '../src/ingest/collector.js';
import { DeviceStore } from '../src/ingest/device-store.js';
import { CountingSink } from '../src/ingest/sink.js';
import { tempDir } from './helpers/peers.js';

const offline = { netflowPort: 0, sflowPort: 0, ipfixTcpPort: 0 };

function netflow5(): Buffer {
  const buf = Buffer.alloc(24 + 48);
  buf.writeUInt16BE(5, 0);
  buf.writeUInt16BE(1, 2);
  return buf;
}

test('auto-registered device ids survive a restart through the data directory', async (t) => {
  const file = `${tempDir(t)}/devices.json`;
  const run = async (order: string[]) => {
    const c = createCollector(
      { sink: new CountingSink(), log: () => {}, devices: new DeviceStore(file) },
      offline,
    );
    await c.start();
    for (const address of order) c.handlePacket(netflow5(), address, Date.now());
    await c.stop();
    return Object.fromEntries(c.stats().devices.map((d) => [d.address, d.id]));
  };
  const before = await run(['192.0.2.1', '192.0.2.2']);
  const after = await run(['192.0.2.3', '192.0.2.2', '192.0.2.1']);
  assert.deepEqual(before, { '192.0.2.1': 1, '192.0.2.2': 2 });
  assert.deepEqual(after, { '192.0.2.1': 1, '192.0.2.2': 2, '192.0.2.3': 3 });
});

test('an unreadable device list is reported and ids are reallocated', async (t) => {
  const file = `${tempDir(t)}/devices.json`;
  writeFileSync(file, '[');
  const lines: string[] = [];
  const c = createCollector(
    { sink: new CountingSink(), log: (l) => lines.push(l), devices: new DeviceStore(file) },
    offline,
  );
  await c.start();
  await c.stop();
  assert.ok(
    lines.some((l) => /cannot restore devices: .*not valid JSON/.test(l)),
    lines.join('\n'),
  );
});
