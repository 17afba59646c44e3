import { KEY_WORDS, SLOT_APP_WORD, SLOT_HOT_WORD } from './flow-table.js';

/** Closing bits of a TCP flow. */
export const Closing = { finFromClient: 1, finFromServer: 2, reset: 4 } as const;

/**
 * Numbers of a slot's hot record, all touched by every packet: `FlowState.hot` views the flow
 * table's slot records as float64, HOT per slot, the hot record in the second half (the key and
 * list links are in the first: src/agent/flow/flow-table.ts).
 */
export const HOT = (KEY_WORDS * 4) / 8;
/** Packets, then bytes, of the record being built, per direction (+ Dir). */
export const H_PACKETS = SLOT_HOT_WORD / 2;
export const H_BYTES = H_PACKETS + 2;
/**
 * Times of the record's first and last packets (the start valid while it has packets); the last
 * is also the flow's last packet across records (idle timeout, eviction).
 */
export const H_START = H_PACKETS + 4;
export const H_END = H_PACKETS + 5;
/**
 * Words (int32) after the float64s: tcp_flags | tos << 8 | closing << 16 | BIT_APP_FOUND |
 * BIT_APP_PAUSED | BIT_APP_SKIPPING << dir.
 */
export const W_BITS = SLOT_HOT_WORD + 12;
/** The record's later fragments and (ICMP) its l4_dst_port. */
const W_FRAGMENTS = W_BITS + 1;
const W_ICMP_PORT = W_BITS + 2;
/**
 * TCP: per direction (+ Dir), the sequence number up to which the decoder skips the direction's
 * segments (AppPayload.skipUntil) while its BIT_APP_SKIPPING bit is set. The client's shares its
 * word with the ICMP port (a flow is one or the other).
 */
export const W_SKIP_UNTIL = W_ICMP_PORT;
export const BIT_APP_FOUND = 1 << 24;
export const BIT_APP_PAUSED = 1 << 25;
/** Shifted by the direction (Dir): that direction's W_SKIP_UNTIL holds. */
export const BIT_APP_SKIPPING = 1 << 26;

/**
 * Per-slot state of the flow and of the record being built, in the flow table's slot records
 * (no object per flow; only the decoders' states sit beside them): what every packet touches is
 * in the slot's 128 bytes.
 */
export class FlowState {
  readonly hot: Float64Array;
  /** The slot records as int32 (decoder index, bits, fragments, ICMP port). */
  readonly words: Int32Array;
  readonly appState: unknown[];

  /** `slots`: the flow table's slot records (FlowTable.slots), `capacity` of them. */
  constructor(capacity: number, slots: ArrayBuffer) {
    this.hot = new Float64Array(slots, 0, capacity * HOT);
    this.words = new Int32Array(slots, 0, capacity * KEY_WORDS);
    this.appState = new Array<unknown>(capacity);
  }

  /** Whether the slot's record has packets not yet exported. */
  pending(s: number): boolean {
    return this.hot[s * HOT + H_PACKETS]! + this.hot[s * HOT + H_PACKETS + 1]! > 0;
  }

  /** Index of the flow's application decoder, -1 for none (or UNDECIDED, see packet-handoff.ts). */
  appOf(s: number): number {
    return this.words[s * KEY_WORDS + SLOT_APP_WORD]!;
  }

  setApp(s: number, app: number): void {
    this.words[s * KEY_WORDS + SLOT_APP_WORD] = app;
  }

  lastSeen(s: number): number {
    return this.hot[s * HOT + H_END]!;
  }

  bits(s: number): number {
    return this.words[s * KEY_WORDS + W_BITS]!;
  }

  tcpFlags(s: number): number {
    return this.bits(s) & 0xff;
  }

  tos(s: number): number {
    return (this.bits(s) >>> 8) & 0xff;
  }

  closing(s: number): number {
    return (this.bits(s) >>> 16) & 0xff;
  }

  /** 1 once the decoder found a field in the flow: its records then carry app_protocol. */
  appFound(s: number): boolean {
    return (this.bits(s) & BIT_APP_FOUND) !== 0;
  }

  orBits(s: number, bits: number): void {
    this.words[s * KEY_WORDS + W_BITS] |= bits;
  }

  /** The decoder wants no payloads until the record is exported (its `payload` returned false). */
  appPaused(s: number): boolean {
    return (this.bits(s) & BIT_APP_PAUSED) !== 0;
  }

  /** The decoder skips the direction's segments that end at or before `seq` (AppPayload.skipUntil). */
  skipUntil(s: number, dir: number, seq: number): void {
    this.words[s * KEY_WORDS + W_SKIP_UNTIL + dir] = seq;
    this.words[s * KEY_WORDS + W_BITS] |= BIT_APP_SKIPPING << dir;
  }

  fragments(s: number): number {
    return this.words[s * KEY_WORDS + W_FRAGMENTS]!;
  }

  addFragment(s: number): void {
    this.words[s * KEY_WORDS + W_FRAGMENTS]!++;
  }

  icmpPort(s: number): number {
    return this.words[s * KEY_WORDS + W_ICMP_PORT]!;
  }

  /** Zeroes the record's counters (and TCP flags) after it was exported; its decoder resumes. */
  resetRecord(s: number): void {
    const o = s * HOT;
    this.hot[o + H_PACKETS] = 0;
    this.hot[o + H_PACKETS + 1] = 0;
    this.hot[o + H_BYTES] = 0;
    this.hot[o + H_BYTES + 1] = 0;
    const w = s * KEY_WORDS;
    this.words[w + W_BITS] = this.words[w + W_BITS]! & ~(0xff | BIT_APP_PAUSED);
    this.words[w + W_FRAGMENTS] = 0;
  }

  /** Prepares a slot for a new flow. */
  open(s: number, icmpPort: number, app: number, appState: unknown): void {
    this.hot.fill(0, s * HOT + H_PACKETS, s * HOT + H_END + 1);
    const w = s * KEY_WORDS;
    this.words[w + W_BITS] = 0;
    this.words[w + W_FRAGMENTS] = 0;
    this.words[w + W_ICMP_PORT] = icmpPort;
    this.setApp(s, app);
    this.appState[s] = appState;
  }
}
