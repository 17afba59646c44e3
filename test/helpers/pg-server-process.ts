import { writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { ServerConfig } from '../../src/server/config.js';
import { freeTcpPort, tempDir } from './peers.js';
import { type RunResult, runClient } from './pg-test-server.js';
import { authHeader, getStatus, type ServerProcess, startServer } from './server-process.js';

export interface PgServerProcess {
  readonly server: ServerProcess;
  /** The PostgreSQL wire port (the HTTP API is server.url). */
  readonly pgPort: number;
  readonly data: string;
}

/**
 * `flowlens server` as a child process with its PostgreSQL listener on a free loopback port, the
 * built-in user flowlens / flowlens unless `config` says otherwise, and only the flow listeners
 * `args` turn on. Ready when this resolves; killed when the test ends.
 */
export async function startPgServerProcess(
  t: TestContext,
  options: { config?: Partial<ServerConfig>; args?: readonly string[] } = {},
): Promise<PgServerProcess> {
  const dir = tempDir(t, 'flowlens-pg-server-');
  const data = `${dir}/data`;
  const args: string[] = [];
  if (options.config !== undefined) {
    writeFileSync(`${dir}/config.json`, JSON.stringify(options.config));
    args.push('--config', `${dir}/config.json`);
  }
  const pgPort = await freeTcpPort();
  const server = await startServer(data, {
    args: ['--pg-port', String(pgPort), '--fsync', 'never', ...args, ...(options.args ?? [])],
  });
  t.after(() => {
    server.child.kill('SIGKILL');
  });
  await server.ready();
  return { server, pgPort, data };
}

/** psql's `-At -F,` output as rows of fields. */
export function csvRows(stdout: string): string[][] {
  return stdout
    .trim()
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => line.split(','));
}

/**
 * The server's status document once `ready(status)` holds (polled: the counters have no event to
 * wait on); throws naming `what`, with the last status, at the deadline.
 */
export async function statusWhen(
  url: string,
  // biome-ignore lint/suspicious/noExplicitAny: the status document is checked field by field
  ready: (status: any) => boolean,
  what: string,
  timeoutMs = 10_000,
  // biome-ignore lint/suspicious/noExplicitAny: as above
): Promise<any> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await getStatus(url);
    if (ready(status)) return status;
    if (Date.now() > deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}: ${JSON.stringify(status)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** `psql -h 127.0.0.1 -p PORT -U user flowlens -At -F, -c SQL` with PGPASSWORD, as a user types it. */
export function psqlAt(
  port: number,
  sql: string,
  user = 'flowlens',
  password = 'flowlens',
): Promise<RunResult> {
  return runClient(
    'psql',
    ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', user, 'flowlens', '-At', '-F,', '-c', sql],
    password,
  );
}

/** psql -f FILE (statements too long for an argument), errors verbose: `ERROR:  CODE: message`. */
export async function psqlFile(t: TestContext, port: number, sql: string) {
  const file = `${tempDir(t)}/q.sql`;
  writeFileSync(file, sql);
  const args = ['-X', '-h', '127.0.0.1', '-p', String(port), '-U', 'flowlens', 'flowlens'];
  return runClient('psql', [...args, '-v', 'VERBOSITY=verbose', '-v', 'ON_ERROR_STOP=1', '-At', '-f', file]);
}

/** POST /api/v1/query as the built-in user: the status and, for an error, its SQLSTATE. */
export async function restQuery(
  url: string,
  sql: string,
): Promise<{ status: number; code: string | undefined }> {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: authHeader(), 'content-type': 'application/json' },
    body: JSON.stringify({ sql }),
  });
  const body = (await res.json()) as { error?: { code: string } };
  return { status: res.status, code: body.error?.code };
}
