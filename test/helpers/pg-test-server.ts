import { execFile } from 'node:child_process';
import type { TestContext } from 'node:test';
import { promisify } from 'node:util';
import { Users } from '../../src/server/auth/users.js';
import type { PgServerConfig } from '../../src/server/pg/config.js';
import { createPgServer, type PgServer } from '../../src/server/pg/server.js';
import { requirePeer } from './peers.js';
import { createFakeEngine } from './pg-fake-engine.js';

export const testUsers = new Users([
  { name: 'flowlens', password: 'flowlens', tenant: 'default' },
  { name: 'alice', password: 'wonder land', tenant: 'acme' },
]);

/** A wire server over the fake engine on a free loopback port, stopped when the test ends. */
export async function startPgServer(
  t: TestContext,
  config: Partial<PgServerConfig> = {},
): Promise<{ server: PgServer; port: number }> {
  const engine = await createFakeEngine();
  const server = createPgServer({ engine, users: testUsers }, { port: 0, ...config });
  const port = await server.start();
  t.after(() => server.stop());
  return { server, port };
}

export interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a PostgreSQL client program (psql, pgbench) with PGPASSWORD set; never rejects on exit codes. */
export async function runClient(
  command: 'psql' | 'pgbench',
  args: string[],
  password = 'flowlens',
  env: Record<string, string> = {},
): Promise<RunResult> {
  const path = requirePeer(command);
  try {
    const { stdout, stderr } = await promisify(execFile)(path, args, {
      env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10', ...env },
      timeout: 60_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** psql -X (no ~/.psqlrc) against the test server: `-c` commands, unaligned tuples-only when `tuples`. */
export function psql(
  port: number,
  commands: string[],
  options: { tuples?: boolean; user?: string; password?: string; conninfo?: string } = {},
): Promise<RunResult> {
  const target =
    options.conninfo ?? `host=127.0.0.1 port=${port} user=${options.user ?? 'flowlens'} dbname=flowlens`;
  const args = [
    '-X',
    '-v',
    'ON_ERROR_STOP=1',
    ...(options.tuples ? ['-A', '-t'] : []),
    target,
    ...commands.flatMap((c) => ['-c', c]),
  ];
  return runClient('psql', args, options.password ?? 'flowlens');
}
