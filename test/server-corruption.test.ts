import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { tempDir } from './helpers/peers.js';
import { logRecords } from './helpers/server-log.js';
import { authHeader, getStatus, postFlows, startServer } from './helpers/server-process.js';

/**
 * A corrupted segment under a running server (the store-level cases are in store-corruption.test):
 * the read that meets it fails with corrupt_segment and the file's path, the server logs it and
 * moves the file to quarantine, the next read returns every other minute, and ingest goes on.
 */

const MINUTE = 60_000;

function flowLine(minute: number, seq: number): string {
  return JSON.stringify({
    i_start_time: new Date(minute).toISOString(),
    i_device_id: 1,
    src_addr: `10.0.${seq >> 8}.${seq & 255}`,
    in_bytes: seq,
  });
}

async function exported(url: string): Promise<{ status: number; text: string }> {
  const res = await fetch(`${url}/api/v1/flows?tenant=acme`, {
    headers: { authorization: authHeader('acme') },
  });
  return { status: res.status, text: await res.text() };
}

test('a flipped byte in a segment: reported with its path, quarantined, the rest stays queryable', async (t) => {
  const data = `${tempDir(t)}/data`;
  const base = Date.now() - (Date.now() % MINUTE) - 60 * MINUTE;
  const minutes = [base, base + MINUTE, base + 2 * MINUTE];
  let server = await startServer(data);
  t.after(() => server.child.kill('SIGKILL'));
  await server.ready();
  const lines = minutes.flatMap((minute, m) =>
    Array.from({ length: 300 }, (_, i) => flowLine(minute, m * 1000 + i)),
  );
  assert.equal((await postFlows(server.url, 'acme', lines)).status, 200);
  assert.equal(await server.stop(), 0, server.stderr());

  const day = new Date(base).toISOString().slice(0, 10).replaceAll('-', '/');
  const dir = join(data, 'store', 'acme', day);
  const segments = readdirSync(dir)
    .filter((f) => f.endsWith('.seg'))
    .sort();
  assert.equal(segments.length, 3, segments.join(', '));
  const bad = join(dir, segments[1]!);
  const bytes = readFileSync(bad);
  bytes[20] = bytes[20]! ^ 0x5a;
  writeFileSync(bad, bytes);

  server = await startServer(data);
  await server.ready();
  const first = await exported(server.url);
  assert.equal(first.status, 500);
  const error = JSON.parse(first.text).error;
  assert.equal(error.code, 'corrupt_segment');
  assert.equal(error.path, bad);
  assert.ok(
    logRecords(server.stderr()).some(
      (r) =>
        r.level === 'error' &&
        r.reason === 'corrupt_segment' &&
        r.msg.includes(bad) &&
        r.msg.includes('quarantine'),
    ),
    server.stderr(),
  );
  assert.equal((await getStatus(server.url)).store.quarantined, 1);
  assert.ok(!existsSync(bad), 'moved out of the data');
  assert.ok(readdirSync(join(data, 'store', 'acme', 'quarantine')).length === 1);

  const second = await exported(server.url);
  assert.equal(second.status, 200);
  const seqs = second.text
    .trimEnd()
    .split('\n')
    .map((line) => JSON.parse(line).in_bytes as number)
    .sort((a, b) => a - b);
  const expected = [
    ...Array.from({ length: 300 }, (_, i) => i),
    ...Array.from({ length: 300 }, (_, i) => 2000 + i),
  ];
  assert.deepEqual(seqs, expected, 'every other minute, whole');
  assert.equal((await postFlows(server.url, 'acme', [flowLine(base, 5000)])).status, 200, 'ingest goes on');
  assert.equal(await server.stop(), 0, server.stderr());
});
