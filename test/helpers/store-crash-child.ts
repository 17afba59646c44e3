import { testStore } from './store-setup.js';

/**
 * Child process of test/store-crash-compaction.test.ts: opens the store in argv[2] and runs
 * maintenance (`maintain`) or retention (`retention`) as of argv[4]; the fail points in
 * FLOWLENS_FAILPOINTS kill it part-way. Exits 0 if it was not killed.
 */
const [dataDir, task, now] = process.argv.slice(2);
const store = testStore(dataDir!, { compaction: { hourlyAfterMs: 2 * 3_600_000, maxRowsPerFile: 250 } });
await store.start();
if (task === 'retention') await store.applyRetention(Number(now));
else await store.maintain(Number(now));
await store.stop();
process.exit(0);
