/**
 * The TCP tracker's state, one fixed block of SLOT_WORDS 32-bit words per flow slot in one
 * ArrayBuffer (viewed as int32 and float64): its own, or the flow table's slot records, where each
 * slot's block sits at `offset` words of every `stride`. Each direction has a block of 16 words
 * (the client's at word 0 of the slot, the server's at 16); the two flow fields every segment
 * reads sit in their last words, so an established connection's segment touches only the slot's
 * first 128 bytes (one adjacent pair of cache lines). The handshake and latency fields follow at
 * 32, and each direction's ring of recently retransmitted sequence numbers at 48 and 56.
 * Sequence numbers are stored and compared as int32 (the same 32 bits read signed: see seq.ts),
 * which keeps them small integers in V8. Names mirror Wireshark's tcp_analyze_seq_flow_info_t
 * where the fields do.
 */
export const SLOT_WORDS = 64;
export const DIR_WORDS = 16;

// Direction block, word offsets. Times are float64 (two words, even offsets).
/** When the next expected sequence number last moved (ms). */
export const NEXT_SEQ_TIME = 0;
/** When the direction's last segment was seen (ms). */
export const LAST_ACK_TIME = 2;
export const BASE_SEQ = 4;
/** Next expected sequence number (0: none yet, as in Wireshark). */
export const NEXT_SEQ = 5;
export const MAX_SEQ_TO_BE_ACKED = 6;
/** The ack field of the direction's last segment (counted even without the ACK flag, as Wireshark). */
export const LAST_ACK = 7;
/** Raw window field of the last segment (0xffffffff before the first). */
export const WINDOW = 8;
/** Duplicate ACKs in a row (int32; -1 after an ACK of unseen data). */
export const DUP_ACKS = 9;
/** Last advertised window, scaled (tshark's tcp.window_size). */
export const RECEIVE_WINDOW = 10;
export const RETRANSMITS = 11;
export const OUT_OF_ORDER = 12;
export const ZERO_WINDOW = 13;
/**
 * One word of small fields: DirBit flags (bits 0-7), the window scale (bits 8-15, signed: -1
 * unknown, -2 none, 0..14), then the retransmit ring's count (16-23) and next entry (24-31).
 */
export const SMALL = 14;

/** The window scale in a SMALL word, and the word with another scale. */
export const scaleOf = (small: number): number => (small << 16) >> 24;
export const withScale = (small: number, scale: number): number => (small & ~0xff00) | ((scale & 0xff) << 8);

// Flow fields, word offsets in the slot.
/** FlowBit flags (the client block's last word). */
export const FLOW_FLAGS = 15;
/**
 * Wireshark's ts_first_rtt in whole microseconds, int32 (0: not known; clamped to ±2^31 µs, about
 * 36 minutes, where any threshold it sets is already beyond every capture's gaps). The server
 * block's last word.
 */
export const FIRST_RTT_US = 31;
export const MRU_SYN_TIME = 32;
export const SYN_ACK_TIME = 34;
export const LAST_CLIENT_DATA_TIME = 36;
export const REPEATED_RETRANSMITS = 38;
export const CLIENT_LATENCY_MS = 39;
export const SERVER_LATENCY_MS = 40;
export const APPL_LATENCY_MS = 41;
/** Ring of a direction's last RETRANSMIT_MEMORY retransmitted sequence numbers: 48 + 8 * dir. */
export const RING = 48;
export const RETRANSMIT_MEMORY = 8;

/** Per-direction bits (the low byte of SMALL). */
export const DirBit = {
  /** base_seq is set (Wireshark's TCP_S_BASE_SEQ_SET). */
  baseSet: 1,
  /** The direction's last segment was a keep-alive / a zero-window probe. */
  lastKeepAlive: 2,
  lastZeroWindowProbe: 4,
} as const;

/** Bits of FLOW_FLAGS. */
export const FlowBit = {
  /** A SYN (without ACK) was seen: MRU_SYN_TIME holds the last one's time. */
  synSeen: 1,
  /** The initial RTT is known (FIRST_RTT_US). */
  firstRtt: 2,
  /** A SYN/ACK came after the last SYN: SYN_ACK_TIME holds the last one's time. */
  synAckSeen: 4,
  /** Handshake latencies measured and not yet read. */
  handshakePending: 8,
  /** The client sent payload before the server's first payload (LAST_CLIENT_DATA_TIME). */
  clientData: 16,
  /** The server's first payload was seen: application latency is settled. */
  applDone: 32,
  /** Application latency measured and not yet read. */
  applPending: 64,
} as const;

export class TcpState {
  /** The capture time (ms) of the segment being analyzed (a field, not an argument: no boxing). */
  now = 0;
  /** Every field as int32 (sequence numbers, counters read back with >>> 0, the SMALL words). */
  readonly i32: Int32Array;
  /** The times (float64 at even word offsets: f64[word >> 1]). */
  readonly f64: Float64Array;

  /**
   * `capacity` slots in a buffer of their own, or in `buffer` (at least `capacity * stride` words)
   * from word `offset` of each `stride` words (both even: the times are float64).
   */
  constructor(
    readonly capacity: number,
    buffer?: ArrayBuffer,
    readonly stride: number = SLOT_WORDS,
    readonly offset: number = 0,
  ) {
    const b = buffer ?? new ArrayBuffer(capacity * SLOT_WORDS * 4);
    this.i32 = new Int32Array(b);
    this.f64 = new Float64Array(b);
  }

  /** The word where the slot's block begins. */
  base(slot: number): number {
    return slot * this.stride + this.offset;
  }

  /** A new flow in `slot`: everything back to its initial value. */
  open(slot: number): void {
    const base = this.base(slot);
    this.i32.fill(0, base, base + SLOT_WORDS);
    this.restartConnection(slot);
  }

  /**
   * A new connection on the same ports (a SYN with another initial sequence number), as
   * Wireshark starts a new conversation: the analysis and handshake state restart; the counters,
   * the receive windows and the latencies not yet read are kept.
   */
  restartConnection(slot: number): void {
    const i32 = this.i32;
    const base = this.base(slot);
    for (let d = base; d < base + 2 * DIR_WORDS; d += DIR_WORDS) {
      i32.fill(0, d, d + RECEIVE_WINDOW);
      i32[d + WINDOW] = -1; // 0xffffffff
      i32[d + SMALL] = withScale(0, -1);
    }
    i32.fill(0, base + MRU_SYN_TIME, base + REPEATED_RETRANSMITS);
    i32[base + FIRST_RTT_US] = 0;
    i32[base + FLOW_FLAGS]! &= FlowBit.handshakePending | FlowBit.applPending;
  }
}
