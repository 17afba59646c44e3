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
/** Times of the record's first and last packets (valid while it has packets). */
export const H_START = H_PACKETS + 4;
export const H_END = H_PACKETS + 5;
/** The flow's last packet, across records (idle timeout). */
export const H_SEEN = H_PACKETS + 6;
/** tcp_flags | tos << 8 | closing << 16 | app-found << 24 | app-paused << 25 (see the accessors). */
const H_BITS = H_PACKETS + 7;

/**
 * Per-slot state of the flow and of the record being built, in typed arrays (no object per
 * flow). What every packet touches sits in one 64-byte record per slot; the rest is colder.
 */
export class FlowState {
  readonly hot: Float64Array;
  readonly fragments: Uint32Array;
  /** ICMP: the record's l4_dst_port (type * 256 + code of the client's message). */
  readonly icmpPort: Uint16Array;
  /** The slot records as int32 (the decoder index word: `appOf`). */
  private readonly words: Int32Array;
  readonly appState: unknown[];

  /** `slots`: the flow table's slot records (FlowTable.slots), `capacity` of them. */
  constructor(capacity: number, slots: ArrayBuffer) {
    this.hot = new Float64Array(slots, 0, capacity * HOT);
    this.fragments = new Uint32Array(capacity);
    this.icmpPort = new Uint16Array(capacity);
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
    return this.hot[s * HOT + H_SEEN]!;
  }

  tcpFlags(s: number): number {
    return this.hot[s * HOT + H_BITS]! & 0xff;
  }

  tos(s: number): number {
    return (this.hot[s * HOT + H_BITS]! >>> 8) & 0xff;
  }

  closing(s: number): number {
    return (this.hot[s * HOT + H_BITS]! >>> 16) & 0xff;
  }

  /** 1 once the decoder found a field in the flow: its records then carry app_protocol. */
  appFound(s: number): boolean {
    return (this.hot[s * HOT + H_BITS]! & (1 << 24)) !== 0;
  }

  orTcpFlags(s: number, flags: number): void {
    this.hot[s * HOT + H_BITS] = this.hot[s * HOT + H_BITS]! | flags;
  }

  setTos(s: number, tos: number): void {
    const o = s * HOT + H_BITS;
    this.hot[o] = (this.hot[o]! & ~0xff00) | (tos << 8);
  }

  orClosing(s: number, bits: number): void {
    this.hot[s * HOT + H_BITS] = this.hot[s * HOT + H_BITS]! | (bits << 16);
  }

  setAppFound(s: number): void {
    this.hot[s * HOT + H_BITS] = this.hot[s * HOT + H_BITS]! | (1 << 24);
  }

  /** The decoder wants no payloads until the record is exported (its `payload` returned false). */
  appPaused(s: number): boolean {
    return (this.hot[s * HOT + H_BITS]! & (1 << 25)) !== 0;
  }

  setAppPaused(s: number): void {
    this.hot[s * HOT + H_BITS] = this.hot[s * HOT + H_BITS]! | (1 << 25);
  }

  /** Zeroes the record's counters (and TCP flags) after it was exported; its decoder resumes. */
  resetRecord(s: number): void {
    const o = s * HOT;
    this.hot.fill(0, o + H_PACKETS, o + H_PACKETS + 4);
    this.hot[o + H_BITS] = this.hot[o + H_BITS]! & ~(0xff | (1 << 25));
    this.fragments[s] = 0;
  }

  /** Prepares a slot for a new flow. */
  open(s: number, icmpPort: number, app: number, appState: unknown): void {
    this.hot.fill(0, s * HOT + H_PACKETS, s * HOT + H_BITS + 1);
    this.fragments[s] = 0;
    this.icmpPort[s] = icmpPort;
    this.setApp(s, app);
    this.appState[s] = appState;
  }
}
