import assert from 'node:assert/strict';
import { test } from 'node:test';
import { agentHarness, T0 } from '../../../test/helpers/agent-harness.js';
import { ethernet, ipv4, tcp } from '../../../test/helpers/capture-craft.js';
import { Random } from '../../ingest/export/random.js';
import { createHttpDecoder } from '../app/http/decoder.js';
import type { AppDecoder, AppPayload } from '../contract.js';
import { createTcpTracker } from '../tcp/tracker.js';

const CLIENT = '10.0.0.1';
const SERVER = '10.0.0.2';
const bytes = (s: string) => [...Buffer.from(s, 'latin1')];

/** A message cut into segments of 1 to `mss` bytes (short ones often: cuts near every boundary). */
function segments(
  rng: Random,
  stream: number[],
  isn: number,
  mss: number,
): { seq: number; payload: number[] }[] {
  const out = [];
  for (let o = 0; o < stream.length; ) {
    const n = 1 + (rng.int(3) === 0 ? rng.int(8) : rng.int(mss));
    out.push({ seq: (isn + o) >>> 0, payload: stream.slice(o, o + n) });
    o += n;
  }
  return out;
}

function body(n: number, c: number): string {
  return String.fromCharCode(c).repeat(n);
}

/**
 * Requests with bodies (Content-Length and chunked), responses with both, interleaved as a client
 * and server would send them, then disturbed at random: segments lost, swapped with the next,
 * repeated. Sequence numbers start near 2^32, so the streams wrap.
 */
function scenario(rng: Random): { fromClient: boolean; seq: number; payload: number[] }[] {
  const requests = [
    'GET /a?x=1 HTTP/1.1\r\nHost: h.example\r\nUser-Agent: ua/1\r\n\r\n',
    `POST /b HTTP/1.1\r\nHost: h.example\r\nContent-Length: 700\r\n\r\n${body(700, 0x70)}`,
    `POST /c HTTP/1.1\r\nHost: h.example\r\nTransfer-Encoding: chunked\r\n\r\n190\r\n${body(400, 0x71)}\r\n0\r\n\r\n`,
    'GET /d HTTP/1.1\r\nHost: h.example\r\nReferer: http://r.example/?q=2\r\n\r\n',
  ];
  const responses = [
    `HTTP/1.1 200 OK\r\nContent-Length: 900\r\n\r\n${body(900, 0x61)}`,
    `HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n64\r\n${body(100, 0x62)}\r\n1f4\r\n${body(500, 0x63)}\r\n0\r\n\r\n`,
    'HTTP/1.1 204 No Content\r\n\r\n',
    `HTTP/1.1 404 Not Found\r\nContent-Length: 300\r\n\r\n${body(300, 0x64)}`,
  ];
  let c = (2 ** 32 - 800 - rng.int(1000)) >>> 0;
  let s = (2 ** 32 - 1500 - rng.int(1000)) >>> 0;
  const mss = 40 + rng.int(400);
  const out: { fromClient: boolean; seq: number; payload: number[] }[] = [];
  for (let i = 0; i < requests.length; i++) {
    const q = bytes(requests[i]!);
    const r = bytes(responses[i]!);
    for (const seg of segments(rng, q, c, mss)) out.push({ fromClient: true, ...seg });
    for (const seg of segments(rng, r, s, mss)) out.push({ fromClient: false, ...seg });
    c = (c + q.length) >>> 0;
    s = (s + r.length) >>> 0;
  }
  const disturbed: typeof out = [];
  for (let i = 0; i < out.length; i++) {
    const roll = rng.int(12);
    if (roll === 0) continue; // lost
    if (roll === 1 && i + 1 < out.length) {
      disturbed.push(out[i + 1]!, out[i]!); // reordered
      i++;
    } else {
      disturbed.push(out[i]!);
      if (roll === 2) disturbed.push(out[i]!); // retransmitted
    }
  }
  return disturbed;
}

/** The HTTP decoder, counting the payloads it is handed; `honourSkip` false hides its skips. */
function countingHttp(honourSkip: boolean) {
  const inner = createHttpDecoder();
  const counted = { payloads: 0 };
  const decoder: AppDecoder<unknown> = {
    protocol: 'http',
    errors: inner.errors,
    matchesPorts: (c, s, t) => inner.matchesPorts(c, s, t),
    newState: () => inner.newState(),
    exported: (st) => inner.exported(st as never),
    payload(st, p: AppPayload, out) {
      counted.payloads++;
      const more = inner.payload(st as never, p, out);
      if (!honourSkip) p.skipping = false;
      return more;
    },
  };
  return { decoder, inner, counted };
}

function run(packets: ReturnType<typeof scenario>, honourSkip: boolean) {
  const http = countingHttp(honourSkip);
  const h = agentHarness({}, { tcp: createTcpTracker(16), apps: [http.decoder] });
  let ms = T0 + 1000;
  for (const [i, p] of packets.entries()) {
    const [src, dst, sport, dport] = p.fromClient ? [CLIENT, SERVER, 40000, 80] : [SERVER, CLIENT, 80, 40000];
    h.send(ethernet(ipv4({ protocol: 6, src, dst }, tcp(sport, dport, p.seq, 0x18, p.payload))), ms);
    // A minute boundary part way: the records before and after it carry different requests.
    ms += i === packets.length >> 1 ? 60_000 : 1;
  }
  h.pipeline.finish();
  return {
    records: h.records,
    errors: { ...http.inner.errors },
    counts: { ...http.inner.counts },
    ...http.counted,
  };
}

/**
 * Skipping a body's segments must change nothing the decoder reports: the reference is the same
 * pipeline with every segment handed over (the decoder's skips hidden from the flow table).
 */
test('segments inside a body are not handed to the HTTP decoder, and the records are the same', () => {
  const rng = new Random(5);
  let skipped = 0;
  for (let round = 0; round < 60; round++) {
    const packets = scenario(rng);
    const all = run(packets, false);
    const some = run(packets, true);
    assert.deepEqual(some.records, all.records, `round ${round}`);
    assert.deepEqual(some.errors, all.errors, `round ${round}`);
    assert.deepEqual(some.counts, all.counts, `round ${round}`);
    assert.ok(some.payloads <= all.payloads);
    skipped += all.payloads - some.payloads;
  }
  assert.ok(skipped > 1000, `${skipped} payloads skipped`);
});
