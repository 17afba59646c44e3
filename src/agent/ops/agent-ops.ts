import { resolve } from 'node:path';
import type { CaptureStats } from '../../capture/errors.js';
import { version } from '../../cli/version.js';
import type { LogSink } from '../../log/sink.js';
import { createHealthMonitor, type HealthMonitor } from '../../metrics/health.js';
import { readBuildInfo } from '../../metrics/health-build.js';
import { failPointsHealth } from '../../metrics/health-failpoints.js';
import { createHealthSocket, type HealthSocket } from '../../metrics/health-socket.js';
import { type HostMetrics, instrumentHost } from '../../metrics/host/instrument-host.js';
import { createOpenTsdbExporter, type OpenTsdbExporter } from '../../metrics/opentsdb-exporter.js';
import { Registry } from '../../metrics/registry.js';
import type { AppDecoder } from '../contract.js';
import type { AgentExport } from '../export/agent-export.js';
import { instrumentSender } from '../export/sender-metrics.js';
import type { AgentPipeline } from '../pipeline.js';
import { captureHealth, exportHealth, flowTableHealth } from './agent-health.js';
import { type AgentHttp, createAgentHttp } from './agent-http.js';
import { instrumentAgent } from './agent-metrics.js';
import { type AgentOpsConfig, defaultHealthPort } from './agent-ops-flags.js';
import type { RecordTotals } from './record-totals.js';

export interface AgentOpsDeps {
  readonly pipeline: AgentPipeline;
  readonly apps: readonly AppDecoder<unknown>[];
  /** The sums of the exported records (the pipeline's sink counts into it). */
  readonly totals: RecordTotals;
  readonly exporter?: AgentExport | undefined;
  /** The capture reader's counters, when the source has them. */
  readonly capture?: (() => CaptureStats | undefined) | undefined;
  /** A live capture's kernel drop count. */
  readonly kernelDrops?: (() => number | undefined) | undefined;
  /** Why a live capture stopped working, or undefined. */
  readonly captureFailure?: (() => string | undefined) | undefined;
  /** Whether the agent runs until stopped (live, or a pipe): turns the health socket on by default. */
  readonly longRunning: boolean;
  /** The data directory whose disk the host metrics report (the spool); default the working directory. */
  readonly dataDir?: string | undefined;
  readonly log: LogSink;
}

/**
 * The operations side of `flowlens agent` (docs/agent.md "Operations"): its metrics registry
 * (the agent's families, the sender's, process and host), the health monitor over capture, flow
 * table and export, the health-check socket, the optional HTTP listener (/metrics, /healthz,
 * /debug) and the optional OpenTSDB push.
 */
export class AgentOps {
  readonly registry: Registry;
  readonly health: HealthMonitor;
  private readonly socket: HealthSocket;
  private readonly http: AgentHttp | undefined;
  private readonly opentsdb: OpenTsdbExporter;
  private readonly host: HostMetrics;
  private readonly healthPort: number;

