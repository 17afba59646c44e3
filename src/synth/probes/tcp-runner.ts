/** `flowlens synth run tcp HOST --port P`: one connect, timed. */
import type { TcpResult, TcpSpec } from '../contract.js';
import { intOption, ms, type Runner } from '../runners.js';
import { tcpProbe } from './tcp-probe.js';

export const tcpDefaults = { timeoutMs: 5000 } as const;

export function tcpText(r: TcpResult, spec: TcpSpec): string {
  const where = `${r.address === '' ? r.target : r.address.includes(':') ? `[${r.address}]` : r.address}:${spec.port}`;
  return r.ok ? `connected to ${where} in ${ms(r.latencyMs)} ms\n` : `${where}: ${r.error}\n`;
}

export const runner: Runner = {
  options: { port: { type: 'string', short: 'p' } },
  help: `  -p, --port P         the port to connect to (required)
      --timeout MS     the connect's deadline (default ${tcpDefaults.timeoutMs})`,
  spec(common, values) {
    if (values.port === undefined) return 'tcp needs --port P';
    const port = intOption(values, 'port', 0, 1, 65_535);
    if (typeof port === 'string') return port;
    return {
      id: 'adhoc',
      type: 'tcp',
      target: common.target,
      intervalS: 0,
      timeoutMs: common.timeoutMs ?? tcpDefaults.timeoutMs,
      ...(common.family === undefined ? {} : { family: common.family }),
      port,
    } satisfies TcpSpec;
  },
  run: (spec, _context, signal) => tcpProbe.run(spec as TcpSpec, signal),
  text: (result, spec) => tcpText(result as TcpResult, spec as TcpSpec),
};
