import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  decodeSummary,
  flowlens,
  jsonLines,
  tsharkFlowRecords,
  tsharkFrameTimes,
} from './helpers/capture-cli.js';
import { ethernet, ipv4, tcp } from './helpers/capture-craft.js';
import { scratchDir } from './helpers/capture-tools.js';
import { loadPackets, type TestPacket, writePcap } from './helpers/capture-writer.js';
import { flowFixture, repoRoot } from './helpers/paths.js';

const scratch = scratchDir();
const nf5 = flowFixture('softflowd-nf5.pcap');
const akvoradoV5 = flowFixture('netflow-nfv5.pcap'); // a real router's v5 export to UDP 9990

const v5Fields = [
  'cflow.srcaddr',
  'cflow.dstaddr',
  'cflow.nexthop',
  'cflow.srcport',
  'cflow.dstport',
  'cflow.protocol',
  'cflow.tcpflags',
  'cflow.tos',
  'cflow.packets',
  'cflow.octets',
  'cflow.srcas',
  'cflow.dstas',
  'cflow.inputint',
  'cflow.outputint',
  'cflow.srcmask',
  'cflow.dstmask',
];

/** Our column for each tshark field. */
const columnOf: Record<string, string> = {
  'cflow.srcaddr': 'src_addr',
  'cflow.dstaddr': 'dst_addr',
  'cflow.nexthop': 'ipv4_next_hop',
  'cflow.srcport': 'l4_src_port',
  'cflow.dstport': 'l4_dst_port',
  'cflow.protocol': 'protocol',
  'cflow.tcpflags': 'tcp_flags',
  'cflow.tos': 'tos',
  'cflow.packets': 'in_pkts',
  'cflow.octets': 'in_bytes',
  'cflow.srcas': 'src_as',
  'cflow.dstas': 'dst_as',
  'cflow.inputint': 'input_port',
  'cflow.outputint': 'output_port',
  'cflow.srcmask': 'src_route_length',
  'cflow.dstmask': 'dst_route_length',
};

function assertFlowsMatch(flows: Record<string, string | number>[], file: string, decodeAs?: number): void {
  const expected = tsharkFlowRecords(file, v5Fields, decodeAs);
  assert.ok(expected.length > 0, `tshark decodes flows in ${file}`);
  assert.equal(flows.length, expected.length, `${file}: flow count`);
  expected.forEach((record, i) => {
    for (const field of v5Fields) {
      const ours = flows[i]![columnOf[field]!];
      const theirs = record[field]!;
      const value = typeof ours === 'number' ? Number(theirs) : theirs;
      assert.equal(ours, value, `${file} flow ${i + 1}: ${columnOf[field]} (tshark ${field} ${theirs})`);
    }
  });
}

function minuteIso(epochText: string): string {
  const ms = Number(epochText.split('.')[0]) * 1000;
  return new Date(ms - (ms % 60_000)).toISOString();
}

describe('flowlens decode: NetFlow v5 against tshark', () => {
  test('softflowd-nf5.pcap', () => {
    const r = flowlens(['decode', nf5]);
    assert.equal(r.status, 0, r.stderr);
    const flows = jsonLines(r.stdout);
    assertFlowsMatch(flows, nf5);
    const [time] = tsharkFrameTimes(nf5);
    for (const f of flows) {
      assert.equal(f.i_device_id, 1);
      assert.equal(f.i_device_name, '127.0.0.1');
      assert.equal(f.i_start_time, minuteIso(time!));
      assert.equal(f.sample_rate, 1);
      assert.equal(f.ip_version, 4);
    }
    const summary = decodeSummary(r.stderr);
    assert.equal(summary.files, 1);
    assert.equal(summary.capture_packets, 1);
    assert.equal(summary.packets, 1);
    assert.equal(summary.flows, flows.length);
    for (const [key, value] of Object.entries(summary))
      if (key.startsWith('error_')) assert.equal(value, 0, key);
    assert.deepEqual(summary.skipped, {});
    assert.deepEqual(summary.capture_errors, {});
  });

  test('a router capture on a non-default port, and two files in one run', () => {
    const r = flowlens(['decode', nf5, akvoradoV5]);
    assert.equal(r.status, 0, r.stderr);
    const flows = jsonLines(r.stdout);
    const first = flows.filter((f) => f.i_device_id === 1);
    const second = flows.filter((f) => f.i_device_id === 2);
    assert.equal(first.length + second.length, flows.length);
    assert.deepEqual(flows, [...first, ...second], 'files are decoded in order');
    assertFlowsMatch(second, akvoradoV5, 9990);
    const summary = decodeSummary(r.stderr);
    assert.equal(summary.files, 2);
    assert.equal(summary.exporters, 2);
    assert.equal(summary.packets, 2);
  });

  test('--port keeps only packets to that port', () => {
    const r = flowlens(['decode', '--port', '9990', nf5, akvoradoV5]);
    assert.equal(r.status, 0, r.stderr);
    const flows = jsonLines(r.stdout);
    assertFlowsMatch(flows, akvoradoV5, 9990);
    assert.equal(flows[0]!.i_device_id, 1);
    assert.deepEqual(decodeSummary(r.stderr).skipped, { other_port: 1 });
  });

  test('--format text prints one line per flow', () => {
    const json = jsonLines(flowlens(['decode', nf5]).stdout);
    const r = flowlens(['decode', '--format', 'text', nf5]);
    assert.equal(r.status, 0);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, json.length);
    const f = json[0]!;
    assert.equal(
      lines[0],
      `${f.flow_start_time} 127.0.0.1 UDP ${f.src_addr}:${f.l4_src_port} → ${f.dst_addr}:${f.l4_dst_port} pkts=${f.in_pkts} bytes=${f.in_bytes} rate=1`,
    );
  });

  test("'-' reads the capture from standard input", () => {
    const fromFile = flowlens(['decode', nf5]);
    const fromStdin = flowlens(['decode', '-'], readFileSync(nf5));
    assert.equal(fromStdin.status, 0, fromStdin.stderr);
    assert.equal(fromStdin.stdout, fromFile.stdout);
  });

  test('--counters prints only flows and interface counter records', () => {
    const r = flowlens(['decode', '--counters', flowFixture('sflow-data-1140.pcap'), nf5]);
    assert.equal(r.status, 0, r.stderr);
    const rows = jsonLines(r.stdout);
    for (const row of rows) assert.ok(row.record === undefined || row.record === 'interface_counters');
    assert.ok(rows.some((row) => row.record === undefined));
  });
});

