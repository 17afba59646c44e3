import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RecordingSink } from '../../../../test/helpers/app-harness.js';
import { message, name, ptr, question, rr, u16 } from '../../../../test/helpers/dns-craft.js';
import { type AppPayload, Dir } from '../../contract.js';
import { DnsDecoder, type DnsFlowState, defaultDnsConfig, mdnsConfig } from './dns-decoder.js';

const A = 1;
const AAAA = 28;
const host = name(['www', 'example', 'test']);
const query = (id: number, type: number) =>
  message({ id, response: false, questions: [question(host, type)] });
const answerA = (id: number, ...addrs: number[][]) =>
  message({
    id,
    response: true,
    questions: [question(host, A)],
    answers: addrs.map((a) => rr(ptr(12), A, a)),
  });

function send(
  d: DnsDecoder,
  state: DnsFlowState,
  sink: RecordingSink,
  bytes: number[],
  timeMs: number,
): void {
  const buf = Uint8Array.from(bytes);
  const p: AppPayload = {
    buf,
    start: 0,
    end: buf.length,
    wireLength: buf.length,
    timeMs,
    dir: Dir.FromClient,
    transport: 'udp',
    seq: 0,
  };
  d.payload(state, p, sink);
}

test('a record carries the first completed exchange; later ones are counted; a query shows until then', () => {
  const d = new DnsDecoder();
  const state = d.newState();
  const sink = new RecordingSink();
  send(d, state, sink, query(1, A), 1000);
  assert.deepEqual(Object.fromEntries(sink.fields), {
    app_protocol: 'dns',
    dns_query: 'www.example.test',
    dns_query_type: A,
  });
  send(d, state, sink, query(2, AAAA), 1001.4);
  const aaaa = message({
    id: 2,
    response: true,
    questions: [question(host, AAAA)],
    answers: [rr(ptr(12), AAAA, [0x20, 0x01, 0x0d, 0xb8, ...new Array<number>(11).fill(0), 7])],
  });
  send(d, state, sink, aaaa, 1003.2);
  send(d, state, sink, answerA(1, [192, 0, 2, 7]), 1004);
  // The AAAA exchange completed first: 1003.2 - 1001.4 = 1.8 ms, rounded to 2.
  assert.deepEqual(Object.fromEntries(sink.fields), {
    app_protocol: 'dns',
    dns_query: 'www.example.test',
    dns_query_type: AAAA,
    dns_return_code: 0,
    dns_answers: '2001:db8::7',
    appl_latency_ms: 2,
  });
  assert.equal(d.counts.extra_exchanges, 1);
  d.exported(state);
  const next = new RecordingSink();
  send(d, state, next, query(3, A), 2000);
  send(d, state, next, answerA(3, [192, 0, 2, 8], [192, 0, 2, 9]), 2010);
  assert.equal(next.fields.get('dns_answers'), '192.0.2.8,192.0.2.9');
  assert.equal(next.fields.get('appl_latency_ms'), 10);
});

test('a retransmitted query keeps the first time; a response without a query has no latency', () => {
  const d = new DnsDecoder();
  const state = d.newState();
  const sink = new RecordingSink();
  send(d, state, sink, query(7, A), 100);
  send(d, state, sink, query(7, A), 1100);
  send(d, state, sink, answerA(7, [10, 0, 0, 1]), 1105);
  assert.equal(sink.fields.get('appl_latency_ms'), 1005);
  d.exported(state);
  const alone = new RecordingSink();
  send(d, state, alone, answerA(8, [10, 0, 0, 2]), 2000);
  assert.equal(alone.fields.get('appl_latency_ms'), undefined);
  assert.equal(alone.fields.get('dns_answers'), '10.0.0.2');
  assert.equal(d.counts.unmatched_responses, 1);
});

test('mDNS (port 5353) matches no latency: its ids are 0 and answers unsolicited', () => {
  const d = new DnsDecoder(mdnsConfig);
  assert.ok(d.matchesPorts(5353, 5353, 'udp'));
  assert.ok(!d.matchesPorts(40000, 53, 'udp'));
  const state = d.newState();
  const sink = new RecordingSink();
  send(d, state, sink, query(0, A), 0);
  send(d, state, sink, answerA(0, [169, 254, 1, 1]), 5);
  assert.equal(sink.fields.get('appl_latency_ms'), undefined);
  assert.equal(sink.fields.get('dns_answers'), '169.254.1.1');
});

