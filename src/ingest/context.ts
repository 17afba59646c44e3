import type { FlowBatch, InterfaceCounterBatch } from '../flow/batch.js';
import type { ExporterState } from './exporter.js';
import type { DecodeStats } from './stats.js';

/** Where a decoder writes: flow records, and interface counters (sFlow counter samples). */
export interface DecodeTarget {
  readonly flows: FlowBatch;
  readonly counters: InterfaceCounterBatch;
}

/** Everything a decoder needs to know about the packet it is given. */
export interface PacketContext {
  readonly exporter: ExporterState;
  /** When the collector received the packet (ms since epoch). */
  readonly receivedAt: number;
  /** `receivedAt` truncated to the minute: the flows' `i_start_time`. */
  readonly minute: number;
  readonly stats: DecodeStats;
}

/**
 * A decoder reads one export packet (`buf[0..buf.length)`), appends its flows to `out.flows`
 * (and counters to `out.counters`), and returns how many flows it appended. It never throws on
 * bad input: it counts the reason in `ctx.stats`, keeps every good record of the packet it can,
 * and leaves the batch with only whole records.
 */
export type Decoder = (buf: Uint8Array, ctx: PacketContext, out: DecodeTarget) => number;

export function minuteOf(ms: number): number {
  return ms - (ms % 60_000);
}
