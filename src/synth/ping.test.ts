import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buf, echo, ipv4 } from '../../test/helpers/icmp-craft.js';
import type { PingSpec } from './contract.js';
import { IcmpEngine } from './icmp/engine.js';
import type { MessageHandler, SocketOpener } from './icmp/raw-socket.js';
import { createPingProbe } from './ping.js';

/** An engine on a manual clock whose IPv4 socket records requests and lets the test answer them. */
function setup(t: { after(fn: () => void): void }) {
  let now = 0;
  const sent: Buffer[] = [];
  let deliver: MessageHandler | undefined;
  const opener: SocketOpener = (_family, onMessage) => {
    deliver = onMessage;
    return { send: (b, len) => sent.push(Buffer.from(b.subarray(0, len))), setTtl() {}, close() {} };
  };
  const engine = IcmpEngine.open({ families: [4] }, opener, () => now);
  t.after(() => engine.close());
  return {
    engine,
    sent,
    at(ms: number) {
      now = ms;
      engine.timers.runDue(now);
    },
    reply(i: number) {
      const r = sent[i]!;
      const b = buf(
        ipv4(
          1,
          '203.0.113.2',
          '192.0.2.2',
          60,
          echo(0, r.readUInt16BE(4), r.readUInt16BE(6), [...r.subarray(8)]),
        ),
      );
      deliver!(b, b.length, '203.0.113.2');
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
  assert.ok(r.rttsMs[0]! >= 0);
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
