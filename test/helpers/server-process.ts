import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { flowColumns } from '../../src/flow/schema.js';
import type { JobColumns } from '../../src/store/backend.js';
import { createStore } from '../../src/store/store.js';
import { freeTcpPort } from './peers.js';

/** `flowlens server` as a child process, with its HTTP API on a free loopback port. */

export const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly port: number;
  readonly url: string;
  stderr(): string;
  stdout(): string;
  /** Resolves with the exit code or the killing signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves once GET /api/v1/status says `ready`; rejects if the server exits first. */
  ready(timeoutMs?: number): Promise<void>;
  /** SIGTERM, and the exit code. */
  stop(): Promise<number | null>;
}

export interface ServerOptions {
  readonly args?: readonly string[];
  readonly env?: Record<string, string>;
}

/**
 * The tenants tests write to, each with a user of its own (the HTTP API binds every request to
 * its user's tenant); 'default' is the built-in flowlens / flowlens.
 */
export const testTenants = ['default', 'acme', 'gz', 'now', 'bad', 'big'] as const;

function credentials(tenant: string): [string, string] {
  if (tenant === 'default' || !(testTenants as readonly string[]).includes(tenant))
    return ['flowlens', 'flowlens'];
  return [tenant, `${tenant}-password`];
}

/** `Authorization: Basic …` for the test user of a tenant (the default user for any other name). */
export function authHeader(tenant = 'default'): string {
  return `Basic ${Buffer.from(credentials(tenant).join(':')).toString('base64')}`;
}

/** A config file with the test users; a test's own --config comes later on the command line and wins. */
function usersConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-users-'));
  const users = testTenants.map((tenant) => {
    const [name, password] = credentials(tenant);
    return { name, password, tenant };
  });
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ users }));
  return dir;
}

export async function startServer(data: string, options: ServerOptions = {}): Promise<ServerProcess> {
  const port = await freeTcpPort();
  const configDir = usersConfig();
  const args = [
    cli,
    'server',
    '--data',
    data,
    '--http-port',
    String(port),
    '--config',
    join(configDir, 'config.json'),
  ];
  for (const flag of ['--netflow-port', '--sflow-port', '--ipfix-tcp-port', '--health-port', '--pg-port'])
    args.push(flag, '0');
  const child = spawn(process.execPath, [...args, ...(options.args ?? [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => {
      done = true;
      rmSync(configDir, { recursive: true, force: true });
      resolve({ code, signal });
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  return {
    child,
    port,
    url,
    exited,
    stderr: () => stderr,
    stdout: () => stdout,
    async ready(timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (done) throw new Error(`the server exited before it was ready:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`the server was not ready in ${timeoutMs} ms:\n${stderr}`);
        const status = await getStatus(url).catch(() => undefined);
        if (status?.phase === 'ready') return;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    async stop() {
      if (!done) child.kill('SIGTERM');
      return (await exited).code;
    },
  };
}

// biome-ignore lint/suspicious/noExplicitAny: the status document is checked field by field in tests
export async function getStatus(url: string): Promise<any> {
  const res = await fetch(`${url}/api/v1/status`, { signal: AbortSignal.timeout(10_000) });
  return res.json();
}

export interface IngestResponse {
  readonly status: number;
  // biome-ignore lint/suspicious/noExplicitAny: JSON answer
  readonly body: any;
}

/** POST /api/v1/flows with JSON lines (gzip-compressed with `gzip`). */
export async function postFlows(
  url: string,
  tenant: string,
  lines: readonly string[] | string,
  options: { gzip?: boolean; signal?: AbortSignal } = {},
): Promise<IngestResponse> {
  const text = typeof lines === 'string' ? lines : `${lines.join('\n')}\n`;
  const headers: Record<string, string> = {
    'content-type': 'application/x-ndjson',
    authorization: authHeader(tenant),
  };
  let body: Uint8Array = Buffer.from(text);
  if (options.gzip) {
    body = gzipSync(body);
    headers['content-encoding'] = 'gzip';
  }
  const res = await fetch(`${url}/api/v1/flows?tenant=${encodeURIComponent(tenant)}`, {
    method: 'POST',
    headers,
    body,
    ...(options.signal === undefined ? {} : { signal: options.signal }),
  });
  return { status: res.status, body: await res.json() };
}

/**
 * Opens the store under `data` in this process (the server must have stopped), and returns every
 * job's columns of `tenant` over [from, to). No timers run; the store is stopped before returning.
 */
export async function readStoreColumns(
  data: string,
  tenant: string,
  columns: readonly string[] = flowColumns.map((c) => c.name),
  from = 0,
  to = Date.now() + 86_400_000,
): Promise<JobColumns[]> {
  const store = createStore(
    { log: () => {} },
    {
      dataDir: data,
      maintenanceIntervalMs: 0,
      retention: { days: 36_500, tenants: {}, intervalMs: 0 },
      write: { sealCheckMs: 3_600_000, sealOnStop: false },
    },
  );
  await store.start();
  try {
    // A server running on the same directory may compact a segment between listing and reading
    // (stale_job): list again, as the query engine does.
    for (let attempt = 1; ; attempt++) {
      try {
        const out: JobColumns[] = [];
        for (const job of await store.jobs({ tenant, from, to })) out.push(await store.read(job, columns));
        return out;
      } catch (err) {
        if ((err as { code?: string }).code !== 'stale_job' || attempt === 5) throw err;
      }
    }
  } finally {
    await store.stop();
  }
}
