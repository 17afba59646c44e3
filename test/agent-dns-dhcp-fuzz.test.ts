import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DhcpDecoder } from '../src/agent/app/dhcp/dhcp-decoder.js';
import { DnsDecoder, defaultDnsConfig } from '../src/agent/app/dns/dns-decoder.js';
import { type AppFieldSink, type AppPayload, Dir } from '../src/agent/contract.js';
import { parsePacket } from '../src/capture/link.js';
import { IpProtocol, PacketInfo, Parsed } from '../src/capture/packet-info.js';
import { readCaptureFile } from '../src/capture/reader.js';
import { type ColumnType, flowColumns } from '../src/flow/schema.js';
import { mutate, Random } from './fuzz/mutate.js';
import { framed, message, name, ptr, question, rr } from './helpers/dns-craft.js';
import { hostCapture } from './helpers/peers.js';

const dpkt = '/usr/share/doc/python3-dpkt/examples/data';
const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket';

/** UDP payloads to or from `ports` in the captures, copied out. */
async function payloads(files: string[], ports: number[]): Promise<Uint8Array[]> {
  const info = new PacketInfo();
  const out: Uint8Array[] = [];
  for (const file of files) {
    await readCaptureFile(file, (buf, offset, length, _ms, linkType) => {
      if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok || info.protocol !== IpProtocol.UDP)
        return;
      if (!ports.includes(info.srcPort) && !ports.includes(info.dstPort)) return;
      out.push(buf.slice(info.payloadOffset, info.payloadOffset + info.payloadLength));
    });
  }
  return out;
}

/** Hand-made messages with compression, pointer loops and odd labels. */
function craftedDns(): Uint8Array[] {
  const host = name(['www', 'example', 'test']);
  const msgs = [
    message({
      id: 1,
      response: true,
      questions: [question(host, 5)],
      answers: [rr(ptr(12), 5, name(['alias'], 16))],
    }),
    message({ id: 2, response: true, questions: [question(ptr(12), 1)] }), // a question that points at itself
    message({ id: 3, response: true, questions: [question([3, 97, 98, 99, ...ptr(12)], 1)] }), // a label loop
    message({
      id: 4,
      response: true,
      questions: [question(host, 1)],
      answers: [rr(ptr(14), 1, [1, 2, 3, 4])],
    }),
    message({ id: 5, response: true, questions: [question([0x40, 1, 0], 1)] }),
    message({
      id: 6,
      response: true,
      questions: [question(host, 16)],
      answers: [rr(ptr(12), 16, [9, 1, 2])],
    }),
    message({ id: 7, response: true, questions: [question(host, 1)], counts: [1, 60000] }),
  ];
  return msgs.map((m) => Uint8Array.from(m));
}

const columnTypes = new Map<string, ColumnType>(flowColumns.map((c) => [c.name, c.type]));
const maxOf: Partial<Record<ColumnType, number>> = {
  u8: 0xff,
  u16: 0xffff,
  u32: 0xffffffff,
  mac: 2 ** 48 - 1,
};

/** A sink that checks each value is one its schema column can hold, and counts writes. */
class CheckingSink implements AppFieldSink {
  writes = 0;
  setString(column: string, value: string): void {
    assert.equal(columnTypes.get(column), 'string', column);
    assert.ok(value.length <= 512, `${column}: ${value.length} characters`);
    this.writes++;
  }
  setNumber(column: string, value: number): void {
    const max = maxOf[columnTypes.get(column)!];
    assert.ok(max !== undefined, column);
    assert.ok(Number.isInteger(value) && value >= 0 && value <= max, `${column} = ${value}`);
    this.writes++;
  }
  setAddress(column: string, buf: Uint8Array, offset: number, length: 4 | 16): void {
    assert.equal(columnTypes.get(column), 'addr', column);
    assert.ok(offset >= 0 && offset + length <= buf.length, column);
    this.writes++;
  }
}

function udp(bytes: Uint8Array, end: number, wireLength: number, timeMs = 0): AppPayload {
  return { buf: bytes, start: 0, end, wireLength, timeMs, dir: Dir.FromClient, transport: 'udp', seq: 0 };
}

function total(errors: Readonly<Record<string, number>>): number {
  return Object.values(errors).reduce((a, b) => a + b, 0);
}

