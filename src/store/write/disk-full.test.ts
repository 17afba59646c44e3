import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { makeBatch, StandInSegments, type TestRow, tempDataDir } from './test-support.js';
import { createWritePath } from './write-path.js';

const M = Date.UTC(2026, 0, 2, 3, 4);

/** A 2 MiB tmpfs, when this process may mount one (root in a test VM); undefined otherwise. */
function smallDisk(): string {
  const dir = join(tempDataDir(), 'disk');
  mkdirSync(dir);
  // The tests run as root (CI and the dev machines are); a mount failure is a real failure.
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir], { stdio: 'inherit' });
  return dir;
}

test('a really full disk: appends fail with store_disk_full, nothing is corrupted, ingest resumes', async () => {
  const disk = smallDisk();
  try {
    const dataDir = join(disk, 'data');
    const ballast = join(disk, 'ballast');
    writeFileSync(ballast, Buffer.alloc(1_950_000));
    const segments = new StandInSegments(dataDir);
    const logs: string[] = [];
    const open = async () => {
      const store = createWritePath(
        {
          writeSegment: segments.writeSegment,
          coveredLsn: segments.coveredLsn,
          now: () => M,
          log: (l) => logs.push(l),
        },
        { dataDir, walMaxFileBytes: 64 * 1024 },
      );
      await store.start();
      return store;
    };
    const store = await open();
    const acked: number[] = [];
    let next = 1;
    let failures = 0;
    for (let i = 0; i < 200 && failures < 3; i++) {
      const rows: TestRow[] = Array.from({ length: 300 }, (_, r) => ({
        minute: M,
        device: 1 + (r % 3),
        bytes: next + r,
      }));
      next += rows.length;
      try {
        await store.append('acme', makeBatch(rows));
        acked.push(...rows.map((r) => r.bytes));
      } catch (err) {
        assert.equal((err as { code?: string }).code, 'store_disk_full', String(err));
        failures++;
      }
    }
    assert.equal(failures, 3, 'the disk filled up');
    assert.ok(acked.length > 0);
    assert.equal(logs.filter((l) => l.includes('store_disk_full')).length, 1, 'logged once, rate-limited');
    assert.equal(store.stats().diskFull, 3);

    rmSync(ballast);
    const more: TestRow[] = Array.from({ length: 300 }, (_, r) => ({
      minute: M,
      device: 1,
      bytes: next + r,
    }));
    await store.append('acme', makeBatch(more));
    acked.push(...more.map((r) => r.bytes));

    const crashed = await open();
    const replay = crashed.stats().replay!;
    assert.equal(replay.tornRecords, 0, 'failed writes were truncated away');
    assert.equal(replay.rowsReplayed, acked.length, 'exactly the acknowledged rows are in the WAL');
    const sealed = await crashed.sealNow({ all: true });
    assert.deepEqual(sealed.errors, []);
    await crashed.stop();
    assert.deepEqual(
      segments.storedBytes(),
      acked.sort((a, b) => a - b),
    );
  } finally {
    execFileSync('umount', ['-l', disk], { stdio: 'ignore' });
  }
});
