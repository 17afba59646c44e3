import type { CaptureStats } from '../../capture/errors.js';
import { type ComponentHealth, type HealthComponent, judged, round } from '../../metrics/health.js';
import { CounterWindow } from '../../metrics/health-window.js';
import type { AppDecoder } from '../contract.js';
import type { AgentExport } from '../export/agent-export.js';
import type { AgentStats } from '../stats.js';

/** The flow table WARNs when it is fuller than this share of --max-flows. */
export const flowTableWarnShare = 0.9;

export interface CaptureHealthSource {
  readonly stats: AgentStats;
  readonly capture?: (() => CaptureStats | undefined) | undefined;
  readonly kernelDrops?: (() => number | undefined) | undefined;
  /** Why the packet source stopped working (a capture process that died), or undefined. */
  readonly failure?: (() => string | undefined) | undefined;
}

/**
 * The packet source.
 *   BAD   the source reports a failure (the live capture stopped).
 *   WARN  the kernel dropped packets in the last minute (the agent falls behind, or the capture
 *         buffer is too small); the capture had errors in the last minute (a truncated or
 *         corrupt file or pipe).
 */
export function captureHealth(src: CaptureHealthSource): HealthComponent {
  const packets = new CounterWindow();
  const bytes = new CounterWindow();
  const skipped = new CounterWindow();
  const errors = new CounterWindow();
  const drops = new CounterWindow();
  return {
    name: 'capture',
    check(now: number): ComponentHealth {
      const s = src.stats;
      const capture = src.capture?.();
      const kernelDrops = src.kernelDrops?.();
      packets.record(now, s.packets);
      bytes.record(now, s.capturedBytes);
      skipped.record(now, s.totalSkipped());
      errors.record(now, capture?.totalErrors() ?? 0);
      drops.record(now, kernelDrops ?? 0);
      const bad: string[] = [];
      const failure = src.failure?.();
      if (failure !== undefined) bad.push(failure);
      const warn: string[] = [];
      if (drops.delta() > 0)
        warn.push(
          `the kernel dropped ${drops.delta()} packets in the last minute: the agent falls behind or the capture buffer is too small`,
        );
      if (errors.delta() > 0)
        warn.push(
          `${errors.delta()} capture errors in the last minute${capture?.firstError === undefined ? '' : ` (first: ${capture.firstError})`}`,
        );
      return judged(
        'capture',
        {
          packets_per_s: round(packets.rate()),
          mbit_per_s: round((bytes.rate() * 8) / 1e6),
          packets: s.packets,
          skipped_last_min: skipped.delta(),
          capture_errors: capture?.totalErrors() ?? 0,
          kernel_drops_last_min: kernelDrops === undefined ? '-' : drops.delta(),
        },
        bad,
        warn,
      );
    },
  };
}

export interface FlowTableHealthSource {
  readonly stats: AgentStats;
  readonly activeFlows: () => number;
  readonly maxFlows: number;
  readonly apps: readonly AppDecoder<unknown>[];
}

/**
 * The flow table and the decoders behind it.
 *   WARN  flows were evicted in the last minute (the table is full: raise --max-flows); the table
 *         is over 90% full; a decoder threw, or wrote a field to a wrong column, in the last
 *         minute (a bug: the payload is skipped).
 */
export function flowTableHealth(src: FlowTableHealthSource): HealthComponent {
  const flows = new CounterWindow();
  const records = new CounterWindow();
  const evicted = new CounterWindow();
  const appErrors = new CounterWindow();
  const bugs = new CounterWindow();
  return {
    name: 'flow_table',
    check(now: number): ComponentHealth {
      const s = src.stats;
      const active = src.activeFlows();
      let decodeErrors = 0;
      for (const app of src.apps) for (const n of Object.values(app.errors)) decodeErrors += n;
      flows.record(now, s.flows);
      records.record(now, s.records);
      evicted.record(now, s.evicted);
      appErrors.record(now, decodeErrors);
      bugs.record(now, s.appDecoderThrew + s.appFieldErrors);
      const warn: string[] = [];
      if (evicted.delta() > 0)
        warn.push(
          `${evicted.delta()} flows evicted in the last minute: the table (${src.maxFlows} flows) is full, raise --max-flows`,
        );
      else if (active >= flowTableWarnShare * src.maxFlows)
        warn.push(`the table holds ${active} of ${src.maxFlows} flows: raise --max-flows`);
      if (bugs.delta() > 0)
        warn.push(
          `an application decoder failed ${bugs.delta()} times in the last minute (a bug; see the log)`,
        );
      return judged(
        'flow_table',
        {
          active_flows: active,
          max_flows: src.maxFlows,
          flows_per_s: round(flows.rate()),
          records_per_s: round(records.rate()),
          evicted_last_min: evicted.delta(),
          app_errors_last_min: appErrors.delta(),
        },
        [],
        warn,
      );
    },
  };
}

/**
 * Sending the records.
 *   BAD   rows were dropped in the last minute (the spool or the memory queue was full, or the
 *         agent stopped without a spool) or refused by the server for good (a 4xx: credentials,
 *         device name): they are lost.
 *   WARN  the last attempt failed (the server is unreachable or failing: rows wait in memory or
 *         the spool, retried); IPFIX datagrams could not be sent in the last minute.
 */
export function exportHealth(exp: AgentExport): HealthComponent {
  const sent = new CounterWindow();
  const dropped = new CounterWindow();
  const rejected = new CounterWindow();
  const ipfixErrors = new CounterWindow();
  return {
    name: 'export',
    check(now: number): ComponentHealth {
      const s = exp.sender?.stats();
      const ipfix = exp.ipfix?.stats();
      const bad: string[] = [];
      const warn: string[] = [];
      const values: Record<string, number | string> = {};
      if (s !== undefined) {
        sent.record(now, s.sentRows);
        dropped.record(now, s.droppedRows);
        rejected.record(now, s.rejectedRows);
        if (dropped.delta() > 0)
          bad.push(
            `${dropped.delta()} rows dropped in the last minute: the spool or the memory queue is full`,
          );
        if (rejected.delta() > 0)
          bad.push(
            `the server refused ${rejected.delta()} rows in the last minute (${Object.keys(s.rejected).join(', ')}): check the credentials and --device`,
          );
        if (s.failing)
          warn.push(
            `the server is unreachable or failing (${s.lastError ?? 'unknown'}): ${s.queuedRows} rows wait${s.spoolBytes > 0 ? ` (spool ${s.spoolBytes} bytes)` : ''}, retried`,
          );
        Object.assign(values, {
          sent_rows_per_s: round(sent.rate()),
          queued_rows: s.queuedRows,
          memory_bytes: s.memoryBytes,
          spool_bytes: s.spoolBytes,
          dropped_rows: s.droppedRows,
          rejected_rows: s.rejectedRows,
          failing: s.failing ? 'yes' : 'no',
        });
      }
      if (ipfix !== undefined) {
        ipfixErrors.record(now, ipfix.sendErrors);
        if (ipfixErrors.delta() > 0)
          warn.push(`${ipfixErrors.delta()} IPFIX datagrams could not be sent in the last minute`);
        Object.assign(values, { ipfix_records: ipfix.records, ipfix_send_errors: ipfix.sendErrors });
      }
      return judged('export', values, bad, warn);
    },
  };
}
