/**
 * `flowlens synth`: `synth run <type> TARGET [options]` runs one test now and prints its result
 * (the runners in src/synth/runners.ts); `synth --server URL --token TOKEN` is the long-running
 * agent, whose module plugs in at `loadAgent`.
 */
import { parseArgs } from 'node:util';
import { IcmpEngine } from '../synth/icmp/engine.js';
import { type OptionValues, runners } from '../synth/runners.js';
import type { Command } from './commands.js';

/** The long-running agent (`flowlens synth --server URL …`). */
const loadAgent: (() => Promise<Command>) | undefined = () => import('./synth-agent.js');

const usage = `Usage: flowlens synth run <type> TARGET [options]
       flowlens synth --server URL --token TOKEN     (the long-running agent)

Runs one synthetic test now and prints its result. Types: ${Object.keys(runners).join(', ')}.

Options of every type:
  -4, -6               use IPv4 / IPv6 only (default: whatever TARGET resolves to first)
      --timeout MS     how long the test (ping, trace: each probe) may take
  -f, --format F       text (default: like fping -c / mtr --report) or json (the result object)
  -h, --help           this help; 'flowlens synth run <type> --help' lists the type's options

Ping and trace use raw ICMP sockets: run as root or with CAP_NET_RAW (see docs/synth.md).
Exit status: 0 when the test succeeded, 1 when it failed (the result says why), 2 on bad usage.
`;

const common = {
  ipv4: { type: 'boolean', short: '4' },
  ipv6: { type: 'boolean', short: '6' },
  timeout: { type: 'string' },
  format: { type: 'string', short: 'f' },
  help: { type: 'boolean', short: 'h' },
} as const;

function fail(message: string): number {
  process.stderr.write(`flowlens synth: ${message}\n`);
  return 2;
}

async function runOnce(args: string[]): Promise<number> {
  const [type, ...rest] = args;
  if (type === undefined || type === '--help' || type === '-h') {
    process.stdout.write(usage);
    return type === undefined ? 2 : 0;
  }
  const load = runners[type];
  if (load === undefined)
    return fail(`unknown test type '${type}' (one of ${Object.keys(runners).join(', ')})`);
  const runner = await load();
  let values: OptionValues;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: rest,
      options: { ...common, ...runner.options },
      allowPositionals: true,
    }));
  } catch (err) {
    return fail((err as Error).message);
  }
  if (values.help) {
    process.stdout.write(`Usage: flowlens synth run ${type} TARGET [options]\n\n${runner.help}\n`);
    return 0;
  }
  if (positionals.length !== 1) return fail(`synth run ${type} takes one TARGET, not ${positionals.length}`);
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    return fail(`--format must be text or json, not '${String(format)}'`);
  if (values.ipv4 && values.ipv6) return fail('-4 and -6 exclude each other');
  const timeoutText = values.timeout;
  const timeoutMs = timeoutText === undefined ? undefined : Number(timeoutText);
  if (
    timeoutMs !== undefined &&
    (!/^\d+$/.test(String(timeoutText)) || timeoutMs < 1 || timeoutMs > 3_600_000)
  )
    return fail(`--timeout must be milliseconds from 1 to 3600000, not '${String(timeoutText)}'`);
  const family = values.ipv4 ? 4 : values.ipv6 ? 6 : undefined;
  const spec = runner.spec({ target: positionals[0]!, family, timeoutMs }, values);
  if (typeof spec === 'string') return fail(spec);

  let engine: IcmpEngine | undefined;
  const controller = new AbortController();
  const onSignal = () => controller.abort();
  process.once('SIGINT', onSignal);
  try {
    const result = await runner.run(
      spec,
      { icmp: () => (engine ??= IcmpEngine.open({ families: family === undefined ? [4, 6] : [family] })) },
      controller.signal,
    );
    if (result.error === 'no_socket')
      process.stderr.write(
        `flowlens synth: no raw ICMP socket (${engine?.unavailableReason(family ?? (result.address.includes(':') ? 6 : 4))}): run as root or with CAP_NET_RAW\n`,
      );
    process.stdout.write(format === 'json' ? `${JSON.stringify(result)}\n` : runner.text(result, spec));
    return result.ok ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    engine?.close();
  }
}

export async function run(args: string[]): Promise<number> {
  if (args[0] === 'run') return runOnce(args.slice(1));
  if (args.length === 0 || args[0] === '--help' || args[0] === '-h') {
    process.stdout.write(usage);
    return args.length === 0 ? 2 : 0;
  }
  if (loadAgent === undefined)
    return fail('the long-running agent (synth --server URL) is not available yet');
  return (await loadAgent()).run(args);
}
