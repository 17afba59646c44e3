import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { createAgentPipeline, runAgent } from '../src/agent/pipeline.js';
import { recordObject } from '../src/agent/record-output.js';
import { agentSkipReasons } from '../src/agent/stats.js';
import { captureErrorReasons } from '../src/capture/errors.js';
import { readCaptureStream } from '../src/capture/reader.js';
import { seededUniform as random } from '../src/ingest/export/random.js';
import { agentConversations, plain, tsharkConversations } from './helpers/agent-oracle.js';
import { editcap, scratchDir } from './helpers/capture-tools.js';
import { repoRoot } from './helpers/paths.js';

const scratch = scratchDir();
const hosts = `${repoRoot}test/testdata/hosts`;
const dpkt = '/usr/share/doc/python3-dpkt/examples/data';

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes;
}

/** Runs the agent on capture bytes; checks that every packet is accounted for exactly once. */
async function runOn(bytes: Uint8Array) {
  let recordPackets = 0;
  const pipeline = createAgentPipeline(
    {
      sink: {
        write(b) {
          for (let r = 0; r < b.length; r++) {
            const o = recordObject(b, r);
            recordPackets += Number(o.in_pkts ?? 0) + Number(o.out_pkts ?? 0);
          }
        },
      },
    },
    { timestamps: 'capture', maxFlows: 64 },
  );
  const summary = await runAgent({ read: (h) => readCaptureStream(once(bytes), h) }, pipeline);
  const s = pipeline.stats;
  assert.equal(s.packets, summary.stats.packets, 'the pipeline saw every packet the reader delivered');
  assert.equal(
    s.flowPackets + s.totalSkipped(),
    s.packets,
    'each packet is in a flow or skipped for a reason',
  );
  assert.equal(recordPackets, s.flowPackets, "the records' packets are the packets counted in flows");
  for (const r of Object.keys(s.skippedCounts())) assert.ok(agentSkipReasons.includes(r as never), r);
  for (const r of Object.keys(summary.stats.errorCounts()))
    assert.ok(captureErrorReasons.includes(r as never), r);
  return { summary, stats: s };
}

/** Whole packet records within the first `n` bytes, by walking the pcap record headers here. */
function pcapPacketsBefore(file: Uint8Array, n: number): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const le = view.getUint32(0, true) === 0xa1b2c3d4;
  let count = 0;
  for (let o = 24; o + 16 <= n; count++) {
    o += 16 + view.getUint32(o + 8, le);
    if (o > n) break;
  }
  return count;
}

/** The same for pcapng: whole Enhanced Packet Blocks (editcap writes only those). */
function pcapngPacketsBefore(file: Uint8Array, n: number): number {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let count = 0;
  for (let o = 0; o + 8 <= n; ) {
    const end = o + view.getUint32(o + 4, true);
    if (end > n) break;
    if (view.getUint32(o, true) === 6) count++;
    o = end;
  }
  return count;
}

describe('truncated captures', () => {
  const pcap = join(hosts, 'tcp-retrans.pcap');
  const pcapng = join(scratch, 'tcp-retrans.pcapng');
  editcap(['-F', 'pcapng', pcap, pcapng]);
  for (const [file, before] of [
    [pcap, pcapPacketsBefore],
    [pcapng, pcapngPacketsBefore],
  ] as const) {
    test(`cut at every offset, every whole packet before the cut is counted: ${file.slice(file.lastIndexOf('/') + 1)}`, async () => {
      const whole = readFileSync(file);
      for (let n = 0; n <= whole.length; n++) {
        const { summary, stats } = await runOn(whole.subarray(0, n));
        assert.equal(stats.packets, before(whole, n), `cut at ${n}`);
        const errors = Object.keys(summary.stats.errorCounts());
        // A cut between two records reads as a complete (shorter) capture.
        if (summary.complete) assert.deepEqual(errors, [], `cut at ${n}`);
        else assert.deepEqual(errors, [n === 0 ? 'not_a_capture' : 'truncated'], `cut at ${n}`);
        if (n === whole.length) assert.ok(summary.complete);
      }
    });
  }

  test('flows of a capture cut mid-packet equal what tshark makes of the same bytes', async () => {
    const whole = readFileSync(join(hosts, 'loopback-http-dns-icmp.pcap'));
    for (const fraction of [0.1, 0.37, 0.5, 0.93]) {
      const file = join(scratch, `cut-${fraction}.pcap`);
      const n = Math.floor(whole.length * fraction);
      await import('node:fs/promises').then((fs) => fs.writeFile(file, whole.subarray(0, n)));
      const [{ ipBytes }, ours] = await Promise.all([tsharkConversations(file), agentConversations(file)]);
      assert.ok(ipBytes.size > 0);
      assert.deepEqual(plain(ours.convs, 'packets'), plain(ipBytes, 'packets'), `cut at ${n}: packets`);
      assert.deepEqual(plain(ours.convs, 'bytes'), plain(ipBytes, 'bytes'), `cut at ${n}: bytes`);
    }
  });
});

