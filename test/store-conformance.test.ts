import { createStore, type EmbeddedStore } from '../src/store/store.js';
import { runBackendConformance } from './helpers/backend-conformance.js';

runBackendConformance(
  'embedded store',
  async (dir) =>
    createStore(
      { log: () => {} },
      {
        dataDir: dir,
        maintenanceIntervalMs: 0,
        retention: { days: 30, tenants: {}, intervalMs: 0 },
        write: { sealCheckMs: 3_600_000 },
      },
    ),
  {
    seal: (backend) => (backend as EmbeddedStore).sealNow({ all: true }),
    maintain: (backend, now) => (backend as EmbeddedStore).maintain(now),
    // Sealed parts give src_addr and dst_addr as the entries of their shared dictionary they use.
    distinctStages: ['sealed', 'late parts', 'compacted', 'reopened'],
  },
);
