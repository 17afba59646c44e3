/** `flowlens synth run ping TARGET`: options, and text output in the manner of `fping -c`. */
import type { PingResult, PingSpec } from './contract.js';
import { maxEchoPayload } from './icmp/packet.js';
import { createPingProbe, maxPingCount, startPing } from './ping.js';
import { intOption, ms, type Runner } from './runners.js';

export const pingDefaults = { count: 5, intervalMs: 1000, size: 56, timeoutMs: 1000 } as const;

/** One line per probe, then the summary (fping -c's xmt/rcv/%loss and min/avg/max, plus stddev and jitter). */
export function pingText(r: PingResult, spec: PingSpec): string {
  const name = r.address !== '' && r.address !== r.target ? `${r.target} (${r.address})` : r.target;
  const lines = r.rttsMs.map((rtt, i) =>
    Number.isNaN(rtt)
      ? `${name} : [${i}], timed out`
      : `${name} : [${i}], ${spec.size + 8} bytes, ${ms(rtt)} ms`,
  );
  const loss = Number.isNaN(r.lossPct) ? '-' : Math.round(r.lossPct);
  let summary = `${name} : xmt/rcv/%loss = ${r.sent}/${r.received}/${loss}%`;
  if (r.received > 0)
    summary += `, min/avg/max = ${ms(r.rttMinMs)}/${ms(r.rttAvgMs)}/${ms(r.rttMaxMs)}, stddev = ${ms(r.rttStddevMs)}, jitter = ${ms(r.jitterMs)}`;
  if (r.error !== '') summary += ` (${r.error})`;
  return `${[...lines, summary].join('\n')}\n`;
}

export const runner: Runner = {
  options: {
    count: { type: 'string', short: 'c' },
    interval: { type: 'string', short: 'i' },
    size: { type: 'string', short: 's' },
  },
  help: `  -c, --count N        echo requests to send (default ${pingDefaults.count})
  -i, --interval MS    between them (default ${pingDefaults.intervalMs})
  -s, --size B         payload bytes (default ${pingDefaults.size})
      --timeout MS     how long each waits for its reply (default ${pingDefaults.timeoutMs})`,
  spec(common, values) {
    const count = intOption(values, 'count', pingDefaults.count, 1, maxPingCount);
    const interval = intOption(values, 'interval', pingDefaults.intervalMs, 0, 3_600_000);
    const size = intOption(values, 'size', pingDefaults.size, 0, maxEchoPayload);
    for (const v of [count, interval, size]) if (typeof v === 'string') return v;
    const probeTimeoutMs = common.timeoutMs ?? pingDefaults.timeoutMs;
    return {
      id: 'adhoc',
      type: 'ping',
      target: common.target,
      intervalS: 0,
      // --timeout is each request's (fping -t); the run's deadline leaves the last one that long.
      timeoutMs: ((count as number) - 1) * (interval as number) + probeTimeoutMs,
      ...(common.family === undefined ? {} : { family: common.family }),
      count: count as number,
      packetIntervalMs: interval as number,
      size: size as number,
      probeTimeoutMs,
    } satisfies PingSpec;
  },
  run: (spec, context, signal) => createPingProbe(context.icmp()).run(spec as PingSpec, signal),
  start: (spec, context, time, done) => startPing(context.icmp(), spec as PingSpec, time, done),
  text: (result, spec) => pingText(result as PingResult, spec as PingSpec),
};
