import { Dir, type TcpMetrics, type TcpSegment, type TcpTracker } from '../contract.js';
import { ACK, analyzeSegment, anyRetransmission, Found, SYN } from './analysis.js';
import { handshake, payload, retransmitted } from './flow-updates.js';
import {
  APPL_LATENCY_MS,
  BASE_SEQ,
  CLIENT_LATENCY_MS,
  DIR_WORDS,
  DirBit,
  FIRST_RTT_US,
  FLOW_FLAGS,
  FlowBit,
  MAX_SEQ_TO_BE_ACKED,
  NEXT_SEQ,
  OUT_OF_ORDER,
  RECEIVE_WINDOW,
  REPEATED_RETRANSMITS,
  RETRANSMITS,
  SERVER_LATENCY_MS,
  SMALL,
  scaleOf,
  TcpState,
  withScale,
  ZERO_WINDOW,
} from './state.js';

/**
 * Creates the TCP tracker for `capacity` flow slots (256 bytes each). Each TCP packet goes through
 * Wireshark's sequence analysis (./analysis.ts), so the retransmission, out-of-order and
 * zero-window counts are the packets tshark flags with tcp.analysis.retransmission (which includes
 * fast and spurious retransmissions), tcp.analysis.out_of_order and tcp.analysis.zero_window.
 * Besides:
 * - receive window: the direction's last tcp.window_size (the raw window shifted by the scale its
 *   SYN announced, under Wireshark's rules: not on SYNs, and not after a SYN without the option);
 * - handshake: tshark's initial RTT runs from the last SYN to the first segment with ACK and
 *   without SYN; server network latency is its part up to the last SYN/ACK, client network latency
 *   the rest (both only when that SYN/ACK was seen and the ACK came from the client);
 * - application latency: from the client's last payload segment before the server's first payload
 *   to that first server payload (keep-alives excluded);
 * - repeated retransmits: retransmissions of a sequence number the same direction retransmitted
 *   before (among its last RETRANSMIT_MEMORY retransmissions).
 * Latencies are whole milliseconds rounded half up. Slots outside [0, capacity) are ignored, and
 * no input makes it throw.
 */
export function createTcpTracker(capacity: number): TcpAnalyzer {
  return new TcpAnalyzer(capacity);
}

/**
 * The tracker createTcpTracker makes. Besides the TcpTracker methods, `analyze` takes a segment's
 * fields as arguments (no segment object) and trusts its slot: the flow table calls it for every
 * TCP packet of a slot below `capacity`.
 */
export class TcpAnalyzer implements TcpTracker {
  capacity: number;
  /** Its own state, made on first use (`ready`), or the flow table's slots (`adopt`). */
  private st: TcpState = new TcpState(0);
  private ready = false;

  constructor(capacity: number) {
    this.capacity = Number.isInteger(capacity) && capacity > 0 ? capacity : 0;
  }

  /**
   * Keeps the state of `capacity` slots (at most its own capacity) in the flow table's slot
   * records, `stride` words each, its block at `offset`: a segment then reads the slot record's
   * memory page it was found in. Only before the tracker is first used (returns whether it did);
   * the flow table opens each slot before its first segment.
   */
  adopt(slots: ArrayBuffer, capacity: number, stride: number, offset: number): boolean {
    if (this.ready || capacity > this.capacity) return false;
    this.capacity = capacity;
    this.st = new TcpState(capacity, slots, stride, offset);
    this.ready = true;
    return true;
  }

  /** The state, made with every slot opened when the tracker has none yet. */
  private state(): TcpState {
    if (!this.ready) {
      this.st = new TcpState(this.capacity);
      for (let slot = 0; slot < this.capacity; slot++) this.st.open(slot);
      this.ready = true;
    }
    return this.st;
  }

  /** Reads a word of each cache line `read(slot)` uses (0 <= slot < capacity), for reading ahead. */
  readAhead(slot: number): number {
    const st = this.state();
    const i32 = st.i32;
    const base = st.base(slot);
    return i32[base + FLOW_FLAGS]! ^ i32[base + FIRST_RTT_US]! ^ i32[base + REPEATED_RETRANSMITS]!;
  }

  private valid(slot: number): boolean {
    return slot >= 0 && slot < this.capacity && Number.isInteger(slot);
  }

  open(slot: number): void {
    if (this.valid(slot)) this.state().open(slot);
  }

  segment(slot: number, s: TcpSegment): void {
    if (!this.valid(slot)) return;
    this.state();
    const len = s.payloadLength;
    this.analyze(
      slot,
      s.dir === Dir.FromServer ? Dir.FromServer : Dir.FromClient,
      s.timeMs,
      s.seq | 0,
      s.ack | 0,
      s.flags & 0xff,
      s.window & 0xffff,
      s.windowScale,
      len > 0 ? Math.min(len, 0xffffffff) >>> 0 : 0,
    );
  }

  read(slot: number, out: TcpMetrics): void {
    if (this.valid(slot)) read(this.state(), slot, out);
    else clear(out);
  }

