/**
 * fping beside our agent in `npm run bench:synth`: the same targets, 1 echo request per second
 * each (`-p 1000`), its sends spread over the second (`-i`), inside the same namespace; its CPU and
 * peak RSS over the same measuring window as ours, and each target's mean RTT (from `-C`).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type ProcSample, sampleProc } from './synth-env.js';
import { targetAddress } from './synth-targets.js';

export interface PeerRun {
  readonly command: string;
  readonly before: ProcSample;
  readonly after: ProcSample;
  /** Mean and median RTT of each target in ms (NaN: no reply), in target order. */
  readonly meanRttMs: Float64Array;
  readonly medianRttMs: Float64Array;
  readonly sent: number;
  readonly received: number;
  /** From start to exit: more than the requests' span when fping cannot keep the pace. */
  readonly elapsedS: number;
}

export async function runFping(
  exec: string[],
  targets: number,
  warmupS: number,
  seconds: number,
): Promise<PeerRun> {
  const dir = mkdtempSync(join(tmpdir(), 'flowlens-bench-synth-'));
  try {
    const file = join(dir, 'targets');
    writeFileSync(file, `${Array.from({ length: targets }, (_, i) => targetAddress(i)).join('\n')}\n`);
    const count = warmupS + seconds + 1;
    // A little under 1000/targets ms between any two sends, so that one round fits in the period.
    const interval = Math.max(0.01, Math.floor((900 / targets) * 100) / 100);
    const args = ['-C', String(count), '-p', '1000', '-i', String(interval), '-t', '500', '-q', '-f', file];
    const child = spawn(exec[0]!, [...exec.slice(1), 'fping', ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
    });
    const started = performance.now();
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    await sleep(warmupS * 1000);
    const before = sampleProc(child.pid!);
    await sleep(seconds * 1000);
    const after = sampleProc(child.pid!);
    const code = await exited;
    const elapsedS = Math.round((performance.now() - started) / 100) / 10;
    // fping exits 1 when some target did not answer: still a result.
    if (code !== 0 && code !== 1) throw new Error(`fping exited ${code}: ${stderr.slice(0, 500)}`);
    const index = new Map<string, number>();
    for (let i = 0; i < targets; i++) index.set(targetAddress(i), i);
    const meanRttMs = new Float64Array(targets).fill(Number.NaN);
    const medianRttMs = new Float64Array(targets).fill(Number.NaN);
    let sent = 0;
    let received = 0;
    for (const line of stderr.split('\n')) {
      const m = /^(\S+)\s+:\s+(.*)$/.exec(line);
      const i = m === null ? undefined : index.get(m[1]!);
      if (i === undefined) continue;
      const got: number[] = [];
      for (const v of m![2]!.trim().split(/\s+/)) {
        sent++;
        if (v !== '-') got.push(Number(v));
      }
      received += got.length;
      if (got.length === 0) continue;
      got.sort((a, b) => a - b);
      const h = got.length >> 1;
      meanRttMs[i] = got.reduce((a, b) => a + b, 0) / got.length;
      medianRttMs[i] = got.length % 2 ? got[h]! : (got[h - 1]! + got[h]!) / 2;
    }
    return {
      command: `fping ${args.join(' ').replace(file, 'TARGETS')}`,
      before,
      after,
      meanRttMs,
      medianRttMs,
      sent,
      received,
      elapsedS,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
