import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { appDecoders } from '../src/agent/app/decoders.js';
import { defaultAgentConfig } from '../src/agent/config.js';
import type { AppDecoder } from '../src/agent/contract.js';
import { createAgentPipeline, runAgent } from '../src/agent/pipeline.js';
import { createTcpTracker } from '../src/agent/tcp/tracker.js';
import { openCaptureFile } from '../src/capture/reader.js';

/**
 * `node dist/bench/agent-run.js FILE`: the agent pipeline over a capture in this process, as
 * `flowlens agent --read FILE --timestamps capture` runs it (TCP tracker and every application
 * decoder on), into a sink that only counts records. Prints one JSON object: CPU and wall time,
 * packets per CPU second, flows, records, the peak of flows in the table.
 *
 * `--memory-at N` (run with --expose-gc) instead measures memory: heap + external + array buffers
 * after a forced GC before the pipeline exists, and again after packet N (when the table holds the
 * most flows: the timing run reports which packet that is).
 *
 * `--passes N`: reads the capture N times in this process, each time with a new pipeline (forced
 * GCs in between when run with --expose-gc): the first pass is the cold figure (the code compiled
 * and optimized as it runs, as for one `flowlens agent --read`), the last the warm one (a
 * long-running agent's steady state). The printed figures are the first pass's; `passes` has
 * each pass's CPU and packets per CPU second.
 */
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'memory-at': { type: 'string' },
    'max-flows': { type: 'string' },
    passes: { type: 'string', default: '1' },
  },
});
const file = positionals[0];
if (file === undefined)
  throw new Error('usage: agent-run.js FILE [--memory-at N] [--max-flows N] [--passes N]');
const passes = Math.max(1, Number(values.passes));
const memoryAt = values['memory-at'] === undefined ? -1 : Number(values['memory-at']);
const maxFlows = Number(values['max-flows'] ?? defaultAgentConfig.maxFlows);
const gc = (globalThis as { gc?: () => void }).gc;

function used(): { heap: number; external: number; array_buffers: number; total: number; rss: number } {
  const m = process.memoryUsage();
  // external already includes arrayBuffers in Node; both are printed, the total counts it once.
  return {
    heap: m.heapUsed,
    external: m.external,
    array_buffers: m.arrayBuffers,
    total: m.heapUsed + m.external,
    rss: m.rss,
  };
}

function collect(): void {
  gc?.();
  gc?.();
}

async function main() {
  if (memoryAt >= 0 && gc === undefined) throw new Error('--memory-at needs node --expose-gc');
  const runs = [];
  for (let i = 0; i < passes; i++) runs.push(await pass());
  const out = {
    ...runs[0]!,
    passes: runs.map((r) => ({
      cpu_seconds: r.cpu_user_seconds + r.cpu_system_seconds,
      wall_seconds: r.wall_seconds,
      packets_per_cpu_second: r.packets_per_cpu_second,
    })),
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** One read of the capture through a new pipeline. */
async function pass() {
  dnsSeen = 0;
  collect();
  const before = used();
  let records = 0;
  const apps = appDecoders();
  const pipeline = createAgentPipeline(
    {
      sink: {
        write: (b) => {
          records += b.length;
        },
      },
      tcp: createTcpTracker(maxFlows),
      apps,
    },
    { timestamps: 'capture', maxFlows },
  );
  if (memoryAt >= 0) collect();
  const created = memoryAt >= 0 ? used() : undefined;
  let peak = 0;
  let peakAt = 0;
  let n = 0;
  let atMeasure: { active_flows: number; memory: ReturnType<typeof used> } | undefined;
  const handler = pipeline.onPacket;
  const onPacket: typeof handler = (buf, offset, length, ms, linkType, original) => {
    handler(buf, offset, length, ms, linkType, original);
    if ((++n & 4095) === 0) {
      const active = pipeline.activeFlows();
      if (active > peak) {
        peak = active;
        peakAt = n;
      }
    }
    if (n === memoryAt) {
      collect();
      atMeasure = { active_flows: pipeline.activeFlows(), memory: used() };
    }
  };
  const { reader, close } = await openCaptureFile(file!);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const summary = await runAgent({ read: () => reader.read(onPacket) }, pipeline);
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await close();
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const s = pipeline.stats;
  return {
    packets: s.packets,
    captured_bytes: s.capturedBytes,
    flow_packets: s.flowPackets,
    flows: s.flows,
    records: s.records,
    records_sunk: records,
    peak_active_flows: peak,
    peak_active_at_packet: peakAt,
    cpu_user_seconds: cpu.user / 1e6,
    cpu_system_seconds: cpu.system / 1e6,
    wall_seconds: wallMs / 1000,
    packets_per_cpu_second: Math.round(s.packets / cpuSeconds),
    packets_per_wall_second: Math.round(s.packets / (wallMs / 1000)),
    agent: pipeline.stats.snapshot(),
    capture_errors: summary.stats.errorCounts(),
    apps: Object.fromEntries(
      apps.map((a) => [a.protocol + (a.protocol === 'dns' ? appSuffix(a) : ''), appReport(a)]),
    ),
    memory:
      atMeasure === undefined
        ? undefined
        : { before_pipeline: before, pipeline_created: created, at_packet: memoryAt, ...atMeasure },
  };
}

/** The second DNS decoder is mDNS. */
let dnsSeen = 0;
function appSuffix(_a: AppDecoder<unknown>): string {
  return dnsSeen++ === 0 ? '' : '_mdns';
}

function appReport(a: AppDecoder<unknown>) {
  const counts = (a as { counts?: Record<string, number> }).counts;
  const errors = Object.fromEntries(Object.entries(a.errors).filter(([, v]) => v > 0));
  return { counts, errors };
}

main().catch((err: unknown) => {
  process.stderr.write(
    `agent-run failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