describe('flowlens decode: IPFIX over TCP', () => {
  test('a reassembled stream decodes exactly like the same messages over UDP', async () => {
    const udpPackets = await loadPackets(flowFixture('softflowd-nf10.pcap'));
    const micros = udpPackets[0]!.micros;
    // The IPFIX messages: UDP payloads after Ethernet (14), IPv4 (20) and UDP (8) headers.
    const messages = udpPackets.map((p) => p.data.subarray(42));
    const stream = Buffer.concat(messages);
    const at = (data: Uint8Array): TestPacket => ({ micros, data, originalLength: data.length, linkType: 1 });
    const segment = (seq: number, flags: number, payload: Uint8Array) =>
      at(
        ethernet(
          ipv4({ protocol: 6, src: '127.0.0.1', dst: '127.0.0.1' }, tcp(40000, 4739, seq, flags, payload)),
        ),
      );
    const isn = 0xfffffff0; // the sequence numbers wrap inside the stream
    const cuts = [0, 3, 50, 400, stream.length - 10, stream.length];
    const pieces = cuts
      .slice(1)
      .map((end, i) => ({ seq: (isn + 1 + cuts[i]!) >>> 0, data: stream.subarray(cuts[i]!, end) }));
    const order = [0, 2, 1, 1, 3, 4]; // one early segment, one retransmission
    const tcpPackets = [
      segment(isn, 0x02, new Uint8Array(0)),
      ...order.map((i) => segment(pieces[i]!.seq, 0x18, pieces[i]!.data)),
      segment((isn + 1 + stream.length) >>> 0, 0x11, new Uint8Array(0)),
    ];
    const udpFile = join(scratch, 'ipfix-udp.pcap');
    const tcpFile = join(scratch, 'ipfix-tcp.pcap');
    writeFileSync(
      udpFile,
      writePcap(
        udpPackets.map((p) => ({ ...p, micros })),
        1,
      ),
    );
    writeFileSync(tcpFile, writePcap(tcpPackets, 1));

    const overUdp = flowlens(['decode', udpFile]);
    const overTcp = flowlens(['decode', tcpFile]);
    assert.equal(overTcp.status, 0, overTcp.stderr);
    assert.equal(overTcp.stdout, overUdp.stdout);
    const u = decodeSummary(overUdp.stderr);
    const t = decodeSummary(overTcp.stderr);
    assert.equal(t.packets, messages.length);
    assert.equal(t.flows, u.flows);
    assert.deepEqual(t.skipped, {});
  });
});

describe('flowlens decode: usage and exit status', () => {
  test('--help', () => {
    const r = flowlens(['decode', '--help']);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: flowlens decode FILE\.\.\./);
    assert.match(r.stdout, /--format json\|text/);
  });

  for (const args of [
    [],
    ['--format', 'xml', nf5],
    ['--port', '0', nf5],
    ['--port', 'abc', nf5],
    ['--bogus', nf5],
  ]) {
    test(`bad usage: ${JSON.stringify(args)}`, () => {
      const r = flowlens(['decode', ...args]);
      assert.equal(r.status, 2);
      assert.match(r.stderr, /flowlens decode: .+\n\nUsage:/);
      assert.equal(r.stdout, '');
    });
  }

  test('a file that cannot be opened: exit 1, the other files still decoded', () => {
    const r = flowlens(['decode', '/nonexistent.pcap', nf5]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /\/nonexistent\.pcap: .*ENOENT/);
    assert.ok(jsonLines(r.stdout).length > 0);
    assert.equal(decodeSummary(r.stderr).files, 2);
  });

  test('a file that is not a capture: exit 1', () => {
    const r = flowlens(['decode', `${repoRoot}package.json`]);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /package\.json: not a pcap or pcapng capture/);
  });

  test('a truncated capture: exit 0, the error on stderr and in the summary', () => {
    const cut = join(scratch, 'cut.pcap');
    const whole = readFileSync(akvoradoV5);
    writeFileSync(cut, Buffer.concat([readFileSync(nf5), whole.subarray(24, whole.length - 100)]));
    const r = flowlens(['decode', cut]);
    assert.equal(r.status, 0);
    assert.match(r.stderr, /cut\.pcap: pcap capture truncated/);
    const summary = decodeSummary(r.stderr);
    assert.deepEqual(summary.capture_errors, { truncated: 1 });
    assert.equal(summary.packets, 1);
  });
});
