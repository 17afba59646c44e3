import type { TestContext } from 'node:test';
import type { CollectorStats, DeviceSnapshot } from '../../src/ingest/collector-stats.js';
import { DeviceStats } from '../../src/ingest/device.js';
import { Registry } from '../../src/metrics/registry.js';
import type { QueryEngine } from '../../src/query/api.js';
import { Users } from '../../src/server/auth/users.js';
import { newIngestStats } from '../../src/server/http/ingest.js';
import { newQueryStats, type QueryStats } from '../../src/server/http/query.js';
import { apiRoutes, type Route } from '../../src/server/http/routes.js';
import { visibleCollectorStats } from '../../src/server/http/status.js';
import { createHttpServer } from '../../src/server/http.js';
import type { EmbeddedStore } from '../../src/store/store.js';
import { freeTcpPort } from './peers.js';
import { tempStoreDir, testStore } from './store-setup.js';

/** The users of the REST tests: two tenants, and a token for one of them. */
export const restUsers = {
  users: [
    { name: 'flowlens', password: 'flowlens', tenant: 'default' },
    { name: 'noc', password: 's3cret:with:colons', tenant: 'acme' },
    { name: 'ops', password: 'ops-password', tenant: 'default', admin: true },
  ],
  tokens: [{ token: 'tok-0123456789abcdef', user: 'noc' }],
};

/** What the collector reports to GET /api/v1/devices: a device of each tenant. */
export const restDevices: DeviceSnapshot[] = [
  {
    ...new DeviceStats(),
    address: '192.0.2.1',
    id: 1,
    name: 'edge1',
    tenant: 'default',
    configuredSampleRate: undefined,
    flows: 1200,
    decodeErrors: 3,
    lostFlows: 7,
    lastSeen: Date.UTC(2026, 0, 5, 10),
    sampleRate: 512,
  },
  {
    ...new DeviceStats(),
    address: '198.51.100.7',
    id: 2,
    name: 'core1',
    tenant: 'acme',
    configuredSampleRate: 1000,
    sampleRate: 1000,
  },
];

/** What the collector's stats hold in GET /api/v1/status: both devices and a refused exporter. */
const restCollector: CollectorStats = {
  uptimeMs: 60_000,
  decode: {},
  sink: {
    batches: 0,
    flows: 0,
    counterRecords: 0,
    pendingWrites: 0,
    droppedFlows: 0,
    droppedCounterRecords: 0,
    writeErrors: 0,
    lostFlows: 0,
  },
  decoderExceptions: 0,
  udp: [],
  tcp: [],
  devices: restDevices,
  refusedExporters: { '203.0.113.9': 4 },
};

export const basic = (user: string, password: string) =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export interface RestServer {
  readonly url: string;
  readonly routes: readonly Route[];
  readonly store: EmbeddedStore;
  readonly queryStats: QueryStats;
  readonly log: string[];
}

/**
 * The HTTP API in this process, over a real store in a temporary directory and the given engine
 * (or one made over that store).
 */
export async function startRestServer(
  t: TestContext,
  engineOrFactory: QueryEngine | ((store: EmbeddedStore) => QueryEngine),
): Promise<RestServer> {
  const store = testStore(tempStoreDir(t));
  await store.start();
  t.after(() => store.stop());
  const engine = typeof engineOrFactory === 'function' ? engineOrFactory(store) : engineOrFactory;
  const queryStats = newQueryStats();
  const log: string[] = [];
  const routes = apiRoutes({
    store,
    users: new Users(restUsers.users, restUsers.tokens),
    metrics: new Registry(),
    version: '0.0.0-test',
    ingest: {
      phase: () => 'ready',
      append: (tenant, flows) => store.append(tenant, flows),
      maxBodyBytes: 1 << 20,
      stats: newIngestStats(),
    },
    query: { engine, maxBodyBytes: 1 << 20, stats: queryStats, log: (line) => log.push(line) },
    status: (viewer) => ({
      phase: 'ready',
      query: queryStats,
      collector: visibleCollectorStats(restCollector, viewer),
    }),
    devices: () => ({ uptimeMs: 60_000, devices: restDevices }),
  });
  const port = await freeTcpPort();
  const http = createHttpServer({ routes, log: (line) => log.push(line) }, { port, listen: '127.0.0.1' });
  await http.start();
  t.after(() => http.stop(100));
  return { url: `http://127.0.0.1:${port}`, routes, store, queryStats, log };
}
