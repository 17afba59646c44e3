/**
 * The agent's ICMP machinery: ONE raw socket per address family shared by every ping and
 * traceroute task, a random ICMP identifier per agent, the table of outstanding probes, and the
 * single timer heap of their deadlines (and of anything else a task wants woken, such as the
 * pacing of a ping's packets). Open it while privileged; it keeps working after the process drops
 * its privileges (see privileges.ts).
 */

import { errnoMessage, openNativeIcmpSocket } from './native-socket.js';
import {
  echoHeaderBytes,
  fillPattern,
  maxEchoPayload,
  portUnreachable4,
  portUnreachable6,
  writeEchoRequest,
} from './packet.js';
import { IcmpMessage, MessageKind, parseIcmp4, parseIcmp6 } from './parse.js';
import { Outcome, type ProbeListener, ProbeTable } from './probe-table.js';
import { type IcmpSocket, monotonicNs, type ReceiveBatch, type SocketOpener, sourceText } from './socket.js';
import { type Clock, monotonicMs, TimerHeap } from './timer-heap.js';
import { UdpChannel } from './udp-channel.js';

export type Family = 4 | 6;

export interface IcmpEngineConfig {
  /** Families to open sockets for (default both; one that fails is recorded, not thrown). */
  readonly families?: readonly Family[];
  /** The ICMP identifier (default random). */
  readonly id?: number;
}

/** sendEcho's failures (a slot number is ≥ 0); `late` is for callers that did not send at all. */
export const SendError = { tableFull: -1, noSocket: -2, sendFailed: -3, late: -4 } as const;

export interface IcmpEngineStats {
  sent: number;
  sendErrors: number;
  /** Answers matched to an outstanding probe. */
  matched: number;
  /** ICMP messages of the types we listen to that matched nothing (others' traffic, late). */
  unmatched: number;
  receiveErrors: number;
}

export class IcmpEngine {
  readonly id: number;
  readonly timers: TimerHeap;
  readonly stats: IcmpEngineStats = { sent: 0, sendErrors: 0, matched: 0, unmatched: 0, receiveErrors: 0 };
  readonly table: ProbeTable;
  private readonly sockets: [IcmpSocket | undefined, IcmpSocket | undefined] = [undefined, undefined];
  private readonly openErrors: [string, string] = ['not opened', 'not opened'];
  private readonly sendBuf = Buffer.alloc(echoHeaderBytes + maxEchoPayload);
  private readonly msg = new IcmpMessage();
  private readonly udp = new Map<number, UdpChannel>();
  lastSendError = '';

  /** Opens the sockets: call while privileged (root or CAP_NET_RAW). */
  static open(
    config: IcmpEngineConfig = {},
    opener: SocketOpener = openNativeIcmpSocket,
    clock?: Clock,
  ): IcmpEngine {
    const engine = new IcmpEngine(config.id ?? Math.floor(Math.random() * 0x10000), clock);
    for (const family of config.families ?? [4, 6]) engine.openSocket(family, opener);
    return engine;
  }

  private constructor(
    id: number,
    /** The clock of the timer heap and of probe deadlines (ms, monotonic). */
    readonly now: Clock = monotonicMs,
  ) {
    const clock = now;
    this.id = id & 0xffff;
    this.timers = new TimerHeap(clock);
    this.table = new ProbeTable(this.timers, clock);
    fillPattern(this.sendBuf);
  }

  private openSocket(family: Family, opener: SocketOpener): void {
    const i = family === 4 ? 0 : 1;
    const parse = family === 4 ? parseIcmp4 : parseIcmp6;
    try {
      this.sockets[i] = opener(
        family,
        (batch, count) => {
          for (let i = 0; i < count; i++)
            if (parse(batch.messages[i]!, batch.lengths[i]!, this.msg)) this.dispatch(family, batch, i);
        },
        () => this.stats.receiveErrors++,
      );
      this.openErrors[i] = '';
    } catch (err) {
      this.openErrors[i] = err instanceof Error ? err.message : String(err);
    }
  }

  available(family: Family): boolean {
    return this.sockets[family === 4 ? 0 : 1] !== undefined;
  }

