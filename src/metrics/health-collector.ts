import type { CollectorStats } from '../ingest/collector-stats.js';
import { type ComponentHealth, type HealthComponent, judged, round } from './health.js';
import { CounterWindow } from './health-window.js';

/** Decode errors above this share of the last minute's packets make the collector WARN. */
export const decodeErrorWarnShare = 0.01;

/**
 * The collector's health, from `collector.stats()`. It is never BAD on its own: when its sink (the
 * store) fails, the store is BAD and the flows it lost make the collector WARN.
 *   WARN  the kernel dropped datagrams on a flow socket in the last minute (raise recvBufferSize
 *         and net.core.rmem_max); flows were dropped (the sink fell behind) or lost (the sink
 *         failed) in the last minute; a decoder threw in the last minute (a bug: the packet is
 *         skipped); decode errors were over 1% of the last minute's packets (a misbehaving
 *         exporter, or templates not yet received).
 */
export function collectorHealth(collector: { stats(): CollectorStats }): HealthComponent {
  const packets = new CounterWindow();
  const flows = new CounterWindow();
  const decodeErrors = new CounterWindow();
  const socketDrops = new CounterWindow();
  const dropped = new CounterWindow();
  const lost = new CounterWindow();
  const exceptions = new CounterWindow();
  return {
    name: 'collector',
    check(now: number): ComponentHealth {
      const s = collector.stats();
      let errors = 0;
      for (const [key, n] of Object.entries(s.decode)) if (key.startsWith('error_')) errors += n;
      let drops = 0;
      for (const udp of s.udp) drops += udp.socketDrops ?? 0;
      packets.record(now, s.decode.packets ?? 0);
      flows.record(now, s.decode.flows ?? 0);
      decodeErrors.record(now, errors);
      socketDrops.record(now, drops);
      dropped.record(now, s.sink.droppedFlows);
      lost.record(now, s.sink.lostFlows);
      exceptions.record(now, s.decoderExceptions);

      const warn: string[] = [];
      if (socketDrops.delta() > 0)
        warn.push(
          `the kernel dropped ${socketDrops.delta()} datagrams in the last minute: raise recvBufferSize and net.core.rmem_max`,
        );
      if (dropped.delta() > 0)
        warn.push(`${dropped.delta()} flows dropped in the last minute: the store fell behind`);
      if (lost.delta() > 0)
        warn.push(`${lost.delta()} flows lost in the last minute: the store refused them`);
      if (exceptions.delta() > 0) warn.push(`a decoder threw ${exceptions.delta()} times in the last minute`);
      if (decodeErrors.delta() > decodeErrorWarnShare * packets.delta())
        warn.push(
          `${decodeErrors.delta()} decode errors for ${packets.delta()} packets in the last minute (see the log)`,
        );
      return judged(
        'collector',
        {
          packets_per_s: round(packets.rate()),
          flows_per_s: round(flows.rate()),
          packets: packets.value,
          decode_errors: errors,
          decode_errors_last_min: decodeErrors.delta(),
          socket_drops_last_min: socketDrops.delta(),
          sink_queue: s.sink.pendingWrites,
          flows_lost_last_min: dropped.delta() + lost.delta(),
          devices: s.devices.length,
        },
        [],
        warn,
      );
    },
  };
}
