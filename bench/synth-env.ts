/**
 * What `npm run bench:synth` runs in: a network namespace of its own (a unique name, deleted at
 * the end even when the run fails) whose loopback holds `targetBase/targetPrefix`, so that every
 * target address is local and the kernel answers its echo requests; no ICMP rate limits. And a
 * reader of a process's CPU time and peak RSS from /proc.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { targetBase, targetPrefix } from './synth-targets.js';

const ip = (args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

export interface Namespace {
  readonly name: string;
  /** `ip netns exec NAME`: prefix a command with it to run it inside. */
  readonly exec: string[];
  remove(): void;
}

export function createNamespace(): Namespace {
  const name = `flbench-synth-${process.pid}-${Math.floor(Math.random() * 1e6)}`;
  ip(['netns', 'add', name]);
  const remove = () => {
    try {
      ip(['netns', 'del', name]);
    } catch {}
  };
  // Removed on any exit of this process (a thrown error, Ctrl-C) as well as by the caller.
  process.once('exit', remove);
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.once(sig, () => {
      remove();
      process.exit(130);
    });
  try {
    ip(['-n', name, 'link', 'set', 'lo', 'up']);
    // On loopback the whole prefix becomes a local route: every address in it answers.
    ip(['-n', name, 'addr', 'add', `${targetBase.replace(/0$/, '1')}/${targetPrefix}`, 'dev', 'lo']);
    execFileSync(
      'ip',
      [
        'netns',
        'exec',
        name,
        'sysctl',
        '-qw',
        'net.ipv4.icmp_ratelimit=0',
        'net.ipv4.icmp_msgs_per_sec=10000000',
        'net.ipv4.icmp_msgs_burst=10000000',
        'net.ipv4.icmp_echo_ignore_broadcasts=1',
      ],
      { stdio: 'ignore' },
    );
  } catch (err) {
    remove();
    throw err;
  }
  return { name, exec: ['ip', 'netns', 'exec', name], remove };
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export interface ProcSample {
  /** user + system CPU seconds of every thread so far. */
  readonly cpuS: number;
  /** Peak resident set (VmHWM), bytes. */
  readonly peakRssBytes: number;
  readonly atMs: number;
}

export function sampleProc(pid: number): ProcSample {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name: state is field 3, utime 14, stime 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuS = (Number(fields[11]) + Number(fields[12])) / ticksPerSecond;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuS, peakRssBytes: Number(hwm?.[1] ?? 0) * 1024, atMs: performance.now() };
}

/** CPU % of one core between two samples, and the peak RSS at the second. */
export function usage(
  a: ProcSample,
  b: ProcSample,
): { cpu_pct_of_one_core: number; peak_rss_mb: number; window_s: number } {
  const windowS = (b.atMs - a.atMs) / 1000;
  return {
    cpu_pct_of_one_core: Math.round(((b.cpuS - a.cpuS) / windowS) * 1000) / 10,
    peak_rss_mb: Math.round(b.peakRssBytes / 1e5) / 10,
    window_s: Math.round(windowS * 10) / 10,
  };
}
