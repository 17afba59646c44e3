import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { TestContext } from 'node:test';
import { cliPath } from './capture-dist.js';
import { waitFor } from './peers.js';

/** `flowlens agent` as a child process: its standard input is a pipe the test writes captures to. */
export interface AgentProcess {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  readonly exited: Promise<number | null>;
  /** Resolves once standard error has a line matching `pattern` (the start-up lines). */
  line(pattern: RegExp): Promise<RegExpExecArray>;
  /** The last line of standard error as JSON: the run's summary. */
  summary(): Record<string, unknown>;
}

export function startAgent(
  t: TestContext,
  args: readonly string[],
  env: Record<string, string> = {},
): AgentProcess {
  const child = spawn(process.execPath, [cliPath, 'agent', ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString();
  });
  // Swallow EPIPE when the agent exits before reading all of its input.
  child.stdin!.on('error', () => {});
  let done = false;
  const exited = new Promise<number | null>((resolve) =>
    child.once('close', (code) => {
      done = true;
      resolve(code);
    }),
  );
  t.after(() => {
    if (!done) child.kill('SIGKILL');
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    async line(pattern) {
      let m: RegExpExecArray | null = null;
      await waitFor(() => {
        m = pattern.exec(err);
        if (m === null && done) throw new Error(`the agent exited without printing ${pattern}:\n${err}`);
        return m !== null;
      }, `${pattern} on the agent's standard error`);
      return m!;
    },
    summary: () => JSON.parse(err.trim().split('\n').pop()!) as Record<string, unknown>,
  };
}

/**
 * A minimal OpenTSDB telnet receiver: keeps the latest value of each `put` line's series, keyed
 * `metric{tag=value,…}` with the tags sorted (the `host` tag every point carries is left out).
 */
export class TelnetReceiver {
  readonly latest = new Map<string, number>();
  lines = 0;
  connections = 0;
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();

  constructor() {
    this.server = createServer((socket) => {
      this.sockets.add(socket);
      this.connections++;
      socket.once('close', () => this.sockets.delete(socket));
      let rest = '';
      socket.on('data', (chunk: Buffer) => {
        const lines = (rest + chunk.toString()).split('\n');
        rest = lines.pop()!;
        for (const line of lines) this.put(line);
      });
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return (this.server.address() as { port: number }).port;
  }

  /** Resolves once a sender connected and every connection has closed: all its lines are in. */
  drained(): Promise<void> {
    return waitFor(
      () => this.connections > 0 && this.sockets.size === 0,
      'the OpenTSDB sender to disconnect',
    );
  }

  get(metric: string, tags: Record<string, string> = {}): number | undefined {
    return this.latest.get(tsdbKey(metric, tags));
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private put(line: string): void {
    const [verb, metric, , value, ...tags] = line.trim().split(' ');
    if (verb !== 'put' || metric === undefined) return;
    this.lines++;
    const own = Object.fromEntries(
      tags.map((t) => t.split('=') as [string, string]).filter(([k]) => k !== 'host'),
    );
    this.latest.set(tsdbKey(metric, own), Number(value));
  }
}

function tsdbKey(metric: string, tags: Record<string, string>): string {
  const list = Object.keys(tags)
    .sort()
    .map((k) => `${k}=${tags[k]}`);
  return `${metric}{${list.join(',')}}`;
}