  constructor(
    private readonly deps: AgentOpsDeps,
    private readonly config: AgentOpsConfig,
  ) {
    const startedAt = Date.now();
    const { pipeline, apps, totals, exporter } = deps;
    this.registry = new Registry();
    const r = this.registry;
    r.gauge(
      'flowlens_agent_build_info',
      { version: version().replace(/^flowlens /, ''), node: process.version },
      { help: 'Always 1; the tags say which build runs' },
    ).set(1);
    r.gaugeFn('flowlens_agent_uptime_seconds', () => (Date.now() - startedAt) / 1000, undefined, {
      help: 'Seconds since the agent started',
    });
    const flows = {
      stats: pipeline.stats,
      activeFlows: () => pipeline.activeFlows(),
      maxFlows: pipeline.config.maxFlows,
      apps,
    };
    instrumentAgent(r, { ...flows, totals, capture: deps.capture, kernelDrops: deps.kernelDrops });
    if (exporter?.sender !== undefined) instrumentSender(r, exporter.sender);
    if (exporter?.ipfix !== undefined) instrumentIpfix(r, exporter);
    this.host = instrumentHost(r, { dataDir: resolve(deps.dataDir ?? '.') });
    this.health = createHealthMonitor({
      name: 'flowlens agent',
      build: readBuildInfo(),
      components: [
        captureHealth({
          stats: pipeline.stats,
          capture: deps.capture,
          kernelDrops: deps.kernelDrops,
          failure: deps.captureFailure,
        }),
        flowTableHealth(flows),
        ...(exporter === undefined ? [] : [exportHealth(exporter)]),
        failPointsHealth(),
      ],
    });
    this.healthPort = config.healthPort ?? (deps.longRunning ? defaultHealthPort : 0);
    this.socket = createHealthSocket(
      { report: () => this.health.report(), log: deps.log, metrics: r },
      { port: this.healthPort, listen: config.healthListen },
    );
    this.http =
      config.metricsListen === undefined
        ? undefined
        : createAgentHttp({ registry: r, health: this.health, log: deps.log }, config.metricsListen);
    this.opentsdb = createOpenTsdbExporter(
      { registry: r, log: deps.log },
      { telnet: config.opentsdbTelnet, url: config.opentsdbUrl, intervalMs: config.metricsIntervalMs },
    );
  }

  /**
   * Starts sampling and the listeners. Rejects when an asked-for listener cannot listen; the
   * default health port being taken (a flowlens server on the same host has it) is logged only.
   */
  async start(): Promise<void> {
    this.health.start();
    try {
      await this.socket.start();
    } catch (err) {
      if (this.config.healthPort !== undefined)
        throw new Error(`--health-port ${this.healthPort}: ${(err as Error).message}`);
      this.deps.log(
        `health socket: cannot listen on ${this.config.healthListen}:${this.healthPort} (${(err as Error).message}); ` +
          'running without it (give --health-port)',
      );
    }
    try {
      await this.http?.start();
    } catch (err) {
      throw new Error(`--metrics-listen: ${(err as Error).message}`);
    }
    this.opentsdb.start();
  }

  /** A last OpenTSDB push (bounded in time), then every listener closes. */
  async stop(): Promise<void> {
    await Promise.all([this.opentsdb.stop(), this.socket.stop(), this.http?.stop()]);
    this.health.stop();
    this.host.stop();
  }

  /** Start-up lines: where the health socket, the HTTP listener and the push are. */
  describe(): string[] {
    const lines: string[] = [];
    const socket = this.socket.describe();
    if (socket !== undefined)
      lines.push(`${socket} (nc ${socket.replace(/^health /, '').replace(/:(\d+)$/, ' $1')})`);
    const http = this.http?.describe();
    if (http !== undefined) lines.push(`metrics: GET /metrics, /healthz on ${http}`);
    const tsdb = this.opentsdb.describe();
    if (tsdb !== 'disabled') lines.push(`metrics: OpenTSDB push ${tsdb}`);
    return lines;
  }
}

function instrumentIpfix(r: Registry, exporter: AgentExport): void {
  const ipfix = exporter.ipfix!;
  const counter = (name: string, help: string, read: (s: ReturnType<typeof ipfix.stats>) => number) =>
    r.counterFn(name, () => read(ipfix.stats()), undefined, { help });
  counter('flowlens_agent_ipfix_messages_total', 'IPFIX messages sent over UDP (--ipfix)', (s) => s.messages);
  counter('flowlens_agent_ipfix_records_total', 'Flow records sent as IPFIX', (s) => s.records);
  counter('flowlens_agent_ipfix_sent_bytes_total', 'Bytes of the IPFIX messages', (s) => s.bytes);
  counter(
    'flowlens_agent_ipfix_send_errors_total',
    'IPFIX datagrams the socket could not send (a collector not listening: ICMP port unreachable)',
    (s) => s.sendErrors,
  );
}
