import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { type TestContext, test } from 'node:test';
import type { DnsSpec } from '../src/synth/contract.js';
import { dnsProbe } from '../src/synth/probes/dns-probe.js';
import { message, name, ptr, question, rr, u16 } from './helpers/dns-craft.js';

const never = new AbortController().signal;

/** The query's ID and first label (which tells the fake server how to misbehave). */
function readQuery(q: Buffer): { id: number; label: string; question: number[] } {
  const len = q[12]!;
  let end = 12;
  while (q[end] !== 0) end += q[end]! + 1;
  return {
    id: q.readUInt16BE(0),
    label: q.toString('latin1', 13, 13 + len),
    question: [...q.subarray(12, end + 5)],
  };
}

/** A well-formed answer: the question echoed, one A record pointing back at the question's name. */
function goodAnswer(id: number, q: number[], flags = 0): Buffer {
  const m = message({ id, response: true, questions: [q], answers: [rr(ptr(12), 1, [192, 0, 2, 1], 60)] });
  m[2]! |= flags; // the high flags byte: QR, opcode, AA, TC (0x02), RD
  return Buffer.from(m);
}

/**
 * How the fake UDP server answers, by the queried name's first label. Every malformed case must
 * come back as bad_response, never as a throw.
 */
const udpBehaviours: Record<string, (id: number, q: number[]) => Buffer[]> = {
  good: (id, q) => [goodAnswer(id, q)],
  cut: (id, q) => [goodAnswer(id, q).subarray(0, 20)],
  cutrdata: (id, q) => [goodAnswer(id, q).subarray(0, goodAnswer(id, q).length - 2)],
  selfloop: (id, q) => [
    Buffer.from(
      message({
        id,
        response: true,
        questions: [q],
        answers: [[...ptr(12 + q.length), ...rr([], 1, [1, 2, 3, 4])]],
      }),
    ),
  ],
  twoloop: (id, q) => {
    // The first record's name (at a) points at the second's (a + 2 + 10 + 4), which points back.
    const a = 12 + q.length;
    return [
      Buffer.from(
        message({
          id,
          response: true,
          questions: [q],
          answers: [rr(ptr(a + 16), 1, [1, 2, 3, 4]), rr(ptr(a), 1, [1, 2, 3, 4])],
        }),
      ),
    ];
  },
  forward: (id, q) => [
    Buffer.from(message({ id, response: true, questions: [q], answers: [rr(ptr(400), 1, [1, 2, 3, 4])] })),
  ],
  longname: (id, q) => [
    Buffer.from(
      message({
        id,
        response: true,
        questions: [q],
        answers: [rr(name(new Array(5).fill('y'.repeat(63))), 1, [1, 2, 3, 4])],
      }),
    ),
  ],
  badlabel: (id, q) => [
    Buffer.from(message({ id, response: true, questions: [q], answers: [rr([0x80, 0], 1, [1, 2, 3, 4])] })),
  ],
  shorta: (id, q) => [
    Buffer.from(message({ id, response: true, questions: [q], answers: [rr(ptr(12), 1, [1, 2, 3])] })),
  ],
  overcount: (id, q) => [
    Buffer.from(
      message({
        id,
        response: true,
        questions: [q],
        answers: [rr(ptr(12), 1, [1, 2, 3, 4])],
        counts: [1, 3],
      }),
    ),
  ],
  query: (id, q) => [Buffer.from(message({ id, response: false, questions: [q] }))],
  onebyte: () => [Buffer.from([7])],
  otherq: (id) => [
    Buffer.from(
      message({ id, response: true, questions: [question(name(['other', 'test']), 1)], answers: [] }),
    ),
  ],
  // A datagram with another ID is ignored (a late answer to someone else); ours follows.
  wrongfirst: (id, q) => [goodAnswer((id + 1) & 0xffff, q), goodAnswer(id, q)],
  wrongonly: (id, q) => [goodAnswer((id + 1) & 0xffff, q)],
  servfail: (id, q) => [Buffer.from(message({ id, response: true, rcode: 2, questions: [q] }))],
  silent: () => [],
  // TC set: the probe asks again over TCP, where the fake answers with two A records.
  tc: (id, q) => [goodAnswer(id, q, 0x02)],
};

