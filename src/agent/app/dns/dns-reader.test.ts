import assert from 'node:assert/strict';
import { test } from 'node:test';
import { name, ptr } from '../../../../test/helpers/dns-craft.js';
import { DnsError, dnsErrorReasons } from './dns-errors.js';
import { DnsReader } from './dns-reader.js';
import { TextBuffer } from './text-buffer.js';

/** A message of a 12-byte header (zeros) followed by `body`; reads the name at `at`. */
function read(
  body: number[],
  at = 12,
  cut?: number,
): { text: string; next: number; error: string | undefined } {
  const msg = Uint8Array.from([...new Array<number>(12).fill(0), ...body]);
  const r = new DnsReader();
  r.reset(msg, 0, cut ?? msg.length, msg.length, DnsError.captureCut);
  const text = new TextBuffer(1024);
  const next = r.name(at, text);
  return { text: text.take(), next, error: next < 0 ? dnsErrorReasons[r.error] : undefined };
}

test('a plain name: labels joined by dots, the offset after its root label', () => {
  const n = name(['www', 'example', 'com']);
  assert.deepEqual(read(n), { text: 'www.example.com', next: 12 + n.length, error: undefined });
});

test('the root name is "."', () => {
  assert.deepEqual(read([0]), { text: '.', next: 13, error: undefined });
});

test('compression: a pointer ends the name where it sits; chains of pointers are followed', () => {
  // 12: www.example.com; 29: "mail" + pointer to 16 (example.com); 36: pointer to 29.
  const first = name(['www', 'example', 'com']);
  const second = name(['mail'], 16);
  const body = [...first, ...second, ...ptr(29)];
  assert.equal(first.length, 17);
  assert.deepEqual(read(body, 29), { text: 'mail.example.com', next: 29 + second.length, error: undefined });
  assert.deepEqual(read(body, 36), { text: 'mail.example.com', next: 38, error: undefined });
});

test("labels are escaped as dig prints them, and ',' as \\044 so answer lists split on commas", () => {
  const label = [...Buffer.from('a.b\\c d,e', 'latin1'), 0xff];
  assert.equal(read(name([label, 'test'])).text, 'a\\.b\\\\c\\032d\\044e\\255.test');
});

test('pointer loops end with pointer_loop (or name_too_long when labels repeat) — never hang', () => {
  assert.equal(read(ptr(12)).error, 'pointer_loop', 'a pointer to itself');
  assert.equal(read([...ptr(14), ...ptr(12)]).error, 'pointer_loop', 'two pointers to each other');
  // A label then a pointer back to it: the name grows each turn until it passes 255 bytes.
  assert.equal(read([3, 97, 98, 99, ...ptr(12)]).error, 'name_too_long');
});

test('bad pointers and label types', () => {
  assert.equal(read(ptr(4)).error, 'bad_pointer', 'into the header');
  assert.equal(read(ptr(500)).error, 'bad_pointer', 'past the end of the message');
  assert.equal(read([0x40, 1, 0]).error, 'bad_label', 'extended label type');
  assert.equal(read([0x80, 1, 0]).error, 'bad_label', 'reserved label type');
});

test('a name may be 255 bytes on the wire (RFC 1035 3.1), not 256', () => {
  const l63 = 'x'.repeat(63);
  // 3 × (1 + 63) + (1 + 61) + 1 (root) = 255.
  const ok = read(name([l63, l63, l63, 'y'.repeat(61)]));
  assert.equal(ok.error, undefined);
  assert.equal(ok.text.length, 3 * 64 + 61);
  assert.equal(read(name([l63, l63, l63, 'y'.repeat(62)])).error, 'name_too_long');
});

test('a name running past the captured bytes is cut; past the message as sent, truncated', () => {
  const n = name(['www', 'example', 'com']);
  assert.equal(read(n, 12, 12 + 6).error, 'capture_cut');
  assert.equal(read(n.slice(0, 6)).error, 'truncated');
});
