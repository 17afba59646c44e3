import assert from 'node:assert/strict';
import { test } from 'node:test';
import { echo, ipv4 } from '../../test/helpers/icmp-craft.js';
import { fakeSockets } from '../../test/helpers/synth-fake-socket.js';
import type { PingResult, PingSpec } from './contract.js';
import { IcmpEngine } from './icmp/engine.js';
import { createPingProbe, startPing } from './ping.js';

/** An engine on a manual clock whose IPv4 socket records requests and lets the test answer them. */
function setup(t: { after(fn: () => void): void }) {
  let now = 0;
  const fake = fakeSockets(() => now * 1e6);
  const engine = IcmpEngine.open({ families: [4] }, fake.opener, () => now);
  t.after(() => engine.close());
  return {
    engine,
    sent: fake.sent,
    at(ms: number) {
      now = ms;
      engine.timers.runDue(now);
    },
    reply(i: number) {
      const r = fake.sent[i]!.bytes;
      fake.receive(
        4,
        ipv4(
          1,
          '203.0.113.2',
          '192.0.2.2',
          60,
          echo(0, r.readUInt16BE(4), r.readUInt16BE(6), [...r.subarray(8)]),
        ),
        '203.0.113.2',
      );
    },
  };
}

const base: PingSpec = {
  id: 't',
  type: 'ping',
  target: '203.0.113.2',
  intervalS: 60,
  timeoutMs: 250,
  count: 3,
  packetIntervalMs: 100,
  size: 56,
};
const turn = () => new Promise((resolve) => setImmediate(resolve));

test('requests go out every interval from the start; each waits until the run’s deadline', async (t) => {
  const { engine, sent, at, reply } = setup(t);
  const running = createPingProbe(engine).run(base, new AbortController().signal);
  await turn();
  assert.equal(sent.length, 1);
  at(99);
  assert.equal(sent.length, 1);
  at(100);
  at(200);
  assert.equal(sent.length, 3);
  at(240);
  reply(0); // 240 ms after it was sent, still before the deadline
  at(249);
  assert.equal(engine.table.inFlight, 2, 'nothing times out before the deadline');
  at(250);
  const r = await running;
  assert.deepEqual([r.sent, r.received, r.lossPct, r.ok, r.error], [3, 1, (2 / 3) * 100, true, '']);
  assert.equal(r.rttsMs[0], 240, 'sent at 0 ms, received at 240 ms');
  assert.ok(Number.isNaN(r.rttsMs[1]!) && Number.isNaN(r.rttsMs[2]!));
});

test('probeTimeoutMs ends each wait earlier; a reply after it is lost', async (t) => {
  const { engine, at, reply } = setup(t);
  const running = createPingProbe(engine).run(
    { ...base, count: 1, probeTimeoutMs: 50 },
    new AbortController().signal,
  );
  await turn();
  at(50);
  reply(0);
  const r = await running;
  assert.deepEqual([r.sent, r.received, r.ok, r.error], [1, 0, false, 'timeout']);
  assert.equal(engine.stats.unmatched, 1);
});

test('a deadline that cannot fit every request, and other bad specs, are bad_spec; abort ends the run', async (t) => {
  const { engine, at } = setup(t);
  const ping = createPingProbe(engine);
  const signal = new AbortController().signal;
  for (const spec of [
    { ...base, timeoutMs: 200 },
    { ...base, count: 0 },
    { ...base, size: -1 },
    { ...base, probeTimeoutMs: 0 },
  ])
    assert.equal((await ping.run(spec, signal)).error, 'bad_spec', JSON.stringify(spec));
  const abort = new AbortController();
  const running = ping.run(base, abort.signal);
  await turn();
  at(100);
  abort.abort();
  const r = await running;
  assert.deepEqual([r.sent, r.received, r.error], [2, 0, 'aborted']);
  assert.equal(engine.table.inFlight, 0, 'its outstanding requests are released');
});

test('startPing: no promise; done gets the time given, once, and abort after the end changes nothing', (t) => {
  const { engine, at, reply } = setup(t);
  const results: PingResult[] = [];
  const run = startPing(engine, { ...base, count: 2 }, 12345, (r) => results.push(r));
  at(100);
  reply(0);
  reply(1);
  assert.equal(results.length, 1);
  assert.deepEqual(
    [results[0]!.time, results[0]!.sent, results[0]!.received, results[0]!.rttsMs],
    [12345, 2, 2, [100, 0]],
  );
  run.abort();
  assert.equal(results.length, 1);
  startPing(engine, { ...base, count: 0 }, 1, (r) => results.push(r));
  assert.equal(results[1]!.error, 'bad_spec', 'a bad spec ends before start returns');
});
