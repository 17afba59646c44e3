import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { TcpSpec } from '../contract.js';
import { loadTaskCache, saveTaskCache } from './task-cache.js';

const spec: TcpSpec = { id: 't1', type: 'tcp', target: 'h', intervalS: 5, timeoutMs: 500, port: 80 };

test('the task cache: round trip, another server, no file, and a damaged file', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-task-cache-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  assert.equal(loadTaskCache(dir, 'http://a'), undefined, 'no file yet');
  const cached = { server: 'http://a', agentId: 'ag1', version: 7, tasks: [spec] };
  saveTaskCache(dir, cached);
  assert.deepEqual(loadTaskCache(dir, 'http://a'), cached);
  assert.equal(loadTaskCache(dir, 'http://b'), undefined, "another server's list is not used");
  for (const damaged of [
    '{"server":"http://a",',
    '[]',
    JSON.stringify({ ...cached, tasks: [{ ...spec, type: 'smtp' }] }),
    JSON.stringify({ ...cached, tasks: [{ ...spec, intervalS: 0 }] }),
    JSON.stringify({ ...cached, version: 'seven' }),
  ]) {
    writeFileSync(join(dir, 'tasks.json'), damaged);
    const r = loadTaskCache(dir, 'http://a');
    assert.equal(typeof r, 'string', damaged);
    assert.match(r as string, /tasks\.json/);
  }
});
