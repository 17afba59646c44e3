import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createQueryEngine } from '../src/query/engine.js';
import { basic, restDevices, restUsers, startRestServer } from './helpers/rest-server.js';

/**
 * GET /api/v1/devices: each user sees the collector's devices of their own tenant only, with the
 * counters the collector holds (the fixture in helpers/rest-server.ts), lastSeen as ISO time or
 * null, and credentials are required.
 */

test('GET /api/v1/devices lists the caller tenant’s devices with their collector counters', async (t) => {
  const server = await startRestServer(t, (store) => createQueryEngine({ backend: store }));
  const get = (authorization?: string) =>
    fetch(`${server.url}/api/v1/devices`, authorization === undefined ? {} : { headers: { authorization } });

  const anonymous = await get();
  assert.equal(anonymous.status, 401);

  const before = Date.now();
  const mine = await get(basic('flowlens', 'flowlens'));
  assert.equal(mine.status, 200);
  const body = (await mine.json()) as { since: string; devices: Record<string, unknown>[] };
  // The fixture's collector has run 60 s: `since` is 60 s before the answer.
  const since = Date.parse(body.since);
  assert.ok(since >= before - 60_000 && since <= Date.now() - 60_000, body.since);
  const edge = restDevices[0]!;
  assert.deepEqual(body.devices, [
    {
      id: edge.id,
      name: edge.name,
      address: edge.address,
      sampleRate: 512,
      configuredSampleRate: null,
      packets: 0,
      bytes: 0,
      flows: 1200,
      decodeErrors: 3,
      templateMisses: 0,
      lostPackets: 0,
      lostFlows: 7,
      lastSeen: '2026-01-05T10:00:00.000Z',
    },
  ]);

  const acme = restUsers.users[1]!;
  const theirs = (await (await get(basic(acme.name, acme.password))).json()) as {
    devices: Record<string, unknown>[];
  };
  assert.deepEqual(
    theirs.devices.map((d) => [d.name, d.configuredSampleRate, d.lastSeen]),
    [['core1', 1000, null]],
  );
});
