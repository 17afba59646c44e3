import { parseArgs } from 'node:util';
import { ConfigError, checkOption, type ServerConfig } from './config.js';

/** Flags of `flowlens server` that set a config key, with the key they set. */
const valueFlags = {
  data: 'data',
  listen: 'listen',
  'netflow-port': 'netflowPort',
  'sflow-port': 'sflowPort',
  'ipfix-tcp-port': 'ipfixTcpPort',
  'http-port': 'httpPort',
  'http-listen': 'httpListen',
  'pg-port': 'pgPort',
  'pg-listen': 'pgListen',
  'query-workers': 'queryWorkers',
  'query-timeout-ms': 'queryTimeoutMs',
  'health-port': 'healthPort',
  'health-listen': 'healthListen',
  'recv-buffer-size': 'recvBufferSize',
  'retention-days': 'retentionDays',
  fsync: 'fsync',
  'grace-ms': 'graceMs',
  'compact-after-ms': 'compactAfterMs',
  'maintenance-interval-ms': 'maintenanceIntervalMs',
  'opentsdb-telnet': 'opentsdbTelnet',
  'opentsdb-url': 'opentsdbUrl',
  'metrics-interval-ms': 'metricsIntervalMs',
  'metrics-store-interval-ms': 'metricsStoreIntervalMs',
  'metrics-retention-days': 'metricsRetentionDays',
  'synth-retention-days': 'synthRetentionDays',
  'log-level': 'logLevel',
  'log-format': 'logFormat',
} as const satisfies Record<string, keyof ServerConfig>;

const numericKeys = new Set<keyof ServerConfig>([
  'netflowPort',
  'sflowPort',
  'ipfixTcpPort',
  'httpPort',
  'pgPort',
  'healthPort',
  'recvBufferSize',
  'retentionDays',
  'graceMs',
  'compactAfterMs',
  'maintenanceIntervalMs',
  'queryWorkers',
  'queryTimeoutMs',
  'metricsIntervalMs',
  'metricsStoreIntervalMs',
  'metricsRetentionDays',
  'synthRetentionDays',
]);

export interface ServerArgs {
  help: boolean;
  configFile: string | undefined;
  /** Only the options given on the command line: they override the config file. */
  flags: Partial<ServerConfig>;
}

export function parseServerArgs(args: string[]): ServerArgs {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(args);
  } catch (err) {
    throw new ConfigError(`${(err as Error).message} (see 'flowlens server --help')`);
  }
  const { values } = parsed;
  const flags: Partial<Record<keyof ServerConfig, unknown>> = {};
  for (const [flag, key] of Object.entries(valueFlags)) {
    const raw = values[flag as keyof typeof valueFlags];
    if (raw === undefined) continue;
    const value = numericKeys.has(key) && /^\d+$/.test(raw) ? Number(raw) : raw;
    flags[key] = checkOption(key, value, `--${flag}`);
  }
  if (values.quiet) flags.quiet = true;
  if (values.print) flags.print = true;
  if (values.demo) flags.demo = true;
  if (values['auto-register'] && values['no-auto-register'])
    throw new ConfigError('--auto-register and --no-auto-register contradict each other');
  if (values['auto-register']) flags.autoRegister = true;
  if (values['no-auto-register']) flags.autoRegister = false;
  return { help: values.help === true, configFile: values.config, flags: flags as Partial<ServerConfig> };
}

