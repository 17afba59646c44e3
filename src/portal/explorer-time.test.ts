import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseUtc } from './explorer-time.js';

test('parseUtc reads UTC unless a zone is written', () => {
  assert.equal(parseUtc('2026-01-05 10:00'), Date.UTC(2026, 0, 5, 10, 0));
  assert.equal(parseUtc('2026-01-05T10:00:30'), Date.UTC(2026, 0, 5, 10, 0, 30));
  assert.equal(parseUtc('2026-01-05'), Date.UTC(2026, 0, 5));
  assert.equal(parseUtc('2026-01-05 12:00+02:00'), Date.UTC(2026, 0, 5, 10, 0));
  assert.equal(parseUtc('yesterday'), undefined);
  assert.equal(parseUtc('2026-13-05 10:00'), undefined);
});
