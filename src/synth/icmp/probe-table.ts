/**
 * The outstanding probes of the whole agent, in 65 536 slots held in typed arrays. An ICMP echo
 * probe's slot is its sequence number; a UDP probe holds a slot too, for its send time and its
 * timeout. A slot's deadline sits in the shared TimerHeap with the slot's generation, so a reply
 * or a release makes the pending timeout a no-op without touching the heap.
 */
import { type Clock, monotonicMs, type TimerHeap, type TimerTarget } from './timer-heap.js';

export const Outcome = {
  /** Echo reply from the target. */
  reply: 0,
  /** Time exceeded (TTL / hop limit) from a router. */
  timeExceeded: 1,
  /** Destination unreachable (code in `code`; port unreachable means the target answered). */
  unreachable: 2,
  timeout: 3,
} as const;

/** Whoever sent a probe hears how it ended, once. */
export interface ProbeListener {
  /** False when `from` is not used (ping): answers then skip formatting the address ('' instead). */
  readonly wantsAddress?: boolean;
  /**
   * `from`: the address that answered ('' on timeout); `rttMs`: NaN on timeout; `code`: the ICMP
   * code of an unreachable; `ttl`: the answer's TTL / hop limit (-1 on timeout or when unknown).
   */
  probeDone(cookie: number, outcome: number, code: number, from: string, rttMs: number, ttl: number): void;
}

export const slotCount = 65_536;

export class ProbeTable implements TimerTarget {
  private readonly busy = new Uint8Array(slotCount);
  private readonly gen = new Uint32Array(slotCount);
  private readonly tokens = new Uint32Array(slotCount);
  private readonly cookies = new Float64Array(slotCount);
  /** Send times, ns on the sockets' clock (socket.ts). */
  private readonly sentNs = new Float64Array(slotCount);
  private readonly owners: (ProbeListener | undefined)[] = new Array(slotCount).fill(undefined);
  private next = Math.floor(Math.random() * slotCount);
  inFlight = 0;
  timeouts = 0;

  constructor(
    private readonly timers: TimerHeap,
    private readonly clock: Clock = monotonicMs,
  ) {}

  /** A free slot for a probe about to be sent, with a fresh random token; -1 when all are busy. */
  acquire(owner: ProbeListener, cookie: number, timeoutMs: number): number {
    for (let k = 0; k < slotCount; k++) {
      const slot = (this.next + k) & 0xffff;
      if (this.busy[slot] !== 0) continue;
      this.next = (slot + 1) & 0xffff;
      this.busy[slot] = 1;
      this.owners[slot] = owner;
      this.cookies[slot] = cookie;
      this.tokens[slot] = (Math.random() * 0x1_0000_0000) >>> 0;
      this.inFlight++;
      this.timers.add(this.clock() + timeoutMs, this, slot + this.gen[slot]! * slotCount);
      return slot;
    }
    return -1;
  }

  token(slot: number): number {
    return this.tokens[slot]!;
  }

  markSent(slot: number, ns: number): void {
    this.sentNs[slot] = ns;
  }

  /** Whether `slot` is an outstanding probe of `owner` / with this token (when one was seen). */
  isOutstanding(slot: number, hasToken: boolean, token: number): boolean {
    return this.busy[slot] !== 0 && (!hasToken || this.tokens[slot] === token);
  }

  /** Whether the owner of outstanding `slot` uses answers' addresses. */
  wantsAddress(slot: number): boolean {
    return this.owners[slot]?.wantsAddress !== false;
  }

  heldBy(slot: number, owner: ProbeListener, cookie: number): boolean {
    return this.busy[slot] !== 0 && this.owners[slot] === owner && this.cookies[slot] === cookie;
  }

  /** Ends an outstanding probe with an answer the kernel received at `rxNs`. */
  complete(slot: number, outcome: number, code: number, from: string, rxNs: number, ttl: number): void {
    const owner = this.owners[slot]!;
    const cookie = this.cookies[slot]!;
    const rttMs = (rxNs - this.sentNs[slot]!) / 1e6;
    this.release(slot);
    owner.probeDone(cookie, outcome, code, from, rttMs, ttl);
  }

  /** Frees a slot without telling its owner (the owner gave up on it, or its send failed). */
  release(slot: number): void {
    if (this.busy[slot] === 0) return;
    this.busy[slot] = 0;
    this.gen[slot] = (this.gen[slot]! + 1) >>> 0;
    this.owners[slot] = undefined;
    this.inFlight--;
  }

  isStale(arg: number): boolean {
    const slot = arg % slotCount;
    return this.busy[slot] === 0 || this.gen[slot] !== (arg - slot) / slotCount;
  }

  onTimer(arg: number): void {
    if (this.isStale(arg)) return;
    const slot = arg % slotCount;
    const owner = this.owners[slot]!;
    const cookie = this.cookies[slot]!;
    this.release(slot);
    this.timeouts++;
    owner.probeDone(cookie, Outcome.timeout, 0, '', Number.NaN, -1);
  }
}