function parse(args: string[]) {
  const strings = Object.fromEntries(
    Object.keys(valueFlags).map((flag) => [flag, { type: 'string' as const }]),
  ) as {
    [F in keyof typeof valueFlags]: { type: 'string' };
  };
  return parseArgs({
    args,
    strict: true,
    allowPositionals: false,
    options: {
      ...strings,
      config: { type: 'string' },
      quiet: { type: 'boolean', short: 'q' },
      print: { type: 'boolean' },
      demo: { type: 'boolean' },
      'auto-register': { type: 'boolean' },
      'no-auto-register': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
}

export const serverUsage = `Usage: flowlens server --data DIR [options]

Runs the collector, the flow store and the query engine: receives NetFlow v5/v9, IPFIX and sFlow v5
from routers and switches, maps each exporter to a device of a tenant, stores every flow in the
embedded store under DIR, and answers SQL over the PostgreSQL protocol (psql, Grafana, drivers) and
an HTTP API (query, flows as JSON lines, status), both on loopback by default. Users log in with a
password (psql, HTTP Basic) or a bearer token (HTTP); the built-in user is flowlens / flowlens
(tenant default), replaced by "users" in the config file:
  psql -h 127.0.0.1 -p 5433 -U flowlens flowlens
With --demo, simulated routers send realistic NetFlow v9 to the server's own port, so queries
return rows within a minute of a fresh start.

Options (each also settable in the config file under the name in brackets):
  --data DIR              data directory, created if missing: flow store, templates, device ids [data]
  --config FILE           JSON config file; flags override it (see docs/collector.md)
  --listen ADDR           address to bind the flow listeners to (default 0.0.0.0; '::' for
                          IPv4+IPv6) [listen]
  --netflow-port N        UDP port for NetFlow v5/v9 and IPFIX (default 2055) [netflowPort]
  --sflow-port N          UDP port for sFlow v5 (default 6343) [sflowPort]
  --ipfix-tcp-port N      TCP port for IPFIX (default 4739) [ipfixTcpPort]
  --http-port N           HTTP API port: query, ingest, status (default 8080) [httpPort]
  --http-listen ADDR      address the HTTP API binds to (default 127.0.0.1; see docs/rest.md
                          before opening it to a network) [httpListen]
  --pg-port N             PostgreSQL wire-protocol port (default 5433) [pgPort]
  --pg-listen ADDR        address the PostgreSQL listener binds to (default 127.0.0.1) [pgListen]
  --health-port N         health-check socket: \`nc 127.0.0.1 10001\` prints build, uptime and each
                          component's status (default 10001; see docs/operations.md) [healthPort]
  --health-listen ADDR    address the health socket binds to (default 127.0.0.1) [healthListen]
  --recv-buffer-size N    UDP receive buffer in bytes (default 33554432; capped by
                          net.core.rmem_max) [recvBufferSize]
  --no-auto-register      refuse (and count) exporters that are not configured devices [autoRegister]
  --auto-register         register unknown exporters as devices (the default)
  --print                 also print every flow as a JSON line on stdout [print]
  -q, --quiet             do not print flows, even with --print [quiet]
  --demo                  run the demo exporter: 4 simulated routers (127.0.0.11-14) send
                          NetFlow v9 to the NetFlow port; without it only real exports arrive [demo]

Query options:
  --query-workers N       query worker threads; 0 = one per core (the default) [queryWorkers]
  --query-timeout-ms N    a query running longer is cancelled (57014; default 60000; 0 = none; a
                          session's statement_timeout can lower it) [queryTimeoutMs]
  Config file only, per tenant: queryRate (queries per second, default 50) and queryBurst
  (default 100), maxConcurrentQueries (default 16), maxRowsScanned per query (default 2e9);
  over a limit a query gets SQLSTATE 53400 saying when to retry. memoBytes: memory for memoized
  results over sealed minutes (default 268435456). pgTlsCert and pgTlsKey: PEM files; with both,
  psql's sslmode=require gets TLS. pgAuth: "scram-sha-256" (the default) or "password".

Metrics options (GET /metrics on the HTTP port serves Prometheus; see docs/metrics.md):
  --opentsdb-telnet HOST:PORT
                          push the metrics as OpenTSDB telnet put lines [opentsdbTelnet]
  --opentsdb-url URL      push the metrics as OpenTSDB HTTP POST /api/put [opentsdbUrl]
  --metrics-interval-ms N how often the metrics are pushed (default 10000) [metricsIntervalMs]
  --metrics-store-interval-ms N
                          how often the metrics are stored in the SQL table "metrics" (admins
                          only; default 10000; 0 = never) [metricsStoreIntervalMs]
  --metrics-retention-days N
                          days the metrics table keeps (default 30) [metricsRetentionDays]

Synthetic monitoring (docs/synth.md; agents' pre-shared tokens: "synthTokens" in the config file):
  --synth-retention-days N
                          days the synth_* result tables keep (default 30) [synthRetentionDays]

Log options (stderr; see docs/operations.md "Logs"):
  --log-level LEVEL       error, warn, info (the default) or debug [logLevel]
  --log-format FORMAT     json (one object per line) or text (one readable line); default text
                          when stderr is a terminal, json otherwise [logFormat]

Store options:
  --retention-days N      days of flows kept per tenant (default 30) [retentionDays]
  --fsync POLICY          WAL fsync: always (before acknowledging; the default), never, or
                          interval(MS) [fsync]
  --grace-ms N            late flows of a minute are awaited this long after it ends, then the
                          minute is sealed (default 90000) [graceMs]
  --compact-after-ms N    hours that ended this long ago are compacted into hourly files
                          (default 7200000) [compactAfterMs]
  --maintenance-interval-ms N
                          how often compaction and rollups run; retention every 10 times as
                          long (default 60000) [maintenanceIntervalMs]
  -h, --help              this help

A port of 0 disables that listener. Devices and per-device sampling-rate overrides are set in the
config file ("devices": [{"address": "192.0.2.1", "name": "edge1", "tenant": "acme",
"sampleRate": 1000}]), and so are users and tokens ("users": [{"name": "noc", "password": "…",
"tenant": "acme"}], "tokens": [{"token": "…", "user": "noc"}]). SIGINT or SIGTERM stops the
server cleanly: the listeners close (running queries are cancelled), the collector delivers what
it holds, the store makes it durable and seals open minutes, templates are saved. More in
docs/collector.md, docs/store.md, docs/query.md, docs/pg.md, docs/rest.md, docs/ingest-api.md and
docs/operations.md (health socket, /healthz, profiling, fail points).
`;
