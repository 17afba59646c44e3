import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { HttpDecoder } from '../src/agent/app/http/decoder.js';
import { TlsDecoder } from '../src/agent/app/tls/decoder.js';
import { type AppDecoder, type AppFieldSink, type AppPayload, Dir } from '../src/agent/contract.js';
import { parsePacket } from '../src/capture/link.js';
import { IpProtocol, PacketInfo, Parsed } from '../src/capture/packet-info.js';
import { readCaptureFile } from '../src/capture/reader.js';
import { mutate, Random } from './fuzz/mutate.js';
import { hostCapture } from './helpers/peers.js';
import { clientHello, records, serverHello } from './helpers/tls-craft.js';

const dpkt = '/usr/share/doc/python3-dpkt/examples/data';
const gopacket = '/usr/share/gocode/src/github.com/gopacket/gopacket';

/** One TCP payload of a real capture, copied out. */
interface Segment {
  readonly dir: Dir;
  readonly seq: number;
  readonly bytes: Uint8Array;
}

/** The payload segments of each TCP flow of a capture (the client: the SYN's sender, else the higher port). */
async function flowsOf(file: string): Promise<Segment[][]> {
  const info = new PacketInfo();
  const flows = new Map<string, { clientPort: number; segments: Segment[] }>();
  await readCaptureFile(file, (buf, offset, length, _ms, linkType) => {
    if (parsePacket(buf, offset, length, linkType, info) !== Parsed.ok || info.protocol !== IpProtocol.TCP)
      return;
    const key = [info.srcPort, info.dstPort].sort().join('-');
    let flow = flows.get(key);
    if (flow === undefined) {
      const syn = (info.tcpFlags & 0x12) === 0x02;
      flow = { clientPort: syn || info.srcPort > info.dstPort ? info.srcPort : info.dstPort, segments: [] };
      flows.set(key, flow);
    }
    if (info.payloadLength === 0) return;
    const bytes = buf.slice(info.payloadOffset, info.payloadOffset + info.payloadLength);
    flow.segments.push({
      dir: info.srcPort === flow.clientPort ? Dir.FromClient : Dir.FromServer,
      seq: info.tcpSeq,
      bytes,
    });
  });
  return [...flows.values()].map((f) => f.segments).filter((s) => s.length > 0);
}

/** Real HTTP and TLS flows, and hand-made hellos cut into small records. */
async function corpus(): Promise<Segment[][]> {
  const files = [
    hostCapture('loopback-http-dns-icmp.pcap'),
    `${dpkt}/http.pcap`,
    `${gopacket}/pcap/test_loopback.pcap`,
    `${gopacket}/pcapgo/tests/le/test300.pcapng`,
    `${gopacket}/pcapgo/tests/le/test301.pcapng`,
  ];
  const flows = (await Promise.all(files.map(flowsOf))).flat();
  flows.push([
    {
      dir: Dir.FromClient,
      seq: 1,
      bytes: records(clientHello({ serverName: 'fuzz.example', padding: 300 }), 90),
    },
    {
      dir: Dir.FromServer,
      seq: 1,
      bytes: records(serverHello({ version: 0x0303, cipher: 0x1301, selected: 0x0304 }), 20),
    },
  ]);
  return flows;
}

/** A sink that checks what it is given is a value a column could hold. */
const sink: AppFieldSink = {
  setString(column, value) {
    assert.equal(typeof value, 'string', column);
    assert.ok(value.length <= 8192 * 3, column);
  },
  setNumber(column, value) {
    assert.ok(Number.isInteger(value) && value >= 0 && value <= 0xffff, `${column} = ${value}`);
  },
  setAddress() {
    assert.fail('no address columns here');
  },
};

function feed<S>(
  decoder: AppDecoder<S>,
  state: S,
  p: AppPayload,
  bytes: Uint8Array,
  length: number,
  wire: number,
): void {
  const buf = new Uint8Array(length + 16);
  buf.set(bytes.subarray(0, length), 8);
  p.buf = buf;
  p.start = 8;
  p.end = 8 + length;
  p.wireLength = wire;
  decoder.payload(state, p, sink);
}

function payload(dir: Dir, seq: number): AppPayload {
  return { buf: new Uint8Array(0), start: 0, end: 0, wireLength: 0, timeMs: 0, dir, transport: 'tcp', seq };
}

describe('HTTP and TLS decoders never throw', () => {
  test('on mutated real flows: flipped bytes, boundary values, splices, truncations, odd sequence numbers', async () => {
    const flows = await corpus();
    const rng = new Random(0x5eed_0006);
    const http = new HttpDecoder();
    const tls = new TlsDecoder();
    const out = new Uint8Array(70_000);
    for (let i = 0; i < 10_000; i++) {
      const flow = flows[rng.int(flows.length)]!;
      const decoders = [http, tls] as AppDecoder<unknown>[];
      const states = decoders.map((d) => d.newState());
      for (const s of flow.slice(0, 12)) {
        let src = s.bytes;
        let n = s.bytes.length;
        if (rng.int(3) === 0) {
          n = mutate(rng, s.bytes, flow[rng.int(flow.length)]!.bytes, out);
          src = out;
        }
        if (n === 0) continue;
        const captured = rng.int(8) === 0 ? rng.int(n + 1) : n;
        const seq = rng.int(10) === 0 ? (s.seq + rng.int(4000) - 2000) >>> 0 : s.seq;
        const flip = rng.int(20) === 0;
        const dir = flip === (s.dir === Dir.FromClient) ? Dir.FromServer : Dir.FromClient;
        for (let k = 0; k < decoders.length; k++)
          feed(decoders[k]!, states[k], payload(dir, seq), src, captured, n);
      }
    }
    for (const d of [http, tls])
      for (const [reason, n] of Object.entries(d.errors)) assert.ok(Number.isInteger(n) && n >= 0, reason);
    // The mutations do reach the error paths.
    assert.ok(Object.values(http.errors).filter((n) => n > 0).length >= 4, JSON.stringify(http.errors));
    assert.ok(Object.values(tls.errors).filter((n) => n > 0).length >= 4, JSON.stringify(tls.errors));
  });

  test('on every truncation of real first messages, cut by the segment or by the snap length', async () => {
    const flows = await corpus();
    for (const flow of flows) {
      for (const dir of [Dir.FromClient, Dir.FromServer]) {
        const first = flow.find((s) => s.dir === dir);
        if (first === undefined) continue;
        const bytes = first.bytes.subarray(0, 3000);
        for (let k = 1; k <= bytes.length; k++) {
          for (const decoder of [new HttpDecoder(), new TlsDecoder()] as AppDecoder<unknown>[]) {
            const cut = decoder.newState();
            feed(decoder, cut, payload(dir, first.seq), bytes, k, k); // the segment ends there
            const snapped = decoder.newState();
            feed(decoder, snapped, payload(dir, first.seq), bytes, k, bytes.length); // the capture ends there
            feed(
              decoder,
              snapped,
              payload(dir, (first.seq + bytes.length) >>> 0),
              bytes,
              bytes.length,
              bytes.length,
            );
          }
        }
      }
    }
  });
});
