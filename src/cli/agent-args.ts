import { parseArgs } from 'node:util';
import type { AgentConfig } from '../agent/config.js';
import { defaultAgentConfig } from '../agent/config.js';
import {
  type AgentExportValues,
  agentExportOptions,
  agentExportUsage,
} from '../agent/export/agent-export.js';
import { type LiveSourceOptions, liveOptions, liveUsage, parseLiveFlags } from '../agent/live/live-flags.js';
import {
  type AgentOpsConfig,
  agentOpsOptions,
  agentOpsUsage,
  parseAgentOpsFlags,
} from '../agent/ops/agent-ops-flags.js';

export const agentUsage = `Usage: flowlens agent --read FILE [options]
       flowlens agent --interface IF [--filter BPF] [--run-as USER] [options]

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

${liveUsage}
Sending the records (docs/agent-export.md); records are then not printed unless --format is given:
${agentExportUsage}
Operations (docs/agent.md "Operations"):
${agentOpsUsage}
A summary (packets, flows, records, skipped packets by reason, evictions, capture and decoder
errors) goes to standard error as its last line, in JSON. Exit status: 0 when the capture was
read (even with bad packets), 1 when it could not be opened or is not a capture, or when records
sent to a server were refused or lost, 2 on bad usage.
`;

export interface AgentOptions {
  /** The capture file (or '-'); undefined for a live capture. */
  readonly read: string | undefined;
  /** The live capture (--interface); undefined when reading a file. */
  readonly live: LiveSourceOptions | undefined;
  readonly format: 'json' | 'text';
  readonly config: Partial<AgentConfig>;
  /** Whether records are printed: always, unless sent (--server, --ipfix) without --format. */
  readonly print: boolean;
  readonly export: AgentExportValues;
  readonly ops: AgentOpsConfig;
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
  let ops: AgentOpsConfig;
  try {
    ops = parseAgentOpsFlags(values);
  } catch (err) {
    return (err as Error).message;
  }
  const print = values.format !== undefined || (values.server === undefined && values.ipfix === undefined);
  let live: LiveSourceOptions | undefined;
  try {
    live = parseLiveFlags(values);
  } catch (err) {
    return (err as Error).message;
  }
  if (live !== undefined && values.read !== undefined) return '--read and --interface exclude each other';
  if (values.read === undefined && live === undefined) return '--read FILE or --interface IF is required';
  return { read: values.read, live, format, config, print, export: values, ops };
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
      ...agentExportOptions,
      ...agentOpsOptions,
      ...liveOptions,
    },
  });
}
