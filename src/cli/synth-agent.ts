/**
 * `flowlens synth --server URL --token TOKEN`: the long-running synthetic agent
 * (src/synth/agent/synth-agent.ts), its runners (src/synth/runners.ts), metrics and health socket.
 */
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { parseArgs } from 'node:util';
import { agentNamePattern } from '../ingest/agent-key.js';
import { isLogFormat, isLogLevel } from '../log/levels.js';
import { createLogger } from '../log/logger.js';
import { createHealthMonitor } from '../metrics/health.js';
import { readBuildInfo } from '../metrics/health-build.js';
import { createHealthSocket } from '../metrics/health-socket.js';
import { parseHostPort, putUrl } from '../metrics/opentsdb-address.js';
import { createOpenTsdbExporter } from '../metrics/opentsdb-exporter.js';
import { Registry } from '../metrics/registry.js';
import { instrumentSynthAgent, synthAgentHealth } from '../synth/agent/agent-ops.js';
import { failureResult } from '../synth/agent/failure-result.js';
import { defaultSynthAgentConfig, SynthAgent, type SynthAgentConfig } from '../synth/agent/synth-agent.js';
import type { TestResult, TestSpec, TestType } from '../synth/contract.js';
import type { IcmpEngine } from '../synth/icmp/engine.js';
import { type Runner, runners } from '../synth/runners.js';
import { version } from './version.js';

export const synthAgentUsage = `Usage: flowlens synth --server URL --token TOKEN [options]

The synthetic monitoring agent: registers with the flowlens server (an admin approves it unless
its token is one of the server's synthTokens), polls its tests and runs each on its interval,
sends the results every --export-interval-s, and its status every 30 s. See docs/synth.md.

  --server URL             the flowlens server's HTTP API (http:// or https://)
  --token TOKEN            the agent's token, 16 characters or more (or FLOWLENS_SYNTH_TOKEN)
  --name NAME              what the agent calls itself (default: the host name)
  --spool DIR              where results wait while the server is unreachable (default: memory only)
  --max-spool-mb N         bound of the spool, or of memory without one (default 256)
  --export-interval-s N    seconds between result exports (default 10)
  --poll-interval-s N      seconds between task polls (default 30)
  --status-interval-s N    seconds between status reports (default 30)
  --concurrency N          HTTP/DNS/TCP/traceroute runs at once (default 500)
  --ping-concurrency N     ping runs at once (default 20000; they share the ICMP sockets)
  --health-port N          health-check socket, 127.0.0.1 (default 10001; 0 disables)
  --opentsdb-telnet HOST:PORT, --opentsdb-url URL
                           push the agent's metrics to OpenTSDB every 10 s (docs/metrics.md)
  --ca FILE                PEM CA certificate(s) to trust for an https server
  --insecure               accept any server certificate (testing only)
  --log-level LEVEL        error, warn, info (default) or debug
  --log-format FORMAT      json or text
  -h, --help               this help
`;