describe('snap-length-cut captures', () => {
  for (const [name, snap] of [
    ['loopback-http-dns-icmp.pcap', 64],
    ['loopback-http-dns-icmp.pcap', 68],
    ['http.pcap', 60],
  ] as const) {
    test(`${name} cut to ${snap} bytes a packet: packets and bytes as sent, as tshark decodes them`, async () => {
      const file = join(scratch, `${name}-s${snap}.pcap`);
      editcap(['-s', String(snap), name === 'http.pcap' ? join(dpkt, name) : join(hosts, name), file]);
      // tshark's conversation tables skip TCP segments whose header the snap length cut (its TCP
      // tap runs after a whole header); its per-packet decode still has their ports and IP length,
      // and so does the agent.
      const [{ ipBytes }, ours] = await Promise.all([tsharkConversations(file), agentConversations(file)]);
      assert.deepEqual(plain(ours.convs, 'packets'), plain(ipBytes, 'packets'));
      assert.deepEqual(plain(ours.convs, 'bytes'), plain(ipBytes, 'bytes'));
    });
  }
});

describe('corrupted captures', () => {
  for (const name of ['http.pcap', 'dns_icmp.pcap']) {
    test(`random byte changes never throw and every packet is accounted for: ${name}`, async () => {
      const original = readFileSync(join(dpkt, name));
      const next = random(6);
      for (let round = 0; round < 400; round++) {
        const bytes = Buffer.from(original);
        const changes = 1 + Math.floor(next() * 8);
        // Mostly past the file header, so that packets are read and parsed with damage inside.
        const from = round % 10 === 0 ? 0 : 24;
        for (let i = 0; i < changes; i++)
          bytes[from + Math.floor(next() * (bytes.length - from))] = Math.floor(next() * 256);
        await runOn(bytes);
      }
    });
  }

  test('random frames of every link type never throw and are accounted for', async () => {
    const next = random(11);
    const real = readFileSync(join(dpkt, 'http.pcap'));
    const pipeline = createAgentPipeline(
      { sink: { write: () => {} } },
      { timestamps: 'capture', maxFlows: 32 },
    );
    const buf = new Uint8Array(300);
    let sent = 0;
    for (const linkType of [0, 1, 12, 14, 101, 108, 113, 228, 229, 276]) {
      for (let i = 0; i < 3000; i++) {
        // A real frame's bytes (from a random place), then random damage: headers look plausible.
        const at = 24 + Math.floor(next() * (real.length - 400));
        buf.set(real.subarray(at, at + 300));
        for (let k = Math.floor(next() * 6); k >= 0; k--)
          buf[Math.floor(next() * 80)] = Math.floor(next() * 256);
        if (next() < 0.5) buf[linkType === 1 ? 14 : 0] = next() < 0.5 ? 0x45 : 0x60;
        const length = Math.floor(next() * 300);
        pipeline.onPacket(buf, 0, length, 1_700_000_000_000 + i, linkType, length + Math.floor(next() * 100));
        sent++;
      }
    }
    pipeline.finish();
    const s = pipeline.stats;
    assert.equal(s.packets, sent);
    assert.equal(s.flowPackets + s.totalSkipped(), sent);
    assert.ok(s.flowPackets > 0 && s.totalSkipped() > 0, 'both kinds happened');
  });
});
