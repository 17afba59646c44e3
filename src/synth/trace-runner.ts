/** `flowlens synth run trace TARGET`: options, and text output in the manner of `mtr --report`. */
import { hostname } from 'node:os';
import type { TraceResult, TraceSpec } from './contract.js';
import { pingStats } from './ping-stats.js';
import { intOption, ms, type Runner } from './runners.js';
import { createTraceProbe, maxProbesPerHop, maxTraceHops } from './trace.js';
import { traceWindow } from './trace-run.js';

export const traceDefaults = { maxHops: 30, probesPerHop: 3, port: 33434, timeoutMs: 2000 } as const;

/** mtr --report's table: one row per hop; further addresses answering at a hop on lines below it. */
export function traceText(r: TraceResult): string {
  const host = `HOST: ${hostname()}`.padEnd(35);
  const lines = [
    `Start: ${new Date(r.time).toISOString()}`,
    `${host} Loss%   Snt   Last    Avg   Best   Wrst  StDev`,
  ];
  for (const hop of r.hops) {
    const addresses = [...new Set(hop.probes.map((p) => p.address).filter((a) => a !== ''))];
    const rtts = hop.probes.map((p) => p.rttMs);
    const stats = pingStats(rtts);
    const answered = rtts.filter((x) => !Number.isNaN(x));
    const last = answered.length > 0 ? answered[answered.length - 1]! : Number.NaN;
    const name = `${String(hop.ttl).padStart(3)}.|-- ${addresses[0] ?? '???'}`.padEnd(35);
    const cells = [last, stats.rttAvgMs, stats.rttMinMs, stats.rttMaxMs, stats.rttStddevMs].map((v) =>
      ms(v, 1).padStart(6),
    );
    lines.push(
      `${name} ${`${hop.lossPct.toFixed(1)}%`.padStart(6)} ${String(rtts.length).padStart(5)} ${cells.join(' ')}`,
    );
    for (const other of addresses.slice(1)) lines.push(`    |  \`-- ${other}`);
  }
  if (r.error !== '') lines.push(`(${r.reached ? 'reached' : 'not reached'}: ${r.error})`);
  return `${lines.join('\n')}\n`;
}

export const runner: Runner = {
  options: {
    'max-hops': { type: 'string', short: 'm' },
    probes: { type: 'string', short: 'q' },
    port: { type: 'string', short: 'p' },
    protocol: { type: 'string', short: 'P' },
  },
  help: `  -P, --protocol udp|icmp   UDP datagrams (default) or ICMP echo requests
  -m, --max-hops N          largest TTL / hop limit (default ${traceDefaults.maxHops})
  -q, --probes N            probes per hop (default ${traceDefaults.probesPerHop})
  -p, --port P              UDP: first destination port, one more per probe (default ${traceDefaults.port})
      --timeout MS          how long each probe waits for its answer (default ${traceDefaults.timeoutMs})`,
  spec(common, values) {
    const protocol = values.protocol ?? 'udp';
    if (protocol !== 'udp' && protocol !== 'icmp')
      return `--protocol must be udp or icmp, not '${String(protocol)}'`;
    const maxHops = intOption(values, 'max-hops', traceDefaults.maxHops, 1, maxTraceHops);
    const probes = intOption(values, 'probes', traceDefaults.probesPerHop, 1, maxProbesPerHop);
    const port = intOption(values, 'port', traceDefaults.port, 1, 65_535);
    for (const v of [maxHops, probes, port]) if (typeof v === 'string') return v;
    if ((port as number) + (maxHops as number) * (probes as number) - 1 > 65_535)
      return '--port + --max-hops × --probes must stay below 65536';
    const probeTimeoutMs = common.timeoutMs ?? traceDefaults.timeoutMs;
    return {
      id: 'adhoc',
      type: 'trace',
      target: common.target,
      intervalS: 0,
      // --timeout is each probe's (traceroute -w); the deadline is what the slowest run needs:
      // every window of probes waiting out its timeout, plus one more for the pacing.
      timeoutMs: (Math.ceil(((maxHops as number) * (probes as number)) / traceWindow) + 1) * probeTimeoutMs,
      ...(common.family === undefined ? {} : { family: common.family }),
      protocol,
      maxHops: maxHops as number,
      probesPerHop: probes as number,
      port: port as number,
      probeTimeoutMs,
    } satisfies TraceSpec;
  },
  run: (spec, context, signal) => createTraceProbe(context.icmp()).run(spec as TraceSpec, signal),
  text: (result) => traceText(result as TraceResult),
};
