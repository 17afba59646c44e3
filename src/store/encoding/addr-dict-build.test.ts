import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildAddrDict } from './addr-dict-build.js';

const hex = (a: Uint8Array, row: number) => Buffer.from(a.subarray(row * 16, row * 16 + 16)).toString('hex');
const isMapped = (h: string) => h.startsWith('00000000000000000000ffff');

/**
 * Addresses that agree in word 3 (the last four bytes) but differ before it: an IPv4 address, the
 * IPv6 addresses ::a.b.c.d and ::ffff:0:a.b.c.d-like neighbours, and IPv6 addresses sharing
 * their first words; enough distinct ones (and repeats) to make the table grow several times.
 */
function trickyColumn(n: number, tails: number): Uint8Array {
  const out = new Uint8Array(n * 16);
  const view = new DataView(out.buffer);
  let seed = 11;
  const next = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed >>> 12; // the LCG's low bits repeat with short periods
  };
  for (let i = 0; i < n; i++) {
    const tail = next() % tails;
    const o = i * 16;
    switch (next() % 8) {
      case 0: // ::ffff:tail (IPv4-mapped)
        view.setUint16(o + 10, 0xffff);
        view.setUint32(o + 12, tail);
        break;
      case 1: // ::tail (same word 3, words 0–2 zero: not mapped)
        view.setUint32(o + 12, tail);
        break;
      case 2: // 0:0:0:1:ffff:0:tail-like: word 2 is the mapped word, word 1 is not zero
        view.setUint32(o + 4, 1);
        view.setUint16(o + 10, 0xffff);
        view.setUint32(o + 12, tail);
        break;
      case 3:
      case 4:
      case 5:
      case 6: // 2001:db8:0:x::tail: many entries that share words 0, 2 and 3
        view.setUint32(o, 0x20010db8);
        view.setUint32(o + 4, next() % 4096);
        view.setUint32(o + 12, tail);
        break;
      default: // repeat an earlier row
        if (i > 0) {
          const from = (next() % i) * 16;
          out.copyWithin(o, from, from + 16);
        }
    }
  }
  return out;
}

/** Few word-3 values: probes meet entries with the same word 3 but other leading words. */
for (const [n, tails] of [
  [3000, 4],
  [40_000, 50],
] as const) {
  test(`addresses equal in word 3 only stay distinct entries, in dictionary order (${n} rows)`, () => {
    check(n, tails);
  });
}

function check(n: number, tails: number): void {
  const col = trickyColumn(n, tails);
  const dict = buildAddrDict(col, n);
  // Oracle: a Set of the rows' hex strings, IPv4-mapped ones by value, the others by bytes.
  const distinct = [...new Set(Array.from({ length: n }, (_, i) => hex(col, i)))];
  const v4 = distinct.filter(isMapped).sort((a, b) => parseInt(a.slice(24), 16) - parseInt(b.slice(24), 16));
  const v6 = distinct.filter((h) => !isMapped(h)).sort();
  assert.equal(dict.size, distinct.length);
  assert.equal(dict.v4.length, v4.length);
  const entry = (k: number) =>
    k < dict.v4.length
      ? `00000000000000000000ffff${dict.v4[k]!.toString(16).padStart(8, '0')}`
      : Buffer.from(dict.v6.buffer, dict.v6.byteOffset + (k - dict.v4.length) * 16, 16).toString('hex');
  assert.deepEqual(
    Array.from({ length: dict.size }, (_, k) => entry(k)),
    [...v4, ...v6],
  );
  for (let i = 0; i < n; i++) assert.equal(entry(dict.index[i]!), hex(col, i), `row ${i}`);
}