  /** Why a family has no socket ('' when it has one). */
  unavailableReason(family: Family): string {
    return this.openErrors[family === 4 ? 0 : 1];
  }

  /**
   * Sends one echo request of `size` payload bytes with TTL / hop limit `ttl` (0: the default)
   * and returns its slot (= sequence number), or a negative SendError. `owner.probeDone` later
   * gets `cookie` and how the probe ended, after at most `timeoutMs`.
   */
  sendEcho(
    family: Family,
    address: string,
    size: number,
    ttl: number,
    timeoutMs: number,
    owner: ProbeListener,
    cookie: number,
  ): number {
    const socket = this.sockets[family === 4 ? 0 : 1];
    if (socket === undefined) return SendError.noSocket;
    const slot = this.table.acquire(owner, cookie, timeoutMs);
    if (slot < 0) return SendError.tableFull;
    const len = writeEchoRequest(
      this.sendBuf,
      family,
      this.id,
      slot,
      this.table.token(slot),
      monotonicNs(),
      size,
    );
    // The socket reads the send time right before sendto, as ping and fping do: a measured RTT
    // is never shorter than the real one.
    const sentNs = socket.send(this.sendBuf, len, address, ttl);
    if (sentNs < 0) {
      this.table.release(slot);
      this.stats.sendErrors++;
      this.lastSendError = errnoMessage(sentNs);
      return SendError.sendFailed;
    }
    this.table.markSent(slot, sentNs);
    this.stats.sent++;
    return slot;
  }

  /** Forgets an outstanding probe (its owner gave up); a later answer is unmatched. */
  release(slot: number): void {
    this.table.release(slot);
  }

  /**
   * Matching for UDP probes sent from local port `localPort` (a traceroute's dgram socket) to
   * `target`, with destination ports from `basePort` on; the ICMP errors they cause arrive here.
   */
  udpChannel(
    family: Family,
    target: string,
    localPort: number,
    basePort: number,
    probes: number,
    owner: ProbeListener,
  ): UdpChannel {
    const key = family * 0x10000 + localPort;
    const channel = new UdpChannel(this.table, family, target, basePort, probes, owner, () =>
      this.udp.delete(key),
    );
    this.udp.set(key, channel);
    return channel;
  }

  close(): void {
    this.timers.close();
    for (const s of this.sockets) s?.close();
    this.sockets[0] = this.sockets[1] = undefined;
    this.openErrors[0] = this.openErrors[1] = 'closed';
  }

  /** Entry `i` of `batch`, just parsed into this.msg. */
  private dispatch(family: Family, batch: ReceiveBatch, i: number): void {
    const m = this.msg;
    const rxNs = batch.stamps[i]!;
    const ttl = family === 4 ? m.ttl : batch.hopLimits[i]!;
    if (m.kind === MessageKind.errorUdp) {
      const channel = this.udp.get(family * 0x10000 + m.srcPort);
      const slot = channel?.slotFor(m.dstPort, batch.messages[i]!, m.quotedDst) ?? -1;
      if (slot < 0) {
        this.stats.unmatched++;
        return;
      }
      this.stats.matched++;
      this.table.complete(slot, this.errorOutcome(), m.code, this.from(slot, batch, i, family), rxNs, ttl);
      return;
    }
    // Echo replies and errors quoting an echo request: identifier, sequence (= slot), token.
    if (m.id !== this.id || !this.table.isOutstanding(m.seq, m.hasToken, m.token)) {
      this.stats.unmatched++;
      return;
    }
    this.stats.matched++;
    const outcome = m.kind === MessageKind.echoReply ? Outcome.reply : this.errorOutcome();
    this.table.complete(m.seq, outcome, m.code, this.from(m.seq, batch, i, family), rxNs, ttl);
  }

  private from(slot: number, batch: ReceiveBatch, i: number, family: Family): string {
    return this.table.wantsAddress(slot) ? sourceText(batch, i, family) : '';
  }

  private errorOutcome(): number {
    return this.msg.timeExceeded ? Outcome.timeExceeded : Outcome.unreachable;
  }
}

/** Whether an unreachable code means the probed host itself answered (UDP port unreachable). */
export function isPortUnreachable(family: Family, code: number): boolean {
  return code === (family === 4 ? portUnreachable4 : portUnreachable6);
}
