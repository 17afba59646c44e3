import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createAgentPipeline } from './pipeline.js';

/** An Ethernet/IPv4/UDP frame from 10.0.0.1:1000 to 10.0.0.2:53 (checksums are not read). */
function udpFrame(): Uint8Array {
  const f = new Uint8Array(14 + 20 + 8 + 4);
  f[12] = 0x08; // IPv4
  f.set([0x45, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2], 14);
  f.set([0x03, 0xe8, 0, 53, 0, 12, 0, 0], 34);
  return f;
}

test('a tick hands over the records of a part-filled batch: a quiet live capture still delivers them', () => {
  let now = Date.UTC(2024, 0, 1, 12, 0, 1);
  const batches: number[] = [];
  const pipeline = createAgentPipeline(
    { sink: { write: (b) => batches.push(b.length) }, now: () => now },
    { timestamps: 'received', idleTimeoutMs: 5000, batchRows: 1024 },
  );
  const frame = udpFrame();
  pipeline.onPacket(frame, 0, frame.length, 0, 1, frame.length);
  now += 6000; // past the idle timeout: the flow is exported into the batch...
  pipeline.tick();
  // ...and, one record in a batch of 1024, handed over by the same tick.
  assert.deepEqual(batches, [1]);
  pipeline.tick();
  assert.deepEqual(batches, [1], 'an empty batch is not handed over');
});
