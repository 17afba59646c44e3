/**
 * `npm run bench:synth` (issue 7, "Scale"): our synthetic agent pinging 10 000 targets once a
 * second each, beside fping on the same targets and on 1000 of them, in one run, in a network
 * namespace of its own whose loopback answers every target. JSON on stdout.
 *
 *   node dist/bench/synth.js [--seconds 120] [--targets 10000] [--fping-small 1000] [--warmup 5]
 *
 * Each side runs alone (one after the other) for warmup + seconds; CPU and peak RSS are read from
 * /proc over the `seconds` after the warm-up. Needs root (namespace, raw sockets).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { machineInfo } from './machine.js';
import { machineCpu, sampleMachineCpu } from './machine-cpu.js';
import { createNamespace, type ProcSample, sampleProc, usage } from './synth-env.js';
import { type PeerRun, runFping } from './synth-fping.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '120' },
    targets: { type: 'string', default: '10000' },
    'fping-small': { type: 'string', default: '1000' },
    warmup: { type: 'string', default: '5' },
  },
});
const seconds = Number(values.seconds);
const targets = Number(values.targets);
const small = Math.min(targets, Number(values['fping-small']));
const warmupS = Number(values.warmup);
const goals = { cpu_pct_of_one_core: 30, peak_rss_mb: 250, late_ticks: 0, rtt_median_abs_diff_ms: 0.2 };

interface AgentOutput {
  scheduler: Record<string, number>;
  engine: Record<string, number>;
  event_loop_delay_ms: Record<string, number>;
  mean_rtt_ms: (number | null)[];
  median_rtt_ms: (number | null)[];
  runs: number;
  late_seconds: Record<string, number>[];
}

async function runOurs(exec: string[]): Promise<{
  before: ProcSample;
  after: ProcSample;
  machine: ReturnType<typeof machineCpu>;
  out: AgentOutput;
}> {
  const script = fileURLToPath(new URL('./synth-agent.js', import.meta.url));
  const args = [script, '--targets', String(targets), '--seconds', String(warmupS + seconds + 1)];
  const child = spawn(exec[0]!, [...exec.slice(1), process.execPath, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const first = await lines.next();
  if (first.done || first.value !== 'ready') throw new Error(`agent did not start (exit ${await exited})`);
  await sleep(warmupS * 1000);
  const before = sampleProc(child.pid!);
  const machineBefore = sampleMachineCpu();
  await sleep(seconds * 1000);
  const after = sampleProc(child.pid!);
  const machineNow = machineCpu(machineBefore, sampleMachineCpu(), after.cpuS - before.cpuS);
  const last = await lines.next();
  const code = await exited;
  if (last.done || code !== 0) throw new Error(`agent exited ${code}`);
  return { before, after, machine: machineNow, out: JSON.parse(last.value) as AgentOutput };
}

const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function rttSummary(means: ArrayLike<number>, n: number) {
  const xs: number[] = [];
  for (let i = 0; i < n; i++) if (!Number.isNaN(means[i]!)) xs.push(means[i]!);
  return { targets_answering: xs.length, median_of_target_means_ms: round(median(xs)) };
}

/** Per target: |our mean − fping's mean|; the median and the 90th percentile over the targets. */
function compare(ours: ArrayLike<number>, theirs: ArrayLike<number>, n: number) {
  const d: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = ours[i]!;
    const b = theirs[i]!;
    if (!Number.isNaN(a) && !Number.isNaN(b)) d.push(Math.abs(a - b));
  }
  d.sort((a, b) => a - b);
  const p90 = d.length === 0 ? Number.NaN : d[Math.floor(0.9 * (d.length - 1))]!;
  return { targets_compared: d.length, median_abs_diff_ms: round(median(d)), p90_abs_diff_ms: round(p90) };
}

function peer(run: PeerRun, n: number) {
  return {
    command: run.command,
    targets: n,
    ...usage(run.before, run.after),
    sent: run.sent,
    received: run.received,
    elapsed_s: run.elapsedS,
    rtt: {
      ...rttSummary(run.meanRttMs, n),
      median_of_target_medians_ms: round(median(Array.from(run.medianRttMs).filter((x) => !Number.isNaN(x)))),
    },
  };
}

const machine = machineInfo();
const ns = createNamespace();
try {
  const ours = await runOurs(ns.exec);
  const o = ours.out;
  const ourMeans = Float64Array.from(o.mean_rtt_ms, (x) => x ?? Number.NaN);
  const ourMedians = Float64Array.from(o.median_rtt_ms, (x) => x ?? Number.NaN);
  const fpingAll = await runFping(ns.exec, targets, warmupS, seconds);
  const fpingSmall = await runFping(ns.exec, small, warmupS, seconds);
  const ourUsage = usage(ours.before, ours.after);
  const runs = o.runs;
  const rttVsFping = {
    of_target_means: compare(ourMeans, fpingAll.meanRttMs, targets),
    of_target_medians: compare(ourMedians, fpingAll.medianRttMs, targets),
  };
  const rttVsSmall = {
    of_target_means: compare(ourMeans, fpingSmall.meanRttMs, small),
    of_target_medians: compare(ourMedians, fpingSmall.medianRttMs, small),
  };
  const lateTicks = o.scheduler.lateTicks!;
  process.stdout.write(
    `${JSON.stringify(
      {
        machine,
        namespace: ns.name,
        seconds,
        warmup_s: warmupS,
        flowlens: {
          targets,
          spec: 'ping count 1, 56 bytes, every 1 s, timeout 1000 ms; default scheduler (ping concurrency 20 000, late after 1 s, ticks on 10 ms), ping fast path',
          ...ourUsage,
          runs,
          runs_per_s: round(runs / (warmupS + seconds + 1), 1),
          scheduler: o.scheduler,
          engine: o.engine,
          event_loop_delay_ms: o.event_loop_delay_ms,
          // The machine in the measured window (% of all cores): late ticks come from not getting
          // the CPU when a backlog needs it, so they are printed with what else ran.
          machine_cpu_in_window: ours.machine,
          late_seconds: o.late_seconds,
          rtt: {
            ...rttSummary(ourMeans, targets),
            median_of_target_medians_ms: round(
              median(Array.from(ourMedians).filter((x) => !Number.isNaN(x))),
            ),
          },
        },
        fping: peer(fpingAll, targets),
        fping_small: peer(fpingSmall, small),
        rtt_vs_fping: rttVsFping,
        rtt_vs_fping_small: rttVsSmall,
        goals: {
          ...goals,
          cpu_met: ourUsage.cpu_pct_of_one_core <= goals.cpu_pct_of_one_core,
          rss_met: ourUsage.peak_rss_mb <= goals.peak_rss_mb,
          late_ticks_met: lateTicks === 0 && o.scheduler.missedTicks === 0,
          rtt_met_by_means: rttVsFping.of_target_means.median_abs_diff_ms <= goals.rtt_median_abs_diff_ms,
          rtt_met_by_medians: rttVsFping.of_target_medians.median_abs_diff_ms <= goals.rtt_median_abs_diff_ms,
        },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  ns.remove();
}
