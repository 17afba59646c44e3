import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../../../../test/fuzz/mutate.js';
import { redactQuery } from './redact.js';

/** The rule, by string operations: after the first `?`, `name=value` → `name=*`, a bare `value` → `*`. */
function reference(url: string): string {
  const q = url.indexOf('?');
  if (q < 0) return url;
  const params = url
    .slice(q + 1)
    .split('&')
    .map((p) => {
      const eq = p.indexOf('=');
      if (eq < 0) return p === '' ? '' : '*';
      return eq === p.length - 1 ? p : `${p.slice(0, eq)}=*`;
    });
  return `${url.slice(0, q + 1)}${params.join('&')}`;
}

function redact(url: string): string {
  const bytes = Buffer.from(`xx${url}yy`, 'utf8');
  return redactQuery(bytes, 2, bytes.length - 2, new Uint8Array(bytes.length));
}

test('query values redacted, names and paths kept', () => {
  assert.equal(redact('/a?x=1&y=2'), '/a?x=*&y=*');
  assert.equal(redact('/a'), '/a');
  assert.equal(redact('/a?'), '/a?');
  assert.equal(redact('/a?token'), '/a?*');
  assert.equal(redact('/a?x=&y=a=b'), '/a?x=&y=*');
  assert.equal(redact('/a?x=1&&y'), '/a?x=*&&*');
  assert.equal(redact('http://h:8/p/q?id=42#frag'), 'http://h:8/p/q?id=*');
  assert.equal(redact('/caf\u00e9?nom=\u00e9t\u00e9'), '/caf\u00e9?nom=*');
});

test('agrees with the string rule on random URLs', () => {
  const rng = new Random(20260606);
  const alphabet = 'ab=&?/#%é';
  for (let i = 0; i < 20_000; i++) {
    let url = '';
    const n = rng.int(24);
    for (let j = 0; j < n; j++) url += alphabet[rng.int(alphabet.length)];
    assert.equal(redact(url), reference(url), JSON.stringify(url));
  }
});
