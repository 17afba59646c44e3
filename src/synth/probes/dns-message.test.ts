import assert from 'node:assert/strict';
import { test } from 'node:test';
import { message, name, ptr, question, rr, u16 } from '../../../test/helpers/dns-craft.js';
import { buildQuery, parseResponse } from './dns-message.js';
import { encodeName } from './dns-names.js';
import { DnsFormatError } from './dns-reader.js';

const q = question(name(['www', 'flows', 'test']), 1);
/** A response exercising compression inside record data (offset 12 is the question's name). */
const sample = Buffer.from(
  message({
    id: 0x1234,
    response: true,
    questions: [q],
    answers: [
      rr(ptr(12), 5, name(['host'], 16), 300), // CNAME host.flows.test. (16: "flows" in the question)
      rr(ptr(12), 1, [192, 0, 2, 1], 60),
      rr(ptr(16), 15, [...u16(10), ...name(['mail'], 16)]),
      rr(ptr(16), 16, [3, ...Buffer.from('a"b'), 0, 2, 0x5c, 0x7f]),
      rr(ptr(16), 33, [...u16(1), ...u16(5), ...u16(5060), ...name(['sip'], 16)]),
      rr(ptr(16), 6, [
        ...name(['ns'], 16),
        ...name(['hostmaster'], 16),
        0,
        0,
        0,
        7,
        0,
        0,
        0x0e,
        0x10,
        0,
        0,
        7,
        8,
        0,
        9,
        0x3a,
        0x80,
        0,
        0,
        1,
        0x2c,
      ]),
      rr(ptr(12), 28, [0x20, 0x01, 0x0d, 0xb8, ...new Array(11).fill(0), 1]),
      rr(ptr(16), 257, [0, 5, ...Buffer.from('issueca.test')]),
      rr(ptr(16), 99, [0xab, 0x01]),
      rr([0], 2, name(['a', 'root-servers', 'net'])),
    ],
  }),
);

test('record data in dig presentation form, names decompressed', () => {
  const r = parseResponse(sample);
  assert.equal(r.id, 0x1234);
  assert.equal(r.rcode, 0);
  assert.deepEqual(r.question, { name: 'www.flows.test.', type: 1, class: 1 });
  // Expected text by RFC 1035 §5.1 presentation rules, as dig prints them: TXT's `"` and `\`
  // backslash-escaped, bytes outside printable ASCII as \DDD; unknown types as RFC 3597 `\#`.
  assert.deepEqual(
    r.answers.map((a) => a.text),
    [
      'www.flows.test. 300 IN CNAME host.flows.test.',
      'www.flows.test. 60 IN A 192.0.2.1',
      'flows.test. 300 IN MX 10 mail.flows.test.',
      'flows.test. 300 IN TXT "a\\"b" "" "\\\\\\127"',
      'flows.test. 300 IN SRV 1 5 5060 sip.flows.test.',
      'flows.test. 300 IN SOA ns.flows.test. hostmaster.flows.test. 7 3600 1800 604800 300',
      'www.flows.test. 300 IN AAAA 2001:db8::1',
      'flows.test. 300 IN CAA 0 issue "ca.test"',
      'flows.test. 300 IN TYPE99 \\# 2 AB01',
      '. 300 IN NS a.root-servers.net.',
    ],
  );
});

test('every truncation of a valid response is a DnsFormatError', () => {
  for (let len = 0; len < sample.length; len++)
    assert.throws(() => parseResponse(sample.subarray(0, len)), DnsFormatError, `length ${len}`);
});

test('pointer loops, forward pointers, long names and bad labels are DnsFormatErrors', () => {
  const bad = (answerName: number[], rdata = [1, 2, 3, 4]) =>
    Buffer.from(message({ id: 1, response: true, questions: [q], answers: [rr(answerName, 1, rdata)] }));
  const at = 12 + q.length; // where the answer's name starts
  assert.throws(() => parseResponse(bad(ptr(at))), DnsFormatError, 'pointer to itself');
  assert.throws(() => parseResponse(bad(ptr(at + 2))), DnsFormatError, 'pointer forward');
  assert.throws(
    () => parseResponse(bad(name(['x'], at))),
    DnsFormatError,
    'label then pointer to the name itself',
  );
  assert.throws(
    () => parseResponse(bad(name(new Array(4).fill('y'.repeat(63))))),
    DnsFormatError,
    '257 bytes',
  );
  assert.doesNotThrow(
    () => parseResponse(bad(name([...new Array(3).fill('y'.repeat(63)), 'y'.repeat(61)]))),
    '255 bytes',
  );
  assert.throws(() => parseResponse(bad([0x40, 0])), DnsFormatError, 'extended label type');
  assert.throws(() => parseResponse(bad(ptr(12), [1, 2, 3])), DnsFormatError, 'A with 3 bytes');
  const query = Buffer.from(message({ id: 1, response: false, questions: [q] }));
  assert.throws(() => parseResponse(query), DnsFormatError, 'a query, not a response');
});

test('random corruption never throws anything but DnsFormatError', () => {
  // A fixed-seed xorshift so a failure is reproducible.
  let s = 0x9e3779b9;
  const rand = (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
  let parsed = 0;
  for (let i = 0; i < 20_000; i++) {
    const m = Buffer.from(sample);
    for (let k = 1 + rand(4); k > 0; k--) m[rand(m.length)] = rand(256);
    try {
      parseResponse(m.subarray(0, m.length - rand(3)));
      parsed++;
    } catch (err) {
      if (!(err instanceof DnsFormatError)) throw err;
    }
  }
  assert.ok(parsed > 0, 'some corruptions still parse (e.g. in an address)');
});

test('an OPT record extends the RCODE (RFC 6891: BADVERS is 16)', () => {
  const opt = [0, ...u16(41), ...u16(1232), 1, 0, 0, 0, ...u16(0)];
  const m = Buffer.from(message({ id: 1, response: true, questions: [q] }));
  m.writeUInt16BE(1, 10); // ARCOUNT
  const r = parseResponse(Buffer.concat([m, Buffer.from(opt)]));
  assert.equal(r.rcode, 16);
  assert.deepEqual(r.answers, []);
});

test('a query: header, question, and the EDNS OPT record dig also sends', () => {
  const wire = encodeName('www.flows.test.')!;
  const built = buildQuery(0xbeef, wire, 28);
  // RFC 1035 §4.1: ID, flags with only RD (0x0100), 1 question, 0 answers and authority, 1
  // additional; then the name, type AAAA (28), class IN; then OPT: root name, type 41, payload
  // size 1232 in the class field, TTL and RDLENGTH zero.
  const expected = [
    ...u16(0xbeef),
    ...u16(0x0100),
    ...u16(1),
    ...u16(0),
    ...u16(0),
    ...u16(1),
    ...name(['www', 'flows', 'test']),
    ...u16(28),
    ...u16(1),
    0,
    ...u16(41),
    ...u16(1232),
    0,
    0,
    0,
    0,
    ...u16(0),
  ];
  assert.deepEqual([...built], expected);
  assert.equal(encodeName(`${'a'.repeat(64)}.test`), undefined);
  assert.equal(encodeName('a..b'), undefined);
  assert.deepEqual([...encodeName('.')!], [0]);
});
