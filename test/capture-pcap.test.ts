import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { assertMatchesTshark, readAndParse } from './helpers/capture-oracle.js';
import { allFixtureCaptures, editcap, scratchDir } from './helpers/capture-tools.js';
import { loadPackets, type Reframe, reframe, reframeLinkType, writePcap } from './helpers/capture-writer.js';

const captures = allFixtureCaptures();
const scratch = scratchDir();
const base = (file: string) => file.slice(file.lastIndexOf('/') + 1);

describe('classic pcap, as captured', { concurrency: 4 }, () => {
  for (const file of captures) {
    test(base(file), async () => {
      const { packets, summary } = await readAndParse(file);
      assert.equal(summary.format, 'pcap');
      assert.ok(summary.complete);
      assert.equal(summary.stats.totalErrors(), 0);
      await assertMatchesTshark(file, packets);
    });
  }
});

describe('converted by editcap', { concurrency: 4 }, () => {
  // Every fixture packet in one file (mergecap -a concatenates), so tshark starts once per format.
  const all = join(scratch, 'merged.pcap');
  execFileSync('mergecap', ['-a', '-F', 'pcap', '-w', all, ...captures]);
  for (const [format, expected] of [
    ['pcapng', 'pcapng'],
    ['nsecpcap', 'pcap'],
    ['pcap', 'pcap'],
  ] as const) {
    test(`${format}: every fixture packet`, async () => {
      const out = join(scratch, `all.${format}`);
      editcap(['-F', format, all, out]);
      const { packets, summary } = await readAndParse(out);
      assert.equal(summary.format, expected);
      assert.ok(summary.complete);
      assert.ok(packets.length > 900);
      await assertMatchesTshark(out, packets);
    });
  }
});

describe('link types', { concurrency: 4 }, () => {
  const sources = captures.filter((f) => /loopback-http|dns\.pcap|softflowd-nf10|sflow-data-icmpv6/.test(f));
  test('raw IP (editcap -C 14 -T rawip)', async () => {
    for (const file of sources) {
      const out = join(scratch, `${base(file)}.rawip.pcap`);
      editcap(['-C', '14', '-T', 'rawip', file, out]);
      const { packets } = await readAndParse(out);
      assert.equal(packets[0]!.linkType, 101);
      await assertMatchesTshark(out, packets);
    }
  });
  for (const to of Object.keys(reframeLinkType) as Reframe[]) {
    test(to, async () => {
      for (const file of sources) {
        const out = join(scratch, `${base(file)}.${to}.pcap`);
        const packets = (await loadPackets(file)).map((p) => reframe(p, to));
        writeFileSync(out, writePcap(packets, reframeLinkType[to]));
        const seen = await readAndParse(out);
        assert.equal(seen.packets[0]!.linkType, reframeLinkType[to]);
        await assertMatchesTshark(out, seen.packets);
      }
    });
  }
  test('IPv4 link type 228 (229 is checked with crafted IPv6 packets)', async () => {
    const file = captures.find((f) => f.endsWith('loopback-http-dns-icmp.pcap'))!;
    const subset = (await loadPackets(file))
      .filter((p) => p.data[14]! >> 4 === 4)
      .map((p) => ({
        ...p,
        data: p.data.subarray(14),
        originalLength: p.originalLength - 14,
        linkType: 228,
      }));
    const out = join(scratch, 'ipv4.pcap');
    writeFileSync(out, writePcap(subset, 228));
    const seen = await readAndParse(out);
    assert.equal(seen.packets[0]!.linkType, 228);
    await assertMatchesTshark(out, seen.packets);
  });
});

describe('byte order and precision', () => {
  const file = captures.find((f) => f.endsWith('tcp-retrans.pcap'))!;
  for (const options of [{ bigEndian: true }, { bigEndian: true, nano: true }, { nano: true }]) {
    test(JSON.stringify(options), async () => {
      const out = join(scratch, `order-${options.bigEndian ?? false}-${options.nano ?? false}.pcap`);
      writeFileSync(out, writePcap(await loadPackets(file), 1, options));
      const { packets, summary } = await readAndParse(out);
      assert.ok(summary.complete);
      await assertMatchesTshark(out, packets);
    });
  }
});
