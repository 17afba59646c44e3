import { parseArgs } from 'node:util';
import type { AgentConfig } from '../agent/config.js';
import { defaultAgentConfig } from '../agent/config.js';

export const agentUsage = `Usage: flowlens agent --read FILE [options]

Turns the packets of a capture into flow records with TCP metrics and DNS, HTTP, DHCP and TLS
fields, and prints them, one per line. FILE may be pcap or pcapng; '-' reads standard input.

Options:
  -r, --read FILE                read packets from a capture file
  -f, --format json|text         json (default): one JSON object per record, schema column names,
                                 only the columns that are set; text: a compact line per record
      --timestamps received|capture
                                 received (default): flows are timed by the wall clock when the
                                 agent handles each packet (for --read: when the file is read);
                                 capture: by the capture's own timestamps
      --active-timeout S         export a flow with packets at least every S seconds (default 60);
                                 records also end at every minute boundary of the flow clock
      --idle-timeout S           forget a flow after S seconds without packets (default 30)
      --closed-timeout S         ... and a TCP flow after a RST or both FINs (default 5)
      --max-flows N              flows tracked at once (default 262144); past it the least
                                 recently seen flow is exported and evicted (counted)
  -h, --help                     print this help

A summary (packets, flows, records, skipped packets by reason, evictions, capture and decoder
errors) goes to standard error as its last line, in JSON. Exit status: 0 when the capture was
read (even with bad packets), 1 when it could not be opened or is not a capture, 2 on bad usage.
`;

export interface AgentOptions {
  readonly read: string;
  readonly format: 'json' | 'text';
  readonly config: Partial<AgentConfig>;
}

function seconds(name: string, text: string | undefined): number | string | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!/^\d+(\.\d+)?$/.test(text) || !(v > 0) || v > 86_400 * 365)
    return `--${name} must be a positive number of seconds, not '${text}'`;
  return v * 1000;
}

/** The options, an error message, or undefined for --help. */
export function parseAgentArgs(args: string[]): AgentOptions | string | undefined {
  let values: ReturnType<typeof parse>['values'];
  try {
    values = parse(args).values;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
  if (values.help) return undefined;
  const format = values.format ?? 'json';
  if (format !== 'json' && format !== 'text') return `--format must be json or text, not '${format}'`;
  const timestamps = values.timestamps ?? defaultAgentConfig.timestamps;
  if (timestamps !== 'received' && timestamps !== 'capture')
    return `--timestamps must be received or capture, not '${timestamps}'`;
  const config: { -readonly [K in keyof AgentConfig]?: AgentConfig[K] } = { timestamps };
  for (const [name, key] of [
    ['active-timeout', 'activeTimeoutMs'],
    ['idle-timeout', 'idleTimeoutMs'],
    ['closed-timeout', 'closedTimeoutMs'],
  ] as const) {
    const ms = seconds(name, values[name]);
    if (typeof ms === 'string') return ms;
    if (ms !== undefined) config[key] = ms;
  }
  if (values['max-flows'] !== undefined) {
    const n = Number(values['max-flows']);
    if (!/^\d+$/.test(values['max-flows']) || n < 1 || n > 1 << 26)
      return `--max-flows must be an integer from 1 to ${1 << 26}, not '${values['max-flows']}'`;
    config.maxFlows = n;
  }
  if (values.read === undefined) return '--read FILE is required';
  return { read: values.read, format, config };
}

function parse(args: string[]) {
  return parseArgs({
    args,
    strict: true,
    options: {
      read: { type: 'string', short: 'r' },
      format: { type: 'string', short: 'f' },
      timestamps: { type: 'string' },
      'active-timeout': { type: 'string' },
      'idle-timeout': { type: 'string' },
      'closed-timeout': { type: 'string' },
      'max-flows': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}
