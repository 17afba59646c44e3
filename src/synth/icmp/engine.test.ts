import assert from 'node:assert/strict';
import { test } from 'node:test';
import { echo, icmpError, ipv4, ipv6, udp } from '../../../test/helpers/icmp-craft.js';
import { fakeSockets } from '../../../test/helpers/synth-fake-socket.js';
import { IcmpEngine, SendError } from './engine.js';
import { Outcome, type ProbeListener } from './probe-table.js';

interface Done {
  cookie: number;
  outcome: number;
  code: number;
  from: string;
  rttMs: number;
  ttl: number;
}
function recorder(): ProbeListener & { done: Done[] } {
  const done: Done[] = [];
  return {
    done,
    probeDone: (cookie, outcome, code, from, rttMs, ttl) =>
      done.push({ cookie, outcome, code, from, rttMs, ttl }),
  };
}

/** The reply a host would send to `request` (an echo request as we sent it): same id, seq, payload. */
function replyTo(request: Buffer, family: 4 | 6): number[] {
  const body = [...request];
  if (family === 6) return echo(129, request.readUInt16BE(4), request.readUInt16BE(6), body.slice(8), false);
  return ipv4(
    1,
    '203.0.113.2',
    '192.0.2.2',
    60,
    echo(0, request.readUInt16BE(4), request.readUInt16BE(6), body.slice(8)),
  );
}

function setup(t: { after(fn: () => void): void }) {
  let now = 1000;
  const fake = fakeSockets();
  const engine = IcmpEngine.open({ id: 0x4242 }, fake.opener, () => now);
  t.after(() => engine.close());
  const advance = (ms: number) => {
    now += ms;
    engine.timers.runDue(now);
  };
  return { fake, engine, advance };
}

test('an echo reply with our id, the probe’s sequence and token completes it; RTT = kernel receive time − send time', (t) => {
  const { fake, engine } = setup(t);
  const l = recorder();
  const slot = engine.sendEcho(4, '203.0.113.2', 56, 0, 1000, l, 7);
  assert.ok(slot >= 0);
  const [request] = fake.sent;
  assert.equal(request!.address, '203.0.113.2');
  assert.equal(request!.bytes.length, 64);
  assert.equal(request!.bytes.readUInt16BE(4), 0x4242);
  assert.equal(request!.bytes.readUInt16BE(6), slot);
  // Stamped by the "kernel" 1.234567 ms after the send time the socket returned.
  fake.receive(4, replyTo(request!.bytes, 4), '203.0.113.2', request!.atNs + 1_234_567);
  assert.equal(l.done.length, 1);
  assert.deepEqual(
    [l.done[0]!.cookie, l.done[0]!.outcome, l.done[0]!.from, l.done[0]!.ttl],
    [7, Outcome.reply, '203.0.113.2', 60],
  );
  assert.equal(l.done[0]!.rttMs, 1_234_567 / 1e6);
  assert.deepEqual([engine.stats.sent, engine.stats.matched, engine.stats.unmatched], [1, 1, 0]);
  // A duplicate of the same reply matches nothing any more.
  fake.receive(4, replyTo(request!.bytes, 4), '203.0.113.2');
  assert.equal(l.done.length, 1);
  assert.equal(engine.stats.unmatched, 1);
});

test('replies with another id or a wrong token are not taken; the probe then times out', (t) => {
  const { fake, engine, advance } = setup(t);
  const l = recorder();
  engine.sendEcho(6, '2001:db8:3::2', 56, 0, 500, l, 1);
  const request = fake.sent[0]!.bytes;
  const otherId = Buffer.from(request);
  otherId.writeUInt16BE(0x4243, 4);
  fake.receive(6, replyTo(otherId, 6), '2001:db8:3::2');
  const badToken = Buffer.from(request);
  badToken.writeUInt32BE((request.readUInt32BE(8) + 1) >>> 0, 8);
  fake.receive(6, replyTo(badToken, 6), '2001:db8:3::2');
  assert.equal(l.done.length, 0);
  assert.equal(engine.stats.unmatched, 2);
  advance(499);
  assert.equal(l.done.length, 0);
  advance(1);
  assert.deepEqual(
    l.done.map((d) => [d.cookie, d.outcome, d.from]),
    [[1, Outcome.timeout, '']],
  );
  assert.ok(Number.isNaN(l.done[0]!.rttMs));
  // The real reply, now late, is unmatched.
  fake.receive(6, replyTo(request, 6), '2001:db8:3::2');
  assert.equal(l.done.length, 1);
});

