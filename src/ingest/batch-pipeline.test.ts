import assert from 'node:assert/strict';
import { test } from 'node:test';
import { F, type FlowBatch } from '../flow/batch.js';
import { BatchPipeline } from './batch-pipeline.js';
import type { FlowSink } from './sink.js';

/** Appends `n` rows to the pipeline's current batch, as a decoder would. */
function decode(p: BatchPipeline, n: number): void {
  const flows = p.target.flows;
  const before = flows.length;
  flows.reserve(n);
  const bytes = flows.col('in_bytes');
  for (let i = 0; i < n; i++) bytes[flows.length++] = 1;
  p.afterPacket(before, p.target.counters.length);
}

/** An asynchronous sink whose writes complete only when the test says so. */
class SlowSink implements FlowSink {
  readonly pending: { rows: number; done: () => void }[] = [];
  write(flows: FlowBatch): Promise<void> {
    let sum = 0;
    const bytes = flows.arrays[F.in_bytes]!;
    for (let row = 0; row < flows.length; row++) sum += bytes[row]!;
    return new Promise((resolve) => this.pending.push({ rows: sum, done: resolve }));
  }
}

test('an async sink keeps its batch while decoding continues into a spare', async () => {
  const sink = new SlowSink();
  const errors: unknown[] = [];
  const p = new BatchPipeline(sink, { flushRows: 10, maxPendingWrites: 2, maxBufferedRows: 25 }, (e) =>
    errors.push(e),
  );
  const first = p.target;
  decode(p, 10);
  assert.equal(sink.pending.length, 1);
  assert.notEqual(p.target, first, 'decoding moved to another batch');
  decode(p, 12);
  assert.equal(sink.pending.length, 2);
  decode(p, 20); // both writes in flight: buffered
  decode(p, 10); // 30 > 25 buffered: this packet's rows are dropped
  assert.equal(p.target.flows.length, 20);
  assert.equal(p.stats().droppedFlows, 10);
  sink.pending[0]!.done();
  sink.pending[1]!.done();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(p.stats().pendingWrites, 0);
  const drained = p.drain();
  sink.pending[2]!.done();
  await drained;
  assert.deepEqual(
    sink.pending.map((w) => w.rows),
    [10, 12, 20],
  );
  assert.deepEqual(errors, []);
});

test('drain flushes the rest and waits for every write', async () => {
  const sink = new SlowSink();
  const p = new BatchPipeline(sink, { flushRows: 10, maxPendingWrites: 1, maxBufferedRows: 100 }, () => {});
  decode(p, 10);
  decode(p, 5);
  const drained = p.drain();
  let done = false;
  drained.then(() => {
    done = true;
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(done, false);
  sink.pending[0]!.done();
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(sink.pending.length, 2, 'the remainder is written once the first write completes');
  sink.pending[1]!.done();
  await drained;
  assert.deepEqual(
    sink.pending.map((w) => w.rows),
    [10, 5],
  );
  assert.equal(p.stats().flows, 15);
  assert.equal(p.stats().pendingWrites, 0);
});

test('a sink that throws loses only that batch, counted', () => {
  let calls = 0;
  const errors: unknown[] = [];
  const p = new BatchPipeline(
    {
      write: () => {
        if (calls++ === 0) throw new Error('disk full');
      },
    },
    { flushRows: 10, maxPendingWrites: 1, maxBufferedRows: 100 },
    (e) => errors.push(e),
  );
  decode(p, 10);
  decode(p, 10);
  assert.equal(p.stats().writeErrors, 1);
  assert.equal(p.stats().lostFlows, 10);
  assert.equal(p.stats().batches, 2);
  assert.equal(p.target.flows.length, 0);
  assert.match(String(errors[0]), /disk full/);
});