test('a malformed answer stops the message: the answers before it stay, the reason is counted', () => {
  const d = new DnsDecoder();
  const state = d.newState();
  const sink = new RecordingSink();
  const bad = message({
    id: 5,
    response: true,
    rcode: 2,
    questions: [question(host, A)],
    answers: [rr(ptr(12), A, [192, 0, 2, 1]), rr(ptr(12), A, [192, 0, 2]), rr(ptr(12), A, [192, 0, 2, 3])],
  });
  send(d, state, sink, bad, 0);
  assert.equal(sink.fields.get('dns_answers'), '192.0.2.1');
  assert.equal(sink.fields.get('dns_return_code'), 2);
  assert.equal(d.errors.bad_rdata, 1);
  // Fewer bytes than a header: counted, nothing written.
  const empty = new RecordingSink();
  send(d, d.newState(), empty, [0, 1, 2], 0);
  assert.equal(d.errors.truncated, 1);
  assert.equal(empty.fields.size, 0);
});

test('record data as dig prints it, for the types rendered by hand', () => {
  const d = new DnsDecoder();
  const sink = new RecordingSink();
  const answers = [
    // SOA: mname, rname, serial 1, refresh 7200, retry 900, expire 1209600, minimum 300.
    rr(ptr(12), 6, [
      ...name(['ns'], 12),
      ...ptr(12),
      ...[0, 0, 0, 1],
      ...[0, 0, 0x1c, 0x20],
      ...[0, 0, 3, 0x84],
      ...[0, 0x12, 0x75, 0],
      ...[0, 0, 1, 0x2c],
    ]),
    // SRV: priority 1, weight 5, port 5060, target the query name.
    rr(ptr(12), 33, [...u16(1), ...u16(5), ...u16(5060), ...ptr(12)]),
    // TXT with two strings, one holding a quote and a comma.
    rr(ptr(12), 16, [2, 104, 105, 4, 97, 34, 44, 98]),
    // HTTPS: priority 1, target the root, a parameter left out.
    rr(ptr(12), 65, [...u16(1), 0, ...u16(1), ...u16(2), 104, 50]),
    // CAA: flags 0, tag "issue", value "ca.test".
    rr(ptr(12), 257, [0, 5, ...Buffer.from('issueca.test')]),
    // HINFO is not rendered by hand: RFC 3597's generic form.
    rr(ptr(12), 13, [1, 120, 1, 121]),
  ];
  send(
    d,
    d.newState(),
    sink,
    message({ id: 1, response: true, questions: [question(host, 255)], answers }),
    0,
  );
  assert.equal(
    sink.fields.get('dns_answers'),
    [
      'ns.www.example.test www.example.test 1 7200 900 1209600 300',
      '1 5 5060 www.example.test',
      '"hi" "a\\"\\044b"',
      '1 .',
      '0 issue "ca.test"',
      '\\# 4 01780179',
    ].join(','),
  );
  assert.deepEqual(
    Object.entries(d.errors).filter(([, v]) => v > 0),
    [],
  );
});

test('a long answer list is cut to the limit and ends in "..."', () => {
  const d = new DnsDecoder({ ...defaultDnsConfig, answersLimit: 40 });
  const sink = new RecordingSink();
  const addrs = Array.from({ length: 10 }, (_, i) => [198, 51, 100, i]);
  send(d, d.newState(), sink, answerA(1, ...addrs), 0);
  const full = addrs.map((a) => a.join('.')).join(',');
  assert.equal(sink.fields.get('dns_answers'), `${full.slice(0, 37)}...`);
});

test("which message's question a record carries: the first query's until a response, then the response's", () => {
  // Each message names another host, so a question taken from the wrong message would show.
  const d = new DnsDecoder();
  const state = d.newState();
  const sink = new RecordingSink();
  const ask = (id: number, labels: string[], response: boolean) =>
    message({ id, response, questions: [question(name(labels), A)] });
  send(d, state, sink, ask(1, ['first', 'test'], false), 1000);
  send(d, state, sink, ask(2, ['second', 'test'], false), 1001);
  assert.equal(sink.fields.get('dns_query'), 'first.test', 'a later query does not replace the first');
  send(d, state, sink, ask(1, ['answered', 'test'], true), 1002);
  assert.equal(sink.fields.get('dns_query'), 'answered.test', "the exchange's response gives the question");
  send(d, state, sink, ask(2, ['later', 'test'], true), 1003);
  assert.equal(sink.fields.get('dns_query'), 'answered.test', 'a second exchange is only counted');
  d.exported(state);
  send(d, state, sink, ask(3, ['next', 'test'], false), 1004);
  assert.equal(sink.fields.get('dns_query'), 'next.test', 'after the export the next query shows');
});
