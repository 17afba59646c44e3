import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { createFlowBatch, createInterfaceCounterBatch, type FlowBatch } from '../flow/batch.js';
import { CountingSink, JsonLinesSink } from './sink.js';

function batch(rows: [device: number, pkts: number, bytes: number][]): FlowBatch {
  const b = createFlowBatch(16);
  b.reserve(rows.length);
  const device = b.col('i_device_id');
  const pkts = b.col('in_pkts');
  const bytes = b.col('in_bytes');
  for (const [d, p, y] of rows) {
    device[b.length] = d;
    pkts[b.length] = p;
    bytes[b.length] = y;
    b.setString('i_device_name', b.length, `dev${d}`);
    b.length++;
  }
  return b;
}

test('the counting sink sums flows, packets and bytes per device', () => {
  const sink = new CountingSink();
  const counters = createInterfaceCounterBatch();
  sink.write(
    batch([
      [1, 2, 100],
      [1, 3, 50],
      [2, 1, 10],
    ]),
    counters,
  );
  sink.write(batch([[2, 4, 40]]), counters);
  assert.deepEqual(sink.total, { id: 0, flows: 4, packets: 10, bytes: 200, counterRecords: 0 });
  assert.deepEqual(sink.perDevice.get(1), { id: 1, flows: 2, packets: 5, bytes: 150, counterRecords: 0 });
  assert.deepEqual(sink.perDevice.get(2), { id: 2, flows: 2, packets: 5, bytes: 50, counterRecords: 0 });
  assert.equal(sink.batches, 2);
});

test('the JSON-lines sink prints one object per flow and honours backpressure', async () => {
  const chunks: string[] = [];
  let release: (() => void) | undefined;
  const out = new Writable({
    highWaterMark: 16,
    write(chunk, _enc, done) {
      chunks.push(String(chunk));
      release = done;
    },
  });
  const sink = new JsonLinesSink(out);
  const result = sink.write(
    batch([
      [7, 1, 60],
      [7, 2, 120],
    ]),
  );
  assert.ok(result instanceof Promise, 'a full stream makes the sink wait for drain');
  release!();
  await result;
  const lines = chunks.join('').trimEnd().split('\n');
  assert.equal(lines.length, 2);
  const first = JSON.parse(lines[0]!);
  assert.equal(first.i_device_id, 7);
  assert.equal(first.i_device_name, 'dev7');
  assert.equal(first.in_bytes, 60);
  assert.equal(JSON.parse(lines[1]!).in_pkts, 2);
});
