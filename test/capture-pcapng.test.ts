import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { assertMatchesTshark, readAndParse } from './helpers/capture-oracle.js';
import { allFixtureCaptures, scratchDir } from './helpers/capture-tools.js';
import { loadPackets, PcapngBuilder, reframe } from './helpers/capture-writer.js';

const scratch = scratchDir();
const fixture = (name: string) => allFixtureCaptures().find((f) => f.endsWith(name))!;

test('pcapng: both byte orders, several interfaces and resolutions, EPB, PB, unknown blocks', async () => {
  const dns = await loadPackets(fixture('dns.pcap'));
  const tcp = await loadPackets(fixture('tcp-retrans.pcap'));
  const nf9 = await loadPackets(fixture('softflowd-nf9.pcap'));
  const little = new PcapngBuilder(false)
    .section()
    .interface(1) // microseconds by default
    .unknown(0x00000777, 20, 0xab) // unassigned: skipped by its length
    .interface(113, 9) // nanoseconds
    .interface(1, 0x80 | 20) // 2^-20 s
    .unknown(5, 12); // an interface statistics block, no options
  dns.forEach((p, i) => {
    if (i % 3 === 0) little.enhanced(0, p.micros, p);
    else if (i % 3 === 1) little.enhanced(1, p.micros * 1000n, reframe(p, 'sll'));
    else little.obsolete(2, (p.micros << 20n) / 1_000_000n, p);
  });
  const big = new PcapngBuilder(true).section().interface(1, 3, 0, 3600n).unknown(4, 16); // ms, offset one hour
  for (const p of tcp)
    big.enhanced(0, p.micros / 1000n - 3_600_000n, { ...p, micros: (p.micros / 1000n) * 1000n });
  const third = new PcapngBuilder(false).section().interface(276, 6);
  for (const p of nf9) third.enhanced(0, p.micros, reframe(p, 'sll2'));
  const file = join(scratch, 'mixed.pcapng');
  writeFileSync(file, Buffer.concat([little.done(), big.done(), third.done()]));

  const { packets, summary } = await readAndParse(file);
  assert.equal(summary.format, 'pcapng');
  assert.ok(summary.complete, summary.stats.firstError);
  assert.equal(summary.stats.totalErrors(), 0);
  assert.deepEqual(
    [...new Set(packets.map((p) => p.linkType))].sort((a, b) => a - b),
    [1, 113, 276],
  );
  await assertMatchesTshark(file, packets);
});

test('pcapng: simple packet blocks take interface 0 and its snap length', async () => {
  const dns = await loadPackets(fixture('dns.pcap'));
  const b = new PcapngBuilder(false).section().interface(1, undefined, 64);
  for (const p of dns) b.simple({ ...p, data: p.data.subarray(0, Math.min(64, p.data.length)) });
  const file = join(scratch, 'simple.pcapng');
  writeFileSync(file, b.done());
  const { packets, summary } = await readAndParse(file);
  assert.ok(summary.complete);
  assert.equal(packets.length, dns.length);
  packets.forEach((p, i) => {
    assert.equal(p.origLen, dns[i]!.originalLength);
    assert.equal(p.capLen, Math.min(64, dns[i]!.data.length));
    assert.equal(p.ms, 0, 'an SPB has no timestamp');
  });
});
