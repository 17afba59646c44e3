import { Dir } from '../contract.js';
import { ACK, SYN } from './analysis.js';
import {
  APPL_LATENCY_MS,
  CLIENT_LATENCY_MS,
  FIRST_RTT_US,
  FLOW_FLAGS,
  FlowBit,
  LAST_CLIENT_DATA_TIME,
  MRU_SYN_TIME,
  REPEATED_RETRANSMITS,
  RETRANSMIT_MEMORY,
  RETRANSMITS,
  RING,
  SERVER_LATENCY_MS,
  SMALL,
  SYN_ACK_TIME,
  type TcpState,
} from './state.js';

/** The flow-level fields a segment updates: retransmit memory, handshake and application latencies. */

const INT32_MAX = 0x7fffffff;

/** Whole milliseconds, rounded half up; a negative or unknown time (a capture out of order) is 0. */
function wholeMs(ms: number): number {
  return ms >= 0 ? Math.min(Math.round(ms), INT32_MAX) : 0;
}

export function retransmitted(st: TcpState, base: number, f: number, dir: Dir, seq: number): void {
  const i32 = st.i32;
  i32[f + RETRANSMITS]!++;
  const ring = base + RING + dir * RETRANSMIT_MEMORY;
  const small = i32[f + SMALL]!;
  const count = (small >>> 16) & 0xff;
  for (let k = 0; k < count; k++) {
    if (i32[ring + k] === seq) {
      i32[base + REPEATED_RETRANSMITS]!++;
      return;
    }
  }
  const next = small >>> 24;
  i32[ring + next] = seq;
  const counted = count < RETRANSMIT_MEMORY ? count + 1 : count;
  i32[f + SMALL] = (small & 0xffff) | (counted << 16) | (((next + 1) % RETRANSMIT_MEMORY) << 24);
}

export function handshake(st: TcpState, base: number, dir: Dir, synAck: number): void {
  const f64 = st.f64;
  const i32 = st.i32;
  const t = st.now;
  const flags = i32[base + FLOW_FLAGS]!;
  if (synAck === SYN) {
    f64[(base + MRU_SYN_TIME) >> 1] = t;
    i32[base + FLOW_FLAGS] = (flags | FlowBit.synSeen) & ~FlowBit.synAckSeen;
    return;
  }
  if ((flags & FlowBit.synSeen) === 0 || flags & FlowBit.firstRtt) return;
  if (synAck === (SYN | ACK)) {
    f64[(base + SYN_ACK_TIME) >> 1] = t;
    i32[base + FLOW_FLAGS] = flags | FlowBit.synAckSeen;
    return;
  }
  if (synAck !== ACK) return;
  const synTime = f64[(base + MRU_SYN_TIME) >> 1]!;
  const rttUs = Math.round((t - synTime) * 1000);
  // Like Wireshark's nstime_is_zero: an RTT of 0 leaves it unknown, the next ACK tries again.
  if (rttUs === 0 || Number.isNaN(rttUs)) return;
  i32[base + FIRST_RTT_US] = Math.max(-INT32_MAX, Math.min(rttUs, INT32_MAX));
  let next = flags | FlowBit.firstRtt;
  if (flags & FlowBit.synAckSeen && dir === Dir.FromClient) {
    const synAckTime = f64[(base + SYN_ACK_TIME) >> 1]!;
    i32[base + SERVER_LATENCY_MS] = wholeMs(synAckTime - synTime);
    i32[base + CLIENT_LATENCY_MS] = wholeMs(t - synAckTime);
    next |= FlowBit.handshakePending;
  }
  i32[base + FLOW_FLAGS] = next;
}

export function payload(st: TcpState, base: number, dir: Dir): void {
  const i32 = st.i32;
  const flags = i32[base + FLOW_FLAGS]!;
  if (flags & FlowBit.applDone) return;
  const t = st.now;
  if (dir === Dir.FromClient) {
    st.f64[(base + LAST_CLIENT_DATA_TIME) >> 1] = t;
    i32[base + FLOW_FLAGS] = flags | FlowBit.clientData;
  } else if (flags & FlowBit.clientData) {
    i32[base + APPL_LATENCY_MS] = wholeMs(t - st.f64[(base + LAST_CLIENT_DATA_TIME) >> 1]!);
    i32[base + FLOW_FLAGS] = flags | FlowBit.applDone | FlowBit.applPending;
  } else {
    i32[base + FLOW_FLAGS] = flags | FlowBit.applDone;
  }
}
