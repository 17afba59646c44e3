import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimitedErrorLog } from './error-log.js';

test('first occurrence of each reason is logged, then at most one line per interval with a count', () => {
  const lines: string[] = [];
  let now = 1_000;
  const log = new RateLimitedErrorLog(
    (line) => lines.push(line),
    { intervalMs: 10_000 },
    () => now,
  );
  log.error('truncated', 'a');
  log.error('bad_length', 'b');
  for (let i = 0; i < 1000; i++) log.error('truncated', `x${i}`);
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^error truncated: a \(first occurrence/);
  assert.match(lines[1]!, /^error bad_length: b/);
  now += 10_000;
  log.error('truncated', 'later');
  assert.equal(lines.length, 3);
  assert.equal(lines[2], 'error truncated: later (+1000 more since the last line)');
  now += 1;
  log.error('truncated', 'again');
  log.error('truncated', 'again');
  assert.equal(lines.length, 3);
  log.flush();
  assert.equal(lines[3], 'error truncated: 2 more occurrences since the last line');
  log.flush();
  assert.equal(lines.length, 4, 'nothing left to report');
});
