import { defaultErrorLogConfig, type ErrorLogConfig, RateLimitedErrorLog } from '../log/rate-limited.js';
import { type LogTarget, loggerOf } from '../log/sink.js';
import type { Meter } from '../metrics/meter.js';
import { BatchPipeline, type BatchPipelineConfig, defaultBatchPipelineConfig } from './batch-pipeline.js';
import {
  CollectorState,
  type DevicePersistence,
  errorMessage,
  type TemplatePersistence,
} from './collector-state.js';
import { type CollectorStats, collectorStats } from './collector-stats.js';
import type { PacketContext } from './context.js';
import { minuteOf } from './context.js';
import { decodePacket } from './decode.js';
import { DeviceRegistry, type DeviceRegistryConfig, defaultDeviceRegistryConfig } from './devices.js';
import { ExporterState } from './exporter.js';
import type { FlowSink } from './sink.js';
import { SocketDropMonitor } from './socket-drops.js';
import { DecodeStats } from './stats.js';
import { TcpListener } from './tcp-listener.js';
import { UdpListener } from './udp-listener.js';

export interface CollectorConfig {
  /** Address the listeners bind to ('0.0.0.0', '::' for dual stack, or one interface's address). */
  listen: string;
  /** NetFlow v5/v9 and IPFIX over UDP; 0 disables. Any datagram is decoded whatever its port. */
  netflowPort: number;
  /** sFlow v5 over UDP; 0 disables. */
  sflowPort: number;
  /** IPFIX over TCP; 0 disables. */
  ipfixTcpPort: number;
  /** Requested socket receive buffer for the UDP listeners (capped by net.core.rmem_max). */
  recvBufferSize: number;
  /** A partly filled batch goes to the sink at least this often. */
  flushIntervalMs: number;
  /** How often changed templates and newly registered devices are saved (when stores are wired). */
  stateSaveIntervalMs: number;
  /** How often the kernel's drop counters of the UDP sockets are checked (and increases logged). */
  dropCheckIntervalMs: number;
  devices: DeviceRegistryConfig;
  pipeline: BatchPipelineConfig;
  errorLog: ErrorLogConfig;
}

export const defaultCollectorConfig: CollectorConfig = {
  listen: '0.0.0.0',
  netflowPort: 2055,
  sflowPort: 6343,
  ipfixTcpPort: 4739,
  recvBufferSize: 32 << 20,
  flushIntervalMs: 100,
  stateSaveIntervalMs: 1000,
  dropCheckIntervalMs: 5000,
  devices: defaultDeviceRegistryConfig,
  pipeline: defaultBatchPipelineConfig,
  errorLog: defaultErrorLogConfig,
};

export interface CollectorDeps {
  sink: FlowSink;
  /** Operational log lines (listening, buffer sizes, rate-limited errors). */
  log: LogTarget;
  templates?: TemplatePersistence | undefined;
  /** Remembers auto-registered devices' ids across restarts. */
  devices?: DevicePersistence | undefined;
}

type MutableContext = { -readonly [K in keyof PacketContext]: PacketContext[K] };

/**
 * The collector runtime: listeners → exporter lookup → decodePacket into a reused batch → sink.
 * Everything on the per-packet path is a map lookup, a clock read and the decoder itself.
 */
