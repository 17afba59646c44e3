/**
 * The ping test: `count` echo requests of `size` payload bytes, one every `packetIntervalMs`
 * (paced from the run's start, so no drift), through the agent's shared raw socket. `timeoutMs`
 * is the run's deadline: every request must be sent before it, and each waits for its reply
 * `probeTimeoutMs` (like fping -t / ping -W), or until the deadline, whichever comes first; a
 * later reply counts as lost. No timer of its own: pacing and timeouts go through the engine's
 * single timer heap.
 */
import type { PingResult, PingSpec, Probe, RunHandle } from './contract.js';
import { type Family, type IcmpEngine, SendError } from './icmp/engine.js';
import { maxEchoPayload } from './icmp/packet.js';
import { Outcome, type ProbeListener } from './icmp/probe-table.js';
import type { TimerTarget } from './icmp/timer-heap.js';
import { icmpErrors } from './icmp-errors.js';
import { pingStats } from './ping-stats.js';
import { literalIp, type ResolvedIp, resolveIp } from './resolve-ip.js';

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

/** What a spec's validation and (for an address) resolution found: the same for each of its runs. */
interface Prepared {
  readonly error: string;
  /** The address, when the target is one; undefined: a name to look up at each run. */
  readonly literal: ResolvedIp | { error: string } | undefined;
}
const prepared = new WeakMap<PingSpec, Prepared>();

function prepare(spec: PingSpec): Prepared {
  let p = prepared.get(spec);
  if (p === undefined) {
    const error = pingSpecError(spec) === '' ? '' : icmpErrors.badSpec;
    p = { error, literal: error === '' ? literalIp(spec.target, spec.family) : undefined };
    prepared.set(spec, p);
  }
  return p;
}

class PingRun implements ProbeListener, TimerTarget, RunHandle {
  readonly wantsAddress = false;
  /** Each request's RTT (NaN: none yet), handed over as the result's rttsMs. */
  private rtts: number[] = [];
  private slots: number[] = [];
  private start = 0;
  private deadline = 0;
  private family: Family = 4;
  private address = '';
  private next = 0;
  private pending = 0;
  private sent = 0;
  private unreachable = 0;
  private sendError = '';
  private done = false;

  constructor(
    private readonly engine: IcmpEngine,
    private readonly spec: PingSpec,
    private readonly time: number,
    private readonly onDone: (result: PingResult) => void,
  ) {}

  /** Resolves the target (at once for an address), then sends the first request. */
  begin(): void {
    const { spec } = this;
    const { error, literal } = prepare(spec);
    if (error !== '') {
      this.finish(error);
      return;
    }
    if (literal !== undefined) this.resolved(literal);
    else
      void resolveIp(spec.target, spec.family).then((r) => {
        if (!this.done) this.resolved(r);
      });
  }

  private resolved(r: ResolvedIp | { error: string }): void {
    if ('error' in r) {
      this.finish(r.error);
      return;
    }
    this.address = r.address;
    this.family = r.family;
    if (!this.engine.available(r.family)) {
      this.finish(icmpErrors.noSocket);
      return;
    }
    const { count } = this.spec;
    this.rtts = new Array<number>(count).fill(Number.NaN);
    this.slots = new Array<number>(count).fill(-1);
    this.start = this.engine.now();
    this.deadline = this.start + this.spec.timeoutMs;
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
    this.onDone(pingResult(this.spec, this.time, this.address, error, this.sent, this.rtts));
  }
}

export function pingResult(
  spec: PingSpec,
  time: number,
  address: string,
  error: string,
  sent: number,
  rttsMs: number[],
): PingResult {
  const s = pingStats(rttsMs);
  return {
    testId: spec.id,
    type: 'ping',
    target: spec.target,
    address,
    time,
    ok: error === '',
    error,
    sent,
    received: s.received,
    lossPct: sent === 0 ? 100 : ((sent - s.received) / sent) * 100,
    rttMinMs: s.rttMinMs,
    rttAvgMs: s.rttAvgMs,
    rttMaxMs: s.rttMaxMs,
    rttStddevMs: s.rttStddevMs,
    jitterMs: s.jitterMs,
    rttsMs,
  };
}

/**
 * Starts a ping over an opened engine (whose raw sockets it shares with every other task): the
 * scheduler's fast path, with no promise, AbortSignal or timer of its own (Probe.start).
 */
export function startPing(
  engine: IcmpEngine,
  spec: PingSpec,
  time: number,
  done: (result: PingResult) => void,
): RunHandle {
  const run = new PingRun(engine, spec, time, done);
  run.begin();
  return run;
}

/** The ping probe over an opened engine. */
export function createPingProbe(engine: IcmpEngine): Probe<PingSpec, PingResult> {
  const start = (spec: PingSpec, time: number, done: (result: PingResult) => void): RunHandle =>
    startPing(engine, spec, time, done);
  return {
    start,
    run: (spec, signal) =>
      new Promise((resolve) => {
        if (signal.aborted) return resolve(pingResult(spec, Date.now(), '', icmpErrors.aborted, 0, []));
        const onAbort = () => run.abort();
        const run = start(spec, Date.now(), (result) => {
          signal.removeEventListener('abort', onAbort);
          resolve(result);
        });
        signal.addEventListener('abort', onAbort, { once: true });
      }),
  };
}
