import { type CaptureStats, captureErrorReasons } from '../../capture/errors.js';
import type { Registry } from '../../metrics/registry.js';
import type { AppDecoder } from '../contract.js';
import { type AgentStats, agentSkipReasons } from '../stats.js';
import { type RecordTotals, recordProtocols } from './record-totals.js';

/** What the agent's metrics read, at export time (nothing here is touched per packet). */
export interface AgentMetricSources {
  /** The pipeline's counters. */
  readonly stats: AgentStats;
  readonly activeFlows: () => number;
  readonly maxFlows: number;
  readonly apps: readonly AppDecoder<unknown>[];
  readonly totals: RecordTotals;
  /** The capture reader's counters (file errors), when the source has them. */
  readonly capture?: () => CaptureStats | undefined;
  /** Packets the kernel dropped before the capture saw them (a live capture); undefined if unknown. */
  readonly kernelDrops?: () => number | undefined;
}

/** Skip reasons that are counted (the parser's `ok` and `ip_fragment` are outcomes, not skips). */
const skipReasons = agentSkipReasons
  .map((reason, index) => ({ reason, index }))
  .filter(({ reason }) => reason !== 'ok' && reason !== 'ip_fragment');

/**
 * The agent's own metrics in its registry (docs/metrics-catalogue.md, "Agent"): packets, skips by
 * reason, flows, records, expiries and evictions, record splits, application decoder messages and
 * errors, the TCP tracker's totals (summed over the records), capture errors and kernel drops.
 */
export function instrumentAgent(registry: Registry, src: AgentMetricSources): void {
  const s = src.stats;
  const counter = (name: string, help: string, read: () => number, tags?: Record<string, string>) =>
    registry.counterFn(name, read, tags, { help });
  counter('flowlens_agent_packets_total', 'Packets handed to the agent by the capture', () => s.packets);
  counter(
    'flowlens_agent_captured_bytes_total',
    'Captured bytes of those packets (as cut by the snap length)',
    () => s.capturedBytes,
  );
  counter(
    'flowlens_agent_flow_packets_total',
    'Packets counted in a flow (later IP fragments included)',
    () => s.flowPackets,
  );
  for (const { reason, index } of skipReasons)
    counter(
      'flowlens_agent_skipped_packets_total',
      'Packets in no flow, by reason (docs/agent.md "Packets")',
      () => s.skipped[index]!,
      { reason },
    );
  counter('flowlens_agent_fragments_total', 'Later IP fragments matched to their flow', () => s.fragments);
  counter('flowlens_agent_flows_total', 'Flows created in the flow table', () => s.flows);
  registry.gaugeFn('flowlens_agent_active_flows', src.activeFlows, undefined, {
    help: 'Flows in the flow table now',
  });
  registry.gaugeFn('flowlens_agent_max_flows', () => src.maxFlows, undefined, {
    help: 'Capacity of the flow table (--max-flows); past it the least recently seen flow is evicted',
  });
  const expired = 'Flows exported and forgotten after their idle timeout (idle) or closed timeout (closed)';
  counter('flowlens_agent_expired_flows_total', expired, () => s.expiredIdle, { reason: 'idle' });
  counter('flowlens_agent_expired_flows_total', expired, () => s.expiredClosed, { reason: 'closed' });
  counter(
    'flowlens_agent_evicted_flows_total',
    'Flows exported and forgotten because the flow table was full (raise --max-flows)',
    () => s.evicted,
  );
  const splits = 'Records ended early: at a minute boundary of the flow clock, or by the active timeout';
  counter('flowlens_agent_record_splits_total', splits, () => s.minuteSplits, { reason: 'minute' });
  counter('flowlens_agent_record_splits_total', splits, () => s.activeSplits, { reason: 'active_timeout' });
  counter('flowlens_agent_records_total', 'Flow records exported by the flow table', () => s.records);
  for (const [i, protocol] of recordProtocols.entries())
    counter(
      'flowlens_agent_app_records_total',
      'Flow records by app_protocol (none: no decoder recognized the flow)',
      () => src.totals.byProtocol[i]!,
      { protocol },
    );
  instrumentApps(registry, src.apps, s);
  instrumentTcp(registry, src.totals);
  const capture = src.capture;
  if (capture !== undefined)
    for (const [i, reason] of captureErrorReasons.entries())
      counter(
        'flowlens_agent_capture_errors_total',
        "Errors of the capture itself (the file's or the pipe's framing), by reason",
        () => capture()?.errors[i] ?? 0,
        { reason },
      );
  const drops = src.kernelDrops;
  if (drops !== undefined)
    counter(
      'flowlens_agent_capture_kernel_drops_total',
      'Packets the kernel dropped before the capture read them (its buffer was full)',
      () => drops() ?? 0,
    );
}

