import { parseHostPort, putUrl } from '../../metrics/opentsdb-address.js';

/**
 * The operations flags of `flowlens agent` (for node:util parseArgs): the health-check socket,
 * the metrics/health HTTP listener, the OpenTSDB push, and how long a --read run waits for the
 * server to acknowledge its last records.
 */
export const agentOpsOptions = {
  'health-port': { type: 'string' },
  'health-listen': { type: 'string' },
  'metrics-listen': { type: 'string' },
  'opentsdb-telnet': { type: 'string' },
  'opentsdb-url': { type: 'string' },
  'flush-timeout': { type: 'string' },
} as const;

export const agentOpsUsage = `  --health-port N       health-check socket: \`nc 127.0.0.1 N\` prints build, uptime and the
                        status of capture, flow table and export (default 10001 for a live
                        capture or --read -, off for --read FILE; 0: off)
  --health-listen ADDR  its address (default 127.0.0.1)
  --metrics-listen HOST:PORT
                        serve GET /metrics (Prometheus), GET /healthz (JSON; 503 when BAD) and,
                        to loopback clients, GET /debug/pprof/profile|heap
  --opentsdb-telnet HOST:PORT
                        push the metrics as OpenTSDB telnet put lines every 10 s
  --opentsdb-url URL    push the metrics as OpenTSDB HTTP POST /api/put every 10 s
  --flush-timeout S     at the end of --read, wait this long for the server to acknowledge the
                        last records (default 30); what is left stays in --spool-dir, or is lost
`;

export type AgentOpsValues = Partial<Record<keyof typeof agentOpsOptions, string | undefined>>;

export interface AgentOpsConfig {
  /** undefined: the default (10001 when the agent runs long, else off); 0: off. */
  readonly healthPort: number | undefined;
  readonly healthListen: string;
  readonly metricsListen: { host: string; port: number } | undefined;
  readonly opentsdbTelnet: string | undefined;
  readonly opentsdbUrl: string | undefined;
  readonly metricsIntervalMs: number;
  readonly flushTimeoutMs: number;
}

export const defaultHealthPort = 10001;

/** The flags' config; throws an Error with a readable message on a bad value. */
export function parseAgentOpsFlags(values: AgentOpsValues): AgentOpsConfig {
  const healthPort = values['health-port'] === undefined ? undefined : port(values['health-port']);
  let metricsListen: AgentOpsConfig['metricsListen'];
  if (values['metrics-listen'] !== undefined) {
    try {
      metricsListen = parseHostPort(values['metrics-listen']);
    } catch (err) {
      throw new Error(`--metrics-listen: ${(err as Error).message}`);
    }
  }
  const check = (flag: string, text: string | undefined, parse: (t: string) => unknown) => {
    if (text === undefined) return undefined;
    try {
      parse(text);
    } catch (err) {
      throw new Error(`--${flag}: ${(err as Error).message}`);
    }
    return text;
  };
  const flush = values['flush-timeout'];
  const flushSeconds = flush === undefined ? 30 : Number(flush);
  if (flush !== undefined && !(/^\d+(\.\d+)?$/.test(flush) && flushSeconds <= 86_400))
    throw new Error(`--flush-timeout must be a number of seconds (0 to 86400), not '${flush}'`);
  return {
    healthPort,
    healthListen: values['health-listen'] ?? '127.0.0.1',
    metricsListen,
    opentsdbTelnet: check('opentsdb-telnet', values['opentsdb-telnet'], parseHostPort),
    opentsdbUrl: check('opentsdb-url', values['opentsdb-url'], putUrl),
    metricsIntervalMs: 10_000,
    flushTimeoutMs: flushSeconds * 1000,
  };
}

function port(text: string): number {
  const n = Number(text);
  if (!/^\d{1,5}$/.test(text) || n > 65535) throw new Error(`--health-port must be 0-65535, not '${text}'`);
  return n;
}
