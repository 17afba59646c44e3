import { seqAddSigned as seqAdd, seqGt, seqLe, seqLt } from './seq.js';
import {
  BASE_SEQ,
  DirBit,
  DUP_ACKS,
  LAST_ACK,
  LAST_ACK_TIME,
  MAX_SEQ_TO_BE_ACKED,
  NEXT_SEQ,
  NEXT_SEQ_TIME,
  SMALL,
  type TcpState,
  WINDOW,
} from './state.js';

export const FIN = 1;
export const SYN = 2;
export const RST = 4;
export const ACK = 16;

/** What the analysis found about one segment (a subset of Wireshark's TCP_A_* flags). */
export const Found = {
  retransmission: 1,
  fastRetransmission: 2,
  spuriousRetransmission: 4,
  outOfOrder: 8,
  zeroWindow: 16,
  zeroWindowProbe: 32,
  keepAlive: 64,
  duplicateAck: 128,
} as const;

export const anyRetransmission =
  Found.retransmission | Found.fastRetransmission | Found.spuriousRetransmission;

/** Wireshark's out-of-order window when the initial RTT is not known: 3 ms. */
const DEFAULT_OOO_US = 3000;
/** A retransmission this soon after the duplicate ACKs that asked for it is a fast one: 20 ms. */
const FAST_RETRANSMIT_US = 20_000;

/** Microseconds from `then` to `now` (ms), rounded: captures carry µs (or finer) timestamps. */
function elapsedUs(now: number, then: number): number {
  return Math.round((now - then) * 1000);
}

/**
 * Wireshark's tcp_analyze_sequence_number (epan/dissectors/packet-tcp.c, 4.0), reduced to what
 * decides the retransmission, out-of-order and zero-window flags and the state they depend on:
 * `f` and `r` are the word offsets of the segment's direction block and the reverse one; the
 * segment's time (ms) is `st.now`; `seq` and `ack` are int32 (seq.ts). Returns the `Found` bits.
 * Wireshark's quirks are kept on purpose, as tshark is the reference: 0 stands for "not seen
 * yet" in nextseq/lastack/maxseqtobeacked, and the ack field counts even without the ACK flag.
 * Each field is read once into a local and written once.
 */
