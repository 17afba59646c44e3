/**
 * One traceroute run: probes for TTL 1, 1, 1, 2, 2, 2, … (probesPerHop each), up to `window` of
 * them in flight at once like traceroute's -N 16, each waiting `probeTimeoutMs` (cut at the run's
 * deadline `timeoutMs`, after which nothing more is sent and the run ends with what it has). The
 * first TTL at which the destination answers (UDP: port unreachable; ICMP: echo reply) ends the
 * path: no probe beyond it is sent, and those already out are forgotten. Another unreachable
 * (host, network, prohibited: traceroute's !H !N !X) ends it too, unreached.
 */
import type dgram from 'node:dgram';
import type { TraceSpec } from './contract.js';
import { type Family, type IcmpEngine, isPortUnreachable } from './icmp/engine.js';
import { Outcome, type ProbeListener } from './icmp/probe-table.js';
import type { UdpChannel } from './icmp/udp-channel.js';
import { icmpErrors } from './icmp-errors.js';

/** Probes in flight at once (traceroute's default -N). */
export const traceWindow = 16;
/** How long a probe waits when the spec says nothing (traceroute's -w 5). */
export const defaultTraceProbeTimeoutMs = 5000;
/** Payload bytes of each probe: traceroute's default 60-byte IPv4 packet (80 for IPv6). */
export const tracePayloadBytes = 32;

export interface TraceUdp {
  readonly socket: dgram.Socket;
  readonly channel: UdpChannel;
}

export class TraceRun implements ProbeListener {
  readonly total: number;
  readonly addresses: string[];
  readonly rtts: Float64Array;
  /** The first TTL whose answer ended the path (Infinity while none has). */
  destTtl = Number.POSITIVE_INFINITY;
  reached = false;
  private readonly slots: Int32Array;
  private readonly deadline: number;
  private readonly probeTimeoutMs: number;
  /** UDP mode: the run's socket and its matching channel (set before begin); ICMP mode: none. */
  private udp: TraceUdp | undefined;
  private readonly payload = Buffer.alloc(tracePayloadBytes);
  private next = 0;
  private inFlight = 0;
  private sent = 0;
  private sendErrors = 0;
  /** UDP: the probe whose send has not completed yet (sends go one at a time, see sendUdp). */
  private sending = -1;
  private done = false;
  private resolve!: (error: string) => void;
  readonly finished = new Promise<string>((resolve) => {
    this.resolve = resolve;
  });
  private scheduled = false;
  private readonly fillLater = (): void => {
    this.scheduled = false;
    this.fill();
  };
  private readonly afterUdpSend = (err: Error | null): void => {
    const i = this.sending;
    this.sending = -1;
    if (err) this.sendFailed(i);
    this.schedule();
  };

  constructor(
    private readonly engine: IcmpEngine,
    private readonly spec: TraceSpec,
    private readonly family: Family,
    private readonly address: string,
  ) {
    this.total = spec.maxHops * spec.probesPerHop;
    this.addresses = new Array<string>(this.total).fill('');
    this.rtts = new Float64Array(this.total).fill(Number.NaN);
    this.slots = new Int32Array(this.total).fill(-1);
    this.deadline = engine.now() + spec.timeoutMs;
    this.probeTimeoutMs = spec.probeTimeoutMs ?? defaultTraceProbeTimeoutMs;
  }

  ttlOf(probe: number): number {
    return Math.floor(probe / this.spec.probesPerHop) + 1;
  }

  /** The number of hops the result shows. */
  get hopCount(): number {
    if (Number.isFinite(this.destTtl)) return this.destTtl;
    return this.done && this.next < this.total ? this.ttlOf(Math.max(0, this.next - 1)) : this.spec.maxHops;
  }

  useUdp(udp: TraceUdp): void {
    this.udp = udp;
  }

  begin(): void {
    this.fill();
  }

