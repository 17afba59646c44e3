import { Dir, type TcpMetrics, type TcpSegment, type TcpTracker } from '../contract.js';
import { ACK, analyzeSegment, anyRetransmission, Found, SYN } from './analysis.js';
import {
  APPL_LATENCY_MS,
  BASE_SEQ,
  CLIENT_LATENCY_MS,
  DIR_WORDS,
  DirBit,
  FIRST_RTT_US,
  FLOW_FLAGS,
  FlowBit,
  LAST_CLIENT_DATA_TIME,
  MAX_SEQ_TO_BE_ACKED,
  MRU_SYN_TIME,
  NEXT_SEQ,
  OUT_OF_ORDER,
  RECEIVE_WINDOW,
  REPEATED_RETRANSMITS,
  RETRANSMIT_MEMORY,
  RETRANSMITS,
  RING,
  SERVER_LATENCY_MS,
  SLOT_WORDS,
  SMALL,
  SYN_ACK_TIME,
  TcpState,
  ZERO_WINDOW,
} from './state.js';

const INT32_MAX = 0x7fffffff;

/** Whole milliseconds, rounded half up; a negative or unknown time (a capture out of order) is 0. */
function wholeMs(ms: number): number {
  return ms >= 0 ? Math.min(Math.round(ms), INT32_MAX) : 0;
}

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
export function createTcpTracker(capacity: number): TcpTracker {
  const size = Number.isInteger(capacity) && capacity > 0 ? capacity : 0;
  const st = new TcpState(size);
  for (let slot = 0; slot < size; slot++) st.open(slot);
  const valid = (slot: number) => slot >= 0 && slot < size && Number.isInteger(slot);

  return {
    open(slot) {
      if (valid(slot)) st.open(slot);
    },
    segment(slot, s) {
      if (valid(slot)) segment(st, slot, s);
    },
    read(slot, out) {
      if (valid(slot)) read(st, slot, out);
      else clear(out);
    },
  };
}

function segment(st: TcpState, slot: number, s: TcpSegment): void {
  const u32 = st.u32;
  const i32 = st.i32;
  const dir = s.dir === Dir.FromServer ? Dir.FromServer : Dir.FromClient;
  const base = slot * SLOT_WORDS;
  const f = base + dir * DIR_WORDS;
  const r = base + (1 - dir) * DIR_WORDS;
  st.now = s.timeMs;
  const seq = s.seq | 0;
  const flags = s.flags & 0xff;
  const window = s.window & 0xffff;
  const len = s.payloadLength;
  const seglen = len > 0 ? Math.min(len, 0xffffffff) >>> 0 : 0;
  const synAck = flags & (SYN | ACK);

  // Wireshark's port-reuse rule: a SYN with another ISN starts a new conversation, the same ISN
  // again restores nextseq (a RST may have moved it).
  const baseSet = st.u8[(f + SMALL) * 4]! & DirBit.baseSet;
  if (synAck === SYN && baseSet) {
    if (seq !== i32[f + BASE_SEQ]) st.restartConnection(slot);
    else i32[f + NEXT_SEQ] = i32[f + MAX_SEQ_TO_BE_ACKED]!;
  } else if (synAck === (SYN | ACK) && baseSet && seq !== i32[f + BASE_SEQ]) {
    i32[f + BASE_SEQ] = seq;
  }

  const found = analyzeSegment(st, f, r, i32[base + FIRST_RTT_US]!, seq, s.ack | 0, seglen, flags, window);
  if (found & anyRetransmission) retransmitted(st, base, f, dir, seq);
  else if (found & Found.outOfOrder) u32[f + OUT_OF_ORDER]!++;
  if (found & Found.zeroWindow) u32[f + ZERO_WINDOW]!++;

  const scaleAt = (f + SMALL) * 4 + 1;
  const scale = st.i8[scaleAt]!;
  // scale is at most 14: 0xffff << 14 stays below 2^31.
  u32[f + RECEIVE_WINDOW] = flags & SYN || scale < 0 ? window : window << scale;

  handshake(st, base, dir, synAck);
  if (seglen > 0 && (found & Found.keepAlive) === 0) payload(st, base, dir);

  if (flags & SYN) {
    if (s.windowScale >= 0) st.i8[scaleAt] = Math.min(s.windowScale, 14);
    // Scaling is used only when both SYNs carry the option (Wireshark's verify_tcp_window_scaling).
    const reverseScaleAt = (r + SMALL) * 4 + 1;
    if (st.i8[scaleAt] === -1) {
      st.i8[scaleAt] = -2;
      st.i8[reverseScaleAt] = -2;
    } else if (flags & ACK && st.i8[reverseScaleAt] === -2) {
      st.i8[scaleAt] = -2;
    }
  }
}