export function analyzeSegment(
  st: TcpState,
  f: number,
  r: number,
  firstRttUs: number,
  seq: number,
  ack: number,
  seglen: number,
  flags: number,
  window: number,
): number {
  const i32 = st.i32;
  let fSmall = i32[f + SMALL]!;
  if ((fSmall & DirBit.baseSet) === 0) {
    i32[f + BASE_SEQ] = flags & SYN ? seq : seqAdd(seq, -1);
    fSmall |= DirBit.baseSet;
  }
  let rSmall = i32[r + SMALL]!;
  if ((rSmall & DirBit.baseSet) === 0 && flags & ACK) {
    i32[r + BASE_SEQ] = seqAdd(ack, -1);
    rSmall |= DirBit.baseSet;
    i32[r + SMALL] = rSmall;
  }
  const nextSeq = i32[f + NEXT_SEQ]!;
  const lastAck = i32[f + LAST_ACK]!;
  const control = flags & (SYN | FIN | RST);

  // Zero-window probe, zero window, keep-alive and duplicate ACK (Wireshark's checks up to finished_fwd).
  let found = 0;
  if (seglen === 1 && seq === nextSeq && i32[r + WINDOW] === 0) found = Found.zeroWindowProbe;
  else if (control === 0) {
    if (window === 0) found = Found.zeroWindow;
    if (seglen <= 1 && seq === seqAdd(nextSeq, -1)) found |= Found.keepAlive;
    // A pure ACK repeating the last one with the same window: a duplicate ACK, unless it answers
    // a keep-alive (the reverse direction's last segment).
    if (
      seglen === 0 &&
      seq === nextSeq &&
      ack === lastAck &&
      window !== 0 &&
      window === i32[f + WINDOW] &&
      (rSmall & DirBit.lastKeepAlive) === 0
    ) {
      const dupAcks = i32[f + DUP_ACKS]!;
      i32[f + DUP_ACKS] = dupAcks === -1 ? 1 : dupAcks + 1;
      found |= Found.duplicateAck;
    }
  }
  if (ack !== lastAck) i32[f + DUP_ACKS] = 0;

  // An ACK beyond what the reverse direction was seen sending: a segment was not captured.
  const maxToAck = i32[r + MAX_SEQ_TO_BE_ACKED]!;
  if (maxToAck !== 0 && flags & ACK && seqGt(ack, maxToAck)) {
    // Compared as plain unsigned numbers, as Wireshark does here.
    const reverseNext = i32[r + NEXT_SEQ]!;
    if (maxToAck >>> 0 > reverseNext >>> 0) i32[r + MAX_SEQ_TO_BE_ACKED] = reverseNext;
    else i32[r + DUP_ACKS] = -1;
  }

  if ((seglen > 0 || flags & (SYN | FIN)) && (found & Found.keepAlive) === 0) {
    found |= classifyOld(st, f, r, firstRttUs, seq, seglen, flags, nextSeq);
  }

  let next = seqAdd(seq, seglen);
  if (flags & (SYN | FIN)) next = seqAdd(next, 1);
  const probe = found & Found.zeroWindowProbe;
  const t = st.now;
  let newNext = nextSeq;
  if (probe === 0 && (nextSeq === 0 || seqGt(next, nextSeq))) {
    newNext = next;
    i32[f + NEXT_SEQ] = next;
    st.f64[(f + NEXT_SEQ_TIME) >> 1] = t;
  }
  const maxSeq = i32[f + MAX_SEQ_TO_BE_ACKED]!;
  if (probe === 0 && (seq === maxSeq || maxSeq === 0)) i32[f + MAX_SEQ_TO_BE_ACKED] = newNext;
  i32[f + WINDOW] = window;
  i32[f + LAST_ACK] = ack;
  st.f64[(f + LAST_ACK_TIME) >> 1] = t;
  i32[f + SMALL] =
    (fSmall & ~0xff) |
    DirBit.baseSet |
    (found & Found.keepAlive ? DirBit.lastKeepAlive : 0) |
    (probe ? DirBit.lastZeroWindowProbe : 0);
  return found;
}

/** A segment with data (or SYN/FIN) that may not advance the sequence: which kind of old it is. */
function classifyOld(
  st: TcpState,
  f: number,
  r: number,
  firstRttUs: number,
  seq: number,
  seglen: number,
  flags: number,
  nextSeq: number,
): number {
  const i32 = st.i32;
  const reverseAck = i32[r + LAST_ACK]!;
  if (seglen > 0 && reverseAck !== 0 && seqLe(seqAdd(seq, seglen), reverseAck)) {
    return Found.spuriousRetransmission;
  }
  // Not advanced: before nextseq, except more than one byte starting just before it (after a
  // zero-window probe: new data).
  if (nextSeq === 0 || !seqLt(seq, nextSeq) || (seglen > 1 && seqAdd(nextSeq, -1) === seq)) return 0;
  const t = st.now;
  if (i32[r + DUP_ACKS]! >= 2 && reverseAck === seq) {
    const sinceDupAck = elapsedUs(t, st.f64[(r + LAST_ACK_TIME) >> 1]!);
    if (sinceDupAck >= 0 && sinceDupAck < FAST_RETRANSMIT_US) return Found.fastRetransmission;
  }
  // Wireshark's time arithmetic is unsigned: a negative RTT or elapsed time is huge.
  const threshold =
    firstRttUs === 0 ? DEFAULT_OOO_US : firstRttUs < 0 ? Number.POSITIVE_INFINITY : firstRttUs;
  const sinceNext = elapsedUs(t, st.f64[(f + NEXT_SEQ_TIME) >> 1]!);
  const end = seqAdd(seq, seglen + (flags & (SYN | FIN) ? 1 : 0));
  if (sinceNext >= 0 && sinceNext < threshold && nextSeq !== end) return Found.outOfOrder;
  return Found.retransmission;
}
