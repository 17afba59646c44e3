import assert from 'node:assert/strict';
import { test } from 'node:test';
import { framed, message, name, question } from '../../../../test/helpers/dns-craft.js';
import { type AppPayload, Dir } from '../../contract.js';
import { DnsError, dnsErrorReasons } from './dns-errors.js';
import { type DnsStreamTarget, DnsTcpStream } from './dns-tcp-stream.js';

interface Got {
  bytes: number[];
  wire: number;
  cut: string;
}

class Recorder implements DnsStreamTarget {
  messages: Got[] = [];
  errors: string[] = [];
  streamMessage(buf: Uint8Array, start: number, have: number, wireLength: number, cutReason: number): void {
    this.messages.push({
      bytes: [...buf.subarray(start, have)],
      wire: wireLength,
      cut: cutReason === DnsError.none ? 'none' : dnsErrorReasons[cutReason]!,
    });
  }
  streamError(reason: number): void {
    this.errors.push(dnsErrorReasons[reason]!);
  }
}

const msgs = [
  message({ id: 1, response: false, questions: [question(name(['a', 'test']), 1)] }),
  message({ id: 2, response: false, questions: [question(name(['bb', 'example', 'test']), 28)] }),
  message({ id: 3, response: false, questions: [question(name(['ccc', 'test']), 16)] }),
];
const stream = msgs.flatMap(framed);
const whole = (m: number[]): Got => ({ bytes: m, wire: m.length, cut: 'tcp_message_cut' });

/** Feeds segments `[from, to)` of `bytes` (sequence numbers from `isn`), the first `captured` bytes of each captured. */
function feed(
  s: DnsTcpStream,
  r: Recorder,
  bytes: number[],
  cuts: [number, number, number?][],
  isn = 1000,
): void {
  for (const [from, to, captured] of cuts) {
    const data = Uint8Array.from(bytes.slice(from, to));
    const p: AppPayload = {
      buf: data,
      start: 0,
      end: captured ?? data.length,
      wireLength: data.length,
      timeMs: 0,
      dir: Dir.FromClient,
      transport: 'tcp',
      seq: (isn + from) >>> 0,
    };
    s.push(p, r);
  }
}

test('three messages in one segment are handed over in order, whole', () => {
  const r = new Recorder();
  feed(new DnsTcpStream(2048), r, stream, [[0, stream.length]]);
  assert.deepEqual(r.messages, msgs.map(whole));
  assert.deepEqual(r.errors, []);
});

test('split at every offset, and byte by byte, the messages come out the same', () => {
  for (let cut = 1; cut < stream.length; cut++) {
    const r = new Recorder();
    feed(new DnsTcpStream(2048), r, stream, [
      [0, cut],
      [cut, stream.length],
    ]);
    assert.deepEqual(r.messages, msgs.map(whole), `split at ${cut}`);
  }
  const r = new Recorder();
  feed(
    new DnsTcpStream(2048),
    r,
    stream,
    stream.map((_, i) => [i, i + 1]),
    0xffff_fff0, // the sequence numbers wrap around on the way
  );
  assert.deepEqual(r.messages, msgs.map(whole));
  assert.deepEqual(r.errors, []);
});

test('retransmitted and overlapping segments deliver each byte once', () => {
  const r = new Recorder();
  feed(new DnsTcpStream(2048), r, stream, [
    [0, 20],
    [0, 20],
    [10, 40],
    [25, stream.length],
    [0, stream.length],
  ]);
  assert.deepEqual(r.messages, msgs.map(whole));
});

test('a lost segment at a message boundary: counted, and the next message decodes', () => {
  const b1 = framed(msgs[0]!).length;
  const b2 = b1 + framed(msgs[1]!).length;
  const r = new Recorder();
  feed(new DnsTcpStream(2048), r, stream, [
    [0, b1],
    [b2, stream.length],
  ]);
  assert.deepEqual(r.messages, [whole(msgs[0]!), whole(msgs[2]!)]);
  assert.deepEqual(r.errors, ['tcp_gap']);
});

test('a lost segment inside a message cuts it there (counted once), and the stream goes on', () => {
  const m = msgs[1]!;
  const start = framed(msgs[0]!).length;
  const r = new Recorder();
  feed(new DnsTcpStream(2048), r, stream, [
    [0, start + 8],
    [start + 14, stream.length],
  ]);
  assert.deepEqual(r.messages, [
    whole(msgs[0]!),
    { bytes: m.slice(0, 6), wire: m.length, cut: 'none' },
    whole(msgs[2]!),
  ]);
  assert.deepEqual(r.errors, ['tcp_gap']);
});

test('bytes the snap length cut: inside a message they cut it; across a boundary the framing restarts', () => {
  const end0 = framed(msgs[0]!).length;
  const r = new Recorder();
  // The first segment ends mid message 1 but only its first 4 bytes were captured.
  feed(new DnsTcpStream(2048), r, stream, [
    [0, end0 + 10, end0 + 4],
    [end0 + 10, stream.length],
  ]);
  assert.deepEqual(r.messages, [
    whole(msgs[0]!),
    { bytes: msgs[1]!.slice(0, 2), wire: msgs[1]!.length, cut: 'none' },
    whole(msgs[2]!),
  ]);
  assert.deepEqual(r.errors, ['capture_cut']);

  const lost = new Recorder();
  // Captured 1 byte of a segment holding the end of message 0 and all of message 1: the framing
  // is lost; the next segment is taken to start a message, and it does (message 2).
  const end1 = end0 + framed(msgs[1]!).length;
  feed(new DnsTcpStream(2048), lost, stream, [
    [0, end0 - 3],
    [end0 - 3, end1, 1],
    [end1, stream.length],
  ]);
  assert.deepEqual(lost.errors, ['capture_cut']);
  assert.deepEqual(lost.messages, [whole(msgs[2]!)]);
});

test('a message longer than the buffer is handed over cut to the buffer', () => {
  const big = message({
    id: 9,
    response: false,
    questions: [question(name(['x'.repeat(60), 'y'.repeat(60)]), 1)],
  });
  const bytes = framed(big);
  const r = new Recorder();
  feed(new DnsTcpStream(64), r, bytes, [
    [0, 50],
    [50, bytes.length],
  ]);
  assert.deepEqual(r.messages, [{ bytes: big.slice(0, 64), wire: big.length, cut: 'tcp_message_cut' }]);
});
