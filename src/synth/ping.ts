/**
 * The ping test: `count` echo requests of `size` payload bytes, one every `packetIntervalMs`
 * (paced from the run's start, so no drift), through the agent's shared raw socket. `timeoutMs`
 * is the run's deadline: every request must be sent before it, and each waits for its reply
 * `probeTimeoutMs` (like fping -t / ping -W), or until the deadline, whichever comes first; a
 * later reply counts as lost. No timer of its own: pacing and timeouts go through the engine's
 * single timer heap.
 */
import type { PingResult, PingSpec, Probe } from './contract.js';
import { type Family, type IcmpEngine, SendError } from './icmp/engine.js';
import { maxEchoPayload } from './icmp/packet.js';
import { Outcome, type ProbeListener } from './icmp/probe-table.js';
import type { TimerTarget } from './icmp/timer-heap.js';
import { icmpErrors } from './icmp-errors.js';
import { pingStats } from './ping-stats.js';
import { resolveIp } from './resolve-ip.js';

export const maxPingCount = 100_000;

/** Why a spec cannot run ('' when it can). */
export function pingSpecError(spec: PingSpec): string {
  if (!Number.isInteger(spec.count) || spec.count < 1 || spec.count > maxPingCount)
    return `count must be 1..${maxPingCount}`;
  if (!Number.isInteger(spec.size) || spec.size < 0 || spec.size > maxEchoPayload)
    return `size must be 0..${maxEchoPayload}`;
  if (!(spec.packetIntervalMs >= 0) || !(spec.timeoutMs > 0)) return 'interval must be ≥ 0 and timeout > 0';
  if (spec.probeTimeoutMs !== undefined && !(spec.probeTimeoutMs > 0)) return 'probe timeout must be > 0';
  if ((spec.count - 1) * spec.packetIntervalMs >= spec.timeoutMs)
    return 'timeout must exceed (count − 1) × interval, or the last requests could not be sent';
  return '';
}

class PingRun implements ProbeListener, TimerTarget {
  readonly rtts: Float64Array;
  private readonly slots: Int32Array;
  private readonly start: number;
  private readonly deadline: number;
  private next = 0;
  private pending = 0;
  private sent = 0;
  private unreachable = 0;
  private sendError = '';
  private done = false;
  private resolve!: (error: string) => void;
  readonly finished = new Promise<string>((resolve) => {
    this.resolve = resolve;
  });

  constructor(
    private readonly engine: IcmpEngine,
    private readonly spec: PingSpec,
    private readonly family: Family,
    private readonly address: string,
  ) {
    this.rtts = new Float64Array(spec.count).fill(Number.NaN);
    this.slots = new Int32Array(spec.count).fill(-1);
    this.start = engine.now();
    this.deadline = this.start + spec.timeoutMs;
  }

  get sentCount(): number {
    return this.sent;
  }

  begin(): void {
    this.onTimer();
  }

  /** Sends the next probe and schedules the one after. */
  onTimer(): void {
    if (this.done) return;
    const i = this.next++;
    const { spec } = this;
    // A pacing timer that fires past the deadline (a stalled event loop) sends nothing more.
    const wait = Math.min(spec.probeTimeoutMs ?? spec.timeoutMs, this.deadline - this.engine.now());
    const slot =
      wait > 0
        ? this.engine.sendEcho(this.family, this.address, spec.size, 0, wait, this, i)
        : SendError.late;
    if (slot >= 0) {
      this.slots[i] = slot;
      this.pending++;
      this.sent++;
    } else {
      if (slot !== SendError.late)
        this.sendError = slot === SendError.tableFull ? icmpErrors.busy : icmpErrors.sendFailed;
    }
    if (this.next < spec.count)
      this.engine.timers.add(this.start + this.next * spec.packetIntervalMs, this, 0);
    else this.maybeFinish();
  }

  probeDone(cookie: number, outcome: number, _code: number, _from: string, rttMs: number): void {
    if (this.done) return;
    this.slots[cookie] = -1;
    this.pending--;
    if (outcome === Outcome.reply) this.rtts[cookie] = rttMs;
    else if (outcome === Outcome.unreachable || outcome === Outcome.timeExceeded) this.unreachable++;
    this.maybeFinish();
  }

  abort(): void {
    if (this.done) return;
    for (const slot of this.slots) if (slot >= 0) this.engine.release(slot);
    this.finish(icmpErrors.aborted);
  }

  private maybeFinish(): void {
    if (this.next < this.spec.count || this.pending > 0) return;
    let received = 0;
    for (const r of this.rtts) if (!Number.isNaN(r)) received++;
    if (received > 0) this.finish('');
    else if (this.sent === 0) this.finish(this.sendError || icmpErrors.timeout);
    else this.finish(this.unreachable > 0 ? icmpErrors.unreachable : icmpErrors.timeout);
  }

  private finish(error: string): void {
    this.done = true;
    this.resolve(error);
  }
}

function result(
  spec: PingSpec,
  time: number,
  address: string,
  error: string,
  sent: number,
  rtts: ArrayLike<number>,
): PingResult {
  const stats = pingStats(rtts);
  return {
    testId: spec.id,
    type: 'ping',
    target: spec.target,
    address,
    time,
    ok: error === '',
    error,
    sent,
    lossPct: sent === 0 ? 100 : ((sent - stats.received) / sent) * 100,
    ...stats,
    rttsMs: Array.from(rtts),
  };
}

/** The ping probe over an opened engine (whose raw sockets it shares with every other task). */
export function createPingProbe(engine: IcmpEngine): Probe<PingSpec, PingResult> {
  return {
    async run(spec, signal) {
      const time = Date.now();
      const nothing: number[] = [];
      const invalid = pingSpecError(spec);
      if (invalid !== '') return result(spec, time, '', icmpErrors.badSpec, 0, nothing);
      if (signal.aborted) return result(spec, time, '', icmpErrors.aborted, 0, nothing);
      const resolved = await resolveIp(spec.target, spec.family);
      if ('error' in resolved) return result(spec, time, '', resolved.error, 0, nothing);
      if (signal.aborted) return result(spec, time, resolved.address, icmpErrors.aborted, 0, nothing);
      if (!engine.available(resolved.family))
        return result(spec, time, resolved.address, icmpErrors.noSocket, 0, nothing);
      const run = new PingRun(engine, spec, resolved.family, resolved.address);
      const onAbort = () => run.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      run.begin();
      const error = await run.finished;
      signal.removeEventListener('abort', onAbort);
      return result(spec, time, resolved.address, error, run.sentCount, run.rtts);
    },
  };
}
