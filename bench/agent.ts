import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultAgentConfig } from '../src/agent/config.js';
import { generateCapture, mixDescription } from './agent-capture.js';
import { type MemoryRun, memoryPer100k } from './agent-memory.js';
import { type NfpcapdRun, runNfpcapd } from './agent-nfpcapd.js';
import { machineInfo } from './machine.js';

/**
 * `npm run bench:agent`: generates a large capture with a realistic host mix (seeded), runs the
 * agent pipeline over it in a child process (TCP metrics and every decoder on) and reports
 * packets per CPU second (cold: the first read in a fresh process, the headline; warm: a second
 * read in the same process), then measures memory with the table at its fullest, then runs nfpcapd
 * on the same file. Prints one JSON object on stdout; progress goes to stderr.
 */
const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '42' },
    seconds: { type: 'string', default: '90' },
    scale: { type: 'string', default: '1' },
    slice: { type: 'string', default: '96' },
    runs: { type: 'string', default: '3' },
    dir: { type: 'string' },
    file: { type: 'string' },
    keep: { type: 'boolean', default: false },
    'no-nfpcapd': { type: 'boolean', default: false },
  },
});
const here = dirname(fileURLToPath(import.meta.url));
const log = (s: string) => process.stderr.write(`bench:agent: ${s}\n`);
const maxFlows = defaultAgentConfig.maxFlows;

function agentRun(file: string, extra: string[], nodeFlags: string[] = []) {
  const out = execFileSync(process.execPath, [...nodeFlags, join(here, 'agent-run.js'), file, ...extra], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main() {
  const machine = machineInfo();
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'flowlens-bench-agent-'));
  mkdirSync(dir, { recursive: true });
  const file = values.file ?? join(dir, 'agent-bench.pcap');
  try {
    let capture: ReturnType<typeof generateCapture> | { file: string; file_bytes: number } = {
      file,
      file_bytes: 0,
    };
    if (values.file === undefined) {
      log(`generating ${file}`);
      const t0 = performance.now();
      capture = generateCapture({
        path: file,
        seed: Number(values.seed),
        seconds: Number(values.seconds),
        scale: Number(values.scale),
        slice: Number(values.slice),
      });
      log(
        `generated ${capture.packets} packets, ${capture.file_bytes} bytes in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
      );
    } else capture.file_bytes = statSync(file).size;

    const runs = [];
    for (let i = 0; i < Number(values.runs); i++) {
      log(`agent run ${i + 1}`);
      // Two passes in one process: the first is the cold (headline) figure, the second the warm one.
      runs.push(agentRun(file, ['--max-flows', String(maxFlows), '--passes', '2'], ['--expose-gc']));
    }
    const pps = runs.map((r) => r.packets_per_cpu_second as number);
    const warm = runs.map((r) => r.passes[1].packets_per_cpu_second as number);
    const best = runs[pps.indexOf(median(pps))];
    log('agent memory run');
    const mem = agentRun(
      file,
      ['--max-flows', String(maxFlows), '--memory-at', String(best.peak_active_at_packet)],
      ['--expose-gc'],
    );
    const memory = memoryPer100k(mem.memory as MemoryRun, maxFlows);

    let nfpcapd: NfpcapdRun | { error: string } | undefined;
    if (!values['no-nfpcapd']) {
      log('nfpcapd');
      try {
        nfpcapd = runNfpcapd(
          file,
          dir,
          defaultAgentConfig.activeTimeoutMs / 1000,
          defaultAgentConfig.idleTimeoutMs / 1000,
        );
      } catch (err) {
        nfpcapd = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    const ours = {
      packets: best.packets,
      packets_per_cpu_second_median: median(pps),
      packets_per_cpu_second_runs: pps,
      warm_packets_per_cpu_second_median: median(warm),
      warm_packets_per_cpu_second_runs: warm,
      packets_per_wall_second_median: median(runs.map((r) => r.packets_per_wall_second)),
      cpu_seconds_median: median(runs.map((r) => r.cpu_user_seconds + r.cpu_system_seconds)),
      wall_seconds_median: median(runs.map((r) => r.wall_seconds)),
      flows: best.flows,
      records: best.records,
      flow_packets: best.flow_packets,
      peak_active_flows: best.peak_active_flows,
      agent_stats: best.agent,
      capture_errors: best.capture_errors,
      apps: best.apps,
    };
    const result = {
      benchmark: 'agent',
      date: new Date().toISOString(),
      machine: { ...machine, load_average_1m_end: machineInfo().load_average_1m },
      goal: { packets_per_cpu_second: 2_000_000 },
      capture: {
        ...capture,
        mix: mixDescription,
        seed: Number(values.seed),
        slice_bytes: Number(values.slice),
      },
      flowlens: {
        command:
          'createAgentPipeline in a child process: --timestamps capture, TCP tracker and all decoders on, a sink that counts records',
        ...ours,
        memory,
      },
      nfpcapd,
      ratio_packets_per_cpu_second_flowlens_to_nfpcapd:
        nfpcapd !== undefined && 'packets_per_cpu_second' in nfpcapd
          ? Math.round((ours.packets_per_cpu_second_median / nfpcapd.packets_per_cpu_second) * 100) / 100
          : undefined,
      goal_met: ours.packets_per_cpu_second_median >= 2_000_000,
    };
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    if (!values.keep && values.dir === undefined) rmSync(dir, { recursive: true, force: true });
    else if (!values.keep) {
      rmSync(join(dir, 'nfpcapd'), { recursive: true, force: true });
      if (values.file === undefined) rmSync(file, { force: true });
    }
  }
}

main().catch((err: unknown) => {
  process.stderr.write(
    `bench:agent failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exitCode = 1;
});
