import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { listenPort } from './portal-ports.js';

const cli = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
export const basicAuth = `Basic ${Buffer.from('flowlens:flowlens').toString('base64')}`;

/** `flowlens server --demo` on free loopback ports with a temporary data directory. */
export interface Demo {
  readonly url: string;
  stop(): Promise<void>;
}

export async function startDemo(minFlows: number): Promise<Demo> {
  const data = mkdtempSync(join(tmpdir(), 'flowlens-bench-portal-'));
  const port = await listenPort();
  const args = [cli, 'server', '--data', data, '--listen', '127.0.0.1', '--http-port', String(port)];
  args.push('--netflow-port', String(await listenPort('udp')), '--demo');
  for (const flag of ['--sflow-port', '--ipfix-tcp-port', '--health-port', '--pg-port']) args.push(flag, '0');
  const child: ChildProcess = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  // Its JSON log stays out of the benchmark's output; the tail is kept for a failure message.
  let log = '';
  child.stderr!.on('data', (c: Buffer) => {
    log = (log + c.toString()).slice(-4000);
  });
  const exited = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
    rmSync(data, { recursive: true, force: true });
  };
  try {
    for (const deadline = Date.now() + 60_000; ; ) {
      if (Date.now() > deadline) throw new Error(`demo flows not queryable after 60 s:\n${log}`);
      const flows = await count(url).catch(() => 0);
      if (flows >= minFlows) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } catch (err) {
    await stop();
    throw err;
  }
  return { url, stop };
}

async function count(url: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/query`, {
    method: 'POST',
    headers: { authorization: basicAuth },
    body: JSON.stringify({ sql: 'SELECT count(*) FROM all_devices' }),
  });
  if (!res.ok) return 0;
  return Number(((await res.json()) as { rows: number[][] }).rows[0]![0]);
}
