import { hostname } from 'node:os';
import { type LogTarget, loggerOf } from '../log/sink.js';
import { systemTimerClock, type TimerClock } from './clock.js';
import type { Tags } from './names.js';
import { parseHostPort, putUrl } from './opentsdb-address.js';
import { HttpSender } from './opentsdb-http.js';
import { telnetLine, tsdbPoints } from './opentsdb-points.js';
import { type SenderStats, TelnetSender } from './opentsdb-telnet.js';
import type { Registry } from './registry.js';

export interface OpenTsdbConfig {
  /** `host:port` of a telnet-style listener (`put` lines over TCP); undefined: not used. */
  readonly telnet: string | undefined;
  /** Base URL of the HTTP API (POST /api/put); undefined: not used. */
  readonly url: string | undefined;
  readonly intervalMs: number;
  /** Per receiver, points held while it is down; past it the oldest are dropped (counted). */
  readonly maxBufferedPoints: number;
  /** Tags on every point; OpenTSDB needs at least one. */
  readonly tags: Tags;
  readonly minBackoffMs: number;
  readonly maxBackoffMs: number;
  /** How long stop() may spend delivering the last points. */
  readonly stopTimeoutMs: number;
}

export const defaultOpenTsdbConfig: OpenTsdbConfig = {
  telnet: undefined,
  url: undefined,
  intervalMs: 10_000,
  maxBufferedPoints: 100_000,
  tags: { host: hostname() },
  minBackoffMs: 500,
  maxBackoffMs: 30_000,
  stopTimeoutMs: 2_000,
};

export type SenderState = SenderStats & { buffered: number };

export interface OpenTsdbDeps {
  readonly registry: Registry;
  readonly log: LogTarget;
  /** Wall clock for the points' timestamps and the interval. */
  readonly clock?: TimerClock;
}

/**
 * Pushes the registry to OpenTSDB (or a receiver of its protocols: VictoriaMetrics, Bosun …)
 * every intervalMs, over telnet `put` lines, HTTP `POST /api/put`, or both. `create` does no
 * I/O; `start` connects and schedules; `stop` sends a last export (bounded in time). The
 * exporter's own counters are registered in the registry it exports.
 */
export class OpenTsdbExporter {
  private readonly clock: TimerClock;
  private readonly telnet: TelnetSender | undefined;
  private readonly http: HttpSender | undefined;
  private cancelTimer: (() => void) | undefined;
  private exports = 0;
  private started = false;

  constructor(
    private readonly deps: OpenTsdbDeps,
    readonly config: OpenTsdbConfig,
  ) {
    this.clock = deps.clock ?? systemTimerClock;
    const senderDeps = { clock: this.clock, log: loggerOf(deps.log) };
    const options = {
      maxBuffered: config.maxBufferedPoints,
      minBackoffMs: config.minBackoffMs,
      maxBackoffMs: config.maxBackoffMs,
    };
    if (config.telnet !== undefined) {
      const { host, port } = parseHostPort(config.telnet);
      this.telnet = new TelnetSender(host, port, senderDeps, options);
    }
    if (config.url !== undefined) this.http = new HttpSender(putUrl(config.url), senderDeps, options);
    if (this.telnet !== undefined) registerSenderMetrics(deps.registry, 'telnet', this.telnet);
    if (this.http !== undefined) registerSenderMetrics(deps.registry, 'http', this.http);
  }

  /** Where the points go, for the startup log. */
  describe(): string {
    const where = [
      this.telnet === undefined ? undefined : `telnet ${this.telnet.host}:${this.telnet.port}`,
      this.http === undefined ? undefined : `http ${this.http.url}`,
    ].filter((w) => w !== undefined);
    return where.length === 0 ? 'disabled' : `${where.join(' and ')} every ${this.config.intervalMs} ms`;
  }

  start(): void {
    if (this.telnet === undefined && this.http === undefined) return;
    this.started = true;
    this.telnet?.start();
    this.schedule();
  }

  /** Collects every metric now and queues the points for each receiver. */
  exportNow(): void {
    const points = tsdbPoints(this.deps.registry, Math.floor(this.clock.now() / 1000), this.config.tags);
    this.exports++;
    this.telnet?.send(points.map(telnetLine));
    this.http?.send(points);
  }

  async stop(): Promise<void> {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (!this.started) return;
    this.started = false;
    this.exportNow();
    await Promise.all([
      this.telnet?.stop(this.config.stopTimeoutMs),
      this.http?.stop(this.config.stopTimeoutMs),
    ]);
  }

  stats(): { exports: number; telnet: SenderState | undefined; http: SenderState | undefined } {
    const state = (sender: TelnetSender | HttpSender | undefined) =>
      sender === undefined ? undefined : { ...sender.stats, buffered: sender.buffered };
    return { exports: this.exports, telnet: state(this.telnet), http: state(this.http) };
  }

  private schedule(): void {
    this.cancelTimer = this.clock.setTimer(this.config.intervalMs, () => {
      this.exportNow();
      this.schedule();
    });
  }
}

/** The exporter's own counters, exported with everything else (tag sink = telnet or http). */
function registerSenderMetrics(registry: Registry, sink: string, sender: TelnetSender | HttpSender): void {
  const tags = { sink };
  const help = (what: string) => ({ help: `OpenTSDB export: ${what}` });
  const counters = [
    ['sent', () => sender.stats.sent, 'points sent'],
    ['dropped', () => sender.stats.dropped, 'points dropped from a full buffer'],
    ['rejected', () => sender.stats.rejected, 'points refused by the receiver (HTTP 4xx)'],
  ] as const;
  for (const [name, read, what] of counters)
    registry.counterFn(`flowlens_metrics_opentsdb_${name}_points`, read, tags, help(what));
  registry.gaugeFn(
    'flowlens_metrics_opentsdb_buffered_points',
    () => sender.buffered,
    tags,
    help('points waiting'),
  );
  registry.gaugeFn(
    'flowlens_metrics_opentsdb_connected_bool',
    () => (sender.stats.connected ? 1 : 0),
    tags,
    help('1 while the receiver takes points'),
  );
}

export function createOpenTsdbExporter(
  deps: OpenTsdbDeps,
  config: Partial<OpenTsdbConfig>,
): OpenTsdbExporter {
  return new OpenTsdbExporter(deps, { ...defaultOpenTsdbConfig, ...config });
}
