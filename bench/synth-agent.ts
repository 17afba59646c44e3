/**
 * The agent side of `npm run bench:synth`, run by bench/synth.ts inside the benchmark's network
 * namespace: the agent's real Scheduler (default config) running `--targets` ping tests (count 1,
 * every second) through the ping runner and the one shared IcmpEngine, exactly as `flowlens synth`
 * wires them. Prints `ready` once every task is scheduled, runs `--seconds`, then one JSON line:
 * the scheduler's counters, the event loop's delay, each target's RTT sum and count, and every
 * second in which ticks ran late, with what the machine was doing then (late ticks follow from not
 * getting the CPU: a backlog after a stall drains only as fast as the CPU we are given).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { systemTimerClock } from '../src/metrics/clock.js';
import { defaultSchedulerConfig, Scheduler } from '../src/synth/agent/scheduler.js';
import type { PingSpec, TestResult } from '../src/synth/contract.js';
import { IcmpEngine } from '../src/synth/icmp/engine.js';
import { runners } from '../src/synth/runners.js';
import { machineCpu, sampleMachineCpu } from './machine-cpu.js';
import { targetAddress } from './synth-targets.js';

const { values } = parseArgs({
  options: {
    targets: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '120' },
    // To measure what the tick grain buys (default: the scheduler's default).
    'tick-grain-ms': { type: 'string', default: String(defaultSchedulerConfig.tickGrainMs) },
  },
});
const config = { ...defaultSchedulerConfig, tickGrainMs: Number(values['tick-grain-ms']) };
const targets = Number(values.targets);
const seconds = Number(values.seconds);

const engine = IcmpEngine.open({ families: [4] });
if (!engine.available(4)) {
  process.stderr.write(`no raw socket: ${engine.unavailableReason(4)}\n`);
  process.exit(1);
}
const ping = await runners.ping!();
const context = { icmp: () => engine };
/** Each target's RTTs, run after run (NaN: no reply), for per-target means and medians. */
const slots = seconds + 2;
const rtts = new Float32Array(targets * slots).fill(Number.NaN);
const runs = new Uint32Array(targets);
const onResult = (r: TestResult) => {
  // The target's index from its id ('t' + index): no lookup per result.
  let i = 0;
  for (let k = 1; k < r.testId.length; k++) i = i * 10 + r.testId.charCodeAt(k) - 48;
  if (runs[i]! < slots && r.type === 'ping' && r.received > 0) rtts[i * slots + runs[i]!] = r.rttAvgMs;
  runs[i]!++;
};
const scheduler = new Scheduler(
  {
    clock: systemTimerClock,
    run: (spec, signal) => ping.run(spec, context, signal),
    start: (spec, time, done) => ping.start?.(spec, context, time, done),
    onResult,
  },
  config,
);
const specs: PingSpec[] = [];
for (let i = 0; i < targets; i++) {
  const id = `t${i}`;
  specs.push({
    id,
    type: 'ping',
    target: targetAddress(i),
    intervalS: 1,
    timeoutMs: 1000,
    count: 1,
    packetIntervalMs: 0,
    size: 56,
  });
}
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
scheduler.set(specs);
const lateSeconds = watchLateSeconds();
process.stdout.write('ready\n');
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
loop.disable();
await scheduler.stop();
engine.close();
// The histogram's values include its 10 ms sampling interval.
const ms = (ns: number) => Math.round((ns - 10e6) / 1e4) / 100;
const meanRttMs: (number | null)[] = [];
const medianRttMs: (number | null)[] = [];
for (let i = 0; i < targets; i++) {
  const got = Array.from(rtts.subarray(i * slots, (i + 1) * slots)).filter((x) => !Number.isNaN(x));
  got.sort((a, b) => a - b);
  const m = got.length >> 1;
  meanRttMs.push(got.length === 0 ? null : got.reduce((a, b) => a + b, 0) / got.length);
  medianRttMs.push(got.length === 0 ? null : got.length % 2 ? got[m]! : (got[m - 1]! + got[m]!) / 2);
}
process.stdout.write(
  `${JSON.stringify({
    scheduler: {
      ...scheduler.stats,
      concurrency: config.concurrency,
      pingConcurrency: config.pingConcurrency,
      lateMs: config.lateMs,
      tickGrainMs: config.tickGrainMs,
    },
    engine: engine.stats,
    event_loop_delay_ms: { p50: ms(loop.percentile(50)), p99: ms(loop.percentile(99)), max: ms(loop.max) },
    mean_rtt_ms: meanRttMs,
    median_rtt_ms: medianRttMs,
    runs: runs.reduce((a, b) => a + b, 0),
    late_seconds: lateSeconds,
  })}\n`,
);

/**
 * Once a second: if ticks ran late, overran or were missed in that second, a record of it with the
 * event loop's longest delay, the backlog, and the machine's steal and busy-by-others time.
 */
function watchLateSeconds() {
  const out: Record<string, number>[] = [];
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  const t0 = performance.now();
  let last = { ...scheduler.stats };
  let cpu = process.cpuUsage();
  let machine = sampleMachineCpu();
  setInterval(() => {
    const s = scheduler.stats;
    const late = s.lateTicks - last.lateTicks;
    const overrun = s.overrunTicks - last.overrunTicks;
    const missed = s.missedTicks - last.missedTicks;
    const nowCpu = process.cpuUsage();
    const nowMachine = sampleMachineCpu();
    if (late + overrun + missed > 0 && out.length < 100) {
      const ourCpuS = (nowCpu.user - cpu.user + nowCpu.system - cpu.system) / 1e6;
      out.push({
        t_s: Math.round(performance.now() - t0) / 1000,
        late,
        overrun,
        missed,
        queued: scheduler.queued,
        loop_max_delay_ms: Math.round((delay.max - 10e6) / 1e5) / 10,
        our_cpu_pct: Math.round(ourCpuS * 1000) / 10,
        ...machineCpu(machine, nowMachine, ourCpuS),
      });
    }
    last = { ...s };
    cpu = nowCpu;
    machine = nowMachine;
    delay.reset();
  }, 1000).unref();
  return out;
}
