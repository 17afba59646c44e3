import { packetSkipReasons } from '../capture/packet-info.js';

/**
 * Why the agent did not count a packet in any flow: the packet parser's reasons (src/capture),
 * then the agent's own. A bounded set, counted in a typed array.
 */
export const agentSkipReasons = [
  ...packetSkipReasons,
  'fragment_unmatched', // a non-first IP fragment whose first fragment was not seen (or too long ago)
] as const;

export type AgentSkipReason = (typeof agentSkipReasons)[number];

export const Skip = { fragmentUnmatched: packetSkipReasons.length } as const;

/** The agent pipeline's counters. */
export class AgentStats {
  /** Packets handed to the pipeline, and their captured bytes. */
  packets = 0;
  capturedBytes = 0;
  /** Packets counted in a flow (non-first fragments included). */
  flowPackets = 0;
  /** Flows created, and records exported. */
  flows = 0;
  records = 0;
  /** Flows forgotten after their idle timeout, after the closed timeout, or evicted when full. */
  expiredIdle = 0;
  expiredClosed = 0;
  evicted = 0;
  /** Records ended early by a minute boundary or by the active timeout. */
  minuteSplits = 0;
  activeSplits = 0;
  /** Non-first fragments matched to their flow. */
  fragments = 0;
  /** Application fields a decoder wrote to a column that does not take them. */
  appFieldErrors = 0;
  /** Payloads whose decoder threw (a decoder bug: the contract says they never throw). */
  appDecoderThrew = 0;
  readonly skipped = new Float64Array(agentSkipReasons.length);

  skippedCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    agentSkipReasons.forEach((r, i) => {
      if (this.skipped[i]! > 0) out[r] = this.skipped[i]!;
    });
    return out;
  }

  totalSkipped(): number {
    let n = 0;
    for (const v of this.skipped) n += v;
    return n;
  }

  snapshot(): Record<string, number | Record<string, number>> {
    return {
      packets: this.packets,
      flow_packets: this.flowPackets,
      flows: this.flows,
      records: this.records,
      expired_idle: this.expiredIdle,
      expired_closed: this.expiredClosed,
      evicted: this.evicted,
      minute_splits: this.minuteSplits,
      active_splits: this.activeSplits,
      fragments: this.fragments,
      app_field_errors: this.appFieldErrors,
      app_decoder_threw: this.appDecoderThrew,
      skipped: this.skippedCounts(),
    };
  }
}