  /**
   * One segment of slot `slot` (0 <= slot < capacity, opened before): `seq` and `ack` as int32, `flags` the
   * flags byte, `window` the raw 16-bit window, `windowScale` a SYN's option (-1 none), `seglen`
   * the payload length as sent.
   */
  analyze(
    slot: number,
    dir: Dir,
    timeMs: number,
    seq: number,
    ack: number,
    flags: number,
    window: number,
    windowScale: number,
    seglen: number,
  ): void {
    const st = this.st;
    const i32 = st.i32;
    const base = st.base(slot);
    const f = base + dir * DIR_WORDS;
    const r = base + (1 - dir) * DIR_WORDS;
    st.now = timeMs;
    const synAck = flags & (SYN | ACK);

    // Wireshark's port-reuse rule: a SYN with another ISN starts a new conversation, the same ISN
    // again restores nextseq (a RST may have moved it).
    if (flags & SYN) {
      const baseSet = i32[f + SMALL]! & DirBit.baseSet;
      if (synAck === SYN && baseSet) {
        if (seq !== i32[f + BASE_SEQ]) st.restartConnection(slot);
        else i32[f + NEXT_SEQ] = i32[f + MAX_SEQ_TO_BE_ACKED]!;
      } else if (synAck === (SYN | ACK) && baseSet && seq !== i32[f + BASE_SEQ]) {
        i32[f + BASE_SEQ] = seq;
      }
    }

    const found = analyzeSegment(st, f, r, i32[base + FIRST_RTT_US]!, seq, ack, seglen, flags, window);
    if (found !== 0) {
      if (found & anyRetransmission) retransmitted(st, base, f, dir, seq);
      else if (found & Found.outOfOrder) i32[f + OUT_OF_ORDER]!++;
      if (found & Found.zeroWindow) i32[f + ZERO_WINDOW]!++;
    }

    const scale = scaleOf(i32[f + SMALL]!);
    // scale is at most 14: 0xffff << 14 stays below 2^31.
    i32[f + RECEIVE_WINDOW] = flags & SYN || scale < 0 ? window : window << scale;

    const flowFlags = i32[base + FLOW_FLAGS]!;
    if (synAck !== ACK || (flowFlags & (FlowBit.synSeen | FlowBit.firstRtt)) === FlowBit.synSeen)
      handshake(st, base, dir, synAck);
    if (seglen > 0 && (found & Found.keepAlive) === 0 && (flowFlags & FlowBit.applDone) === 0)
      payload(st, base, dir);

    if (flags & SYN) {
      let small = i32[f + SMALL]!;
      if (windowScale >= 0) small = withScale(small, Math.min(windowScale, 14));
      // Scaling is used only when both SYNs carry the option (Wireshark's verify_tcp_window_scaling).
      const reverse = i32[r + SMALL]!;
      if (scaleOf(small) === -1) {
        small = withScale(small, -2);
        i32[r + SMALL] = withScale(reverse, -2);
      } else if (flags & ACK && scaleOf(reverse) === -2) {
        small = withScale(small, -2);
      }
      i32[f + SMALL] = small;
    }
  }
}

/** Counters are uint32 in meaning: read back unsigned. */
function read(st: TcpState, slot: number, out: TcpMetrics): void {
  const i32 = st.i32;
  const base = st.base(slot);
  const flags = i32[base + FLOW_FLAGS]!;
  const handshake = flags & FlowBit.handshakePending;
  const appl = flags & FlowBit.applPending;
  out.clientNwLatencyMs = handshake ? i32[base + CLIENT_LATENCY_MS]! : 0;
  out.serverNwLatencyMs = handshake ? i32[base + SERVER_LATENCY_MS]! : 0;
  out.applLatencyMs = appl ? i32[base + APPL_LATENCY_MS]! : 0;
  i32[base + FLOW_FLAGS] = flags & ~(FlowBit.handshakePending | FlowBit.applPending);
  out.repeatedRetransmits = i32[base + REPEATED_RETRANSMITS]! >>> 0;
  i32[base + REPEATED_RETRANSMITS] = 0;
  let zeroWindow = 0;
  for (let d = 0; d < 2; d++) {
    const i = base + d * DIR_WORDS;
    out.retransmits[d] = i32[i + RETRANSMITS]! >>> 0;
    out.outOfOrder[d] = i32[i + OUT_OF_ORDER]! >>> 0;
    out.receiveWindow[d] = i32[i + RECEIVE_WINDOW]! >>> 0;
    zeroWindow += i32[i + ZERO_WINDOW]! >>> 0;
    i32[i + RETRANSMITS] = 0;
    i32[i + OUT_OF_ORDER] = 0;
    i32[i + ZERO_WINDOW] = 0;
  }
  out.zeroWindow = zeroWindow;
}

function clear(out: TcpMetrics): void {
  out.clientNwLatencyMs = 0;
  out.serverNwLatencyMs = 0;
  out.applLatencyMs = 0;
  out.repeatedRetransmits = 0;
  out.zeroWindow = 0;
  for (let d = 0; d < 2; d++) {
    out.retransmits[d] = 0;
    out.outOfOrder[d] = 0;
    out.receiveWindow[d] = 0;
  }
}

/** A reusable TcpMetrics, all zero. */
export function newTcpMetrics(): TcpMetrics {
  return {
    clientNwLatencyMs: 0,
    serverNwLatencyMs: 0,
    applLatencyMs: 0,
    retransmits: [0, 0],
    repeatedRetransmits: 0,
    outOfOrder: [0, 0],
    zeroWindow: 0,
    receiveWindow: [0, 0],
  };
}
