import type { BatchPipelineStats } from './batch-pipeline.js';
import type { DeviceStats } from './device.js';
import type { DeviceRegistry } from './devices.js';
import type { DecodeStats } from './stats.js';
import type { TcpListenerStats } from './tcp-listener.js';
import type { UdpListenerStats } from './udp-listener.js';

export interface DeviceSnapshot extends DeviceStats {
  address: string;
  id: number;
  name: string;
  tenant: string;
  /** The configured override, if any. */
  configuredSampleRate: number | undefined;
}

/** A plain-data snapshot of the collector, for the health and metrics endpoints. */
export interface CollectorStats {
  uptimeMs: number;
  /** Global decode counters: packets, bytes, flows, counter_records, error_<reason>. */
  decode: Record<string, number>;
  sink: BatchPipelineStats;
  decoderExceptions: number;
  udp: UdpListenerStats[];
  tcp: TcpListenerStats[];
  devices: DeviceSnapshot[];
  /** Packets refused per unknown exporter address (auto-registration off). */
  refusedExporters: Record<string, number>;
}

export interface CollectorStatsSources {
  startedAt: number;
  decode: DecodeStats;
  pipeline: BatchPipelineStats;
  decoderExceptions: number;
  devices: DeviceRegistry;
  udp: UdpListenerStats[];
  tcp: TcpListenerStats[];
}

export function collectorStats(s: CollectorStatsSources): CollectorStats {
  return {
    uptimeMs: s.startedAt === 0 ? 0 : Date.now() - s.startedAt,
    decode: s.decode.snapshot(),
    sink: s.pipeline,
    decoderExceptions: s.decoderExceptions,
    udp: s.udp,
    tcp: s.tcp,
    devices: s.devices.all().map((e) => ({
      address: e.address,
      id: e.device.id,
      name: e.device.name,
      tenant: e.device.tenant,
      configuredSampleRate: e.device.sampleRate,
      ...e.stats,
    })),
    refusedExporters: Object.fromEntries(s.devices.refusedPackets()),
  };
}
