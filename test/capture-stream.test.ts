import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { test } from 'node:test';
import { type PacketHandler, readCaptureFile, readCaptureStream } from '../src/capture/reader.js';
import { allFixtureCaptures } from './helpers/capture-tools.js';

const fixture = (name: string) => allFixtureCaptures().find((f) => f.endsWith(name))!;

/** A digest of every packet the handler saw: times, lengths, link types and a byte checksum. */
function recorder(): { onPacket: PacketHandler; seen: string[] } {
  const seen: string[] = [];
  const onPacket: PacketHandler = (buf, offset, length, ms, linkType, orig) => {
    let sum = 0;
    for (let i = offset; i < offset + length; i++) sum = (sum * 31 + buf[i]!) >>> 0;
    seen.push(`${ms} ${length} ${orig} ${linkType} ${sum}`);
  };
  return { onPacket, seen };
}

async function fromFile(file: string, bufferSize?: number): Promise<string[]> {
  const r = recorder();
  const summary = await readCaptureFile(
    file,
    r.onPacket,
    bufferSize === undefined ? undefined : { bufferSize, maxPacket: 262_144 },
  );
  assert.ok(summary.complete);
  return r.seen;
}

test('a stream in small chunks gives the same packets as the file', async () => {
  for (const [name, chunk] of [
    ['tcp-retrans.pcap', 1],
    ['dns.pcap', 7],
    ['pmacctd-v9-ipfix-sflow.pcap', 4093],
  ] as const) {
    const file = fixture(name);
    const r = recorder();
    const summary = await readCaptureStream(createReadStream(file, { highWaterMark: chunk }), r.onPacket);
    assert.ok(summary.complete);
    assert.deepEqual(r.seen, await fromFile(file), name);
  }
});

test('a 4 KiB buffer grows for 64 KiB packets and gives the same packets', async () => {
  const file = fixture('loopback-http-dns-icmp.pcap');
  assert.deepEqual(await fromFile(file, 4096), await fromFile(file));
});

test('a pipe from another process (as from tcpdump -w -)', async () => {
  const file = fixture('loopback-http-dns-icmp.pcap');
  const child = spawn('cat', [file], { stdio: ['ignore', 'pipe', 'inherit'] });
  const r = recorder();
  const summary = await readCaptureStream(child.stdout, r.onPacket);
  assert.ok(summary.complete);
  assert.equal(summary.format, 'pcap');
  assert.deepEqual(r.seen, await fromFile(file));
});

test('the handler stops the read by returning false', async () => {
  let n = 0;
  const summary = await readCaptureFile(fixture('tcp-retrans.pcap'), () => ++n < 3);
  assert.equal(n, 3);
  assert.equal(summary.stats.packets, 3);
  assert.ok(summary.complete);
});

test('a file that cannot be opened rejects', async () => {
  await assert.rejects(
    readCaptureFile('/nonexistent/capture.pcap', () => {}),
    /ENOENT/,
  );
  await assert.rejects(
    readCaptureFile('/tmp', () => {}),
    /directory/,
  );
});
