import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { captureErrorReasons } from '../src/capture/errors.js';
import { readCaptureStream } from '../src/capture/reader.js';
import { seededUniform as random } from '../src/ingest/export/random.js';
import { allFixtureCaptures, editcap, scratchDir } from './helpers/capture-tools.js';

const scratch = scratchDir();
const fixture = (name: string) => allFixtureCaptures().find((f) => f.endsWith(name))!;

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

async function readBytes(bytes: Uint8Array) {
  let packets = 0;
  const summary = await readCaptureStream(once(bytes), () => {
    packets++;
  });
  return { packets, summary };
}

describe('truncated captures', () => {
  const pcap = fixture('softflowd-nf9.pcap');
  const pcapng = join(scratch, 'nf9.pcapng');
  editcap(['-F', 'pcapng', pcap, pcapng]);
  for (const file of [pcap, pcapng]) {
    test(`cut at every offset: ${file.slice(file.lastIndexOf('/') + 1)}`, async () => {
      const whole = readFileSync(file);
      const full = await readBytes(whole);
      assert.ok(full.summary.complete);
      let previous = 0;
      for (let n = 0; n <= whole.length; n++) {
        const { packets, summary } = await readBytes(whole.subarray(0, n));
        assert.ok(packets >= previous && packets <= full.packets, `cut at ${n}: ${packets} packets`);
        previous = packets;
        const errors = summary.stats.errorCounts();
        if (summary.complete) {
          assert.deepEqual(errors, {}, `cut at ${n}`);
          continue;
        }
        // Nothing but a clear "truncated" (or, for an empty file, "not a capture").
        assert.deepEqual(Object.keys(errors), [n === 0 ? 'not_a_capture' : 'truncated'], `cut at ${n}`);
        assert.match(summary.stats.firstError!, n === 0 ? /empty/ : /(truncated|ends).*offset \d+|header/);
      }
      assert.equal(previous, full.packets);
    });
  }
});

describe('corrupt captures', () => {
  for (const name of ['softflowd-nf10.pcap', 'dns.pcap']) {
    test(`random byte mutations never throw or hang: ${name}`, async () => {
      const whole = readFileSync(fixture(name));
      const ng = join(scratch, `${name}.pcapng`);
      editcap(['-F', 'pcapng', fixture(name), ng]);
      const next = random(42);
      for (const original of [whole, readFileSync(ng)]) {
        for (let round = 0; round < 1500; round++) {
          const bytes = Buffer.from(original);
          const flips = 1 + Math.floor(next() * 4);
          for (let i = 0; i < flips; i++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
          const { summary } = await readBytes(bytes);
          for (const reason of Object.keys(summary.stats.errorCounts())) {
            assert.ok(captureErrorReasons.includes(reason as never), reason);
          }
        }
      }
    });
  }

  test('a pcap record with an absurd length stops with bad_record_length', async () => {
    const bytes = Buffer.from(readFileSync(fixture('softflowd-nf9.pcap')));
    bytes.writeUInt32LE(0xfffffff0, 24 + 8);
    const { packets, summary } = await readBytes(bytes);
    assert.equal(packets, 0);
    assert.equal(summary.complete, false);
    assert.equal(summary.stats.count('bad_record_length'), 1);
    assert.match(summary.stats.firstError!, /offset 24 claims 4294967280 captured bytes/);
  });

  test('pcapng: an impossible block length stops; a bad packet block is skipped', async () => {
    const ng = join(scratch, 'nf10.pcapng');
    editcap(['-F', 'pcapng', fixture('softflowd-nf10.pcap'), ng]);
    const whole = readFileSync(ng);
    // Find the EPBs by walking the blocks.
    const epbs: number[] = [];
    for (let o = 0; o < whole.length; o += whole.readUInt32LE(o + 4))
      if (whole.readUInt32LE(o) === 6) epbs.push(o);
    assert.equal(epbs.length, 2);

    const badLength = Buffer.from(whole);
    badLength.writeUInt32LE(7, epbs[1]! + 4);
    let r = await readBytes(badLength);
    assert.equal(r.packets, 1);
    assert.equal(r.summary.stats.count('bad_block'), 1);

    const trailer = Buffer.from(whole);
    trailer.writeUInt32LE(12345, epbs[0]! + trailer.readUInt32LE(epbs[0]! + 4) - 4);
    r = await readBytes(trailer);
    assert.equal(r.packets, 0);
    assert.match(r.summary.stats.firstError!, /trailing length/);

    const unknownInterface = Buffer.from(whole);
    unknownInterface.writeUInt32LE(3, epbs[0]! + 8);
    r = await readBytes(unknownInterface);
    assert.equal(r.packets, 1);
    assert.ok(r.summary.complete);
    assert.equal(r.summary.stats.count('unknown_interface'), 1);

    const tooLong = Buffer.from(whole);
    tooLong.writeUInt32LE(100_000, epbs[0]! + 20);
    r = await readBytes(tooLong);
    assert.equal(r.packets, 1);
    assert.ok(r.summary.complete);
    assert.equal(r.summary.stats.count('bad_record_length'), 1);
  });

  test('not a capture', async () => {
    for (const bytes of [
      Buffer.from('# flowlens\nnot a capture at all\n'),
      Buffer.alloc(0),
      Buffer.from([1, 2]),
    ]) {
      const { packets, summary } = await readBytes(bytes);
      assert.equal(packets, 0);
      assert.equal(summary.format, undefined);
      assert.equal(summary.complete, false);
      assert.ok(summary.stats.totalErrors() >= 1);
    }
  });
});
