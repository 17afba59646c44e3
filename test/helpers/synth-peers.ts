/**
 * Running `flowlens synth run …`, traceroute and fping inside a namespace of a netns topology,
 * and reading what traceroute and fping print.
 */
import { spawn } from 'node:child_process';
import type { TestContext } from 'node:test';
import type { TestResult } from '../../src/synth/contract.js';
import { cliPath } from './capture-dist.js';
import type { Topology } from './netns-topology.js';
import { requirePeer, startPeer } from './peers.js';

export interface SynthRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `flowlens synth ARGS` (the build this test runs from), in namespace `ns`; killed at the test's end. */
export function runSynth(t: TestContext, topology: Topology, ns: string, args: string[]): Promise<SynthRun> {
  const argv = [...topology.wrap(ns), process.execPath, cliPath, 'synth', ...args];
  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString();
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString();
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** `synth run … --format json`: the result object (NaN came through JSON as null). */
export async function runSynthJson<R extends TestResult>(
  t: TestContext,
  topology: Topology,
  ns: string,
  args: string[],
): Promise<R> {
  const run = await runSynth(t, topology, ns, ['run', ...args, '--format', 'json']);
  if (run.code !== 0 && run.code !== 1)
    throw new Error(`flowlens synth ${args.join(' ')}: exit ${run.code}\n${run.stderr}`);
  return JSON.parse(run.stdout) as R;
}

/** traceroute's hops: per TTL, the addresses that answered ('*' lines give an empty list). */
export function parseTraceroute(text: string): string[][] {
  const hops: string[][] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*(\d+)\s+(.*)$/.exec(line);
    if (m === null) continue;
    const addresses = m[2]!
      .split(/\s+/)
      .filter((w) => /^[0-9a-f.:]+$/i.test(w) && (w.includes('.') || w.includes(':')));
    // RTTs ("0.123") look like dotted words too: an address has three dots or a colon.
    hops[Number(m[1]) - 1] = [
      ...new Set(addresses.filter((w) => w.includes(':') || w.split('.').length === 4)),
    ];
  }
  return hops;
}

/** Runs traceroute ARGS in `ns` and returns its hops. */
export async function traceroute(topology: Topology, ns: string, args: string[]): Promise<string[][]> {
  return parseTraceroute(await topology.exec(ns, 'traceroute', args));
}

/**
 * `fping -C N -p MS -q TARGET` in `ns`: each probe's RTT in ms, NaN for a lost one (fping prints
 * '-'). fping exits 1 when a probe was lost, so the exit code is not an error here.
 */
export async function fpingRtts(
  t: TestContext,
  topology: Topology,
  ns: string,
  target: string,
  count: number,
  intervalMs: number,
  timeoutMs: number,
): Promise<number[]> {
  const peer = startPeer(t, 'ip', [
    ...topology.wrap(ns).slice(1),
    requirePeer('fping'),
    '-C',
    String(count),
    '-p',
    String(intervalMs),
    '-t',
    String(timeoutMs),
    '-q',
    target,
  ]);
  const code = await peer.exited;
  const line = peer
    .output()
    .split('\n')
    .find((l) => l.startsWith(`${target} `) && l.includes(' : '));
  if (line === undefined || (code !== 0 && code !== 1))
    throw new Error(`fping failed (${code}):\n${peer.output()}`);
  const values = line.split(' : ')[1]!.trim().split(/\s+/);
  return values.map((v) => (v === '-' ? Number.NaN : Number(v)));
}
