import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type TestContext, test } from 'node:test';
import { acquireStoreLock, lockPath, StoreLockedError } from './lock.js';
import { createStore } from './store.js';

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-lock-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function writeLock(dir: string, owner: Record<string, unknown>): void {
  writeFileSync(lockPath(dir), JSON.stringify({ hostname: hostname(), since: 'then', ...owner }));
}

/** A child process that has exited (and been reaped): its PID runs nothing now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('close', resolve));
  return child.pid!;
}

test('one holder at a time; release lets the next in', async (t) => {
  const dir = tempDir(t);
  const first = await acquireStoreLock(dir);
  assert.equal(first.replaced, undefined);
  await assert.rejects(acquireStoreLock(dir), (err: unknown) => {
    assert.ok(err instanceof StoreLockedError);
    assert.equal(err.owner.pid, process.pid);
    assert.match(err.message, new RegExp(`in use by process ${process.pid}`));
    return true;
  });
  await first.release();
  const second = await acquireStoreLock(dir);
  await second.release();
});

test('a lock whose process is gone, a reused PID, an earlier boot or garbage is stale: taken over', async (t) => {
  const dir = tempDir(t);
  const stale: [string, () => Promise<void> | void][] = [
    ['dead pid', async () => writeLock(dir, { pid: await deadPid() })],
    ['pid reused by another process', () => writeLock(dir, { pid: process.pid, startTicks: '1' })],
    ['before the last boot', () => writeLock(dir, { pid: process.pid, bootId: 'not-this-boot' })],
    ['torn file', () => writeFileSync(lockPath(dir), '{"pid": 12')],
  ];
  for (const [what, make] of stale) {
    await make();
    const lock = await acquireStoreLock(dir);
    const owner = JSON.parse(readFileSync(lockPath(dir), 'utf8'));
    assert.equal(owner.pid, process.pid, `${what}: the lock is ours now`);
    await lock.release();
  }
});

test('a live process holds the lock; once it is gone, it is stale', async (t) => {
  const dir = tempDir(t);
  const child = spawn('sleep', ['60']);
  t.after(() => child.kill('SIGKILL'));
  await new Promise((resolve) => child.once('spawn', resolve));
  writeLock(dir, { pid: child.pid });
  await assert.rejects(acquireStoreLock(dir), StoreLockedError);
  child.kill('SIGKILL');
  await new Promise((resolve) => child.once('close', resolve));
  const lock = await acquireStoreLock(dir);
  assert.equal(lock.replaced?.pid, child.pid);
  await lock.release();
});

test('release never removes a lock that another process took over meanwhile', async (t) => {
  const dir = tempDir(t);
  const lock = await acquireStoreLock(dir);
  writeLock(dir, { pid: 4242, note: 'someone else' });
  await lock.release();
  assert.equal(JSON.parse(readFileSync(lockPath(dir), 'utf8')).pid, 4242);
});

test('a store refuses to start while another store has the directory (code store_locked)', async (t) => {
  const dir = tempDir(t);
  const open = () =>
    createStore(
      { log: () => {} },
      {
        dataDir: dir,
        maintenanceIntervalMs: 0,
        retention: { days: 30, tenants: {}, intervalMs: 0 },
        write: { sealCheckMs: 3_600_000 },
      },
    );
  const first = open();
  await first.start();
  const second = open();
  await assert.rejects(second.start(), { code: 'store_locked' });
  await first.stop();
  await second.start();
  await second.stop();
  assert.throws(() => readFileSync(lockPath(dir)), { code: 'ENOENT' }, 'stop releases the lock');
});
