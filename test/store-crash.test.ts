import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { FlowLedger } from './helpers/crash-client.js';
import { repoRoot } from './helpers/paths.js';
import { tempDir } from './helpers/peers.js';
import { logged } from './helpers/server-log.js';
import { readStoreColumns, type ServerProcess, startServer } from './helpers/server-process.js';
import { prng } from './helpers/store-flows.js';

/**
 * "Never lose data": `flowlens server` is killed with SIGKILL at random moments and at every fail
 * point of the store's write path, while a client sends flows over HTTP; after each kill the server
 * is restarted on the same data directory (WAL replay), stopped, and the store is read back in this
 * process: every acknowledged flow is there exactly once, no flow is there twice.
 */

/** Fail points the issue names; each must still exist in the code. */
const required = [
  'store.wal.append',
  'store.wal.fsync',
  'store.wal.rotate',
  'store.wal.delete',
  'store.seal.write',
  'store.seal.rename',
  'store.seal.after',
  'store.compact.write',
  'store.retention.delete',
];

/** Every `'store.…'` name in a source file that uses the fail-point module. */
function failPointsInCode(): string[] {
  const names = new Set<string>();
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
        const text = readFileSync(path, 'utf8');
        if (!text.includes('metrics/failpoint.js')) continue;
        for (const m of text.matchAll(/'(store\.[a-z]+\.[a-z_]+)'/g)) names.add(m[1]!);
      }
    }
  };
  walk(join(repoRoot, 'src'));
  return [...names].sort();
}

const serverArgs = [
  '--grace-ms',
  '1000',
  '--maintenance-interval-ms',
  '300',
  '--compact-after-ms',
  '3600000',
  '--retention-days',
  '30',
];

/** Restarts on `data`, waits for readiness (the WAL replayed), stops cleanly, checks every flow. */
async function restartAndCheck(data: string, ledger: FlowLedger, what: string): Promise<void> {
  const server = await startServer(data, { args: serverArgs });
  await server.ready();
  assert.ok(logged(server.stderr(), /WAL replay done/), `${what}: the restart reports its replay`);
  assert.equal(await server.stop(), 0, `${what}: clean stop after the restart\n${server.stderr()}`);
  const jobs = await readStoreColumns(data, 'acme', ['in_bytes', 'i_device_id']);
  const seen = new Map<number, number>();
  for (const job of jobs) {
    const seqs = job.columns.in_bytes!;
    const devices = job.columns.i_device_id!;
    for (let row = 0; row < job.rows; row++) {
      const seq = seqs[row]!;
      assert.ok(seq >= 1 && seq < ledger.nextSeq, `${what}: a flow that was never sent (in_bytes ${seq})`);
      assert.equal(devices[row], 1 + (seq % 3), `${what}: flow ${seq} came back garbled`);
      seen.set(seq, (seen.get(seq) ?? 0) + 1);
    }
  }
  const doubled = [...seen].filter(([, n]) => n > 1).map(([seq]) => seq);
  assert.deepEqual(doubled.slice(0, 10), [], `${what}: ${doubled.length} flows stored twice`);
  const lost = [...ledger.acked].filter((seq) => !seen.has(seq) && !ledger.expired.has(seq));
  assert.deepEqual(lost.slice(0, 10), [], `${what}: ${lost.length} acknowledged flows lost`);
}

/** Sends until the server dies (or `timeoutMs`, then fails: the kill never came). */
async function sendUntilDeath(server: ServerProcess, ledger: FlowLedger, timeoutMs: number, what: string) {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const ended = Promise.race([server.exited, timeout]);
  await ledger.send(server.url, 3, ended);
  const result = await ended;
  clearTimeout(timer);
  if (result === 'timeout') {
    await server.stop();
    assert.fail(`${what}: the server was not killed within ${timeoutMs} ms\n${server.stderr()}`);
  }
  assert.equal(result.signal, 'SIGKILL', `${what}: killed by SIGKILL\n${server.stderr()}`);
}

test('crash test: SIGKILL at random moments and at every write-path fail point loses and doubles nothing', async (t) => {
  const inCode = failPointsInCode();
  for (const name of required) assert.ok(inCode.includes(name), `fail point ${name} is gone from the code`);
  const data = join(tempDir(t, 'flowlens-crash-'), 'data');
  const rnd = prng(20261121);
  const ledger = new FlowLedger(7);
  const started = Date.now();

  for (let kill = 1; kill <= 5; kill++) {
    const what = `random kill ${kill}`;
    const server = await startServer(data, { args: serverArgs });
    await server.ready();
    const after = 300 + Math.floor(rnd() * 1500);
    const timer = setTimeout(() => server.child.kill('SIGKILL'), after);
    await ledger.send(server.url, 3, server.exited);
    clearTimeout(timer);
    assert.equal((await server.exited).signal, 'SIGKILL', what);
    await restartAndCheck(data, ledger, `${what} after ${after} ms`);
    t.diagnostic(`${what}: ${Date.now() - started} ms, ${ledger.acked.size} flows acknowledged`);
  }

  {
    // A crash during recovery: traffic, a kill, then the restart is killed as soon as its store
    // starts (catalog scan, WAL replay), before it is ready.
    const what = 'kill during start-up';
    const first = await startServer(data, { args: serverArgs });
    await first.ready();
    const killAt = setTimeout(() => first.child.kill('SIGKILL'), 500);
    await ledger.send(first.url, 3, first.exited);
    clearTimeout(killAt);
    const second = await startServer(data, { args: serverArgs });
    const deadline = Date.now() + 10_000;
    while (!logged(second.stderr(), 'data directory') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 2));
    second.child.kill('SIGKILL');
    assert.equal((await second.exited).signal, 'SIGKILL', what);
    const phase = logged(second.stderr(), /^ready:/) ? 'after ready' : 'before ready';
    await restartAndCheck(data, ledger, what);
    t.diagnostic(`${what} (${phase}): ${Date.now() - started} ms, ${ledger.acked.size} flows acknowledged`);
  }

  for (const point of inCode) {
    // Let a few evaluations pass first, so the kill lands in the middle of the traffic.
    const frequent = point === 'store.wal.append' || point === 'store.wal.fsync';
    const skip = frequent ? 5 + Math.floor(rnd() * 40) : Math.floor(rnd() * 2);
    const actions = `${skip}*off->kill`;
    const what = `fail point ${point}=${actions}`;
    const server = await startServer(data, {
      args: serverArgs,
      env: { FLOWLENS_FAILPOINTS: `${point}=${actions}` },
    });
    // A point on the start-up path (WAL replay, catalog scan) kills before the server is ready.
    const up = await server.ready().then(
      () => true,
      () => false,
    );
    if (up) await sendUntilDeath(server, ledger, 10_000, what);
    else
      assert.equal((await server.exited).signal, 'SIGKILL', `${what}: killed at start\n${server.stderr()}`);
    await restartAndCheck(data, ledger, what);
    t.diagnostic(`${what}: ${Date.now() - started} ms, ${ledger.acked.size} flows acknowledged`);
  }

  t.diagnostic(
    `${ledger.requests} requests, ${ledger.acks} acknowledged (${ledger.acked.size} flows), ` +
      `${ledger.nextSeq - 1} flows sent, fail points: ${inCode.join(', ')}; ${Date.now() - started} ms`,
  );
  assert.ok(ledger.acked.size > 10_000, `enough traffic to mean something: ${ledger.acked.size} flows`);
});