  probeDone(probe: number, outcome: number, code: number, from: string, rttMs: number): void {
    if (this.done) return;
    this.slots[probe] = -1;
    this.inFlight--;
    if (outcome !== Outcome.timeout) {
      this.addresses[probe] = from;
      this.rtts[probe] = rttMs;
    }
    const ttl = this.ttlOf(probe);
    if ((outcome === Outcome.reply || outcome === Outcome.unreachable) && ttl <= this.destTtl) {
      const reached = outcome === Outcome.reply || isPortUnreachable(this.family, code);
      if (ttl < this.destTtl || reached) this.reached = reached;
      if (ttl < this.destTtl) this.forgetBeyond(ttl);
      this.destTtl = ttl;
    }
    this.fill();
  }

  abort(): void {
    if (this.done) return;
    this.forgetBeyond(0);
    this.finish(icmpErrors.aborted);
  }

  /**
   * Sends the next probe if the window allows, one per event-loop turn so that answers to the
   * earlier ones are read (and timed) in between; finishes when nothing is left in flight.
   */
  private fill(): void {
    if (this.done || this.sending >= 0) return;
    if (this.inFlight < traceWindow && this.canSend()) {
      this.send(this.next++);
      this.schedule();
      return;
    }
    if (this.inFlight === 0 && !this.canSend()) this.finish(this.outcomeError());
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(this.fillLater);
  }

  private canSend(): boolean {
    return this.next < this.total && this.ttlOf(this.next) <= this.destTtl && this.waitMs() > 0;
  }

  /** How long a probe sent now may wait: its own timeout, cut at the run's deadline. */
  private waitMs(): number {
    return Math.min(this.probeTimeoutMs, this.deadline - this.engine.now());
  }

  private send(probe: number): void {
    const ttl = this.ttlOf(probe);
    const wait = this.waitMs();
    if (this.udp === undefined) {
      const slot = this.engine.sendEcho(this.family, this.address, tracePayloadBytes, ttl, wait, this, probe);
      if (slot < 0) {
        this.sendErrors++;
        return;
      }
      this.slots[probe] = slot;
      this.inFlight++;
      this.sent++;
      return;
    }
    // setTTL applies to the socket's following sends; the next probe waits for this send's
    // callback, so each datagram leaves with its own TTL even if the kernel queue was full.
    const { socket, channel } = this.udp;
    if (!channel.track(probe, wait)) {
      this.sendErrors++;
      return;
    }
    this.inFlight++;
    this.sent++;
    this.sending = probe;
    try {
      socket.setTTL(ttl);
      channel.stamp(probe);
      socket.send(this.payload, this.spec.port + probe, this.address, this.afterUdpSend);
    } catch (err) {
      this.afterUdpSend(err as Error);
    }
  }

  private sendFailed(probe: number): void {
    this.udp?.channel.untrack(probe);
    this.inFlight--;
    this.sent--;
    this.sendErrors++;
  }

  /** Forgets the probes in flight beyond `ttl` (their answers no longer matter). */
  private forgetBeyond(ttl: number): void {
    for (let probe = 0; probe < this.next; probe++) {
      if (this.ttlOf(probe) <= ttl || probe === this.sending) continue;
      if (this.udp !== undefined) {
        if (this.udp.channel.untrack(probe)) this.inFlight--;
      } else if (this.slots[probe]! >= 0) {
        this.engine.release(this.slots[probe]!);
        this.slots[probe] = -1;
        this.inFlight--;
      }
    }
  }

  private outcomeError(): string {
    if (this.reached) return '';
    if (this.sent === 0 && this.sendErrors > 0) return icmpErrors.sendFailed;
    if (Number.isFinite(this.destTtl)) return icmpErrors.unreachable;
    // Stopped by the run's deadline before every hop was probed.
    return this.next < this.total ? icmpErrors.timeout : icmpErrors.notReached;
  }

  private finish(error: string): void {
    this.done = true;
    this.resolve(error);
  }
}
