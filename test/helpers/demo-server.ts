import type { TestContext } from 'node:test';
import { freeUdpPort, tempDir } from './peers.js';
import { authHeader, type ServerProcess, startServer } from './server-process.js';

/**
 * A real `flowlens server --demo` (or without --demo: a server with no flows) on free ports with
 * its own data directory, stopped when the test ends. With the demo, resolves once demo flows of
 * every router are queryable.
 */

export interface QueryAnswer {
  readonly fields: { name: string; type: string }[];
  readonly rows: (null | boolean | number | string)[][];
}

export interface DemoServer {
  readonly server: ServerProcess;
  readonly url: string;
  /** POST /api/v1/query as the default user; rejects with the API's error on a non-200. */
  query(sql: string): Promise<QueryAnswer>;
}

export async function startDemoServer(
  t: TestContext,
  options: { demo?: boolean; minFlows?: number; args?: readonly string[] } = {},
): Promise<DemoServer> {
  const demo = options.demo ?? true;
  const args = ['--listen', '127.0.0.1'];
  if (demo) args.push('--demo', '--netflow-port', String(await freeUdpPort()));
  // More flags (a test's own --config, metrics intervals) after these.
  const server = await startServer(`${tempDir(t)}/data`, { args: [...args, ...(options.args ?? [])] });
  t.after(() => server.stop());
  await server.ready();
  const query = async (sql: string): Promise<QueryAnswer> => {
    const res = await fetch(`${server.url}/api/v1/query`, {
      method: 'POST',
      headers: { authorization: authHeader(), 'content-type': 'application/json' },
      body: JSON.stringify({ sql }),
    });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${body}`);
    return JSON.parse(body) as QueryAnswer;
  };
  if (demo) {
    // Polled: the demo sends continuously, so there is no last datagram to wait for.
    const minFlows = options.minFlows ?? 2000;
    const sql = 'SELECT count(*), count(DISTINCT i_device_id) FROM all_devices';
    for (const deadline = Date.now() + 30_000; ; ) {
      const [flows, devices] = (await query(sql)).rows[0] as [number, number];
      if (flows >= minFlows && devices === 4) break;
      if (Date.now() > deadline)
        throw new Error(`demo flows not queryable after 30 s: ${flows} flows, ${devices} devices`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return { server, url: server.url, query };
}