test('DNS: real and hand-made messages, mutated 40 000 times (seed 6), then cut at every offset', async () => {
  const corpus = [
    ...(await payloads(
      [
        hostCapture('dns.pcap'),
        hostCapture('loopback-http-dns-icmp.pcap'),
        `${dpkt}/dns_icmp.pcap`,
        `${gopacket}/pcap/test_dns.pcap`,
      ],
      [53],
    )),
    ...craftedDns(),
  ];
  assert.ok(corpus.length > 40);
  const d = new DnsDecoder();
  const sink = new CheckingSink();
  const rng = new Random(6);
  const out = new Uint8Array(4096);
  let state = d.newState();
  for (let i = 0; i < 40_000; i++) {
    if (i % 50 === 0) state = d.newState();
    const src = corpus[rng.int(corpus.length)]!;
    const len = mutate(rng, src, corpus[rng.int(corpus.length)]!, out);
    const wire = rng.int(4) === 0 ? len + rng.int(100) : len; // sometimes cut by a "snap length"
    d.payload(state, udp(out, len, wire, i), sink);
    if (rng.int(10) === 0) d.exported(state);
  }
  const errors = total(d.errors);
  for (const reason of ['truncated', 'capture_cut', 'bad_label', 'bad_pointer', 'pointer_loop', 'bad_rdata'])
    assert.ok(d.errors[reason as keyof typeof d.errors] > 0, `${reason} occurs: ${JSON.stringify(d.errors)}`);
  assert.ok(sink.writes > 10_000, 'most mutants still decode in part');

  // Cut at every offset: as sent (truncated) and by the snap length (cut). A message cut before
  // the end of its answer section counts one error; the answers decoded are a prefix of the whole.
  for (const msg of corpus) {
    const fresh = new DnsDecoder();
    const full = new Map<string, string | number>();
    fresh.payload(fresh.newState(), udp(msg, msg.length, msg.length), recording(full));
    if (total(fresh.errors) > 0) continue; // the hand-made loops: broken whole
    const whole = String(full.get('dns_answers') ?? '');
    for (let cut = 0; cut < msg.length; cut++) {
      for (const wire of [cut, msg.length]) {
        const got = new Map<string, string | number>();
        const before = total(fresh.errors);
        fresh.payload(fresh.newState(), udp(msg, cut, wire), recording(got));
        assert.ok(total(fresh.errors) - before <= 1, 'one reason per message');
        if (cut < 12) assert.equal(total(fresh.errors) - before, 1, `cut at ${cut}: no header`);
        const answers = String(got.get('dns_answers') ?? '');
        assert.ok(whole.startsWith(answers), `cut at ${cut}: "${answers}" is not a prefix of "${whole}"`);
      }
    }
  }
  assert.ok(errors > 0);
});

test('DNS over TCP: mutated streams cut into random segments, with lost and repeated bytes', async () => {
  const corpus = (await payloads([hostCapture('dns.pcap'), `${dpkt}/dns_icmp.pcap`], [53])).concat(
    craftedDns(),
  );
  const d = new DnsDecoder({ ...defaultDnsConfig, tcpBuffer: 128 });
  const rng = new Random(66);
  const sink = new CheckingSink();
  const out = new Uint8Array(4096);
  for (let flow = 0; flow < 2000; flow++) {
    const state = d.newState();
    const stream: number[] = [];
    for (let m = 0; m < 1 + rng.int(4); m++) {
      const src = corpus[rng.int(corpus.length)]!;
      const len = rng.int(3) === 0 ? mutate(rng, src, src, out) : src.length;
      stream.push(...framed([...(len === src.length ? src : out.subarray(0, len))]));
    }
    const bytes = Uint8Array.from(stream);
    let seq = rng.u32();
    for (let at = 0; at < bytes.length; ) {
      const n = 1 + rng.int(60);
      const p: AppPayload = {
        buf: bytes,
        start: at,
        end: Math.min(bytes.length, at + n - (rng.int(8) === 0 ? rng.int(n) : 0)),
        wireLength: Math.min(n, bytes.length - at),
        timeMs: at,
        dir: rng.int(2) === 0 ? Dir.FromClient : Dir.FromServer,
        transport: 'tcp',
        seq: (seq + at) >>> 0,
      };
      if (p.end < p.start) p.end = p.start;
      if (rng.int(10) !== 0) d.payload(state, p, sink); // some segments lost
      if (rng.int(10) === 0) seq = (seq + rng.int(3) - 1) >>> 0; // and some misnumbered
      at += rng.int(6) === 0 ? Math.max(1, n >> 1) : n; // overlaps
    }
  }
  assert.ok(d.errors.tcp_gap > 0 && d.errors.capture_cut > 0, JSON.stringify(d.errors));
  assert.ok(d.counts.messages > 2000);
});

test('DHCP: real messages mutated 20 000 times (seed 67), then cut at every offset', async () => {
  const corpus = await payloads(
    [hostCapture('dhcp.pcap'), `${gopacket}/pcapgo/tests/le/test001.pcapng`],
    [67, 68],
  );
  assert.ok(corpus.length >= 8);
  const d = new DhcpDecoder();
  const sink = new CheckingSink();
  const rng = new Random(67);
  const out = new Uint8Array(4096);
  for (let i = 0; i < 20_000; i++) {
    const src = corpus[rng.int(corpus.length)]!;
    const len = mutate(rng, src, corpus[rng.int(corpus.length)]!, out);
    d.payload(d.newState(), udp(out, len, rng.int(4) === 0 ? len + rng.int(300) : len), sink);
  }
  for (const reason of ['truncated', 'capture_cut', 'bad_op', 'bad_option'])
    assert.ok(d.errors[reason as keyof typeof d.errors] > 0, `${reason} occurs: ${JSON.stringify(d.errors)}`);

  for (const msg of corpus) {
    const fresh = new DhcpDecoder();
    for (let cut = 0; cut < msg.length; cut++) {
      for (const wire of [cut, msg.length]) {
        const before = total(fresh.errors);
        const got = new Map<string, string | number>();
        fresh.payload(fresh.newState(), udp(msg, cut, wire), recording(got));
        assert.ok(total(fresh.errors) - before <= 1, 'one reason per message');
        // Up to the client MAC (34 bytes) nothing is usable: counted, nothing written.
        if (cut < 34) {
          assert.equal(total(fresh.errors) - before, 1, `cut at ${cut}`);
          assert.equal(got.size, 0);
        } else assert.equal(got.get('app_protocol'), 'dhcp');
      }
    }
  }
});

function recording(into: Map<string, string | number>): AppFieldSink {
  return {
    setString: (c, v) => void into.set(c, v),
    setNumber: (c, v) => void into.set(c, v),
    setAddress: (c) => void into.set(c, 'addr'),
  };
}
