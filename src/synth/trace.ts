/**
 * The traceroute test. UDP: datagrams from a dgram socket of the run's own (so its local port
 * names the run) with the TTL / hop limit set per probe and destination ports from `port` up,
 * one per probe, like traceroute; the time-exceeded and port-unreachable errors come back on the
 * agent's shared raw ICMP socket, matched by the quoted ports. ICMP: echo requests on the shared
 * raw socket with the TTL set per send. See trace-run.ts for the pacing and when it stops.
 */
import dgram from 'node:dgram';
import { once } from 'node:events';
import type { Probe, TraceHop, TraceResult, TraceSpec } from './contract.js';
import type { Family, IcmpEngine } from './icmp/engine.js';
import { icmpErrors } from './icmp-errors.js';
import { resolveIp } from './resolve-ip.js';
import { TraceRun, type TraceUdp } from './trace-run.js';

export const maxTraceHops = 255;
export const maxProbesPerHop = 10;

/** Why a spec cannot run ('' when it can). */
export function traceSpecError(spec: TraceSpec): string {
  if (spec.protocol !== 'udp' && spec.protocol !== 'icmp') return 'protocol must be udp or icmp';
  if (!Number.isInteger(spec.maxHops) || spec.maxHops < 1 || spec.maxHops > maxTraceHops)
    return `max hops must be 1..${maxTraceHops}`;
  if (!Number.isInteger(spec.probesPerHop) || spec.probesPerHop < 1 || spec.probesPerHop > maxProbesPerHop)
    return `probes per hop must be 1..${maxProbesPerHop}`;
  if (!(spec.timeoutMs > 0)) return 'timeout must be > 0';
  if (spec.probeTimeoutMs !== undefined && !(spec.probeTimeoutMs > 0)) return 'probe timeout must be > 0';
  const last = spec.port + spec.maxHops * spec.probesPerHop - 1;
  if (spec.protocol === 'udp' && (!Number.isInteger(spec.port) || spec.port < 1 || last > 65_535))
    return 'ports port .. port + hops × probes − 1 must lie in 1..65535';
  return '';
}

function hops(run: TraceRun, spec: TraceSpec): TraceHop[] {
  const out: TraceHop[] = [];
  for (let ttl = 1; ttl <= run.hopCount; ttl++) {
    const probes: { address: string; rttMs: number }[] = [];
    let lost = 0;
    for (let j = 0; j < spec.probesPerHop; j++) {
      const i = (ttl - 1) * spec.probesPerHop + j;
      const rttMs = run.rtts[i]!;
      if (Number.isNaN(rttMs)) lost++;
      probes.push({ address: run.addresses[i]!, rttMs });
    }
    out.push({ ttl, probes, lossPct: (lost / spec.probesPerHop) * 100 });
  }
  return out;
}

function result(spec: TraceSpec, time: number, address: string, error: string, run?: TraceRun): TraceResult {
  return {
    testId: spec.id,
    type: 'trace',
    target: spec.target,
    address,
    time,
    ok: error === '',
    error,
    protocol: spec.protocol,
    hops: run === undefined ? [] : hops(run, spec),
    reached: run?.reached ?? false,
  };
}

/** A UDP socket whose sends to an address literal skip the (asynchronous) DNS lookup. */
async function openUdp(
  engine: IcmpEngine,
  run: TraceRun,
  family: Family,
  address: string,
  port: number,
): Promise<TraceUdp> {
  const socket = dgram.createSocket({
    type: family === 4 ? 'udp4' : 'udp6',
    lookup: (host, _options, callback) => callback(null, host, family),
  });
  socket.on('error', () => {});
  // With a synchronous lookup, bind() may emit 'listening' before it returns.
  const listening = once(socket, 'listening');
  socket.bind(0);
  await listening;
  const channel = engine.udpChannel(family, address, socket.address().port, port, run.total, run);
  return { socket, channel };
}

/** The traceroute probe over an opened engine (its raw sockets are shared with every other task). */
export function createTraceProbe(engine: IcmpEngine): Probe<TraceSpec, TraceResult> {
  return {
    async run(spec, signal) {
      const time = Date.now();
      if (traceSpecError(spec) !== '') return result(spec, time, '', icmpErrors.badSpec);
      const resolved = await resolveIp(spec.target, spec.family);
      if ('error' in resolved) return result(spec, time, '', resolved.error);
      const { address, family } = resolved;
      if (!engine.available(family)) return result(spec, time, address, icmpErrors.noSocket);
      if (signal.aborted) return result(spec, time, address, icmpErrors.aborted);
      let udp: TraceUdp | undefined;
      const run = new TraceRun(engine, spec, family, address);
      try {
        if (spec.protocol === 'udp') {
          udp = await openUdp(engine, run, family, address, spec.port);
          run.useUdp(udp);
        }
        const onAbort = () => run.abort();
        signal.addEventListener('abort', onAbort, { once: true });
        if (signal.aborted) run.abort();
        else run.begin();
        const error = await run.finished;
        signal.removeEventListener('abort', onAbort);
        return result(spec, time, address, error, run);
      } finally {
        udp?.channel.close();
        udp?.socket.close();
      }
    },
  };
}