/** Each decoder's errors by reason and its message counts; decoders of one protocol (DNS, mDNS) add up. */
function instrumentApps(registry: Registry, apps: readonly AppDecoder<unknown>[], s: AgentStats): void {
  const byProtocol = new Map<string, AppDecoder<unknown>[]>();
  for (const app of apps) byProtocol.set(app.protocol, [...(byProtocol.get(app.protocol) ?? []), app]);
  for (const [protocol, decoders] of byProtocol) {
    const sum = (read: (d: AppDecoder<unknown>) => number | undefined) => () =>
      decoders.reduce((n, d) => n + (read(d) ?? 0), 0);
    const reasons = new Set(decoders.flatMap((d) => Object.keys(d.errors)));
    for (const reason of reasons)
      registry.counterFn(
        'flowlens_agent_app_errors_total',
        sum((d) => d.errors[reason]),
        { protocol, reason },
        { help: 'Application decoder errors by protocol and reason (docs/agent.md); the message is skipped' },
      );
    const kinds = new Set(decoders.flatMap((d) => Object.keys(countsOf(d))));
    for (const kind of kinds)
      registry.counterFn(
        'flowlens_agent_app_messages_total',
        sum((d) => countsOf(d)[kind]),
        { protocol, kind },
        {
          help: "Application decoder counts by protocol: messages, queries, requests… (the decoder's counts)",
        },
      );
  }
  registry.counterFn('flowlens_agent_app_decoder_exceptions_total', () => s.appDecoderThrew, undefined, {
    help: 'Payloads whose decoder threw (a bug: the payload is skipped and the agent goes on)',
  });
  registry.counterFn('flowlens_agent_app_field_errors_total', () => s.appFieldErrors, undefined, {
    help: 'Application fields a decoder wrote to a column that does not take them (a bug)',
  });
}

/** Decoders with counts (DNS, DHCP, HTTP) keep them in `counts`, beside the contract. */
function countsOf(decoder: AppDecoder<unknown>): Readonly<Record<string, number>> {
  const counts = (decoder as { counts?: unknown }).counts;
  return typeof counts === 'object' && counts !== null ? (counts as Record<string, number>) : {};
}

function instrumentTcp(registry: Registry, t: RecordTotals): void {
  const dirHelp = (what: string) =>
    `${what} (tshark's tcp.analysis flags), summed over the records: direction in is client to server, out server to client`;
  const retransmitted = 'flowlens_agent_tcp_retransmitted_packets_total';
  const retransmittedHelp = { help: dirHelp('TCP retransmissions') };
  registry.counterFn(retransmitted, () => t.retransmittedIn, { direction: 'in' }, retransmittedHelp);
  registry.counterFn(retransmitted, () => t.retransmittedOut, { direction: 'out' }, retransmittedHelp);
  const ooo = 'flowlens_agent_tcp_out_of_order_packets_total';
  const oooHelp = { help: dirHelp('TCP out-of-order segments') };
  registry.counterFn(ooo, () => t.outOfOrderIn, { direction: 'in' }, oooHelp);
  registry.counterFn(ooo, () => t.outOfOrderOut, { direction: 'out' }, oooHelp);
  registry.counterFn(
    'flowlens_agent_tcp_repeated_retransmits_total',
    () => t.repeatedRetransmits,
    undefined,
    {
      help: 'TCP segments retransmitted again (a sequence number the same side had retransmitted before)',
    },
  );
  registry.counterFn('flowlens_agent_tcp_zero_windows_total', () => t.zeroWindows, undefined, {
    help: 'TCP zero-window advertisements (tcp.analysis.zero_window), summed over the records',
  });
}