async function fakeServers(t: TestContext) {
  const udp = dgram.createSocket('udp4');
  udp.on('message', (msg, from) => {
    const { id, label, question: q } = readQuery(msg);
    for (const out of udpBehaviours[label]?.(id, q) ?? []) udp.send(out, from.port, from.address);
  });
  // A TCP server on the same port number (for the TC retry and the TCP cases).
  let tcp: net.Server;
  for (;;) {
    await new Promise<void>((resolve) => udp.bind(0, '127.0.0.1', resolve));
    tcp = net.createServer((socket) => {
      socket.once('data', (data) => {
        const { id, label, question: q } = readQuery(data.subarray(2));
        const two = message({
          id,
          response: true,
          questions: [q],
          answers: [rr(ptr(12), 1, [192, 0, 2, 1]), rr(ptr(12), 1, [192, 0, 2, 2])],
        });
        const frame = Buffer.from([...u16(two.length), ...two]);
        if (label === 'tc' || label === 'good') socket.end(frame);
        else if (label === 'split') {
          // One byte per write, the length prefix included.
          let i = 0;
          const next = () => (i < frame.length ? socket.write(frame.subarray(i, ++i), next) : socket.end());
          next();
        } else if (label === 'half') socket.end(frame.subarray(0, 10));
        else if (label === 'wrongid')
          socket.end(Buffer.from([...u16(two.length), ...u16((id + 1) & 0xffff), ...two.slice(2)]));
        else socket.destroy();
      });
    });
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(udp.address().port, '127.0.0.1', () => resolve(true));
    });
    if (ok) break;
    await new Promise<void>((resolve) => udp.close(() => resolve()));
  }
  t.after(() => {
    udp.close();
    tcp.close();
  });
  return udp.address().port;
}

const spec = (port: number, label: string, transport: 'udp' | 'tcp' = 'udp', timeoutMs = 2000): DnsSpec => ({
  id: 't',
  type: 'dns',
  target: '127.0.0.1',
  intervalS: 60,
  timeoutMs,
  name: `${label}.fake.test`,
  recordType: 'A',
  port,
  transport,
});

test('malformed UDP answers are bad_response; foreign IDs are ignored; TC is retried over TCP', async (t) => {
  const port = await fakeServers(t);
  const run = (label: string, transport: 'udp' | 'tcp' = 'udp', timeoutMs = 2000) =>
    dnsProbe.run(spec(port, label, transport, timeoutMs), never);
  const good = await run('good');
  assert.deepEqual(
    [good.ok, good.rcode, good.answers],
    [true, 'NOERROR', ['good.fake.test. 60 IN A 192.0.2.1']],
  );
  for (const label of [
    'cut',
    'cutrdata',
    'selfloop',
    'twoloop',
    'forward',
    'longname',
    'badlabel',
    'shorta',
    'overcount',
    'query',
    'onebyte',
    'otherq',
  ]) {
    const r = await run(label);
    assert.deepEqual([r.ok, r.error, r.rcode, r.answers], [false, 'bad_response', '', []], label);
  }
  const wrongFirst = await run('wrongfirst');
  assert.deepEqual([wrongFirst.ok, wrongFirst.answers.length], [true, 1]);
  assert.equal((await run('wrongonly', 'udp', 300)).error, 'timeout');
  assert.equal((await run('silent', 'udp', 300)).error, 'timeout');
  const servfail = await run('servfail');
  assert.deepEqual([servfail.ok, servfail.error, servfail.rcode], [false, 'bad_rcode', 'SERVFAIL']);
  const tc = await run('tc');
  assert.deepEqual([tc.ok, tc.answers.length], [true, 2], 'the answer came over TCP');
});

test('TCP: answers split byte by byte, cut short, reset, with a foreign ID; refused and aborted', async (t) => {
  const port = await fakeServers(t);
  const run = (label: string) => dnsProbe.run(spec(port, label, 'tcp'), never);
  assert.deepEqual((await run('split')).answers.length, 2);
  assert.equal((await run('half')).error, 'reset');
  assert.equal((await run('other')).error, 'reset');
  assert.equal((await run('wrongid')).error, 'bad_response');

  // Nothing listens on port 1: TCP is refused, and over UDP the ICMP port unreachable says so.
  assert.equal((await dnsProbe.run(spec(1, 'good', 'tcp'), never)).error, 'refused');
  assert.equal((await dnsProbe.run(spec(1, 'good', 'udp'), never)).error, 'refused');

  const stop = new AbortController();
  const pending = dnsProbe.run(spec(port, 'silent', 'udp', 10_000), stop.signal);
  stop.abort();
  assert.equal((await pending).error, 'aborted');

  for (const bad of [
    { ...spec(port, 'good'), recordType: 'BOGUS' },
    { ...spec(port, 'good'), name: `${'z'.repeat(64)}.test` },
    { ...spec(port, 'good'), port: 0 },
  ]) {
    assert.equal((await dnsProbe.run(bad, never)).error, 'bad_spec');
  }
});
