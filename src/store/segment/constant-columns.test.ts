import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { conversationBatch, conversationParts, conversationSchema } from './conversation-support.js';
import { openSegment, writeSegmentSync } from './index.js';
import { tempDir, testHeader } from './test-support.js';

// The writer stores a column that holds one value in every row of a part as a constant block
// without gathering its rows (writer.ts, encodeRows). The conversation rows have three such
// columns per part (the minute, the device and its name); here ToS is made constant too (a
// grouped column: leaders only), and protocol constant but for one row, which must not be.
test('columns constant over a part are constant blocks and read back; one differing row is not constant', () => {
  const batch = conversationBatch(1500, 3);
  const col = (name: string) => batch.arrays[batch.index[name]!]!;
  col('tos').fill(0x28, 0, batch.length);
  col('protocol').fill(6, 0, batch.length);
  const parts = conversationParts(batch);
  const lastOfFirstPart = parts[0]!.rows[parts[0]!.rows.length - 1]!;
  col('protocol')[lastOfFirstPart] = 17;
  const path = join(tempDir(), 'constant.seg');
  writeSegmentSync(path, testHeader, conversationSchema, parts);
  const reader = openSegment(path);
  try {
    for (const [p, part] of parts.entries()) {
      const encoding = (name: string) => reader.meta.parts[p]!.columns.find((c) => c.name === name)!.encoding;
      for (const name of ['i_start_time', 'i_device_id', 'tos']) assert.equal(encoding(name), 'const', name);
      assert.equal(encoding('i_device_name'), 'dict+const');
      assert.equal(encoding('protocol') === 'const', p !== 0, `protocol of part ${p}`);
      const job = reader.readPart(p, ['i_start_time', 'i_device_id', 'i_device_name', 'tos', 'protocol']);
      const deviceId = part.deviceId;
      const protocols: number[] = [];
      for (let i = 0; i < job.rows; i++) {
        assert.equal(job.columns.i_start_time![i], col('i_start_time')[part.rows[0]!]);
        assert.equal(job.columns.i_device_id![i], deviceId);
        assert.equal(job.dicts.i_device_name![job.columns.i_device_name![i]!], `edge-${deviceId}`);
        assert.equal(job.columns.tos![i], 0x28);
        protocols.push(job.columns.protocol![i]!);
      }
      const want = Array.from(part.rows, (r) => col('protocol')[r]!).sort();
      assert.deepEqual(protocols.sort(), want);
    }
  } finally {
    reader.close();
  }
});
