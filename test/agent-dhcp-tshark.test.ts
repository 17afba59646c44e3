import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { DhcpDecoder } from '../src/agent/app/dhcp/dhcp-decoder.js';
import { formatMac } from '../src/flow/addr.js';
import { decodeCapture, type FieldValue } from './helpers/app-harness.js';
import { ethernet, ipv4, udp } from './helpers/capture-craft.js';
import { loadPackets, writePcap } from './helpers/capture-writer.js';
import { bootp, opt, u32 } from './helpers/dhcp-craft.js';
import { tsharkDhcp } from './helpers/dhcp-tshark.js';
import { hostCapture, tempDir } from './helpers/peers.js';

/**
 * Decodes `file` and checks every DHCP frame's columns against tshark's; returns the decoder.
 * tshark gives up on some frames the snap length cut (no field at all: "DHCP/BOOTP truncated");
 * for those the oracle is tshark's decode of the captured bytes zero-filled to the original length
 * (zeros after the cut read as Pad options, so tshark shows exactly what the captured part holds).
 */
async function assertDhcpMatchesTshark(
  t: TestContext,
  file: string,
): Promise<{
  decoder: DhcpDecoder;
  frames: number;
  gaveUp: number;
  ours: Map<number, ReadonlyMap<string, FieldValue>>;
}> {
  const decoder = new DhcpDecoder();
  const decoded = await decodeCapture(file, [decoder], { exportEachPacket: true });
  const expected = tsharkDhcp(file);
  const gaveUp = expected.filter((e) => !e.decoded);
  if (gaveUp.length > 0) {
    const packets = await loadPackets(file);
    const dir = tempDir(t);
    for (const e of gaveUp) {
      const p = packets[e.packet - 1]!;
      const data = new Uint8Array(p.originalLength);
      data.set(p.data);
      const padded = join(dir, 'padded.pcap');
      writeFileSync(padded, writePcap([{ ...p, data }], p.linkType));
      e.fields = tsharkDhcp(padded)[0]!.fields;
    }
  }
  const ours = new Map(decoded.filter((d) => d.fields.size > 0).map((d) => [d.packet, d.fields]));
  assert.deepEqual(
    [...ours.keys()],
    expected.map((e) => e.packet),
    `${file}: the packets with DHCP fields are tshark's DHCP packets`,
  );
  for (const e of expected) {
    const f = Object.fromEntries(ours.get(e.packet)!);
    f.dhcp_client_mac = formatMac(f.dhcp_client_mac as number);
    assert.deepEqual(f, e.fields, `${file} packet ${e.packet}`);
  }
  return { decoder, frames: expected.length, gaveUp: gaveUp.length, ours };
}

test('DHCP fields equal tshark: the host capture (Discover, Offer, Request, ACK)', async (t) => {
  const { decoder, frames } = await assertDhcpMatchesTshark(t, hostCapture('dhcp.pcap'));
  assert.equal(frames, 4);
  assert.deepEqual(Object.values(decoder.errors), [0, 0, 0, 0]);
});

const pcapng = '/usr/share/gocode/src/github.com/gopacket/gopacket/pcapgo/tests';

/**
 * The gopacket pcapng variants hold the same four DHCP packets; these are the ones that differ for
 * the decoder: either byte order, packets cut by the snap length inside the options (test012,
 * where tshark decodes nothing) and before them (test202), and non-packet blocks between packets.
 * (test901/902 use a pcapng version tshark refuses: no oracle.)
 */
const variants = ['le/test001', 'be/test001', 'le/test012', 'be/test202', 'le/test018'];

test('DHCP fields equal tshark: gopacket pcapng variants, some cut by the snap length', async (t) => {
  let frames = 0;
  let cut = 0;
  let gaveUp = 0;
  for (const name of variants) {
    const r = await assertDhcpMatchesTshark(t, `${pcapng}/${name}.pcapng`);
    frames += r.frames;
    gaveUp += r.gaveUp;
    cut += r.decoder.errors.capture_cut;
    assert.equal(r.decoder.errors.bad_option + r.decoder.errors.truncated, 0, name);
  }
  assert.ok(frames >= 20, `${frames} DHCP frames`);
  assert.ok(gaveUp > 0, 'some frames needed the zero-filled oracle');
  // test012's two replies and test202's six messages.
  assert.equal(cut, 8);
});

