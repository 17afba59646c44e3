import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { Conversations } from './agent-oracle.js';
import { cliPath } from './capture-dist.js';
import { type Peer, waitFor } from './peers.js';

export type LiveRecord = Record<string, string | number>;

/** `flowlens agent` running as a child process (live capture), its output kept. */
export interface AgentProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  stdout(): string;
  stderr(): string;
  /** The JSON records printed so far. */
  records(): LiveRecord[];
  /** The summary: the last line of standard error, once the agent has exited. */
  summary(): Record<string, unknown>;
  /** Resolves once standard error (or, with `where: 'stdout'`, the records) satisfies `test`. */
  waitFor(what: string, test: () => boolean, timeoutMs?: number): Promise<void>;
  /** The exit code, or the signal's name. */
  readonly exited: Promise<number | string>;
}

/**
 * Starts `flowlens agent ARGS` (the build this test runs from), inside `wrap` when given (e.g.
 * `ip netns exec NS`, which execs in place: the pid is the agent's). Killed when the test ends.
 */
export function startAgent(
  t: TestContext,
  args: string[],
  wrap: string[] = [],
  env: Record<string, string> = {},
): AgentProcess {
  const argv = [...wrap, process.execPath, cliPath, 'agent', ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, ...env },
  });
  let out = '';
  let err = '';
  const listeners = new Set<() => void>();
  const changed = () => {
    for (const l of listeners) l();
  };
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString('utf8');
    changed();
  });
  child.stderr!.on('data', (c: Buffer) => {
    err += c.toString('utf8');
    changed();
  });
  let running = true;
  const exited = new Promise<number | string>((resolve) =>
    child.once('close', (code, signal) => {
      running = false;
      changed();
      resolve(code ?? signal ?? -1);
    }),
  );
  t.after(() => {
    if (running) child.kill('SIGKILL');
  });
  const records = () =>
    out
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as LiveRecord);
  return {
    child,
    pid: child.pid ?? -1,
    stdout: () => out,
    stderr: () => err,
    records,
    summary() {
      const lines = err.trim().split('\n');
      return JSON.parse(lines[lines.length - 1]!) as Record<string, unknown>;
    },
    waitFor(what, test, timeoutMs = 20_000) {
      return new Promise<void>((resolve, reject) => {
        const check = () => {
          if (test()) finish();
          else if (!running) finish(new Error(`the agent exited before ${what}:\n${err}`));
        };
        const timer = setTimeout(
          () => finish(new Error(`no ${what} within ${timeoutMs} ms:\n${err}`)),
          timeoutMs,
        );
        const finish = (e?: Error) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (e) reject(e);
          else resolve();
        };
        listeners.add(check);
        check();
      });
    },
    exited,
  };
}

/** The Uid line of /proc/PID/status (real, effective, saved, filesystem) and the effective capabilities. */
export function processIdentity(pid: number): { uids: number[]; capEff: bigint } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const uids = /^Uid:\s+(.*)$/m.exec(status)![1]!.split(/\s+/).map(Number);
  const capEff = BigInt(`0x${/^CapEff:\s+([0-9a-f]+)$/m.exec(status)![1]}`);
  return { uids, capEff };
}

/** The pids of a process's children. */
export function childPids(pid: number): number[] {
  const text = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text === '' ? [] : text.split(/\s+/).map(Number);
}

/** The latest "N packets captured" / "dropped by kernel" a tcpdump peer printed (at exit or on SIGUSR1). */
export function tcpdumpCounts(output: string): { captured: number; droppedByKernel: number } | undefined {
  const captured = [...output.matchAll(/(\d+) packets? captured/g)].pop();
  const dropped = [...output.matchAll(/(\d+) packets? dropped by kernel/g)].pop();
  if (captured === undefined || dropped === undefined) return undefined;
  return { captured: Number(captured[1]), droppedByKernel: Number(dropped[1]) };
}

/**
 * Returns once the wall clock is at least `marginMs` away from the next minute boundary (waiting
 * for the next minute to begin when it is closer): the agent ends every record at a minute
 * boundary of its clock, so a test that needs a flow to stay open for a few seconds starts here.
 */
export async function clearOfMinuteBoundary(marginMs: number): Promise<void> {
  const left = 60_000 - (Date.now() % 60_000);
  if (left < marginMs) await new Promise((resolve) => setTimeout(resolve, left + 10));
}

/**
 * Waits until a running tcpdump says (asked with SIGUSR1, tcpdump's "print the counts" signal)
 * that it has written at least `packets` packets: its file then holds everything the agent saw.
 */
export async function waitForTcpdumpCaptured(peer: Peer, packets: number, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const answers = () => (peer.output().match(/packets? captured/g) ?? []).length;
  for (;;) {
    const before = answers();
    process.kill(peer.pid, 'SIGUSR1');
    await waitFor(() => answers() > before, 'tcpdump to print its counts', 5000);
    const counts = tcpdumpCounts(peer.output());
    if (counts !== undefined && counts.captured >= packets) return;
    if (Date.now() > deadline)
      throw new Error(`tcpdump captured ${counts?.captured} packets, not ${packets}:\n${peer.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The agent's records summed per TCP/UDP conversation, as agent-oracle's tables hold tshark's. */
export function recordConversations(records: readonly LiveRecord[]): Conversations {
  const convs: Conversations = new Map();
  const add = (key: string, from: string, packets: number, bytes: number) => {
    let c = convs.get(key);
    if (c === undefined) {
      c = { packets: new Map(), bytes: new Map() };
      convs.set(key, c);
    }
    c.packets.set(from, (c.packets.get(from) ?? 0) + packets);
    c.bytes.set(from, (c.bytes.get(from) ?? 0) + bytes);
  };
  for (const r of records) {
    const protocol = String(r.protocol);
    if (protocol !== '6' && protocol !== '17') continue;
    const a = `${r.src_addr}|${r.l4_src_port ?? 0}`;
    const b = `${r.dst_addr}|${r.l4_dst_port ?? 0}`;
    const key = `${protocol} ${a < b ? `${a} ${b}` : `${b} ${a}`}`;
    add(key, a, Number(r.in_pkts ?? 0), Number(r.in_bytes ?? 0));
    add(key, b, Number(r.out_pkts ?? 0), Number(r.out_bytes ?? 0));
  }
  return convs;
}
