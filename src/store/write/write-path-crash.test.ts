import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StandInSegments, tempDataDir } from './test-support.js';
import { createWritePath } from './write-path.js';

const child = fileURLToPath(new URL('./crash-child.js', import.meta.url));

/** Runs the child until it dies; returns the rows it had acknowledged (their `bytes` values). */
async function runChild(
  dataDir: string,
  failpoints: string,
  first: number,
): Promise<{ acked: number[]; signal: string | null; next: number }> {
  const proc = spawn(process.execPath, [child, dataDir, String(first)], {
    env: { ...process.env, FLOWLENS_FAILPOINTS: failpoints },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const signal = await new Promise<string | null>((resolve) =>
    proc.on('close', (_code, sig) => resolve(sig)),
  );
  const acked: number[] = [];
  let next = first;
  for (const line of out.split('\n')) {
    const m = /^ack (\d+) (\d+)$/.exec(line);
    if (m === null) continue;
    for (let v = Number(m[1]); v < Number(m[1]) + Number(m[2]); v++) acked.push(v);
    next = Number(m[1]) + Number(m[2]);
  }
  return { acked, signal, next: next + 1000 };
}

// Each point is hit a few times before the kill, at different phases of the run.
const points = [
  'store.wal.append=20*off->kill',
  'store.wal.fsync=33*off->kill',
  'store.wal.rotate=5*off->kill',
  'store.wal.delete=3*off->kill',
  'store.seal.write=6*off->kill',
  'store.seal.rename=9*off->kill',
  'store.seal.after=4*off->kill',
  'test.crash.loop=57*off->kill',
];

test('SIGKILL at each write-path fail point, twice in a row: every acknowledged row exactly once', async () => {
  const dataDir = tempDataDir();
  const acked: number[] = [];
  let first = 1;
  for (const spec of points) {
    for (let round = 0; round < 2; round++) {
      const run = await runChild(dataDir, spec, first);
      assert.equal(run.signal, 'SIGKILL', `${spec}: killed`);
      assert.ok(run.acked.length > 0, `${spec}: made progress before the kill`);
      acked.push(...run.acked);
      first = run.next;
    }
  }
  const segments = new StandInSegments(dataDir);
  const store = createWritePath(
    { writeSegment: segments.writeSegment, coveredLsn: segments.coveredLsn, log: () => {} },
    { dataDir },
  );
  await store.start();
  await store.sealNow({ all: true });
  await store.stop();
  const stored = segments.storedBytes();
  assert.ok(stored.length >= acked.length);
  assert.ok(
    segments.files().some((f) => f.includes('.late-')),
    'late segments were written too',
  );
  const seen = new Map<number, number>();
  for (const v of stored) seen.set(v, (seen.get(v) ?? 0) + 1);
  const duplicates = [...seen].filter(([, n]) => n > 1);
  assert.deepEqual(duplicates, [], 'no row stored twice');
  const lost = acked.filter((v) => !seen.has(v));
  assert.deepEqual(lost, [], 'no acknowledged row lost');
});
