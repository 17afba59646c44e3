import type { TestContext } from 'node:test';
import { Registry } from '../../src/metrics/registry.js';
import type { QueryEngine } from '../../src/query/api.js';
import { createQueryEngine } from '../../src/query/engine.js';
import { Users } from '../../src/server/auth/users.js';
import { newIngestStats } from '../../src/server/http/ingest.js';
import { newQueryStats } from '../../src/server/http/query.js';
import { apiRoutes, type Route } from '../../src/server/http/routes.js';
import { createHttpServer } from '../../src/server/http.js';
import type { StorageBackend } from '../../src/store/backend.js';
import { SynthService } from '../../src/synth/server/synth-service.js';
import { freeTcpPort } from './peers.js';

/** Users of the synth REST tests: an admin of tenant default, a user of acme, one of globex. */
export const synthUsers = [
  { name: 'flowlens', password: 'flowlens', tenant: 'default', admin: true },
  { name: 'noc', password: 'noc-password', tenant: 'acme' },
  { name: 'ops', password: 'ops-password', tenant: 'globex' },
];

/** The token that approves an agent at registration (config synthTokens). */
export const preSharedToken = 'synth-preshared-0123456789';

export const basicAuth = (user: string) => {
  const u = synthUsers.find((x) => x.name === user)!;
  return `Basic ${Buffer.from(`${u.name}:${u.password}`).toString('base64')}`;
};

export interface SynthServer {
  readonly url: string;
  readonly service: SynthService;
  readonly engine: QueryEngine;
  readonly routes: readonly Route[];
  stop(): Promise<void>;
}

const noFlows = {
  devices: async () => [],
  jobs: async () => [],
  read: async () => {
    throw new Error('no flows here');
  },
} as unknown as StorageBackend;

/** The HTTP API with synthetic monitoring over `dataDir`, in this process, and the SQL engine over its tables. */
export async function startSynthServer(t: TestContext, dataDir: string): Promise<SynthServer> {
  const users = new Users(synthUsers);
  const service = new SynthService(
    { dataDir, log: () => {} },
    { synthTokens: [preSharedToken], synthRetentionDays: 30 },
  );
  await service.start();
  const engine = createQueryEngine({ backend: noFlows, tables: service.engineTables() });
  const routes = apiRoutes({
    store: noFlows,
    users,
    metrics: new Registry(),
    version: '0.0.0-test',
    synth: service,
    ingest: {
      phase: () => 'ready',
      append: async () => {},
      maxBodyBytes: 1 << 20,
      stats: newIngestStats(),
    },
    query: { engine, maxBodyBytes: 1 << 20, stats: newQueryStats(), log: () => {} },
    status: () => ({ phase: 'ready' }),
  });
  const port = await freeTcpPort();
  const http = createHttpServer({ routes, log: () => {} }, { port, listen: '127.0.0.1' });
  await http.start();
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await http.stop(100);
    await service.stop();
  };
  t.after(stop);
  return { url: `http://127.0.0.1:${port}`, service, engine, routes, stop };
}

/** One JSON request; the status and the parsed body (undefined when empty). */
export async function call(
  url: string,
  method: string,
  path: string,
  options: { auth?: string; body?: unknown; raw?: Uint8Array; headers?: Record<string, string> } = {},
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers are checked field by field
): Promise<{ status: number; body: any; headers: Headers }> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.auth !== undefined) headers.authorization = options.auth;
  let body: string | Uint8Array | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] = 'application/json';
  }
  const res = await fetch(`${url}${path}`, { method, headers, body });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}
