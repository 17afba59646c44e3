import { type ChildProcess, spawn } from 'node:child_process';
import dgram from 'node:dgram';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from './paths.js';

/** Real peers the tests run, and the Debian package each comes from. */
export const peerPackages: Record<string, string> = {
  softflowd: 'softflowd',
  nfcapd: 'nfdump',
  nfdump: 'nfdump',
  nfreplay: 'nfdump',
  pmacctd: 'pmacct',
  tcpdump: 'tcpdump',
  tshark: 'tshark',
  psql: 'postgresql-client',
  pgbench: 'postgresql-15',
  prometheus: 'prometheus',
  'victoria-metrics': 'victoria-metrics',
  'prometheus-blackbox-exporter': 'prometheus-blackbox-exporter',
  nc: 'netcat-openbsd',
  dnsmasq: 'dnsmasq',
  dig: 'bind9-dnsutils',
  nft: 'nftables',
  curl: 'curl',
  openssl: 'openssl',
  traceroute: 'traceroute',
  fping: 'fping',
  ethtool: 'ethtool',
  python3: 'python3',
  sysctl: 'procps',
  setcap: 'libcap2-bin',
  setpriv: 'util-linux',
  udhcpc: 'udhcpc',
  ip: 'iproute2',
  chromium: 'chromium',
};

const searchPath = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin', '/usr/bin'];

/** The path of a peer binary, or an error naming the Debian package that provides it. */
export function requirePeer(command: string): string {
  for (const dir of searchPath) {
    const path = join(dir, command);
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {}
  }
  const pkg = peerPackages[command] ?? '(unknown package)';
  throw new Error(
    `${command} is not installed: it comes from the Debian package '${pkg}'; run 'bash scripts/install-peers.sh' (as root)`,
  );
}

export interface Peer {
  readonly name: string;
  readonly pid: number;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or the signal's name) when the process ends. */
  readonly exited: Promise<number | string>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** What it wrote to stdout alone. */
  stdout(): string;
  /** Resolves once the output contains `text`; rejects at the deadline or if the peer exits first. */
  waitForOutput(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Sends a signal by PID and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<number | string>;
}

/** Starts a peer; it is killed (by PID) when the test ends if still running. */
export function startPeer(t: TestContext, command: string, args: string[], cwd?: string): Peer {
  const path = requirePeer(command);
  const child = spawn(path, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let stdout = '';
  const listeners = new Set<() => void>();
  const onData = (chunk: Buffer) => {
    out += chunk.toString('latin1');
    for (const l of listeners) l();
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('latin1');
    onData(chunk);
  });
  child.stderr!.on('data', onData);
  let running = true;
  const exited = new Promise<number | string>((resolve, reject) => {
    child.once('error', (err) => reject(new Error(`${command}: ${err.message}`)));
    child.once('close', (code, signal) => {
      running = false;
      for (const l of listeners) l();
      resolve(code ?? signal ?? -1);
    });
  });
  exited.catch(() => {});
  const pid = child.pid ?? -1;
  const peer: Peer = {
    name: command,
    pid,
    process: child,
    exited,
    output: () => out,
    stdout: () => stdout,
    waitForOutput(text, timeoutMs = 10_000) {
      const found = () => (typeof text === 'string' ? out.includes(text) : text.test(out));
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (found()) finish();
          else if (!running) finish(new Error(`${command} exited before printing ${String(text)}:\n${out}`));
        };
        const timer = setTimeout(
          () => finish(new Error(`${command}: no ${String(text)} within ${timeoutMs} ms:\n${out}`)),
          timeoutMs,
        );
        const finish = (err?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) reject(err);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (running) process.kill(pid, signal);
      return exited;
    },
  };
  t.after(() => {
    if (running) process.kill(pid, 'SIGKILL');
  });
  return peer;
}

/** Runs a command to completion and returns its output (stdout and stderr); throws with it on failure. */
export async function runPeer(
  t: TestContext,
  command: string,
  args: string[],
  timeoutMs = 30_000,
  only: 'stdout' | 'all' = 'all',
): Promise<string> {
  const peer = startPeer(t, command, args);
  const timer = setTimeout(() => peer.stop('SIGKILL'), timeoutMs);
  const code = await peer.exited;
  clearTimeout(timer);
  if (code !== 0) throw new Error(`${command} ${args.join(' ')} failed (${code}):\n${peer.output()}`);
  return only === 'stdout' ? peer.stdout() : peer.output();
}

/** A fresh temporary directory, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'flowlens-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  // After hooks run in the order they were added, so a peer started after this directory may still
  // be writing into it (ENOTEMPTY): then the removal is tried again when the test process exits,
  // after every peer was stopped. A failed removal must not throw: the later hooks stop the peers.
  const remove = () => {
    try {
      rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
      return true;
    } catch {
      return false;
    }
  };
  t.after(() => {
    if (!remove()) process.once('exit', remove);
  });
  return dir;
}

/** A UDP port that was free a moment ago on 127.0.0.1. */
export async function freeUdpPort(): Promise<number> {
  const socket = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  const { port } = socket.address();
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export async function freeTcpPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `condition` every few milliseconds until it holds; throws naming `what` at the deadline. */
export async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Waits until a file whose name matches `pattern` appears in `dir`; returns its name. */
export async function waitForFile(dir: string, pattern: RegExp, timeoutMs = 10_000): Promise<string> {
  let found: string | undefined;
  await waitFor(
    () => {
      found = readdirSync(dir).find((name) => pattern.test(name));
      return found !== undefined;
    },
    `a file matching ${pattern} in ${dir}`,
    timeoutMs,
  );
  return found!;
}

/** Waits until something accepts TCP connections on 127.0.0.1:port. */
export async function waitForTcpPort(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw new Error(`nothing listens on tcp 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A host capture (packets as a host sees them) from test/testdata/hosts. */
export function hostCapture(name: string): string {
  return `${repoRoot}test/testdata/hosts/${name}`;
}

/**
 * Waits until the UDP sockets bound to `port` have read every queued datagram (rx_queue 0 in
 * /proc/net/udp): a peer such as nfcapd has then seen all we sent before we signal it to stop.
 */
export async function waitForUdpQueueEmpty(port: number, timeoutMs = 10_000): Promise<void> {
  const portHex = `:${port.toString(16).toUpperCase().padStart(4, '0')}`;
  const queued = (): number => {
    let bytes = 0;
    for (const line of readFileSync('/proc/net/udp', 'latin1').split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length > 4 && fields[1]!.endsWith(portHex))
        bytes += Number.parseInt(fields[4]!.split(':')[1]!, 16);
    }
    return bytes;
  };
  await waitFor(() => queued() === 0, `udp port ${port} to drain its receive queue`, timeoutMs);
}