test('time exceeded quoting our echo request ends that probe with the router’s address', (t) => {
  const { fake, engine } = setup(t);
  const l = recorder();
  engine.sendEcho(4, '203.0.113.2', 32, 2, 1000, l, 5);
  const quoted = ipv4(1, '192.0.2.2', '203.0.113.2', 1, [...fake.sent[0]!.bytes]);
  fake.receive(4, ipv4(1, '198.51.100.2', '192.0.2.2', 63, icmpError(11, 0, quoted)), '198.51.100.2');
  assert.deepEqual(
    l.done.map((d) => [d.cookie, d.outcome, d.from]),
    [[5, Outcome.timeExceeded, '198.51.100.2']],
  );
});

test('each request goes out with the TTL asked for, 0 meaning the default', (t) => {
  const { fake, engine } = setup(t);
  const l = recorder();
  for (const ttl of [0, 0, 3, 3, 4, 0, 0]) engine.sendEcho(4, '203.0.113.2', 8, ttl, 1000, l, 0);
  assert.deepEqual(
    fake.sent.map((s) => s.ttl),
    [0, 0, 3, 3, 4, 0, 0],
  );
});

test('UDP probes are matched by the quoted source port, destination port and destination address', (t) => {
  const { fake, engine } = setup(t);
  const l = recorder();
  const channel = engine.udpChannel(4, '203.0.113.2', 40000, 33434, 9, l);
  assert.ok(channel.track(0, 1000));
  assert.ok(channel.track(4, 1000));
  const err = (sport: number, dport: number, dst: string, type = 11, code = 0) =>
    fake.receive(
      4,
      ipv4(
        1,
        '192.0.2.1',
        '192.0.2.2',
        64,
        icmpError(type, code, ipv4(17, '192.0.2.2', dst, 1, udp(sport, dport, []))),
      ),
      '192.0.2.1',
    );
  err(40001, 33434, '203.0.113.2'); // another socket's
  err(40000, 33435, '203.0.113.2'); // a probe not sent
  err(40000, 33434, '203.0.113.9'); // another destination
  assert.equal(l.done.length, 0);
  assert.equal(engine.stats.unmatched, 3);
  err(40000, 33434, '203.0.113.2');
  err(40000, 33438, '203.0.113.2', 3, 3);
  assert.deepEqual(
    l.done.map((d) => [d.cookie, d.outcome, d.code]),
    [
      [0, Outcome.timeExceeded, 0],
      [4, Outcome.unreachable, 3],
    ],
  );
  channel.close();
  assert.equal(engine.table.inFlight, 0);
});

test('IPv6 UDP errors match too', (t) => {
  const { fake, engine } = setup(t);
  const l = recorder();
  const channel = engine.udpChannel(6, '2001:db8:3::2', 50000, 33434, 3, l);
  channel.track(2, 1000);
  const quoted = ipv6(17, '2001:db8:1::2', '2001:db8:3::2', 1, udp(50000, 33436, new Array(32).fill(0)));
  // The hop limit comes beside the message (IPV6_HOPLIMIT), not in it.
  fake.receive(6, icmpError(1, 4, quoted), '2001:db8:3::2', undefined, 62);
  assert.deepEqual(
    l.done.map((d) => [d.cookie, d.outcome, d.code, d.from, d.ttl]),
    [[2, Outcome.unreachable, 4, '2001:db8:3::2', 62]],
  );
  channel.close();
});

test('a failed send frees its slot; a released probe’s reply is unmatched; no socket is reported', (t) => {
  const { fake, engine, advance } = setup(t);
  const l = recorder();
  fake.failNextSend();
  assert.equal(engine.sendEcho(4, '203.0.113.2', 8, 0, 1000, l, 0), SendError.sendFailed);
  assert.equal(engine.table.inFlight, 0);
  assert.match(engine.lastSendError, /unreachable/);
  const slot = engine.sendEcho(4, '203.0.113.2', 8, 0, 1000, l, 1);
  engine.release(slot);
  fake.receive(4, replyTo(fake.sent[0]!.bytes, 4), '203.0.113.2');
  advance(2000);
  assert.equal(l.done.length, 0, 'neither the reply nor the timeout reaches a released probe');
  const v4only = IcmpEngine.open({ families: [4] }, fakeSockets().opener);
  t.after(() => v4only.close());
  assert.equal(v4only.sendEcho(6, '::1', 8, 0, 1000, l, 0), SendError.noSocket);
  assert.equal(v4only.unavailableReason(6), 'not opened');
});

test('with 65 536 probes outstanding the table is full until one ends', (t) => {
  const { engine, advance } = setup(t);
  const l = recorder();
  for (let i = 0; i < 65_536; i++) assert.ok(engine.sendEcho(4, '203.0.113.2', 0, 0, 1000 + i, l, i) >= 0);
  assert.equal(engine.sendEcho(4, '203.0.113.2', 0, 0, 1000, l, -1), SendError.tableFull);
  advance(1000);
  assert.equal(l.done.length, 1);
  assert.ok(engine.sendEcho(4, '203.0.113.2', 0, 0, 1000, l, -1) >= 0);
});