export class Collector {
  readonly decodeStats = new DecodeStats();
  readonly devices: DeviceRegistry;
  readonly udp: UdpListener[] = [];
  readonly tcp: TcpListener[] = [];
  /** Decoded rows on their way to the sink (public for the metrics: collector-metrics.ts). */
  readonly pipeline: BatchPipeline;
  private readonly errorLog: RateLimitedErrorLog;
  private readonly ctx: MutableContext;
  private currentAddress = '';
  private decoderExceptions = 0;
  private flowMeter: Meter | undefined;
  private timers: NodeJS.Timeout[] = [];
  private readonly state: CollectorState;
  private startedAt = 0;
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly deps: CollectorDeps,
    readonly config: CollectorConfig,
  ) {
    this.devices = new DeviceRegistry(config.devices, this.decodeStats);
    const log = loggerOf(deps.log);
    this.errorLog = new RateLimitedErrorLog(log, config.errorLog);
    this.decodeStats.onError = (reason, detail) =>
      this.errorLog.error(reason, detail, { exporter: this.currentAddress });
    this.pipeline = new BatchPipeline(deps.sink, config.pipeline, (err) =>
      this.errorLog.error('sink_error', errorMessage(err)),
    );
    this.state = new CollectorState({ ...deps, log }, this.devices, this.errorLog);
    const placeholder = new ExporterState('', { id: 0, name: '', tenant: '' });
    this.ctx = { exporter: placeholder, receivedAt: 0, minute: 0, stats: this.decodeStats };
    const handle = (buf: Uint8Array, address: string) => this.handlePacket(buf, address, Date.now());
    const { listen, netflowPort, sflowPort, ipfixTcpPort, recvBufferSize } = config;
    if (netflowPort !== 0)
      this.udp.push(
        new UdpListener({ name: 'netflow', address: listen, port: netflowPort, recvBufferSize }, handle, log),
      );
    if (sflowPort !== 0)
      this.udp.push(
        new UdpListener({ name: 'sflow', address: listen, port: sflowPort, recvBufferSize }, handle, log),
      );
    if (ipfixTcpPort !== 0)
      this.tcp.push(
        new TcpListener(
          { name: 'ipfix', address: listen, port: ipfixTcpPort },
          handle,
          (reason, address) => {
            this.currentAddress = address;
            this.decodeStats.error(reason, 'ipfix over tcp: bad message header, connection closed');
          },
          log,
        ),
      );
  }

  /**
   * Decodes one export datagram from `address` received at `now` (ms). Returns false when the
   * exporter is refused. Public for the benchmark and tests that bypass sockets.
   */
  handlePacket(buf: Uint8Array, address: string, now: number): boolean {
    this.currentAddress = address;
    const exporter = this.devices.exporter(address);
    if (exporter === undefined) return false;
    const ctx = this.ctx;
    ctx.exporter = exporter;
    ctx.receivedAt = now;
    if (now - ctx.minute >= 60_000 || now < ctx.minute) ctx.minute = minuteOf(now);
    const target = this.pipeline.target;
    const flowsBefore = target.flows.length;
    const countersBefore = target.counters.length;
    let flows = 0;
    try {
      flows = decodePacket(buf, ctx, target);
    } catch (err) {
      // Decoders must not throw; if one does, keep the good rows before this packet and go on.
      this.decoderExceptions++;
      target.flows.truncate(flowsBefore);
      target.counters.truncate(countersBefore);
      this.errorLog.error('decoder_exception', err instanceof Error ? err.message : String(err), {
        exporter: address,
        stack: err instanceof Error ? err.stack : undefined,
      });
    }
    this.flowMeter?.mark(flows);
    this.pipeline.afterPacket(flowsBefore, countersBefore);
    return true;
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
    await this.state.load();
    const started: (UdpListener | TcpListener)[] = [];
    try {
      for (const listener of [...this.udp, ...this.tcp]) {
        await listener.start();
        started.push(listener);
      }
    } catch (err) {
      await Promise.all(started.map((l) => l.stop()));
      throw err;
    }
    this.timers.push(setInterval(() => this.pipeline.flush(), this.config.flushIntervalMs));
    if (this.deps.templates !== undefined || this.deps.devices !== undefined)
      this.timers.push(setInterval(() => this.state.save(), this.config.stateSaveIntervalMs));
    const monitors = this.udp.map(
      (l) =>
        new SocketDropMonitor(
          l.describe(),
          () => l.stats().socketDrops,
          (detail) => this.errorLog.error('socket_drops', detail),
        ),
    );
    const checkDrops = () => {
      for (const m of monitors) m.check();
    };
    checkDrops();
    this.timers.push(setInterval(checkDrops, this.config.dropCheckIntervalMs));
  }

  /**
   * Stops listening, delivers every buffered record, closes the sink and saves templates and
   * devices. Calling it again waits for the same stop.
   */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  private async shutdown(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer);
    this.timers = [];
    await Promise.all([...this.udp, ...this.tcp].map((l) => l.stop()));
    await this.pipeline.drain();
    await this.deps.sink.close?.();
    await this.state.saveNow();
    this.errorLog.flush();
  }

  /** Flushes the current batch to the sink now (tests; the timer does it every flushIntervalMs). */
  flush(): Promise<void> {
    return this.pipeline.drain();
  }

  /** What the collector listens on, one line per listener, for the start-up banner. */
  describeListeners(): string[] {
    return [...this.udp, ...this.tcp].map((l) => l.describe());
  }

  /** Marks every packet's decoded flows into `meter` from now on (its rates are the flows/s). */
  meterFlows(meter: Meter): void {
    this.flowMeter = meter;
  }

  /** Packets whose decoder threw (a bug: the packet's rows are dropped, the collector goes on). */
  get decoderExceptionCount(): number {
    return this.decoderExceptions;
  }

  stats(): CollectorStats {
    return collectorStats({
      startedAt: this.startedAt,
      decode: this.decodeStats,
      pipeline: this.pipeline.stats(),
      decoderExceptions: this.decoderExceptions,
      devices: this.devices,
      udp: this.udp.map((l) => l.stats()),
      tcp: this.tcp.map((l) => l.stats()),
    });
  }
}

export function createCollector(deps: CollectorDeps, config: Partial<CollectorConfig> = {}): Collector {
  return new Collector(deps, { ...defaultCollectorConfig, ...config });
}
