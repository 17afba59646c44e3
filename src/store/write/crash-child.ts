import { failPoint } from '../../metrics/failpoint.js';
import { makeBatch, StandInSegments, type TestRow } from './test-support.js';
import { createWritePath } from './write-path.js';

/**
 * The process the crash test kills (write-path-crash.test.ts): appends batches to a write path in
 * DATA (argv[2]), printing `ack <first> <count>` after each acknowledged append, moving its clock
 * so that minutes seal and late rows arrive, until a fail point (FLOWLENS_FAILPOINTS) kills it.
 */
const dataDir = process.argv[2]!;
const M = Date.UTC(2026, 0, 2, 3, 4);
const clock = { now: M };
const segments = new StandInSegments(dataDir);
const store = createWritePath(
  {
    writeSegment: segments.writeSegment,
    coveredLsn: segments.coveredLsn,
    now: () => clock.now,
    log: () => {},
  },
  { dataDir, walMaxFileBytes: 16_384, graceMs: 30_000, lateDelayMs: 0 },
);
await store.start();
let next = Number(process.argv[3] ?? 1);
for (let i = 0; i < 400; i++) {
  clock.now = M + i * 15_000;
  const minute = clock.now - (clock.now % 60_000) - (i % 7 === 0 ? 120_000 : 0);
  const rows: TestRow[] = Array.from({ length: 50 }, (_, r) => ({
    minute,
    device: 1 + (r % 4),
    bytes: next + r,
  }));
  await store.append('acme', makeBatch(rows));
  process.stdout.write(`ack ${next} ${rows.length}\n`);
  next += rows.length;
  if (i % 3 === 2) await store.sealNow();
  failPoint('test.crash.loop');
}
process.stdout.write('done\n');
