import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { agentConversations, plain, tsharkConversations } from './helpers/agent-oracle.js';
import { scratchDir } from './helpers/capture-tools.js';
import { loadPackets, type Reframe, reframe, type TestPacket, writePcap } from './helpers/capture-writer.js';

const scratch = scratchDir();
const source = '/usr/share/doc/python3-dpkt/examples/data/http.pcap';

/** The IP packet of an Ethernet frame, as link types 101 (raw) and 228 (IPv4) carry it. */
function raw(p: TestPacket, linkType: number): TestPacket {
  return { ...p, data: p.data.subarray(14), originalLength: p.originalLength - 14, linkType };
}

const kinds: (Reframe | 'raw' | 'ipv4')[] = [
  'sll',
  'sll2',
  'null-le',
  'null-be',
  'loop',
  'vlan',
  'qinq',
  'raw',
  'ipv4',
];

for (const kind of kinds) {
  test(`link type ${kind}: conversations equal tshark's`, async () => {
    const packets = await loadPackets(source);
    const framed = packets.map((p) =>
      kind === 'raw' ? raw(p, 101) : kind === 'ipv4' ? raw(p, 228) : reframe(p, kind),
    );
    const file = join(scratch, `http-${kind}.pcap`);
    writeFileSync(file, writePcap(framed, framed[0]!.linkType));
    const [{ frames, ipBytes }, ours] = await Promise.all([
      tsharkConversations(file),
      agentConversations(file),
    ]);
    assert.ok(frames.size >= 3, 'tshark sees the conversations');
    assert.deepEqual(plain(ours.convs, 'packets'), plain(frames, 'packets'));
    assert.deepEqual(plain(ours.convs, 'bytes'), plain(ipBytes, 'bytes'));
    const vlans = new Set(ours.records.map((r) => r.vlan_in));
    assert.deepEqual(
      [...vlans],
      [kind === 'vlan' ? 42 : kind === 'qinq' ? 100 : undefined],
      'the outer VLAN id',
    );
  });
}