function crafted(t: TestContext): string {
  const client = (payload: number[], src = '0.0.0.0', dst = '255.255.255.255', sport = 68, dport = 67) =>
    ethernet(ipv4({ protocol: 17, src, dst }, udp(sport, dport, payload)));
  const server = (payload: number[]) => client(payload, '192.0.2.1', '192.0.2.50', 67, 68);
  const end = [255];
  const frames = [
    // A Discover with a NUL-terminated host name (some clients send one).
    client(
      bootp({ op: 1, options: [...opt(53, [1]), ...opt(12, 'host-one\0'), ...opt(55, [1, 3, 6]), ...end] }),
    ),
    // An Offer whose options overflow into file (lease, domain) and sname (host name): overload 3.
    server(
      bootp({
        op: 2,
        yiaddr: '192.0.2.50',
        siaddr: '192.0.2.1',
        options: [...opt(53, [2]), ...opt(52, [3]), ...end],
        file: [...opt(51, u32(3600)), ...opt(15, 'example.test'), ...end],
        sname: [...opt(12, 'from-sname'), ...end],
      }),
    ),
    // An ACK with options in file only (overload 1), and Pad options.
    server(
      bootp({
        op: 2,
        ciaddr: '192.0.2.50',
        yiaddr: '192.0.2.50',
        options: [...opt(53, [5]), 0, ...opt(52, [1]), ...opt(51, u32(7200)), 0, 0, ...end],
        file: [0, ...opt(12, 'in-file'), ...opt(15, 'file.test'), ...end],
        sname: [...opt(12, 'not-read'), ...end],
      }),
    ),
    // Plain BOOTP: no magic cookie, no options.
    server(bootp({ op: 2, yiaddr: '192.0.2.77', noCookie: true })),
    // A relayed Request (server port to server port), InfiniBand-style hardware: no MAC.
    client(
      bootp({
        op: 1,
        htype: 32,
        hlen: 0,
        giaddr: '192.0.2.1',
        options: [...opt(53, [3]), ...opt(12, 'relay-host'), ...end],
      }),
      '192.0.2.1',
      '192.0.2.2',
      67,
      67,
    ),
    // A host name option longer than the message: what precedes it stays.
    client(bootp({ op: 1, options: [...opt(53, [8]), 12, 200, 65, 66] })),
  ];
  const file = join(tempDir(t), 'dhcp-crafted.pcap');
  writeFileSync(
    file,
    writePcap(
      frames.map((data, i) => ({
        micros: BigInt(1_700_000_000_000_000 + i * 1000),
        data,
        originalLength: data.length,
        linkType: 1,
      })),
      1,
    ),
  );
  return file;
}

test('DHCP fields equal tshark: option overload, BOOTP, relay, a malformed option', async (t) => {
  const { decoder, frames, ours } = await assertDhcpMatchesTshark(t, crafted(t));
  assert.equal(frames, 6);
  // What the crafted bytes say (the frames above, in order), so the comparison is not vacuous.
  const field = (packet: number, column: string) => ours.get(packet)!.get(column);
  assert.equal(field(1, 'dhcp_host_name'), 'host-one');
  assert.equal(field(2, 'dhcp_host_name'), 'from-sname');
  assert.equal(field(2, 'dhcp_domain'), 'example.test');
  assert.equal(field(2, 'dhcp_lease_time'), 3600);
  assert.equal(field(3, 'dhcp_host_name'), 'in-file');
  assert.equal(field(4, 'dhcp_msg_type'), 0);
  assert.equal(field(5, 'dhcp_client_mac'), 0);
  assert.equal(field(6, 'dhcp_msg_type'), 8);
  assert.equal(decoder.errors.bad_option, 1);
  assert.equal(decoder.counts.bootp, 1);
});