function retransmitted(st: TcpState, base: number, f: number, dir: Dir, seq: number): void {
  const u32 = st.u32;
  u32[f + RETRANSMITS]!++;
  const ring = base + RING + dir * RETRANSMIT_MEMORY;
  const countAt = (f + SMALL) * 4 + 2;
  const count = st.u8[countAt]!;
  for (let k = 0; k < count; k++) {
    if (st.i32[ring + k] === seq) {
      u32[base + REPEATED_RETRANSMITS]!++;
      return;
    }
  }
  const next = st.u8[countAt + 1]!;
  st.i32[ring + next] = seq;
  st.u8[countAt + 1] = (next + 1) % RETRANSMIT_MEMORY;
  if (count < RETRANSMIT_MEMORY) st.u8[countAt] = count + 1;
}

function handshake(st: TcpState, base: number, dir: Dir, synAck: number): void {
  const f64 = st.f64;
  const t = st.now;
  const flags = st.u32[base + FLOW_FLAGS]!;
  if (synAck === SYN) {
    f64[(base + MRU_SYN_TIME) >> 1] = t;
    st.u32[base + FLOW_FLAGS] = (flags | FlowBit.synSeen) & ~FlowBit.synAckSeen;
    return;
  }
  if ((flags & FlowBit.synSeen) === 0 || flags & FlowBit.firstRtt) return;
  if (synAck === (SYN | ACK)) {
    f64[(base + SYN_ACK_TIME) >> 1] = t;
    st.u32[base + FLOW_FLAGS] = flags | FlowBit.synAckSeen;
    return;
  }
  if (synAck !== ACK) return;
  const synTime = f64[(base + MRU_SYN_TIME) >> 1]!;
  const rttUs = Math.round((t - synTime) * 1000);
  // Like Wireshark's nstime_is_zero: an RTT of 0 leaves it unknown, the next ACK tries again.
  if (rttUs === 0 || Number.isNaN(rttUs)) return;
  st.i32[base + FIRST_RTT_US] = Math.max(-INT32_MAX, Math.min(rttUs, INT32_MAX));
  let next = flags | FlowBit.firstRtt;
  if (flags & FlowBit.synAckSeen && dir === Dir.FromClient) {
    const synAckTime = f64[(base + SYN_ACK_TIME) >> 1]!;
    st.i32[base + SERVER_LATENCY_MS] = wholeMs(synAckTime - synTime);
    st.i32[base + CLIENT_LATENCY_MS] = wholeMs(t - synAckTime);
    next |= FlowBit.handshakePending;
  }
  st.u32[base + FLOW_FLAGS] = next;
}

function payload(st: TcpState, base: number, dir: Dir): void {
  const flags = st.u32[base + FLOW_FLAGS]!;
  if (flags & FlowBit.applDone) return;
  const t = st.now;
  if (dir === Dir.FromClient) {
    st.f64[(base + LAST_CLIENT_DATA_TIME) >> 1] = t;
    st.u32[base + FLOW_FLAGS] = flags | FlowBit.clientData;
  } else if (flags & FlowBit.clientData) {
    st.i32[base + APPL_LATENCY_MS] = wholeMs(t - st.f64[(base + LAST_CLIENT_DATA_TIME) >> 1]!);
    st.u32[base + FLOW_FLAGS] = flags | FlowBit.applDone | FlowBit.applPending;
  } else {
    st.u32[base + FLOW_FLAGS] = flags | FlowBit.applDone;
  }
}

function read(st: TcpState, slot: number, out: TcpMetrics): void {
  const u32 = st.u32;
  const base = slot * SLOT_WORDS;
  const flags = u32[base + FLOW_FLAGS]!;
  const handshake = flags & FlowBit.handshakePending;
  const appl = flags & FlowBit.applPending;
  out.clientNwLatencyMs = handshake ? st.i32[base + CLIENT_LATENCY_MS]! : 0;
  out.serverNwLatencyMs = handshake ? st.i32[base + SERVER_LATENCY_MS]! : 0;
  out.applLatencyMs = appl ? st.i32[base + APPL_LATENCY_MS]! : 0;
  u32[base + FLOW_FLAGS] = flags & ~(FlowBit.handshakePending | FlowBit.applPending);
  out.repeatedRetransmits = u32[base + REPEATED_RETRANSMITS]!;
  u32[base + REPEATED_RETRANSMITS] = 0;
  let zeroWindow = 0;
  for (let d = 0; d < 2; d++) {
    const i = base + d * DIR_WORDS;
    out.retransmits[d] = u32[i + RETRANSMITS]!;
    out.outOfOrder[d] = u32[i + OUT_OF_ORDER]!;
    out.receiveWindow[d] = u32[i + RECEIVE_WINDOW]!;
    zeroWindow += u32[i + ZERO_WINDOW]!;
    u32[i + RETRANSMITS] = 0;
    u32[i + OUT_OF_ORDER] = 0;
    u32[i + ZERO_WINDOW] = 0;
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
