import assert from 'node:assert/strict';
import { test } from 'node:test';
import { netflow9IPv4Template, netflow9IPv6Template } from '../export/templates.js';
import { defaultDemoExporterConfig, type RouterProfile, routerProfiles } from './config.js';
import { SimulatedRouter } from './router.js';

/**
 * The simulated router's datagrams, read with a NetFlow v9 header and flowset walker written here
 * from RFC 3954 (independent of the encoder): header fields, set ids and record counts. The flow
 * rate is checked against the profile's: over whole seconds the exact number of flows is due.
 */

interface Datagram {
  version: number;
  count: number;
  uptime: number;
  unixSecs: number;
  sequence: number;
  sourceId: number;
  sets: { id: number; length: number; offset: number }[];
}

function parse(buf: Buffer): Datagram {
  const sets: Datagram['sets'] = [];
  for (let o = 20; o < buf.length; ) {
    const id = buf.readUInt16BE(o);
    const length = buf.readUInt16BE(o + 2);
    assert.ok(length >= 4 && o + length <= buf.length, `flowset at ${o} fits the datagram`);
    assert.equal(length % 4, 0, 'flowsets are padded to 4 bytes');
    sets.push({ id, length, offset: o });
    o += length;
  }
  return {
    version: buf.readUInt16BE(0),
    count: buf.readUInt16BE(2),
    uptime: buf.readUInt32BE(4),
    unixSecs: buf.readUInt32BE(8),
    sequence: buf.readUInt32BE(12),
    sourceId: buf.readUInt32BE(16),
    sets,
  };
}

const recordBytes = (fields: readonly { length: number }[]) => fields.reduce((n, f) => n + f.length, 0);
const v4Bytes = recordBytes(netflow9IPv4Template.fields);
const v6Bytes = recordBytes(netflow9IPv6Template.fields);

/** Data records in a data flowset: padding is under 4 bytes, shorter than any record. */
function dataRecords(set: { id: number; length: number }): number {
  return Math.floor((set.length - 4) / (set.id === 256 ? v4Bytes : v6Bytes));
}

/** Every datagram of the ticks, with the time of the tick that sent it. */
function run(profile: RouterProfile, ticks: number[]): { buf: Buffer; at: number }[] {
  const router = new SimulatedRouter(profile, defaultDemoExporterConfig, ticks[0]!);
  const out: { buf: Buffer; at: number }[] = [];
  for (const at of ticks) router.tick(at, (d) => out.push({ buf: Buffer.from(d), at }));
  return out;
}

const start = Date.UTC(2026, 0, 5, 10, 0, 0);
const profiles = routerProfiles(defaultDemoExporterConfig);

test('templates first, then data; sequence numbers count datagrams; headers say now', () => {
  const edge = profiles[0]!;
  const ticks = Array.from({ length: 31 }, (_, i) => start + i * 100);
  const sent = run(edge, ticks);
  const datagrams = sent.map((s) => parse(s.buf));
  const first = datagrams[0]!;
  assert.deepEqual(
    first.sets.map((s) => s.id),
    [0, 1, 258],
    'templates, options template, sampling options data',
  );
  assert.equal(first.count, 2 + 1 + 1, 'two templates, one options template, one options record');
  for (const [i, d] of datagrams.entries()) {
    assert.equal(d.version, 9);
    assert.equal(d.sequence, i, 'one more per datagram, from 0');
    assert.equal(d.sourceId, edge.sourceId);
    // The router booted uptimeMs before `start`.
    assert.equal(d.uptime, edge.uptimeMs + sent[i]!.at - start);
    assert.equal(d.unixSecs, Math.floor(sent[i]!.at / 1000));
    if (i === 0) continue;
    assert.ok(
      d.sets.every((s) => s.id === 256 || s.id === 257),
      'data datagrams hold data sets only',
    );
    assert.equal(
      d.count,
      d.sets.reduce((n, s) => n + dataRecords(s), 0),
      'count is the number of records',
    );
  }
  // Over 3 s the edge router (the busiest, at flowsPerSecond) exports exactly 3 s worth of flows.
  const flows = datagrams.slice(1).reduce((n, d) => n + d.count, 0);
  assert.equal(flows, 3 * edge.flowsPerSecond);
});

test('flow times lie in the 30 s before the export, in sysUptime; ifIndex in the router range', () => {
  const core = profiles[2]!;
  assert.equal(core.firstIfIndex, 501);
  const ticks = [start, start + 1000, start + 2000];
  let records = 0;
  for (const { buf } of run(core, ticks)) {
    const d = parse(buf);
    for (const set of d.sets.filter((s) => s.id === 256)) {
      for (let r = 0; r < dataRecords(set); r++) {
        const o = set.offset + 4 + r * v4Bytes;
        const input = buf.readUInt16BE(o + 12);
        const output = buf.readUInt16BE(o + 14);
        const first = buf.readUInt32BE(o + 24);
        const last = buf.readUInt32BE(o + 28);
        for (const ifIndex of [input, output])
          assert.ok(ifIndex >= 501 && ifIndex < 501 + core.interfaces, `ifIndex ${ifIndex}`);
        assert.ok(first <= last && last <= d.uptime && d.uptime - last <= 30_000, 'ended in the last 30 s');
        records++;
      }
    }
  }
  assert.ok(records > 0.8 * 2 * core.flowsPerSecond, 'most flows are IPv4 (10 % IPv6)');
});

test('templates and sampling are re-sent every templateIntervalMs', () => {
  const ticks = Array.from({ length: 25 }, (_, i) => start + i * 1000);
  const withTemplates = run(profiles[1]!, ticks)
    .map((s) => parse(s.buf))
    .filter((d) => d.sets.some((s) => s.id === 0))
    .map((d) => d.uptime - profiles[1]!.uptimeMs);
  assert.deepEqual(withTemplates, [0, 10_000, 20_000]);
});

test('profiles: distinct loopback sources, roles and sampling rates; bad configs refused', () => {
  assert.deepEqual(
    profiles.map((p) => [p.address, p.role, p.sampleRate]),
    [
      ['127.0.0.11', 'edge1', 512],
      ['127.0.0.12', 'border1', 1000],
      ['127.0.0.13', 'core1', 2048],
      ['127.0.0.14', 'access1', 1],
    ],
  );
  assert.equal(routerProfiles({ ...defaultDemoExporterConfig, routers: 6 })[4]!.role, 'edge2');
  for (const bad of [
    { routers: 0 },
    { firstSource: '10.0.0.1' },
    { firstSource: '127.0.0.250', routers: 6 },
    { targetAddress: '::1' },
    { maxBytes: 100 },
    { flowsPerSecond: 0 },
  ])
    assert.throws(() => routerProfiles({ ...defaultDemoExporterConfig, ...bad }), /demo exporter/);
});