const options = {
  server: { type: 'string' },
  token: { type: 'string' },
  name: { type: 'string' },
  spool: { type: 'string' },
  'max-spool-mb': { type: 'string' },
  'export-interval-s': { type: 'string' },
  'poll-interval-s': { type: 'string' },
  'status-interval-s': { type: 'string' },
  concurrency: { type: 'string' },
  'ping-concurrency': { type: 'string' },
  'health-port': { type: 'string' },
  'opentsdb-telnet': { type: 'string' },
  'opentsdb-url': { type: 'string' },
  ca: { type: 'string' },
  insecure: { type: 'boolean' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

interface AgentArgs {
  readonly config: SynthAgentConfig;
  readonly healthPort: number;
  readonly opentsdb: { readonly telnet: string | undefined; readonly url: string | undefined };
  readonly logLevel: string | undefined;
  readonly logFormat: string | undefined;
}

/** The options, or a usage error's message; undefined for --help. */
export function parseSynthAgentArgs(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): AgentArgs | string | undefined {
  let values: ReturnType<typeof parseArgs<{ options: typeof options }>>['values'];
  try {
    ({ values } = parseArgs({ args, options, allowPositionals: false }));
  } catch (err) {
    return (err as Error).message;
  }
  if (values.help) return undefined;
  const server = values.server;
  if (server === undefined) return '--server URL is required';
  if (!/^https?:\/\//.test(server)) return `--server ${server}: expected http:// or https://`;
  const token = values.token ?? env.FLOWLENS_SYNTH_TOKEN;
  if (token === undefined || token.length < 16) return '--token TOKEN (16 characters or more) is required';
  const name = values.name ?? hostname();
  if (!agentNamePattern.test(name)) return `--name ${name}: expected letters, digits, '.', '_' or '-'`;
  const int = (flag: keyof typeof options, fallback: number, min: number, max: number): number | string => {
    const text = values[flag];
    if (text === undefined) return fallback;
    const n = Number(text);
    return typeof text === 'string' && /^\d+$/.test(text) && n >= min && n <= max
      ? n
      : `--${flag} must be an integer from ${min} to ${max}, not '${String(text)}'`;
  };
  const numbers = {
    spool: int('max-spool-mb', 256, 1, 1 << 20),
    exportS: int('export-interval-s', 10, 1, 3600),
    pollS: int('poll-interval-s', 30, 1, 3600),
    statusS: int('status-interval-s', 30, 1, 3600),
    concurrency: int('concurrency', defaultSynthAgentConfig.scheduler.concurrency, 1, 100_000),
    pingConcurrency: int(
      'ping-concurrency',
      defaultSynthAgentConfig.scheduler.pingConcurrency ?? defaultSynthAgentConfig.scheduler.concurrency,
      1,
      60_000,
    ),
    health: int('health-port', 10001, 0, 65_535),
  };
  for (const v of Object.values(numbers)) if (typeof v === 'string') return v;
  const n = numbers as Record<keyof typeof numbers, number>;
  if (values['log-level'] !== undefined && !isLogLevel(values['log-level']))
    return `--log-level ${values['log-level']}: expected error, warn, info or debug`;
  if (values['log-format'] !== undefined && !isLogFormat(values['log-format']))
    return `--log-format ${values['log-format']}: expected json or text`;
  try {
    if (values['opentsdb-telnet'] !== undefined) parseHostPort(values['opentsdb-telnet']);
    if (values['opentsdb-url'] !== undefined) putUrl(values['opentsdb-url']);
  } catch (err) {
    return `--opentsdb-${values['opentsdb-url'] === undefined ? 'telnet' : 'url'}: ${(err as Error).message}`;
  }
  let ca: string | undefined;
  if (values.ca !== undefined) {
    try {
      ca = readFileSync(values.ca, 'utf8');
    } catch (err) {
      return `--ca ${values.ca}: ${(err as Error).message}`;
    }
  }
  return {
    config: {
      ...defaultSynthAgentConfig,
      server,
      token,
      name,
      spoolDir: values.spool,
      maxSpoolBytes: n.spool << 20,
      exportIntervalMs: n.exportS * 1000,
      pollIntervalMs: n.pollS * 1000,
      statusIntervalMs: n.statusS * 1000,
      scheduler: {
        ...defaultSynthAgentConfig.scheduler,
        concurrency: n.concurrency,
        pingConcurrency: n.pingConcurrency,
      },
      ca,
      rejectUnauthorized: values.insecure !== true,
    },
    healthPort: n.health,
    opentsdb: { telnet: values['opentsdb-telnet'], url: values['opentsdb-url'] },
    logLevel: values['log-level'],
    logFormat: values['log-format'],
  };
}

/** Each type's runner (loaded at start; a type whose module is missing records 'unsupported'). */
async function loadRunners(): Promise<Partial<Record<TestType, Runner>>> {
  const out: Partial<Record<TestType, Runner>> = {};
  for (const [type, load] of Object.entries(runners)) {
    try {
      out[type as TestType] = await load();
    } catch {
      // Left out: its tests fail with error 'unsupported'.
    }
  }
  return out;
}

export async function run(args: string[]): Promise<number> {
  const parsed = parseSynthAgentArgs(args);
  if (parsed === undefined) {
    process.stdout.write(synthAgentUsage);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`flowlens synth: ${parsed}\n\n${synthAgentUsage}`);
    return 2;
  }
  const logger = createLogger({
    service: 'synth',
    level: parsed.logLevel as Parameters<typeof createLogger>[0]['level'],
    format: parsed.logFormat as Parameters<typeof createLogger>[0]['format'],
  });
  const loaded = await loadRunners();
  let icmp: IcmpEngine | undefined;
  const context = {
    icmp: () => {
      if (icmp === undefined) throw new Error('no ICMP engine');
      return icmp;
    },
  };
  if (loaded.ping !== undefined || loaded.trace !== undefined) {
    const { IcmpEngine } = await import('../synth/icmp/engine.js');
    // Opened while privileged; a family that cannot be opened is recorded, its tests fail with no_socket.
    icmp = IcmpEngine.open();
  }
  let mark: ((type: TestType) => { mark(n?: number): void }) | undefined;
  const runTest = async (spec: TestSpec, signal: AbortSignal): Promise<TestResult> => {
    const runner = loaded[spec.type];
    const result =
      runner === undefined
        ? failureResult(spec, Date.now(), 'unsupported')
        : await runner.run(spec, context, signal);
    mark?.(spec.type).mark();
    return result;
  };
  // The fast path (no promise, AbortController or timer per run) of the types that have one: ping.
  const startTest = (spec: TestSpec, time: number, done: (result: TestResult) => void) =>
    loaded[spec.type]?.start?.(spec, context, time, (result) => {
      mark?.(spec.type).mark();
      done(result);
    });
  const agent = new SynthAgent(parsed.config, {
    run: runTest,
    start: startTest,
    log: logger,
    version: version(),
  });
  const registry = new Registry();
  registry
    .gauge(
      'flowlens_synth_agent_build_info',
      { version: version().replace(/^flowlens /, ''), node: process.version },
      {
        help: 'Always 1; the tags say which build runs',
      },
    )
    .set(1);
  mark = instrumentSynthAgent(registry, agent);
  const health = createHealthMonitor({
    name: 'flowlens synth',
    build: readBuildInfo(),
    components: [synthAgentHealth(agent)],
  });
  const socket = createHealthSocket(
    { report: () => health.report(), log: (line) => logger.error(line), metrics: registry },
    { port: parsed.healthPort, listen: '127.0.0.1' },
  );
  try {
    await socket.start();
  } catch (err) {
    process.stderr.write(`flowlens synth: health socket: ${(err as Error).message}\n`);
    icmp?.close();
    return 1;
  }
  health.start();
  const opentsdb = createOpenTsdbExporter({ registry, log: logger }, parsed.opentsdb);
  opentsdb.start();
  logger.info(
    `flowlens synth ${parsed.config.name}: server ${parsed.config.server}, ${Object.keys(loaded).join(', ')} runners; ${
      socket.describe() ?? 'health socket disabled'
    }`,
  );
  agent.start();
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info(`${signal}: stopping`);
  await agent.stop();
  health.stop();
  await opentsdb.stop();
  await socket.stop();
  icmp?.close();
  const s = agent.results?.stats();
  const ticks = agent.scheduler.stats;
  logger.info(
    `stopped: ${ticks.runs} runs, ${s?.sentRows ?? 0} results sent, ${s?.queuedRows ?? 0} left in the spool, ` +
      `${(s?.droppedRows ?? 0) + (s?.rejectedRows ?? 0) + agent.stats.droppedPending} dropped; ` +
      `${ticks.lateTicks} late, ${ticks.missedTicks} missed and ${ticks.overrunTicks} overrun ticks`,
    {
      runs: ticks.runs,
      sent: s?.sentRows ?? 0,
      left: s?.queuedRows ?? 0,
      dropped: (s?.droppedRows ?? 0) + (s?.rejectedRows ?? 0) + agent.stats.droppedPending,
      missed: ticks.missedTicks,
      overrun: ticks.overrunTicks,
    },
  );
  return 0;
}
